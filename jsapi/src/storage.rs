//! Key-value storage: `setStorage`, `getStorage`, `removeStorage`, `clearStorage`,
//! `getStorageInfo` and their `Sync` forms, kept in one SQLite database per data directory.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use capsule_sqlite::{set_aside_if_damaged, use_wal};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde_json::{Value, json};

use crate::{ApiCall, ApiError, ApiResult, Args, Dialect, Permission, Registry};

/// Alipay's code for a value over the per-key limit.
pub const VALUE_TOO_LONG: i64 = 14;
/// Alipay's code for a write that would take the app over its total limit.
pub const TOTAL_OVER_LIMIT: i64 = 12;

/// The name of the database file inside the data directory.
const DATABASE_FILE: &str = "storage.sqlite3";

/// How many bytes of storage an app may use. Sizes count the key and the JSON text of the
/// value, in UTF-8 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StorageLimits {
    /// Largest item for `my.*` callers and H5 pages (Alipay: 200 KB).
    pub alipay_item_bytes: usize,
    /// Largest item for `wx.*` callers (WeChat: 1 MB).
    pub wechat_item_bytes: usize,
    /// Largest total per app (both platforms: 10 MB).
    pub app_bytes: usize,
}

impl Default for StorageLimits {
    fn default() -> Self {
        Self {
            alipay_item_bytes: 200 << 10,
            wechat_item_bytes: 1 << 20,
            app_bytes: 10 << 20,
        }
    }
}

impl StorageLimits {
    fn item_bytes(&self, dialect: Dialect) -> usize {
        match dialect {
            Dialect::Alipay => self.alipay_item_bytes,
            Dialect::Wechat => self.wechat_item_bytes,
        }
    }
}

/// The storage database of a data directory, opened on first use.
pub(crate) struct Store {
    dir: Option<PathBuf>,
    limits: StorageLimits,
    /// The open database; `None` until it opens (a failed open is tried again on the next
    /// call, so storage comes back once, say, the disk has room again).
    connection: Mutex<Option<Connection>>,
}

impl Store {
    pub(crate) fn new(dir: Option<PathBuf>, limits: StorageLimits) -> Self {
        Self {
            dir,
            limits,
            connection: Mutex::new(None),
        }
    }

