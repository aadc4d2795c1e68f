//! File fingerprints and content hashes, and the rules that decide when a
//! fingerprint alone may be trusted.
//!
//! The fast path compares `(size, mtime, ctime, inode)` from one `stat`; the
//! slow path reads the file and compares its xxh3-128 hash. A fingerprint is
//! trusted only when it was *confirmed*: recorded at a moment clearly after
//! the file's mtime (more than the granularity later), by a clock that has
//! not since gone backwards, for a file whose mtime is not in the future.
//! Otherwise a second edit inside the same mtime tick, or an edit made while
//! the clock was set back, could leave the fingerprint unchanged — the
//! "racy git" problem — so the content hash decides.

use std::fs::{File, Metadata};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::change::Stamp;
use crate::error::{CacheError, Result};

/// Hashes bytes the way the cache does (xxh3, 128 bits). Stable across runs,
/// machines and versions of warmstart: use it for context hashes too.
pub fn hash_bytes(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// Nanoseconds since the Unix epoch (negative before it).
pub(crate) fn unix_ns(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_nanos()).unwrap_or(i64::MAX),
    }
}

/// What the cache remembers about one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    pub size: u64,
    pub mtime_ns: i64,
    /// Status-change time (Unix); 0 elsewhere. Catches `touch -d` and tools
    /// that restore mtimes after rewriting a file.
    pub ctime_ns: i64,
    /// Inode number (Unix); 0 elsewhere.
    pub ino: u64,
    /// xxh3-128 of the contents.
    pub hash: u128,
    /// Wall-clock time at which the fingerprint was taken.
    pub recorded_ns: i64,
}

/// The fingerprint part of a stamp: what one `stat` gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fingerprint {
    pub size: u64,
    pub mtime_ns: i64,
    pub ctime_ns: i64,
    pub ino: u64,
}

impl Fingerprint {
    pub fn of(meta: &Metadata) -> Fingerprint {
        let mtime_ns = meta.modified().map(unix_ns).unwrap_or(0);
        #[cfg(unix)]
        let (ctime_ns, ino) = {
            use std::os::unix::fs::MetadataExt;
            (meta.ctime() * 1_000_000_000 + meta.ctime_nsec(), meta.ino())
        };
        #[cfg(not(unix))]
        let (ctime_ns, ino) = (0, 0);
        Fingerprint {
            size: meta.len(),
            mtime_ns,
            ctime_ns,
            ino,
        }
    }

    pub fn stat(path: &Path) -> std::io::Result<Fingerprint> {
        std::fs::metadata(path).map(|m| Fingerprint::of(&m))
    }
}

impl FileStamp {
    pub(crate) fn fingerprint(&self) -> Fingerprint {
        Fingerprint {
            size: self.size,
            mtime_ns: self.mtime_ns,
            ctime_ns: self.ctime_ns,
            ino: self.ino,
        }
    }

    pub(crate) fn new(fp: Fingerprint, hash: u128, recorded: SystemTime) -> FileStamp {
        FileStamp {
            size: fp.size,
            mtime_ns: fp.mtime_ns,
            ctime_ns: fp.ctime_ns,
            ino: fp.ino,
            hash,
            recorded_ns: unix_ns(recorded),
        }
    }

    /// May the fingerprint alone vouch for the contents at time `now`?
    pub(crate) fn confirmed(&self, now: SystemTime, granularity: Duration) -> bool {
        let now = unix_ns(now);
        let g = i64::try_from(granularity.as_nanos()).unwrap_or(i64::MAX);
        // Recorded too close to the last modification: a second edit in the
        // same tick would have kept size and mtime.
        let settled = self.mtime_ns.saturating_add(g) < self.recorded_ns
            && self.ctime_ns.saturating_add(g) < self.recorded_ns;
        // The clock went back since recording: new mtimes may repeat old ones.
        let clock_sane = now >= self.recorded_ns;
        // An mtime in the future means a clock that cannot be trusted either.
        let not_future = self.mtime_ns <= now.saturating_add(g);
        settled && clock_sane && not_future
    }

    /// Does the file at `fp` hold what this stamp describes, judging by the
    /// fingerprint alone? `None` means "ask the content hash".
    pub(crate) fn fast_check(
        &self,
        fp: &Fingerprint,
        now: SystemTime,
        granularity: Duration,
    ) -> Option<bool> {
        if fp.size != self.size {
            // A different size is a different file, whatever the clock says.
            return Some(false);
        }
        if *fp == self.fingerprint() && self.confirmed(now, granularity) {
            return Some(true);
        }
        None
    }
}

