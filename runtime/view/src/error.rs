//! The view layer's error type.

use crate::source::Location;

/// Everything that can go wrong compiling or running a page view.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ViewError {
    /// A template does not parse.
    #[error("{location}: {message}")]
    Syntax {
        /// Where.
        location: Location,
        /// What is wrong.
        message: String,
    },
    /// A referenced file is not in the package.
    #[error("{path}: no such file{}", referrer.as_ref().map(|r| format!(" (referenced at {r})")).unwrap_or_default())]
    Missing {
        /// The package path looked for.
        path: String,
        /// Where it was referenced.
        referrer: Option<Location>,
    },
    /// Includes or imports form a cycle.
    #[error("include cycle: {0}")]
    Cycle(String),
    /// A path leaves the package.
    #[error("path '{0}' leaves the package")]
    Path(String),
    /// A page or component `.json` is not valid JSON.
    #[error("{location}: {message}")]
    Json {
        /// Where the parser stopped.
        location: Location,
        /// The parser's message.
        message: String,
    },
    /// A `usingComponents` entry names no component template.
    #[error(
        "{file}: usingComponents \"{tag}\": no component at '{target}' (looked for its .{ext} \
         beside the file and in the miniprogram_npm/ and node_modules/ folders up to the package root)"
    )]
    Component {
        /// The `.json` file (or `app.json`) with the entry.
        file: String,
        /// The tag it declares.
        tag: String,
        /// The path as written.
        target: String,
        /// The template extension looked for.
        ext: String,
    },
    /// A view script (WXS/SJS) failed to load.
    #[error("{file}: {message}")]
    Script {
        /// The script file (inline scripts: `template#module`).
        file: String,
        /// The engine's message.
        message: String,
    },
}
