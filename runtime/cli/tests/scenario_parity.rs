//! One scenario, one result: every scenario file under `tests/scenarios` played by
//! `capsule test` on its app headless and in the real WebKitGTK window (under its own
//! virtual display), with the same steps passing in both and, where one fails, the same step
//! failing with the same kind of message. `tests/scenarios/<name>` runs on `examples/<name>`
//! or `tests/apps/<name>`, `tests/scenarios/projects/<name>.json` on `tests/apps/<name>`. The
//! limits scenarios (`tests/scenarios/limits`) are left out: they need a memory budget, and
//! `app_limits_cli.rs` runs them in both modes.
//!
//! The `actions-*` apps check, in both modes, what the platforms document of the actions a
//! scenario plays, with every event's whole `detail`: `confirm` sends what the field shows (a
//! value the page set after typing wins, what was typed follows its field through a keyed
//! list; an Alipay `controlled` field shows its `value`), `change` on a checkbox, radio or
//! switch does what a tap does (the checkbox group's `detail.value` is the checked boxes'
//! values, the radio group's the chosen radio's, a switch's a boolean), a tap focuses a text
//! field (blurring the one before), submits or resets a form and does nothing on a disabled
//! button, a swipe reports the item's `item-id`, `tapTab` and `back` press the chrome drawn
//! (`back N`: N presses, each page between shown and left), and a press, change, swipe or
//! input a user could not make fails with the same message in both modes.

use std::path::{Path, PathBuf};

mod cli_support;
use cli_support::text;

/// Relative to the package root, which is where cargo runs tests.
const EXAMPLES: &str = "../../examples";
const APPS: &str = "../../tests/apps";
const SCENARIOS: &str = "../../tests/scenarios";

/// What a run printed for one step: `N label` and, for a failure, the kind of its message.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Passed(String),
    Failed(String, String),
}

/// The kind of a failure message: its start, before the first quote, colon or digit (what
/// was expected or found, and paths of the run's own folders, follow those:
/// `expected text "a", found "b"` is of kind `expected text`). A `compare` screenshot that
/// differs from the approved one is one kind, whether the page's HTML (headless) or its
/// pixels (in the window) were compared.
fn kind(message: &str) -> String {
    if message.starts_with("the page HTML differs from")
        || message.starts_with("the screenshot differs from")
    {
        return "differs from the approved".to_owned();
    }
    let end = message
        .find(|c: char| matches!(c, '"' | '\'' | ':') || c.is_ascii_digit())
        .unwrap_or(message.len());
    message[..end].trim().to_owned()
}

/// The scenario files of folder `dir` of tests/scenarios, sorted.
fn scenario_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new(SCENARIOS).join(dir))
        .expect("scenario folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scenarios in {dir}");
    files
}

/// The name a scenario file's run prints first: its `name`, else its path.
fn scenario_name(file: &Path) -> String {
    let text = std::fs::read_to_string(file).expect("scenario file");
    let scenario: serde_json::Value = serde_json::from_str(&text).expect("scenario JSON");
    scenario["name"]
        .as_str()
        .map_or_else(|| file.display().to_string(), str::to_owned)
}

/// Plays `scenarios` on `app` in one `capsule test` run; returns each scenario's steps as
/// printed (`  ok   N label`, `  FAIL N label` and the message on the next line) and the
/// whole output.
fn play(app: &str, scenarios: &[PathBuf], webview: bool) -> (Vec<Vec<Step>>, String) {
    let out = tempfile::tempdir().expect("tempdir");
    let mut args = vec!["test", app];
    args.extend(scenarios.iter().map(|file| file.to_str().expect("utf-8")));
    args.extend(["--out", out.path().to_str().expect("utf-8")]);
    if webview {
        args.push("--webview");
    }
    let output = cli_support::capsule(&args, "warn");
    let log = text(&output);
    let names: Vec<String> = scenarios.iter().map(|file| scenario_name(file)).collect();
    let mut results = vec![Vec::new(); scenarios.len()];
    let mut current = None;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut lines = stdout.lines();
    while let Some(line) = lines.next() {
        if let Some(index) = names.iter().position(|name| name == line) {
            current = Some(index);
        } else if let (Some(index), Some(step)) = (current, line.strip_prefix("  ok ")) {
            results[index].push(Step::Passed(step.trim().to_owned()));
        } else if let (Some(index), Some(step)) = (current, line.strip_prefix("  FAIL ")) {
            let message = lines.next().unwrap_or_default().trim();
            results[index].push(Step::Failed(step.trim().to_owned(), kind(message)));
        }
    }
    for (name, steps) in names.iter().zip(&results) {
        assert!(!steps.is_empty(), "no steps of '{name}' printed:\n{log}");
    }
    (results, log)
}

