//! The session thread of a running mini-program: logic messages in, renders and patches out,
//! user events in, handler calls out.

use std::collections::HashMap;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use capsule_analytics::Kind;
use capsule_jsapi::UiRequest;
use capsule_packages::{AppKind, FileRefusal, RelativePath};
use serde_json::{Map, Value, json};

use super::config::{
    AppConfig, Badge, ChromeState, Frame, PageMeta, WindowConfig, api_dialect, default_window,
};
use super::diagnostic::Diagnostic;
use super::model::{
    AppLimits, ColdStart, MiniProgramError, MiniProgramOptions, Snapshot, UiShown, UserAction,
};
use super::updates::{PendingUpdate, UpdateStatus};
use super::worker_scripts::{AppSource, RemoteScripts};
use crate::analytics::{attributes, figure, json_len, ms_since};
use crate::bridge::{FromPage, ToPage};
use crate::view::style::{
    CompiledStyle, StyleOptions, compile as compile_style, component_scope, page_styles,
};
use crate::view::{
    Dialect, NodePath, PageView, PatchOp, SourceFiles, VNode, View, ViewError, element_at,
    path_of_instance, to_html,
};
use crate::{App, Container, ContainerEvent, PageId};
use capsule_logic::{
    ApiDispatch, DataChange, Isolation, LogicCommand, LogicHandle, LogicOptions, LogicPageId,
    LogicToView, PathKey, Route, Splice, StopReason,
};

/// What reaches the session thread.
pub(crate) enum Input {
    /// A message of the logic thread started as generation `.0` (see `reload`).
    Logic(u64, LogicToView),
    Container(ContainerEvent),
    Ui(u64, UiRequest),
    Control(Control),
    /// A file of the app was refused (`App::on_refusal`): the app stops.
    Refused(FileRefusal),
}

/// Calls from [`super::MiniProgram`], each with the channel its answer goes to.
pub(crate) enum Control {
    Snapshot(Sender<Snapshot>),
    Settle(Sender<()>),
    Evaluate(String, Sender<Result<Value, String>>),
    Act {
        path: NodePath,
        action: UserAction,
        answer: Sender<Result<(), String>>,
    },
    TapTab(usize, Sender<Result<(), String>>),
    /// Leave the app for the home screen (`true`) or come back.
    Background(bool, Sender<Result<(), String>>),
    PressBack(Sender<Result<(), String>>),
    ScrollPage(f64, Sender<()>),
    Route(Route, Sender<()>),
    AnswerUi(u64, Value, Sender<()>),
    Reload(Sender<Result<(), MiniProgramError>>),
    NotifyUpdate(UpdateStatus),
    Close,
}

mod actions;
mod components;
mod controls;
mod fields;
mod open_types;
mod page_meta;
mod pending;
mod pickers;
mod queries;
mod recent;
mod updates;
mod window;

use recent::Recent;

/// Starts the app's window, logic layer and session thread.
pub(crate) fn start(
    container: &Container,
    app: App,
    options: &MiniProgramOptions,
) -> Result<(Sender<Input>, PageId), MiniProgramError> {
    if app.manifest().kind != AppKind::MiniProgram {
        return Err(MiniProgramError::NotMiniProgram(app.id().to_owned()));
    }
    // Only a manifest built in code can have one (`from_json` refuses it): refused here too.
    container
        .check_csp(&app)
        .map_err(|error| MiniProgramError::Config {
            file: "manifest.json".into(),
            message: error.to_string(),
        })?;
    let (inbox, received) = mpsc::channel();
    watch_refusals(&app, &inbox);
    let config = read_app_json(&app)?;
    let dialect = dialect_of(&app);
    if options.fresh_storage {
        clear_storage(container, &app)?;
    }
    let events = container.subscribe();
    let page = container.open_page_host(app.clone(), config.network_timeout);
    // Straight into the inbox from the thread that asks (the logic's, mostly): a dialog is
    // in the session before the logic's next answer, so a settle sees it.
    let ui_inbox = inbox.clone();
    container.watch_ui(
        page,
        Box::new(move |id, request| ui_inbox.send(Input::Ui(id, request)).is_ok()),
    );
    forward(events, &inbox, Input::Container);
    let launched = Instant::now();
    let (path, query) = match options.start_url.as_deref() {
        Some(url) => split_url(url),
        None => (None, Map::new()),
    };
    let limits = options.limits.clone();
    let logic = start_logic(container, &app, &limits, &inbox, 0, (path, query))
        .map_err(MiniProgramError::Logic)?;
    // Native events of the window (`taskProgress`) go straight to the current logic thread,
    // so they stay in order with the API answers that follow them.
    let event_logic = Arc::new(Mutex::new(logic.clone()));
    let current = Arc::clone(&event_logic);
    container.watch_events(
        page,
        Box::new(move |name, data| {
            let logic = current
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            let _ = logic.send(LogicCommand::NativeEvent {
                name: name.to_owned(),
                data,
            });
        }),
    );
    let container = container.clone();
    let webview = options.webview;
    let own_inbox = inbox.clone();
    let badges = vec![Badge::None; config.tab_bar.as_ref().map_or(0, |bar| bar.items.len())];
    std::thread::Builder::new()
        .name(format!("capsule-mp-{}", app.id()))
        .spawn(move || {
            Session {
                base_window: default_window(dialect).overlay(&config.window),
                container,
                app,
                config,
                dialect,
                logic,
                event_logic,
                generation: 0,
                inbox: own_inbox,
                page,
                webview,
                pages: HashMap::new(),
                stack: Vec::new(),
                shown: None,
                loaded: false,
                entered: None,
                in_background: false,
                own_moves: std::collections::VecDeque::new(),
                sent_seq: 0,
                render_seq: 0,
                rendered_seq: 0,
                acks: Vec::new(),
                evaluations: HashMap::new(),
                next_evaluation: 1,
                waiting_render: Vec::new(),
                acting: None,
                input_replies: HashMap::new(),
                next_reply: 1,
                queries: HashMap::new(),
                observers: HashMap::new(),
                fields: fields::Fields::default(),
                badges,
                bar_loading: false,
                tapped_tab: None,
                instances: HashMap::new(),
                next_component: 1,
                console: Recent::new(MAX_CONSOLE_LINES),
                errors: Recent::new(MAX_ERRORS),
                ui: Vec::new(),
                timing: Timing {
                    launched,
                    page_created: None,
                    window_loaded: None,
                    logic_ms: 0.0,
                    first_render_ms: None,
                    ready_sent: None,
                    cold_start: None,
                },
                crashed: false,
                pending_update: None,
                limits,
            }
            .run(&received);
        })
        .map_err(|e| MiniProgramError::Logic(e.to_string()))?;
    Ok((inbox, page))
}

