//! Built-in components driven as a user drives them, in the real WebKitGTK window, in both
//! dialects: a `<slider>` is drawn (rail, filled part up to the handle, the value beside it
//! with show-value, the app's colour), dragging it reports `changing` while it moves and
//! `change` when the finger lifts, each with the value on the slider's step; a tap on the
//! rail jumps there and reports `change`; a disabled slider does not move; a form submits
//! the value the user chose.
//!
//! A window test (see `window_support`). Screenshots of both pages are kept as
//! `components_window_<dialect>.png` in Cargo's test scratch folder.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod mp_support;
mod window_support;

use capsule_runtime::{Container, MiniProgram, WryHandle};
use mp_support::write_files;
use serde_json::{Value, json};
use window_support::{TIMEOUT, launch};

const WECHAT_PAGE: &str = r##"<slider id="level" min="10" max="50" step="5" value="{{20}}" show-value
  active-color="#ff0000" bindchanging="changing" bindchange="changed"/>
<slider id="off" value="{{30}}" disabled bindchanging="changing" bindchange="changed"/>
<form bindsubmit="submitted">
  <slider id="volume" name="volume" value="{{30}}"/>
  <button id="submit" form-type="submit">submit</button>
</form>"##;

const ALIPAY_PAGE: &str = r##"<slider id="level" min="{{10}}" max="{{50}}" step="{{5}}" value="{{20}}" showValue
  activeColor="#ff0000" onChanging="changing" onChange="changed"/>
<slider id="off" value="{{30}}" disabled onChanging="changing" onChange="changed"/>
<form onSubmit="submitted">
  <slider id="volume" name="volume" value="{{30}}"/>
  <button id="submit" form-type="submit">submit</button>
</form>"##;

/// Each event's type and value, in the order they came.
const PAGE_JS: &str = r#"Page({
  data: { events: [] },
  changing(e) { this.data.events.push('changing ' + e.detail.value); },
  changed(e) { this.data.events.push('change ' + e.detail.value); },
  submitted(e) { this.data.events.push('submit ' + JSON.stringify(e.detail.value)); },
});"#;

/// Names the one dialect a run of this executable checks; without it, the executable runs
/// itself once per dialect. (One window per process: on a machine without a GPU, where
/// WebKit does not composite, a second window's later paints did not reach the screen.)
const DIALECT_VARIABLE: &str = "CAPSULE_COMPONENTS_DIALECT";

