//! An H5 app's own Content-Security-Policy in the real webview: a page that compiles code at
//! run time (`new Function`) works when its app's `csp` allows `'unsafe-eval'`, and the same
//! page under the default policy gets the `EvalError` CSP Level 3 prescribes (§4.4: a
//! compilation the policy does not allow throws an `EvalError`).
//!
//! A window test (see `window_support`).

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::Instant;

mod window_support;

use capsule_runtime::{App, Container, ContainerEvent, PageId, WryHandle};
use serde_json::{Value, json};
use window_support::TIMEOUT;

/// The page: it evaluates a string once loaded and writes the result (or the error's name).
const INDEX: &str = r#"<!doctype html><html><head><meta charset="utf-8">
<script>window.inlineRan = true;</script>
<script src="page.js"></script></head>
<body><p id="result">pending</p></body></html>"#;

const PAGE_JS: &str = r#"document.addEventListener("DOMContentLoaded", () => {
    const result = document.getElementById("result");
    try {
        result.textContent = String(new Function("return 6*7")());
    } catch (error) {
        result.textContent = error.name;
    }
});"#;

/// Writes the app `id` into `dir`, with `csp` when given.
fn write_app(dir: &Path, id: &str, csp: Option<&str>) -> App {
    let root = dir.join(id);
    std::fs::create_dir_all(&root).expect("app folder");
    let mut manifest = json!({
        "appId": id, "name": id, "version": "1.0.0", "kind": "h5", "entry": "index.html",
    });
    if let Some(csp) = csp {
        manifest["csp"] = csp.into();
    }
    std::fs::write(root.join("manifest.json"), manifest.to_string()).expect("manifest");
    std::fs::write(root.join("index.html"), INDEX).expect("page");
    std::fs::write(root.join("page.js"), PAGE_JS).expect("script");
    App::open_dir(&root).expect("app")
}

fn main() -> ExitCode {
    let dir = tempfile::tempdir().expect("tempdir");
    let with_eval = write_app(
        dir.path(),
        "csp-eval",
        Some("default-src 'self'; script-src 'self' 'unsafe-eval'"),
    );
    let default = write_app(dir.path(), "csp-default", None);
    window_support::run("app_csp_window", (1024, 768), |handle| {
        let container = Container::builder()
            .data_dir(dir.path().join("data"))
            .build(Arc::new(handle.clone()));
        let events = container.subscribe();
        let eval_page = container.open(with_eval).expect("within the default cap");
        let default_page = container.open(default).expect("opens");
        let handle = handle.clone();
        let driver: window_support::Driver =
            Box::new(move || drive(&handle, &events, eval_page, default_page));
        (container, driver)
    })
}

fn drive(
    handle: &WryHandle,
    events: &Receiver<ContainerEvent>,
    eval_page: PageId,
    default_page: PageId,
) -> Result<(), String> {
    let mut waiting = vec![eval_page, default_page];
    let deadline = Instant::now() + TIMEOUT;
    while !waiting.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(ContainerEvent::PageLoaded(page)) => waiting.retain(|p| *p != page),
            Ok(_) => {}
            Err(_) => return Err(format!("pages {waiting:?} did not load")),
        }
    }
    let read = |page: PageId| -> Result<Value, String> {
        handle
            .run_script(
                page,
                r#"return {
                    result: document.getElementById("result").textContent,
                    inlineRan: window.inlineRan === true,
                };"#,
                TIMEOUT,
            )
            .map_err(|error| error.to_string())
    };
    // Inline scripts stay blocked under both policies: the app allowed eval, nothing more.
    let checks = [
        (
            "with 'unsafe-eval'",
            eval_page,
            json!({"result": "42", "inlineRan": false}),
        ),
        (
            "under the default policy",
            default_page,
            json!({"result": "EvalError", "inlineRan": false}),
        ),
    ];
    for (what, page, want) in checks {
        let got = read(page)?;
        if got != want {
            return Err(format!("{what}: got {got}, want {want}"));
        }
    }
    Ok(())
}
