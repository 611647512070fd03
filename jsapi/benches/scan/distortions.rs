//! A deterministic set of distorted code pictures: QR, EAN-13, Code 128, DataMatrix and
//! PDF417, each under every distortion a phone camera or a photo brings (rotation, blur, a
//! small code in a large picture, low contrast, uneven light, noise, perspective, light on
//! dark, a textured background) at four strengths. The same inputs give the same pixels:
//! randomness comes from a seeded xorshift generator.
//!
//! Shared by the scan benchmark (`benches/scan/main.rs`) and the regression test
//! (`tests/scan_distortions.rs`).

use image::GrayImage;
use image::imageops::{self, FilterType};
use rxing::{BarcodeFormat, Writer as _};

/// The formats of the set.
pub(crate) const FORMATS: [BarcodeFormat; 5] = [
    BarcodeFormat::QR_CODE,
    BarcodeFormat::EAN_13,
    BarcodeFormat::CODE_128,
    BarcodeFormat::DATA_MATRIX,
    BarcodeFormat::PDF_417,
];

/// Strengths of each distortion, mildest first.
pub(crate) const STRENGTHS: [u8; 4] = [1, 2, 3, 4];

/// What was done to a picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Category {
    /// The code as printed, on white: the baseline.
    Plain,
    /// Turned about its centre.
    Rotation,
    /// Out of focus (a Gaussian blur).
    Blur,
    /// A small code somewhere in a large photo (up to 4000x3000).
    Small,
    /// Dark and light close together.
    LowContrast,
    /// A light gradient and a shadow across the code.
    UnevenLight,
    /// Sensor noise and speckles.
    Noise,
    /// Seen at an angle (a projective warp).
    Perspective,
    /// Light modules on a dark ground, as on screens and dark packaging.
    Inverted,
    /// On a busy, textured background with a thin quiet zone.
    Texture,
}

impl Category {
    /// Every category, in report order.
    pub(crate) const ALL: [Self; 10] = [
        Self::Plain,
        Self::Rotation,
        Self::Blur,
        Self::Small,
        Self::LowContrast,
        Self::UnevenLight,
        Self::Noise,
        Self::Perspective,
        Self::Inverted,
        Self::Texture,
    ];

    /// A short lowercase name, used in file names and reports.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Plain => "plain",
            Self::Rotation => "rotation",
            Self::Blur => "blur",
            Self::Small => "small",
            Self::LowContrast => "low-contrast",
            Self::UnevenLight => "uneven-light",
            Self::Noise => "noise",
            Self::Perspective => "perspective",
            Self::Inverted => "inverted",
            Self::Texture => "texture",
        }
    }

    /// The strengths generated for this category (the plain baseline has one).
    pub(crate) fn strengths(self) -> &'static [u8] {
        if self == Self::Plain {
            &STRENGTHS[..1]
        } else {
            &STRENGTHS
        }
    }
}

/// A short lowercase name of a format for file names and reports.
pub(crate) fn format_name(format: BarcodeFormat) -> &'static str {
    match format {
        BarcodeFormat::QR_CODE => "qr",
        BarcodeFormat::EAN_13 => "ean13",
        BarcodeFormat::CODE_128 => "code128",
        BarcodeFormat::DATA_MATRIX => "datamatrix",
        BarcodeFormat::PDF_417 => "pdf417",
        _ => "other",
    }
}

/// One generated picture and what it holds.
pub(crate) struct Sample {
    /// What was done to the picture.
    pub(crate) category: Category,
    /// How strongly, 1 (mild) to 4 (hard).
    pub(crate) strength: u8,
    /// The code's format.
    pub(crate) format: BarcodeFormat,
    /// The text encoded.
    pub(crate) text: String,
    /// The picture.
    pub(crate) image: GrayImage,
}

impl Sample {
    /// `<category>-<format>-<strength>.png`.
    pub(crate) fn file_name(&self) -> String {
        format!(
            "{}-{}-{}.png",
            self.category.name(),
            format_name(self.format),
            self.strength
        )
    }
}

