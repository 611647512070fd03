//! What a tester sees of an app's limits through the `capsule` command: `capsule test` on the
//! limits test apps (both dialects) under `--memory-budget`/`--time-budget`, a scenario that
//! waits for the stop notice passing, a step after a stop failing with the reason and exit
//! status 1, memory warnings printed, the notice in the real window (WebKitGTK under Xvfb),
//! `capsule run --headless` of an app stopped at its start, and bad budgets refused.

use std::path::Path;
use std::process::Output;

mod cli_support;
use cli_support::{read_png, text};

/// Relative to the package root, which is where cargo runs tests.
const APPS: &str = "../../tests/apps";
const SCENARIOS: &str = "../../tests/scenarios/limits";
/// Far above what the apps need to start, small enough to reach in a moment.
const BUDGET_MIB: &str = "96";

fn capsule(args: &[&str]) -> Output {
    cli_support::capsule(args, "off")
}

/// `capsule test` of one scenario file of tests/scenarios/limits on the dialect's limits
/// app, writing into `out`.
fn test_scenario(dialect: &str, scenario: &str, out: &Path, extra: &[&str]) -> Output {
    let app = format!("{APPS}/limits-{dialect}");
    let scenario = format!("{SCENARIOS}/{scenario}-{dialect}.json");
    let mut args = vec![
        "test",
        &app,
        &scenario,
        "--out",
        out.to_str().expect("utf-8"),
    ];
    args.extend(extra);
    capsule(&args)
}

/// What the command says of a stop over the 96 MiB budget.
fn stop_line(dialect: &str) -> String {
    format!(
        "error: mini-program limits.{dialect} was stopped: it used more than its memory \
         budget of 96.0 MiB"
    )
}

#[test]
fn a_scenario_waiting_for_the_stop_passes_and_the_log_says_why() {
    for dialect in ["wechat", "alipay"] {
        let out = tempfile::tempdir().expect("tempdir");
        let output = test_scenario(
            dialect,
            "stopped",
            out.path(),
            &["--memory-budget", BUDGET_MIB],
        );
        let log = text(&output);
        assert_eq!(output.status.code(), Some(0), "{dialect}: {log}");
        assert!(log.contains("1 scenarios: 1 passed, 0 failed"), "{log}");
        assert_eq!(log.matches(&stop_line(dialect)).count(), 1, "{log}");
        // Headless runs save the page HTML: the app's page gave way to the notice.
        let before = std::fs::read_to_string(out.path().join(format!("before-{dialect}.html")))
            .expect("HTML before");
        let after = std::fs::read_to_string(out.path().join(format!("stopped-{dialect}.html")))
            .expect("HTML after");
        assert!(
            before.contains("bump") && !before.contains("stopped"),
            "{before}"
        );
        assert!(
            after.contains("This mini-program was stopped: it used more than its memory budget")
                && !after.contains("bump"),
            "{after}"
        );
    }
}

#[test]
fn a_step_after_the_stop_fails_with_the_reason_and_status_1() {
    for dialect in ["wechat", "alipay"] {
        let out = tempfile::tempdir().expect("tempdir");
        let junit = out.path().join("junit.xml");
        let output = test_scenario(
            dialect,
            "bump-after-bomb",
            out.path(),
            &[
                "--memory-budget",
                BUDGET_MIB,
                "--junit",
                junit.to_str().expect("utf-8"),
            ],
        );
        let log = text(&output);
        // An exit status, not a signal: the host survived the bomb.
        assert_eq!(output.status.code(), Some(1), "{dialect}: {log}");
        assert!(log.contains("1 scenarios: 0 passed, 1 failed"), "{log}");
        // The tap on .bump is the step that failed, with the stop's reason, not a timeout
        // or a missing element.
        let failure = log
            .split_once("  FAIL ")
            .map(|(_, rest)| rest)
            .unwrap_or_else(|| panic!("no failing step: {log}"));
        assert!(
            failure.starts_with("  2 tap")
                && failure.contains(
                    "the mini-program was stopped: it used more than its memory budget of 96.0 MiB"
                ),
            "{log}"
        );
        assert!(
            !log.contains("timed out") && !log.contains("no element"),
            "{log}"
        );
        assert!(log.contains(&stop_line(dialect)), "{log}");
        // The arrays grew through every warning level before the budget.
        for level in [5, 10, 15] {
            let warning =
                format!("warn: mini-program limits.{dialect} is low on memory (level {level}): ");
            let line = log
                .lines()
                .find(|line| line.trim_start().starts_with(&warning))
                .unwrap_or_else(|| panic!("no level {level} warning: {log}"));
            assert!(line.ends_with(" of its 96.0 MiB in use"), "{line}");
        }
        let report = std::fs::read_to_string(&junit).expect("junit report");
        assert!(
            report.contains("the mini-program was stopped: it used more than its memory budget"),
            "{report}"
        );
    }
}