/// Has the refusals of `app`'s files (see `App::read`) reach `inbox`, from the thread that
/// read the file, before the reader hears the error.
fn watch_refusals(app: &App, inbox: &Sender<Input>) {
    let inbox = inbox.clone();
    app.on_refusal(move |refusal| inbox.send(Input::Refused(refusal.clone())).is_ok());
}

/// The template dialect of `app` (WeChat unless its manifest says Alipay).
fn dialect_of(app: &App) -> Dialect {
    match app.manifest().dialect {
        Some(capsule_packages::Dialect::Alipay) => Dialect::Alipay,
        _ => Dialect::WeChat,
    }
}

/// Reads and checks the app's `app.json`.
fn read_app_json(app: &App) -> Result<AppConfig, MiniProgramError> {
    let config_error = |message: String| MiniProgramError::Config {
        file: "app.json".into(),
        message,
    };
    let path = RelativePath::new("app.json").map_err(|error| config_error(error.to_string()))?;
    let bytes = app.read(&path).map_err(|error| {
        config_error(if error.kind() == std::io::ErrorKind::NotFound {
            "missing: a mini-program needs app.json".to_owned()
        } else {
            format!("refused: {error}")
        })
    })?;
    let text = String::from_utf8(bytes).map_err(|_| config_error("not UTF-8 text".to_owned()))?;
    AppConfig::parse(&text, &|path| AppSource(app).read_text(path))
}

/// Starts a logic thread for `app` within `limits` whose messages reach `inbox` tagged
/// `generation`, and launches the app in it at `path` (the home page when `None`) with
/// `query`.
fn start_logic(
    container: &Container,
    app: &App,
    limits: &AppLimits,
    inbox: &Sender<Input>,
    generation: u64,
    (path, query): (Option<String>, Map<String, Value>),
) -> Result<LogicHandle, String> {
    let profile = container.device_profile();
    let frame = Frame::of(&profile, api_dialect(app));
    let options = LogicOptions {
        bars: Some(frame.bars()),
        memory_budget: limits.memory_budget.unwrap_or(profile.memory_budget),
        time_budget: limits.time_budget.unwrap_or(LogicOptions::TIME_BUDGET),
        isolation: limits
            .isolation
            .clone()
            .unwrap_or_else(Isolation::best_available),
        ..LogicOptions::default()
    };
    let (logic, out) = LogicHandle::spawn(Arc::new(container.clone()), app.clone(), options)
        .map_err(|e| e.to_string())?;
    forward(out, inbox, move |message| Input::Logic(generation, message));
    logic
        .send(LogicCommand::Launch {
            path,
            query,
            scene: 1001,
        })
        .map_err(|e| e.to_string())?;
    Ok(logic)
}

/// Empties `app`'s storage through its own `clearStorage` API.
fn clear_storage(container: &Container, app: &App) -> Result<(), MiniProgramError> {
    let (done, answered) = mpsc::channel();
    let reply = capsule_jsapi::Reply::new(move |result| {
        done.send(result).ok();
    });
    container.invoke(app, "clearStorage", json!({}), reply);
    match answered.recv() {
        Ok(Ok(_)) => Ok(()),
        // An app that may not use storage has none to empty.
        Ok(Err(error)) if error.code == capsule_jsapi::ApiError::NO_PERMISSION => Ok(()),
        Ok(Err(error)) => Err(MiniProgramError::Logic(format!(
            "cannot empty the app's storage: {}",
            error.message
        ))),
        Err(_) => Err(MiniProgramError::Stopped("did not answer")),
    }
}

/// Moves everything from `from` into the session's inbox until either side is gone.
fn forward<T: Send + 'static>(
    from: Receiver<T>,
    to: &Sender<Input>,
    wrap: impl Fn(T) -> Input + Send + 'static,
) {
    let to = to.clone();
    std::thread::spawn(move || {
        while let Ok(item) = from.recv() {
            if to.send(wrap(item)).is_err() {
                break;
            }
        }
    });
}

/// `pages/x/x?a=1&b=2` → (`pages/x/x`, `{a: "1", b: "2"}`).
fn split_url(url: &str) -> (Option<String>, Map<String, Value>) {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let query = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (decode(key), Value::String(decode(value)))
        })
        .collect();
    (Some(path.trim_start_matches('/').to_owned()), query)
}

/// A setData path as the view layer writes it: `list[2].done`.
fn path_text(path: &[PathKey]) -> String {
    let mut text = String::new();
    for key in path {
        match key {
            PathKey::Index(i) => text.push_str(&format!("[{i}]")),
            PathKey::Key(k) if text.is_empty() => text.push_str(k),
            PathKey::Key(k) => {
                text.push('.');
                text.push_str(k);
            }
        }
    }
    text
}

/// The array a splice changes, spliced.
fn spliced(data: &Value, splice: &Splice) -> Value {
    let mut current = data;
    for key in &splice.path {
        current = match key {
            PathKey::Index(i) => current.get(i),
            PathKey::Key(k) => current.get(k.as_str()),
        }
        .unwrap_or(&Value::Null);
    }
    let mut items = current.as_array().cloned().unwrap_or_default();
    let start = splice.start.min(items.len());
    let end = start.saturating_add(splice.delete_count).min(items.len());
    items.splice(start..end, splice.items.iter().cloned());
    Value::Array(items)
}

/// The page that shows why an app stopped when it stopped before opening a page (logic
/// page numbers count up from 1 and never reach it).
const STOPPED_NOTICE_PAGE: LogicPageId = LogicPageId::MAX;

/// One page of the stack as the view layer has it.
struct PageState {
    path: String,
    /// The rendered page, or the error that stopped it from compiling.
    view: Result<View, Diagnostic>,
    css: String,
    window: WindowConfig,
    ready: bool,
    /// Where the user left the page scrolled, restored when it is shown again.
    scroll_top: f64,
    /// The component instances with logic: identity → (logic number, last properties).
    mounted: HashMap<String, (u64, Map<String, Value>)>,
    /// What the H5 pages of its WeChat `<web-view>`s posted (the web-view's path, the data),
    /// handed to the app when the page is left (`session/window.rs`).
    web_view_messages: Vec<(NodePath, Value)>,
    /// What its `<page-meta>` set on `window` at its last render.
    page_meta: PageMeta,
}

