//! The container: apps, their pages, and the bridge between pages and native APIs.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use capsule_analytics::{Capture, Kind, Recorder};
use capsule_jsapi::{
    ApiConfig, ApiError, ApiResult, BackBehavior, Caller, Dialect, NetworkTimeout, Permission,
    PermissionSet, Registry, Reply, WindowParams,
};
use capsule_logic::{ApiDispatch, StopReason};
use capsule_packages::{AppKind, FileRefusal};
use serde_json::Value;

use crate::analytics::{Analytics, attributes, figure, ms_since};
use crate::bridge::{CallingApp, Dispatcher, FromPage, ToPage};
use crate::device::SimulatedDevice;
use crate::protocol::origin_of;
use crate::{
    App, DeviceProfile, Error, HostPolicy, PageId, PageSpec, RenderHost, Result, TitleBar,
    WebProcessGoneReason,
};

pub(crate) mod launcher;
mod windows;

use launcher::AppLauncher;

/// A page whose web process ends again within this time of being reloaded after an earlier
/// end is closed rather than reloaded once more, so a page that always crashes cannot loop.
pub const CRASH_LOOP_WINDOW: Duration = Duration::from_secs(10);

/// Something that happened in the container that a host app or a test may want to follow.
#[derive(Debug, Clone, PartialEq)]
pub enum ContainerEvent {
    /// A page finished loading and painted.
    PageLoaded(PageId),
    /// A page was closed.
    PageClosed(PageId),
    /// An app stopped for good: a mini-program's logic over its memory or time budget or
    /// crashed, or a file of a mini-program or H5 app refused (see `App::read`). Its window
    /// shows why; the rest of the container keeps running, and the app can be launched again.
    AppStopped {
        /// The app's window (an H5 app's first window).
        page: PageId,
        /// The app's id.
        app: String,
        /// Why it stopped.
        reason: StopReason,
    },
    /// A mini-program's memory reached a warning level (see
    /// [`LogicToView::MemoryWarning`](crate::LogicToView::MemoryWarning)); its
    /// `onMemoryWarning` listeners hear it too.
    MemoryWarning {
        /// The app's window.
        page: PageId,
        /// The app's id.
        app: String,
        /// 5, 10 or 15, as `onMemoryWarning` gives it.
        level: u8,
        /// Bytes the app holds.
        used: u64,
        /// Its budget, in bytes.
        budget: u64,
    },
    /// A page logged to its console or threw an uncaught error.
    Console {
        /// The page.
        page: PageId,
        /// `log`, `info`, `warn`, `error` or `debug`.
        level: String,
        /// The message.
        message: String,
    },
    /// A mini-program page host sent a message (see [`FromPage::MiniProgram`]).
    PageMessage {
        /// The page.
        page: PageId,
        /// The message, as sent.
        message: Value,
    },
    /// A page tried to navigate somewhere it may not go.
    NavigationBlocked {
        /// The page.
        page: PageId,
        /// Where it tried to go.
        url: String,
    },
    /// The web process behind a page ended (it crashed, was killed, or used more memory than
    /// its limit). The first time, the page is loaded again in a new web process
    /// (`reloaded: true`); if that one ends too within [`CRASH_LOOP_WINDOW`], the page is
    /// closed instead (`reloaded: false`, followed by [`ContainerEvent::PageClosed`]).
    WebProcessGone {
        /// The page.
        page: PageId,
        /// Why it ended.
        reason: WebProcessGoneReason,
        /// Whether the page was loaded again (else it is being closed).
        reloaded: bool,
    },
    /// The user left the app of a page for the home screen (see
    /// [`Container::set_background`]): a mini-program's pages and app hear `onHide`, an H5
    /// page the `pause` event.
    Backgrounded(PageId),
    /// The user came back to the app of a page: `onShow`, or the H5 `resume` event.
    Foregrounded(PageId),
}

/// Builds a [`Container`].
#[derive(Default)]
pub struct ContainerBuilder {
    registry: Option<Registry>,
    policy: HostPolicy,
    profile: DeviceProfile,
    api_config: ApiConfig,
    launcher: Option<Arc<dyn AppLauncher>>,
    recorder: Option<Recorder>,
}

impl std::fmt::Debug for ContainerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContainerBuilder")
            .field("policy", &self.policy)
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

impl ContainerBuilder {
    /// Uses `registry` instead of the built-in APIs (start from
    /// [`Registry::with_builtins`] to add to them).
    #[must_use]
    pub fn registry(mut self, registry: Registry) -> Self {
        self.registry = Some(registry);
        self
    }

