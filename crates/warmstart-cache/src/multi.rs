//! Lookups of a value computed from several files (an app registry from
//! every `_metadata.ts`) or from inputs the caller hashed (a resolution).
//! Like file lookups, a hit is proven against the disk or the hash.

use std::sync::atomic::Ordering;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::bucket::{Bucket, Check, Entry};
use crate::error::Result;
use crate::lookup::mark_verified;
use crate::stamp::{FileStamp, Fingerprint, Source};

/// The answer to a lookup by a set of files.
#[derive(Debug)]
pub enum FilesLookup<V> {
    Hit(V),
    /// Compute from these sources, then [`Bucket::insert_files`].
    Miss(FileSet),
}

/// The files of a [`FilesLookup::Miss`], read and stamped, in the order
/// they were asked for. An absent file has no source.
#[derive(Debug, Clone)]
pub struct FileSet {
    pub(crate) key: String,
    pub(crate) files: Vec<(String, Option<Source>)>,
}

impl FileSet {
    /// The source of one file of the set (`None` if absent or not in it).
    pub fn get(&self, key: &str) -> Option<&Source> {
        self.files
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, s)| s.as_ref())
    }

    /// Every file of the set with its source (`None`: absent).
    pub fn iter(&self) -> impl Iterator<Item = (&str, Option<&Source>)> {
        self.files.iter().map(|(k, s)| (k.as_str(), s.as_ref()))
    }
}

/// Does the file at `key` still match `stamp`? `Ok(Some(new))` when it does
/// (with a fresher stamp when the content hash had to confirm it),
/// `Ok(None)` when it does not or is gone.
enum Verdict {
    Same(Option<FileStamp>),
    Changed,
}

impl<V> Bucket<V>
where
    V: Serialize + DeserializeOwned + Clone,
{
    /// Looks up a value computed from several files (`files` relative to
    /// the root, in a stable order): a hit when the list is the same and
    /// every file is unchanged (an absent file must still be absent). A
    /// no-change check costs one `stat` per file.
    pub fn files(&self, key: &str, files: &[&str]) -> Result<FilesLookup<V>> {
        let stored = {
            let mut st = self.state();
            if let Some(entry) = st.entries.get_mut(key) {
                entry.touched = true;
            }
            let entry = st.entries.get(key);
            let same_list = |list: &[(String, Option<FileStamp>)]| {
                list.len() == files.len() && list.iter().zip(files).all(|(a, b)| a.0 == *b)
            };
            let l1 = match entry {
                Some(Entry {
                    check: Check::Files(list),
                    value,
                    ..
                }) if st.watched && st.verified.contains(key) && same_list(list) => {
                    Some(value.clone())
                }
                _ => None,
            };
            let stored = match entry {
                Some(Entry {
                    check: Check::Files(list),
                    ..
                }) if same_list(list) => Some(list.clone()),
                _ => None,
            };
            drop(st);
            if let Some(v) = l1.and_then(|slot| self.materialize(key, slot)) {
                self.counters.hit();
                self.counters.l1_hits.fetch_add(1, Ordering::Relaxed);
                return Ok(FilesLookup::Hit(v));
            }
            stored
        };
        let now = self.cache.now();
        if let Some(list) = stored {
            let mut fresh = Vec::with_capacity(list.len());
            let mut same = true;
            let mut rehashed = false;
            for (rel, stamp) in &list {
                match self.verify(rel, stamp.as_ref(), now)? {
                    Verdict::Same(new) => {
                        rehashed |= new.is_some();
                        fresh.push((rel.clone(), new.or(*stamp)));
                    }
                    Verdict::Changed => {
                        same = false;
                        break;
                    }
                }
            }
            if same {
                let mut st = self.state();
                let slot = match st.entries.get_mut(key) {
                    Some(entry) if entry.check == Check::Files(list) => {
                        if rehashed {
                            entry.check = Check::Files(fresh);
                            st.dirty = true;
                            self.counters.rehashed.fetch_add(1, Ordering::Relaxed);
                        }
                        mark_verified(&mut st, key);
                        st.entries.get(key).map(|e| e.value.clone())
                    }
                    _ => None,
                };
                drop(st);
                if let Some(v) = slot.and_then(|slot| self.materialize(key, slot)) {
                    self.counters.hit();
                    return Ok(FilesLookup::Hit(v));
                }
            }
        }
        let mut set = FileSet {
            key: key.to_string(),
            files: Vec::with_capacity(files.len()),
        };
        for rel in files {
            let source = Source::read(rel, &self.cache.root().join(rel), now)?;
            set.files.push((rel.to_string(), source));
        }
        self.counters.miss();
        Ok(FilesLookup::Miss(set))
    }

    /// Stores the value computed from a [`FileSet`].
    pub fn insert_files(&self, set: &FileSet, value: V) {
        let list = set
            .files
            .iter()
            .map(|(k, s)| (k.clone(), s.as_ref().map(|s| s.stamp)))
            .collect();
        self.put(set.key.clone(), Check::Files(list), value);
    }

    /// Looks up a value stored under `key` for inputs hashing to `inputs`
    /// (e.g. a resolution keyed by importer folder and specifier, with the
    /// tsconfig chain hashed into `inputs` or into the bucket context).
    pub fn get(&self, key: &str, inputs: u128) -> Option<V> {
        let mut st = self.state();
        let slot = st.entries.get_mut(key).and_then(|entry| {
            entry.touched = true;
            (entry.check == Check::Inputs(inputs)).then(|| entry.value.clone())
        });
        drop(st);
        let value = slot.and_then(|slot| self.materialize(key, slot));
        if value.is_some() {
            self.counters.hit();
        } else {
            self.counters.miss();
        }
        value
    }

    /// Stores a value for inputs hashing to `inputs`.
    pub fn insert(&self, key: impl Into<String>, inputs: u128, value: V) {
        self.put(key.into(), Check::Inputs(inputs), value);
    }

    /// [`insert`](Bucket::insert) of a value the caller keeps: encoded now
    /// instead of cloned (`value` must encode as a `V` does: a borrowing
    /// twin with the same fields in the same order).
    pub fn insert_encoded<T: Serialize>(&self, key: impl Into<String>, inputs: u128, value: &T) {
        self.put_encoded(key.into(), Check::Inputs(inputs), value);
    }

    fn verify(
        &self,
        rel: &str,
        stamp: Option<&FileStamp>,
        now: std::time::SystemTime,
    ) -> Result<Verdict> {
        let path = self.cache.root().join(rel);
        let fp = match Fingerprint::stat(&path) {
            Ok(fp) => Some(fp),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(crate::CacheError::io("cannot stat", &path, e)),
        };
        let (Some(stamp), Some(fp)) = (stamp, fp) else {
            return Ok(if stamp.is_none() && fp.is_none() {
                Verdict::Same(None)
            } else {
                Verdict::Changed
            });
        };
        match stamp.fast_check(&fp, now, self.cache.inner.granularity) {
            Some(true) => Ok(Verdict::Same(None)),
            Some(false) => Ok(Verdict::Changed),
            None => match Source::read(rel, &path, now)? {
                Some(src) if src.stamp.hash == stamp.hash => Ok(Verdict::Same(Some(src.stamp))),
                _ => Ok(Verdict::Changed),
            },
        }
    }
}
