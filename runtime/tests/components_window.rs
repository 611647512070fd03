//! Built-in components driven as a user drives them, in the real WebKitGTK window, in both
//! dialects:
//! - a `<slider>` is drawn (rail, filled part up to the handle, the value beside it with
//!   show-value, the app's colour), dragging it reports `changing` while it moves and
//!   `change` when the finger lifts, each with the value on the slider's step; a tap on the
//!   rail jumps there and reports `change`; a disabled slider does not move;
//! - a `<picker>` opens its sheet on a tap; turning a wheel and pressing Confirm reports
//!   `change` with what each mode documents (an index, an index per column with
//!   `columnchange` on the way and the app's new column shown at once, "hh:mm",
//!   "YYYY-MM-DD" and "YYYY-MM", region names and codes), Cancel reports `cancel`;
//! - a `<picker-view>` scrolls its columns to `value`, and a column turned by the user
//!   reports `pickstart`, `pickend` and `change` with every column's row;
//! - a form submits the values the user chose on its slider, picker and picker-view;
//! - a tap on a text field puts its cursor where `cursor` says, or selects from
//!   `selection-start` to `selection-end`, and `blur` reports that cursor; placeholder-style
//!   and the page's rule for placeholder-class draw the placeholder; a WeChat textarea
//!   counts its lines as laid out (wrapped lines too) in `linechange`.
//!
//! A window test (see `window_support`). Screenshots of both pages, of the region picker
//! open (WeChat) or the selector open (Alipay), and of the placeholders are kept as
//! `components_window_<dialect>.png`, `components_window_<dialect>_picker.png` and
//! `components_window_<dialect>_placeholders.png` in Cargo's test scratch folder.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod mp_support;
mod window_support;

use capsule_runtime::view::Selector;
use capsule_runtime::{Container, MiniProgram, UserAction, WryHandle};
use mp_support::write_files;
use serde_json::{Value, json};
use window_support::{TIMEOUT, launch};

const WECHAT_PAGE: &str = r##"<slider id="level" min="10" max="50" step="5" value="{{20}}" show-value
  active-color="#ff0000" bindchanging="changing" bindchange="changed"/>
<slider id="off" value="{{30}}" disabled bindchanging="changing" bindchange="changed"/>
<picker id="route" data-name="route" mode="multiSelector" range="{{route}}" value="{{[0, 0]}}"
  bindchange="picked" bindcolumnchange="turned"><view>route</view></picker>
<picker id="clock" data-name="clock" mode="time" value="12:30" start="08:00" end="20:45"
  bindchange="picked"><view>time</view></picker>
<picker id="day" data-name="day" mode="date" value="2024-02-10" start="2020-01-01" end="2025-12-31"
  bindchange="picked"><view>date</view></picker>
<picker id="month" data-name="month" mode="date" fields="month" value="2024-02"
  bindchange="picked"><view>month</view></picker>
<picker id="place" data-name="place" mode="region" value="{{['广东省', '广州市', '海珠区']}}"
  header-text="地区" bindchange="picked"><view>region</view></picker>
<form bindsubmit="submitted">
  <slider id="volume" name="volume" value="{{30}}"/>
  <picker id="fruit" name="fruit" data-name="fruit" range="{{fruits}}" range-key="name" value="{{0}}"
    bindchange="picked" bindcancel="cancelled"><view>fruit</view></picker>
  <picker-view id="wheels" name="wheels" data-name="wheels" value="{{[1, 0]}}" style="height: 200px;"
    indicator-style="height: 40px;" bindchange="picked" bindpickstart="picking" bindpickend="picking">
    <picker-view-column><view wx:for="{{fruits}}" wx:key="name">{{item.name}}</view></picker-view-column>
    <picker-view-column><view>S</view><view>M</view><view>L</view></picker-view-column>
  </picker-view>
  <button id="submit" form-type="submit">submit</button>
