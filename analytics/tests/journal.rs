//! The SQLite journal, on real files in temporary folders.

use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use capsule_analytics::{Context, Error, Event, Filter, Journal, Kind, Limits, Measurement};
use serde_json::json;

fn now_ms() -> i64 {
    let elapsed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970");
    i64::try_from(elapsed.as_millis()).expect("time fits")
}

fn context(app_id: &str, session_id: &str) -> Context {
    Context {
        app_id: app_id.to_owned(),
        app_version: "1.2.3".to_owned(),
        session_id: session_id.to_owned(),
        user_hash: Some("5f2b".to_owned()),
        device: "linux-x86_64".to_owned(),
    }
}

fn journal_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("data").join("analytics.sqlite")
}

fn open(path: &Path) -> Journal {
    Journal::open(path, Limits::default()).expect("open journal")
}

#[test]
fn events_recorded_from_several_threads_read_back_in_time_order() {
    const THREADS: i64 = 4;
    const PER_THREAD: i64 = 250;
    let dir = tempfile::tempdir().expect("temp dir");
    let journal = open(&journal_path(&dir));
    let base = now_ms() - 60_000;
    let recorder = journal.recorder();

    let workers: Vec<_> = (0..THREADS)
        .map(|thread_index| {
            let recorder = recorder.clone();
            thread::spawn(move || {
                let context = context(&format!("app{thread_index}"), "session");
                let mut recorded = Vec::new();
                for i in 0..PER_THREAD {
                    let mut event = Event::new(Kind::ApiCall, "wx.request", &context)
                        .with("code", i % 3)
                        .with("duration_ms", 1.5 * i as f64)
                        .with("nested", json!({"list": [1, "two", null], "flag": true}));
                    event.time_ms = base + i * THREADS + thread_index;
                    if i % 2 == 0 {
                        std::sync::Arc::make_mut(&mut event.context).user_hash = None;
                    }
                    recorder.record(event.clone());
                    recorded.push(event);
                }
                recorded
            })
        })
        .collect();
    let mut expected: Vec<Event> = workers
        .into_iter()
        .flat_map(|worker| worker.join().expect("recording thread"))
        .collect();
    expected.sort_by_key(|event| event.time_ms);

    recorder.flush().expect("flush");
    assert_eq!(recorder.dropped(), 0);
    let stored = journal.events(&Filter::default()).expect("read events");
    assert_eq!(stored.len(), expected.len());
    assert_eq!(stored, expected);
}

#[test]
fn measurements_are_committed_as_events_with_their_figures() {
    let dir = tempfile::tempdir().expect("temp dir");
    let journal = open(&journal_path(&dir));
    let recorder = journal.recorder();
    let session = std::sync::Arc::new(context("app", "s"));
    let name: std::sync::Arc<str> = "getStorageSync".into();
    let before = now_ms();
    for code in [0, 1002] {
        recorder.measure(Measurement::now(
            Kind::ApiCall,
            std::sync::Arc::clone(&name),
            std::sync::Arc::clone(&session),
            [
                ("code", code.into()),
                (
                    "duration_ms",
                    serde_json::Number::from_f64(0.25).expect("finite"),
                ),
            ],
        ));
    }
    recorder.flush().expect("flush");
    let stored = journal.events(&Filter::default()).expect("read events");
    assert_eq!(stored.len(), 2, "{stored:#?}");
    for (event, code) in stored.iter().zip([0, 1002]) {
        assert_eq!(event.kind, Kind::ApiCall);
        assert_eq!(event.name, "getStorageSync");
        assert_eq!(*event.context, *session);
        assert!(event.time_ms >= before && event.time_ms <= now_ms());
        assert_eq!(event.id.len(), 32);
        assert_eq!(
            serde_json::Value::Object(event.attributes.clone()),
            json!({"code": code, "duration_ms": 0.25})
        );
    }
    assert_ne!(stored[0].id, stored[1].id);
}

#[test]
fn equal_times_keep_insertion_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let journal = open(&journal_path(&dir));
    let recorder = journal.recorder();
    let time_ms = now_ms();
    let names = ["c", "a", "b"];
    for name in names {
        let mut event = Event::new(Kind::Custom, name, &context("app", "s"));
        event.time_ms = time_ms;
        recorder.record(event);
    }
    recorder.flush().expect("flush");
    let stored = journal.events(&Filter::default()).expect("read events");
    let stored: Vec<_> = stored.iter().map(|event| event.name.as_str()).collect();
    assert_eq!(stored, names);
}

