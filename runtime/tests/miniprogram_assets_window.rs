//! Package paths in the real WebKitGTK window: pictures written with paths relative to the
//! page, to a component's own folder, to an included file, bound from data, in an inline
//! `style` and in the page's stylesheet all load (each `<image>`'s `bindload` reaches the logic
//! with the picture's size, the backgrounds decode from the URLs the window computed), a path
//! leaving the package fails to load (`binderror`), and the screenshot shows each picture's
//! colour where its element is.
//!
//! A window test (see `window_support`). The screenshot is kept as
//! `miniprogram_assets_window.png` in Cargo's test scratch folder.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod mp_support;
mod window_support;

use capsule_runtime::{Container, MiniProgram, WryHandle};
use mp_support::write_files;
use serde_json::json;
use window_support::{TIMEOUT, launch, write_picture};

/// A picture of the package and the element that shows it.
struct Picture {
    path: &'static str,
    size: (u32, u32),
    colour: [u8; 3],
    /// The element's id (and `data-name`).
    element: &'static str,
}

const fn picture(
    path: &'static str,
    size: (u32, u32),
    colour: [u8; 3],
    element: &'static str,
) -> Picture {
    Picture {
        path,
        size,
        colour,
        element,
    }
}

const PICTURES: &[Picture] = &[
    picture(
        "pages/component/resources/kind/logo.png",
        (8, 6),
        [220, 40, 40],
        "logo",
    ),
    picture("components/card/icon.png", (5, 4), [40, 170, 60], "card"),
    picture("pages/common/footer.png", (7, 3), [40, 80, 220], "footer"),
    picture(
        "pages/component/resources/bound.png",
        (4, 9),
        [230, 200, 30],
        "bound",
    ),
    picture(
        "pages/component/resources/slotted.png",
        (6, 5),
        [240, 130, 20],
        "slotted",
    ),
    picture("pages/component/bg.png", (3, 3), [200, 40, 200], "bg"),
    picture(
        "pages/component/resources/sheet.png",
        (2, 7),
        [30, 200, 200],
        "sheet",
    ),
];

const PAGE: &str = r#"<view class="grid">
  <image id="logo" class="cell" src="resources/kind/logo.png" data-name="logo" bindload="loaded"/>
  <my-card><image id="slotted" class="cell" src="resources/slotted.png" data-name="slotted" bindload="loaded"/></my-card>
  <image id="bound" class="cell" src="{{pic}}" data-name="bound" bindload="loaded"/>
  <view id="bg" class="cell" style="background-image: url(bg.png); background-size: 100% 100%"></view>
  <view id="sheet" class="cell sheet"></view>
  <include src="../common/footer.wxml"/>
  <image id="escape" class="cell" src="../../../outside.png" data-name="escape" binderror="failed"/>
</view>"#;

const PAGE_JS: &str = r#"Page({
  data: { pic: '' },
  onLoad() { this.setData({ pic: 'resources/bound.png' }); },
  loaded(e) { getApp().log(e.currentTarget.dataset.name + ' ' + e.detail.width + 'x' + e.detail.height); },
  failed(e) { getApp().log(e.currentTarget.dataset.name + ' failed'); },
});"#;

const APP_JS: &str = r#"App({
  globalData: { events: [] },
  log(line) { this.globalData.events.push(line); },
});"#;

fn main() -> ExitCode {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("app");
    write_app(&root);
    window_support::run("miniprogram_assets_window", (480, 800), |handle| {
        let container = Container::builder()
            .data_dir(dir.path().join("data"))
            .build(Arc::new(handle.clone()));
        let program = launch(&container, &root);
        let handle = handle.clone();
        (container, Box::new(move || drive(&handle, &program)))
    })
}

fn drive(handle: &WryHandle, program: &MiniProgram) -> Result<(), String> {
    // Every `<image>`'s load reaches the logic with the picture's natural size; the path
    // leaving the package fails.
    let mut want: Vec<String> = PICTURES
        .iter()
        .filter(|p| !matches!(p.element, "bg" | "sheet"))
        .map(|p| format!("{} {}x{}", p.element, p.size.0, p.size.1))
        .collect();
    want.push("escape failed".into());
    want.sort();
    let deadline = Instant::now() + TIMEOUT;
    loop {
        program.settle().map_err(|error| error.to_string())?;
        let events = program
            .evaluate("getApp().globalData.events")
            .map_err(|error| error.to_string())?;
        let mut got: Vec<String> = serde_json::from_value(events).map_err(|e| e.to_string())?;
        got.sort();
        if got == want {
            break;
        }
        if Instant::now() > deadline {
            let snapshot = program.snapshot().map_err(|error| error.to_string())?;
            return Err(format!(
                "events {got:?}, want {want:?}\nhtml: {}\nerrors: {:?}\nconsole: {:?}",
                snapshot.html, snapshot.errors, snapshot.console
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }

    // The window's view of each element: where it is, and the picture its computed
    // background names (the page host draws `<image>` as a background too), decoded.
    let page = program.page();
    let window = handle
        .run_script(
            page,
            r#"
            const out = { width: window.innerWidth, elements: {} };
            // A point of the element that nothing covers (the bars are drawn over the page).
            const visible = (el, rect) => {
                for (const fy of [0.5, 0.75, 0.9, 0.25, 0.1]) {
                    for (const fx of [0.5, 0.25, 0.75]) {
                        const x = rect.left + rect.width * fx, y = rect.top + rect.height * fy;
                        if (document.elementFromPoint(x, y) === el) return [x, y];
                    }
                }
                return null;
            };
            for (const el of document.querySelectorAll("page [id]")) {
                const rect = el.getBoundingClientRect();
                const background = getComputedStyle(el).backgroundImage;
                const match = /url\("?([^")]*)"?\)/.exec(background);
                let size = null;
                if (match) {
                    const picture = new Image();
                    picture.src = match[1];
                    try { await picture.decode(); size = [picture.naturalWidth, picture.naturalHeight]; }
                    catch (_) { size = "failed"; }
                }
                out.elements[el.id] = {
                    url: match ? match[1] : null,
                    size,
                    point: visible(el, rect),
                };
            }
            return out;
            "#,
            TIMEOUT,
        )
        .map_err(|error| error.to_string())?;
    let elements = &window["elements"];
    let origin = "capsule://assets.window/";
    for Picture {
        path,
        size: (w, h),
        element: name,
        ..
    } in PICTURES
    {
        let element = &elements[*name];
        let url = format!("{origin}{path}");
        if element["url"] != json!(url) || element["size"] != json!([w, h]) {
            return Err(format!(
                "#{name} in the window: {element}, want {url} of {w}x{h}"
            ));
        }
    }
    let escape = &elements["escape"];
    let escaped_url = escape["url"].as_str().unwrap_or_default();
    if !escaped_url.starts_with(&format!("{origin}__capsule__/unresolved/"))
        || escape["size"] != json!("failed")
    {
        return Err(format!("#escape in the window: {escape}"));
    }

    // The screenshot shows each picture's colour where its element is uncovered (a loaded
    // machine may paint a decoded background a few frames later: look again for a while).
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        match colours_on_screen(handle, page, &window) {
            Err(error) if std::time::Instant::now() < deadline => {
                println!("not yet: {error}");
                std::thread::sleep(Duration::from_millis(200));
            }
            outcome => return outcome,
        }
    }
}

