//! Finding codes in a picture: a chain of attempts with rxing's readers over prepared
//! versions of the picture, cheapest first, within a time budget.
//!
//! One attempt binarizes a luminance plane and runs rxing's multiple-code reader on it with
//! `TryHarder` (more rows, 1D codes turned a quarter) and `AlsoInverted` (the binarized
//! picture inverted: light codes on a dark ground). The chain, on a copy of the picture
//! shrunk to at most [`WORK_SIDE`] pixels on its long side: the hybrid (local) binarizer, the
//! global histogram binarizer, the picture turned so its strongest edges run along the axes
//! (1D codes and PDF417 at any angle); for pictures over a megapixel, windows of the
//! full-resolution picture around its busiest blocks (most strong edges), doubled in size (a
//! small code in a large photo); a locally normalised copy (uneven light, low contrast); a
//! half-size copy (noise, blur); a sharpened copy (blur); a smoothed copy, as is and
//! normalised (noise); a double-size copy of pictures up to a megapixel (tiny modules); the
//! inverted picture for 1D codes; the windows for pictures between a quarter and one
//! megapixel. 1D reads must read again along a line shifted across the bars, which turns
//! away patterns that fit a 1D code along one line only.
//!
//! The chain stops at the first attempt that finds a code when one is wanted, or when the
//! budget is spent; an attempt under way is not interrupted, so the budget is exceeded by at
//! most one attempt (~30–150 ms in a release build on a 1600-pixel picture).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use rxing::common::{GlobalHistogramBinarizer, HybridBinarizer};
use rxing::multi::{GenericMultipleBarcodeReader, MultipleBarcodeReader as _};
use rxing::{
    BarcodeFormat, Binarizer, BinaryBitmap, DecodeHints, Luma8LuminanceSource, Reader as _,
};

/// The long side, in pixels, of the copy the whole-picture attempts work on.
pub(crate) const WORK_SIDE: u32 = 1600;

/// The formats a decoder can tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CodeFormat {
    /// QR Code.
    QrCode,
    /// Micro QR Code.
    MicroQrCode,
    /// Data Matrix.
    DataMatrix,
    /// PDF417.
    Pdf417,
    /// EAN-13.
    Ean13,
    /// EAN-8.
    Ean8,
    /// UPC-A.
    UpcA,
    /// UPC-E.
    UpcE,
    /// Code 128.
    Code128,
    /// Code 39.
    Code39,
    /// Code 93.
    Code93,
    /// Codabar.
    Codabar,
    /// Interleaved 2 of 5.
    Itf,
}

impl CodeFormat {
    /// Every format, 2D first.
    pub const ALL: [Self; 13] = [
        Self::QrCode,
        Self::MicroQrCode,
        Self::DataMatrix,
        Self::Pdf417,
        Self::Ean13,
        Self::Ean8,
        Self::UpcA,
        Self::UpcE,
        Self::Code128,
        Self::Code39,
        Self::Code93,
        Self::Codabar,
        Self::Itf,
    ];

    /// Whether this is a one-dimensional (bar) code.
    pub fn is_linear(self) -> bool {
        !matches!(
            self,
            Self::QrCode | Self::MicroQrCode | Self::DataMatrix | Self::Pdf417
        )
    }

