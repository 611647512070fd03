//! The example apps built on published component libraries (`examples/vant-wechat` on Vant
//! Weapp, `examples/tdesign-wechat` on TDesign, `examples/antd-alipay` on antd-mini), the
//! same settings app on each, installed from the npm registry as the
//! platforms' tools install them (`scripts/test.sh`: `npm ci`, then `capsule build-npm` for
//! WeChat), driven by their scenario files through `capsule test`, headless and in the real
//! WebKitGTK window.

mod cli_support;
use cli_support::{read_png, text};

/// Relative to the package root, which is where cargo runs tests.
const EXAMPLES: &str = "../../examples";
const SCENARIOS: &str = "../../tests/scenarios";

/// Runs every scenario of example `name`; returns the output folder.
fn run_example(name: &str, webview: bool) -> tempfile::TempDir {
    let app = format!("{EXAMPLES}/{name}");
    cli_support::assert_npm_installed(&app);
    let out = tempfile::tempdir().expect("tempdir");
    let scenarios: Vec<String> = ["settings", "paper"]
        .iter()
        .map(|scenario| format!("{SCENARIOS}/{name}/{scenario}.json"))
        .collect();
    let mut args = vec!["test", app.as_str()];
    args.extend(scenarios.iter().map(String::as_str));
    args.extend(["--out", out.path().to_str().expect("utf-8")]);
    if webview {
        args.push("--webview");
    }
    let output = cli_support::capsule(&args, "warn");
    let log = text(&output);
    assert!(output.status.success(), "{name}: scenarios failed:\n{log}");
    assert!(log.contains("2 scenarios: 2 passed, 0 failed"), "{log}");
    out
}

#[test]
fn vant_weapp_example_passes_its_scenarios_headless() {
    let out = run_example("vant-wechat", false);
    let html = std::fs::read_to_string(out.path().join("dialog.html")).expect("page HTML");
    assert!(html.contains("Print on A5?"), "{html}");
}

#[test]
fn tdesign_example_passes_its_scenarios_headless() {
    let out = run_example("tdesign-wechat", false);
    let html = std::fs::read_to_string(out.path().join("dialog.html")).expect("page HTML");
    assert!(html.contains("Print on A5?"), "{html}");
}

#[test]
fn antd_mini_example_passes_its_scenarios_headless() {
    let out = run_example("antd-alipay", false);
    let html = std::fs::read_to_string(out.path().join("modal.html")).expect("page HTML");
    assert!(html.contains("Print on A5?"), "{html}");
}

#[test]
fn library_examples_pass_their_scenarios_in_the_window() {
    let examples = [
        ("vant-wechat", "dialog.png"),
        ("tdesign-wechat", "dialog.png"),
        ("antd-alipay", "modal.png"),
    ];
    for (name, dialog) in examples {
        let out = run_example(name, true);
        for shot in ["settings.png", dialog] {
            let (width, height, pixels) = read_png(&out.path().join(shot));
            assert_eq!((width, height), (375, 667), "{name} {shot}");
            let colours: std::collections::HashSet<_> = pixels.iter().step_by(7).collect();
            assert!(colours.len() > 40, "{name} {shot}: is it blank?");
        }
        // The dialog's mask darkens the page around it.
        let (width, _, pixels) = read_png(&out.path().join(dialog));
        let (red, green, blue) = pixels[600 * width as usize + 5];
        assert!(
            red < 150 && green < 150 && blue < 150,
            "{name}: no mask under the dialog: {:?}",
            (red, green, blue)
        );
    }
}