    /// Runs `work` on the open database, opening it first if need be.
    fn with<T>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut opened = self
            .connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let connection = match &mut *opened {
            Some(connection) => connection,
            empty => {
                let dir = self.dir.as_ref().ok_or_else(|| {
                    ApiError::unknown("storage is unavailable: the host set no data directory")
                })?;
                let connection = open(&dir.join(DATABASE_FILE)).map_err(|error| {
                    ApiError::unknown(format!("storage is unavailable: {error}"))
                })?;
                empty.insert(connection)
            }
        };
        work(connection)
    }

    fn set(&self, app: &str, key: &str, value: &str, dialect: Dialect) -> Result<(), ApiError> {
        let size = key.len() + value.len();
        let item_limit = self.limits.item_bytes(dialect);
        if size > item_limit {
            return Err(ApiError::new(
                VALUE_TOO_LONG,
                format!(
                    "exceed storage item max length: '{key}' takes {size} bytes, the limit is {item_limit}"
                ),
            ));
        }
        let app_limit = self.limits.app_bytes;
        self.with(|connection| {
            let transaction = connection
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(database_error)?;
            let old: i64 = transaction
                .prepare_cached("SELECT size FROM items WHERE app = ?1 AND key = ?2")
                .and_then(|mut query| {
                    query
                        .query_row(params![app, key], |row| row.get(0))
                        .optional()
                })
                .map_err(database_error)?
                .unwrap_or(0);
            let used = used_bytes(&transaction, app)?;
            let total = used - old + size as i64;
            if total > app_limit as i64 {
                return Err(ApiError::new(
                    TOTAL_OVER_LIMIT,
                    format!(
                        "exceed storage max size: the app would use {total} bytes, the limit is {app_limit}"
                    ),
                ));
            }
            transaction
                .prepare_cached("INSERT OR REPLACE INTO items (app, key, value, size) VALUES (?1, ?2, ?3, ?4)")
                .and_then(|mut statement| statement.execute(params![app, key, value, size as i64]))
                .map_err(database_error)?;
            set_used_bytes(&transaction, app, total)?;
            transaction.commit().map_err(database_error)
        })
    }

    fn get(&self, app: &str, key: &str) -> Result<Option<Value>, ApiError> {
        let text: Option<String> = self.with(|connection| {
            connection
                .prepare_cached("SELECT value FROM items WHERE app = ?1 AND key = ?2")
                .and_then(|mut query| {
                    query
                        .query_row(params![app, key], |row| row.get(0))
                        .optional()
                })
                .map_err(database_error)
        })?;
        text.map(|text| {
            serde_json::from_str(&text).map_err(|error| {
                ApiError::unknown(format!("stored value of '{key}' is damaged: {error}"))
            })
        })
        .transpose()
    }

    fn remove(&self, app: &str, key: &str) -> Result<(), ApiError> {
        self.with(|connection| {
            let transaction = connection
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(database_error)?;
            let removed: Option<i64> = transaction
                .prepare_cached("DELETE FROM items WHERE app = ?1 AND key = ?2 RETURNING size")
                .and_then(|mut statement| {
                    statement
                        .query_row(params![app, key], |row| row.get(0))
                        .optional()
                })
                .map_err(database_error)?;
            if let Some(size) = removed {
                let used = used_bytes(&transaction, app)?;
                set_used_bytes(&transaction, app, used - size)?;
            }
            transaction.commit().map_err(database_error)
        })
    }

    fn clear(&self, app: &str) -> Result<(), ApiError> {
        self.with(|connection| {
            let transaction = connection
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(database_error)?;
            transaction
                .execute("DELETE FROM items WHERE app = ?1", [app])
                .and_then(|_| transaction.execute("DELETE FROM usage WHERE app = ?1", [app]))
                .map_err(database_error)?;
            transaction.commit().map_err(database_error)
        })
    }

    /// The app's keys (sorted) and the bytes they use.
    fn info(&self, app: &str) -> Result<(Vec<String>, i64), ApiError> {
        self.with(|connection| {
            let keys = connection
                .prepare_cached("SELECT key FROM items WHERE app = ?1 ORDER BY key")
                .and_then(|mut query| {
                    query
                        .query_map([app], |row| row.get(0))?
                        .collect::<Result<Vec<String>, _>>()
                })
                .map_err(database_error)?;
            Ok((keys, used_bytes(connection, app)?))
        })
    }
}

/// Opens the database at `path`, creating it; a damaged one is set aside first (and the log
/// says so), never written over.
fn open(path: &Path) -> Result<Connection, String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|error| format!("cannot create the folder {}: {error}", dir.display()))?;
    }
    if let Some(set_aside) = set_aside_if_damaged(path).map_err(|error| error.to_string())? {
        tracing::error!("app storage: {set_aside}");
    }
    create(path).map_err(|error| format!("cannot open {}: {error}", path.display()))
}

fn create(path: &Path) -> rusqlite::Result<Connection> {
    let connection = Connection::open(path)?;
    // WAL with synchronous=NORMAL: a committed write is in the log before the call answers,
    // so it survives the process being killed; only a power loss may drop the last commits.
    use_wal(&connection)?;
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    connection.busy_timeout(std::time::Duration::from_secs(5))?;
    connection.execute_batch(
        "CREATE TABLE IF NOT EXISTS items (
             app TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, size INTEGER NOT NULL,
             PRIMARY KEY (app, key)) WITHOUT ROWID;
         CREATE TABLE IF NOT EXISTS usage (
             app TEXT PRIMARY KEY NOT NULL, bytes INTEGER NOT NULL) WITHOUT ROWID;",
    )?;
    Ok(connection)
}