    /// The name WeChat's `scanType` result gives this format (ZXing's names).
    pub fn wechat_name(self) -> &'static str {
        match self {
            Self::QrCode => "QR_CODE",
            Self::MicroQrCode => "MICRO_QR_CODE",
            Self::DataMatrix => "DATA_MATRIX",
            Self::Pdf417 => "PDF_417",
            Self::Ean13 => "EAN_13",
            Self::Ean8 => "EAN_8",
            Self::UpcA => "UPC_A",
            Self::UpcE => "UPC_E",
            Self::Code128 => "CODE_128",
            Self::Code39 => "CODE_39",
            Self::Code93 => "CODE_93",
            Self::Codabar => "CODABAR",
            Self::Itf => "ITF",
        }
    }

    fn rxing(self) -> BarcodeFormat {
        match self {
            Self::QrCode => BarcodeFormat::QR_CODE,
            Self::MicroQrCode => BarcodeFormat::MICRO_QR_CODE,
            Self::DataMatrix => BarcodeFormat::DATA_MATRIX,
            Self::Pdf417 => BarcodeFormat::PDF_417,
            Self::Ean13 => BarcodeFormat::EAN_13,
            Self::Ean8 => BarcodeFormat::EAN_8,
            Self::UpcA => BarcodeFormat::UPC_A,
            Self::UpcE => BarcodeFormat::UPC_E,
            Self::Code128 => BarcodeFormat::CODE_128,
            Self::Code39 => BarcodeFormat::CODE_39,
            Self::Code93 => BarcodeFormat::CODE_93,
            Self::Codabar => BarcodeFormat::CODABAR,
            Self::Itf => BarcodeFormat::ITF,
        }
    }

    fn from_rxing(format: BarcodeFormat) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.rxing() == format)
    }
}

/// A code found in a picture.
#[derive(Debug, Clone, PartialEq)]
pub struct ScannedCode {
    /// The code's format.
    pub format: CodeFormat,
    /// The decoded text.
    pub text: String,
    /// The bytes the code carries (for 1D codes, the text's bytes).
    pub raw_bytes: Vec<u8>,
    /// The centre of the code in the picture, in pixels.
    pub center: (f32, f32),
    /// Whether the code is light on a dark ground.
    pub inverted: bool,
}

/// What to look for and how long to try.
#[derive(Debug, Clone)]
pub struct DecodeOptions {
    /// The formats to report; others are not looked for.
    pub formats: Vec<CodeFormat>,
    /// Attempts start only within this time from the start of the decode.
    pub budget: Duration,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        Self {
            formats: CodeFormat::ALL.to_vec(),
            budget: Duration::from_millis(600),
        }
    }
}

/// A luminance plane and where its pixels lie in the original picture.
struct Plane {
    width: u32,
    height: u32,
    luma: Vec<u8>,
    /// The affine map from plane to original coordinates: `[a, b, c, d, e, f]` takes
    /// (x, y) to (a·x + b·y + c, d·x + e·y + f).
    to_original: [f32; 6],
}

impl Plane {
    fn at(&self, x: u32, y: u32) -> u8 {
        self.luma[(y * self.width + x) as usize]
    }

    fn with_luma(&self, luma: Vec<u8>) -> Self {
        Self {
            luma,
            width: self.width,
            height: self.height,
            to_original: self.to_original,
        }
    }

    fn original(&self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.to_original;
        (a * x + b * y + c, d * x + e * y + f)
    }

    /// `self.to_original` after a map from a derived plane's coordinates to this plane's.
    fn compose(&self, inner: [f32; 6]) -> [f32; 6] {
        let [a, b, c, d, e, f] = self.to_original;
        let [p, q, r, s, t, u] = inner;
        [
            a * p + b * s,
            a * q + b * t,
            a * r + b * u + c,
            d * p + e * s,
            d * q + e * t,
            d * r + e * u + f,
        ]
    }
}

#[derive(Clone, Copy)]
enum Threshold {
    Hybrid,
    Global,
}

/// How much of the chain to run.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wanted {
    /// Stop at the first attempt that finds something.
    First,
    /// Run the whole chain (within the budget) and gather everything.
    All,
}

/// Every code of the wanted formats found in the picture (`width * height` luminance
/// bytes), each once, in the order found.
pub(crate) fn decode_all(
    width: u32,
    height: u32,
    luma: &[u8],
    options: &DecodeOptions,
) -> Vec<ScannedCode> {
    Chain::new(width, height, luma, options, Wanted::All).run()
}

/// The codes the first successful attempt of the chain finds (usually one).
pub(crate) fn decode_first(
    width: u32,
    height: u32,
    luma: &[u8],
    options: &DecodeOptions,
) -> Vec<ScannedCode> {
    Chain::new(width, height, luma, options, Wanted::First).run()
}

