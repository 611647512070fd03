//! Shared support for the JSAPI tests: a headless container with a data directory, apps in
//! temporary folders, and bridge calls that wait for their reply.

#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use capsule_runtime::{App, Container, ContainerBuilder, FromPage, HeadlessHost, PageId, ToPage};
use serde_json::{Value, json};

/// How long a test waits for an asynchronous API to answer.
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(30);

/// A headless container whose apps keep their data in a temporary directory.
pub struct Harness {
    pub host: Arc<HeadlessHost>,
    pub container: Container,
    pub data_dir: tempfile::TempDir,
    apps: Vec<tempfile::TempDir>,
    next_call: AtomicU64,
}

/// The page of app `app_id` that the last `pushWindow` opened.
pub fn last_pushed(harness: &Harness, app_id: &str) -> Page {
    let id = harness
        .host
        .records()
        .into_iter()
        .rev()
        .find_map(|record| match record {
            capsule_runtime::HostRecord::Stacked { page, .. } => Some(page),
            _ => None,
        })
        .expect("a window was pushed");
    Page {
        id,
        origin: format!("capsule://{app_id}"),
    }
}

/// One open page of an app.
#[derive(Debug, Clone)]
pub struct Page {
    pub id: PageId,
    pub origin: String,
}

impl Harness {
    pub fn new() -> Self {
        Self::with(|builder| builder)
    }

    /// A harness whose container builder `configure` adjusts; the temporary data directory
    /// is set afterwards, so it holds even when `configure` replaces the API configuration.
    pub fn with(configure: impl FnOnce(ContainerBuilder) -> ContainerBuilder) -> Self {
        let data_dir = tempfile::tempdir().expect("tempdir");
        Self::in_dir(data_dir, configure)
    }

    /// A harness on an existing data directory.
    pub fn in_dir(
        data_dir: tempfile::TempDir,
        configure: impl FnOnce(ContainerBuilder) -> ContainerBuilder,
    ) -> Self {
        let host = Arc::new(HeadlessHost::new());
        let builder = configure(Container::builder()).data_dir(data_dir.path());
        let container = builder.build(host.clone());
        Self {
            host,
            container,
            data_dir,
            apps: Vec::new(),
            next_call: AtomicU64::new(1),
        }
    }

    /// Opens an H5 app `app_id` declaring `apis` and network `domains`.
    pub fn open(&mut self, app_id: &str, apis: &[&str], domains: &[&str]) -> Page {
        let (dir, app) = h5_app(app_id, apis, domains);
        let id = self.container.open(app).expect("opens");
        self.apps.push(dir);
        Page {
            id,
            origin: format!("capsule://{app_id}"),
        }
    }

    /// Calls `api` from `page` and waits for the answer: `Ok(result)` or
    /// `Err({error, errorMessage})`.
    pub fn call(&self, page: &Page, api: &str, params: Value) -> Result<Value, Value> {
        let call_id = self.send(page, api, params);
        self.wait(page, call_id)
    }

    /// Sends a call without waiting; returns its call id for [`Harness::wait`].
    pub fn send(&self, page: &Page, api: &str, params: Value) -> u64 {
        let call_id = self.next_call.fetch_add(1, Ordering::Relaxed);
        let mut message = json!({"kind": "invoke", "callId": call_id, "api": api});
        message["params"] = params;
        self.host
            .inject(&self.container, page.id, &page.origin, &message.to_string());
        call_id
    }

    /// Waits for the answer to call `call_id`.
    pub fn wait(&self, page: &Page, call_id: u64) -> Result<Value, Value> {
        self.wait_up_to(page, call_id, REPLY_TIMEOUT)
    }