    /// Sets the host's permission and origin policy.
    #[must_use]
    pub fn policy(mut self, policy: HostPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Sets the simulated device.
    #[must_use]
    pub fn device(mut self, profile: DeviceProfile) -> Self {
        self.profile = profile;
        self
    }

    /// Configures the built-in native APIs (ignored when [`registry`](Self::registry) gives
    /// a registry of the host's own). It replaces the whole configuration, including what
    /// [`data_dir`](Self::data_dir) and [`developer_mode`](Self::developer_mode) set before
    /// it. Without a data directory the container uses [`default_data_dir`].
    #[must_use]
    pub fn api_config(mut self, config: ApiConfig) -> Self {
        self.api_config = config;
        self
    }

    /// Lets apps reach the plain `http://` loopback domains they declare
    /// (`http://localhost:8080`), as a simulator does; hosts shipping to users leave it off.
    #[must_use]
    pub fn developer_mode(mut self, on: bool) -> Self {
        self.api_config.developer_mode = on;
        self
    }

    /// Where `scan` / `scanCode` get their image (the camera's stand-in).
    #[must_use]
    pub fn scan_source(mut self, source: Arc<dyn capsule_jsapi::ScanSource>) -> Self {
        self.api_config.scan_source = Some(source);
        self
    }

    /// The camera `scan` / `scanCode` decode live frames of, in a preview sheet (see
    /// `ApiConfig::camera`); the scan source or the picture chooser stay the fallback.
    #[must_use]
    pub fn camera(mut self, camera: Arc<dyn capsule_jsapi::Camera>) -> Self {
        self.api_config.camera = Some(camera);
        self
    }

    /// Opens the apps H5 pages ask for with `startApp`; without one, `startApp` answers
    /// that no such app is installed.
    #[must_use]
    pub fn app_launcher(mut self, launcher: Arc<dyn AppLauncher>) -> Self {
        self.launcher = Some(launcher);
        self
    }

    /// Records what the apps do (launches, pages, API calls, performance, errors, their own
    /// `reportAnalytics` events) through `recorder`, into its analytics journal. Without
    /// one nothing is captured.
    #[must_use]
    pub fn analytics(mut self, recorder: Recorder) -> Self {
        self.recorder = Some(recorder);
        self
    }

    /// Keeps app data (storage, files) in `dir`.
    #[must_use]
    pub fn data_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.api_config.data_dir = Some(dir.into());
        self
    }

    /// Builds the container on top of a render host.
    pub fn build(self, host: Arc<dyn RenderHost>) -> Container {
        let device = Arc::new(SimulatedDevice::new(self.profile, Arc::clone(&host)));
        let mut api_config = self.api_config;
        if api_config.data_dir.is_none() {
            api_config.data_dir = default_data_dir();
        }
        let mut registry = self
            .registry
            .unwrap_or_else(|| Registry::with_config(&api_config));
        let analytics = Arc::new(Analytics::new(self.recorder));
        // WeChat's `reportEvent` is `reportAnalytics` under another name.
        for name in ["reportAnalytics", "reportEvent"] {
            let reporting = Arc::clone(&analytics);
            registry.register_fn(name, Permission::SYSTEM, move |call| reporting.report(call));
        }
        let logging = Arc::clone(&analytics);
        registry.register_fn("writeLog", Permission::SYSTEM, move |call| {
            logging.write_log(call)
        });
        registry.register_can_i_use();
        let dispatcher = Dispatcher {
            registry,
            policy: self.policy,
            device: device.clone(),
            lanes: crate::lanes::Lanes::default(),
        };
        let data_dir = api_config.data_dir.clone();
        let container = Container {
            inner: Arc::new(Inner {
                data_dir,
                dispatcher,
                device: device.clone(),
                host,
                pages: Mutex::default(),
                ui_pages: Mutex::default(),
                next_page: AtomicU64::new(1),
                listeners: Mutex::default(),
                reloads: Mutex::default(),
                launcher: self.launcher,
                analytics,
            }),
        };
        let weak = Arc::downgrade(&container.inner);
        device.handle_windows(Box::new(move |page, request, reply| match weak.upgrade() {
            Some(inner) => Container { inner }.window_request(page, request, reply),
            None => reply.send(Err(ApiError::unknown("the container has stopped"))),
        }));
        container
    }
}

/// Runs apps on a render host and answers their pages' bridge calls. Cheap to clone; usable
/// from any thread.
#[derive(Clone)]
pub struct Container {
    inner: Arc<Inner>,
}

struct Inner {
    /// Where apps keep their data.
    data_dir: Option<std::path::PathBuf>,
    dispatcher: Dispatcher,
    device: Arc<SimulatedDevice>,
    host: Arc<dyn RenderHost>,
    pages: Mutex<HashMap<PageId, OpenPage>>,
    /// Each running mini-program, by app id: its window (where its logic's UI goes) and the
    /// default timeouts of its network calls (app.json `networkTimeout`).
    ui_pages: Mutex<HashMap<String, (PageId, NetworkTimeout)>>,
    next_page: AtomicU64,
    listeners: Mutex<Vec<Sender<ContainerEvent>>>,
    /// When each page was last reloaded because its web process ended.
    reloads: Mutex<HashMap<PageId, Instant>>,
    /// Opens the apps `startApp` asks for.
    launcher: Option<Arc<dyn AppLauncher>>,
    analytics: Arc<Analytics>,
}

struct OpenPage {
    app: App,
    declared: PermissionSet,
    domains: Arc<[String]>,
    /// Whether the user left the app for the home screen.
    in_background: bool,
    /// An H5 page's place in its app's stack of windows, and its title bar.
    window: Option<H5Window>,
    /// When the page opened, or an H5 page last navigated to another page in its window
    /// (its dwell time and first render run from then).
    opened: Instant,
    /// Whether the page has painted since then.
    painted: bool,
    /// When an H5 page began navigating to another page in its window, until that page
    /// loads.
    navigating_since: Option<Instant>,
    /// Whether its app was stopped (a file refused): the page shows why, and what its
    /// documents do is no longer the app's.
    stopped: bool,
}

