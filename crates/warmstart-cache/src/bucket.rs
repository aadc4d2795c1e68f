//! [`Bucket`]: one versioned file of entries, loaded once, looked up many
//! times (from many threads), saved once.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::cache::{BUCKET_EXT, Cache};
use crate::error::Result;
use crate::events::CacheEvent;
use crate::format::{self, Codec, Rejected, hex};
use crate::slot::Slot;
use crate::stamp::{FileStamp, unix_ns};
use crate::stats::{Counters, LastRun, STATS_FILE, StatsFile};

/// Names a bucket and says which stored bytes it may use.
///
/// The file is `<name>-v<version>.cache`: bump `version` whenever the value
/// type's serialized form changes, and old files are simply never read.
/// `context` is a hash of everything the values depend on besides the files
/// they are keyed by (tsconfig, package.json files, lockfile, config, …;
/// see [`ContextHasher`](crate::ContextHasher)): a bucket stored under
/// another context is dropped whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketSpec {
    pub name: String,
    pub version: u32,
    pub context: u128,
    pub codec: Codec,
}

impl BucketSpec {
    /// A bucket named `name` (lowercase letters, digits, `-`) at format
    /// `version`, with no context and the postcard codec.
    pub fn new(name: &str, version: u32) -> BucketSpec {
        BucketSpec {
            name: name.to_string(),
            version,
            context: 0,
            codec: Codec::Postcard,
        }
    }

    /// Sets the context hash.
    pub fn context(mut self, context: u128) -> BucketSpec {
        self.context = context;
        self
    }

    /// Sets the codec (see [`Codec`]).
    pub fn codec(mut self, codec: Codec) -> BucketSpec {
        self.codec = codec;
        self
    }

    /// `<name>-v<version>`, the bucket's name in files and statistics.
    pub fn file_stem(&self) -> String {
        format!("{}-v{}", self.name, self.version)
    }

    fn valid_name(&self) -> bool {
        !self.name.is_empty()
            && self
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    }
}

/// How an entry proves it is still valid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) enum Check {
    /// The key is a file (relative to the cache root) with this stamp.
    File(FileStamp),
    /// The value was computed from these files (`None`: the file was absent).
    Files(Vec<(String, Option<FileStamp>)>),
    /// The value was computed from inputs the caller hashed.
    Inputs(u128),
}

#[derive(Debug, Clone)]
pub(crate) struct Entry<V> {
    pub check: Check,
    pub value: Slot<V>,
    /// Looked up or stored in this process: what
    /// [`Bucket::prune_untouched`] keeps, and what a merge must not undo.
    /// A flag, not a set of keys beside the map: a fill stored ~12,000
    /// entries on Cal.com, and each paid a key copy and two more hashes.
    pub touched: bool,
}

/// One entry as written: key, check, and the value encoded with the
/// bucket's codec (so values can be decoded lazily, one by one).
pub(crate) type Record<'a> = (&'a str, &'a Check, RawBytes<'a>);

/// An encoded value written as one byte string. serde writes a plain
/// `&[u8]` as a sequence, one `u8` call per byte (2 MB of them on a
/// Cal.com cache fill, ~3 ms); postcard writes a byte string as the same
/// bytes (length, then the bytes), so files read back unchanged.
pub(crate) struct RawBytes<'a>(pub &'a [u8]);

impl serde::Serialize for RawBytes<'_> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

pub(crate) struct State<V> {
    pub entries: HashMap<String, Entry<V>>,
    /// Keys removed in this process: a merge must not bring them back.
    pub removed: HashSet<String>,
    /// L1: keys confirmed since their last [`Bucket::invalidate`]; in
    /// watched mode they are answered without touching the disk.
    pub verified: HashSet<String>,
    pub watched: bool,
    pub dirty: bool,
    /// Body hash of the file as this process last read or wrote it; a
    /// different one at save time means another process saved meanwhile.
    pub on_disk: Option<String>,
    /// Entries written to the file without being held here
    /// ([`Bucket::save_encoded_files`]): they still count in the stats.
    pub aside: usize,
}

/// A typed, versioned set of entries, stored as one file.
///
/// Lookups take `&self` and may run from many threads at once (the stat
/// and hash happen outside the internal mutex).
pub struct Bucket<V> {
    pub(crate) cache: Cache,
    pub(crate) spec: BucketSpec,
    pub(crate) stem: String,
    pub(crate) path: Option<PathBuf>,
    pub(crate) state: Mutex<State<V>>,
    pub(crate) counters: Arc<Counters>,
    /// Whether an undecodable value was already reported.
    pub(crate) warned: std::sync::atomic::AtomicBool,
}

