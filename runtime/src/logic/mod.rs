//! The logic layer: a mini-program's JavaScript (`app.js`, pages, components, their modules)
//! running in boa on a thread of its own, talking to the rest of the runtime only through
//! messages.
//!
//! [`LogicHandle::spawn`] starts the thread and returns the handle (cheap to clone, usable from
//! any thread) plus the receiver of [`LogicToView`] messages. The view layer answers with
//! [`LogicCommand`]s: lifecycle and route commands, [`ViewEvent`]s and `SetDataAck`s. JSAPI
//! calls (`my.x` / `wx.x`) go through the container's dispatcher, the same path H5 pages take.

mod engine;
mod messages;
mod modules;

use std::sync::mpsc::{Receiver, Sender};
use std::time::Duration;

pub use messages::{
    DataChange, EventObject, EventTarget, HostElement, LogicCommand, LogicPageId, LogicToView,
    PathKey, Route, Splice, Touch, ViewEvent,
};

use crate::{App, Container};

/// Why the logic layer could not do what was asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LogicError {
    /// The operating system refused to start the thread.
    #[error("cannot start the logic thread: {0}")]
    Spawn(#[source] std::io::Error),
    /// The logic thread has stopped (shut down or crashed).
    #[error("the logic thread has stopped")]
    Stopped,
}

/// Limits for one app's scripts.
#[derive(Debug, Clone, Copy)]
pub struct LogicOptions {
    /// Loop iterations one call frame may run before it is cut (boa counts per frame).
    pub loop_iteration_limit: u64,
    /// Nested calls before a script is cut.
    pub recursion_limit: usize,
    /// Native stack of the logic thread; deep nesting in source needs a large one.
    pub stack_size: usize,
    /// How long a `...Sync` API may block the logic thread.
    pub sync_api_timeout: Duration,
    /// The bars the window draws around each page; when set, `getSystemInfo`'s
    /// `windowHeight` is the page area between them, as on a phone.
    pub bars: Option<PageBars>,
}

/// Heights in CSS px of the bars a window draws around a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageBars {
    /// The navigation bar with the status bar above it, over every page that does not draw
    /// under them (`navigationStyle: "custom"`, Alipay `transparentTitle`).
    pub navigation_bar: u32,
    /// The tab bar with the bottom safe-area inset below it, under tab pages.
    pub tab_bar: u32,
}

impl Default for LogicOptions {
    fn default() -> Self {
        Self {
            loop_iteration_limit: 20_000_000,
            recursion_limit: 4_000,
            stack_size: 256 << 20,
            sync_api_timeout: Duration::from_secs(30),
            bars: None,
        }
    }
}

/// The way into a running app's logic thread. `Send + Clone`.
#[derive(Debug, Clone)]
pub struct LogicHandle {
    inbox: Sender<engine::Inbox>,
}

impl LogicHandle {
    /// Starts `app`'s logic thread; its API calls go through `container`'s dispatcher. Send
    /// [`LogicCommand::Launch`] to run `app.js` and open the first page.
    pub fn spawn(
        container: &Container,
        app: App,
        options: LogicOptions,
    ) -> Result<(Self, Receiver<LogicToView>), LogicError> {
        let (inbox, out) = engine::spawn(container.clone(), app, options)?;
        Ok((Self { inbox }, out))
    }

    /// Queues a command; fails once the thread has stopped.
    pub fn send(&self, command: LogicCommand) -> Result<(), LogicError> {
        self.inbox
            .send(engine::Inbox::Command(command))
            .map_err(|_| LogicError::Stopped)
    }
}
