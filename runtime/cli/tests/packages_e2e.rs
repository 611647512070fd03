//! End-to-end: a signed package of the H5 demo, installed with the `capsule` binary, runs in
//! the real WebKitGTK window (under its own Xvfb); a tampered file stops the app with a
//! notice naming it in place of the page, and `capsule run` fails; a mini-program with a tampered module stops with an error naming it, headless and in the
//! window, and `capsule run` fails; `--signed-only` refuses unsigned folders.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};

mod cli_support;
use cli_support::read_png;

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
    assert_eq!(notice_pixels(&dir.path().join("shot.png")), 0);
    std::fs::write(&app_js, "document.title = 'tampered';").expect("tamper");
    // The app stops as its page asks for the file: the window shows why, the log and the
    // command say it, and the run fails.
    let shot = dir.path().join("stopped.png");
    let output = capsule(&data_dir, &["run", "h5-demo", "--screenshot", &path(&shot)]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let refusal = "its file app.js was refused: the file does not match its signed SHA-256";
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(
        errors,
        [format!("error: H5 app h5-demo was stopped: {refusal}")],
        "{stderr}"
    );
    assert!(
        stderr
            .lines()
            .any(|l| l.contains(" ERROR ") && l.contains(refusal)),
        "{stderr}"
    );
    assert!(
        notice_pixels(&shot) > 5000,
        "no notice in {}",
        shot.display()
    );
}

/// The pixels of a screenshot in the notice's pink, which the demo never shows.
fn notice_pixels(shot: &Path) -> usize {
    let (_, _, pixels) = read_png(shot);
    pixels
        .iter()
        .filter(|pixel| **pixel == (0xff, 0xf2, 0xf2))
        .count()
}

/// Writes a one-page WeChat mini-program whose page script requires a module of the app.
fn write_mini_program(dir: &Path) {
    std::fs::create_dir_all(dir.join("pages/index")).expect("page folder");
    std::fs::create_dir_all(dir.join("utils")).expect("utils folder");
    let manifest = json!({
        "appId": "signed.mini", "name": "Signed", "version": "1.0.0", "kind": "miniprogram",
        "dialect": "wechat", "entry": "app.json", "permissions": {"apis": []},
    });
    let files = [
        ("manifest.json", manifest.to_string()),
        ("app.json", r#"{"pages": ["pages/index/index"]}"#.to_owned()),
        ("app.js", "App({});".to_owned()),
        (
            "utils/greeting.js",
            "module.exports = { greet: (name) => 'hello ' + name };".to_owned(),
        ),
        (
            "pages/index/index.js",
            "const { greet } = require('../../utils/greeting.js');\n\
             Page({ data: { text: greet('signed') } });"
                .to_owned(),
        ),
        (
            "pages/index/index.wxml",
            "<text class=\"greeting\">{{text}}</text>".to_owned(),
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("app file");
    }
}

#[test]
fn an_installed_mini_program_with_a_tampered_file_stops_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data_dir = dir.path().join("data");
    let (source, key) = (dir.path().join("source"), dir.path().join("publisher.key"));
    let package = dir.path().join("signed.capsule");
    let path = |p: &Path| p.to_str().expect("utf-8").to_owned();
    write_mini_program(&source);
    ok(capsule(&data_dir, &["keygen", "-o", &path(&key)]));
    ok(capsule(
        &data_dir,
        &[
            "pack",
            &path(&source),
            "--key",
            &path(&key),
            "-o",
            &path(&package),
        ],
    ));
    ok(capsule(
        &data_dir,
        &["trust", &format!("{}.pub", path(&key))],
    ));
    ok(capsule(&data_dir, &["install", &path(&package)]));
    let shown = ok(capsule(&data_dir, &["run", "signed.mini", "--headless"]));
    assert!(shown.contains("hello signed"), "{shown}");

    let module = std::fs::read_dir(data_dir.join("apps/signed.mini"))
        .expect("app folder")
        .next()
        .expect("a version")
        .expect("entry")
        .path()
        .join("utils/greeting.js");
    std::fs::write(&module, "module.exports = { greet: () => 'tampered' };").expect("tamper");
    let refusal =
        "its file utils/greeting.js was refused: the file does not match its signed SHA-256";
    let shot = dir.path().join("stopped.png");
    for window in [false, true] {
        let mut args = vec!["run", "signed.mini"];
        let shot_path = path(&shot);
        if window {
            args.extend(["--screenshot", &shot_path]);
        } else {
            args.push("--headless");
        }
        let output = capsule(&data_dir, &args);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let all = format!("{stdout}\n{stderr}");
        assert_eq!(output.status.code(), Some(1), "window {window}: {all}");
        // One line says it, and the log has it.
        let stops: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(
            stops,
            [format!(
                "error: mini-program signed.mini was stopped: {refusal}"
            )],
            "window {window}: {all}"
        );
        let logged = stderr
            .lines()
            .filter(|l| l.contains(" ERROR ") && l.contains(refusal))
            .count();
        assert_eq!(logged, 1, "window {window}: {all}");
        // The cause, never what a missing module would make of it.
        for hidden in ["TypeError", "not found", "tampered", "hello"] {
            assert!(!all.contains(hidden), "window {window}: {all}");
        }
        if window {
            assert!(shot.is_file(), "{all}");
        } else {
            assert!(
                stdout.contains(&format!("This mini-program was stopped: {refusal}.")),
                "{all}"
            );
        }
    }
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
