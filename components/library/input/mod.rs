//! `<input>` and `<textarea>`: text fields.

use crate::PropertyKind::{Boolean, Number, OneOf, String};
use crate::{Component, Event, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[
    Component {
        tag: "input",
        summary: "A one-line text field; it holds at most maxlength characters (UTF-16 units; -1: no limit). \
                  On focus the cursor goes to cursor, or selection-start to selection-end are selected; the confirm \
                  key blurs it unless confirm-hold; placeholder-style and the page's rules for placeholder-class \
                  style its placeholder; cursor-spacing and adjust-position are taken (there is no keyboard).",
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
            Property::new(&["cursor-spacing", "cursorSpacing"], Number, "0"),
            Property::new(&["adjust-position", "adjustPosition"], Boolean, "true"),
            Property::new(&["controlled"], Boolean, "false"),
            Property::new(&["name"], String, ""),
        ],
        events: &[
            Event::new("input", "{ value, cursor }"),
            Event::new(
                "focus",
                "{ value, height } (height: the keyboard's, 0; Alipay: { value })",
            ),
            Event::new(
                "blur",
                "{ value, cursor } (also after confirm, unless confirm-hold)",
            ),
            Event::new("confirm", "{ value }"),
            Event::new(
                "keyboardheightchange",
                "WeChat: { height: 0, duration: 0 } after each focus and blur (there is no keyboard)",
            ),
        ],
    },
    Component {
        tag: "textarea",
        summary: "A text field of several lines; it holds at most maxlength characters (UTF-16 units; -1: no limit). \
                  cursor, selection-start / selection-end, confirm-hold and the placeholder's style as <input>'s.",
        properties: &[
            Property::new(&["value"], String, ""),
            Property::new(&["placeholder"], String, ""),
            Property::new(&["placeholder-style", "placeholderStyle"], String, ""),
            Property::new(
                &["placeholder-class", "placeholderClass"],
                String,
                "textarea-placeholder",
            ),
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
            Property::new(&["confirm-hold", "confirmHold"], Boolean, "false"),
            Property::new(&["cursor"], Number, "-1"),
            Property::new(&["selection-start", "selectionStart"], Number, "-1"),
            Property::new(&["selection-end", "selectionEnd"], Number, "-1"),
            Property::new(&["cursor-spacing", "cursorSpacing"], Number, "0"),
            Property::new(&["adjust-position", "adjustPosition"], Boolean, "true"),
            Property::new(&["controlled"], Boolean, "false"),
            Property::new(&["name"], String, ""),
        ],
        events: &[
            Event::new("input", "{ value, cursor }"),
            Event::new(
                "focus",
                "{ value, height } (height: the keyboard's, 0; Alipay: { value })",
            ),
            Event::new(
                "blur",
                "{ value, cursor } (also after confirm, unless confirm-hold)",
            ),
            Event::new("confirm", "{ value }"),
            Event::new(
                "keyboardheightchange",
                "WeChat: { height: 0, duration: 0 } after each focus and blur (there is no keyboard)",
            ),
            Event::new(
                "linechange",
                "WeChat: { height, heightRpx, lineCount } when typing changes the line count (wrapped lines count \
                 in a window; headless, without layout, lines are counted at line breaks and height is 0)",
            ),
        ],
    },
];
