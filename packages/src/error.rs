use std::path::Path;

/// Everything that can be wrong with a package, its manifest, a key or the store.
///
/// Variants about one entry of a package name it in `entry`.
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
    /// A file could not be read or written.
    #[error("cannot access {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// An app folder could not be opened.
    #[error("cannot open app folder {path}: {source}")]
    AppFolder {
        /// The folder.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A project folder without `manifest.json` cannot be opened as the platforms' tools
    /// open it (see `project`).
    #[error("{path}: {message}")]
    Project {
        /// The project file or folder.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A key file is malformed.
    #[error("bad key file {path}: {reason}")]
    Key {
        /// The file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The file is not a readable zip archive (truncated, corrupt, not a zip).
    #[error("not a readable package archive: {reason}")]
    Archive {
        /// What the zip reader found.
        reason: String,
    },
    /// The archive has more entries than allowed.
    #[error("the package has {count} entries, the limit is {limit}")]
    TooManyEntries {
        /// Entries found.
        count: usize,
        /// Entries allowed.
        limit: usize,
    },
    /// Two entries of the archive have the same name.
    #[error("entry '{entry}' appears more than once")]
    DuplicateEntry {
        /// The repeated name.
        entry: String,
    },
    /// An entry is a directory, symbolic link or special file instead of a regular file.
    #[error("entry '{entry}' is a {kind}; only regular files are allowed")]
    NotAFile {
        /// The entry.
        entry: String,
        /// What it is.
        kind: &'static str,
    },
    /// An entry is encrypted or uses a compression method other than stored or deflate.
    #[error("entry '{entry}' is unsupported: {reason}")]
    UnsupportedEntry {
        /// The entry.
        entry: String,
        /// Why.
        reason: String,
    },
    /// An entry is larger than the per-entry cap, or its data does not match its header.
    #[error("entry '{entry}' is {size} bytes uncompressed, the limit is {limit}")]
    EntryTooLarge {
        /// The entry.
        entry: String,
        /// Size found (at least).
        size: u64,
        /// Size allowed.
        limit: u64,
    },
    /// The package unpacks to more bytes than allowed.
    #[error("the package unpacks to {size} bytes (at '{entry}'), the limit is {limit}")]
    TotalTooLarge {
        /// The entry at which the total passed the cap.
        entry: String,
        /// Total found so far.
        size: u64,
        /// Total allowed.
        limit: u64,
    },
    /// An entry compresses better than any real file does: a zip bomb.
    #[error("entry '{entry}' has a compression ratio of {ratio}:1, the limit is {limit}:1")]
    CompressionRatio {
        /// The entry.
        entry: String,
        /// Its ratio.
        ratio: u64,
        /// Ratio allowed.
        limit: u64,
    },
    /// A required entry (`manifest.json`, the digest or the signature) is absent.
    #[error("the package has no '{entry}' entry")]
    MissingEntry {
        /// The entry.
        entry: String,
    },
    /// The signature entry is malformed.
    #[error("malformed signature entry: {reason}")]
    MalformedSignature {
        /// What is wrong.
        reason: String,
    },
    /// The digest entry is malformed (bad line, unsorted or repeated path).
    #[error("malformed digest entry, line {line}: {reason}")]
    MalformedDigest {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// The package is signed by a key the host does not trust.
    #[error("the package is signed by key {key_id}, which is not trusted")]
    UnknownKey {
        /// The signer's key id.
        key_id: String,
    },
    /// The signature does not match the digest.
    #[error("the signature by key {key_id} does not match the package digest")]
    BadSignature {
        /// The key id the signature claims.
        key_id: String,
    },
    /// The manifest's `keyId` is not the id of the key that signed the package.
    #[error("manifest keyId is {}, the package is signed by key {signature}", .manifest.as_deref().unwrap_or("missing"))]
    KeyIdMismatch {
        /// `keyId` in the manifest.
        manifest: Option<String>,
        /// Id of the signing key.
        signature: String,
    },
    /// An archive entry is not listed in the signed digest.
    #[error("entry '{entry}' is not covered by the signed digest")]
    NotCovered {
        /// The entry.
        entry: String,
    },
    /// The signed digest lists a file the archive does not have.
    #[error("the signed digest lists '{entry}', which is not in the package")]
    MissingFile {
        /// The listed path.
        entry: String,
    },
    /// A file's content does not match its SHA-256 in the signed digest.
    #[error("entry '{entry}' does not match its SHA-256 in the signed digest")]
    HashMismatch {
        /// The entry.
        entry: String,
    },
    /// The package needs a newer runtime.
    #[error("the package needs runtime {required} or newer; this is {runtime}")]
    RuntimeTooOld {
        /// `minRuntimeVersion` of the manifest.
        required: semver::Version,
        /// This runtime's version.
        runtime: semver::Version,
    },
    /// The package is not the app the update was meant for.
    #[error("expected app '{expected}', the package is '{found}'")]
    AppIdMismatch {
        /// The app id asked for.
        expected: String,
        /// The app id of the package.
        found: String,
    },
    /// The package is not newer than the active version.
    #[error("{app_id} {installed} is installed; {package} is not newer (force to downgrade)")]
    Downgrade {
        /// The app.
        app_id: String,
        /// The active version.
        installed: semver::Version,
        /// The package's version.
        package: semver::Version,
    },
    /// An update is signed by another key than the installed app: only the app's own
    /// publisher may update it.
    #[error("{app_id} is signed by key {installed}; the package is signed by key {package}")]
    KeyChanged {
        /// The app.
        app_id: String,
        /// Key id of the active version.
        installed: String,
        /// Key id of the package.
        package: String,
    },
    /// No such app is installed.
    #[error("app '{app_id}' is not installed")]
    NotInstalled {
        /// The app.
        app_id: String,
    },
    /// Rollback asked for with no older version kept.
    #[error("app '{app_id}' has no older version to roll back to")]
    NoPreviousVersion {
        /// The app.
        app_id: String,
    },
    /// A channel index is malformed, or a change to it does not fit.
    #[error("channel index: {0}")]
    ChannelIndex(String),
    /// A channel index is past its expiry: the channel may be frozen on an old index.
    #[error(
        "the channel index of {app_id} expired at {expired_at} (seconds since 1970); the publisher must refresh it"
    )]
    IndexExpired {
        /// The app.
        app_id: String,
        /// Its expiry, in seconds since the Unix epoch.
        expired_at: u64,
    },
    /// A channel index older than one already seen: a replay or a stale cache.
    #[error(
        "the channel index of {app_id} has sequence {sequence}, older than {seen} already seen (replayed or stale)"
    )]
    IndexReplayed {
        /// The app.
        app_id: String,
        /// The index's sequence.
        sequence: u64,
        /// The highest sequence seen before.
        seen: u64,
    },
    /// A package published to a channel is not newer than the channel's newest release.
    #[error("the channel has {app_id} {newest}; {package} is not newer")]
    NotNewer {
        /// The app.
        app_id: String,
        /// The channel's newest release.
        newest: semver::Version,
        /// The package's version.
        package: semver::Version,
    },
    /// The store's index or files are inconsistent or unusable.
    #[error("package store: {0}")]
    Store(String),
    /// The store's SQLite index failed.
    #[error("package store index: {0}")]
    Database(#[from] rusqlite::Error),
    /// The store's index could not be checked for damage, or a damaged one set aside.
    #[error("package store index: {0}")]
    IndexCheck(#[from] capsule_sqlite::Error),
}

impl Error {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, Error>;
