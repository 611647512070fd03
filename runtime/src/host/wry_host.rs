use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use capsule_packages::AppKind;
use serde_json::Value;
use tao::dpi::{LogicalPosition, LogicalSize};
use tao::event::{Event, WindowEvent};
use tao::event_loop::{
    ControlFlow, EventLoop, EventLoopBuilder, EventLoopProxy, EventLoopWindowTarget,
};
use tao::platform::run_return::EventLoopExtRunReturn;
use tao::window::{Window, WindowId};
use wry::{NewWindowResponse, WebContext, WebView, WebViewBuilder};

#[cfg(not(target_os = "linux"))]
use super::window_plain::HostWindow;
#[cfg(target_os = "linux")]
use super::window_stack::HostWindow;
use crate::bridge::{FromPage, ToPage, ipc_token, page_script};
use crate::protocol::{SCHEME, origin_of, serve};
use crate::{
    App, Container, DrawnTitleBar, Error, PageId, PageSpec, RenderHost, Result, TitleBar,
    TitleBarPress, WebProcessGoneReason,
};

/// A crash reported this soon after the memory watchdog killed a web process is that kill.
const MEMORY_KILL_REPORT_DELAY: Duration = Duration::from_secs(5);

/// Requests to the UI thread.
enum HostEvent {
    Open(PageSpec),
    Post(PageId, ToPage),
    Close(PageId),
    Reload(PageId),
    /// Show this notice instead of the page.
    Notice(PageId, String),
    SetApp(PageId, App),
    /// WebKit reported that the page's web process ended.
    WebProcessGone(PageId, WebProcessGoneReason),
    /// The memory watchdog is about to kill a web process above its limit.
    MemoryKill,
    FromPage {
        page: PageId,
        origin: String,
        json: String,
    },
    /// The document's title changed.
    Title(PageId, String),
    SetTitleBar(PageId, TitleBar),
    /// The user touched the title bar drawn for the page.
    TitleBarPressed(PageId, TitleBarPress),
    /// A tester presses the title bar.
    PressTitleBar {
        page: PageId,
        press: TitleBarPress,
        answer: Sender<Result<()>>,
    },
    /// A tester reads what the title bar shows.
    DrawnTitleBar {
        page: PageId,
        answer: Sender<Result<Option<DrawnTitleBar>>>,
    },
    RunScript {
        page: PageId,
        script: String,
        answer: Sender<Result<Value>>,
    },
    Screenshot {
        page: PageId,
        path: PathBuf,
        answer: Sender<Result<()>>,
    },
    Exit(i32),
}

/// The real render host: tao windows with wry webviews, on the main thread.
///
/// Each window shows a stack of pages: an H5 app's first page and the pages pushed over it
/// (a page whose [`PageSpec::stacked_on`] names a page of the window slides in over it and
/// slides back out when it closes), or a mini-program's window. An H5 page's title bar
/// ([`PageSpec::title_bar`], [`RenderHost::set_title_bar`]) is drawn with native GTK widgets
/// above the page (over its top when transparent); touching it calls
/// [`Container::title_bar_pressed`]. The window is titled after the title bar of the page it
/// shows (a page without one: its document's title). Its close button closes the bottom page,
/// and with it the app. (Where there is no GTK, each page has a window of its own and no title
/// bar is drawn.)
///
/// Create it on the main thread, take [`WryHost::handle`]s for other threads, build the
/// [`Container`] on a handle, then give the main thread to [`WryHost::run`].
pub struct WryHost {
    event_loop: EventLoop<HostEvent>,
}

/// A thread-safe handle to a [`WryHost`]: the [`RenderHost`] the container talks to, plus
/// scripting for testers (run a script in a page, take a screenshot, exit).
#[derive(Clone)]
pub struct WryHandle {
    proxy: EventLoopProxy<HostEvent>,
}

impl WryHost {
    /// Creates the event loop. Must be called on the main thread, with a display available.
    ///
    /// Each app's window opens at the size of the container's device profile
    /// ([`Container::device_profile`]) at that moment, titled with the app's name, beside the
    /// windows already open.
    #[allow(clippy::new_without_default)] // Only on the main thread: not a default value.
    pub fn new() -> Self {
        Self {
            event_loop: EventLoopBuilder::with_user_event().build(),
        }
    }

    /// A handle for other threads.
    pub fn handle(&self) -> WryHandle {
        WryHandle {
            proxy: self.event_loop.create_proxy(),
        }
    }

