//! Hit and miss counters per bucket, for the `--json` output of the command
//! that ran and, persisted in `stats.json`, for `warmstart cache stats`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

/// Name of the statistics file inside the cache folder.
pub const STATS_FILE: &str = "stats.json";

/// Live counters of one bucket in this process.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub name: String,
    pub hits: AtomicU64,
    pub l1_hits: AtomicU64,
    pub rehashed: AtomicU64,
    pub misses: AtomicU64,
    pub entries: AtomicU64,
    pub dropped: Mutex<Option<String>>,
}

impl Counters {
    pub fn new(name: &str) -> Counters {
        Counters {
            name: name.to_string(),
            ..Counters::default()
        }
    }

    pub fn hit(&self) {
        self.hits.fetch_add(1, Ordering::Relaxed);
    }

    pub fn miss(&self) {
        self.misses.fetch_add(1, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> BucketStats {
        let hits = self.hits.load(Ordering::Relaxed);
        let misses = self.misses.load(Ordering::Relaxed);
        let lookups = hits + misses;
        BucketStats {
            bucket: self.name.clone(),
            entries: self.entries.load(Ordering::Relaxed),
            hits,
            misses,
            hit_rate: (lookups > 0).then(|| round4(hits as f64 / lookups as f64)),
            l1_hits: self.l1_hits.load(Ordering::Relaxed),
            rehashed: self.rehashed.load(Ordering::Relaxed),
            dropped: self.dropped.lock().map(|d| d.clone()).unwrap_or(None),
        }
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// What one bucket did in one run. Serialized in camelCase into `--json`
/// outputs (under `"cache"`) and into `stats.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BucketStats {
    /// Bucket name with its version, e.g. `graph-v1`.
    pub bucket: String,
    /// Entries held after the run.
    pub entries: u64,
    /// Lookups answered from the cache (any layer).
    pub hits: u64,
    /// Lookups that had to be recomputed.
    pub misses: u64,
    /// `hits / (hits + misses)`, rounded to 4 decimals; `null` without lookups.
    pub hit_rate: Option<f64>,
    /// Hits answered by the in-memory layer without touching the disk.
    pub l1_hits: u64,
    /// Hits whose fingerprint was not enough and whose content hash
    /// confirmed them (touched-but-unchanged files, racy mtimes).
    pub rehashed: u64,
    /// Why the stored bucket was dropped at load, if it was (another
    /// version, a changed context, a damaged file).
    pub dropped: Option<String>,
}

/// `stats.json`: the last run of every bucket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StatsFile {
    pub buckets: BTreeMap<String, LastRun>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LastRun {
    /// When the run saved, in milliseconds since the Unix epoch.
    pub at_ms: i64,
    #[serde(flatten)]
    pub stats: BucketStats,
}

impl StatsFile {
    /// Reads `stats.json`; a missing or damaged file reads as empty (the
    /// statistics are informative only, never worth failing a run).
    pub fn read(path: &Path) -> StatsFile {
        std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }
}
