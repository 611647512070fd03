//! The logic layer: a mini-program's JavaScript (`app.js`, pages, components, their modules)
//! running in boa on a thread of its own, talking to the rest of the runtime only through
//! messages.
//!
//! [`LogicHandle::spawn`] starts the thread and returns the handle (cheap to clone, usable from
//! any thread) plus the receiver of [`LogicToView`] messages. The view layer answers with
//! [`LogicCommand`]s: lifecycle and route commands, [`ViewEvent`]s and `SetDataAck`s. JSAPI
//! calls (`my.x` / `wx.x`) go to an [`ApiDispatch`]: the runtime's container, whose dispatcher
//! H5 pages go through too.

mod apis;
mod engine;
mod messages;
mod modules;
mod options;
mod script;

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};

pub use messages::{
    DataChange, EventObject, EventTarget, HostElement, LogicCommand, LogicPageId, LogicToView,
    PathKey, Route, Splice, Touch, ViewEvent,
};

use capsule_packages::App;

pub use apis::ApiDispatch;
pub use options::{LogicError, LogicOptions, PageBars};

/// The way into a running app's logic thread. `Send + Clone`.
#[derive(Debug, Clone)]
pub struct LogicHandle {
    inbox: Sender<engine::Inbox>,
}

impl LogicHandle {
    /// Starts `app`'s logic thread; its API calls go to `apis` (the runtime's container).
    /// Send [`LogicCommand::Launch`] to run `app.js` and open the first page.
    pub fn spawn(
        apis: Arc<dyn ApiDispatch>,
        app: App,
        options: LogicOptions,
    ) -> Result<(Self, Receiver<LogicToView>), LogicError> {
        let (inbox, out) = engine::spawn(apis, app, options)?;
        Ok((Self { inbox }, out))
    }

    /// Queues a command; fails once the thread has stopped.
    pub fn send(&self, command: LogicCommand) -> Result<(), LogicError> {
        self.inbox
            .send(engine::Inbox::Command(command))
            .map_err(|_| LogicError::Stopped)
    }
}
