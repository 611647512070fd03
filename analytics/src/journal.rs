//! The journal: events kept in an SQLite file, written by a background thread.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use capsule_sqlite::{SetAside, set_aside_if_damaged};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, ErrorCode, OptionalExtension, Row, TransactionBehavior, params};

use crate::error::Error;
use crate::event::{Context, Event, Kind, Measurement, now_ms};

/// The schema version kept in `PRAGMA user_version`.
const SCHEMA_VERSION: i64 = 1;
/// How many events may wait for the writer; more are dropped (see [`Recorder::record`]).
const QUEUE_CAPACITY: usize = 10_000;
/// The most events committed in one transaction.
const BATCH_SIZE: usize = 500;
/// How long the writer gathers events after the first of a batch before committing them:
/// one transaction for many events, not one each. A flush waits for it at most once.
const BATCH_WINDOW: Duration = Duration::from_millis(100);
/// Bytes counted for each event besides its name and attributes.
const EVENT_OVERHEAD: i64 = 64;
/// How many of the oldest rows are read at a time when trimming to the size limit.
const TRIM_CHUNK: i64 = 1_000;

/// The start of every query that reads whole events (see `decode`).
const SELECT_EVENTS: &str = "SELECT seq, id, time_ms, kind, name, app_id, app_version, \
     session_id, user_hash, device, attributes FROM events";

const SCHEMA: &str = "
CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    time_ms INTEGER NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    app_id TEXT NOT NULL,
    app_version TEXT NOT NULL,
    session_id TEXT NOT NULL,
    user_hash TEXT,
    device TEXT NOT NULL,
    attributes TEXT NOT NULL,
    size INTEGER NOT NULL,
    -- 1 once an exporter's collector acknowledged the event.
    exported INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_unexported ON events(exported, seq);
CREATE INDEX events_time_ms ON events(time_ms);
CREATE INDEX events_app_id ON events(app_id);
";

/// How much a journal keeps; the writer enforces it after every batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes of events kept (names, attributes and a fixed overhead per event);
    /// the oldest events go first.
    pub max_bytes: u64,
    /// Events older than this (by their `time_ms`) are deleted.
    pub max_age: Duration,
}

impl Default for Limits {
    /// 64 MiB and 30 days.
    fn default() -> Limits {
        Limits {
            max_bytes: 64 * 1024 * 1024,
            max_age: Duration::from_secs(30 * 24 * 60 * 60),
        }
    }
}

/// Which events [`Journal::events`] returns; `None` fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only this app's events.
    pub app_id: Option<String>,
    /// Only events with `time_ms >= since_ms`.
    pub since_ms: Option<i64>,
    /// Only events of these kinds.
    pub kinds: Option<Vec<Kind>>,
}

/// An SQLite journal of events (WAL mode, `synchronous=NORMAL`: a killed process loses
/// nothing committed). Events are recorded through [`Recorder`]s and committed by a writer
/// thread, which ends once the journal and all its recorders are dropped, after committing
/// what is queued. Call [`Recorder::flush`] before the process exits to be sure everything
/// recorded is on disk.
#[derive(Debug)]
pub struct Journal {
    reader: Mutex<Connection>,
    recorder: Recorder,
    set_aside: Option<SetAside>,
}

/// A cheap handle to record events into a [`Journal`].
#[derive(Debug, Clone)]
pub struct Recorder {
    queue: SyncSender<Message>,
    shared: Arc<Shared>,
}

/// What the recorders and the writer thread share.
#[derive(Debug)]
struct Shared {
    path: PathBuf,
    dropped: AtomicU64,
    /// The writer's first error, kept for every later flush.
    error: Mutex<Option<String>>,
}

#[derive(Debug)]
enum Message {
    Event(Box<Event>),
    Measurement(Measurement),
    Flush(SyncSender<()>),
}

impl Journal {
    /// Opens (creating) the journal at `path` (e.g. `<data dir>/analytics.sqlite`), creating
    /// its folder if needed. A file that is not an SQLite database or fails `PRAGMA
    /// quick_check` is set aside and a new journal started ([`Journal::set_aside`] says so);
    /// a database of another schema is an error and is left untouched.
    pub fn open(path: &Path, limits: Limits) -> Result<Journal, Error> {
        let io = |source| Error::Io {
            path: path.to_owned(),
            source,
        };
        if let Some(parent) = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            fs::create_dir_all(parent).map_err(io)?;
        }
        let set_aside = set_aside_if_damaged(path)?;
        let mut reader = connect(path)?;
        prepare_schema(&mut reader, path)?;
        let writer = connect(path)?;

