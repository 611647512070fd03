//! End-to-end: H5 pages in the real webview call the native storage, network, file, scan and UI
//! APIs through the JSBridge, each run under its own virtual display.

#[path = "../../../tests/tests/support/http.rs"]
#[allow(dead_code, unreachable_pub)]
mod http;

mod cli_support;

use std::path::Path;
use std::process::Command;

use cli_support::write_qr_png;
use serde_json::{Value, json};

/// Runs `script` in the page of the app in `app` with `env` set, and returns its value.
fn exec(app: &Path, script: &str, env: &[(&str, &Path)]) -> Value {
    exec_with(app, script, env, &[])
}

/// [`exec`] with extra `capsule run` arguments.
fn exec_with(app: &Path, script: &str, env: &[(&str, &Path)], args: &[&std::ffi::OsStr]) -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let script_path = dir.path().join("script.js");
    std::fs::write(&script_path, script).expect("script");
    let screenshot = dir.path().join("shot.png");
    let mut command = Command::new(env!("CARGO_BIN_EXE_capsule"));
    command
        .arg("run")
        .arg(app)
        .arg("--exec")
        .arg(&script_path)
        .arg("--screenshot")
        .arg(&screenshot)
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("CAPSULE_LOG", "info");
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().expect("capsule runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "capsule failed: {}\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let json_end = stdout.rfind("\nscreenshot: ").expect("screenshot line");
    serde_json::from_str(&stdout[..json_end]).expect("the script's JSON value")
}

/// An H5 app `app_id` declaring `apis` and `domains`.
fn app(app_id: &str, apis: &[&str], domains: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = json!({
        "appId": app_id, "name": app_id, "version": "1.0.0", "kind": "h5",
        "entry": "index.html", "permissions": { "apis": apis, "domains": domains },
    });
    std::fs::write(dir.path().join("manifest.json"), manifest.to_string()).expect("manifest");
    std::fs::write(dir.path().join("index.html"), "<!doctype html><p>jsapi</p>").expect("page");
    dir
}

/// A promise-returning bridge call that resolves to the result or to `{error, errorMessage}`.
const CALL: &str = r#"
    const call = (api, params) => new Promise((resolve) => AlipayJSBridge.call(api, params, resolve));
"#;

#[test]
fn storage_from_pages_persists_and_stays_per_app() {
    let data = tempfile::tempdir().expect("data home");
    let env = [("XDG_DATA_HOME", data.path())];
    let writer = app("e2e-store-a", &["storage"], &[]);
    let first = exec(
        writer.path(),
        &format!(
            "{CALL}
            const set = await call('setStorage', {{ key: 'profile', data: {{ name: 'Ann', n: 3 }} }});
            const same = await call('getStorageSync', {{ key: 'profile' }});
            const tooBig = await call('setStorageSync', {{ key: 'big', data: 'x'.repeat(300 * 1024) }});
            const when = new Date(Date.UTC(2024, 1, 29, 12, 34, 56, 789));
            await call('setStorage', {{ key: 'typed', data: {{ when, bytes: new Uint8Array([1, 2, 255]) }} }});
            const typed = (await call('getStorage', {{ key: 'typed' }})).data;
            return {{
                set, same, tooBig: tooBig.error,
                date: typed.when instanceof Date && typed.when.getTime() === when.getTime(),
                bytes: typed.bytes instanceof ArrayBuffer && Array.from(new Uint8Array(typed.bytes)),
            }};"
        ),
        &env,
    );
    assert_eq!(
        first,
        json!({
            "set": {}, "same": {"data": {"name": "Ann", "n": 3}}, "tooBig": 14,
            "date": true, "bytes": [1, 2, 255],
        })
    );
    let again = exec(
        writer.path(),
        &format!("{CALL} return await call('getStorage', {{ key: 'profile' }});"),
        &env,
    );
    assert_eq!(
        again,
        json!({"data": {"name": "Ann", "n": 3}}),
        "kept across runs"
    );
    let other = app("e2e-store-b", &["storage"], &[]);
    let isolated = exec(
        other.path(),
        &format!(
            "{CALL}
            const read = await call('getStorage', {{ key: 'profile' }});
            const info = await call('getStorageInfo', {{}});
            return {{ read, keys: info.keys }};"
        ),
        &env,
    );
    assert_eq!(isolated, json!({"read": {"data": null}, "keys": []}));
    assert!(data.path().join("capsule/storage.sqlite3").is_file());
}