#[test]
fn the_time_budget_flag_stops_a_slow_handler() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = dir.path().join("slow.json");
    std::fs::write(
        &scenario,
        r#"{"name": "slow", "steps": [
            {"tap": {"selector": ".slow"}},
            {"wait": {"text": "This mini-program was stopped"}}
        ]}"#,
    )
    .expect("scenario");
    let app = format!("{APPS}/limits-alipay");
    let output = capsule(&[
        "test",
        &app,
        scenario.to_str().expect("utf-8"),
        "--out",
        dir.path().to_str().expect("utf-8"),
        "--time-budget",
        "0.5",
    ]);
    let log = text(&output);
    assert_eq!(output.status.code(), Some(0), "{log}");
    assert!(
        log.contains("error: mini-program limits.alipay was stopped: ")
            && log.contains("ran longer than the time budget of 0.5 s"),
        "{log}"
    );
}

#[test]
fn a_wait_for_text_that_never_appears_times_out_and_unknown_keys_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let absent = dir.path().join("absent.json");
    std::fs::write(
        &absent,
        r#"{"name": "absent", "steps": [
            {"wait": {"text": "This mini-program was stopped", "timeoutMs": 300}}
        ]}"#,
    )
    .expect("scenario");
    let misspelled = dir.path().join("misspelled.json");
    std::fs::write(
        &misspelled,
        r#"{"name": "misspelled", "steps": [{"wait": {"txt": "bump"}}]}"#,
    )
    .expect("scenario");
    let app = format!("{APPS}/limits-wechat");
    let output = capsule(&[
        "test",
        &app,
        absent.to_str().expect("utf-8"),
        "--out",
        dir.path().to_str().expect("utf-8"),
    ]);
    let log = text(&output);
    assert_eq!(output.status.code(), Some(1), "{log}");
    assert!(log.contains("1 scenarios: 0 passed, 1 failed"), "{log}");
    assert!(
        log.contains("timed out: expected the text \"This mini-program was stopped\" on the page"),
        "{log}"
    );
    // A misspelled key fails the file as it loads, naming the key and the step.
    let output = capsule(&["test", &app, misspelled.to_str().expect("utf-8")]);
    let log = text(&output);
    assert_eq!(output.status.code(), Some(1), "{log}");
    assert!(
        log.contains("misspelled.json: step 1 (wait {\"txt\":\"bump\"}): unknown field `txt`"),
        "{log}"
    );
}

