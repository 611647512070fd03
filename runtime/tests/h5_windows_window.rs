//! An H5 app's stack of windows drawn by `WryHost`: the native title bar of each page (the
//! document's title, the option menu, `setTitle`'s title and subtitle, the back button), its
//! buttons pressed as a user would (the GTK widgets clicked), `pushWindow` sliding the second
//! page into the same window and `popWindow` / the back button taking it out again, with the
//! events the pages hear (`optionMenu`, `resume` with the popped page's data).
//!
//! Last, the list page follows a link inside its window (after a frame in it loaded another
//! page): the analytics journal holds one page view for the link and none for the frame.
//!
//! The checks read the widgets' state (`WryHandle::drawn_title_bar`), not pixels; one
//! screenshot of the window with both pages' bars is written for a person to look at.
//!
//! A window test (see `window_support`).

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

mod window_support;

use capsule_analytics::{Filter, Journal, Kind, Limits};
use capsule_runtime::{
    App, Container, ContainerEvent, DrawnTitleBar, Error, PageId, TitleBarPress, WryHandle,
};
use serde_json::{Value, json};
use window_support::TIMEOUT;

/// How long a script in a page may take.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(20);
/// Longer than a page takes to slide in or out.
const SLIDE: Duration = Duration::from_millis(600);

fn main() -> ExitCode {
    let dir = tempfile::tempdir().expect("tempdir");
    write_app(dir.path());
    window_support::run("h5_windows_window", (600, 900), |handle| {
        let journal = Journal::open(
            &dir.path().join("data").join("analytics.sqlite"),
            Limits::default(),
        )
        .expect("analytics journal");
        let container = Container::builder()
            .data_dir(dir.path().join("data"))
            .analytics(journal.recorder())
            .build(Arc::new(handle.clone()));
        let events = container.subscribe();
        let app = App::open_dir(&dir.path().join("app")).expect("fixture app");
        let page = container.open(app).expect("opens");
        let (handle, driving) = (handle.clone(), container.clone());
        let driver: window_support::Driver = Box::new(move || {
            drive(&handle, &driving, &events, page)?;
            follow_link(&handle, &events, &journal, page)
        });
        (container, driver)
    })
}

/// The app: a list page with an option menu that pushes a detail page.
fn write_app(dir: &Path) {
    let app = dir.join("app");
    std::fs::create_dir_all(&app).expect("app folder");
    let manifest = json!({
        "appId": "windows-app", "name": "Windows", "version": "1.0.0",
        "kind": "h5", "entry": "index.html",
        "permissions": { "apis": ["window", "ui"] },
    });
    let files = [
        ("manifest.json", manifest.to_string()),
        (
            "index.html",
            r#"<!doctype html><html><head><meta charset="utf-8"><title>Orders</title>
<link rel="stylesheet" href="page.css"><script src="index.js" defer></script></head>
<body><h1>Orders</h1><p>Menu: <span id="menu">none</span></p>
<p>Resumed with: <span id="resume">nothing</span></p>
<button id="open">Open item 7</button></body></html>"#
                .to_owned(),
        ),
        (
            "index.js",
            r#"const show = (id, value) => { document.getElementById(id).textContent = JSON.stringify(value); };
document.addEventListener("optionMenu", (event) => show("menu", event.data));
document.addEventListener("resume", (event) => show("resume", event.data));
window.menuReady = (async () => {
  await AlipayJSBridge.call("setOptionMenu", { menus: [{ title: "Share" }, { title: "More", redDot: "3" }] });
  await AlipayJSBridge.call("showOptionMenu");
})();
document.getElementById("open").addEventListener("click", () => {
  AlipayJSBridge.call("pushWindow", { url: "detail.html", param: { defaultTitle: "Detail" }, passData: { id: 7 } });
});
"#
            .to_owned(),
        ),
        // No <title>: the bar shows the window's default title, then setTitle's.
        (
            "detail.html",
            r#"<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="page.css"><script src="detail.js" defer></script></head>
<body><h1 id="item">?</h1><p>A detail page pushed over the list.</p>
<button id="pick">Pick it</button></body></html>"#
                .to_owned(),
        ),
        (
            "detail.js",
            r#"const id = AlipayJSBridge.startupParams.passData.id;
document.getElementById("item").textContent = "Item " + id;
AlipayJSBridge.call("setTitle", { title: "Item " + id, subtitle: "in stock" });
document.getElementById("pick").addEventListener("click", () => {
  AlipayJSBridge.call("popWindow", { data: { picked: id } });
});
"#
            .to_owned(),
        ),
        (
            "other.html",
            r#"<!doctype html><html><head><meta charset="utf-8"><title>Other</title></head>
<body><p>Another page of the app.</p></body></html>"#
                .to_owned(),
        ),
        (
            "page.css",
            "body { font-family: sans-serif; margin: 0; padding: 16px; background: #eef3f8; }\n\
             h1 { font-size: 22px; color: #1677ff; }\n\
             button { font-size: 16px; padding: 8px 16px; }\n"
                .to_owned(),
        ),
    ];
    for (name, text) in files {
        std::fs::write(app.join(name), text).expect("app file");
    }
}

