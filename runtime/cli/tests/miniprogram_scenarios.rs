//! The todo example mini-programs driven by their scenario files through `capsule test`,
//! headless and in the real WebKitGTK window (each run under its own virtual display), plus
//! the runner's own failure reporting, its visual checks (`"compare": true` screenshot steps:
//! no approved image is a failure that says how to approve one, `--approve` saves them, an
//! unchanged page passes, a changed one fails with what changed) and `capsule run --headless`.

use std::path::Path;
use std::process::Output;

mod cli_support;
use cli_support::{read_png, text};

#[path = "../../tests/mp_support/mod.rs"]
mod mp_support;

use mp_support::write_files;
use serde_json::json;

/// Relative to the package root, which is where cargo runs tests.
const EXAMPLES: &str = "../../examples";
const SCENARIOS: &str = "../../tests/scenarios";
const NAMES: [&str; 5] = ["todo", "empty", "chain", "events", "clear"];

fn capsule(args: &[&str]) -> Output {
    cli_support::capsule(args, "warn")
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

/// Checks a screenshot is a window of `size` and not blank; returns its pixels (RGB).
fn check_screenshot(path: &Path, size: (u32, u32)) -> (u32, u32, Vec<(u8, u8, u8)>) {
    let (width, height, pixels) = read_png(path);
    assert_eq!((width, height), size, "{}", path.display());
    let colours: std::collections::HashSet<_> = pixels.iter().step_by(7).collect();
    assert!(
        colours.len() > 40,
        "{}: only {} colours, is it blank?",
        path.display(),
        colours.len()
    );
    (width, height, pixels)
}

/// Plays `steps` as a scenario on the app in `root` (in the window with `webview`); fails
/// with the runner's output unless every step passes.
fn play(root: &Path, steps: &serde_json::Value, webview: bool) {
    let scenario = root.with_extension("scenario.json");
    let scenario_json = json!({"name": "steps", "steps": steps});
    std::fs::write(&scenario, scenario_json.to_string()).expect("scenario");
    let mut args = vec![
        "test",
        root.to_str().expect("utf-8"),
        scenario.to_str().expect("utf-8"),
    ];
    if webview {
        args.push("--webview");
    }
    let output = capsule(&args);
    assert!(output.status.success(), "{}", text(&output));
}

/// Writes a one-page WeChat app into `root`: its manifest, app.json, app.js and the files
/// of `pages/index/index` (named by extension: `js`, `wxml`, `wxss`).
fn write_one_page_app(root: &Path, app_id: &str, page: &[(&str, &str)]) {
    std::fs::create_dir_all(root.join("pages/index")).expect("dirs");
    let manifest = format!(
        r#"{{"appId":"{app_id}","name":"{app_id}","version":"1.0.0","kind":"miniprogram","dialect":"wechat","entry":"app.json"}}"#
    );
    std::fs::write(root.join("manifest.json"), manifest).expect("write");
    std::fs::write(root.join("app.json"), r#"{"pages":["pages/index/index"]}"#).expect("write");
    std::fs::write(root.join("app.js"), "App({})").expect("write");
    for (ext, text) in page {
        std::fs::write(root.join(format!("pages/index/index.{ext}")), text).expect("write");
    }
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
        let iphone_8 = (375, 667);
        let (width, _, pixels) = check_screenshot(&out.path().join("todos.png"), iphone_8);
        let tab_row = &pixels[(pixels.len() - width as usize * 10)..];
        check_screenshot(&out.path().join("stats.png"), iphone_8);
        // The clear scenario names its own device: its window has that device's size.
        // The confirm dialog was answered by pressing its button: no mask over the page.
        let pixel_5 = (393, 851);
        let (width, _, cleared) = check_screenshot(&out.path().join("cleared.png"), pixel_5);
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
        r#"{"name": "missing", "steps": [{"tap": {"selector": ".nope"}}, {"tap": {"selector": ".add"}}]}"#,
    )
    .expect("scenario");
    let junit = dir.path().join("junit.xml");
    let output = capsule(&[
        "test",
        &format!("{EXAMPLES}/todo-wechat"),
        scenario.to_str().expect("utf-8"),
        missing.to_str().expect("utf-8"),
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
        log.contains(
            "no element matches '.nope' on pages/index/index; nothing on the page is like it ("
        ),
        "{log}"
    );
    assert!(log.contains("0 passed, 1 failed, 1 skipped"), "{log}");
    assert!(log.contains("2 scenarios: 0 passed, 2 failed"), "{log}");
    let report = std::fs::read_to_string(&junit).expect("junit report");
    assert!(report.contains(r#"failures="2""#), "{report}");

    // A step the runner does not know fails the file as it loads, before anything runs.
    let unknown = dir.path().join("unknown.json");
    std::fs::write(
        &unknown,
        r#"{"name": "unknown", "steps": [{"tap": {"selector": ".add"}}, {"jump": 1}]}"#,
    )
    .expect("scenario");
    let output = capsule(&[
        "test",
        &format!("{EXAMPLES}/todo-wechat"),
        scenario.to_str().expect("utf-8"),
        unknown.to_str().expect("utf-8"),
    ]);
    let log = text(&output);
    assert_eq!(output.status.code(), Some(1), "{log}");
    assert!(
        log.contains("unknown.json: step 2 (jump 1): unknown step 'jump'"),
        "{log}"
    );
    assert!(!log.contains("scenarios:"), "nothing ran: {log}");

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
    write_one_page_app(
        root,
        "broken",
        &[("js", "Page({data: {}})"), ("wxml", "<view>{{a +}}</view>")],
    );
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

#[test]
fn inline_rpx_and_vh_lay_out_against_the_device_in_the_window() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write_one_page_app(
        root,
        "layout",
        &[
            ("js", "Page({data: {half: 375}})"),
            (
                "wxml",
                r#"<view style="width: {{half}}rpx; height: 40px; background: #ff0000"></view><view class="tall"></view>"#,
            ),
            (
                "wxss",
                ".tall { width: 100%; height: 50vh; background: #0000ff; }",
            ),
        ],
    );
    let shot = root.join("shot.png");
    let output = capsule(&[
        "run",
        root.to_str().expect("utf-8"),
        "--screenshot",
        shot.to_str().expect("utf-8"),
    ]);
    assert!(output.status.success(), "{}", text(&output));
    let (width, _, pixels) = read_png(&shot);
    let at = |x: u32, y: u32| pixels[(y * width + x) as usize];
    let (red, blue) = ((255, 0, 0), (0, 0, 255));
    // Below the 20 px status bar and the 44 px navigation bar: 375rpx is half the 375 px
    // wide iphone-8 window.
    assert_eq!(at(10, 84), red);
    assert_eq!(at(180, 84), red);
    assert_ne!(at(200, 84), red);
    // 50vh is half the page area (667 - 64 px), not half the window: the blue box spans
    // y = 104 .. 405.5.
    assert_eq!(at(10, 400), blue);
    assert_ne!(at(10, 410), blue);
}

#[test]
fn selector_queries_measure_the_layout_in_the_window_and_zero_headless() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("app");
    write_one_page_app(
        &root,
        "query",
        &[
            (
                "js",
                "Page({ data: { half: 375, out: '' }, onReady() {
                   wx.createSelectorQuery().select('.box').boundingClientRect().exec((r) => {
                     this.setData({ out: r[0].width + 'x' + r[0].height + ' at ' + r[0].left + ',' + r[0].top });
                   });
                 } })",
            ),
            (
                "wxml",
                r#"<view class="box" style="width: {{half}}rpx; height: 40px; margin-top: 10px"></view><view class="out">{{out}}</view>"#,
            ),
        ],
    );
    let wait_for = |text: &str| json!([{"wait": {"selector": ".out", "text": text}}]);
    // In the window: half the 375 px wide page, 10 px below the navigation bar.
    play(&root, &wait_for("187.5x40 at 0,10"), true);
    play(&root, &wait_for("0x0 at 0,0"), false);
}

