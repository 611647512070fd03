//! Load and faults, headless (the hardening issue, item 6).
//!
//! - **Load.** 10,000 JSAPI calls in flight at once from one H5 page (storage writes and
//!   reads, `getSystemInfo`, and requests to a server that holds every answer until all the
//!   requests have arrived), and 10,000 from a WeChat mini-program's logic (`wx.setStorage`,
//!   `wx.getStorage`, `wx.request`, `wx.getSystemInfo` fired in `onLoad`, the callbacks
//!   counted by the app): every call answered exactly once, with its own result. Nothing in
//!   the container counts the calls in flight, so "nothing kept per call" is measured as the
//!   process's resident set (`VmRSS`): after two more rounds it stays within
//!   [`RSS_GROWTH_BOUND`] of its size after the first. Each load test runs alone in a child
//!   process of this binary, so that no other test moves the figure.
//! - **HTTP faults**, each against a real server on 127.0.0.1 that the app declares: a
//!   connection reset mid-response, one closed mid-body, a server that never answers (the
//!   call's `timeout`, and the platform's default of 30 s), endless bodies (fast: the caps of
//!   `request` and `downloadFile`; slow: the timeout), bodies declared over the caps, a
//!   redirect loop. Each fails with the platform's error (Alipay's numbers from an H5 page,
//!   WeChat's `request:fail …` from a mini-program), the server sees every connection closed
//!   (nothing left waiting), and normal requests succeed afterwards.
//! - **Disk full** during `setStorage`: a child process whose data folder is on a 4 MiB tmpfs
//!   in a mount namespace of its own (`unshare`; where that is refused, RLIMIT_FSIZE with
//!   SIGXFSZ ignored; the test prints which), the disk filled, then a large write: a clear
//!   error, every key's previous value intact and readable, also after reopening, and
//!   writes succeed again once there is room.
//! - **Cookies off the network workers**: while one app's cookie file cannot be written (a
//!   FIFO nobody reads), another app's requests still answer; the lasting cookies of many
//!   concurrent requests all survive a restart of the container.

mod support;

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use capsule_runtime::{
    App, Container, HeadlessHost, MiniProgram, MiniProgramOptions, PageId, PageSpec, RenderHost,
    ToPage,
};
use serde_json::{Value, json};
use support::http::TestServer;
use support::{Harness, Page};

/// Calls in flight in each load round.
const CALLS: usize = 10_000;
/// One call in this many is a request (each holds a connection to the test server, so they
/// stay well within a default limit of 1024 open files).
const REQUEST_EVERY: usize = 50;
/// How much the resident set may grow from the end of the first load round to the end of
/// the third: 20,000 calls keeping 800 bytes each would pass it.
const RSS_GROWTH_BOUND: u64 = 16 << 20;
/// How long a test waits for what it expects before saying what hung.
const PATIENCE: Duration = Duration::from_secs(120);
/// Set in a child process to the name of the test it runs.
const CHILD: &str = "CAPSULE_LOAD_FAULTS_CHILD";

/// Whether this process is the child running test `name`.
fn is_child(name: &str) -> bool {
    std::env::var(CHILD).is_ok_and(|value| value == name)
}

/// Runs test `name` of this binary alone in a child process, under `wrapper` (a command and
/// its arguments, to which the test binary and its arguments are appended); returns its
/// output and fails, showing it, when the child fails.
fn run_alone(name: &str, wrapper: &[OsString], env: &[(&str, OsString)]) -> String {
    let exe = std::env::current_exe().expect("the test binary");
    let mut command = match wrapper.split_first() {
        Some((program, args)) => {
            let mut command = Command::new(program);
            command.args(args).arg(&exe);
            command
        }
        None => Command::new(&exe),
    };
    command
        .args([
            name,
            "--exact",
            "--include-ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, name);
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("the child test starts");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "child test {name} failed:\n{text}");
    assert!(
        text.contains("1 passed"),
        "child test {name} did not run:\n{text}"
    );
    text
}

/// The process's resident set in bytes.
fn resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kb: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a VmRSS line");
    kb << 10
}

