//! A host app embedding the container in the real webview: it registers its own API as a
//! closure, opens an app, sends native events and drives the page from another thread.
//!
//! GTK must own the main thread, so this test has its own `main` (`harness = false`). With
//! no display it re-runs itself under a private Xvfb.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use capsule_jsapi::{Permission, Registry};
use capsule_runtime::{
    App, Container, ContainerEvent, VirtualDisplay, WryHandle, WryHost, WryHostOptions,
};
use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(60);

fn main() -> ExitCode {
    let has_display = std::env::var_os("DISPLAY").is_some_and(|value| !value.is_empty());
    if !has_display {
        return rerun_under_xvfb();
    }
    let dir = fixture_app();
    let mut registry = Registry::with_builtins();
    registry.register_fn("host.greet", Permission::custom("host"), |call| {
        let name = call.args["name"].as_str().unwrap_or("nobody");
        Ok(json!({"greeting": format!("hello, {name}"), "app": call.caller.app_id}))
    });
    let host = WryHost::new(WryHostOptions {
        title: "embedding test".into(),
    });
    let handle = host.handle();
    let container = Container::builder()
        .registry(registry)
        .build(Arc::new(handle.clone()));
    let events = container.subscribe();
    let app = App::open_dir(dir.path()).expect("fixture app");
    let page = container.open(app).expect("opens");

    let driver_container = container.clone();
    let driver = std::thread::spawn(move || {
        let outcome = drive(&handle, &driver_container, &events, page);
        handle.exit(i32::from(outcome.is_err()));
        outcome
    });
    let code = host.run(&container);
    match driver.join().expect("driver thread") {
        Ok(()) if code == 0 => {
            println!("test embedding ... ok");
            ExitCode::SUCCESS
        }
        Ok(()) => {
            eprintln!("embedding: host exited with {code}");
            ExitCode::FAILURE
        }
        Err(message) => {
            eprintln!("embedding: FAILED: {message}");
            ExitCode::FAILURE
        }
    }
}

fn drive(
    handle: &WryHandle,
    container: &Container,
    events: &std::sync::mpsc::Receiver<ContainerEvent>,
    page: capsule_runtime::PageId,
) -> Result<(), String> {
    loop {
        match events.recv_timeout(TIMEOUT) {
            Ok(ContainerEvent::PageLoaded(loaded)) if loaded == page => break,
            Ok(_) => {}
            Err(_) => return Err("the page did not load".into()),
        }
    }
    let run = |script: &str| -> Result<Value, String> {
        handle
            .run_script(page, script, TIMEOUT)
            .map_err(|error| error.to_string())
    };
    let check = |what: &str, got: Value, want: Value| -> Result<(), String> {
        if got == want {
            Ok(())
        } else {
            Err(format!("{what}: got {got}, want {want}"))
        }
    };

    let greeting = run(r#"return await CapsuleJSBridge.call("host.greet", { name: "page" });"#)?;
    check(
        "host API",
        greeting,
        json!({"greeting": "hello, page", "app": "embed-fixture"}),
    )?;

    // The page listens for native events; the host sends them.
    run(r#"
        window.seen = [];
        for (const name of ["resume", "pause", "back"]) {
            document.addEventListener(name, (event) => {
                window.seen.push({ name, data: event.data, detail: event.detail });
                if (name === "back") event.preventDefault();
            });
        }
        return null;
    "#)?;
    container.send_event(page, "pause", json!({}));
    container.send_event(page, "resume", json!({"query": {"from": "push"}}));
    container.send_event(page, "back", Value::Null);
    let seen = run(r#"
        for (let i = 0; i < 100 && window.seen.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
        return { seen: window.seen, href: location.href };
    "#)?;
    check(
        "native events",
        seen,
        json!({
            "seen": [
                {"name": "pause", "data": {}, "detail": {}},
                {"name": "resume", "data": {"query": {"from": "push"}}, "detail": {"query": {"from": "push"}}},
                {"name": "back", "data": null, "detail": null},
            ],
            "href": "capsule://embed-fixture/index.html",
        }),
    )?;

    let ready = run("return window.readyEvents;")?;
    check(
        "ready events",
        ready,
        json!(["CapsuleJSBridgeReady", "AlipayJSBridgeReady"]),
    )?;

    // Console output reaches the host.
    run(r#"console.warn("from the page", { n: 1 }); return null;"#)?;
    loop {
        match events.recv_timeout(TIMEOUT) {
            Ok(ContainerEvent::Console { level, message, .. }) if level == "warn" => {
                return check("console", json!(message), json!(r#"from the page {"n":1}"#));
            }
            Ok(_) => {}
            Err(_) => return Err("no console event".into()),
        }
    }
}

fn fixture_app() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = json!({
        "appId": "embed-fixture", "name": "Embed fixture", "version": "1.0.0",
        "kind": "h5", "entry": "index.html", "permissions": { "apis": ["host"] },
    });
    std::fs::write(dir.path().join("manifest.json"), manifest.to_string()).expect("manifest");
    std::fs::write(
        dir.path().join("index.html"),
        r#"<!doctype html><title>embed</title><script src="ready.js"></script><p>embedded</p>"#,
    )
    .expect("page");
    std::fs::write(
        dir.path().join("ready.js"),
        r#"window.readyEvents = [];
        for (const name of ["CapsuleJSBridgeReady", "AlipayJSBridgeReady"]) {
            document.addEventListener(name, () => window.readyEvents.push(name));
        }"#,
    )
    .expect("script");
    dir
}

fn rerun_under_xvfb() -> ExitCode {
    let display = VirtualDisplay::start(1024, 768).expect("Xvfb starts");
    let status = std::process::Command::new(std::env::current_exe().expect("own path"))
        .env("DISPLAY", display.name())
        .env_remove("WAYLAND_DISPLAY")
        .status()
        .expect("re-runs itself");
    if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
