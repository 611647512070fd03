//! `<cover-view>` and `<cover-image>`: text and pictures drawn over native components.

use crate::PropertyKind::{Length, OneOf, Path};
use crate::{Component, Event, Property};

/// What the reference and the template layer know of them.
pub(crate) const COMPONENTS: &[Component] = &[
    Component {
        tag: "cover-view",
        summary: "A box drawn above native components: one line of text (nowrap, line-height 1.2), \
                  clipped to the box.",
        properties: &[Property::new(&["scroll-top"], Length, "")],
        events: &[],
    },
    Component {
        tag: "cover-image",
        summary: "A picture drawn above native components, at its own size unless styled.",
        properties: &[
            Property::new(&["src"], Path, ""),
            Property::new(
                &["referrer-policy"],
                OneOf(&["origin", "no-referrer"]),
                "no-referrer",
            ),
        ],
        events: &[
            Event::new("load", "{ width, height } of the picture"),
            Event::new("error", "{ errMsg }"),
        ],
    },
];
