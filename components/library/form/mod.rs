//! `<form>`: collects its named fields.

use crate::PropertyKind::Boolean;
use crate::{Component, Event, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "form",
    summary: "Submits the value of every named field inside it, or resets them.",
    properties: &[Property::new(
        &["report-submit", "reportSubmit"],
        Boolean,
        "false",
    )],
    events: &[
        Event::new(
            "submit",
            "{ value: { name: value, ... } }; Alipay adds buttonTarget: { dataset } (the submit button's)",
        ),
        Event::new("reset", "{}"),
    ],
}];