    /// Waits for the answer to call `call_id`, at most `patience`.
    pub fn wait_up_to(
        &self,
        page: &Page,
        call_id: u64,
        patience: Duration,
    ) -> Result<Value, Value> {
        let deadline = Instant::now() + patience;
        loop {
            if let Some(reply) = self.reply(page, call_id) {
                return reply;
            }
            assert!(Instant::now() < deadline, "call {call_id} did not answer");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// The error code of a call that must fail.
    pub fn error_code(&self, page: &Page, api: &str, params: Value) -> i64 {
        let shown = params.to_string().chars().take(80).collect::<String>();
        match self.call(page, api, params) {
            Ok(result) => panic!("{api}({shown}) should fail, got {result}"),
            Err(error) => error["error"].as_i64().expect("numeric code"),
        }
    }

    /// Native events posted to `page` so far, as `(name, data)`.
    pub fn events(&self, page: &Page) -> Vec<(String, Value)> {
        self.host
            .posted(page.id)
            .into_iter()
            .filter_map(|message| match message {
                ToPage::Event { name, data } => Some((name, data)),
                _ => None,
            })
            .collect()
    }

    fn reply(&self, page: &Page, wanted: u64) -> Option<Result<Value, Value>> {
        self.host
            .posted(page.id)
            .into_iter()
            .find_map(|message| match message {
                ToPage::Reply {
                    call_id,
                    ok,
                    result,
                } if call_id == wanted => Some(if ok { Ok(result) } else { Err(result) }),
                _ => None,
            })
    }
}

pub mod http;
pub mod logs;

/// An H5 app `app_id` declaring `apis` and network `domains`, in a temporary folder (kept
/// while the `TempDir` lives).
pub fn h5_app(app_id: &str, apis: &[&str], domains: &[&str]) -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = json!({
        "appId": app_id, "name": app_id, "version": "1.0.0", "kind": "h5",
        "entry": "index.html",
        "permissions": { "apis": apis, "domains": domains },
    });
    std::fs::write(dir.path().join("manifest.json"), manifest.to_string()).expect("manifest");
    std::fs::write(dir.path().join("index.html"), "<p>test</p>").expect("page");
    let app = App::open_dir(dir.path()).expect("valid app");
    (dir, app)
}

/// Calls `api` straight through a registry as `caller`, the way the mini-program logic layer
/// does (no page, no JSON wire), and waits for the answer.
pub fn call_registry(
    registry: &capsule_jsapi::Registry,
    caller: &capsule_jsapi::Caller,
    api: &str,
    params: Value,
) -> Result<Value, capsule_jsapi::ApiError> {
    let (sender, receiver) = std::sync::mpsc::channel();
    let handler = registry.get(api).expect("registered");
    handler.call(
        capsule_jsapi::ApiCall {
            api: api.to_owned(),
            caller: caller.clone(),
            args: params,
            device: Arc::new(RecordingDevice::default()),
        },
        capsule_jsapi::Reply::new(move |result| {
            let _ = sender.send(result);
        }),
    );
    receiver.recv_timeout(REPLY_TIMEOUT).expect("answered")
}

/// A device that records the events and UI requests it is given.
#[derive(Default)]
pub struct RecordingDevice {
    pub events: std::sync::Mutex<Vec<(String, Value)>>,
}

impl capsule_jsapi::Device for RecordingDevice {
    fn system_info(&self) -> capsule_jsapi::SystemInfo {
        capsule_runtime::DeviceProfile::default().system_info()
    }
    fn clipboard_text(&self) -> String {
        String::new()
    }
    fn set_clipboard_text(&self, _text: String) {}
    fn show_ui(&self, _page: u64, _request: capsule_jsapi::UiRequest, reply: capsule_jsapi::Reply) {
        reply.send(Ok(json!({})));
    }
    fn send_event(&self, _page: u64, name: &str, data: Value) {
        self.events
            .lock()
            .expect("not poisoned")
            .push((name.to_owned(), data));
    }
}

/// The UI requests posted to `page` so far, as `(ui_id, request JSON)`.
pub fn ui_requests(harness: &Harness, page: &Page) -> Vec<(u64, Value)> {
    harness
        .host
        .posted(page.id)
        .into_iter()
        .filter_map(|message| match message {
            ToPage::Ui { ui_id, request } => {
                Some((ui_id, serde_json::to_value(request).expect("serializable")))
            }
            _ => None,
        })
        .collect()
}

/// Calls `api` from `page`, checks the UI request it draws, answers it with `answer` as the
/// container UI script would, and returns the call's result.
pub fn show(
    harness: &Harness,
    page: &Page,
    api: &str,
    params: Value,
    request: &Value,
    answer: Value,
) -> Result<Value, Value> {
    let before = ui_requests(harness, page).len();
    let call_id = harness.send(page, api, params);
    let deadline = Instant::now() + Duration::from_secs(10);
    let (ui_id, drawn) = loop {
        if let Some(new) = ui_requests(harness, page).into_iter().nth(before) {
            break new;
        }
        assert!(Instant::now() < deadline, "{api} drew nothing");
        std::thread::sleep(Duration::from_millis(2));
    };
    assert_eq!(&drawn, request, "{api}");
    harness.container.receive(
        page.id,
        &page.origin,
        FromPage::UiResult {
            ui_id,
            result: answer,
        },
    );
    harness.wait(page, call_id)
}
