//! Scanning through the container's bridge: codes generated with an encoder, also scaled,
//! rotated and noisy, decoded from the host's image source or, without one, from a picture
//! the user picks in the page; live scans of a recorded sequence of camera frames with their
//! preview sheet; cancel and failure codes; both dialects' shapes; a real PNG file.

mod support;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use capsule_jsapi::{
    ApiConfig, ApiError, Caller, Camera, Dialect, FrameSource, ImageFileSource, RecordedFrames,
    Registry, ScanImage, ScanSource,
};
use capsule_runtime::FromPage;
use rxing::{BarcodeFormat, Writer as _};
use serde_json::{Value, json};
use support::{Harness, call_registry, show, ui_requests};

/// A greyscale picture of `text` encoded as `format`, `scale` pixels per module, with a
/// white margin.
fn picture(text: &str, format: BarcodeFormat, scale: u32) -> Picture {
    let (width, height) = match format {
        BarcodeFormat::EAN_13 | BarcodeFormat::CODE_128 => (0, 40),
        _ => (0, 0),
    };
    let matrix = rxing::MultiFormatWriter
        .encode(text, &format, width, height)
        .expect("encodable");
    let margin = 12 * scale;
    let (w, h) = (
        matrix.width() * scale + 2 * margin,
        matrix.height() * scale + 2 * margin,
    );
    let mut luma = vec![255_u8; (w * h) as usize];
    for y in 0..matrix.height() * scale {
        for x in 0..matrix.width() * scale {
            if matrix.get(x / scale, y / scale) {
                luma[((y + margin) * w + x + margin) as usize] = 0;
            }
        }
    }
    Picture {
        width: w,
        height: h,
        luma,
    }
}

#[derive(Clone)]
struct Picture {
    width: u32,
    height: u32,
    luma: Vec<u8>,
}

impl Picture {
    fn pixel(&self, x: i64, y: i64) -> u8 {
        if x < 0 || y < 0 || x >= i64::from(self.width) || y >= i64::from(self.height) {
            255
        } else {
            self.luma[(y as u32 * self.width + x as u32) as usize]
        }
    }

    /// Rotated by `degrees` about its centre onto a canvas large enough to hold it.
    fn rotated(&self, degrees: f64) -> Self {
        let (sin, cos) = degrees.to_radians().sin_cos();
        let (w, h) = (f64::from(self.width), f64::from(self.height));
        let side = (w * w + h * h).sqrt().ceil() as u32;
        let centre = f64::from(side) / 2.0;
        let mut luma = vec![255_u8; (side * side) as usize];
        for y in 0..side {
            for x in 0..side {
                let (dx, dy) = (f64::from(x) - centre, f64::from(y) - centre);
                let sx = cos * dx + sin * dy + w / 2.0;
                let sy = -sin * dx + cos * dy + h / 2.0;
                luma[(y * side + x) as usize] = self.pixel(sx.floor() as i64, sy.floor() as i64);
            }
        }
        Self {
            width: side,
            height: side,
            luma,
        }
    }

    /// Brightness jitter of up to `jitter` levels everywhere (sensor noise) and a sprinkling
    /// of inverted pixels, from a fixed seed.
    fn noisy(&self, speckle_per_mille: u64, jitter: u8) -> Self {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let luma = self
            .luma
            .iter()
            .map(|&p| {
                let r = next();
                if r % 1000 < speckle_per_mille {
                    255 - p
                } else {
                    let jitter = ((r >> 16) % (u64::from(jitter) + 1)) as u8;
                    if p > 127 {
                        p.saturating_sub(jitter)
                    } else {
                        p.saturating_add(jitter)
                    }
                }
            })
            .collect();
        Self {
            luma,
            ..self.clone()
        }
    }

    fn image(&self) -> ScanImage {
        ScanImage::from_luma(self.width, self.height, self.luma.clone()).expect("valid image")
    }
}

/// A scan source that hands out queued images; an empty queue or a `None` is a cancel.
#[derive(Default)]
struct Queue(Mutex<VecDeque<Option<ScanImage>>>);

impl Queue {
    fn push(&self, image: Option<ScanImage>) {
        self.0.lock().expect("not poisoned").push_back(image);
    }
}

fn harness_with(queue: &Arc<Queue>) -> (Harness, support::Page) {
    let source: Arc<dyn ScanSource> = {
        let queue = Arc::clone(queue);
        Arc::new(move |_: &capsule_jsapi::ScanRequest| {
            Ok(queue.0.lock().expect("not poisoned").pop_front().flatten())
        })
    };
    let mut harness = Harness::with(|builder| {
        builder.api_config(ApiConfig {
            scan_source: Some(source),
            ..ApiConfig::default()
        })
    });
    let page = harness.open("scan-app", &["scan"], &[]);
    (harness, page)
}

