//! The session thread of a running mini-program: logic messages in, renders and patches out,
//! user events in, handler calls out.

use std::collections::HashMap;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Instant;

use capsule_jsapi::UiRequest;
use capsule_packages::{AppKind, RelativePath};
use serde_json::{Map, Value, json};

use super::config::{AppConfig, Badge, ChromeState, WindowConfig, default_window};
use super::events::{ancestry, propagate};
use super::{ColdStart, MiniProgramError, MiniProgramOptions, Snapshot, UiShown, UserAction};
use crate::bridge::{FromPage, ToPage};
use crate::logic::{
    DataChange, EventObject, LogicCommand, LogicHandle, LogicOptions, LogicPageId, LogicToView,
    PathKey, Route, Splice, Touch, ViewEvent,
};
use crate::style::{StyleOptions, compile as compile_style, component_scope, page_styles};
use crate::view::{
    ComponentInstance, Dialect, NodePath, PageView, PatchOp, SourceFiles, VElement, VNode, View,
    to_html,
};
use crate::{App, Container, ContainerEvent, PageId};

/// What reaches the session thread.
pub(crate) enum Input {
    Logic(LogicToView),
    Container(ContainerEvent),
    Ui(u64, UiRequest),
    Control(Control),
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
    ScrollPage(f64, Sender<()>),
    Route(Route, Sender<()>),
    AnswerUi(u64, Value, Sender<()>),
    Close,
}

/// Reads package files as text for the template and style compilers.
struct AppSource<'a>(&'a App);

impl SourceFiles for AppSource<'_> {
    fn read_text(&self, path: &str) -> Option<String> {
        let path = RelativePath::new(path).ok()?;
        String::from_utf8(self.0.files().read(&path).ok()?).ok()
    }
}

/// Starts the app's window, logic layer and session thread.
pub(crate) fn start(
    container: &Container,
    app: App,
    options: &MiniProgramOptions,
) -> Result<(Sender<Input>, PageId), MiniProgramError> {
    if app.manifest().kind != AppKind::MiniProgram {
        return Err(MiniProgramError::NotMiniProgram(app.id().to_owned()));
    }
    let app_json =
        AppSource(&app)
            .read_text("app.json")
            .ok_or_else(|| MiniProgramError::Config {
                file: "app.json".into(),
                message: "missing: a mini-program needs app.json".into(),
            })?;
    let config = AppConfig::parse(&app_json)?;
    let dialect = match app.manifest().dialect {
        Some(capsule_packages::Dialect::Alipay) => Dialect::Alipay,
        _ => Dialect::WeChat,
    };
    if options.fresh_storage {
        clear_storage(container, &app)?;
    }
    let (inbox, received) = mpsc::channel();
    let events = container.subscribe();
    let page = container.open_page_host(app.clone());
    forward(container.watch_ui(page), &inbox, |(id, request)| {
        Input::Ui(id, request)
    });
    forward(events, &inbox, Input::Container);
    let launched = Instant::now();
    let (logic, logic_out) = LogicHandle::spawn(container, app.clone(), LogicOptions::default())
        .map_err(|e| MiniProgramError::Logic(e.to_string()))?;
    forward(logic_out, &inbox, Input::Logic);
    let (path, query) = match options.start_url.as_deref() {
        Some(url) => split_url(url),
        None => (None, Map::new()),
    };
    logic
        .send(LogicCommand::Launch {
            path,
            query,
            scene: 1001,
        })
        .map_err(|e| MiniProgramError::Logic(e.to_string()))?;
    let container = container.clone();
    let webview = options.webview;
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
                page,
                webview,
                pages: HashMap::new(),
                stack: Vec::new(),
                shown: None,
                loaded: false,
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
                input_values: HashMap::new(),
                badges,
                bar_loading: false,
                tapped_tab: None,
                instances: HashMap::new(),
                next_component: 1,
                console: Vec::new(),
                errors: Vec::new(),
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
            }
            .run(&received);
        })
        .map_err(|e| MiniProgramError::Logic(e.to_string()))?;
    Ok((inbox, page))
}

