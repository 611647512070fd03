//! `<text>`: inline text.

use crate::PropertyKind::{Boolean, Number, OneOf};
use crate::{Component, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "text",
    summary: "Inline text; space keeps runs of spaces, selectable lets the user select it, decode decodes &nbsp; &lt; &gt; &amp; &apos; &ensp; &emsp; in its {{ }} text (typed text is decoded always), number-of-lines (Alipay) clamps it.",
    properties: &[
        Property::new(&["selectable"], Boolean, "false"),
        Property::new(&["user-select", "userSelect"], Boolean, "false"),
        Property::new(&["space"], OneOf(&["ensp", "emsp", "nbsp"]), ""),
        Property::new(&["decode"], Boolean, "false"),
        Property::new(&["number-of-lines", "numberOfLines"], Number, ""),
    ],
    events: &[],
}];