impl PageState {
    fn tree(&self) -> Vec<VNode> {
        match &self.view {
            Ok(view) => view.tree().to_vec(),
            Err(diagnostic) => vec![diagnostic.notice()],
        }
    }
}

/// Cold start bookkeeping.
struct Timing {
    launched: Instant,
    page_created: Option<Instant>,
    window_loaded: Option<Instant>,
    logic_ms: f64,
    first_render_ms: Option<f64>,
    ready_sent: Option<Instant>,
    cold_start: Option<ColdStart>,
}

/// What an evaluation in the logic layer was for.
enum Evaluation {
    Caller(Sender<Result<Value, String>>),
    /// A settle barrier with this many round trips still to go.
    Settle(Sender<()>, u8),
    ColdStartReady,
}

/// Round trips a settle makes through the logic thread: the second covers what the session
/// sent on in reaction to messages of the first (a component's `triggerEvent` running a
/// handler of its page).
const SETTLE_ROUND_TRIPS: u8 = 2;

struct Session {
    container: Container,
    app: App,
    config: AppConfig,
    dialect: Dialect,
    base_window: WindowConfig,
    logic: LogicHandle,
    /// The logic thread the window's native events go to (replaced on reload).
    event_logic: Arc<Mutex<LogicHandle>>,
    /// Which logic thread is current: messages of earlier ones (before a reload) are dropped.
    generation: u64,
    /// The session's own inbox, for the logic threads a reload starts.
    inbox: Sender<Input>,
    page: PageId,
    webview: bool,
    pages: HashMap<LogicPageId, PageState>,
    stack: Vec<LogicPageId>,
    /// The page whose document the window shows (or would show, before it has loaded).
    shown: Option<LogicPageId>,
    loaded: bool,
    /// The path of the page shown and since when, for the analytics of page views.
    entered: Option<(String, Instant)>,
    /// Whether the user left the app for the home screen (its pages heard `onHide`).
    in_background: bool,
    /// The [`ContainerEvent::Backgrounded`] / `Foregrounded` events this session caused
    /// itself and has already acted on, oldest first: they arrive later, possibly after the
    /// next move, and must not move the app again.
    own_moves: std::collections::VecDeque<bool>,
    sent_seq: u64,
    render_seq: u64,
    rendered_seq: u64,
    /// setData acknowledgements waiting for the window to apply update `seq`.
    acks: Vec<(u64, u64)>,
    evaluations: HashMap<u64, Evaluation>,
    next_evaluation: u64,
    waiting_render: Vec<(u64, Sender<()>)>,
    acting: Option<Sender<Result<(), String>>>,
    input_replies: HashMap<u64, NodePath>,
    next_reply: u64,
    /// Selector queries waiting for the page host's measurements.
    queries: HashMap<u64, pending::PendingQuery>,
    /// The logic's intersection observers, by number.
    observers: HashMap<u64, pending::Observer>,
    /// What typing and taps did to the shown page's form controls, for headless sessions.
    fields: fields::Fields,
    badges: Vec<Badge>,
    bar_loading: bool,
    /// `onTabItemTap`'s argument until the tapped tab's page is shown.
    tapped_tab: Option<Value>,
    /// Every mounted component instance: logic number → (page, identity).
    instances: HashMap<u64, (LogicPageId, String)>,
    next_component: u64,
    /// The app's last console lines.
    console: Recent<String>,
    /// The last errors of the app.
    errors: Recent<Diagnostic>,
    /// The dialogs open now, and the last ones closed (see `remember_ui`).
    ui: Vec<UiShown>,
    timing: Timing,
    crashed: bool,
    /// The version the host's updater downloaded, started by the app's `applyUpdate()`.
    pending_update: Option<PendingUpdate>,
    /// Where the logic runs and what it may use, for each logic thread the session starts.
    limits: AppLimits,
}

impl Session {
    fn run(mut self, inbox: &Receiver<Input>) {
        while let Ok(input) = inbox.recv() {
            let keep_going = match input {
                Input::Logic(generation, message) => {
                    if generation == self.generation {
                        self.on_logic(message);
                    }
                    true
                }
                Input::Container(event) => self.on_container(event),
                Input::Ui(id, request) => {
                    self.on_ui(id, &request);
                    true
                }
                Input::Control(control) => self.on_control(control),
                Input::Refused(refusal) => {
                    self.refused(refusal);
                    true
                }
            };
            if !keep_going {
                break;
            }
        }
        self.logic.send(LogicCommand::Shutdown).ok();
        self.record_page_change(None);
        self.container.analytics().exit(self.app.id());
    }

    fn send_page(&self, message: Value) {
        if self.webview && self.loaded {
            self.container.post(self.page, ToPage::MiniProgram(message));
        }
    }

    fn logic(&self, command: LogicCommand) {
        if self.logic.send(command).is_err() {
            tracing::debug!(app = self.app.id(), "logic layer has stopped");
        }
    }

    // ---- logic layer ------------------------------------------------------------------