</form>
<input id="caret" value="abcdef" cursor="2" bindblur="blurred"/>
<input id="picked" value="abcdef" selection-start="1" selection-end="4" bindblur="blurred"/>
<input id="hint" placeholder="HINT HINT" style="height: 40px;"
  placeholder-style="color: rgb(255, 0, 0); font-size: 28px; font-weight: bold;"/>
<input id="hinted" placeholder="HINT HINT" placeholder-class="hint-class" style="height: 40px;"/>
<textarea id="rows" style="width: 120px; height: 200px; font-size: 16px; line-height: 20px; padding: 0;"
  bindlinechange="lines"/>
<scroll-view id="feed" scroll-y refresher-enabled refresher-triggered="{{triggered}}" style="height: 120px;"
  bindrefresherpulling="pulled" bindrefresherrefresh="refreshed" bindrefresherrestore="restored"
  bindrefresherabort="aborted"><view style="height: 400px;">feed</view></scroll-view>
<image id="lazy" lazy-load src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='4' height='3'/%3E" style="display: block; margin-top: 6000px; width: 8px; height: 6px;" bindload="lazyLoaded"/>"##;

const ALIPAY_PAGE: &str = r##"<slider id="level" min="{{10}}" max="{{50}}" step="{{5}}" value="{{20}}" showValue
  activeColor="#ff0000" onChanging="changing" onChange="changed"/>
<slider id="off" value="{{30}}" disabled onChanging="changing" onChange="changed"/>
<form onSubmit="submitted">
  <slider id="volume" name="volume" value="{{30}}"/>
  <picker id="fruit" name="fruit" data-name="fruit" range="{{fruits}}" range-key="name" value="{{0}}"
    title="水果" onChange="picked" onCancel="cancelled"><view>fruit</view></picker>
  <picker-view id="wheels" name="wheels" data-name="wheels" value="{{[1, 0]}}" style="height: 200px;"
    indicatorStyle="height: 40px;" onChange="picked" onPickStart="picking" onPickEnd="picking">
    <picker-view-column><view a:for="{{fruits}}" a:key="name">{{item.name}}</view></picker-view-column>
    <picker-view-column><view>S</view><view>M</view><view>L</view></picker-view-column>
  </picker-view>
  <button id="submit" form-type="submit">submit</button>
</form>
<input id="caret" value="abcdef" cursor="{{2}}" onBlur="blurred"/>
<input id="picked" value="abcdef" selection-start="{{1}}" selection-end="{{4}}" onBlur="blurred"/>
<input id="hint" placeholder="HINT HINT" style="height: 40px;"
  placeholder-style="color: rgb(255, 0, 0); font-size: 28px; font-weight: bold;"/>
<input id="hinted" placeholder="HINT HINT" placeholder-class="hint-class" style="height: 40px;"/>
<scroll-view id="feed" scroll-y refresher-enabled refresher-triggered="{{triggered}}" style="height: 120px;"
  onRefresherPulling="pulled" onRefresherRefresh="refreshed" onRefresherRestore="restored"
  onRefresherAbort="aborted"><view style="height: 400px;">feed</view></scroll-view>
<image id="lazy" lazy-load src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='4' height='3'/%3E" style="display: block; margin-top: 6000px; width: 8px; height: 6px;" onLoad="lazyLoaded"/>"##;

