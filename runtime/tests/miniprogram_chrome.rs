//! The phone's chrome headless, through the library: the chrome JSON (`Snapshot.chrome`) the
//! window draws carries each page's window settings (app.json's `window` under the page's
//! own `.json`, in both dialects' names), and the numbers it is drawn with are the ones the
//! logic layer's `getMenuButtonBoundingClientRect` and `getSystemInfo` answer, on every
//! device preset and in both dialects.

use std::path::Path;
use std::sync::Arc;

mod mp_support;

use capsule_runtime::{
    App, Container, DeviceProfile, HeadlessHost, MiniProgram, MiniProgramOptions, Route, Snapshot,
};
use mp_support::{wait, write_files};
use serde_json::{Value, json};

/// Writes a one-tab app of `dialect` (`wechat` or `alipay`) with `window` as app.json's
/// window and `pages` as (name, page .json) pairs; the first page is the tab page.
fn write_app(root: &Path, dialect: &str, window: &Value, pages: &[(&str, Value)]) {
    let (markup, list_key, text_key) = if dialect == "wechat" {
        ("wxml", "list", "text")
    } else {
        ("axml", "items", "name")
    };
    let paths: Vec<String> = pages
        .iter()
        .map(|(name, _)| format!("pages/{name}/{name}"))
        .collect();
    let app_json = json!({
        "pages": paths,
        "window": window,
        "tabBar": { list_key: [{ "pagePath": paths[0], text_key: "Home" }] },
    });
    let manifest = json!({
        "appId": format!("chrome.{dialect}"), "name": "Chrome", "version": "1.0.0",
        "kind": "miniprogram", "dialect": dialect, "entry": "app.json",
        "permissions": {"apis": ["system", "ui"]},
    });
    let mut files = vec![
        ("manifest.json".to_owned(), manifest.to_string()),
        ("app.json".to_owned(), app_json.to_string()),
        ("app.js".to_owned(), "App({});".to_owned()),
    ];
    for (name, settings) in pages {
        let stem = format!("pages/{name}/{name}");
        files.push((format!("{stem}.js"), "Page({});".to_owned()));
        files.push((format!("{stem}.{markup}"), format!("<view>{name}</view>")));
        files.push((format!("{stem}.json"), settings.to_string()));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect();
    write_files(root, &files);
}

/// Launches the app folder `root` headless on `device`.
fn launch(root: &Path, device: DeviceProfile) -> MiniProgram {
    let host = Arc::new(HeadlessHost::new());
    let container = Container::builder()
        .data_dir(root.join("data"))
        .device(device)
        .build(host);
    let app = App::open_dir(root).expect("app");
    let program =
        MiniProgram::launch(&container, app, &MiniProgramOptions::default()).expect("launch");
    wait(&program, |s| s.cold_start.is_some());
    program
}

fn go(program: &MiniProgram, page: &str) -> Snapshot {
    program
        .route(Route::NavigateTo {
            url: format!("/pages/{page}/{page}"),
        })
        .expect("route");
    let path = format!("pages/{page}/{page}");
    wait(program, |s| s.route.as_deref() == Some(path.as_str()))
}

/// `value` without WeChat's `errMsg`.
fn plain(mut value: Value) -> Value {
    if let Some(object) = value.as_object_mut() {
        object.remove("errMsg");
    }
    value
}

#[test]
fn the_menu_button_and_safe_area_are_where_the_window_draws_them_on_every_device() {
    for device in DeviceProfile::ALL {
        for dialect in ["wechat", "alipay"] {
            let dir = tempfile::tempdir().expect("tempdir");
            write_app(
                dir.path(),
                dialect,
                &json!({}),
                &[("home", json!({})), ("other", json!({}))],
            );
            let program = launch(dir.path(), device);
            let ns = if dialect == "wechat" { "wx" } else { "my" };
            let answer = |expr: &str| {
                plain(
                    program
                        .evaluate(&format!("{ns}.{expr}"))
                        .unwrap_or_else(|e| panic!("{expr}: {e}")),
                )
            };
            let rect = answer("getMenuButtonBoundingClientRect()");
            let info = answer("getSystemInfoSync()");
            let chrome = program.snapshot().expect("snapshot").chrome;
            let case = format!("{} {dialect}", device.name);

            // The rect the API answers is the one drawn.
            let drawn = &chrome["menuButton"];
            for side in ["width", "height", "top", "right", "bottom", "left"] {
                assert_eq!(rect[side], drawn[side], "{case}: {side}");
            }
            // 87 × 32, 7 px from the right, in the title bar under the status bar: 4 px
            // under it for WeChat on iOS, in the middle of the title bar elsewhere.
            let status = device.status_bar_height;
            let title = if device.platform == "android" { 48 } else { 44 };
            let gap = if dialect == "wechat" && device.platform == "ios" {
                4
            } else {
                (title - 32) / 2
            };
            let right = device.width - 7;
            assert_eq!(
                rect,
                json!({"width": 87, "height": 32, "top": status + gap, "bottom": status + gap + 32,
                       "right": right, "left": right - 87}),
                "{case}"
            );

            // The status bar, the navigation bar under it and the safe area.
            assert_eq!(info["statusBarHeight"], status, "{case}");
            assert_eq!(chrome["statusBar"]["height"], status, "{case}");
            assert_eq!(info["titleBarHeight"], title, "{case}");
            assert_eq!(chrome["navigationBar"]["top"], status, "{case}");
            assert_eq!(chrome["navigationBar"]["height"], title, "{case}");
            let bottom = device.height - device.safe_area_bottom;
            assert_eq!(
                info["safeArea"],
                json!({"left": 0, "right": device.width, "top": status, "bottom": bottom,
                       "width": device.width, "height": bottom - status}),
                "{case}"
            );
            assert_eq!(chrome["homeIndicator"], device.safe_area_bottom, "{case}");
            assert_eq!(
                chrome["tabBar"]["safeAreaBottom"], device.safe_area_bottom,
                "{case}: the tab bar stands on the bottom inset"
            );
            // The page area between the bars is the window height the logic sees.
            let top = status + title;
            let tab_bar = 50 + device.safe_area_bottom;
            assert_eq!(chrome["pageTop"], top, "{case}");
            assert_eq!(chrome["pageBottom"], tab_bar, "{case}");
            assert_eq!(
                info["windowHeight"],
                device.height - top - tab_bar,
                "{case}"
            );
            let other = go(&program, "other").chrome;
            assert_eq!(other["pageBottom"], 0, "{case}");
            assert_eq!(
                answer("getSystemInfoSync()")["windowHeight"],
                device.height - top,
                "{case}"
            );
            program.close();
        }
    }
}

#[test]
fn wechat_window_settings_come_from_app_json_under_each_pages_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_app(
        dir.path(),
        "wechat",
        &json!({
            "navigationBarTitleText": "App",
            "navigationBarBackgroundColor": "#ffffff",
            "navigationBarTextStyle": "black",
            "backgroundColor": "#eeeeee",
            "backgroundTextStyle": "light",
            "enablePullDownRefresh": true,
        }),
        &[
            ("home", json!({})),
            (
                "dark",
                json!({
                    "navigationBarTitleText": "Dark",
                    "navigationBarBackgroundColor": "#000000",
                    "navigationBarTextStyle": "white",
                    "backgroundColorTop": "#ff0000",
                    "backgroundColorBottom": "#00ff00",
                    "backgroundTextStyle": "dark",
                }),
            ),
            ("custom", json!({"navigationStyle": "custom"})),
        ],
    );
    let program = launch(dir.path(), DeviceProfile::default());
    let home = program.snapshot().expect("snapshot").chrome;
    assert_eq!(home["dialect"], "wechat");
    assert_eq!(home["navigationBar"]["title"], "App");
    assert_eq!(home["navigationBar"]["backgroundColor"], "#ffffff");
    assert_eq!(home["navigationBar"]["frontColor"], "#000000");
    assert_eq!(home["statusBar"]["frontColor"], "#000000");
    assert_eq!(home["menuButton"]["frontColor"], "#000000");
    assert_eq!(home["statusBar"]["time"], "9:41");
    // WeChat's backgroundColor is the window behind the page, seen when pulling down.
    assert_eq!(home["backgroundColor"], "#eeeeee");
    assert_eq!(home["pageBackgroundColor"], Value::Null);
    assert_eq!(home["backgroundColorTop"], "#eeeeee");
    assert_eq!(home["backgroundTextStyle"], "light");
    assert_eq!(home["enablePullDownRefresh"], true);

    let dark = go(&program, "dark").chrome;
    assert_eq!(dark["navigationBar"]["title"], "Dark");
    assert_eq!(dark["navigationBar"]["backgroundColor"], "#000000");
    assert_eq!(dark["navigationBar"]["frontColor"], "#ffffff");
    assert_eq!(dark["statusBar"]["frontColor"], "#ffffff");
    assert_eq!(dark["backgroundColor"], "#eeeeee", "from app.json");
    assert_eq!(dark["backgroundColorTop"], "#ff0000");
    assert_eq!(dark["backgroundColorBottom"], "#00ff00");
    assert_eq!(dark["backgroundTextStyle"], "dark");
    assert_eq!(dark["enablePullDownRefresh"], true, "from app.json");

    // A custom navigation bar: none drawn, the page from the top of the screen; the status
    // bar (in app.json's text style) and the menu button stay.
    let custom = go(&program, "custom").chrome;
    assert_eq!(custom["navigationBar"], Value::Null);
    assert_eq!(custom["pageTop"], 0);
    assert_eq!(custom["statusBar"]["height"], 20);
    assert_eq!(custom["statusBar"]["frontColor"], "#000000");
    assert_eq!(custom["menuButton"]["top"], 24);
    assert_eq!(
        plain(program.evaluate("wx.getWindowInfo()").expect("info"))["windowHeight"],
        667
    );
}