    fn on_logic(&mut self, message: LogicToView) {
        match message {
            LogicToView::PageCreated {
                page, path, data, ..
            } => self.create_page(page, path, data),
            LogicToView::PageDestroyed { page } => {
                self.pages.remove(&page);
                self.instances.retain(|_, (owner, _)| *owner != page);
                self.observers.retain(|_, observer| observer.page() != page);
            }
            LogicToView::Stack { pages } => {
                self.stack = pages;
                self.show_top();
            }
            LogicToView::SetData {
                page,
                component,
                changes,
                ack_id,
            } => self.set_data(page, component, &changes, ack_id),
            LogicToView::SpliceData {
                page,
                component,
                splices,
                ack_id,
            } => {
                let instance = component
                    .and_then(|id| self.instances.get(&id))
                    .map(|(_, instance)| instance.clone());
                let changes: Vec<DataChange> = match self.pages.get(&page).map(|p| &p.view) {
                    Some(Ok(view)) => {
                        let base = match &instance {
                            Some(instance) => view.instance_data(instance).unwrap_or(&Value::Null),
                            None => view.data(),
                        };
                        splices
                            .iter()
                            .map(|splice| DataChange {
                                path: splice.path.clone(),
                                value: spliced(base, splice),
                            })
                            .collect()
                    }
                    _ => Vec::new(),
                };
                self.set_data(page, component, &changes, ack_id);
            }
            LogicToView::EventReturn { reply_id, value } => {
                if let Some(path) = self.input_replies.remove(&reply_id) {
                    let text = match &value {
                        Value::String(s) => Some(s.clone()),
                        Value::Object(o) => {
                            o.get("value").and_then(Value::as_str).map(str::to_owned)
                        }
                        _ => None,
                    };
                    if let Some(text) = text {
                        self.send_page(json!({"kind": "mpSetValue", "path": path, "value": text}));
                        self.fields.set_value(&path, text);
                    }
                }
            }
            // The logic layer has logged both already.
            LogicToView::Console { level, message, .. } => {
                self.console.push(format!("{level}: {message}"));
            }
            LogicToView::ScriptError { message } => {
                let source = AppSource(&self.app);
                let read = |path: &str| source.read_text(path);
                let diagnostic = Diagnostic::of_script(message, &read);
                self.record_error(&diagnostic, "script");
                self.errors.push(diagnostic);
            }
            LogicToView::RouteFailed { message } => {
                tracing::warn!(app = self.app.id(), "route refused: {message}");
                self.console.push(format!("warn: route refused: {message}"));
                // The app calls fail callbacks for refused routes; only a launch that opened
                // no page at all is an error.
                if self.shown.is_none() {
                    let source = AppSource(&self.app);
                    let read = |path: &str| source.read_text(path);
                    let message = format!("no page opened: {message}");
                    self.errors.push(Diagnostic::of_script(message, &read));
                }
            }
            LogicToView::ApiAnswered {
                api,
                code,
                duration_ms,
            } => self.container.analytics().measure(
                self.app.id(),
                Kind::ApiCall,
                &api,
                [("code", code.into()), ("duration_ms", figure(duration_ms))],
            ),
            LogicToView::Evaluated { id, result } => self.evaluated(id, result),
            LogicToView::Stopped { reason } => self.stopped(reason),
            LogicToView::MemoryWarning {
                level,
                used,
                budget,
            } => {
                tracing::warn!(app = self.app.id(), level, used, budget, "memory warning");
                self.console.push(format!(
                    "warn: memory warning level {level}: {used} of {budget} bytes in use"
                ));
                self.container.emit(&ContainerEvent::MemoryWarning {
                    page: self.page,
                    app: self.app.id().to_owned(),
                    level,
                    used,
                    budget,
                });
            }
            LogicToView::ComponentCreated {
                component,
                data,
                shares_page_styles,
                virtual_host,
            } => {
                if let Some((page, instance)) = self.instances.get(&component).cloned()
                    && let Some(Ok(view)) = self.pages.get_mut(&page).map(|p| &mut p.view)
                {
                    let mut ops = Vec::new();
                    if (shares_page_styles || virtual_host)
                        && let Some(template) = path_of_instance(view.tree(), &instance)
                            .and_then(|path| element_at(view.tree(), &path)?.component.clone())
                    {
                        if shares_page_styles {
                            ops = view.share_page_styles(&template);
                        }
                        if virtual_host {
                            ops.extend(view.make_virtual_host(&template));
                        }
                    }
                    ops.extend(view.set_instance_data(&instance, data));
                    self.show_ops(page, &ops, None);
                    self.reconcile(page);
                    self.follow_page_meta(page);
                }
            }
            LogicToView::ComponentEvent {
                component,
                name,
                detail,
                bubbles,
                composed,
            } => self.component_event(component, &name, &detail, (bubbles, composed)),
            LogicToView::SelectorQuery {
                page,
                component,
                query_id,
                requests,
            } => self.selector_query(page, component, query_id, &requests),
            LogicToView::ObserveIntersection {
                page,
                component,
                observer_id,
                request,
            } => self.observe(page, component, observer_id, request),
            LogicToView::DisconnectIntersection { observer_id } => self.unobserve(observer_id),
            LogicToView::ElementCall {
                page,
                component,
                call_id,
                selector,
                index,
                method,
                args,
            } => self.element_call(page, component, call_id, (&selector, index), &method, &args),
            LogicToView::AudioCall {
                audio_id,
                method,
                args,
            } => self.audio_call(audio_id, &method, &args),
            LogicToView::ApplyUpdate => self.apply_update(),
        }
    }

    /// The logic layer stopped for good: every page of the app shows why, callers waiting on
    /// the logic hear it, and the host gets [`ContainerEvent::AppStopped`]. The window stays
    /// open; the app can be reloaded or launched again.
    /// Stops the app because its file was refused: no page of it runs without that file as
    /// its author made it, and what its logic would report next (a module not found, a
    /// `TypeError`) would only hide the cause.
    fn refused(&mut self, refusal: FileRefusal) {
        if self.crashed {
            return;
        }
        self.logic(LogicCommand::Shutdown);
        // What the stopped logic layer still sends is not heard.
        self.generation += 1;
        self.stopped(StopReason::FileRefused {
            path: refusal.path,
            reason: refusal.reason,
        });
    }

    fn stopped(&mut self, reason: StopReason) {
        tracing::error!(app = self.app.id(), "the app was stopped: {reason}");
        let message = format!("This mini-program was stopped: {reason}.");
        self.errors
            .push(Diagnostic::new(format!("stopped: {reason}")));
        self.crashed = true;
        let mut settles = Vec::new();
        for (_, evaluation) in self.evaluations.drain() {
            match evaluation {
                Evaluation::Caller(answer) => {
                    answer.send(Err(format!("stopped: {reason}"))).ok();
                }
                Evaluation::Settle(answer, _) => settles.push(answer),
                Evaluation::ColdStartReady => {}
            }
        }
        let notice = Diagnostic::new(message);
        for state in self.pages.values_mut() {
            state.view = Err(notice.clone());
        }
        if self.shown.is_none() {
            // Stopped before its first page: the window shows the notice on a page of its own.
            self.pages.insert(
                STOPPED_NOTICE_PAGE,
                PageState {
                    path: String::new(),
                    view: Err(notice),
                    css: String::new(),
                    window: self.base_window.clone(),
                    ready: false,
                    scroll_top: 0.0,
                    web_view_messages: Vec::new(),
                    page_meta: PageMeta::default(),
                    mounted: HashMap::new(),
                },
            );
            self.stack = vec![STOPPED_NOTICE_PAGE];
        }
        self.shown = None;
        self.show_top();
        for answer in settles {
            self.when_drawn(answer);
        }
        self.container.emit(&ContainerEvent::AppStopped {
            page: self.page,
            app: self.app.id().to_owned(),
            reason,
        });
    }