fn drive(
    handle: &WryHandle,
    container: &Container,
    events: &Receiver<ContainerEvent>,
    list: PageId,
) -> Result<(), String> {
    wait_loaded(events, list)?;
    handle
        .run_script(list, "await window.menuReady; return true;", SCRIPT_TIMEOUT)
        .map_err(|e| format!("the list page's menu: {e}"))?;

    // The list page's bar: its document's title and both menu buttons, Share rightmost.
    let bar = poll("the list page's bar with its title and menu", || {
        let bar = drawn(handle, list)?;
        Ok((bar.title == "Orders" && bar.menu.len() == 2).then_some(bar))
    })?;
    check(bar.visible, "the list page's bar is visible", &bar)?;
    check(!bar.back_button, "the first page has no back button", &bar)?;
    check(!bar.over_page, "the bar is above the page", &bar)?;
    check(
        bar.shown_page == list,
        "the window shows the list page",
        &bar,
    )?;
    let texts: Vec<&str> = bar.menu.iter().map(|button| button.text.as_str()).collect();
    check(
        texts == ["More", "Share"],
        "the menu reads More, Share from left to right (menu[0] rightmost)",
        &bar,
    )?;
    check(
        bar.menu[0].badge.as_deref() == Some("3") && bar.menu[1].badge.is_none(),
        "More has the badge 3, Share none",
        &bar,
    )?;

    // Pressing More: the page hears optionMenu with its index.
    handle
        .press_title_bar(list, TitleBarPress::Menu(1))
        .map_err(|e| format!("pressing More: {e}"))?;
    let pressed = poll_text(handle, list, "menu", |data| data["index"] == 1)?;
    if pressed != json!({"index": 1, "title": "More"}) {
        return Err(format!("the optionMenu event carried {pressed}"));
    }

    // pushWindow: the detail page slides into the same window, over the list.
    let detail = push_detail(handle, container, events, list, BUTTON_PUSH)?;
    let item = handle
        .run_script(
            detail,
            r#"return document.getElementById("item").textContent;"#,
            SCRIPT_TIMEOUT,
        )
        .map_err(|e| format!("reading the detail page: {e}"))?;
    if item != "Item 7" {
        return Err(format!("the detail page read passData as {item}"));
    }
    let bar = poll("the detail page's bar with setTitle's title", || {
        let bar = drawn(handle, detail)?;
        Ok((bar.title == "Item 7" && bar.subtitle == "in stock").then_some(bar))
    })?;
    check(bar.back_button, "the pushed page has a back button", &bar)?;
    check(
        bar.menu.is_empty(),
        "the pushed page has no option menu",
        &bar,
    )?;
    check(
        bar.shown_page == detail,
        "the window shows the detail page",
        &bar,
    )?;
    let under = drawn(handle, list)?;
    check(
        under.shown_page == detail,
        "the list page's window shows the detail page",
        &under,
    )?;
    match handle.press_title_bar(list, TitleBarPress::Menu(0)) {
        Err(Error::NotDrawn(_)) => {}
        other => return Err(format!("pressing the covered list page's menu: {other:?}")),
    }

    std::thread::sleep(SLIDE);
    let picture = Path::new(env!("CARGO_TARGET_TMPDIR")).join("h5_windows_window.png");
    handle
        .screenshot(detail, &picture)
        .map_err(|e| format!("screenshot: {e}"))?;
    println!("screenshot of the detail page: {}", picture.display());

    // The bar's back button: the page does not prevent `back`, so its window closes.
    handle
        .press_title_bar(detail, TitleBarPress::Back)
        .map_err(|e| format!("pressing back: {e}"))?;
    poll("the detail page closed", || {
        Ok((container.window_stack(list) == [list]).then_some(()))
    })?;
    let bar = poll("the list page shown again", || {
        let bar = drawn(handle, list)?;
        Ok((bar.shown_page == list).then_some(bar))
    })?;
    check(
        bar.title == "Orders" && bar.menu.len() == 2,
        "the list page's bar is as it was",
        &bar,
    )?;
    match handle.drawn_title_bar(detail) {
        Err(Error::NoSuchPage(_)) => {}
        other => return Err(format!("the closed detail page's bar: {other:?}")),
    }

    // A second detail page, its bar transparent over the page, pops itself with data: the
    // list page's resume handler sees it.
    let detail = push_detail(handle, container, events, list, TRANSPARENT_PUSH)?;
    let bar = poll("the transparent bar with setTitle's title", || {
        let bar = drawn(handle, detail)?;
        Ok((bar.title == "Item 7").then_some(bar))
    })?;
    check(bar.over_page, "the transparent bar is over the page", &bar)?;
    handle
        .run_script(
            detail,
            r#"document.getElementById("pick").click(); return true;"#,
            SCRIPT_TIMEOUT,
        )
        .map_err(|e| format!("picking: {e}"))?;
    poll("the second detail page closed", || {
        Ok((container.window_stack(list) == [list]).then_some(()))
    })?;
    let resumed = poll_text(handle, list, "resume", |data| data.get("picked").is_some())?;
    if resumed != json!({"picked": 7}) {
        return Err(format!("the list page resumed with {resumed}"));
    }
    poll("the list page shown after popWindow", || {
        Ok((drawn(handle, list)?.shown_page == list).then_some(()))
    })?;

    // The other ways a menu button is drawn (an icontype's glyph, a data: URL picture with a
    // red dot, the title of an icon that is no data: URL), and the spinner.
    handle
        .run_script(list, ICONS, SCRIPT_TIMEOUT)
        .map_err(|e| format!("the icon menu: {e}"))?;
    let bar = poll("the icon menu and the spinner", || {
        let bar = drawn(handle, list)?;
        Ok((bar.loading && bar.menu.len() == 3).then_some(bar))
    })?;
    let menu: Vec<(&str, bool, Option<&str>)> = bar
        .menu
        .iter()
        .map(|button| {
            (
                button.text.as_str(),
                button.picture,
                button.badge.as_deref(),
            )
        })
        .collect();
    check(
        menu == [
            ("Go", false, None),
            ("", true, Some("")),
            ("⊡", false, None),
        ],
        "the menu reads Go, a picture with a dot, the scan glyph",
        &bar,
    )?;
    handle
        .press_title_bar(list, TitleBarPress::Menu(1))
        .map_err(|e| format!("pressing the picture: {e}"))?;
    let pressed = poll_text(handle, list, "menu", |data| data["title"] == "Picture")?;
    if pressed != json!({"index": 1, "title": "Picture"}) {
        return Err(format!("the picture's optionMenu event carried {pressed}"));
    }
    handle
        .run_script(
            list,
            r#"await AlipayJSBridge.call("hideOptionMenu"); return true;"#,
            SCRIPT_TIMEOUT,
        )
        .map_err(|e| format!("hiding the menu: {e}"))?;
    poll("the menu hidden", || {
        Ok(drawn(handle, list)?.menu.is_empty().then_some(()))
    })?;
    match handle.press_title_bar(list, TitleBarPress::Menu(0)) {
        Err(Error::NotDrawn(_)) => Ok(()),
        other => Err(format!("pressing the hidden menu: {other:?}")),
    }
}