#[test]
fn alipay_window_settings_come_from_app_json_under_each_pages_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_app(
        dir.path(),
        "alipay",
        &json!({
            "defaultTitle": "App",
            "titleBarColor": "#1677ff",
            "backgroundColor": "#f4f5f7",
            "pullRefresh": true,
        }),
        &[
            ("home", json!({})),
            (
                "clear",
                json!({"defaultTitle": "Clear", "transparentTitle": "always", "allowsBounceVertical": "NO"}),
            ),
            (
                "fading",
                json!({"transparentTitle": "auto", "pullRefresh": false}),
            ),
        ],
    );
    let program = launch(
        dir.path(),
        DeviceProfile::named("iphone-12").expect("preset"),
    );
    let home = program.snapshot().expect("snapshot").chrome;
    assert_eq!(home["dialect"], "alipay");
    assert_eq!(home["navigationBar"]["title"], "App");
    assert_eq!(home["navigationBar"]["backgroundColor"], "#1677ff");
    assert_eq!(home["navigationBar"]["transparent"], "none");
    // Alipay's backgroundColor is the page's own.
    assert_eq!(home["backgroundColor"], "#f4f5f7");
    assert_eq!(home["pageBackgroundColor"], "#f4f5f7");
    assert_eq!(home["enablePullDownRefresh"], true);
    assert_eq!(home["pageTop"], 47 + 44);

    // transparentTitle: the bar is drawn over the page, which starts at the top of the
    // screen and has all of it; allowsBounceVertical NO: no pull-down refresh.
    let clear = go(&program, "clear").chrome;
    assert_eq!(clear["navigationBar"]["title"], "Clear");
    assert_eq!(clear["navigationBar"]["transparent"], "always");
    assert_eq!(clear["navigationBar"]["backgroundColor"], "#1677ff");
    assert_eq!(clear["pageTop"], 0);
    assert_eq!(clear["enablePullDownRefresh"], false);
    assert_eq!(
        program
            .evaluate("my.getSystemInfoSync().windowHeight")
            .expect("info"),
        844
    );

    let fading = go(&program, "fading").chrome;
    assert_eq!(fading["navigationBar"]["transparent"], "auto");
    assert_eq!(fading["navigationBar"]["title"], "App", "from app.json");
    assert_eq!(fading["enablePullDownRefresh"], false);
}

