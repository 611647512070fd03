//! `<slider>`: a value picked by dragging a handle along a rail.

use crate::PropertyKind::{Boolean, Color, Length, Number, String};
use crate::{Component, Event, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "slider",
    summary: "A value between min and max on steps, dragged or tapped (a test's change lands on the nearest step).",
    properties: &[
        Property::new(&["min"], Number, "0"),
        Property::new(&["max"], Number, "100"),
        Property::new(&["step"], Number, "1"),
        Property::new(&["value"], Number, "0"),
        Property::new(&["disabled"], Boolean, "false"),
        Property::new(&["show-value", "showValue"], Boolean, "false"),
        Property::new(
            &["activeColor", "active-color", "selected-color"],
            Color,
            "#1aad19",
        ),
        Property::new(
            &["backgroundColor", "background-color", "color"],
            Color,
            "#e9e9e9",
        ),
        Property::new(&["block-size", "handleSize"], Length, "28"),
        Property::new(&["block-color", "handleColor"], Color, "#ffffff"),
        Property::new(&["trackSize", "track-size"], Length, "4"),
        Property::new(&["name"], String, ""),
    ],
    events: &[
        Event::new("changing", "{ value } while the handle is dragged"),
        Event::new("change", "{ value } when it is let go"),
    ],
}];
