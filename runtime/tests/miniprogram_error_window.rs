//! A page whose template does not compile, in the real WebKitGTK window: the window shows
//! where (`file:line:col`), what, and the author's line with a caret under the column, in a
//! monospace block that fits a phone's width; once the file is fixed and the app reloaded,
//! the page shows and the notice is gone. (A window test: see `window_support`.)

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

mod mp_support;
mod window_support;

use capsule_runtime::{Container, MiniProgram, WryHandle};
use mp_support::write_files;
use serde_json::Value;
use window_support::{TIMEOUT, launch, wait};

/// The template with its error on line 3: `{{count +}}` ends before its operand.
const BROKEN: &str = "<view class=\"box\">\n  <text>Counter</text>\n  <text class=\"count\">count is {{count +}}</text>\n</view>\n";
const FIXED: &str = "<view class=\"box\">\n  <text>Counter</text>\n  <text class=\"count\">count is {{count + 1}}</text>\n</view>\n";

fn main() -> ExitCode {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("app");
    write_files(
        &root,
        &[
            (
                "manifest.json",
                r#"{"appId":"broken-page","name":"broken","version":"1.0.0","kind":"miniprogram","dialect":"wechat","entry":"app.json"}"#,
            ),
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            ("app.js", "App({})"),
            ("pages/index/index.js", "Page({data: {count: 0}})"),
            ("pages/index/index.wxml", BROKEN),
            // The app's own rules do not reshape the notice.
            (
                "pages/index/index.wxss",
                "view { display: flex; font-family: serif; }",
            ),
        ],
    );
    window_support::run("miniprogram_error_window", (480, 800), |handle| {
        let container = Container::builder()
            .data_dir(dir.path().join("data"))
            .build(Arc::new(handle.clone()));
        let program = launch(&container, &root);
        let handle = handle.clone();
        (container, Box::new(move || drive(&handle, &program, &root)))
    })
}

fn drive(handle: &WryHandle, program: &MiniProgram, root: &Path) -> Result<(), String> {
    let page = program.page();
    wait(program, "the error notice", |s| {
        s.cold_start.is_some() && s.html.contains("capsule-error-source")
    })?;
    let notice = handle
        .run_script(
            page,
            r#"
            const notice = document.querySelector(".capsule-error");
            if (!notice) return null;
            const text = (selector) => notice.querySelector(selector)?.textContent ?? null;
            const source = notice.querySelector(".capsule-error-source");
            return {
                location: text(".capsule-error-location"),
                message: text(".capsule-error-message"),
                source: text(".capsule-error-source"),
                font: getComputedStyle(source).fontFamily,
                whiteSpace: getComputedStyle(source).whiteSpace,
                right: notice.getBoundingClientRect().right,
                width: document.documentElement.clientWidth,
            };
            "#,
            TIMEOUT,
        )
        .map_err(|error| error.to_string())?;
    let field = |name: &str| notice.get(name).and_then(Value::as_str).unwrap_or_default();
    if field("location") != "pages/index/index.wxml:3:41" || field("message").is_empty() {
        return Err(format!("the notice shows {notice}"));
    }
    let mut lines = field("source").lines();
    let (Some(line), Some(caret), None) = (lines.next(), lines.next(), lines.next()) else {
        return Err(format!(
            "the source block is not a line and a caret: {notice}"
        ));
    };
    let column = |text: &str, at: usize| text[..at].chars().count();
    let under = caret.find('^').map(|at| column(caret, at));
    let wanted = line.find("}}</text>").map(|at| column(line, at));
    // The line is long for a phone: it is cut before the column, keeping the caret in view.
    if !(line.starts_with("3 | …") && line.contains("count is {{count +}}"))
        || under.is_none()
        || under != wanted
    {
        return Err(format!("the caret is not under the column: {notice}"));
    }
    if !field("font").contains("mono") || field("whiteSpace") != "pre" {
        return Err(format!(
            "the source block is not monospace as written: {notice}"
        ));
    }
    let number = |name: &str| notice.get(name).and_then(Value::as_f64).unwrap_or(f64::MAX);
    if number("right") > number("width") {
        return Err(format!("the notice is wider than the window: {notice}"));
    }
    let picture = Path::new(env!("CARGO_TARGET_TMPDIR")).join("miniprogram_error_window.png");
    handle
        .screenshot(page, &picture)
        .map_err(|error| error.to_string())?;
    println!("screenshot: {}", picture.display());

    // The author fixes the line; the app reloads (as `capsule run` does on the change).
    std::fs::write(root.join("pages/index/index.wxml"), FIXED).map_err(|e| e.to_string())?;
    program.reload().map_err(|error| error.to_string())?;
    wait(program, "the fixed page", |s| s.html.contains("count is 1"))?;
    std::thread::sleep(Duration::from_millis(200));
    let shown = handle
        .run_script(
            page,
            r#"return {
                notice: document.querySelector(".capsule-error") !== null,
                text: document.querySelector("page").textContent,
            };"#,
            TIMEOUT,
        )
        .map_err(|error| error.to_string())?;
    let text = shown
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if shown.get("notice") != Some(&Value::Bool(false)) || !text.contains("count is 1") {
        return Err(format!("after the fix the window shows {shown}"));
    }
    Ok(())
}