#[test]
fn network_and_files_from_a_page() {
    let data = tempfile::tempdir().expect("data home");
    let ca = http::TestCa::new();
    let ca_file = data.path().join("test-ca.pem");
    std::fs::write(&ca_file, &ca.root_pem).expect("CA file");
    let server = http::TestServer::https(&ca);
    let page_app = app(
        "e2e-net",
        &["network", "files", "scan", "system"],
        &[&server.origin],
    );
    let script = format!(
        "{CALL}
        const echo = await call('request', {{ url: '{echo}', method: 'POST', data: {{ from: 'page' }} }});
        const refused = await call('request', {{ url: 'https://example.com/' }});
        const progress = [];
        document.addEventListener('taskProgress', (event) => progress.push(event.data.progress));
        const download = await call('downloadFile', {{ url: '{bytes}', taskId: 'd1' }});
        const read = await call('readFile', {{ filePath: download.apFilePath, encoding: 'hex' }});
        const escape = await call('readFile', {{ filePath: 'https://usr/../../storage.sqlite3' }});
        const bluetooth = await call('openBluetoothAdapter', {{}});
        return {{
            status: echo.status, body: echo.data.body, refused: refused.error,
            downloaded: read.data, progress: progress[progress.length - 1],
            escape: escape.error,
            bluetooth: bluetooth.errorMessage.startsWith('not supported'),
        }};",
        echo = server.url("/echo"),
        bytes = server.url("/bytes/4"),
    );
    let value = exec(
        page_app.path(),
        &script,
        &[("XDG_DATA_HOME", data.path()), ("SSL_CERT_FILE", &ca_file)],
    );
    assert_eq!(
        value,
        json!({
            "status": 200, "body": r#"{"from":"page"}"#, "refused": 11,
            "downloaded": "00010203", "progress": 100, "escape": 2, "bluetooth": true,
        })
    );
}

#[test]
fn simulator_scans_the_scan_image() {
    let dir = tempfile::tempdir().expect("tempdir");
    let code = dir.path().join("code.png");
    write_qr_png("capsule-scan-e2e", &code);
    let app = app("scan-e2e", &["scan"], &[]);
    let data = tempfile::tempdir().expect("data dir");
    let script = format!("{CALL} return await call('scan', {{ type: 'qr' }});");
    let value = exec_with(
        app.path(),
        &script,
        &[("CAPSULE_DATA_DIR", data.path())],
        &["--scan-image".as_ref(), code.as_os_str()],
    );
    assert_eq!(value["code"], "capsule-scan-e2e", "{value}");
}

#[test]
fn simulator_scans_camera_frames_in_a_preview_sheet() {
    let frames = tempfile::tempdir().expect("tempdir");
    // Two seconds of an empty view (10 frames a second), then the code.
    for index in 0..20 {
        image::GrayImage::from_pixel(200, 150, image::Luma([255]))
            .save(frames.path().join(format!("{index:04}.png")))
            .expect("PNG written");
    }
    write_qr_png("capsule-camera-e2e", &frames.path().join("0020.png"));
    let app = app("camera-e2e", &["scan"], &[]);
    let data = tempfile::tempdir().expect("data dir");
    // Looks at the sheet while the scan runs, then at what is left once it has resolved.
    let script = format!(
        r#"{CALL}
        const shadow = () => {{ const ui = document.querySelector("capsule-ui"); return ui && ui.shadowRoot; }};
        const scanned = call('scan', {{ type: 'qr' }});
        let seen = null;
        for (let i = 0; i < 250 && !seen; i++) {{
            const sheet = shadow() && shadow().querySelector(".camera");
            const frame = sheet && sheet.querySelector("img.preview");
            if (frame && frame.src.startsWith("data:image/jpeg;base64,") && frame.naturalWidth > 0) {{
                seen = {{ title: sheet.querySelector(".title").textContent, width: frame.naturalWidth }};
            }} else {{
                await new Promise((resolve) => setTimeout(resolve, 20));
            }}
        }}
        const result = await scanned;
        return {{ seen, result, left: Boolean(shadow().querySelector(".camera")) }};
        "#
    );
    let value = exec_with(
        app.path(),
        &script,
        &[("CAPSULE_DATA_DIR", data.path())],
        &["--camera-frames".as_ref(), frames.path().as_os_str()],
    );
    assert_eq!(
        value["seen"]["title"], "Scan: aim the camera at the code",
        "{value}"
    );
    assert_eq!(value["seen"]["width"], 200, "{value}");
    assert_eq!(value["result"]["code"], "capsule-camera-e2e", "{value}");
    assert_eq!(value["left"], false, "the sheet closes: {value}");
}

