//! `<scroll-view>`: a scrolling area.

use crate::PropertyKind::{Boolean, Length, String};
use crate::{Component, Event, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "scroll-view",
    summary: "An area that scrolls along x or y.",
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
    ],
    events: &[
        Event::new(
            "scroll",
            "{ scrollTop, scrollLeft, scrollHeight, scrollWidth, deltaX, deltaY }",
        ),
        Event::new("scrolltoupper", "{ direction }"),
        Event::new("scrolltolower", "{ direction }"),
    ],
}];
