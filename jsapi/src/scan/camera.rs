//! Live scanning: frames from a [`Camera`] are decoded as they come while the window shows
//! them in a preview sheet.
//!
//! A capture thread opens the camera and reads frames. From a live camera each frame replaces
//! the one waiting to be decoded, so frames that arrive while a decode runs are skipped; a
//! recorded sequence waits for the decoder instead, so every frame is decoded in turn and a
//! replay gives the same result on a fast machine and a slow one. The scan stops at
//! the first code, when the user cancels the preview, when the camera fails, or after the
//! time limit. The preview is three [`UiRequest`]s: `CameraPreview` (the sheet, answered
//! `{"cancel": true}` when the user cancels it), `CameraFrame` (one frame as a small JPEG
//! data URL, answered once drawn; the next is sent only then, at most
//! [`PREVIEW_FPS`] a second) and `HideCameraPreview` (closes the sheet).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::Value;

use super::decode::{DecodeOptions, ScannedCode};
use super::picture::{SCAN_FAILED, ScanImage};
use crate::{ApiError, Device, Reply, UiRequest};

/// Most preview frames pushed to the page a second.
pub const PREVIEW_FPS: u32 = 10;
/// Widest preview frame pushed to the page, in pixels.
const PREVIEW_WIDTH: u32 = 320;
/// JPEG quality of the preview frames.
const PREVIEW_QUALITY: u8 = 60;
/// Most frames a recorded sequence may hold.
const MAX_RECORDED_FRAMES: usize = 1000;

/// A source of frames, open and capturing (a camera or a recorded sequence).
pub trait FrameSource {
    /// The next frame, blocking until it arrives; `None` when the source has ended.
    fn next_frame(&mut self) -> Result<Option<ScanImage>, ApiError>;

    /// Whether frames keep coming while a decode runs (a camera: the decoder skips the ones it
    /// had no time for) or the source waits until the last one was taken (a recording).
    fn is_live(&self) -> bool {
        true
    }
}

/// A camera that can be opened for one scan at a time. `open` runs on the capture thread,
/// which also reads the frames, so the source need not move between threads.
pub trait Camera: Send + Sync {
    /// Starts capturing; the error names the device when it cannot be opened.
    fn open(&self) -> Result<Box<dyn FrameSource>, ApiError>;
}

/// A recorded sequence of frames played in a loop at a fixed rate, standing in for a camera
/// (the simulator's `--camera-frames` and the tests).
#[derive(Debug, Clone)]
pub struct RecordedFrames {
    frames: Arc<[ScanImage]>,
    period: Duration,
}

impl RecordedFrames {
    /// `frames` played at `fps` frames a second; at least one frame and one frame a second.
    pub fn new(frames: Vec<ScanImage>, fps: u32) -> Result<Self, ApiError> {
        if frames.is_empty() || frames.len() > MAX_RECORDED_FRAMES {
            return Err(ApiError::invalid_param(format!(
                "a recorded sequence has 1 to {MAX_RECORDED_FRAMES} frames, not {}",
                frames.len()
            )));
        }
        if !(1..=1000).contains(&fps) {
            return Err(ApiError::invalid_param(format!(
                "a recorded sequence plays at 1 to 1000 frames a second, not {fps}"
            )));
        }
        Ok(Self {
            frames: frames.into(),
            period: Duration::from_secs(1) / fps,
        })
    }

