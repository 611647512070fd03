//! Isolation between apps in the real webview, where WebKitGTK itself makes the requests:
//! app A's page reading `capsule://B/...` with `fetch` or navigating to it; and A's window
//! and a frame in it going to an origin A declares that answers with a redirect to one it
//! does not. None of it reaches B's files or the undeclared origin, each refusal is reported
//! (a blocked navigation, or a console warning for what the page's Content-Security-Policy
//! refused), and the legitimate paths (A's own file, the declared origin, in a frame and in
//! the window) still work.
//!
//! A window test (see `window_support`).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::ExitCode;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod window_support;

use capsule_jsapi::PermissionSet;
use capsule_runtime::{App, Container, ContainerEvent, HostPolicy, PageId, WryHandle};
use serde_json::{Value, json};
use window_support::TIMEOUT;

const A: &str = "iso-window-a";
const B: &str = "iso-window-b";

/// A's page: it fetches its own file and B's, and frames two pages of the declared origin
/// (`page.js`, written for the server's address).
const A_INDEX: &str = r#"<!doctype html><html><head><meta charset="utf-8">
<script src="page.js"></script></head>
<body><p>index of A</p></body></html>"#;

const A_PAGE_JS: &str = r#"document.addEventListener("DOMContentLoaded", () => {
    for (const path of ["/framed", "/redirect-frame"]) {
        const frame = document.createElement("iframe");
        frame.src = ORIGIN + path;
        document.body.appendChild(frame);
    }
});
window.fetched = {};
for (const url of ["capsule://iso-window-a/own.txt", "capsule://iso-window-b/secret.html"]) {
    fetch(url).then((response) => response.text()).then(
        (text) => { window.fetched[url] = text; },
        (error) => { window.fetched[url] = "failed: " + error.name; },
    );
}"#;

/// Writes H5 app `id` (an index, a secret and, for A, its script) into `dir`; its manifest
/// declares `origin` and lets its pages frame it.
fn write_app(dir: &Path, id: &str, origin: &str) -> App {
    let root = dir.join(id);
    std::fs::create_dir_all(&root).expect("app folder");
    let manifest = json!({
        "appId": id, "name": id, "version": "1.0.0", "kind": "h5",
        "entry": "index.html",
        "permissions": {"domains": [origin]},
        "csp": format!("default-src 'self'; frame-src {origin}"),
    });
    std::fs::write(root.join("manifest.json"), manifest.to_string()).expect("manifest");
    let index = if id == A {
        A_INDEX.to_owned()
    } else {
        format!("<p>index of {id}</p>")
    };
    std::fs::write(root.join("index.html"), index).expect("index");
    let script = A_PAGE_JS.replace("ORIGIN", &format!("{origin:?}"));
    std::fs::write(root.join("page.js"), script).expect("script");
    std::fs::write(root.join("own.txt"), format!("own file of {id}")).expect("own");
    std::fs::write(root.join("secret.html"), format!("<p>secret of {id}</p>")).expect("secret");
    App::open_dir(&root).expect("app")
}

/// A server on 127.0.0.1 that answers `/redirect-<name>` with a 302 to `/landing-<name>` on
/// the same port of `localhost` (another origin) and anything else with a small page; it
/// notes every path it was asked for.
fn serve_redirects() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
    let port = listener.local_addr().expect("address").port();
    let asked = Arc::new(Mutex::new(Vec::new()));
    let noted = Arc::clone(&asked);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_owned();
            noted.lock().expect("log").push(path.clone());
            let response = if let Some(name) = path.strip_prefix("/redirect-") {
                format!(
                    "HTTP/1.1 302 Found\r\nLocation: http://localhost:{port}/landing-{name}\r\n\
                     Content-Length: 0\r\nConnection: close\r\n\r\n"
                )
            } else {
                let body = format!("<p>served {path}</p>");
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\
                     Connection: close\r\n\r\n{body}",
                    body.len()
                )
            };
            let mut stream = &stream;
            stream.write_all(response.as_bytes()).ok();
        }
    });
    (port, asked)
}

fn main() -> ExitCode {
    let dir = tempfile::tempdir().expect("tempdir");
    let (port, asked) = serve_redirects();
    let origin = format!("http://127.0.0.1:{port}");
    let a = write_app(dir.path(), A, &origin);
    let b = write_app(dir.path(), B, &origin);
    window_support::run("isolation_window", (1024, 768), |handle| {
        let container = Container::builder()
            .data_dir(dir.path().join("data"))
            .policy(HostPolicy::default().allow_origin(origin, PermissionSet::default()))
            .build(Arc::new(handle.clone()));
        let events = container.subscribe();
        let a_page = container.open(a).expect("A opens");
        container.open(b).expect("B opens");
        let handle = handle.clone();
        let driver: window_support::Driver =
            Box::new(move || drive(&handle, &events, a_page, port, &asked));
        (container, driver)
    })
}