    fn create_page(&mut self, page: LogicPageId, path: String, data: Value) {
        let created = Instant::now();
        if self.timing.page_created.is_none() {
            self.timing.page_created = Some(created);
            self.timing.logic_ms = (created - self.timing.launched).as_secs_f64() * 1000.0;
        }
        let source = AppSource(&self.app);
        let read = |path: &str| source.read_text(path);
        let (template_ext, style_ext) = match self.dialect {
            Dialect::Alipay => ("axml", "acss"),
            Dialect::WeChat => ("wxml", "wxss"),
        };
        let template = format!("{path}.{template_ext}");
        let compiled = PageView::compile(&source, &template, &self.config.components);
        let json_path = format!("{path}.json");
        let window = match source.read_text(&json_path) {
            Some(text) => match serde_json::from_str::<Value>(&text) {
                Ok(mut value) => {
                    if let Err(error) = self.config.apply_theme(&mut value) {
                        self.errors
                            .push(Diagnostic::new(format!("{json_path}: {error}")));
                    }
                    self.base_window.overlay(&WindowConfig::from_json(&value))
                }
                // The page does not compile either (the view layer reads its
                // `usingComponents`): the page's error says it.
                Err(_) if compiled.is_err() => self.base_window.clone(),
                Err(error) => {
                    self.errors
                        .push(Diagnostic::of_json(&json_path, &text, &error));
                    self.base_window.clone()
                }
            },
            None => self.base_window.clone(),
        };
        let window_width = self.container.device_profile().width as f32;
        let viewport_height = self.viewport_height(&path, &window);
        let style_options = StyleOptions {
            window_width,
            scope: None,
            viewport_height,
        };
        let mut styles = page_styles(
            &source,
            &format!("app.{style_ext}"),
            &format!("{path}.{style_ext}"),
            &style_options,
        )
        .unwrap_or_else(|error| {
            self.errors.push(Diagnostic::of_style(&error, &read));
            CompiledStyle::default()
        });
        // Each component's own stylesheet, scoped to it as its template's classes are.
        for component in compiled
            .as_ref()
            .map(PageView::component_paths)
            .unwrap_or_default()
        {
            let sheet = format!(
                "{}.{style_ext}",
                component
                    .rsplit_once('.')
                    .map_or(component, |(stem, _)| stem)
            );
            if source.read_text(&sheet).is_none() {
                continue;
            }
            let options = StyleOptions {
                window_width,
                scope: Some(component_scope(component)),
                viewport_height,
            };
            match compile_style(&source, &sheet, &options) {
                Ok(compiled) => {
                    styles.css.push_str(&compiled.css);
                    styles.warnings.extend(compiled.warnings);
                }
                Err(error) => self.errors.push(Diagnostic::of_style(&error, &read)),
            }
        }
        // What the template parser and the style compiler repaired (a tag left open, a
        // dropped declaration, an `@import` without its `;`): the page still gets the rest,
        // and the author hears where.
        let template_warnings = compiled
            .as_ref()
            .map(PageView::warnings)
            .unwrap_or_default();
        for warning in template_warnings.iter().chain(&styles.warnings) {
            tracing::warn!(app = self.app.id(), page = path, "{warning}");
        }
        let css = styles.css;
        let view = compiled
            .and_then(|compiled| self.new_view(compiled, data))
            .map_err(|e| Diagnostic::of_view(&e, &read));
        if let Err(diagnostic) = &view {
            tracing::error!(app = self.app.id(), page = path, "{diagnostic}");
            self.record_error(diagnostic, "template");
            self.errors.push(diagnostic.clone());
        }
        self.pages.insert(
            page,
            PageState {
                path,
                view,
                css,
                window,
                ready: false,
                scroll_top: 0.0,
                web_view_messages: Vec::new(),
                page_meta: PageMeta::default(),
                mounted: HashMap::new(),
            },
        );
        self.reconcile(page);
        self.follow_page_meta(page);
    }

    /// The view of a compiled page: its view scripts, if it has any, run in the app's worker
    /// process when the logic runs in one.
    fn new_view(&self, page: PageView, data: Value) -> Result<View, ViewError> {
        if page.has_scripts() && self.logic.in_worker() {
            let scripts = RemoteScripts::open(&self.logic, page.entry(), &self.config.components)?;
            return Ok(View::with_scripts(page, data, Box::new(scripts)));
        }
        View::new(page, data)
    }

    /// The height a page at `path` with `window` settings has on a phone: the screen less
    /// the status and navigation bars (unless the page draws under them) and, on tab pages,
    /// the tab bar (where the page host draws them).
    fn viewport_height(&self, path: &str, window: &WindowConfig) -> Option<f32> {
        let tab_page = self.config.tab_of(path).is_some();
        Some(self.frame().page_height(window, tab_page) as f32)
    }

    /// Where the phone's chrome sits on the device simulated now.
    fn frame(&self) -> Frame {
        Frame::of(&self.container.device_profile(), api_dialect(&self.app))
    }

    fn show_top(&mut self) {
        let top = self.stack.last().copied();
        if top == self.shown {
            return;
        }
        self.shown = top;
        let path = self.shown_path().map(str::to_owned);
        self.record_page_change(path);
        // The window draws the page anew, from its attributes.
        self.fields.clear();
        self.show_page_meta_loading();
        if self.webview {
            self.render_shown();
        } else if let Some(page) = top {
            self.rendered(page);
        }
        self.tab_item_tapped();
    }

    /// Records leaving the page shown until now (its dwell time) and entering the page at
    /// `path` (`None`: the app is closing).
    fn record_page_change(&mut self, path: Option<String>) {
        let analytics = self.container.analytics();
        let app_id = self.app.id();
        let previous = self.entered.take();
        if let Some((from, since)) = &previous {
            analytics.record(
                app_id,
                Kind::PageLeave,
                from,
                attributes([("dwell_ms", ms_since(*since).into())]),
            );
        }
        // The page showing why a stopped app stopped has no path: it is no page of the app.
        let Some(path) = path.filter(|path| !path.is_empty()) else {
            return;
        };
        let mut fields = Map::new();
        if let Some((from, _)) = previous {
            fields.insert("from".into(), from.into());
        }
        analytics.record(app_id, Kind::PageEnter, &path, fields);
        self.entered = Some((path, Instant::now()));
    }

    /// The rendered tree of the page shown.
    fn shown_tree(&self) -> Option<Vec<VNode>> {
        self.shown
            .and_then(|page| self.pages.get(&page))
            .map(PageState::tree)
    }

