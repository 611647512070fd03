//! What a [`super::MiniProgram`] and its session exchange: launch options, user actions,
//! snapshots of the shown page, and errors.

use std::collections::BTreeMap;
use std::time::Duration;

use capsule_logic::Isolation;
use serde_json::Value;

use super::diagnostic::Diagnostic;
use crate::view::{NodePath, VNode};

/// Everything that can go wrong launching or driving a mini-program.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MiniProgramError {
    /// The app is not a mini-program.
    #[error("{0} is not a mini-program")]
    NotMiniProgram(String),
    /// A configuration file (`app.json`, its theme file) does not parse: where and why.
    #[error("{0}")]
    Source(Diagnostic),
    /// `app.json` (or another configuration file) is missing or wrong.
    #[error("{file}: {message}")]
    Config {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// The logic layer could not start or has stopped.
    #[error("logic layer: {0}")]
    Logic(String),
    /// Script evaluated in the logic layer threw.
    #[error("{0}")]
    Script(String),
    /// A user action could not be done (no such element, not an input, ...).
    #[error("{0}")]
    Action(String),
    /// The session did not answer in time or has ended.
    #[error("the mini-program {0}")]
    Stopped(&'static str),
}

/// How a mini-program is run.
#[derive(Debug, Clone, Default)]
pub struct MiniProgramOptions {
    /// Whether a webview draws the window (the page host script renders and acknowledges
    /// each update). Without one the session is headless: updates apply to the virtual DOM
    /// only and user actions are played on it directly.
    pub webview: bool,
    /// Page to open instead of the home page, with its query (`pages/x/x?a=1`).
    pub start_url: Option<String>,
    /// Empties the app's storage before it launches (test runs start from a clean state).
    pub fresh_storage: bool,
    /// Where the app's logic runs and what it may use.
    pub limits: AppLimits,
}

/// Where a mini-program's logic runs and what it may use; each `None` takes the default.
#[derive(Debug, Clone, Default)]
pub struct AppLimits {
    /// Thread or worker process (default: [`Isolation::best_available`]).
    pub isolation: Option<Isolation>,
    /// Bytes the logic may hold (default: the device profile's
    /// [`DeviceProfile::memory_budget`](crate::DeviceProfile::memory_budget)).
    pub memory_budget: Option<u64>,
    /// How long one task of the logic may run (default: [`LogicOptions::TIME_BUDGET`](crate::LogicOptions::TIME_BUDGET)).
    pub time_budget: Option<Duration>,
}

/// A user action on an element, as testers script it.
#[derive(Debug, Clone, PartialEq)]
pub enum UserAction {
    /// A tap: touchstart, touchend, tap.
    Tap,
    /// A long press: touchstart, longpress, longtap, touchend.
    LongPress,
    /// Typing `text` into an input or textarea (replacing its content).
    Input(String),
    /// The keyboard's confirm key on an input.
    Confirm,
    /// Setting a form component's value (switch, checkbox, slider, picker, radio).
    Change(Value),
    /// Scrolling a scroll-view to this offset from its top.
    Scroll(f64),
    /// Moving a swiper to item `n`.
    Swipe(u32),
}

/// The cold start phases of a launch, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ColdStart {
    /// From launch to the window's document loaded (0 headless). It runs alongside the
    /// logic phase.
    pub window_ms: f64,
    /// From launch to the home page's data: `app.js`, `onLaunch`, `onShow`, the page script,
    /// `onLoad`, `onShow`.
    pub logic_ms: f64,
    /// From the page's data (and, with a window, its loaded document) to the first render on
    /// screen (or in the virtual DOM).
    pub first_render_ms: f64,
    /// From the first render to `onReady` having run.
    pub ready_ms: f64,
}

/// A UI request the app made (toast, dialog, navigation bar change, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct UiShown {
    /// The container's number for it (answer dialogs with [`MiniProgram::answer_ui`]).
    pub id: u64,
    /// The request's JSON form (`{"type": "toast", "content": ...}`).
    pub request: Value,
    /// Whether it still waits for the user.
    pub open: bool,
}

/// The state of a running mini-program at one moment.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// The current page's route (`pages/index/index`), once a page is open.
    pub route: Option<String>,
    /// Routes of the page stack, bottom first.
    pub stack: Vec<String>,
    /// The current page's virtual DOM.
    pub tree: Vec<VNode>,
    /// The current page as HTML.
    pub html: String,
    /// What the text fields (`input`, `textarea`) of the current page hold where that is not
    /// their `value` attribute, by path in [`Snapshot::tree`]: what the user typed, or the
    /// value an input handler returned.
    pub field_values: BTreeMap<NodePath, String>,
    /// Console output of the logic layer and the page, `level: message`.
    pub console: Vec<String>,
    /// Script, render and route errors so far.
    pub errors: Vec<String>,
    /// The same errors as [`Snapshot::errors`], in the same order, with the place in the
    /// app's files each points at (when it points at one) and that line of the file.
    pub diagnostics: Vec<Diagnostic>,
    /// Every UI request so far, oldest first.
    pub ui: Vec<UiShown>,
    /// The phone's chrome around the current page as drawn (the page host's `Chrome`
    /// JSON): `statusBar`, `navigationBar` (null with `navigationStyle: "custom"`),
    /// `menuButton` (the rect `getMenuButtonBoundingClientRect` answers), `tabBar`,
    /// `homeIndicator`, the page area's `pageTop` / `pageBottom`, and the window settings
    /// (`backgroundColor`, `pageBackgroundColor` (Alipay's), `backgroundColorTop` /
    /// `Bottom`, `backgroundTextStyle`, `enablePullDownRefresh`) of app.json under the
    /// page's `.json`.
    pub chrome: Value,
    /// Cold start phases, once the home page is ready.
    pub cold_start: Option<ColdStart>,
    /// Whether the logic layer has stopped for good (over a budget, or crashed).
    pub crashed: bool,
}
