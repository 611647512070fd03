//! The messages between the logic thread and the rest of the runtime: plain serde types, so the
//! view layer, the webview integration and tests can all speak them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The logic layer's number for a page instance (unique per running app).
pub type LogicPageId = u64;

/// One step of a data path: `a.b[2]` is `[Key("a"), Key("b"), Index(2)]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PathKey {
    /// An array index (`[2]`).
    Index(usize),
    /// An object key (`.name`, or the first word).
    Key(String),
}

/// One changed path of a `setData` call and the value now stored there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataChange {
    /// Where the value goes; missing objects and arrays on the way are created.
    pub path: Vec<PathKey>,
    /// The new value.
    pub value: Value,
}

/// One `$spliceData` operation: `array.splice(start, delete_count, ...items)` at `path`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Splice {
    /// The array's path.
    pub path: Vec<PathKey>,
    /// First index to change.
    pub start: usize,
    /// How many items to remove.
    pub delete_count: usize,
    /// Items inserted at `start`.
    pub items: Vec<Value>,
}

/// The element an event started at or whose handler runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EventTarget {
    /// The element's `id` attribute.
    pub id: String,
    /// The element's tag name (`view`, `button`, ...).
    pub tag_name: String,
    /// `data-*` attributes, camelCased, values with their types kept.
    pub dataset: Map<String, Value>,
}

/// One touch point of a touch or tap event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Touch {
    /// The touch's number.
    pub identifier: i64,
    /// X relative to the page.
    pub page_x: f64,
    /// Y relative to the page.
    pub page_y: f64,
    /// X relative to the viewport.
    pub client_x: f64,
    /// Y relative to the viewport.
    pub client_y: f64,
}

/// The event object a handler receives, with the fields of SPEC.md's "Events".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EventObject {
    /// `tap`, `input`, `change`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Milliseconds since the page opened.
    pub time_stamp: f64,
    /// Where the event started.
    pub target: EventTarget,
    /// The element whose handler runs.
    pub current_target: EventTarget,
    /// Component-specific detail (`{value}` for input, `{x, y}` for tap).
    pub detail: Value,
    /// Touch points still down.
    pub touches: Vec<Touch>,
    /// Touch points that changed.
    pub changed_touches: Vec<Touch>,
    /// WeChat's `mark` object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mark: Option<Map<String, Value>>,
}

/// A component's host element as its owner's template writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostElement {
    /// The tag (`my-card`).
    pub tag: String,
    /// The `id` attribute (empty: none).
    pub id: String,
    /// The `class` attribute (empty: none).
    pub class: String,
}

/// An event the view layer routes to a handler of a page or component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ViewEvent {
    /// The page.
    pub page: LogicPageId,
    /// The component whose method handles it, or `None` for a page handler.
    #[serde(default)]
    pub component: Option<u64>,
    /// The handler's name as written in the template (`onTap="save"` gives `save`).
    pub handler: String,
    /// The event object.
    pub event: EventObject,
    /// Set when the view wants the handler's return value (input handlers): answered with
    /// [`LogicToView::EventReturn`].
    #[serde(default)]
    pub reply_id: Option<u64>,
}

/// How the page stack changes (`my.navigateTo` and friends, the tab bar, the back button).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "camelCase")]
pub enum Route {
    /// Pushes a page (`url` like `/pages/x/x?a=1`); at most 10 pages, never a tab page.
    NavigateTo {
        /// Page path with an optional query string.
        url: String,
    },
    /// Replaces the top page.
    RedirectTo {
        /// Page path with an optional query string.
        url: String,
    },
    /// Pops `delta` pages (at least one; the first page stays).
    NavigateBack {
        /// How many pages to pop.
        #[serde(default = "one")]
        delta: usize,
    },
    /// Shows a tab page and closes every non-tab page.
    SwitchTab {
        /// The tab page's path.
        url: String,
    },
    /// Closes every page and opens `url`.
    ReLaunch {
        /// Page path with an optional query string.
        url: String,
    },
}

fn one() -> usize {
    1
}

