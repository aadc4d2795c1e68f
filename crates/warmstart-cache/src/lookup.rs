//! Lookups by file (the key is a path), the in-memory layer (L1) and the
//! bookkeeping shared with [`multi`](crate::multi). Every path through here
//! either proves the stored value still matches the bytes on disk or
//! reports a miss.

use std::sync::atomic::Ordering;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::bucket::{Bucket, Check, Entry, State};
use crate::error::Result;
use crate::slot::Slot;
use crate::stamp::{FileStamp, Fingerprint, Source};

/// The answer to a file lookup.
#[derive(Debug)]
pub enum Lookup<V> {
    /// The stored value is valid for the file as it is now.
    Hit(V),
    /// No valid value: compute one from the source (already read and
    /// hashed, so the file is read once) and hand both to
    /// [`Bucket::insert_file`].
    Miss(Source),
    /// The file does not exist (any entry for it was removed).
    Missing,
}

impl<V> Lookup<V> {
    /// The value of a hit.
    pub fn hit(self) -> Option<V> {
        match self {
            Lookup::Hit(v) => Some(v),
            _ => None,
        }
    }
}

impl<V> Bucket<V>
where
    V: Serialize + DeserializeOwned + Clone,
{
    /// Looks up the file `key` (a path relative to the cache's root; `/`
    /// separators). A hit costs one `stat` (none in watched mode, for a
    /// file confirmed since its last [`invalidate`](Bucket::invalidate));
    /// a fingerprint that cannot vouch for the contents costs a read and a
    /// hash; a miss returns what was read.
    pub fn file(&self, key: &str) -> Result<Lookup<V>> {
        let stored = {
            let mut st = self.state();
            if let Some(entry) = st.entries.get_mut(key) {
                entry.touched = true;
            }
            let entry = st.entries.get(key);
            let l1 = match entry {
                Some(Entry { value, .. }) if st.watched && st.verified.contains(key) => {
                    Some(value.clone())
                }
                _ => None,
            };
            let stored = match entry {
                Some(Entry {
                    check: Check::File(stamp),
                    ..
                }) => Some(*stamp),
                _ => None,
            };
            drop(st);
            if let Some(v) = l1.and_then(|slot| self.materialize(key, slot)) {
                self.counters.hit();
                self.counters.l1_hits.fetch_add(1, Ordering::Relaxed);
                return Ok(Lookup::Hit(v));
            }
            stored
        };
        let path = self.cache.root().join(key);
        let now = self.cache.now();
        let granularity = self.cache.inner.granularity;
        if let Some(stamp) = stored {
            let fp = match Fingerprint::stat(&path) {
                Ok(fp) => Some(fp),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(crate::CacheError::io("cannot stat", &path, e)),
            };
            let Some(fp) = fp else {
                self.remove_entry(key);
                self.counters.miss();
                return Ok(Lookup::Missing);
            };
            if stamp.fast_check(&fp, now, granularity) == Some(true)
                && let Some(v) = self.value_if(key, &stamp, None)
            {
                self.counters.hit();
                return Ok(Lookup::Hit(v));
            }
        }
        let Some(source) = Source::read(key, &path, now)? else {
            self.remove_entry(key);
            self.counters.miss();
            return Ok(Lookup::Missing);
        };
        if let Some(stamp) = stored
            && stamp.hash == source.stamp.hash
        {
            // Touched but unchanged (checkout, save without edits, racy
            // mtime): keep the value, refresh the stamp so the next run
            // takes the fast path.
            if let Some(v) = self.value_if(key, &stamp, Some(source.stamp)) {
                self.counters.hit();
                self.counters.rehashed.fetch_add(1, Ordering::Relaxed);
                return Ok(Lookup::Hit(v));
            }
        }
        self.counters.miss();
        Ok(Lookup::Miss(source))
    }

    /// Stores the value computed from a missed source.
    pub fn insert_file(&self, source: &Source, value: V) {
        self.put(source.key.clone(), Check::File(source.stamp), value);
    }

    /// [`insert_file`](Bucket::insert_file) of a value its caller already
    /// encoded with the bucket's codec, exactly as a `V` encodes (for
    /// postcard, a struct is its fields one after the other, so a caller
    /// may encode them one by one and hash part of the bytes); a lookup
    /// decodes it as `V`, and bytes that do not decode are a miss.
    pub fn insert_file_bytes(&self, source: &Source, encoded: Vec<u8>) {
        let len = encoded.len();
        self.put_slot(
            source.key.clone(),
            Check::File(source.stamp),
            Slot::Raw(std::sync::Arc::new(encoded), 0..len),
        );
    }

    /// Reads the file `key` names as a miss without looking it up, for a
    /// caller that knows the bucket holds nothing for it (one found empty
    /// when opened: a first run). `path` is that file, which the caller
    /// has at hand (a lookup joins the cache's root and the key). `now`:
    /// the cache's [`now`](crate::Cache::now) taken before the first of
    /// the files was read (a stamp recorded earlier than its read only
    /// makes the next run check the file's hash sooner). Counted as a
    /// miss; `Ok(None)` when the file does not exist.
    ///
    /// On a first run that fills a bucket for every file of a repository,
    /// the lookups found nothing at the price of two map lookups, a lock
    /// taken by every thread in turn and a joined path per file (and the
    /// cache's clock read under a lock each time).
    pub fn read_unlisted(
        &self,
        key: String,
        path: &std::path::Path,
        now: std::time::SystemTime,
    ) -> Result<Option<Source>> {
        self.counters.miss();
        Source::read_keyed(key, path, now)
    }

    /// [`file`](Bucket::file), computing and storing on a miss. `Ok(None)`
    /// when the file does not exist.
    pub fn file_or_compute(
        &self,
        key: &str,
        compute: impl FnOnce(&Source) -> V,
    ) -> Result<Option<V>> {
        match self.file(key)? {
            Lookup::Hit(v) => Ok(Some(v)),
            Lookup::Missing => Ok(None),
            Lookup::Miss(source) => {
                let v = compute(&source);
                self.insert_file(&source, v.clone());
                Ok(Some(v))
            }
        }
    }

    /// Warming at startup (`warmstart dev`, `--watch`): checks every file
    /// entry against the disk now — one `stat` each, a hash where the
    /// fingerprint cannot vouch — removes entries of deleted files, and
    /// returns the keys whose files changed, sorted (recompute those first).
    /// In watched mode the confirmed entries are then answered from memory.
    pub fn warm(&self) -> Result<Vec<String>> {
        let mut keys: Vec<String> = self
            .state()
            .entries
            .iter()
            .filter(|(_, e)| matches!(e.check, Check::File(_)))
            .map(|(k, _)| k.clone())
            .collect();
        keys.sort_unstable();
        let mut changed = Vec::new();
        for key in keys {
            if let Lookup::Miss(_) = self.file(&key)? {
                changed.push(key);
            }
        }
        Ok(changed)
    }

    /// The content hash recorded for the file `key`: after this run's
    /// [`file`](Bucket::file) lookup of it (hit or stored miss), the xxh3-128
    /// of the bytes on disk. Hash every file's key and content hash (in key
    /// order, with [`ContextHasher`](crate::ContextHasher)) to key a result
    /// computed from all of them — e.g. a whole graph analysis stored with
    /// [`insert`](Bucket::insert) — and a warm run with no change skips the
    /// computation after one `stat` per file.
    pub fn content_hash(&self, key: &str) -> Option<u128> {
        match self.state().entries.get(key) {
            Some(Entry {
                check: Check::File(stamp),
                ..
            }) => Some(stamp.hash),
            _ => None,
        }
    }

    /// L1: in watched mode, forget that `key` (and every entry computed
    /// from the file `key`) was confirmed, so its next lookup checks the
    /// disk again. Feed it every path a file watcher reports, relative to
    /// the root. Outside watched mode lookups always check, and this only
    /// costs a hash-set removal.
    pub fn invalidate(&self, key: &str) {
        let mut st = self.state();
        st.verified.remove(key);
        let State {
            entries, verified, ..
        } = &mut *st;
        verified.retain(|k| match entries.get(k) {
            Some(Entry {
                check: Check::Files(list),
                ..
            }) => !list.iter().any(|(f, _)| f == key),
            _ => true,
        });
    }

    /// L1: forget every confirmation (e.g. after the watcher overflowed).
    pub fn invalidate_all(&self) {
        self.state().verified.clear();
    }

    /// L1: declare that a file watcher reports every change under the root
    /// through [`invalidate`](Bucket::invalidate). From then on, an entry
    /// confirmed since its last invalidation is answered from memory without
    /// a `stat`: one saved file costs one re-check. Off by default.
    pub fn set_watched(&self, watched: bool) {
        let mut st = self.state();
        st.watched = watched;
        if !watched {
            st.verified.clear();
        }
    }

    /// The stored value of `key` if its check is still `File(stamp)`
    /// (another thread may have replaced it meanwhile); optionally refreshes
    /// the stamp. Marks the key confirmed for L1.
    pub(crate) fn value_if(
        &self,
        key: &str,
        stamp: &FileStamp,
        fresh: Option<FileStamp>,
    ) -> Option<V> {
        let slot = {
            let mut st = self.state();
            let entry = st.entries.get_mut(key)?;
            if entry.check != Check::File(*stamp) {
                return None;
            }
            if let Some(fresh) = fresh {
                entry.check = Check::File(fresh);
            }
            let slot = entry.value.clone();
            if fresh.is_some() {
                st.dirty = true;
            }
            mark_verified(&mut st, key);
            slot
        };
        self.materialize(key, slot)
    }

    /// Decodes a stored value outside the lock. Bytes that pass the file
    /// checksum yet do not decode mean the value type cannot read what it
    /// wrote (see [`Codec`](crate::Codec)): the entry is dropped, so the
    /// lookup becomes a miss, and the bucket warns once.
    pub(crate) fn materialize(&self, key: &str, slot: Slot<V>) -> Option<V> {
        match slot.get(self.spec.codec) {
            Ok(v) => Some(v),
            Err(reason) => {
                self.remove_entry(key);
                if !self.warned.swap(true, Ordering::Relaxed) {
                    let hint = if self.spec.codec == crate::Codec::Postcard {
                        " (if the value type uses serde_json::Value, untagged enums or \
                         skipped fields, open the bucket with Codec::Json)"
                    } else {
                        ""
                    };
                    self.cache.emit(crate::CacheEvent::Damaged {
                        file: self.path.clone().unwrap_or_default(),
                        reason: format!("cannot decode the entry {key:?}: {reason}{hint}"),
                    });
                }
                None
            }
        }
    }

    pub(crate) fn remove_entry(&self, key: &str) {
        let mut st = self.state();
        st.verified.remove(key);
        if st.entries.remove(key).is_some() {
            st.dirty = true;
        }
        if !st.removed.contains(key) {
            st.removed.insert(key.to_string());
        }
    }

    pub(crate) fn put(&self, key: String, check: Check, value: V) {
        self.put_slot(key, check, Slot::Owned(value));
    }

    /// [`put`](Bucket::put) of `value` encoded now as a `V` (a value that
    /// does not encode is not stored: the next run computes it again).
    pub(crate) fn put_encoded<T: Serialize>(&self, key: String, check: Check, value: &T) {
        if let Ok(bytes) = crate::slot::encode_value(self.spec.codec, value) {
            let len = bytes.len();
            self.put_slot(key, check, Slot::Raw(std::sync::Arc::new(bytes), 0..len));
        }
    }

    fn put_slot(&self, key: String, check: Check, value: Slot<V>) {
        put_locked(&mut self.state(), key, check, value);
    }
}