        let shared = Arc::new(Shared {
            path: path.to_owned(),
            dropped: AtomicU64::new(0),
            error: Mutex::new(None),
        });
        let (queue, events) = mpsc::sync_channel(QUEUE_CAPACITY);
        let mut writer = Writer {
            connection: writer,
            limits,
            total_size: None,
            shared: Arc::clone(&shared),
        };
        thread::Builder::new()
            .name("capsule-analytics-writer".to_owned())
            .spawn(move || writer.run(&events))
            .map_err(io)?;
        Ok(Journal {
            reader: Mutex::new(reader),
            recorder: Recorder { queue, shared },
            set_aside,
        })
    }

    /// The damaged journal this one replaced when it was opened, if any.
    pub fn set_aside(&self) -> Option<&SetAside> {
        self.set_aside.as_ref()
    }

    /// A cheap handle the runtime records through; `Clone + Send + Sync`.
    pub fn recorder(&self) -> Recorder {
        self.recorder.clone()
    }

    /// Committed events in time order (then insertion order), optionally only one app's,
    /// only since a time and only of some kinds.
    pub fn events(&self, filter: &Filter) -> Result<Vec<Event>, Error> {
        let mut sql = format!("{SELECT_EVENTS} WHERE 1");
        let mut values = Vec::new();
        if let Some(app_id) = &filter.app_id {
            sql.push_str(" AND app_id = ?");
            values.push(SqlValue::Text(app_id.clone()));
        }
        if let Some(since_ms) = filter.since_ms {
            sql.push_str(" AND time_ms >= ?");
            values.push(SqlValue::Integer(since_ms));
        }
        if let Some(kinds) = &filter.kinds {
            let marks = vec!["?"; kinds.len()].join(", ");
            sql.push_str(&format!(" AND kind IN ({marks})"));
            values.extend(
                kinds
                    .iter()
                    .map(|kind| SqlValue::Text(kind.as_str().to_owned())),
            );
        }
        sql.push_str(" ORDER BY time_ms, seq");
        self.query(&sql, values)
    }

    /// Up to `limit` committed events no exporter has delivered yet, oldest first.
    pub fn unexported(&self, limit: usize) -> Result<Vec<Event>, Error> {
        let sql = format!("{SELECT_EVENTS} WHERE exported = 0 ORDER BY seq LIMIT ?");
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.query(&sql, vec![SqlValue::Integer(limit)])
    }

    /// Marks the events with these ids as delivered, once their collector acknowledged them:
    /// [`Journal::unexported`] no longer returns them. (They stay for local reports until
    /// the limits drop them.)
    pub fn mark_exported(&self, ids: &[&str]) -> Result<(), Error> {
        let path = &self.recorder.shared.path;
        let sqlite = |source| Error::Sqlite {
            path: path.clone(),
            source,
        };
        let mut reader = self.reader.lock().unwrap_or_else(PoisonError::into_inner);
        let transaction = reader
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sqlite)?;
        {
            let mut update = transaction
                .prepare_cached("UPDATE events SET exported = 1 WHERE id = ?")
                .map_err(sqlite)?;
            for id in ids {
                update.execute([id]).map_err(sqlite)?;
            }
        }
        transaction.commit().map_err(sqlite)
    }

    /// The events `sql` (a [`SELECT_EVENTS`] query) selects with `values`.
    fn query(&self, sql: &str, values: Vec<SqlValue>) -> Result<Vec<Event>, Error> {
        let path = &self.recorder.shared.path;
        let reader = self.reader.lock().unwrap_or_else(PoisonError::into_inner);
        let sqlite = |source| Error::Sqlite {
            path: path.clone(),
            source,
        };
        let mut statement = reader.prepare(sql).map_err(sqlite)?;
        let mut rows = statement
            .query(rusqlite::params_from_iter(values))
            .map_err(sqlite)?;
        let mut events = Vec::new();
        while let Some(row) = rows.next().map_err(sqlite)? {
            events.push(decode(row, path)?);
        }
        Ok(events)
    }
}

impl Recorder {
    /// Queues an event; never blocks the caller on disk (the writer thread commits batches).
    /// The queue holds at most 10,000 events: when it is full (the disk stalls) the event is
    /// dropped and counted in [`Recorder::dropped`].
    pub fn record(&self, event: Event) {
        self.send(Message::Event(Box::new(event)));
    }

    /// Queues a measurement as [`Recorder::record`] queues an event, without allocating:
    /// the writer thread makes it an event.
    pub fn measure(&self, measurement: Measurement) {
        self.send(Message::Measurement(measurement));
    }

