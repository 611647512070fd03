//! `<scroll-view>`: a scrolling area.

use crate::PropertyKind::{Boolean, Color, Length, OneOf, String};
use crate::{Component, Event, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "scroll-view",
    summary: "An area that scrolls along x or y, with its own pull-down refresher.",
    properties: &[
        Property::new(&["scroll-x", "scrollX"], Boolean, "false"),
        Property::new(&["scroll-y", "scrollY"], Boolean, "false"),
        Property::new(&["upper-threshold", "upperThreshold"], Length, "50"),
        Property::new(&["lower-threshold", "lowerThreshold"], Length, "50"),
        Property::new(&["scroll-top", "scrollTop"], Length, ""),
        Property::new(&["scroll-left", "scrollLeft"], Length, ""),
        Property::new(&["scroll-into-view", "scrollIntoView"], String, ""),
        Property::new(
            &["scroll-with-animation", "scrollWithAnimation"],
            Boolean,
            "false",
        ),
        Property::new(&["refresher-enabled", "refresherEnabled"], Boolean, "false"),
        Property::new(&["refresher-threshold", "refresherThreshold"], Length, "45"),
        Property::new(
            &["refresher-default-style", "refresherDefaultStyle"],
            OneOf(&["black", "white", "none"]),
            "black",
        ),
        Property::new(
            &["refresher-background", "refresherBackground"],
            Color,
            "#FFF",
        ),
        Property::new(
            &["refresher-triggered", "refresherTriggered"],
            Boolean,
            "false",
        ),
    ],
    events: &[
        Event::new(
            "scroll",
            "{ scrollTop, scrollLeft, scrollHeight, scrollWidth, deltaX, deltaY }",
        ),
        Event::new("scrolltoupper", "{ direction }"),
        Event::new("scrolltolower", "{ direction }"),
        Event::new(
            "refresherpulling",
            "{ dy }: how far the refresher is pulled",
        ),
        Event::new("refresherrefresh", "{}: let go past the threshold"),
        Event::new(
            "refresherrestore",
            "{}: refresher-triggered set false, it went back",
        ),
        Event::new("refresherabort", "{}: let go before the threshold"),
    ],
}];
