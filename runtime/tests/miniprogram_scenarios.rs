//! The todo example mini-programs driven by their scenario files through `capsule test`,
//! headless and in the real WebKitGTK window (each run under its own virtual display), plus
//! the runner's own failure reporting and `capsule run --headless`.

use std::path::Path;
use std::process::{Command, Output};

/// Relative to the package root, which is where cargo runs tests.
const EXAMPLES: &str = "../examples";
const SCENARIOS: &str = "../tests/scenarios";
const NAMES: [&str; 5] = ["todo", "empty", "chain", "events", "clear"];

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

/// Runs every scenario of one example app; returns the output folder's files.
fn run_example(dialect: &str, webview: bool) -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("tempdir");
    let app = format!("{EXAMPLES}/todo-{dialect}");
    let scenarios: Vec<String> = NAMES
        .iter()
        .map(|name| format!("{SCENARIOS}/todo-{dialect}/{name}.json"))
        .collect();
    let junit = out.path().join("junit.xml");
    let mut args = vec!["test", app.as_str()];
    args.extend(scenarios.iter().map(String::as_str));
    args.extend(["--out", out.path().to_str().expect("utf-8")]);
    args.extend(["--junit", junit.to_str().expect("utf-8")]);
    if webview {
        args.push("--webview");
    }
    let output = capsule(&args);
    let log = text(&output);
    assert!(output.status.success(), "scenarios failed:\n{log}");
    assert!(log.contains("5 scenarios: 5 passed, 0 failed"), "{log}");
    let report = std::fs::read_to_string(&junit).expect("junit report");
    assert!(report.contains(r#"tests="5" failures="0""#), "{report}");
    out
}

/// Checks a screenshot is the iphone-8 window and not blank; returns its pixels (RGB).
fn check_screenshot(path: &Path) -> (u32, u32, Vec<(u8, u8, u8)>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(path).expect("screenshot written"),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buffer = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buffer).expect("decodes");
    assert_eq!((frame.width, frame.height), (375, 667), "iphone-8 window");
    let channels = frame.color_type.samples();
    let pixels: Vec<(u8, u8, u8)> = buffer[..frame.buffer_size()]
        .chunks(channels)
        .map(|p| (p[0], p[1], p[2]))
        .collect();
    let colours: std::collections::HashSet<_> = pixels.iter().step_by(7).collect();
    assert!(
        colours.len() > 40,
        "{}: only {} colours, is it blank?",
        path.display(),
        colours.len()
    );
    (frame.width, frame.height, pixels)
}

#[test]
fn alipay_example_passes_its_scenarios_headless() {
    let out = run_example("alipay", false);
    let html = std::fs::read_to_string(out.path().join("todos.html")).expect("page HTML");
    assert!(
        html.contains("walk dog") && !html.contains("buy milk"),
        "{html}"
    );
}

#[test]
fn wechat_example_passes_its_scenarios_headless() {
    let out = run_example("wechat", false);
    let html = std::fs::read_to_string(out.path().join("stats.html")).expect("page HTML");
    assert!(html.contains("2 todos"), "{html}");
}

#[test]
fn both_examples_pass_their_scenarios_in_the_window() {
    for dialect in ["alipay", "wechat"] {
        let out = run_example(dialect, true);
        let (width, _, pixels) = check_screenshot(&out.path().join("todos.png"));
        let tab_row = &pixels[(pixels.len() - width as usize * 10)..];
        check_screenshot(&out.path().join("stats.png"));
        // The confirm dialog was answered by pressing its button: no mask over the page.
        let (width, _, cleared) = check_screenshot(&out.path().join("cleared.png"));
        let (red, green, blue) = cleared[600 * width as usize + 5];
        assert!(
            red > 200 && green > 200 && blue > 200,
            "{dialect}: page background under a mask? {:?}",
            (red, green, blue)
        );
        // The tab bar is drawn at the bottom: its row differs from the page background.
        let distinct: std::collections::HashSet<_> = tab_row.iter().collect();
        assert!(distinct.len() > 3, "{dialect}: the tab bar row is flat");
    }
}

