//! `capsule analytics report --html`: after a test app's walk is played twice, the report is
//! one self-contained page naming its pages and APIs, and the webview shows its charts at
//! the phone's width.

use std::path::Path;

mod cli_support;
use cli_support::{capsule, play_analytics_walk, read_png, text};

use serde_json::json;

/// The charts' colours (see `analytics/src/html.rs`).
const PAGE_BLUE: (u8, u8, u8) = (0x3f, 0x6f, 0xd1);
const API_ORANGE: (u8, u8, u8) = (0xf0, 0x8c, 0x2e);
const LAUNCH_GREEN: (u8, u8, u8) = (0x2e, 0x9d, 0x5b);
const LATENCY_TEAL: (u8, u8, u8) = (0x1f, 0xa3, 0xa3);
const ERROR_RED: (u8, u8, u8) = (0xd9, 0x48, 0x5f);

/// Opens the H5 app `app` in the simulator with the data folder `data`, after running the
/// script `exec` in it if there is one, and returns the screenshot's pixels.
fn screenshot(
    app: &Path,
    data: &Path,
    exec: Option<&str>,
    name: &str,
) -> (u32, u32, Vec<(u8, u8, u8)>) {
    let shot = data.join(name);
    let mut args = vec![
        "--data-dir",
        data.to_str().expect("utf-8 path"),
        "run",
        app.to_str().expect("utf-8 path"),
        "--screenshot",
        shot.to_str().expect("utf-8 path"),
    ];
    let script = data.join("scroll.js");
    if let Some(exec) = exec {
        std::fs::write(&script, exec).expect("script");
        args.extend(["--exec", script.to_str().expect("utf-8 path")]);
    }
    let output = capsule(&args, "warn");
    assert!(output.status.success(), "{}", text(&output));
    read_png(&shot)
}

fn count(pixels: &[(u8, u8, u8)], colour: (u8, u8, u8)) -> usize {
    pixels.iter().filter(|&&pixel| pixel == colour).count()
}

#[test]
fn the_html_report_is_one_self_contained_page_that_the_webview_shows_with_its_charts() {
    let data = tempfile::tempdir().expect("temp dir");
    play_analytics_walk(data.path(), false);
    play_analytics_walk(data.path(), false);

    let data_dir = data.path().to_str().expect("utf-8 path");
    let page = data.path().join("report.html");
    let output = capsule(
        &[
            "--data-dir",
            data_dir,
            "analytics",
            "report",
            "analytics.wechat",
            "--html",
            page.to_str().expect("utf-8 path"),
        ],
        "warn",
    );
    assert!(output.status.success(), "{}", text(&output));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert_eq!(printed.trim(), page.display().to_string());

    let html = std::fs::read_to_string(&page).expect("the report page");
    for outside in ["http://", "https://", "<script", "src=", "href=", "url("] {
        assert!(!html.contains(outside), "{outside} in {html}");
    }
    for expected in [
        "analytics.wechat",
        "pages/home/home",
        "pages/detail/detail",
        "(launch)",
        "(exit)",
        "getStorage",
        "reportAnalytics",
        "detail_open",
        "<b>2</b><span>sessions</span>",
        "<svg",
    ] {
        assert!(html.contains(expected), "{expected} not in {html}");
    }

    // The report as an H5 app's page, in the simulator's webview.
    let app = data.path().join("report-app");
    std::fs::create_dir(&app).expect("app folder");
    std::fs::copy(&page, app.join("index.html")).expect("copy the page");
    let manifest = json!({
        "appId": "report.view",
        "name": "Report",
        "version": "1.0.0",
        "kind": "h5",
        "entry": "index.html",
        "permissions": {"apis": [], "domains": []}
    });
    std::fs::write(app.join("manifest.json"), manifest.to_string()).expect("manifest");

    // The top: the counts, the events over time, the start of the page flow; the phone's
    // width, nothing wider.
    let (width, _, pixels) = screenshot(&app, data.path(), None, "top.png");
    assert_eq!(width, 375);
    for (colour, what) in [
        (PAGE_BLUE, "page events over time"),
        (API_ORANGE, "API calls over time"),
        (LAUNCH_GREEN, "the (launch) box"),
    ] {
        let found = count(&pixels, colour);
        assert!(found > 300, "{what}: {found} pixels of {colour:?}");
    }

    // Further down: the page flow and the API latency histograms, failed calls in red.
    let scroll = "document.querySelector('svg[aria-label=\"Page flow\"]').scrollIntoView(); \
                  return window.scrollY;";
    let (width, _, pixels) = screenshot(&app, data.path(), Some(scroll), "flow.png");
    assert_eq!(width, 375);
    for (colour, what) in [
        (PAGE_BLUE, "page boxes"),
        (ERROR_RED, "the (exit) box and getStorage's failed calls"),
        (LATENCY_TEAL, "successful calls' latencies"),
    ] {
        let found = count(&pixels, colour);
        assert!(found > 1000, "{what}: {found} pixels of {colour:?}");
    }
}
