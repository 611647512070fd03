//! The SQLite files Capsule keeps (app storage, the analytics journal, the package index) are
//! checked before they are opened: one that is not an SQLite database, or that fails
//! `PRAGMA quick_check`, is set aside under a new name, never written over, so that a fresh
//! one takes its place and the damaged one is still there to look at or recover. Several
//! processes may open one new file at once: [`use_wal`] switches it to write-ahead logging
//! whoever comes first.
//!
//! ```no_run
//! # fn main() -> Result<(), capsule_sqlite::Error> {
//! let path = std::path::Path::new("data/storage.sqlite3");
//! if let Some(set_aside) = capsule_sqlite::set_aside_if_damaged(path)? {
//!     eprintln!("warning: {set_aside}");
//! }
//! let connection = rusqlite::Connection::open(path);
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, ErrorCode, OpenFlags};

/// The first bytes of every SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// The files beside a database that belong to it: its write-ahead log and shared memory.
const COMPANIONS: [&str; 2] = ["-wal", "-shm"];

/// A damaged database file moved out of the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    /// Where the file was.
    pub path: PathBuf,
    /// Where it is now; its `-wal` and `-shm` files, if it had them, are beside it under the
    /// same new name.
    pub moved_to: PathBuf,
    /// What was wrong with it.
    pub problem: String,
}

impl fmt::Display for SetAside {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} was damaged ({}): it was set aside as {}, and a new one is used",
            self.path.display(),
            self.problem,
            self.moved_to.display()
        )
    }
}

/// Why a database file could not be checked or set aside.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read or renamed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: io::Error,
    },
    /// SQLite could not check the file for another reason than damage (it is locked, the
    /// disk failed).
    #[error("{}: {source}", path.display())]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: rusqlite::Error,
    },
}

/// Checks the database file at `path` (nothing to do when there is none) and, when it is not
/// an SQLite database or fails `PRAGMA quick_check`, renames it with its `-wal` and `-shm`
/// files to `<name>.damaged-<Unix time in ms>`, so that opening `path` then creates a new
/// database. Says what it set aside; a file it cannot check is an error, and stays.
pub fn set_aside_if_damaged(path: &Path) -> Result<Option<SetAside>, Error> {
    let Some(problem) = damage(path)? else {
        return Ok(None);
    };
    let moved_to = aside_path(path);
    for companion in COMPANIONS {
        let from = with_suffix(path, companion);
        if from.exists() {
            let to = with_suffix(&moved_to, companion);
            fs::rename(&from, &to).map_err(|source| Error::Io { path: from, source })?;
        }
    }
    fs::rename(path, &moved_to).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    Ok(Some(SetAside {
        path: path.to_owned(),
        moved_to,
        problem,
    }))
}

/// What is wrong with the database at `path`, if anything.
fn damage(path: &Path) -> Result<Option<String>, Error> {
    let io_error = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let mut header = Vec::with_capacity(SQLITE_HEADER.len());
    match fs::File::open(path) {
        Ok(file) => file
            .take(SQLITE_HEADER.len() as u64)
            .read_to_end(&mut header)
            .map_err(io_error)?,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(io_error(error)),
    };
    // An empty file is a database with nothing in it yet, as SQLite sees it.
    if header.is_empty() {
        return Ok(None);
    }
    if header != SQLITE_HEADER {
        return Ok(Some("not an SQLite database".to_owned()));
    }
    let sqlite = |source| Error::Sqlite {
        path: path.to_owned(),
        source,
    };
    // Read-write: a write-ahead log left by a killed process is replayed, not counted as
    // damage.
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let checked = Connection::open_with_flags(path, flags).and_then(|connection| {
        connection.query_row("PRAGMA quick_check", [], |row| row.get::<_, String>(0))
    });
    match checked {
        Ok(status) if status == "ok" => Ok(None),
        Ok(problem) => Ok(Some(problem)),
        Err(rusqlite::Error::SqliteFailure(failure, message))
            if matches!(
                failure.code,
                ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt
            ) =>
        {
            Ok(Some(message.unwrap_or_else(|| failure.to_string())))
        }
        Err(source) => Err(sqlite(source)),
    }
}

/// How long [`use_wal`] waits for other connections switching the same database.
const WAL_PATIENCE: Duration = Duration::from_secs(10);

/// Switches the database of `connection` to write-ahead logging. While another connection
/// (another process opening the same new file) switches it or creates its first table,
/// SQLite answers "busy" at once, without waiting as it does for other statements: this
/// tries again for up to 10 s.
pub fn use_wal(connection: &Connection) -> rusqlite::Result<()> {
    let deadline = Instant::now() + WAL_PATIENCE;
    loop {
        match connection.pragma_update(None, "journal_mode", "WAL") {
            Err(error)
                if error.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
                    && Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            result => return result,
        }
    }
}

/// `<path>.damaged-<ms>`, with a counter when that name is taken.
fn aside_path(path: &Path) -> PathBuf {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis());
    let first = with_suffix(path, &format!(".damaged-{ms}"));
    std::iter::once(first.clone())
        .chain((1..).map(|n| with_suffix(&first, &format!("-{n}"))))
        .find(|candidate| !candidate.exists())
        .unwrap_or(first)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
