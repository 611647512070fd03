//! The phone's chrome in the real WebKitGTK window, measured in the page: the menu button
//! (capsule) is drawn exactly where `getMenuButtonBoundingClientRect` tells the logic it is
//! (WeChat on an iPhone 12, also on a page with a custom navigation bar, and Alipay on a
//! Pixel 5); the status bar is the device's height; the navigation bar takes its colour and
//! text style from the page's `.json`; the tab bar stands on the safe-area inset `safeArea`
//! reports; the page area is the `windowHeight` the logic sees; a long page scrolls without
//! a scrollbar; the chrome and the dialogs use the platforms' fonts, with colour emoji; a
//! page's `<page-meta>` and `<navigation-bar>` set the bar, the page's style, rem and scroll.
//!
//! A window test (see `window_support`).

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

mod mp_support;
mod window_support;

use capsule_runtime::{Container, DeviceProfile, MiniProgram, PageId, Route, WryHandle};
use mp_support::write_files;
use serde_json::{Value, json};
use window_support::{TIMEOUT, launch, wait};

/// Measures the chrome and the page area in the window.
const MEASURE: &str = r#"
const chrome = document.querySelector("capsule-chrome").shadowRoot;
const box = (el) => {
  if (!el) return null;
  const r = el.getBoundingClientRect();
  return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height };
};
const style = (el) => (el ? getComputedStyle(el) : null);
const nav = chrome.querySelector(".nav");
const status = chrome.querySelector(".status");
const title = chrome.querySelector(".title");
const tabs = chrome.querySelector(".tabs");
const tab = chrome.querySelector(".tab");
const scroller = document.scrollingElement;
const out = {
  capsule: box(chrome.querySelector(".capsule")),
  status: box(status),
  statusColor: style(status).color,
  nav: box(nav),
  navColor: nav && style(nav).color,
  navBackground: nav && style(nav.querySelector(".fill")).backgroundColor,
  titleFont: title && style(title).fontFamily,
  titleText: title && title.textContent,
  tabs: box(tabs),
  tab: box(tab),
  tabFont: tab && style(tab).fontFamily,
  home: box(chrome.querySelector(".home")),
  page: box(document.querySelector("page")),
  viewport: { width: window.innerWidth, height: window.innerHeight },
  scroller: { clientWidth: scroller.clientWidth, clientHeight: scroller.clientHeight, scrollHeight: scroller.scrollHeight },
};
// The long page scrolls, though no scrollbar shows.
window.scrollTo(0, 400);
await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
out.scrolledTo = window.scrollY;
window.scrollTo(0, 0);
await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
return out;
"#;

fn main() -> ExitCode {
    let dir = tempfile::tempdir().expect("tempdir");
    let (wechat, alipay) = (dir.path().join("wechat"), dir.path().join("alipay"));
    write_wechat(&wechat);
    write_alipay(&alipay);
    // Tall enough for the iPhone 12's 390 × 844 window.
    window_support::run("miniprogram_chrome_window", (1024, 1200), |handle| {
        let container = Container::builder()
            .data_dir(dir.path().join("data"))
            .device(DeviceProfile::named("iphone-12").expect("preset"))
            .build(Arc::new(handle.clone()));
        let program = launch(&container, &wechat);
        let (handle, driving) = (handle.clone(), container.clone());
        let shot = dir.path().join("wechat.png");
        let driver: window_support::Driver =
            Box::new(move || drive(&handle, &driving, &program, &alipay, &shot));
        (container, driver)
    })
}