struct Chain<'a> {
    width: u32,
    height: u32,
    luma: &'a [u8],
    hints: DecodeHints,
    formats: HashSet<CodeFormat>,
    start: Instant,
    budget: Duration,
    wanted: Wanted,
    found: Vec<ScannedCode>,
}

impl<'a> Chain<'a> {
    fn new(
        width: u32,
        height: u32,
        luma: &'a [u8],
        options: &DecodeOptions,
        wanted: Wanted,
    ) -> Self {
        let formats: HashSet<CodeFormat> = options.formats.iter().copied().collect();
        let hints = DecodeHints {
            PossibleFormats: Some(formats.iter().map(|f| f.rxing()).collect()),
            TryHarder: Some(true),
            AlsoInverted: Some(true),
            ..DecodeHints::default()
        };
        Self {
            width,
            height,
            luma,
            hints,
            formats,
            start: Instant::now(),
            budget: options.budget,
            wanted,
            found: Vec::new(),
        }
    }

    /// Whether the chain should stop before the next attempt.
    fn done(&self) -> bool {
        (self.wanted == Wanted::First && !self.found.is_empty())
            || self.start.elapsed() >= self.budget
    }

    /// Whether codes that must be seen square to their bars are wanted (1D, PDF417).
    fn wants_bars(&self) -> bool {
        self.formats
            .iter()
            .any(|f| f.is_linear() || *f == CodeFormat::Pdf417)
    }

    fn run(mut self) -> Vec<ScannedCode> {
        if self.formats.is_empty() {
            return self.found;
        }
        let work = shrunk(self.width, self.height, self.luma, WORK_SIDE);
        self.attempt(&work, Threshold::Hybrid);
        self.attempt(&work, Threshold::Global);
        let deskewed = if self.wants_bars() && !self.done() {
            skew(&work).map(|degrees| rotated(&work, -degrees))
        } else {
            None
        };
        if let Some(deskewed) = &deskewed {
            self.attempt(deskewed, Threshold::Hybrid);
        }
        // A small code in a large picture: full-resolution windows where the edges are,
        // before the whole-picture variants when the picture is large.
        let large = u64::from(self.width) * u64::from(self.height) > 1 << 20;
        if large {
            self.windows_attempts();
        }
        if !self.done() {
            self.attempt(&normalised(&work), Threshold::Hybrid);
        }
        if !self.done() && work.width.min(work.height) >= 64 {
            self.attempt(&halved(&work), Threshold::Hybrid);
        }
        if !self.done() {
            self.attempt(&sharpened(&work), Threshold::Hybrid);
        }
        if !self.done() {
            let smooth = smoothed(&work);
            self.attempt(&smooth, Threshold::Hybrid);
            if !self.done() {
                self.attempt(&normalised(&smooth), Threshold::Global);
            }
        }
        if !self.done() && u64::from(work.width) * u64::from(work.height) <= 1 << 20 {
            self.attempt(&doubled(&work), Threshold::Hybrid);
        }
        // Bars read along single lines binarize differently once the picture itself is
        // inverted (rxing's own retry inverts the binarized matrix).
        if self.wants_bars() {
            for plane in std::iter::once(&work).chain(&deskewed) {
                if !self.done() {
                    self.attempt(&inverted(plane), Threshold::Global);
                }
            }
        }
        if !large && u64::from(self.width) * u64::from(self.height) > 1 << 18 {
            self.windows_attempts();
        }
        self.found
    }

    /// Attempts on windows of the full-resolution picture, at twice their size.
    fn windows_attempts(&mut self) {
        for window in self.windows() {
            if self.done() {
                break;
            }
            self.attempt(&doubled(&window), Threshold::Hybrid);
        }
    }

