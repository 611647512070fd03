//! Network calls from mini-program logic against a real HTTP server on 127.0.0.1: the task
//! `request` / `downloadFile` hand back, its `abort()` and its progress listeners.

#[path = "../../tests/tests/support/http.rs"]
#[allow(dead_code, unreachable_pub)]
mod http;
mod mp_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use capsule_runtime::{App, Container, HeadlessHost, MiniProgram, MiniProgramOptions};
use serde_json::{Value, json};

#[test]
fn network_tasks_abort_and_report_progress() {
    let server = http::TestServer::http();
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = json!({
        "appId": "mp.network", "name": "Net", "version": "1.0.0", "kind": "miniprogram",
        "dialect": "wechat", "entry": "app.json",
        "permissions": {"apis": ["network"], "domains": [server.origin]},
    })
    .to_string();
    let page = r"Page({
      download(url) {
        const task = wx.downloadFile({
          url,
          // Progress events come before the answer, as the transfer made them.
          success: (r) => { getApp().globalData.download = { status: r.statusCode, progress: getApp().globalData.progress }; },
        });
        task.onProgressUpdate((p) => { getApp().globalData.progress = p.progress; });
      },
      slow(url) {
        const task = wx.request({ url, fail: (e) => { getApp().globalData.aborted = e.errMsg; } });
        setTimeout(() => task.abort(), 50);
      },
      promised(url) {
        const call = wx.request({ url });
        getApp().globalData.abortable = typeof call.abort;
        call.then((r) => { getApp().globalData.status = r.statusCode; });
      },
    });";
    mp_support::write_files(
        dir.path(),
        &[
            ("manifest.json", manifest.as_str()),
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            ("app.js", "App({ globalData: {} })"),
            ("pages/index/index.js", page),
            ("pages/index/index.wxml", "<view>net</view>"),
        ],
    );
    let host = Arc::new(HeadlessHost::new());
    let container = Container::builder()
        .data_dir(dir.path().join("data"))
        .developer_mode(true)
        .build(host);
    let app = App::open_dir(dir.path()).expect("app");
    let program =
        MiniProgram::launch(&container, app, &MiniProgramOptions::default()).expect("launch");
    mp_support::wait(&program, |s| s.cold_start.is_some());
    let call = |method: &str, path: &str| {
        program
            .evaluate(&format!(
                "getCurrentPages()[0].{method}('{}')",
                server.url(path)
            ))
            .expect("calls");
    };
    call("download", "/bytes/4096");
    call("slow", "/slow");
    call("promised", "/echo");
    let global = |key: &str| {
        program
            .evaluate(&format!("getApp().globalData.{key} || null"))
            .expect("reads")
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while ["download", "aborted", "status"]
        .iter()
        .any(|key| global(key) == Value::Null)
    {
        assert!(Instant::now() < deadline, "calls did not finish");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(global("download"), json!({"status": 200, "progress": 100}));
    let aborted = global("aborted");
    assert!(
        aborted.as_str().is_some_and(|m| m.contains("abort")),
        "{aborted}"
    );
    assert_eq!(global("abortable"), "function");
    assert_eq!(global("status"), 200);
}