fn drive(
    handle: &WryHandle,
    container: &Container,
    wechat: &MiniProgram,
    alipay_root: &Path,
    shot: &Path,
) -> Result<(), String> {
    let page = wechat.page();
    wait(wechat, "the long page", |s| {
        s.cold_start.is_some() && s.html.contains("long page")
    })?;
    let rect = logic(wechat, "wx.getMenuButtonBoundingClientRect()")?;
    let info = logic(wechat, "wx.getSystemInfoSync()")?;
    let seen = measure(handle, page)?;

    // The capsule is where the logic was told it is; the status bar is the device's.
    check(&seen, "menu button", &seen["capsule"], &rect)?;
    check(
        &seen,
        "status bar height",
        &seen["status"]["height"],
        &info["statusBarHeight"],
    )?;
    check(
        &seen,
        "status bar height",
        &seen["status"]["height"],
        &json!(47),
    )?;
    // The navigation bar under it, in the page .json's colour and text style (white bar,
    // black text, also in the status bar); the fonts with colour emoji.
    check(&seen, "navigation bar top", &seen["nav"]["top"], &json!(47))?;
    check(
        &seen,
        "navigation bar height",
        &seen["nav"]["height"],
        &json!(44),
    )?;
    check(
        &seen,
        "navigation bar colour",
        &seen["navBackground"],
        &json!("rgb(255, 255, 255)"),
    )?;
    check(
        &seen,
        "title colour",
        &seen["navColor"],
        &json!("rgb(0, 0, 0)"),
    )?;
    check(
        &seen,
        "status bar colour",
        &seen["statusColor"],
        &json!("rgb(0, 0, 0)"),
    )?;
    for font in ["titleFont", "tabFont"] {
        let family = seen[font].as_str().unwrap_or_default();
        if !(family.contains("Noto Sans CJK SC") && family.contains("Noto Color Emoji")) {
            return Err(format!("{font} is {family:?}"));
        }
    }
    // The page area starts under the bars and ends on the tab bar, which stands on the
    // bottom inset (the home indicator); its height is the logic's windowHeight.
    check(&seen, "page top", &seen["page"]["top"], &json!(91))?;
    let (height, safe_bottom) = (844.0, info["safeArea"]["bottom"].as_f64().unwrap_or(0.0));
    check(
        &seen,
        "safe area bottom",
        &json!(safe_bottom),
        &json!(810.0),
    )?;
    check(
        &seen,
        "tab bar bottom",
        &seen["tabs"]["bottom"],
        &json!(height),
    )?;
    check(
        &seen,
        "tab buttons' bottom",
        &seen["tab"]["bottom"],
        &json!(safe_bottom),
    )?;
    if seen["home"].is_null() {
        return Err(format!("no home indicator\n{seen:#}"));
    }
    let tabs_top = seen["tabs"]["top"].as_f64().unwrap_or(0.0);
    check(
        &seen,
        "window height",
        &info["windowHeight"],
        &json!((tabs_top - 91.0) as u64),
    )?;
    // No scrollbar takes width from the page, and the long page still scrolls.
    check(
        &seen,
        "viewport width",
        &seen["viewport"]["width"],
        &json!(390),
    )?;
    check(
        &seen,
        "page width",
        &seen["scroller"]["clientWidth"],
        &json!(390),
    )?;
    if seen["scroller"]["scrollHeight"].as_f64() <= seen["scroller"]["clientHeight"].as_f64() {
        return Err(format!("the page is not long\n{seen:#}"));
    }
    check(&seen, "scrolled", &seen["scrolledTo"], &json!(400))?;

    // A picture of the page scrolled down: WebKitGTK's overlay scrollbar would show at the
    // right edge just after a scroll, over the page's plain white. Colour emoji in the title:
    // some title pixels are neither white nor grey.
    handle
        .run_script(
            page,
            r#"window.scrollTo(0, 800);
            await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
            return window.scrollY;"#,
            TIMEOUT,
        )
        .map_err(|e| e.to_string())?;
    handle.screenshot(page, shot).map_err(|e| e.to_string())?;
    let picture = Picture::read(shot);
    let coloured = picture.count((100, 50, 290, 88), |[r, g, b]| {
        r.max(g).max(b) - r.min(g).min(b) > 80
    });
    if coloured < 20 {
        return Err(format!(
            "the title's emoji has {coloured} coloured pixels ({})",
            shot.display()
        ));
    }
    let marked = picture.count((370, 100, 390, 740), |pixel| pixel != [255, 255, 255]);
    if marked > 0 {
        return Err(format!(
            "{marked} pixels at the page's right edge are not the page's white: a scrollbar? ({})",
            shot.display()
        ));
    }

    // Dialogs use the same fonts.
    logic(wechat, "wx.showToast({ title: '好 😀', duration: 60000 })")?;
    let toast_font = handle
        .run_script(
            page,
            r#"
            for (let i = 0; i < 100 && !document.querySelector("capsule-ui"); i++) {
              await new Promise((resolve) => setTimeout(resolve, 20));
            }
            const ui = document.querySelector("capsule-ui").shadowRoot;
            return getComputedStyle(ui.querySelector(".layer")).fontFamily;
            "#,
            TIMEOUT,
        )
        .map_err(|e| e.to_string())?;
    let toast_font = toast_font.as_str().unwrap_or_default();
    if !(toast_font.contains("Noto Sans CJK SC") && toast_font.contains("Noto Color Emoji")) {
        return Err(format!("the toast's font is {toast_font:?}"));
    }
    logic(wechat, "wx.hideToast()")?;

    // A custom navigation bar: none drawn, the page from the top; the capsule stays where
    // the logic is told it is.
    wechat
        .route(Route::NavigateTo {
            url: "/pages/custom/custom".into(),
        })
        .map_err(|e| e.to_string())?;
    wait(wechat, "the custom page", |s| {
        s.route.as_deref() == Some("pages/custom/custom")
    })?;
    let custom = measure(handle, page)?;
    if !custom["nav"].is_null() {
        return Err(format!("a navigation bar on a custom page\n{custom:#}"));
    }
    let own_bar = handle
        .run_script(
            page,
            r#"const bar = document.getElementById("own-bar");
            return bar ? [bar.textContent, bar.getBoundingClientRect().height] : null;"#,
            TIMEOUT,
        )
        .map_err(|e| e.to_string())?;
    check(
        &custom,
        "custom: the app's own <navigation-bar>",
        &own_bar,
        &json!(["Own bar", 44]),
    )?;
    check(&custom, "custom: menu button", &custom["capsule"], &rect)?;
    check(
        &custom,
        "custom: status bar",
        &custom["status"]["height"],
        &json!(47),
    )?;
    check(
        &custom,
        "custom: page top",
        &custom["page"]["top"],
        &json!(0),
    )?;
    let custom_info = logic(wechat, "wx.getSystemInfoSync()")?;
    check(
        &custom,
        "custom: window height",
        &custom_info["windowHeight"],
        &json!(844),
    )?;

    page_meta(handle, wechat)?;

    // Alipay on a Pixel 5: its capsule where my.getMenuButtonBoundingClientRect says.
    container.set_device_profile(DeviceProfile::named("pixel-5").expect("preset"));
    let alipay = launch(container, alipay_root);
    // Closing the last window ends the event loop: close the first one only now.
    wechat.close();
    wait(&alipay, "the Alipay page", |s| {
        s.cold_start.is_some() && s.html.contains("alipay page")
    })?;
    let rect = logic(&alipay, "my.getMenuButtonBoundingClientRect()")?;
    let seen = measure(handle, alipay.page())?;
    check(&seen, "alipay: menu button", &seen["capsule"], &rect)?;
    check(
        &seen,
        "alipay: menu button place",
        &rect,
        &json!({"width": 87, "height": 32, "top": 32, "bottom": 64, "right": 386, "left": 299}),
    )?;
    check(
        &seen,
        "alipay: status bar",
        &seen["status"]["height"],
        &json!(24),
    )?;
    check(
        &seen,
        "alipay: title bar",
        &seen["nav"]["height"],
        &json!(48),
    )?;
    check(
        &seen,
        "alipay: title bar colour",
        &seen["navBackground"],
        &json!("rgb(22, 119, 255)"),
    )?;
    check(
        &seen,
        "alipay: page width",
        &seen["scroller"]["clientWidth"],
        &json!(393),
    )?;
    alipay.close();
    Ok(())
}

