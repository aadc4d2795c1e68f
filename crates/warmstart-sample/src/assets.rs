//! Deterministic, valid image bytes for the apps' `static/` folders: an SVG
//! icon and small PNGs (stored-deflate zlib, so no compressor is needed and
//! the bytes never depend on a library version).

use crate::rng::Rng;

/// An app icon: a rounded square in a seeded colour with the app's initial.
pub(crate) fn svg_icon(rng: &mut Rng, label: &str) -> String {
    let colour = rng.next_u64() & 0xFF_FFFF;
    let initial = label
        .chars()
        .find(|c| c.is_ascii_alphabetic())
        .unwrap_or('A')
        .to_ascii_uppercase();
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"56\" height=\"56\" viewBox=\"0 0 56 56\">\n  \
         <rect width=\"56\" height=\"56\" rx=\"12\" fill=\"#{colour:06x}\"/>\n  \
         <text x=\"28\" y=\"37\" font-family=\"sans-serif\" font-size=\"26\" text-anchor=\"middle\" fill=\"#fff\">{initial}</text>\n\
         </svg>\n"
    )
}

/// A `side`×`side` RGB PNG with a seeded two-colour stripe pattern.
pub(crate) fn png(rng: &mut Rng, side: u32) -> Vec<u8> {
    let a = rng.next_u64().to_le_bytes();
    let b = rng.next_u64().to_le_bytes();
    let mut raw = Vec::with_capacity(((side * 3 + 1) * side) as usize);
    for y in 0..side {
        raw.push(0); // filter: none
        for x in 0..side {
            let c = if (x / 4 + y / 4) % 2 == 0 { &a } else { &b };
            raw.extend_from_slice(&c[..3]);
        }
    }
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&side.to_be_bytes());
    ihdr.extend_from_slice(&side.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &zlib_stored(&raw));
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = data.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    let (mut s1, mut s2) = (1u32, 0u32);
    for &byte in data {
        s1 = (s1 + u32::from(byte)) % 65_521;
        s2 = (s2 + s1) % 65_521;
    }
    out.extend_from_slice(&((s2 << 16) | s1).to_be_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_the_reference_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn png_has_signature_and_end() {
        let bytes = png(&mut Rng::new(1, 2), 16);
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert_eq!(&bytes[bytes.len() - 8..bytes.len() - 4], b"IEND");
    }
}
