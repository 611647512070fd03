//! The size of a picture from its header, for the `load` an `<image>` reports headless
//! (`{width, height}`, as the window's decoder gives them): PNG, JPEG (turned as its Exif
//! orientation says, as WebKit draws it), GIF, WebP (lossy, lossless and extended) and BMP.
//! Only the header is read; anything else is not a picture this knows.

/// The width and height of the picture in `bytes`, or `None` when it is not a PNG, JPEG, GIF,
/// WebP or BMP with a whole header.
pub(crate) fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        // The IHDR chunk comes first: length, "IHDR", width, height.
        (bytes.get(12..16)? == b"IHDR").then_some(())?;
        return Some((be32(bytes, 16)?, be32(bytes, 20)?));
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some((le16(bytes, 6)?.into(), le16(bytes, 8)?.into()));
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12)? == b"WEBP" {
        return webp(bytes);
    }
    if bytes.starts_with(&[0xff, 0xd8]) {
        return jpeg(bytes);
    }
    if bytes.starts_with(b"BM") {
        return bmp(bytes);
    }
    None
}

/// BMP: the DIB header after the 14-byte file header; a bottom-up picture's height is
/// negative in the newer headers.
fn bmp(bytes: &[u8]) -> Option<(u32, u32)> {
    let header = u32::from_le_bytes(bytes.get(14..18)?.try_into().ok()?);
    if header == 12 {
        return Some((le16(bytes, 18)?.into(), le16(bytes, 20)?.into()));
    }
    let width = i32::from_le_bytes(bytes.get(18..22)?.try_into().ok()?);
    let height = i32::from_le_bytes(bytes.get(22..26)?.try_into().ok()?);
    Some((width.unsigned_abs(), height.unsigned_abs()))
}

fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn le16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn le24(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 3)?;
    Some(u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16)
}

