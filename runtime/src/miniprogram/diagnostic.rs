//! Errors of a running mini-program with the place in the app's files they point at, so that
//! the terminal and the window can show the author's line with a caret under the column.

use std::fmt;

use serde_json::json;

use crate::view::style::StyleError;
use crate::view::{Location, VElement, VNode, ViewError};

/// An error of a running mini-program: what is wrong and, when it is known, where in the
/// app's files, with that line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What is wrong.
    pub message: String,
    /// Where in the app's files, when the error points at a place.
    pub location: Option<Location>,
    /// The text of the line `location` points at (without its line break), when the file
    /// could be read.
    pub source_line: Option<String>,
}

/// `file:line:col: message`, or the message alone when it names its place itself (a
/// script error's stack) or has none.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(location) if !self.message.contains(&location.to_string()) => {
                write!(f, "{location}: {}", self.message)
            }
            _ => f.write_str(&self.message),
        }
    }
}

/// Source characters the window shows of the line an error points at (a phone-sized window
/// fits about this many in its monospace font); the rest is cut, keeping the caret in view.
const EXCERPT_CHARS: usize = 40;
/// Characters kept before the caret when the start of a long line is cut.
const EXCERPT_LEAD: usize = 24;
/// Spaces a tab is shown as.
const TAB_WIDTH: usize = 4;

