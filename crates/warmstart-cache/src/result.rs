//! One stored answer beside the buckets: `<name>-v<version>.out` (the
//! output, opaque) and an index (warmstart's version, the key of the
//! options, the output's hash, the [`Inputs`] it depends on and whatever
//! the caller adds), both written whole, the index last; a reader compares
//! the output with the hash the index names, so a killed or concurrent run
//! can only cause a miss.
//!
//! The index is JSON (`.json`, [`ResultFiles::new`]) or postcard (`.idx`,
//! [`ResultFiles::binary`]): the graph's index holds a stamp per source
//! file, 1.5 MB of JSON on Cal.com that every filling run encoded and
//! every warm run parsed, against 642 KB of postcard (with this change and
//! the stored answer kept as printed, a warm run went from 22.6 to
//! 14.1 ms). A binary index's output-independent part can be encoded
//! ahead ([`ResultFiles::prepare`]) while the output is computed.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::change::Inputs;
use crate::stamp::hash_bytes;

/// Why a stored result cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultMiss {
    /// Nothing stored.
    Missing,
    /// The index does not parse.
    DamagedIndex,
    /// Stored by another warmstart or index format.
    OtherVersion,
    /// Stored for other options.
    OtherKey,
    /// The output file is gone.
    MissingOutput,
    /// The output does not match the index's hash.
    DamagedOutput,
}

/// A stored result's index: the caller's `meta` beside what the cache
/// checks itself. The field order is the binary format's (postcard writes
/// the fields one after the other, which [`ResultFiles::store_prepared`]
/// relies on).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResultIndex<M> {
    version: u32,
    warmstart: String,
    key: String,
    output: String,
    pub inputs: Inputs,
    pub meta: M,
}

/// The index's fields before `inputs`, borrowed for encoding.
#[derive(Serialize)]
struct Head<'a> {
    version: u32,
    warmstart: &'a str,
    key: &'a str,
    output: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IndexCodec {
    Json,
    Postcard,
}

/// The inputs and meta of a binary index, encoded before the output is
/// known ([`ResultFiles::prepare`]).
#[derive(Debug, Clone)]
pub struct PreparedIndex(Vec<u8>);

/// One versioned result in the cache folder (see the module docs).
#[derive(Debug, Clone)]
pub struct ResultFiles {
    index: PathBuf,
    output: PathBuf,
    version: u32,
    codec: IndexCodec,
}

impl ResultFiles {
    /// The result named `stem` (`<name>-v<version>`, as a bucket's file
    /// stem; `cache clear` removes it with the buckets) in cache folder
    /// `dir`, its index in JSON (`<stem>.json`).
    pub fn new(dir: &Path, stem: &str) -> ResultFiles {
        ResultFiles::with_codec(dir, stem, IndexCodec::Json)
    }

    /// [`ResultFiles::new`] with the index in postcard (`<stem>.idx`), for
    /// indexes of thousands of stamps.
    pub fn binary(dir: &Path, stem: &str) -> ResultFiles {
        ResultFiles::with_codec(dir, stem, IndexCodec::Postcard)
    }

    fn with_codec(dir: &Path, stem: &str, codec: IndexCodec) -> ResultFiles {
        let version = crate::maintenance::split_stem(stem).map_or(0, |(_, v)| v);
        let extension = match codec {
            IndexCodec::Json => "json",
            IndexCodec::Postcard => "idx",
        };
        ResultFiles {
            index: dir.join(format!("{stem}.{extension}")),
            output: dir.join(format!("{stem}.out")),
            version,
            codec,
        }
    }

    #[cfg(test)]
    fn index_path(&self) -> &Path {
        &self.index
    }

    /// The index stored for `key`, not yet checked against the disk.
    pub fn index<M: DeserializeOwned>(&self, key: u128) -> Result<ResultIndex<M>, ResultMiss> {
        let Ok(bytes) = std::fs::read(&self.index) else {
            return Err(ResultMiss::Missing);
        };
        let index: ResultIndex<M> = match self.codec {
            IndexCodec::Json => serde_json::from_slice(&bytes).ok(),
            IndexCodec::Postcard => postcard::from_bytes(&bytes).ok(),
        }
        .ok_or(ResultMiss::DamagedIndex)?;
        if index.version != self.version || index.warmstart != env!("CARGO_PKG_VERSION") {
            return Err(ResultMiss::OtherVersion);
        }
        if index.key != format!("{key:032x}") {
            return Err(ResultMiss::OtherKey);
        }
        Ok(index)
    }