#[test]
fn run_headless_of_an_app_stopped_at_its_start_shows_the_notice_and_exits_1() {
    let app = format!("{APPS}/limits-wechat");
    let output = capsule(&["run", &app, "--headless", "--memory-budget", "1"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(
            "This mini-program was stopped: it used more than its memory budget of 1.0 MiB"
        ),
        "{stdout}"
    );
    // One line says it, naming the app.
    let stops: Vec<&str> = stderr.lines().filter(|l| l.contains("stopped")).collect();
    assert_eq!(stops.len(), 1, "{stderr}");
    assert!(
        stops[0].starts_with(
            "error: mini-program limits.wechat was stopped: it used more than its memory \
             budget of 1.0 MiB"
        ),
        "{stderr}"
    );
}

#[test]
fn bad_budgets_are_refused_with_a_clear_message() {
    let app = format!("{APPS}/limits-wechat");
    let scenario = format!("{SCENARIOS}/stopped-wechat.json");
    let cases: [(&[&str], &str); 6] = [
        (
            &["--memory-budget", "0"],
            "invalid value '0' for '--memory-budget <MiB>': the memory budget must be at \
             least 1 MiB",
        ),
        (
            &["--memory-budget", "1.5"],
            "'1.5' is not a whole number of MiB",
        ),
        (&["--memory-budget=-3"], "'-3' is not a whole number of MiB"),
        (
            &["--time-budget", "abc"],
            "invalid value 'abc' for '--time-budget <SECONDS>': 'abc' is not a number of \
             seconds",
        ),
        (
            &["--time-budget", "0"],
            "the time budget must be a positive number of seconds",
        ),
        (
            &["--time-budget=-1"],
            "the time budget must be a positive number of seconds",
        ),
    ];
    for (flags, message) in cases {
        for command in [
            vec!["run", &app, "--headless"],
            vec!["test", &app, &scenario],
        ] {
            let mut args = command.clone();
            args.extend(flags);
            let output = capsule(&args);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(
                stderr.starts_with("error: ") && stderr.contains(message),
                "{args:?}: {stderr}"
            );
            assert!(output.stdout.is_empty(), "{args:?} ran");
        }
    }
    // --help says what the flags take.
    for command in ["run", "test"] {
        let help = capsule(&[command, "--help"]);
        let help = String::from_utf8_lossy(&help.stdout);
        assert!(
            help.contains("--memory-budget <MiB>") && help.contains("--time-budget <SECONDS>"),
            "{help}"
        );
    }
}

/// Ink (text: black, or the notice's red) pixels in rows `rows` of a screenshot: well away
/// from the white and light grey of the page and its buttons.
fn ink_pixels(image: &(u32, u32, Vec<(u8, u8, u8)>), rows: std::ops::Range<u32>) -> usize {
    let (width, _, pixels) = image;
    let (start, end) = ((rows.start * width) as usize, (rows.end * width) as usize);
    pixels[start..end]
        .iter()
        .filter(|(r, g, b)| u16::from(*r) + u16::from(*g) + u16::from(*b) < 540)
        .count()
}

#[test]
fn the_window_shows_why_the_app_was_stopped() {
    let out = tempfile::tempdir().expect("tempdir");
    let output = test_scenario(
        "wechat",
        "stopped",
        out.path(),
        &["--memory-budget", BUDGET_MIB, "--webview"],
    );
    let log = text(&output);
    assert_eq!(output.status.code(), Some(0), "{log}");
    assert!(log.contains(&stop_line("wechat")), "{log}");
    let before = read_png(&out.path().join("before-wechat.png"));
    let after = read_png(&out.path().join("stopped-wechat.png"));
    let iphone_8 = (375, 667);
    assert_eq!((before.0, before.1), iphone_8);
    assert_eq!((after.0, after.1), iphone_8);
    // The notice is drawn at the top of the page, below the navigation bar (black, down to
    // row 64): three lines of red glyphs where the app had short labels.
    let notice = ink_pixels(&after, 66..160);
    assert!(notice > 800, "{notice} ink pixels where the notice is");
    assert!(
        notice > 2 * ink_pixels(&before, 66..160),
        "no more text than before?"
    );
    // The app's buttons were lower down and are gone: the rest of the page is empty.
    assert!(
        ink_pixels(&before, 170..600) > 300,
        "no buttons before the stop?"
    );
    assert_eq!(
        ink_pixels(&after, 170..600),
        0,
        "the app's page is still shown"
    );
}

#[test]
fn run_in_a_window_prints_the_stop_screenshots_the_notice_and_exits_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let png = dir.path().join("run.png");
    let app = format!("{APPS}/limits-alipay");
    let output = capsule(&[
        "run",
        &app,
        "--memory-budget",
        "1",
        "--screenshot",
        png.to_str().expect("utf-8"),
    ]);
    let log = text(&output);
    assert_eq!(output.status.code(), Some(1), "{log}");
    assert!(
        log.contains(
            "error: mini-program limits.alipay was stopped: it used more than its memory \
             budget of 1.0 MiB"
        ),
        "{log}"
    );
    let image = read_png(&png);
    assert_eq!((image.0, image.1), (375, 667));
    // The Alipay navigation bar is white: the notice is the only text below the status bar.
    let notice = ink_pixels(&image, 66..160);
    assert!(notice > 800, "{notice} ink pixels where the notice is");
    assert_eq!(ink_pixels(&image, 170..600), 0);
}

#[test]
fn budgets_are_refused_for_h5_apps() {
    let output = capsule(&["run", "../../examples/h5-demo", "--memory-budget", "64"]);
    let log = text(&output);
    assert_eq!(output.status.code(), Some(1), "{log}");
    assert!(
        log.contains("--memory-budget and --time-budget limit mini-programs; h5-demo is an H5 app"),
        "{log}"
    );
}