impl OpenPage {
    /// A page of `app`, with the APIs and domains its manifest declares.
    fn of(app: &App) -> Self {
        Self {
            app: app.clone(),
            declared: PermissionSet::from_names(app.manifest().permissions.apis.iter().cloned()),
            domains: app.manifest().permissions.domains.iter().cloned().collect(),
            in_background: false,
            window: None,
            opened: Instant::now(),
            painted: false,
            navigating_since: None,
            stopped: false,
        }
    }
}

/// An H5 page as a window of its app.
struct H5Window {
    /// The app's first window, which holds the stack.
    root: PageId,
    /// The URL of the document the page shows (kept current as documents load).
    url: String,
    /// Whether the page still shows the document it opened with (its app's cold start
    /// ends when the first window's first document paints).
    first_document: bool,
    title_bar: TitleBar,
    /// Whether the title follows the document's `<title>`.
    read_title: bool,
    back_behavior: BackBehavior,
    /// Back presses the page has prevented in a row, and when the last came.
    prevented_backs: (u32, Option<Instant>),
    /// What the page reads as its startup parameters.
    startup: serde_json::Map<String, Value>,
    /// Only on the root: the app's windows, bottom first (the root among them), and the
    /// session data they share.
    stack: Vec<PageId>,
    session_data: serde_json::Map<String, Value>,
}

impl H5Window {
    /// The window of a page at `url` with `params`, over `root`'s stack (its own when it is
    /// the first).
    fn new(
        root: PageId,
        url: String,
        params: &WindowParams,
        startup: serde_json::Map<String, Value>,
    ) -> Self {
        Self {
            root,
            url,
            first_document: true,
            title_bar: TitleBar {
                visible: params.show_title_bar,
                title: params.default_title.clone(),
                transparent: params.transparent_title,
                color: params.title_bar_color.clone(),
                menu_visible: params.show_option_menu,
                ..TitleBar::default()
            },
            read_title: params.read_title,
            back_behavior: params.back_behavior,
            prevented_backs: (0, None),
            startup,
            stack: Vec::new(),
            session_data: serde_json::Map::new(),
        }
    }
}

/// The `capsule://` URL of a page of `app` given as `url`: relative to the app's root, or
/// absolute within the app's origin.
fn page_url(app: &App, url: &str) -> std::result::Result<String, String> {
    let root = format!("{}/", app.origin());
    let base = url::Url::parse(&root).map_err(|e| e.to_string())?;
    let joined = base
        .join(url)
        .map_err(|e| format!("'{url}' is not a URL: {e}"))?;
    if origin_of(joined.as_str()) != origin_of(&root) {
        return Err(format!("'{url}' is not a page of {}", app.id()));
    }
    Ok(joined.to_string())
}

/// Where a host's notice in place of a page ([`RenderHost::show_notice`]) is loaded from.
const NOTICE_URL: &str = "about:blank";

/// An H5 page's name in analytics: the path of its URL within its app, without the query
/// or fragment; a page of another origin keeps its origin.
fn page_path(url: &str) -> String {
    let Ok(parsed) = url::Url::parse(url) else {
        return url.to_owned();
    };
    let path = parsed.path().trim_start_matches('/');
    if parsed.scheme() == crate::protocol::SCHEME {
        path.to_owned()
    } else {
        format!("{}/{path}", parsed.origin().ascii_serialization())
    }
}

/// Where a container keeps app data when the host names no directory: `$CAPSULE_DATA_DIR`,
/// else `$XDG_DATA_HOME/capsule` (when absolute), else `$HOME/.local/share/capsule`.
pub fn default_data_dir() -> Option<std::path::PathBuf> {
    let non_empty = |name| {
        std::env::var_os(name)
            .filter(|value| !value.is_empty())
            .map(std::path::PathBuf::from)
    };
    non_empty("CAPSULE_DATA_DIR").or_else(|| {
        non_empty("XDG_DATA_HOME")
            .filter(|dir| dir.is_absolute())
            .or_else(|| non_empty("HOME").map(|home| home.join(".local/share")))
            .map(|base| base.join("capsule"))
    })
}

impl Container {
    /// Starts building a container.
    pub fn builder() -> ContainerBuilder {
        ContainerBuilder::default()
    }

    /// The folder apps keep their data in (storage, files, and in a window their pages'
    /// web storage), if there is one.
    pub fn data_dir(&self) -> Option<&std::path::Path> {
        self.inner.data_dir.as_deref()
    }

    /// The simulated device.
    pub fn device_profile(&self) -> DeviceProfile {
        self.inner.device.profile()
    }

    /// Simulates `profile` from now on: what `getSystemInfo` answers, how wide `rpx` is for
    /// pages compiled later, and the size of windows opened later.
    pub fn set_device_profile(&self, profile: DeviceProfile) {
        self.inner.device.set_profile(profile);
    }

    /// Opens H5 `app` at its entry page, in a window of its own, and returns the new page.
    ///
    /// An app whose own Content-Security-Policy goes beyond the host's cap
    /// ([`HostPolicy::check_csp`]) is refused with [`Error::Csp`] before anything opens.
    pub fn open(&self, app: App) -> Result<PageId> {
        self.open_with(app, serde_json::Map::new())
    }