    /// The output `index` vouches for.
    pub fn output<M>(&self, index: &ResultIndex<M>) -> Result<String, ResultMiss> {
        let Ok(output) = std::fs::read(&self.output) else {
            return Err(ResultMiss::MissingOutput);
        };
        if format!("{:032x}", hash_bytes(&output)) != index.output {
            return Err(ResultMiss::DamagedOutput);
        }
        String::from_utf8(output).map_err(|_| ResultMiss::DamagedOutput)
    }

    /// Stores `output` for `key` with its inputs: output first, index last.
    /// A failed write only makes the next run a miss.
    pub fn store<M: Serialize>(&self, key: u128, output: &str, inputs: Inputs, meta: M) {
        let hash = format!("{:032x}", hash_bytes(output.as_bytes()));
        let index = self.new_index(key, hash, inputs, meta);
        if self.make_dir() && self.write_output(&[output.as_bytes()]) {
            self.update_index(&index);
        }
    }

    fn new_index<M>(&self, key: u128, output: String, inputs: Inputs, meta: M) -> ResultIndex<M> {
        ResultIndex {
            version: self.version,
            warmstart: env!("CARGO_PKG_VERSION").to_string(),
            key: format!("{key:032x}"),
            output,
            inputs,
            meta,
        }
    }

    /// Encodes the part of a binary index that does not depend on the
    /// output, for [`ResultFiles::store_prepared`]. `None` for a JSON
    /// index (or what does not encode).
    pub fn prepare<M: Serialize>(&self, inputs: &Inputs, meta: &M) -> Option<PreparedIndex> {
        if self.codec != IndexCodec::Postcard {
            return None;
        }
        postcard::to_stdvec(&(inputs, meta)).ok().map(PreparedIndex)
    }

    /// [`ResultFiles::store`] with the inputs and meta encoded ahead: the
    /// same bytes as encoding the whole index now. The output is given in
    /// parts and stored as their concatenation (a caller that rendered it
    /// piece by piece need not copy the pieces into one string first).
    pub fn store_prepared(&self, key: u128, output: &[&str], prepared: &PreparedIndex) {
        // Prepared by a binary index; a JSON one cannot hold it.
        if self.codec != IndexCodec::Postcard {
            return;
        }
        let key = format!("{key:032x}");
        // xxh3's streaming digest is its one-shot hash of the concatenation.
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for part in output {
            hasher.update(part.as_bytes());
        }
        let hash = format!("{:032x}", hasher.digest128());
        let head = Head {
            version: self.version,
            warmstart: env!("CARGO_PKG_VERSION"),
            key: &key,
            output: &hash,
        };
        let Ok(head) = postcard::to_stdvec(&head) else {
            return;
        };
        let parts: Vec<&[u8]> = output.iter().map(|part| part.as_bytes()).collect();
        if self.make_dir() && self.write_output(&parts) {
            // The head and the prepared part one after the other: the same
            // bytes as the whole index encoded at once, without copying
            // ~650 KB into one buffer first.
            let _ = crate::bucket::write_unsynced_parts(&self.index, &[&head, &prepared.0]);
        }
    }

    /// Creates the cache folder the cache's way (its tag and `.gitignore`);
    /// false when it cannot be, or when the folder is not a cache folder.
    fn make_dir(&self) -> bool {
        self.index
            .parent()
            .is_none_or(|dir| crate::cache::prepare_dir(dir).is_ok())
    }

    /// Writes the output, given in parts.
    fn write_output(&self, output: &[&[u8]]) -> bool {
        // Unsynced, like the buckets: the index names the output's hash, so
        // an output the disk lost or tore is a miss, and an index it lost or
        // tore does not parse. Two `fdatasync`s were ~7 ms of every
        // `graph cycles --json` that fills the cache.
        crate::bucket::write_unsynced_parts(&self.output, output).is_ok()
    }

    /// Stores a result small enough to live in the index itself (`meta`):
    /// one file; read back with [`ResultFiles::index`].
    pub fn store_index<M: Serialize>(&self, key: u128, inputs: Inputs, meta: M) {
        if self.make_dir() {
            self.update_index(&self.new_index(key, String::new(), inputs, meta));
        }
    }

    /// Forgets the stored result (a caller that cannot vouch for it).
    pub fn remove(&self) {
        let _ = std::fs::remove_file(&self.index);
        let _ = std::fs::remove_file(&self.output);
    }