impl Diagnostic {
    /// An error that points at no place.
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            location: None,
            source_line: None,
        }
    }

    /// An error at `location`, with the line it points at read through `read`.
    pub(crate) fn at(
        location: Location,
        message: impl Into<String>,
        read: &dyn Fn(&str) -> Option<String>,
    ) -> Self {
        let source_line = read(&location.file).and_then(|text| line_of(&text, location.line));
        Self {
            message: message.into(),
            location: Some(location),
            source_line,
        }
    }

    /// A template, page `.json` or view script error (`read` gives the app's files).
    pub(crate) fn of_view(error: &ViewError, read: &dyn Fn(&str) -> Option<String>) -> Self {
        match error {
            ViewError::Syntax { location, message } | ViewError::Json { location, message } => {
                Self::at(location.clone(), message, read)
            }
            ViewError::Missing {
                path,
                referrer: Some(referrer),
            } => Self::at(referrer.clone(), format!("{path}: no such file"), read),
            other => Self::new(other.to_string()),
        }
    }

    /// A stylesheet error (`read` gives the app's files).
    pub(crate) fn of_style(error: &StyleError, read: &dyn Fn(&str) -> Option<String>) -> Self {
        match error {
            StyleError::Syntax {
                file,
                line,
                column,
                message,
            } => {
                let location = Location {
                    file: file.as_str().into(),
                    line: *line,
                    column: *column,
                };
                Self::at(location, message, read)
            }
            StyleError::Missing {
                path,
                referrer: Some(referrer),
            } => Self::at(
                referrer.clone(),
                format!("{path}: no such stylesheet"),
                read,
            ),
            other => Self::new(other.to_string()),
        }
    }

    /// `text` of `file` is not JSON.
    pub(crate) fn of_json(file: &str, text: &str, error: &serde_json::Error) -> Self {
        let (location, message) = Location::of_json_error(file, text, error);
        Self {
            source_line: line_of(text, location.line),
            location: Some(location),
            message,
        }
    }

    /// An uncaught script error of the logic layer. Its message has been through the app's
    /// `onError` handlers as text, so the place is the first `file:line:col` in it (the
    /// file named in a syntax error, else the innermost stack frame) whose file `read`
    /// finds among the app's files; the message keeps its text whole.
    pub(crate) fn of_script(message: String, read: &dyn Fn(&str) -> Option<String>) -> Self {
        let found = message
            .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
            .filter_map(|word| {
                let (rest, column) = word.trim_end_matches(':').rsplit_once(':')?;
                let (file, line) = rest.rsplit_once(':')?;
                let (line, column) = (line.parse::<u32>().ok()?, column.parse::<u32>().ok()?);
                let file = file.trim_start_matches('/');
                (line > 0 && !file.is_empty()).then_some((file, line, column))
            })
            .find_map(|(file, line, column)| {
                let text = read(file)?;
                let location = Location {
                    file: file.into(),
                    line,
                    column: column.max(1),
                };
                Some((location, line_of(&text, line)))
            });
        match found {
            Some((location, source_line)) => Self {
                message,
                location: Some(location),
                source_line,
            },
            None => Self::new(message),
        }
    }

    /// The line an error points at and a caret under its column, as the window shows them:
    /// the line number in a gutter, tabs as spaces, the indentation left out and a long
    /// line cut (`…`) around the column.
    pub(crate) fn excerpt(&self) -> Option<String> {
        let location = self.location.as_ref()?;
        let line = self.source_line.as_deref()?;
        let mut chars = Vec::new();
        let mut caret = None;
        for (index, c) in line.chars().enumerate() {
            if index + 1 == location.column as usize {
                caret = Some(chars.len());
            }
            if c == '\t' {
                chars.extend([' '; TAB_WIDTH]);
            } else {
                chars.push(c);
            }
        }
        // A column past the end (a missing closing tag, the end of the file) points just
        // after the last character.
        let caret = caret.unwrap_or(chars.len());
        let indent = chars.iter().take_while(|c| **c == ' ').count();
        let mut start = indent.min(caret);
        let mut shown = String::new();
        if caret - start > EXCERPT_LEAD {
            start = caret - EXCERPT_LEAD;
            shown.push('…');
        }
        let under = " ".repeat(shown.chars().count() + caret - start);
        let end = (start + EXCERPT_CHARS).max(caret + 1).min(chars.len());
        shown.extend(&chars[start..end]);
        if end < chars.len() {
            shown.push('…');
        }
        let gutter = location.line.to_string();
        let pad = " ".repeat(gutter.len());
        Some(format!("{gutter} | {}\n{pad} | {under}^", shown.trim_end()))
    }

    /// The notice a page shows instead of its content when it has this error: the place,
    /// the message and the excerpt with its caret (see `page-host.js` for their styles).
    pub(crate) fn notice(&self) -> VNode {
        let part = |class: &str, text: String| {
            VNode::Element(VElement {
                tag: "view".into(),
                attrs: [("class".to_owned(), json!(class))].into(),
                children: vec![VNode::text(text)],
                ..VElement::default()
            })
        };
        let mut children = Vec::new();
        if let Some(location) = &self.location {
            children.push(part("capsule-error-location", location.to_string()));
        }
        children.push(part("capsule-error-message", self.message.clone()));
        if let Some(excerpt) = self.excerpt() {
            children.push(part("capsule-error-source", excerpt));
        }
        VNode::Element(VElement {
            tag: "view".into(),
            attrs: [("class".to_owned(), json!("capsule-error"))].into(),
            children,
            ..VElement::default()
        })
    }
}

