//! `<button>`: a button.

use crate::PropertyKind::{Boolean, Number, OneOf, String};
use crate::{Component, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "button",
    summary: "A button of every type and size, plain, loading or disabled; form-type submits or resets its form.",
    properties: &[
        Property::new(&["size"], OneOf(&["default", "mini"]), "default"),
        Property::new(
            &["type"],
            OneOf(&["primary", "default", "warn", "ghost"]),
            "default",
        ),
        Property::new(&["plain"], Boolean, "false"),
        Property::new(&["disabled"], Boolean, "false"),
        Property::new(&["loading"], Boolean, "false"),
        Property::new(&["form-type", "formType"], OneOf(&["submit", "reset"]), ""),
        Property::new(&["open-type", "openType"], String, ""),
        Property::new(&["hover-class", "hoverClass"], String, "button-hover"),
        Property::new(
            &["hover-stop-propagation", "hoverStopPropagation"],
            Boolean,
            "false",
        ),
        Property::new(&["hover-start-time", "hoverStartTime"], Number, "50"),
        Property::new(&["hover-stay-time", "hoverStayTime"], Number, "70"),
    ],
    events: &[],
}];