    /// One attempt: binarize `plane` and read every code in it.
    fn attempt(&mut self, plane: &Plane, threshold: Threshold) {
        if self.done() {
            return;
        }
        let Ok(source) = Luma8LuminanceSource::new(plane.luma.clone(), plane.width, plane.height)
        else {
            return;
        };
        let results = match threshold {
            Threshold::Hybrid => self.read(BinaryBitmap::new(HybridBinarizer::new(source))),
            Threshold::Global => {
                self.read(BinaryBitmap::new(GlobalHistogramBinarizer::new(source)))
            }
        };
        for result in results {
            let Some(format) = CodeFormat::from_rxing(*result.getBarcodeFormat()) else {
                continue;
            };
            if !self.formats.contains(&format)
                || self
                    .found
                    .iter()
                    .any(|code| code.format == format && code.text == result.getText())
                || (format.is_linear() && !confirmed(plane, format, &result))
            {
                continue;
            }
            let points = result.getPoints();
            let (sx, sy) = points
                .iter()
                .fold((0.0, 0.0), |(sx, sy), p| (sx + p.x, sy + p.y));
            let n = points.len().max(1) as f32;
            let center = plane.original(sx / n, sy / n);
            let metadata = result.getRXingResultMetadata();
            let inverted = metadata.contains_key(&rxing::RXingResultMetadataType::IS_INVERTED);
            let raw_bytes = if result.getRawBytes().is_empty() || format.is_linear() {
                result.getText().as_bytes().to_vec()
            } else {
                result.getRawBytes().to_vec()
            };
            self.found.push(ScannedCode {
                format,
                text: result.getText().to_owned(),
                raw_bytes,
                center,
                inverted,
            });
        }
    }

    fn read<B: Binarizer>(&self, mut bitmap: BinaryBitmap<B>) -> Vec<rxing::RXingResult> {
        let mut reader =
            GenericMultipleBarcodeReader::new(rxing::MultiUseMultiFormatReader::default());
        reader
            .decode_multiple_with_hints(&mut bitmap, &self.hints)
            .unwrap_or_default()
    }