/// A source file read for the cache: its bytes and its stamp, taken so that
/// the stamp never describes newer contents than the bytes (the `stat`
/// happens on the open handle before reading).
#[derive(Debug, Clone)]
pub struct Source {
    pub(crate) key: String,
    pub(crate) bytes: Vec<u8>,
    pub(crate) stamp: FileStamp,
    /// The `fstat` the read began with, when the bytes read are the size it
    /// gave (`None`: the file changed while it was read).
    pub(crate) stat: Option<Stamp>,
}

impl Source {
    /// Reads `path`, stamping it at `now`. `NotFound` is reported as
    /// `Ok(None)`.
    pub(crate) fn read(key: &str, path: &Path, now: SystemTime) -> Result<Option<Source>> {
        Source::read_keyed(key.to_string(), path, now)
    }

    /// [`read`](Source::read) keeping the caller's key.
    pub(crate) fn read_keyed(key: String, path: &Path, now: SystemTime) -> Result<Option<Source>> {
        let mut file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(CacheError::io("cannot open", path, e)),
        };
        let meta = file
            .metadata()
            .map_err(|e| CacheError::io("cannot stat", path, e))?;
        if meta.is_dir() {
            return Ok(None);
        }
        let fp = Fingerprint::of(&meta);
        let bytes = warmstart_fs::read_sized(&mut file, meta.len() as usize)
            .map_err(|e| CacheError::io("cannot read", path, e))?;
        let exact = bytes.len() as u64 == fp.size;
        let hash = hash_bytes(&bytes);
        // The size may have changed between stat and read; the stamp must
        // describe these bytes, and a size mismatch forces a re-hash later.
        let mut stamp = FileStamp::new(fp, hash, now);
        if bytes.len() as u64 != fp.size {
            stamp.size = bytes.len() as u64;
            stamp.recorded_ns = stamp.mtime_ns;
        }
        Ok(Some(Source {
            key,
            bytes,
            stamp,
            stat: exact.then(|| Stamp::from_metadata(&meta)),
        }))
    }

    /// The cache key (usually the repo-relative path).
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The file's contents.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The contents as UTF-8 (lossy: invalid bytes become U+FFFD).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }

    /// Takes the bytes out (the stamp stays with the source).
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// The content hash.
    pub fn hash(&self) -> u128 {
        self.stamp.hash
    }

    /// The stamp this source will be stored with.
    pub fn stamp(&self) -> FileStamp {
        self.stamp
    }

    /// What an `lstat` of the file would have said when it was read (the
    /// `fstat` of the open file; the caller opened a path it found as a
    /// regular file), or `None` if it changed while it was read.
    pub fn stat(&self) -> Option<Stamp> {
        self.stat
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(mtime_s: i64, recorded_s: i64) -> FileStamp {
        FileStamp {
            size: 1,
            mtime_ns: mtime_s * 1_000_000_000,
            ctime_ns: mtime_s * 1_000_000_000,
            ino: 1,
            hash: 0,
            recorded_ns: recorded_s * 1_000_000_000,
        }
    }

    fn at(s: i64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(s as u64)
    }

    const G: Duration = Duration::from_secs(2);

    #[test]
    fn recorded_long_after_mtime_is_confirmed() {
        assert!(stamp(100, 200).confirmed(at(300), G));
    }

    #[test]
    fn recorded_within_granularity_is_racy() {
        assert!(!stamp(100, 101).confirmed(at(300), G));
        assert!(!stamp(100, 100).confirmed(at(300), G));
    }

    #[test]
    fn clock_gone_back_is_not_trusted() {
        assert!(!stamp(100, 200).confirmed(at(150), G));
    }

    #[test]
    fn mtime_in_the_future_is_not_trusted() {
        // Recorded "after" a future mtime by a clock that later came back.
        assert!(!stamp(1000, 1100).confirmed(at(500), G));
    }

    #[test]
    fn size_change_is_a_miss_without_hashing() {
        let s = stamp(100, 200);
        let mut fp = s.fingerprint();
        fp.size = 2;
        assert_eq!(s.fast_check(&fp, at(300), G), Some(false));
        assert_eq!(s.fast_check(&s.fingerprint(), at(300), G), Some(true));
        assert_eq!(s.fast_check(&s.fingerprint(), at(150), G), None);
    }
}
