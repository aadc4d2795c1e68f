//! The bytes of a bucket file.
//!
//! ```text
//! warmstart-cache 2\n                        magic and container version
//! {"warmstart":"0.1.0","bucket":"graph-v1",  one JSON line: who wrote it,
//!  "codec":"postcard","context":"…",          for which inputs, how many
//!  "entries":5000,"bytes":…,"hash":"…"}\n     entries, body length and hash
//! <body>                                      the entries, by key hash
//! ```
//!
//! The header is JSON so that `head -2` explains a file and `cache stats`
//! can read it without decoding the body. The body's length and xxh3 hash
//! are checked before decoding: a truncated file or random bytes are
//! detected for certain, instead of trusting a decoder not to turn garbage
//! into plausible values.

use serde::{Deserialize, Serialize};

use crate::stamp::hash_bytes;

/// First line of every bucket file.
pub(crate) const MAGIC: &[u8] = b"warmstart-cache 2\n";

/// The version of warmstart that writes files; a file written by any other
/// version is ignored, so a release that changes a value type without
/// bumping its bucket version still never reads old bytes.
pub(crate) const WARMSTART_VERSION: &str = env!("CARGO_PKG_VERSION");

/// How a bucket's values are serialized (the records around them — key,
/// stamps — are always postcard).
///
/// * [`Codec::Postcard`] (the default): compact and fast, but not
///   self-describing: values must not use `serde_json::Value`,
///   `#[serde(untagged)]`, `flatten` or `skip_serializing_if`. A value that
///   cannot be read back is reported once and recomputed.
/// * [`Codec::Json`]: for values that need those (evaluated app metadata
///   kept as `serde_json::Value`); larger and slower.
///
/// Values are decoded lazily, on a hit, so the codec's cost is paid per
/// value used, not at load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Codec {
    #[default]
    Postcard,
    Json,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Header {
    pub warmstart: String,
    pub bucket: String,
    pub codec: Codec,
    pub context: String,
    pub entries: u64,
    pub bytes: u64,
    pub hash: String,
}

pub(crate) fn hex(v: u128) -> String {
    format!("{v:032x}")
}

/// Why a file's contents were not used.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Rejected {
    /// Written by another warmstart, for another context, with another
    /// codec: expected after an upgrade or a config change, not a warning.
    Stale(String),
    /// Truncated, garbage, or undecodable: worth a warning.
    Damaged(String),
}

/// Splits a file into its header and body, checking magic, length and hash.
pub(crate) fn split(bytes: &[u8]) -> Result<(Header, &[u8]), Rejected> {
    let rest = bytes
        .strip_prefix(MAGIC)
        .ok_or_else(|| Rejected::Damaged("not a warmstart cache file (bad magic)".into()))?;
    let nl = rest
        .iter()
        .position(|&b| b == b'\n')
        .ok_or_else(|| Rejected::Damaged("truncated header".into()))?;
    let header: Header = serde_json::from_slice(&rest[..nl])
        .map_err(|e| Rejected::Damaged(format!("bad header: {e}")))?;
    let body = &rest[nl + 1..];
    if header.warmstart != WARMSTART_VERSION {
        return Err(Rejected::Stale(format!(
            "written by warmstart {}",
            header.warmstart
        )));
    }
    if body.len() as u64 != header.bytes {
        return Err(Rejected::Damaged(format!(
            "truncated or padded: body has {} bytes, header says {}",
            body.len(),
            header.bytes
        )));
    }
    if hex(hash_bytes(body)) != header.hash {
        return Err(Rejected::Damaged("checksum mismatch".into()));
    }
    Ok((header, body))
}

/// Reads only the header (for `cache stats`), without checking the body.
pub(crate) fn peek_header(bytes: &[u8]) -> Option<Header> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let nl = rest.iter().position(|&b| b == b'\n')?;
    serde_json::from_slice(&rest[..nl]).ok()
}

/// Decodes the body: always postcard (the records are types of this crate;
/// the codec applies to the values inside them).
pub(crate) fn decode<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, Rejected> {
    postcard::from_bytes(body).map_err(|e| Rejected::Damaged(format!("cannot decode entries: {e}")))
}

/// The file for `entries` records in `body` in memory, as [`write`] writes
/// it but for its header's padding (what the tests compare it with);
/// `size_hint`: about how many
/// bytes the body takes (a body of megabytes grown from empty is copied
/// over and over).
#[cfg(test)]
pub(crate) fn encode<T: Serialize + ?Sized>(
    bucket: &str,
    codec: Codec,
    context: u128,
    entries: u64,
    body: &T,
    size_hint: usize,
) -> Result<Encoded, String> {
    let body =
        postcard::to_extend(body, Vec::with_capacity(size_hint)).map_err(|e| e.to_string())?;
    let header = Header {
        warmstart: WARMSTART_VERSION.to_string(),
        bucket: bucket.to_string(),
        codec,
        context: hex(context),
        entries,
        bytes: body.len() as u64,
        hash: hex(hash_bytes(&body)),
    };
    let mut head = Vec::with_capacity(256);
    head.extend_from_slice(MAGIC);
    serde_json::to_writer(&mut head, &header).map_err(|e| e.to_string())?;
    head.push(b'\n');
    Ok(Encoded {
        head,
        body,
        hash: header.hash,
    })
}

