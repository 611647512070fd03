//! `<root-portal>`: its children drawn out of the page's flow, above it.

use crate::PropertyKind::Boolean;
use crate::{Component, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "root-portal",
    summary: "Draws its children out of the page's flow, fixed over the page area above \
              everything else of the page (as position: fixed would, whatever the ancestors).",
    properties: &[Property::new(&["enable"], Boolean, "true")],
    events: &[],
}];