    /// Rewrites the index (after the caller vouched for more of it).
    pub fn update_index<M: Serialize>(&self, index: &ResultIndex<M>) {
        let bytes = match self.codec {
            IndexCodec::Json => serde_json::to_vec(index).ok(),
            IndexCodec::Postcard => postcard::to_stdvec(index).ok(),
        };
        if let Some(bytes) = bytes {
            let _ = crate::bucket::write_unsynced(&self.index, &bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::{Follow, Stamp};

    fn inputs() -> Inputs {
        Inputs {
            recorded_ns: 1_700_000_000_000_000_000,
            follow: Follow::Path,
            paths: vec![
                ("a".into(), Stamp::ABSENT),
                (
                    "b/c.ts".into(),
                    Stamp {
                        exists: true,
                        size: 12,
                        mtime_ns: 5,
                        ctime_ns: 6,
                        ino: 7,
                    },
                ),
            ],
            env: Vec::new(),
        }
    }

    #[test]
    fn a_prepared_binary_index_is_the_whole_index_encoded_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let files = ResultFiles::binary(dir.path(), "thing-v3");
        let meta = vec![("x".to_string(), 9_u64)];
        let prepared = files.prepare(&inputs(), &meta).unwrap();
        files.store_prepared(42, &["the output"], &prepared);
        let ahead = std::fs::read(files.index_path()).unwrap();
        files.store(42, "the output", inputs(), meta.clone());
        assert_eq!(std::fs::read(files.index_path()).unwrap(), ahead);
        assert!(files.index_path().ends_with("thing-v3.idx"));
        let index = files.index::<Vec<(String, u64)>>(42).unwrap();
        assert_eq!((index.inputs.clone(), index.meta.clone()), (inputs(), meta));
        assert_eq!(files.output(&index).unwrap(), "the output");
        assert_eq!(
            files.index::<Vec<(String, u64)>>(43).unwrap_err(),
            ResultMiss::OtherKey
        );
    }

    /// An output stored in parts is stored as their concatenation: the
    /// same index (its hash) and the same output file.
    #[test]
    fn an_output_stored_in_parts_is_their_concatenation() {
        let dir = tempfile::tempdir().unwrap();
        let files = ResultFiles::binary(dir.path(), "thing-v3");
        let meta = vec![("x".to_string(), 9_u64)];
        let prepared = files.prepare(&inputs(), &meta).unwrap();
        // Long enough for xxh3's streaming state to cross its buffers.
        let long = "0123456789abcdef".repeat(1_000);
        let parts = ["{\n  \"a\": ", long.as_str(), "", ",\n  \"b\": 1\n}"];
        files.store_prepared(42, &[&parts.concat()], &prepared);
        let (index, output) = (
            std::fs::read(files.index_path()).unwrap(),
            std::fs::read(&files.output).unwrap(),
        );
        std::fs::remove_file(files.index_path()).unwrap();
        std::fs::remove_file(&files.output).unwrap();
        files.store_prepared(42, &parts, &prepared);
        assert_eq!(std::fs::read(files.index_path()).unwrap(), index);
        assert_eq!(std::fs::read(&files.output).unwrap(), output);
        let stored = files.index::<Vec<(String, u64)>>(42).unwrap();
        assert_eq!(files.output(&stored).unwrap(), parts.concat());
    }

    #[test]
    fn a_json_index_reads_back_and_cannot_be_prepared() {
        let dir = tempfile::tempdir().unwrap();
        let files = ResultFiles::new(dir.path(), "thing-v3");
        assert!(files.prepare(&inputs(), &1_u8).is_none());
        files.store(7, "out", inputs(), 1_u8);
        assert!(files.index_path().ends_with("thing-v3.json"));
        let index = files.index::<u8>(7).unwrap();
        assert_eq!((index.inputs.clone(), index.meta), (inputs(), 1));
        assert_eq!(files.output(&index).unwrap(), "out");
    }

    #[test]
    fn damaged_binary_indexes_miss() {
        let dir = tempfile::tempdir().unwrap();
        let files = ResultFiles::binary(dir.path(), "thing-v3");
        files.store(7, "out", inputs(), 1_u8);
        let good = std::fs::read(files.index_path()).unwrap();
        for bad in [&good[..good.len() / 2], &[0x9a_u8; 300][..], b"{}"] {
            std::fs::write(files.index_path(), bad).unwrap();
            assert_eq!(files.index::<u8>(7).unwrap_err(), ResultMiss::DamagedIndex);
        }
    }
}