/// A command to the logic thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum LogicCommand {
    /// Cold start: runs `app.js`, `App.onLaunch` then `onShow`, then opens `path` (or the home
    /// page of `app.json`).
    #[serde(rename_all = "camelCase")]
    Launch {
        /// The page to open first; `None` for the home page.
        #[serde(default)]
        path: Option<String>,
        /// Launch query, passed to `onLaunch`/`onShow` and to the page's `onLoad`.
        #[serde(default)]
        query: Map<String, Value>,
        /// Launch scene number.
        #[serde(default)]
        scene: u32,
    },
    /// The app went to the background: top page `onHide`, then `App.onHide`.
    EnterBackground,
    /// The app came back: `App.onShow`, then the top page's `onShow`.
    EnterForeground,
    /// Changes the page stack.
    Route(Route),
    /// The view rendered a page for the first time: runs its `onReady`.
    PageReady {
        /// The page.
        page: LogicPageId,
    },
    /// A page event other than a handler: `onPullDownRefresh`, `onReachBottom`,
    /// `onPageScroll`, `onTabItemTap`, `onTitleClick`, `onShareAppMessage`, ...
    #[serde(rename_all = "camelCase")]
    PageHook {
        /// The page.
        page: LogicPageId,
        /// The hook's name.
        hook: String,
        /// Its argument.
        #[serde(default)]
        arg: Value,
        /// When set, the hook's return value comes back as [`LogicToView::EventReturn`].
        #[serde(default)]
        reply_id: Option<u64>,
    },
    /// An event for a handler.
    Event(Box<ViewEvent>),
    /// The view applied `setData`/`$spliceData` number `ack_id`: runs its callback.
    #[serde(rename_all = "camelCase")]
    SetDataAck {
        /// The update's number.
        ack_id: u64,
    },
    /// The view created custom component `component` (registered in `usingComponents` as
    /// `path`) in `page`.
    #[serde(rename_all = "camelCase")]
    MountComponent {
        /// The page it lives in.
        page: LogicPageId,
        /// The view's number for the instance.
        component: u64,
        /// The component's module path without extension (`components/card/card`).
        path: String,
        /// Attribute values from the parent's template.
        #[serde(default)]
        props: Map<String, Value>,
        /// The component whose template contains it (`None` when it is the page's).
        #[serde(default)]
        owner: Option<u64>,
        /// The component instances it sits inside on the rendered page, nearest first
        /// (slot content sits inside the component it is slotted into): where WeChat
        /// `relations` look for parents and ancestors.
        #[serde(default)]
        ancestors: Vec<u64>,
        /// The host element as its owner's template writes it (`tag`, `id`, `class`), for
        /// `selectComponent`.
        #[serde(default)]
        host: HostElement,
    },
    /// The parent re-rendered with new attribute values.
    UpdateProps {
        /// The instance.
        component: u64,
        /// The new attribute values.
        props: Map<String, Value>,
    },
    /// The view removed a component.
    UnmountComponent {
        /// The instance.
        component: u64,
    },
    /// The view saw an observed element cross a threshold (answer to
    /// [`LogicToView::ObserveIntersection`]); `entry` is the callback's argument.
    #[serde(rename_all = "camelCase")]
    Intersection {
        /// The observer.
        observer_id: u64,
        /// `{id, dataset, intersectionRatio, intersectionRect, boundingClientRect,
        /// relativeRect, time}`.
        entry: Value,
    },
    /// A native event for the app's logic: `taskProgress` of a download or upload, and what
    /// the host's updater found (`updateCheck` `{hasUpdate}`, `updateReady`, `updateFailed`).
    NativeEvent {
        /// The event name.
        name: String,
        /// Its data.
        data: Value,
    },
    /// The view's answer to [`LogicToView::SelectorQuery`]: one result per request, in order
    /// (`null` where nothing matched; an array for `selectAll`).
    #[serde(rename_all = "camelCase")]
    SelectorResult {
        /// The query's number.
        query_id: u64,
        /// The results.
        results: Vec<Value>,
    },
    /// The answer to [`LogicToView::ElementCall`]: `value` when it succeeded, else `error`.
    #[serde(rename_all = "camelCase")]
    ElementCallResult {
        /// The call's number.
        call_id: u64,
        /// Whether the element did what was asked.
        ok: bool,
        /// What it answered (`null` for nothing).
        #[serde(default)]
        value: Value,
        /// Why it could not, when `ok` is false.
        #[serde(default)]
        error: String,
    },
    /// Runs a script in the app's context (developer console, tests); answered with
    /// [`LogicToView::Evaluated`].
    Evaluate {
        /// The caller's number for the script.
        id: u64,
        /// The source.
        source: String,
    },
    /// Stops the logic thread.
    Shutdown,
}