    /// The path of the page shown (`pages/index/index`).
    fn shown_path(&self) -> Option<&str> {
        let state = self.shown.and_then(|page| self.pages.get(&page))?;
        Some(&state.path)
    }

    /// Runs `onTabItemTap` once the page of the tapped tab is shown.
    fn tab_item_tapped(&mut self) {
        let shown_path = self.shown.and_then(|p| self.pages.get(&p)).map(|s| &s.path);
        let tapped = self.tapped_tab.as_ref().and_then(|tab| tab.get("pagePath"));
        if let (Some(path), Some(Value::String(tapped))) = (shown_path, tapped)
            && path == tapped
            && let Some(arg) = self.tapped_tab.take()
        {
            self.page_hook("onTabItemTap", arg);
        }
    }

    /// Sends the shown page's whole document to the window.
    fn render_shown(&mut self) {
        let Some(state) = self.shown.and_then(|page| self.pages.get(&page)) else {
            return;
        };
        if !(self.webview && self.loaded) {
            return;
        }
        self.sent_seq += 1;
        self.render_seq = self.sent_seq;
        let message = json!({
            "kind": "mpRender",
            "seq": self.sent_seq,
            "nodes": state.tree(),
            "css": state.css,
            "chrome": self.chrome(),
        });
        let scroll_top = state.scroll_top;
        self.send_page(message);
        if let Some(page) = self.shown {
            self.send_observers(page);
        }
        // A page shown again comes back where the user left it.
        if scroll_top > 0.0 {
            self.send_page(json!({"kind": "mpScrollTo", "scrollTop": scroll_top, "duration": 0}));
        }
    }

    fn chrome(&self) -> Value {
        let state = self.shown.and_then(|page| self.pages.get(&page));
        let window = state.map_or(&self.base_window, |s| &s.window);
        let tab = state.and_then(|s| self.config.tab_of(&s.path));
        ChromeState {
            origin: &self.app.origin(),
            frame: &self.frame(),
            window,
            loading: self.bar_loading,
            show_back: self.back_drawn().is_ok(),
            tab_bar: self
                .config
                .tab_bar
                .as_ref()
                .zip(tab)
                .map(|(bar, selected)| (bar, selected, self.badges.as_slice())),
        }
        .to_json()
    }

    /// The window shows `page` (or, headless, its virtual DOM is ready): `onReady` once.
    fn rendered(&mut self, page: LogicPageId) {
        let Some(state) = self.pages.get_mut(&page) else {
            return;
        };
        if state.ready {
            return;
        }
        state.ready = true;
        if self.timing.first_render_ms.is_none()
            && let Some(created) = self.timing.page_created
        {
            // With a window, rendering starts once both the data and the document are there.
            let start = self
                .timing
                .window_loaded
                .map_or(created, |loaded| loaded.max(created));
            self.timing.first_render_ms = Some(ms_since(start));
            self.timing.ready_sent = Some(Instant::now());
            self.logic(LogicCommand::PageReady { page });
            self.evaluate("0", Evaluation::ColdStartReady);
            return;
        }
        self.logic(LogicCommand::PageReady { page });
    }

    fn set_data(
        &mut self,
        page: LogicPageId,
        component: Option<u64>,
        changes: &[DataChange],
        ack_id: u64,
    ) {
        let changes: Vec<(String, Value)> = changes
            .iter()
            .map(|change| (path_text(&change.path), change.value.clone()))
            .collect();
        let instance = match component {
            Some(id) => match self.instances.get(&id) {
                Some((_, instance)) => Some(instance.clone()),
                None => {
                    tracing::debug!(component = id, "setData for an unmounted component");
                    self.logic(LogicCommand::SetDataAck { ack_id });
                    return;
                }
            },
            None => None,
        };
        let started = Instant::now();
        let ops = match self.pages.get_mut(&page).map(|p| &mut p.view) {
            Some(Ok(view)) => match &instance {
                Some(instance) => view.set_instance_changes(instance, &changes),
                None => view.set_data(&changes),
            },
            _ => Vec::new(),
        };
        let render_ms = ms_since(started);
        self.record_set_data(page, &changes, render_ms);
        self.show_ops(page, &ops, Some(ack_id));
        self.reconcile(page);
        self.follow_page_meta(page);
    }

    /// Records a `setData` on `page`: the bytes of its changes and the time the view took
    /// to apply them and diff.
    fn record_set_data(&self, page: LogicPageId, changes: &[(String, Value)], render_ms: f64) {
        let analytics = self.container.analytics();
        if !analytics.is_on() {
            return;
        }
        let Some(state) = self.pages.get(&page) else {
            return;
        };
        let bytes: usize = changes
            .iter()
            .map(|(path, value)| path.len() + json_len(value))
            .sum();
        analytics.measure(
            self.app.id(),
            Kind::SetData,
            &state.path,
            [("bytes", bytes.into()), ("render_ms", figure(render_ms))],
        );
    }

    /// Sends a page's patch ops to the window when it shows that page; `ack_id` is
    /// acknowledged once the window has applied them (at once when there is nothing to show).
    fn show_ops(&mut self, page: LogicPageId, ops: &[PatchOp], ack_id: Option<u64>) {
        if self.shown == Some(page) {
            self.fields.follow(ops);
        }
        if ops.is_empty() || !self.loaded || !self.webview || self.shown != Some(page) {
            if let Some(ack_id) = ack_id {
                self.logic(LogicCommand::SetDataAck { ack_id });
            }
            return;
        }
        self.sent_seq += 1;
        if let Some(ack_id) = ack_id {
            self.acks.push((self.sent_seq, ack_id));
        }
        self.send_page(json!({"kind": "mpPatch", "seq": self.sent_seq, "ops": ops}));
    }

    /// Answers a settle of an app whose logic has stopped once the window shows what was
    /// sent to it, the stop notice included (at once headless): the window may still be
    /// loading, and then draws the notice when it has.
    fn when_drawn(&mut self, answer: Sender<()>) {
        if !self.webview {
            answer.send(()).ok();
        } else if !self.loaded {
            // The whole page goes to the window once it has loaded, as the next update.
            self.waiting_render.push((self.sent_seq + 1, answer));
        } else if self.rendered_seq < self.sent_seq {
            self.waiting_render.push((self.sent_seq, answer));
        } else {
            answer.send(()).ok();
        }
    }

