//! [`ContextHasher`]: one hash over everything a bucket's values depend on
//! besides their own key files — a tsconfig chain, package.json files, the
//! workspace layout, the lockfile, warmstart's own config.

use std::path::Path;

use xxhash_rust::xxh3::Xxh3;

/// Builds a context hash for [`BucketSpec::context`](crate::BucketSpec::context)
/// or for [`Bucket::get`](crate::Bucket::get). Every piece is
/// length-prefixed, so `("ab", "c")` and `("a", "bc")` differ; feed pieces
/// in a deterministic (sorted) order.
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// # std::fs::write(dir.path().join("tsconfig.json"), "{}").unwrap();
/// use warmstart_cache::ContextHasher;
/// let mut h = ContextHasher::new();
/// h.str("graph options v1").file(&dir.path().join("tsconfig.json"));
/// h.file(&dir.path().join("missing.json")); // absence is part of the hash
/// let context: u128 = h.finish();
/// # assert_ne!(context, ContextHasher::new().finish());
/// ```
#[derive(Clone)]
pub struct ContextHasher(Xxh3);

impl Default for ContextHasher {
    fn default() -> Self {
        ContextHasher::new()
    }
}

impl std::fmt::Debug for ContextHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ContextHasher")
    }
}

impl ContextHasher {
    pub fn new() -> ContextHasher {
        ContextHasher(Xxh3::new())
    }

    /// Adds raw bytes.
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// Adds a string.
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    /// Adds a number.
    pub fn u64(&mut self, n: u64) -> &mut Self {
        self.0.update(&n.to_le_bytes());
        self
    }

    /// Adds a 128-bit number (e.g. a file's content hash from
    /// [`Bucket::content_hash`](crate::Bucket::content_hash)).
    pub fn u128(&mut self, n: u128) -> &mut Self {
        self.0.update(&n.to_le_bytes());
        self
    }

    /// Adds a file's contents, or a marker that it is absent or unreadable
    /// (so creating the file changes the hash too).
    pub fn file(&mut self, path: &Path) -> &mut Self {
        match std::fs::read(path) {
            Ok(bytes) => {
                self.0.update(b"F");
                self.bytes(&bytes)
            }
            Err(_) => {
                self.0.update(b"A");
                self
            }
        }
    }

    /// Adds any serializable value through its JSON form (handy for a
    /// config section).
    pub fn json<T: serde::Serialize>(&mut self, value: &T) -> &mut Self {
        let text = serde_json::to_vec(value).unwrap_or_default();
        self.bytes(&text)
    }

    /// The 128-bit hash.
    pub fn finish(&self) -> u128 {
        self.0.digest128()
    }
}
