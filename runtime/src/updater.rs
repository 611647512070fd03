//! The client side of the update channel: checks an app's signed index over HTTP, downloads
//! the release meant for this user (resuming an interrupted download) and installs it through
//! the package store.
//!
//! Nothing here touches the running version until a package is verified and installed: a
//! network error, a server error, a bad signature or a bad package fails the check or the
//! update with its reason, and the active version stays as it was.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

use capsule_packages::channel::{Audience, ChannelIndex, Plan, Release, index_path};
use capsule_packages::{AppId, InstallOptions, Store, Verifier};
use sha2::{Digest, Sha256};

use crate::{App, MiniProgram, PendingUpdate, UpdateStatus};

/// How long connecting to the channel may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the channel may stay silent during a request.
const READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Download folder inside the store folder: `<sha256>.part` while downloading.
const DOWNLOADS: &str = "downloads";

/// Why a check or an update failed. The running version is never touched.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UpdateError {
    /// The channel could not be reached, or the connection broke.
    #[error("cannot reach {url}: {reason}")]
    Network {
        /// What was requested.
        url: String,
        /// What happened.
        reason: String,
    },
    /// The channel answered with an HTTP error.
    #[error("{url} answered HTTP {status}")]
    Status {
        /// What was requested.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The downloaded package is not the one the signed index describes.
    #[error("the package from {url} does not match the channel index: {reason}")]
    Mismatch {
        /// Where it came from.
        url: String,
        /// What differs.
        reason: String,
    },
    /// The index or the package was refused, or the store failed.
    #[error(transparent)]
    Package(#[from] capsule_packages::Error),
    /// A download could not be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

impl UpdateError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

/// When an installed update becomes the version that runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// At once: the next open of the app gets it (`capsule update`).
    Now,
    /// At the next launch ([`Store::launch`]); a running app keeps its version until then
    /// or until it applies the update.
    NextLaunch,
}

/// What a check found.
#[derive(Debug, Clone)]
pub struct Check {
    /// The app.
    pub app_id: AppId,
    /// Its verified, fresh index.
    pub index: ChannelIndex,
    /// What to do for this user.
    pub plan: Plan,
    /// The version active when the check ran.
    pub installed: Option<semver::Version>,
    /// Whether the channel answered "not modified" (the remembered index was used).
    pub not_modified: bool,
    /// Bytes of the index response body (0 when not modified).
    pub transferred: u64,
}

impl Check {
    /// Whether the plan changes the installed version.
    pub fn has_update(&self) -> bool {
        matches!(
            self.plan,
            Plan::Install(_) | Plan::Revert(_) | Plan::RollBack
        )
    }
}

/// What an update did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateOutcome {
    /// Nothing to do: the installed version (if any) is the one meant for this user.
    UpToDate(Option<semver::Version>),
    /// A release was downloaded and installed.
    Installed {
        /// Its version.
        version: semver::Version,
        /// Whether it is active now (else pending until the next launch).
        active: bool,
        /// Bytes downloaded for it.
        downloaded: u64,
    },
    /// The installed version was revoked and the one installed before is active again.
    RolledBack(semver::Version),
}

/// What a background updater reports, in order: a check, then (with an update) ready or
/// failed. This is what the platforms' `getUpdateManager()` tells an app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateEvent {
    /// A check finished.
    Checked {
        /// Whether an update will be installed.
        has_update: bool,
    },
    /// The update is installed and becomes active at the next launch.
    Ready {
        /// The version that will run.
        version: semver::Version,
    },
    /// The download or install of an update failed; the running version is untouched. (A
    /// check that fails is logged, not reported: there is no result to tell.)
    Failed {
        /// Why.
        reason: String,
    },
}

/// Checks and installs updates of apps from one channel, for one user, into one package
/// store.
pub struct Updater {
    channel: String,
    audience: Audience,
    store_dir: PathBuf,
    verifier: Verifier,
    client: reqwest::blocking::Client,
}