/// Every sample of the set, in a fixed order.
pub(crate) fn all() -> impl Iterator<Item = Sample> {
    Category::ALL.into_iter().flat_map(|category| {
        FORMATS.into_iter().flat_map(move |format| {
            category
                .strengths()
                .iter()
                .map(move |&strength| sample(category, format, strength))
        })
    })
}

/// The sample of `format` distorted by `category` at `strength` (1–4).
pub(crate) fn sample(category: Category, format: BarcodeFormat, strength: u8) -> Sample {
    let mut rng = Rng::new(
        (category as u64) << 16
            | (FORMATS.iter().position(|f| *f == format).unwrap_or(9) as u64) << 8
            | u64::from(strength),
    );
    let text = text_for(format, &mut rng);
    let s = f64::from(strength);
    let image = match category {
        Category::Plain => on_white(&render(format, &text, module_px(format)), 40),
        Category::Rotation => {
            let degrees = [12.0, 27.0, 45.0, 163.0][usize::from(strength - 1)];
            rotate(
                &on_white(&render(format, &text, module_px(format)), 40),
                degrees,
            )
        }
        Category::Blur => {
            // Sigma of 0.3 to 0.75 modules.
            let module = module_px(format) + 1;
            let code = on_white(&render(format, &text, module), 40);
            imageops::blur(&code, (0.15 + 0.15 * s) as f32 * module as f32)
        }
        Category::Small => small_in_photo(format, &text, strength, &mut rng),
        Category::LowContrast => {
            let code = on_white(&render(format, &text, module_px(format)), 40);
            let span = [70.0, 45.0, 28.0, 18.0][usize::from(strength - 1)];
            let mid = 100.0 + 25.0 * s;
            map(&code, |_, _, v| {
                mid - span / 2.0 + span * f64::from(v) / 255.0
            })
        }
        Category::UnevenLight => {
            let code = on_white(&render(format, &text, module_px(format)), 40);
            let (w, h) = (f64::from(code.width()), f64::from(code.height()));
            let floor = [0.55, 0.38, 0.25, 0.16][usize::from(strength - 1)];
            let shadow_x = w * (0.35 + 0.1 * rng.unit());
            map(&code, |x, y, v| {
                // Light falls off from the top-left corner; a soft shadow covers one side.
                let gradient = 1.0 - (1.0 - floor) * ((x / w + y / h) / 2.0);
                let shadow = if x > shadow_x { 0.75 } else { 1.0 };
                f64::from(v) * gradient * shadow + 8.0
            })
        }
        Category::Noise => {
            let code = on_white(&render(format, &text, module_px(format) + 1), 40);
            let sigma = [18.0, 32.0, 48.0, 64.0][usize::from(strength - 1)];
            let speckles = 0.004 * s;
            map(&code, |_, _, v| {
                if rng.unit() < speckles {
                    255.0 - f64::from(v)
                } else {
                    f64::from(v) + sigma * rng.gaussian()
                }
            })
        }
        Category::Perspective => {
            let code = on_white(&render(format, &text, module_px(format) + 1), 30);
            perspective(&code, 0.07 * s, &mut rng)
        }
        Category::Inverted => {
            let code = on_white(&render(format, &text, module_px(format)), 40);
            let code = match strength {
                1 => code,
                2 => rotate(&code, 20.0),
                3 => imageops::blur(&code, 1.2),
                _ => map(&code, |_, _, v| 60.0 + 120.0 * f64::from(v) / 255.0),
            };
            map(&code, |_, _, v| 255.0 - f64::from(v))
        }
        Category::Texture => textured(format, &text, strength, &mut rng),
    };
    Sample {
        category,
        strength,
        format,
        text,
        image,
    }
}

/// Pixels per module a format is printed at before distortion.
fn module_px(format: BarcodeFormat) -> u32 {
    match format {
        BarcodeFormat::QR_CODE | BarcodeFormat::DATA_MATRIX => 4,
        _ => 2,
    }
}