    fn evaluate(&mut self, source: &str, purpose: Evaluation) {
        let id = self.next_evaluation;
        self.next_evaluation += 1;
        if self.crashed {
            if let Evaluation::Caller(answer) = purpose {
                answer.send(Err("the app's logic has stopped".into())).ok();
            } else if let Evaluation::Settle(answer, _) = purpose {
                self.when_drawn(answer);
            }
            return;
        }
        self.evaluations.insert(id, purpose);
        self.logic(LogicCommand::Evaluate {
            id,
            source: source.to_owned(),
        });
    }

    fn evaluated(&mut self, id: u64, result: Result<Value, String>) {
        match self.evaluations.remove(&id) {
            Some(Evaluation::Caller(answer)) => {
                answer.send(result).ok();
            }
            Some(Evaluation::Settle(answer, more)) if more > 1 => {
                self.evaluate("0", Evaluation::Settle(answer, more - 1));
            }
            Some(Evaluation::Settle(answer, _)) => {
                if self.webview && self.loaded && self.rendered_seq < self.sent_seq {
                    self.waiting_render.push((self.sent_seq, answer));
                } else {
                    answer.send(()).ok();
                }
            }
            Some(Evaluation::ColdStartReady) => {
                if let Some(sent) = self.timing.ready_sent {
                    let launched = self.timing.launched;
                    let cold = ColdStart {
                        window_ms: self
                            .timing
                            .window_loaded
                            .map_or(0.0, |loaded| (loaded - launched).as_secs_f64() * 1000.0),
                        logic_ms: self.timing.logic_ms,
                        first_render_ms: self.timing.first_render_ms.unwrap_or_default(),
                        ready_ms: ms_since(sent),
                    };
                    tracing::info!(
                        app = self.app.id(),
                        "cold start: window {:.1} ms, logic {:.1} ms, first render {:.1} ms, onReady {:.1} ms",
                        cold.window_ms,
                        cold.logic_ms,
                        cold.first_render_ms,
                        cold.ready_ms
                    );
                    self.record_cold_start(&cold);
                    self.timing.cold_start = Some(cold);
                }
            }
            None => {}
        }
    }

    /// Records an error of the app's `source` (`script` or `template`) with the place it
    /// points at.
    fn record_error(&self, diagnostic: &Diagnostic, source: &str) {
        let mut fields = Map::new();
        fields.insert("source".into(), source.into());
        if let Some(location) = &diagnostic.location {
            fields.insert("file".into(), location.file.to_string().into());
            fields.insert("line".into(), location.line.into());
            fields.insert("column".into(), location.column.into());
        }
        self.container.analytics().record(
            self.app.id(),
            Kind::ScriptError,
            &diagnostic.message,
            fields,
        );
    }

    /// Records a cold start: from launch to `onReady` having run, with its phases, and the
    /// first render.
    fn record_cold_start(&self, cold: &ColdStart) {
        let analytics = self.container.analytics();
        let app_id = self.app.id();
        let phases = serde_json::to_value(cold).unwrap_or_default();
        analytics.record(
            app_id,
            Kind::ColdStart,
            "cold_start",
            attributes([
                ("duration_ms", ms_since(self.timing.launched).into()),
                ("phases", phases),
            ]),
        );
        analytics.record(
            app_id,
            Kind::FirstRender,
            self.shown_path().unwrap_or_default(),
            attributes([("duration_ms", cold.first_render_ms.into())]),
        );
    }

    // ---- control ----------------------------------------------------------------------

    /// Handles a control call; false ends the session.
    fn on_control(&mut self, control: Control) -> bool {
        match control {
            Control::Snapshot(answer) => {
                answer.send(self.snapshot()).ok();
            }
            Control::Settle(answer) => {
                self.evaluate("0", Evaluation::Settle(answer, SETTLE_ROUND_TRIPS));
            }
            Control::Evaluate(source, answer) => {
                self.evaluate(&source, Evaluation::Caller(answer));
            }
            Control::Act {
                path,
                action,
                answer,
            } => self.act(&path, action, answer),
            Control::TapTab(index, answer) => self.press_tab(index, answer),
            Control::PressBack(answer) => self.press_back(answer),
            Control::Background(background, answer) => {
                let moved = self.container.set_background(self.page, background);
                if moved {
                    self.own_moves.push_back(background);
                    self.moved_to_background(background);
                }
                let outcome = if moved {
                    Ok(())
                } else if background {
                    Err("the app is already in the background".to_owned())
                } else {
                    Err("the app is not in the background".to_owned())
                };
                answer.send(outcome).ok();
            }
            Control::ScrollPage(top, answer) => {
                if self.webview && self.loaded {
                    self.send_page(json!({"kind": "mpScrollTo", "scrollTop": top, "duration": 0}));
                } else {
                    self.page_hook("onPageScroll", json!({"scrollTop": top}));
                }
                answer.send(()).ok();
            }
            Control::Route(route, answer) => {
                self.logic(LogicCommand::Route(route));
                answer.send(()).ok();
            }
            Control::AnswerUi(id, result, answer) => {
                for shown in self.ui.iter_mut().filter(|shown| shown.id == id) {
                    shown.open = false;
                }
                if self.webview && self.loaded {
                    // Press the dialog's button, so the answer takes the user's path.
                    self.send_page(json!({"kind": "uiAnswer", "uiId": id, "result": result}));
                } else {
                    let origin = self.app.origin();
                    self.container.receive(
                        self.page,
                        &origin,
                        FromPage::UiResult { ui_id: id, result },
                    );
                }
                answer.send(()).ok();
            }
            Control::Reload(answer) => {
                answer.send(self.reload()).ok();
            }
            Control::NotifyUpdate(status) => self.notify_update(status),
            Control::Close => {
                self.container.close(self.page);
                return false;
            }
        }
        true
    }

    /// Starts the app afresh from its files in the same window, on the page shown now.
    fn reload(&mut self) -> Result<(), MiniProgramError> {
        let route = self.shown_path().map(str::to_owned);
        self.restart(self.app.clone(), route)
    }