    /// Runs the UI until [`WryHandle::exit`] or until the last window is closed; returns the
    /// exit code.
    pub fn run(mut self, container: &Container) -> i32 {
        let proxy = self.event_loop.create_proxy();
        let mut ui = Ui {
            container: container.clone(),
            proxy,
            windows: HashMap::new(),
            pages: HashMap::new(),
            contexts: HashMap::new(),
            scripts: HashMap::new(),
            next_script: 1,
            memory_kills: Vec::new(),
            posted: Vec::new(),
        };
        #[cfg(target_os = "linux")]
        let _watchdog = {
            let proxy = self.event_loop.create_proxy();
            super::web_process::MemoryWatchdog::start(
                super::WEB_PROCESS_MEMORY_LIMIT,
                move |pid, resident| {
                    tracing::warn!(
                        pid,
                        resident_mib = resident >> 20,
                        limit_mib = super::WEB_PROCESS_MEMORY_LIMIT >> 20,
                        "a web process went over its memory limit; killing it"
                    );
                    proxy.send_event(HostEvent::MemoryKill).ok();
                },
            )
        };
        self.event_loop
            .run_return(move |event, target, control_flow| {
                *control_flow = ControlFlow::Wait;
                match event {
                    Event::UserEvent(HostEvent::Exit(code)) => {
                        *control_flow = ControlFlow::ExitWithCode(code);
                    }
                    Event::UserEvent(request) => ui.handle(request, target),
                    Event::MainEventsCleared => ui.deliver_posted(),
                    Event::WindowEvent {
                        window_id,
                        event: WindowEvent::CloseRequested,
                        ..
                    } => {
                        // The app's first page: the container closes the pages over it too.
                        if let Some(page) = ui.windows.get(&window_id).and_then(HostWindow::bottom)
                        {
                            ui.container.close(page);
                        }
                    }
                    _ => {}
                }
            })
    }
}

impl WryHandle {
    fn send(&self, event: HostEvent) {
        if self.proxy.send_event(event).is_err() {
            tracing::debug!("render host already stopped");
        }
    }

    /// Runs `script` as the body of an async function in `page` and returns its awaited,
    /// JSON-serialisable value. Errors if the script throws or does not finish in `timeout`.
    pub fn run_script(&self, page: PageId, script: &str, timeout: Duration) -> Result<Value> {
        let (answer, result) = mpsc::channel();
        self.send(HostEvent::RunScript {
            page,
            script: script.to_owned(),
            answer,
        });
        match result.recv_timeout(timeout) {
            Ok(result) => result,
            Err(mpsc::RecvTimeoutError::Timeout) => Err(Error::Script(format!(
                "no result within {} s",
                timeout.as_secs()
            ))),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(Error::HostStopped),
        }
    }

    /// Presses what `press` names in the title bar drawn for H5 page `page`: the GTK button
    /// is clicked (its `clicked` signal emitted, as a click does), so the container hears it
    /// as from a user ([`Container::title_bar_pressed`]), after this returns. Fails with
    /// [`Error::NotDrawn`] when that button is not drawn: the bar or the button is hidden,
    /// the page has no title bar, or another page is pushed over it.
    pub fn press_title_bar(&self, page: PageId, press: TitleBarPress) -> Result<()> {
        let (answer, result) = mpsc::channel();
        self.send(HostEvent::PressTitleBar {
            page,
            press,
            answer,
        });
        result.recv().map_err(|_| Error::HostStopped)?
    }

    /// What the title bar drawn for `page` shows, read from its GTK widgets; `None` for a
    /// page drawn without one (a mini-program's window).
    pub fn drawn_title_bar(&self, page: PageId) -> Result<Option<DrawnTitleBar>> {
        let (answer, result) = mpsc::channel();
        self.send(HostEvent::DrawnTitleBar { page, answer });
        result.recv().map_err(|_| Error::HostStopped)?
    }

    /// Writes a PNG of `page`'s window to `path`: what it shows (the top page of its stack,
    /// with its title bar).
    pub fn screenshot(&self, page: PageId, path: &Path) -> Result<()> {
        let (answer, result) = mpsc::channel();
        self.send(HostEvent::Screenshot {
            page,
            path: path.to_owned(),
            answer,
        });
        result.recv().map_err(|_| Error::HostStopped)?
    }

    /// Stops the host; [`WryHost::run`] returns `code`.
    pub fn exit(&self, code: i32) {
        self.send(HostEvent::Exit(code));
    }
}

