//! Running mini-programs: the logic layer (boa, its own thread) and the view layer (templates
//! rendered in Rust) joined through messages, shown in the app's window by the page host
//! script, or headless.
//!
//! A [`MiniProgram`] owns one session thread. It turns the logic layer's page and `setData`
//! messages into renders and patch operations for the window, turns the window's user events
//! into handler calls (capture, bubble and catch decided over the rendered page, see
//! `events.rs`), keeps the navigation bar and tab bar, and answers the control calls testers
//! and the simulator make (snapshot, act on an element, evaluate in the logic layer).

mod config;
mod events;
mod session;
mod updates;

use std::sync::mpsc::{self, Sender};
use std::time::Duration;

use serde_json::Value;

use crate::view::{NodePath, VNode};
use crate::{App, Container, PageId};
use capsule_logic::Route;

pub use updates::{PendingUpdate, UpdateStatus};

/// How long a control call waits for the session before giving up.
const CONTROL_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything that can go wrong launching or driving a mini-program.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MiniProgramError {
    /// The app is not a mini-program.
    #[error("{0} is not a mini-program")]
    NotMiniProgram(String),
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
    /// Console output of the logic layer and the page, `level: message`.
    pub console: Vec<String>,
    /// Script, render and route errors so far.
    pub errors: Vec<String>,
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
    /// Whether the logic layer has crashed.
    pub crashed: bool,
}

/// A running mini-program. Cheap to clone; usable from any thread.
#[derive(Clone)]
pub struct MiniProgram {
    inbox: Sender<session::Input>,
    page: PageId,
}

impl MiniProgram {
    /// Opens the app's window on `container`, starts its logic layer and opens the home page
    /// (or `options.start_url`).
    pub fn launch(
        container: &Container,
        app: App,
        options: &MiniProgramOptions,
    ) -> Result<Self, MiniProgramError> {
        let (inbox, page) = session::start(container, app, options)?;
        Ok(Self { inbox, page })
    }

    /// The container page of the app's window.
    pub fn page(&self) -> PageId {
        self.page
    }

    fn ask<T>(
        &self,
        make: impl FnOnce(Sender<T>) -> session::Control,
    ) -> Result<T, MiniProgramError> {
        let (answer, answered) = mpsc::channel();
        self.inbox
            .send(session::Input::Control(make(answer)))
            .map_err(|_| MiniProgramError::Stopped("has stopped"))?;
        answered
            .recv_timeout(CONTROL_TIMEOUT)
            .map_err(|_| MiniProgramError::Stopped("did not answer"))
    }

    /// The current state.
    pub fn snapshot(&self) -> Result<Snapshot, MiniProgramError> {
        self.ask(session::Control::Snapshot)
    }

    /// Waits until everything sent so far has been handled: events reached their handlers,
    /// the logic layer went idle, and (with a webview) the window applied every update.
    pub fn settle(&self) -> Result<(), MiniProgramError> {
        self.ask(session::Control::Settle)
    }

    /// Evaluates JavaScript in the logic layer and returns its JSON value.
    pub fn evaluate(&self, source: &str) -> Result<Value, MiniProgramError> {
        self.ask(|answer| session::Control::Evaluate(source.to_owned(), answer))?
            .map_err(MiniProgramError::Script)
    }

    /// Does `action` on the element at `path` of the current page as a user would; with a
    /// webview the page host plays it on the real element.
    pub fn act(&self, path: NodePath, action: UserAction) -> Result<(), MiniProgramError> {
        self.ask(|answer| session::Control::Act {
            path,
            action,
            answer,
        })?
        .map_err(MiniProgramError::Action)
    }

    /// Taps tab `index` of the tab bar.
    pub fn tap_tab(&self, index: usize) -> Result<(), MiniProgramError> {
        self.ask(|answer| session::Control::TapTab(index, answer))?
            .map_err(MiniProgramError::Action)
    }

    /// Scrolls the page to `top` (px from the top), as a user's scroll would: the page gets
    /// `onPageScroll` (and, in a window, `onReachBottom` at the end).
    pub fn scroll_page(&self, top: f64) -> Result<(), MiniProgramError> {
        self.ask(|answer| session::Control::ScrollPage(top, answer))
    }

    /// Routes as the app would (`navigateTo`, `navigateBack`, `reLaunch`, ...); the
    /// navigation bar's back button is `Route::NavigateBack`.
    pub fn route(&self, route: Route) -> Result<(), MiniProgramError> {
        self.ask(|answer| session::Control::Route(route, answer))
    }

    /// Answers dialog `id` (see [`UiShown`]) as the user would: `{"confirm": true}` for a
    /// modal, `{"index": n}` for an action sheet.
    pub fn answer_ui(&self, id: u64, result: Value) -> Result<(), MiniProgramError> {
        self.ask(|answer| session::Control::AnswerUi(id, result, answer))
    }

    /// Starts the app afresh from its files, in the same window and on the page shown now:
    /// what a simulator does when the author saves a file. A broken app.json is an error and
    /// leaves the running app as it was.
    pub fn reload(&self) -> Result<(), MiniProgramError> {
        self.ask(session::Control::Reload)?
    }

    /// Stops the logic layer and closes the window.
    pub fn close(&self) {
        self.inbox
            .send(session::Input::Control(session::Control::Close))
            .ok();
    }
}

impl std::fmt::Debug for MiniProgram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MiniProgram")
            .field("page", &self.page)
            .finish_non_exhaustive()
    }
}