/// Stores an entry in the locked state: confirmed, no longer removed,
/// touched, and the bucket dirty.
pub(crate) fn put_locked<V>(st: &mut State<V>, key: String, check: Check, value: Slot<V>) {
    mark_verified(st, &key);
    if !st.removed.is_empty() {
        st.removed.remove(&key);
    }
    let entry = Entry {
        check,
        value,
        touched: true,
    };
    st.entries.insert(key, entry);
    st.dirty = true;
}

/// Records an L1 confirmation. Only watched buckets use them, so others
/// skip the allocation (it is on every hit's path).
pub(crate) fn mark_verified<V>(st: &mut State<V>, key: &str) {
    if st.watched && !st.verified.contains(key) {
        st.verified.insert(key.to_string());
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::stamp::hash_bytes;
    use crate::{BucketSpec, Cache};

    /// An entry whose fingerprint equals the file's current one but whose
    /// hash is of older contents: exactly what a second same-size edit in
    /// one mtime tick leaves behind.
    fn racy_setup(recorded_after_mtime: Duration) -> (tempfile::TempDir, Cache, Bucket<String>) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.ts"), "new!").unwrap();
        let cache = Cache::at(&dir.path().join("cache"), dir.path());
        let bucket = cache.bucket::<String>(BucketSpec::new("t", 1));
        let meta = std::fs::metadata(dir.path().join("a.ts")).unwrap();
        let fp = Fingerprint::of(&meta);
        let recorded = meta
            .modified()
            .unwrap()
            .max(std::time::UNIX_EPOCH + Duration::from_nanos(fp.ctime_ns.max(0) as u64))
            + recorded_after_mtime;
        let stamp = FileStamp::new(fp, hash_bytes(b"old!"), recorded);
        bucket.put("a.ts".into(), Check::File(stamp), "old value".into());
        cache.set_clock(move || recorded + Duration::from_secs(60));
        (dir, cache, bucket)
    }

    #[test]
    fn racy_entry_is_rehashed_and_missed() {
        let (_d, _c, bucket) = racy_setup(Duration::from_millis(1));
        match bucket.file("a.ts").unwrap() {
            Lookup::Miss(src) => assert_eq!(src.bytes(), b"new!"),
            other => panic!("expected a miss, got {other:?}"),
        }
    }

    #[test]
    fn settled_entry_takes_the_fast_path() {
        // The contract of the fast path: recorded well after the last
        // change, the fingerprint vouches for the contents (no read).
        let (_d, _c, bucket) = racy_setup(Duration::from_secs(10));
        assert_eq!(
            bucket.file("a.ts").unwrap().hit().as_deref(),
            Some("old value")
        );
    }

    /// A value inserted encoded (field by field, the second from a
    /// borrowing twin) is answered as the type, in this process and after
    /// a save and a load.
    #[test]
    fn an_encoded_insert_reads_back_as_the_value() {
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        struct Owned {
            n: u64,
            names: Vec<String>,
        }
        #[derive(serde::Serialize)]
        struct Borrowed<'a> {
            names: &'a [String],
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.ts"), "export {};").unwrap();
        let cache = Cache::at(&dir.path().join("cache"), dir.path());
        let spec = BucketSpec::new("t", 1);
        let want = Owned {
            n: 7,
            names: vec!["x".into(), "y".into()],
        };
        let bucket = cache.bucket::<Owned>(spec.clone());
        let Lookup::Miss(source) = bucket.file("a.ts").unwrap() else {
            panic!("an empty bucket misses");
        };
        // Encoded field by field, as a postcard struct is.
        let encoded = postcard::to_stdvec(&7u64).unwrap();
        let encoded = postcard::to_extend(&Borrowed { names: &want.names }, encoded).unwrap();
        bucket.insert_file_bytes(&source, encoded);
        cache.set_clock(|| std::time::SystemTime::now() + Duration::from_secs(60));
        assert_eq!(bucket.file("a.ts").unwrap().hit(), Some(want.clone()));
        bucket.save().unwrap();
        let again = Cache::at(&dir.path().join("cache"), dir.path());
        again.set_clock(|| std::time::SystemTime::now() + Duration::from_secs(60));
        let loaded = again.bucket::<Owned>(spec);
        assert_eq!(loaded.file("a.ts").unwrap().hit(), Some(want));
    }

    #[test]
    fn settled_entry_with_clock_gone_back_is_rehashed() {
        let (_d, cache, bucket) = racy_setup(Duration::from_secs(10));
        // The clock now reads earlier than the recording time.
        cache.set_clock(|| std::time::UNIX_EPOCH + Duration::from_secs(1));
        assert!(matches!(bucket.file("a.ts").unwrap(), Lookup::Miss(_)));
    }
}