/// Line `line` (from 1) of `text`, without its line break.
fn line_of(text: &str, line: u32) -> Option<String> {
    let index = usize::try_from(line.checked_sub(1)?).ok()?;
    text.split('\n')
        .nth(index)
        .map(|line| line.trim_end_matches('\r').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(path: &str) -> Option<String> {
        match path {
            "pages/index/index.wxml" => Some("<view>\n\t<text>{{a +}}</text>\n</view>\n".into()),
            "pages/index/index.js" => Some("Page({\n  onLoad() { this.x.y(); }\n})\n".into()),
            _ => None,
        }
    }

    fn location(file: &str, line: u32, column: u32) -> Location {
        Location {
            file: file.into(),
            line,
            column,
        }
    }

    #[test]
    fn a_located_error_reads_its_line_and_draws_a_caret_under_the_column() {
        let error = ViewError::Syntax {
            location: location("pages/index/index.wxml", 2, 13),
            message: "expected an expression".into(),
        };
        let diagnostic = Diagnostic::of_view(&error, &files);
        assert_eq!(
            diagnostic.to_string(),
            "pages/index/index.wxml:2:13: expected an expression"
        );
        assert_eq!(
            diagnostic.source_line.as_deref(),
            Some("\t<text>{{a +}}</text>")
        );
        // The tab is shown as spaces and left out with the indentation; the caret stays
        // under the `}` the column points at.
        assert_eq!(
            diagnostic.excerpt().as_deref(),
            Some(format!("2 | <text>{{{{a +}}}}</text>\n  | {}^", " ".repeat(11)).as_str())
        );
    }

    #[test]
    fn a_long_line_is_cut_around_the_column() {
        let line = format!(
            "<view>{}{{{{a +}}}}{}</view>",
            "x".repeat(60),
            "y".repeat(60)
        );
        let diagnostic = Diagnostic {
            message: "expected an expression".into(),
            location: Some(location("a.wxml", 7, 72)),
            source_line: Some(line),
        };
        let excerpt = diagnostic.excerpt().expect("an excerpt");
        let (source, caret) = excerpt.split_once('\n').expect("two lines");
        let at = caret.chars().count() - 1;
        assert_eq!(source.chars().nth(at), Some('}'), "{excerpt}");
        assert!(
            source.starts_with("7 | …x") && source.ends_with("y…"),
            "{excerpt}"
        );
        assert!(source.chars().count() <= 4 + 2 + EXCERPT_CHARS, "{excerpt}");
    }

    #[test]
    fn a_column_past_the_end_points_after_the_line() {
        let diagnostic = Diagnostic {
            message: "unclosed".into(),
            location: Some(location("a.wxml", 1, 9)),
            source_line: Some("<view>".into()),
        };
        assert_eq!(
            diagnostic.excerpt().as_deref(),
            Some("1 | <view>\n  |       ^")
        );
    }

    #[test]
    fn script_errors_point_at_the_first_place_in_an_app_file() {
        let thrown = "TypeError: cannot read property y of undefined\n    at onLoad \
                      (pages/index/index.js:2:24)\n    at <anonymous> (lib/x.js:1:1)";
        let diagnostic = Diagnostic::of_script(thrown.into(), &files);
        assert_eq!(
            diagnostic.location,
            Some(location("pages/index/index.js", 2, 24))
        );
        assert_eq!(diagnostic.message, thrown, "the message stays whole");
        assert_eq!(diagnostic.to_string(), thrown, "it names its place already");
        assert_eq!(
            diagnostic.source_line.as_deref(),
            Some("  onLoad() { this.x.y(); }")
        );

        let syntax = "SyntaxError: pages/index/index.js:3:1: unexpected token '}'";
        let diagnostic = Diagnostic::of_script(syntax.into(), &files);
        assert_eq!(
            diagnostic.location,
            Some(location("pages/index/index.js", 3, 1))
        );

        // A place in no file of the app (the prelude, an evaluated snippet) is not one.
        let elsewhere = "Error: x\n    at f (<evaluate>:1:5)\n    at g (lib/none.js:4:2)";
        assert_eq!(
            Diagnostic::of_script(elsewhere.into(), &files).location,
            None
        );
    }

    #[test]
    fn json_errors_carry_their_line() {
        let text = "{\n  \"pages\": [\"a\"],,\n}";
        let error = serde_json::from_str::<serde_json::Value>(text).expect_err("bad JSON");
        let diagnostic = Diagnostic::of_json("app.json", text, &error);
        let location = diagnostic.location.clone().expect("located");
        assert_eq!((location.line, &*location.file), (2, "app.json"));
        assert_eq!(
            diagnostic.source_line.as_deref(),
            Some("  \"pages\": [\"a\"],,")
        );
        assert!(!diagnostic.message.contains(" at line "), "{diagnostic}");
    }
}