#[test]
fn a_failing_step_names_the_step_what_was_expected_and_what_was_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = dir.path().join("wrong.json");
    std::fs::write(
        &scenario,
        r#"{"name": "wrong", "steps": [
            {"expect": {"selector": ".title", "text": "Todos"}},
            {"expect": {"selector": ".todo", "count": 2}},
            {"tap": {"selector": ".add"}}
        ]}"#,
    )
    .expect("scenario");
    let missing = dir.path().join("missing.json");
    std::fs::write(
        &missing,
        r#"{"name": "missing", "steps": [{"tap": {"selector": ".nope"}}, {"jump": 1}]}"#,
    )
    .expect("scenario");
    let unknown = dir.path().join("unknown.json");
    std::fs::write(&unknown, r#"{"name": "unknown", "steps": [{"jump": 1}]}"#).expect("scenario");
    let junit = dir.path().join("junit.xml");
    let output = capsule(&[
        "test",
        &format!("{EXAMPLES}/todo-wechat"),
        scenario.to_str().expect("utf-8"),
        missing.to_str().expect("utf-8"),
        unknown.to_str().expect("utf-8"),
        "--junit",
        junit.to_str().expect("utf-8"),
        "--out",
        dir.path().to_str().expect("utf-8"),
    ]);
    let log = text(&output);
    assert_eq!(output.status.code(), Some(1), "{log}");
    assert!(log.contains("FAIL   2 expect"), "{log}");
    assert!(log.contains("expected 2 × '.todo', found 0"), "{log}");
    assert!(log.contains("1 passed, 1 failed, 1 skipped"), "{log}");
    assert!(
        log.contains("no element matches '.nope' on pages/index/index; the page has: view.screen"),
        "{log}"
    );
    assert!(log.contains("unknown step 'jump'"), "{log}");
    assert!(log.contains("3 scenarios: 0 passed, 3 failed"), "{log}");
    let report = std::fs::read_to_string(&junit).expect("junit report");
    assert!(report.contains(r#"failures="3""#), "{report}");

    let not_json = dir.path().join("bad.json");
    std::fs::write(&not_json, "{").expect("scenario");
    let output = capsule(&[
        "test",
        &format!("{EXAMPLES}/todo-wechat"),
        not_json.to_str().expect("utf-8"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output).contains("is not valid JSON"),
        "{}",
        text(&output)
    );

    // Scenarios and --headless are for mini-programs.
    let output = capsule(&[
        "test",
        &format!("{EXAMPLES}/h5-demo"),
        scenario.to_str().expect("utf-8"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output).contains("is an H5 app"), "{}", text(&output));
    let output = capsule(&["run", "--headless", &format!("{EXAMPLES}/h5-demo")]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output).contains("--headless runs mini-programs"),
        "{}",
        text(&output)
    );
}

#[test]
fn run_headless_prints_the_home_page_and_cold_start() {
    let output = capsule(&["run", "--headless", &format!("{EXAMPLES}/todo-alipay")]);
    let log = text(&output);
    assert!(output.status.success(), "{log}");
    let html = String::from_utf8_lossy(&output.stdout);
    assert!(
        html.contains(r#"<view class="title">Todos</view>"#),
        "{html}"
    );
    assert!(html.contains(r#"bind:confirm="onAdd""#), "{html}");
    assert!(
        log.contains("cold start: package open ") && log.contains(" ms, logic "),
        "{log}"
    );
}

#[test]
fn a_page_that_does_not_compile_is_reported_not_shown_as_blank() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("pages/index")).expect("dirs");
    for (file, text) in [
        (
            "manifest.json",
            r#"{"appId":"broken","name":"Broken","version":"1.0.0","kind":"miniprogram","dialect":"wechat","entry":"app.json"}"#,
        ),
        ("app.json", r#"{"pages":["pages/index/index"]}"#),
        ("app.js", "App({})"),
        ("pages/index/index.js", "Page({data: {}})"),
        ("pages/index/index.wxml", "<view>{{a +}}</view>"),
    ] {
        std::fs::write(root.join(file), text).expect("write");
    }
    let output = capsule(&["run", "--headless", root.to_str().expect("utf-8")]);
    let log = text(&output);
    assert_eq!(output.status.code(), Some(1), "{log}");
    assert!(log.contains("pages/index/index.wxml:1:"), "{log}");
    assert!(log.contains(r#"class="capsule-error""#), "{log}");

    std::fs::write(root.join("app.json"), r#"{"pages": ["pages/none/none"]}"#).expect("write");
    let output = capsule(&["run", "--headless", root.to_str().expect("utf-8")]);
    let log = text(&output);
    assert_eq!(output.status.code(), Some(1), "{log}");
    assert!(
        log.contains("did not start: no page opened: ") && log.contains("pages/none/none"),
        "{log}"
    );

    std::fs::write(root.join("app.json"), r#"{"pages": "index"}"#).expect("write");
    let output = capsule(&["run", "--headless", root.to_str().expect("utf-8")]);
    let log = text(&output);
    assert_eq!(output.status.code(), Some(1), "{log}");
    assert!(
        log.contains("app.json: 'pages' must be a list of page paths"),
        "{log}"
    );
}
