//! Distorted pictures from the scan benchmark's generator that must keep decoding: an
//! inverted QR code (light on dark, as phones read them), a low-contrast QR code, blurred and
//! turned EAN-13s, a Code 128 in uneven light, a noisy DataMatrix, a PDF417 in perspective and
//! a small code in a large photo, each written as a PNG file and read back as the host's
//! `ImageFileSource` would; and several codes in one picture.

#[allow(dead_code, unreachable_pub)] // shared with the benchmark, which uses all of it
#[path = "../benches/scan/distortions.rs"]
mod distortions;

use std::time::Duration;

use capsule_jsapi::{CodeFormat, DecodeOptions, ScanImage};
use distortions::{Category, Sample};
use rxing::BarcodeFormat;

/// Decoding options for debug builds, where rxing runs unoptimised: these tests check what
/// is found, the benchmark measures how fast.
fn patient() -> DecodeOptions {
    DecodeOptions {
        budget: Duration::from_secs(120),
        ..DecodeOptions::default()
    }
}

fn code_format(format: BarcodeFormat) -> CodeFormat {
    match format {
        BarcodeFormat::QR_CODE => CodeFormat::QrCode,
        BarcodeFormat::EAN_13 => CodeFormat::Ean13,
        BarcodeFormat::CODE_128 => CodeFormat::Code128,
        BarcodeFormat::DATA_MATRIX => CodeFormat::DataMatrix,
        _ => CodeFormat::Pdf417,
    }
}

/// The sample written to a PNG file and read back.
fn from_png(sample: &Sample, dir: &std::path::Path) -> ScanImage {
    let path = dir.join(sample.file_name());
    sample.image.save(&path).expect("PNG written");
    ScanImage::from_file(&path).expect("PNG read")
}

#[test]
fn distorted_codes_decode() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        (Category::Inverted, BarcodeFormat::QR_CODE, 1),
        (Category::Inverted, BarcodeFormat::DATA_MATRIX, 3),
        (Category::LowContrast, BarcodeFormat::QR_CODE, 4),
        (Category::Blur, BarcodeFormat::EAN_13, 2),
        (Category::Rotation, BarcodeFormat::EAN_13, 2),
        (Category::UnevenLight, BarcodeFormat::CODE_128, 4),
        (Category::Noise, BarcodeFormat::DATA_MATRIX, 3),
        (Category::Perspective, BarcodeFormat::PDF_417, 3),
    ];
    for (category, format, strength) in cases {
        let sample = distortions::sample(category, format, strength);
        let name = sample.file_name();
        let code = from_png(&sample, dir.path())
            .decode(&patient())
            .unwrap_or_else(|| panic!("{name}: nothing decoded"));
        assert_eq!(
            (code.format, code.text.as_str()),
            (code_format(format), sample.text.as_str()),
            "{name}"
        );
        assert_eq!(code.inverted, category == Category::Inverted, "{name}");
    }
}

#[test]
fn a_small_code_in_a_large_photo_is_found_where_it_is() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sample = distortions::sample(Category::Small, BarcodeFormat::QR_CODE, 1);
    let code = from_png(&sample, dir.path())
        .decode(&patient())
        .expect("decoded");
    assert_eq!(code.text, sample.text);
    // The centre lies on a dark-and-light part of the photo (the code), not on its smooth
    // background.
    let (x, y) = (code.center.0 as u32, code.center.1 as u32);
    let patch: Vec<u8> = (y.saturating_sub(8)..y + 8)
        .flat_map(|py| (x.saturating_sub(8)..x + 8).map(move |px| (px, py)))
        .filter(|&(px, py)| px < sample.image.width() && py < sample.image.height())
        .map(|(px, py)| sample.image.get_pixel(px, py)[0])
        .collect();
    let spread = patch.iter().max().zip(patch.iter().min());
    assert!(
        spread.is_some_and(|(max, min)| max - min > 100),
        "{:?}: {patch:?}",
        code.center
    );
}

#[test]
fn every_code_of_a_picture_and_the_one_in_the_middle() {
    let dir = tempfile::tempdir().expect("tempdir");
    let qr = distortions::sample(Category::Plain, BarcodeFormat::QR_CODE, 1);
    let ean = distortions::sample(Category::Plain, BarcodeFormat::EAN_13, 1);
    let matrix = distortions::sample(Category::Plain, BarcodeFormat::DATA_MATRIX, 1);
    // Side by side: EAN-13 on the left, the QR code in the middle, DataMatrix on the right.
    let parts = [&ean, &qr, &matrix];
    let width = parts.iter().map(|s| s.image.width()).sum::<u32>();
    let height = parts.iter().map(|s| s.image.height()).max().unwrap_or(1);
    let mut picture = image::GrayImage::from_pixel(width, height, image::Luma([255]));
    let mut x = 0;
    for part in parts {
        let y = (height - part.image.height()) / 2;
        image::imageops::replace(&mut picture, &part.image, i64::from(x), i64::from(y));
        x += part.image.width();
    }
    let path = dir.path().join("three.png");
    picture.save(&path).expect("PNG written");
    let image = ScanImage::from_file(&path).expect("PNG read");

    let mut all: Vec<(CodeFormat, String)> = image
        .decode_all(&patient())
        .into_iter()
        .map(|code| (code.format, code.text))
        .collect();
    all.sort();
    let mut expected = vec![
        (CodeFormat::QrCode, qr.text.clone()),
        (CodeFormat::Ean13, ean.text.clone()),
        (CodeFormat::DataMatrix, matrix.text.clone()),
    ];
    expected.sort();
    assert_eq!(all, expected);

    let middle = image.decode(&patient()).expect("decoded");
    assert_eq!(middle.text, qr.text, "the code nearest the centre");

    let only_bars = DecodeOptions {
        formats: vec![CodeFormat::Ean13],
        ..patient()
    };
    assert_eq!(
        image.decode(&only_bars).map(|code| code.text),
        Some(ean.text.clone())
    );
    let none = DecodeOptions {
        formats: Vec::new(),
        ..patient()
    };
    assert!(image.decode_all(&none).is_empty());
}

#[test]
fn a_picture_without_a_code_finds_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A corner of the benchmark's textured background: edges everywhere, no code.
    let textured = distortions::sample(Category::Texture, BarcodeFormat::QR_CODE, 4);
    let blank = image::imageops::crop_imm(&textured.image, 0, 0, 70, 70).to_image();
    let path = dir.path().join("blank.png");
    blank.save(&path).expect("PNG written");
    let image = ScanImage::from_file(&path).expect("PNG read");
    assert_eq!(image.decode(&patient()), None);
    assert!(image.decode_all(&patient()).is_empty());
}
