//! The graph's per-file parse cache (issue 6) on top of warmstart-cache:
//! bucket `graph-parse`, one entry per repo-relative path holding the
//! file's size and its [`ParsedFile`]. A warm run stats each file and
//! parses only what changed; resolution and cycle analysis always run, so
//! the answer never depends on the cache.

use std::path::Path;

use serde::{Deserialize, Serialize};
use warmstart_cache::{Bucket, BucketSpec, Cache, ContextHasher, Lookup};

use crate::build::{BuildOptions, ModuleGraph, build_with, parse_bytes, parse_file};
use crate::parse::ParsedFile;

/// Bump when [`ParsedFile`] or what the parser collects changes.
const BUCKET_VERSION: u32 = 1;
pub const BUCKET_NAME: &str = "graph-parse";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Entry {
    bytes: u64,
    parsed: ParsedFile,
}

/// Builds the graph, answering parses from `cache` where files did not
/// change, then saves the bucket. Cache trouble (a damaged file, an
/// unreadable folder) only costs recomputation; it is reported through the
/// cache's event hook.
pub fn build_cached(options: &BuildOptions, cache: &Cache) -> ModuleGraph {
    let context = ContextHasher::new()
        .str("oxc 0.146 parse; imports, kinds, type-usable bindings")
        .str(&options.max_file_bytes.to_string())
        .finish();
    let bucket: Bucket<Entry> =
        cache.bucket(BucketSpec::new(BUCKET_NAME, BUCKET_VERSION).context(context));
    let root = cache.root().to_path_buf();
    let parse = |path: &Path, max: u64, allocator: &oxc_allocator::Allocator| {
        let Some(key) = warmstart_fs::to_unix_relative(&root, path) else {
            return parse_file(path, max, allocator);
        };
        match bucket.file(&key) {
            Ok(Lookup::Hit(entry)) => (entry.bytes, entry.parsed),
            Ok(Lookup::Miss(source)) => {
                let parsed = parse_bytes(path, source.bytes(), max, allocator);
                let bytes = source.bytes().len() as u64;
                bucket.insert_file(
                    &source,
                    Entry {
                        bytes,
                        parsed: parsed.clone(),
                    },
                );
                (bytes, parsed)
            }
            Ok(Lookup::Missing) | Err(_) => parse_file(path, max, allocator),
        }
    };
    let graph = build_with(options, &parse);
    if options.paths.is_empty() {
        // The whole repository was walked: forget files that are gone.
        bucket.prune_untouched();
    }
    // A failed save only means the next run is cold; the event hook says why.
    let _ = bucket.save();
    graph
}