/// A page whose `<page-meta>` and `<navigation-bar>` follow its data: the bar's title and
/// colours are drawn from them, the page node takes page-style, rem counts from
/// root-font-size, setting scroll-top scrolls the page (scroll events, then scrolldone), and
/// the page shown next keeps none of it.
fn page_meta(handle: &WryHandle, wechat: &MiniProgram) -> Result<(), String> {
    let page = wechat.page();
    wechat
        .route(Route::NavigateTo {
            url: "/pages/meta/meta".into(),
        })
        .map_err(|e| e.to_string())?;
    wait(wechat, "the page-meta page", |s| {
        s.route.as_deref() == Some("pages/meta/meta") && s.html.contains("meta page")
    })?;
    let seen = measure(handle, page)?;
    check(&seen, "meta: title", &seen["titleText"], &json!("Meta 1"))?;
    check(
        &seen,
        "meta: bar colour",
        &seen["navBackground"],
        &json!("rgb(7, 193, 96)"),
    )?;
    check(
        &seen,
        "meta: title colour",
        &seen["navColor"],
        &json!("rgb(255, 255, 255)"),
    )?;
    let styled = handle
        .run_script(
            page,
            r#"return { page: getComputedStyle(document.querySelector("page")).backgroundColor,
                        rem: document.getElementById("rem").getBoundingClientRect().width };"#,
            TIMEOUT,
        )
        .map_err(|e| e.to_string())?;
    check(
        &styled,
        "meta: page-style",
        &styled["page"],
        &json!("rgb(255, 240, 240)"),
    )?;
    check(&styled, "meta: 5rem at 20px", &styled["rem"], &json!(100))?;

    logic(
        wechat,
        "getCurrentPages().pop().setData({ top: '300px', title: 'Meta 2' })",
    )?;
    wait(wechat, "the new title", |s| {
        s.chrome["navigationBar"]["title"] == "Meta 2"
    })?;
    let deadline = std::time::Instant::now() + TIMEOUT;
    let events = loop {
        let events = logic(wechat, "getCurrentPages().pop().data.events")?;
        let list = events.as_array().cloned().unwrap_or_default();
        if list.iter().any(|event| event == "scrolldone") {
            break list;
        }
        if std::time::Instant::now() > deadline {
            return Err(format!("no scrolldone: {events}"));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    if !events.iter().any(|event| event == "scroll 300") {
        return Err(format!("no scroll event at 300: {events:?}"));
    }
    let scrolled = handle
        .run_script(
            page,
            r#"return { top: window.scrollY,
                        title: document.querySelector("capsule-chrome").shadowRoot.querySelector(".title").textContent };"#,
            TIMEOUT,
        )
        .map_err(|e| e.to_string())?;
    check(&scrolled, "meta: scrolled", &scrolled["top"], &json!(300))?;
    check(
        &scrolled,
        "meta: new title",
        &scrolled["title"],
        &json!("Meta 2"),
    )?;

    wechat
        .route(Route::NavigateBack { delta: 1 })
        .map_err(|e| e.to_string())?;
    wait(wechat, "back on the custom page", |s| {
        s.route.as_deref() == Some("pages/custom/custom") && s.html.contains("custom page")
    })?;
    let reset = handle
        .run_script(
            page,
            r#"await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
            return { style: document.querySelector("page").style.cssText,
                     rootFont: document.documentElement.style.fontSize };"#,
            TIMEOUT,
        )
        .map_err(|e| e.to_string())?;
    check(
        &reset,
        "the next page's style",
        &reset,
        &json!({"style": "", "rootFont": ""}),
    )
}

