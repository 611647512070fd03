//! `<picker-view>` and `<picker-view-column>`: wheels drawn in the page.

use crate::PropertyKind::{Data, String};
use crate::{Component, Event, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[
    Component {
        tag: "picker-view",
        summary: "Wheels in the page, one per picker-view-column; a column settling on a row \
                  reports change.",
        properties: &[
            Property::new(&["value"], Data, "[]"),
            Property::new(&["indicator-style", "indicatorStyle"], String, ""),
            Property::new(&["indicator-class", "indicatorClass"], String, ""),
            Property::new(&["mask-style", "maskStyle"], String, ""),
            Property::new(&["mask-class", "maskClass"], String, ""),
            Property::new(&["name"], String, ""),
        ],
        events: &[
            Event::new("change", "{ value: the row index of every column }"),
            Event::new("pickstart", "{}"),
            Event::new("pickend", "{}"),
        ],
    },
    Component {
        tag: "picker-view-column",
        summary: "One wheel of a picker-view: its children are the rows.",
        properties: &[],
        events: &[],
    },
];