/// WebP: the first chunk after the RIFF header says the kind.
fn webp(bytes: &[u8]) -> Option<(u32, u32)> {
    match bytes.get(12..16)? {
        // Lossy: a key frame's start code, then 14-bit width and height.
        b"VP8 " => {
            (bytes.get(23..26)? == [0x9d, 0x01, 0x2a]).then_some(())?;
            let width = le16(bytes, 26)? & 0x3fff;
            let height = le16(bytes, 28)? & 0x3fff;
            Some((width.into(), height.into()))
        }
        // Lossless: a signature byte, then width - 1 and height - 1 in 14 bits each.
        b"VP8L" => {
            (*bytes.get(20)? == 0x2f).then_some(())?;
            let bits = u32::from_le_bytes(bytes.get(21..25)?.try_into().ok()?);
            Some(((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1))
        }
        // Extended: the canvas, width - 1 and height - 1 in 24 bits each.
        b"VP8X" => Some((le24(bytes, 24)? + 1, le24(bytes, 27)? + 1)),
        _ => None,
    }
}

/// JPEG: the size is in the start-of-frame segment; an Exif orientation of 5 to 8 (a quarter
/// turn) swaps it.
fn jpeg(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    let mut turned = false;
    loop {
        // Segments start with 0xff (padding 0xff bytes may come before the marker).
        while *bytes.get(at)? == 0xff && *bytes.get(at + 1)? == 0xff {
            at += 1;
        }
        (*bytes.get(at)? == 0xff).then_some(())?;
        let marker = *bytes.get(at + 1)?;
        // Markers without a length: TEM and the restart markers.
        if marker == 0x01 || (0xd0..=0xd7).contains(&marker) {
            at += 2;
            continue;
        }
        let length = usize::from(be16(bytes, at + 2)?);
        if length < 2 {
            return None;
        }
        let body = bytes.get(at + 4..at + 2 + length)?;
        match marker {
            0xe1 if body.starts_with(b"Exif\0\0") => {
                turned = exif_orientation(&body[6..]).is_some_and(|o| (5..=8).contains(&o));
            }
            // Start of frame (not DHT 0xc4, JPG 0xc8 or DAC 0xcc): precision, height, width.
            0xc0..=0xcf if !matches!(marker, 0xc4 | 0xc8 | 0xcc) => {
                let height = u32::from(be16(body, 1)?);
                let width = u32::from(be16(body, 3)?);
                return Some(if turned {
                    (height, width)
                } else {
                    (width, height)
                });
            }
            // Start of scan or end of image before any frame: no size.
            0xda | 0xd9 => return None,
            _ => {}
        }
        at += 2 + length;
    }
}

/// The orientation (tag 0x0112) of the first image directory of TIFF data `tiff`.
fn exif_orientation(tiff: &[u8]) -> Option<u16> {
    let little = match tiff.get(0..2)? {
        b"II" => true,
        b"MM" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = tiff.get(at..at + 2)?.try_into().ok()?;
        Some(if little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(at..at + 4)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let directory = usize::try_from(u32_at(4)?).ok()?;
    let entries = u16_at(directory)?;
    (0..usize::from(entries))
        .map(|i| directory + 2 + i * 12)
        .find(|&entry| u16_at(entry) == Some(0x0112))
        .and_then(|entry| u16_at(entry + 8))
}

#[cfg(test)]
mod tests {
    use super::dimensions;

    /// A JPEG made of `segments` (marker, body) after SOI.
    fn jpeg(segments: &[(u8, Vec<u8>)]) -> Vec<u8> {
        let mut out = vec![0xff, 0xd8];
        for (marker, body) in segments {
            out.extend([0xff, *marker]);
            let length = u16::try_from(body.len() + 2).unwrap_or(u16::MAX);
            out.extend(length.to_be_bytes());
            out.extend(body);
        }
        out
    }

    /// A start-of-frame body: 8-bit precision, `height`, `width`, one component.
    fn frame(width: u16, height: u16) -> Vec<u8> {
        let mut body = vec![8];
        body.extend(height.to_be_bytes());
        body.extend(width.to_be_bytes());
        body.extend([1, 1, 0x11, 0]);
        body
    }

    /// An Exif APP1 body (big-endian TIFF) whose first directory has `orientation`.
    fn exif(orientation: u16) -> Vec<u8> {
        let mut body = b"Exif\0\0MM\0\x2a\0\0\0\x08".to_vec();
        body.extend(1u16.to_be_bytes());
        body.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1]);
        body.extend(orientation.to_be_bytes());
        body.extend([0, 0, 0, 0, 0, 0]);
        body
    }

    /// A BMP whose DIB header is `size` bytes, with these width and height bytes.
    fn bmp(size: u32, width: &[u8], height: &[u8]) -> Vec<u8> {
        let mut out = b"BM".to_vec();
        out.extend([0; 12]);
        out.extend(size.to_le_bytes());
        out.extend(width);
        out.extend(height);
        out.extend([1, 0, 24, 0]);
        out
    }

    fn riff(chunk: &[u8], payload: &[u8]) -> Vec<u8> {
        let mut out = b"RIFF\0\0\0\0WEBP".to_vec();
        out.extend(chunk);
        out.extend(u32::try_from(payload.len()).unwrap_or(0).to_le_bytes());
        out.extend(payload);
        out
    }

    #[test]
    fn sizes_of_every_kind_the_platforms_draw() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend(240u32.to_be_bytes());
        png.extend(160u32.to_be_bytes());
        png.extend([8, 2, 0, 0, 0]);
        let mut gif = b"GIF89a".to_vec();
        gif.extend(120u16.to_le_bytes());
        gif.extend(180u16.to_le_bytes());
        let mut lossy = vec![0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a];
        lossy.extend(640u16.to_le_bytes());
        lossy.extend(480u16.to_le_bytes());
        // Lossless: 100 × 50 is width - 1 = 99 and height - 1 = 49 packed in 14 bits each.
        let bits: u32 = 99 | (49 << 14);
        let mut lossless = vec![0x2f];
        lossless.extend(bits.to_le_bytes());
        let mut extended = vec![0x10, 0, 0, 0];
        extended.extend([0xff, 0x03, 0x00, 0x1f, 0x02, 0x00]); // 1024 × 544
        /// A picture's name, its bytes and the size read from them.
        type Case = (&'static str, Vec<u8>, Option<(u32, u32)>);
        let cases: Vec<Case> = vec![
            ("png", png.clone(), Some((240, 160))),
            ("gif", gif, Some((120, 180))),
            ("webp lossy", riff(b"VP8 ", &lossy), Some((640, 480))),
            ("webp lossless", riff(b"VP8L", &lossless), Some((100, 50))),
            ("webp extended", riff(b"VP8X", &extended), Some((1024, 544))),
            (
                "jpeg",
                jpeg(&[(0xe0, b"JFIF\0".to_vec()), (0xc0, frame(300, 200))]),
                Some((300, 200)),
            ),
            (
                "progressive jpeg",
                jpeg(&[(0xc2, frame(64, 32))]),
                Some((64, 32)),
            ),
            (
                "jpeg turned a quarter",
                jpeg(&[(0xe1, exif(6)), (0xc0, frame(300, 200))]),
                Some((200, 300)),
            ),
            (
                "jpeg upside down",
                jpeg(&[(0xe1, exif(3)), (0xc0, frame(300, 200))]),
                Some((300, 200)),
            ),
            ("jpeg with no frame", jpeg(&[(0xda, vec![0, 0])]), None),
            ("cut-off png", png[..18].to_vec(), None),
            (
                "text",
                b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec(),
                None,
            ),
            (
                "bmp",
                bmp(40, &30i32.to_le_bytes(), &(-20i32).to_le_bytes()),
                Some((30, 20)),
            ),
            ("old bmp", bmp(12, &[7, 0], &[9, 0]), Some((7, 9))),
            ("nothing", Vec::new(), None),
        ];
        for (name, bytes, want) in cases {
            assert_eq!(dimensions(&bytes), want, "{name}");
        }
    }

    #[test]
    fn the_gallery_pictures() {
        let landscape =
            include_bytes!("../../../examples/component-gallery-wechat/images/landscape.png");
        let portrait =
            include_bytes!("../../../examples/component-gallery-wechat/images/portrait.png");
        assert_eq!(dimensions(landscape), Some((240, 160)));
        assert_eq!(dimensions(portrait), Some((120, 180)));
    }
}