fn drive(
    handle: &WryHandle,
    events: &Receiver<ContainerEvent>,
    a: PageId,
    port: u16,
    asked: &Mutex<Vec<String>>,
) -> Result<(), String> {
    // Blocked navigations (their URLs) and the console's warnings of refusals.
    let mut blocked = Vec::new();
    let mut wait_for = |what: &str, done: &dyn Fn(&[String]) -> bool| -> Result<(), String> {
        let deadline = Instant::now() + TIMEOUT;
        while !done(&blocked) {
            let left = deadline.saturating_duration_since(Instant::now());
            match events.recv_timeout(left) {
                Ok(ContainerEvent::NavigationBlocked { page, url }) if page == a => {
                    blocked.push(url);
                }
                Ok(ContainerEvent::Console { page, message, .. })
                    if page == a && message.starts_with("Refused by") =>
                {
                    blocked.push(message);
                }
                Ok(_) => {}
                Err(_) => {
                    let paths = asked.lock().map(|paths| paths.clone());
                    return Err(format!(
                        "{what}: not seen; refused so far: {blocked:?}; the server was asked \
                         for {paths:?}"
                    ));
                }
            }
        }
        Ok(())
    };
    let script = |source: &str| -> Result<Value, String> {
        handle
            .run_script(a, source, TIMEOUT)
            .map_err(|error| error.to_string())
    };
    let secret = format!("capsule://{B}/secret.html");

    let was_asked = |path: &str| -> Result<bool, String> {
        let paths = asked.lock().map_err(|_| "log poisoned")?;
        Ok(paths.iter().any(|asked| asked == path))
    };
    let wait_until_asked = |path: &str| -> Result<(), String> {
        let deadline = Instant::now() + TIMEOUT;
        while !was_asked(path)? {
            if Instant::now() > deadline {
                return Err(format!("{path} was never asked for"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    };

    // Frames: the declared origin's page loads; its redirect to an undeclared origin is
    // blocked before that origin is asked.
    wait_until_asked("/framed")?;
    wait_until_asked("/redirect-frame")?;
    let undeclared = format!("http://localhost:{port}");
    wait_for("the frame's redirect refused", &|seen| {
        seen.iter().any(|refusal| {
            refusal.starts_with("Refused by the Content-Security-Policy (frame-src)")
                && refusal.contains(&undeclared)
        })
    })?;
    if was_asked("/landing-frame")? {
        return Err("the frame's redirect reached the undeclared origin".into());
    }

    // fetch: A's own file comes, B's does not.
    let deadline = Instant::now() + TIMEOUT;
    let fetched = loop {
        let fetched = script("return window.fetched;")?;
        if fetched.as_object().is_some_and(|got| got.len() == 2) {
            break fetched;
        }
        if Instant::now() > deadline {
            return Err(format!("the fetches did not end: {fetched}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let own = &fetched[format!("capsule://{A}/own.txt")];
    if own != &json!(format!("own file of {A}")) {
        return Err(format!("A's own file: got {own}"));
    }
    let theirs = fetched[&secret].as_str().unwrap_or_default();
    if theirs.contains("secret of") {
        return Err(format!("A read B's file with fetch: {theirs:?}"));
    }
    wait_for("the fetch refused", &|seen| {
        seen.iter().any(|refusal| {
            refusal.starts_with("Refused by the Content-Security-Policy (connect-src)")
                && refusal.contains(B)
        })
    })?;

    // Navigating the window to B's page is blocked; A's page stays.
    script(&format!("location.href = {secret:?}; return null;"))?;
    wait_for("the top navigation blocked", &|seen| seen.contains(&secret))?;
    let shown = script("return [location.href, document.body.innerText];")?;
    let want = json!([format!("capsule://{A}/index.html"), "index of A"]);
    if shown.get(0) != want.get(0)
        || !shown[1]
            .as_str()
            .is_some_and(|text| text.contains("index of A"))
    {
        return Err(format!(
            "after the blocked navigation: got {shown}, want {want}"
        ));
    }

    // A declared origin answering 302 to an undeclared one: the redirect is blocked and
    // the undeclared origin is never asked.
    script(&format!(
        "location.href = 'http://127.0.0.1:{port}/redirect-top'; return null;"
    ))?;
    let top_landing = format!("http://localhost:{port}/landing-top");
    wait_for("the redirect blocked", &|seen| seen.contains(&top_landing))?;
    if was_asked("/landing-top")? {
        return Err("the window's redirect reached the undeclared origin".into());
    }

    // The declared origin itself loads in the window.
    script(&format!(
        "location.href = 'http://127.0.0.1:{port}/ok'; return null;"
    ))?;
    wait_until_asked("/ok")
}
