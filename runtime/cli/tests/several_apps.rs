//! `capsule run` of several apps at once: each in a window of its own, with its own storage.
//! Two mini-programs of different dialects keep a visit count under the same storage key;
//! run side by side and then each alone, each counts only its own visits.

mod cli_support;
use std::path::Path;

use cli_support::{capsule_in, read_png, text};

/// Writes a mini-program of `dialect` with id `app_id` into `dir`: its page counts its
/// launches in storage key `visits`, shows `<app_id> visit <n>` and has the background
/// `background` (CSS colour).
fn write_app(dir: &Path, app_id: &str, dialect: &str, background: &str) {
    // Each dialect's own storage calls: WeChat's take a key, Alipay's an object.
    let (read, write, template, style) = match dialect {
        "wechat" => (
            "wx.getStorageSync('visits')",
            "wx.setStorageSync('visits', visits)",
            "wxml",
            "wxss",
        ),
        _ => (
            "my.getStorageSync({ key: 'visits' }).data",
            "my.setStorageSync({ key: 'visits', data: visits })",
            "axml",
            "acss",
        ),
    };
    let page = dir.join("pages/index");
    std::fs::create_dir_all(&page).expect("page folder");
    let manifest = serde_json::json!({
        "appId": app_id, "name": app_id, "version": "1.0.0", "kind": "miniprogram",
        "dialect": dialect, "entry": "app.json",
        "permissions": { "apis": ["storage"] },
    });
    let files = [
        ("manifest.json".to_owned(), manifest.to_string()),
        (
            "app.json".to_owned(),
            r#"{"pages": ["pages/index/index"]}"#.to_owned(),
        ),
        ("app.js".to_owned(), "App({});".to_owned()),
        (
            "pages/index/index.js".to_owned(),
            format!(
                "Page({{ data: {{ visits: 0 }}, onLoad() {{ \
                 const visits = ({read} || 0) + 1; {write}; this.setData({{ visits }}); }} }});"
            ),
        ),
        (
            format!("pages/index/index.{template}"),
            format!("<view class=\"visits\">{app_id} visit {{{{visits}}}}</view>"),
        ),
        (
            format!("pages/index/index.{style}"),
            format!("page {{ background: {background}; height: 100%; }}"),
        ),
    ];
    for (name, content) in files {
        std::fs::write(dir.join(name), content).expect("app file");
    }
}

/// The colour most pixels of the PNG at `path` have.
fn main_colour(path: &Path) -> (u8, u8, u8) {
    let (_, _, pixels) = read_png(path);
    let mut counts = std::collections::HashMap::new();
    for pixel in pixels {
        *counts.entry(pixel).or_insert(0_usize) += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(_, count)| *count)
        .map(|(colour, _)| colour)
        .expect("pixels")
}

#[test]
fn two_apps_run_side_by_side_each_with_its_own_storage() {
    let work = tempfile::tempdir().expect("tempdir");
    let (red, blue) = (work.path().join("red"), work.path().join("blue"));
    write_app(&red, "side.red", "wechat", "rgb(200, 30, 30)");
    write_app(&blue, "side.blue", "alipay", "rgb(30, 30, 200)");
    let data = work.path().join("data");
    let data = data.to_str().expect("utf-8");
    let (red, blue) = (red.to_str().expect("utf-8"), blue.to_str().expect("utf-8"));

    let output = capsule_in(work.path(), &["--data-dir", data, "run", red, blue], "warn");
    let log = text(&output);
    assert!(output.status.success(), "{log}");
    for (app_id, colour) in [("side.red", (200, 30, 30)), ("side.blue", (30, 30, 200))] {
        let shot = work.path().join(format!("capsule-{app_id}.png"));
        assert!(
            log.contains(&format!("screenshot: {}", shot.display())),
            "{log}"
        );
        assert_eq!(
            main_colour(&shot),
            colour,
            "{app_id}'s window shows its page"
        );
    }

    // Each app counted one visit in the window: a second launch of each, alone, is its
    // second (a shared storage would give the blue app a third).
    for (app, app_id) in [(red, "side.red"), (blue, "side.blue")] {
        let output = capsule_in(
            work.path(),
            &["--data-dir", data, "run", "--headless", app],
            "warn",
        );
        let html = text(&output);
        assert!(output.status.success(), "{html}");
        assert!(html.contains(&format!("{app_id} visit 2")), "{html}");
    }
}

#[test]
fn options_for_one_app_and_an_app_given_twice_are_refused() {
    let work = tempfile::tempdir().expect("tempdir");
    let app = work.path().join("app");
    write_app(&app, "side.once", "wechat", "white");
    let app = app.to_str().expect("utf-8");
    let data = work.path().join("data");
    let data = data.to_str().expect("utf-8");
    let output = capsule_in(
        work.path(),
        &["--data-dir", data, "run", "--headless", app, app],
        "warn",
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output).contains("--headless takes one app; 2 were given"),
        "{}",
        text(&output)
    );
    let output = capsule_in(work.path(), &["--data-dir", data, "run", app, app], "warn");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output).contains("side.once is given twice"),
        "{}",
        text(&output)
    );
}
