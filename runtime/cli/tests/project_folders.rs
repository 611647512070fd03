//! `capsule run` and `capsule pack` of project folders as the platforms' tools create them,
//! without `manifest.json` (`tests/apps/wechat-project`: WeChat DevTools' layout with
//! `miniprogramRoot`; `tests/apps/alipay-project`: the Alipay studio's `mini.project.json`).

mod cli_support;
use cli_support::{read_png, text};

/// Relative to the package root, which is where cargo runs tests.
const APPS: &str = "../../tests/apps";

/// `capsule run --headless <project>` with a data folder of its own: what it printed.
fn run_headless(project: &str) -> String {
    let data = tempfile::tempdir().expect("data dir");
    let app = format!("{APPS}/{project}");
    let output = cli_support::capsule(
        &[
            "--data-dir",
            data.path().to_str().expect("utf-8"),
            "run",
            "--headless",
            &app,
        ],
        "warn",
    );
    let log = text(&output);
    assert!(output.status.success(), "{project}:\n{log}");
    log
}

#[test]
fn a_wechat_devtools_project_runs_as_it_is() {
    let log = run_headless("wechat-project");
    assert!(
        log.contains(
            "wechat-project: no manifest.json, inferred from project.config.json (app files in "
        ),
        "one line says where the manifest came from:\n{log}"
    );
    assert!(log.contains("guessed: dialect wechat"), "{log}");
    // Its app.wxss imports without a ';', which WeChat's style compiler takes.
    assert!(log.contains("app.wxss:1:30: warning: @import"), "{log}");
    // Its app.js stored a Date in storage, which the page reads back as a Date.
    assert!(log.contains("你好，开发者"), "{log}");
    assert!(log.contains("1 launches, stored as dates: true"), "{log}");
}

#[test]
fn an_alipay_studio_project_runs_as_it_is() {
    let log = run_headless("alipay-project");
    assert!(
        log.contains(
            "alipay-project: no manifest.json, inferred from mini.project.json (app files in "
        ),
        "{log}"
    );
    assert!(log.contains("热卖"), "{log}");
    // `data="{{ ...item, index }}"` and a style written as an object literal.
    assert!(
        log.contains(r#"<text class="name">1. 苹果</text>"#),
        "{log}"
    );
    assert!(
        log.contains(r#"style="font-size:12px;visibility:visible;">2024-01-31T08:05:09.000Z<"#),
        "{log}"
    );
}

/// The fixtures' scenarios (`tests/scenarios/projects`), headless and in the window.
#[test]
fn project_folders_pass_their_scenarios_in_both_modes() {
    for project in ["wechat-project", "alipay-project"] {
        for webview in [false, true] {
            let out = tempfile::tempdir().expect("out dir");
            let app = format!("{APPS}/{project}");
            let scenario = format!("../../tests/scenarios/projects/{project}.json");
            let mut args = vec![
                "test",
                app.as_str(),
                scenario.as_str(),
                "--out",
                out.path().to_str().expect("utf-8"),
            ];
            if webview {
                args.push("--webview");
            }
            let output = cli_support::capsule(&args, "warn");
            let log = text(&output);
            assert!(
                output.status.success(),
                "{project} (webview {webview}):\n{log}"
            );
            assert!(log.contains("1 scenarios: 1 passed, 0 failed"), "{log}");
        }
    }
}

#[test]
fn a_project_folder_opens_in_the_window() {
    let out = tempfile::tempdir().expect("out dir");
    let data = tempfile::tempdir().expect("data dir");
    let shot = out.path().join("alipay-project.png");
    let output = cli_support::capsule(
        &[
            "--data-dir",
            data.path().to_str().expect("utf-8"),
            "run",
            &format!("{APPS}/alipay-project"),
            "--screenshot",
            shot.to_str().expect("utf-8"),
        ],
        "warn",
    );
    let log = text(&output);
    assert!(output.status.success(), "{log}");
    assert!(log.contains("inferred from mini.project.json"), "{log}");
    // The component's "hot" badge is drawn in its red (#ff4d4f).
    let (_, _, pixels) = read_png(&shot);
    let red = pixels
        .iter()
        .filter(|&&(r, g, b)| r > 230 && (60..100).contains(&g) && (60..100).contains(&b))
        .count();
    assert!(red > 50, "no badge drawn: {red} red pixels");
}

#[test]
fn pack_says_which_manifest_fields_it_guessed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let key = dir.path().join("publisher.key");
    let key = key.to_str().expect("utf-8");
    let output = cli_support::capsule(&["keygen", "--out", key], "warn");
    assert!(output.status.success(), "{}", text(&output));
    let package = dir.path().join("logs.capsule");
    let output = cli_support::capsule(
        &[
            "pack",
            &format!("{APPS}/wechat-project"),
            "--key",
            key,
            "--out",
            package.to_str().expect("utf-8"),
        ],
        "warn",
    );
    let log = text(&output);
    assert!(output.status.success(), "{log}");
    assert!(log.contains("packed wx6f3a2b1c0d9e8f7a 0.0.0"), "{log}");
    assert!(
        log.contains("manifest.json written into the package: no manifest.json, inferred from project.config.json"),
        "{log}"
    );
    assert!(
        log.contains("version 0.0.0, every API (developer mode), network domains unchecked"),
        "{log}"
    );
}
