//! `<web-view>` in the real WebKitGTK window, in both dialects: an H5 page of the package and
//! one of a domain the app declares (an HTTP server on 127.0.0.1) load in the page and report
//! `load`; what they post with the web-view SDK reaches the app (Alipay `onMessage` at once;
//! WeChat `bindmessage` with the list of messages when the user goes back, as WeChat
//! documents); Alipay's `createWebViewContext(id).postMessage` reaches the H5 page's
//! `my.onMessage`; the H5 page's `navigateTo` opens a mini-program page; a web-view pointing
//! at a domain the app does not declare loads nothing and reports `error` with the url; the
//! frames' JSBridge calls are checked as an H5 page's of the frame's origin (the package page
//! gets the APIs the app declares, the declared domain none the host has not granted); what
//! a frame of another origin posts on the webview's own message channel (which WebKit lets
//! frames reach) is dropped, since it lacks the page's token.
//!
//! A window test (see `window_support`); a screenshot of the package H5 page inside the
//! mini-program page is kept as `web_view_window_<dialect>.png` in Cargo's test scratch
//! folder.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod mp_support;
mod window_support;

use capsule_runtime::{Container, MiniProgram, WryHandle};
use mp_support::write_files;
use serde_json::{Value, json};
use window_support::{TIMEOUT, launch};

/// The package's H5 page: it posts a message once loaded, answers what the mini-program sends
/// (Alipay), and shows what it heard.
const H5_HTML: &str = r#"<!doctype html><html><head><meta charset="utf-8"><title>H5</title>
<link rel="stylesheet" href="h5.css"></head>
<body><h1>H5 in a web-view</h1><p id="heard">nothing heard</p><p id="bridge">no bridge</p>
<script src="h5.js"></script></body></html>"#;
const H5_CSS: &str = "body { margin: 0; padding: 16px; font-family: sans-serif; background: #e8f4ff; } h1 { font-size: 20px; color: #1677ff; }";
const H5_JS: &str = r#"
const dialect = location.search.includes("alipay") ? "alipay" : "wechat";
if (dialect === "alipay") {
  my.onMessage = (message) => {
    document.getElementById("heard").textContent = "heard " + JSON.stringify(message);
    my.postMessage({ echo: message });
  };
  my.postMessage({ from: "package" });
} else {
  wx.miniProgram.postMessage({ data: { from: "package", n: 1 } });
  wx.miniProgram.postMessage({ data: { from: "package", n: 2 } });
}
// The container's JSBridge, checked as this page's origin (the app's own): a declared API
// answers, an undeclared one is refused.
Promise.all([
  AlipayJSBridge.call("getSystemInfo", {}).then((info) => typeof info.platform, (error) => "refused " + error.error),
  CapsuleJSBridge.call("setStorage", { key: "a", data: 1 }).then(() => "stored", (error) => "refused " + error.error),
]).then(([system, storage]) => {
  document.getElementById("bridge").textContent = "system " + system + ", storage " + storage;
});
window.openOther = () => (dialect === "alipay" ? my : wx.miniProgram).navigateTo({ url: "/pages/other/other" });
"#;

/// The declared domain's page: posts where it comes from.
const REMOTE_HTML: &str = r#"<!doctype html><html><body><p>remote</p><script>
// The webview's message channel reaches frames too; what it posts without the page's token
// is dropped (this would otherwise reopen the app on another page).
const channel = window.webkit && window.webkit.messageHandlers && window.webkit.messageHandlers.ipc;
if (channel) channel.postMessage(JSON.stringify({ kind: "mpNavigate", openType: "reLaunch", url: "/pages/other/other", delta: 1 }));
my.getEnv((env) => my.postMessage({
  from: "remote", miniprogram: env.miniprogram, origin: location.origin, reached: typeof channel,
}));
// Its origin is not one the host trusts: the container refuses its JSBridge calls. (The
// answer takes a round trip: it goes in a message of its own.)
AlipayJSBridge.call("getSystemInfo", {}, (answer) => my.postMessage({ bridge: answer.error }));
</script></body></html>"#;