    /// The PNG and JPEG files of folder `dir` (`.png`, `.jpg`, `.jpeg`), in name order,
    /// played at `fps` frames a second. Other files are ignored; a folder without frames or
    /// a frame that cannot be read is an error naming it.
    pub fn from_dir(dir: &Path, fps: u32) -> Result<Self, ApiError> {
        let unreadable = |e: std::io::Error| {
            ApiError::invalid_param(format!("cannot read {}: {e}", dir.display()))
        };
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(unreadable)? {
            let path = entry.map_err(unreadable)?.path();
            let extension = path
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase);
            if matches!(extension.as_deref(), Some("png" | "jpg" | "jpeg")) && path.is_file() {
                paths.push(path);
            }
        }
        if paths.is_empty() {
            return Err(ApiError::invalid_param(format!(
                "{} holds no .png, .jpg or .jpeg frames",
                dir.display()
            )));
        }
        paths.sort();
        let frames = paths
            .iter()
            .map(|path| {
                ScanImage::from_file(path).map_err(|e| {
                    ApiError::invalid_param(format!("frame {}: {}", path.display(), e.message))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(frames, fps)
    }

    /// How many frames the sequence holds.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// Always false: a sequence holds at least one frame.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }
}

impl Camera for RecordedFrames {
    fn open(&self) -> Result<Box<dyn FrameSource>, ApiError> {
        Ok(Box::new(Playback {
            frames: self.frames.clone(),
            period: self.period,
            next: 0,
            due: Instant::now(),
        }))
    }
}

/// A [`RecordedFrames`] being played.
struct Playback {
    frames: Arc<[ScanImage]>,
    period: Duration,
    next: usize,
    due: Instant,
}

impl FrameSource for Playback {
    fn next_frame(&mut self) -> Result<Option<ScanImage>, ApiError> {
        std::thread::sleep(self.due.saturating_duration_since(Instant::now()));
        // After waiting for the decoder, the next frame is one period from now, not a burst.
        self.due = self.due.max(Instant::now()) + self.period;
        let frame = self.frames[self.next % self.frames.len()].clone();
        self.next += 1;
        Ok(Some(frame))
    }

    fn is_live(&self) -> bool {
        false
    }
}

/// How a camera scan ended.
pub(crate) enum Ending {
    /// A frame held this code.
    Found(ScannedCode),
    /// The user cancelled the preview.
    Cancelled,
    /// The camera could not be opened: the caller falls back to pictures.
    Unavailable(ApiError),
    /// The camera failed or stopped, or the time limit passed without a code.
    Failed(ApiError),
}

/// What the capture thread and the scan share.
#[derive(Default)]
struct State {
    /// The newest frame not yet decoded.
    latest: Option<ScanImage>,
    /// Whether the camera opened (`None` while opening).
    opened: Option<Result<(), ApiError>>,
    /// Why capturing stopped, if it did.
    ended: Option<ApiError>,
    /// The user cancelled the preview.
    cancelled: bool,
    /// The scan is over: the capture thread stops.
    stop: bool,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

impl Shared {
    fn update(&self, change: impl FnOnce(&mut State)) {
        change(&mut self.state.lock().unwrap_or_else(PoisonError::into_inner));
        self.wake.notify_all();
    }
}

/// Where the preview is drawn: the calling page of a device.
pub(crate) struct Preview {
    /// The device showing the page.
    pub device: Arc<dyn Device>,
    /// The calling page.
    pub page: u64,
}

/// Scans frames of `camera` for a code of `options.formats`, showing them in a preview sheet,
/// for at most `time_limit` (counted from the camera's opening). Blocks.
pub(crate) fn scan(
    camera: Arc<dyn Camera>,
    preview: &Preview,
    options: &DecodeOptions,
    time_limit: Duration,
) -> Ending {
    let shared = Arc::new(Shared::default());
    let capture = {
        let shared = shared.clone();
        let device = preview.device.clone();
        let page = preview.page;
        std::thread::Builder::new()
            .name("capsule-camera".into())
            .spawn(move || capture(camera.as_ref(), &shared, device.as_ref(), page))
    };
    let capture = match capture {
        Ok(capture) => capture,
        Err(e) => {
            return Ending::Failed(ApiError::unknown(format!(
                "cannot start the capture thread: {e}"
            )));
        }
    };
    let opened = {
        let mut state = shared.state.lock().unwrap_or_else(PoisonError::into_inner);
        while state.opened.is_none() {
            if capture.is_finished() {
                return Ending::Failed(ApiError::unknown("the camera's capture thread failed"));
            }
            state = shared
                .wake
                .wait_timeout(state, Duration::from_millis(100))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        state.opened.take()
    };
    if let Some(Err(error)) = opened {
        return Ending::Unavailable(error);
    }
    let ending = decode_frames(&shared, options, Instant::now() + time_limit, time_limit);
    shared.update(|state| state.stop = true);
    preview.device.show_ui(
        preview.page,
        UiRequest::HideCameraPreview,
        Reply::new(|_| {}),
    );
    ending
}

/// Decodes the newest frame, again and again, until a code, a cancel, the camera's end or
/// `deadline`.
fn decode_frames(
    shared: &Shared,
    options: &DecodeOptions,
    deadline: Instant,
    time_limit: Duration,
) -> Ending {
    loop {
        let frame = {
            let mut state = shared.state.lock().unwrap_or_else(PoisonError::into_inner);
            loop {
                if state.cancelled {
                    return Ending::Cancelled;
                }
                if let Some(frame) = state.latest.take() {
                    // A recording waits for this to read its next frame.
                    shared.wake.notify_all();
                    break frame;
                }
                if let Some(error) = state.ended.take() {
                    return Ending::Failed(error);
                }
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Ending::Failed(time_up(time_limit));
                }
                state = shared
                    .wake
                    .wait_timeout(state, left)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
        };
        if let Some(code) = frame.decode(options) {
            return Ending::Found(code);
        }
        if Instant::now() >= deadline {
            return Ending::Failed(time_up(time_limit));
        }
    }
}

fn time_up(time_limit: Duration) -> ApiError {
    ApiError::new(
        SCAN_FAILED,
        format!(
            "no code of the requested kinds in the camera's frames within {:.1} s",
            time_limit.as_secs_f64()
        ),
    )
}

/// The capture thread: opens the camera and shows the preview sheet, then hands each frame
/// to the scan and, when the page has drawn the last one and the rate allows, to the
/// preview, until the scan stops.
fn capture(camera: &dyn Camera, shared: &Arc<Shared>, device: &dyn Device, page: u64) {
    let mut frames = match camera.open() {
        Ok(frames) => frames,
        Err(error) => return shared.update(|state| state.opened = Some(Err(error))),
    };
    let cancel = shared.clone();
    device.show_ui(
        page,
        UiRequest::CameraPreview {
            title: "Scan: aim the camera at the code".into(),
        },
        Reply::new(move |answer| {
            // An error (the page went away) cancels too.
            let cancelled = answer.as_ref().map_or(true, |answer| {
                answer.get("cancel") == Some(&Value::Bool(true))
            });
            if cancelled {
                cancel.update(|state| state.cancelled = true);
            }
        }),
    );
    shared.update(|state| state.opened = Some(Ok(())));
    let drawn = Arc::new(AtomicBool::new(true));
    let interval = Duration::from_secs(1) / PREVIEW_FPS;
    let mut last_preview: Option<Instant> = None;
    let live = frames.is_live();
    loop {
        {
            let mut state = shared.state.lock().unwrap_or_else(PoisonError::into_inner);
            while !live && state.latest.is_some() && !state.stop {
                state = shared
                    .wake
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            if state.stop {
                return;
            }
        }
        let frame = match frames.next_frame() {
            Ok(Some(frame)) => frame,
            Ok(None) => {
                let error = ApiError::new(SCAN_FAILED, "the camera stopped sending frames");
                return shared.update(|state| state.ended = Some(error));
            }
            Err(error) => return shared.update(|state| state.ended = Some(error)),
        };
        let due = last_preview.is_none_or(|last| last.elapsed() >= interval);
        if due && drawn.swap(false, Ordering::AcqRel) {
            last_preview = Some(Instant::now());
            match preview_url(&frame) {
                Ok(src) => {
                    let drawn = drawn.clone();
                    device.show_ui(
                        page,
                        UiRequest::CameraFrame { src },
                        Reply::new(move |_| drawn.store(true, Ordering::Release)),
                    );
                }
                Err(error) => {
                    drawn.store(true, Ordering::Release);
                    tracing::warn!(%error, "cannot encode a preview frame");
                }
            }
        }
        shared.update(|state| state.latest = Some(frame));
    }
}

/// `frame` at most [`PREVIEW_WIDTH`] pixels wide as a greyscale JPEG `data:` URL.
fn preview_url(frame: &ScanImage) -> Result<String, image::ImageError> {
    let grey = image::GrayImage::from_raw(frame.width, frame.height, frame.luma.clone())
        .expect("a ScanImage holds width * height bytes");
    let small = if frame.width > PREVIEW_WIDTH {
        let height = (u64::from(frame.height) * u64::from(PREVIEW_WIDTH) / u64::from(frame.width))
            .max(1) as u32;
        image::imageops::thumbnail(&grey, PREVIEW_WIDTH, height)
    } else {
        grey
    };
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, PREVIEW_QUALITY).encode(
        small.as_raw(),
        small.width(),
        small.height(),
        image::ExtendedColorType::L8,
    )?;
    Ok(format!(
        "data:image/jpeg;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(jpeg)
    ))
}
