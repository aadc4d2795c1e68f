//! [`Cache`]: the handle on one cache folder, shared by every bucket of a
//! process. Cheap to clone.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::bucket::{Bucket, BucketSpec};
use crate::config::{CacheConfig, ENV_DIR, ENV_DISABLE};
use crate::error::{CacheError, Result};
use crate::events::{CacheEvent, Events};
use crate::lock::CacheLock;
use crate::stats::{BucketStats, Counters};

/// Marks the folder as a cache for backup tools (<https://bford.info/cachedir/>),
/// and is what `cache clear` checks before deleting anything.
pub const CACHEDIR_TAG: &str = "CACHEDIR.TAG";
const TAG_CONTENTS: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
    # This file is a cache directory tag created by warmstart.\n\
    # For information about cache directory tags see https://bford.info/cachedir/\n";

/// Extension of bucket files.
pub(crate) const BUCKET_EXT: &str = "cache";

type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// A cache folder (or a disabled cache, which loads nothing and saves
/// nothing but computes the same results).
#[derive(Clone)]
pub struct Cache {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// `None` when disabled.
    pub dir: Option<PathBuf>,
    /// Base of relative keys given to file lookups.
    pub root: PathBuf,
    pub granularity: Duration,
    pub events: RwLock<Events>,
    pub clock: RwLock<Clock>,
    pub runs: Mutex<Vec<Arc<Counters>>>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("dir", &self.inner.dir)
            .field("root", &self.inner.root)
            .finish_non_exhaustive()
    }
}

impl Cache {
    /// The cache of the repository at `root`, as configured: folder from
    /// `WARMSTART_CACHE_DIR`, else `config.dir` (both relative to `root`
    /// unless absolute); disabled by `config.enabled = false` or
    /// `WARMSTART_NO_CACHE`. Touches nothing on disk: the folder is created
    /// by the first save.
    pub fn open(root: &Path, config: &CacheConfig) -> Cache {
        let disabled = !config.enabled
            || std::env::var_os(ENV_DISABLE).is_some_and(|v| !v.is_empty() && v != "0");
        let dir = match std::env::var_os(ENV_DIR).filter(|v| !v.is_empty()) {
            Some(dir) => root.join(dir),
            None => root.join(&config.dir),
        };
        let granularity = Duration::from_millis(config.mtime_granularity_ms);
        Cache::new((!disabled).then_some(dir), root, granularity)
    }

    /// A cache in `dir` for files under `root` (tests, tools).
    pub fn at(dir: &Path, root: &Path) -> Cache {
        let granularity = Duration::from_millis(CacheConfig::default().mtime_granularity_ms);
        Cache::new(Some(dir.to_path_buf()), root, granularity)
    }

    /// A cache that never loads or saves: every lookup misses.
    pub fn disabled(root: &Path) -> Cache {
        Cache::new(None, root, Duration::ZERO)
    }

    fn new(dir: Option<PathBuf>, root: &Path, granularity: Duration) -> Cache {
        Cache {
            inner: Arc::new(Inner {
                dir,
                root: root.to_path_buf(),
                granularity,
                events: RwLock::new(Events::default()),
                clock: RwLock::new(Arc::new(SystemTime::now)),
                runs: Mutex::new(Vec::new()),
            }),
        }
    }

    /// Installs the function that hears about waits on the lock and damaged
    /// files (the binary prints them on stderr). Without one they are
    /// dropped.
    pub fn on_event(&self, hook: impl Fn(&CacheEvent) + Send + Sync + 'static) {
        if let Ok(mut events) = self.inner.events.write() {
            *events = Events::new(hook);
        }
    }

    /// Replaces the wall clock used to stamp and judge entries. For tests
    /// of clock jumps; real callers never need it.
    pub fn set_clock(&self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) {
        if let Ok(mut c) = self.inner.clock.write() {
            *c = Arc::new(clock);
        }
    }

    /// The cache folder, `None` when the cache is disabled.
    pub fn dir(&self) -> Option<&Path> {
        self.inner.dir.as_deref()
    }

    /// The file system's mtime granularity this cache assumes
    /// (`cache.mtimeGranularityMs`).
    pub fn granularity(&self) -> Duration {
        self.inner.granularity
    }

    /// The folder relative file keys are resolved against.
    pub fn root(&self) -> &Path {
        &self.inner.root
    }

    /// Whether the cache loads and saves at all.
    pub fn is_enabled(&self) -> bool {
        self.inner.dir.is_some()
    }

    /// Loads a bucket (or starts it empty). Never fails: a missing, foreign,
    /// damaged or unreadable file gives an empty bucket, with a
    /// [`CacheEvent::Damaged`] warning when the file was damaged.
    pub fn bucket<V>(&self, spec: BucketSpec) -> Bucket<V>
    where
        V: Serialize + DeserializeOwned + Clone,
    {
        let counters = Arc::new(Counters::new(&spec.file_stem()));
        if let Ok(mut runs) = self.inner.runs.lock() {
            runs.retain(|c| c.name != counters.name);
            runs.push(counters.clone());
        }
        Bucket::load(self.clone(), spec, counters)
    }

