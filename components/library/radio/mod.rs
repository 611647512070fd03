//! `<radio>` and `<radio-group>`.

use crate::PropertyKind::{Boolean, Color, String};
use crate::{Component, Event, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[
    Component {
        tag: "radio",
        summary: "One choice of its group.",
        properties: &[
            Property::new(&["value"], String, ""),
            Property::new(&["checked"], Boolean, "false"),
            Property::new(&["disabled"], Boolean, "false"),
            Property::new(&["color"], Color, "#09BB07"),
        ],
        events: &[Event::new("change", "{ value: true } (Alipay)")],
    },
    Component {
        tag: "radio-group",
        summary: "The radios inside it, at most one checked.",
        properties: &[Property::new(&["name"], String, "")],
        events: &[Event::new(
            "change",
            "{ value: the value of the checked radio }",
        )],
    },
];
