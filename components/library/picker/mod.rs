//! `<picker>`: a value chosen on wheels in a sheet from the bottom of the screen.

use crate::PropertyKind::{Boolean, Data, OneOf, String};
use crate::{Component, Event, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "picker",
    summary: "A tap opens wheels to choose from: a list (selector), several lists \
              (multiSelector), a time, a date or a region; Confirm reports change.",
    properties: &[
        Property::new(
            &["mode"],
            OneOf(&["selector", "multiSelector", "time", "date", "region"]),
            "selector",
        ),
        Property::new(&["range"], Data, "[]"),
        Property::new(&["range-key", "rangeKey"], String, ""),
        Property::new(&["value"], Data, "0"),
        Property::new(&["start"], String, ""),
        Property::new(&["end"], String, ""),
        Property::new(&["fields"], OneOf(&["year", "month", "day"]), "day"),
        Property::new(&["custom-item", "customItem"], String, ""),
        Property::new(&["header-text", "title"], String, ""),
        Property::new(&["disabled"], Boolean, "false"),
        Property::new(&["name"], String, ""),
    ],
    events: &[
        Event::new(
            "change",
            "{ value }: selector an index, multiSelector an index per column, time \"hh:mm\", \
             date \"YYYY-MM-DD\" (or shorter by fields), region the names (and code)",
        ),
        Event::new(
            "columnchange",
            "{ column, value }: multiSelector, a column settled on a row (each column a test's change turns, before change)",
        ),
        Event::new("cancel", "{}"),
    ],
}];
