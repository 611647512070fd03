//! Shared by the tests that run the `capsule` binary and read what it wrote. (Each test file
//! uses a part of it.)
#![allow(dead_code, unreachable_pub)]

use std::path::Path;
use std::process::{Command, Output};

use rxing::Writer as _;

/// Runs `capsule` with `args`, with no display (a window gets a virtual one) and its log at
/// `log` (`off`, `warn`, ...).
pub fn capsule(args: &[&str], log: &str) -> Output {
    capsule_in(Path::new("."), args, log)
}

/// Runs `capsule` as [`capsule`] does, in folder `dir` (where files it names relative go).
pub fn capsule_in(dir: &Path, args: &[&str], log: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capsule"))
        .current_dir(dir)
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("CAPSULE_LOG", log)
        .output()
        .expect("capsule runs")
}

/// What a run printed: stdout, then stderr.
pub fn text(output: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The pixels (RGB) of a PNG, with its width and height.
pub fn read_png(path: &Path) -> (u32, u32, Vec<(u8, u8, u8)>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(path).expect("screenshot written"),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buffer = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buffer).expect("decodes");
    let channels = frame.color_type.samples();
    let pixels = buffer[..frame.buffer_size()]
        .chunks(channels)
        .map(|p| (p[0], p[1], p[2]))
        .collect();
    (frame.width, frame.height, pixels)
}

/// Writes a QR code of `text` as a PNG file at `path`.
pub fn write_qr_png(text: &str, path: &Path) {
    let matrix = rxing::MultiFormatWriter
        .encode(text, &rxing::BarcodeFormat::QR_CODE, 0, 0)
        .expect("encodable");
    let (scale, margin) = (4, 16);
    let side = matrix.width() * scale + 2 * margin;
    let picture = image::GrayImage::from_fn(side, side, |x, y| {
        let inside = |v: u32| v >= margin && v < side - margin;
        let dark = inside(x) && inside(y) && matrix.get((x - margin) / scale, (y - margin) / scale);
        image::Luma([if dark { 0 } else { 255 }])
    });
    picture.save(path).expect("PNG written");
}

/// Fails unless the npm packages of the example app at `app` are installed, when it has a
/// `package.json` (`scripts/test.sh` installs them: `npm ci`, then `capsule build-npm` for
/// WeChat, whose apps read `miniprogram_npm/`).
pub fn assert_npm_installed(app: &str) {
    if !Path::new(app).join("package.json").exists() {
        return;
    }
    let installed = if app.ends_with("wechat") {
        "miniprogram_npm"
    } else {
        "node_modules"
    };
    assert!(
        Path::new(app).join(installed).is_dir(),
        "{app}/{installed} is missing: scripts/test.sh installs the examples' npm packages \
         (npm ci, then capsule build-npm for WeChat)"
    );
}

/// The test app the analytics tests walk through.
pub const ANALYTICS_APP: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/apps/analytics-wechat"
);

/// Plays the walk from the analytics test app's home page to its detail page and back with
/// the data folder `data` (`capsule test`, headless or in the window), so that the folder's
/// analytics journal records it. Returns what the command printed.
pub fn play_analytics_walk(data: &Path, webview: bool) -> String {
    let scenario = data.join("walk.json");
    let steps = serde_json::json!({
        "name": "home, detail and back",
        "app": ANALYTICS_APP,
        "steps": [
            {"expect": {"selector": ".visits", "text": "visits: 1"}},
            {"tap": {"selector": ".open"}},
            {"expect": {"selector": ".result", "text": "missing"}},
            {"tap": {"selector": ".back"}},
            {"expect": {"selector": ".visits", "text": "visits: 1"}}
        ]
    });
    std::fs::write(&scenario, steps.to_string()).expect("scenario");
    let data_dir = data.to_str().expect("utf-8 path");
    let mut args = vec!["--data-dir", data_dir, "test"];
    if webview {
        args.push("--webview");
    }
    args.push(scenario.to_str().expect("utf-8 path"));
    let output = capsule(&args, "warn");
    let printed = text(&output);
    assert!(output.status.success(), "{printed}");
    printed
}