#[test]
fn codes_decode_plain_scaled_rotated_and_noisy() {
    let queue = Arc::new(Queue::default());
    let (harness, page) = harness_with(&queue);
    let cases: Vec<(&str, BarcodeFormat, &str)> = vec![
        (
            "https://example.com/pay?id=42",
            BarcodeFormat::QR_CODE,
            "qrCode",
        ),
        ("4006381333931", BarcodeFormat::EAN_13, "barCode"),
        ("CAPSULE-128/x", BarcodeFormat::CODE_128, "barCode"),
        ("DM 2024", BarcodeFormat::DATA_MATRIX, "dmCode"),
        ("PDF417 text", BarcodeFormat::PDF_417, "pdf417Code"),
    ];
    for (text, format, scan_type) in cases {
        let base = picture(text, format, 2);
        let mut variants = vec![
            ("plain", base.clone()),
            ("scaled", picture(text, format, 5)),
            ("rotated 180", base.rotated(180.0)),
        ];
        if matches!(format, BarcodeFormat::QR_CODE) {
            variants.push(("rotated 30", base.rotated(30.0)));
            variants.push((
                "rotated 30, noisy",
                picture(text, format, 4).rotated(30.0).noisy(5, 80),
            ));
        }
        if matches!(format, BarcodeFormat::EAN_13 | BarcodeFormat::CODE_128) {
            variants.push(("rotated 90", base.rotated(90.0)));
            variants.push((
                "rotated 5, noisy",
                picture(text, format, 3).rotated(5.0).noisy(0, 20),
            ));
        }
        for (variant, picture) in variants {
            queue.push(Some(picture.image()));
            let result = harness
                .call(&page, "scan", json!({}))
                .unwrap_or_else(|e| panic!("{format:?} {variant}: {e}"));
            assert_eq!(
                (result["code"].clone(), result["scanType"].clone()),
                (json!(text), json!(scan_type)),
                "{format:?} {variant}"
            );
        }
    }
}

#[test]
fn cancel_and_wrong_kind_have_their_codes() {
    let queue = Arc::new(Queue::default());
    let (harness, page) = harness_with(&queue);
    queue.push(None);
    assert_eq!(
        harness.error_code(&page, "scan", json!({})),
        10,
        "cancelled"
    );
    queue.push(Some(
        picture("4006381333931", BarcodeFormat::EAN_13, 2).image(),
    ));
    assert_eq!(
        harness.error_code(&page, "scan", json!({"scanType": ["qrCode"]})),
        11,
        "not a QR code"
    );
    let blank = ScanImage::from_luma(100, 100, vec![255; 10_000]).expect("image");
    queue.push(Some(blank));
    assert_eq!(
        harness.error_code(&page, "scanCode", json!({})),
        11,
        "nothing to find"
    );
    for bad in [
        json!({"scanType": "qrCode"}),
        json!({"scanType": ["laser"]}),
        json!({"scanType": []}),
        json!({"hideAlbum": "yes"}),
    ] {
        assert_eq!(harness.error_code(&page, "scan", bad.clone()), 2, "{bad}");
    }
}

#[test]
fn without_a_host_source_the_user_picks_a_picture() {
    let mut harness = Harness::new();
    let page = harness.open("scan-app", &["scan"], &[]);
    let code = picture("picked from the album", BarcodeFormat::QR_CODE, 4);
    let mut png = std::io::Cursor::new(Vec::new());
    image::GrayImage::from_raw(code.width, code.height, code.luma)
        .expect("image")
        .write_to(&mut png, image::ImageFormat::Png)
        .expect("PNG");
    let picked = base64::engine::general_purpose::STANDARD.encode(png.into_inner());
    let sheet = json!({"type": "scanImage", "title": "Scan: choose a picture of the code"});
    let scan = |answer: Value| show(&harness, &page, "scan", json!({}), &sheet, answer);
    let found = scan(json!({"image": picked})).expect("decoded");
    assert_eq!(found["code"], "picked from the album");
    assert_eq!(scan(json!({})).expect_err("cancelled")["error"], 10);
    let broken = scan(json!({"image": "bm90IGFuIGltYWdl"})).expect_err("not an image");
    assert_eq!(broken["error"], 11);
    assert!(
        broken["errorMessage"]
            .as_str()
            .is_some_and(|m| m.contains("cannot read the image")),
        "{broken}"
    );
}

