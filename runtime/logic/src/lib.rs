//! The logic layer: a mini-program's JavaScript (`app.js`, pages, components, their modules)
//! running in boa on a thread of its own, talking to the rest of the runtime only through
//! messages.
//!
//! [`LogicHandle::spawn`] starts the thread and returns the handle (cheap to clone, usable from
//! any thread) plus the receiver of [`LogicToView`] messages. The view layer answers with
//! [`LogicCommand`]s: lifecycle and route commands, [`ViewEvent`]s and `SetDataAck`s. JSAPI
//! calls (`my.x` / `wx.x`) go to an [`ApiDispatch`]: the runtime's container, whose dispatcher
//! H5 pages go through too.
//!
//! Where the thread runs is [`LogicOptions::isolation`]: in the host process, or in a worker
//! process of its own ([`Isolation::Process`]) that holds the app to its memory and time
//! budgets and whose crash ends only that app. The worker is the host's own executable
//! started with [`WORKER_ARG`]: its `main` calls [`worker_main`] first thing and installs
//! [`BudgetAllocator`].

mod apis;
mod engine;
mod memory;
mod messages;
mod modules;
mod options;
mod process;
mod script;
mod wire;
mod worker;

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};

pub use messages::{
    DataChange, EventObject, EventTarget, HostElement, LogicCommand, LogicPageId, LogicToView,
    PathKey, Route, Splice, Touch, ViewEvent,
};

use capsule_packages::App;

pub use apis::ApiDispatch;
pub use memory::BudgetAllocator;
pub use options::{
    Isolation, LogicError, LogicOptions, PageBars, StopReason, WORKER_ARG, WorkerCommand,
};
pub use worker::{WorkerService, worker_main};

/// The way into a running app's logic thread. `Send + Clone`.
#[derive(Debug, Clone)]
pub struct LogicHandle {
    inbox: Inbox,
}

/// Where a handle's commands go.
#[derive(Debug, Clone)]
enum Inbox {
    Thread(Sender<engine::Inbox>),
    Process(Arc<process::WorkerInput>),
}

impl LogicHandle {
    /// Starts `app`'s logic thread, where `options.isolation` says; its API calls go to
    /// `apis` (the runtime's container). Send [`LogicCommand::Launch`] to run `app.js` and
    /// open the first page.
    pub fn spawn(
        apis: Arc<dyn ApiDispatch>,
        app: App,
        options: LogicOptions,
    ) -> Result<(Self, Receiver<LogicToView>), LogicError> {
        match options.isolation.clone() {
            Isolation::Thread => {
                let spawned = engine::spawn(apis, app, options)?;
                let inbox = Inbox::Thread(spawned.inbox);
                Ok((Self { inbox }, spawned.out))
            }
            Isolation::Process(command) => {
                let (inbox, out) = process::spawn(apis, app, &options, &command)?;
                let inbox = Inbox::Process(inbox);
                Ok((Self { inbox }, out))
            }
        }
    }

    /// Whether the logic runs in a worker process ([`Isolation::Process`]).
    pub fn in_worker(&self) -> bool {
        matches!(self.inbox, Inbox::Process(_))
    }

    /// Asks the app's worker process for what its [`WorkerService`] does with `request`, and
    /// waits up to `timeout` for the answer. Fails with [`LogicError::NoWorker`] when the
    /// logic runs on a thread.
    pub fn ask_worker(
        &self,
        request: serde_json::Value,
        timeout: std::time::Duration,
    ) -> Result<serde_json::Value, LogicError> {
        match &self.inbox {
            Inbox::Process(input) => input.ask(request, timeout),
            Inbox::Thread(_) => Err(LogicError::NoWorker),
        }
    }

    /// Queues a command; fails once the thread has stopped.
    pub fn send(&self, command: LogicCommand) -> Result<(), LogicError> {
        let sent = match &self.inbox {
            Inbox::Thread(inbox) => inbox.send(engine::Inbox::Command(command)).is_ok(),
            Inbox::Process(input) => input.send(&wire::ToWorker::Command { command }).is_ok(),
        };
        sent.then_some(()).ok_or(LogicError::Stopped)
    }
}
