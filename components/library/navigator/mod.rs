//! `<navigator>`: a link to a page.

use crate::PropertyKind::{Boolean, Number, OneOf, String};
use crate::{Component, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "navigator",
    summary: "A tap opens url the way open-type says.",
    properties: &[
        Property::new(&["url"], String, ""),
        Property::new(
            &["open-type", "openType"],
            OneOf(&[
                "navigate",
                "redirect",
                "switchTab",
                "reLaunch",
                "navigateBack",
                "exit",
            ]),
            "navigate",
        ),
        Property::new(&["delta"], Number, "1"),
        Property::new(&["hover-class", "hoverClass"], String, "navigator-hover"),
        Property::new(
            &["hover-stop-propagation", "hoverStopPropagation"],
            Boolean,
            "false",
        ),
        Property::new(&["hover-start-time", "hoverStartTime"], Number, "50"),
        Property::new(&["hover-stay-time", "hoverStayTime"], Number, "400"),
    ],
    events: &[],
}];
