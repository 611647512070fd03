//! `<canvas>` drawn for real in the WebKitGTK window, in both dialects: one picture (a
//! background, filled and stroked rectangles, a closed path, a circle, a linear gradient, a
//! square rotated inside save/restore and a colour that restore brings back, a picture of the
//! package scaled up, text) drawn with the old API (`createCanvasContext`, draw) and with a
//! `<canvas type="2d">` node (a selector query's fields({node: true}), an Image from
//! createImage), exported with canvasToTempFilePath (Alipay: the context's
//! toTempFilePath), read back through getFileSystemManager().readFile, and compared pixel by
//! pixel with `runtime/tests/canvas/expected.png`. Both exports must match it; the same
//! picture with the circle in another colour must not, so the comparison is shown to see a
//! wrong drawing. A JPEG export is a JPEG file; an id that is not on the page fails clearly;
//! pixels put in come back out (the old API's put/get, a 2D context's getImageData).
//! WeChat also: the old API's canvas keeps its buffer at its box times devicePixelRatio, and
//! a new box size draws the picture again. Alipay also: width / height attributes give the
//! buffer (and the unstyled box), and the old API draws in its pixels.
//!
//! A window test (see `window_support`), once per dialect, each in a process of its own.
//! `CAPSULE_WRITE_CANVAS_EXPECTED=1` writes the WeChat old API's export as the expected
//! picture (look at it before committing it). Screenshots of the page are kept as
//! `canvas_window_<dialect>.png` in Cargo's test scratch folder.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod mp_support;
mod window_support;

use capsule_runtime::{Container, MiniProgram, WryHandle};
use mp_support::write_files;
use serde_json::{Value, json};
use window_support::{TIMEOUT, launch};

/// The picture's size, in CSS px (the canvases are this size in the page).
const WIDTH: u32 = 160;
const HEIGHT: u32 = 120;

/// A pixel differs when a channel differs by more than this (anti-aliased edges may);
/// at most [`MAX_DIFFERENT`] pixels may differ.
const TOLERANCE: u8 = 40;
const MAX_DIFFERENT: usize = (WIDTH * HEIGHT / 200) as usize;

const WECHAT_PAGE: &str = r#"<canvas canvas-id="old" style="width: {{oldWidth}}px; height: 120px;"/>
<canvas type="2d" id="new" style="width: 160px; height: 120px;"/>"#;
const ALIPAY_PAGE: &str = r#"<canvas id="old" style="width: {{oldWidth}}px; height: 120px;"/>
<canvas type="2d" id="new" style="width: 160px; height: 120px;"/>
<canvas id="sized" width="320" height="240" disable-scroll="{{true}}"/>"#;

/// One page for both dialects. Each export is read back through the file system manager and
/// logged as `<name> <png|jpg|unknown> <tempFilePath>`.
const PAGE_JS: &str = r#"const alipay = typeof my !== 'undefined';
const api = alipay ? my : wx;
const W = 160;
const H = 120;

// The picture with the old API's setters. `wrong`: the circle in another colour.
function paintOld(ctx, wrong) {
  ctx.setFillStyle('#ffffff');
  ctx.fillRect(0, 0, W, H);
  ctx.setFillStyle('#d03030');
  ctx.fillRect(10, 10, 40, 30);
  ctx.setStrokeStyle('#2040c0');
  ctx.setLineWidth(4);
  ctx.strokeRect(62, 12, 36, 26);
  ctx.beginPath();
  ctx.moveTo(110, 10);
  ctx.lineTo(150, 10);
  ctx.lineTo(130, 40);
  ctx.closePath();
  ctx.setFillStyle('#30a050');
  ctx.fill();
  ctx.beginPath();
  ctx.arc(30, 70, 15, 0, 2 * Math.PI);
  ctx.setFillStyle(wrong ? '#30a050' : '#8040c0');
  ctx.fill();
  const gradient = ctx.createLinearGradient(60, 0, 100, 0);
  gradient.addColorStop(0, '#000000');
  gradient.addColorStop(1, '#ffffff');
  ctx.setFillStyle(gradient);
  ctx.fillRect(60, 55, 40, 30);
  ctx.setFillStyle('#4080ff');
  ctx.save();
  ctx.translate(130, 70);
  ctx.rotate(Math.PI / 4);
  ctx.setFillStyle('#e08000');
  ctx.fillRect(-10, -10, 20, 20);
  ctx.restore();
  ctx.fillRect(110, 95, 40, 20);
  ctx.drawImage('/img/split.png', 10, 92, 32, 16);
  ctx.setFillStyle('#000000');
  ctx.setFontSize(16);
  ctx.setTextBaseline('middle');
  ctx.fillText('Hi', 60, 104);
}

