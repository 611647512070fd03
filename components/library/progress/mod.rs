//! `<progress>`: a progress bar.

use crate::PropertyKind::{Boolean, Color, Length, Number};
use crate::{Component, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "progress",
    summary: "A bar filled to percent.",
    properties: &[
        Property::new(&["percent"], Number, "0"),
        Property::new(&["show-info", "showInfo"], Boolean, "false"),
        Property::new(&["stroke-width", "strokeWidth"], Length, "6"),
        Property::new(&["activeColor", "active-color"], Color, "#09BB07"),
        Property::new(&["backgroundColor", "background-color"], Color, "#EBEBEB"),
        Property::new(&["active"], Boolean, "false"),
    ],
    events: &[],
}];
