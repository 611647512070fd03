//! `wx.getUpdateManager()` / `my.getUpdateManager()` driven by the host's updater, headless:
//! as both platforms document, `onCheckForUpdate({hasUpdate})` hears the check, `onUpdateReady`
//! a finished download, `onUpdateFailed` a failed one, and `applyUpdate()` after
//! `onUpdateReady` restarts the app on the new version (a cold start at its home page).

use std::path::Path;

mod mp_support;

use capsule_runtime::{App, MiniProgram, PendingUpdate, Route, Snapshot, UpdateStatus};
use mp_support::{Launched, wait, write_files};
use serde_json::{Value, json};

/// The app's update listeners, added in onLaunch as the platforms' samples do: each logs
/// `update: …`; onUpdateReady applies the update unless `globalData.autoApply` is false.
const LISTENERS: &str = r#"
    const log = (what) => { this.globalData.events.push(what); console.log('update: ' + what); };
    const updates = API.getUpdateManager();
    updates.onCheckForUpdate((res) => log('check ' + JSON.stringify(res)));
    updates.onUpdateReady((res) => {
      log('ready');
      if (this.globalData.autoApply !== false) updates.applyUpdate();
    });
    updates.onUpdateFailed(() => log('failed'));
"#;

/// Version 1 of a WeChat-dialect app: home `pages/index/index` shows "version 1", and a
/// second page.
fn write_wechat_v1(root: &Path) {
    let app_js = format!(
        "App({{ globalData: {{ events: [], version: 1 }}, onLaunch() {{ {} }} }});",
        LISTENERS.replace("API", "wx")
    );
    write_files(
        root,
        &[
            ("manifest.json", &manifest("1.0.0", "wechat")),
            (
                "app.json",
                r#"{"pages":["pages/index/index","pages/other/other"]}"#,
            ),
            ("app.js", &app_js),
            ("pages/index/index.js", "Page({});"),
            ("pages/index/index.wxml", "<view>version 1</view>"),
            ("pages/other/other.js", "Page({});"),
            (
                "pages/other/other.wxml",
                "<view>other page of version 1</view>",
            ),
        ],
    );
}

/// Version 2: a new home page (`pages/start/start`, which only app.json of version 2 names)
/// showing "version 2".
fn write_wechat_v2(root: &Path) {
    write_files(
        root,
        &[
            ("manifest.json", &manifest("2.0.0", "wechat")),
            (
                "app.json",
                r#"{"pages":["pages/start/start","pages/index/index"]}"#,
            ),
            (
                "app.js",
                "App({ globalData: { version: 2 }, onLaunch() { console.log('v2 launched'); } });",
            ),
            ("pages/start/start.js", "Page({});"),
            ("pages/start/start.wxml", "<view>version 2</view>"),
            ("pages/index/index.js", "Page({});"),
            (
                "pages/index/index.wxml",
                "<view>old home in version 2</view>",
            ),
        ],
    );
}

fn manifest(version: &str, dialect: &str) -> String {
    json!({
        "appId": "update.test", "name": "Update", "version": version,
        "kind": "miniprogram", "dialect": dialect, "entry": "app.json",
    })
    .to_string()
}

/// Both versions in folders of their own; the running one launched headless.
struct Fixture {
    _dir: tempfile::TempDir,
    v2: std::path::PathBuf,
    launched: Launched,
}

impl Fixture {
    fn wechat() -> Self {
        Self::new(write_wechat_v1, write_wechat_v2)
    }