fn used_bytes(connection: &Connection, app: &str) -> Result<i64, ApiError> {
    connection
        .prepare_cached("SELECT bytes FROM usage WHERE app = ?1")
        .and_then(|mut query| query.query_row([app], |row| row.get(0)).optional())
        .map(Option::unwrap_or_default)
        .map_err(database_error)
}

fn set_used_bytes(connection: &Connection, app: &str, bytes: i64) -> Result<(), ApiError> {
    connection
        .prepare_cached("INSERT OR REPLACE INTO usage (app, bytes) VALUES (?1, ?2)")
        .and_then(|mut statement| statement.execute(params![app, bytes]))
        .map(drop)
        .map_err(database_error)
}

/// A database failure as an API error: a full disk is the total-size code (the write did
/// not fit; nothing was changed), anything else code 3.
#[allow(clippy::needless_pass_by_value)] // used as `map_err(database_error)`
fn database_error(error: rusqlite::Error) -> ApiError {
    if error.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) {
        return ApiError::new(
            TOTAL_OVER_LIMIT,
            format!(
                "storage full: the disk holding the app's data has no room left ({error}); nothing was changed"
            ),
        );
    }
    ApiError::unknown(format!("storage failed: {error}"))
}

/// Longest key accepted before the size check, in bytes (keys count towards the item size).
const MAX_KEY_BYTES: usize = 1 << 20;

pub(crate) fn register(registry: &mut Registry, store: &Arc<Store>) {
    type Handler = fn(&Store, &ApiCall) -> ApiResult;
    let handlers: [(&str, Handler); 5] = [
        ("setStorage", set),
        ("getStorage", get),
        ("removeStorage", remove),
        ("clearStorage", clear),
        ("getStorageInfo", info),
    ];
    for (name, handler) in handlers {
        for name in [name.to_owned(), format!("{name}Sync")] {
            let store = Arc::clone(store);
            registry.register_fn(name, Permission::STORAGE, move |call| handler(&store, call));
        }
    }
}

fn set(store: &Store, call: &ApiCall) -> ApiResult {
    let args = Args::new(&call.api, &call.args)?;
    let key = args.str("key", MAX_KEY_BYTES)?;
    // `null` is a value like any other; only a missing `data` is an error.
    let data = call
        .args
        .get("data")
        .ok_or_else(|| ApiError::invalid_param(format!("{}: missing 'data'", call.api)))?;
    let text = serde_json::to_string(data).map_err(|e| ApiError::unknown(e.to_string()))?;
    store.set(&call.caller.app_id, key, &text, call.caller.dialect)?;
    Ok(json!({}))
}

/// A missing key answers `{data: null}` for Alipay; WeChat's `getStorageSync` answers an
/// empty string and its `getStorage` fails, as on the platforms.
fn get(store: &Store, call: &ApiCall) -> ApiResult {
    let args = Args::new(&call.api, &call.args)?;
    let key = args.str("key", MAX_KEY_BYTES)?;
    match (store.get(&call.caller.app_id, key)?, call.caller.dialect) {
        (Some(data), _) => Ok(json!({ "data": data })),
        (None, Dialect::Alipay) => Ok(json!({ "data": null })),
        (None, Dialect::Wechat) if call.api.ends_with("Sync") => Ok(json!({ "data": "" })),
        (None, Dialect::Wechat) => Err(ApiError::unknown("data not found")),
    }
}

fn remove(store: &Store, call: &ApiCall) -> ApiResult {
    let args = Args::new(&call.api, &call.args)?;
    let key = args.str("key", MAX_KEY_BYTES)?;
    store.remove(&call.caller.app_id, key)?;
    Ok(json!({}))
}

fn clear(store: &Store, call: &ApiCall) -> ApiResult {
    Args::new(&call.api, &call.args)?;
    store.clear(&call.caller.app_id)?;
    Ok(json!({}))
}

