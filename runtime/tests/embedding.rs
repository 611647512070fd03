//! A host app embedding the container in the real webview: it registers its own API as a
//! closure, opens an app, sends native events, sends it to the background and back, and
//! drives the page from another thread.
//!
//! A window test (see `window_support`).

use std::process::ExitCode;
use std::sync::Arc;

mod window_support;

use capsule_jsapi::{Permission, Registry};
use capsule_runtime::{App, Container, ContainerEvent, WryHandle};
use serde_json::{Value, json};
use window_support::TIMEOUT;

fn main() -> ExitCode {
    let dir = fixture_app();
    let mut registry = Registry::with_builtins();
    registry.register_fn("host.greet", Permission::custom("host"), |call| {
        let name = call.args["name"].as_str().unwrap_or("nobody");
        Ok(json!({"greeting": format!("hello, {name}"), "app": call.caller.app_id}))
    });
    window_support::run("embedding", (1024, 768), |handle| {
        let container = Container::builder()
            .registry(registry)
            .build(Arc::new(handle.clone()));
        let events = container.subscribe();
        let app = App::open_dir(dir.path()).expect("fixture app");
        let page = container.open(app).expect("opens");
        let (handle, driving) = (handle.clone(), container.clone());
        let driver: window_support::Driver =
            Box::new(move || drive(&handle, &driving, &events, page));
        (container, driver)
    })
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

    // The simulator's home key sends the app to the background: the page hears `pause`, the
    // window shows the home screen, the host hears `Backgrounded`; the host brings it back.
    run(r#"
        window.seen = [];
        window.dispatchEvent(new KeyboardEvent("keydown", { key: "H", ctrlKey: true, shiftKey: true }));
        return null;
    "#)?;
    loop {
        match events.recv_timeout(TIMEOUT) {
            Ok(ContainerEvent::Backgrounded(left)) if left == page => break,
            Ok(_) => {}
            Err(_) => return Err("the home key did not send the app to the background".into()),
        }
    }
    let home = r#"
        for (let i = 0; i < 100 && window.seen.length < WANTED; i++) await new Promise((r) => setTimeout(r, 10));
        const ui = document.querySelector("capsule-ui");
        const screen = ui && ui.shadowRoot.querySelector(".home");
        return { seen: window.seen.map((e) => e.name), home: screen ? screen.textContent : null };
    "#;
    check(
        "home key",
        run(&home.replace("WANTED", "1"))?,
        json!({"seen": ["pause"], "home": "The app is in the backgroundClick or press Ctrl+Shift+H to come back"}),
    )?;
    if container.set_background(page, true) {
        return Err("an app in the background was sent there again".into());
    }
    if !container.set_background(page, false) {
        return Err("the app did not come back".into());
    }
    check(
        "back from the home screen",
        run(&home.replace("WANTED", "2"))?,
        json!({"seen": ["pause", "resume"], "home": null}),
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