/// Each event's type and value, in the order they came. A turn of the multiSelector's first
/// column gives its second column other items, as the platforms' own example does.
const PAGE_JS: &str = r#"Page({
  data: {
    events: [],
    triggered: false,
    fruits: [{ name: 'apple' }, { name: 'banana' }, { name: 'cherry' }, { name: 'durian' }],
    route: [['a', 'b'], ['p', 'q']],
  },
  changing(e) { this.data.events.push('changing ' + e.detail.value); },
  changed(e) { this.data.events.push('change ' + e.detail.value); },
  submitted(e) { this.data.events.push('submit ' + JSON.stringify(e.detail.value)); },
  picked(e) { this.data.events.push('change ' + e.currentTarget.dataset.name + ' ' + JSON.stringify(e.detail)); },
  cancelled(e) { this.data.events.push('cancel ' + e.currentTarget.dataset.name); },
  picking(e) { this.data.events.push(e.type + ' ' + e.currentTarget.dataset.name); },
  pulled(e) {
    if (!this.pulledOnce) this.data.events.push('refresherpulling ' + (e.detail.dy > 0));
    this.pulledOnce = true;
  },
  refreshed() {
    this.data.events.push('refresherrefresh');
    // As the platforms' demos do: the data held false all along.
    setTimeout(() => this.setData({ triggered: false }), 50);
  },
  restored() { this.data.events.push('refresherrestore'); },
  aborted() { this.data.events.push('refresherabort'); },
  lazyLoaded(e) { this.data.events.push('lazy load ' + e.detail.width + 'x' + e.detail.height); },
  blurred(e) { this.data.events.push('blur ' + e.currentTarget.id + ' ' + e.detail.cursor); },
  lines(e) {
    const { lineCount, height, heightRpx } = e.detail;
    this.data.events.push('linechange ' + lineCount + ' ' + height + ' ' + heightRpx);
  },
  turned(e) {
    this.data.events.push('columnchange ' + JSON.stringify(e.detail));
    if (e.detail.column === 0) this.setData({ 'route[1]': e.detail.value === 1 ? ['x', 'y', 'z'] : ['p', 'q'] });
  },
});"#;

/// The page's styles: the rule `placeholder-class` names.
const PAGE_CSS: &str = ".hint-class { color: rgb(0, 0, 255); font-size: 28px; font-weight: bold; }";

/// Names the one dialect a run of this executable checks; without it, the executable runs
/// itself once per dialect. (One window per process: on a machine without a GPU, where
/// WebKit does not composite, a second window's later paints did not reach the screen.)
const DIALECT_VARIABLE: &str = "CAPSULE_COMPONENTS_DIALECT";

