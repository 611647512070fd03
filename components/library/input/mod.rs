//! `<input>` and `<textarea>`: text fields.

use crate::PropertyKind::{Boolean, Number, OneOf, String};
use crate::{Component, Event, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[
    Component {
        tag: "input",
        summary: "A one-line text field; it holds at most maxlength characters (UTF-16 units; -1: no limit).",
        properties: &[
            Property::new(&["value"], String, ""),
            Property::new(
                &["type"],
                OneOf(&[
                    "text",
                    "number",
                    "idcard",
                    "digit",
                    "safe-password",
                    "nickname",
                    "numberpad",
                    "digitpad",
                    "idcardpad",
                ]),
                "text",
            ),
            Property::new(&["password"], Boolean, "false"),
            Property::new(&["placeholder"], String, ""),
            Property::new(&["placeholder-style", "placeholderStyle"], String, ""),
            Property::new(
                &["placeholder-class", "placeholderClass"],
                String,
                "input-placeholder",
            ),
            Property::new(&["disabled"], Boolean, "false"),
            Property::new(&["maxlength"], Number, "140"),
            Property::new(&["focus"], Boolean, "false"),
            Property::new(&["auto-focus"], Boolean, "false"),
            Property::new(
                &["confirm-type", "confirmType"],
                OneOf(&["send", "search", "next", "go", "done"]),
                "done",
            ),
            Property::new(&["confirm-hold", "confirmHold"], Boolean, "false"),
            Property::new(&["cursor"], Number, "-1"),
            Property::new(&["selection-start", "selectionStart"], Number, "-1"),
            Property::new(&["selection-end", "selectionEnd"], Number, "-1"),
            Property::new(&["controlled"], Boolean, "false"),
            Property::new(&["name"], String, ""),
        ],
        events: &[
            Event::new("input", "{ value, cursor }"),
            Event::new(
                "focus",
                "{ value, height } (height: the keyboard's, 0; Alipay: { value })",
            ),
            Event::new("blur", "{ value, cursor }"),
            Event::new("confirm", "{ value }"),
        ],
    },
    Component {
        tag: "textarea",
        summary: "A text field of several lines; it holds at most maxlength characters (UTF-16 units; -1: no limit).",
        properties: &[
            Property::new(&["value"], String, ""),
            Property::new(&["placeholder"], String, ""),
            Property::new(&["disabled"], Boolean, "false"),
            Property::new(&["maxlength"], Number, "140"),
            Property::new(&["focus"], Boolean, "false"),
            Property::new(&["auto-focus"], Boolean, "false"),
            Property::new(&["auto-height", "autoHeight"], Boolean, "false"),
            Property::new(
                &["confirm-type", "confirmType"],
                OneOf(&["send", "search", "next", "go", "done", "return"]),
                "return",
            ),
            Property::new(&["cursor"], Number, "-1"),
            Property::new(&["selection-start", "selectionStart"], Number, "-1"),
            Property::new(&["selection-end", "selectionEnd"], Number, "-1"),
            Property::new(&["name"], String, ""),
        ],
        events: &[
            Event::new("input", "{ value, cursor }"),
            Event::new(
                "focus",
                "{ value, height } (height: the keyboard's, 0; Alipay: { value })",
            ),
            Event::new("blur", "{ value, cursor }"),
            Event::new("confirm", "{ value }"),
            Event::new("linechange", "{ height, lineCount }"),
        ],
    },
];
