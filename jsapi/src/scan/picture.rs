//! The pictures scans decode: greyscale images from luminance rows or PNG/JPEG bytes.

use std::path::Path;

use super::decode::{self, DecodeOptions, ScannedCode};
use crate::ApiError;

/// Code of a scan the user cancelled (both platforms).
pub const SCAN_CANCELLED: i64 = 10;
/// Code of a scan that found no code of the requested kinds.
pub const SCAN_FAILED: i64 = 11;

/// Largest image accepted, in pixels.
const MAX_PIXELS: u64 = 40_000_000;

/// A greyscale image to scan.
#[derive(Clone, PartialEq, Eq)]
pub struct ScanImage {
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) luma: Vec<u8>,
}

impl std::fmt::Debug for ScanImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanImage")
            .field("width", &self.width)
            .field("height", &self.height)
            .finish_non_exhaustive()
    }
}

impl ScanImage {
    /// An image from 8-bit luminance rows (`width * height` bytes, top row first).
    pub fn from_luma(width: u32, height: u32, luma: Vec<u8>) -> Result<Self, ApiError> {
        let pixels = u64::from(width) * u64::from(height);
        if width == 0 || height == 0 || pixels > MAX_PIXELS {
            return Err(ApiError::new(
                SCAN_FAILED,
                format!(
                    "the image is {width}x{height}; it must be non-empty and at most {MAX_PIXELS} pixels"
                ),
            ));
        }
        if luma.len() as u64 != pixels {
            return Err(ApiError::new(
                SCAN_FAILED,
                format!(
                    "{} luminance bytes for a {width}x{height} image",
                    luma.len()
                ),
            ));
        }
        Ok(Self {
            width,
            height,
            luma,
        })
    }

    /// An image from PNG or JPEG bytes.
    pub fn from_encoded(bytes: &[u8]) -> Result<Self, ApiError> {
        let image = image::load_from_memory(bytes)
            .map_err(|e| ApiError::new(SCAN_FAILED, format!("cannot read the image: {e}")))?;
        let grey = image.into_luma8();
        let (width, height) = grey.dimensions();
        Self::from_luma(width, height, grey.into_raw())
    }

    /// An image from a PNG or JPEG file.
    pub fn from_file(path: &Path) -> Result<Self, ApiError> {
        let bytes = std::fs::read(path).map_err(|e| {
            ApiError::new(SCAN_FAILED, format!("cannot read {}: {e}", path.display()))
        })?;
        Self::from_encoded(&bytes)
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The code `scan` / `scanCode` answer for this picture: of the codes the first
    /// successful attempt finds, the one nearest the picture's centre (where a camera is
    /// aimed); `None` when no code of `options.formats` is found within the budget.
    pub fn decode(&self, options: &DecodeOptions) -> Option<ScannedCode> {
        let (cx, cy) = (self.width as f32 / 2.0, self.height as f32 / 2.0);
        let distance = |code: &ScannedCode| (code.center.0 - cx).hypot(code.center.1 - cy);
        decode::decode_first(self.width, self.height, &self.luma, options)
            .into_iter()
            .min_by(|a, b| distance(a).total_cmp(&distance(b)))
    }

    /// Every code of `options.formats` in the picture, each once, in the order found
    /// (for hosts that show all the codes in a picture). Runs the whole attempt chain
    /// within `options.budget`.
    pub fn decode_all(&self, options: &DecodeOptions) -> Vec<ScannedCode> {
        decode::decode_all(self.width, self.height, &self.luma, options)
    }
}
