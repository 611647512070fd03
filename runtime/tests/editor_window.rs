//! `<editor>` in the real WebKitGTK window (WeChat), driven as a user and an app drive it:
//! `ready`, then the context from a selector query's `context()`; the placeholder shows
//! while it is empty; text a user types reports focus and input with its delta; the app's
//! `format('bold')` makes what is typed next bold (statuschange says so) and
//! `format('header', 1)` makes the line a heading, both in getContents' delta and html;
//! setContents drops scripts and handlers; insertDivider and insertImage add their embeds; a
//! read-only editor (its context the second of a selectAll) refuses changes through `fail`;
//! blur reports the text.
//!
//! A window test (see `window_support`). A screenshot is kept as `editor_window.png` in
//! Cargo's test scratch folder.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

mod mp_support;
mod window_support;

use capsule_runtime::{Container, MiniProgram, WryHandle};
use mp_support::write_files;
use serde_json::{Value, json};
use window_support::{TIMEOUT, launch, page_events, wait_events};

const PAGE: &str = r#"<editor id="editor" class="box" placeholder="Write here" bindready="ready"
  bindfocus="focused" bindblur="blurred" bindinput="typed" bindstatuschange="status"/>
<editor id="fixed" class="box" read-only/>"#;

const STYLE: &str =
    ".box { height: 160px; margin: 8px 16px; border: 1px solid #ddd; padding: 8px; }";

/// Each event as a line in `events`; the contexts kept on the page.
const PAGE_JS: &str = r#"Page({
  data: { events: [] },
  push(line) { this.data.events.push(line); },
  ready(e) {
    this.push('ready ' + e.currentTarget.id);
    wx.createSelectorQuery().select('#editor').context((res) => {
      this.editor = res.context;
      this.push('context ' + typeof res.context.insertText);
    }).selectAll('.box').context((res) => { this.fixed = res[1].context; }).exec();
  },
  focused() { this.push('focus'); },
  blurred(e) { this.push('blur ' + JSON.stringify(e.detail.text)); },
  typed(e) { this.push('input ' + JSON.stringify(e.detail.delta.ops)); },
  status(e) { this.push('status ' + JSON.stringify(e.detail)); },
  contents(name) {
    this.editor.getContents({ success: (res) => this.push(name + ' ' + JSON.stringify({ html: res.html, ops: res.delta.ops })) });
  },
});"#;

fn main() -> ExitCode {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = dir.path().join("app");
    let manifest = json!({
        "appId": "editor.window", "name": "Editor", "version": "1.0.0",
        "kind": "miniprogram", "dialect": "wechat", "entry": "app.json",
    })
    .to_string();
    write_files(
        &app,
        &[
            ("manifest.json", &manifest),
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            ("app.js", "App({})"),
            ("pages/index/index.js", PAGE_JS),
            ("pages/index/index.wxml", PAGE),
            ("pages/index/index.wxss", STYLE),
        ],
    );
    window_support::write_picture(&app.join("img/dot.png"), (24, 24), [0, 160, 80]);
    let root = dir.path().to_owned();
    window_support::run("editor_window", (480, 800), move |handle| {
        let container = Container::builder()
            .data_dir(root.join("data"))
            .build(Arc::new(handle.clone()));
        let handle = handle.clone();
        let driving = container.clone();
        let drive = move || {
            let program = launch(&driving, &root.join("app"));
            let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("editor_window.png");
            edit(&handle, &program, &shot)
        };
        (container, Box::new(drive))
    })
}