/// A text of the kind each format carries in the wild.
fn text_for(format: BarcodeFormat, rng: &mut Rng) -> String {
    let n = rng.next() % 100_000;
    match format {
        BarcodeFormat::QR_CODE => format!("https://capsule.example/pay?order={n:05}&v=2"),
        BarcodeFormat::EAN_13 => {
            let digits: Vec<u32> = format!("400{:09}", rng.next() % 1_000_000_000)
                .chars()
                .filter_map(|c| c.to_digit(10))
                .collect();
            let sum: u32 = digits
                .iter()
                .enumerate()
                .map(|(i, d)| if i % 2 == 0 { *d } else { 3 * d })
                .sum();
            let check = (10 - sum % 10) % 10;
            digits
                .iter()
                .chain(std::iter::once(&check))
                .map(u32::to_string)
                .collect()
        }
        BarcodeFormat::CODE_128 => format!("CAP-{n:05}-X"),
        BarcodeFormat::DATA_MATRIX => format!("DM lot {n:05} / capsule"),
        _ => format!("PDF417 capsule ticket {n:05}"),
    }
}

/// The code alone, black on white, `module` pixels per module, without a quiet zone.
fn render(format: BarcodeFormat, text: &str, module: u32) -> GrayImage {
    let matrix = rxing::MultiFormatWriter
        .encode(text, &format, 0, 0)
        .unwrap_or_else(|e| panic!("{format:?} cannot encode {text:?}: {e}"));
    // 1D codes come as one row of bars; print them 30 modules tall.
    let (rows, row_px) = if matrix.height() == 1 {
        (1, module * 30)
    } else {
        (matrix.height(), module)
    };
    // PDF417 rows are 3 modules tall when the writer gives one bit per row.
    let row_px = if format == BarcodeFormat::PDF_417 && matrix.height() < matrix.width() / 4 {
        row_px * 3
    } else {
        row_px
    };
    // rxing's 1D writers add their own margin; trim blank columns and rows.
    let xs: Vec<u32> = (0..matrix.width())
        .filter(|&x| (0..matrix.height()).any(|y| matrix.get(x, y)))
        .collect();
    let ys: Vec<u32> = (0..matrix.height())
        .filter(|&y| (0..matrix.width()).any(|x| matrix.get(x, y)))
        .collect();
    let (x0, x1) = (xs[0], xs[xs.len() - 1] + 1);
    let (y0, y1) = (ys[0], ys[ys.len() - 1] + 1);
    let rows = rows.min(y1 - y0).max(1);
    GrayImage::from_fn((x1 - x0) * module, rows * row_px, |x, y| {
        let my = if matrix.height() == 1 {
            0
        } else {
            y0 + y / row_px
        };
        if matrix.get(x0 + x / module, my) {
            image::Luma([0])
        } else {
            image::Luma([255])
        }
    })
}

/// `code` on white with `margin` pixels all round.
fn on_white(code: &GrayImage, margin: u32) -> GrayImage {
    let mut canvas = GrayImage::from_pixel(
        code.width() + 2 * margin,
        code.height() + 2 * margin,
        image::Luma([255]),
    );
    imageops::replace(&mut canvas, code, i64::from(margin), i64::from(margin));
    canvas
}

/// Every pixel through `f(x, y, value)`, clamped to 0–255.
fn map(image: &GrayImage, mut f: impl FnMut(f64, f64, u8) -> f64) -> GrayImage {
    GrayImage::from_fn(image.width(), image.height(), |x, y| {
        let v = f(f64::from(x), f64::from(y), image.get_pixel(x, y)[0]);
        image::Luma([v.round().clamp(0.0, 255.0) as u8])
    })
}

/// Bilinear sample of `image` at (`x`, `y`), `fill` outside.
fn sample_at(image: &GrayImage, x: f64, y: f64, fill: u8) -> f64 {
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let at = |xi: f64, yi: f64| {
        if xi < 0.0 || yi < 0.0 || xi >= f64::from(image.width()) || yi >= f64::from(image.height())
        {
            f64::from(fill)
        } else {
            f64::from(image.get_pixel(xi as u32, yi as u32)[0])
        }
    };
    let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1.0, y0) * fx;
    let bottom = at(x0, y0 + 1.0) * (1.0 - fx) + at(x0 + 1.0, y0 + 1.0) * fx;
    top * (1.0 - fy) + bottom * fy
}

