//! Visual regression for `capsule test`: a screenshot compared with an approved image, pixel
//! by pixel with a perceptual colour distance, and a picture of where they differ.

use std::path::Path;

use anyhow::{Context, Result, bail};

/// How far apart two colours may be and still count as the same, as a fraction of the
/// largest distance (black to white). Anti-aliasing and colour rounding stay below it.
const COLOUR_THRESHOLD: f64 = 0.1;
/// The largest YIQ distance (black against white).
const MAX_YIQ_DELTA: f64 = 35_215.0;

/// An image as RGBA pixels.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Image {
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// `width * height * 4` bytes.
    pub(crate) rgba: Vec<u8>,
}

impl Image {
    /// Reads a PNG file (any colour type and bit depth).
    pub(crate) fn read_png(path: &Path) -> Result<Self> {
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder
            .read_info()
            .with_context(|| format!("{} is not a PNG image", path.display()))?;
        let mut buffer = vec![0; reader.output_buffer_size()];
        let frame = reader
            .next_frame(&mut buffer)
            .with_context(|| format!("{} is not a readable PNG image", path.display()))?;
        let pixels = &buffer[..frame.buffer_size()];
        let rgba = match frame.color_type {
            png::ColorType::Rgba => pixels.to_vec(),
            png::ColorType::Rgb => pixels
                .chunks_exact(3)
                .flat_map(|p| [p[0], p[1], p[2], 255])
                .collect(),
            png::ColorType::GrayscaleAlpha => pixels
                .chunks_exact(2)
                .flat_map(|p| [p[0], p[0], p[0], p[1]])
                .collect(),
            png::ColorType::Grayscale => pixels.iter().flat_map(|&g| [g, g, g, 255]).collect(),
            png::ColorType::Indexed => bail!("{}: palette left after expansion", path.display()),
        };
        Ok(Self {
            width: frame.width,
            height: frame.height,
            rgba,
        })
    }

    /// Writes the image as an RGBA PNG.
    pub(crate) fn write_png(&self, path: &Path) -> Result<()> {
        let file = std::fs::File::create(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), self.width, self.height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        encoder
            .write_header()
            .and_then(|mut writer| writer.write_image_data(&self.rgba))
            .with_context(|| format!("cannot write {}", path.display()))
    }
}

/// How a screenshot compares with its approved image.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Difference {
    /// Pixels whose colours differ noticeably.
    pub(crate) pixels: u64,
    /// Their share of all pixels, in percent.
    pub(crate) percent: f64,
    /// The approved image, faded, with the differing pixels in red.
    pub(crate) picture: Image,
}

/// Compares `actual` with `approved`: same size, and which pixels a person would see differ
/// (YIQ colour distance over [`COLOUR_THRESHOLD`], on colours blended over white).
pub(crate) fn compare(actual: &Image, approved: &Image) -> Result<Difference> {
    if (actual.width, actual.height) != (approved.width, approved.height) {
        bail!(
            "the screenshot is {}x{}, the approved image {}x{}",
            actual.width,
            actual.height,
            approved.width,
            approved.height
        );
    }
    let limit = MAX_YIQ_DELTA * COLOUR_THRESHOLD * COLOUR_THRESHOLD;
    let mut picture = Vec::with_capacity(approved.rgba.len());
    let mut pixels = 0u64;
    for (a, b) in actual
        .rgba
        .chunks_exact(4)
        .zip(approved.rgba.chunks_exact(4))
    {
        if yiq_delta(a, b) > limit {
            pixels += 1;
            picture.extend_from_slice(&[255, 0, 0, 255]);
        } else {
            // The approved pixel's brightness, faded towards white.
            let (y, _, _) = yiq(over_white(b));
            let faded = (255.0 - (255.0 - y) * 0.25).clamp(0.0, 255.0) as u8;
            picture.extend_from_slice(&[faded, faded, faded, 255]);
        }
    }
    let total = u64::from(actual.width) * u64::from(actual.height);
    Ok(Difference {
        pixels,
        percent: if total == 0 {
            0.0
        } else {
            pixels as f64 * 100.0 / total as f64
        },
        picture: Image {
            width: approved.width,
            height: approved.height,
            rgba: picture,
        },
    })
}

/// An RGBA pixel blended over white, as RGB.
fn over_white(pixel: &[u8]) -> [f64; 3] {
    let alpha = f64::from(pixel[3]) / 255.0;
    [0, 1, 2].map(|i| 255.0 + (f64::from(pixel[i]) - 255.0) * alpha)
}

fn yiq([r, g, b]: [f64; 3]) -> (f64, f64, f64) {
    (
        r * 0.298_895_31 + g * 0.586_622_47 + b * 0.114_482_23,
        r * 0.595_977_99 - g * 0.274_176_47 - b * 0.321_801_52,
        r * 0.211_470_17 - g * 0.522_617_57 + b * 0.311_147_40,
    )
}

/// Squared perceptual distance between two pixels (brightness weighs most).
fn yiq_delta(a: &[u8], b: &[u8]) -> f64 {
    let (ya, ia, qa) = yiq(over_white(a));
    let (yb, ib, qb) = yiq(over_white(b));
    let (y, i, q) = (ya - yb, ia - ib, qa - qb);
    0.5053 * y * y + 0.299 * i * i + 0.1957 * q * q
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(width: u32, height: u32, rgba: [u8; 4]) -> Image {
        Image {
            width,
            height,
            rgba: rgba.repeat((width * height) as usize),
        }
    }

    #[test]
    fn the_same_image_does_not_differ_and_slight_shading_is_ignored() {
        let grey = filled(10, 10, [120, 120, 120, 255]);
        assert_eq!(compare(&grey, &grey).expect("same size").pixels, 0);
        let slightly = filled(10, 10, [124, 121, 118, 255]);
        assert_eq!(compare(&slightly, &grey).expect("same size").pixels, 0);
    }

    #[test]
    fn changed_pixels_are_counted_and_drawn_red() {
        let white = filled(10, 10, [255, 255, 255, 255]);
        let mut marked = white.clone();
        for pixel in [0usize, 11, 99] {
            marked.rgba[pixel * 4..pixel * 4 + 3].copy_from_slice(&[30, 30, 200]);
        }
        let difference = compare(&marked, &white).expect("same size");
        assert_eq!(difference.pixels, 3);
        assert!((difference.percent - 3.0).abs() < 1e-9);
        assert_eq!(&difference.picture.rgba[44..48], &[255, 0, 0, 255]);
        assert_eq!(&difference.picture.rgba[4..8], &[255, 255, 255, 255]);
    }

    #[test]
    fn transparent_pixels_compare_as_seen_over_white() {
        let clear = filled(2, 2, [0, 0, 0, 0]);
        let white = filled(2, 2, [255, 255, 255, 255]);
        assert_eq!(compare(&clear, &white).expect("same size").pixels, 0);
    }

    #[test]
    fn images_of_other_sizes_are_refused() {
        let error = compare(&filled(2, 3, [0; 4]), &filled(3, 2, [0; 4])).expect_err("sizes");
        assert!(error.to_string().contains("2x3"), "{error}");
    }

    #[test]
    fn a_png_round_trips() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.png");
        let mut image = filled(3, 2, [10, 20, 30, 255]);
        image.rgba[0] = 200;
        image.write_png(&path).expect("written");
        assert_eq!(Image::read_png(&path).expect("read"), image);
        std::fs::write(&path, b"not a png").expect("garbage");
        assert!(Image::read_png(&path).is_err());
    }
}
