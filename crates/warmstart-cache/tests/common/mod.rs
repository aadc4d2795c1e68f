//! Helpers shared by the integration tests (included with `mod common;`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use warmstart_cache::{Bucket, BucketSpec, Cache, CacheEvent, Lookup};

pub struct Repo {
    pub dir: tempfile::TempDir,
}

impl Repo {
    pub fn new() -> Repo {
        Repo {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.root().join("node_modules/.cache/warmstart")
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn set_mtime(&self, rel: &str, t: SystemTime) {
        let f = std::fs::File::options()
            .write(true)
            .open(self.root().join(rel))
            .unwrap();
        f.set_modified(t).unwrap();
    }

    pub fn mtime(&self, rel: &str) -> SystemTime {
        std::fs::metadata(self.root().join(rel))
            .unwrap()
            .modified()
            .unwrap()
    }

    /// A cache handle recording its events.
    pub fn cache(&self) -> (Cache, Events) {
        let cache = Cache::at(&self.cache_dir(), self.root());
        let events = Events::default();
        let sink = events.clone();
        cache.on_event(move |e| sink.0.lock().unwrap().push(e.clone()));
        (cache, events)
    }
}

#[derive(Clone, Default)]
pub struct Events(pub Arc<Mutex<Vec<CacheEvent>>>);

impl Events {
    pub fn all(&self) -> Vec<CacheEvent> {
        self.0.lock().unwrap().clone()
    }

    pub fn damaged(&self) -> usize {
        self.all()
            .iter()
            .filter(|e| matches!(e, CacheEvent::Damaged { .. }))
            .count()
    }
}

/// The "expensive" computation the cache stands in for.
pub fn compute(bytes: &[u8]) -> String {
    format!(
        "len={} text={}",
        bytes.len(),
        String::from_utf8_lossy(bytes)
    )
}

pub fn spec() -> BucketSpec {
    BucketSpec::new("test", 1)
}

/// Looks up `key` the way a consumer does, computing and storing on a miss.
/// Returns the value and whether it was a hit.
pub fn lookup(bucket: &Bucket<String>, key: &str) -> (Option<String>, bool) {
    match bucket.file(key).unwrap() {
        Lookup::Hit(v) => (Some(v), true),
        Lookup::Miss(src) => {
            let v = compute(src.bytes());
            bucket.insert_file(&src, v.clone());
            (Some(v), false)
        }
        Lookup::Missing => (None, false),
    }
}

/// What recomputing from scratch gives.
pub fn truth(repo: &Repo, key: &str) -> Option<String> {
    std::fs::read(repo.root().join(key))
        .ok()
        .map(|b| compute(&b))
}

pub fn long_ago() -> SystemTime {
    SystemTime::now() - Duration::from_secs(3600)
}
