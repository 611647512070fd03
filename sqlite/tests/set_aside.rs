//! What `set_aside_if_damaged` does with each kind of file: nothing with no file, an empty one
//! or a healthy database (a write-ahead log left by a killed writer included); a file that is
//! no database, or a database whose pages are damaged, is renamed with its bytes kept, and
//! nothing of it is left under its name for the new database to read.

use std::path::Path;

use capsule_sqlite::set_aside_if_damaged;
use rusqlite::Connection;

/// A database at `path` in WAL mode with `rows` rows, its last writes left in the log.
fn write_database(path: &Path, rows: i64) -> Connection {
    let connection = Connection::open(path).expect("open");
    connection
        .pragma_update(None, "journal_mode", "WAL")
        .expect("WAL");
    connection
        .execute_batch("CREATE TABLE items (id INTEGER PRIMARY KEY, text TEXT NOT NULL);")
        .expect("schema");
    for id in 0..rows {
        connection
            .execute(
                "INSERT INTO items (id, text) VALUES (?1, ?2)",
                rusqlite::params![id, "x".repeat(200)],
            )
            .expect("insert");
    }
    connection
}

#[test]
fn no_file_an_empty_file_and_a_healthy_database_are_left_as_they_are() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("data.sqlite");
    assert_eq!(set_aside_if_damaged(&path).expect("checked"), None);
    assert!(!path.exists());

    std::fs::write(&path, b"").expect("empty file");
    assert_eq!(set_aside_if_damaged(&path).expect("checked"), None);
    assert!(path.exists());
    std::fs::remove_file(&path).expect("removed");

    // The writer stays open: its last commits are only in the write-ahead log.
    let writer = write_database(&path, 50);
    assert!(dir.path().join("data.sqlite-wal").exists());
    assert_eq!(set_aside_if_damaged(&path).expect("checked"), None);
    drop(writer);
    let rows: i64 = Connection::open(&path)
        .expect("open")
        .query_row("SELECT COUNT(*) FROM items", [], |row| row.get(0))
        .expect("count");
    assert_eq!(rows, 50);
}

#[test]
fn a_file_that_is_no_database_is_set_aside_with_its_bytes() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("storage.sqlite3");
    std::fs::write(&path, "{\"not\": \"a database\"}").expect("file");
    let set_aside = set_aside_if_damaged(&path)
        .expect("checked")
        .expect("set aside");
    assert_eq!(set_aside.path, path);
    assert_eq!(set_aside.problem, "not an SQLite database");
    let name = set_aside
        .moved_to
        .file_name()
        .and_then(|name| name.to_str())
        .expect("a name");
    assert!(name.starts_with("storage.sqlite3.damaged-"), "{name}");
    assert!(!path.exists());
    assert_eq!(
        std::fs::read_to_string(&set_aside.moved_to).expect("kept"),
        "{\"not\": \"a database\"}"
    );
    assert!(
        set_aside.to_string().contains("was set aside as"),
        "{set_aside}"
    );

    // The same name set aside again at once: another name, the first kept.
    std::fs::write(&path, "again").expect("file");
    let again = set_aside_if_damaged(&path)
        .expect("checked")
        .expect("set aside");
    assert_ne!(again.moved_to, set_aside.moved_to);
    assert!(set_aside.moved_to.exists() && again.moved_to.exists());
}

#[test]
fn a_database_with_damaged_pages_is_set_aside_and_leaves_no_log_behind() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("index.sqlite");
    let writer = write_database(&path, 400);
    writer
        .pragma_update(None, "wal_checkpoint", "TRUNCATE")
        .expect("checkpoint");
    drop(writer);
    // Garbage over the pages after the first (the header page stays valid).
    let mut bytes = std::fs::read(&path).expect("read");
    assert!(bytes.len() > 16 * 1024, "{}", bytes.len());
    for byte in &mut bytes[4096..12 * 1024] {
        *byte = 0xA5;
    }
    std::fs::write(&path, &bytes).expect("damage");
    std::fs::write(dir.path().join("index.sqlite-wal"), b"").expect("log");
    std::fs::write(dir.path().join("index.sqlite-shm"), b"").expect("shared memory");

    let set_aside = set_aside_if_damaged(&path)
        .expect("checked")
        .expect("set aside");
    assert!(!set_aside.problem.is_empty());
    assert_eq!(std::fs::read(&set_aside.moved_to).expect("kept"), bytes);
    // No log or shared memory of the damaged database is left for the new one to read.
    for companion in ["-wal", "-shm"] {
        assert!(!dir.path().join(format!("index.sqlite{companion}")).exists());
    }
    // A new database takes the name.
    let fresh = Connection::open(&path).expect("open");
    fresh
        .execute_batch("CREATE TABLE t (x INTEGER);")
        .expect("a new database");
}