// The same picture with the standard properties, on a 2D context.
function paintNew(ctx, img) {
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, W, H);
  ctx.fillStyle = '#d03030';
  ctx.fillRect(10, 10, 40, 30);
  ctx.strokeStyle = '#2040c0';
  ctx.lineWidth = 4;
  ctx.strokeRect(62, 12, 36, 26);
  ctx.beginPath();
  ctx.moveTo(110, 10);
  ctx.lineTo(150, 10);
  ctx.lineTo(130, 40);
  ctx.closePath();
  ctx.fillStyle = '#30a050';
  ctx.fill();
  ctx.beginPath();
  ctx.arc(30, 70, 15, 0, 2 * Math.PI);
  ctx.fillStyle = '#8040c0';
  ctx.fill();
  const gradient = ctx.createLinearGradient(60, 0, 100, 0);
  gradient.addColorStop(0, '#000000');
  gradient.addColorStop(1, '#ffffff');
  ctx.fillStyle = gradient;
  ctx.fillRect(60, 55, 40, 30);
  ctx.fillStyle = '#4080ff';
  ctx.save();
  ctx.translate(130, 70);
  ctx.rotate(Math.PI / 4);
  ctx.fillStyle = '#e08000';
  ctx.fillRect(-10, -10, 20, 20);
  ctx.restore();
  ctx.fillRect(110, 95, 40, 20);
  ctx.drawImage(img, 10, 92, 32, 16);
  ctx.fillStyle = '#000000';
  ctx.font = '16px sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillText('Hi', 60, 104);
}

Page({
  data: { events: [], oldWidth: 160 },
  log(line) { this.data.events.push(line); },
  saved(name, path) {
    api.getFileSystemManager().readFile({
      filePath: path,
      success: (r) => {
        const b = new Uint8Array(r.data);
        const kind = b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 ? 'png'
          : b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff ? 'jpg' : 'unknown';
        this.log(name + ' ' + kind + ' ' + path);
      },
      fail: (e) => this.log(name + ' unread ' + JSON.stringify(e)),
    });
  },
  failed(name) { return (e) => this.log(name + ' failed ' + (alipay ? e.errorMessage : e.errMsg)); },
  exportOld(name, extra) {
    const options = Object.assign({
      destWidth: W, destHeight: H,
      success: (r) => this.saved(name, r.tempFilePath),
      fail: this.failed(name),
    }, extra);
    if (alipay) this.oldContext.toTempFilePath(options);
    else wx.canvasToTempFilePath(Object.assign({ canvasId: 'old' }, options), this);
  },
  drawOld(wrong) {
    const ctx = this.oldContext = alipay ? my.createCanvasContext('old') : wx.createCanvasContext('old', this);
    paintOld(ctx, wrong);
    ctx.draw(false, () => this.exportOld(wrong ? 'wrong' : 'old'));
  },
  exportJpg() { this.exportOld('jpg', { fileType: 'jpg', quality: 0.8 }); },
  drawNew() {
    api.createSelectorQuery().select('#new').fields({ node: true, size: true }).exec((res) => {
      const canvas = this.newCanvas = res[0].node;
      this.log('node ' + res[0].width + 'x' + res[0].height + ' ' + canvas.width + 'x' + canvas.height);
      canvas.width = W;
      canvas.height = H;
      const ctx = canvas.getContext('2d');
      const img = canvas.createImage();
      img.onload = () => {
        this.log('image ' + img.width + 'x' + img.height);
        paintNew(ctx, img);
        api.canvasToTempFilePath({ canvas, success: (r) => this.saved('new', r.tempFilePath), fail: this.failed('new') });
      };
      img.onerror = this.failed('image');
      img.src = '/img/split.png';
    });
  },
  // Alipay's width / height: the buffer, in whose pixels the old API draws.
  drawSized() {
    const ctx = my.createCanvasContext('sized');
    ctx.setFillStyle('#d03030');
    ctx.fillRect(0, 0, 320, 240);
    ctx.draw(false, () => this.log('sized drawn'));
  },
  // Pixels in and out: the old API's (WeChat canvasPutImageData / canvasGetImageData,
  // Alipay the context's), and a 2D context's getImageData, a promise here.
  pixels() {
    const read = (options) => (alipay ? this.oldContext.getImageData(options) : wx.canvasGetImageData(Object.assign({ canvasId: 'old' }, options), this));
    const write = (options) => (alipay ? this.oldContext.putImageData(options) : wx.canvasPutImageData(Object.assign({ canvasId: 'old' }, options), this));
    write({
      x: 0, y: 0, width: 1, height: 1, data: new Uint8ClampedArray([0, 0, 255, 255]),
      fail: this.failed('put'),
      success: () => read({
        x: 0, y: 0, width: 2, height: 1,
        fail: this.failed('pixels'),
        success: (r) => this.log('pixels ' + r.width + 'x' + r.height + ' ' + Array.from(r.data).join(',')),
      }),
    });
    this.newCanvas.getContext('2d').getImageData(20, 20, 1, 1).then(
      (image) => this.log('node pixel ' + Array.from(image.data).join(',')),
      (error) => this.log('node pixel failed ' + error.message),
    );
  },
  missing() {
    api.canvasToTempFilePath({ canvasId: 'missing', fail: this.failed('missing') });
  },
});"#;