#[test]
fn wechat_shape_and_a_png_file_source() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("code.png");
    let code = picture("wx-scan 你好", BarcodeFormat::QR_CODE, 4);
    image::GrayImage::from_raw(code.width, code.height, code.luma.clone())
        .expect("buffer size")
        .save(&path)
        .expect("PNG written");
    let registry = Registry::with_config(&ApiConfig {
        scan_source: Some(Arc::new(ImageFileSource(path))),
        ..ApiConfig::default()
    });
    let caller = Caller {
        dialect: Dialect::Wechat,
        ..Caller::new("wx-app", 1, "logic")
    };
    let result = call_registry(
        &registry,
        &caller,
        "scanCode",
        json!({"onlyFromCamera": false}),
    )
    .expect("decoded");
    assert_eq!(result["result"], "wx-scan 你好");
    assert_eq!(result["scanType"], "QR_CODE");
    assert_eq!(result["charSet"], "utf-8");
    assert!(
        result["rawData"]
            .as_str()
            .is_some_and(|raw| !raw.is_empty())
    );

    let garbage = dir.path().join("garbage.png");
    std::fs::write(&garbage, b"not a png").expect("file");
    let registry = Registry::with_config(&ApiConfig {
        scan_source: Some(Arc::new(ImageFileSource(garbage))),
        ..ApiConfig::default()
    });
    let error =
        call_registry(&registry, &caller, "scanCode", Value::Null).expect_err("unreadable image");
    assert_eq!(error.code, 11);
    assert!(ScanImage::from_luma(0, 10, vec![]).is_err());
    assert!(ScanImage::from_luma(10, 10, vec![0; 99]).is_err());
}

/// A harness whose scans see `camera` and give up after `time_limit`.
fn camera_harness(camera: Arc<dyn Camera>, time_limit: Duration) -> (Harness, support::Page) {
    let mut harness = Harness::with(|builder| {
        builder.api_config(ApiConfig {
            camera: Some(camera),
            camera_time_limit: time_limit,
            ..ApiConfig::default()
        })
    });
    let page = harness.open("camera-app", &["scan"], &[]);
    (harness, page)
}

/// `frames` played at 20 frames a second.
fn recorded(frames: Vec<ScanImage>) -> Arc<dyn Camera> {
    Arc::new(RecordedFrames::new(frames, 20).expect("a valid sequence"))
}

/// The first UI request of `kind` drawn on `page`, waiting for it.
fn drawn(harness: &Harness, page: &support::Page, kind: &str) -> (u64, Value) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let found = ui_requests(harness, page)
            .into_iter()
            .find(|(_, request)| request["type"] == kind);
        if let Some(found) = found {
            return found;
        }
        assert!(Instant::now() < deadline, "no {kind} drawn");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn blank() -> ScanImage {
    ScanImage::from_luma(240, 240, vec![255; 240 * 240]).expect("image")
}

/// A QR code of `text` whose lower half is out of the picture.
fn partial(text: &str) -> ScanImage {
    let mut code = picture(text, BarcodeFormat::QR_CODE, 4);
    let half = (code.width * code.height / 2) as usize;
    code.luma[half..].fill(255);
    code.image()
}

#[test]
fn a_camera_scan_answers_the_first_readable_frame_and_shows_a_preview() {
    let mut frames = vec![blank(), blank(), blank(), partial("half a code")];
    frames.push(picture("seen by the camera", BarcodeFormat::QR_CODE, 4).image());
    let (harness, page) = camera_harness(recorded(frames), Duration::from_secs(60));
    let result = harness.call(&page, "scan", json!({})).expect("decoded");
    assert_eq!(result["code"], "seen by the camera", "{result}");
    let kinds: Vec<Value> = ui_requests(&harness, &page)
        .into_iter()
        .map(|(_, request)| request["type"].clone())
        .collect();
    assert_eq!(
        kinds.first(),
        Some(&json!("cameraPreview")),
        "the sheet comes first: {kinds:?}"
    );
    assert_eq!(kinds.last(), Some(&json!("hideCameraPreview")), "{kinds:?}");
    // The page drew no frame (nothing answers here), so exactly one frame was pushed.
    assert_eq!(
        kinds.iter().filter(|kind| *kind == "cameraFrame").count(),
        1,
        "{kinds:?}"
    );
    let (_, frame) = drawn(&harness, &page, "cameraFrame");
    let jpeg = frame["src"]
        .as_str()
        .and_then(|src| src.strip_prefix("data:image/jpeg;base64,"))
        .and_then(|data| base64::engine::general_purpose::STANDARD.decode(data).ok())
        .expect("a JPEG data URL");
    let preview = image::load_from_memory(&jpeg).expect("a JPEG");
    assert_eq!((preview.width(), preview.height()), (240, 240));
}