/// `Ok` when the window has `want` for `what`; else an error with all that was measured.
fn check(seen: &Value, what: &str, got: &Value, want: &Value) -> Result<(), String> {
    if same(got, want) {
        Ok(())
    } else {
        Err(format!(
            "{what}: the window has {got}, want {want}\n{seen:#}"
        ))
    }
}

/// Equal JSON, numbers compared as numbers (`844` and `844.0` are the same length).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w))
        }
        _ => a == b,
    }
}

/// Evaluates `expr` in the logic layer; WeChat's `errMsg` left out.
fn logic(program: &MiniProgram, expr: &str) -> Result<Value, String> {
    let mut value = program.evaluate(expr).map_err(|e| e.to_string())?;
    if let Some(object) = value.as_object_mut() {
        object.remove("errMsg");
    }
    Ok(value)
}

fn measure(handle: &WryHandle, page: PageId) -> Result<Value, String> {
    handle
        .run_script(page, MEASURE, TIMEOUT)
        .map_err(|error| error.to_string())
}

/// A screenshot's RGB pixels.
struct Picture {
    width: usize,
    height: usize,
    rgb: Vec<[u8; 3]>,
}

impl Picture {
    fn read(path: &Path) -> Self {
        let decoder = png::Decoder::new(std::io::BufReader::new(
            std::fs::File::open(path).expect("screenshot"),
        ));
        let mut reader = decoder.read_info().expect("png");
        let mut bytes = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut bytes).expect("frame");
        let channels = info.color_type.samples();
        let (width, height) = (info.width as usize, info.height as usize);
        let rgb = (0..height)
            .flat_map(|y| (0..width).map(move |x| (y, x)))
            .map(|(y, x)| {
                let at = y * info.line_size + x * channels;
                [bytes[at], bytes[at + 1], bytes[at + 2]]
            })
            .collect();
        Self { width, height, rgb }
    }

    /// How many pixels inside (left, top, right, bottom) `test` holds for.
    fn count(
        &self,
        (left, top, right, bottom): (usize, usize, usize, usize),
        test: impl Fn([u8; 3]) -> bool,
    ) -> usize {
        (top..bottom.min(self.height))
            .flat_map(|y| (left..right.min(self.width)).map(move |x| (y, x)))
            .filter(|&(y, x)| test(self.rgb[y * self.width + x]))
            .count()
    }
}