impl Updater {
    /// An updater for the channel at `channel` (its base URL: `apps/<appId>/index.json` is
    /// below it) installing into the store in `store_dir`. Indexes and packages must be
    /// signed by a key `verifier` trusts.
    pub fn new(
        channel: &str,
        audience: Audience,
        store_dir: &Path,
        verifier: Verifier,
    ) -> Result<Self, UpdateError> {
        Ok(Self {
            channel: channel.trim_end_matches('/').to_owned(),
            audience,
            store_dir: store_dir.to_path_buf(),
            verifier,
            client: http_client(channel)?,
        })
    }

    /// Fetches the app's index (a conditional request when one was accepted before),
    /// checks its signature, expiry and sequence, remembers it, and plans for this user.
    pub fn check(&self, app_id: &AppId) -> Result<Check, UpdateError> {
        let (state, installed, pending) = {
            let store = self.store()?;
            (
                store.channel_state(app_id.as_str())?,
                store.active_version(app_id.as_str())?,
                store.pending_version(app_id.as_str())?,
            )
        };
        let url = format!("{}/{}", self.channel, index_path(app_id));
        // An ETag names a version of one URL's answer: never ask another URL with it.
        let state = state.filter(|state| state.url == url);
        let mut request = self.client.get(&url);
        if let Some(etag) = state.as_ref().and_then(|state| state.etag.as_deref()) {
            request = request.header(reqwest::header::IF_NONE_MATCH, etag);
        }
        let response = request.send().map_err(|e| network(&url, &e))?;
        let status = response.status();
        let etag = response
            .headers()
            .get(reqwest::header::ETAG)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let (file, not_modified) = match (status.as_u16(), state) {
            (304, Some(state)) => (state.index_file, true),
            (200, _) => (read_capped(response, &url)?, false),
            (status, _) => return Err(UpdateError::Status { url, status }),
        };
        let verified = ChannelIndex::verify(&file, self.verifier.trusted())?;
        if verified.index.app_id != *app_id {
            return Err(capsule_packages::Error::AppIdMismatch {
                expected: app_id.to_string(),
                found: verified.index.app_id.to_string(),
            }
            .into());
        }
        let mut store = self.store()?;
        store.accept_index(&verified, &file, (&url, etag.as_deref()))?;
        let installed = installed.map(|v| v.version);
        let plan = verified.index.plan(
            &self.audience,
            self.verifier.runtime_version(),
            installed.as_ref(),
        );
        // A downloaded version that was revoked since must not start at the next launch.
        if let Some(pending) = pending
            && verified
                .index
                .release(&pending.version)
                .is_none_or(|release| release.rollout.revoked)
        {
            tracing::warn!(app = %app_id, version = %pending.version, "pending update revoked; discarded");
            store.discard_pending(app_id.as_str())?;
        }
        Ok(Check {
            app_id: app_id.clone(),
            index: verified.index,
            plan,
            installed,
            not_modified,
            transferred: if not_modified { 0 } else { file.len() as u64 },
        })
    }

