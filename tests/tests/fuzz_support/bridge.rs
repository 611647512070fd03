//! What the fuzzers run on a bridge message: the page→container wire format parsed
//! (`FromPage::parse`) and delivered, as a webview would, to a real `Container` on a
//! `HeadlessHost` with an open H5 app that declares every API. Shared by the stable harness
//! (`fuzz_inputs.rs`) and the cargo-fuzz target `bridge` in `fuzz/`.
#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use capsule_runtime::{App, Container, FromPage, HeadlessHost, PageId, ToPage};
use serde_json::json;

/// The app's id, and so its origin's host.
const APP_ID: &str = "fuzz.bridge";

/// How long the container may take to answer the probe after a message.
const PROBE_TIMEOUT: Duration = Duration::from_secs(20);

/// A container with one H5 page open, receiving message after message.
pub struct Bridge {
    host: Arc<HeadlessHost>,
    container: Container,
    page: PageId,
    next_probe: u64,
    _dir: tempfile::TempDir,
}

impl Bridge {
    /// A container keeping its data in a temporary folder, with the app's page open.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let app_dir = dir.path().join("app");
        std::fs::create_dir_all(&app_dir).expect("creates the app folder");
        let manifest = json!({
            "appId": APP_ID, "name": "Bridge fuzz", "version": "1.0.0", "kind": "h5",
            "entry": "index.html", "permissions": {"apis": ["*"]},
        });
        std::fs::write(app_dir.join("manifest.json"), manifest.to_string()).expect("manifest");
        std::fs::write(app_dir.join("index.html"), "<p>fuzz</p>").expect("page");
        let app = App::open_dir(&app_dir).expect("a valid app");
        let host = Arc::new(HeadlessHost::new());
        let container = Container::builder()
            .data_dir(dir.path().join("data"))
            .build(host.clone());
        let page = container.open(app).expect("the page opens");
        Self {
            host,
            container,
            page,
            next_probe: u64::MAX,
            _dir: dir,
        }
    }

    /// Delivers `input` from the app's own origin (or, for odd lengths, a foreign one) to
    /// the open page and to a page that is not open; then the container must still answer
    /// a storage call, which runs after every call the message queued on the app's lane.
    pub fn exercise(&mut self, input: &[u8]) {
        let text = String::from_utf8_lossy(input);
        let _ = FromPage::parse(&text);
        let origin = if input.len().is_multiple_of(2) {
            format!("capsule://{APP_ID}")
        } else {
            "https://foreign.example".to_owned()
        };
        self.host.inject(&self.container, self.page, &origin, &text);
        self.host
            .inject(&self.container, PageId(self.page.0 + 1000), &origin, &text);
        self.probe();
    }

    /// Calls `getStorage` and waits for its answer.
    fn probe(&mut self) {
        let call_id = self.next_probe;
        self.next_probe -= 1;
        let message = json!({"kind": "invoke", "callId": call_id, "api": "getStorage", "params": {"key": "k"}});
        self.host.inject(
            &self.container,
            self.page,
            &format!("capsule://{APP_ID}"),
            &message.to_string(),
        );
        let deadline = Instant::now() + PROBE_TIMEOUT;
        while Instant::now() < deadline {
            let answered = self.host.posted(self.page).iter().any(
                |posted| matches!(posted, ToPage::Reply { call_id: id, .. } if *id == call_id),
            );
            if answered {
                return;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        panic!("the container stopped answering: no reply to probe {call_id}");
    }
}

/// Messages of every kind the bridge script sends, to start from.
pub const SEEDS: &[&str] = &[
    r#"{"kind":"invoke","callId":1,"api":"getSystemInfo","params":{}}"#,
    r#"{"kind":"invoke","callId":2,"api":"setClipboard","params":{"text":"x"}}"#,
    r#"{"kind":"invoke","callId":3,"api":"showToast","params":{"content":"hi","type":"success","duration":10}}"#,
    r#"{"kind":"invoke","callId":4,"api":"confirm","params":{"title":"t","message":"m"}}"#,
    r#"{"kind":"invoke","callId":5,"api":"showActionSheet","params":{"items":["a","b"]}}"#,
    r#"{"kind":"invoke","callId":6,"api":"setStorage","params":{"key":"k","data":{"a":[1,2]}}}"#,
    r#"{"kind":"invoke","callId":7,"api":"getStorage","params":{"key":"k"}}"#,
    r#"{"kind":"invoke","callId":8,"api":"pushWindow","params":{"url":"index.html?x=1","param":{"readTitle":true}}}"#,
    r#"{"kind":"invoke","callId":9,"api":"setTitle","params":{"title":"t","subtitle":"s"}}"#,
    r#"{"kind":"invoke","callId":10,"api":"setOptionMenu","params":{"menus":[{"title":"a","redDot":"1"}]}}"#,
    r#"{"kind":"invoke","callId":11,"api":"popWindow","params":{"data":{"a":1}}}"#,
    r#"{"kind":"invoke","callId":12,"api":"popTo","params":{"index":-1}}"#,
    r#"{"kind":"invoke","callId":13,"api":"httpRequest","params":{"url":"https://unlisted.example/x","method":"POST","data":"a=1"}}"#,
    r#"{"kind":"invoke","callId":14,"api":"writeFile","params":{"filePath":"a.txt","data":"x"}}"#,
    r#"{"kind":"invoke","callId":15,"api":"getStartupParams","params":null}"#,
    r#"{"kind":"invoke","callId":16,"api":"setSessionData","params":{"data":{"a":"b"}}}"#,
    r#"{"kind":"invoke","callId":17,"api":"reportAnalytics","params":{"eventName":"e","data":{"a":1}}}"#,
    r#"{"kind":"invoke","callId":18,"api":"canIUse","params":{"name":"getSystemInfo"}}"#,
    r#"{"kind":"invoke","callId":19,"api":"startApp","params":{"appId":"other.app"}}"#,
    r#"{"kind":"uiResult","uiId":1,"result":{"confirm":true}}"#,
    r#"{"kind":"loaded","url":"capsule://fuzz.bridge/index.html"}"#,
    r#"{"kind":"lifecycle","background":true}"#,
    r#"{"kind":"backKey"}"#,
    r#"{"kind":"backUnhandled","canGoBack":false}"#,
    r#"{"kind":"console","level":"error","message":"boom"}"#,
    r#"{"kind":"scriptResult","scriptId":1,"ok":true,"value":1}"#,
    r#"{"kind":"mpEvent","path":[0,1],"type":"tap"}"#,
];

/// Names and values the wire format and the APIs know.
pub const TOKENS: &[&str] = &[
    "kind",
    "invoke",
    "uiResult",
    "loaded",
    "lifecycle",
    "backKey",
    "backUnhandled",
    "console",
    "scriptResult",
    "mpEvent",
    "callId",
    "api",
    "params",
    "uiId",
    "result",
    "url",
    "background",
    "canGoBack",
    "level",
    "message",
    "scriptId",
    "ok",
    "value",
    "getSystemInfo",
    "showToast",
    "alert",
    "confirm",
    "prompt",
    "showActionSheet",
    "showLoading",
    "hideLoading",
    "setStorage",
    "getStorage",
    "removeStorage",
    "clearStorage",
    "getStorageInfo",
    "pushWindow",
    "popWindow",
    "popTo",
    "closeWebview",
    "exitApp",
    "setTitle",
    "setOptionMenu",
    "showOptionMenu",
    "setTitleColor",
    "getStartupParams",
    "setSessionData",
    "getSessionData",
    "startApp",
    "httpRequest",
    "request",
    "downloadFile",
    "uploadFile",
    "writeFile",
    "readFile",
    "saveFile",
    "getSavedFileList",
    "scan",
    "getLocation",
    "setClipboard",
    "getClipboard",
    "makePhoneCall",
    "abortTask",
    "writeLog",
    "canIUse",
    "key",
    "data",
    "title",
    "items",
    "index",
    "delta",
    "menus",
    "filePath",
    "taskId",
    "capsule://fuzz.bridge/",
    "capsule://other/",
    "https://foreign.example/",
    "..",
    "/",
    "\"",
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "null",
    "true",
    "-1",
    "1e400",
    "18446744073709551616",
    "\\u0000",
    "\\ud800",
    "中",
];