/// A frame in the list page loads another page, then the page follows a link to it: the
/// journal's page views end with leaving the list for that page, and the frame made none.
fn follow_link(
    handle: &WryHandle,
    events: &Receiver<ContainerEvent>,
    journal: &Journal,
    list: PageId,
) -> Result<(), String> {
    handle
        .run_script(
            list,
            r#"const frame = document.createElement("iframe");
frame.src = "other.html?in=frame";
await new Promise((loaded) => { frame.onload = loaded; document.body.appendChild(frame); });
setTimeout(() => { location.href = "other.html?in=window"; }, 0);
return true;"#,
            SCRIPT_TIMEOUT,
        )
        .map_err(|e| format!("the frame and the link: {e}"))?;
    wait_loaded(events, list)?;
    let views = poll("the page views of the link", || {
        journal.recorder().flush().map_err(|e| e.to_string())?;
        let recorded = journal
            .events(&Filter::default())
            .map_err(|e| e.to_string())?;
        let views: Vec<(Kind, String, Value)> = recorded
            .into_iter()
            .filter(|event| matches!(event.kind, Kind::PageEnter | Kind::PageLeave))
            .map(|event| {
                let from = event.attributes.get("from").cloned().unwrap_or(Value::Null);
                (event.kind, event.name, from)
            })
            .collect();
        Ok(views
            .iter()
            .any(|(kind, name, _)| *kind == Kind::PageEnter && name == "other.html")
            .then_some(views))
    })?;
    let expected = [
        (Kind::PageEnter, "index.html", Value::Null),
        (Kind::PageEnter, "detail.html", json!("index.html")),
        (Kind::PageLeave, "detail.html", Value::Null),
        (Kind::PageEnter, "detail.html", json!("index.html")),
        (Kind::PageLeave, "detail.html", Value::Null),
        (Kind::PageLeave, "index.html", Value::Null),
        (Kind::PageEnter, "other.html", json!("index.html")),
    ]
    .map(|(kind, name, from)| (kind, name.to_owned(), from));
    if views != expected {
        return Err(format!("the page views were {views:?}"));
    }
    Ok(())
}