    /// Opens H5 `app` with startup parameters `params`, as `startApp` passes them: `url`
    /// (relative to the app) picks the page instead of the entry, the window parameters
    /// (`defaultTitle`, `showTitleBar`, `transparentTitle`, `readTitle`, `showOptionMenu`,
    /// `backBehavior`, `titleBarColor`) set up its title bar, and the page reads them all
    /// with `getStartupParams`.
    pub fn open_with(&self, app: App, params: serde_json::Map<String, Value>) -> Result<PageId> {
        if app.manifest().kind != AppKind::H5 {
            return Err(Error::Unsupported(format!(
                "{} is a mini-program: open it with MiniProgram::launch",
                app.id()
            )));
        }
        self.check_csp(&app)?;
        let url = match params.get("url") {
            None | Some(Value::Null) => app.url_of(&app.manifest().entry),
            Some(Value::String(url)) => page_url(&app, url).map_err(|message| {
                Error::StartupParams(format!("{}: 'url': {message}", app.id()))
            })?,
            Some(other) => {
                return Err(Error::StartupParams(format!(
                    "{}: 'url' must be a string, got {other}",
                    app.id()
                )));
            }
        };
        let mut window_params = WindowParams::from_startup("startApp", &params)
            .map_err(|error| Error::StartupParams(format!("{}: {}", app.id(), error.message)))?;
        if window_params.default_title.is_empty() {
            window_params.default_title = app.manifest().name.clone();
        }
        let mut startup = params;
        startup.insert("appId".into(), Value::String(app.id().to_owned()));
        startup.insert("url".into(), Value::String(url.clone()));
        let id = PageId(self.inner.next_page.fetch_add(1, Ordering::Relaxed));
        let mut window = H5Window::new(id, url.clone(), &window_params, startup.clone());
        window.stack.push(id);
        let title_bar = window.title_bar.clone();
        let mut page = OpenPage::of(&app);
        page.window = Some(window);
        self.pages().insert(id, page);
        tracing::info!(app = app.id(), page = id.0, %url, "opening page");
        self.stop_on_refusal(&app);
        self.inner
            .analytics
            .launch(&app, self.device_profile().name);
        self.page_entered(app.id(), &url, None);
        self.inner.host.open_page(PageSpec {
            id,
            app,
            url,
            stacked_on: None,
            title_bar: Some(title_bar),
            startup_params: Value::Object(startup),
        });
        Ok(id)
    }

    /// Has the H5 app `app` stopped when one of its files is refused (see `App::read`): a
    /// page that runs without its script or styles as the author made them only hides the
    /// cause behind what fails next.
    fn stop_on_refusal(&self, app: &App) {
        let inner = Arc::downgrade(&self.inner);
        let app_id = app.id().to_owned();
        app.on_refusal(move |refusal| {
            let Some(inner) = inner.upgrade() else {
                return false;
            };
            Container { inner }.stop_h5_app(&app_id, refusal);
            true
        });
    }

    /// Stops the H5 app `app_id` for `refusal`: each of its windows shows why, the log says
    /// it, and the host hears [`ContainerEvent::AppStopped`] (once).
    fn stop_h5_app(&self, app_id: &str, refusal: &FileRefusal) {
        let (windows, root) = {
            let mut pages = self.pages();
            let mut windows = Vec::new();
            let mut root = None;
            for (id, open) in pages.iter_mut() {
                if open.app.id() == app_id
                    && !open.stopped
                    && let Some(window) = &open.window
                {
                    open.stopped = true;
                    windows.push(*id);
                    root = Some(window.root);
                }
            }
            (windows, root)
        };
        let Some(root) = root else {
            return;
        };
        let reason = StopReason::FileRefused {
            path: refusal.path.clone(),
            reason: refusal.reason.clone(),
        };
        tracing::error!(app = app_id, "the app was stopped: {reason}");
        let notice = format!("This app was stopped: {reason}.");
        for page in windows {
            self.inner.host.show_notice(page, &notice);
        }
        self.emit(&ContainerEvent::AppStopped {
            page: root,
            app: app_id.to_owned(),
            reason,
        });
    }

    /// Records that a page of `app_id` at `url` was entered, coming from the page at path
    /// `from`.
    fn page_entered(&self, app_id: &str, url: &str, from: Option<&str>) {
        let mut fields = serde_json::Map::new();
        if let Some(from) = from {
            fields.insert("from".into(), from.into());
        }
        self.inner
            .analytics
            .record(app_id, Kind::PageEnter, &page_path(url), fields);
    }

    /// Records an H5 page's first paint after it opened: its first render, and for the
    /// app's first window the cold start (a mini-program's session records its own).
    fn record_first_paint(&self, page: PageId) {
        let painted = {
            let mut pages = self.pages();
            let Some(open) = pages
                .get_mut(&page)
                .filter(|open| !open.painted && !open.stopped)
            else {
                return;
            };
            open.painted = true;
            open.window.as_ref().map(|window| {
                let app_id = open.app.id().to_owned();
                (
                    app_id,
                    page_path(&window.url),
                    window.root == page && window.first_document,
                    ms_since(open.opened),
                )
            })
        };
        let Some((app_id, path, first_window, ms)) = painted else {
            return;
        };
        let analytics = &self.inner.analytics;
        let duration = || attributes([("duration_ms", ms.into())]);
        analytics.record(&app_id, Kind::FirstRender, &path, duration());
        if first_window {
            analytics.record(&app_id, Kind::ColdStart, "cold_start", duration());
        }
    }

