//! `<checkbox>` and `<checkbox-group>`.

use crate::PropertyKind::{Boolean, Color, String};
use crate::{Component, Event, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[
    Component {
        tag: "checkbox",
        summary: "A box a tap checks and unchecks.",
        properties: &[
            Property::new(&["value"], String, ""),
            Property::new(&["checked"], Boolean, "false"),
            Property::new(&["disabled"], Boolean, "false"),
            Property::new(&["color"], Color, "#09BB07"),
        ],
        events: &[Event::new(
            "change",
            "{ value: boolean } (Alipay): a tap, or its group's change, checked or unchecked it",
        )],
    },
    Component {
        tag: "checkbox-group",
        summary: "The checkboxes inside it, reported together.",
        properties: &[Property::new(&["name"], String, "")],
        events: &[Event::new(
            "change",
            "{ value: the values of the checked boxes }",
        )],
    },
];
