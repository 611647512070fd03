//! `<swiper>` and `<swiper-item>`: slides.

use crate::PropertyKind::{Boolean, Color, Length, Number, OneOf, String};
use crate::{Component, Event, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[
    Component {
        tag: "swiper",
        summary: "Slides shown one at a time, swiped or played in turn, with a dot per slide (indicator-dots).",
        properties: &[
            Property::new(&["indicator-dots", "indicatorDots"], Boolean, "false"),
            Property::new(
                &["indicator-color", "indicatorColor"],
                Color,
                "rgba(0, 0, 0, .3)",
            ),
            Property::new(
                &["indicator-active-color", "indicatorActiveColor"],
                Color,
                "#000000",
            ),
            Property::new(&["autoplay"], Boolean, "false"),
            Property::new(&["current"], Number, "0"),
            Property::new(&["interval"], Number, "5000"),
            Property::new(&["duration"], Number, "500"),
            Property::new(&["circular"], Boolean, "false"),
            Property::new(&["vertical"], Boolean, "false"),
            Property::new(&["previous-margin", "previousMargin"], Length, "0px"),
            Property::new(&["next-margin", "nextMargin"], Length, "0px"),
            Property::new(
                &["display-multiple-items", "displayMultipleItems"],
                Number,
                "1",
            ),
            Property::new(
                &["easing-function", "easingFunction"],
                OneOf(&[
                    "default",
                    "linear",
                    "easeInCubic",
                    "easeOutCubic",
                    "easeInOutCubic",
                ]),
                "default",
            ),
        ],
        events: &[
            Event::new("change", "{ current, currentItemId, source }"),
            Event::new(
                "animationfinish",
                "{ current, currentItemId, source } (WeChat; Alipay's is animationEnd)",
            ),
            Event::new(
                "animationEnd",
                "{ current, currentItemId, source } (Alipay, onAnimationEnd)",
            ),
        ],
    },
    Component {
        tag: "swiper-item",
        summary: "One slide.",
        properties: &[Property::new(&["item-id", "itemId"], String, "")],
        events: &[],
    },
];