#[test]
fn a_camera_frames_folder_without_frames_is_refused() {
    let frames = tempfile::tempdir().expect("tempdir");
    let app = app("camera-empty-e2e", &["scan"], &[]);
    let data = tempfile::tempdir().expect("data dir");
    let output = Command::new(env!("CARGO_BIN_EXE_capsule"))
        .arg("run")
        .arg(app.path())
        .arg("--camera-frames")
        .arg(frames.path())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("CAPSULE_DATA_DIR", data.path())
        .output()
        .expect("capsule runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--camera-frames") && stderr.contains("no .png, .jpg or .jpeg frames"),
        "{stderr}"
    );
}

#[test]
fn without_a_scan_image_the_simulator_asks_for_a_picture() {
    let dir = tempfile::tempdir().expect("tempdir");
    let code = dir.path().join("code.png");
    write_qr_png("picked in the window", &code);
    let bytes = std::fs::read(&code).expect("PNG");
    let app = app("scan-pick-e2e", &["scan"], &[]);
    let data = tempfile::tempdir().expect("data dir");
    // Plays the user: the sheet's file input gets the picture, as a file chooser would set it.
    let script = format!(
        r#"{CALL}
        const until = async (find) => {{
            for (let i = 0; i < 250; i++) {{
                const found = find();
                if (found) return found;
                await new Promise((resolve) => setTimeout(resolve, 20));
            }}
            throw new Error("gave up waiting for " + find);
        }};
        const shadow = () => {{ const ui = document.querySelector("capsule-ui"); return ui && ui.shadowRoot; }};
        const pick = async (file) => {{
            const scanned = call('scan', {{ type: 'qr' }});
            const sheet = await until(() => shadow() && shadow().querySelector(".scan"));
            const title = sheet.querySelector(".title").textContent;
            if (file) {{
                const input = sheet.querySelector("input[type=file]");
                const picked = new DataTransfer();
                picked.items.add(file);
                input.files = picked.files;
                input.dispatchEvent(new Event("change"));
            }} else {{
                sheet.querySelector("button.cancel").click();
            }}
            return [title, await scanned];
        }};
        const png = new File([new Uint8Array({bytes:?})], "code.png", {{ type: "image/png" }});
        return [await pick(png), await pick(null)];
        "#
    );
    let value = exec(app.path(), &script, &[("CAPSULE_DATA_DIR", data.path())]);
    assert_eq!(value[0][0], "Scan: choose a picture of the code", "{value}");
    assert_eq!(value[0][1]["code"], "picked in the window", "{value}");
    assert_eq!(value[1][1]["error"], 10, "cancelled: {value}");
}

#[test]
fn demo_confirm_answers_the_tapped_button() {
    // Relative to the package root, which is where cargo runs tests.
    let demo = Path::new("../../examples/h5-demo");
    let data = tempfile::tempdir().expect("data home");
    let script = r#"
        const until = async (find) => {
            for (let i = 0; i < 250; i++) {
                const found = find();
                if (found) return found;
                await new Promise((resolve) => setTimeout(resolve, 20));
            }
            throw new Error("gave up waiting for " + find);
        };
        const $ = (id) => document.getElementById(id);
        const shadow = () => { const ui = document.querySelector("capsule-ui"); return ui && ui.shadowRoot; };
        await until(() => $("bridge-status").classList.contains("ready"));
        $("btn-confirm").click();
        const confirm = await until(() => shadow() && shadow().querySelector(".dialog button.confirm"));
        const labels = Array.from(shadow().querySelectorAll(".dialog button"), (b) => b.textContent);
        const title = shadow().querySelector(".dialog .title").textContent;
        confirm.click();
        const shown = await until(() => $("result").textContent.startsWith("confirm") && $("result").textContent);
        return {
            title, labels, result: JSON.parse(shown.slice(shown.indexOf("{"))),
            dialogGone: !shadow().querySelector(".dialog"),
        };
    "#;
    let value = exec(demo, script, &[("XDG_DATA_HOME", data.path())]);
    assert_eq!(
        value,
        json!({
            "title": "Capsule", "labels": ["Discard", "Keep"],
            // Alipay's `confirm` and Nebula's `ok`, for pages written for either.
            "result": {"confirm": true, "ok": true},
            "dialogGone": true,
        })
    );
}
