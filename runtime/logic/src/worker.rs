//! The worker side of [`crate::Isolation::Process`]: a process that runs one app's logic
//! thread and holds it to its budgets.
//!
//! The host starts the worker ([`crate::process`]) and sends it the app's manifest and
//! limits; from then on the worker's stdin carries commands, API answers and file contents,
//! its stdout the logic's messages, API calls and file requests ([`crate::wire`]). Two threads
//! of the worker watch the logic thread: one enforces the time budget and the memory warning
//! levels; the [`crate::BudgetAllocator`] enforces the memory budget.

use std::io::{self, BufReader, Write};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use capsule_jsapi::Reply;
use capsule_packages::{App, AppFiles, RelativePath};
use serde_json::Value;

use crate::apis::ApiDispatch;
use crate::engine::{self, Activity, Inbox, panic_message};
use crate::memory;
use crate::messages::{LogicCommand, LogicToView};
use crate::options::{Isolation, LogicOptions, StopReason, WORKER_ARG, serve_workers};
use crate::wire::{self, FileError, FromWorker, ToWorker, Waiting};

/// The exit status of a worker whose app ran past its time budget.
pub(crate) const EXIT_TIME_BUDGET: i32 = 87;

/// How often the watchdog looks at the logic thread.
const WATCH_INTERVAL: Duration = Duration::from_millis(20);
/// How long a file request may wait for the host.
const FILE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the logic thread gets to finish after the host said to shut down.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(500);
/// Memory warning levels (`onMemoryWarning`'s `level`) and the share of the budget, in
/// percent, at which each fires.
const WARNING_LEVELS: [(u8, u64); 3] = [(5, 60), (10, 75), (15, 90)];
/// Below this share of the budget, in percent, the warnings fire again.
const WARNING_REARM_PERCENT: u64 = 50;

/// What a worker offers its host besides the app's logic: it answers the requests the host
/// sends with [`crate::LogicHandle::ask_worker`], one at a time on a thread of its own, with
/// the app (and so its files) at hand. The runtime renders view scripts this way, so that
/// they too run within the app's budget.
pub type WorkerService = Box<dyn FnMut(&App, Value) -> Result<Value, String> + Send>;

/// The native stack of the service thread.
const SERVICE_STACK: usize = 64 << 20;

/// Call this first thing in `main` of an executable that hosts apps (the runtime's
/// `worker_main` does, with its service). Started as a logic worker (with [`WORKER_ARG`]),
/// the process serves one app with `service` and this returns its exit status, which `main`
/// passes to [`std::process::exit`]; otherwise it returns `None`, and from then on
/// [`crate::Isolation::best_available`] runs apps in workers started from this executable.
pub fn worker_main(service: WorkerService) -> Option<i32> {
    if std::env::args_os().nth(1).as_deref() != Some(WORKER_ARG.as_ref()) {
        serve_workers();
        return None;
    }
    Some(match serve(service) {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("capsule-worker: {error}");
            1
        }
    })
}

/// The worker's stdout, shared by every thread that reports to the host.
#[derive(Clone)]
struct ToHost(Arc<Mutex<io::Stdout>>);

impl ToHost {
    fn send(&self, message: &FromWorker) -> io::Result<()> {
        let mut out = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        wire::write_line(&mut *out, message)
    }
}

/// The app's API calls, sent to the host; the answers come back on stdin.
struct RemoteApis {
    host: ToHost,
    replies: Arc<Waiting<Reply>>,
}

impl ApiDispatch for RemoteApis {
    fn invoke(&self, _app: &App, api: &str, params: Value, reply: Reply) {
        let call_id = self.replies.add(reply);
        let call = FromWorker::ApiCall {
            call_id,
            api: api.to_owned(),
            params,
        };
        if let Err(error) = self.host.send(&call) {
            // The reply, dropped, answers with an error.
            drop(self.replies.take(call_id));
            tracing::warn!(%error, "cannot reach the host");
        }
    }
}

/// The app's files, read by the host.
struct RemoteFiles {
    host: ToHost,
    requests: Arc<Waiting<Sender<Result<String, FileError>>>>,
}

impl AppFiles for RemoteFiles {
    fn read(&self, path: &RelativePath) -> io::Result<Vec<u8>> {
        let (answer, answered) = mpsc::channel();
        let request = self.requests.add(answer);
        self.host.send(&FromWorker::ReadFile {
            request,
            path: path.as_str().to_owned(),
        })?;
        match answered.recv_timeout(FILE_TIMEOUT) {
            Ok(Ok(text)) => Ok(text.into_bytes()),
            Ok(Err(FileError::NotFound)) => Err(io::ErrorKind::NotFound.into()),
            Ok(Err(FileError::Other { message })) => Err(io::Error::other(message)),
            Err(_) => {
                self.requests.take(request);
                Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("the host did not send {path}"),
                ))
            }
        }
    }
}