    /// Full-resolution windows of [`WINDOW_SIDE`] pixels around the busiest parts of the
    /// picture (where many strong edges are: a code's modules), busiest first, not
    /// overlapping by more than half.
    fn windows(&self) -> Vec<Plane> {
        let (bw, bh) = (self.width.div_ceil(BLOCK), self.height.div_ceil(BLOCK));
        let busy = edge_blocks(self.width, self.height, self.luma);
        let span = (WINDOW_SIDE / BLOCK).min(bw).min(bh).max(1);
        let mut scored: Vec<(u32, u32, u32)> = Vec::new();
        for by in 0..=bh.saturating_sub(span) {
            for bx in 0..=bw.saturating_sub(span) {
                let mut score = 0;
                for y in by..by + span {
                    for x in bx..bx + span {
                        score += busy[(y * bw + x) as usize];
                    }
                }
                if score > 0 {
                    scored.push((score, bx, by));
                }
            }
        }
        scored.sort_by(|a, b| b.0.cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
        let mut chosen: Vec<(u32, u32)> = Vec::new();
        for (_, bx, by) in scored {
            if chosen.len() == MAX_WINDOWS {
                break;
            }
            if chosen
                .iter()
                .all(|&(cx, cy)| cx.abs_diff(bx) * 2 >= span || cy.abs_diff(by) * 2 >= span)
            {
                chosen.push((bx, by));
            }
        }
        chosen
            .into_iter()
            .map(|(bx, by)| {
                let (x, y) = (bx * BLOCK, by * BLOCK);
                let (w, h) = (
                    WINDOW_SIDE.min(self.width - x),
                    WINDOW_SIDE.min(self.height - y),
                );
                let mut luma = Vec::with_capacity((w * h) as usize);
                for row in y..y + h {
                    let start = (row * self.width + x) as usize;
                    luma.extend_from_slice(&self.luma[start..start + w as usize]);
                }
                Plane {
                    width: w,
                    height: h,
                    luma,
                    to_original: [1.0, 0.0, x as f32, 0.0, 1.0, y as f32],
                }
            })
            .collect()
    }
}

/// Side of a square window of the full-resolution picture searched for a small code.
const WINDOW_SIDE: u32 = 384;

/// Side of the blocks whose edges are counted to place windows.
const BLOCK: u32 = 32;

/// How many windows are tried at most.
const MAX_WINDOWS: usize = 10;

/// For each [`BLOCK`]-square block of the picture, how many of its pixels (every other one
/// in each direction) have a strong step to their right or lower neighbour.
fn edge_blocks(width: u32, height: u32, luma: &[u8]) -> Vec<u32> {
    let bw = width.div_ceil(BLOCK);
    let mut busy = vec![0u32; (bw * height.div_ceil(BLOCK)) as usize];
    for y in (0..height.saturating_sub(1)).step_by(2) {
        let row = (y * width) as usize;
        for x in (0..width.saturating_sub(1)).step_by(2) {
            let v = i32::from(luma[row + x as usize]);
            let dx = (v - i32::from(luma[row + x as usize + 1])).unsigned_abs();
            let dy = (v - i32::from(luma[row + width as usize + x as usize])).unsigned_abs();
            if dx.max(dy) > 20 {
                busy[((y / BLOCK) * bw + x / BLOCK) as usize] += 1;
            }
        }
    }
    busy
}

/// A 1D read is a real code, not a pattern that happens to fit along one line, when the
/// same text reads along a line a little above or below it (for the short UPC-E and
/// EAN-8, which random patterns fit most easily, above and below it).
fn confirmed(plane: &Plane, format: CodeFormat, result: &rxing::RXingResult) -> bool {
    let points = result.getPoints();
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return false;
    };
    let (dx, dy) = (last.x - first.x, last.y - first.y);
    let length = dx.hypot(dy);
    if length < 8.0 {
        return false;
    }
    let (ux, uy) = (dx / length, dy / length);
    let shift = 3.0 + 0.02 * length;
    let hints = DecodeHints {
        PossibleFormats: Some(HashSet::from([format.rxing()])),
        TryHarder: Some(true),
        AlsoInverted: Some(true),
        ..DecodeHints::default()
    };
    let reads_at = |offset: f32| {
        // A strip of a few lines parallel to the read, offset across the bars, with the
        // quiet zones on either side.
        let (ox, oy) = (-uy * offset, ux * offset);
        let margin = 0.2 * length;
        let columns = (length + 2.0 * margin).ceil() as u32;
        let rows = 6;
        let mut luma = Vec::with_capacity((columns * rows) as usize);
        for row in 0..rows {
            let across = row as f32 - rows as f32 / 2.0;
            for column in 0..columns {
                let along = column as f32 - margin;
                let x = first.x + ux * along - uy * across + ox;
                let y = first.y + uy * along + ux * across + oy;
                luma.push(bilinear(plane, x, y));
            }
        }
        let Ok(source) = Luma8LuminanceSource::new(luma, columns, rows) else {
            return false;
        };
        let mut bitmap = BinaryBitmap::new(GlobalHistogramBinarizer::new(source));
        rxing::MultiFormatReader::default()
            .decode_with_hints(&mut bitmap, &hints)
            .is_ok_and(|again| again.getText() == result.getText())
    };
    if matches!(format, CodeFormat::UpcE | CodeFormat::Ean8) {
        reads_at(shift) && reads_at(-shift)
    } else {
        reads_at(shift) || reads_at(-shift)
    }
}

/// `plane` at (`x`, `y`), bilinear, the nearest edge pixel outside.
fn bilinear(plane: &Plane, x: f32, y: f32) -> u8 {
    let x = x.clamp(0.0, (plane.width - 1) as f32);
    let y = y.clamp(0.0, (plane.height - 1) as f32);
    let (x0, y0) = (x as u32, y as u32);
    let (x1, y1) = (
        (x0 + 1).min(plane.width - 1),
        (y0 + 1).min(plane.height - 1),
    );
    let (tx, ty) = (x.fract(), y.fract());
    let top = f32::from(plane.at(x0, y0)) * (1.0 - tx) + f32::from(plane.at(x1, y0)) * tx;
    let bottom = f32::from(plane.at(x0, y1)) * (1.0 - tx) + f32::from(plane.at(x1, y1)) * tx;
    (top * (1.0 - ty) + bottom * ty).round() as u8
}

