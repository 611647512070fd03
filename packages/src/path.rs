use std::fmt;

use crate::{Error, Result};

/// Longest package path accepted, in bytes.
const MAX_PATH_BYTES: usize = 1024;

/// A path of a file inside a package: `/`-separated, relative, never leaving the package.
///
/// Rejected: empty paths, absolute paths (`/a`, `C:/a`), backslashes, `.` and `..` segments,
/// empty segments (`a//b`), control characters, and paths over 1024 bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RelativePath(String);

impl RelativePath {
    /// Checks `path` and wraps it.
    pub fn new(path: &str) -> Result<Self> {
        let invalid = |reason| {
            Err(Error::Path {
                path: path.to_owned(),
                reason,
            })
        };
        if path.is_empty() {
            return invalid("empty path");
        }
        if path.len() > MAX_PATH_BYTES {
            return invalid("longer than 1024 bytes");
        }
        if path.starts_with('/') {
            return invalid("absolute path");
        }
        if path.contains('\\') {
            return invalid("backslash in path");
        }
        if path.chars().any(char::is_control) {
            return invalid("control character in path");
        }
        let first = path.split('/').next().unwrap_or_default();
        if first.len() == 2 && first.ends_with(':') {
            return invalid("drive-letter path");
        }
        for segment in path.split('/') {
            match segment {
                "" => return invalid("empty path segment"),
                "." | ".." => return invalid("'.' or '..' segment"),
                _ => {}
            }
        }
        Ok(Self(path.to_owned()))
    }

    /// The path as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The file extension, without the dot.
    pub fn extension(&self) -> Option<&str> {
        let name = self.0.rsplit('/').next().unwrap_or_default();
        name.rsplit_once('.')
            .map(|(_, ext)| ext)
            .filter(|ext| !ext.is_empty())
    }
}

impl fmt::Display for RelativePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_relative_paths() {
        for path in ["index.html", "js/app.js", "a/b/c.d.e", "..hidden", "x..y/z"] {
            assert!(RelativePath::new(path).is_ok(), "{path}");
        }
    }

    #[test]
    fn rejects_every_escape() {
        let long = "a/".repeat(600);
        let cases = [
            ("", "empty path"),
            ("/etc/passwd", "absolute path"),
            ("..", "'.' or '..' segment"),
            ("../secret", "'.' or '..' segment"),
            ("a/../../secret", "'.' or '..' segment"),
            ("a/./b", "'.' or '..' segment"),
            ("a//b", "empty path segment"),
            ("a/", "empty path segment"),
            ("..\\secret", "backslash in path"),
            ("C:/Windows", "drive-letter path"),
            ("a\0b", "control character in path"),
            (long.as_str(), "longer than 1024 bytes"),
        ];
        for (path, expected) in cases {
            match RelativePath::new(path) {
                Err(Error::Path { reason, .. }) => assert_eq!(reason, expected, "{path:?}"),
                other => panic!("{path:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn extension_of_last_segment() {
        let ext = |p: &str| {
            RelativePath::new(p)
                .expect("valid")
                .extension()
                .map(str::to_owned)
        };
        assert_eq!(ext("a.b/index.html").as_deref(), Some("html"));
        assert_eq!(ext("a.b/README"), None);
    }
}