fn edit(handle: &WryHandle, program: &MiniProgram, shot: &Path) -> Result<(), String> {
    wait_for(program, "the editor's context", "context function")?;
    let events = page_events(program)?;
    if !events.iter().any(|e| e == "ready editor") {
        return Err(format!("no ready: {events:?}"));
    }
    let placeholder = in_page(
        handle,
        program,
        r##"const body = document.querySelector("#editor > .capsule-editor-body");
        return [body.isContentEditable, getComputedStyle(body, "::before").content];"##,
    )?;
    same(
        "placeholder",
        &placeholder,
        &json!([true, "\"Write here\""]),
    )?;

    // A user types.
    in_page(
        handle,
        program,
        r##"const body = document.querySelector("#editor > .capsule-editor-body");
        body.focus();
        document.execCommand("insertText", false, "Hello");
        return true;"##,
    )?;
    wait_for(program, "typed input", r#"input [{"insert":"Hello\n"}]"#)?;
    let events = page_events(program)?;
    if !events.iter().any(|e| e == "focus") {
        return Err(format!("no focus: {events:?}"));
    }

    // The app formats: what comes next is bold, then the line a heading.
    logic(
        program,
        "const p = getCurrentPages()[0]; p.editor.format('bold'); p.editor.insertText({ text: ' world' });",
    )?;
    wait_for(program, "bold status", r#"status {"bold":true}"#)?;
    logic(
        program,
        "const p = getCurrentPages()[0]; p.editor.format('header', 1); p.contents('heading');",
    )?;
    let heading = wait_prefix(program, "heading ")?;
    same(
        "heading contents",
        &heading,
        &json!({
            "html": "<h1>Hello<b> world</b></h1>",
            "ops": [
                {"insert": "Hello"},
                {"insert": " world", "attributes": {"bold": true}},
                {"insert": "\n", "attributes": {"header": 1}},
            ],
        }),
    )?;

    // Content the app sets is sanitised; embeds go in at the caret.
    logic(
        program,
        r#"const p = getCurrentPages()[0];
        p.editor.setContents({ html: '<p>Safe<script>boom()</script><img src="/img/dot.png" onerror="boom()"></p>',
          success: () => { p.editor.insertDivider(); p.editor.insertImage({ src: '/img/dot.png', alt: 'dot', success: () => p.contents('embeds') }); } });"#,
    )?;
    let embeds = wait_prefix(program, "embeds ")?;
    let html = embeds["html"].as_str().unwrap_or_default();
    let divider = html.find("<hr>").unwrap_or(0);
    if html.contains("script")
        || html.contains("onerror")
        || !html.starts_with("<p>Safe<img")
        || divider == 0
        || !html[divider..].contains(r#"alt="dot""#)
    {
        return Err(format!("setContents kept what it should drop: {html}"));
    }
    let ops = embeds["ops"].as_array().cloned().unwrap_or_default();
    let has = |insert: Value| ops.iter().any(|op| op["insert"] == insert);
    if !(has(json!("Safe"))
        && has(json!({"divider": true}))
        && has(json!({"image": "/img/dot.png"})))
    {
        return Err(format!("the embeds are not in the delta: {ops:?}"));
    }

    // A read-only editor refuses; blur reports the text.
    logic(
        program,
        r#"const p = getCurrentPages()[0];
        p.fixed.insertText({ text: 'no', fail: (e) => p.push('fixed ' + e.errMsg) });
        p.editor.blur();"#,
    )?;
    wait_for(
        program,
        "the read-only refusal",
        "fixed EditorContext.insertText:fail the editor is read-only",
    )?;
    wait_prefix(program, "blur ")?;
    handle
        .screenshot(program.page(), shot)
        .map_err(|error| error.to_string())
}

/// Runs `body` in the page and returns its value.
fn in_page(handle: &WryHandle, program: &MiniProgram, body: &str) -> Result<Value, String> {
    handle
        .run_script(program.page(), body, TIMEOUT)
        .map_err(|error| error.to_string())
}

/// Runs `script` in the app's logic.
fn logic(program: &MiniProgram, script: &str) -> Result<(), String> {
    program
        .evaluate(&format!("{{ {script} }} true"))
        .map(drop)
        .map_err(|error| error.to_string())
}

/// Waits until an event is `line`.
fn wait_for(program: &MiniProgram, what: &str, line: &str) -> Result<(), String> {
    wait_events(program, what, |events| events.iter().any(|e| e == line)).map(drop)
}

/// Waits for the first event starting with `prefix`; its rest, read as JSON.
fn wait_prefix(program: &MiniProgram, prefix: &str) -> Result<Value, String> {
    let events = wait_events(program, prefix, |events| {
        events.iter().any(|e| e.starts_with(prefix))
    })?;
    let line = events
        .iter()
        .find_map(|e| e.strip_prefix(prefix))
        .unwrap_or_default();
    serde_json::from_str(line).map_err(|error| format!("{prefix}{line}: {error}"))
}

fn same(what: &str, got: &Value, want: &Value) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got}, want {want}"))
    }
}
