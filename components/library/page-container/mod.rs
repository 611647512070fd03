//! `<page-container>`: a popup layer holding the app's content, over the page.

use crate::PropertyKind::{Boolean, Number, OneOf, String};
use crate::{Component, Event, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "page-container",
    summary: "A popup layer over the page with its content, sliding in from a side (or fading in \
              at the centre) over a mask; tapping the mask closes it.",
    properties: &[
        Property::new(&["show"], Boolean, "false"),
        Property::new(&["duration"], Number, "300"),
        Property::new(&["z-index"], Number, "100"),
        Property::new(&["overlay"], Boolean, "true"),
        Property::new(
            &["position"],
            OneOf(&["top", "bottom", "right", "center"]),
            "bottom",
        ),
        Property::new(&["round"], Boolean, "false"),
        Property::new(&["close-on-slide-down"], Boolean, "false"),
        Property::new(&["overlay-style"], String, ""),
        Property::new(&["custom-style"], String, ""),
    ],
    events: &[
        Event::new("beforeenter", "{} before it starts to come in"),
        Event::new("enter", "{} as it comes in"),
        Event::new("afterenter", "{} once it is in, after duration"),
        Event::new("beforeleave", "{} before it starts to leave"),
        Event::new("leave", "{} as it leaves"),
        Event::new("afterleave", "{} once it is gone, after duration"),
        Event::new("clickoverlay", "{} the mask was tapped (it then leaves)"),
        Event::new("entercancelled", "{} it was told to leave while coming in"),
        Event::new("leavecancelled", "{} it was told to show while leaving"),
    ],
}];
