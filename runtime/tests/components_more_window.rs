//! More built-in components driven as a user drives them, in the real WebKitGTK window, in
//! both dialects:
//! - a `<movable-view>` dragged by a finger reports `change` with `source` "touch" at each
//!   move, stays inside its `<movable-area>`, reports `htouchmove` / `vtouchmove` by the
//!   touch's first move; the app's `x` / `y` move it there (brought into range) with source
//!   ""; with out-of-bounds it follows past the edge ("touch-out-of-bounds") and springs
//!   back ("out-of-bounds"); with inertia a flick coasts on ("friction"); a disabled one
//!   does not move; `scale-value` and a two-finger pinch scale it, reporting `scale`;
//! - a `<cover-view>` keeps its text on one clipped line; a `<cover-image>` shows its
//!   picture at its own size (or the size the app gives) and reports `load` with that size;
//! - a `<page-container>` shown by the app slides in (beforeenter, enter, afterenter) at the
//!   bottom with its rounded corners and the app's custom-style over a mask; a tap on the
//!   mask reports clickoverlay and it leaves (beforeleave, leave, afterleave); hidden again
//!   while it comes in, it reports entercancelled and leaves;
//! - a `<root-portal>` inside a transformed, clipped box still shows its child, fixed on the
//!   screen while the page scrolls, and the child still reports its taps; with enable false
//!   it stays in the page's flow.
//!
//! A window test (see `window_support`). Screenshots are kept in Cargo's test scratch folder:
//! `components_more_window_<dialect>.png` (the movable views and covers),
//! `components_more_window_<dialect>_popup.png` (the page-container open) and
//! `components_more_window_<dialect>_portal.png` (the page scrolled under the root-portal).

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

mod mp_support;
mod window_support;

use capsule_runtime::{Container, MiniProgram, WryHandle};
use mp_support::write_files;
use serde_json::{Value, json};
use window_support::{TIMEOUT, launch, page_events, wait_events};

/// The page in WeChat's spelling; [`alipay`] turns it into Alipay's.
const WECHAT_PAGE: &str = r##"<view class="row">
  <movable-area class="area tall">
    <movable-view id="plain" data-name="plain" class="knob" direction="all" x="{{px}}" y="{{py}}"
      bindchange="moved" bindhtouchmove="swiped" bindvtouchmove="swiped">drag</movable-view>
  </movable-area>
  <movable-area class="area tall">
    <movable-view id="zoom" data-name="zoom" class="knob" direction="all" scale scale-min="0.5"
      scale-max="3" scale-value="{{zoom}}" bindchange="moved" bindscale="scaled">zoom</movable-view>
  </movable-area>
</view>
<view class="row">
  <movable-area class="area">
    <movable-view id="bounce" data-name="bounce" class="knob" direction="all" out-of-bounds
      bindchange="moved">edge</movable-view>
  </movable-area>
  <movable-area class="area">
    <movable-view id="coast" data-name="coast" class="knob" direction="horizontal" inertia
      bindchange="moved">flick</movable-view>
  </movable-area>
</view>
<view class="row">
  <movable-area class="area">
    <movable-view id="off" data-name="off" class="knob" direction="all" disabled
      bindchange="moved">off</movable-view>
  </movable-area>
  <view class="stage">
    <cover-view id="caption" class="caption">A cover-view line much too long for its box</cover-view>
    <cover-image id="pic" data-name="pic" class="corner" src="pic.png" bindload="loaded"/>
    <cover-image id="stretched" class="stretched" src="/pages/index/pic.png"/>
  </view>
</view>
<page-container id="popup" show="{{popup}}" round duration="{{200}}"
  custom-style="background-color: #fffbe6;" bindbeforeenter="popped" bindenter="popped"
  bindafterenter="popped" bindbeforeleave="popped" bindleave="popped" bindafterleave="closed"
  bindclickoverlay="popped" bindentercancelled="popped" bindleavecancelled="popped">
  <view class="sheet">page-container</view>
</page-container>
<view class="trap">
  <root-portal id="portal"><view id="badge" class="badge" bindtap="tapped">root-portal</view></root-portal>
</view>
<root-portal id="inline" enable="{{false}}"><view>in the flow</view></root-portal>
<view id="tall" class="long">the page goes on</view>"##;