    /// The analytics of the container, for the mini-program sessions.
    pub(crate) fn analytics(&self) -> &Analytics {
        &self.inner.analytics
    }

    /// Sets which apps and kinds of events are captured from now on (the default: all).
    pub fn set_capture(&self, capture: Capture) {
        self.inner.analytics.set_capture(capture);
    }

    /// Sets the user that the events of apps launched from now on are about (`None`: no
    /// one signed in). Only a hash of `id` is recorded.
    pub fn set_user_id(&self, id: Option<&str>) {
        self.inner.analytics.set_user_id(id);
    }

    /// Checks `app`'s own Content-Security-Policy against the host's cap
    /// ([`HostPolicy::check_csp`]).
    pub(crate) fn check_csp(&self, app: &App) -> Result<()> {
        self.inner.dispatcher.policy.check_csp(app)
    }

    /// Opens the window of mini-program `app`: the page host document its pages render
    /// into. UI that the app's logic asks for (toasts, dialogs) is drawn there.
    pub(crate) fn open_page_host(&self, app: App, network_timeout: NetworkTimeout) -> PageId {
        let id = self.register_page(&app);
        self.inner
            .analytics
            .launch(&app, self.device_profile().name);
        let url = format!("{}/{}", app.origin(), crate::protocol::PAGE_HOST_PATH);
        tracing::info!(app = app.id(), page = id.0, "opening mini-program window");
        self.inner
            .ui_pages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(app.id().to_owned(), (id, network_timeout));
        self.inner.host.open_page(PageSpec {
            id,
            app,
            url,
            stacked_on: None,
            title_bar: None,
            startup_params: Value::Null,
        });
        id
    }

    /// Numbers a new page of `app` and remembers what it may call.
    fn register_page(&self, app: &App) -> PageId {
        let id = PageId(self.inner.next_page.fetch_add(1, Ordering::Relaxed));
        self.pages().insert(id, OpenPage::of(app));
        id
    }

    /// Makes `page` a page of `app` from now on (a mini-program's window restarted on a new
    /// version): what it may call and reach comes from `app`'s manifest, and the render host
    /// serves `app`'s files to it.
    pub(crate) fn replace_app(&self, page: PageId, app: &App) {
        match self.pages().get_mut(&page) {
            Some(open) => {
                *open = OpenPage {
                    in_background: open.in_background,
                    ..OpenPage::of(app)
                }
            }
            None => return,
        }
        self.inner.host.set_app(page, app.clone());
    }

    /// Follows the UI requests (toasts, dialogs, navigation and tab bar changes) of `page`
    /// from now on. Navigation and tab bar requests are then answered at once and left to
    /// the watcher to draw instead of reaching the page.
    pub(crate) fn watch_ui(&self, page: PageId, watcher: crate::device::UiWatcher) {
        self.inner.device.watch(page, watcher);
    }

    /// Hands the native events of `page` (`taskProgress`, ...) to `handler` from now on,
    /// instead of to the page: a mini-program's window passes them to its logic.
    pub(crate) fn watch_events(&self, page: PageId, handler: crate::device::EventHandler) {
        self.inner.device.watch_events(page, handler);
    }

    /// The app a page belongs to.
    pub fn app_of(&self, page: PageId) -> Option<App> {
        self.pages().get(&page).map(|open| open.app.clone())
    }

    /// Closes a page; UI requests still open on it fail. Closing the first window of an H5
    /// app closes the windows pushed over it too, top first.
    pub fn close(&self, page: PageId) {
        for above in self.windows_above(page) {
            self.close_one(above);
        }
        self.close_one(page);
    }

    /// The windows of `page`'s stack above it, top first, when `page` is the first window
    /// of an H5 app (none otherwise).
    fn windows_above(&self, page: PageId) -> Vec<PageId> {
        let pages = self.pages();
        match pages.get(&page).and_then(|open| open.window.as_ref()) {
            Some(window) if window.root == page => {
                window.stack.iter().skip(1).rev().copied().collect()
            }
            _ => Vec::new(),
        }
    }

