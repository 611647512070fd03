//! `<rich-text>`: sanitised HTML.

use crate::PropertyKind::{Boolean, Data, OneOf};
use crate::{Component, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "rich-text",
    summary: "HTML from a string or a node array, with scripts, frames and handlers removed.",
    properties: &[
        Property::new(&["nodes"], Data, "[]"),
        Property::new(&["space"], OneOf(&["ensp", "emsp", "nbsp"]), ""),
        Property::new(&["user-select", "userSelect"], Boolean, "false"),
    ],
    events: &[],
}];