/// The angle, in degrees within (−45, 45], by which the strongest edges of the plane lean
/// from the axes (the bars of a 1D code or the rows of a PDF417 turned in the picture);
/// `None` when they already run along the axes.
fn skew(plane: &Plane) -> Option<f32> {
    let mut bins = [0f32; 90];
    let step = (plane.width.max(plane.height) / 800).max(1) as usize;
    for y in (1..plane.height - 1).step_by(step) {
        for x in (1..plane.width - 1).step_by(step) {
            let gx = f32::from(plane.at(x + 1, y)) - f32::from(plane.at(x - 1, y));
            let gy = f32::from(plane.at(x, y + 1)) - f32::from(plane.at(x, y - 1));
            let magnitude = gx.hypot(gy);
            if magnitude > 40.0 {
                let degrees = gy.atan2(gx).to_degrees().rem_euclid(90.0);
                bins[(degrees as usize).min(89)] += magnitude;
            }
        }
    }
    // The peak of a histogram smoothed over 5 degrees (wrapping round).
    let smooth = |i: usize| (0..5).map(|k| bins[(i + 88 + k) % 90]).sum::<f32>();
    let peak = (0..90).max_by(|&a, &b| smooth(a).total_cmp(&smooth(b)))?;
    let degrees = if peak > 45 {
        peak as f32 - 90.0
    } else {
        peak as f32
    } + 0.5;
    (degrees.abs() > 4.0 && degrees.abs() < 86.0).then_some(degrees)
}

/// `plane` turned by `degrees` (clockwise in picture coordinates) about its centre, on a
/// canvas that holds all of it, filled with the plane's mean.
fn rotated(plane: &Plane, degrees: f32) -> Plane {
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (w, h) = (plane.width as f32, plane.height as f32);
    let nw = (w * cos.abs() + h * sin.abs()).ceil();
    let nh = (w * sin.abs() + h * cos.abs()).ceil();
    let mean = (plane.luma.iter().map(|&v| u64::from(v)).sum::<u64>()
        / plane.luma.len().max(1) as u64) as u8;
    // From the new plane's pixel to the old one's.
    let back = [
        cos,
        sin,
        w / 2.0 - cos * nw / 2.0 - sin * nh / 2.0,
        -sin,
        cos,
        h / 2.0 + sin * nw / 2.0 - cos * nh / 2.0,
    ];
    let mut luma = Vec::with_capacity((nw * nh) as usize);
    for y in 0..nh as u32 {
        for x in 0..nw as u32 {
            let (fx, fy) = (x as f32, y as f32);
            let sx = back[0] * fx + back[1] * fy + back[2];
            let sy = back[3] * fx + back[4] * fy + back[5];
            if sx < 0.0 || sy < 0.0 || sx > w - 1.0 || sy > h - 1.0 {
                luma.push(mean);
            } else {
                luma.push(bilinear(plane, sx, sy));
            }
        }
    }
    Plane {
        width: nw as u32,
        height: nh as u32,
        luma,
        to_original: plane.compose(back),
    }
}

/// The picture, box-averaged down so its long side is at most `side` pixels.
fn shrunk(width: u32, height: u32, luma: &[u8], side: u32) -> Plane {
    let original = Plane {
        width,
        height,
        luma: luma.to_vec(),
        to_original: [1.0, 0.0, 0.0, 0.0, 1.0, 0.0],
    };
    let long = width.max(height);
    if long <= side {
        return original;
    }
    resampled(&original, side as f32 / long as f32)
}

/// Half the size, each pixel the mean of four.
fn halved(plane: &Plane) -> Plane {
    resampled(plane, 0.5)
}

/// Twice the size, bilinear.
fn doubled(plane: &Plane) -> Plane {
    resampled(plane, 2.0)
}

