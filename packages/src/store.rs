//! The installed-package store: a data folder with an SQLite index and one folder per
//! installed version.
//!
//! Layout: `index.sqlite`, `lock`, `staging/` (packages being unpacked) and
//! `apps/<appId>/<version>+<digest>/` (installed versions). A version is unpacked and synced
//! in `staging/`, renamed into `apps/`, and only then made visible and active in one SQLite
//! transaction. Folders the index does not name are leftovers of an interrupted install and
//! are deleted when the store is opened.
//!
//! An update may be installed without being activated (a running app keeps its version): it
//! is then *pending* and becomes active at [`Store::launch`] or [`Store::activate_pending`].
//! The store also keeps what a client accepted from each app's update channel (the highest
//! index sequence, its ETag and bytes), so an older index is refused.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use capsule_sqlite::{SetAside, set_aside_if_damaged, use_wal};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::archive::{SignedDigest, sync_dir};
use crate::channel::VerifiedIndex;
use crate::{
    AppId, Error, FileDigest, InstalledApp, PackageFiles, Result, VerifiedPackage, Verifier,
};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id TEXT NOT NULL,
    version TEXT NOT NULL,
    dir TEXT NOT NULL UNIQUE,
    installed_at INTEGER NOT NULL,
    source TEXT NOT NULL,
    package_digest TEXT NOT NULL,
    key_id TEXT NOT NULL,
    digest BLOB NOT NULL,
    signature BLOB NOT NULL,
    UNIQUE (app_id, package_digest)
);
CREATE TABLE IF NOT EXISTS apps (
    app_id TEXT PRIMARY KEY,
    active_version INTEGER NOT NULL REFERENCES versions (id)
);
CREATE TABLE IF NOT EXISTS pending (
    app_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL REFERENCES versions (id)
);
CREATE TABLE IF NOT EXISTS channel_state (
    app_id TEXT PRIMARY KEY,
    sequence INTEGER NOT NULL,
    url TEXT NOT NULL,
    etag TEXT,
    index_file BLOB NOT NULL
);
";

/// How many versions of an app a store keeps unless told otherwise.
pub const DEFAULT_KEEP_VERSIONS: usize = 2;

/// The installed-package store. Holds an exclusive lock on its folder while open.
#[derive(Debug)]
pub struct Store {
    root: PathBuf,
    db: Connection,
    keep: usize,
    set_aside: Option<SetAside>,
    _lock: File,
}

/// Choices for [`Store::install`].
#[derive(Debug, Clone, Default)]
pub struct InstallOptions {
    /// Refuse the package unless it is this app (an update of a known app).
    pub expected_app_id: Option<AppId>,
    /// Allow installing a version not newer than the active one.
    pub allow_downgrade: bool,
    /// Allow an update signed by another (trusted) key than the active version's.
    pub allow_key_change: bool,
    /// Where the package came from (a file path or URL), recorded in the index.
    pub source: String,
    /// Leave the active version active: the package becomes the pending version, active
    /// at the next [`Store::launch`]. An app with no active version activates it at once.
    pub defer_activation: bool,
}

/// One installed version of an app, as the index records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalledVersion {
    /// The app.
    pub app_id: String,
    /// Its version.
    pub version: semver::Version,
    /// Whether this is the version that runs.
    pub active: bool,
    /// Install time, seconds since the Unix epoch.
    pub installed_at: u64,
    /// Where the package came from.
    pub source: String,
    /// Hex SHA-256 of the package's signed digest.
    pub package_digest: String,
    /// Id of the key that signed it.
    pub key_id: String,
}

/// What a client accepted last from an app's update channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelState {
    /// The highest index sequence accepted.
    pub sequence: u64,
    /// Where the index was fetched from.
    pub url: String,
    /// The index response's ETag, for a conditional request to the same URL next time.
    pub etag: Option<String>,
    /// The index file as accepted (its signature is checked again on use).
    pub index_file: Vec<u8>,
}

