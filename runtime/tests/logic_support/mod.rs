//! Plays the view layer's part for logic tests: writes a real app folder, starts its logic
//! thread, and reads what the thread sends.
#![allow(dead_code, unreachable_pub)]

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use capsule_jsapi::Registry;
use capsule_runtime::{
    App, Container, HeadlessHost, LogicCommand, LogicHandle, LogicOptions, LogicToView,
};
use serde_json::{Map, Value};

const WAIT: Duration = Duration::from_secs(20);

/// A running app's logic thread and everything it has sent so far.
pub struct Harness {
    pub logic: LogicHandle,
    receiver: Receiver<LogicToView>,
    pub seen: Vec<LogicToView>,
    next_eval: u64,
    log_cursor: usize,
    _dir: tempfile::TempDir,
}

/// Options for [`Harness::start_with`].
pub struct Setup<'a> {
    pub dialect: &'a str,
    pub files: &'a [(&'a str, &'a str)],
    pub registry: Registry,
    pub options: LogicOptions,
    pub permissions: &'a [&'a str],
}

impl<'a> Setup<'a> {
    pub fn new(dialect: &'a str, files: &'a [(&'a str, &'a str)]) -> Self {
        Self {
            dialect,
            files,
            registry: Registry::with_builtins(),
            options: LogicOptions::default(),
            permissions: &["ui", "system", "clipboard", "storage", "custom"],
        }
    }
}

pub fn write_app(dir: &Path, dialect: &str, files: &[(&str, &str)], permissions: &[&str]) {
    let manifest = serde_json::json!({
        "appId": "logic-test", "name": "Logic test", "version": "1.0.0",
        "kind": "miniprogram", "dialect": dialect, "entry": "app.json",
        "permissions": {"apis": permissions},
    });
    std::fs::write(dir.join("manifest.json"), manifest.to_string()).expect("write manifest");
    for (path, text) in files {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(file, text).expect("write file");
    }
}

impl Harness {
    pub fn start(dialect: &str, files: &[(&str, &str)]) -> Self {
        Self::start_with(Setup::new(dialect, files))
    }

    pub fn start_with(setup: Setup<'_>) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        write_app(dir.path(), setup.dialect, setup.files, setup.permissions);
        let app = App::open_dir(dir.path()).expect("valid app");
        let container = Container::builder()
            .registry(setup.registry)
            .build(Arc::new(HeadlessHost::new()));
        let (logic, receiver) = LogicHandle::spawn(Arc::new(container.clone()), app, setup.options)
            .expect("logic thread starts");
        Self {
            logic,
            receiver,
            seen: Vec::new(),
            next_eval: 1,
            log_cursor: 0,
            _dir: dir,
        }
    }

    pub fn send(&self, command: LogicCommand) {
        self.logic.send(command).expect("logic thread is running");
    }

    /// Cold start at the home page; returns once the first stack arrives.
    pub fn launch(&mut self) {
        self.send(LogicCommand::Launch {
            path: None,
            query: Map::new(),
            scene: 1001,
        });
        self.wait_for(|m| matches!(m, LogicToView::Stack { .. }));
    }

    /// The next message, failing the test after a generous timeout.
    pub fn recv(&mut self) -> LogicToView {
        let message = self
            .receiver
            .recv_timeout(WAIT)
            .expect("the logic thread answers");
        self.seen.push(message.clone());
        message
    }

    /// Messages until one matches `pred` (which is returned).
    pub fn wait_for(&mut self, pred: impl Fn(&LogicToView) -> bool) -> LogicToView {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.receiver.recv_timeout(left) {
                Ok(message) => {
                    self.seen.push(message.clone());
                    if pred(&message) {
                        return message;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no matching message; saw {:#?}", self.seen)
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("logic thread gone; saw {:#?}", self.seen)
                }
            }
        }
    }

    /// Runs `source` in the app's context after everything sent before it.
    pub fn eval(&mut self, source: &str) -> Result<Value, String> {
        let id = self.next_eval;
        self.next_eval += 1;
        self.send(LogicCommand::Evaluate {
            id,
            source: source.to_owned(),
        });
        match self.wait_for(|m| matches!(m, LogicToView::Evaluated { id: got, .. } if *got == id)) {
            LogicToView::Evaluated { result, .. } => result,
            _ => unreachable!(),
        }
    }

    /// `console.*` messages seen so far, as `level: message`.
    pub fn console(&self) -> Vec<String> {
        self.seen
            .iter()
            .filter_map(|m| match m {
                LogicToView::Console { level, message, .. } => Some(format!("{level}: {message}")),
                _ => None,
            })
            .collect()
    }

    /// `console.log` messages only (the app's own trace lines).
    pub fn logs(&self) -> Vec<String> {
        self.seen
            .iter()
            .filter_map(|m| match m {
                LogicToView::Console { level, message, .. } if level == "log" => {
                    Some(message.clone())
                }
                _ => None,
            })
            .collect()
    }

    /// `console.log` lines logged since the last call, after everything sent so far ran.
    pub fn new_logs(&mut self) -> Vec<String> {
        self.eval("0").expect("barrier evaluates");
        let logs = self.logs();
        let fresh = logs[self.log_cursor..].to_vec();
        self.log_cursor = logs.len();
        fresh
    }

    /// The page ids of the last stack message.
    pub fn stack(&self) -> Vec<u64> {
        self.seen
            .iter()
            .rev()
            .find_map(|m| match m {
                LogicToView::Stack { pages } => Some(pages.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }
}