/// `image` turned by `degrees` about its centre on a white canvas that holds all of it.
fn rotate(image: &GrayImage, degrees: f64) -> GrayImage {
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (w, h) = (f64::from(image.width()), f64::from(image.height()));
    let (nw, nh) = (
        (w * cos.abs() + h * sin.abs()).ceil(),
        (w * sin.abs() + h * cos.abs()).ceil(),
    );
    GrayImage::from_fn(nw as u32, nh as u32, |x, y| {
        let (dx, dy) = (f64::from(x) + 0.5 - nw / 2.0, f64::from(y) + 0.5 - nh / 2.0);
        let sx = cos * dx + sin * dy + w / 2.0 - 0.5;
        let sy = -sin * dx + cos * dy + h / 2.0 - 0.5;
        image::Luma([sample_at(image, sx, sy, 255).round() as u8])
    })
}

/// `image` as a camera sees it from an angle: each corner moved inwards by up to `amount`
/// of the picture's size, a projective warp.
fn perspective(image: &GrayImage, amount: f64, rng: &mut Rng) -> GrayImage {
    let (w, h) = (f64::from(image.width()), f64::from(image.height()));
    // One side recedes (shorter), the others jitter a little.
    let pull = |rng: &mut Rng, scale: f64| amount * scale * (0.6 + 0.4 * rng.unit());
    let right = [
        (pull(rng, 0.3) * w, pull(rng, 0.2) * h),
        (w - pull(rng, 1.0) * w, pull(rng, 1.0) * h),
        (w - pull(rng, 1.0) * w, h - pull(rng, 1.0) * h),
        (pull(rng, 0.3) * w, h - pull(rng, 0.2) * h),
    ];
    // The square-to-quad homography (Heckbert) for the corners, inverted to map the output
    // back into the picture.
    let forward = square_to_quad(right);
    let inverse = invert3(forward);
    GrayImage::from_fn(image.width(), image.height(), |x, y| {
        let (px, py) = (f64::from(x) + 0.5, f64::from(y) + 0.5);
        let m = &inverse;
        let d = m[6] * px + m[7] * py + m[8];
        let (u, v) = (
            (m[0] * px + m[1] * py + m[2]) / d,
            (m[3] * px + m[4] * py + m[5]) / d,
        );
        image::Luma([sample_at(image, u * w - 0.5, v * h - 0.5, 255).round() as u8])
    })
}

/// The projective map of the unit square's corners (0,0), (1,0), (1,1), (0,1) onto `quad`,
/// as a row-major 3x3 matrix.
fn square_to_quad(quad: [(f64, f64); 4]) -> [f64; 9] {
    let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = quad;
    let (sx, sy) = (x0 - x1 + x2 - x3, y0 - y1 + y2 - y3);
    let (dx1, dy1, dx2, dy2) = (x1 - x2, y1 - y2, x3 - x2, y3 - y2);
    let den = dx1 * dy2 - dx2 * dy1;
    let g = (sx * dy2 - dx2 * sy) / den;
    let h = (dx1 * sy - sx * dy1) / den;
    [
        x1 - x0 + g * x1,
        x3 - x0 + h * x3,
        x0,
        y1 - y0 + g * y1,
        y3 - y0 + h * y3,
        y0,
        g,
        h,
        1.0,
    ]
}

/// The inverse of a 3x3 matrix (up to scale: the adjugate).
fn invert3(m: [f64; 9]) -> [f64; 9] {
    [
        m[4] * m[8] - m[5] * m[7],
        m[2] * m[7] - m[1] * m[8],
        m[1] * m[5] - m[2] * m[4],
        m[5] * m[6] - m[3] * m[8],
        m[0] * m[8] - m[2] * m[6],
        m[2] * m[3] - m[0] * m[5],
        m[3] * m[7] - m[4] * m[6],
        m[1] * m[6] - m[0] * m[7],
        m[0] * m[4] - m[1] * m[3],
    ]
}

