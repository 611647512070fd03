//! `<swiper>` laid out as the platforms document, in the real WebKitGTK window:
//! previous-margin / next-margin show strips of the items beside the current one (WeChat's
//! names and Alipay's camelCase ones), display-multiple-items shows that many at once, each
//! (width − margins) / n wide, and circular wraps the last item into the previous margin;
//! swiping moves the row by one item and reports change with its source.
//!
//! A window test (see `window_support`); a screenshot is kept as `swiper_window.png` in
//! Cargo's test scratch folder.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

mod mp_support;
mod window_support;

use capsule_runtime::{Container, MiniProgram, WryHandle};
use mp_support::write_files;
use serde_json::{Value, json};
use window_support::{TIMEOUT, launch};

const PAGE: &str = r#"<swiper id="margins" previous-margin="30px" next-margin="50px" circular
  style="width: 300px; height: 100px;" bindchange="changed">
  <swiper-item wx:for="{{colours}}" wx:key="*this" style="background: {{item}};">{{index}}</swiper-item>
</swiper>
<swiper id="many" displayMultipleItems="{{3}}" previousMargin="{{0}}" style="width: 300px; height: 100px;">
  <swiper-item wx:for="{{colours}}" wx:key="*this" style="background: {{item}};">{{index}}</swiper-item>
</swiper>"#;

const PAGE_JS: &str = r#"Page({
  data: { events: [], colours: ['#e53935', '#fb8c00', '#43a047', '#1e88e5', '#8e24aa'] },
  changed(e) { this.data.events.push('change ' + e.detail.current + ' ' + e.detail.source); },
});"#;

fn main() -> ExitCode {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = json!({
        "appId": "swiper.wechat", "name": "Swiper", "version": "1.0.0",
        "kind": "miniprogram", "dialect": "wechat", "entry": "app.json",
    })
    .to_string();
    write_files(
        &dir.path().join("app"),
        &[
            ("manifest.json", &manifest),
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            ("app.js", "App({})"),
            ("pages/index/index.js", PAGE_JS),
            ("pages/index/index.wxml", PAGE),
        ],
    );
    let root = dir.path().to_owned();
    window_support::run("swiper_window", (480, 900), move |handle| {
        let container = Container::builder()
            .data_dir(root.join("data"))
            .build(Arc::new(handle.clone()));
        let handle = handle.clone();
        let driving = container.clone();
        let drive = move || {
            let program = launch(&driving, &root.join("app"));
            layout(&handle, &program)?;
            let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("swiper_window.png");
            handle
                .screenshot(program.page(), &shot)
                .map_err(|error| error.to_string())
        };
        (container, Box::new(drive))
    })
}

/// Each item's left edge and width, relative to its swiper, once the moves have ended.
fn boxes(handle: &WryHandle, program: &MiniProgram, id: &str) -> Result<Value, String> {
    handle
        .run_script(
            program.page(),
            &format!(
                r##"
                for (let waited = 0; !document.getElementById("{id}"); waited += 20) {{
                  if (waited > 30000) throw new Error("the page was never drawn");
                  await new Promise((resolve) => setTimeout(resolve, 20));
                }}
                await new Promise((resolve) => setTimeout(resolve, 700));
                const swiper = document.getElementById("{id}").getBoundingClientRect();
                return Array.from(document.querySelectorAll("#{id} > swiper-item")).map((item) => {{
                  const box = item.getBoundingClientRect();
                  return [Math.round(box.left - swiper.left), Math.round(box.width)];
                }});
                "##
            ),
            TIMEOUT,
        )
        .map_err(|error| error.to_string())
}

fn layout(handle: &WryHandle, program: &MiniProgram) -> Result<(), String> {
    window_support::wait(program, "the swipers", |snapshot| {
        snapshot.html.contains("id=\"many\"")
    })?;
    // 300 px wide with 30 px before and 50 px after: each item 220 px, the current one at 30,
    // the next at 250, and (circular) the last one wrapped round to end at 30.
    let got = boxes(handle, program, "margins")?;
    let want = json!([[30, 220], [250, 220], [470, 220], [-410, 220], [-190, 220]]);
    if got != want {
        return Err(format!("margins laid out as {got}, want {want}"));
    }
    // Three items at once: 100 px each, side by side from the left edge.
    let got = boxes(handle, program, "many")?;
    let want = json!([[0, 100], [100, 100], [200, 100], [300, 100], [400, 100]]);
    if got != want {
        return Err(format!(
            "display-multiple-items laid out as {got}, want {want}"
        ));
    }
    // A swipe to the left moves the row by one item and reports change from touch.
    let mut action = capsule_runtime::UserAction::Swipe(1);
    let path = swiper_path(program)?;
    program
        .act(path.clone(), action.clone())
        .map_err(|error| error.to_string())?;
    let got = boxes(handle, program, "margins")?;
    let want = json!([[-190, 220], [30, 220], [250, 220], [470, 220], [-410, 220]]);
    if got != want {
        return Err(format!(
            "after the swipe the items are at {got}, want {want}"
        ));
    }
    action = capsule_runtime::UserAction::Swipe(4);
    program
        .act(path, action)
        .map_err(|error| error.to_string())?;
    // Back round to the last item: the first one shows after it, the one before it in the
    // previous margin.
    let got = boxes(handle, program, "margins")?;
    let want = json!([[250, 220], [470, 220], [-410, 220], [-190, 220], [30, 220]]);
    if got != want {
        return Err(format!(
            "on the last item the items are at {got}, want {want}"
        ));
    }
    program.settle().map_err(|error| error.to_string())?;
    let events = program
        .evaluate("getCurrentPages()[0].data.events")
        .map_err(|error| error.to_string())?;
    if events != json!(["change 1 touch", "change 4 touch"]) {
        return Err(format!("the swipes reported {events}"));
    }
    Ok(())
}

/// The path of `#margins` in the page's virtual DOM.
fn swiper_path(program: &MiniProgram) -> Result<Vec<u32>, String> {
    let snapshot = program.snapshot().map_err(|error| error.to_string())?;
    let html = &snapshot.html;
    let first_swiper = html
        .find("id=\"margins\"")
        .is_some_and(|at| !html[..at].contains("</swiper>"));
    if html.starts_with("<swiper") && first_swiper {
        Ok(vec![0])
    } else {
        Err(format!(
            "#margins is not the page's first node: {}",
            snapshot.html
        ))
    }
}
