//! `<switch>`: an on/off switch.

use crate::PropertyKind::{Boolean, Color, OneOf, String};
use crate::{Component, Event, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "switch",
    summary: "A switch (or a checkbox with type checkbox) a tap flips.",
    properties: &[
        Property::new(&["checked"], Boolean, "false"),
        Property::new(&["disabled"], Boolean, "false"),
        Property::new(&["type"], OneOf(&["switch", "checkbox"]), "switch"),
        Property::new(&["color"], Color, "#04BE02"),
        Property::new(&["name"], String, ""),
    ],
    events: &[Event::new("change", "{ value: boolean }")],
}];
