//! A first run's values in batches: encoded by each worker into a buffer
//! of its own ([`EncodedFiles`]), then stored into a bucket under one lock
//! ([`Bucket::insert_encoded_files`]) or, by a process that exits next,
//! written as the bucket's file without being held
//! ([`Bucket::save_encoded_files`]).

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::bucket::{Bucket, Check, RawBytes, Record, Saved, record_rank};
use crate::error::Result;
use crate::lookup::put_locked;
use crate::slot::Slot;
use crate::stamp::{FileStamp, Source};

/// Values encoded with a bucket's codec for files read as misses, one after
/// another in one buffer, to be stored at once
/// ([`Bucket::insert_encoded_files`], or [`Bucket::save_encoded_files`] by
/// a process about to exit).
/// Filled by one thread; a first run keeps one per worker. One buffer, not
/// a `Vec` per value: the values are ~280 bytes each, thousands of them on
/// a first run, and the stored entries share the buffer as a loaded file's
/// entries share its body.
#[derive(Debug, Default)]
pub struct EncodedFiles {
    pub(crate) body: Vec<u8>,
    pub(crate) files: Vec<(String, FileStamp, std::ops::Range<usize>)>,
}

impl EncodedFiles {
    /// Appends the value computed from `source` (its key and stamp are
    /// kept, its contents dropped): `encode` appends the value's bytes to
    /// the buffer it is given and returns what its caller wants back,
    /// given with the bytes it appended. `None` from `encode` keeps
    /// nothing for this file.
    pub fn push<R>(
        &mut self,
        source: Source,
        encode: impl FnOnce(&mut Vec<u8>) -> Option<R>,
    ) -> Option<(R, &[u8])> {
        let start = self.body.len();
        let Some(answer) = encode(&mut self.body) else {
            self.body.truncate(start);
            return None;
        };
        let range = start..self.body.len();
        self.files.push((source.key, source.stamp, range.clone()));
        Some((answer, &self.body[range]))
    }

    /// Makes room for `files` more values of `bytes` bytes in all.
    pub fn reserve(&mut self, files: usize, bytes: usize) {
        self.files.reserve(files);
        self.body.reserve(bytes);
    }

