//! The component gallery examples (`examples/component-gallery-wechat` and
//! `examples/component-gallery-alipay`): a page per kind of built-in component, each
//! showing what its controls reported to the logic. Every scenario of both dialects runs
//! through `capsule test`, headless and in the real WebKitGTK window (under its own virtual
//! display), and the window's screenshots are checked for what a user would see.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

mod cli_support;
use cli_support::{read_png, text};

/// Relative to the package root, which is where cargo runs tests.
const EXAMPLES: &str = "../../examples";
const SCENARIOS: &str = "../../tests/scenarios";

/// The window of the `iphone-8` preset every gallery scenario names.
const IPHONE_8: (u32, u32) = (375, 667);

/// An RGB colour.
type Rgb = (u8, u8, u8);

/// The scenario files of the gallery in `dialect`, in name order.
fn scenarios(dialect: &str) -> Vec<PathBuf> {
    let folder = Path::new(SCENARIOS).join(format!("component-gallery-{dialect}"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("the gallery's scenario folder")
        .map(|entry| entry.expect("a folder entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

/// Runs every gallery scenario of `dialect` (in the window with `webview`), fails unless
/// each passed; returns the output folder.
fn run_gallery(dialect: &str, webview: bool) -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("tempdir");
    let app = format!("{EXAMPLES}/component-gallery-{dialect}");
    let files = scenarios(dialect);
    let names: Vec<String> = files
        .iter()
        .filter_map(|path| path.file_stem()?.to_str().map(str::to_owned))
        .collect();
    for page in ["index", "basic", "form", "layout", "media"] {
        assert!(
            names.iter().any(|name| name == page),
            "{dialect}: no scenario for pages/{page}: {names:?}"
        );
    }
    let mut args = vec!["test", app.as_str()];
    args.extend(files.iter().map(|path| path.to_str().expect("utf-8 path")));
    args.extend(["--out", out.path().to_str().expect("utf-8 path")]);
    if webview {
        args.push("--webview");
    }
    let output = cli_support::capsule(&args, "warn");
    let log = text(&output);
    assert!(
        output.status.success(),
        "{dialect}: scenarios failed:\n{log}"
    );
    let count = files.len();
    assert!(
        log.contains(&format!("{count} scenarios: {count} passed, 0 failed")),
        "{dialect}: {log}"
    );
    assert!(!log.contains("FAIL"), "{dialect}: {log}");
    out
}

/// The pixels of screenshot `name` in `out`, checked to be a window of the iPhone 8 preset
/// with more than a few colours (not blank).
fn screenshot(out: &Path, name: &str) -> Vec<Rgb> {
    let path = out.join(name);
    let (width, height, pixels) = read_png(&path);
    assert_eq!((width, height), IPHONE_8, "{}", path.display());
    let colours: HashSet<_> = pixels.iter().step_by(7).collect();
    assert!(
        colours.len() > 40,
        "{}: only {} colours, is it blank?",
        path.display(),
        colours.len()
    );
    pixels
}

/// How many of `pixels` are within `tolerance` of `colour` in every channel.
fn count_near(pixels: &[Rgb], colour: Rgb, tolerance: u8) -> usize {
    let near = |a: u8, b: u8| a.abs_diff(b) <= tolerance;
    pixels
        .iter()
        .filter(|(r, g, b)| near(*r, colour.0) && near(*g, colour.1) && near(*b, colour.2))
        .count()
}

/// The rows from y `top` to y `bottom` (not included) of a window-wide screenshot.
fn rows(pixels: &[Rgb], top: usize, bottom: usize) -> &[Rgb] {
    let width = IPHONE_8.0 as usize;
    &pixels[top * width..bottom * width]
}

/// What the window drew, checked on the screenshots the scenarios of `dialect` saved:
/// `accent` is the dialect's selected tab colour, `slide` the colour of the swiper's third
/// slide.
fn check_window_screenshots(dialect: &str, out: &Path, accent: Rgb, slide: Rgb) {
    for name in [
        "index.png",
        "about.png",
        "basic.png",
        "basic-icons.png",
        "basic-progress.png",
        "form-buttons.png",
        "form-choices.png",
        "form-fields.png",
        "form-picker-open.png",
        "form-submitted.png",
        "layout.png",
        "layout-navigators.png",
        "detail.png",
        "media.png",
        "media-fixed.png",
    ] {
        screenshot(out, name);
    }

    // The tab bar is drawn at the bottom with the selected item in the app's colour.
    let index = screenshot(out, "index.png");
    let tab_bar = rows(&index, 617, 667);
    assert!(
        count_near(tab_bar, accent, 24) > 20,
        "{dialect}: no selected tab in {accent:?} at the bottom of index.png"
    );

    // The package's picture is drawn in every mode: its sun and its red house show.
    let media = screenshot(out, "media.png");
    assert!(
        count_near(&media, (255, 205, 60), 12) > 500,
        "{dialect}: the picture's sun is missing from media.png"
    );
    assert!(
        count_near(&media, (215, 70, 60), 12) > 100,
        "{dialect}: the picture's house is missing from media.png"
    );

    // The swiper was moved to its third slide before layout.png was taken.
    let layout = screenshot(out, "layout.png");
    assert!(
        count_near(&layout, slide, 16) > 5_000,
        "{dialect}: the third slide ({slide:?}) is not shown in layout.png"
    );

    // An open picker's sheet darkens the page above it with a mask.
    let picker = screenshot(out, "form-picker-open.png");
    let (red, green, blue) = rows(&picker, 200, 201)[5];
    assert!(
        red < 200 && green < 200 && blue < 200,
        "{dialect}: no mask over the page above the picker sheet: {:?}",
        (red, green, blue)
    );
}

#[test]
fn wechat_gallery_passes_its_scenarios_headless() {
    let out = run_gallery("wechat", false);
    let form = std::fs::read_to_string(out.path().join("form-submitted.html")).expect("page HTML");
    assert!(
        form.contains(r#""drink":[1,2],"fruits":["apple","cherry"]"#),
        "{form}"
    );
    let about = std::fs::read_to_string(out.path().join("about.html")).expect("page HTML");
    assert!(about.contains("scroll-view"), "{about}");
}

#[test]
fn alipay_gallery_passes_its_scenarios_headless() {
    let out = run_gallery("alipay", false);
    let form = std::fs::read_to_string(out.path().join("form-submitted.html")).expect("page HTML");
    assert!(form.contains(r#""notify":false,"plan":2"#), "{form}");
    let about = std::fs::read_to_string(out.path().join("about.html")).expect("page HTML");
    assert!(about.contains("picker-view"), "{about}");
}

#[test]
fn both_galleries_pass_their_scenarios_in_the_window() {
    let out = run_gallery("wechat", true);
    check_window_screenshots("wechat", out.path(), (7, 193, 96), (250, 157, 59));
    let out = run_gallery("alipay", true);
    check_window_screenshots("alipay", out.path(), (22, 119, 255), (255, 143, 31));
}