impl RenderHost for WryHandle {
    fn open_page(&self, page: PageSpec) {
        self.send(HostEvent::Open(page));
    }

    fn post(&self, page: PageId, message: ToPage) {
        self.send(HostEvent::Post(page, message));
    }

    fn close_page(&self, page: PageId) {
        self.send(HostEvent::Close(page));
    }

    fn reload_page(&self, page: PageId) {
        self.send(HostEvent::Reload(page));
    }

    fn show_notice(&self, page: PageId, notice: &str) {
        self.send(HostEvent::Notice(page, notice.to_owned()));
    }

    fn set_app(&self, page: PageId, app: App) {
        self.send(HostEvent::SetApp(page, app));
    }

    fn set_title_bar(&self, page: PageId, bar: &TitleBar) {
        self.send(HostEvent::SetTitleBar(page, bar.clone()));
    }
}

struct PageView {
    /// The window the page is in.
    window: WindowId,
    webview: WebView,
    /// The app whose files the page's `capsule://` requests are served from.
    app: Arc<Mutex<App>>,
}

/// The web storage of one app's pages (localStorage, IndexedDB, cookies, caches): a WebKit
/// context whose data lives in `<data dir>/webdata/<appId>`, shared by the app's pages and
/// kept across runs, and which serves the app's `capsule://` files.
struct AppContext {
    context: WebContext,
    /// The app whose files the context's `capsule://` requests are served from.
    served: Arc<Mutex<App>>,
}

/// State owned by the UI thread.
struct Ui {
    container: Container,
    proxy: EventLoopProxy<HostEvent>,
    windows: HashMap<WindowId, HostWindow>,
    pages: HashMap<PageId, PageView>,
    /// By app id.
    contexts: HashMap<String, AppContext>,
    /// Scripts waiting for their result, with the page each runs in.
    scripts: HashMap<u64, (PageId, Sender<Result<Value>>)>,
    next_script: u64,
    /// When the memory watchdog killed web processes whose end WebKit has not reported yet.
    memory_kills: Vec<Instant>,
    /// Messages posted to pages since the event loop last ran dry, by page in the order
    /// they came: each page gets them in one script ([`Ui::deliver_posted`]), so a page
    /// answered 10,000 times costs the UI thread a few scripts, not 10,000.
    posted: Vec<(PageId, String)>,
}