    /// Carries out a check's plan: downloads and installs the release (`progress(done,
    /// total)` in bytes while downloading), or rolls back to the version installed before.
    pub fn apply(
        &self,
        check: &Check,
        activation: Activation,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<UpdateOutcome, UpdateError> {
        let (release, revert) = match &check.plan {
            Plan::NoRelease => return Ok(UpdateOutcome::UpToDate(None)),
            Plan::UpToDate => return Ok(UpdateOutcome::UpToDate(check.installed.clone())),
            Plan::RollBack => {
                let active = self.store()?.rollback(check.app_id.as_str())?;
                return Ok(UpdateOutcome::RolledBack(active.version));
            }
            Plan::Install(release) => (release, false),
            Plan::Revert(release) => (release, true),
        };
        let pending = self.store()?.pending_version(check.app_id.as_str())?;
        if activation == Activation::NextLaunch
            && pending.is_some_and(|pending| pending.version == release.version)
        {
            return Ok(UpdateOutcome::Installed {
                version: release.version.clone(),
                active: false,
                downloaded: 0,
            });
        }
        let url = self.package_url(&check.app_id, release);
        let (package, downloaded) = self.download(&url, release, progress)?;
        let options = InstallOptions {
            expected_app_id: Some(check.app_id.clone()),
            allow_downgrade: revert,
            allow_key_change: false,
            source: url,
            defer_activation: activation == Activation::NextLaunch,
        };
        let installed = self
            .store()?
            .install(&self.verifier, &package, &options)
            .map(|installed| UpdateOutcome::Installed {
                version: installed.version,
                active: installed.active,
                downloaded,
            });
        // Verified and unpacked, or refused: either way the download is done with.
        if let Err(error) = fs::remove_file(&package) {
            tracing::warn!(path = %package.display(), %error, "cannot delete a download");
        }
        Ok(installed?)
    }

    /// Checks `app_id` now and then every `every` (give or take a fifth, so that clients
    /// do not all ask at once), installing updates for the next launch, and tells
    /// `on_event` what happened. Stops when the returned handle is dropped.
    pub fn spawn(
        self,
        app_id: AppId,
        every: Duration,
        mut on_event: impl FnMut(UpdateEvent) + Send + 'static,
    ) -> BackgroundUpdates {
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name(format!("capsule-updates-{app_id}"))
            .spawn(move || {
                let mut ready: Option<semver::Version> = None;
                loop {
                    for event in self.check_in_background(&app_id, ready.as_ref()) {
                        if let UpdateEvent::Ready { version } = &event {
                            ready = Some(version.clone());
                        }
                        on_event(event);
                    }
                    match stopped.recv_timeout(jittered(every)) {
                        Err(RecvTimeoutError::Timeout) => {}
                        _ => return,
                    }
                }
            })
            .map_or_else(
                |error| {
                    tracing::error!(%error, "cannot start the update thread");
                    BackgroundUpdates { _stop: None }
                },
                |_| BackgroundUpdates { _stop: Some(stop) },
            )
    }

    /// [`Updater::spawn`] for the running mini-program `program` (app `app_id`, launched from
    /// this updater's store): its update manager
    /// (`getUpdateManager()`) hears each check, and once an update is ready its
    /// `applyUpdate()` restarts it on the version the store launches now.
    pub fn drive(self, app_id: AppId, program: &MiniProgram, every: Duration) -> BackgroundUpdates {
        let (store_dir, verifier) = (self.store_dir.clone(), self.verifier.clone());
        let program = program.clone();
        self.spawn(app_id.clone(), every, move |event| {
            let status = match event {
                UpdateEvent::Checked { has_update } => UpdateStatus::Checked { has_update },
                UpdateEvent::Failed { reason } => UpdateStatus::Failed(reason),
                UpdateEvent::Ready { version } => {
                    let (store_dir, verifier, app_id) =
                        (store_dir.clone(), verifier.clone(), app_id.clone());
                    UpdateStatus::Ready(PendingUpdate::new(version.to_string(), move || {
                        let launched = open_store(&store_dir)
                            .and_then(|mut store| store.launch(&verifier, app_id.as_str()))
                            .map_err(|e| e.to_string())?;
                        Ok(App::from_package(launched))
                    }))
                }
            };
            program.notify_update(status);
        })
    }

    /// One background round: the events to report (nothing new when `ready` is already
    /// the version the check leads to).
    fn check_in_background(
        &self,
        app_id: &AppId,
        ready: Option<&semver::Version>,
    ) -> Vec<UpdateEvent> {
        let check = match self.check(app_id) {
            Ok(check) => check,
            // No result to report: the platforms call onCheckForUpdate with one, and
            // onUpdateFailed for a download that failed.
            Err(error) => {
                tracing::warn!(app = %app_id, %error, "update check failed; the running version is kept");
                return Vec::new();
            }
        };
        tracing::info!(app = %app_id, plan = ?plan_name(&check.plan), "update check");
        let mut events = vec![UpdateEvent::Checked {
            has_update: check.has_update(),
        }];
        if !check.has_update() {
            return events;
        }
        match self.apply(&check, Activation::NextLaunch, &mut |_, _| {}) {
            Ok(UpdateOutcome::Installed { version, .. } | UpdateOutcome::RolledBack(version)) => {
                if ready == Some(&version) {
                    return Vec::new();
                }
                tracing::info!(app = %app_id, %version, "update ready for the next launch");
                events.push(UpdateEvent::Ready { version });
            }
            Ok(UpdateOutcome::UpToDate(_)) => {}
            Err(error) => {
                tracing::warn!(app = %app_id, %error, "update failed; the running version is kept");
                events.push(UpdateEvent::Failed {
                    reason: error.to_string(),
                });
            }
        }
        events
    }

    /// Downloads `release` from `url` into the store's download folder, resuming a part
    /// left by an interrupted download, and checks its size and SHA-256 against the index.
    /// Returns the file and the bytes transferred.
    fn download(
        &self,
        url: &str,
        release: &Release,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<(PathBuf, u64), UpdateError> {
        let dir = self.store_dir.join(DOWNLOADS);
        fs::create_dir_all(&dir).map_err(|e| UpdateError::io(&dir, e))?;
        let part = dir.join(format!("{}.part", release.sha256));
        let mut have = fs::metadata(&part).map_or(0, |meta| meta.len());
        if have >= release.size {
            remove_part(&part);
            have = 0;
        }
        let mut request = self.client.get(url);
        if have > 0 {
            request = request.header(reqwest::header::RANGE, format!("bytes={have}-"));
        }
        let response = request.send().map_err(|e| network(url, &e))?;
        let resumed = match response.status().as_u16() {
            206 if content_range_start(&response) == Some(have) => true,
            200 | 206 => false,
            416 => {
                remove_part(&part);
                return Err(UpdateError::Status {
                    url: url.to_owned(),
                    status: 416,
                });
            }
            status => {
                return Err(UpdateError::Status {
                    url: url.to_owned(),
                    status,
                });
            }
        };
        if !resumed {
            have = 0;
        }
        if resumed {
            tracing::info!(url, from = have, "resuming a download");
        }
        let mut file = OpenOptions::new()
            .create(true)
            .write(true)
            .append(resumed)
            .truncate(!resumed)
            .open(&part)
            .map_err(|e| UpdateError::io(&part, e))?;
        let transferred = copy_body(
            response,
            (&mut file, &part),
            url,
            have,
            release.size,
            progress,
        )
        .inspect_err(|error| {
            if matches!(error, UpdateError::Mismatch { .. }) {
                remove_part(&part);
            }
        })?;
        file.sync_all().map_err(|e| UpdateError::io(&part, e))?;
        drop(file);
        let sha256 = sha256_of(&part)?;
        if sha256 != release.sha256 {
            remove_part(&part);
            return Err(UpdateError::Mismatch {
                url: url.to_owned(),
                reason: format!("its SHA-256 is {sha256}, the index says {}", release.sha256),
            });
        }
        let done = dir.join(format!("{}.capsule", release.sha256));
        fs::rename(&part, &done).map_err(|e| UpdateError::io(&done, e))?;
        Ok((done, transferred))
    }

    fn package_url(&self, app_id: &AppId, release: &Release) -> String {
        format!("{}/apps/{app_id}/{}", self.channel, release.package)
    }

    fn store(&self) -> Result<Store, UpdateError> {
        Ok(open_store(&self.store_dir)?)
    }
}

/// Opens the package store in `dir`; a damaged index set aside is logged (its apps must be
/// installed again).
fn open_store(dir: &Path) -> Result<Store, capsule_packages::Error> {
    let store = Store::open(dir)?;
    if let Some(set_aside) = store.set_aside() {
        tracing::error!("package index: {set_aside}; its apps must be installed again");
    }
    Ok(store)
}

impl std::fmt::Debug for Updater {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Updater")
            .field("channel", &self.channel)
            .field("store_dir", &self.store_dir)
            .finish_non_exhaustive()
    }
}

/// The signed index of `app_id` in the channel at `channel`, as served (not verified).
pub fn fetch_index(channel: &str, app_id: &AppId) -> Result<Vec<u8>, UpdateError> {
    let url = format!("{}/{}", channel.trim_end_matches('/'), index_path(app_id));
    let response = http_client(channel)?
        .get(&url)
        .send()
        .map_err(|e| network(&url, &e))?;
    match response.status().as_u16() {
        200 => read_capped(response, &url),
        status => Err(UpdateError::Status { url, status }),
    }
}

/// The HTTP client of the updater (TLS as for apps' requests).
fn http_client(channel: &str) -> Result<reqwest::blocking::Client, UpdateError> {
    let network = |reason: String| UpdateError::Network {
        url: channel.to_owned(),
        reason,
    };
    let tls = capsule_jsapi::tls_config(&[]).map_err(network)?;
    reqwest::blocking::Client::builder()
        .tls_backend_preconfigured(tls)
        .connect_timeout(CONNECT_TIMEOUT)
        // In the blocking client this bounds each wait: for the answer, for each read.
        .timeout(READ_TIMEOUT)
        .user_agent(concat!("capsule/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| network(e.to_string()))
}

/// Keeps a background updater running; dropping it stops the updater.
#[derive(Debug)]
pub struct BackgroundUpdates {
    _stop: Option<Sender<()>>,
}

/// Appends the response body to `file` (which holds `have` bytes of `size`); returns the
/// bytes received. A body that ends early or breaks off leaves what arrived for a resume.
fn copy_body(
    mut body: reqwest::blocking::Response,
    (file, part): (&mut File, &Path),
    url: &str,
    have: u64,
    size: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<u64, UpdateError> {
    let mut buffer = vec![0u8; 64 << 10];
    let mut received = 0u64;
    loop {
        let read = body.read(&mut buffer).map_err(|e| UpdateError::Network {
            url: url.to_owned(),
            reason: format!(
                "the download broke off after {} bytes: {e}",
                have + received
            ),
        })?;
        if read == 0 {
            break;
        }
        if have + received + read as u64 > size {
            return Err(UpdateError::Mismatch {
                url: url.to_owned(),
                reason: format!("it is longer than the {size} bytes the index says"),
            });
        }
        file.write_all(&buffer[..read])
            .map_err(|e| UpdateError::io(part, e))?;
        received += read as u64;
        progress(have + received, size);
    }
    if have + received < size {
        return Err(UpdateError::Network {
            url: url.to_owned(),
            reason: format!(
                "the download ended after {} of {size} bytes; the next attempt resumes it",
                have + received
            ),
        });
    }
    Ok(received)
}

/// The response body, refused when larger than an index may be.
fn read_capped(response: reqwest::blocking::Response, url: &str) -> Result<Vec<u8>, UpdateError> {
    let limit = capsule_packages::channel::MAX_INDEX_BYTES as u64;
    let mut body = Vec::new();
    response
        .take(limit + 1)
        .read_to_end(&mut body)
        .map_err(|e| UpdateError::Network {
            url: url.to_owned(),
            reason: e.to_string(),
        })?;
    Ok(body)
}

/// The first byte of a `Content-Range: bytes <first>-<last>/<size>` header.
fn content_range_start(response: &reqwest::blocking::Response) -> Option<u64> {
    response
        .headers()
        .get(reqwest::header::CONTENT_RANGE)?
        .to_str()
        .ok()?
        .strip_prefix("bytes ")?
        .split('-')
        .next()?
        .parse()
        .ok()
}

fn sha256_of(path: &Path) -> Result<String, UpdateError> {
    let mut file = File::open(path).map_err(|e| UpdateError::io(path, e))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| UpdateError::io(path, e))?;
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

fn remove_part(part: &Path) {
    if let Err(error) = fs::remove_file(part)
        && error.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(path = %part.display(), %error, "cannot delete a partial download");
    }
}

fn network(url: &str, error: &reqwest::Error) -> UpdateError {
    // The source chain says what failed (refused, reset, timed out); the top only "error
    // sending request".
    let mut reason = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        reason = format!("{reason}: {cause}");
        source = cause.source();
    }
    UpdateError::Network {
        url: url.to_owned(),
        reason,
    }
}

fn plan_name(plan: &Plan) -> String {
    match plan {
        Plan::NoRelease => "no release".into(),
        Plan::UpToDate => "up to date".into(),
        Plan::Install(release) => format!("install {}", release.version),
        Plan::Revert(release) => format!("revert to {}", release.version),
        Plan::RollBack => "roll back".into(),
    }
}

/// `every`, give or take a fifth, differently in each process and call.
fn jittered(every: Duration) -> Duration {
    use std::hash::{BuildHasher, RandomState};
    let random = RandomState::new().hash_one(std::time::Instant::now());
    // 0.8 to 1.2 of `every`.
    let factor = 0.8 + 0.4 * (random % 1_000) as f64 / 1_000.0;
    every.mul_f64(factor)
}