#[test]
fn drawn_frames_are_followed_by_the_next_and_wide_frames_shrink() {
    let wide = ScanImage::from_luma(1280, 720, vec![255; 1280 * 720]).expect("image");
    let (harness, page) = camera_harness(recorded(vec![wide]), Duration::from_secs(60));
    let call_id = harness.send(&page, "scan", json!({}));
    let (preview_id, _) = drawn(&harness, &page, "cameraPreview");
    let mut answered = Vec::new();
    while answered.len() < 3 {
        let next = ui_requests(&harness, &page)
            .into_iter()
            .find(|(id, request)| request["type"] == "cameraFrame" && !answered.contains(id));
        if let Some((ui_id, frame)) = next {
            let jpeg = frame["src"]
                .as_str()
                .and_then(|src| src.strip_prefix("data:image/jpeg;base64,"))
                .and_then(|data| base64::engine::general_purpose::STANDARD.decode(data).ok())
                .expect("a JPEG data URL");
            let preview = image::load_from_memory(&jpeg).expect("a JPEG");
            assert_eq!((preview.width(), preview.height()), (320, 180));
            answered.push(ui_id);
            let drawn = FromPage::UiResult {
                ui_id,
                result: json!({}),
            };
            harness.container.receive(page.id, &page.origin, drawn);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let cancel = FromPage::UiResult {
        ui_id: preview_id,
        result: json!({"cancel": true}),
    };
    harness.container.receive(page.id, &page.origin, cancel);
    let error = harness.wait(&page, call_id).expect_err("cancelled");
    assert_eq!(error["error"], 10, "{error}");
}

#[test]
fn a_camera_scan_without_a_code_fails_after_its_time_limit() {
    let (harness, page) = camera_harness(recorded(vec![blank()]), Duration::from_millis(300));
    let error = harness
        .call(&page, "scanCode", json!({}))
        .expect_err("no code");
    assert_eq!(error["error"], 11, "{error}");
    assert!(
        error["errorMessage"]
            .as_str()
            .is_some_and(|m| m.contains("within 0.3 s")),
        "{error}"
    );
    let (_, last) = ui_requests(&harness, &page).pop().expect("UI drawn");
    assert_eq!(last["type"], "hideCameraPreview");
}

/// A camera that is not there, as a V4L2 device that cannot be opened.
struct Unplugged;

impl Camera for Unplugged {
    fn open(&self) -> Result<Box<dyn FrameSource>, ApiError> {
        Err(ApiError::unknown(
            "cannot open the camera /dev/video7: unplugged",
        ))
    }
}

#[test]
fn a_camera_that_cannot_open_falls_back_to_the_picture_chooser() {
    let (harness, page) = camera_harness(Arc::new(Unplugged), Duration::from_secs(60));
    let sheet = json!({"type": "scanImage", "title": "Scan: choose a picture of the code"});
    let error = show(&harness, &page, "scan", json!({}), &sheet, json!({}))
        .expect_err("cancelled in the chooser");
    assert_eq!(error["error"], 10, "{error}");
}

#[test]
fn recorded_sequences_refuse_bad_folders_and_rates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("missing");
    let error = RecordedFrames::from_dir(&missing, 10).expect_err("no folder");
    assert!(error.message.contains("missing"), "{}", error.message);
    std::fs::write(dir.path().join("notes.txt"), "not a frame").expect("file");
    let error = RecordedFrames::from_dir(dir.path(), 10).expect_err("no frames");
    assert!(error.message.contains("no .png"), "{}", error.message);
    std::fs::write(dir.path().join("0001.png"), "not a png").expect("file");
    let error = RecordedFrames::from_dir(dir.path(), 10).expect_err("a broken frame");
    assert!(
        error.message.contains("0001.png") && error.message.contains("cannot read the image"),
        "{}",
        error.message
    );
    let code = picture("frame", BarcodeFormat::QR_CODE, 2);
    image::GrayImage::from_raw(code.width, code.height, code.luma)
        .expect("image")
        .save(dir.path().join("0001.png"))
        .expect("PNG");
    let frames = RecordedFrames::from_dir(dir.path(), 10).expect("one frame");
    assert_eq!(frames.len(), 1);
    assert!(RecordedFrames::new(vec![blank()], 0).is_err());
    assert!(RecordedFrames::new(Vec::new(), 10).is_err());
}