    /// How many values it holds.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

impl<V> Bucket<V>
where
    V: Serialize + DeserializeOwned + Clone,
{
    /// Stores values encoded for files read as misses, batch by batch
    /// ([`EncodedFiles`]), under one lock: what
    /// [`insert_file_bytes`](Bucket::insert_file_bytes) stores, for a
    /// caller that gathered them while the work was spread over threads
    /// (each `insert_file_bytes` takes the bucket's lock; thousands of
    /// them from two threads were ~2 ms of a first run's wall on Cal.com).
    pub fn insert_encoded_files(&self, batches: Vec<EncodedFiles>) {
        let count: usize = batches.iter().map(EncodedFiles::len).sum();
        if count == 0 {
            return;
        }
        let mut st = self.state();
        st.entries.reserve(count);
        for batch in batches {
            let body = std::sync::Arc::new(batch.body);
            for (key, stamp, range) in batch.files {
                put_locked(
                    &mut st,
                    key,
                    Check::File(stamp),
                    Slot::Raw(body.clone(), range),
                );
            }
        }
    }

    /// [`insert_encoded_files`](Bucket::insert_encoded_files) then
    /// [`save`](Bucket::save), for a process that exits next and looks
    /// none of them up. A bucket that holds nothing and finds no file of
    /// another writer (a first run) writes the batches as the file as they
    /// are, without the map of entries only later lookups would read: on a
    /// Cal.com first run, building it was ~1.5 ms of the saving thread's
    /// ~4 ms and ~1.5 MB of memory. They still count in
    /// [`stats`](Bucket::stats). Otherwise they are inserted and saved.
    pub fn save_encoded_files(&self, batches: Vec<EncodedFiles>) -> Result<Saved> {
        let Some(path) = &self.path else {
            return Ok(Saved::default());
        };
        match self.save_alone(path, &batches) {
            Ok(Some(saved)) => Ok(saved),
            Ok(None) => {
                self.insert_encoded_files(batches);
                self.save()
            }
            Err(e) => self.reported(path, Err(e)),
        }
    }

    /// The file written from `batches` alone, when nothing else belongs
    /// in it; `Ok(None)` when something may (entries held or removed, a
    /// file on disk: another writer's, or one of another version) or when
    /// there is nothing to write.
    fn save_alone(
        &self,
        path: &std::path::Path,
        batches: &[EncodedFiles],
    ) -> Result<Option<Saved>> {
        if batches.iter().all(EncodedFiles::is_empty) {
            return Ok(None);
        }
        let lock = self.cache.lock()?;
        let mut st = self.state();
        if !st.entries.is_empty()
            || !st.removed.is_empty()
            || st.on_disk.is_some()
            || std::fs::symlink_metadata(path).is_ok()
        {
            return Ok(None);
        }
        // Sorted by (rank, key, arrival), each key once: its last value, as
        // the map would keep (a key stored twice is a caller's mistake).
        let mut order: Vec<(u64, &str, usize, &FileStamp, &[u8])> = batches
            .iter()
            .flat_map(|batch| {
                let body = &batch.body;
                batch
                    .files
                    .iter()
                    .map(move |(key, stamp, range)| (key, stamp, &body[range.clone()]))
            })
            .enumerate()
            .map(|(arrival, (key, stamp, value))| {
                (record_rank(key), key.as_str(), arrival, stamp, value)
            })
            .collect();
        order.sort_unstable_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
        order.dedup_by(|later, earlier| {
            let same = later.1 == earlier.1;
            if same {
                std::mem::swap(later, earlier);
            }
            same
        });
        let checks: Vec<Check> = order.iter().map(|r| Check::File(*r.3)).collect();
        let list: Vec<Record<'_>> = order
            .iter()
            .zip(&checks)
            .map(|(r, check)| (r.1, check, RawBytes(r.4)))
            .collect();
        let hash = self.write_records(path, &list)?;
        st.on_disk = Some(hash);
        st.aside = list.len();
        drop(st);
        // Under the cache lock, as `save` writes them.
        self.write_stats()?;
        drop(lock);
        Ok(Some(Saved {
            written: true,
            merged: 0,
            entries: list.len(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::lookup::Lookup;
    use crate::{BucketSpec, Cache};

    /// Files read unlisted and stored in batches (one failed encoding
    /// among them, which keeps nothing) are answered as their values, in
    /// this process and after a save and a load, and count as misses.
    #[test]
    fn batched_values_read_back_as_the_values() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.ts", "b.ts", "c.ts", "d.ts"] {
            std::fs::write(dir.path().join(name), name).unwrap();
        }
        let cache = Cache::at(&dir.path().join("cache"), dir.path());
        let spec = BucketSpec::new("t", 1);
        let bucket = cache.bucket::<String>(spec.clone());
        let read = |key: &str| {
            bucket
                .read_unlisted(key.to_string(), &dir.path().join(key), cache.now())
                .unwrap()
                .unwrap()
        };
        let mut first = EncodedFiles::default();
        let mut second = EncodedFiles::default();
        let encode = |value: &str| {
            let value = value.to_string();
            move |into: &mut Vec<u8>| {
                let start = into.len();
                postcard::to_io(&value, &mut *into).ok()?;
                Some(into.len() - start)
            }
        };
        let (len, bytes) = first.push(read("a.ts"), encode("value of a")).unwrap();
        assert_eq!(bytes, postcard::to_stdvec("value of a").unwrap());
        assert_eq!(len, bytes.len());
        first.push(read("b.ts"), encode("value of b")).unwrap();
        // Half a value appended, then a failure: nothing of it is kept.
        let failed = first.push(read("c.ts"), |into: &mut Vec<u8>| -> Option<()> {
            into.extend_from_slice(b"half");
            None
        });
        assert!(failed.is_none());
        second.push(read("d.ts"), encode("value of d")).unwrap();
        assert_eq!((first.len(), second.len()), (2, 1));
        bucket.insert_encoded_files(vec![first, second]);
        let stats = bucket.stats();
        assert_eq!((stats.misses, stats.entries), (4, 3));
        let want = |key: &str| Some(format!("value of {}", &key[..1]));
        cache.set_clock(|| std::time::SystemTime::now() + Duration::from_secs(60));
        for key in ["a.ts", "b.ts", "d.ts"] {
            assert_eq!(bucket.file(key).unwrap().hit(), want(key), "{key}");
        }
        assert!(matches!(bucket.file("c.ts").unwrap(), Lookup::Miss(_)));
        bucket.save().unwrap();
        let again = Cache::at(&dir.path().join("cache"), dir.path());
        again.set_clock(|| std::time::SystemTime::now() + Duration::from_secs(60));
        let loaded = again.bucket::<String>(spec);
        assert_eq!(loaded.len(), 3);
        for key in ["a.ts", "b.ts", "d.ts"] {
            assert_eq!(loaded.file(key).unwrap().hit(), want(key), "{key}");
        }
    }

    /// Batches of `(file, value)`, each file read as a miss at `now`.
    fn batches(
        dir: &std::path::Path,
        bucket: &Bucket<String>,
        now: std::time::SystemTime,
        batches: &[&[(&str, &str)]],
    ) -> Vec<EncodedFiles> {
        batches
            .iter()
            .map(|files| {
                let mut batch = EncodedFiles::default();
                for (file, value) in *files {
                    let source = bucket
                        .read_unlisted(file.to_string(), &dir.join(file), now)
                        .unwrap()
                        .unwrap();
                    batch.push(source, |into: &mut Vec<u8>| {
                        postcard::to_io(&value.to_string(), &mut *into)
                            .ok()
                            .map(|_| ())
                    });
                }
                batch
            })
            .collect()
    }

    /// A first run's batches written alone make the very file that storing
    /// them and saving makes, count as entries, and read back after a
    /// load; a key given twice keeps its last value, as the map does.
    #[test]
    fn batches_saved_alone_are_the_file_a_store_and_save_write() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.ts", "b.ts", "c.ts"] {
            std::fs::write(dir.path().join(name), name).unwrap();
        }
        let now = std::time::SystemTime::now();
        let files: [&[(&str, &str)]; 2] = [
            &[("a.ts", "first a"), ("b.ts", "b")],
            &[("c.ts", "c"), ("a.ts", "last a")],
        ];
        let saved = |folder: &str, alone: bool| {
            let cache = Cache::at(&dir.path().join(folder), dir.path());
            cache.set_clock(move || now);
            let bucket = cache.bucket::<String>(BucketSpec::new("t", 1));
            let batches = batches(dir.path(), &bucket, now, &files);
            let saved = if alone {
                bucket.save_encoded_files(batches).unwrap()
            } else {
                bucket.insert_encoded_files(batches);
                bucket.save().unwrap()
            };
            assert_eq!((saved.written, saved.entries), (true, 3), "{folder}");
            assert_eq!(bucket.stats().entries, 3, "{folder}");
            // Held only when stored: saved alone, the map stays empty.
            assert_eq!(bucket.len(), if alone { 0 } else { 3 }, "{folder}");
            std::fs::read(dir.path().join(folder).join("t-v1.cache")).unwrap()
        };
        let stored = saved("stored", false);
        let alone = saved("alone", true);
        assert!(stored == alone, "the two files differ");
        let again = Cache::at(&dir.path().join("alone"), dir.path());
        again.set_clock(|| std::time::SystemTime::now() + Duration::from_secs(60));
        let loaded = again.bucket::<String>(BucketSpec::new("t", 1));
        assert_eq!(loaded.len(), 3);
        for (key, want) in [("a.ts", "last a"), ("b.ts", "b"), ("c.ts", "c")] {
            assert_eq!(
                loaded.file(key).unwrap().hit(),
                Some(want.to_string()),
                "{key}"
            );
        }
    }

    /// A file on disk when the batches are saved (another process's, saved
    /// since this one loaded) is merged as `save` merges it: its entry
    /// stays beside the batches'.
    #[test]
    fn batches_saved_over_another_writers_file_keep_its_entries() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.ts", "b.ts"] {
            std::fs::write(dir.path().join(name), name).unwrap();
        }
        let folder = dir.path().join("cache");
        let now = std::time::SystemTime::now();
        let ours = Cache::at(&folder, dir.path());
        let bucket = ours.bucket::<String>(BucketSpec::new("t", 1));
        // Another process fills and saves the bucket meanwhile.
        let other = Cache::at(&folder, dir.path());
        let theirs = other.bucket::<String>(BucketSpec::new("t", 1));
        theirs.insert_encoded_files(batches(dir.path(), &theirs, now, &[&[("b.ts", "b")]]));
        theirs.save().unwrap();
        let batches = batches(dir.path(), &bucket, now, &[&[("a.ts", "a")]]);
        let saved = bucket.save_encoded_files(batches).unwrap();
        assert_eq!((saved.merged, saved.entries), (1, 2));
        let again = Cache::at(&folder, dir.path());
        again.set_clock(|| std::time::SystemTime::now() + Duration::from_secs(60));
        let loaded = again.bucket::<String>(BucketSpec::new("t", 1));
        for (key, want) in [("a.ts", "a"), ("b.ts", "b")] {
            assert_eq!(
                loaded.file(key).unwrap().hit(),
                Some(want.to_string()),
                "{key}"
            );
        }
    }
}
