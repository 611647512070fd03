//! End-to-end: a signed package of the H5 demo, installed with the `capsule` binary, runs in
//! the real WebKitGTK window (under its own Xvfb); tampered files are refused in the page;
//! `--signed-only` refuses unsigned folders.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};

/// Relative to the package root, which is where cargo runs tests.
const DEMO: &str = "../../examples/h5-demo";

/// Waits for the demo's own script to fill in the device info, then reports what ran.
const PROBE: &str = r#"
    for (let i = 0; i < 100 && !document.getElementById("system-info").textContent; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const script = await fetch(location.origin + "/app.js");
    return {
        origin: location.origin,
        bridge: document.getElementById("bridge-status").textContent,
        deviceShown: document.getElementById("system-info").textContent.includes("iPhone 8"),
        styled: getComputedStyle(document.body).fontFamily !== "",
        appJsStatus: script.status,
    };
"#;

fn capsule(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capsule"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("CAPSULE_DATA_DIR")
        .output()
        .expect("capsule runs")
}

fn ok(output: Output) -> String {
    let Output {
        status,
        stdout,
        stderr,
    } = output;
    assert!(
        status.success(),
        "capsule failed: {}\n{}",
        String::from_utf8_lossy(&stdout),
        String::from_utf8_lossy(&stderr)
    );
    String::from_utf8(stdout).expect("UTF-8 output")
}

/// Runs `capsule run <app> --exec PROBE` and returns the probe's value.
fn probe(dir: &Path, app: &str) -> Value {
    let script = dir.join("probe.js");
    std::fs::write(&script, PROBE).expect("script");
    let shot = dir.join("shot.png");
    let data_dir = dir.join("data");
    let stdout = ok(capsule(
        &data_dir,
        &[
            "run",
            app,
            "--exec",
            script.to_str().expect("utf-8"),
            "--screenshot",
            shot.to_str().expect("utf-8"),
        ],
    ));
    let json_end = stdout.rfind("\nscreenshot: ").expect("screenshot line");
    serde_json::from_str(&stdout[..json_end]).expect("the probe's JSON")
}

#[test]
fn an_installed_package_runs_in_the_window_and_tampering_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data_dir = dir.path().join("data");
    let key = dir.path().join("publisher.key");
    let package = dir.path().join("h5-demo.capsule");
    let path = |p: &Path| p.to_str().expect("utf-8").to_owned();
    ok(capsule(&data_dir, &["keygen", "-o", &path(&key)]));
    ok(capsule(
        &data_dir,
        &["pack", DEMO, "--key", &path(&key), "-o", &path(&package)],
    ));
    ok(capsule(
        &data_dir,
        &["trust", &format!("{}.pub", path(&key))],
    ));
    let installed = ok(capsule(&data_dir, &["install", &path(&package)]));
    assert!(installed.contains("installed h5-demo 1.0.0"), "{installed}");

    let expected = json!({
        "origin": "capsule://h5-demo", "bridge": "JSBridge ready", "deviceShown": true,
        "styled": true, "appJsStatus": 200,
    });
    assert_eq!(probe(dir.path(), "h5-demo"), expected, "installed app id");
    assert_eq!(probe(dir.path(), &path(&package)), expected, "package file");

    let app_js = std::fs::read_dir(data_dir.join("apps/h5-demo"))
        .expect("app folder")
        .next()
        .expect("a version")
        .expect("entry")
        .path()
        .join("app.js");
    std::fs::write(&app_js, "document.title = 'tampered';").expect("tamper");
    let tampered = probe(dir.path(), "h5-demo");
    assert_eq!(tampered["appJsStatus"], 403, "{tampered}");
    assert_eq!(tampered["deviceShown"], false, "{tampered}");
    assert_ne!(tampered["bridge"], "JSBridge ready", "{tampered}");
}

#[test]
fn signed_only_refuses_an_unsigned_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = capsule(&dir.path().join("data"), &["run", DEMO, "--signed-only"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unsigned app folder"), "{stderr}");
}

/// Writes a one-page H5 app `app_id` (declaring the window APIs and `startApp`) in `dir`.
fn write_h5_app(dir: &Path, app_id: &str) {
    std::fs::create_dir_all(dir).expect("app folder");
    let manifest = json!({
        "appId": app_id, "name": app_id, "version": "1.0.0", "kind": "h5",
        "entry": "index.html", "permissions": {"apis": ["window", "startApp"]},
    });
    std::fs::write(dir.join("manifest.json"), manifest.to_string()).expect("manifest");
    std::fs::write(dir.join("index.html"), "<title>Home</title><p>home</p>").expect("page");
    std::fs::write(dir.join("story.html"), "<title>Story</title><p>story</p>").expect("page");
}

#[test]
fn an_installed_h5_app_starts_another_installed_app() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data_dir = dir.path().join("data");
    let path = |p: &Path| p.to_str().expect("utf-8").to_owned();
    let key = dir.path().join("publisher.key");
    ok(capsule(&data_dir, &["keygen", "-o", &path(&key)]));
    ok(capsule(
        &data_dir,
        &["trust", &format!("{}.pub", path(&key))],
    ));
    for app in ["h5-portal", "h5-news"] {
        let folder = dir.path().join(app);
        write_h5_app(&folder, app);
        let package = dir.path().join(format!("{app}.capsule"));
        ok(capsule(
            &data_dir,
            &[
                "pack",
                &path(&folder),
                "--key",
                &path(&key),
                "-o",
                &path(&package),
            ],
        ));
        ok(capsule(&data_dir, &["install", &path(&package)]));
    }
    // The portal opens the news app at a page of it, then asks for one that is not there.
    let script = dir.path().join("start.js");
    std::fs::write(
        &script,
        r#"
        const started = await AlipayJSBridge.call("startApp", {appId: "h5-news", param: {url: "story.html"}});
        const missing = await new Promise((resolve) =>
            AlipayJSBridge.call("startApp", {appId: "h5-weather"}, resolve));
        return {started, missing: missing.error};
        "#,
    )
    .expect("script");
    let output = Command::new(env!("CARGO_BIN_EXE_capsule"))
        .args([
            "run",
            "h5-portal",
            "--exec",
            &path(&script),
            "--data-dir",
            &path(&data_dir),
        ])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("CAPSULE_LOG", "info")
        .output()
        .expect("capsule runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let value: Value = serde_json::Deserializer::from_str(&stdout)
        .into_iter()
        .next()
        .and_then(Result::ok)
        .unwrap_or_else(|| panic!("the script's JSON first: {stdout}"));
    assert_eq!(value, json!({"started": {"success": true}, "missing": 10}));
    assert!(
        stderr.contains("capsule://h5-news/story.html") && stderr.contains("started an app"),
        "the news app's page opened: {stderr}"
    );
}