impl Store {
    /// Opens (creating if needed) the store in `root`, waiting for other users of the same
    /// folder, and deletes what an interrupted install left behind. A damaged index is set
    /// aside with the versions it named (`<index>.damaged-<time>` and the same name with
    /// `.apps`), and the store starts empty ([`Store::set_aside`] says so).
    pub fn open(root: &Path) -> Result<Self> {
        for dir in [root.to_path_buf(), root.join("staging"), root.join("apps")] {
            fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        let lock_path = root.join("lock");
        let lock = File::create(&lock_path).map_err(|e| Error::io(&lock_path, e))?;
        lock.lock().map_err(|e| Error::io(&lock_path, e))?;
        let set_aside = set_aside_if_damaged(&root.join("index.sqlite"))?;
        if let Some(set_aside) = &set_aside {
            // A new index names no version: the versions' folders would be deleted as
            // leftovers. They go with the damaged index instead.
            let apps = root.join("apps");
            let mut kept = set_aside.moved_to.clone().into_os_string();
            kept.push(".apps");
            fs::rename(&apps, &kept).map_err(|e| Error::io(&apps, e))?;
            fs::create_dir_all(&apps).map_err(|e| Error::io(&apps, e))?;
        }
        let db = Connection::open(root.join("index.sqlite"))?;
        use_wal(&db)?;
        db.pragma_update(None, "synchronous", "FULL")?;
        db.pragma_update(None, "foreign_keys", "ON")?;
        db.execute_batch(SCHEMA)?;
        let store = Self {
            root: root.to_path_buf(),
            db,
            keep: DEFAULT_KEEP_VERSIONS,
            set_aside,
            _lock: lock,
        };
        store.remove_leftovers()?;
        Ok(store)
    }

    /// The damaged index this store's index replaced when it was opened, if any: its apps
    /// must be installed again.
    pub fn set_aside(&self) -> Option<&SetAside> {
        self.set_aside.as_ref()
    }

    /// Keeps the last `keep` versions of each app (at least 1) from now on.
    #[must_use]
    pub fn keeping(mut self, keep: usize) -> Self {
        self.keep = keep.max(1);
        self
    }

    /// The store's folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Verifies the package at `package` and installs it as its app's active version; older
    /// versions beyond the kept number are deleted. Nothing changes when any check fails.
    pub fn install(
        &mut self,
        verifier: &Verifier,
        package: &Path,
        options: &InstallOptions,
    ) -> Result<InstalledVersion> {
        let staging = self.root.join("staging").join(unique_name());
        fs::create_dir(&staging).map_err(|e| Error::io(&staging, e))?;
        let installed = self.install_from_staging(verifier, package, options, &staging);
        if staging.exists() {
            // Best effort: a leftover staging folder is deleted on the next open anyway.
            let _ = fs::remove_dir_all(&staging);
        }
        installed
    }

    fn install_from_staging(
        &mut self,
        verifier: &Verifier,
        package: &Path,
        options: &InstallOptions,
        staging: &Path,
    ) -> Result<InstalledVersion> {
        let verified = verifier.unpack_verified(package, staging)?;
        let manifest = &verified.manifest;
        let app_id = manifest.app_id.as_str();
        if let Some(expected) = &options.expected_app_id
            && expected != &manifest.app_id
        {
            return Err(Error::AppIdMismatch {
                expected: expected.to_string(),
                found: app_id.to_owned(),
            });
        }
        let existing: Option<i64> = self
            .db
            .query_row(
                "SELECT id FROM versions WHERE app_id = ?1 AND package_digest = ?2",
                params![app_id, verified.package_digest],
                |row| row.get(0),
            )
            .optional()?;
        let active = self.active_version(app_id)?;
        let reinstall = active
            .as_ref()
            .is_some_and(|active| active.package_digest == verified.package_digest);
        let defer = options.defer_activation && active.is_some() && !reinstall;
        if let Some(active) = &active
            && active.key_id != verified.key_id
            && !options.allow_key_change
        {
            return Err(Error::KeyChanged {
                app_id: app_id.to_owned(),
                installed: active.key_id.clone(),
                package: verified.key_id.clone(),
            });
        }
        if let Some(active) = active
            && manifest.version <= active.version
            && !options.allow_downgrade
            && !reinstall
        {
            return Err(Error::Downgrade {
                app_id: app_id.to_owned(),
                installed: active.version,
                package: manifest.version.clone(),
            });
        }
        let id = match existing {
            Some(id) if defer => {
                set_pending(&self.db, app_id, id)?;
                id
            }
            Some(id) => {
                self.activate(app_id, id)?;
                id
            }
            None => {
                let dir = self.move_into_place(&verified, staging)?;
                self.record(&verified, &dir, &options.source, defer)?
            }
        };
        self.collect_garbage(app_id)?;
        self.version_by_id(id)
    }

    /// Renames the unpacked version into `apps/`; returns its folder relative to the root.
    /// Until the index names it, the folder is a leftover that opening the store deletes.
    fn move_into_place(&self, verified: &VerifiedPackage, staging: &Path) -> Result<String> {
        let app_id = verified.manifest.app_id.as_str();
        let relative = format!(
            "apps/{app_id}/{}+{}",
            verified.manifest.version,
            &verified.package_digest[..16]
        );
        let target = self.root.join(&relative);
        let app_dir = self.root.join("apps").join(app_id);
        fs::create_dir_all(&app_dir).map_err(|e| Error::io(&app_dir, e))?;
        if target.exists() {
            // Not in the index (checked by the caller), so a leftover: replace it.
            fs::remove_dir_all(&target).map_err(|e| Error::io(&target, e))?;
        }
        fs::rename(staging, &target).map_err(|e| Error::io(&target, e))?;
        sync_dir(&app_dir)?;
        sync_dir(&self.root.join("apps"))?;
        sync_dir(&self.root.join("staging"))?;
        Ok(relative)
    }

    /// Records a version moved into place and makes it active (or pending, with `defer`),
    /// in one transaction.
    fn record(
        &mut self,
        verified: &VerifiedPackage,
        dir: &str,
        source: &str,
        defer: bool,
    ) -> Result<i64> {
        let app_id = verified.manifest.app_id.as_str();
        let tx = self
            .db
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO versions (app_id, version, dir, installed_at, source, package_digest,
                 key_id, digest, signature)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                app_id,
                verified.manifest.version.to_string(),
                dir,
                now(),
                source,
                verified.package_digest,
                verified.key_id,
                verified.signed.digest,
                verified.signed.signature,
            ],
        )?;
        let id = tx.last_insert_rowid();
        if defer {
            set_pending(&tx, app_id, id)?;
        } else {
            set_active(&tx, app_id, id)?;
        }
        tx.commit()?;
        Ok(id)
    }

    fn activate(&mut self, app_id: &str, version_id: i64) -> Result<()> {
        let tx = self
            .db
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        set_active(&tx, app_id, version_id)?;
        tx.commit()?;
        Ok(())
    }

    /// The version installed by a deferred update, waiting for the next launch.
    pub fn pending_version(&self, app_id: &str) -> Result<Option<InstalledVersion>> {
        self.pending_id(app_id)?
            .map(|id| self.version_by_id(id))
            .transpose()
    }

    /// Makes the pending version of `app_id` active, if there is one; returns it.
    pub fn activate_pending(&mut self, app_id: &str) -> Result<Option<InstalledVersion>> {
        let Some(pending) = self.pending_id(app_id)? else {
            return Ok(None);
        };
        self.activate(app_id, pending)?;
        self.collect_garbage(app_id)?;
        self.version_by_id(pending).map(Some)
    }

    /// Forgets the pending version of `app_id` (it stays installed until collected).
    pub fn discard_pending(&mut self, app_id: &str) -> Result<()> {
        self.db
            .execute("DELETE FROM pending WHERE app_id = ?1", params![app_id])?;
        Ok(())
    }

    /// Opens `app_id` to run it now: the pending version, if any, becomes active first.
    pub fn launch(&mut self, verifier: &Verifier, app_id: &str) -> Result<InstalledApp> {
        self.activate_pending(app_id)?;
        self.open_app(verifier, app_id)
    }

    fn pending_id(&self, app_id: &str) -> Result<Option<i64>> {
        Ok(self
            .db
            .query_row(
                "SELECT version FROM pending WHERE app_id = ?1",
                params![app_id],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// What the client accepted last from `app_id`'s update channel.
    pub fn channel_state(&self, app_id: &str) -> Result<Option<ChannelState>> {
        Ok(self
            .db
            .query_row(
                "SELECT sequence, url, etag, index_file FROM channel_state WHERE app_id = ?1",
                params![app_id],
                |row| {
                    Ok(ChannelState {
                        sequence: row.get(0)?,
                        url: row.get(1)?,
                        etag: row.get(2)?,
                        index_file: row.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// Accepts a verified channel index (the file `index_file`, served from `url` with
    /// `etag`): refuses it when it has expired or is older than the highest sequence
    /// accepted for its app (a replay or a stale cache), else remembers it.
    pub fn accept_index(
        &mut self,
        verified: &VerifiedIndex,
        index_file: &[u8],
        (url, etag): (&str, Option<&str>),
    ) -> Result<()> {
        verified.ensure_fresh(now())?;
        let index = &verified.index;
        let app_id = index.app_id.as_str();
        let tx = self
            .db
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let seen: Option<u64> = tx
            .query_row(
                "SELECT sequence FROM channel_state WHERE app_id = ?1",
                params![app_id],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(seen) = seen
            && index.sequence < seen
        {
            return Err(Error::IndexReplayed {
                app_id: app_id.to_owned(),
                sequence: index.sequence,
                seen,
            });
        }
        tx.execute(
            "INSERT INTO channel_state (app_id, sequence, url, etag, index_file)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (app_id) DO UPDATE SET sequence = excluded.sequence,
                 url = excluded.url, etag = excluded.etag, index_file = excluded.index_file",
            params![app_id, index.sequence, url, etag, index_file],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Deletes the versions of `app_id` beyond the newest kept ones (never the active one).
    fn collect_garbage(&mut self, app_id: &str) -> Result<()> {
        let tx = self
            .db
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let dirs: Vec<String> = {
            let mut statement = tx.prepare(
                "SELECT dir FROM versions
                 WHERE app_id = ?1
                   AND id NOT IN (SELECT active_version FROM apps WHERE app_id = ?1)
                   AND id NOT IN (SELECT version FROM pending WHERE app_id = ?1)
                 ORDER BY id DESC LIMIT -1 OFFSET ?2",
            )?;
            let rows = statement.query_map(params![app_id, self.keep - 1], |row| row.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for dir in &dirs {
            tx.execute("DELETE FROM versions WHERE dir = ?1", params![dir])?;
        }
        tx.commit()?;
        for dir in dirs {
            remove_dir(&self.root.join(dir))?;
        }
        Ok(())
    }

    /// Makes the version installed before the active one active again.
    pub fn rollback(&mut self, app_id: &str) -> Result<InstalledVersion> {
        let active = self.active_id(app_id)?.ok_or_else(|| Error::NotInstalled {
            app_id: app_id.to_owned(),
        })?;
        let previous: Option<i64> = self.db.query_row(
            "SELECT max(id) FROM versions WHERE app_id = ?1 AND id < ?2",
            params![app_id, active],
            |row| row.get(0),
        )?;
        let previous = previous.ok_or_else(|| Error::NoPreviousVersion {
            app_id: app_id.to_owned(),
        })?;
        self.activate(app_id, previous)?;
        self.version_by_id(previous)
    }

    /// Uninstalls every version of `app_id`.
    pub fn remove(&mut self, app_id: &str) -> Result<()> {
        let tx = self
            .db
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM pending WHERE app_id = ?1", params![app_id])?;
        let removed = tx.execute("DELETE FROM apps WHERE app_id = ?1", params![app_id])?;
        tx.execute("DELETE FROM versions WHERE app_id = ?1", params![app_id])?;
        tx.commit()?;
        if removed == 0 {
            return Err(Error::NotInstalled {
                app_id: app_id.to_owned(),
            });
        }
        remove_dir(&self.root.join("apps").join(app_id))
    }

    /// Every installed version, by app id and then install order.
    pub fn list(&self) -> Result<Vec<InstalledVersion>> {
        let mut statement = self
            .db
            .prepare(&format!("{SELECT_VERSION} ORDER BY v.app_id, v.id"))?;
        let rows = statement.query_map([], version_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The active version of `app_id`, if installed.
    pub fn active_version(&self, app_id: &str) -> Result<Option<InstalledVersion>> {
        match self.active_id(app_id)? {
            Some(id) => self.version_by_id(id).map(Some),
            None => Ok(None),
        }
    }

    /// Opens the active version of `app_id` to run: re-checks its stored signature against
    /// `verifier`'s trusted keys and its manifest's hash.
    pub fn open_app(&self, verifier: &Verifier, app_id: &str) -> Result<InstalledApp> {
        let not_installed = || Error::NotInstalled {
            app_id: app_id.to_owned(),
        };
        let (dir, digest, signature): (String, Vec<u8>, Vec<u8>) = self
            .db
            .query_row(
                "SELECT v.dir, v.digest, v.signature FROM apps a
                 JOIN versions v ON v.id = a.active_version WHERE a.app_id = ?1",
                params![app_id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()?
            .ok_or_else(not_installed)?;
        let digest = verifier.check_signed(&SignedDigest { digest, signature })?;
        let files = PackageFiles::new(self.root.join(dir), digest);
        let manifest = files.manifest()?;
        if manifest.app_id.as_str() != app_id {
            return Err(Error::Store(format!(
                "the active version of {app_id} has a manifest for {}",
                manifest.app_id
            )));
        }
        Ok(InstalledApp { manifest, files })
    }

    /// Proves the store consistent: every app's active version is one of its versions, every
    /// version's folder exists with every file matching its SHA-256, and no other folder is
    /// left in `apps/` or `staging/`.
    pub fn check(&self) -> Result<()> {
        let inconsistent = |what: String| Err(Error::Store(what));
        let dangling: i64 = self.db.query_row(
            "SELECT count(*) FROM apps a LEFT JOIN versions v
             ON v.id = a.active_version AND v.app_id = a.app_id WHERE v.id IS NULL",
            [],
            |row| row.get(0),
        )?;
        if dangling > 0 {
            return inconsistent(format!("{dangling} apps point at no version of theirs"));
        }
        let mut statement = self.db.prepare("SELECT dir, digest FROM versions")?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        let mut known = Vec::new();
        for row in rows {
            let (dir, digest): (String, Vec<u8>) = row?;
            let digest = FileDigest::parse(&digest)?;
            let files = PackageFiles::new(self.root.join(&dir), digest.clone());
            for path in digest.paths() {
                if let Err(error) = files.read(path) {
                    return inconsistent(format!("{dir}/{path}: {error}"));
                }
            }
            known.push(self.root.join(dir));
        }
        for found in self.version_dirs()? {
            if !known.contains(&found) {
                return inconsistent(format!("{} is not in the index", found.display()));
            }
        }
        if fs::read_dir(self.root.join("staging"))
            .map_err(|e| Error::io(&self.root, e))?
            .next()
            .is_some()
        {
            return inconsistent("staging/ is not empty".into());
        }
        Ok(())
    }

    fn active_id(&self, app_id: &str) -> Result<Option<i64>> {
        Ok(self
            .db
            .query_row(
                "SELECT active_version FROM apps WHERE app_id = ?1",
                params![app_id],
                |row| row.get(0),
            )
            .optional()?)
    }

    fn version_by_id(&self, id: i64) -> Result<InstalledVersion> {
        Ok(self.db.query_row(
            &format!("{SELECT_VERSION} WHERE v.id = ?1"),
            params![id],
            version_from_row,
        )?)
    }

    /// Every `apps/<appId>/<version>` folder on disk.
    fn version_dirs(&self) -> Result<Vec<PathBuf>> {
        let apps = self.root.join("apps");
        let mut dirs = Vec::new();
        for app in fs::read_dir(&apps).map_err(|e| Error::io(&apps, e))? {
            let app = app.map_err(|e| Error::io(&apps, e))?.path();
            for version in fs::read_dir(&app).map_err(|e| Error::io(&app, e))? {
                dirs.push(version.map_err(|e| Error::io(&app, e))?.path());
            }
        }
        Ok(dirs)
    }

    /// Deletes staging folders and version folders the index does not name.
    fn remove_leftovers(&self) -> Result<()> {
        let staging = self.root.join("staging");
        for entry in fs::read_dir(&staging).map_err(|e| Error::io(&staging, e))? {
            remove_dir(&entry.map_err(|e| Error::io(&staging, e))?.path())?;
        }
        let mut statement = self.db.prepare("SELECT dir FROM versions")?;
        let known: Vec<PathBuf> = statement
            .query_map([], |row| row.get::<_, String>(0))?
            .map(|dir| dir.map(|dir| self.root.join(dir)))
            .collect::<rusqlite::Result<_>>()?;
        for dir in self.version_dirs()? {
            if !known.contains(&dir) {
                remove_dir(&dir)?;
            }
        }
        Ok(())
    }
}

/// Makes `version_id` the version of `app_id` that becomes active at the next launch.
fn set_pending(db: &Connection, app_id: &str, version_id: i64) -> Result<()> {
    db.execute(
        "INSERT INTO pending (app_id, version) VALUES (?1, ?2)
         ON CONFLICT (app_id) DO UPDATE SET version = excluded.version",
        params![app_id, version_id],
    )?;
    Ok(())
}

/// Makes `version_id` the active version of `app_id`; a pending version is no longer pending.
fn set_active(tx: &rusqlite::Transaction<'_>, app_id: &str, version_id: i64) -> Result<()> {
    tx.execute("DELETE FROM pending WHERE app_id = ?1", params![app_id])?;
    tx.execute(
        "INSERT INTO apps (app_id, active_version) VALUES (?1, ?2)
         ON CONFLICT (app_id) DO UPDATE SET active_version = excluded.active_version",
        params![app_id, version_id],
    )?;
    Ok(())
}

const SELECT_VERSION: &str = "SELECT v.app_id, v.version, v.id = a.active_version, v.installed_at,
        v.source, v.package_digest, v.key_id
    FROM versions v LEFT JOIN apps a ON a.app_id = v.app_id";

fn version_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<InstalledVersion> {
    let version: String = row.get(1)?;
    Ok(InstalledVersion {
        app_id: row.get(0)?,
        version: semver::Version::parse(&version).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, e.into())
        })?,
        active: row.get::<_, Option<bool>>(2)?.unwrap_or(false),
        installed_at: row.get(3)?,
        source: row.get(4)?,
        package_digest: row.get(5)?,
        key_id: row.get(6)?,
    })
}

/// Removes a folder tree; a folder already gone is fine.
fn remove_dir(dir: &Path) -> Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(Error::io(dir, e)),
        _ => Ok(()),
    }
}

/// Seconds since the Unix epoch.
pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// A name no other staging folder has: process id and a clock reading.
fn unique_name() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    format!("{}-{nanos}", std::process::id())
}