/// Runs the scenarios of tests/scenarios/`dir` on `app` headless and in the window and
/// fails with every step whose result differs (and, with `must_pass`, with every failure).
fn same_in_both_modes(app: &str, dir: &str, only: Option<&str>, must_pass: bool) {
    let scenarios: Vec<PathBuf> = scenario_files(dir)
        .into_iter()
        .filter(|file| only.is_none_or(|stem| file.file_stem().is_some_and(|s| s == stem)))
        .collect();
    let (headless, headless_log) = play(app, &scenarios, false);
    let (window, window_log) = play(app, &scenarios, true);
    let mut differences = Vec::new();
    for ((file, headless), window) in scenarios.iter().zip(&headless).zip(&window) {
        let steps = headless.len().max(window.len());
        for index in 0..steps {
            let (a, b) = (headless.get(index), window.get(index));
            if a != b {
                differences.push(format!("{}: headless {a:?}, window {b:?}", file.display()));
            }
        }
    }
    assert!(
        differences.is_empty(),
        "the modes differ:\n{}\n\nheadless:\n{headless_log}\n\nwindow:\n{window_log}",
        differences.join("\n")
    );
    let failed = |steps: &Vec<Step>| steps.iter().any(|step| matches!(step, Step::Failed(..)));
    assert!(
        !must_pass || !headless.iter().any(failed),
        "scenarios failed:\n{headless_log}"
    );
}

/// Example `name` and its scenarios; the component library examples need their npm
/// packages (`scripts/test.sh` installs them: npm ci, then capsule build-npm for WeChat).
fn example(name: &str) {
    let app = format!("{EXAMPLES}/{name}");
    cli_support::assert_npm_installed(&app);
    same_in_both_modes(&app, name, None, false);
}

#[test]
fn todo_wechat_scenarios_give_one_result_in_both_modes() {
    example("todo-wechat");
}

#[test]
fn todo_alipay_scenarios_give_one_result_in_both_modes() {
    example("todo-alipay");
}

#[test]
fn antd_alipay_scenarios_give_one_result_in_both_modes() {
    example("antd-alipay");
}

#[test]
fn tdesign_wechat_scenarios_give_one_result_in_both_modes() {
    example("tdesign-wechat");
}

#[test]
fn vant_wechat_scenarios_give_one_result_in_both_modes() {
    example("vant-wechat");
}

/// The component galleries: every page's scenario passes, and alike in both modes.
#[test]
fn component_gallery_scenarios_pass_alike_in_both_modes() {
    for name in ["component-gallery-wechat", "component-gallery-alipay"] {
        same_in_both_modes(&format!("{EXAMPLES}/{name}"), name, None, true);
    }
}

#[test]
fn project_scenarios_give_one_result_in_both_modes() {
    for file in scenario_files("projects") {
        let stem = file.file_stem().and_then(|s| s.to_str()).expect("name");
        same_in_both_modes(&format!("{APPS}/{stem}"), "projects", Some(stem), false);
    }
}

#[test]
fn wechat_actions_do_what_the_platform_documents_in_both_modes() {
    same_in_both_modes(
        &format!("{APPS}/actions-wechat"),
        "actions-wechat",
        None,
        true,
    );
}

#[test]
fn alipay_actions_do_what_the_platform_documents_in_both_modes() {
    same_in_both_modes(
        &format!("{APPS}/actions-alipay"),
        "actions-alipay",
        None,
        true,
    );
}

