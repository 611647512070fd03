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
mod diagnostic;
mod events;
mod images;
mod model;
mod session;
mod updates;
mod worker_scripts;

use std::sync::mpsc::{self, Sender};
use std::time::Duration;

use serde_json::Value;

use crate::view::NodePath;
use crate::{App, Container, PageId};
use capsule_logic::Route;

pub use diagnostic::Diagnostic;
pub use model::{
    AppLimits, ColdStart, MiniProgramError, MiniProgramOptions, Snapshot, UiShown, UserAction,
};
pub use updates::{PendingUpdate, UpdateStatus};
pub(crate) use worker_scripts::service as view_script_service;

/// How long a control call waits for the session before giving up.
const CONTROL_TIMEOUT: Duration = Duration::from_secs(30);

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

    /// Taps tab `index` of the tab bar drawn on the current page; with a webview the page
    /// host clicks the item it drew. A page without the tab bar (not one of its pages) has no
    /// tab to tap: an error, as is a tab the bar does not have.
    pub fn tap_tab(&self, index: usize) -> Result<(), MiniProgramError> {
        self.ask(|answer| session::Control::TapTab(index, answer))?
            .map_err(MiniProgramError::Action)
    }

    /// The user leaves the app for the home screen, as the home key does: the top page's and
    /// the app's `onHide` run, and the window shows the home screen over the app (see
    /// [`Container::set_background`]). An error when the app already is in the background.
    pub fn enter_background(&self) -> Result<(), MiniProgramError> {
        self.ask(|answer| session::Control::Background(true, answer))?
            .map_err(MiniProgramError::Action)
    }

    /// The user comes back to the app: the app's and the top page's `onShow` run. An error
    /// when the app is not in the background.
    pub fn enter_foreground(&self) -> Result<(), MiniProgramError> {
        self.ask(|answer| session::Control::Background(false, answer))?
            .map_err(MiniProgramError::Action)
    }

    /// Presses the navigation bar's back button drawn on the current page: back by one page
    /// (with a webview the page host clicks the button it drew). No back button drawn (the
    /// only page open, a tab page, a page drawing its own navigation bar) is an error.
    pub fn press_back(&self) -> Result<(), MiniProgramError> {
        self.ask(session::Control::PressBack)?
            .map_err(MiniProgramError::Action)
    }

    /// Scrolls the page to `top` (px from the top), as a user's scroll would: the page gets
    /// `onPageScroll` (and, in a window, `onReachBottom` at the end).
    pub fn scroll_page(&self, top: f64) -> Result<(), MiniProgramError> {
        self.ask(|answer| session::Control::ScrollPage(top, answer))
    }

    /// Routes as the app would (`navigateTo`, `navigateBack`, `reLaunch`, ...); the user's
    /// back button is [`MiniProgram::press_back`].
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

    /// Tells the app's update manager what the host's updater found. The app hears it through
    /// its `onCheckForUpdate`, `onUpdateReady` and `onUpdateFailed` listeners (also those it
    /// adds later); after [`UpdateStatus::Ready`] its `applyUpdate()` restarts it on the new
    /// version.
    pub fn notify_update(&self, status: UpdateStatus) {
        self.inbox
            .send(session::Input::Control(session::Control::NotifyUpdate(
                status,
            )))
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
