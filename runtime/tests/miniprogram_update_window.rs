//! An update applied in the real WebKitGTK window: the app's `applyUpdate()` (in its
//! `onUpdateReady` listener) restarts it on version 2 in the same window, which then serves
//! version 2's files: its page shows, and its picture (a file version 1 does not have) loads.
//! (A window test: see `window_support`.)

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

mod mp_support;
mod window_support;

use capsule_runtime::{
    App, Container, MiniProgram, PageId, PendingUpdate, UpdateStatus, WryHandle,
};
use mp_support::write_files;
use serde_json::json;
use window_support::{TIMEOUT, launch, wait, write_picture};
/// The picture's size in version 2.
const PICTURE: (u32, u32) = (4, 3);

fn main() -> ExitCode {
    let dir = tempfile::tempdir().expect("tempdir");
    let (v1, v2) = (dir.path().join("v1"), dir.path().join("v2"));
    write_version(&v1, 1);
    write_version(&v2, 2);
    write_picture(&v2.join("img.png"), PICTURE, [200, 40, 40]);
    window_support::run("miniprogram_update_window", (480, 800), |handle| {
        let container = Container::builder()
            .data_dir(dir.path().join("data"))
            .build(Arc::new(handle.clone()));
        let program = launch(&container, &v1);
        let handle = handle.clone();
        (container, Box::new(move || drive(&handle, &program, v2)))
    })
}

fn drive(handle: &WryHandle, program: &MiniProgram, v2: PathBuf) -> Result<(), String> {
    let page = program.page();
    wait(program, "version 1 on screen", |s| {
        s.cold_start.is_some() && s.html.contains("version 1")
    })?;
    let shown = window_text(handle, page)?;
    if !shown.contains("version 1") {
        return Err(format!("the window shows {shown:?}"));
    }

    program.notify_update(UpdateStatus::Checked { has_update: true });
    program.notify_update(UpdateStatus::Ready(PendingUpdate::new(
        "2.0.0",
        move || App::open_dir(&v2).map_err(|error| error.to_string()),
    )));
    // The picture's `bindload` reports its natural size to version 2's page.
    let (width, height) = PICTURE;
    let loaded = format!("picture {width}x{height}");
    let snapshot = wait(program, "version 2 with its picture", |s| {
        s.html.contains(&loaded)
    })?;
    if snapshot.route.as_deref() != Some("pages/home/home") || !snapshot.errors.is_empty() {
        return Err(format!(
            "route {:?}, errors {:?}",
            snapshot.route, snapshot.errors
        ));
    }
    let update_log = ["log: v1 heard check true", "log: v1 heard ready"];
    if !update_log
        .iter()
        .all(|line| snapshot.console.contains(&(*line).to_owned()))
    {
        return Err(format!("console: {:?}", snapshot.console));
    }

    let window = handle
        .run_script(
            page,
            r#"
            const picture = new Image();
            picture.src = "/img.png";
            await picture.decode();
            return {
                text: document.querySelector("page").textContent,
                picture: [picture.naturalWidth, picture.naturalHeight],
            };
            "#,
            TIMEOUT,
        )
        .map_err(|error| error.to_string())?;
    let want = json!({
        "text": format!("version 2{loaded}"),
        "picture": [width, height],
    });
    if window != want {
        return Err(format!("the window holds {window}, want {want}"));
    }
    Ok(())
}

/// Version `n`: its home page shows "version n"; version 1 listens for updates and applies
/// one when it is ready; version 2 has a new home page with a picture.
fn write_version(root: &Path, n: u32) {
    let manifest = json!({
        "appId": "update.window", "name": "Update", "version": format!("{n}.0.0"),
        "kind": "miniprogram", "dialect": "wechat", "entry": "app.json",
    })
    .to_string();
    let v1_app = r#"App({
      onLaunch() {
        const updates = wx.getUpdateManager();
        updates.onCheckForUpdate((res) => console.log('v1 heard check ' + res.hasUpdate));
        updates.onUpdateReady(() => { console.log('v1 heard ready'); updates.applyUpdate(); });
      },
    });"#;
    let v2_page = concat!(
        "<view>version 2</view>",
        r#"<image src="/img.png" style="width: 40px; height: 30px" bindload="loaded"/>"#,
        "<view>{{picture}}</view>",
    );
    let v2_js = "Page({ data: { picture: '' },
      loaded(e) { this.setData({ picture: 'picture ' + e.detail.width + 'x' + e.detail.height }); } });";
    let files: Vec<(&str, &str)> = if n == 1 {
        vec![
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            ("app.js", v1_app),
            ("pages/index/index.js", "Page({});"),
            ("pages/index/index.wxml", "<view>version 1</view>"),
        ]
    } else {
        vec![
            ("app.json", r#"{"pages":["pages/home/home"]}"#),
            ("app.js", "App({});"),
            ("pages/home/home.js", v2_js),
            ("pages/home/home.wxml", v2_page),
        ]
    };
    write_files(root, &files);
    write_files(root, &[("manifest.json", &manifest)]);
}

/// The text of the page the window draws.
fn window_text(handle: &WryHandle, page: PageId) -> Result<String, String> {
    let text = handle
        .run_script(
            page,
            r#"return document.querySelector("page").textContent;"#,
            TIMEOUT,
        )
        .map_err(|error| error.to_string())?;
    Ok(text.as_str().unwrap_or_default().to_owned())
}