    /// This run's statistics of every bucket opened through this handle,
    /// sorted by name: put them under `"cache"` in a command's `--json`.
    pub fn run_stats(&self) -> Vec<BucketStats> {
        let mut out: Vec<BucketStats> = self
            .inner
            .runs
            .lock()
            .map(|runs| runs.iter().map(|c| c.snapshot()).collect())
            .unwrap_or_default();
        out.sort_by(|a, b| a.bucket.cmp(&b.bucket));
        out
    }

    /// Takes the cache-wide lock (waiting, and saying so through the event
    /// hook, while another process holds it). Saves and clears take it
    /// themselves; hold it yourself only to make a longer sequence atomic.
    pub fn lock(&self) -> Result<CacheLock> {
        let dir = self.inner.dir.as_ref().ok_or(CacheError::Disabled)?;
        self.ensure_dir()?;
        CacheLock::acquire(dir, &self.events())
    }

    pub(crate) fn events(&self) -> Events {
        self.inner
            .events
            .read()
            .map(|e| e.clone())
            .unwrap_or_default()
    }

    pub(crate) fn emit(&self, event: CacheEvent) {
        self.events().emit(&event);
    }

    /// The cache's clock: the time stamps are recorded at (the system's,
    /// unless a test set another with [`set_clock`](Cache::set_clock)).
    pub fn now(&self) -> SystemTime {
        match self.inner.clock.read() {
            Ok(clock) => clock(),
            Err(_) => SystemTime::now(),
        }
    }

    /// Creates the folder with its `CACHEDIR.TAG` and `.gitignore`.
    pub fn ensure_dir(&self) -> Result<()> {
        let Some(dir) = &self.inner.dir else {
            return Err(CacheError::Disabled);
        };
        prepare_dir(dir)
    }
}

/// Files other parts of warmstart keep in the cache folder under fixed
/// names (`warmstart dev`'s history, its routes to warm and its
/// `next.config` probe, the writers' lock). `warmstart dev` on a fresh
/// clone made the folder with only these in it and a tag of another
/// length, and every bucket save after that refused the folder as not the
/// cache's; they now make the folder through [`prepare_dir`] too.
pub const KEPT_BESIDE: [&str; 4] = [
    "dev-history.jsonl",
    "dev-routes.json",
    "next-config-probe.json",
    WRITERS_LOCK,
];

/// The lock every command that writes into the tree holds (`warmstart`'s
/// settings), kept in the cache folder.
pub const WRITERS_LOCK: &str = "writers.lock";

/// Whether a file or folder named `name` in the cache folder is one
/// warmstart keeps there: the cache's own files, a bucket, a result's side
/// files, a command's versioned folder (`assets-v1/`), a temp file of an
/// unfinished write, or one of [`KEPT_BESIDE`]. A folder holding anything
/// else but no tag is not ours.
pub fn is_own_name(name: &str) -> bool {
    name == ".gitignore"
        || name == CACHEDIR_TAG
        || name == crate::lock::LOCK_FILE
        || name == crate::stats::STATS_FILE
        || name.starts_with(warmstart_fs::TEMP_PREFIX)
        || KEPT_BESIDE.contains(&name)
        || crate::maintenance::own_stem(name).is_some()
}

/// Creates cache folder `dir` with its `CACHEDIR.TAG` and `.gitignore`,
/// refusing a folder that holds files but no tag (not ours). Everything
/// that writes into the folder comes through here first (the buckets'
/// lock, the result files, [`KEPT_BESIDE`]): a result written into a
/// folder made without the tag made the next bucket save find a folder
/// "not ours".
pub fn prepare_dir(dir: &Path) -> Result<()> {
    let tag = dir.join(CACHEDIR_TAG);
    // Its length, not only that it exists: a tag written without a sync
    // may have been left empty by a power loss (see below). One `stat`
    // either way, on every run.
    let tagged = || std::fs::metadata(&tag).is_ok_and(|m| m.len() == TAG_CONTENTS.len() as u64);
    if tagged() {
        return Ok(());
    }
    // A folder that already holds files but no tag is not ours (a typo
    // in `cache.dir` pointing at `src`?): never write a `.gitignore` of
    // `*` or anything else into it. Our own names may be there without
    // the tag yet: another process is initializing the folder, or another
    // part of warmstart wrote there first ([`is_own_name`]).
    if let Ok(entries) = std::fs::read_dir(dir) {
        let foreign = entries
            .flatten()
            .any(|e| !is_own_name(&e.file_name().to_string_lossy()));
        if foreign {
            // Another writer may have made the folder (tag first) and put
            // its files in since the look above: then it is ours after all.
            if tagged() {
                return Ok(());
            }
            return Err(CacheError::NotACacheDir {
                path: dir.to_path_buf(),
            });
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| CacheError::io("cannot create", dir, e))?;
    // `*` ignores the folder itself too, so even a cache dir configured
    // outside node_modules never shows up in `git status`.
    // Both are written like the buckets, without a sync (two
    // `fdatasync`s were on the path of every first run): a file a power
    // loss left empty is written again by the next run (a `.gitignore`
    // someone edited is kept).
    let ignore = dir.join(".gitignore");
    if std::fs::metadata(&ignore).map_or(true, |m| m.len() == 0) {
        crate::bucket::write_unsynced(&ignore, b"*\n")?;
    }
    crate::bucket::write_unsynced(&tag, TAG_CONTENTS.as_bytes())?;
    Ok(())
}