    fn send(&self, message: Message) {
        match self.queue.try_send(message) {
            Ok(()) => {}
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.shared.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// How many events were dropped because the queue was full (over all recorders of the
    /// journal).
    pub fn dropped(&self) -> u64 {
        self.shared.dropped.load(Ordering::Relaxed)
    }

    /// Waits until every event recorded before this call is committed (or failed to be).
    /// Returns the writer's first error, if it ever had one.
    pub fn flush(&self) -> Result<(), Error> {
        let stopped = || Error::WriterStopped {
            path: self.shared.path.clone(),
        };
        let (done, acknowledged) = mpsc::sync_channel(1);
        self.queue
            .send(Message::Flush(done))
            .map_err(|_| stopped())?;
        acknowledged.recv().map_err(|_| stopped())?;
        match &*self
            .shared
            .error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
        {
            Some(message) => Err(Error::Write {
                path: self.shared.path.clone(),
                message: message.clone(),
            }),
            None => Ok(()),
        }
    }
}

/// The writer thread's state.
struct Writer {
    connection: Connection,
    limits: Limits,
    /// SUM(size) of the stored events, once known.
    total_size: Option<i64>,
    shared: Arc<Shared>,
}

impl Writer {
    fn run(&mut self, queue: &Receiver<Message>) {
        while let Ok(first) = queue.recv() {
            let mut events = Vec::new();
            let mut flushes = Vec::new();
            // After a first event, what comes within the batch window, up to a batch. The
            // writer sleeps meanwhile rather than wait on the queue, so recording an event
            // never has to wake it.
            if !matches!(first, Message::Flush(_)) {
                thread::sleep(BATCH_WINDOW);
            }
            for message in std::iter::once(first).chain(queue.try_iter()) {
                match message {
                    Message::Event(event) => events.push(event),
                    Message::Measurement(measurement) => {
                        events.push(Box::new(measurement.into_event()));
                    }
                    Message::Flush(done) => flushes.push(done),
                }
                if events.len() >= BATCH_SIZE || !flushes.is_empty() {
                    break;
                }
            }
            if !events.is_empty()
                && let Err(error) = self.commit(&events)
            {
                // The size is recomputed from the file after a failed batch.
                self.total_size = None;
                let mut kept = self
                    .shared
                    .error
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                kept.get_or_insert_with(|| error.to_string());
            }
            for done in flushes {
                // A flusher that stopped waiting needs no answer.
                let _ = done.send(());
            }
        }
    }

    /// Inserts a batch and enforces the limits, in one transaction.
    fn commit(&mut self, events: &[Box<Event>]) -> rusqlite::Result<()> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut total = match self.total_size {
            Some(total) => total,
            None => sum_sizes(&transaction)?,
        };
        {
            let mut insert = transaction.prepare_cached(
                "INSERT OR IGNORE INTO events (id, time_ms, kind, name, app_id, app_version, \
                 session_id, user_hash, device, attributes, size) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )?;
            for event in events {
                let attributes = serde_json::Value::Object(event.attributes.clone()).to_string();
                let size = i64::try_from(event.name.len() + attributes.len())
                    .unwrap_or(i64::MAX)
                    .saturating_add(EVENT_OVERHEAD);
                let context = &event.context;
                let inserted = insert.execute(params![
                    event.id,
                    event.time_ms,
                    event.kind.as_str(),
                    event.name,
                    context.app_id,
                    context.app_version,
                    context.session_id,
                    context.user_hash,
                    context.device,
                    attributes,
                    size,
                ])?;
                if inserted > 0 {
                    total = total.saturating_add(size);
                }
            }
        }

        let max_age_ms = i64::try_from(self.limits.max_age.as_millis()).unwrap_or(i64::MAX);
        let cutoff = now_ms().saturating_sub(max_age_ms);
        if transaction.execute("DELETE FROM events WHERE time_ms < ?", [cutoff])? > 0 {
            total = sum_sizes(&transaction)?;
        }
        let max_bytes = i64::try_from(self.limits.max_bytes).unwrap_or(i64::MAX);
        while total > max_bytes {
            let mut oldest =
                transaction.prepare_cached("SELECT seq, size FROM events ORDER BY seq LIMIT ?")?;
            let mut rows = oldest.query([TRIM_CHUNK])?;
            let mut last = None;
            while total > max_bytes
                && let Some(row) = rows.next()?
            {
                last = Some(row.get::<_, i64>(0)?);
                total -= row.get::<_, i64>(1)?;
            }
            drop(rows);
            let Some(last) = last else {
                // Nothing left to delete: the stored sizes were off.
                total = 0;
                break;
            };
            transaction.execute("DELETE FROM events WHERE seq <= ?", [last])?;
        }
        transaction.commit()?;
        self.total_size = Some(total);
        Ok(())
    }
}

fn sum_sizes(connection: &Connection) -> rusqlite::Result<i64> {
    connection.query_row("SELECT COALESCE(SUM(size), 0) FROM events", [], |row| {
        row.get(0)
    })
}

/// A connection with the journal's settings.
fn connect(path: &Path) -> Result<Connection, Error> {
    let sqlite = |source| Error::Sqlite {
        path: path.to_owned(),
        source,
    };
    let connection = Connection::open(path).map_err(sqlite)?;
    connection
        .pragma_update(None, "synchronous", "NORMAL")
        .map_err(sqlite)?;
    Ok(connection)
}

/// How long opening a journal waits for other connections creating or switching the same
/// new database (SQLite answers some of those moves "busy" without waiting itself).
const OPEN_PATIENCE: Duration = Duration::from_secs(10);

/// Switches to WAL and creates the schema in a new database, or checks an existing one's.
/// Several processes may open the same new journal at once: a busy answer is tried again.
fn prepare_schema(connection: &mut Connection, path: &Path) -> Result<(), Error> {
    let deadline = Instant::now() + OPEN_PATIENCE;
    loop {
        match try_prepare_schema(connection, path) {
            Err(Error::Sqlite { source, .. })
                if source.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
                    && Instant::now() < deadline =>
            {
                thread::sleep(Duration::from_millis(10));
            }
            result => return result,
        }
    }
}

fn try_prepare_schema(connection: &mut Connection, path: &Path) -> Result<(), Error> {
    let sqlite = |source| Error::Sqlite {
        path: path.to_owned(),
        source,
    };
    // One read transaction, so that the version and the tables are seen at the same moment.
    let snapshot = connection.transaction().map_err(sqlite)?;
    let version = schema_version(&snapshot, path)?;
    snapshot.commit().map_err(sqlite)?;
    let mode: String = connection
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .map_err(sqlite)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Schema {
            path: path.to_owned(),
            detail: format!("journal mode {mode} instead of WAL"),
        });
    }
    if version == 0 {
        // Another process may have created the schema since: decide again under the write lock.
        let creation = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sqlite)?;
        if schema_version(&creation, path)? == 0 {
            creation
                .execute_batch(&format!("{SCHEMA} PRAGMA user_version = {SCHEMA_VERSION};"))
                .map_err(sqlite)?;
        }
        creation.commit().map_err(sqlite)?;
    }
    Ok(())
}