/// `plane` resized by `factor`: area-averaged when shrinking, bilinear when growing.
fn resampled(plane: &Plane, factor: f32) -> Plane {
    let width = ((plane.width as f32 * factor).round() as u32).max(1);
    let height = ((plane.height as f32 * factor).round() as u32).max(1);
    let (fx, fy) = (
        plane.width as f32 / width as f32,
        plane.height as f32 / height as f32,
    );
    let mut luma = Vec::with_capacity((width * height) as usize);
    if factor < 1.0 {
        for y in 0..height {
            let sy0 = (y as f32 * fy) as u32;
            let sy1 = (((y + 1) as f32 * fy) as u32)
                .min(plane.height)
                .max(sy0 + 1);
            for x in 0..width {
                let sx0 = (x as f32 * fx) as u32;
                let sx1 = (((x + 1) as f32 * fx) as u32).min(plane.width).max(sx0 + 1);
                let mut sum = 0u32;
                for sy in sy0..sy1 {
                    let row = (sy * plane.width) as usize;
                    for sx in sx0..sx1 {
                        sum += u32::from(plane.luma[row + sx as usize]);
                    }
                }
                luma.push((sum / ((sx1 - sx0) * (sy1 - sy0))) as u8);
            }
        }
    } else {
        for y in 0..height {
            let sy = ((y as f32 + 0.5) * fy - 0.5).max(0.0);
            for x in 0..width {
                let sx = ((x as f32 + 0.5) * fx - 0.5).max(0.0);
                luma.push(bilinear(plane, sx, sy));
            }
        }
    }
    Plane {
        width,
        height,
        luma,
        to_original: plane.compose([fx, 0.0, 0.0, 0.0, fy, 0.0]),
    }
}

/// The mean of the box of radius `r` around every pixel (a summed-area table).
fn box_mean(plane: &Plane, r: u32) -> Vec<u8> {
    let (width, height) = (plane.width as usize, plane.height as usize);
    let w = width + 1;
    let mut sums = vec![0u32; w * (height + 1)];
    for y in 0..height {
        let mut row = 0u32;
        for x in 0..width {
            row += u32::from(plane.luma[y * width + x]);
            sums[(y + 1) * w + x + 1] = sums[y * w + x + 1].wrapping_add(row);
        }
    }
    let r = r as usize;
    let mut out = Vec::with_capacity(plane.luma.len());
    for y in 0..height {
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(height));
        for x in 0..width {
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(width));
            // Wrapping arithmetic: the box's sum fits even when the corners overflow.
            let sum = sums[y1 * w + x1]
                .wrapping_add(sums[y0 * w + x0])
                .wrapping_sub(sums[y0 * w + x1])
                .wrapping_sub(sums[y1 * w + x0]);
            out.push((sum / ((x1 - x0) * (y1 - y0)) as u32) as u8);
        }
    }
    out
}

/// Local contrast normalisation: each pixel's difference from its neighbourhood's mean,
/// stretched by the neighbourhood's spread, so a code in shadow, in glare or printed faintly
/// has full contrast.
fn normalised(plane: &Plane) -> Plane {
    let r = (plane.width.min(plane.height) / 16).clamp(8, 64);
    let mean = box_mean(plane, r);
    let deviations = plane.with_luma(
        plane
            .luma
            .iter()
            .zip(&mean)
            .map(|(&v, &m)| v.abs_diff(m))
            .collect(),
    );
    let spread = box_mean(&deviations, r);
    let luma = plane
        .luma
        .iter()
        .zip(mean.iter().zip(&spread))
        .map(|(&v, (&m, &s))| {
            let z = (f32::from(v) - f32::from(m)) / f32::from(s).max(4.0);
            (128.0 + 60.0 * z).clamp(0.0, 255.0) as u8
        })
        .collect();
    plane.with_luma(luma)
}

/// An unsharp mask: the picture plus its difference from a small blur, restoring edges a
/// lens softened.
fn sharpened(plane: &Plane) -> Plane {
    let blur = box_mean(plane, 2);
    plane.with_luma(
        plane
            .luma
            .iter()
            .zip(&blur)
            .map(|(&v, &b)| (2 * i32::from(v) - i32::from(b)).clamp(0, 255) as u8)
            .collect(),
    )
}

/// Light for dark.
fn inverted(plane: &Plane) -> Plane {
    plane.with_luma(plane.luma.iter().map(|&v| 255 - v).collect())
}

/// A 3x3 box blur, quieting sensor noise and speckles.
fn smoothed(plane: &Plane) -> Plane {
    plane.with_luma(box_mean(plane, 1))
}