fn app_files(dialect: &str, port: u16) -> Vec<(String, String)> {
    let (template, bind) = match dialect {
        "alipay" => ("axml", ["onMessage", "onLoad", "onError"]),
        _ => ("wxml", ["bindmessage", "bindload", "binderror"]),
    };
    let web = format!(
        r#"<web-view id="web" src="{{{{src}}}}" {}="got" {}="loaded" {}="failed"/>"#,
        bind[0], bind[1], bind[2]
    );
    let manifest = json!({
        "appId": format!("webview.{dialect}"), "name": "Web view", "version": "1.0.0",
        "kind": "miniprogram", "dialect": dialect, "entry": "app.json",
        "permissions": {"domains": [format!("http://127.0.0.1:{port}")], "apis": ["system"]},
    });
    let api = if dialect == "alipay" { "my" } else { "wx" };
    vec![
        ("manifest.json".into(), manifest.to_string()),
        (
            "app.json".into(),
            r#"{"pages":["pages/home/home","pages/web/web","pages/other/other"]}"#.into(),
        ),
        ("app.js".into(), "App({ events: [] })".into()),
        ("pages/home/home.js".into(), "Page({})".into()),
        (
            format!("pages/home/home.{template}"),
            "<view>home</view>".into(),
        ),
        ("pages/other/other.js".into(), "Page({})".into()),
        (
            format!("pages/other/other.{template}"),
            "<view>other</view>".into(),
        ),
        (
            "pages/web/web.js".into(),
            format!(
                r#"const log = (line) => getApp().events.push(line);
Page({{
  data: {{ src: '' }},
  onLoad(query) {{ this.setData({{ src: decodeURIComponent(query.src) }}); }},
  got(e) {{ log('message ' + JSON.stringify(e.detail.data)); }},
  loaded(e) {{ log('load ' + e.detail.src); }},
  failed(e) {{ log('error ' + e.detail.url + ' ' + e.detail.fullUrl); }},
  reply(data) {{ {api}.createWebViewContext('web').postMessage(data); }},
}});"#
            ),
        ),
        (format!("pages/web/web.{template}"), web),
        ("h5/index.html".into(), H5_HTML.into()),
        ("h5/h5.css".into(), H5_CSS.into()),
        ("h5/h5.js".into(), H5_JS.into()),
    ]
}

/// Serves `REMOTE_HTML` to every request, on a port of 127.0.0.1.
fn serve_remote() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0_u8; 4096];
            let _ = stream.read(&mut request);
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{REMOTE_HTML}",
                REMOTE_HTML.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    port
}

/// Names the one dialect a run of this executable checks; without it, the executable runs
/// itself once per dialect (one window per process, as components_window.rs explains).
const DIALECT_VARIABLE: &str = "CAPSULE_WEB_VIEW_DIALECT";

fn main() -> ExitCode {
    let dialect = match window_support::dialect_of_this_run(DIALECT_VARIABLE) {
        Ok(dialect) => dialect,
        Err(each_run) => return each_run,
    };
    let port = serve_remote();
    let dir = tempfile::tempdir().expect("tempdir");
    let files = app_files(&dialect, port);
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect();
    write_files(&dir.path().join("app"), &files);
    let root = dir.path().to_owned();
    let name = format!("web_view_window ({dialect})");
    window_support::run(&name, (480, 900), move |handle| {
        let container = Container::builder()
            .data_dir(root.join("data"))
            .build(Arc::new(handle.clone()));
        let handle = handle.clone();
        let driving = container.clone();
        let drive = move || {
            let program = launch(&driving, &root.join("app"));
            web_view(&handle, &program, &dialect, port)
                .map_err(|error| format!("{dialect}: {error}"))
        };
        (container, Box::new(drive))
    })
}