/// A photo-sized picture (a soft grey scene with some clutter) with the code small in it,
/// anti-aliased from a larger rendering.
fn small_in_photo(format: BarcodeFormat, text: &str, strength: u8, rng: &mut Rng) -> GrayImage {
    let (width, height, module) = [
        (1280, 960, 2.0),
        (1920, 1440, 1.7),
        (2592, 1944, 1.5),
        (4000, 3000, 2.0),
    ][usize::from(strength - 1)];
    let big = on_white(&render(format, text, 8), 40);
    let (cw, ch) = (
        (f64::from(big.width()) * module / 8.0).round() as u32,
        (f64::from(big.height()) * module / 8.0).round() as u32,
    );
    let code = imageops::resize(&big, cw, ch, FilterType::Triangle);
    let mut photo = scene(width, height, 90.0, rng);
    let x = (rng.unit() * f64::from(width - cw)) as i64;
    let y = (rng.unit() * f64::from(height - ch)) as i64;
    imageops::replace(&mut photo, &code, x, y);
    // A slight lens softness over everything.
    imageops::blur(&photo, 0.6)
}

/// The code with a quiet zone of two modules on a busy background: smooth blotches, fine
/// grain and dark strokes like print on packaging.
fn textured(format: BarcodeFormat, text: &str, strength: u8, rng: &mut Rng) -> GrayImage {
    let module = module_px(format);
    let code = render(format, text, module);
    let quiet = if format == BarcodeFormat::EAN_13 || format == BarcodeFormat::CODE_128 {
        8 * module
    } else {
        2 * module
    };
    let boxed = on_white(&code, quiet);
    let (width, height) = (boxed.width() + 160, boxed.height() + 160);
    let contrast = [50.0, 90.0, 130.0, 170.0][usize::from(strength - 1)];
    let mut picture = scene(width, height, contrast, rng);
    imageops::replace(&mut picture, &boxed, 80, 80);
    picture
}

/// A grey background: low-frequency blotches of `contrast` levels, grain, and dark strokes.
fn scene(width: u32, height: u32, contrast: f64, rng: &mut Rng) -> GrayImage {
    // Value noise on a coarse grid, bilinearly interpolated.
    let cell = 48.0;
    let (gw, gh) = (
        (f64::from(width) / cell).ceil() as usize + 2,
        (f64::from(height) / cell).ceil() as usize + 2,
    );
    let grid: Vec<f64> = (0..gw * gh).map(|_| rng.unit()).collect();
    let strokes: Vec<(f64, f64, f64, f64)> = (0..(width * height / 6000).max(8))
        .map(|_| {
            (
                rng.unit() * f64::from(width),
                rng.unit() * f64::from(height),
                (rng.unit() - 0.5) * 60.0,
                (rng.unit() - 0.5) * 20.0,
            )
        })
        .collect();
    let mut picture = GrayImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (f64::from(x) / cell, f64::from(y) / cell);
        let (ix, iy) = (fx as usize, fy as usize);
        let (tx, ty) = (fx - ix as f64, fy - iy as f64);
        let g = |i: usize, j: usize| grid[j * gw + i];
        let v = (g(ix, iy) * (1.0 - tx) + g(ix + 1, iy) * tx) * (1.0 - ty)
            + (g(ix, iy + 1) * (1.0 - tx) + g(ix + 1, iy + 1) * tx) * ty;
        image::Luma([(200.0 - contrast / 2.0 + contrast * v).clamp(0.0, 255.0) as u8])
    });
    for (x, y, dx, dy) in strokes {
        let steps = dx.abs().max(dy.abs()).max(1.0) as u32;
        for step in 0..=steps {
            let t = f64::from(step) / f64::from(steps);
            let (px, py) = ((x + dx * t) as i64, (y + dy * t) as i64);
            for (ox, oy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                let (qx, qy) = (px + ox, py + oy);
                if qx >= 0 && qy >= 0 && qx < i64::from(width) && qy < i64::from(height) {
                    let shade = (200.0 - contrast).clamp(0.0, 255.0) as u8;
                    picture.put_pixel(qx as u32, qy as u32, image::Luma([shade]));
                }
            }
        }
    }
    for pixel in picture.pixels_mut() {
        let grain = 0.08 * contrast * rng.gaussian();
        pixel[0] = (f64::from(pixel[0]) + grain).clamp(0.0, 255.0) as u8;
    }
    picture
}

/// A small seeded xorshift64* generator: the set must be the same on every machine.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        let mut rng = Self(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        for _ in 0..8 {
            rng.next();
        }
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    fn gaussian(&mut self) -> f64 {
        let u = self.unit().max(1e-12);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}