/// Empties `app`'s storage through its own `clearStorage` API.
fn clear_storage(container: &Container, app: &App) -> Result<(), MiniProgramError> {
    let (done, answered) = mpsc::channel();
    let reply = capsule_jsapi::Reply::new(move |result| {
        done.send(result).ok();
    });
    container.invoke_for_logic(app, "clearStorage", json!({}), reply);
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

/// One page of the stack as the view layer has it.
struct PageState {
    path: String,
    /// The rendered page, or the error that stopped it from compiling.
    view: Result<View, String>,
    css: String,
    window: WindowConfig,
    ready: bool,
    /// Where the user left the page scrolled, restored when it is shown again.
    scroll_top: f64,
    /// The component instances with logic: identity → (logic number, last properties).
    mounted: HashMap<String, (u64, Map<String, Value>)>,
}

impl PageState {
    fn tree(&self) -> Vec<VNode> {
        match &self.view {
            Ok(view) => view.tree().to_vec(),
            Err(message) => vec![VNode::Element(VElement {
                tag: "view".into(),
                attrs: [("class".to_owned(), json!("capsule-error"))].into(),
                children: vec![VNode::text(message.clone())],
                ..VElement::default()
            })],
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

fn ms_since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
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
    page: PageId,
    webview: bool,
    pages: HashMap<LogicPageId, PageState>,
    stack: Vec<LogicPageId>,
    /// The page whose document the window shows (or would show, before it has loaded).
    shown: Option<LogicPageId>,
    loaded: bool,
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
    /// What was typed into inputs, for headless sessions.
    input_values: HashMap<NodePath, String>,
    badges: Vec<Badge>,
    bar_loading: bool,
    /// `onTabItemTap`'s argument until the tapped tab's page is shown.
    tapped_tab: Option<Value>,
    /// Every mounted component instance: logic number → (page, identity).
    instances: HashMap<u64, (LogicPageId, String)>,
    next_component: u64,
    console: Vec<String>,
    errors: Vec<String>,
    ui: Vec<UiShown>,
    timing: Timing,
    crashed: bool,
}

impl Session {
    fn run(mut self, inbox: &Receiver<Input>) {
        while let Ok(input) = inbox.recv() {
            let keep_going = match input {
                Input::Logic(message) => {
                    self.on_logic(message);
                    true
                }
                Input::Container(event) => self.on_container(event),
                Input::Ui(id, request) => {
                    self.on_ui(id, &request);
                    true
                }
                Input::Control(control) => self.on_control(control),
            };
            if !keep_going {
                break;
            }
        }
        self.logic.send(LogicCommand::Shutdown).ok();
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
                        self.input_values.insert(path, text);
                    }
                }
            }
            // The logic layer has logged both already.
            LogicToView::Console { level, message, .. } => {
                self.console.push(format!("{level}: {message}"));
            }
            LogicToView::ScriptError { message } => self.errors.push(message),
            LogicToView::RouteFailed { message } => {
                tracing::warn!(app = self.app.id(), "route refused: {message}");
                self.console.push(format!("warn: route refused: {message}"));
                // The app calls fail callbacks for refused routes; only a launch that opened
                // no page at all is an error.
                if self.shown.is_none() {
                    self.errors.push(format!("no page opened: {message}"));
                }
            }
            LogicToView::Evaluated { id, result } => self.evaluated(id, result),
            LogicToView::Crashed { message } => {
                tracing::error!(app = self.app.id(), "logic layer crashed: {message}");
                self.errors.push(format!("crashed: {message}"));
                self.crashed = true;
                for (_, evaluation) in self.evaluations.drain() {
                    if let Evaluation::Caller(answer) = evaluation {
                        answer.send(Err(format!("crashed: {message}"))).ok();
                    }
                }
            }
            LogicToView::ComponentCreated { component, data } => {
                if let Some((page, instance)) = self.instances.get(&component).cloned()
                    && let Some(Ok(view)) = self.pages.get_mut(&page).map(|p| &mut p.view)
                {
                    let ops = view.set_instance_data(&instance, data);
                    self.show_ops(page, &ops, None);
                    self.reconcile(page);
                }
            }
            LogicToView::ComponentEvent {
                component,
                name,
                detail,
            } => self.component_event(component, &name, &detail),
        }
    }

    fn create_page(&mut self, page: LogicPageId, path: String, data: Value) {
        let created = Instant::now();
        if self.timing.page_created.is_none() {
            self.timing.page_created = Some(created);
            self.timing.logic_ms = (created - self.timing.launched).as_secs_f64() * 1000.0;
        }
        let source = AppSource(&self.app);
        let (template_ext, style_ext) = match self.dialect {
            Dialect::Alipay => ("axml", "acss"),
            Dialect::WeChat => ("wxml", "wxss"),
        };
        let template = format!("{path}.{template_ext}");
        let compiled = PageView::compile(&source, &template, &self.config.components);
        let window_width = self.container.device_profile().width as f32;
        let style_options = StyleOptions {
            window_width,
            scope: None,
        };
        let mut css = page_styles(
            &source,
            &format!("app.{style_ext}"),
            &format!("{path}.{style_ext}"),
            &style_options,
        )
        .unwrap_or_else(|error| {
            self.errors.push(error.to_string());
            String::new()
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
            };
            match compile_style(&source, &sheet, &options) {
                Ok(text) => css.push_str(&text),
                Err(error) => self.errors.push(error.to_string()),
            }
        }
        let view = compiled
            .and_then(|compiled| View::new(compiled, data))
            .map_err(|e| e.to_string());
        let page_json = source.read_text(&format!("{path}.json"));
        let window = match page_json.map(|text| serde_json::from_str::<Value>(&text)) {
            Some(Ok(value)) => self.base_window.overlay(&WindowConfig::from_json(&value)),
            Some(Err(error)) => {
                self.errors.push(format!("{path}.json: {error}"));
                self.base_window.clone()
            }
            None => self.base_window.clone(),
        };
        if let Err(message) = &view {
            tracing::error!(app = self.app.id(), page = path, "{message}");
            self.errors.push(message.clone());
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
                mounted: HashMap::new(),
            },
        );
        self.reconcile(page);
    }

    fn show_top(&mut self) {
        let top = self.stack.last().copied();
        if top == self.shown {
            return;
        }
        self.shown = top;
        if self.webview {
            self.render_shown();
        } else if let Some(page) = top {
            self.rendered(page);
        }
        self.tab_item_tapped();
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
            window,
            loading: self.bar_loading,
            show_back: self.stack.len() > 1 && tab.is_none(),
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
        let ops = match self.pages.get_mut(&page).map(|p| &mut p.view) {
            Some(Ok(view)) => match &instance {
                Some(instance) => view.set_instance_changes(instance, &changes),
                None => view.set_data(&changes),
            },
            _ => Vec::new(),
        };
        self.show_ops(page, &ops, Some(ack_id));
        self.reconcile(page);
    }

    /// Sends a page's patch ops to the window when it shows that page; `ack_id` is
    /// acknowledged once the window has applied them (at once when there is nothing to show).
    fn show_ops(&mut self, page: LogicPageId, ops: &[PatchOp], ack_id: Option<u64>) {
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

    /// Mounts, updates and unmounts the logic of `page`'s component instances so they match
    /// its rendered tree: instances new to the tree are mounted (owners first), changed
    /// properties are sent, instances gone from it are unmounted.
    fn reconcile(&mut self, page: LogicPageId) {
        let Some(Ok(view)) = self.pages.get(&page).map(|p| &p.view) else {
            return;
        };
        let mut found = Vec::new();
        collect_instances(view.tree(), &mut found);
        let Some(state) = self.pages.get_mut(&page) else {
            return;
        };
        let live: std::collections::HashSet<&str> =
            found.iter().map(|f| f.instance.id.as_str()).collect();
        let gone: Vec<String> = state
            .mounted
            .keys()
            .filter(|id| !live.contains(id.as_str()))
            .cloned()
            .collect();
        let mut commands = Vec::new();
        for id in gone {
            if let Some((component, _)) = state.mounted.remove(&id) {
                self.instances.remove(&component);
                commands.push(LogicCommand::UnmountComponent { component });
            }
        }
        for found in found {
            match state.mounted.get_mut(&found.instance.id) {
                Some((component, props)) => {
                    if *props != found.props {
                        props.clone_from(&found.props);
                        commands.push(LogicCommand::UpdateProps {
                            component: *component,
                            props: found.props,
                        });
                    }
                }
                None => {
                    let component = self.next_component;
                    self.next_component += 1;
                    let owner = found
                        .instance
                        .owner
                        .as_ref()
                        .and_then(|owner| state.mounted.get(owner))
                        .map(|(id, _)| *id);
                    state
                        .mounted
                        .insert(found.instance.id.clone(), (component, found.props.clone()));
                    self.instances
                        .insert(component, (page, found.instance.id.clone()));
                    commands.push(LogicCommand::MountComponent {
                        page,
                        component,
                        path: found.path,
                        props: found.props,
                        owner,
                    });
                }
            }
        }
        for command in commands {
            self.logic(command);
        }
    }

    /// The logic number of instance `id` of `page` (`None`: the page itself).
    fn component_number(&self, page: LogicPageId, id: Option<&String>) -> Option<u64> {
        let state = self.pages.get(&page)?;
        id.and_then(|id| state.mounted.get(id)).map(|(n, _)| *n)
    }

    /// A WeChat component's `triggerEvent(name, detail)`: runs the handlers its host element
    /// binds to `name` (`bind:name`), in the instance or page that declared them.
    fn component_event(&mut self, component: u64, name: &str, detail: &Value) {
        let Some((page, instance)) = self.instances.get(&component).cloned() else {
            return;
        };
        let Some(Ok(view)) = self.pages.get(&page).map(|p| &p.view) else {
            return;
        };
        let Some(host) = find_instance(view.tree(), &instance) else {
            return;
        };
        let target = super::events::target_of(host);
        let event_name = name.to_ascii_lowercase();
        let calls: Vec<(String, Option<String>)> = host
            .events
            .iter()
            .filter(|b| b.event.eq_ignore_ascii_case(&event_name))
            .map(|b| (b.handler.clone(), b.owner.clone()))
            .collect();
        for (handler, owner) in calls {
            let event = EventObject {
                kind: name.to_owned(),
                time_stamp: ms_since(self.timing.launched),
                target: target.clone(),
                current_target: target.clone(),
                detail: detail.clone(),
                ..EventObject::default()
            };
            self.logic(LogicCommand::Event(Box::new(ViewEvent {
                page,
                component: self.component_number(page, owner.as_ref()),
                handler,
                event,
                reply_id: None,
            })));
        }
    }

    fn evaluate(&mut self, source: &str, purpose: Evaluation) {
        let id = self.next_evaluation;
        self.next_evaluation += 1;
        if self.crashed {
            if let Evaluation::Caller(answer) = purpose {
                answer.send(Err("the logic layer has crashed".into())).ok();
            } else if let Evaluation::Settle(answer, _) = purpose {
                answer.send(()).ok();
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
                    self.timing.cold_start = Some(cold);
                }
            }
            None => {}
        }
    }

    // ---- the window -------------------------------------------------------------------

    /// Handles a container event; false ends the session.
    fn on_container(&mut self, event: ContainerEvent) -> bool {
        match event {
            ContainerEvent::PageLoaded(page) if page == self.page => {
                self.loaded = true;
                self.timing.window_loaded.get_or_insert_with(Instant::now);
                self.render_shown();
            }
            ContainerEvent::PageClosed(page) if page == self.page => return false,
            ContainerEvent::Console {
                page,
                level,
                message,
            } if page == self.page => {
                if level == "error" {
                    self.errors.push(format!("page: {message}"));
                }
                self.console.push(format!("{level}: {message}"));
            }
            ContainerEvent::PageMessage { page, message } if page == self.page => {
                self.on_page_message(&message);
            }
            _ => {}
        }
        true
    }

    fn on_page_message(&mut self, message: &Value) {
        let text = |key: &str| message.get(key).and_then(Value::as_str).unwrap_or_default();
        let number = |key: &str| message.get(key).and_then(Value::as_f64).unwrap_or_default();
        let path =
            || -> Option<NodePath> { serde_json::from_value(message.get("path")?.clone()).ok() };
        match text("kind") {
            "mpEvent" => {
                let Some(path) = path() else { return };
                let touches = |key: &str| -> Vec<Touch> {
                    message
                        .get(key)
                        .and_then(|t| serde_json::from_value(t.clone()).ok())
                        .unwrap_or_default()
                };
                let event = EventObject {
                    kind: text("type").to_owned(),
                    time_stamp: number("timeStamp"),
                    detail: message.get("detail").cloned().unwrap_or(json!({})),
                    touches: touches("touches"),
                    changed_touches: touches("changedTouches"),
                    ..EventObject::default()
                };
                self.dispatch(&path, event);
            }
            "mpRendered" => {
                let seq = match message.get("seq").and_then(Value::as_u64) {
                    Some(0) | None => self.render_seq,
                    Some(seq) => seq,
                };
                self.rendered_seq = self.rendered_seq.max(seq);
                let done = self.rendered_seq;
                let (acked, waiting): (Vec<_>, Vec<_>) =
                    self.acks.drain(..).partition(|(seq, _)| *seq <= done);
                self.acks = waiting;
                for (_, ack_id) in acked {
                    self.logic(LogicCommand::SetDataAck { ack_id });
                }
                let (released, waiting): (Vec<_>, Vec<_>) = self
                    .waiting_render
                    .drain(..)
                    .partition(|(seq, _)| *seq <= done);
                self.waiting_render = waiting;
                for (_, answer) in released {
                    answer.send(()).ok();
                }
                if seq >= self.render_seq
                    && let Some(page) = self.shown
                {
                    self.rendered(page);
                }
            }
            "mpActed" => {
                if let Some(answer) = self.acting.take() {
                    let result = if message.get("ok").and_then(Value::as_bool) == Some(true) {
                        Ok(())
                    } else {
                        Err(text("error").to_owned())
                    };
                    answer.send(result).ok();
                }
            }
            "mpTab" => {
                let index = message.get("index").and_then(Value::as_u64).unwrap_or(0);
                if let Err(error) = self.tap_tab(index as usize) {
                    tracing::warn!(app = self.app.id(), "{error}");
                }
            }
            "mpBack" => self.logic(LogicCommand::Route(Route::NavigateBack { delta: 1 })),
            "mpScroll" => {
                let top = number("scrollTop");
                if let Some(state) = self.shown.and_then(|p| self.pages.get_mut(&p)) {
                    state.scroll_top = top;
                }
                self.page_hook("onPageScroll", json!({"scrollTop": top}));
            }
            "mpReachBottom" => self.page_hook("onReachBottom", json!({})),
            "mpPullDownRefresh" => {
                let enabled = self
                    .shown
                    .and_then(|p| self.pages.get(&p))
                    .is_some_and(|s| s.window.pull_refresh == Some(true));
                if enabled {
                    self.page_hook("onPullDownRefresh", json!({}));
                } else {
                    self.send_page(json!({"kind": "mpStopRefresh"}));
                }
            }
            "mpNavigate" => {
                let url = text("url").to_owned();
                let delta = message.get("delta").and_then(Value::as_u64).unwrap_or(1);
                if let Some(route) = navigator_route(text("openType"), url, delta as usize) {
                    self.logic(LogicCommand::Route(route));
                }
            }
            other => tracing::debug!(kind = other, "unknown page host message"),
        }
    }

    fn page_hook(&self, hook: &str, arg: Value) {
        if let Some(page) = self.shown {
            self.logic(LogicCommand::PageHook {
                page,
                hook: hook.to_owned(),
                arg,
                reply_id: None,
            });
        }
    }

    /// Runs the handlers a user event at `path` of the shown page reaches.
    fn dispatch(&mut self, path: &[u32], mut event: EventObject) {
        let Some(page) = self.shown else { return };
        let Some(Ok(view)) = self.pages.get(&page).map(|p| &p.view) else {
            return;
        };
        let Some((target, calls)) = propagate(view.tree(), path, &event.kind) else {
            tracing::debug!(?path, "event for an element that is gone");
            return;
        };
        event.target = target;
        let wants_reply = event.kind == "input";
        for call in calls {
            let reply_id = wants_reply.then(|| {
                let id = self.next_reply;
                self.next_reply += 1;
                self.input_replies.insert(id, path.to_vec());
                id
            });
            let mut event = event.clone();
            event.current_target = call.current_target;
            let component = self.component_number(page, call.owner.as_ref());
            self.logic(LogicCommand::Event(Box::new(ViewEvent {
                page,
                component,
                handler: call.handler,
                event,
                reply_id,
            })));
        }
    }

    fn tap_tab(&mut self, index: usize) -> Result<(), String> {
        let item = self
            .config
            .tab_bar
            .as_ref()
            .ok_or("the app has no tab bar")?
            .items
            .get(index)
            .ok_or_else(|| format!("the tab bar has no tab {index}"))?;
        let url = format!("/{}", item.page);
        self.tapped_tab = Some(json!({"index": index, "pagePath": item.page, "text": item.text}));
        self.logic(LogicCommand::Route(Route::SwitchTab { url }));
        // Tapping the tab already shown changes no page.
        self.tab_item_tapped();
        Ok(())
    }

    // ---- UI requests ------------------------------------------------------------------

    fn on_ui(&mut self, id: u64, request: &UiRequest) {
        let value = serde_json::to_value(request).unwrap_or_default();
        let kind = value
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let open = matches!(kind, "alert" | "modal" | "actionSheet");
        match kind {
            "navigationBar" => {
                if let Some(loading) = value.get("loading").and_then(Value::as_bool) {
                    self.bar_loading = loading;
                }
                if let Some(state) = self.shown.and_then(|p| self.pages.get_mut(&p)) {
                    state.window.apply_request(&value);
                }
                self.send_page(json!({"kind": "mpChrome", "chrome": self.chrome()}));
            }
            "tabBarBadge" => {
                let index = value.get("index").and_then(Value::as_u64).unwrap_or(0) as usize;
                if let Some(slot) = self.badges.get_mut(index) {
                    *slot = badge_of(value.get("badge"));
                }
                self.send_page(json!({"kind": "mpChrome", "chrome": self.chrome()}));
            }
            "pageScrollTo" => self.send_page(json!({
                "kind": "mpScrollTo",
                "scrollTop": value.get("scrollTop").cloned().unwrap_or(json!(0)),
                "duration": value.get("durationMs").cloned().unwrap_or(json!(0)),
            })),
            "pullDownRefresh" => {
                if value.get("start").and_then(Value::as_bool) == Some(true) {
                    self.page_hook("onPullDownRefresh", json!({}));
                } else {
                    self.send_page(json!({"kind": "mpStopRefresh"}));
                }
            }
            _ => {}
        }
        self.ui.push(UiShown {
            id,
            request: value,
            open,
        });
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
            Control::TapTab(index, answer) => {
                answer.send(self.tap_tab(index)).ok();
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
            Control::Close => {
                self.container.close(self.page);
                return false;
            }
        }
        true
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
            chrome: self.chrome(),
            console: self.console.clone(),
            errors: self.errors.clone(),
            ui: self.ui.clone(),
            cold_start: self.timing.cold_start,
            crashed: self.crashed,
        }
    }

    fn act(&mut self, path: &[u32], action: UserAction, answer: Sender<Result<(), String>>) {
        let Some(tree) = self
            .shown
            .and_then(|page| self.pages.get(&page))
            .map(PageState::tree)
        else {
            answer.send(Err("no page is shown".into())).ok();
            return;
        };
        let chain = ancestry(&tree, path);
        let Some(element) = chain.last() else {
            answer.send(Err(format!("no element at {path:?}"))).ok();
            return;
        };
        let is_input = matches!(element.tag.as_str(), "input" | "textarea");
        if matches!(action, UserAction::Input(_) | UserAction::Confirm) && !is_input {
            let tag = &element.tag;
            answer
                .send(Err(format!("<{tag}> is not an input or textarea")))
                .ok();
            return;
        }
        if self.webview && self.loaded {
            let (name, value) = match &action {
                UserAction::Tap => ("tap", Value::Null),
                UserAction::LongPress => ("longpress", Value::Null),
                UserAction::Input(text) => ("input", json!(text)),
                UserAction::Confirm => ("confirm", Value::Null),
                UserAction::Change(value) => ("change", value.clone()),
                UserAction::Scroll(top) => ("scroll", json!(top)),
                UserAction::Swipe(to) => ("swipe", json!(to)),
            };
            self.acting = Some(answer);
            self.send_page(json!({"kind": "mpAct", "path": path, "action": name, "value": value}));
            return;
        }
        let navigator = chain
            .iter()
            .rev()
            .find(|el| el.tag == "navigator")
            .map(|el| (*el).clone());
        let current_value = element
            .attrs
            .get("value")
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned));
        let touch = Touch::default();
        let event = |kind: &str, detail: Value| EventObject {
            kind: kind.to_owned(),
            time_stamp: ms_since(self.timing.launched),
            detail,
            touches: vec![touch.clone()],
            changed_touches: vec![touch.clone()],
            ..EventObject::default()
        };
        let events = match action {
            UserAction::Tap => vec![
                event("touchstart", json!({})),
                event("touchend", json!({})),
                event("tap", json!({"x": 0, "y": 0})),
            ],
            UserAction::LongPress => vec![
                event("touchstart", json!({})),
                event("longpress", json!({"x": 0, "y": 0})),
                event("longtap", json!({"x": 0, "y": 0})),
                event("touchend", json!({})),
            ],
            UserAction::Input(text) => {
                let cursor = text.chars().count();
                self.input_values.insert(path.to_vec(), text.clone());
                vec![event("input", json!({"value": text, "cursor": cursor}))]
            }
            UserAction::Confirm => {
                let value = self
                    .input_values
                    .get(path)
                    .cloned()
                    .or(current_value)
                    .unwrap_or_default();
                vec![event("confirm", json!({"value": value}))]
            }
            UserAction::Change(value) => vec![event("change", json!({"value": value}))],
            UserAction::Scroll(top) => vec![event(
                "scroll",
                json!({"scrollTop": top, "scrollLeft": 0, "deltaX": 0, "deltaY": top}),
            )],
            UserAction::Swipe(to) => {
                if element.tag != "swiper" {
                    let tag = &element.tag;
                    answer.send(Err(format!("<{tag}> is not a swiper"))).ok();
                    return;
                }
                vec![event(
                    "change",
                    json!({"current": to, "currentItemId": "", "source": "touch"}),
                )]
            }
        };
        let tapped = events.iter().any(|e| e.kind == "tap");
        for event in events {
            self.dispatch(path, event);
        }
        if let (true, Some(navigator)) = (tapped, navigator) {
            let attr = |name: &str| {
                navigator
                    .attrs
                    .get(name)
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .unwrap_or_default()
            };
            let delta = attr("delta").parse().unwrap_or(1);
            let open_type = attr("open-type");
            if let Some(route) = navigator_route(&open_type, attr("url"), delta) {
                self.logic(LogicCommand::Route(route));
            }
        }
        answer.send(Ok(())).ok();
    }
}