impl Ui {
    fn handle(&mut self, request: HostEvent, target: &EventLoopWindowTarget<HostEvent>) {
        if let HostEvent::Post(page, message) = request {
            let script = message.to_script();
            match self.posted.iter_mut().find(|(to, _)| *to == page) {
                Some((_, scripts)) => scripts.push_str(&script),
                None => self.posted.push((page, script)),
            }
            return;
        }
        // Whatever else happens to a page comes after the messages posted to it before.
        self.deliver_posted();
        match request {
            HostEvent::Open(spec) => {
                if let Err(error) = self.open(&spec, target) {
                    tracing::error!(page = spec.id.0, %error, "cannot open page");
                    self.container.close(spec.id);
                }
            }
            HostEvent::Post(..) => {}
            HostEvent::Close(page) => {
                if let Some(view) = self.pages.remove(&page)
                    && let Some(window) = self.windows.get_mut(&view.window)
                {
                    window.close_page(page, view.webview);
                    if window.is_empty() {
                        self.windows.remove(&view.window);
                    }
                }
                if self.windows.is_empty() {
                    self.send(HostEvent::Exit(0));
                }
            }
            HostEvent::Reload(page) => {
                if let Some(view) = self.pages.get(&page)
                    && let Err(error) = view.webview.reload()
                {
                    tracing::error!(page = page.0, %error, "cannot reload the page; closing it");
                    self.container.close(page);
                }
            }
            HostEvent::Notice(page, notice) => {
                if let Some(view) = self.pages.get(&page)
                    && let Err(error) = view.webview.load_html(&notice_document(&notice))
                {
                    tracing::error!(page = page.0, %error, "cannot show the notice; closing the page");
                    self.container.close(page);
                }
            }
            HostEvent::WebProcessGone(page, reason) => self.web_process_gone(page, reason),
            HostEvent::MemoryKill => self.memory_kills.push(Instant::now()),
            HostEvent::SetApp(page, app) => {
                if let Some(view) = self.pages.get(&page) {
                    *view.app.lock().unwrap_or_else(PoisonError::into_inner) = app;
                }
            }
            HostEvent::FromPage { page, origin, json } => match FromPage::parse(&json) {
                Some(FromPage::ScriptResult {
                    script_id,
                    ok,
                    value,
                }) => {
                    if let Some((_, answer)) = self.scripts.remove(&script_id) {
                        let result = if ok {
                            Ok(value)
                        } else {
                            Err(Error::Script(value.as_str().unwrap_or_default().to_owned()))
                        };
                        answer.send(result).ok();
                    }
                }
                Some(message) => self.container.receive_queued(page, &origin, message),
                None => {}
            },
            HostEvent::Title(page, title) => {
                self.container.page_title_changed(page, &title);
                if let Some(window) = self.window_of(page) {
                    window.set_document_title(page, &title);
                }
            }
            HostEvent::SetTitleBar(page, bar) => {
                if let Some(window) = self.window_of(page) {
                    window.set_title_bar(page, &bar);
                }
            }
            HostEvent::TitleBarPressed(page, press) => {
                self.container.title_bar_pressed(page, press);
            }
            HostEvent::PressTitleBar {
                page,
                press,
                answer,
            } => {
                let result = match self.window_of(page) {
                    Some(window) => window.press(page, press),
                    None => Err(Error::NoSuchPage(page.0)),
                };
                answer.send(result).ok();
            }
            HostEvent::DrawnTitleBar { page, answer } => {
                let result = match self.window_of(page) {
                    Some(window) => Ok(window.drawn(page)),
                    None => Err(Error::NoSuchPage(page.0)),
                };
                answer.send(result).ok();
            }
            HostEvent::RunScript {
                page,
                script,
                answer,
            } => {
                if !self.pages.contains_key(&page) {
                    answer.send(Err(Error::NoSuchPage(page.0))).ok();
                    return;
                }
                let script_id = self.next_script;
                self.next_script += 1;
                self.scripts.insert(script_id, (page, answer));
                self.eval(page, &script_wrapper(script_id, &script));
            }
            HostEvent::Screenshot { page, path, answer } => {
                let result = match self.window_of(page) {
                    Some(window) => capture_window(window.window(), &path),
                    None => Err(Error::NoSuchPage(page.0)),
                };
                answer.send(result).ok();
            }
            HostEvent::Exit(_) => {}
        }
    }

    fn send(&self, event: HostEvent) {
        self.proxy.send_event(event).ok();
    }

    /// The web process of `page` ended: its scripts fail at once instead of timing out, and
    /// the container decides whether the page is reloaded or closed.
    fn web_process_gone(&mut self, page: PageId, reason: WebProcessGoneReason) {
        if !self.pages.contains_key(&page) {
            return;
        }
        let now = Instant::now();
        self.memory_kills
            .retain(|at| now.duration_since(*at) < MEMORY_KILL_REPORT_DELAY);
        let reason = if reason == WebProcessGoneReason::Crashed && !self.memory_kills.is_empty() {
            self.memory_kills.remove(0);
            WebProcessGoneReason::ExceededMemoryLimit
        } else {
            reason
        };
        let (failed, waiting): (HashMap<_, _>, HashMap<_, _>) = self
            .scripts
            .drain()
            .partition(|(_, (script_page, _))| *script_page == page);
        self.scripts = waiting;
        for (_, answer) in failed.into_values() {
            answer.send(Err(Error::WebProcessGone(reason))).ok();
        }
        self.container.web_process_gone(page, reason);
    }

    /// Delivers the messages posted to pages so far.
    fn deliver_posted(&mut self) {
        for (page, scripts) in std::mem::take(&mut self.posted) {
            self.eval(page, &scripts);
        }
    }

    fn eval(&self, page: PageId, script: &str) {
        match self.pages.get(&page) {
            Some(view) => {
                if let Err(error) = view.webview.evaluate_script(script) {
                    tracing::warn!(page = page.0, %error, "cannot deliver to page");
                }
            }
            None => tracing::debug!(page = page.0, "message for a closed page dropped"),
        }
    }

    /// The window `page` is in.
    fn window_of(&mut self, page: PageId) -> Option<&mut HostWindow> {
        let window = self.pages.get(&page)?.window;
        self.windows.get_mut(&window)
    }

    /// Where a new window of `width` goes: in a row with the windows open, after them, at
    /// the top of the screen (`None` for the first: where the window system puts it).
    fn beside_open_windows(&self, width: u32) -> Option<LogicalPosition<u32>> {
        const GAP: u32 = 16;
        let open = u32::try_from(self.windows.len()).ok()?;
        (open > 0).then(|| LogicalPosition::new(open.saturating_mul(width + GAP), 0))
    }