/// Names the one dialect a run of this executable checks; without it, the executable runs
/// itself once per dialect (one window per process, as `components_window` does).
const DIALECT_VARIABLE: &str = "CAPSULE_CANVAS_DIALECT";

fn main() -> ExitCode {
    let dialect = match window_support::dialect_of_this_run(DIALECT_VARIABLE) {
        Ok(dialect) => dialect,
        Err(each_run) => return each_run,
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let app_id = format!("canvas.{dialect}");
    let (page, template) = match dialect.as_str() {
        "alipay" => (ALIPAY_PAGE, "index.axml"),
        _ => (WECHAT_PAGE, "index.wxml"),
    };
    let manifest = json!({
        "appId": app_id, "name": "Canvas", "version": "1.0.0",
        "kind": "miniprogram", "dialect": dialect, "entry": "app.json",
        "permissions": {"apis": ["ui", "system", "files"]},
    })
    .to_string();
    let template_path = format!("pages/index/{template}");
    let app = dir.path().join("app");
    write_files(
        &app,
        &[
            ("manifest.json", &manifest),
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            ("app.js", "App({})"),
            ("pages/index/index.js", PAGE_JS),
            (&template_path, page),
        ],
    );
    write_split_picture(&app.join("img/split.png"));
    let root = dir.path().to_owned();
    let name = format!("canvas_window ({dialect})");
    window_support::run(&name, (480, 900), move |handle| {
        let container = Container::builder()
            .data_dir(root.join("data"))
            .build(Arc::new(handle.clone()));
        let handle = handle.clone();
        let driving = container.clone();
        let drive = move || {
            let program = launch(&driving, &root.join("app"));
            let temp = root.join("data/files").join(&app_id).join("tmp");
            draw_and_compare(&handle, &program, &temp, &dialect)
                .map_err(|error| format!("{dialect}: {error}"))?;
            let shot =
                Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("canvas_window_{dialect}.png"));
            handle
                .screenshot(program.page(), &shot)
                .map_err(|error| error.to_string())
        };
        (container, Box::new(drive))
    })
}

/// A 16 × 8 picture: its left half blue, its right half orange (so a picture drawn
/// mirrored or turned would not match).
fn write_split_picture(path: &Path) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("picture folder");
    let file = std::fs::File::create(path).expect("picture file");
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), 16, 8);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let pixels: Vec<u8> = (0..8)
        .flat_map(|_| {
            (0..16).flat_map(|x| {
                if x < 8 {
                    [0x20, 0x50, 0xe0]
                } else {
                    [0xe0, 0xa0, 0x20]
                }
            })
        })
        .collect();
    encoder
        .write_header()
        .and_then(|mut writer| writer.write_image_data(&pixels))
        .expect("picture written");
}

fn expected_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/canvas/expected.png")
}

fn in_page(handle: &WryHandle, program: &MiniProgram, body: &str) -> Result<Value, String> {
    handle
        .run_script(program.page(), body, TIMEOUT)
        .map_err(|error| error.to_string())
}

fn page_call(program: &MiniProgram, source: &str) -> Result<(), String> {
    program
        .evaluate(&format!("getCurrentPages()[0].{source}, true"))
        .map(drop)
        .map_err(|error| error.to_string())
}