/// `{keys, currentSize, limitSize}`, sizes in KB as the platforms report them.
fn info(store: &Store, call: &ApiCall) -> ApiResult {
    Args::new(&call.api, &call.args)?;
    let (keys, used) = store.info(&call.caller.app_id)?;
    Ok(json!({
        "keys": keys,
        "currentSize": (used + 1023) / 1024,
        "limitSize": store.limits.app_bytes / 1024,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(dir: &Path, limits: StorageLimits) -> Store {
        Store::new(Some(dir.to_owned()), limits)
    }

    #[test]
    fn apps_are_isolated_and_usage_is_tracked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = store(dir.path(), StorageLimits::default());
        store.set("a", "k", "1", Dialect::Alipay).expect("set");
        store
            .set("b", "k", "\"two\"", Dialect::Alipay)
            .expect("set");
        assert_eq!(store.get("a", "k"), Ok(Some(json!(1))));
        assert_eq!(store.get("b", "k"), Ok(Some(json!("two"))));
        assert_eq!(store.get("c", "k"), Ok(None));
        store
            .set("a", "k", "[1,2]", Dialect::Alipay)
            .expect("replace");
        assert_eq!(store.info("a"), Ok((vec!["k".to_owned()], 6)));
        store.remove("a", "k").expect("remove");
        assert_eq!(store.info("a"), Ok((vec![], 0)));
        store.clear("b").expect("clear");
        assert_eq!(store.get("b", "k"), Ok(None));
    }

    #[test]
    fn processes_opening_the_same_new_storage_at_once_all_get_it() {
        // Each store has its own connection, as two processes on one data folder do.
        for _ in 0..20 {
            let dir = tempfile::tempdir().expect("tempdir");
            let writers: Vec<_> = (0..4)
                .map(|n| {
                    let dir = dir.path().to_owned();
                    std::thread::spawn(move || {
                        let store = store(&dir, StorageLimits::default());
                        store.set(&format!("app{n}"), "k", "1", Dialect::Wechat)
                    })
                })
                .collect();
            for writer in writers {
                writer
                    .join()
                    .expect("no panic")
                    .expect("every write succeeds");
            }
            let store = store(dir.path(), StorageLimits::default());
            for n in 0..4 {
                assert_eq!(store.get(&format!("app{n}"), "k"), Ok(Some(json!(1))));
            }
        }
    }

    #[test]
    fn quotas_use_the_platform_codes_and_keep_old_data() {
        let dir = tempfile::tempdir().expect("tempdir");
        let limits = StorageLimits {
            alipay_item_bytes: 10,
            wechat_item_bytes: 20,
            app_bytes: 30,
        };
        let store = store(dir.path(), limits);
        let long = "\"0123456789abc\"";
        assert_eq!(
            store
                .set("a", "k", long, Dialect::Alipay)
                .map_err(|e| e.code),
            Err(VALUE_TOO_LONG)
        );
        store
            .set("a", "k", long, Dialect::Wechat)
            .expect("fits WeChat's item limit");
        store.set("a", "k2", "12", Dialect::Wechat).expect("fits");
        assert_eq!(
            store
                .set("a", "k3", long, Dialect::Wechat)
                .map_err(|e| e.code),
            Err(TOTAL_OVER_LIMIT)
        );
        // Replacing an item counts only the difference.
        store
            .set("a", "k", "\"short\"", Dialect::Wechat)
            .expect("smaller");
        assert_eq!(store.get("a", "k2"), Ok(Some(json!(12))));
        assert_eq!(store.info("a").map(|(_, used)| used), Ok(8 + 4));
    }

    #[test]
    fn no_data_directory_is_a_clear_error() {
        let store = Store::new(None, StorageLimits::default());
        let error = store.get("a", "k").expect_err("no directory");
        assert_eq!(error.code, ApiError::UNKNOWN);
        assert!(error.message.contains("no data directory"), "{error}");
    }

    #[test]
    fn an_unusable_data_directory_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, "x").expect("file");
        let store = store(&file, StorageLimits::default());
        let error = store
            .set("a", "k", "1", Dialect::Alipay)
            .expect_err("bad dir");
        assert!(
            error
                .message
                .contains(&format!("cannot create the folder {}", file.display())),
            "{error}"
        );
    }
}
