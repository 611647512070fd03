//! The publisher's side of a channel: adds releases and changes rollouts in a channel folder,
//! rewriting the signed index atomically.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{ChannelIndex, Release, Rollout, Stage, index_path, sha256_hex, user_hash};
use crate::archive::sync_dir;
use crate::store::now;
use crate::{AppId, Error, Result, SecretKey, TrustedKeys, Verifier};

/// How long a written index stays valid unless told otherwise.
pub(crate) const DEFAULT_VALIDITY: Duration = Duration::from_secs(30 * 86_400);

/// A change to a release's rollout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RolloutChange {
    /// Add these user ids (hashed before they are written) to the whitelist.
    Whitelist(Vec<String>),
    /// Internal users too.
    Internal,
    /// This many basis points of users too.
    Percentage(u32),
    /// Everyone.
    Full,
    /// No new users (a later promotion resumes the rollout).
    Pause,
    /// Withdraw the release: users on it go back.
    Revoke,
}

/// Writes a channel folder with a publisher key.
#[derive(Debug)]
pub struct Publisher<'a> {
    root: PathBuf,
    key: &'a SecretKey,
    readers: TrustedKeys,
    validity: Duration,
}

impl<'a> Publisher<'a> {
    /// A publisher writing the channel folder `root`, signing with `key`. Existing indexes
    /// must be signed by `key` too (see [`Publisher::trusting`] to rotate keys).
    pub fn new(root: &Path, key: &'a SecretKey) -> Self {
        let mut readers = TrustedKeys::new();
        readers.add(key.public_key());
        Self {
            root: root.to_path_buf(),
            key,
            readers,
            validity: DEFAULT_VALIDITY,
        }
    }

    /// Also accepts existing indexes signed by `keys` (the old key when rotating: the next
    /// write signs with the new key).
    #[must_use]
    pub fn trusting(mut self, keys: &TrustedKeys) -> Self {
        for key in keys.iter() {
            self.readers.add(key);
        }
        self
    }

    /// Indexes written from now on expire `validity` after they are written.
    #[must_use]
    pub fn valid_for(mut self, validity: Duration) -> Self {
        self.validity = validity;
        self
    }

    /// The app's index in the channel, checked against the publisher's keys; `None` before
    /// its first release. An expired index is still read: the next write renews it.
    pub fn read(&self, app_id: &AppId) -> Result<Option<ChannelIndex>> {
        let path = self.root.join(index_path(app_id));
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(&path, e)),
        };
        let verified = ChannelIndex::verify(&bytes, &self.readers)?;
        if verified.index.app_id != *app_id {
            return Err(Error::AppIdMismatch {
                expected: app_id.to_string(),
                found: verified.index.app_id.to_string(),
            });
        }
        Ok(Some(verified.index))
    }

    /// Adds the package at `package` (signed with the publisher key, newer than every
    /// release of its app in the channel) as a release rolled out as `rollout` says.
    pub fn publish(&self, package: &Path, rollout: RolloutChange) -> Result<Release> {
        let mut trusted = TrustedKeys::new();
        trusted.add(self.key.public_key());
        let verified = Verifier::new(trusted).verify(package)?;
        let manifest = verified.manifest;
        let bytes = fs::read(package).map_err(|e| Error::io(package, e))?;
        let (release, _) = self.rewrite(&manifest.app_id, |index| {
            if let Some(newest) = index.newest()
                && newest.version >= manifest.version
            {
                return Err(Error::NotNewer {
                    app_id: manifest.app_id.to_string(),
                    newest: newest.version.clone(),
                    package: manifest.version.clone(),
                });
            }
            let sha256 = sha256_hex(&bytes);
            let release = Release {
                version: manifest.version.clone(),
                package: Release::package_path(&sha256),
                size: bytes.len() as u64,
                sha256,
                min_runtime_version: manifest.min_runtime_version.clone(),
                published_at: now(),
                rollout: Rollout {
                    stage: Stage::Whitelist,
                    whitelist: Vec::new(),
                    basis_points: 0,
                    paused: false,
                    revoked: false,
                },
            };
            let app_dir = self.root.join("apps").join(manifest.app_id.as_str());
            write_atomically(&app_dir.join(&release.package), &bytes)?;
            index.releases.push(release);
            let added = index.releases.len() - 1;
            apply(&manifest.app_id, &mut index.releases[added], rollout)
        })?;
        Ok(release)
    }

    /// Changes the rollout of `version` (the newest release when `None`).
    pub fn change(
        &self,
        app_id: &AppId,
        version: Option<&semver::Version>,
        change: RolloutChange,
    ) -> Result<Release> {
        let (release, _) = self.rewrite(app_id, |index| {
            let position = match version {
                Some(version) => index.releases.iter().position(|r| &r.version == version),
                None => (0..index.releases.len()).max_by_key(|&i| &index.releases[i].version),
            };
            let position = position.ok_or_else(|| {
                Error::ChannelIndex(match version {
                    Some(version) => format!("{app_id} has no release {version} in the channel"),
                    None => format!("{app_id} has no release in the channel"),
                })
            })?;
            apply(app_id, &mut index.releases[position], change)
        })?;
        Ok(release)
    }

    /// Signs the app's index again with a new expiry (and sequence), changing nothing else:
    /// publishers run it on a schedule so clients never see an expired index.
    pub fn refresh(&self, app_id: &AppId) -> Result<ChannelIndex> {
        let ((), index) = self.rewrite(app_id, |index| {
            if index.releases.is_empty() {
                return Err(Error::ChannelIndex(format!(
                    "{app_id} has no release in the channel"
                )));
            }
            Ok(())
        })?;
        Ok(index)
    }

    /// Reads the app's index (a new one when there is none), lets `edit` change it, then
    /// writes it with the next sequence number and a new expiry, beside the old one and
    /// renamed over it; returns what `edit` returned and the index written. Holds the app's
    /// lock file throughout, so two publishers cannot lose each other's change.
    fn rewrite<T>(
        &self,
        app_id: &AppId,
        edit: impl FnOnce(&mut ChannelIndex) -> Result<T>,
    ) -> Result<(T, ChannelIndex)> {
        let app_dir = self.root.join("apps").join(app_id.as_str());
        fs::create_dir_all(&app_dir).map_err(|e| Error::io(&app_dir, e))?;
        let lock_path = app_dir.join(".lock");
        let lock = File::create(&lock_path).map_err(|e| Error::io(&lock_path, e))?;
        lock.lock().map_err(|e| Error::io(&lock_path, e))?;
        let mut index = self
            .read(app_id)?
            .unwrap_or_else(|| ChannelIndex::new(app_id.clone()));
        let edited = edit(&mut index)?;
        index.sequence += 1;
        index.expires = now() + self.validity.as_secs();
        let bytes = index.sign(self.key)?;
        write_atomically(&self.root.join(index_path(app_id)), &bytes)?;
        Ok((edited, index))
    }
}