/// The page's events once one starts with `prefix` (the time is up: an error with them all).
fn event(program: &MiniProgram, prefix: &str) -> Result<String, String> {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        program.settle().map_err(|error| error.to_string())?;
        let events = program
            .evaluate("getCurrentPages()[0].data.events")
            .map_err(|error| error.to_string())?;
        let events: Vec<String> = serde_json::from_value(events).map_err(|e| e.to_string())?;
        if let Some(found) = events.iter().find(|e| e.starts_with(prefix)) {
            return Ok(found.clone());
        }
        if Instant::now() > deadline {
            let console = program
                .snapshot()
                .map(|snapshot| snapshot.console)
                .unwrap_or_default();
            return Err(format!(
                "no event {prefix:?}: {events:?}\nconsole: {console:?}"
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The file an export event (`<name> png <tempFilePath>`) names, in the app's temp folder,
/// after checking what readFile read back.
fn exported(program: &MiniProgram, temp: &Path, name: &str, kind: &str) -> Result<PathBuf, String> {
    let line = event(program, &format!("{name} "))?;
    let mut words = line.split(' ');
    let (_, read, path) = (words.next(), words.next(), words.next().unwrap_or_default());
    if read != Some(kind) {
        return Err(format!(
            "the {name} export did not read back as {kind}: {line}"
        ));
    }
    let file = path
        .strip_prefix("wxfile://tmp/")
        .or_else(|| path.strip_prefix("https://resource/"))
        .ok_or_else(|| format!("{path} is not a temporary file"))?;
    Ok(temp.join(file))
}

fn draw_and_compare(
    handle: &WryHandle,
    program: &MiniProgram,
    temp: &Path,
    dialect: &str,
) -> Result<(), String> {
    window_support::wait(program, "the canvases", |snapshot| {
        snapshot.html.contains("<canvas")
    })?;
    in_page(
        handle,
        program,
        r#"for (let waited = 0; document.querySelectorAll("canvas").length < 2; waited += 20) {
             if (waited > 30000) throw new Error("the page was never drawn");
             await new Promise((resolve) => setTimeout(resolve, 20));
           }
           return true;"#,
    )?;

    // The old API, then the 2D node, then the wrong picture: each exported and read back.
    page_call(program, "drawOld(false)")?;
    let old = exported(program, temp, "old", "png")?;
    page_call(program, "drawNew()")?;
    let node = event(program, "node ")?;
    if node != "node 160x120 300x150" {
        return Err(format!("the query's node and size: {node}"));
    }
    let new = exported(program, temp, "new", "png")?;
    let image = event(program, "image ")?;
    if image != "image 16x8" {
        return Err(format!("the Image loaded as {image}"));
    }
    page_call(program, "drawOld(true)")?;
    let wrong = exported(program, temp, "wrong", "png")?;
    page_call(program, "exportJpg()")?;
    let jpg = exported(program, temp, "jpg", "jpg")?;
    let jpeg = std::fs::read(&jpg).map_err(|e| format!("{}: {e}", jpg.display()))?;
    if !jpeg.starts_with(&[0xff, 0xd8, 0xff]) {
        return Err(format!("{} is not a JPEG file", jpg.display()));
    }
    page_call(program, "missing()")?;
    let missing = event(program, "missing ")?;
    let said = if dialect == "wechat" {
        r#"missing failed canvasToTempFilePath:fail no <canvas canvas-id="missing"> on the page"#
    } else {
        r#"missing failed no <canvas id="missing"> on the page"#
    };
    if missing != said {
        return Err(format!("a canvas that is not there: {missing}"));
    }

    if std::env::var_os("CAPSULE_WRITE_CANVAS_EXPECTED").is_some() && dialect == "wechat" {
        std::fs::create_dir_all(expected_path().parent().expect("folder"))
            .map_err(|e| e.to_string())?;
        std::fs::copy(&old, expected_path()).map_err(|e| e.to_string())?;
    }
    if !expected_path().is_file() {
        return Err(format!(
            "{} is missing (the repository's .gitignore ignores *.png: it is added with \
             `git add -f`); CAPSULE_WRITE_CANVAS_EXPECTED=1 writes it anew, to be looked at",
            expected_path().display()
        ));
    }
    let expected = decode(&expected_path())?;
    for (name, file) in [("old API", &old), ("2D node", &new)] {
        compare(&decode(file)?, &expected)
            .map_err(|error| format!("the {name}'s export: {error}"))?;
    }
    if compare(&decode(&wrong)?, &expected).is_ok() {
        return Err("a picture with the circle in another colour matched the expected one".into());
    }

    page_call(program, "pixels()")?;
    for (prefix, want) in [
        ("pixels ", "pixels 2x1 0,0,255,255,255,255,255,255"),
        ("node pixel ", "node pixel 208,48,48,255"),
    ] {
        let got = event(program, prefix)?;
        if got != want {
            return Err(format!("read back {got:?}, want {want:?}"));
        }
    }

    if dialect == "wechat" {
        follows_its_box(handle, program)?;
    } else {
        sized_by_its_attributes(handle, program)?;
    }
    Ok(())
}

/// Alipay's width / height attributes: the buffer's size and, unstyled, the box's; the old
/// API draws in buffer pixels there. disable-scroll keeps touches from scrolling the page.
fn sized_by_its_attributes(handle: &WryHandle, program: &MiniProgram) -> Result<(), String> {
    page_call(program, "drawSized()")?;
    event(program, "sized drawn")?;
    let found = in_page(
        handle,
        program,
        r#"const el = document.getElementById("sized");
           const corner = Array.from(el.getContext("2d").getImageData(318, 238, 1, 1).data);
           return [el.width, el.height, el.clientWidth, el.clientHeight, getComputedStyle(el).touchAction, corner.join(",")].join(" ");"#,
    )?;
    if found != json!("320 240 320 240 none 208,48,48,255") {
        return Err(format!(
            "the sized canvas (buffer, box, touch-action, a corner): {found}"
        ));
    }
    Ok(())
}

/// The old API's canvas: its buffer is its box times devicePixelRatio, and a wider box
/// gets a wider buffer with the picture drawn again.
fn follows_its_box(handle: &WryHandle, program: &MiniProgram) -> Result<(), String> {
    let script = |width: u32| {
        format!(
            r#"const el = document.querySelector('canvas[canvas-id="old"]');
               const ratio = window.devicePixelRatio || 1;
               for (let waited = 0; el.width !== Math.round({width} * ratio); waited += 20) {{
                 if (waited > 10000) return "buffer " + el.width + "x" + el.height + " for a box of " + el.clientWidth + " at " + ratio;
                 await new Promise((resolve) => setTimeout(resolve, 20));
               }}
               const pixel = Array.from(el.getContext("2d").getImageData(Math.round(20 * ratio), Math.round(20 * ratio), 1, 1).data);
               return el.height === Math.round(120 * ratio) ? pixel.join(",") : "height " + el.height;"#
        )
    };
    let red = json!("208,48,48,255");
    let before = in_page(handle, program, &script(160))?;
    if before != red {
        return Err(format!("the old API's canvas before: {before}"));
    }
    program
        .evaluate("getCurrentPages()[0].setData({ oldWidth: 200 }), true")
        .map_err(|error| error.to_string())?;
    let after = in_page(handle, program, &script(200))?;
    if after != red {
        return Err(format!("the old API's canvas after its box grew: {after}"));
    }
    Ok(())
}

/// A decoded picture, 8-bit RGBA.
struct Picture {
    width: u32,
    height: u32,
    rgba: Vec<u8>,
}

fn decode(path: &Path) -> Result<Picture, String> {
    let name = path.display();
    let file = std::fs::File::open(path).map_err(|e| format!("{name}: {e}"))?;
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| format!("{name}: {e}"))?;
    let mut buffer = vec![0; reader.output_buffer_size()];
    let info = reader
        .next_frame(&mut buffer)
        .map_err(|e| format!("{name}: {e}"))?;
    let pixels = &buffer[..info.buffer_size()];
    let rgba = match info.color_type {
        png::ColorType::Rgba => pixels.to_vec(),
        png::ColorType::Rgb => pixels
            .chunks(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
        other => return Err(format!("{name}: unexpected colour type {other:?}")),
    };
    Ok(Picture {
        width: info.width,
        height: info.height,
        rgba,
    })
}

/// Whether `actual` is `expected` but for a few anti-aliased pixels.
fn compare(actual: &Picture, expected: &Picture) -> Result<(), String> {
    if (actual.width, actual.height) != (expected.width, expected.height) {
        return Err(format!(
            "{}×{}, expected {}×{}",
            actual.width, actual.height, expected.width, expected.height
        ));
    }
    let mut different = 0;
    let mut first = None;
    for (index, (a, e)) in actual
        .rgba
        .chunks(4)
        .zip(expected.rgba.chunks(4))
        .enumerate()
    {
        let off = a
            .iter()
            .zip(e)
            .map(|(x, y)| x.abs_diff(*y))
            .max()
            .unwrap_or(0);
        if off > TOLERANCE {
            different += 1;
            first.get_or_insert((
                index as u32 % actual.width,
                index as u32 / actual.width,
                a.to_vec(),
                e.to_vec(),
            ));
        }
    }
    if different > MAX_DIFFERENT {
        let (x, y, a, e) = first.unwrap_or_default();
        return Err(format!(
            "{different} pixels differ by more than {TOLERANCE} (at most {MAX_DIFFERENT} may); the first at {x},{y}: {a:?}, expected {e:?}"
        ));
    }
    Ok(())
}