    fn new(v1: fn(&Path), v2: fn(&Path)) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let (root1, root2) = (dir.path().join("v1"), dir.path().join("v2"));
        v1(&root1);
        v2(&root2);
        let launched = mp_support::launch(&root1);
        Self {
            _dir: dir,
            v2: root2,
            launched,
        }
    }

    fn program(&self) -> &MiniProgram {
        &self.launched.program
    }

    /// Version 2, ready to be applied.
    fn ready(&self) -> UpdateStatus {
        let v2 = self.v2.clone();
        UpdateStatus::Ready(PendingUpdate::new("2.0.0", move || {
            App::open_dir(&v2).map_err(|error| error.to_string())
        }))
    }

    fn events(&self) -> Value {
        self.program()
            .evaluate("getApp().globalData.events")
            .expect("events")
    }

    /// Waits until the app has logged `update: <what>`.
    fn wait_logged(&self, what: &str) -> Snapshot {
        let line = format!("log: update: {what}");
        wait(self.program(), |s| s.console.contains(&line))
    }
}

fn shows(snapshot: &Snapshot, text: &str) -> bool {
    snapshot.html.contains(text)
}

#[test]
fn apply_update_restarts_the_app_on_the_new_version_at_its_home_page() {
    let fixture = Fixture::wechat();
    let program = fixture.program();
    program
        .route(Route::NavigateTo {
            url: "/pages/other/other".into(),
        })
        .expect("routes");
    wait(program, |s| s.route.as_deref() == Some("pages/other/other"));

    program.notify_update(UpdateStatus::Checked { has_update: true });
    fixture.wait_logged(r#"check {"hasUpdate":true}"#);
    assert_eq!(fixture.events(), json!([r#"check {"hasUpdate":true}"#]));

    program.notify_update(fixture.ready());
    let snapshot = wait(program, |s| shows(s, "version 2"));
    assert!(
        snapshot.console.contains(&"log: update: ready".to_owned()),
        "{:?}",
        snapshot.console
    );
    // A cold start of version 2: its own app.json, app.js and home page; nothing of the
    // version 1 page stack is left.
    assert_eq!(snapshot.route.as_deref(), Some("pages/start/start"));
    assert_eq!(snapshot.stack, ["pages/start/start"]);
    assert!(
        snapshot.console.contains(&"log: v2 launched".to_owned()),
        "{:?}",
        snapshot.console
    );
    assert!(snapshot.errors.is_empty(), "{:?}", snapshot.errors);
    assert_eq!(
        program.evaluate("getApp().globalData"),
        Ok(json!({"version": 2}))
    );
    let served = fixture
        .launched
        .container
        .app_of(program.page())
        .expect("the window is open");
    assert_eq!(served.manifest().version.to_string(), "2.0.0");

    // The downloaded version has been used: another applyUpdate does nothing.
    program
        .evaluate("wx.getUpdateManager().applyUpdate(); 0")
        .expect("runs");
    let after = wait(program, |s| shows(s, "version 2"));
    assert_eq!(after.route.as_deref(), Some("pages/start/start"));
    assert!(after.errors.is_empty(), "{:?}", after.errors);
}

#[test]
fn a_failed_download_calls_on_update_failed_and_the_app_keeps_running() {
    let fixture = Fixture::wechat();
    let program = fixture.program();
    program.notify_update(UpdateStatus::Checked { has_update: true });
    program.notify_update(UpdateStatus::Failed("network unreachable".into()));
    let snapshot = fixture.wait_logged("failed");
    assert_eq!(
        fixture.events(),
        json!([r#"check {"hasUpdate":true}"#, "failed"])
    );
    assert!(shows(&snapshot, "version 1"), "{}", snapshot.html);
    assert!(snapshot.errors.is_empty(), "{:?}", snapshot.errors);
}

#[test]
fn apply_update_before_on_update_ready_does_nothing() {
    let fixture = Fixture::wechat();
    let program = fixture.program();
    program
        .evaluate("getApp().globalData.kept = true; wx.getUpdateManager().applyUpdate(); 0")
        .expect("runs");
    let snapshot = wait(program, |s| {
        s.console
            .iter()
            .any(|line| line.starts_with("warn: applyUpdate"))
    });
    assert!(shows(&snapshot, "version 1"), "{}", snapshot.html);
    // The same logic layer: no restart happened.
    assert_eq!(
        program.evaluate("getApp().globalData.kept"),
        Ok(json!(true))
    );
    // No check has been reported, so onCheckForUpdate has not been called.
    assert_eq!(fixture.events(), json!([]));
}

#[test]
fn listeners_added_after_the_report_still_hear_it_once() {
    let fixture = Fixture::wechat();
    let program = fixture.program();
    program
        .evaluate("getApp().globalData.autoApply = false; 0")
        .expect("runs");
    program.notify_update(UpdateStatus::Checked { has_update: true });
    program.notify_update(fixture.ready());
    fixture.wait_logged("ready");
    program
        .evaluate(
            "globalThis.late = [];
             const updates = wx.getUpdateManager();
             updates.onCheckForUpdate((res) => late.push(res));
             updates.onUpdateReady(() => late.push('ready'));
             updates.onUpdateFailed(() => late.push('failed'));
             late.length",
        )
        .expect("adds listeners");
    // Called from a timer, after the code that added them.
    wait(program, |_| {
        program.evaluate("late.length").expect("late") == json!(2)
    });
    program.settle().expect("settles");
    assert_eq!(
        program.evaluate("late"),
        Ok(json!([{"hasUpdate": true}, "ready"]))
    );
    // It is one manager: the app's own listeners heard each report once.
    assert_eq!(
        fixture.events(),
        json!([r#"check {"hasUpdate":true}"#, "ready"])
    );
    assert!(shows(&program.snapshot().expect("snapshot"), "version 1"));
}

#[test]
fn an_update_that_cannot_be_opened_leaves_the_running_version() {
    let fixture = Fixture::wechat();
    let program = fixture.program();
    program.notify_update(UpdateStatus::Ready(PendingUpdate::new("2.0.0", || {
        Err("the package failed verification".to_owned())
    })));
    let snapshot = wait(program, |s| !s.errors.is_empty());
    assert!(
        snapshot.errors[0].contains("2.0.0") && snapshot.errors[0].contains("failed verification"),
        "{:?}",
        snapshot.errors
    );
    assert!(shows(&snapshot, "version 1"), "{}", snapshot.html);
    // A download without a reported check: the check found it.
    assert_eq!(
        fixture.events(),
        json!([r#"check {"hasUpdate":true}"#, "ready"])
    );
}

/// The Alipay dialect: `my.getUpdateManager()`, `.axml` pages.
fn write_alipay(root: &Path, version: u32) {
    let app_js = format!(
        "App({{ globalData: {{ events: [], version: {version} }}, onLaunch() {{ {} }} }});",
        LISTENERS.replace("API", "my")
    );
    let page = format!("<view>alipay version {version}</view>");
    write_files(
        root,
        &[
            (
                "manifest.json",
                &manifest(&format!("{version}.0.0"), "alipay"),
            ),
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            ("app.js", &app_js),
            ("pages/index/index.js", "Page({});"),
            ("pages/index/index.axml", &page),
        ],
    );
}

#[test]
fn alipay_apps_update_through_my_get_update_manager() {
    let fixture = Fixture::new(|root| write_alipay(root, 1), |root| write_alipay(root, 2));
    let program = fixture.program();
    assert!(shows(
        &program.snapshot().expect("snapshot"),
        "alipay version 1"
    ));
    program.notify_update(UpdateStatus::Checked { has_update: true });
    fixture.wait_logged(r#"check {"hasUpdate":true}"#);
    program.notify_update(fixture.ready());
    let snapshot = wait(program, |s| shows(s, "alipay version 2"));
    assert!(
        snapshot.console.contains(&"log: update: ready".to_owned()),
        "{:?}",
        snapshot.console
    );
    assert_eq!(snapshot.route.as_deref(), Some("pages/index/index"));
    assert_eq!(
        program.evaluate("getApp().globalData"),
        Ok(json!({"events": [], "version": 2}))
    );
}
