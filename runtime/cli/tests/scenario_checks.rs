//! `capsule test` cannot be fooled: each check of a scenario fails when what it checks is not
//! so (a toast from an earlier step, one condition of several, a misspelled key), answers
//! reach their dialog or scan in either order and never leak into the next scenario, paths
//! start at the scenario's folder, the app goes to the background and back, and a failure
//! leaves a picture of the page beside the report. Each case is a pair: the scenario that
//! must pass and the one that must fail.

use std::path::{Path, PathBuf};
use std::process::Output;

mod cli_support;
use cli_support::{read_png, text, write_qr_png};

use serde_json::{Value, json};

/// A one-page WeChat app with a button for each kind of dialog, a scan, a storage write and
/// a delayed update; it counts its page's `onShow` and `onHide` and logs the app's.
fn write_app(root: &Path) {
    std::fs::create_dir_all(root.join("pages/index")).expect("dirs");
    let files = [
        (
            "manifest.json",
            r#"{"appId":"checks","name":"Checks","version":"1.0.0","kind":"miniprogram",
               "dialect":"wechat","entry":"app.json",
               "permissions":{"apis":["storage","ui","scan","system"]}}"#,
        ),
        ("app.json", r#"{"pages":["pages/index/index"]}"#),
        (
            "app.js",
            r#"App({ onShow() { console.log("app show") }, onHide() { console.log("app hide") } })"#,
        ),
        (
            "pages/index/index.wxml",
            r#"<view class="title">Checks</view>
<view class="status">{{status}}</view>
<view class="shows">{{shows}}</view><view class="hides">{{hides}}</view>
<view class="width">{{width}}</view>
<view class="later" wx:if="{{later}}">Later text</view>
<button class="toast" bindtap="toast">toast</button>
<button class="ask" bindtap="ask">ask</button>
<button class="sheet" bindtap="sheet">sheet</button>
<button class="scan" bindtap="scan">scan</button>
<button class="save" bindtap="save">save</button>
<button class="delay" bindtap="delay">delay</button>
<input class="plain" />
<input class="shout" bindinput="shout" />"#,
        ),
        (
            "pages/index/index.js",
            r#"Page({
  data: { status: "idle", shows: 0, hides: 0, later: false, width: 0 },
  onLoad() { this.setData({ width: wx.getSystemInfoSync().windowWidth }) },
  onShow() { this.setData({ shows: this.data.shows + 1 }) },
  onHide() { this.setData({ hides: this.data.hides + 1 }) },
  toast() { wx.showToast({ title: "Saved", success: () => this.setData({ status: "toast shown" }) }) },
  ask() {
    wx.showModal({ title: "Delete?", content: "Really",
      success: (r) => this.setData({ status: r.confirm ? "confirmed" : "cancelled" }) })
  },
  sheet() {
    wx.showActionSheet({ itemList: ["A", "B"],
      success: (r) => this.setData({ status: "item " + r.tapIndex }),
      fail: () => this.setData({ status: "sheet cancelled" }) })
  },
  scan() {
    this.scans = (this.scans || 0) + 1;
    const n = this.scans;
    wx.scanCode({ success: (r) => this.setData({ status: "scan " + n + ": " + r.result }),
      fail: () => this.setData({ status: "scan " + n + " failed" }) })
  },
  save() { wx.setStorageSync("k", "v") },
  delay() { setTimeout(() => this.setData({ later: true }), 300) },
  shout(e) { return e.detail.value.toUpperCase() },
})"#,
        ),
    ];
    for (name, text) in files {
        std::fs::write(root.join(name), text).expect("write");
    }
}

/// A folder with the app in `app/` and a QR code of "gate 7" in `scenarios/qr.png`.
struct Bench {
    dir: tempfile::TempDir,
}