/// A page set up by its `<page-meta>` (see [`page_meta`]).
const META_PAGE: &str = r##"<page-meta page-style="{{pageStyle}}" root-font-size="20px" scroll-top="{{top}}"
  scroll-duration="{{200}}" bindscroll="scrolled" bindscrolldone="done">
  <navigation-bar title="{{title}}" front-color="#ffffff" background-color="#07c160"/>
</page-meta>
<view id="rem" style="width: 5rem; height: 3000px">meta page</view>"##;

/// Its data, and its scroll and scrolldone events as lines in `events`.
const META_JS: &str = r"Page({
  data: { title: 'Meta 1', pageStyle: 'background-color: #fff0f0', top: '', events: [] },
  scrolled(e) { this.data.events.push('scroll ' + e.detail.scrollTop); },
  done(e) { this.data.events.push(e.type); },
});";

/// A WeChat app: a long tab page whose `.json` makes the bar white with black text and
/// puts an emoji in the title, and a page with a custom navigation bar.
fn write_wechat(root: &Path) {
    let manifest = json!({
        "appId": "chrome.window", "name": "Chrome", "version": "1.0.0",
        "kind": "miniprogram", "dialect": "wechat", "entry": "app.json",
        "permissions": {"apis": ["system", "ui"]},
    })
    .to_string();
    write_files(
        root,
        &[
            ("manifest.json", &manifest),
            (
                "app.json",
                r##"{"pages":["pages/index/index","pages/custom/custom","pages/meta/meta"],
                  "window":{"navigationBarTitleText":"App","navigationBarBackgroundColor":"#1677ff","navigationBarTextStyle":"white"},
                  "tabBar":{"list":[{"pagePath":"pages/index/index","text":"Home 中文"}]}}"##,
            ),
            ("app.js", "App({});"),
            ("pages/index/index.js", "Page({});"),
            (
                "pages/index/index.wxml",
                r#"<view style="height: 3000px">long page</view>"#,
            ),
            (
                "pages/index/index.json",
                r##"{"navigationBarTitleText":"Emoji 😀😀😀","navigationBarBackgroundColor":"#ffffff","navigationBarTextStyle":"black"}"##,
            ),
            ("pages/custom/custom.js", "Page({});"),
            ("pages/meta/meta.js", META_JS),
            ("pages/meta/meta.wxml", META_PAGE),
            // As WeChat's project template has it: the page draws its own bar with a
            // component that takes the built-in <navigation-bar>'s name.
            (
                "pages/custom/custom.wxml",
                r#"<navigation-bar title="Own bar"/><view>custom page</view>"#,
            ),
            (
                "pages/custom/custom.json",
                r#"{"navigationStyle":"custom","usingComponents":{"navigation-bar":"/components/navigation-bar/navigation-bar"}}"#,
            ),
            (
                "components/navigation-bar/navigation-bar.json",
                r#"{"component":true}"#,
            ),
            (
                "components/navigation-bar/navigation-bar.js",
                "Component({ properties: { title: String } });",
            ),
            (
                "components/navigation-bar/navigation-bar.wxml",
                r#"<view id="own-bar" style="height: 44px">{{title}}</view>"#,
            ),
        ],
    );
}

/// An Alipay app with a blue title bar and a long page.
fn write_alipay(root: &Path) {
    let manifest = json!({
        "appId": "chrome.alipay", "name": "Chrome", "version": "1.0.0",
        "kind": "miniprogram", "dialect": "alipay", "entry": "app.json",
        "permissions": {"apis": ["system", "ui"]},
    })
    .to_string();
    write_files(
        root,
        &[
            ("manifest.json", &manifest),
            (
                "app.json",
                r##"{"pages":["pages/index/index"],"window":{"defaultTitle":"Alipay","titleBarColor":"#1677ff"}}"##,
            ),
            ("app.js", "App({});"),
            ("pages/index/index.js", "Page({});"),
            (
                "pages/index/index.axml",
                r#"<view style="height: 3000px">alipay page</view>"#,
            ),
        ],
    );
}