/// Writes the file for `entries` records in `body` at the start of `out`
/// (a fresh file) and returns its checksum as the header names it: the
/// same file as [`encode`]'s but for spaces at the end of the header line.
///
/// The body is streamed through a small buffer and hashed as it goes,
/// not encoded into one buffer first: on a first run that fills the cache
/// for Cal.com that buffer was 1.3 MB of fresh memory, and copying into
/// it ~1.3 ms of the saving thread's ~5 ms while both cores were busy. The
/// header, which comes first but names the body's length and hash, is
/// written with the widest length and hash there are, then over again in
/// place with the real ones padded with spaces (JSON whitespace) to the
/// same width.
pub(crate) fn write<T, F>(
    out: &mut F,
    bucket: &str,
    codec: Codec,
    context: u128,
    entries: u64,
    body: &T,
) -> std::io::Result<String>
where
    T: Serialize + ?Sized,
    F: std::io::Write + std::io::Seek,
{
    let header = |bytes: u64, hash: u128| Header {
        warmstart: WARMSTART_VERSION.to_string(),
        bucket: bucket.to_string(),
        codec,
        context: hex(context),
        entries,
        bytes,
        hash: hex(hash),
    };
    let line = |header: &Header, width: usize| -> std::io::Result<Vec<u8>> {
        let mut line = Vec::with_capacity(256);
        line.extend_from_slice(MAGIC);
        serde_json::to_writer(&mut line, header)?;
        if line.len() < width {
            line.resize(width, b' ');
        }
        line.push(b'\n');
        Ok(line)
    };
    let widest = line(&header(u64::MAX, u128::MAX), 0)?;
    out.write_all(&widest)?;
    // Hashed behind the buffer, so the hasher sees large slices, not each
    // field postcard writes.
    let mut sink = std::io::BufWriter::with_capacity(
        1 << 16,
        Hashing {
            out: &mut *out,
            hasher: xxhash_rust::xxh3::Xxh3::new(),
            bytes: 0,
        },
    );
    postcard::to_io(body, &mut sink).map_err(std::io::Error::other)?;
    let hashing = sink.into_inner().map_err(|e| e.into_error())?;
    let (bytes, hash) = (hashing.bytes, hashing.hasher.digest128());
    let real = line(&header(bytes, hash), widest.len() - 1)?;
    if real.len() != widest.len() {
        return Err(std::io::Error::other("the header outgrew its room"));
    }
    out.seek(std::io::SeekFrom::Start(0))?;
    out.write_all(&real)?;
    Ok(hex(hash))
}

/// Passes writes on, hashing and counting what went through.
struct Hashing<W> {
    out: W,
    hasher: xxhash_rust::xxh3::Xxh3,
    bytes: u64,
}

impl<W: std::io::Write> std::io::Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// A bucket file in its two parts.
#[cfg(test)]
pub(crate) struct Encoded {
    pub head: Vec<u8>,
    pub body: Vec<u8>,
    /// The body's checksum, as the header names it.
    pub hash: String,
}

#[cfg(test)]
impl Encoded {
    /// The file's bytes in one buffer.
    pub(crate) fn to_vec(&self) -> Vec<u8> {
        [&self.head[..], &self.body[..]].concat()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        encode(
            "t-v1",
            Codec::Postcard,
            7,
            2,
            &vec![(1u32, "a"), (2, "b")],
            0,
        )
        .unwrap()
        .to_vec()
    }

    #[test]
    fn round_trip() {
        let bytes = sample();
        let (h, body) = split(&bytes).unwrap();
        assert_eq!(h.bucket, "t-v1");
        assert_eq!(h.entries, 2);
        let v: Vec<(u32, String)> = decode(body).unwrap();
        assert_eq!(v, vec![(1, "a".to_string()), (2, "b".to_string())]);
    }

    /// A file written streamed is the encoded file but for spaces ending
    /// its header line: the same header fields (the body's length and
    /// hash), the same body, and its checksum as the header names it.
    #[test]
    fn a_streamed_file_is_the_encoded_file() {
        let body: Vec<(u32, String)> = (0..20_000).map(|i| (i, format!("value {i}"))).collect();
        let encoded = encode("t-v1", Codec::Postcard, 7, 20_000, &body, 0).unwrap();
        let mut out = std::io::Cursor::new(Vec::new());
        let hash = write(&mut out, "t-v1", Codec::Postcard, 7, 20_000, &body).unwrap();
        let streamed = out.into_inner();
        assert!(
            streamed.len() > (1 << 16) * 2,
            "more than one buffer's worth"
        );
        assert_eq!(hash, encoded.hash);
        let (header, streamed_body) = split(&streamed).unwrap();
        let whole = encoded.to_vec();
        let (want, want_body) = split(&whole).unwrap();
        assert_eq!(header, want);
        assert_eq!(streamed_body, want_body);
        let head_end = streamed.len() - streamed_body.len() - 1;
        let padding = &streamed[encoded.head.len() - 1..head_end];
        assert!(!padding.is_empty() && padding.iter().all(|&b| b == b' '));
        assert_eq!(peek_header(&streamed), Some(want));
    }

    #[test]
    fn every_truncation_is_rejected() {
        let bytes = sample();
        for len in 0..bytes.len() {
            assert!(
                split(&bytes[..len]).is_err(),
                "prefix of {len} bytes accepted"
            );
        }
    }

    #[test]
    fn flipped_body_byte_is_rejected() {
        let mut bytes = sample();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert_eq!(
            split(&bytes).unwrap_err(),
            Rejected::Damaged("checksum mismatch".into())
        );
    }

    #[test]
    fn other_version_is_stale() {
        // The version is checked before the checksum, so editing only the
        // header is enough to stand for a file from another release.
        let bytes = sample();
        let other = String::from_utf8_lossy(&bytes).replace(WARMSTART_VERSION, "0.0.0-other");
        assert!(matches!(split(other.as_bytes()), Err(Rejected::Stale(_))));
    }
}