/// The journal's schema version: [`SCHEMA_VERSION`], or 0 for a database with nothing in it.
/// Anything else (another version, tables of another program) is an error.
fn schema_version(connection: &Connection, path: &Path) -> Result<i64, Error> {
    let sqlite = |source| Error::Sqlite {
        path: path.to_owned(),
        source,
    };
    let schema_error = |detail: String| Error::Schema {
        path: path.to_owned(),
        detail,
    };
    let version: i64 = connection
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(sqlite)?;
    match version {
        SCHEMA_VERSION => {
            let table: Option<String> = connection
                .query_row(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'events'",
                    [],
                    |row| row.get(0),
                )
                .optional()
                .map_err(sqlite)?;
            if table.is_none() {
                return Err(schema_error("no events table".to_owned()));
            }
        }
        0 => {
            let objects: i64 = connection
                .query_row("SELECT COUNT(*) FROM sqlite_master", [], |row| row.get(0))
                .map_err(sqlite)?;
            if objects > 0 {
                return Err(schema_error(format!(
                    "{objects} tables or indexes of another program"
                )));
            }
        }
        other => return Err(schema_error(format!("version {other}"))),
    }
    Ok(version)
}

fn decode(row: &Row<'_>, path: &Path) -> Result<Event, Error> {
    let sqlite = |source| Error::Sqlite {
        path: path.to_owned(),
        source,
    };
    let seq: i64 = row.get(0).map_err(sqlite)?;
    let undecodable = |detail: String| Error::Decode {
        path: path.to_owned(),
        seq,
        detail,
    };
    let kind: String = row.get(3).map_err(sqlite)?;
    let kind = kind
        .parse::<Kind>()
        .map_err(|error| undecodable(error.to_string()))?;
    let attributes: String = row.get(10).map_err(sqlite)?;
    let attributes = serde_json::from_str(&attributes)
        .map_err(|error| undecodable(format!("attributes: {error}")))?;
    Ok(Event {
        id: row.get(1).map_err(sqlite)?,
        time_ms: row.get(2).map_err(sqlite)?,
        kind,
        name: row.get(4).map_err(sqlite)?,
        context: Arc::new(Context {
            app_id: row.get(5).map_err(sqlite)?,
            app_version: row.get(6).map_err(sqlite)?,
            session_id: row.get(7).map_err(sqlite)?,
            user_hash: row.get(8).map_err(sqlite)?,
            device: row.get(9).map_err(sqlite)?,
        }),
        attributes,
    })
}