fn main() -> ExitCode {
    let dialect = match window_support::dialect_of_this_run(DIALECT_VARIABLE) {
        Ok(dialect) => dialect,
        Err(each_run) => return each_run,
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let (page, template, style) = match dialect.as_str() {
        "alipay" => (ALIPAY_PAGE, "index.axml", "index.acss"),
        _ => (WECHAT_PAGE, "index.wxml", "index.wxss"),
    };
    let manifest = json!({
        "appId": format!("components.{dialect}"), "name": "Components", "version": "1.0.0",
        "kind": "miniprogram", "dialect": dialect, "entry": "app.json",
    })
    .to_string();
    let template_path = format!("pages/index/{template}");
    let style_path = format!("pages/index/{style}");
    write_files(
        &dir.path().join("app"),
        &[
            ("manifest.json", &manifest),
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            ("app.js", "App({})"),
            ("pages/index/index.js", PAGE_JS),
            (&template_path, page),
            (&style_path, PAGE_CSS),
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
            pickers(&handle, &program, &dialect).map_err(|error| format!("{dialect}: {error}"))?;
            refresher_and_lazy_image(&handle, &program)
                .map_err(|error| format!("{dialect}: {error}"))?;
            text_fields(&handle, &program, &dialect)
                .map_err(|error| format!("{dialect}: {error}"))?;
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

    // The value the user chose on the form's slider, kept for its submit (see `pickers`).
    in_page(handle, program, &drag(&[0.8], "volume"))?;
    Ok(())
}

/// Script helpers for the picker sheet: `open(id)` taps the picker and waits for its sheet,
/// `turn(column, row)` scrolls a wheel of the open sheet to a row and waits for it to settle,
/// `press(button)` presses "confirm" or "cancel", `labels()` is each wheel's chosen label.
const SHEET: &str = r#"
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const sheet = () => document.querySelector("capsule-picker-sheet");
const wheels = () => Array.from(sheet().shadowRoot.querySelectorAll(".column"));
const open = async (id) => {
  document.getElementById(id).click();
  for (let waited = 0; !sheet(); waited += 20) {
    if (waited > 5000) throw new Error("no sheet opened for #" + id);
    await sleep(20);
  }
};
const turn = async (column, row) => {
  const wheel = wheels()[column];
  wheel.scrollTop = row * wheel.querySelector(".row").offsetHeight;
  await sleep(400);
};
const press = (button) => sheet().shadowRoot.querySelector("." + button).click();
const labels = () => wheels().map((wheel) => {
  const rows = wheel.querySelectorAll(".row");
  return rows[Math.round(wheel.scrollTop / rows[0].offsetHeight)].textContent;
});
"#;

/// Runs `body` in the page after the sheet helpers.
fn with_sheet(handle: &WryHandle, program: &MiniProgram, body: &str) -> Result<Value, String> {
    in_page(handle, program, &format!("{SHEET}\n{body}"))
}

/// The page's events after the first `from`, once there are `want.len()` of them.
fn expect_events(program: &MiniProgram, from: usize, want: &[&str]) -> Result<(), String> {
    let got = events(program, from + want.len())?;
    let tail: Vec<&str> = got.iter().skip(from).map(String::as_str).collect();
    if tail != want {
        return Err(format!("got events {tail:?}, want {want:?} (all: {got:?})"));
    }
    Ok(())
}

fn pickers(handle: &WryHandle, program: &MiniProgram, dialect: &str) -> Result<(), String> {
    let mut seen = events(program, 4)?.len();

    // A selector opens on its value (index 0, shown by range-key); Cancel reports cancel, and
    // a wheel turned to the third row and confirmed reports change with index 2.
    let shown = with_sheet(
        handle,
        program,
        r#"await open("fruit"); const shown = labels(); press("cancel"); return shown;"#,
    )?;
    if shown != json!(["apple"]) {
        return Err(format!("the selector opened on {shown}, want apple"));
    }
    with_sheet(
        handle,
        program,
        r#"await open("fruit"); await turn(0, 2); press("confirm"); return true;"#,
    )?;
    expect_events(
        program,
        seen,
        &["cancel fruit", r#"change fruit {"value":2}"#],
    )?;
    seen += 2;
    let gone = in_page(
        handle,
        program,
        r#"return document.querySelector("capsule-picker-sheet") === null;"#,
    )?;
    if gone != json!(true) {
        return Err("the sheet stayed open after Confirm".into());
    }

    // picker-view: the columns stand on `value`'s rows, each row as tall as the indicator;
    // the user turning the first column reports pickstart, pickend and change.
    let drawn = in_page(
        handle,
        program,
        r#"
        const view = document.getElementById("wheels");
        for (let waited = 0; view.querySelector("picker-view-column").scrollTop === 0; waited += 20) {
          if (waited > 5000) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const [first, second] = view.querySelectorAll("picker-view-column");
        const band = view.querySelector("capsule-picker-indicator").getBoundingClientRect();
        const row = first.children[1].getBoundingClientRect();
        return { first: first.scrollTop, second: second.scrollTop, rowHeight: row.height,
          rowInBand: Math.abs(row.top - band.top) < 1.5 };
        "#,
    )?;
    let want = json!({ "first": 40, "second": 0, "rowHeight": 40, "rowInBand": true });
    if drawn != want {
        return Err(format!("the picker-view is drawn as {drawn}, want {want}"));
    }
    in_page(
        handle,
        program,
        r##"
        const column = document.querySelector("#wheels picker-view-column");
        column.scrollTop = 20;
        await new Promise((resolve) => setTimeout(resolve, 30));
        column.scrollTop = 80;
        return true;
        "##,
    )?;
    expect_events(
        program,
        seen,
        &[
            "pickstart wheels",
            "pickend wheels",
            r#"change wheels {"value":[2,0]}"#,
        ],
    )?;
    seen += 3;

    if dialect == "wechat" {
        // multiSelector: each column turned reports columnchange; the app's new second column
        // shows at once, and the confirmed value has an index per column.
        let labels = with_sheet(
            handle,
            program,
            r#"
            await open("route");
            await turn(0, 1);
            for (let waited = 0; wheels()[1].querySelectorAll(".row").length !== 3; waited += 20) {
              if (waited > 5000) throw new Error("the second column never changed");
              await sleep(20);
            }
            await turn(1, 2);
            const shown = labels();
            press("confirm");
            return shown;
            "#,
        )?;
        if labels != json!(["b", "z"]) {
            return Err(format!("the multiSelector showed {labels}, want b and z"));
        }
        expect_events(
            program,
            seen,
            &[
                r#"columnchange {"column":0,"value":1}"#,
                r#"columnchange {"column":1,"value":2}"#,
                r#"change route {"value":[1,2]}"#,
            ],
        )?;
        seen += 3;

        // time, between start and end: 12:30 with the hour turned to 09; a date turned to
        // the 29th of a leap February; a month picker (fields="month") turned to December.
        let shown = with_sheet(
            handle,
            program,
            r#"
            await open("clock"); const clock = labels(); await turn(0, 1); press("confirm");
            await open("day"); const day = labels(); await turn(2, 28); press("confirm");
            await open("month"); const month = labels(); await turn(1, 11); press("confirm");
            return [clock, day, month];
            "#,
        )?;
        let want = json!([["12", "30"], ["2024年", "02月", "10日"], ["2024年", "02月"]]);
        if shown != want {
            return Err(format!(
                "the time and date pickers opened on {shown}, want {want}"
            ));
        }
        expect_events(
            program,
            seen,
            &[
                r#"change clock {"value":"09:30"}"#,
                r#"change day {"value":"2024-02-29"}"#,
                r#"change month {"value":"2024-12"}"#,
            ],
        )?;
        seen += 3;

        // region: opens on the value's names; Confirm reports the names and their codes.
        let shown = with_sheet(handle, program, r#"await open("place"); return labels();"#)?;
        if shown != json!(["广东省", "广州市", "海珠区"]) {
            return Err(format!("the region picker opened on {shown}"));
        }
    } else {
        let shown = with_sheet(handle, program, r#"await open("fruit"); return labels();"#)?;
        if shown != json!(["cherry"]) {
            return Err(format!(
                "the selector reopened on {shown}, want the chosen cherry"
            ));
        }
    }
    // For a person to look at: the sheet open over the page.
    in_page(
        handle,
        program,
        "await new Promise((painted) => requestAnimationFrame(() => requestAnimationFrame(painted))); \
         await new Promise((later) => setTimeout(later, 300)); return true;",
    )?;
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("components_window_{dialect}_picker.png"));
    handle
        .screenshot(program.page(), &shot)
        .map_err(|error| error.to_string())?;
    with_sheet(handle, program, r#"press("confirm"); return true;"#)?;
    if dialect == "wechat" {
        expect_events(
            program,
            seen,
            &[
                r#"change place {"code":["440000","440100","440105"],"value":["广东省","广州市","海珠区"]}"#,
            ],
        )?;
    } else {
        expect_events(program, seen, &[r#"change fruit {"value":2}"#])?;
    }
    seen += 1;

    // The form submits what the user chose: the slider's 80, the selector's index and the
    // picker-view's rows.
    in_page(
        handle,
        program,
        r#"document.getElementById("submit").click(); return true;"#,
    )?;
    expect_events(
        program,
        seen,
        &[r#"submit {"fruit":2,"volume":80,"wheels":[2,0]}"#],
    )
}

/// Pulls scroll-view `#feed` down from its top by `dy` px with a pointer, and lets go.
fn pull(dy: f64) -> String {
    format!(
        r##"
        const feed = document.querySelector("#feed > view");
        const box = feed.getBoundingClientRect();
        const x = box.left + 20;
        const pointer = (type, y) => (type === "pointerdown" ? feed : window).dispatchEvent(new PointerEvent(type, {{
          bubbles: true, cancelable: true, pointerId: 9, pointerType: "touch", isPrimary: true, button: 0,
          buttons: type === "pointerup" ? 0 : 1, clientX: x, clientY: y }}));
        pointer("pointerdown", box.top + 5);
        for (let step = 1; step <= 5; step += 1) pointer("pointermove", box.top + 5 + ({dy} * step) / 5);
        pointer("pointerup", box.top + 5 + {dy});
        return true;
        "##
    )
}

/// The scroll-view's refresher: a short pull goes back (abort); a long one refreshes until
/// the app sets `refresher-triggered` false, though its data held false already (restore).
/// An image with lazy-load far below the screen loads only once the page nears it.
fn refresher_and_lazy_image(handle: &WryHandle, program: &MiniProgram) -> Result<(), String> {
    let seen = events(program, 0)?.len();
    in_page(handle, program, &pull(30.0))?;
    expect_events(program, seen, &["refresherpulling true", "refresherabort"])?;
    in_page(handle, program, &pull(200.0))?;
    expect_events(program, seen + 2, &["refresherrefresh", "refresherrestore"])?;
    let shown = in_page(
        handle,
        program,
        r##"
        await new Promise((done) => setTimeout(done, 400));
        return document.querySelector("#feed capsule-refresher").getBoundingClientRect().height;
        "##,
    )?;
    if shown != json!(0) {
        return Err(format!(
            "the refresher is still {shown} px tall after restore"
        ));
    }
    // Not loaded while six screens away; loaded once the page is scrolled near it.
    let early = events(program, 0)?;
    if early.iter().any(|e| e.starts_with("lazy load")) {
        return Err(format!("the lazy image loaded while far away: {early:?}"));
    }
    // Three screens (the page area is 667 px tall here) below the screen's bottom edge.
    in_page(handle, program, "window.scrollTo(0, 4500); return true;")?;
    expect_events(program, early.len(), &["lazy load 4x3"])?;
    in_page(handle, program, "window.scrollTo(0, 0); return true;")?;
    Ok(())
}

/// Does `action` on the first element `selector` finds, as a scenario step does (in the
/// window: the page host plays it on the element).
fn act_on(program: &MiniProgram, selector: &str, action: UserAction) -> Result<(), String> {
    program.settle().map_err(|error| error.to_string())?;
    let snapshot = program.snapshot().map_err(|error| error.to_string())?;
    let path = Selector::parse(selector)
        .map_err(|error| error.to_string())?
        .find(&snapshot.tree)
        .into_iter()
        .next()
        .ok_or_else(|| format!("no {selector} on the page"))?;
    program.act(path, action).map_err(|error| error.to_string())
}

/// The RGB pixels of the PNG at `path`, with its width.
fn pixels(path: &Path) -> Result<(usize, Vec<[u8; 3]>), String> {
    let file = std::fs::File::open(path).map_err(|error| error.to_string())?;
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .map_err(|error| error.to_string())?;
    let mut buffer = vec![0; reader.output_buffer_size()];
    let frame = reader
        .next_frame(&mut buffer)
        .map_err(|error| error.to_string())?;
    let channels = frame.color_type.samples();
    let rgb = buffer[..frame.buffer_size()]
        .chunks(channels)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    Ok((frame.width as usize, rgb))
}

/// Text fields, what only a window shows: a tap's focus puts the cursor where `cursor` says,
/// or selects from `selection-start` to `selection-end` (and `blur` reports that cursor);
/// placeholder-style and the page's rule for placeholder-class draw the placeholder (red and
/// blue here, where it is grey without them); and, in WeChat, a textarea counts its lines as
/// laid out: a text without a line break that wraps reports `linechange` with its lines,
/// their height in px and in rpx.
fn text_fields(handle: &WryHandle, program: &MiniProgram, dialect: &str) -> Result<(), String> {
    let seen = events(program, 0)?.len();
    let selection = |id: &str| {
        format!(
            r#"
            const field = document.getElementById("{id}");
            // After the moment a user's click would have put the cursor where it pressed.
            await new Promise((later) => setTimeout(later, 50));
            return [document.activeElement === field, field.selectionStart, field.selectionEnd];
            "#
        )
    };
    act_on(program, "#caret", UserAction::Tap)?;
    let caret = in_page(handle, program, &selection("caret"))?;
    if caret != json!([true, 2, 2]) {
        return Err(format!(
            "a tap on #caret (cursor 2) gave [focused, start, end] {caret}, want [true, 2, 2]"
        ));
    }
    act_on(program, "#picked", UserAction::Tap)?;
    let picked = in_page(handle, program, &selection("picked"))?;
    if picked != json!([true, 1, 4]) {
        return Err(format!(
            "a tap on #picked (selection 1 to 4) gave [focused, start, end] {picked}, want [true, 1, 4]"
        ));
    }
    act_on(program, "#hint", UserAction::Tap)?;
    expect_events(program, seen, &["blur caret 2", "blur picked 1"])?;

    // The placeholders, in view, as drawn.
    let boxes = in_page(
        handle,
        program,
        r#"
        document.activeElement.blur();
        document.getElementById("hint").scrollIntoView({ block: "center" });
        await new Promise((painted) => requestAnimationFrame(() => requestAnimationFrame(painted)));
        await new Promise((later) => setTimeout(later, 300));
        const box = (id) => {
          const r = document.getElementById(id).getBoundingClientRect();
          return [r.left, r.top, r.right, r.bottom];
        };
        return { width: window.innerWidth, hint: box("hint"), hinted: box("hinted") };
        "#,
    )?;
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("components_window_{dialect}_placeholders.png"));
    handle
        .screenshot(program.page(), &shot)
        .map_err(|error| error.to_string())?;
    let (width, rgb) = pixels(&shot)?;
    let scale = width as f64 / boxes["width"].as_f64().unwrap_or(width as f64);
    let count = |id: &str, wanted: fn(&[u8; 3]) -> bool| -> usize {
        let side = |i: usize| boxes[id][i].as_f64().unwrap_or(0.0) * scale;
        let (left, top) = (side(0).max(0.0) as usize, side(1).max(0.0) as usize);
        let (right, bottom) = (side(2).max(0.0) as usize, side(3).max(0.0) as usize);
        let height = rgb.len() / width.max(1);
        (top..bottom.min(height))
            .flat_map(|y| (left..right.min(width)).map(move |x| y * width + x))
            .filter(|at| wanted(&rgb[*at]))
            .count()
    };
    let red = count("hint", |[r, g, b]| *r > 200 && *g < 90 && *b < 90);
    let blue = count("hinted", |[r, g, b]| *b > 200 && *r < 90 && *g < 90);
    if red < 40 || blue < 40 {
        return Err(format!(
            "placeholders: {red} red pixels in #hint (placeholder-style) and {blue} blue in \
             #hinted (placeholder-class), want 40 or more each; see {}",
            shot.display()
        ));
    }

    if dialect != "wechat" {
        return Ok(());
    }
    // Twelve words without a line break in a textarea 120 px wide: wrapped onto lines of
    // 20 px each, as many as the layout makes them.
    act_on(
        program,
        "#rows",
        UserAction::Input("one two three four five six seven eight nine ten eleven twelve".into()),
    )?;
    let got = events(program, seen + 3)?;
    let change = got.get(seen + 2).cloned().unwrap_or_default();
    let numbers: Vec<f64> = change
        .strip_prefix("linechange ")
        .unwrap_or_default()
        .split(' ')
        .filter_map(|n| n.parse().ok())
        .collect();
    let [lines, height, rpx] = numbers[..] else {
        return Err(format!("after typing, events {got:?}: no linechange"));
    };
    let window = boxes["width"].as_f64().unwrap_or(0.0);
    if lines < 3.0 || height != lines * 20.0 || rpx != (height * 750.0 / window).round() {
        return Err(format!(
            "a textarea wrapping twelve words reported {change:?}, want 3 or more lines of 20 px \
             and their height in rpx for a window {window} px wide"
        ));
    }
    Ok(())
}