impl Bench {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        write_app(&dir.path().join("app"));
        std::fs::create_dir_all(dir.path().join("scenarios")).expect("dirs");
        write_qr_png("gate 7", &dir.path().join("scenarios/qr.png"));
        Self { dir }
    }

    /// Writes scenario `name` (in `scenarios/`, naming the app as `../app`) with `steps`.
    fn scenario(&self, name: &str, steps: &Value) -> PathBuf {
        let file = self.dir.path().join(format!("scenarios/{name}.json"));
        let scenario = json!({"name": name, "app": "../app", "steps": steps});
        std::fs::write(&file, scenario.to_string()).expect("scenario");
        file
    }

    /// `capsule test` of the scenarios, naming no app (each scenario's `app` is used), run
    /// from another folder than the scenarios'.
    fn test(&self, scenarios: &[&Path], extra: &[&str]) -> Output {
        let mut args = vec!["test"];
        args.extend(scenarios.iter().map(|s| s.to_str().expect("utf-8")));
        args.extend_from_slice(extra);
        cli_support::capsule(&args, "warn")
    }

    /// Plays `steps` headless; the run's output, and whether it passed.
    fn play(&self, steps: &Value) -> (bool, String) {
        let file = self.scenario("steps", steps);
        let output = self.test(&[&file], &[]);
        (output.status.success(), text(&output))
    }
}

fn passes(bench: &Bench, steps: &Value) -> String {
    let (passed, log) = bench.play(steps);
    assert!(passed, "should pass:\n{log}");
    log
}

/// Plays `steps` headless and in the window; both must pass.
fn passes_in_both_modes(bench: &Bench, steps: &Value) {
    passes(bench, steps);
    let file = bench.scenario("window", steps);
    let output = bench.test(&[&file], &["--webview"]);
    assert!(
        output.status.success(),
        "should pass in the window:\n{}",
        text(&output)
    );
}

fn fails_with(bench: &Bench, steps: &Value, wanted: &str) -> String {
    let (passed, log) = bench.play(steps);
    assert!(!passed, "passed but should not:\n{log}");
    assert!(log.contains(wanted), "expected {wanted:?} in:\n{log}");
    log
}

#[test]
fn a_toast_counts_only_when_shown_since_the_previous_step() {
    let bench = Bench::new();
    // Shown means shown in both modes: its `success` runs.
    passes_in_both_modes(
        &bench,
        &json!([
            {"tap": {"selector": ".toast"}},
            {"expect": {"toast": "Saved"}},
            {"expect": {"selector": ".status", "text": "toast shown"}}
        ]),
    );
    passes(
        &bench,
        &json!([{"tap": {"selector": ".toast"}}, {"expect": {"toast": "Saved"}}]),
    );
    fails_with(
        &bench,
        &json!([
            {"tap": {"selector": ".toast"}},
            {"tap": {"selector": ".save"}},
            {"expect": {"toast": "Saved"}}
        ]),
        r#"expected a toast "Saved" since the previous step"#,
    );
    // A modal answered earlier in the scenario is not "shown" for a later check either.
    fails_with(
        &bench,
        &json!([
            {"answer": {"modal": "confirm"}},
            {"tap": {"selector": ".ask"}},
            {"tap": {"selector": ".save"}},
            {"expect": {"modal": "Really"}}
        ]),
        r#"expected a modal "Really""#,
    );
}

#[test]
fn malformed_and_misspelled_steps_fail_the_file_before_anything_runs() {
    let bench = Bench::new();
    for (steps, wanted) in [
        (
            json!([{"tap": {"selector": ".save"}}, {"expect": {"storage": "k"}}]),
            "step 2 (expect {\"storage\":\"k\"}): 'storage' needs 'equals' or 'exists'",
        ),
        (
            json!([{"expect": {"selector": ".title", "txet": "Checks"}}]),
            "step 1 (expect {\"selector\":\".title\",\"txet\":\"Checks\"}): unknown field `txet`",
        ),
        (
            json!([{"wait": {"text": "x", "timout": 5}}]),
            "unknown field `timout`",
        ),
        (json!([{"tapp": {"selector": ".x"}}]), "did you mean 'tap'?"),
        (
            json!([{"expect": {"selector": ".title:hover", "count": 1}}]),
            "selector '.title:hover'",
        ),
    ] {
        let log = fails_with(&bench, &steps, wanted);
        assert!(!log.contains("scenarios:"), "nothing ran:\n{log}");
    }
    passes(
        &bench,
        &json!([{"tap": {"selector": ".save"}}, {"expect": {"storage": "k", "equals": "v"}}]),
    );
}