#[test]
fn the_journal_survives_reopening_and_ignores_duplicate_ids() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = journal_path(&dir);
    let first = Event::new(Kind::PageEnter, "pages/index/index", &context("app", "s"));
    let second = Event::new(Kind::PageLeave, "pages/index/index", &context("app", "s"))
        .with("dwell_ms", 1200);
    {
        let journal = open(&path);
        let recorder = journal.recorder();
        recorder.record(first.clone());
        recorder.record(second.clone());
        recorder.flush().expect("flush");
    }

    let connection = rusqlite::Connection::open(&path).expect("open");
    let pragma = |name: &str| -> String {
        connection
            .query_row(&format!("PRAGMA {name}"), [], |row| {
                row.get::<_, rusqlite::types::Value>(0)
            })
            .map(|value| format!("{value:?}"))
            .expect("pragma")
    };
    assert_eq!(pragma("journal_mode"), r#"Text("wal")"#);
    assert_eq!(pragma("user_version"), "Integer(1)");
    drop(connection);

    let journal = open(&path);
    assert_eq!(
        journal.events(&Filter::default()).expect("read events"),
        [first.clone(), second.clone()]
    );

    let mut duplicate = first.clone().with("changed", true);
    duplicate.name = "pages/other/other".to_owned();
    let recorder = journal.recorder();
    recorder.record(duplicate);
    recorder.record(second.clone());
    recorder.flush().expect("flush");
    assert_eq!(
        journal.events(&Filter::default()).expect("read events"),
        [first, second]
    );
}

#[test]
fn processes_opening_the_same_new_journal_at_once_share_one_schema() {
    // Each opening has its own connections, as two `capsule` processes on one data folder do.
    for _ in 0..20 {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = journal_path(&dir);
        let openings: Vec<_> = (0..4)
            .map(|_| {
                let path = path.clone();
                thread::spawn(move || Journal::open(&path, Limits::default()).map(|_| ()))
            })
            .collect();
        for opening in openings {
            opening
                .join()
                .expect("no panic")
                .expect("every opening succeeds");
        }
        assert_eq!(open(&path).events(&Filter::default()).expect("read"), []);
    }
}

#[test]
fn events_older_than_the_age_limit_are_deleted_after_the_next_batch() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = journal_path(&dir);
    let hour_ms = 60 * 60 * 1000;
    let mut two_hours_old = Event::new(Kind::Log, "info", &context("app", "s"));
    two_hours_old.time_ms = now_ms() - 2 * hour_ms;
    {
        let journal = open(&path);
        let recorder = journal.recorder();
        recorder.record(two_hours_old.clone());
        recorder.flush().expect("flush");
        assert_eq!(
            journal.events(&Filter::default()).expect("read"),
            [two_hours_old.clone()]
        );
    }

    let limits = Limits {
        max_age: Duration::from_secs(60 * 60),
        ..Limits::default()
    };
    let journal = Journal::open(&path, limits).expect("reopen");
    let recorder = journal.recorder();
    let mut day_old = Event::new(Kind::Log, "warn", &context("app", "s"));
    day_old.time_ms = now_ms() - 24 * hour_ms;
    let fresh = Event::new(Kind::Log, "error", &context("app", "s"));
    recorder.record(day_old);
    recorder.record(fresh.clone());
    recorder.flush().expect("flush");
    assert_eq!(journal.events(&Filter::default()).expect("read"), [fresh]);
}

#[test]
fn over_the_size_limit_the_oldest_events_go_first() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Each event: a 4-byte name, `{"pad":"xxxxxxxxxx"}` (20 bytes) and 64 bytes of overhead.
    let limits = Limits {
        max_bytes: 10 * 88,
        ..Limits::default()
    };
    let journal = Journal::open(&journal_path(&dir), limits).expect("open");
    let recorder = journal.recorder();
    let base = now_ms() - 1_000;
    for i in 0..100 {
        let mut event = Event::new(Kind::Custom, format!("e{i:03}"), &context("app", "s"))
            .with("pad", "xxxxxxxxxx");
        // Later events are newer by seq even where their time is not.
        event.time_ms = base + (i % 7);
        recorder.record(event);
        if i % 30 == 0 {
            recorder.flush().expect("flush");
        }
    }
    recorder.flush().expect("flush");
    let mut kept: Vec<String> = journal
        .events(&Filter::default())
        .expect("read")
        .into_iter()
        .map(|event| event.name)
        .collect();
    kept.sort();
    let newest: Vec<String> = (90..100).map(|i| format!("e{i:03}")).collect();
    assert_eq!(kept, newest);

    // A single event over the limit does not stay either.
    let limits = Limits {
        max_bytes: 50,
        ..Limits::default()
    };
    drop(recorder);
    drop(journal);
    let journal = Journal::open(&journal_path(&dir), limits).expect("reopen");
    let recorder = journal.recorder();
    recorder.record(Event::new(Kind::Custom, "big", &context("app", "s")));
    recorder.flush().expect("flush");
    assert_eq!(journal.events(&Filter::default()).expect("read"), []);
}