    /// Closes one page, taking it off its app's stack of windows.
    fn close_one(&self, page: PageId) {
        let removed = {
            let mut pages = self.pages();
            let removed = pages.remove(&page);
            if let Some(root) = removed
                .as_ref()
                .and_then(|open| open.window.as_ref())
                .map(|w| w.root)
                && let Some(window) = pages.get_mut(&root).and_then(|open| open.window.as_mut())
            {
                window.stack.retain(|member| *member != page);
            }
            removed
        };
        if let Some(open) = removed {
            self.inner
                .ui_pages
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .retain(|_, (ui_page, _)| *ui_page != page);
            // A mini-program's session records its own pages and exit.
            if let Some(window) = &open.window {
                let analytics = &self.inner.analytics;
                analytics.record(
                    open.app.id(),
                    Kind::PageLeave,
                    &page_path(&window.url),
                    attributes([("dwell_ms", ms_since(open.opened).into())]),
                );
                if window.root == page {
                    analytics.exit(open.app.id());
                }
            }
            self.inner.device.close_page(page);
            self.inner
                .reloads
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&page);
            self.inner.host.close_page(page);
            self.emit(&ContainerEvent::PageClosed(page));
        }
    }

    /// Whether any page is open.
    pub fn has_pages(&self) -> bool {
        !self.pages().is_empty()
    }

    /// Delivers a message to a page through the render host.
    pub(crate) fn post(&self, page: PageId, message: ToPage) {
        self.inner.host.post(page, message);
    }

    /// Sends a native event (`resume`, `pause`, `back`, ...) to a page's `document`.
    pub fn send_event(&self, page: PageId, name: &str, data: Value) {
        self.inner.host.post(
            page,
            ToPage::Event {
                name: name.to_owned(),
                data,
            },
        );
    }

    /// The user leaves the app of `page` for the home screen (`background`), or comes back
    /// to it, as the home key and the app switcher of a phone do: the window shows the home
    /// screen over the app, an H5 page hears `pause` / `resume`, and
    /// [`ContainerEvent::Backgrounded`] / [`ContainerEvent::Foregrounded`] tell the host and
    /// the mini-program's session (which calls `onHide` / `onShow`). Returns false, doing
    /// nothing, when the app already is where it is sent or the page is not open.
    pub fn set_background(&self, page: PageId, background: bool) -> bool {
        let (h5, app_id) = {
            let mut pages = self.pages();
            let Some(open) = pages.get_mut(&page) else {
                return false;
            };
            if open.in_background == background {
                return false;
            }
            open.in_background = background;
            (
                open.app.manifest().kind == AppKind::H5,
                open.app.id().to_owned(),
            )
        };
        let kind = if background {
            Kind::AppHide
        } else {
            Kind::AppShow
        };
        self.inner
            .analytics
            .record(&app_id, kind, &app_id, serde_json::Map::new());
        tracing::info!(page = page.0, background, "app lifecycle");
        self.post(page, ToPage::Lifecycle { background });
        if h5 {
            let name = if background { "pause" } else { "resume" };
            self.send_event(page, name, Value::Object(serde_json::Map::new()));
        }
        self.emit(&if background {
            ContainerEvent::Backgrounded(page)
        } else {
            ContainerEvent::Foregrounded(page)
        });
        true
    }

    /// Whether `page` may navigate to `url`: its app's own origin, an origin the host
    /// allows, or (the H5 page of a mini-program's `<web-view>`, which its page's policy lets
    /// only a frame load) a domain the mini-program declares. Blocked attempts are reported
    /// as [`ContainerEvent::NavigationBlocked`].
    pub fn allows_navigation(&self, page: PageId, url: &str) -> bool {
        // A stopped app's window shows the host's notice, a document of no origin.
        if url == NOTICE_URL && self.pages().get(&page).is_some_and(|open| open.stopped) {
            return true;
        }
        let app = self.app_of(page);
        let own_origin = app.as_ref().and_then(|app| origin_of(&app.origin()));
        let declared = |origin: &str| {
            app.as_ref().is_some_and(|app| {
                app.manifest().kind == AppKind::MiniProgram
                    && app.manifest().permissions.domains.iter().any(|domain| {
                        // A domain without a scheme is HTTPS, as the network APIs take it.
                        let declared =
                            origin_of(domain).or_else(|| origin_of(&format!("https://{domain}")));
                        declared.as_deref() == Some(origin)
                    })
            })
        };
        let allowed = match (origin_of(url), own_origin) {
            (Some(origin), Some(own)) => {
                origin == own
                    || self.inner.dispatcher.policy.allows_origin(&origin)
                    || declared(&origin)
            }
            _ => false,
        };
        if allowed {
            self.navigation_started(page, url);
        } else {
            tracing::warn!(page = page.0, url, "navigation blocked");
            self.emit(&ContainerEvent::NavigationBlocked {
                page,
                url: url.to_owned(),
            });
        }
        allowed
    }

    /// Notes when an H5 window begins navigating to a page at another path than its own
    /// (a frame inside it may navigate too: only a document loading in the window itself,
    /// [`Container::document_loaded`], changes its page).
    fn navigation_started(&self, page: PageId, url: &str) {
        let mut pages = self.pages();
        if let Some(open) = pages.get_mut(&page)
            && let Some(window) = &open.window
            && page_path(&window.url) != page_path(url)
        {
            open.navigating_since = Some(Instant::now());
        }
    }

    /// Keeps an H5 window's URL current as its documents load, and records leaving its page
    /// and entering another when the path changes (not for a new query or fragment).
    fn document_loaded(&self, page: PageId, url: &str) {
        let left = {
            let mut pages = self.pages();
            let Some(open) = pages.get_mut(&page).filter(|open| !open.stopped) else {
                return;
            };
            let navigating_since = open.navigating_since.take();
            let Some(window) = open.window.as_mut() else {
                return;
            };
            let from = page_path(&window.url);
            window.url = url.to_owned();
            if from == page_path(url) {
                return;
            }
            window.first_document = false;
            let entered = navigating_since.unwrap_or_else(Instant::now);
            let dwell_ms = entered.duration_since(open.opened).as_secs_f64() * 1000.0;
            (open.opened, open.painted) = (entered, false);
            (open.app.id().to_owned(), from, dwell_ms)
        };
        let (app_id, from, dwell_ms) = left;
        self.inner.analytics.record(
            &app_id,
            Kind::PageLeave,
            &from,
            attributes([("dwell_ms", dwell_ms.into())]),
        );
        self.page_entered(&app_id, url, Some(&from));
    }

    /// Render hosts call this when the web process behind `page` ended. The page is loaded
    /// again, unless it was already reloaded for this less than [`CRASH_LOOP_WINDOW`] ago:
    /// then it is closed. Either way [`ContainerEvent::WebProcessGone`] reports it.
    pub fn web_process_gone(&self, page: PageId, reason: WebProcessGoneReason) {
        let app = match self.app_of(page) {
            Some(app) => app.id().to_owned(),
            None => return,
        };
        let now = Instant::now();
        let reload = {
            let mut reloads = self
                .inner
                .reloads
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let recent = reloads
                .get(&page)
                .is_some_and(|at| now.duration_since(*at) < CRASH_LOOP_WINDOW);
            if !recent {
                reloads.insert(page, now);
            }
            !recent
        };
        self.emit(&ContainerEvent::WebProcessGone {
            page,
            reason,
            reloaded: reload,
        });
        if reload {
            tracing::error!(
                app,
                page = page.0,
                "the page's web process {reason}; reloading the page"
            );
            self.inner.host.reload_page(page);
        } else {
            tracing::error!(
                app,
                page = page.0,
                "the page's web process {reason} again within {} s of a reload; closing the page",
                CRASH_LOOP_WINDOW.as_secs()
            );
            self.close(page);
        }
    }

    /// Subscribes to container events from now on.
    pub fn subscribe(&self) -> Receiver<ContainerEvent> {
        let (sender, receiver) = mpsc::channel();
        self.inner
            .listeners
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(sender);
        receiver
    }

    /// Handles a message from the bridge of `page`, whose document is at `origin`. Render
    /// hosts call this for every IPC message.
    pub fn receive(&self, page: PageId, origin: &str, message: FromPage) {
        match message {
            FromPage::Invoke {
                call_id,
                api,
                params,
            } => {
                self.invoke_for_page(page, origin, call_id, &api, params);
            }
            FromPage::UiResult { ui_id, result } => {
                self.inner.device.finish_ui(page, ui_id, result);
            }
            FromPage::Loaded { url } => {
                // The page says where it is; only a URL of the origin its message came from
                // (the host's word) is taken.
                let sender = crate::protocol::parse_origin(origin);
                if let Some(url) = url.filter(|url| sender.is_some() && origin_of(url) == sender) {
                    self.document_loaded(page, &url);
                }
                self.record_first_paint(page);
                self.emit(&ContainerEvent::PageLoaded(page));
            }
            FromPage::Lifecycle { background } => {
                self.set_background(page, background);
            }
            FromPage::MiniProgram(message) => {
                self.emit(&ContainerEvent::PageMessage { page, message });
            }
            FromPage::Console { level, message } => {
                let app = self
                    .app_of(page)
                    .map(|app| app.id().to_owned())
                    .unwrap_or_default();
                tracing::info!(target: "capsule::console", app, page = page.0, level, "{message}");
                self.emit(&ContainerEvent::Console {
                    page,
                    level,
                    message,
                });
            }
            FromPage::BackKey => self.press_back(page),
            FromPage::BackUnhandled { can_go_back } => self.back_unhandled(page, can_go_back),
            FromPage::ScriptResult { script_id, .. } => {
                tracing::warn!(
                    page = page.0,
                    script_id,
                    "script result with no script running"
                );
            }
        }
    }

    /// Handles a message from the bridge of `page` as [`Container::receive`] does, except that
    /// a bridge call is dispatched on the calling app's lane, after the app's calls before
    /// it, rather than on this thread: for a render host calling from its UI thread, which a
    /// page flooding the bridge must not hold up.
    pub fn receive_queued(&self, page: PageId, origin: &str, message: FromPage) {
        let app_id = self.app_of(page).map(|app| app.id().to_owned());
        match (message, app_id) {
            (
                FromPage::Invoke {
                    call_id,
                    api,
                    params,
                },
                Some(app_id),
            ) => {
                let (container, origin) = (self.clone(), origin.to_owned());
                self.inner.dispatcher.lanes.run(
                    &app_id,
                    Box::new(move || {
                        container.invoke_for_page(page, &origin, call_id, &api, params);
                    }),
                );
            }
            (message, _) => self.receive(page, origin, message),
        }
    }

    fn invoke_for_page(&self, page: PageId, origin: &str, call_id: u64, api: &str, params: Value) {
        let host = Arc::clone(&self.inner.host);
        let reply = Reply::new(move |result| host.post(page, ToPage::reply(call_id, result)));
        self.invoke_answering(page, origin, api, params, reply);
    }

    /// A JSBridge call from a frame inside `page` (the H5 page of a mini-program's
    /// `<web-view>`), of the frame's `origin` as the browser gave it to the page host:
    /// checked and answered as an H5 page's call of that origin, on the app's lane, the
    /// answer going to `reply`.
    pub(crate) fn invoke_from_frame(
        &self,
        page: PageId,
        origin: &str,
        api: &str,
        params: Value,
        reply: Reply,
    ) {
        let Some(origin) = crate::protocol::parse_origin(origin) else {
            return reply.send(Err(ApiError::new(
                ApiError::NO_PERMISSION,
                format!("{api}: a frame of no origin may not call the container"),
            )));
        };
        let Some(app_id) = self.app_of(page).map(|app| app.id().to_owned()) else {
            return reply.send(Err(ApiError::unknown(format!(
                "page {} is not open",
                page.0
            ))));
        };
        let (container, api) = (self.clone(), api.to_owned());
        self.inner.dispatcher.lanes.run(
            &app_id,
            Box::new(move || container.invoke_answering(page, &origin, &api, params, reply)),
        );
    }

    fn invoke_answering(&self, page: PageId, origin: &str, api: &str, params: Value, reply: Reply) {
        let pages = self.pages();
        let Some(open) = pages.get(&page) else {
            drop(pages);
            let refusal = Err(ApiError::unknown(format!("page {} is not open", page.0)));
            log_answer("", page.0, api, &refusal);
            return reply.send(refusal);
        };
        let (declared, app, domains) = (
            open.declared.clone(),
            open.app.clone(),
            Arc::clone(&open.domains),
        );
        drop(pages);
        // H5 pages speak Nebula's JSBridge, whose shapes are Alipay's.
        let caller = Caller {
            dialect: Dialect::Alipay,
            domains,
            ..Caller::new(app.id(), page.0, origin)
        };
        let app_origin = app.origin();
        let calling = CallingApp {
            declared: &declared,
            origin: &app_origin,
        };
        let reply = self.recorded(app.id(), page.0, api, &params, reply);
        self.inner
            .dispatcher
            .invoke(&calling, caller, api, params, reply);
    }

    /// `reply`, logging the answer to `app_id`'s call of `api` from `page` and recording the call of `api` by `app_id` when it answers: its code and
    /// duration, and for a network request its domain, method, status and size (never its
    /// query, headers or bodies).
    fn recorded(&self, app_id: &str, page: u64, api: &str, params: &Value, reply: Reply) -> Reply {
        let (app_id, api) = (app_id.to_owned(), api.to_owned());
        if !self.inner.analytics.is_on() {
            return Reply::new(move |result| {
                log_answer(&app_id, page, &api, &result);
                reply.send(result);
            });
        }
        let analytics = Arc::clone(&self.inner.analytics);
        let request = crate::analytics::NetworkRequest::of(&api, params);
        let started = Instant::now();
        Reply::new(move |result| {
            let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
            let code = result.as_ref().map_or_else(|error| error.code, |_| 0);
            let request = request.map(|request| request.answered(&result));
            log_answer(&app_id, page, &api, &result);
            // The caller may be waiting for the answer: it goes first.
            reply.send(result);
            analytics.measure(
                &app_id,
                Kind::ApiCall,
                &api,
                [("code", code.into()), ("duration_ms", figure(duration_ms))],
            );
            if let Some(request) = request {
                request.record(&analytics, &app_id, duration_ms);
            }
        })
    }

    /// Mini-program `app_id`'s window (0 before it has one) and its network calls' default
    /// timeouts.
    fn ui_page_of(&self, app_id: &str) -> (u64, NetworkTimeout) {
        self.inner
            .ui_pages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(app_id)
            .map_or((0, NetworkTimeout::default()), |(page, timeout)| {
                (page.0, *timeout)
            })
    }

    /// Mini-program `app_id`'s network calls default to `timeout` from now on (its app.json
    /// was read again).
    pub(crate) fn set_network_timeout(&self, app_id: &str, timeout: NetworkTimeout) {
        if let Some((_, current)) = self
            .inner
            .ui_pages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_mut(app_id)
        {
            *current = timeout;
        }
    }

    fn pages(&self) -> std::sync::MutexGuard<'_, HashMap<PageId, OpenPage>> {
        self.inner
            .pages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Tells every subscriber about `event`.
    pub(crate) fn emit(&self, event: &ContainerEvent) {
        let mut listeners = self
            .inner
            .listeners
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        listeners.retain(|listener| listener.send(event.clone()).is_ok());
    }
}