#[test]
fn an_expect_checks_every_condition_it_names() {
    let bench = Bench::new();
    passes(
        &bench,
        &json!([{"expect": {"page": "pages/index/index", "selector": ".title", "text": "Checks"}}]),
    );
    // The element's text is right; the page is not.
    fails_with(
        &bench,
        &json!([{"expect": {"selector": ".title", "text": "Checks", "page": "pages/other/other"}}]),
        "expected page pages/other/other, found pages/index/index",
    );
    // Both wrong: both are reported.
    let log = fails_with(
        &bench,
        &json!([{"expect": {"selector": ".title", "text": "Nope", "toast": "Saved"}}]),
        r#"expected text "Nope", found "Checks""#,
    );
    assert!(log.contains(r#"expected a toast "Saved""#), "{log}");
}

#[test]
fn wait_for_text_without_a_selector_looks_at_the_whole_page() {
    let bench = Bench::new();
    passes(
        &bench,
        &json!([{"tap": {"selector": ".delay"}}, {"wait": {"text": "Later text"}}]),
    );
    fails_with(
        &bench,
        &json!([{"wait": {"text": "Never shown", "timeoutMs": 300}}]),
        r#"timed out: expected the text "Never shown" on the page"#,
    );
}

#[test]
fn answers_reach_their_dialog_in_either_order() {
    let bench = Bench::new();
    passes_in_both_modes(
        &bench,
        &json!([
            {"answer": {"modal": "confirm"}},
            {"tap": {"selector": ".ask"}},
            {"expect": {"selector": ".status", "text": "confirmed"}},
            {"tap": {"selector": ".ask"}},
            {"answer": {"modal": "cancel"}},
            {"expect": {"selector": ".status", "text": "cancelled"}},
            {"answer": {"actionSheet": 1}},
            {"tap": {"selector": ".sheet"}},
            {"expect": {"selector": ".status", "text": "item 1"}}
        ]),
    );
    fails_with(
        &bench,
        &json!([{"tap": {"selector": ".save"}}, {"answer": {"modal": "confirm"}}]),
        "FAIL   2 answer {\"modal\":\"confirm\"}\n       its answer was never used: no modal \
         opened after it",
    );
    fails_with(
        &bench,
        &json!([{"answer": {"actionSheet": 1}}, {"tap": {"selector": ".ask"}}]),
        "the app opened a modal, but the next answer (step 1) is for an action sheet",
    );
}

#[test]
fn scans_wait_for_their_answer_and_answers_never_leak() {
    let bench = Bench::new();
    // The scan opens before its answer; the picture's path is relative to the scenario.
    passes_in_both_modes(
        &bench,
        &json!([
            {"tap": {"selector": ".scan"}},
            {"answer": {"scanImage": "qr.png"}},
            {"expect": {"selector": ".status", "text": "scan 1: gate 7"}},
            {"answer": {"scanImage": "qr.png"}},
            {"tap": {"selector": ".scan"}},
            {"expect": {"selector": ".status", "text": "scan 2: gate 7"}}
        ]),
    );
    // A scan answer the first scenario left is not the second one's.
    let left = bench.scenario("left", &json!([{"answer": {"scanImage": "qr.png"}}]));
    let next = bench.scenario(
        "next",
        &json!([
            {"tap": {"selector": ".scan"}},
            {"answer": {"scanCancel": true}},
            {"expect": {"selector": ".status", "text": "scan 1 failed"}}
        ]),
    );
    let output = bench.test(&[&left, &next], &[]);
    let log = text(&output);
    assert!(!output.status.success(), "{log}");
    assert!(
        log.contains("its answer was never used: no scan opened after it"),
        "{log}"
    );
    assert!(log.contains("2 scenarios: 1 passed, 1 failed"), "{log}");
}

#[test]
fn background_and_foreground_hide_and_show_the_app() {
    let bench = Bench::new();
    let steps = json!([
        {"background": true},
        {"expect": {"selector": ".hides", "text": "1", "console": "app hide"}},
        {"foreground": true},
        {"expect": {"selector": ".shows", "text": "2", "console": "app show"}},
        {"background": {"ms": 50}},
        {"expect": {"selector": ".hides", "text": "2"}},
        {"expect": {"selector": ".shows", "text": "3"}}
    ]);
    passes_in_both_modes(&bench, &steps);

    fails_with(
        &bench,
        &json!([{"background": true}, {"tap": {"selector": ".save"}}]),
        "the app is in the background",
    );
    fails_with(
        &bench,
        &json!([{"foreground": true}]),
        "the app is not in the background",
    );
    fails_with(
        &bench,
        &json!([{"background": true}, {"background": true}]),
        "the app is already in the background",
    );
}

#[test]
fn scenarios_run_on_the_device_they_name() {
    let bench = Bench::new();
    for (device, width) in [
        ("iphone-se", "375"),
        ("iphone-14", "390"),
        ("pixel-7", "412"),
    ] {
        let file = bench.dir.path().join(format!("scenarios/{device}.json"));
        let scenario = json!({"app": "../app", "device": device, "steps": [
            {"expect": {"selector": ".width", "text": width}}
        ]});
        std::fs::write(&file, scenario.to_string()).expect("scenario");
        let output = bench.test(&[&file], &[]);
        assert!(output.status.success(), "{device}: {}", text(&output));
    }
}

#[test]
fn a_failure_leaves_the_page_beside_the_report() {
    let bench = Bench::new();
    let file = bench.scenario(
        "broken",
        &json!([{"expect": {"selector": ".title", "text": "Wrong"}}]),
    );
    let report = bench.dir.path().join("report");
    std::fs::create_dir_all(&report).expect("dirs");
    let junit = report.join("junit.xml");
    let junit_arg = junit.to_str().expect("utf-8");

    let output = bench.test(&[&file], &["--junit", junit_arg]);
    assert!(!output.status.success(), "{}", text(&output));
    let html = std::fs::read_to_string(report.join("broken.failure.html")).expect("page HTML");
    assert!(html.contains("Checks"), "{html}");
    let xml = std::fs::read_to_string(&junit).expect("report");
    assert!(xml.contains("broken.failure.html]]</system-out>"), "{xml}");

    let output = bench.test(&[&file], &["--junit", junit_arg, "--webview"]);
    assert!(!output.status.success(), "{}", text(&output));
    let (width, height, _) = read_png(&report.join("broken.failure.png"));
    assert_eq!((width, height), (375, 667));
    let xml = std::fs::read_to_string(&junit).expect("report");
    assert!(xml.contains("broken.failure.png]]</system-out>"), "{xml}");
}

#[test]
fn a_text_field_value_is_what_it_shows() {
    let bench = Bench::new();
    passes_in_both_modes(
        &bench,
        &json!([
            {"input": {"selector": ".plain", "value": "typed"}},
            {"expect": {"selector": ".plain", "attr": {"value": "typed"}}},
            // WeChat: a bindinput handler's returned string replaces the field's content.
            {"input": {"selector": ".shout", "value": "quiet"}},
            {"expect": {"selector": ".shout", "attr": {"value": "QUIET"}}}
        ]),
    );
    fails_with(
        &bench,
        &json!([
            {"input": {"selector": ".plain", "value": "typed"}},
            {"expect": {"selector": ".plain", "attr": {"value": ""}}}
        ]),
        r#"expected attribute value="", found "typed""#,
    );
}