/// Serves one app: reads the start line, runs the logic thread and relays until the host
/// says to shut down or closes stdin.
fn serve(service: WorkerService) -> io::Result<()> {
    let mut input = BufReader::new(io::stdin().lock());
    let Some(ToWorker::Start { manifest, options }) = wire::read_line(&mut input)? else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the host did not start with the app",
        ));
    };
    if memory::installed() {
        memory::set_budget(options.memory_budget);
    } else {
        eprintln!(
            "capsule-worker: this executable does not allocate through BudgetAllocator: no memory budget"
        );
    }
    let host = ToHost(Arc::new(Mutex::new(io::stdout())));
    let replies = Arc::new(Waiting::new());
    let requests = Arc::new(Waiting::new());
    let files = RemoteFiles {
        host: host.clone(),
        requests: Arc::clone(&requests),
    };
    let apis = RemoteApis {
        host: host.clone(),
        replies: Arc::clone(&replies),
    };
    let app = App::new(*manifest, Arc::new(files));
    let services = start_service(service, app.clone(), host.clone())?;
    let options = LogicOptions {
        isolation: Isolation::Thread,
        ..options
    };
    let spawned = engine::spawn(Arc::new(apis), app, options.clone())
        .map_err(|error| io::Error::other(error.to_string()))?;
    let relay_host = host.clone();
    let relay = std::thread::spawn(move || {
        for message in spawned.out {
            if relay_host.send(&FromWorker::Logic { message }).is_err() {
                break;
            }
        }
    });
    let watch_host = host.clone();
    let watch_inbox = spawned.inbox.clone();
    std::thread::spawn(move || watch(&spawned.activity, &options, &watch_host, &watch_inbox));
    let inbox = spawned.inbox;
    while let Some(message) = wire::read_line::<ToWorker>(&mut input)? {
        match message {
            ToWorker::Start { .. } => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "the host started the worker twice",
                ));
            }
            ToWorker::Command { command } => {
                let shutdown = matches!(command, LogicCommand::Shutdown);
                if inbox.send(Inbox::Command(command)).is_err() || shutdown {
                    break;
                }
            }
            ToWorker::ApiAnswer { call_id, result } => {
                if let Some(reply) = replies.take(call_id) {
                    reply.send(result);
                }
            }
            ToWorker::File { request, text } => {
                if let Some(answer) = requests.take(request) {
                    let _ = answer.send(text);
                }
            }
            ToWorker::Service { request, body } => {
                if services.send((request, body)).is_err() {
                    break;
                }
            }
        }
    }
    // Shut down or cut off: let the logic thread finish what it is doing, briefly.
    let _ = inbox.send(Inbox::Command(LogicCommand::Shutdown));
    drop(inbox);
    let deadline = std::time::Instant::now() + SHUTDOWN_GRACE;
    while !relay.is_finished() && std::time::Instant::now() < deadline {
        std::thread::sleep(WATCH_INTERVAL);
    }
    Ok(())
}

/// Starts the thread that runs `service` for the host's requests; returns its inbox.
fn start_service(
    mut service: WorkerService,
    app: App,
    host: ToHost,
) -> io::Result<Sender<(u64, Value)>> {
    let (requests, received) = mpsc::channel::<(u64, Value)>();
    std::thread::Builder::new()
        .name("capsule-worker-service".into())
        .stack_size(SERVICE_STACK)
        .spawn(move || {
            for (request, body) in received {
                let answer =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| service(&app, body)))
                        .unwrap_or_else(|panic| {
                            Err(format!(
                                "the worker's service panicked: {}",
                                panic_message(panic.as_ref())
                            ))
                        });
                if host
                    .send(&FromWorker::ServiceAnswer { request, answer })
                    .is_err()
                {
                    break;
                }
            }
        })?;
    Ok(requests)
}

/// Watches the logic thread until the process ends: a task past the time budget ends the
/// process; memory past a warning level is reported to the host and to the app.
fn watch(activity: &Activity, options: &LogicOptions, host: &ToHost, inbox: &Sender<Inbox>) {
    let mut warned: u8 = 0;
    loop {
        std::thread::sleep(WATCH_INTERVAL);
        if let Some((task, running)) = activity.running()
            && running > options.time_budget
        {
            let reason = StopReason::TimeBudget {
                budget_ms: u64::try_from(options.time_budget.as_millis()).unwrap_or(u64::MAX),
                task,
            };
            let _ = host.send(&FromWorker::Stopping { reason });
            let _ = io::stderr().flush();
            std::process::exit(EXIT_TIME_BUDGET);
        }
        let used = memory::used();
        let budget = options.memory_budget.max(1);
        let percent = used.saturating_mul(100) / budget;
        if percent < WARNING_REARM_PERCENT {
            warned = 0;
        }
        let reached = WARNING_LEVELS
            .iter()
            .rev()
            .find(|(_, at)| percent >= *at)
            .map(|(level, _)| *level);
        if let Some(level) = reached.filter(|level| *level > warned) {
            warned = level;
            let message = LogicToView::MemoryWarning {
                level,
                used,
                budget: options.memory_budget,
            };
            if host.send(&FromWorker::Logic { message }).is_err() {
                return;
            }
            let _ = inbox.send(Inbox::MemoryWarning { level });
        }
    }
}