/// A component instance found in a rendered tree.
struct FoundInstance {
    instance: ComponentInstance,
    path: String,
    props: Map<String, Value>,
}

/// Every component instance in `nodes`, in document order (owners before what they own).
fn collect_instances(nodes: &[VNode], out: &mut Vec<FoundInstance>) {
    for node in nodes {
        if let VNode::Element(element) = node {
            if let (Some(instance), Some(path)) = (&element.instance, &element.component) {
                let props = element.properties();
                // The logic layer names a component by its path without the extension.
                let path = [".wxml", ".axml"]
                    .iter()
                    .find_map(|ext| path.strip_suffix(ext))
                    .unwrap_or(path);
                out.push(FoundInstance {
                    instance: instance.clone(),
                    path: path.to_owned(),
                    props,
                });
            }
            collect_instances(&element.children, out);
        }
    }
}

/// The host element of instance `id`.
fn find_instance<'a>(nodes: &'a [VNode], id: &str) -> Option<&'a VElement> {
    nodes.iter().find_map(|node| match node {
        VNode::Element(element) => {
            if element.instance.as_ref().is_some_and(|i| i.id == id) {
                Some(element)
            } else {
                find_instance(&element.children, id)
            }
        }
        VNode::Text { .. } => None,
    })
}

/// The route a `<navigator>` with `open-type` (default `navigate`) takes.
fn navigator_route(open_type: &str, url: String, delta: usize) -> Option<Route> {
    Some(match open_type {
        "" | "navigate" | "navigateTo" => Route::NavigateTo { url },
        "redirect" | "redirectTo" => Route::RedirectTo { url },
        "switchTab" => Route::SwitchTab { url },
        "reLaunch" => Route::ReLaunch { url },
        "navigateBack" => Route::NavigateBack { delta },
        _ => return None,
    })
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
