//! `capsule test` screenshot steps with `"compare": true`: no approved image is a failure
//! that says how to approve one, `--approve` saves them, an unchanged page passes, and a
//! changed page fails with what changed (headless: the HTML line; in the window: the share of
//! pixels and a picture of where).

mod mp_support;

use std::path::Path;
use std::process::{Command, Output};

use mp_support::write_files;

fn capsule(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capsule"))
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("CAPSULE_LOG", "warn")
        .output()
        .expect("capsule runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A one-page WeChat app greeting in `colour`.
fn write_app(root: &Path, greeting: &str, colour: &str) {
    write_files(
        root,
        &[
            (
                "manifest.json",
                r#"{"appId":"look","name":"Look","version":"1.0.0","kind":"miniprogram","dialect":"wechat","entry":"app.json"}"#,
            ),
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            ("app.js", "App({})"),
            ("pages/index/index.js", "Page({})"),
            (
                "pages/index/index.wxml",
                &format!("<view class=\"hello\">{greeting}</view>"),
            ),
            (
                "pages/index/index.wxss",
                &format!(".hello {{ font-size: 48px; padding: 40px; color: {colour}; }}"),
            ),
        ],
    );
}

/// Runs the scenario `look.json` in `dir` on the app; `extra` flags after it.
fn test(dir: &Path, extra: &[&str]) -> Output {
    let app = dir.join("app");
    let scenario = dir.join("look.json");
    let out = dir.join("out");
    let mut args = vec![
        "test",
        app.to_str().expect("utf-8"),
        scenario.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(extra);
    capsule(&args)
}

fn write_scenario(dir: &Path, screenshot_step: &str) {
    let scenario = format!(
        r#"{{"name": "look", "steps": [{{"expect": {{"selector": ".hello", "count": 1}}}}, {screenshot_step}]}}"#
    );
    std::fs::write(dir.join("look.json"), scenario).expect("scenario");
}

fn passes(output: &Output) -> String {
    assert!(output.status.success(), "{}", text(output));
    text(output)
}

fn fails_with(output: &Output, wanted: &str) -> String {
    let log = text(output);
    assert!(!output.status.success(), "passed but should not:\n{log}");
    assert!(log.contains(wanted), "expected '{wanted}' in:\n{log}");
    log
}

#[test]
fn headless_compare_checks_the_page_html_against_the_approved_html() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_app(&dir.path().join("app"), "你好, world", "#333");
    write_scenario(dir.path(), r#"{"screenshot": "home.png", "compare": true}"#);
    fails_with(&test(dir.path(), &[]), "--approve");

    let approved = passes(&test(dir.path(), &["--approve"]));
    let file = dir.path().join("approved/look/home.html");
    assert!(approved.contains("approved:"), "{approved}");
    assert!(
        std::fs::read_to_string(&file)
            .expect("approved HTML")
            .contains("你好, world")
    );
    passes(&test(dir.path(), &[]));

    write_app(&dir.path().join("app"), "你好, moon", "#333");
    let log = fails_with(&test(dir.path(), &[]), "moon");
    assert!(log.contains("FAIL   2 screenshot \"home.png\""), "{log}");
}

#[test]
fn a_screenshot_step_refuses_options_it_does_not_know() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_app(&dir.path().join("app"), "hi", "#333");
    write_scenario(dir.path(), r#"{"screenshot": "home.png", "compar": true}"#);
    fails_with(&test(dir.path(), &[]), "unknown key 'compar'");
    write_scenario(
        dir.path(),
        r#"{"screenshot": "home.png", "compare": true, "tolerance": 150}"#,
    );
    fails_with(&test(dir.path(), &[]), "'tolerance' takes a percentage");
}

#[test]
fn window_compare_checks_the_pixels_and_draws_where_they_differ() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_app(&dir.path().join("app"), "你好, world 👋", "#333");
    write_scenario(dir.path(), r#"{"screenshot": "home.png", "compare": true}"#);
    passes(&test(dir.path(), &["--webview", "--approve"]));
    assert!(dir.path().join("approved/look/home.png").exists());
    // The same page again: pixels may move by anti-aliasing, but not past the tolerance.
    passes(&test(dir.path(), &["--webview"]));

    write_app(&dir.path().join("app"), "你好, world 👋", "#e4393c");
    let log = fails_with(&test(dir.path(), &["--webview"]), "differs from");
    assert!(log.contains("pixels ("), "{log}");
    let diff = dir.path().join("out/home.diff.png");
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&diff).expect("a diff picture"),
    ));
    let mut reader = decoder.read_info().expect("PNG");
    let mut buffer = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buffer).expect("decodes");
    let red = buffer[..frame.buffer_size()]
        .chunks(4)
        .filter(|p| p == &[255, 0, 0, 255])
        .count();
    assert!(red > 100, "{red} red pixels where the text changed colour");

    // A generous tolerance accepts the change.
    write_scenario(
        dir.path(),
        r#"{"screenshot": "home.png", "compare": true, "tolerance": 50}"#,
    );
    passes(&test(dir.path(), &["--webview"]));
}