const STYLE: &str = r#".row { display: flex; gap: 16px; padding: 8px 16px; }
.area { flex: none; width: 160px; height: 70px; background: #e8eef7; }
.tall { height: 150px; }
.knob { width: 50px; height: 50px; background: #07c160; color: #fff; font-size: 12px; line-height: 50px;
  text-align: center; border-radius: 6px; }
.stage { flex: none; position: relative; width: 160px; height: 70px; background: #333; }
.caption { position: absolute; left: 6px; top: 6px; width: 120px; padding: 2px 4px;
  background: rgba(255, 255, 255, 0.9); color: #111; font-size: 14px; }
.corner { position: absolute; right: 6px; bottom: 6px; }
.stretched { position: absolute; left: 6px; bottom: 6px; width: 40px; height: 20px; }
.sheet { height: 160px; padding: 20px; font-size: 18px; }
.trap { transform: translateZ(0); overflow: hidden; height: 0; }
.badge { margin: 8px; width: 140px; padding: 8px; background: #fa5151; color: #fff; border-radius: 4px;
  font-size: 14px; }
.long { height: 2000px; padding: 16px; background: linear-gradient(#ffffff, #ccccdd); }"#;

/// Each event as one line: who, which event, and what its detail says.
const PAGE_JS: &str = r#"Page({
  data: { events: [], px: 0, py: 0, zoom: 1, popup: false },
  push(line) { this.data.events.push(line); },
  moved(e) {
    const d = e.detail;
    this.push(e.currentTarget.dataset.name + ' change [' + d.source + '] ' + d.x + ',' + d.y);
  },
  scaled(e) {
    const d = e.detail;
    this.push(e.currentTarget.dataset.name + ' scale ' + d.scale + ' ' + d.x + ',' + d.y);
  },
  swiped(e) { this.push(e.currentTarget.dataset.name + ' ' + e.type); },
  loaded(e) { this.push(e.currentTarget.dataset.name + ' load ' + e.detail.width + 'x' + e.detail.height); },
  popped(e) { this.push('popup ' + e.type); },
  closed(e) {
    this.push('popup ' + e.type);
    this.setData({ popup: false });
  },
  tapped(e) { this.push(e.currentTarget.id + ' ' + e.type); },
});"#;

/// Names the one dialect a run of this executable checks; without it, the executable runs
/// itself once per dialect (one window per process, as `components_window` explains).
const DIALECT_VARIABLE: &str = "CAPSULE_COMPONENTS_MORE_DIALECT";

/// The page in Alipay's spelling: `on<Event>` handlers.
fn alipay(page: &str) -> String {
    [
        ("bindchange=", "onChange="),
        ("bindscale=", "onScale="),
        ("bindhtouchmove=", "onHTouchMove="),
        ("bindvtouchmove=", "onVTouchMove="),
        ("bindload=", "onLoad="),
        ("bindbeforeenter=", "onBeforeEnter="),
        ("bindafterenter=", "onAfterEnter="),
        ("bindenter=", "onEnter="),
        ("bindbeforeleave=", "onBeforeLeave="),
        ("bindafterleave=", "onAfterLeave="),
        ("bindleave=", "onLeave="),
        ("bindclickoverlay=", "onClickOverlay="),
        ("bindentercancelled=", "onEnterCancelled="),
        ("bindleavecancelled=", "onLeaveCancelled="),
        ("bindtap=", "onTap="),
    ]
    .iter()
    .fold(page.to_owned(), |page, (wechat, alipay)| {
        page.replace(wechat, alipay)
    })
}

fn main() -> ExitCode {
    let dialect = match window_support::dialect_of_this_run(DIALECT_VARIABLE) {
        Ok(dialect) => dialect,
        Err(each_run) => return each_run,
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let (page, template, style) = match dialect.as_str() {
        "alipay" => (alipay(WECHAT_PAGE), "index.axml", "index.acss"),
        _ => (WECHAT_PAGE.to_owned(), "index.wxml", "index.wxss"),
    };
    let manifest = json!({
        "appId": format!("components.more.{dialect}"), "name": "More components",
        "version": "1.0.0", "kind": "miniprogram", "dialect": dialect, "entry": "app.json",
    })
    .to_string();
    let app = dir.path().join("app");
    let template_path = format!("pages/index/{template}");
    let style_path = format!("pages/index/{style}");
    write_files(
        &app,
        &[
            ("manifest.json", &manifest),
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            ("app.js", "App({})"),
            ("pages/index/index.js", PAGE_JS),
            (&template_path, &page),
            (&style_path, STYLE),
        ],
    );
    window_support::write_picture(&app.join("pages/index/pic.png"), (48, 32), [255, 160, 0]);
    let root = dir.path().to_owned();
    let name = format!("components_more_window ({dialect})");
    window_support::run(&name, (480, 900), move |handle| {
        let container = Container::builder()
            .data_dir(root.join("data"))
            .build(Arc::new(handle.clone()));
        let handle = handle.clone();
        let driving = container.clone();
        let drive = move || {
            let program = launch(&driving, &root.join("app"));
            let shot = |suffix: &str| -> Result<(), String> {
                in_page(&handle, &program, PAINTED)?;
                let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
                    .join(format!("components_more_window_{dialect}{suffix}.png"));
                handle
                    .screenshot(program.page(), &path)
                    .map_err(|error| error.to_string())
            };
            let steps = || -> Result<(), String> {
                drawn(&handle, &program)?;
                dragging(&handle, &program)?;
                moved_by_the_app(&handle, &program)?;
                edges_and_inertia(&handle, &program)?;
                scaling(&handle, &program)?;
                covers(&handle, &program)?;
                shot("")?;
                page_container(&handle, &program, &shot)?;
                root_portal(&handle, &program)?;
                shot("_portal")
            };
            steps().map_err(|error| format!("{dialect}: {error}"))
        };
        (container, Box::new(drive))
    })
}

/// A script body that resolves once the page has painted its last change.
const PAINTED: &str = "await new Promise((painted) => \
     requestAnimationFrame(() => requestAnimationFrame(painted))); \
     await new Promise((later) => setTimeout(later, 300)); return true;";

/// Script helpers: `drag(id, moves, gap)` presses the view's centre with one finger, moves it
/// by each [dx, dy] from there (`gap` ms apart) and lifts it at the last; `pointer` sends one
/// pointer event; `place(id)` is where an element's transform puts it: [x, y, scale].
const HELPERS: &str = r#"
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const painted = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
const byId = (id) => document.getElementById(id);
const centre = (el) => {
  const box = el.getBoundingClientRect();
  return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
};
const pointer = (el, type, id, x, y) => el.dispatchEvent(new PointerEvent(type, {
  bubbles: true, cancelable: true, composed: true, pointerId: id, pointerType: "touch", isPrimary: id === 1,
  button: type === "pointermove" ? -1 : 0, buttons: type === "pointerup" ? 0 : 1, clientX: x, clientY: y }));
const drag = async (id, moves, gap) => {
  const el = byId(id);
  const start = centre(el);
  pointer(el, "pointerdown", 1, start.x, start.y);
  for (const [dx, dy] of moves) {
    if (gap) await sleep(gap);
    pointer(el, "pointermove", 1, start.x + dx, start.y + dy);
  }
  const [dx, dy] = moves[moves.length - 1];
  pointer(el, "pointerup", 1, start.x + dx, start.y + dy);
};
const round = (n) => Math.round(n * 100) / 100;
const place = (id) => {
  const transform = getComputedStyle(byId(id)).transform;
  if (!transform || transform === "none") return [0, 0, 1];
  const m = new DOMMatrix(transform);
  return [round(m.e), round(m.f), round(m.a)];
};
"#;

/// Runs `body` in the page (after [`HELPERS`]) and returns its value.
fn in_page(handle: &WryHandle, program: &MiniProgram, body: &str) -> Result<Value, String> {
    handle
        .run_script(program.page(), &format!("{HELPERS}\n{body}"), TIMEOUT)
        .map_err(|error| error.to_string())
}

/// The events that start with `prefix`, in order.
fn starting<'a>(events: &'a [String], prefix: &str) -> Vec<&'a str> {
    events
        .iter()
        .map(String::as_str)
        .filter(|event| event.starts_with(prefix))
        .collect()
}

/// Sets the page's data from the app's side.
fn set_data(program: &MiniProgram, data: &str) -> Result<(), String> {
    program
        .evaluate(&format!("getCurrentPages()[0].setData({data}); true"))
        .map(drop)
        .map_err(|error| error.to_string())
}

fn drawn(handle: &WryHandle, program: &MiniProgram) -> Result<(), String> {
    window_support::wait(program, "the page", |snapshot| {
        snapshot.html.contains("id=\"tall\"")
    })?;
    in_page(
        handle,
        program,
        r#"
        for (let waited = 0; !byId("tall"); waited += 20) {
          if (waited > 30000) throw new Error("the page was never drawn");
          await sleep(20);
        }
        await painted();
        return true;
        "#,
    )?;
    // The views start at the area's top left corner; the area is relative, clips, and is
    // the app's size; the view is absolute at 0, 0.
    let drawn = in_page(
        handle,
        program,
        r#"
        const view = byId("plain");
        const area = view.parentElement;
        const a = area.getBoundingClientRect();
        const v = view.getBoundingClientRect();
        return {
          place: place("plain"), at: [v.left - a.left, v.top - a.top], size: [a.width, a.height, v.width],
          area: [getComputedStyle(area).position, getComputedStyle(area).overflow],
          view: [getComputedStyle(view).position, getComputedStyle(view).top, getComputedStyle(view).left],
        };
        "#,
    )?;
    let want = json!({
        "place": [0, 0, 1], "at": [0, 0], "size": [160, 150, 50],
        "area": ["relative", "hidden"], "view": ["absolute", "0px", "0px"],
    });
    if drawn != want {
        return Err(format!(
            "the movable views are drawn as {drawn}, want {want}"
        ));
    }
    Ok(())
}

fn dragging(handle: &WryHandle, program: &MiniProgram) -> Result<(), String> {
    // A drag right and down (its first move horizontal), one far past the bottom right corner
    // (the view stops at the edge: 160 - 50 by 150 - 50), and one up and left (first move
    // vertical).
    let place = in_page(
        handle,
        program,
        r#"
        await drag("plain", [[10, 4], [30, 12], [50, 30]]);
        await drag("plain", [[200, 0], [400, 300]]);
        await drag("plain", [[0, -10], [-20, -40]]);
        return place("plain");
        "#,
    )?;
    let want = [
        "plain change [touch] 10,4",
        "plain change [touch] 30,12",
        "plain change [touch] 50,30",
        "plain change [touch] 110,30",
        "plain change [touch] 110,100",
        "plain change [touch] 110,90",
        "plain change [touch] 90,60",
    ];
    let events = wait_events(program, "seven changes of the dragged view", |events| {
        starting(events, "plain change").len() >= want.len()
    })?;
    let changes = starting(&events, "plain change");
    if changes != want {
        return Err(format!("dragging reported {changes:?}, want {want:?}"));
    }
    if place != json!([90, 60, 1]) {
        return Err(format!("the dragged view is at {place}, want [90, 60, 1]"));
    }
    // Every move of the first two touches (their first move horizontal), and of the last.
    let sideways = starting(&events, "plain htouchmove").len();
    let upwards = starting(&events, "plain vtouchmove").len();
    if (sideways, upwards) != (5, 2) {
        return Err(format!(
            "{sideways} htouchmove and {upwards} vtouchmove, want 5 and 2: {events:?}"
        ));
    }

    // A disabled view does not move and reports nothing.
    let place = in_page(
        handle,
        program,
        r#"await drag("off", [[20, 10], [60, 20]]); await sleep(300); return place("off");"#,
    )?;
    let events = page_events(program)?;
    if place != json!([0, 0, 1]) || !starting(&events, "off ").is_empty() {
        return Err(format!(
            "the disabled view went to {place} and reported {:?}",
            starting(&events, "off ")
        ));
    }
    Ok(())
}

fn moved_by_the_app(handle: &WryHandle, program: &MiniProgram) -> Result<(), String> {
    // The app's x and y: the view moves there (animated), reporting change with source "".
    let before = starting(&page_events(program)?, "plain change").len();
    set_data(program, "{ px: 100, py: 40 }")?;
    let events = wait_events(program, "the view moved by the app", |events| {
        starting(events, "plain change").last() == Some(&"plain change [] 100,40")
    })?;
    let changes = starting(&events, "plain change");
    if let Some(odd) = changes[before..].iter().find(|c| !c.contains("[]")) {
        return Err(format!("moving by the app reported {odd}: {changes:?}"));
    }
    let place = in_page(handle, program, r#"return place("plain");"#)?;
    if place != json!([100, 40, 1]) {
        return Err(format!(
            "the app put the view at {place}, want [100, 40, 1]"
        ));
    }
    // Out of range, it goes as far as it can.
    set_data(program, "{ px: 1000, py: -50 }")?;
    wait_events(program, "the view moved to the edge", |events| {
        starting(events, "plain change").last() == Some(&"plain change [] 110,0")
    })?;
    let place = in_page(
        handle,
        program,
        r#"await painted(); return place("plain");"#,
    )?;
    if place != json!([110, 0, 1]) {
        return Err(format!(
            "x 1000, y -50 put the view at {place}, want [110, 0, 1]"
        ));
    }
    Ok(())
}

fn edges_and_inertia(handle: &WryHandle, program: &MiniProgram) -> Result<(), String> {
    // out-of-bounds: dragged 250 px right in an area it has 110 px of room in, it follows
    // past the edge at half speed (110 + 140 / 2), and springs back when let go.
    let held = in_page(
        handle,
        program,
        r#"
        const view = byId("bounce");
        const start = centre(view);
        pointer(view, "pointerdown", 1, start.x, start.y);
        pointer(view, "pointermove", 1, start.x + 100, start.y);
        pointer(view, "pointermove", 1, start.x + 250, start.y);
        const held = place("bounce");
        pointer(view, "pointerup", 1, start.x + 250, start.y);
        return held;
        "#,
    )?;
    if held != json!([180, 0, 1]) {
        return Err(format!(
            "held past the edge the view is at {held}, want [180, 0, 1]"
        ));
    }
    let events = wait_events(program, "the view springing back", |events| {
        starting(events, "bounce change").last() == Some(&"bounce change [out-of-bounds] 110,0")
    })?;
    let changes = starting(&events, "bounce change");
    let head = [
        "bounce change [touch] 100,0",
        "bounce change [touch-out-of-bounds] 180,0",
    ];
    if changes.len() < 3
        || changes[..2] != head
        || changes[2..].iter().any(|c| !c.contains("[out-of-bounds]"))
    {
        return Err(format!(
            "past the edge the view reported {changes:?}, want {head:?} then out-of-bounds to 110,0"
        ));
    }

    // inertia: a flick (10 px every 16 ms) coasts on after the finger lifts, slowing down,
    // along x only (direction horizontal), and stops inside the area.
    let place = in_page(
        handle,
        program,
        r#"
        await drag("coast", [[10, 0], [20, 0], [30, 0], [40, 0], [50, 0]], 16);
        const lifted = place("coast");
        await sleep(1200);
        return [lifted, place("coast")];
        "#,
    )?;
    let events = page_events(program)?;
    let changes = starting(&events, "coast change");
    let dragged: Vec<&str> = changes
        .iter()
        .copied()
        .filter(|c| c.contains("[touch]"))
        .collect();
    let want = [
        "coast change [touch] 10,0",
        "coast change [touch] 20,0",
        "coast change [touch] 30,0",
        "coast change [touch] 40,0",
        "coast change [touch] 50,0",
    ];
    let coasting: Vec<f64> = changes
        .iter()
        .filter(|c| c.contains("[friction]"))
        .filter_map(|c| {
            let (x, y) = c.rsplit(' ').next()?.split_once(',')?;
            (y == "0").then(|| x.parse().ok()).flatten()
        })
        .collect();
    let slowing = coasting.windows(2).all(|pair| pair[0] <= pair[1]);
    let stop = coasting.last().copied().unwrap_or_default();
    let resting = place.get(1).and_then(|p| p.get(0)).and_then(Value::as_f64);
    if dragged != want
        || coasting.len() < 2
        || !slowing
        || !(55.0..=110.0).contains(&stop)
        || resting != Some(stop)
        || changes.len() != dragged.len() + coasting.len()
    {
        return Err(format!(
            "the flick reported {changes:?} (at {place}), want {want:?} then friction moves \
             on to somewhere past 55 and within 110"
        ));
    }
    Ok(())
}

fn scaling(handle: &WryHandle, program: &MiniProgram) -> Result<(), String> {
    // scale-value 2: the 50 px view draws 100 px wide about its centre, so it stays inside
    // the 160 by 150 area from x, y = 25 (moved there, reported with source "").
    set_data(program, "{ zoom: 2 }")?;
    let events = wait_events(program, "the view scaled by the app", |events| {
        starting(events, "zoom scale").last() == Some(&"zoom scale 2 25,25")
    })?;
    let moved = starting(&events, "zoom change");
    if moved.last() != Some(&"zoom change [] 25,25") {
        return Err(format!(
            "scaling by the app moved the view with {moved:?}, want it at 25,25 with source \"\""
        ));
    }
    let place = in_page(handle, program, r#"await painted(); return place("zoom");"#)?;
    if place != json!([25, 25, 2]) {
        return Err(format!(
            "scale-value 2 drew the view at {place}, want [25, 25, 2]"
        ));
    }
    // Two fingers 40 px apart spread to 50 px: 2.5 times, and 37.5 px in from each edge.
    let place = in_page(
        handle,
        program,
        r#"
        const view = byId("zoom");
        const c = centre(view);
        pointer(view, "pointerdown", 1, c.x - 20, c.y);
        pointer(view, "pointerdown", 2, c.x + 20, c.y);
        pointer(view, "pointermove", 1, c.x - 25, c.y);
        pointer(view, "pointermove", 2, c.x + 25, c.y);
        pointer(view, "pointerup", 1, c.x - 25, c.y);
        pointer(view, "pointerup", 2, c.x + 25, c.y);
        return place("zoom");
        "#,
    )?;
    wait_events(program, "the pinch's scale", |events| {
        starting(events, "zoom scale").last() == Some(&"zoom scale 2.5 37.5,37.5")
    })?;
    if place != json!([37.5, 37.5, 2.5]) {
        return Err(format!(
            "the pinch drew the view at {place}, want [37.5, 37.5, 2.5]"
        ));
    }
    Ok(())
}

fn covers(handle: &WryHandle, program: &MiniProgram) -> Result<(), String> {
    wait_events(program, "the cover-image's load", |events| {
        events.iter().any(|event| event == "pic load 48x32")
    })?;
    let drawn = in_page(
        handle,
        program,
        r#"
        const caption = byId("caption");
        const style = getComputedStyle(caption);
        const size = (id) => {
          const box = byId(id).getBoundingClientRect();
          const picture = byId(id).querySelector("img").getBoundingClientRect();
          return [box.width, box.height, picture.width, picture.height];
        };
        return {
          caption: [style.display, style.whiteSpace, round(parseFloat(style.lineHeight)), style.overflow, style.zIndex,
            caption.scrollWidth > caption.clientWidth,
            Math.abs(caption.getBoundingClientRect().height - 4 - parseFloat(style.lineHeight)) < 1],
          pic: size("pic"), stretched: size("stretched"),
        };
        "#,
    )?;
    let want = json!({
        "caption": ["block", "nowrap", 16.8, "hidden", "1", true, true],
        "pic": [48, 32, 48, 32], "stretched": [40, 20, 40, 20],
    });
    if drawn != want {
        return Err(format!("the covers are drawn as {drawn}, want {want}"));
    }
    Ok(())
}

fn page_container(
    handle: &WryHandle,
    program: &MiniProgram,
    shot: &dyn Fn(&str) -> Result<(), String>,
) -> Result<(), String> {
    let hidden = in_page(
        handle,
        program,
        r#"return getComputedStyle(byId("popup")).display;"#,
    )?;
    if hidden != json!("none") {
        return Err(format!(
            "the page-container shows before show: display {hidden}"
        ));
    }
    set_data(program, "{ popup: true }")?;
    let want = ["popup beforeenter", "popup enter", "popup afterenter"];
    let events = wait_events(program, "the page-container coming in", |events| {
        starting(events, "popup").len() >= want.len()
    })?;
    if starting(&events, "popup") != want {
        return Err(format!("showing reported {events:?}, want {want:?}"));
    }
    // At the bottom of the window (no tab bar), as wide as it, as tall as its content, with
    // its top corners rounded and the app's background, over a mask at z-index 100.
    let drawn = in_page(
        handle,
        program,
        r#"
        await painted();
        const popup = byId("popup");
        const box = popup.getBoundingClientRect();
        const style = getComputedStyle(popup);
        const mask = document.querySelector("capsule-page-overlay");
        return {
          box: [box.left, Math.round(box.bottom) === innerHeight, box.width === innerWidth, box.height],
          corners: [style.borderTopLeftRadius, style.borderTopRightRadius, style.borderBottomLeftRadius],
          background: style.backgroundColor, z: style.zIndex,
          mask: mask && [getComputedStyle(mask).opacity, getComputedStyle(mask).zIndex, mask.closest("page") === null],
        };
        "#,
    )?;
    let want = json!({
        "box": [0, true, true, 200], "corners": ["12px", "12px", "0px"],
        "background": "rgb(255, 251, 230)", "z": "100", "mask": ["1", "100", true],
    });
    if drawn != want {
        return Err(format!(
            "the page-container is drawn as {drawn}, want {want}"
        ));
    }
    shot("_popup")?;

    // A tap on the mask above it: clickoverlay, and it leaves; the app's afterleave handler
    // sets show back to false.
    let tapped = in_page(
        handle,
        program,
        r#"
        const top = parseFloat(getComputedStyle(document.documentElement).getPropertyValue("--capsule-top")) || 0;
        const target = document.elementFromPoint(innerWidth - 20, top + 100);
        const name = target && target.localName;
        if (target) target.click();
        return name;
        "#,
    )?;
    if tapped != json!("capsule-page-overlay") {
        return Err(format!(
            "above the page-container is {tapped}, not its mask"
        ));
    }
    let want = [
        "popup beforeenter",
        "popup enter",
        "popup afterenter",
        "popup clickoverlay",
        "popup beforeleave",
        "popup leave",
        "popup afterleave",
    ];
    let events = wait_events(program, "the page-container leaving", |events| {
        starting(events, "popup").len() >= want.len()
    })?;
    if starting(&events, "popup") != want {
        return Err(format!(
            "tapping the mask reported {events:?}, want {want:?}"
        ));
    }
    let gone = in_page(
        handle,
        program,
        r#"
        await painted();
        const mask = document.querySelector("capsule-page-overlay");
        return [getComputedStyle(byId("popup")).display, mask ? getComputedStyle(mask).display : "none"];
        "#,
    )?;
    let show = program
        .evaluate("getCurrentPages()[0].data.popup")
        .map_err(|error| error.to_string())?;
    if gone != json!(["none", "none"]) || show != json!(false) {
        return Err(format!(
            "after leaving the page-container and its mask are {gone}, show {show}"
        ));
    }

    // Shown and, 50 ms into its 200 ms entrance, hidden again: entercancelled, then it leaves.
    program
        .evaluate(
            "const page = getCurrentPages()[0]; page.setData({ popup: true }); \
             setTimeout(() => page.setData({ popup: false }), 50); true",
        )
        .map_err(|error| error.to_string())?;
    let turned = [
        "popup beforeenter",
        "popup enter",
        "popup entercancelled",
        "popup beforeleave",
        "popup leave",
        "popup afterleave",
    ];
    let events = wait_events(program, "the page-container turned back", |events| {
        starting(events, "popup").len() >= want.len() + turned.len()
    })?;
    let popup = starting(&events, "popup");
    if popup[want.len()..] != turned {
        return Err(format!(
            "hiding it as it came in reported {popup:?}, want {turned:?} last"
        ));
    }
    Ok(())
}

fn root_portal(handle: &WryHandle, program: &MiniProgram) -> Result<(), String> {
    // Its parent is transformed, clips and has no height; the child still shows at the top
    // of the page area (8 px margin) and stays there while the page scrolls 400 px. One
    // with enable false stays in the page's flow.
    let seen = in_page(
        handle,
        program,
        r#"
        const badge = byId("badge");
        const portal = byId("portal");
        const top = parseFloat(getComputedStyle(document.documentElement).getPropertyValue("--capsule-top")) || 0;
        const before = badge.getBoundingClientRect();
        const page = byId("tall").getBoundingClientRect().top;
        window.scrollTo(0, 400);
        await painted();
        await sleep(100);
        const after = badge.getBoundingClientRect();
        const hit = document.elementFromPoint(after.left + after.width / 2, after.top + after.height / 2);
        if (hit) hit.click();
        return {
          open: portal.matches(":popover-open"), child: portal.firstElementChild.id,
          before: [before.left, before.top - top, before.height > 20], after: [after.left, after.top - top],
          scrolled: Math.round(page - byId("tall").getBoundingClientRect().top), hit: hit === badge,
          inline: [getComputedStyle(byId("inline")).position, byId("inline").hasAttribute("popover")],
        };
        "#,
    )?;
    let want = json!({
        "open": true, "child": "badge", "before": [8, 8, true], "after": [8, 8],
        "scrolled": 400, "hit": true, "inline": ["static", false],
    });
    if seen != want {
        return Err(format!("the root-portal's child is {seen}, want {want}"));
    }
    wait_events(program, "the root-portal child's tap", |events| {
        events.iter().any(|event| event == "badge tap")
    })?;
    Ok(())
}
