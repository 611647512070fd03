//! `<label>`: taps reach its control.

use crate::PropertyKind::String;
use crate::{Component, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "label",
    summary: "A tap inside acts on the control named by for, else on the first control inside.",
    properties: &[Property::new(&["for"], String, "")],
    events: &[],
}];