/// Takes a screenshot and checks each picture's colour at its element's uncovered point.
fn colours_on_screen(
    handle: &WryHandle,
    page: capsule_runtime::PageId,
    window: &serde_json::Value,
) -> Result<(), String> {
    let elements = &window["elements"];
    let shot = screenshot_path();
    handle
        .screenshot(page, &shot)
        .map_err(|error| error.to_string())?;
    println!("screenshot: {}", shot.display());
    let (shot_width, pixel) = read_png(&shot)?;
    let css_width = window["width"].as_f64().unwrap_or(1.0);
    let scale = f64::from(shot_width) / css_width;
    for Picture {
        colour,
        element: name,
        ..
    } in PICTURES
    {
        let point = &elements[*name]["point"];
        let (Some(x), Some(y)) = (point[0].as_f64(), point[1].as_f64()) else {
            return Err(format!(
                "#{name} is covered in the window: {}",
                elements[*name]
            ));
        };
        let (x, y) = (x * scale, y * scale);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let got = pixel(x as u32, y as u32);
        let close = got.iter().zip(colour).all(|(a, b)| a.abs_diff(*b) <= 12);
        if !close {
            return Err(format!(
                "#{name} at ({x:.0}, {y:.0}) of {}: {got:?}, want {colour:?}",
                shot.display()
            ));
        }
    }
    Ok(())
}

fn write_app(root: &Path) {
    write_files(
        root,
        &[
            (
                "manifest.json",
                r#"{"appId":"assets.window","name":"Assets","version":"1.0.0","kind":"miniprogram","dialect":"wechat","entry":"app.json"}"#,
            ),
            ("app.json", r#"{"pages":["pages/component/index"]}"#),
            ("app.js", APP_JS),
            (
                "app.wxss",
                ".grid{display:flex;flex-wrap:wrap}.cell{display:block;width:60px;height:60px;margin:6px}",
            ),
            (
                "pages/component/index.json",
                r#"{"usingComponents":{"my-card":"/components/card/card"}}"#,
            ),
            ("pages/component/index.wxml", PAGE),
            (
                "pages/component/index.wxss",
                ".sheet{background-image:url(resources/sheet.png);background-size:100% 100%}",
            ),
            ("pages/component/index.js", PAGE_JS),
            ("components/card/card.json", r#"{"component":true}"#),
            (
                "components/card/card.wxml",
                r#"<view class="box"><image id="card" class="icon" src="icon.png" data-name="card" bindload="loaded"/><slot/></view>"#,
            ),
            (
                "components/card/card.wxss",
                ".box{display:flex}.icon{display:block;width:60px;height:60px;margin:6px}",
            ),
            (
                "components/card/card.js",
                r#"Component({ methods: {
                  loaded(e) { getApp().log(e.currentTarget.dataset.name + ' ' + e.detail.width + 'x' + e.detail.height); },
                } });"#,
            ),
            (
                "pages/common/footer.wxml",
                r#"<image id="footer" class="cell" src="./footer.png" data-name="footer" bindload="loaded"/>"#,
            ),
            // A file named like the escaping path at the package root: it must not load.
            ("outside.png", "not a picture"),
        ],
    );
    for picture in PICTURES {
        write_picture(&root.join(picture.path), picture.size, picture.colour);
    }
}

type Pixel = Box<dyn Fn(u32, u32) -> [u8; 3]>;

/// The width of the PNG at `path` and a reader of its pixels (black outside it).
fn read_png(path: &Path) -> Result<(u32, Pixel), String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .map_err(|e| e.to_string())?;
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).map_err(|e| e.to_string())?;
    let (width, height) = (frame.width, frame.height);
    let channels = frame.color_type.samples();
    let pixel = move |x: u32, y: u32| {
        if x >= width || y >= height {
            return [0; 3];
        }
        let at = (y * width + x) as usize * channels;
        [pixels[at], pixels[at + 1], pixels[at + 2]]
    };
    Ok((width, Box::new(pixel)))
}

fn screenshot_path() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("miniprogram_assets_window.png")
}
