//! What the simulator's commands (`run`, `test`) share: opening an app from a folder, a
//! package or the store, the window on a real or virtual display, the container, and the
//! update channel's client.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use capsule_jsapi::ImageFileSource;
use capsule_packages::AppId;
use capsule_packages::channel::Audience;
use capsule_runtime::{
    App, Container, ContainerEvent, DeviceProfile, HostPolicy, PageId, Updater, WryHandle, WryHost,
};

use crate::app_launcher::InstalledApps;
use crate::args::{RunArgs, TrustArgs};
use crate::recording::{self, Recording};
use crate::scenario::event_line;
use crate::{channel_commands, package_commands};

/// How long a page may take to load before `run` gives up.
pub(crate) const PAGE_LOAD_TIMEOUT: Duration = Duration::from_secs(60);

/// How often `run --channel` checks for updates (give or take a fifth).
pub(crate) const UPDATE_INTERVAL: Duration = Duration::from_secs(30 * 60);

/// The user `run --channel` updates for.
pub(crate) fn audience(args: &RunArgs) -> Result<Audience> {
    Ok(Audience {
        user_id: args.user.clone().context("--channel needs --user")?,
        internal: args.internal,
    })
}

/// With `--channel`: the updater of the app `run` opens.
pub(crate) fn updater(args: &RunArgs, data_dir: Option<&Path>) -> Result<Option<Updater>> {
    args.channel
        .as_deref()
        .map(|channel| channel_commands::updater(channel, audience(args)?, &args.trust, data_dir))
        .transpose()
}

/// Opens an app folder, package or installed app id (see `run`).
pub(crate) fn open_app_at(
    app: &Path,
    signed_only: bool,
    trust: &TrustArgs,
    data_dir: Option<&Path>,
) -> Result<(App, Option<Unpacked>)> {
    let name = app.display();
    if app.is_dir() {
        if signed_only {
            bail!("{name} is an unsigned app folder (developer mode); --signed-only refuses it");
        }
        tracing::info!(app = %name, "developer mode: running an unsigned app folder");
        let (app, inferred) =
            App::open_project(app).with_context(|| format!("cannot open {name}"))?;
        if let Some(inference) = inferred {
            eprintln!("developer mode: {name}: {inference}");
        }
        return Ok((app, None));
    }
    let data_dir = package_commands::data_dir(data_dir)?;
    let verifier = package_commands::verifier(&data_dir, &trust.keys)?;
    if app.is_file() {
        let unpacked = Unpacked::new()?;
        let app = verifier
            .unpack(app, &unpacked.0)
            .with_context(|| format!("{name} is refused"))?;
        return Ok((App::from_package(app), Some(unpacked)));
    }
    let app_id = app
        .to_str()
        .and_then(|id| AppId::new(id).ok())
        .with_context(|| format!("{name} is not an app folder, a package or an app id"))?;
    let mut store = package_commands::open_store(&data_dir)?;
    // A launch: an update installed for the next launch becomes active now.
    let app = store
        .launch(&verifier, app_id.as_str())
        .with_context(|| format!("cannot open installed app {app_id}"))?;
    Ok((App::from_package(app), None))
}

/// A temporary folder (a package unpacked for `run`, a test run's app data); deleted when
/// dropped.
pub(crate) struct Unpacked(PathBuf);

