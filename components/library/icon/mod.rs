//! `<icon>`: the platforms' icons.

use crate::PropertyKind::{Color, Length, OneOf};
use crate::{Component, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "icon",
    summary: "An icon of the platforms' set, in the size and colour asked for; Alipay's loading is a spinner.",
    properties: &[
        Property::new(
            &["type"],
            OneOf(&[
                "success",
                "success_no_circle",
                "info",
                "warn",
                "waiting",
                "cancel",
                "download",
                "search",
                "clear",
                "loading",
            ]),
            "",
        ),
        Property::new(&["size"], Length, "23"),
        Property::new(&["color"], Color, ""),
    ],
    events: &[],
}];