/// Waits until `done` holds, failing with `what` (which says what hung) after [`PATIENCE`].
fn wait_until(what: impl Fn() -> String, done: impl Fn() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < deadline, "{}", what());
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A render host keeping every reply by call id (a `HeadlessHost` keeps only its last
/// records).
#[derive(Default)]
struct Replies(Mutex<HashMap<u64, Vec<(bool, Value)>>>);

impl Replies {
    fn answered(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    fn take(&self) -> HashMap<u64, Vec<(bool, Value)>> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl RenderHost for Replies {
    fn open_page(&self, _page: PageSpec) {}

    fn post(&self, _page: PageId, message: ToPage) {
        if let ToPage::Reply {
            call_id,
            ok,
            result,
        } = message
        {
            self.0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(call_id)
                .or_default()
                .push((ok, result));
        }
    }

    fn close_page(&self, _page: PageId) {}
}

/// One H5 load round: [`CALLS`] calls from `page` sent before any is awaited, call ids from
/// `first_id`; checks each was answered once with its result.
fn h5_round(
    container: &Container,
    page: PageId,
    replies: &Replies,
    server: &TestServer,
    first_id: u64,
    system_info: &Value,
) {
    let origin = "capsule://load-h5";
    let injector = HeadlessHost::new();
    server.hold();
    let mut expected = HashMap::with_capacity(CALLS);
    for i in 0..CALLS {
        let id = first_id + i as u64;
        let (api, params, answer) = if i % REQUEST_EVERY == 0 {
            let url = server.url(&format!("/held?n={i}"));
            (
                "request",
                json!({"url": url}),
                json!({"query": format!("n={i}")}),
            )
        } else {
            match i % 3 {
                0 => (
                    "setStorage",
                    json!({"key": format!("k{i}"), "data": i}),
                    json!({}),
                ),
                1 => (
                    "getStorage",
                    json!({"key": format!("pre{}", i % 100)}),
                    json!({"data": format!("v{}", i % 100)}),
                ),
                _ => ("getSystemInfo", json!({}), system_info.clone()),
            }
        };
        let message = json!({"kind": "invoke", "callId": id, "api": api, "params": params});
        injector.inject(container, page, origin, &message.to_string());
        expected.insert(id, (api, answer));
    }
    let requests = CALLS.div_ceil(REQUEST_EVERY);
    wait_until(
        || {
            format!(
                "only {} of {requests} requests reached the server together",
                server.held()
            )
        },
        || server.held() == requests,
    );
    server.release();
    wait_until(
        || format!("{} of {CALLS} calls answered", replies.answered()),
        || replies.answered() == CALLS,
    );
    for (id, answers) in replies.take() {
        let (api, answer) = expected
            .remove(&id)
            .expect("a reply to a call that was made");
        let [(ok, result)] = answers.as_slice() else {
            panic!("call {id} ({api}) answered {} times", answers.len());
        };
        assert!(ok, "call {id} ({api}) failed: {result}");
        let got = if api == "request" {
            json!({"query": result["data"]["query"]})
        } else {
            result.clone()
        };
        assert_eq!(got, answer, "call {id} ({api})");
    }
    assert!(
        expected.is_empty(),
        "calls not answered: {}",
        expected.len()
    );
}

#[test]
fn ten_thousand_calls_in_flight_from_one_page_are_each_answered_once() {
    const NAME: &str = "ten_thousand_calls_in_flight_from_one_page_are_each_answered_once";
    if !is_child(NAME) {
        print!("{}", run_alone(NAME, &[], &[]));
        return;
    }
    let server = TestServer::http();
    let data = tempfile::tempdir().expect("data dir");
    let replies = Arc::new(Replies::default());
    let container = Container::builder()
        .developer_mode(true)
        .data_dir(data.path())
        .build(replies.clone());
    let (_app_dir, app) = support::h5_app(
        "load-h5",
        &["storage", "network", "system"],
        &[&server.origin],
    );
    let page = container.open(app).expect("opens");
    let injector = HeadlessHost::new();
    let origin = "capsule://load-h5";
    for n in 0..100 {
        let message = json!({"kind": "invoke", "callId": n + 1, "api": "setStorage",
            "params": {"key": format!("pre{n}"), "data": format!("v{n}")}});
        injector.inject(&container, page, origin, &message.to_string());
    }
    let system_call = json!({"kind": "invoke", "callId": 101, "api": "getSystemInfo"});
    injector.inject(&container, page, origin, &system_call.to_string());
    wait_until(
        || "the first calls did not answer".into(),
        || replies.answered() == 101,
    );
    let system_info = replies.take()[&101][0].1.clone();

    let mut first_id = 1000;
    let mut resident = Vec::new();
    for _ in 0..3 {
        h5_round(&container, page, &replies, &server, first_id, &system_info);
        first_id += CALLS as u64;
        resident.push(resident_bytes());
    }
    println!("resident set after each round of {CALLS} calls: {resident:?} bytes");
    assert!(
        resident[2] <= resident[0] + RSS_GROWTH_BOUND,
        "the resident set grew by {} bytes over {} calls: {resident:?}",
        resident[2] - resident[0],
        2 * CALLS
    );
}

/// Writes `files` (path, text) under `root`.
fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("folders");
        std::fs::write(path, text).expect("write");
    }
}

/// A WeChat mini-program `app_id` declaring `origin`, whose home page has the script
/// `page_js`; launched headless on a developer-mode container with data in `data`.
fn launch_wechat(
    app_id: &str,
    origin: &str,
    app_json: &Value,
    page_js: &str,
    data: &Path,
) -> (tempfile::TempDir, Container, MiniProgram) {
    let dir = tempfile::tempdir().expect("app dir");
    let manifest = json!({
        "appId": app_id, "name": app_id, "version": "1.0.0", "kind": "miniprogram",
        "dialect": "wechat", "entry": "app.json",
        "permissions": {"apis": ["storage", "network", "system", "files"], "domains": [origin]},
    });
    write_files(
        dir.path(),
        &[
            ("manifest.json", &manifest.to_string()),
            ("app.json", &app_json.to_string()),
            ("app.js", "App({ globalData: {} });"),
            ("pages/index/index.js", page_js),
            ("pages/index/index.wxml", "<text>load</text>"),
        ],
    );
    let container = Container::builder()
        .developer_mode(true)
        .data_dir(data)
        .build(Arc::new(HeadlessHost::new()));
    let app = App::open_dir(dir.path()).expect("app");
    let program =
        MiniProgram::launch(&container, app, &MiniProgramOptions::default()).expect("launches");
    (dir, container, program)
}

/// The page script of the logic load test: `fire()` makes [`CALLS`] calls without waiting
/// and tallies their callbacks in `getApp().globalData.tally`; `onLoad` fires once.
const LOAD_PAGE: &str = r"
var ORIGIN = '__ORIGIN__';
Page({
  onLoad: function () {
    for (var j = 0; j < 100; j++) wx.setStorageSync('pre' + j, 'v' + j);
    this.fire();
  },
  fire: function () {
    var tally = { answered: 0, right: 0, twice: 0, wrong: [] };
    var seen = {};
    getApp().globalData.tally = tally;
    function answer(i, right, res) {
      if (seen[i]) { tally.twice++; return; }
      seen[i] = true;
      tally.answered++;
      if (right) tally.right++;
      else if (tally.wrong.length < 10) tally.wrong.push(i + ': ' + JSON.stringify(res));
    }
    function call(i) {
      var api, params, check;
      if (i % __EVERY__ === 0) {
        api = 'request';
        params = { url: ORIGIN + '/held?n=' + i };
        check = function (res) { return res.errMsg === 'request:ok' && res.statusCode === 200 && res.data.query === 'n=' + i; };
      } else if (i % 3 === 0) {
        api = 'setStorage';
        params = { key: 'k' + i, data: i };
        check = function (res) { return res.errMsg === 'setStorage:ok'; };
      } else if (i % 3 === 1) {
        api = 'getStorage';
        params = { key: 'pre' + (i % 100) };
        check = function (res) { return res.errMsg === 'getStorage:ok' && res.data === 'v' + (i % 100); };
      } else {
        api = 'getSystemInfo';
        params = {};
        check = function (res) { return res.errMsg === 'getSystemInfo:ok' && typeof res.model === 'string'; };
      }
      params.success = function (res) { answer(i, check(res), res); };
      params.fail = function (res) { answer(i, false, res); };
      wx[api](params);
    }
    for (var i = 0; i < __CALLS__; i++) call(i);
  }
});
";

/// Reads the tally of the logic load test until all [`CALLS`] have answered.
fn logic_tally(program: &MiniProgram) -> Value {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let tally = program
            .evaluate("getApp().globalData.tally || null")
            .expect("evaluates");
        if tally["answered"] == CALLS {
            return tally;
        }
        assert!(Instant::now() < deadline, "not all answered: {tally}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn ten_thousand_calls_in_flight_from_logic_are_each_answered_once() {
    const NAME: &str = "ten_thousand_calls_in_flight_from_logic_are_each_answered_once";
    if !is_child(NAME) {
        print!("{}", run_alone(NAME, &[], &[]));
        return;
    }
    let server = TestServer::http();
    let data = tempfile::tempdir().expect("data dir");
    let page_js = LOAD_PAGE
        .replace("__ORIGIN__", &server.origin)
        .replace("__EVERY__", &REQUEST_EVERY.to_string())
        .replace("__CALLS__", &CALLS.to_string());
    let app_json = json!({"pages": ["pages/index/index"]});
    let (_dir, _container, program) = launch_wechat(
        "load.logic",
        &server.origin,
        &app_json,
        &page_js,
        data.path(),
    );
    let requests = CALLS.div_ceil(REQUEST_EVERY);
    let mut resident = Vec::new();
    for round in 0..3 {
        if round > 0 {
            server.hold();
            program
                .evaluate("getCurrentPages()[0].fire(), true")
                .expect("fires again");
        }
        wait_until(
            || {
                format!(
                    "round {round}: only {} of {requests} requests reached the server together",
                    server.held()
                )
            },
            || server.held() == requests,
        );
        server.release();
        let tally = logic_tally(&program);
        assert_eq!(
            (tally["right"].clone(), tally["twice"].clone()),
            (json!(CALLS), json!(0)),
            "round {round}: {tally}"
        );
        resident.push(resident_bytes());
    }
    let snapshot = program.snapshot().expect("snapshot");
    assert!(!snapshot.crashed, "{:?}", snapshot.errors);
    println!("resident set after each round of {CALLS} calls: {resident:?} bytes");
    assert!(
        resident[2] <= resident[0] + RSS_GROWTH_BOUND,
        "the resident set grew by {} bytes over {} calls: {resident:?}",
        resident[2] - resident[0],
        2 * CALLS
    );
}

/// Largest body `request` keeps (jsapi's `MAX_RESPONSE_BYTES`).
const REQUEST_CAP: u64 = 50 << 20;
/// Largest file `downloadFile` writes (jsapi's `MAX_DOWNLOAD_BYTES`, WeChat's 200 MB).
const DOWNLOAD_CAP: u64 = 200 << 20;

/// A developer-mode container and a page of an H5 app declaring `server`.
fn h5_page(server: &TestServer, app_id: &str) -> (Harness, Page) {
    let mut harness = Harness::with(|builder| builder.developer_mode(true));
    let page = harness.open(app_id, &["network", "files"], &[&server.origin]);
    (harness, page)
}

/// After faults: the server sees every connection closed (no transfer left waiting), and
/// more requests at once than the network runtime has workers all succeed.
fn still_serving(harness: &Harness, page: &Page, server: &TestServer) {
    wait_until(
        || {
            format!(
                "{} connections to the server were left open",
                server.open_connections()
            )
        },
        || server.open_connections() == 0,
    );
    let calls: Vec<u64> = (0..8)
        .map(|n| {
            let url = server.url(&format!("/echo?after={n}"));
            harness.send(page, "request", json!({"url": url}))
        })
        .collect();
    for (n, call) in calls.into_iter().enumerate() {
        let answer = harness
            .wait(page, call)
            .expect("a normal request after the faults");
        assert_eq!(answer["data"]["query"], format!("after={n}"));
    }
}

#[test]
fn http_faults_fail_with_alipays_codes_and_the_app_keeps_running() {
    let server = TestServer::http();
    let (harness, page) = h5_page(&server, "faults-h5");
    let temp = harness.data_dir.path().join("files/faults-h5/tmp");
    let big = "x".repeat(256 << 10);
    let cases = [
        (
            "reset",
            "request",
            json!({"url": server.url("/reset"), "method": "POST", "data": big}),
            12,
            "",
        ),
        (
            "closed mid-body",
            "request",
            json!({"url": server.url("/stall")}),
            12,
            "",
        ),
        (
            "no answer",
            "request",
            json!({"url": server.url("/hang"), "timeout": 500}),
            13,
            "timeout",
        ),
        (
            "slow endless body",
            "request",
            json!({"url": server.url("/trickle"), "timeout": 1000}),
            13,
            "timeout",
        ),
        (
            "endless body",
            "request",
            json!({"url": server.url("/endless")}),
            12,
            "larger than 52428800 bytes",
        ),
        (
            "body over the cap",
            "request",
            json!({"url": server.url(&format!("/big/{}", REQUEST_CAP + 1))}),
            12,
            "larger than 52428800 bytes",
        ),
        (
            "download over the cap",
            "downloadFile",
            json!({"url": server.url(&format!("/big/{}", DOWNLOAD_CAP + 1))}),
            12,
            "exceed max file size",
        ),
        (
            "endless download",
            "downloadFile",
            json!({"url": server.url("/endless")}),
            12,
            "exceed max file size",
        ),
        (
            "redirect loop",
            "request",
            json!({"url": server.url("/loop")}),
            12,
            "too many redirects",
        ),
    ];
    let sent: Vec<u64> = cases
        .iter()
        .map(|(_, api, params, ..)| harness.send(&page, api, params.clone()))
        .collect();
    for ((name, _, _, code, message), call) in cases.iter().zip(sent) {
        let error = harness.wait_up_to(&page, call, PATIENCE).expect_err(name);
        assert_eq!(error["error"], *code, "{name}: {error}");
        let text = error["errorMessage"].as_str().expect("a message");
        assert!(text.contains(message), "{name}: {error}");
    }
    assert_eq!(
        std::fs::read_dir(&temp).map_or(0, Iterator::count),
        0,
        "failed downloads leave no file"
    );
    still_serving(&harness, &page, &server);
}

#[test]
fn a_server_that_never_answers_times_out_after_the_default_30_s() {
    let server = TestServer::http();
    let (harness, page) = h5_page(&server, "faults-default");
    let call = harness.send(&page, "request", json!({"url": server.url("/hang")}));
    let error = harness
        .wait_up_to(&page, call, PATIENCE)
        .expect_err("no answer");
    assert_eq!(error["error"], 13, "{error}");
    still_serving(&harness, &page, &server);
}

/// The page script of the WeChat fault test: `probe(name, api, params)` makes a call and
/// keeps its callback's argument in `getApp().globalData.results[name]`.
const PROBE_PAGE: &str = r"
Page({
  probe: function (name, api, params) {
    var results = getApp().globalData.results || (getApp().globalData.results = {});
    params.success = function (res) { results[name] = { ok: true, res: res }; };
    params.fail = function (res) { results[name] = { ok: false, res: res }; };
    wx[api](params);
  }
});
";

/// Runs `calls` (name, api, params) through [`PROBE_PAGE`] and returns what each callback
/// got, by name.
fn probe(program: &MiniProgram, calls: &[(&str, &str, Value)]) -> Value {
    for (name, api, params) in calls {
        program
            .evaluate(&format!(
                "getCurrentPages()[0].probe({}, {}, {params}), true",
                json!(name),
                json!(api)
            ))
            .expect("probes");
    }
    let deadline = Instant::now() + PATIENCE;
    loop {
        let results = program
            .evaluate("getApp().globalData.results || {}")
            .expect("evaluates");
        if calls.iter().all(|(name, ..)| results.get(name).is_some()) {
            return results;
        }
        assert!(Instant::now() < deadline, "not all answered: {results}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn http_faults_fail_with_wechats_errmsg_and_the_app_keeps_running() {
    let server = TestServer::http();
    let data = tempfile::tempdir().expect("data dir");
    let app_json = json!({"pages": ["pages/index/index"]});
    let (_dir, _container, program) = launch_wechat(
        "faults.wx",
        &server.origin,
        &app_json,
        PROBE_PAGE,
        data.path(),
    );
    let big = "x".repeat(256 << 10);
    let cases = [
        (
            "reset",
            "request",
            json!({"url": server.url("/reset"), "method": "POST", "data": big}),
        ),
        (
            "noAnswer",
            "request",
            json!({"url": server.url("/hang"), "timeout": 500}),
        ),
        ("endless", "request", json!({"url": server.url("/endless")})),
        (
            "bigDownload",
            "downloadFile",
            json!({"url": server.url(&format!("/big/{}", DOWNLOAD_CAP + 1))}),
        ),
        ("loop", "request", json!({"url": server.url("/loop")})),
    ];
    let results = probe(&program, &cases);
    let err_msg = |name: &str| {
        let result = &results[name];
        assert_eq!(result["ok"], false, "{name}: {result}");
        result["res"]["errMsg"].as_str().expect("errMsg").to_owned()
    };
    assert!(err_msg("reset").starts_with("request:fail "), "{results}");
    assert_eq!(err_msg("noAnswer"), "request:fail timeout");
    assert!(
        err_msg("endless").starts_with("request:fail the response is larger than"),
        "{results}"
    );
    assert!(
        err_msg("bigDownload").starts_with("downloadFile:fail exceed max file size"),
        "{results}"
    );
    assert!(err_msg("loop").starts_with("request:fail "), "{results}");
    assert!(err_msg("loop").contains("too many redirects"), "{results}");
    wait_until(
        || format!("{} connections left open", server.open_connections()),
        || server.open_connections() == 0,
    );
    let after = probe(
        &program,
        &[(
            "after",
            "request",
            json!({"url": server.url("/echo?after=1")}),
        )],
    );
    assert_eq!(after["after"]["res"]["errMsg"], "request:ok", "{after}");
    assert_eq!(after["after"]["res"]["data"]["query"], "after=1", "{after}");
    assert!(!program.snapshot().expect("snapshot").crashed);
}

#[test]
fn app_json_network_timeout_is_the_default_of_logic_requests() {
    let server = TestServer::http();
    let data = tempfile::tempdir().expect("data dir");
    let app_json = json!({"pages": ["pages/index/index"], "networkTimeout": {"request": 1000}});
    let (_dir, _container, program) = launch_wechat(
        "timeout.wx",
        &server.origin,
        &app_json,
        PROBE_PAGE,
        data.path(),
    );
    // `/slow` answers after 5 s: within the platform's 30 s, past the app's 1 s.
    let results = probe(
        &program,
        &[("slow", "request", json!({"url": server.url("/slow")}))],
    );
    assert_eq!(
        results["slow"]["res"]["errMsg"], "request:fail timeout",
        "{results}"
    );
}

/// Set in the disk-full child to the folder on its small filesystem.
const FULL_DIR: &str = "CAPSULE_FULL_DIR";
/// Set in the disk-full child to `tmpfs` or `rlimit`: how its disk was made small.
const FULL_HOW: &str = "CAPSULE_FULL_HOW";

/// How the disk-full tests give their child a small disk at `dir`: a 4 MiB tmpfs mounted
/// there in a mount namespace of the child's own (`unshare`, as root or in a user
/// namespace), else a 1024-block file size limit with SIGXFSZ ignored. Returns what it is,
/// the wrapper command and the value for [`FULL_HOW`].
fn small_disk(dir: &Path) -> (&'static str, Vec<OsString>, &'static str) {
    let namespaces: [(&[&str], &str); 2] = [
        (
            &["--mount"],
            "a 4 MiB tmpfs in a mount namespace (unshare --mount)",
        ),
        (
            &["--user", "--map-root-user", "--mount"],
            "a 4 MiB tmpfs in user and mount namespaces (unshare --user --map-root-user --mount)",
        ),
    ];
    for (flags, what) in namespaces {
        let probe = Command::new("unshare")
            .args(flags)
            .args([
                "sh",
                "-c",
                r#"mount -t tmpfs -o size=1m capsule-probe "$0""#,
            ])
            .arg(dir)
            .output();
        if probe.is_ok_and(|output| output.status.success()) {
            let mount = r#"mount -t tmpfs -o size=4m capsule-full "$0" && exec "$@""#;
            let mut wrapper: Vec<OsString> = std::iter::once("unshare")
                .chain(flags.iter().copied())
                .chain(["sh", "-c", mount])
                .map(OsString::from)
                .collect();
            wrapper.push(dir.into());
            return (what, wrapper, "tmpfs");
        }
    }
    let limit = r#"trap '' XFSZ; ulimit -f 1024 && exec "$@""#;
    (
        "RLIMIT_FSIZE (ulimit -f 1024, SIGXFSZ ignored): no mount namespace could be made",
        ["sh", "-c", limit, "sh"].map(OsString::from).to_vec(),
        "rlimit",
    )
}

/// In the parent, runs test `name` alone in a child on a small disk (printing how) and
/// returns `None`; in that child, returns the folder on the small disk and whether it is a
/// tmpfs (else the file size limit).
fn on_a_small_disk(name: &str) -> Option<(PathBuf, bool)> {
    if is_child(name) {
        let dir = std::env::var_os(FULL_DIR).expect("the small disk's folder");
        return Some((
            dir.into(),
            std::env::var(FULL_HOW).is_ok_and(|how| how == "tmpfs"),
        ));
    }
    let dir = tempfile::tempdir().expect("mount point");
    let (what, wrapper, how) = small_disk(dir.path());
    println!("disk full by: {what}");
    let env = [(FULL_DIR, dir.path().into()), (FULL_HOW, how.into())];
    print!("{}", run_alone(name, &wrapper, &env));
    None
}

/// Writes zeros to `path` until the disk (or the file size limit) refuses more; returns
/// the bytes written.
fn fill(path: &Path) -> u64 {
    let mut file = std::fs::File::create(path).expect("the filler file");
    let mut written = 0;
    for size in [64 << 10, 4 << 10, 512, 1] {
        let block = vec![0; size];
        while let Ok(n @ 1..) = file.write(&block) {
            written += n as u64;
        }
    }
    written
}

/// Checks that each of `kept` (key, value) reads back from `page`.
fn check_kept(harness: &Harness, page: &Page, kept: &[(&str, Value)], when: &str) {
    for (key, data) in kept {
        let got = harness
            .call(page, "getStorage", json!({"key": key}))
            .expect("readable");
        assert_eq!(&got["data"], data, "{key} {when}");
    }
}

/// `harness`'s data folder, the harness (its container) dropped.
fn closed(harness: Harness) -> tempfile::TempDir {
    let Harness { data_dir, .. } = harness;
    data_dir
}

#[test]
fn a_full_disk_fails_a_storage_write_clearly_and_keeps_every_value() {
    let Some((dir, on_tmpfs)) =
        on_a_small_disk("a_full_disk_fails_a_storage_write_clearly_and_keeps_every_value")
    else {
        return;
    };
    let data = tempfile::tempdir_in(&dir).expect("data folder");
    let mut harness = Harness::in_dir(data, |builder| builder);
    let page = harness.open("full-app", &["storage"], &[]);
    let old_big = "1".repeat(100 << 10);
    let new_big = "2".repeat(150 << 10);
    let mut kept = vec![
        ("a", json!("first")),
        ("b", json!({"n": 1})),
        ("big", json!(old_big)),
    ];
    for (key, data) in &kept {
        harness
            .call(&page, "setStorage", json!({"key": key, "data": data}))
            .expect("room before the disk is filled");
    }
    let filler = dir.join("filler");
    println!("the disk is full: {} bytes of filler", fill(&filler));
    // On the tmpfs the first write cannot fit; under the file size limit the log grows until
    // one does not.
    let keys = ["big", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"];
    let mut refused = None;
    for key in keys {
        let params = json!({"key": key, "data": new_big});
        match harness.call(&page, "setStorage", params) {
            Ok(_) => kept.retain(|(k, _)| *k != key),
            Err(error) => {
                refused = Some((key, error));
                break;
            }
        }
        kept.push((key, json!(new_big)));
    }
    let (key, error) = refused.expect("a write on the full disk fails");
    println!("{key}: {error}");
    let message = error["errorMessage"].as_str().expect("a message");
    if on_tmpfs {
        assert_eq!(key, "big", "the first write did not fit");
        assert_eq!(error["error"], 12, "{error}");
        assert!(message.contains("storage full"), "{error}");
    } else {
        assert!(message.contains("storage"), "{error}");
    }
    check_kept(&harness, &page, &kept, "after the failed write");
    // Reopened (the disk still full), then with room again.
    let mut harness = Harness::in_dir(closed(harness), |builder| builder);
    let page = harness.open("full-app", &["storage"], &[]);
    check_kept(&harness, &page, &kept, "after reopening");
    std::fs::remove_file(&filler).expect("filler removed");
    harness
        .call(&page, "setStorage", json!({"key": key, "data": new_big}))
        .expect("room again");
    kept.retain(|(k, _)| *k != key);
    kept.push((key, json!(new_big)));
    check_kept(&harness, &page, &kept, "after the write with room");
}

#[test]
fn a_full_disk_fails_a_file_write_clearly_and_keeps_the_old_content() {
    let Some((dir, _)) =
        on_a_small_disk("a_full_disk_fails_a_file_write_clearly_and_keeps_the_old_content")
    else {
        return;
    };
    let data = tempfile::tempdir_in(&dir).expect("data folder");
    let mut harness = Harness::in_dir(data, |builder| builder);
    let page = harness.open("full-files", &["files"], &[]);
    let path = "https://usr/note.txt";
    harness
        .call(&page, "writeFile", json!({"filePath": path, "data": "old"}))
        .expect("room before the disk is filled");
    let filler = dir.join("filler");
    println!("the disk is full: {} bytes of filler", fill(&filler));
    let error = harness
        .call(
            &page,
            "writeFile",
            json!({"filePath": path, "data": "2".repeat(4 << 20)}),
        )
        .expect_err("no room");
    println!("writeFile: {error}");
    let read = harness
        .call(
            &page,
            "readFile",
            json!({"filePath": path, "encoding": "utf8"}),
        )
        .expect("readable");
    assert!(
        read["data"] == "old",
        "the old content was lost: {} bytes of the new one are left",
        read["data"].as_str().map_or(0, str::len)
    );
}

#[test]
fn cookies_of_many_requests_at_once_all_outlive_the_container() {
    let server = TestServer::http();
    let (mut harness, page) = h5_page(&server, "cookie-load");
    let calls: Vec<u64> = (0..200)
        .map(|n| {
            let url = server.url(&format!("/cookie/lasting/c{n}"));
            harness.send(&page, "request", json!({"url": url}))
        })
        .collect();
    for call in calls {
        harness.wait(&page, call).expect("a cookie set");
    }
    drop(page);
    let data = closed(std::mem::replace(&mut harness, Harness::new()));
    let file = data.path().join("cookies/cookie-load.json");
    assert!(file.is_file(), "{} is a file", file.display());
    let mut harness = Harness::in_dir(data, |builder| builder.developer_mode(true));
    let page = harness.open("cookie-load", &["network"], &[&server.origin]);
    let echo = harness
        .call(&page, "request", json!({"url": server.url("/echo")}))
        .expect("echo");
    let sent = echo["data"]["headers"]["cookie"]
        .as_str()
        .expect("cookies sent");
    let mut names: Vec<&str> = sent.split("; ").collect();
    names.sort_unstable();
    let mut expected: Vec<String> = (0..200).map(|n| format!("c{n}=1")).collect();
    expected.sort_unstable();
    assert_eq!(names, expected);
}

#[test]
fn a_cookie_file_that_cannot_be_written_holds_up_no_other_apps_requests() {
    let server = TestServer::http();
    let mut harness = Harness::with(|builder| builder.developer_mode(true));
    let stalled = harness.open("cookie-stalled", &["network"], &[&server.origin]);
    let free = harness.open("cookie-free", &["network"], &[&server.origin]);
    // A FIFO where the jar writes its file: opening it blocks until someone reads.
    let cookies = harness.data_dir.path().join("cookies");
    std::fs::create_dir_all(&cookies).expect("cookie folder");
    let fifo = cookies.join("cookie-stalled.json.partial");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo {}", fifo.display());
    // More cookie-setting requests than the network runtime has workers.
    let setting: Vec<u64> = (0..4)
        .map(|n| {
            let url = server.url(&format!("/cookie/lasting/s{n}"));
            harness.send(&stalled, "request", json!({"url": url}))
        })
        .collect();
    for n in 0..8 {
        let url = server.url(&format!("/echo?free={n}"));
        let answer = harness
            .call(&free, "request", json!({"url": url}))
            .expect("another app's request answers while the cookie file is stuck");
        assert_eq!(answer["data"]["query"], format!("free={n}"));
    }
    for call in setting {
        harness
            .wait(&stalled, call)
            .expect("a request whose cookies cannot be written still answers");
    }
    // The writer, still stuck opening the FIFO, gets a reader; later writes find no FIFO.
    let aside = cookies.join("fifo");
    std::fs::rename(&fifo, &aside).expect("FIFO moved aside");
    let written = std::fs::read_to_string(&aside).expect("the writer's cookies");
    assert!(
        (0..4).any(|n| written.contains(&format!("s{n}=1"))),
        "{written}"
    );
    harness
        .call(
            &stalled,
            "request",
            json!({"url": server.url("/cookie/lasting/s4")}),
        )
        .expect("a cookie set");
    let data = closed(harness);
    let mut harness = Harness::in_dir(data, |builder| builder.developer_mode(true));
    let page = harness.open("cookie-stalled", &["network"], &[&server.origin]);
    let echo = harness
        .call(&page, "request", json!({"url": server.url("/echo")}))
        .expect("echo");
    let sent = echo["data"]["headers"]["cookie"]
        .as_str()
        .expect("cookies sent");
    let mut names: Vec<&str> = sent.split("; ").collect();
    names.sort_unstable();
    assert_eq!(names, ["s0=1", "s1=1", "s2=1", "s3=1", "s4=1"]);
}