/// WeChat's DarkMode: app.json's `themeLocation` file gives `@name` variables their values
/// (light theme: the simulated device's `theme`), in app.json and in page json; a page
/// naming an unknown variable is reported.
#[test]
fn theme_variables_of_theme_location_fill_in_window_settings() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_app(
        dir.path(),
        "wechat",
        &json!({"navigationBarBackgroundColor": "@navBg", "navigationBarTextStyle": "@navText"}),
        &[
            ("home", json!({})),
            ("themed", json!({"navigationBarBackgroundColor": "@pageBg"})),
            ("broken", json!({"backgroundColor": "@missing"})),
        ],
    );
    let app_json = dir.path().join("app.json");
    let mut app: Value =
        serde_json::from_str(&std::fs::read_to_string(&app_json).expect("app.json")).expect("json");
    app["themeLocation"] = json!("theme.json");
    std::fs::write(&app_json, app.to_string()).expect("app.json");
    write_files(
        dir.path(),
        &[(
            "theme.json",
            r##"{"light": {"navBg": "#f7f7f7", "navText": "black", "pageBg": "#123456"},
                 "dark": {"navBg": "#1f1f1f", "navText": "white", "pageBg": "#654321"}}"##,
        )],
    );
    let program = launch(dir.path(), DeviceProfile::default());
    let home = program.snapshot().expect("snapshot").chrome;
    assert_eq!(home["navigationBar"]["backgroundColor"], "#f7f7f7");
    assert_eq!(home["navigationBar"]["frontColor"], "#000000");
    let themed = go(&program, "themed").chrome;
    assert_eq!(themed["navigationBar"]["backgroundColor"], "#123456");
    let broken = go(&program, "broken");
    assert!(
        broken.errors.iter().any(|e| e.contains("@missing")),
        "{:?}",
        broken.errors
    );
}