    /// Starts `app` (the running one, or a new version of it) in the same window at `route`
    /// (the home page when `None`), as a cold start: a new logic thread (the old one stops),
    /// app.json read again, every page view rebuilt, the window serving `app`'s files.
    fn restart(&mut self, app: App, route: Option<String>) -> Result<(), MiniProgramError> {
        let config = read_app_json(&app)?;
        self.container
            .set_network_timeout(app.id(), config.network_timeout);
        self.logic(LogicCommand::Shutdown);
        self.generation += 1;
        self.crashed = false;
        self.container.replace_app(self.page, &app);
        self.dialect = dialect_of(&app);
        self.app = app;
        self.logic = start_logic(
            &self.container,
            &self.app,
            &self.limits,
            &self.inbox,
            self.generation,
            (route, Map::new()),
        )
        .map_err(MiniProgramError::Logic)?;
        *self
            .event_logic
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = self.logic.clone();
        self.base_window = default_window(self.dialect).overlay(&config.window);
        self.badges = vec![Badge::None; config.tab_bar.as_ref().map_or(0, |bar| bar.items.len())];
        self.config = config;
        self.pages.clear();
        self.stack.clear();
        self.shown = None;
        self.instances.clear();
        self.input_replies.clear();
        self.fields.clear();
        self.queries.clear();
        self.observers.clear();
        self.tapped_tab = None;
        // What the old thread owed is settled now: it will not answer.
        for (_, ack_id) in self.acks.drain(..) {
            tracing::debug!(ack_id, "setData acknowledgement dropped by a restart");
        }
        for (_, evaluation) in self.evaluations.drain() {
            match evaluation {
                Evaluation::Caller(answer) => {
                    answer.send(Err("the app was restarted".into())).ok();
                }
                Evaluation::Settle(answer, _) => {
                    answer.send(()).ok();
                }
                Evaluation::ColdStartReady => {}
            }
        }
        tracing::info!(app = self.app.id(), version = %self.app.manifest().version, "restarted");
        Ok(())
    }

    fn snapshot(&self) -> Snapshot {
        let state = self.shown.and_then(|page| self.pages.get(&page));
        let tree = state.map(PageState::tree).unwrap_or_default();
        Snapshot {
            route: state.map(|s| s.path.clone()),
            stack: self
                .stack
                .iter()
                .filter_map(|page| self.pages.get(page).map(|s| s.path.clone()))
                .collect(),
            html: to_html(&tree),
            tree,
            field_values: self.fields.values(),
            chrome: self.chrome(),
            console: with_dropped(&self.console, "console lines"),
            errors: with_dropped(&self.errors, "errors"),
            diagnostics: self.errors.iter().cloned().collect(),
            ui: self.ui.clone(),
            cold_start: self.timing.cold_start,
            crashed: self.crashed,
        }
    }
}

/// The most console lines a session keeps; older ones are dropped and counted.
const MAX_CONSOLE_LINES: usize = 1000;
/// The most errors a session keeps; older ones are dropped and counted.
const MAX_ERRORS: usize = 200;

/// The lines of `recent` as text, after a line saying how many older `what` were dropped.
fn with_dropped<T: ToString>(recent: &Recent<T>, what: &str) -> Vec<String> {
    let dropped = recent.dropped();
    (dropped > 0)
        .then(|| format!("({dropped} earlier {what} were dropped)"))
        .into_iter()
        .chain(recent.iter().map(ToString::to_string))
        .collect()
}

/// The route a `<navigator>` with `open-type` (default `navigate`) takes.
/// The route a `<navigator>` on the page at `from` asks for; its url may be relative to
/// that page's folder, as on both platforms.
fn navigator_route(from: &str, open_type: &str, url: &str, delta: usize) -> Option<Route> {
    let url = resolve_page_url(from, url);
    Some(match open_type {
        "" | "navigate" | "navigateTo" => Route::NavigateTo { url },
        "redirect" | "redirectTo" => Route::RedirectTo { url },
        "switchTab" => Route::SwitchTab { url },
        "reLaunch" => Route::ReLaunch { url },
        "navigateBack" => Route::NavigateBack { delta },
        _ => return None,
    })
}

/// `url` made absolute (`/pages/b/b?x=1`): a url not starting with `/` is relative to the
/// folder of the page at `from`; `.` and `..` segments are resolved.
fn resolve_page_url(from: &str, url: &str) -> String {
    let (path, query) = url
        .split_once('?')
        .map_or((url, None), |(p, q)| (p, Some(q)));
    let mut segments: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        from.split('/').collect()
    };
    segments.pop();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            segment => segments.push(segment),
        }
    }
    let mut absolute = format!("/{}", segments.join("/"));
    if let Some(query) = query {
        absolute.push('?');
        absolute.push_str(query);
    }
    absolute
}

/// A tab badge from a `TabBarBadge` request's JSON (`{"kind": "text", "text": "3"}`,
/// `{"kind": "redDot"}`, `{"kind": "none"}`).
fn badge_of(value: Option<&Value>) -> Badge {
    let field = |key: &str| value.and_then(|v| v.get(key)).and_then(Value::as_str);
    match (field("kind"), field("text")) {
        (Some("text"), Some(text)) => Badge::Text(text.to_owned()),
        (Some("redDot"), _) => Badge::RedDot,
        _ => Badge::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn navigator_urls_resolve_against_the_page_folder() {
        let cases = [
            ("pages/a/a", "/pages/b/b?x=1", "/pages/b/b?x=1"),
            ("pages/a/a", "../b/b?x=1", "/pages/b/b?x=1"),
            ("pages/a/a", "detail", "/pages/a/detail"),
            ("pages/a/a", "./c/c", "/pages/a/c/c"),
            ("pages/a/a", "../../../up", "/up"),
            ("pkg/pages/x/x", "../y/y", "/pkg/pages/y/y"),
        ];
        for (from, url, expected) in cases {
            assert_eq!(resolve_page_url(from, url), expected, "{from} + {url}");
        }
    }

    #[test]
    fn urls_split_into_path_and_string_query() {
        let (path, query) = split_url("/pages/a/a?x=1&name=a%20b&flag");
        assert_eq!(path.as_deref(), Some("pages/a/a"));
        assert_eq!(
            Value::Object(query),
            json!({"x": "1", "name": "a b", "flag": ""})
        );
    }

    #[test]
    fn change_paths_and_splices() {
        let path = [
            PathKey::Key("list".into()),
            PathKey::Index(2),
            PathKey::Key("done".into()),
        ];
        assert_eq!(path_text(&path), "list[2].done");
        let data = json!({"a": {"b": [1, 2, 3, 4]}});
        let splice = Splice {
            path: vec![PathKey::Key("a".into()), PathKey::Key("b".into())],
            start: 1,
            delete_count: 2,
            items: vec![json!(9)],
        };
        assert_eq!(spliced(&data, &splice), json!([1, 9, 4]));
        let past_the_end = Splice {
            start: 10,
            delete_count: 5,
            ..splice
        };
        assert_eq!(spliced(&data, &past_the_end), json!([1, 2, 3, 4, 9]));
    }
}
