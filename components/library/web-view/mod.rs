//! `<web-view>`: an H5 page over the mini-program page.

use crate::PropertyKind::Path;
use crate::{Component, Event, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "web-view",
    summary: "An H5 page of the package or of a domain the app declares, filling the page; it \
              talks to the app through the web-view SDK.",
    properties: &[Property::new(&["src"], Path, "")],
    events: &[
        Event::new(
            "message",
            "{ data }: what the H5 page posted (WeChat: the list, when the page is left)",
        ),
        Event::new("load", "{ src }"),
        Event::new("error", "{ url, fullUrl }: a page the app may not show"),
    ],
}];
