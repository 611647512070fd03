//! `<page-meta>` and `<navigation-bar>`: window and page settings in the template.

use crate::PropertyKind::{Boolean, Color, Length, Number, OneOf, String};
use crate::{Component, Event, Property};

/// What the reference and the template layer know of them.
pub(crate) const COMPONENTS: &[Component] = &[
    Component {
        tag: "page-meta",
        summary: "As the page's first node: sets the window's background colours and text style \
                  as setBackgroundColor / setBackgroundTextStyle would, the page node's style and \
                  font size, the rem font size, and scrolls the page when scroll-top is set. \
                  Draws nothing.",
        properties: &[
            Property::new(
                &["background-text-style", "backgroundTextStyle"],
                OneOf(&["dark", "light"]),
                "",
            ),
            Property::new(&["background-color", "backgroundColor"], Color, ""),
            Property::new(&["background-color-top", "backgroundColorTop"], Color, ""),
            Property::new(&["background-color-bottom", "backgroundColorBottom"], Color, ""),
            Property::new(&["root-background-color", "rootBackgroundColor"], Color, ""),
            Property::new(&["scroll-top", "scrollTop"], Length, ""),
            Property::new(&["scroll-duration", "scrollDuration"], Number, "300"),
            Property::new(&["page-style", "pageStyle"], String, ""),
            Property::new(&["page-font-size", "pageFontSize"], Length, ""),
            Property::new(&["root-font-size", "rootFontSize"], Length, ""),
        ],
        events: &[
            Event::new("scroll", "{ scrollTop } as the page scrolls"),
            Event::new("scrolldone", "{} once a scroll-top change has scrolled the page"),
            Event::new("resize", "{ size: { windowWidth, windowHeight } }"),
        ],
    },
    Component {
        tag: "navigation-bar",
        summary: "As the first node of the page's page-meta: the navigation bar's title, colours \
                  and loading, as setNavigationBarTitle / setNavigationBarColor / \
                  showNavigationBarLoading would set them. Draws nothing.",
        properties: &[
            Property::new(&["title"], String, ""),
            Property::new(&["loading"], Boolean, "false"),
            Property::new(
                &["front-color", "frontColor"],
                OneOf(&["#ffffff", "#000000"]),
                "",
            ),
            Property::new(&["background-color", "backgroundColor"], Color, ""),
        ],
        events: &[],
    },
];
