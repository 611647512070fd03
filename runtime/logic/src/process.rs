//! The host side of [`crate::Isolation::Process`]: starts an app's worker process and relays
//! between it and the host; when the worker dies, says why as [`LogicToView::Stopped`].

use std::io::{self, BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use capsule_jsapi::Reply;
use capsule_packages::{App, RelativePath};
use serde_json::Value;

use crate::apis::ApiDispatch;
use crate::memory::{self, EXIT_MEMORY_BUDGET};
use crate::messages::LogicToView;
use crate::options::{LogicError, LogicOptions, StopReason, WorkerCommand};
use crate::wire::{self, FileError, FromWorker, ToWorker, Waiting};
use crate::worker::EXIT_TIME_BUDGET;

/// How much of the end of a worker's stderr is kept to explain its death.
const STDERR_TAIL: usize = 4096;

/// The worker's stdin: each line is written whole. The last handle to drop closes it, and
/// the worker ends.
pub(crate) struct WorkerInput {
    stdin: Mutex<ChildStdin>,
    /// Requests to the worker's service waiting for their answer.
    services: Waiting<Sender<Result<Value, String>>>,
}

impl std::fmt::Debug for WorkerInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerInput").finish_non_exhaustive()
    }
}

impl WorkerInput {
    pub(crate) fn send(&self, message: &ToWorker) -> io::Result<()> {
        let mut stdin = self.stdin.lock().unwrap_or_else(PoisonError::into_inner);
        wire::write_line(&mut *stdin, message)
    }

    /// Sends `body` to the worker's service and waits up to `timeout` for the answer.
    pub(crate) fn ask(&self, body: Value, timeout: Duration) -> Result<Value, LogicError> {
        let (answer, answered) = mpsc::channel();
        let request = self.services.add(answer);
        if self.send(&ToWorker::Service { request, body }).is_err() {
            self.services.take(request);
            return Err(LogicError::Stopped);
        }
        match answered.recv_timeout(timeout) {
            Ok(answer) => answer.map_err(LogicError::Service),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                self.services.take(request);
                Err(LogicError::Service(format!(
                    "no answer within {} ms",
                    timeout.as_millis()
                )))
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(LogicError::Stopped),
        }
    }
}

/// Starts `app`'s worker from `command`; returns its input and what its logic sends.
pub(crate) fn spawn(
    apis: Arc<dyn ApiDispatch>,
    app: App,
    options: &LogicOptions,
    command: &WorkerCommand,
) -> Result<(Arc<WorkerInput>, Receiver<LogicToView>), LogicError> {
    let failed = |source| LogicError::Worker {
        program: command.program.clone(),
        source,
    };
    // The app's id last, so that `ps` and `top` say which app a worker runs.
    let mut child = Command::new(&command.program)
        .args(&command.args)
        .arg(app.id())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(failed)?;
    let (Some(stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(failed(io::Error::other(
            "the worker's pipes were not opened",
        )));
    };
    let input = Arc::new(WorkerInput {
        stdin: Mutex::new(stdin),
        services: Waiting::new(),
    });
    let start = ToWorker::Start {
        manifest: Box::new(app.manifest().clone()),
        options: options.clone(),
    };
    if let Err(error) = input.send(&start) {
        let _ = child.kill();
        let _ = child.wait();
        return Err(failed(error));
    }
    let log = spawn_thread("capsule-worker-log", app.id(), move || stderr_tail(stderr))
        .map_err(failed)?;
    let (out, received) = mpsc::channel();
    let relay = Relay {
        apis,
        app,
        input: Arc::downgrade(&input),
        out,
        budget: options.memory_budget,
    };
    let id = relay.app.id().to_owned();
    spawn_thread("capsule-worker-relay", &id, move || {
        relay.run(child, BufReader::new(stdout), log);
    })
    .map_err(failed)?;
    Ok((input, received))
}

fn spawn_thread<T: Send + 'static>(
    name: &str,
    app: &str,
    body: impl FnOnce() -> T + Send + 'static,
) -> io::Result<std::thread::JoinHandle<T>> {
    std::thread::Builder::new()
        .name(format!("{name}-{app}"))
        .spawn(body)
}

/// What the host's relay thread needs: where API calls and files come from, where the
/// logic's messages go.
struct Relay {
    apis: Arc<dyn ApiDispatch>,
    app: App,
    input: Weak<WorkerInput>,
    out: Sender<LogicToView>,
    budget: u64,
}

impl Relay {
    /// Relays until the worker's stdout ends, then waits for the worker and reports why it
    /// ended, unless it was told to.
    fn run(self, mut child: Child, mut stdout: impl BufRead, log: std::thread::JoinHandle<String>) {
        let mut stopping = None;
        loop {
            match wire::read_line::<FromWorker>(&mut stdout) {
                Ok(Some(FromWorker::Stopping { reason })) => stopping = Some(reason),
                Ok(Some(message)) => self.handle(message),
                Ok(None) => break,
                Err(error) => {
                    // A worker that garbles its output cannot be trusted with the app.
                    tracing::error!(app = self.app.id(), %error, "the logic worker's output is broken");
                    let _ = child.kill();
                    stopping = Some(StopReason::Crashed {
                        message: format!("its worker sent a broken message: {error}"),
                    });
                    break;
                }
            }
        }
        // Whoever waits on the worker's service hears that it is gone.
        if let Some(input) = self.input.upgrade() {
            for waiter in input.services.drain() {
                let _ = waiter.send(Err("the worker stopped".into()));
            }
        }
        let status = child.wait();
        let stderr = log.join().unwrap_or_default();
        let reason = stopping.or_else(|| match status {
            Ok(status) => reason_of(status, &stderr, self.budget),
            Err(error) => Some(StopReason::Crashed {
                message: format!("its worker could not be waited for: {error}"),
            }),
        });
        if let Some(reason) = reason {
            tracing::error!(app = self.app.id(), "the app's logic stopped: {reason}");
            let _ = self.out.send(LogicToView::Stopped { reason });
        }
    }

