//! A versioned on-disk cache (L2) with an in-memory layer (L1), built so
//! that warm runs cost a `stat` per file and a stale answer is impossible.
//!
//! * **Folder**: `node_modules/.cache/warmstart/` under the repository root
//!   (configurable: [`CacheConfig::dir`], env `WARMSTART_CACHE_DIR`), with a
//!   `CACHEDIR.TAG`, a `.gitignore` and a lock file.
//! * **Buckets**: one file per bucket, `<name>-v<version>.cache`, loaded
//!   once, looked up from many threads, saved once with an atomic rename.
//!   The header stamps the warmstart version, the context hash, the entry
//!   count and the body's xxh3 checksum: another version's, another
//!   context's, a truncated or a garbage file is dropped (with a warning
//!   when damaged) and its entries recomputed.
//! * **Entries** are checked by (size, mtime, ctime, inode) and confirmed
//!   by an xxh3-128 content hash whenever the fingerprint cannot vouch for
//!   the contents: recorded within the mtime granularity of the file's last
//!   change, clock gone back, mtime in the future. A missing file's entry
//!   is removed.
//! * **L1**: a [`Bucket`] kept in a long-running process answers from
//!   memory; in watched mode ([`Bucket::set_watched`]) confirmed entries
//!   skip even the `stat` until the watcher calls [`Bucket::invalidate`];
//!   [`Bucket::warm`] validates everything once at startup.
//! * **Lock**: writers take an OS lock; a second process waits and says so
//!   through [`Cache::on_event`].
//! * **Statistics**: [`Cache::run_stats`] for a command's `--json`;
//!   `stats.json` for `warmstart cache stats`.
//!
//! # Example: the graph caching per-file parse results
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use warmstart_cache::{BucketSpec, Cache, CacheConfig, ContextHasher, Lookup};
//!
//! #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
//! struct Parsed {
//!     imports: Vec<String>,
//! }
//!
//! fn parse(text: &str) -> Parsed {
//!     let imports = text
//!         .lines()
//!         .filter_map(|l| l.strip_prefix("import "))
//!         .map(|s| s.trim_matches(['"', ';']).to_string())
//!         .collect();
//!     Parsed { imports }
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let repo = tempfile::tempdir()?;
//! let root = repo.path();
//! std::fs::write(root.join("a.ts"), "import \"./b\";\n")?;
//! std::fs::write(root.join("b.ts"), "export const b = 1;\n")?;
//!
//! // Once per command: the cache of this repository, printing its waits and
//! // warnings (the binary routes them to stderr).
//! let cache = Cache::open(root, &CacheConfig::default());
//! cache.on_event(|event| eprintln!("warmstart: {event}"));
//!
//! // What every parse result depends on besides its own file: bump the
//! // version when `Parsed` changes shape, hash options into the context.
//! let context = ContextHasher::new().str("parser options: ts+jsx").finish();
//! let bucket = cache.bucket::<Parsed>(BucketSpec::new("graph-parse", 1).context(context));
//!
//! for key in ["a.ts", "b.ts"] {
//!     // `file` may be called from rayon workers: it takes `&self`.
//!     let parsed = match bucket.file(key)? {
//!         Lookup::Hit(parsed) => parsed,
//!         Lookup::Miss(source) => {
//!             let parsed = parse(&source.text());
//!             bucket.insert_file(&source, parsed.clone());
//!             parsed
//!         }
//!         Lookup::Missing => continue, // deleted since the walk
//!     };
//!     assert!(parsed.imports.len() <= 1);
//! }
//! bucket.prune_untouched(); // forget files the walk no longer found
//! bucket.save()?;
//!
//! // The next run loads the file and answers from it.
//! let again = Cache::open(root, &CacheConfig::default());
//! let bucket = again.bucket::<Parsed>(BucketSpec::new("graph-parse", 1).context(context));
//! assert_eq!(bucket.file("a.ts")?.hit(), Some(Parsed { imports: vec!["./b".into()] }));
//! // Hit rates for the command's --json output:
//! let stats = again.run_stats();
//! assert_eq!((stats[0].hits, stats[0].misses), (1, 0));
//! # Ok(())
//! # }
//! ```

mod batch;
mod bucket;
mod cache;
pub mod change;
mod config;
mod error;
mod events;
mod format;
mod hash;
mod lock;
mod lookup;
mod maintenance;
mod multi;
mod result;
mod slot;
mod stamp;
mod stats;

pub use batch::EncodedFiles;
pub use bucket::{Bucket, BucketSpec, Saved};
pub use cache::{CACHEDIR_TAG, Cache, KEPT_BESIDE, WRITERS_LOCK, is_own_name, prepare_dir};
pub use change::{Change, Follow, Inputs, Stamp};
pub use config::{CacheConfig, DEFAULT_DIR, ENV_DIR, ENV_DISABLE};
pub use error::{CacheError, Result};
pub use events::CacheEvent;
pub use format::Codec;
pub use hash::ContextHasher;
pub use lock::{CacheLock, LOCK_FILE};
pub use lookup::Lookup;
pub use maintenance::{Cleared, DiskBucket};
pub use multi::{FileSet, FilesLookup};
pub use result::{PreparedIndex, ResultFiles, ResultIndex, ResultMiss};
pub use stamp::{FileStamp, Source, hash_bytes};
pub use stats::{BucketStats, LastRun, STATS_FILE};
