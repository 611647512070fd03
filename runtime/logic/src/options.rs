//! Limits and settings for one app's logic layer, where it runs, why it stopped, and the
//! layer's error.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};

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
    /// [`crate::LogicHandle::ask_worker`] on logic that runs on a thread, not in a worker.
    #[error("the app's logic runs on a thread of the host, not in a worker process")]
    NoWorker,
    /// The worker's service could not answer.
    #[error("the worker's service: {0}")]
    Service(String),
    /// The worker process could not be started.
    #[error("cannot start the logic worker {program}: {source}")]
    Worker {
        /// The executable run as the worker.
        program: PathBuf,
        /// Why it did not start.
        #[source]
        source: std::io::Error,
    },
}

/// Why an app's logic layer stopped for good. The rest of the host keeps running.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum StopReason {
    /// The app asked for memory past its budget ([`LogicOptions::memory_budget`]).
    #[serde(rename_all = "camelCase")]
    MemoryBudget {
        /// The budget, in bytes.
        budget: u64,
        /// The request that went past it, in bytes, when known.
        requested: Option<u64>,
    },
    /// One task of the app (an event handler, a lifecycle hook, a timer) ran past the time
    /// budget ([`LogicOptions::time_budget`]).
    #[serde(rename_all = "camelCase")]
    TimeBudget {
        /// The budget, in milliseconds.
        budget_ms: u64,
        /// What was running.
        task: String,
    },
    /// The logic thread panicked or its worker process died; the message says how.
    Crashed {
        /// What happened.
        message: String,
    },
    /// A file of the app exists but was refused: changed since the package was signed, or
    /// unreadable (see `capsule_packages::App::read`).
    FileRefused {
        /// The file, as a path inside the app.
        path: String,
        /// Why it was refused.
        reason: String,
    },
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::MemoryBudget { budget, requested } => {
                write!(
                    f,
                    "it used more than its memory budget of {}",
                    size(*budget)
                )?;
                match requested {
                    Some(requested) => write!(f, " (it asked for {} more)", size(*requested)),
                    None => Ok(()),
                }
            }
            Self::TimeBudget { budget_ms, task } => write!(
                f,
                "{task} ran longer than the time budget of {} s",
                *budget_ms as f64 / 1000.0
            ),
            Self::Crashed { message } => write!(f, "it crashed: {message}"),
            Self::FileRefused { path, reason } => {
                write!(f, "its file {path} was refused: {reason}")
            }
        }
    }
}

/// `bytes` in MiB or KiB with one decimal, or in bytes when fewer than a KiB.
fn size(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    match bytes as f64 {
        b if b >= KIB * KIB => format!("{:.1} MiB", b / (KIB * KIB)),
        b if b >= KIB => format!("{:.1} KiB", b / KIB),
        _ => format!("{bytes} bytes"),
    }
}

/// Where an app's logic runs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Isolation {
    /// On a thread of the host process: fast to start, for tests and tools. The memory and
    /// time budgets cannot be enforced there (nothing can stop a thread from outside), and a
    /// runaway allocation takes the host down with it.
    #[default]
    Thread,
    /// In a worker process of its own (one per app), started from this command: an app over
    /// its memory or time budget, or one that crashes, ends only its own process.
    Process(WorkerCommand),
}

impl Isolation {
    /// A worker process when this executable serves as one (it called
    /// [`crate::worker_main`] first thing), a thread otherwise.
    pub fn best_available() -> Self {
        WorkerCommand::this_executable().map_or(Self::Thread, Self::Process)
    }
}

/// How to start a logic worker process: an executable whose `main` calls
/// [`crate::worker_main`] first, and the arguments that make it serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerCommand {
    /// The executable.
    pub program: PathBuf,
    /// Its arguments ([`crate::WORKER_ARG`] for executables that use [`crate::worker_main`]).
    pub args: Vec<String>,
}

impl WorkerCommand {
    /// This executable as a worker, if it called [`crate::worker_main`] at start.
    pub fn this_executable() -> Option<Self> {
        if !SERVES_WORKERS.load(Ordering::Relaxed) {
            return None;
        }
        let program = std::env::current_exe().ok()?;
        Some(Self {
            program,
            args: vec![WORKER_ARG.to_owned()],
        })
    }
}

/// The argument that makes an executable whose `main` calls [`crate::worker_main`] serve as
/// a logic worker.
pub const WORKER_ARG: &str = "--capsule-logic-worker";

static SERVES_WORKERS: AtomicBool = AtomicBool::new(false);

/// Notes that this executable serves as a logic worker when started with [`WORKER_ARG`].
pub(crate) fn serve_workers() {
    SERVES_WORKERS.store(true, Ordering::Relaxed);
}

/// Limits for one app's scripts, and where they run.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
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
    /// Bytes of memory the app's logic may hold; past it the app is stopped
    /// ([`StopReason::MemoryBudget`]). Memory warnings (`onMemoryWarning`) fire at 60, 75
    /// and 90 % of it. Enforced in a worker process only.
    pub memory_budget: u64,
    /// How long one task (an event handler, a lifecycle hook, a timer, an API callback)
    /// may run before the app is stopped ([`StopReason::TimeBudget`]). Time spent waiting
    /// for a `...Sync` API does not count. Enforced in a worker process only.
    pub time_budget: Duration,
    /// Where the logic runs.
    #[serde(skip)]
    pub isolation: Isolation,
}

/// Heights in CSS px of the bars a window draws around a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageBars {
    /// The navigation bar with the status bar above it, over every page that does not draw
    /// under them (`navigationStyle: "custom"`, Alipay `transparentTitle`).
    pub navigation_bar: u32,
    /// The tab bar with the bottom safe-area inset below it, under tab pages.
    pub tab_bar: u32,
}

impl LogicOptions {
    /// The default [`LogicOptions::memory_budget`]: 512 MiB, about what a phone lets one
    /// mini-program's JavaScript hold before the system kills it.
    pub const MEMORY_BUDGET: u64 = 512 << 20;
    /// The default [`LogicOptions::time_budget`]: 10 s, past which a platform would long
    /// have shown "not responding".
    pub const TIME_BUDGET: Duration = Duration::from_secs(10);
}

impl Default for LogicOptions {
    fn default() -> Self {
        Self {
            loop_iteration_limit: 20_000_000,
            recursion_limit: 4_000,
            stack_size: 256 << 20,
            sync_api_timeout: Duration::from_secs(30),
            bars: None,
            memory_budget: Self::MEMORY_BUDGET,
            time_budget: Self::TIME_BUDGET,
            isolation: Isolation::best_available(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stop_reason_reads_as_a_sentence_with_readable_sizes() {
        let over = |requested| StopReason::MemoryBudget {
            budget: 96 << 20,
            requested,
        };
        assert_eq!(
            over(Some(8_589_934_656)).to_string(),
            "it used more than its memory budget of 96.0 MiB (it asked for 8192.0 MiB more)"
        );
        assert_eq!(
            over(Some(40_960)).to_string(),
            "it used more than its memory budget of 96.0 MiB (it asked for 40.0 KiB more)"
        );
        assert_eq!(
            over(Some(24)).to_string(),
            "it used more than its memory budget of 96.0 MiB (it asked for 24 bytes more)"
        );
        let slow = StopReason::TimeBudget {
            budget_ms: 1500,
            task: "the slow handler of 'tap'".into(),
        };
        assert_eq!(
            slow.to_string(),
            "the slow handler of 'tap' ran longer than the time budget of 1.5 s"
        );
    }
}
