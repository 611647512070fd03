//! The crate's error type.

use std::path::PathBuf;

/// What can go wrong opening, writing or reading a journal, or parsing an event kind.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// SQLite refused an operation on the journal.
    #[error("analytics journal {}: {source}", .path.display())]
    Sqlite {
        /// The journal's file.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// A file system operation around the journal failed (creating its folder, reading its
    /// header, starting its writer thread).
    #[error("analytics journal {}: {source}", .path.display())]
    Io {
        /// The journal's file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The journal file could not be checked for damage, or a damaged one set aside.
    #[error("analytics journal: {0}")]
    Check(#[from] capsule_sqlite::Error),
    /// The database has a schema this build does not know (newer, or another program's).
    #[error("analytics journal {} has an unknown schema: {detail}", .path.display())]
    Schema {
        /// The file.
        path: PathBuf,
        /// What was found.
        detail: String,
    },
    /// A stored event could not be read back.
    #[error("analytics journal {}: cannot decode event {seq}: {detail}", .path.display())]
    Decode {
        /// The journal's file.
        path: PathBuf,
        /// The event's row number.
        seq: i64,
        /// What was wrong with it.
        detail: String,
    },
    /// The writer thread failed to commit events or to enforce the limits.
    #[error("analytics journal {}: writing failed: {message}", .path.display())]
    Write {
        /// The journal's file.
        path: PathBuf,
        /// The writer's first error.
        message: String,
    },
    /// The writer thread is gone, so nothing more can be committed.
    #[error("analytics journal {}: the writer thread has stopped", .path.display())]
    WriterStopped {
        /// The journal's file.
        path: PathBuf,
    },
    /// A string that names no [`Kind`](crate::Kind).
    #[error("unknown analytics event kind {0:?}")]
    UnknownKind(String),
}