#[test]
fn intersection_observers_report_elements_scrolled_into_the_page_area() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("app");
    write_one_page_app(
        &root,
        "observe",
        &[
            (
                "js",
                "Page({ data: { seen: 'nothing yet' },
                   onReady() {
                     this.observer = this.createIntersectionObserver().relativeToViewport();
                     this.observer.observe('.target', (r) => {
                       this.setData({ seen: (r.intersectionRatio > 0 ? 'in ' : 'out ') + r.id });
                     });
                   },
                   stop() { this.observer.disconnect(); } })",
            ),
            (
                "wxml",
                r#"<view class="seen">{{seen}}</view><button class="stop" bindtap="stop">stop</button><view style="height: 1500px"></view><view class="target" id="goal" style="height: 40px">goal</view>"#,
            ),
        ],
    );
    play(
        &root,
        &json!([
            {"expect": {"selector": ".seen", "text": "nothing yet"}},
            {"scroll": {"top": 1400}},
            {"wait": {"selector": ".seen", "text": "in goal"}},
            {"scroll": {"top": 0}},
            {"wait": {"selector": ".seen", "text": "out goal"}},
            {"tap": {"selector": ".stop"}},
            {"scroll": {"top": 1400}},
            {"wait": {"ms": 300}},
            {"expect": {"selector": ".seen", "text": "out goal"}}
        ]),
        true,
    );
}

#[test]
fn animations_built_in_logic_play_in_the_window() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("app");
    write_one_page_app(
        &root,
        "animate",
        &[
            (
                "js",
                "Page({ data: { anim: {}, out: '' }, onReady() {
                   const animation = wx.createAnimation({ duration: 100 });
                   animation.opacity(0.25).translateX(30).step();
                   animation.width(80).step({ duration: 50 });
                   this.setData({ anim: animation.export() });
                   // Measured again and again: the scenario waits for the end state.
                   setInterval(() => {
                     wx.createSelectorQuery().select('.box')
                       .fields({ rect: true, size: true, computedStyle: ['opacity'] })
                       .exec((r) => this.setData({ out: r[0].opacity + ' ' + r[0].left + ' ' + r[0].width }));
                   }, 200);
                 } })",
            ),
            (
                "wxml",
                r#"<view class="box" animation="{{anim}}" style="width: 50px; height: 50px; background: #f00"></view><view class="out">{{out}}</view>"#,
            ),
        ],
    );
    play(
        &root,
        &json!([{"wait": {"selector": ".out", "text": "0.25 30 80"}}]),
        true,
    );
}

// Visual checks.

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
    fails_with(&test(dir.path(), &[]), "unknown field `compar`");
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