/// Presses and changes a user could not make: each a failing step, with one message in both
/// modes.
#[test]
fn what_a_user_cannot_do_fails_alike_in_both_modes() {
    let cases = [
        (
            r#"[{"back": true}]"#,
            "FAIL   1 back true",
            "back press 1 of 1: nothing to go back to: pages/form/form is the only page open, \
             no back button is drawn",
        ),
        (
            r#"[{"navigate": "/pages/a/a"}, {"back": 2}]"#,
            "FAIL   2 back 2",
            "back press 2 of 2: nothing to go back to: pages/form/form is the only page open",
        ),
        (
            r#"[{"navigate": "/pages/a/a"}, {"tapTab": 0}]"#,
            "FAIL   2 tapTab 0",
            "no tab bar is drawn on pages/a/a: it is not one of the tab bar's pages",
        ),
        (
            r#"[{"tapTab": 2}]"#,
            "FAIL   1 tapTab 2",
            "the tab bar has no tab 2 (it has 2)",
        ),
        (
            r#"[{"change": {"selector": ".box-c", "value": true}}]"#,
            "FAIL   1 change",
            "<checkbox> is disabled: a user cannot change it",
        ),
        (
            r#"[{"change": {"selector": ".sw", "value": "on"}}]"#,
            "FAIL   1 change",
            r#"a <switch> change takes true or false, not "on""#,
        ),
        (
            r#"[{"change": {"selector": ".r1", "value": false}}]"#,
            "FAIL   1 change",
            "a <radio> change takes true (a radio is unchecked by choosing another), not false",
        ),
        (
            r#"[{"change": {"selector": ".radios", "value": 9}}]"#,
            "FAIL   1 change",
            r#"<radio-group> has no <radio> with value "9""#,
        ),
        (
            r#"[{"change": {"selector": ".boxes", "value": ["a", "z"]}}]"#,
            "FAIL   1 change",
            r#"<checkbox-group> has no <checkbox> with value "z""#,
        ),
        (
            r#"[{"change": {"selector": "slider", "value": "40"}}]"#,
            "FAIL   1 change",
            r#"a <slider> change takes a number, not "40""#,
        ),
        (
            r#"[{"input": {"selector": ".locked", "value": "x"}}]"#,
            "FAIL   1 input",
            "<input> is disabled: a user cannot type into it",
        ),
        (
            r#"[{"swipe": {"selector": ".swiper", "to": 3}}]"#,
            "FAIL   1 swipe",
            "the swiper has 3 items, no item 3",
        ),
        (
            r#"[{"swipe": {"selector": ".sw", "to": 0}}]"#,
            "FAIL   1 swipe",
            "<switch> is not a swiper",
        ),
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    let files: Vec<PathBuf> = cases
        .iter()
        .enumerate()
        .map(|(index, (steps, _, _))| {
            let file = dir.path().join(format!("case-{index}.json"));
            let text = format!(r#"{{"name": "case {index}", "steps": {steps}}}"#);
            std::fs::write(&file, text).expect("scenario");
            file
        })
        .collect();
    let app = format!("{APPS}/actions-wechat");
    for webview in [false, true] {
        let (results, log) = play(&app, &files, webview);
        let log = format!("\n{log}");
        for (index, ((steps, line, message), result)) in cases.iter().zip(&results).enumerate() {
            // The case's own lines: its name, its steps.
            let case = log.find(&format!("\ncase {index}\n")).map(|at| &log[at..]);
            let failure = format!("  {line}");
            let at = case.and_then(|case| case.find(&failure).map(|at| &case[at..]));
            let shown = at.and_then(|rest| rest.lines().nth(1)).unwrap_or_default();
            assert!(
                shown.trim().starts_with(message),
                "{steps} (webview {webview}): expected {line} with {message:?}:\n{log}"
            );
            assert!(
                matches!(result.last(), Some(Step::Failed(..))),
                "{steps}: {result:?}"
            );
        }
    }
}

/// Each folder of tests/scenarios is played above (or, the limits, left out on purpose): a
/// new folder needs a line here.
#[test]
fn every_scenario_folder_is_covered() {
    let mut folders: Vec<String> = std::fs::read_dir(SCENARIOS)
        .expect("tests/scenarios")
        .map(|entry| entry.expect("entry"))
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    assert_eq!(
        folders,
        [
            "actions-alipay",
            "actions-wechat",
            "antd-alipay",
            "component-gallery-alipay",
            "component-gallery-wechat",
            "limits",
            "projects",
            "tdesign-wechat",
            "todo-alipay",
            "todo-wechat",
            "vant-wechat"
        ]
    );
}