/// The app's events once `done` says they are complete (or the time is up).
fn events_until(
    program: &MiniProgram,
    done: impl Fn(&[String]) -> bool,
) -> Result<Vec<String>, String> {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        program.settle().map_err(|error| error.to_string())?;
        let events = program
            .evaluate("getApp().events")
            .map_err(|error| error.to_string())?;
        let events: Vec<String> = serde_json::from_value(events).map_err(|e| e.to_string())?;
        if done(&events) || Instant::now() > deadline {
            return Ok(events);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn evaluate(program: &MiniProgram, source: &str) -> Result<Value, String> {
    program.evaluate(source).map_err(|error| error.to_string())
}

/// Opens the web page on `src` and waits for it to be shown.
fn open_web(program: &MiniProgram, src: &str, api: &str) -> Result<(), String> {
    evaluate(
        program,
        &format!(
            "{api}.navigateTo({{ url: '/pages/web/web?src=' + encodeURIComponent('{src}') }}), true"
        ),
    )?;
    window_support::wait(program, "the web page", |snapshot| {
        snapshot.html.contains("<web-view")
    })
    .map(drop)
}

fn stack(program: &MiniProgram) -> Result<Value, String> {
    evaluate(program, "getCurrentPages().map((page) => page.route)")
}

fn web_view(
    handle: &WryHandle,
    program: &MiniProgram,
    dialect: &str,
    port: u16,
) -> Result<(), String> {
    let alipay = dialect == "alipay";
    let api = if alipay { "my" } else { "wx" };
    let has = |events: &[String], line: &str| events.iter().any(|e| e == line);

    // The package's H5 page loads in the web-view.
    let package = format!("/h5/index.html?{dialect}");
    let load = format!("load {package}");
    if !alipay {
        // WeChat: nothing until the user goes back; then both messages, in order, at once.
        open_web(program, &package, api)?;
        let got = events_until(program, |e| has(e, &load))?;
        std::thread::sleep(Duration::from_millis(500));
        let got = events_until(program, |e| e.len() >= got.len())?;
        if !has(&got, &load) || got.iter().any(|e| e.starts_with("message")) {
            return Err(format!(
                "want the page loaded and no message before going back: {got:?}"
            ));
        }
        program.press_back().map_err(|error| error.to_string())?;
        let line = r#"message [{"from":"package","n":1},{"from":"package","n":2}]"#;
        let got = events_until(program, |e| has(e, line))?;
        if !has(&got, line) {
            return Err(format!("going back did not deliver the messages: {got:?}"));
        }
        window_support::wait(program, "home", |snapshot| snapshot.html.contains("home"))?;
    }
    open_web(program, &package, api)?;
    let got = events_until(program, |e| has(e, &load))?;
    if !has(&got, &load) {
        return Err(format!("the package page did not load: {got:?}"));
    }
    if alipay {
        // Alipay: its message arrives at once; the app's reply reaches my.onMessage, whose
        // echo comes back.
        let first = r#"message {"from":"package"}"#;
        events_until(program, |e| has(e, first))?;
        evaluate(program, "getCurrentPages().pop().reply({ n: 7 }), true")?;
        let echo = r#"message {"echo":{"n":7}}"#;
        let got = events_until(program, |e| has(e, echo))?;
        for line in [first, echo] {
            if !has(&got, line) {
                return Err(format!("the app did not get {line}: {got:?}"));
            }
        }
    }
    // The package page's JSBridge calls, answered as the app's own origin's.
    let bridge = handle
        .run_script(
            program.page(),
            r#"
            const heard = () => document.querySelector("web-view iframe").contentDocument.getElementById("bridge");
            for (let waited = 0; heard().textContent === "no bridge"; waited += 20) {
              if (waited > 10000) break;
              await new Promise((resolve) => setTimeout(resolve, 20));
            }
            return heard().textContent;
            "#,
            TIMEOUT,
        )
        .map_err(|error| error.to_string())?;
    if bridge != json!("system string, storage refused 4") {
        return Err(format!("the package page's JSBridge calls gave {bridge}"));
    }
    let shot =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("web_view_window_{dialect}.png"));
    handle
        .run_script(
            program.page(),
            "await new Promise((painted) => requestAnimationFrame(() => requestAnimationFrame(painted))); \
             await new Promise((later) => setTimeout(later, 300)); return true;",
            TIMEOUT,
        )
        .map_err(|error| error.to_string())?;
    handle
        .screenshot(program.page(), &shot)
        .map_err(|error| error.to_string())?;

    // The H5 page's navigateTo opens a mini-program page over the web page.
    handle
        .run_script(
            program.page(),
            "document.querySelector('web-view iframe').contentWindow.openOther(); return true;",
            TIMEOUT,
        )
        .map_err(|error| error.to_string())?;
    window_support::wait(program, "the other page", |snapshot| {
        snapshot.html.contains("other")
    })?;
    let want = json!(["pages/home/home", "pages/web/web", "pages/other/other"]);
    if stack(program)? != want {
        return Err(format!("the stack is {}, want {want}", stack(program)?));
    }
    program.press_back().map_err(|error| error.to_string())?;
    window_support::wait(program, "the web page again", |snapshot| {
        snapshot.html.contains("<web-view")
    })?;
    program.press_back().map_err(|error| error.to_string())?;
    window_support::wait(program, "home", |snapshot| snapshot.html.contains("home"))?;

    // A declared domain's page loads and hears it is in a mini-program.
    let remote = format!("http://127.0.0.1:{port}/remote.html");
    open_web(program, &remote, api)?;
    let remote_load = format!("load {remote}");
    let remote_message = format!(
        r#"message {{"from":"remote","miniprogram":true,"origin":"http://127.0.0.1:{port}","reached":"object"}}"#
    );
    // Alipay hands over each message at once, so the bridge's refusal can be waited for;
    // WeChat's wait for the page to be left, where only the first is sure to have come.
    let refused = r#"message {"bridge":4}"#;
    let got = events_until(program, |e| {
        has(e, &remote_load) && (!alipay || (has(e, &remote_message) && has(e, refused)))
    })?;
    if !has(&got, &remote_load) || (alipay && !(has(&got, &remote_message) && has(&got, refused))) {
        return Err(format!(
            "the declared domain's page did not load and post: {got:?}"
        ));
    }
    // The forged reLaunch went nowhere.
    let want = json!(["pages/home/home", "pages/web/web"]);
    if stack(program)? != want {
        return Err(format!(
            "a frame's forged message moved the app: {}",
            stack(program)?
        ));
    }
    program.press_back().map_err(|error| error.to_string())?;
    if !alipay {
        // WeChat: the list of what it posted, when the user goes back.
        let line = format!("message [{}", &remote_message["message ".len()..]);
        let got = events_until(program, |e| e.iter().any(|l| l.starts_with(&line)))?;
        if !got.iter().any(|l| l.starts_with(&line)) {
            return Err(format!(
                "going back did not deliver the remote message: {got:?}"
            ));
        }
    }
    window_support::wait(program, "home", |snapshot| snapshot.html.contains("home"))?;

    // A domain the app does not declare: refused, reported as error with the url.
    let undeclared = "https://undeclared.example/page.html";
    open_web(program, undeclared, api)?;
    let error = format!("error {undeclared} {undeclared}");
    let got = events_until(program, |e| has(e, &error))?;
    if !has(&got, &error) || has(&got, &format!("load {undeclared}")) {
        return Err(format!("the undeclared domain was not refused: {got:?}"));
    }
    Ok(())
}
