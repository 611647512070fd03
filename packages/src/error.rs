/// Everything that can be wrong with a package or its manifest.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `manifest.json` is not valid JSON, misses a field or has a field of the wrong type.
    #[error("invalid manifest.json: {0}")]
    Manifest(String),
    /// `manifest.json` is larger than [`crate::MAX_MANIFEST_BYTES`].
    #[error("manifest.json is {size} bytes, the limit is {limit}")]
    ManifestTooLarge {
        /// Size found.
        size: usize,
        /// Size allowed.
        limit: usize,
    },
    /// A path inside the package is absolute, escapes the package or is malformed.
    #[error("invalid path '{path}': {reason}")]
    Path {
        /// The path as written.
        path: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, Error>;