/// The journal at `path` set aside `damaged`'s bytes under a new name and records into a new
/// file.
fn check_set_aside(journal: &Journal, path: &Path, damaged: &[u8]) {
    let set_aside = journal.set_aside().expect("set aside");
    assert_eq!(set_aside.path, path);
    assert_eq!(std::fs::read(&set_aside.moved_to).expect("kept"), damaged);
    let recorder = journal.recorder();
    let event = Event::new(Kind::Custom, "after", &context("app", "s"));
    recorder.record(event.clone());
    recorder.flush().expect("flush");
    assert_eq!(journal.events(&Filter::default()).expect("read"), [event]);
}

#[test]
fn a_file_that_is_not_sqlite_is_set_aside_with_its_bytes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("analytics.sqlite");
    let garbage: Vec<u8> = (0..5000u32).map(|i| (i * 7 + 3) as u8).collect();
    std::fs::write(&path, &garbage).expect("write garbage");

    let journal = open(&path);
    check_set_aside(&journal, &path, &garbage);
    let problem = &journal.set_aside().expect("set aside").problem;
    assert_eq!(problem, "not an SQLite database");
    // Opened again, the new journal is healthy: nothing more is set aside.
    drop(journal);
    assert!(open(&path).set_aside().is_none());
}

#[test]
fn a_damaged_database_is_set_aside_with_its_bytes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = journal_path(&dir);
    {
        let journal = open(&path);
        assert!(journal.set_aside().is_none());
        let recorder = journal.recorder();
        for i in 0..2000 {
            recorder.record(
                Event::new(Kind::Custom, format!("event {i}"), &context("app", "s"))
                    .with("data", json!({"text": "some text to fill pages"})),
            );
        }
        recorder.flush().expect("flush");
    }
    // Checkpoint the WAL into the main file, then overwrite pages past the header.
    let connection = rusqlite::Connection::open(&path).expect("open");
    connection
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")
        .expect("checkpoint");
    drop(connection);
    let mut bytes = std::fs::read(&path).expect("read");
    assert!(bytes.len() > 40_000);
    for byte in &mut bytes[8192..40_000] {
        *byte = 0xA5;
    }
    std::fs::write(&path, &bytes).expect("damage");

    check_set_aside(&open(&path), &path, &bytes);
}

#[test]
fn unknown_schemas_are_errors_naming_the_path() {
    let dir = tempfile::tempdir().expect("temp dir");

    let newer = dir.path().join("newer.sqlite");
    drop(open(&newer));
    let connection = rusqlite::Connection::open(&newer).expect("open");
    connection
        .execute_batch("PRAGMA user_version = 99")
        .expect("bump version");
    drop(connection);
    let error = Journal::open(&newer, Limits::default()).expect_err("newer schema opens");
    assert!(matches!(error, Error::Schema { .. }), "{error:?}");
    assert!(error.to_string().contains(&newer.display().to_string()));

    let other = dir.path().join("other.sqlite");
    let connection = rusqlite::Connection::open(&other).expect("open");
    connection
        .execute_batch("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('keep me');")
        .expect("other database");
    drop(connection);
    let error = Journal::open(&other, Limits::default()).expect_err("other database opens");
    assert!(matches!(error, Error::Schema { .. }), "{error:?}");
    assert!(error.to_string().contains(&other.display().to_string()));
    let connection = rusqlite::Connection::open(&other).expect("open");
    let text: String = connection
        .query_row("SELECT text FROM notes", [], |row| row.get(0))
        .expect("notes kept");
    assert_eq!(text, "keep me");
}