    /// Opens the page of `spec`: over the page it is stacked on, in that page's window, else in
    /// a new window the size of the device, titled with its app's name.
    fn open(&mut self, spec: &PageSpec, target: &EventLoopWindowTarget<HostEvent>) -> Result<()> {
        let page = spec.id;
        let stacked = spec
            .stacked_on
            .and_then(|below| self.pages.get(&below))
            .map(|below| below.window)
            .filter(|window| self.windows.get(window).is_some_and(HostWindow::can_stack));
        if let (Some(below), None) = (spec.stacked_on, stacked) {
            tracing::debug!(
                page = page.0,
                below = below.0,
                "the page it is pushed over is gone; it gets a window of its own"
            );
        }
        let window_id = match stacked {
            Some(window) => window,
            None => {
                let device = self.container.device_profile();
                let window = HostWindow::new(
                    target,
                    &spec.app.manifest().name,
                    LogicalSize::new(device.width, device.height),
                    self.beside_open_windows(device.width),
                )?;
                let id = window.id();
                self.windows.insert(id, window);
                id
            }
        };
        let app_id = spec.app.id().to_owned();
        let new_context = !self.contexts.contains_key(&app_id);
        let web_data = self
            .container
            .data_dir()
            .map(|dir| dir.join("webdata").join(&app_id));
        let context = self.contexts.entry(app_id).or_insert_with(|| AppContext {
            context: WebContext::new(web_data),
            served: Arc::new(Mutex::new(spec.app.clone())),
        });
        // The app's newest version serves its pages from now on.
        *context
            .served
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = spec.app.clone();
        let app = Arc::clone(&context.served);
        let ipc_proxy = self.proxy.clone();
        let title_proxy = self.proxy.clone();
        let container = self.container.clone();
        // The URL is loaded once the webview's settings are made (below), not by the builder.
        let token = ipc_token();
        let mut builder = WebViewBuilder::new_with_web_context(&mut context.context)
            .with_initialization_script_for_main_only(
                page_script(&spec.startup_params, &token),
                true,
            );
        if spec.app.manifest().kind == AppKind::MiniProgram {
            // The H5 pages of its <web-view>s talk to it through the SDK (frames only).
            builder = builder.with_initialization_script_for_main_only(
                capsule_components::WEB_VIEW_SDK_SCRIPT,
                false,
            );
        }
        if new_context {
            // A context registers the scheme once; its pages share the handler.
            let served = Arc::clone(&app);
            builder = builder.with_asynchronous_custom_protocol(
                SCHEME.into(),
                move |_, request, responder| {
                    let app = served
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .clone();
                    let response =
                        serve(&app, request.method().as_str(), &request.uri().to_string());
                    responder.respond(response);
                },
            );
        }
        let builder = builder
            .with_ipc_handler(move |request| {
                let origin = origin_of(&request.uri().to_string()).unwrap_or_default();
                let body = request.into_body();
                let Some(json) = body.strip_prefix(token.as_str()) else {
                    tracing::warn!(
                        page = page.0,
                        "a message without the page's token was dropped"
                    );
                    return;
                };
                let json = json.to_owned();
                ipc_proxy
                    .send_event(HostEvent::FromPage { page, origin, json })
                    .ok();
            })
            .with_navigation_handler(move |url| container.allows_navigation(page, &url))
            .with_new_window_req_handler(|url, _| {
                tracing::warn!(url, "pages may not open new windows");
                NewWindowResponse::Deny
            })
            .with_document_title_changed_handler(move |title| {
                title_proxy.send_event(HostEvent::Title(page, title)).ok();
            });
        let press_proxy = self.proxy.clone();
        let on_press = move |press| {
            press_proxy
                .send_event(HostEvent::TitleBarPressed(page, press))
                .ok();
        };
        let bar_height = self.container.device_profile().title_bar_height();
        let window = self
            .windows
            .get_mut(&window_id)
            .ok_or_else(|| Error::Webview("the page's window is gone".into()))?;
        let webview =
            match window.push_page(page, spec.title_bar.as_ref(), bar_height, on_press, builder) {
                Ok(webview) => webview,
                Err(error) => {
                    if window.is_empty() {
                        self.windows.remove(&window_id);
                    }
                    return Err(error);
                }
            };
        #[cfg(target_os = "linux")]
        {
            composite_only_with_a_gpu(&webview);
            watch_web_process(&webview, page, self.proxy.clone());
        }
        if let Err(error) = webview.load_url(&spec.url) {
            window.close_page(page, webview);
            if window.is_empty() {
                self.windows.remove(&window_id);
            }
            return Err(Error::Webview(error.to_string()));
        }
        self.pages.insert(
            page,
            PageView {
                window: window_id,
                webview,
                app,
            },
        );
        Ok(())
    }
}