fn main() -> ExitCode {
    let Some(dialect) = std::env::var(DIALECT_VARIABLE).ok() else {
        for dialect in ["wechat", "alipay"] {
            let status = std::process::Command::new(std::env::current_exe().expect("own path"))
                .env(DIALECT_VARIABLE, dialect)
                .status()
                .expect("runs itself");
            if !status.success() {
                return ExitCode::FAILURE;
            }
        }
        return ExitCode::SUCCESS;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let (page, template) = match dialect.as_str() {
        "alipay" => (ALIPAY_PAGE, "index.axml"),
        _ => (WECHAT_PAGE, "index.wxml"),
    };
    let manifest = json!({
        "appId": format!("components.{dialect}"), "name": "Components", "version": "1.0.0",
        "kind": "miniprogram", "dialect": dialect, "entry": "app.json",
    })
    .to_string();
    let template_path = format!("pages/index/{template}");
    write_files(
        &dir.path().join("app"),
        &[
            ("manifest.json", &manifest),
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            ("app.js", "App({})"),
            ("pages/index/index.js", PAGE_JS),
            (&template_path, page),
        ],
    );
    let root = dir.path().to_owned();
    let name = format!("components_window ({dialect})");
    window_support::run(&name, (480, 900), move |handle| {
        let container = Container::builder()
            .data_dir(root.join("data"))
            .build(Arc::new(handle.clone()));
        let handle = handle.clone();
        let driving = container.clone();
        let drive = move || {
            let program = launch(&driving, &root.join("app"));
            slider(&handle, &program).map_err(|error| format!("{dialect}: {error}"))?;
            // For a person to look at, once the last change is painted.
            in_page(
                &handle,
                &program,
                "await new Promise((painted) => \
                 requestAnimationFrame(() => requestAnimationFrame(painted))); \
                 await new Promise((later) => setTimeout(later, 300)); return true;",
            )?;
            let shot = Path::new(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("components_window_{dialect}.png"));
            handle
                .screenshot(program.page(), &shot)
                .map_err(|error| error.to_string())
        };
        (container, Box::new(drive))
    })
}

/// Runs `body` in the page and returns its value.
fn in_page(handle: &WryHandle, program: &MiniProgram, body: &str) -> Result<Value, String> {
    handle
        .run_script(program.page(), body, TIMEOUT)
        .map_err(|error| error.to_string())
}

/// The page's `events` once there are `count` of them.
fn events(program: &MiniProgram, count: usize) -> Result<Vec<String>, String> {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        program.settle().map_err(|error| error.to_string())?;
        let events = program
            .evaluate("getCurrentPages()[0].data.events")
            .map_err(|error| error.to_string())?;
        let events: Vec<String> = serde_json::from_value(events).map_err(|e| e.to_string())?;
        if events.len() >= count || Instant::now() > deadline {
            return Ok(events);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Presses slider `#id` at the `fractions` of its rail in turn (a pointer moving across it)
/// and lifts the finger at the last.
fn drag(fractions: &[f64], id: &str) -> String {
    format!(
        r#"
        const slider = document.getElementById("{id}");
        const rail = slider.querySelector("capsule-slider-rail").getBoundingClientRect();
        const y = rail.top + rail.height / 2;
        const at = (f) => rail.left + rail.width * f;
        const fractions = {fractions:?};
        const pointer = (type, f) => slider.dispatchEvent(new PointerEvent(type, {{
          bubbles: true, cancelable: true, pointerId: 7, pointerType: "touch", isPrimary: true,
          button: type === "pointermove" ? -1 : 0, buttons: type === "pointerup" ? 0 : 1,
          clientX: at(f), clientY: y }}));
        pointer("pointerdown", fractions[0]);
        for (const f of fractions.slice(1)) pointer("pointermove", f);
        pointer("pointerup", fractions[fractions.length - 1]);
        return true;
        "#
    )
}

fn slider(handle: &WryHandle, program: &MiniProgram) -> Result<(), String> {
    window_support::wait(program, "the sliders", |snapshot| {
        snapshot.html.contains("id=\"volume\"")
    })?;
    // The window draws the page once its document has loaded.
    in_page(
        handle,
        program,
        r#"
        for (let waited = 0; !document.getElementById("volume"); waited += 20) {
          if (waited > 30000) throw new Error("the page was never drawn");
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        return true;
        "#,
    )?;

    // Drawn: the value 20 of 10..50 fills a quarter of the rail in the app's colour, the
    // handle at its end, the value shown beside it.
    let drawn = in_page(
        handle,
        program,
        r#"
        const slider = document.getElementById("level");
        const part = (name) => slider.querySelector("capsule-slider-" + name);
        const rail = part("rail").getBoundingClientRect();
        const fill = part("fill").getBoundingClientRect();
        const handle = part("handle").getBoundingClientRect();
        return {
          fill: Math.round((fill.width / rail.width) * 100),
          handleCentre: Math.round(((handle.left + handle.width / 2 - rail.left) / rail.width) * 100),
          handleRound: handle.width > 10 && handle.width === handle.height,
          colour: getComputedStyle(part("fill")).backgroundColor,
          shown: part("value").textContent,
          visible: getComputedStyle(part("value")).display !== "none",
          hiddenElsewhere: getComputedStyle(document.getElementById("volume").querySelector("capsule-slider-value")).display,
        };
        "#,
    )?;
    let want = json!({
        "fill": 25, "handleCentre": 25, "handleRound": true, "colour": "rgb(255, 0, 0)",
        "shown": "20", "visible": true, "hiddenElsewhere": "none",
    });
    if drawn != want {
        return Err(format!("the slider is drawn as {drawn}, want {want}"));
    }

    // A press at the start and a drag to 60 % and on to 90 % of the rail: changing at each
    // value on the 5-step it moves to (34 → 35, then 46 → 45), change with the last when the
    // finger lifts.
    in_page(handle, program, &drag(&[0.0, 0.6, 0.9], "level"))?;
    let got = events(program, 3)?;
    let want = ["changing 35", "changing 45", "change 45"];
    if got != want {
        return Err(format!("dragging reported {got:?}, want {want:?}"));
    }
    let shown = in_page(
        handle,
        program,
        r##"return document.querySelector("#level capsule-slider-value").textContent;"##,
    )?;
    if shown != json!("45") {
        return Err(format!("after the drag the slider shows {shown}, want 45"));
    }

    // A tap on the rail's far end jumps there and reports change only; a disabled slider
    // does not move.
    in_page(handle, program, &drag(&[1.0], "level"))?;
    in_page(handle, program, &drag(&[0.1, 0.9], "off"))?;
    let got = events(program, 4)?;
    let want = ["changing 35", "changing 45", "change 45", "change 50"];
    if got != want {
        return Err(format!(
            "pressing and a disabled slider reported {got:?}, want {want:?}"
        ));
    }

    // The form submits the value the user chose on its slider (a number).
    in_page(handle, program, &drag(&[0.8], "volume"))?;
    in_page(
        handle,
        program,
        r#"document.getElementById("submit").click(); return true;"#,
    )?;
    let got = events(program, 5)?;
    let last = got.last().cloned().unwrap_or_default();
    if last != r#"submit {"volume":80}"# {
        return Err(format!(
            "the form submitted {last}, want volume 80: {got:?}"
        ));
    }
    Ok(())
}
