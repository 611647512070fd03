//! Source files, byte offsets and `file:line:col` locations.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// Which mini-program platform a file is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// Alipay: `.axml`, `a:` directives, `.sjs` view scripts.
    Alipay,
    /// WeChat: `.wxml`, `wx:` directives, `.wxs` view scripts.
    WeChat,
}

impl Dialect {
    /// The dialect of a file by its extension (Alipay for `.axml`/`.acss`/`.sjs`).
    pub fn of_path(path: &str) -> Self {
        if [".axml", ".acss", ".sjs"].iter().any(|e| path.ends_with(e)) {
            Self::Alipay
        } else {
            Self::WeChat
        }
    }

    /// The directive prefix, `a:` or `wx:`.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Alipay => "a:",
            Self::WeChat => "wx:",
        }
    }

    /// The directive an attribute names (`wx:if` → `if`). Both prefixes are accepted in
    /// both dialects: shared templates in real apps mix them.
    pub(crate) fn directive(name: &str) -> Option<&str> {
        name.strip_prefix("wx:").or_else(|| name.strip_prefix("a:"))
    }
}

/// Where templates, page `.json` files and view scripts are read from (package paths without
/// a leading `/`).
pub trait SourceFiles {
    /// The text of `path`, or `None` when there is no such file.
    fn read_text(&self, path: &str) -> Option<String>;
}

impl SourceFiles for HashMap<String, String> {
    fn read_text(&self, path: &str) -> Option<String> {
        self.get(path).cloned()
    }
}

impl<F: Fn(&str) -> Option<String>> SourceFiles for F {
    fn read_text(&self, path: &str) -> Option<String> {
        self(path)
    }
}

/// A place in a source file, 1-based line and column (columns count characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    /// The file, as named by the caller (package-relative path).
    pub file: Arc<str>,
    /// Line, from 1.
    pub line: u32,
    /// Column in characters, from 1.
    pub column: u32,
}

impl Location {
    /// Where `error` stopped serde_json reading `text` of `file`, and its message without the
    /// position it appends (` at line 3 column 5`). serde_json counts columns in bytes; a
    /// location counts characters.
    pub fn of_json_error(file: &str, text: &str, error: &serde_json::Error) -> (Self, String) {
        let line = error.line().max(1);
        let byte_column = error.column();
        let column = text
            .split('\n')
            .nth(line - 1)
            .map_or(byte_column, |line_text| {
                line_text
                    .char_indices()
                    .take_while(|(at, _)| *at < byte_column)
                    .count()
            })
            .max(1);
        let full = error.to_string();
        let message = full
            .strip_suffix(&format!(" at line {} column {}", error.line(), byte_column))
            .unwrap_or(&full)
            .to_owned();
        let location = Self {
            file: file.into(),
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        };
        (location, message)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// A problem the parser recovered from, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where the problem is.
    pub location: Location,
    /// What is wrong and what was assumed.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: warning: {}", self.location, self.message)
    }
}

/// Maps byte offsets of one file to locations.
#[derive(Debug, Clone)]
pub(crate) struct SourceMap {
    file: Arc<str>,
    line_starts: Vec<usize>,
    text: Arc<str>,
}

impl SourceMap {
    pub(crate) fn new(file: &str, text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self {
            file: file.into(),
            line_starts,
            text: text.into(),
        }
    }

    /// The location of byte `offset` (clamped to the text).
    pub(crate) fn locate(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        Location {
            file: self.file.clone(),
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_lines_and_character_columns() {
        let map = SourceMap::new("a.wxml", "ab\nçd{{x}}\n");
        assert_eq!(map.locate(0).to_string(), "a.wxml:1:1");
        assert_eq!(map.locate(3).to_string(), "a.wxml:2:1");
        // `ç` is two bytes but one column.
        assert_eq!(map.locate(6).to_string(), "a.wxml:2:3");
        assert_eq!(map.locate(999).line, 3);
    }

    #[test]
    fn json_errors_point_at_the_character_and_keep_their_message() {
        let text = "{\n  \"çé\": 1,,\n}";
        let error = serde_json::from_str::<serde_json::Value>(text).expect_err("bad JSON");
        let (location, message) = Location::of_json_error("a.json", text, &error);
        // `"çé": 1,` is 10 characters but 12 bytes; the second comma is character 11.
        assert_eq!(location.to_string(), "a.json:2:11");
        assert_eq!(message, "key must be a string");
        let error = serde_json::from_str::<serde_json::Value>("{\n").expect_err("cut short");
        let (location, message) = Location::of_json_error("b.json", "{\n", &error);
        assert_eq!(location.to_string(), "b.json:2:1");
        assert_eq!(message, "EOF while parsing an object");
    }
}