/// Applies `change` to `release`; returns the release as changed.
fn apply(app_id: &AppId, release: &mut Release, change: RolloutChange) -> Result<Release> {
    let rollout = &mut release.rollout;
    if rollout.revoked && change != RolloutChange::Revoke {
        return Err(Error::ChannelIndex(format!(
            "release {} is revoked; publish a new version instead",
            release.version
        )));
    }
    match change {
        RolloutChange::Whitelist(ids) => {
            for hash in ids.iter().map(|id| user_hash(app_id, id)) {
                if !rollout.whitelist.contains(&hash) {
                    rollout.whitelist.push(hash);
                }
            }
            rollout.paused = false;
        }
        RolloutChange::Internal => {
            rollout.stage = rollout.stage.max(Stage::Internal);
            rollout.paused = false;
        }
        RolloutChange::Percentage(points) => {
            if points == 0 || points > super::BASIS_POINTS {
                return Err(Error::ChannelIndex(format!(
                    "a percentage rollout needs 1 to {} basis points, not {points}",
                    super::BASIS_POINTS
                )));
            }
            if rollout.stage == Stage::Full {
                return Err(Error::ChannelIndex(format!(
                    "release {} is out to everyone already",
                    release.version
                )));
            }
            rollout.stage = Stage::Percentage;
            rollout.basis_points = rollout.basis_points.max(points);
            rollout.paused = false;
        }
        RolloutChange::Full => {
            rollout.stage = Stage::Full;
            rollout.basis_points = super::BASIS_POINTS;
            rollout.paused = false;
        }
        RolloutChange::Pause => rollout.paused = true,
        RolloutChange::Revoke => rollout.revoked = true,
    }
    Ok(release.clone())
}

/// Writes `bytes` to a new file beside `path`, syncs it, renames it over `path` and syncs
/// the folder: readers see the old file or the new one, never a part.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| Error::ChannelIndex(format!("{} has no folder", path.display())))?;
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let partial = dir.join(format!(".{name}.{}.partial", std::process::id()));
    let written = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&partial)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| fs::rename(&partial, path));
    if let Err(e) = written {
        // Best effort: a partial file is never read (it is not the index's name).
        let _ = fs::remove_file(&partial);
        return Err(Error::io(path, e));
    }
    sync_dir(dir)
}