/// A message from the logic thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum LogicToView {
    /// A page instance exists; `data` is its initial data for the first render.
    PageCreated {
        /// The page.
        page: LogicPageId,
        /// Its path (`pages/index/index`).
        path: String,
        /// Its query.
        query: Map<String, Value>,
        /// Its initial data.
        data: Value,
    },
    /// A page was unloaded.
    PageDestroyed {
        /// The page.
        page: LogicPageId,
    },
    /// The page stack after a route change, bottom first; the last one is visible.
    Stack {
        /// The pages.
        pages: Vec<LogicPageId>,
    },
    /// A route request the logic layer refused (stack full, unknown page, ...).
    RouteFailed {
        /// Why.
        message: String,
    },
    /// An API the logic layer answers itself (the routing APIs) was called and answered.
    #[serde(rename_all = "camelCase")]
    ApiAnswered {
        /// The API's name, e.g. `navigateTo`.
        api: String,
        /// 0, or the error code its `fail` got.
        code: i64,
        /// How long it took, in milliseconds (the logic layer's clock counts whole ones).
        duration_ms: f64,
    },
    /// A component instance exists; `data` is its initial data.
    #[serde(rename_all = "camelCase")]
    ComponentCreated {
        /// The instance.
        component: u64,
        /// Its data.
        data: Value,
        /// Its `options` let the page's styles in (WeChat `addGlobalClass: true`, or
        /// `styleIsolation` `apply-shared` / `shared`).
        #[serde(default)]
        shares_page_styles: bool,
        /// Its `options.virtualHost` (WeChat): its host element is not a node of its own.
        #[serde(default)]
        virtual_host: bool,
    },
    /// One `setData` call.
    #[serde(rename_all = "camelCase")]
    SetData {
        /// The page.
        page: LogicPageId,
        /// The component, when a component called it.
        component: Option<u64>,
        /// What changed, in call order.
        changes: Vec<DataChange>,
        /// Echo it in [`LogicCommand::SetDataAck`] to run the callback.
        ack_id: u64,
    },
    /// One `$spliceData` call.
    #[serde(rename_all = "camelCase")]
    SpliceData {
        /// The page.
        page: LogicPageId,
        /// The component, when a component called it.
        component: Option<u64>,
        /// The splices, in call order.
        splices: Vec<Splice>,
        /// Echo it in [`LogicCommand::SetDataAck`] to run the callback.
        ack_id: u64,
    },
    /// A component called `triggerEvent(name, detail, options)` (WeChat); the view routes it
    /// to the `bind:name` handlers of the host element and, with `bubbles`, of its ancestors.
    ComponentEvent {
        /// The instance.
        component: u64,
        /// Event name.
        name: String,
        /// Event detail.
        detail: Value,
        /// `options.bubbles`: the event goes on to the host's ancestors in its owner's
        /// template.
        #[serde(default)]
        bubbles: bool,
        /// `options.composed`: bubbling goes on out of the owner's template too, through
        /// the templates around it up to the page.
        #[serde(default)]
        composed: bool,
    },
    /// `createSelectorQuery().exec()`: where elements of a page are and what they hold;
    /// answered with [`LogicCommand::SelectorResult`].
    #[serde(rename_all = "camelCase")]
    SelectorQuery {
        /// The page queried.
        page: LogicPageId,
        /// The component the query is scoped to (`this.createSelectorQuery()` in a component,
        /// or `.in(component)`); `None`: the whole page.
        component: Option<u64>,
        /// The query's number.
        query_id: u64,
        /// `{selector, all, fields}` per request (`selector` `null`: the viewport); `fields`
        /// names what to report: `id`, `dataset`, `rect`, `size`, `scrollOffset`,
        /// `properties: [..]`, `computedStyle: [..]`.
        requests: Vec<Value>,
    },
    /// A call on an element of a page, made where the element is drawn (a video context's
    /// `play`, a canvas context's drawing); answered with [`LogicCommand::ElementCallResult`].
    #[serde(rename_all = "camelCase")]
    ElementCall {
        /// The page the element is on.
        page: LogicPageId,
        /// The component whose template the selector is scoped to; `None`: the page.
        component: Option<u64>,
        /// The call's number.
        call_id: u64,
        /// Which element: the one the selector matches at `index` (the first by default).
        selector: String,
        /// Its place among the selector's matches.
        #[serde(default)]
        index: usize,
        /// What to do (the element's component defines its methods).
        method: String,
        /// Its arguments.
        #[serde(default)]
        args: Value,
    },
    /// A call on an app's audio player (`createInnerAudioContext`): `set` (its `src`,
    /// `loop`, `volume`, ... as `args`), `play`, `pause`, `stop`, `seek` (`args`: seconds),
    /// `destroy`. What the player does comes back as [`LogicCommand::NativeEvent`]s named
    /// `audio`: `{audioId, type, detail}` with `type` one of the context's `on…` events.
    #[serde(rename_all = "camelCase")]
    AudioCall {
        /// The player's number.
        audio_id: u64,
        /// What to do.
        method: String,
        /// Its arguments.
        #[serde(default)]
        args: Value,
    },
    /// `createIntersectionObserver().observe(selector, callback)`: report, with
    /// [`LogicCommand::Intersection`], when the elements cross the thresholds.
    #[serde(rename_all = "camelCase")]
    ObserveIntersection {
        /// The page observed.
        page: LogicPageId,
        /// The component the selectors are scoped to; `None`: the page.
        component: Option<u64>,
        /// The observer's number.
        observer_id: u64,
        /// `{selector, relativeTo (a selector, null: the viewport), margins, thresholds,
        /// initialRatio, observeAll}`.
        request: Value,
    },
    /// `disconnect()`: stop reporting for the observer.
    #[serde(rename_all = "camelCase")]
    DisconnectIntersection {
        /// The observer.
        observer_id: u64,
    },
    /// The return value of a handler called with a `reply_id`.
    #[serde(rename_all = "camelCase")]
    EventReturn {
        /// The request's number.
        reply_id: u64,
        /// What the handler returned (`null` for nothing).
        value: Value,
    },
    /// A `console.*` call.
    Console {
        /// `log`, `info`, `warn`, `error` or `debug`.
        level: String,
        /// The page route active when it was logged, if any.
        page: Option<String>,
        /// The message.
        message: String,
    },
    /// An uncaught script error (also passed to `App.onError` and logged).
    ScriptError {
        /// The message with file and line.
        message: String,
    },
    /// The answer to [`LogicCommand::Evaluate`].
    Evaluated {
        /// The caller's number.
        id: u64,
        /// The script's value as JSON, or the error message.
        result: Result<Value, String>,
    },
    /// `getUpdateManager().applyUpdate()` after `onUpdateReady`: restart the app on the
    /// version the host downloaded.
    ApplyUpdate,
    /// The app's memory reached a warning level: 5, 10 or 15 at 60, 75 and 90 % of its
    /// budget (Android's `TRIM_MEMORY_RUNNING_*`, as `onMemoryWarning` reports them). The
    /// app's own listeners have been called, or will be once its running task ends.
    MemoryWarning {
        /// 5, 10 or 15.
        level: u8,
        /// Bytes the app holds.
        used: u64,
        /// Its budget, in bytes.
        budget: u64,
    },
    /// The logic layer stopped for good (over a budget, or it crashed); the app must be
    /// closed or reopened. The host keeps running.
    Stopped {
        /// Why.
        reason: crate::StopReason,
    },
}