impl Unpacked {
    pub(crate) fn new() -> Result<Self> {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("capsule-run-{}-{n}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Self(dir))
    }
}

impl Unpacked {
    /// The folder.
    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Unpacked {
    fn drop(&mut self) {
        // Best effort: a leftover in the temporary folder is harmless.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The window `run` shows an app in, on a virtual display when there is no display.
pub(crate) struct Window {
    pub(crate) host: WryHost,
    pub(crate) handle: WryHandle,
    /// Where the screenshot goes: `--screenshot`, or a default on a virtual display.
    pub(crate) screenshot: Option<PathBuf>,
    /// Keep it until the process exits.
    pub(crate) display: DisplayGuard,
}

impl Window {
    pub(crate) fn open(args: &RunArgs, app: &App, profile: DeviceProfile) -> Result<Self> {
        let display = ensure_display(profile)?;
        let screenshot = match (&args.screenshot, display.is_some()) {
            (Some(path), _) => Some(path.clone()),
            (None, true) => Some(PathBuf::from(format!("capsule-{}.png", app.id()))),
            (None, false) => None,
        };
        let host = WryHost::new();
        Ok(Self {
            handle: host.handle(),
            host,
            screenshot,
            display,
        })
    }
}

/// The host policy of the simulator's container: every API apps declare, and the default
/// cap on apps' own Content-Security-Policies (`CspCap::default`).
pub(crate) fn host_policy() -> HostPolicy {
    HostPolicy::default()
}

/// The container `run` uses: the device, the data folder and its analytics journal (the
/// recording is returned to be finished before exiting), developer mode when an app is a
/// folder (they may also reach http://localhost), the scan image and the camera, and
/// `startApp` opening the apps installed in the data folder.
pub(crate) fn container_builder(
    args: &RunArgs,
    profile: DeviceProfile,
    data_dir: Option<&Path>,
) -> Result<(capsule_runtime::ContainerBuilder, Option<Recording>)> {
    let data = package_commands::data_dir(data_dir)?;
    let recording = Recording::open(&data);
    let builder = Container::builder()
        .policy(host_policy())
        .device(profile)
        .app_launcher(Arc::new(InstalledApps {
            data_dir: data.clone(),
            trust: args.trust.keys.clone(),
        }));
    let builder = recording::recording(builder, recording.as_ref())
        .data_dir(data)
        .developer_mode(args.apps().any(|app| app.is_dir()));
    let builder = match &args.scan_image {
        Some(image) => builder.scan_source(Arc::new(ImageFileSource(image.clone()))),
        None => builder,
    };
    let camera = crate::camera::camera(
        args.camera.as_deref(),
        args.camera_frames.as_deref(),
        args.scan_image.is_some(),
    )?;
    let builder = match camera {
        Some(camera) => builder.camera(camera),
        None => builder,
    };
    Ok((builder, recording))
}

pub(crate) fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

/// The virtual display `ensure_display` started, if any; it stops when dropped.
#[cfg(target_os = "linux")]
pub(crate) type DisplayGuard = Option<capsule_runtime::VirtualDisplay>;
/// The virtual display `ensure_display` started, if any; it stops when dropped.
#[cfg(not(target_os = "linux"))]
pub(crate) type DisplayGuard = Option<()>;

/// Starts a virtual display when there is no display to draw on.
#[cfg(target_os = "linux")]
pub(crate) fn ensure_display(profile: DeviceProfile) -> Result<DisplayGuard> {
    let has_display = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|var| std::env::var_os(var).is_some_and(|v| !v.is_empty()));
    if has_display {
        return Ok(None);
    }
    let virtual_display =
        capsule_runtime::VirtualDisplay::start(profile.width.max(1280), profile.height.max(1024))?;
    let name = virtual_display.name();
    tracing::info!(display = name, "no display found; started a virtual one");
    set_display_variable(name);
    Ok(Some(virtual_display))
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn ensure_display(_profile: DeviceProfile) -> Result<DisplayGuard> {
    Ok(None)
}

/// Points GTK at the virtual display. It has no D-Bus session bus: unless an address is set,
/// `DBUS_SESSION_BUS_ADDRESS` says so (`disabled:`), or libdbus tries to start one each time
/// a window is built (tao asks the desktop portal for its theme) and waits for the end of a
/// pipe that a logic worker started at that moment may have inherited: the window was then
/// never built.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn set_display_variable(name: &str) {
    // SAFETY: called from `main` before any other thread is started, so nothing reads the
    // environment concurrently.
    unsafe {
        std::env::set_var("DISPLAY", name);
        std::env::remove_var("WAYLAND_DISPLAY");
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
            std::env::set_var("DBUS_SESSION_BUS_ADDRESS", "disabled:");
        }
    }
}

/// Follows what ends apps' pages: their web processes ending (the container logs each, and
/// reloads or closes the page), apps being stopped (a file refused, a budget exceeded; each
/// named with its kind from `kinds`, by app id) and memory warnings. The flag tells whether a
/// page was closed or an app stopped, so that `run` then exits with 1.
pub(crate) fn watch_stops(
    container: &Container,
    kinds: HashMap<String, &'static str>,
) -> Arc<AtomicBool> {
    let stopped = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stopped);
    let events = container.subscribe();
    std::thread::spawn(move || {
        for event in events {
            match &event {
                ContainerEvent::WebProcessGone {
                    page,
                    reason,
                    reloaded: false,
                } => eprintln!(
                    "error: page {} closed: its web process {reason} again soon after a reload",
                    page.0
                ),
                ContainerEvent::AppStopped { app, reason, .. } => {
                    let kind = kinds.get(app).copied().unwrap_or("app");
                    eprintln!("error: {kind} {app} was stopped: {reason}");
                }
                other => {
                    if let Some(line) = event_line(other) {
                        eprintln!("{line}");
                    }
                    continue;
                }
            }
            flag.store(true, Ordering::Relaxed);
        }
    });
    stopped
}

/// Waits until `page` has loaded, as `events` (subscribed before it opened) tell.
pub(crate) fn wait_loaded(events: &Receiver<ContainerEvent>, page: PageId) -> Result<()> {
    let deadline = Instant::now() + PAGE_LOAD_TIMEOUT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(ContainerEvent::PageLoaded(loaded)) if loaded == page => return Ok(()),
            Ok(ContainerEvent::PageClosed(closed)) if closed == page => {
                bail!("the page closed before it loaded")
            }
            Ok(_) => {}
            Err(_) => bail!(
                "the page did not load within {} s",
                PAGE_LOAD_TIMEOUT.as_secs()
            ),
        }
    }
}

/// Writes `page`'s window to `path` once what the page last changed is on the screen: images
/// and CSS transitions get a moment, then the page is asked to paint two frames (a busy
/// machine can take longer than any fixed wait). A page that cannot run the script (a notice
/// shown in place of a stopped H5 app's page) is captured as it is.
pub(crate) fn screenshot_when_painted(handle: &WryHandle, page: PageId, path: &Path) -> Result<()> {
    std::thread::sleep(Duration::from_millis(300));
    let two_frames = "await new Promise((painted) => \
                      requestAnimationFrame(() => requestAnimationFrame(painted))); return null;";
    if let Err(error) = handle.run_script(page, two_frames, Duration::from_secs(2)) {
        tracing::debug!(page = page.0, %error, "screenshot taken without waiting for a frame");
    }
    handle.screenshot(page, path)?;
    Ok(())
}
