//! `<progress>`: a progress bar.

use crate::PropertyKind::{Boolean, Color, Length, Number, OneOf};
use crate::{Component, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "progress",
    summary: "A track and a bar filled to percent, the percent at the right with show-info; active fills it from 0 (forwards: from where it was) at duration ms per 1%.",
    properties: &[
        Property::new(&["percent"], Number, "0"),
        Property::new(&["show-info", "showInfo"], Boolean, "false"),
        Property::new(&["border-radius", "borderRadius"], Length, "0"),
        Property::new(&["font-size", "fontSize"], Length, "16"),
        Property::new(&["stroke-width", "strokeWidth"], Length, "6"),
        Property::new(&["activeColor", "active-color", "color"], Color, "#09BB07"),
        Property::new(&["backgroundColor", "background-color"], Color, "#EBEBEB"),
        Property::new(&["active"], Boolean, "false"),
        Property::new(
            &["active-mode", "activeMode"],
            OneOf(&["backwards", "forwards"]),
            "backwards",
        ),
        Property::new(&["duration"], Number, "30"),
    ],
    events: &[],
}];
