//! `<editor>`: rich text edited in place, driven by its EditorContext.

use crate::PropertyKind::{Boolean, String};
use crate::{Component, Event, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "editor",
    summary: "Rich text the user edits in place. Its context comes from a selector query's \
              context(): format, insertText, insertImage, insertDivider, setContents \
              (sanitised as rich-text is), getContents ({html, text, delta}), \
              getSelectionText, clear, removeFormat, undo, redo, blur, scrollIntoView.",
    properties: &[
        Property::new(&["read-only"], Boolean, "false"),
        Property::new(&["placeholder"], String, ""),
    ],
    events: &[
        Event::new("ready", "{} once it can be used"),
        Event::new("focus", "{ html, text, delta }"),
        Event::new("blur", "{ html, text, delta }"),
        Event::new("input", "{ html, text, delta } after each change"),
        Event::new(
            "statuschange",
            "the formats where the caret is (bold, italic, header, list, align, color, …)",
        ),
    ],
}];