/// Logs the answer to `app_id`'s call of `api` from page `page` (for a mini-program's logic:
/// its window, 0 before it has one).
fn log_answer(app_id: &str, page: u64, api: &str, result: &ApiResult) {
    match result {
        Ok(_) => tracing::info!(target: "capsule::api", app = app_id, page, api, "ok"),
        Err(error) => tracing::info!(
            target: "capsule::api", app = app_id, page, api, code = error.code, "{}", error.message
        ),
    }
}

impl std::fmt::Debug for Container {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Container")
            .field("registry", &self.inner.dispatcher.registry)
            .finish_non_exhaustive()
    }
}

impl ApiDispatch for Container {
    /// Runs a JSAPI call made by `app`'s logic scripts through the same dispatcher and
    /// permission check as page calls. The caller's page is the app's window (0 before it
    /// has one), so the UI the logic asks for is drawn there.
    fn invoke(&self, app: &App, api: &str, params: Value, reply: Reply) {
        let declared = PermissionSet::from_names(app.manifest().permissions.apis.iter().cloned());
        let origin = app.origin();
        let dialect = match app.manifest().dialect {
            Some(capsule_packages::Dialect::Wechat) => Dialect::Wechat,
            Some(capsule_packages::Dialect::Alipay) | None => Dialect::Alipay,
        };
        let (page, network_timeout) = self.ui_page_of(app.id());
        let caller = Caller {
            dialect,
            domains: app.manifest().permissions.domains.iter().cloned().collect(),
            network_timeout,
            ..Caller::new(app.id(), page, origin.clone())
        };
        let calling = CallingApp {
            declared: &declared,
            origin: &origin,
        };
        let reply = self.recorded(app.id(), page, api, &params, reply);
        self.inner
            .dispatcher
            .invoke(&calling, caller, api, params, reply);
    }
}
