//! End-to-end tests: the `capsule` binary renders apps in the real WebKitGTK webview, each
//! under its own virtual display (Xvfb), and scripts in the page report back what happened.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

/// Relative to the package root, which is where cargo runs tests.
const DEMO: &str = "../../examples/h5-demo";

/// Runs `capsule run <app> <extra...>` with no display, so it starts its own.
fn capsule_run(app: &Path, extra: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_capsule"))
        .arg("run")
        .arg(app)
        .args(extra)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("CAPSULE_LOG", "info")
        .output()
        .expect("capsule runs");
    assert!(
        output.status.success(),
        "capsule failed: {}\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Runs `script` in the app's page and returns its value and the log.
fn exec(app: &Path, script: &str) -> (Value, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let script_path = dir.path().join("script.js");
    std::fs::write(&script_path, script).expect("script");
    let screenshot = dir.path().join("shot.png");
    let output = capsule_run(
        app,
        &[
            "--exec",
            script_path.to_str().expect("utf-8 path"),
            "--screenshot",
            screenshot.to_str().expect("utf-8 path"),
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let json_end = stdout.rfind("\nscreenshot: ").expect("screenshot line");
    let value = serde_json::from_str(&stdout[..json_end]).expect("the script's JSON value");
    (value, String::from_utf8_lossy(&output.stderr).into_owned())
}

/// Writes a one-page H5 app into a temporary folder.
fn fixture_app(apis: &[&str], files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = json!({
        "appId": "e2e-fixture", "name": "E2E fixture", "version": "1.0.0",
        "kind": "h5", "entry": "index.html", "permissions": { "apis": apis },
    });
    std::fs::write(dir.path().join("manifest.json"), manifest.to_string()).expect("manifest");
    for (path, text) in files {
        std::fs::write(dir.path().join(path), text).expect("file");
    }
    dir
}

#[test]
fn demo_page_calls_apis_through_the_bridge() {
    let script = r#"
        const info = await CapsuleJSBridge.call("getSystemInfo");
        await AlipayJSBridge.call("setClipboard", { text: "from the page" });
        const toast = await new Promise((resolve) =>
            AlipayJSBridge.call("showToast", { content: "Saved", type: "success" }, resolve));
        const toastShown = !!document.querySelector("capsule-ui").shadowRoot.textContent.includes("Saved");
        const denied = await new Promise((resolve) => AlipayJSBridge.call("getClipboard", resolve));
        const unknown = await new Promise((resolve) => AlipayJSBridge.call("teleport", {}, resolve));
        const badParam = await CapsuleJSBridge.call("setClipboard", { text: 42 }).catch((e) => ({ name: e.name, error: e.error }));
        return {
            model: info.model, windowWidth: info.windowWidth, toast, toastShown,
            denied: denied.error, unknown: unknown.error, badParam,
            sameBridge: window.AlipayJSBridge === window.CapsuleJSBridge,
            demoShowedInfo: document.getElementById("system-info").textContent.includes("iPhone 8"),
        };
    "#;
    let (value, log) = exec(Path::new(DEMO), script);
    assert_eq!(
        value,
        json!({
            "model": "iPhone 8", "windowWidth": 375, "toast": {}, "toastShown": true,
            "denied": 4, "unknown": 1, "badParam": {"name": "CapsuleBridgeError", "error": 2},
            "sameBridge": true, "demoShowedInfo": true,
        })
    );
    assert!(
        log.contains(r#"api="setClipboard""#),
        "API calls are logged: {log}"
    );
}

#[test]
fn alert_waits_for_the_button_tap() {
    let script = r#"
        const answered = AlipayJSBridge.call("alert", { title: "Hi", content: "Tap me", buttonText: "Done" });
        let settled = false;
        answered.then(() => { settled = true; });
        let button = null;
        for (let i = 0; i < 100 && !button; i++) {
            await new Promise((resolve) => setTimeout(resolve, 20));
            const ui = document.querySelector("capsule-ui");
            button = ui && ui.shadowRoot.querySelector("button");
        }
        const settledBeforeTap = settled;
        const label = button.textContent;
        button.click();
        return { settledBeforeTap, label, result: await answered };
    "#;
    let (value, _) = exec(Path::new(DEMO), script);
    assert_eq!(
        value,
        json!({"settledBeforeTap": false, "label": "Done", "result": {}})
    );
}

#[test]
fn protocol_refuses_traversal_and_missing_files() {
    let script = r#"
        const status = (url) => fetch(url).then((response) => response.status, (error) => error.name);
        const urls = [
            "capsule://h5-demo/style.css",
            "capsule://h5-demo/missing.css",
            "capsule://h5-demo/%2e%2e/%2e%2e/Cargo.toml",
            "capsule://h5-demo/..%2fmanifest.json",
            "capsule://h5-demo/%2fetc%2fpasswd",
            "capsule://h5-demo/..%5c..%5cCargo.toml",
            "capsule://h5-demo/C:%5cWindows%5cwin.ini",
            "capsule://other-app/index.html",
        ];
        const statuses = {};
        for (const url of urls) statuses[url] = await status(url);
        const css = await fetch("capsule://h5-demo/style.css");
        return { statuses, cssType: css.headers.get("content-type") };
    "#;
    let (value, _) = exec(Path::new(DEMO), script);
    let statuses = &value["statuses"];
    assert_eq!(statuses["capsule://h5-demo/style.css"], 200);
    // Another app's files are another origin: the page cannot read them at all.
    assert_eq!(statuses["capsule://other-app/index.html"], "TypeError");
    for (url, status) in statuses.as_object().expect("object") {
        if url.starts_with("capsule://h5-demo/") && !url.ends_with("style.css") {
            assert_eq!(status, 404, "{url}");
        }
    }
    assert_eq!(value["cssType"], "text/css; charset=utf-8");
}

#[test]
fn csp_blocks_inline_scripts_and_navigation_stays_in_the_app() {
    let app = fixture_app(
        &["system"],
        &[
            (
                "index.html",
                r#"<!doctype html><html><head><title>fixture</title>
                <script>window.inlineRan = true;</script>
                <script src="page.js"></script></head><body><p id="p">fixture</p></body></html>"#,
            ),
            ("page.js", "window.externalRan = true;"),
            (
                "other.html",
                "<!doctype html><title>other</title><p>other page</p>",
            ),
        ],
    );
    let script = r#"
        const evalBlocked = (() => { try { eval("1"); return false; } catch (e) { return true; } })();
        const frame = document.createElement("iframe");
        frame.src = "https://evil.example/";
        document.body.append(frame);
        location.href = "https://evil.example/";
        await new Promise((resolve) => setTimeout(resolve, 500));
        return {
            inlineRan: window.inlineRan === true,
            externalRan: window.externalRan === true,
            evalBlocked,
            href: location.href,
        };
    "#;
    let (value, log) = exec(app.path(), script);
    assert_eq!(
        value,
        json!({
            "inlineRan": false, "externalRan": true, "evalBlocked": true,
            "href": "capsule://e2e-fixture/index.html",
        })
    );
    assert!(
        log.contains("navigation blocked") && log.contains("https://evil.example/"),
        "blocked navigation is reported: {log}"
    );
}

/// An app whose own csp relaxes what the host does not allow is refused before a window (or
/// a virtual display) opens, with the reason and how the host could allow it.
#[test]
fn run_refuses_an_app_whose_csp_goes_beyond_the_host() {
    let app = fixture_app(&[], &[("index.html", "<p>never shown</p>")]);
    let manifest = json!({
        "appId": "e2e-fixture", "name": "E2E fixture", "version": "1.0.0",
        "kind": "h5", "entry": "index.html",
        "csp": "default-src 'self'; script-src 'self' 'unsafe-inline'",
    });
    std::fs::write(app.path().join("manifest.json"), manifest.to_string()).expect("manifest");
    let output = Command::new(env!("CARGO_BIN_EXE_capsule"))
        .arg("run")
        .arg(app.path())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("CAPSULE_LOG", "info")
        .output()
        .expect("capsule runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "error: app e2e-fixture: its csp allows 'unsafe-inline' in script-src: inline \
             scripts and event handler attributes would run"
        ) && stderr.contains("HostPolicy::csp_cap(CspCap { inline_scripts: true"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("virtual"),
        "no display was started: {stderr}"
    );
}

#[test]
fn demo_screenshot_shows_the_rendered_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path: PathBuf = dir.path().join("demo.png");
    let output = capsule_run(
        Path::new(DEMO),
        &[
            "--device",
            "pixel-5",
            "--screenshot",
            path.to_str().expect("utf-8"),
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!("screenshot: {}", path.display())),
        "{stdout}"
    );

    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&path).expect("screenshot written"),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).expect("decodes");
    assert_eq!(
        (frame.width, frame.height),
        (393, 851),
        "pixel-5 window size"
    );
    let channels = frame.color_type.samples();
    let pixel = |x: u32, y: u32| {
        let at = (y * frame.width + x) as usize * channels;
        (pixels[at], pixels[at + 1], pixels[at + 2])
    };
    // The window's title bar (48 px high on an Android device) is white; under it, the
    // page's header is the demo's blue, its background light grey.
    let (red, green, blue) = pixel(5, 5);
    assert!(
        red > 240 && green > 240 && blue > 240,
        "title bar colour {:?}",
        (red, green, blue)
    );
    let (red, green, blue) = pixel(5, 48 + 5);
    assert!(
        blue > 200 && red < 60 && green > 80 && green < 160,
        "header colour {:?}",
        (red, green, blue)
    );
    let (red, green, blue) = pixel(2, 400);
    assert!(
        red > 220 && green > 220 && blue > 220,
        "background colour {:?}",
        (red, green, blue)
    );
    // Text was drawn: anti-aliased glyphs give many distinct colours.
    let mut colours = std::collections::HashSet::new();
    for y in (0..frame.height).step_by(3) {
        for x in (0..frame.width).step_by(3) {
            colours.insert(pixel(x, y));
        }
    }
    assert!(
        colours.len() > 50,
        "only {} colours: is the page blank?",
        colours.len()
    );
}
