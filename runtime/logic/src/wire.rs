//! What a host and its logic worker process say to each other: one JSON object per line on
//! the worker's stdin (host → worker) and stdout (worker → host). The worker's stderr is its
//! log, and the host keeps its last lines to say why a worker died.

use std::collections::HashMap;
use std::io::{self, BufRead, Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use capsule_jsapi::ApiResult;
use capsule_packages::Manifest;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::messages::{LogicCommand, LogicToView};
use crate::options::{LogicOptions, StopReason};

/// Longest line either side reads. Logic messages stay under the 1 MiB `setData` cap, but a
/// rendered page (the view service's answer) or the page data sent for a render can be far
/// larger: a long `wx:for` list renders to many times its data.
const MAX_LINE: usize = 64 << 20;

/// From the host to its worker.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub(crate) enum ToWorker {
    /// The first line: the app and its limits. (Boxed: the manifest is much larger than the
    /// other messages.)
    Start {
        manifest: Box<Manifest>,
        options: LogicOptions,
    },
    Command {
        command: LogicCommand,
    },
    #[serde(rename_all = "camelCase")]
    ApiAnswer {
        call_id: u64,
        result: ApiResult,
    },
    /// A file of the app the worker asked for: its text, or why it cannot be had.
    File {
        request: u64,
        text: Result<String, FileError>,
    },
    /// A request for the worker's service ([`crate::WorkerService`]).
    Service {
        request: u64,
        body: Value,
    },
}

/// Why a file cannot be read, kept apart so "not found" stays an answer, not an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub(crate) enum FileError {
    NotFound,
    Other { message: String },
}

/// From a worker to its host.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub(crate) enum FromWorker {
    Logic {
        message: LogicToView,
    },
    #[serde(rename_all = "camelCase")]
    ApiCall {
        call_id: u64,
        api: String,
        params: Value,
    },
    ReadFile {
        request: u64,
        path: String,
    },
    /// The worker is about to end itself, and why.
    Stopping {
        reason: StopReason,
    },
    /// The service's answer to [`ToWorker::Service`] `request`.
    ServiceAnswer {
        request: u64,
        answer: Result<Value, String>,
    },
}

/// Requests waiting for their answer from the other side, by number.
pub(crate) struct Waiting<T> {
    next: AtomicU64,
    pending: Mutex<HashMap<u64, T>>,
}

impl<T> Waiting<T> {
    pub(crate) fn new() -> Self {
        Self {
            next: AtomicU64::new(1),
            pending: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn add(&self, waiter: T) -> u64 {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.lock().insert(id, waiter);
        id
    }

    pub(crate) fn take(&self, id: u64) -> Option<T> {
        self.lock().remove(&id)
    }

    /// Takes every waiter (the other side has gone).
    pub(crate) fn drain(&self) -> Vec<T> {
        self.lock().drain().map(|(_, waiter)| waiter).collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, T>> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Writes `message` as one line and flushes it.
pub(crate) fn write_line(out: &mut impl Write, message: &impl Serialize) -> io::Result<()> {
    let mut line = serde_json::to_vec(message)?;
    line.push(b'\n');
    out.write_all(&line)?;
    out.flush()
}

/// Reads the next line as a `T`; `Ok(None)` at the end of the stream.
pub(crate) fn read_line<T: DeserializeOwned>(input: &mut impl BufRead) -> io::Result<Option<T>> {
    let mut line = Vec::new();
    let read = input
        .by_ref()
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut line)?;
    if read == 0 {
        return Ok(None);
    }
    if !line.ends_with(b"\n") && read == MAX_LINE {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("a message longer than {MAX_LINE} bytes"),
        ));
    }
    serde_json::from_slice(&line)
        .map(Some)
        .map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_trip_and_end_cleanly() {
        let mut buffer = Vec::new();
        let file = ToWorker::File {
            request: 7,
            text: Ok("line one\nline two".into()),
        };
        write_line(&mut buffer, &file).expect("writes");
        let missing = ToWorker::File {
            request: 8,
            text: Err(FileError::NotFound),
        };
        write_line(&mut buffer, &missing).expect("writes");
        assert_eq!(buffer.iter().filter(|b| **b == b'\n').count(), 2);
        let mut input = io::Cursor::new(buffer);
        let Some(ToWorker::File { request: 7, text }) = read_line(&mut input).expect("reads")
        else {
            panic!("not the first file");
        };
        assert_eq!(text.as_deref(), Ok("line one\nline two"));
        assert!(matches!(
            read_line(&mut input).expect("reads"),
            Some(ToWorker::File {
                request: 8,
                text: Err(FileError::NotFound)
            })
        ));
        assert!(read_line::<ToWorker>(&mut input).expect("ends").is_none());
    }

    #[test]
    fn a_broken_line_is_an_error_not_a_panic() {
        let mut input = io::Cursor::new(b"{\"kind\": \"nonsense\"}\n".to_vec());
        let error = read_line::<FromWorker>(&mut input).expect_err("refused");
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
    }
}