/// The first push: the list page's button, which calls pushWindow.
const BUTTON_PUSH: &str = r#"document.getElementById("open").click(); return true;"#;

/// The second push: from a script, with a transparent title bar.
const TRANSPARENT_PUSH: &str = r#"await AlipayJSBridge.call("pushWindow", {
  url: "detail.html",
  param: { defaultTitle: "Detail", transparentTitle: "always" },
  passData: { id: 7 },
});
return true;"#;

/// A menu of an icontype, a data: URL picture with a red dot and an icon file (shown as its
/// title), then the title bar's spinner.
const ICONS: &str = r#"const picture = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGMQK/+PFTEMLQkAdMJjATQI9/EAAAAASUVORK5CYII=";
await AlipayJSBridge.call("setOptionMenu", { menus: [
  { icontype: "scan" },
  { title: "Picture", icon: picture, redDot: 0 },
  { title: "Go", icon: "go.png" },
] });
await AlipayJSBridge.call("showOptionMenu");
await AlipayJSBridge.call("showTitleLoading");
return true;"#;

/// Pushes the detail page over the list page with `push`, a script of the list page; returns
/// it once loaded.
fn push_detail(
    handle: &WryHandle,
    container: &Container,
    events: &Receiver<ContainerEvent>,
    list: PageId,
    push: &str,
) -> Result<PageId, String> {
    handle
        .run_script(list, push, SCRIPT_TIMEOUT)
        .map_err(|e| format!("opening the detail page: {e}"))?;
    let detail = poll("the detail page pushed", || {
        Ok(match container.window_stack(list)[..] {
            [bottom, top] if bottom == list => Some(top),
            _ => None,
        })
    })?;
    wait_loaded(events, detail)?;
    Ok(detail)
}

/// The bar drawn for `page`, which must have one.
fn drawn(handle: &WryHandle, page: PageId) -> Result<DrawnTitleBar, String> {
    handle
        .drawn_title_bar(page)
        .map_err(|e| format!("reading page {}'s bar: {e}", page.0))?
        .ok_or_else(|| format!("page {} has no title bar drawn", page.0))
}

fn check(holds: bool, what: &str, bar: &DrawnTitleBar) -> Result<(), String> {
    if holds {
        Ok(())
    } else {
        Err(format!("want: {what}; drawn: {bar:#?}"))
    }
}

/// Polls `probe` until it finds something (at most [`TIMEOUT`]).
fn poll<T>(what: &str, mut probe: impl FnMut() -> Result<Option<T>, String>) -> Result<T, String> {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(found) = probe()? {
            return Ok(found);
        }
        if Instant::now() > deadline {
            return Err(format!("no {what} within {} s", TIMEOUT.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Polls the JSON the page wrote into element `id` until `done` accepts it.
fn poll_text(
    handle: &WryHandle,
    page: PageId,
    id: &str,
    done: impl Fn(&Value) -> bool,
) -> Result<Value, String> {
    let script = format!(r#"return document.getElementById("{id}").textContent;"#);
    let mut last = Value::Null;
    poll(&format!("#{id} written"), || {
        let text = handle
            .run_script(page, &script, SCRIPT_TIMEOUT)
            .map_err(|e| format!("reading #{id}: {e}"))?;
        last = serde_json::from_str(text.as_str().unwrap_or_default()).unwrap_or(Value::Null);
        Ok(done(&last).then(|| last.clone()))
    })
    .map_err(|error| format!("{error}; last: {last}"))
}

/// Waits until `page` has loaded.
fn wait_loaded(events: &Receiver<ContainerEvent>, page: PageId) -> Result<(), String> {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(ContainerEvent::PageLoaded(loaded)) if loaded == page => return Ok(()),
            Ok(_) => {}
            Err(_) => return Err(format!("page {} did not load", page.0)),
        }
    }
}