/// Keeps WebKit out of accelerated compositing on a machine with no GPU (no DRM render
/// node, as under Xvfb on a server): there its GL is a software rasteriser, and entering
/// compositing mode (which the page host's fixed chrome triggers) added about 85 ms to a
/// mini-program's first render on a 2-core machine (165 ms against 80 ms without). Made
/// before the page loads: changed during a load, WebKit 2.50's web process crashed.
#[cfg(target_os = "linux")]
fn composite_only_with_a_gpu(webview: &WebView) {
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
    use wry::WebViewExtUnix;
    let has_gpu = std::fs::read_dir("/dev/dri").is_ok_and(|nodes| {
        nodes
            .filter_map(std::result::Result::ok)
            .any(|node| node.file_name().to_string_lossy().starts_with("renderD"))
    });
    if has_gpu {
        return;
    }
    if let Some(settings) = webview.webview().settings() {
        settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
    }
}

/// Reports the end of the page's web process to the UI thread.
#[cfg(target_os = "linux")]
fn watch_web_process(webview: &WebView, page: PageId, proxy: EventLoopProxy<HostEvent>) {
    use webkit2gtk::{WebProcessTerminationReason, WebViewExt};
    use wry::WebViewExtUnix;
    webview
        .webview()
        .connect_web_process_terminated(move |_, reason| {
            let reason = match reason {
                WebProcessTerminationReason::ExceededMemoryLimit => {
                    WebProcessGoneReason::ExceededMemoryLimit
                }
                WebProcessTerminationReason::TerminatedByApi => {
                    WebProcessGoneReason::TerminatedByHost
                }
                _ => WebProcessGoneReason::Crashed,
            };
            proxy
                .send_event(HostEvent::WebProcessGone(page, reason))
                .ok();
        });
}

/// A script that runs `body` as an async function and posts its outcome back.
fn script_wrapper(script_id: u64, body: &str) -> String {
    format!(
        r#"(() => {{
  const post = (ok, value) => {{
    let json;
    try {{ json = JSON.stringify({{ kind: "scriptResult", scriptId: {script_id}, ok, value: value === undefined ? null : value }}); }}
    catch (error) {{ json = JSON.stringify({{ kind: "scriptResult", scriptId: {script_id}, ok: false, value: "result is not JSON-serialisable: " + error }}); }}
    window.__capsuleIpc.post(json);
  }};
  (async () => {{
{body}
  }})().then((value) => post(true, value), (error) => post(false, String(error && error.stack ? error + "\n" + error.stack : error)));
}})();"#
    )
}

#[cfg(target_os = "linux")]
fn capture_window(window: &Window, path: &Path) -> Result<()> {
    use gtk::prelude::*;
    use tao::platform::unix::WindowExtUnix;
    let gdk_window = window
        .gtk_window()
        .window()
        .ok_or_else(|| Error::Screenshot("the window is not realised".into()))?;
    let pixbuf = gdk_window
        .pixbuf(0, 0, gdk_window.width(), gdk_window.height())
        .ok_or_else(|| Error::Screenshot("cannot read the window's pixels".into()))?;
    pixbuf
        .savev(path, "png", &[])
        .map_err(|e| Error::Screenshot(format!("cannot write {}: {e}", path.display())))
}

#[cfg(not(target_os = "linux"))]
fn capture_window(_window: &Window, _path: &Path) -> Result<()> {
    Err(Error::Screenshot(
        "screenshots are only implemented on Linux".into(),
    ))
}

/// A document that shows `notice` in place of a page, as the mini-program page host shows
/// why an app was stopped.
fn notice_document(notice: &str) -> String {
    let escaped = capsule_view::to_html(&[capsule_view::VNode::text(notice)]);
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><style>\
         body {{ margin: 0; padding: 8px; font: 16px/1.5 sans-serif; background: #fff; }}\
         p {{ margin: 0; padding: 12px; color: #b0002b; background: #fff2f2; \
         border: 1px solid #f3b4bd; border-radius: 6px; }}</style></head>\
         <body><p>{escaped}</p></body></html>"
    )
}
