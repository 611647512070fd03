//! `<view>`: the box everything is built of.

use crate::PropertyKind::{Boolean, Data, Number, String};
use crate::{Component, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "view",
    summary: "A block container; hover-class shows while it is pressed.",
    properties: &[
        Property::new(&["hover-class", "hoverClass"], String, "none"),
        Property::new(
            &["hover-stop-propagation", "hoverStopPropagation"],
            Boolean,
            "false",
        ),
        Property::new(&["hover-start-time", "hoverStartTime"], Number, "50"),
        Property::new(&["hover-stay-time", "hoverStayTime"], Number, "400"),
        Property::new(&["animation"], Data, ""),
    ],
    events: &[],
}];