    fn handle(&self, message: FromWorker) {
        match message {
            FromWorker::Logic { message } => {
                let _ = self.out.send(message);
            }
            FromWorker::ApiCall {
                call_id,
                api,
                params,
            } => {
                let input = self.input.clone();
                let reply = Reply::new(move |result| {
                    if let Some(input) = input.upgrade() {
                        let _ = input.send(&ToWorker::ApiAnswer { call_id, result });
                    }
                });
                self.apis.invoke(&self.app, &api, params, reply);
            }
            FromWorker::ReadFile { request, path } => {
                let text = read_text(&self.app, &path);
                if let Some(input) = self.input.upgrade() {
                    let _ = input.send(&ToWorker::File { request, text });
                }
            }
            FromWorker::ServiceAnswer { request, answer } => {
                let waiter = self
                    .input
                    .upgrade()
                    .and_then(|input| input.services.take(request));
                if let Some(waiter) = waiter {
                    let _ = waiter.send(answer);
                }
            }
            FromWorker::Stopping { .. } => {}
        }
    }
}

/// Text file `path` of `app`, as the worker asked for it.
fn read_text(app: &App, path: &str) -> Result<String, FileError> {
    let other = |message: String| FileError::Other { message };
    let path = RelativePath::new(path).map_err(|error| other(error.to_string()))?;
    let bytes = app.read(&path).map_err(|error| match error.kind() {
        io::ErrorKind::NotFound => FileError::NotFound,
        _ => other(format!("{path}: {error}")),
    })?;
    String::from_utf8(bytes).map_err(|_| other(format!("{path} is not UTF-8 text")))
}

/// Reads the worker's stderr to its end, logging each line; returns the last few KiB.
fn stderr_tail(stderr: impl Read) -> String {
    let mut tail = String::new();
    for line in BufReader::new(stderr).lines() {
        let Ok(line) = line else { break };
        tracing::debug!(target: "capsule::worker", "{line}");
        tail.push_str(&line);
        tail.push('\n');
        if tail.len() > STDERR_TAIL {
            let cut = tail.len() - STDERR_TAIL;
            let cut = (cut..tail.len())
                .find(|i| tail.is_char_boundary(*i))
                .unwrap_or(0);
            tail.drain(..cut);
        }
    }
    tail
}

/// Why a worker that sent no reason ended with `status`; `None` for a clean exit.
fn reason_of(status: ExitStatus, stderr: &str, budget: u64) -> Option<StopReason> {
    let last_words = stderr
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .map(|line| format!(": {line}"))
        .unwrap_or_default();
    match (status.code(), status.signal()) {
        (Some(0), _) => None,
        (Some(EXIT_MEMORY_BUDGET), _) => Some(StopReason::MemoryBudget {
            budget,
            requested: memory::exceeded_request(stderr),
        }),
        // Only after a `Stopping` line, which the relay read first; kept in case it was lost.
        (Some(EXIT_TIME_BUDGET), _) => Some(StopReason::Crashed {
            message: "its worker ran past the time budget".into(),
        }),
        (Some(code), _) => Some(StopReason::Crashed {
            message: format!("its worker exited with status {code}{last_words}"),
        }),
        (None, Some(signal)) => Some(StopReason::Crashed {
            message: format!("its worker was killed by signal {signal}{last_words}"),
        }),
        (None, None) => Some(StopReason::Crashed {
            message: format!("its worker ended abnormally{last_words}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worker_death_is_explained_by_its_status_and_last_words() {
        let exited = |code: i32| ExitStatus::from_raw(code << 8);
        assert_eq!(reason_of(exited(0), "", 10), None);
        let over = format!("{}123 bytes\n", memory::BUDGET_EXCEEDED);
        assert_eq!(
            reason_of(exited(EXIT_MEMORY_BUDGET), &over, 10),
            Some(StopReason::MemoryBudget {
                budget: 10,
                requested: Some(123)
            })
        );
        let killed = reason_of(ExitStatus::from_raw(9), "thread panicked\n\n", 10);
        assert_eq!(
            killed,
            Some(StopReason::Crashed {
                message: "its worker was killed by signal 9: thread panicked".into()
            })
        );
        let failed = reason_of(exited(3), "", 10);
        assert_eq!(
            failed,
            Some(StopReason::Crashed {
                message: "its worker exited with status 3".into()
            })
        );
    }

    #[test]
    fn the_tail_keeps_the_last_lines() {
        let long = "x".repeat(3000);
        let text = format!("{long}\n{long}\nlast words\n");
        let tail = stderr_tail(text.as_bytes());
        assert!(tail.len() <= STDERR_TAIL + 1);
        assert!(tail.ends_with("last words\n"));
    }
}