#[test]
fn filters_by_app_time_and_kind() {
    let dir = tempfile::tempdir().expect("temp dir");
    let journal = open(&journal_path(&dir));
    let recorder = journal.recorder();
    let base = now_ms() - 10_000;
    let specs = [
        ("a", 0, Kind::AppLaunch),
        ("b", 1, Kind::AppLaunch),
        ("a", 2, Kind::PageEnter),
        ("b", 3, Kind::PageEnter),
        ("a", 4, Kind::ApiCall),
        ("a", 5, Kind::PageEnter),
        ("b", 6, Kind::Log),
    ];
    let events: Vec<Event> = specs
        .iter()
        .map(|&(app, offset, kind)| {
            let mut event = Event::new(kind, format!("{app}{offset}"), &context(app, "s"));
            event.time_ms = base + offset;
            event
        })
        .collect();
    for event in events.iter().rev() {
        recorder.record(event.clone());
    }
    recorder.flush().expect("flush");

    let names = |filter: Filter| -> Vec<String> {
        journal
            .events(&filter)
            .expect("read")
            .into_iter()
            .map(|event| event.name)
            .collect()
    };
    assert_eq!(
        names(Filter::default()),
        ["a0", "b1", "a2", "b3", "a4", "a5", "b6"]
    );
    assert_eq!(
        names(Filter {
            app_id: Some("a".into()),
            ..Filter::default()
        }),
        ["a0", "a2", "a4", "a5"]
    );
    assert_eq!(
        names(Filter {
            since_ms: Some(base + 3),
            ..Filter::default()
        }),
        ["b3", "a4", "a5", "b6"]
    );
    assert_eq!(
        names(Filter {
            kinds: Some(vec![Kind::PageEnter, Kind::Log]),
            ..Filter::default()
        }),
        ["a2", "b3", "a5", "b6"]
    );
    assert_eq!(
        names(Filter {
            app_id: Some("a".into()),
            since_ms: Some(base + 1),
            kinds: Some(vec![Kind::PageEnter]),
        }),
        ["a2", "a5"]
    );
    assert!(
        names(Filter {
            kinds: Some(Vec::new()),
            ..Filter::default()
        })
        .is_empty()
    );
    assert!(
        names(Filter {
            app_id: Some("c".into()),
            ..Filter::default()
        })
        .is_empty()
    );
}

#[test]
fn a_full_queue_drops_and_counts_events_instead_of_blocking() {
    const RECORDED: u64 = 20_001;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = journal_path(&dir);
    let journal = open(&path);
    let recorder = journal.recorder();

    // Another connection holds the write lock, so the writer stalls on its first batch.
    let mut blocker = rusqlite::Connection::open(&path).expect("open");
    let lock = blocker
        .transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)
        .expect("lock");
    for i in 0..RECORDED {
        recorder.record(Event::new(
            Kind::Custom,
            format!("e{i}"),
            &context("app", "s"),
        ));
    }
    drop(lock);
    recorder.flush().expect("flush");

    let stored = journal.events(&Filter::default()).expect("read").len() as u64;
    assert!(recorder.dropped() > 0);
    assert_eq!(stored + recorder.dropped(), RECORDED);
    assert_eq!(journal.recorder().dropped(), recorder.dropped());
}

#[test]
fn journal_and_recorder_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Journal>();
    check::<capsule_analytics::Recorder>();
}

#[test]
fn a_write_error_is_kept_for_flush_and_later_events_are_still_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = journal_path(&dir);
    let journal = open(&path);
    let recorder = journal.recorder();
    let first = Event::new(Kind::Custom, "first", &context("app", "s"));
    recorder.record(first.clone());
    recorder.flush().expect("flush");

    // The table disappears under the writer, then comes back.
    let other = rusqlite::Connection::open(&path).expect("open");
    other
        .execute_batch("ALTER TABLE events RENAME TO hidden")
        .expect("hide table");
    recorder.record(Event::new(Kind::Custom, "lost", &context("app", "s")));
    let error = recorder.flush().expect_err("flush without a table");
    assert!(matches!(error, Error::Write { .. }), "{error:?}");
    assert!(error.to_string().contains(&path.display().to_string()));
    assert!(error.to_string().contains("events"), "{error}");

    other
        .execute_batch("ALTER TABLE hidden RENAME TO events")
        .expect("restore table");
    let later = Event::new(Kind::Custom, "later", &context("app", "s"));
    recorder.record(later.clone());
    let kept = recorder.flush().expect_err("the first error is kept");
    assert_eq!(kept.to_string(), error.to_string());
    assert_eq!(
        journal.events(&Filter::default()).expect("read"),
        [first, later]
    );
}

#[test]
fn recorders_outlive_the_journal_and_queued_events_are_committed_on_drop() {
    const RECORDED: i64 = 2_000;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = journal_path(&dir);
    let journal = open(&path);
    let recorder = journal.recorder();
    drop(journal);
    recorder.record(Event::new(Kind::AppLaunch, "app", &context("app", "s")));
    recorder
        .flush()
        .expect("flush after the journal is dropped");

    for i in 1..RECORDED {
        recorder.record(Event::new(
            Kind::Custom,
            format!("e{i}"),
            &context("app", "s"),
        ));
    }
    assert_eq!(recorder.dropped(), 0);
    drop(recorder);

    // The writer commits what was queued, then ends.
    let connection = rusqlite::Connection::open(&path).expect("open");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut stored = 0;
    while std::time::Instant::now() < deadline {
        stored = connection
            .query_row("SELECT COUNT(*) FROM events", [], |row| {
                row.get::<_, i64>(0)
            })
            .expect("count");
        if stored == RECORDED {
            break;
        }
        thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(stored, RECORDED);
}