/// What [`Bucket::save`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Saved {
    /// The bucket file was rewritten (false when nothing changed).
    pub written: bool,
    /// Entries of another process's save that were merged in.
    pub merged: usize,
    /// Entries in the file.
    pub entries: usize,
}

type Decoded<V> = Option<(String, Vec<(String, Entry<V>)>)>;

impl<V> Bucket<V>
where
    V: Serialize + DeserializeOwned + Clone,
{
    pub(crate) fn load(cache: Cache, spec: BucketSpec, counters: Arc<Counters>) -> Bucket<V> {
        let stem = spec.file_stem();
        let path = if spec.valid_name() {
            cache.dir().map(|d| d.join(format!("{stem}.{BUCKET_EXT}")))
        } else {
            cache.emit(CacheEvent::NotSaved {
                file: PathBuf::from(&stem),
                reason: "bad bucket name: use lowercase letters, digits and '-'".into(),
            });
            None
        };
        let mut state = State {
            entries: HashMap::default(),
            removed: HashSet::default(),
            verified: HashSet::default(),
            watched: false,
            dirty: false,
            on_disk: None,
            aside: 0,
        };
        if let Some(path) = &path {
            match read_file::<V>(path, &stem, &spec) {
                Ok(Some((hash, list))) => {
                    state.on_disk = Some(hash);
                    state.entries = list.into_iter().collect();
                }
                Ok(None) => {}
                Err(rejected) => {
                    let reason = match rejected {
                        Rejected::Stale(reason) => reason,
                        Rejected::Damaged(reason) => {
                            cache.emit(CacheEvent::Damaged {
                                file: path.clone(),
                                reason: reason.clone(),
                            });
                            format!("damaged: {reason}")
                        }
                    };
                    // Rewrite the file at the next save even if nothing is
                    // stored, so the problem is reported once, not forever.
                    state.dirty = true;
                    if let Ok(mut d) = counters.dropped.lock() {
                        *d = Some(reason);
                    }
                }
            }
        }
        counters
            .entries
            .store(state.entries.len() as u64, Ordering::Relaxed);
        Bucket {
            cache,
            spec,
            stem,
            path,
            state: Mutex::new(state),
            counters,
            warned: std::sync::atomic::AtomicBool::new(false),
        }
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, State<V>> {
        // A panic in another thread while holding the lock leaves the map
        // consistent (every mutation is a single insert/remove), so a
        // poisoned lock is safe to keep using.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The bucket's name with its version, e.g. `graph-v1`.
    pub fn name(&self) -> &str {
        &self.stem
    }

    /// The bucket file (`None` when the cache is disabled).
    pub fn path(&self) -> Option<&std::path::Path> {
        self.path.as_deref()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.state().entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// All keys, sorted.
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.state().entries.keys().cloned().collect();
        keys.sort();
        keys
    }

    /// This run's hit/miss statistics of this bucket.
    pub fn stats(&self) -> crate::BucketStats {
        let entries = {
            let st = self.state();
            st.entries.len() + st.aside
        };
        self.counters
            .entries
            .store(entries as u64, Ordering::Relaxed);
        self.counters.snapshot()
    }

    /// Makes room for `additional` more entries (a caller about to store
    /// a known number of them).
    pub fn reserve(&self, additional: usize) {
        self.state().entries.reserve(additional);
    }

    /// Removes an entry.
    pub fn remove(&self, key: &str) {
        self.remove_entry(key);
    }

    /// Keeps only the entries whose key `keep` accepts.
    pub fn retain(&self, mut keep: impl FnMut(&str) -> bool) -> usize {
        let mut st = self.state();
        let before = st.entries.len();
        let removed: Vec<String> = st.entries.keys().filter(|k| !keep(k)).cloned().collect();
        let count = removed.len();
        for k in removed {
            st.entries.remove(&k);
            st.verified.remove(&k);
            st.removed.insert(k);
        }
        if st.entries.len() != before {
            st.dirty = true;
        }
        count
    }

    /// Removes every entry that was neither looked up nor stored in this
    /// process: after a full walk, those are files that no longer exist (or
    /// no longer matter). Returns how many were removed.
    pub fn prune_untouched(&self) -> usize {
        let mut st = self.state();
        let before = st.entries.len();
        st.entries.retain(|_, entry| entry.touched);
        let removed = before - st.entries.len();
        if removed > 0 {
            st.dirty = true;
        }
        removed
    }

    /// Writes the bucket if it changed (merging what another process saved
    /// since this one loaded: its entries win for keys this process did not
    /// touch) and records this run's statistics in `stats.json`. Takes the
    /// cache lock for the duration. A disabled cache saves nothing.
    ///
    /// A failure is also reported as a [`CacheEvent::NotSaved`] through the
    /// event hook, so a caller may simply ignore the `Err`: the results of
    /// the run are correct either way, the next run is just colder.
    pub fn save(&self) -> Result<Saved> {
        let Some(path) = &self.path else {
            return Ok(Saved::default());
        };
        self.reported(path, self.save_to(path))
    }

    /// `result` of saving to `path`, a failure also reported through the
    /// event hook as [`CacheEvent::NotSaved`].
    pub(crate) fn reported(&self, path: &std::path::Path, result: Result<Saved>) -> Result<Saved> {
        if let Err(e) = &result {
            self.cache.emit(CacheEvent::NotSaved {
                file: path.to_path_buf(),
                reason: e.to_string(),
            });
        }
        result
    }

    fn save_to(&self, path: &std::path::Path) -> Result<Saved> {
        let _lock = self.cache.lock()?;
        let mut saved = Saved::default();
        {
            let mut st = self.state();
            if st.dirty {
                saved.merged = self.merge_other_writer(&mut st, path);
                let sorted = record_order(&st.entries);
                let mut values = Vec::with_capacity(sorted.len());
                for (_, entry) in &sorted {
                    values.push(entry.value.bytes(self.spec.codec).map_err(|reason| {
                        crate::CacheError::io("cannot encode", path, std::io::Error::other(reason))
                    })?);
                }
                let list: Vec<Record<'_>> = sorted
                    .iter()
                    .zip(&values)
                    .map(|((k, e), v)| (k.as_str(), &e.check, RawBytes(v.as_ref())))
                    .collect();
                let hash = self.write_records(path, &list)?;
                st.on_disk = Some(hash);
                st.dirty = false;
                saved.written = true;
            }
            saved.entries = st.entries.len();
        }
        self.write_stats()?;
        Ok(saved)
    }

    /// Writes `list` as the bucket's file; the body's hash.
    pub(crate) fn write_records(
        &self,
        path: &std::path::Path,
        list: &[Record<'_>],
    ) -> Result<String> {
        let (stem, codec, context) = (&self.stem, self.spec.codec, self.spec.context);
        // Atomic (temp file + rename) but not synced: after a power loss
        // the rename may survive without the data, and the header's length
        // and checksum then reject the file, so a sync would buy nothing
        // but ~15 ms on every changed run.
        write_unsynced_with(path, |file| {
            format::write(file, stem, codec, context, list.len() as u64, list)
        })
    }

    fn merge_other_writer(&self, st: &mut State<V>, path: &std::path::Path) -> usize {
        let Ok(Some((hash, list))) = read_file::<V>(path, &self.stem, &self.spec) else {
            return 0;
        };
        if st.on_disk.as_deref() == Some(hash.as_str()) {
            return 0;
        }
        let mut merged = 0;
        for (key, entry) in list {
            let ours = st.entries.get(&key).is_some_and(|e| e.touched);
            if !ours && !st.removed.contains(&key) {
                st.entries.insert(key, entry);
                merged += 1;
            }
        }
        merged
    }

    pub(crate) fn write_stats(&self) -> Result<()> {
        let Some(dir) = self.cache.dir() else {
            return Ok(());
        };
        let path = dir.join(STATS_FILE);
        let mut file = StatsFile::read(&path);
        file.buckets.insert(
            self.stem.clone(),
            LastRun {
                at_ms: unix_ns(self.cache.now()) / 1_000_000,
                stats: self.stats(),
            },
        );
        let mut text = serde_json::to_vec_pretty(&file).unwrap_or_default();
        text.push(b'\n');
        write_unsynced(&path, &text)
    }
}

/// The entries in the order a save writes them: by the xxh3 of the key,
/// then by the key. Any fixed order keeps the file byte-stable; sorting by
/// the keys themselves compared ~12,000 repo paths with long shared
/// prefixes byte by byte on a Cal.com fill (~2.5 ms of `memcmp` in a
/// profile), where two hashes differ in their first word.
fn record_order<E>(entries: &HashMap<String, E>) -> Vec<(&String, &E)> {
    let mut sorted: Vec<(u64, &String, &E)> = entries
        .iter()
        .map(|(k, e)| (record_rank(k), k, e))
        .collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    sorted.into_iter().map(|(_, k, e)| (k, e)).collect()
}

/// Where a key goes in [`record_order`] before ties are broken by the key.
pub(crate) fn record_rank(key: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(key.as_bytes())
}

/// Temp file + rename without `fsync` (`warmstart_fs::atomic_write` plus a
/// sync is for files people read): a reader sees the old file or the new
/// one, never half of one; after a power loss the new name may hold no data,
/// which bucket checksums reject and which `stats.json` reads as empty.
pub(crate) fn write_unsynced(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    write_unsynced_parts(path, &[bytes])
}

/// [`write_unsynced`] of a file given in parts, written in order.
pub(crate) fn write_unsynced_parts(path: &std::path::Path, parts: &[&[u8]]) -> Result<()> {
    use std::io::Write;
    write_unsynced_with(path, |file| {
        for part in parts {
            file.write_all(part)?;
        }
        Ok(())
    })
}

/// [`write_unsynced`] of a file that `write` writes from its start.
pub(crate) fn write_unsynced_with<R>(
    path: &std::path::Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<R>,
) -> Result<R> {
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    let wrap = |e: std::io::Error| crate::CacheError::io("cannot write", path, e);
    // Named with the pid like `warmstart_fs::atomic_write`'s, so a later
    // save can clear what a killed writer left without touching a live one's.
    warmstart_fs::sweep_stale_temps(dir);
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(
            "{}{}-",
            warmstart_fs::TEMP_PREFIX,
            std::process::id()
        ))
        .tempfile_in(dir)
        .map_err(wrap)?;
    let written = write(tmp.as_file_mut()).map_err(wrap)?;
    // Temporary files are created 0600; a cache shared by a team's users
    // (a CI image, a container) must stay readable like any build output.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644));
    }
    tmp.persist(path).map_err(|e| wrap(e.error))?;
    Ok(written)
}

/// Reads and validates a bucket file. `Ok(None)`: there is none.
fn read_file<V>(
    path: &std::path::Path,
    stem: &str,
    spec: &BucketSpec,
) -> Result<Decoded<V>, Rejected> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Rejected::Damaged(format!("cannot read: {e}"))),
    };
    let (header, body) = format::split(&bytes)?;
    if header.bucket != stem {
        return Err(Rejected::Damaged(format!(
            "holds bucket {:?}, not {stem:?}",
            header.bucket
        )));
    }
    if header.codec != spec.codec {
        return Err(Rejected::Stale(format!(
            "written with codec {:?}",
            header.codec
        )));
    }
    if header.context != hex(spec.context) {
        return Err(Rejected::Stale("context changed".into()));
    }
    let records: Vec<(&str, Check, &[u8])> = format::decode(body)?;
    // Values stay in the file's bytes (no copy): each is a range into them.
    let file_start = bytes.as_ptr() as usize;
    let owned: Vec<(String, Check, std::ops::Range<usize>)> = records
        .into_iter()
        .map(|(key, check, value)| {
            let start = value.as_ptr() as usize - file_start;
            (key.to_string(), check, start..start + value.len())
        })
        .collect();
    let hash = header.hash;
    let shared = Arc::new(bytes);
    let list = owned
        .into_iter()
        .map(|(key, check, range)| {
            let slot = Slot::Raw(shared.clone(), range);
            let entry = Entry {
                check,
                value: slot,
                touched: false,
            };
            (key, entry)
        })
        .collect();
    Ok(Some((hash, list)))
}

#[cfg(test)]
mod raw_bytes_tests {
    use super::RawBytes;

    /// A value written as a byte string is the same bytes as the sequence
    /// of `u8` written before, so caches filled by older binaries still read
    /// (and the other way round), and it reads back as a borrowed slice.
    #[test]
    fn byte_string_is_the_sequence_wire_format() {
        for value in [&b""[..], b"a", &[0u8, 127, 128, 255][..], &[7u8; 300][..]] {
            let record = ("key", 3u32, RawBytes(value));
            let now = postcard::to_stdvec(&record).unwrap();
            let before = postcard::to_stdvec(&("key", 3u32, value)).unwrap();
            assert_eq!(now, before);
            let (key, n, back): (&str, u32, &[u8]) = postcard::from_bytes(&now).unwrap();
            assert_eq!((key, n, back), ("key", 3, value));
        }
    }
}
