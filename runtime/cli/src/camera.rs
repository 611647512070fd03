//! The simulator's cameras: a V4L2 device on Linux (`/dev/video*`), or a recorded sequence
//! of frames (`--camera-frames`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result};
use capsule_jsapi::{ApiError, Camera, FrameSource, RecordedFrames};
#[cfg(target_os = "linux")]
use capsule_jsapi::{SCAN_FAILED, ScanImage};

/// How fast `--camera-frames` plays its frames, a second.
pub(crate) const RECORDED_FPS: u32 = 10;

/// The camera `run` scans with: `--camera-frames` played at [`RECORDED_FPS`], else
/// `--camera`, else the first `/dev/video*` found (none when `--scan-image` names a picture).
pub(crate) fn camera(
    device: Option<&Path>,
    frames: Option<&Path>,
    scan_image: bool,
) -> Result<Option<Arc<dyn Camera>>> {
    if let Some(dir) = frames {
        let recorded = RecordedFrames::from_dir(dir, RECORDED_FPS)
            .map_err(|e| anyhow::anyhow!(e.message))
            .context("--camera-frames")?;
        return Ok(Some(Arc::new(recorded)));
    }
    let device = match device {
        Some(device) => Some(device.to_owned()),
        None if scan_image => None,
        None => first_video_device(),
    };
    Ok(device.map(|path| Arc::new(V4l2Camera(path)) as Arc<dyn Camera>))
}

/// The first `/dev/videoN` by number, if any.
fn first_video_device() -> Option<PathBuf> {
    let entries = std::fs::read_dir("/dev").ok()?;
    entries
        .filter_map(|entry| {
            let name = entry.ok()?.file_name();
            let number: u32 = name.to_str()?.strip_prefix("video")?.parse().ok()?;
            Some(number)
        })
        .min()
        .map(|number| PathBuf::from(format!("/dev/video{number}")))
}

/// A V4L2 camera, opened for each scan.
#[derive(Debug)]
pub(crate) struct V4l2Camera(pub(crate) PathBuf);

#[cfg(not(target_os = "linux"))]
impl Camera for V4l2Camera {
    fn open(&self) -> Result<Box<dyn FrameSource>, ApiError> {
        Err(ApiError::unknown(format!(
            "cannot open the camera {}: V4L2 cameras are Linux only",
            self.0.display()
        )))
    }
}

#[cfg(target_os = "linux")]
/// The frame size asked for: enough for a code across a third of the picture.
const WANTED: (u32, u32) = (640, 480);

#[cfg(target_os = "linux")]
impl Camera for V4l2Camera {
    fn open(&self) -> Result<Box<dyn FrameSource>, ApiError> {
        let device = self.0.display().to_string();
        let fail = |what: &str, e: &dyn std::fmt::Display| {
            ApiError::unknown(format!("cannot {what} the camera {device}: {e}"))
        };
        let path = self
            .0
            .to_str()
            .ok_or_else(|| ApiError::unknown(format!("the camera path {device} is not UTF-8")))?;
        let mut camera = rscam::new(path).map_err(|e| fail("open", &e))?;
        let formats: Vec<[u8; 4]> = camera
            .formats()
            .filter_map(|format| format.ok().map(|f| f.format))
            .collect();
        let format = [*b"YUYV", *b"MJPG"]
            .into_iter()
            .find(|wanted| formats.contains(wanted))
            .ok_or_else(|| fail("use", &"it offers neither YUYV nor MJPG frames"))?;
        let resolution = match camera.resolutions(&format) {
            Ok(rscam::ResolutionInfo::Discretes(sizes)) => sizes
                .into_iter()
                .min_by_key(|&(w, h)| w.abs_diff(WANTED.0) + h.abs_diff(WANTED.1))
                .unwrap_or(WANTED),
            Ok(rscam::ResolutionInfo::Stepwise { min, max, .. }) => {
                (WANTED.0.clamp(min.0, max.0), WANTED.1.clamp(min.1, max.1))
            }
            Err(e) => return Err(fail("query", &e)),
        };
        let config = rscam::Config {
            interval: (1, 15),
            resolution,
            format: &format,
            ..rscam::Config::default()
        };
        camera.start(&config).map_err(|e| fail("start", &e))?;
        Ok(Box::new(Capture {
            camera,
            device,
            format,
        }))
    }
}

#[cfg(target_os = "linux")]
/// A V4L2 camera streaming.
struct Capture {
    camera: rscam::Camera,
    device: String,
    format: [u8; 4],
}

#[cfg(target_os = "linux")]
impl FrameSource for Capture {
    fn next_frame(&mut self) -> Result<Option<ScanImage>, ApiError> {
        let frame = self.camera.capture().map_err(|e| {
            ApiError::new(
                SCAN_FAILED,
                format!("the camera {} stopped: {e}", self.device),
            )
        })?;
        let (width, height) = frame.resolution;
        if &self.format == b"MJPG" {
            return ScanImage::from_encoded(&frame).map(Some);
        }
        // YUYV: a luminance byte, then a chroma byte, for every pixel.
        let luma: Vec<u8> = frame.iter().step_by(2).copied().collect();
        let pixels = width as usize * height as usize;
        if luma.len() < pixels {
            return Err(ApiError::new(
                SCAN_FAILED,
                format!(
                    "the camera {} sent {} bytes for a {width}x{height} YUYV frame",
                    self.device,
                    frame.len()
                ),
            ));
        }
        ScanImage::from_luma(width, height, luma[..pixels].to_vec()).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_camera_that_cannot_be_opened_is_an_error_naming_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let device = dir.path().join("video7");
        let error = V4l2Camera(device.clone())
            .open()
            .err()
            .expect("no camera there");
        assert!(
            error.message.contains("cannot open the camera")
                && error.message.contains(&device.display().to_string()),
            "{}",
            error.message
        );
    }

    #[test]
    fn recorded_frames_come_before_a_device_and_a_scan_image_before_guessing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let error = camera(None, Some(dir.path()), false)
            .err()
            .expect("an empty folder");
        assert!(
            format!("{error:#}").contains("--camera-frames"),
            "{error:#}"
        );
        assert!(camera(None, None, true).expect("no camera").is_none());
    }
}
