//! The graph's caches (issue 6) on top of warmstart-cache:
//!
//! * bucket `graph-parse`: one entry per repo-relative path holding the
//!   file's size and its [`ParsedFile`]. A warm run stats each file and
//!   parses only what changed.
//! * bucket `graph-resolve`: one answer per (importer folder, specifier),
//!   valid for one state of everything resolution reads: the stamps of
//!   every folder walked (a file added, removed or renamed changes its
//!   folder's mtime), every manifest, tsconfig, ignore file and lockfile,
//!   and the `node_modules` folders of the root and each workspace
//!   package. Any change there starts the bucket afresh; a stamp within
//!   the mtime granularity of now keeps it from being used at all. A
//!   first run (the parse bucket empty) stores no answers; the next run
//!   that builds the graph does.
//!
//! The cycle analysis always runs on the rebuilt graph (the whole answer
//! is cached separately, by `crate::memo`).

use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use warmstart_cache::{Bucket, BucketSpec, Cache, ContextHasher, Lookup, Stamp};

use crate::build::{
    BuildOptions, ModuleGraph, ParsedSource, ResolutionCache, build_with_caches, parse_bytes,
    parse_file,
};
use crate::parse::ParsedFile;
use crate::resolve::Resolved;
use crate::workspaces::WorkspacePackages;

/// Bump when [`ParsedFile`] or what the parser collects changes.
const BUCKET_VERSION: u32 = 1;
pub const BUCKET_NAME: &str = "graph-parse";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Entry {
    bytes: u64,
    parsed: ParsedFile,
}

/// An [`Entry`] encoded with postcard, which writes a struct as its fields
/// one after the other: the size, then the parse, whose bytes start at the
/// returned offset (what `crate::memo` hashes). Encoded from the parse the
/// graph keeps, instead of a deep copy of every import.
fn encode_entry(bytes: u64, parsed: &ParsedFile) -> Option<(Vec<u8>, usize)> {
    // Room for most entries (~280 bytes on average on Cal.com).
    let encoded = postcard::to_extend(&bytes, Vec::with_capacity(256)).ok()?;
    let start = encoded.len();
    let encoded = postcard::to_extend(parsed, encoded).ok()?;
    Some((encoded, start))
}

/// Builds the graph, answering parses from `cache` where files did not
/// change, then saves the bucket. Cache trouble (a damaged file, an
/// unreadable folder) only costs recomputation; it is reported through the
/// cache's event hook.
pub fn build_cached(options: &BuildOptions, cache: &Cache) -> ModuleGraph {
    let (graph, saving) = build_cached_deferred(options, cache);
    saving.wait();
    graph
}

/// Cache files (the buckets, the result cache) being written on a thread
/// of their own; dropping it waits for them too.
#[must_use = "wait() for the saves before reading the cache's statistics"]
#[derive(Default)]
pub struct PendingSaves(Option<std::thread::JoinHandle<()>>);

impl PendingSaves {
    /// Runs `save` on a thread of its own.
    pub(crate) fn spawn(save: impl FnOnce() + Send + 'static) -> Self {
        PendingSaves(Some(std::thread::spawn(save)))
    }

    /// Waits until the files are on disk (or failed to get there, which
    /// only means the next run computes them; the cache's event hook says
    /// why).
    pub fn wait(mut self) {
        self.join();
    }

    fn join(&mut self) {
        if let Some(handle) = self.0.take() {
            let _ = handle.join();
        }
    }
}

impl Drop for PendingSaves {
    fn drop(&mut self) {
        self.join();
    }
}

/// [`build_cached`] that returns as soon as the graph is built, saving the
/// buckets on another thread meanwhile (encoding and writing them is
/// ~30 ms on Cal.com, which the cycle analysis then overlaps).
pub fn build_cached_deferred(options: &BuildOptions, cache: &Cache) -> (ModuleGraph, PendingSaves) {
    let context = ContextHasher::new()
        .str("oxc 0.146 parse; imports, kinds, type-usable bindings")
        .str(&options.max_file_bytes.to_string())
        // What the parse guard lets through (a file it refuses is stored
        // as refused): its rule and the configured budget.
        .str(&format!(
            "guard: measured above depth {}, {} per byte",
            warmstart_workspace::guard::UNMEASURED_DEPTH,
            warmstart_workspace::guard::work_factor()
        ))
        .finish();
    let bucket: Arc<Bucket<Entry>> =
        Arc::new(cache.bucket(BucketSpec::new(BUCKET_NAME, BUCKET_VERSION).context(context)));
    let root = cache.root().to_path_buf();
    // Nothing parsed is cached yet: a first run (or one after a version
    // bump or a clear).
    let first_run = bucket.is_empty();
    let parse = |path: &Path, max: u64, allocator: &oxc_allocator::Allocator| {
        let Some(key) = warmstart_fs::to_unix_relative(&root, path) else {
            return parse_file(path, max, allocator);
        };
        match bucket.file(&key) {
            Ok(Lookup::Hit(entry)) => ParsedSource {
                bytes: entry.bytes,
                file: entry.parsed,
                stamp: None,
                parse_hash: None,
            },
            Ok(Lookup::Miss(source)) => {
                let parsed = parse_bytes(path, source.bytes(), max, allocator);
                let bytes = source.bytes().len() as u64;
                let stamp = source.stat();
                let parse_hash = encode_entry(bytes, &parsed).map(|(encoded, start)| {
                    let hash = crate::memo::encoded_parse_hash(&encoded[start..]);
                    bucket.insert_file_bytes(&source, encoded);
                    hash
                });
                ParsedSource {
                    bytes,
                    file: parsed,
                    stamp,
                    parse_hash,
                }
            }
            Ok(Lookup::Missing) | Err(_) => parse_file(path, max, allocator),
        }
    };
    let resolutions = ResolveBucket {
        cache,
        root: root.clone(),
        bucket: std::sync::OnceLock::new(),
        first_run,
        stamps: std::sync::OnceLock::new(),
        saves: Saves {
            parses: bucket.clone(),
            whole_repository: options.paths.is_empty(),
            one_shot: options.one_shot,
            started: std::sync::Mutex::new(None),
        },
    };
    let mut graph = build_with_caches(options, &parse, Some(&resolutions));
    graph.input_stamps = resolutions.stamps.into_inner().unwrap_or_default();
    // Started when the build said both buckets were done with
    // (`ResolutionCache::done`); a build that did not say so is saved now.
    let started = resolutions
        .saves
        .started
        .lock()
        .ok()
        .and_then(|mut s| s.take());
    let saving = started.unwrap_or_else(|| {
        let answers = resolutions.bucket.get().cloned().flatten();
        resolutions.saves.spawn(answers)
    });
    (graph, saving)
}

/// What saving the two buckets needs, and the saving once started. The
/// resolution bucket carries the parse bucket's save too: the build tells
/// only its `ResolutionCache` when it is done (`done`), and both buckets
/// are finished with at that point.
struct Saves {
    parses: Arc<Bucket<Entry>>,
    whole_repository: bool,
    one_shot: bool,
    started: std::sync::Mutex<Option<PendingSaves>>,
}

impl Saves {
    /// Saves both buckets on a thread of their own.
    fn spawn(&self, answers: Option<Arc<Bucket<Resolved>>>) -> PendingSaves {
        let bucket = self.parses.clone();
        let (whole_repository, one_shot) = (self.whole_repository, self.one_shot);
        PendingSaves::spawn(move || {
            if let Some(answers) = answers {
                // Answers for folders or specifiers no longer asked for go.
                answers.prune_untouched();
                let _ = answers.save();
                if one_shot {
                    // ~7,000 entries on Cal.com: the exit frees them at once.
                    std::mem::forget(answers);
                }
            }
            if whole_repository {
                // The whole repository was walked: forget files that are gone.
                bucket.prune_untouched();
            }
            // A failed save only means the next run is cold; the event hook
            // says why.
            let _ = bucket.save();
            if one_shot {
                std::mem::forget(bucket);
            }
        })
    }
}

/// Bump when [`Resolved`] or the resolver's configuration changes.
const RESOLVE_VERSION: u32 = 1;
pub const RESOLVE_BUCKET: &str = "graph-resolve";

/// The `graph-resolve` bucket, opened once the walk has said what
/// resolution depends on (`None` inside: not cacheable this run).
struct ResolveBucket<'c> {
    cache: &'c Cache,
    root: std::path::PathBuf,
    bucket: std::sync::OnceLock<Option<Arc<Bucket<Resolved>>>>,
    /// The parse bucket was empty when opened (see `prepare`).
    first_run: bool,
    /// The `lstat` of every path the answers depend on, sorted by bytes:
    /// the result cache records them too (`ModuleGraph::input_stamps`).
    stamps: std::sync::OnceLock<Vec<(std::path::PathBuf, Stamp)>>,
    saves: Saves,
}

impl ResolveBucket<'_> {
    fn key(&self, folder: &Path, specifier: &str) -> Option<String> {
        let rel = warmstart_fs::to_unix_relative(&self.root, folder)?;
        let mut key = String::with_capacity(rel.len() + 1 + specifier.len());
        key.push_str(&rel);
        key.push('\0');
        key.push_str(specifier);
        Some(key)
    }
}

impl ResolutionCache for ResolveBucket<'_> {
    fn prepare(
        &self,
        inputs: &[std::path::PathBuf],
        folder_stamps: &[(std::path::PathBuf, Stamp)],
        packages: &WorkspacePackages,
    ) {
        let mut paths: Vec<std::path::PathBuf> = inputs.to_vec();
        paths.extend(crate::memo::fixed_inputs(&self.root, packages));
        crate::walk::sort_paths(&mut paths);
        // Two seconds, the cache's default mtime granularity: a change that
        // recent might be followed by another with the same stamp.
        let now = warmstart_cache::change::time_ns(std::time::SystemTime::now());
        let recent = |stamp: &Stamp| now.saturating_sub(stamp.mtime_ns) < 2_000_000_000;
        let mut hasher = ContextHasher::new();
        hasher.str("oxc_resolver 11; conditions and extensions of resolve.rs");
        for (name, dir) in packages {
            hasher.str(name).str(&dir.to_string_lossy());
        }
        let mut settled = true;
        let mut stamps = Vec::with_capacity(paths.len());
        // Both lists are sorted by path bytes: the walk's folder stamps are
        // met in order, and only the other inputs (manifests, configs,
        // ignore files, the fixed inputs) are stamped here (the folders
        // were ~2,200 `lstat`s of ~2,600 on Cal.com).
        let mut known = folder_stamps.iter().peekable();
        for path in paths {
            while known
                .next_if(|(p, _)| crate::walk::by_bytes(p, &path).is_lt())
                .is_some()
            {}
            let stamp = match known.next_if(|(p, _)| *p == path) {
                Some((_, stamp)) => *stamp,
                None => Stamp::of(&path),
            };
            hasher.str(&path.to_string_lossy());
            if stamp.exists {
                settled &= !recent(&stamp);
                hasher.u64(stamp.size).u64(stamp.mtime_ns as u64);
            } else {
                hasher.str("-");
            }
            stamps.push((path, stamp));
        }
        let _ = self.stamps.set(stamps);
        let bucket = settled
            .then(|| {
                Arc::new(self.cache.bucket(
                    BucketSpec::new(RESOLVE_BUCKET, RESOLVE_VERSION).context(hasher.finish()),
                ))
            })
            // A first run stores no answers: the next run that computes
            // does. Answers serve only a run that parses again (an import
            // edited since the stored result) while no folder or manifest
            // changed; an unchanged tree is answered by the result cache
            // (`crate::memo`), and a first run in a fresh clone, as in CI,
            // often has no next run. Storing them was ~8 ms of a ~190 ms
            // first run on Cal.com (a fill 1.12 x cold instead of 1.08 x);
            // the run that stores them instead pays the resolution once.
            .filter(|answers| !(self.first_run && answers.is_empty()));
        let _ = self.bucket.set(bucket);
    }

    fn parsing(&self, files: usize) {
        // Grown from empty, the map's table was reallocated a dozen times
        // as ~4,700 parses came in on Cal.com (`HashMap::insert` was ~4 ms
        // of a fill's profile, mostly page faults). Sized first, it is not
        // rehashed; a fill's page faults did not move measurably (11,955
        // against 11,958 in `perf stat`, with this round's other changes):
        // the allocator likely reused the freed tables' pages.
        self.saves.parses.reserve(files);
    }

    fn answer(
        &self,
        folder: &Path,
        specifier: &str,
        resolve: &mut dyn FnMut() -> Resolved,
    ) -> Resolved {
        let Some(bucket) = self.bucket.get().and_then(Option::as_ref) else {
            return resolve();
        };
        let Some(key) = self.key(folder, specifier) else {
            return resolve();
        };
        if let Some(answer) = bucket.get(&key, 0) {
            return answer;
        }
        let answer = resolve();
        bucket.insert_encoded(key, 0, &answer);
        answer
    }

    fn done(&self) {
        // The buckets are saved from here (linking the graph is one thread's
        // work for ~10 ms on Cal.com; the other core saves meanwhile).
        let answers = self.bucket.get().cloned().flatten();
        if let Ok(mut started) = self.saves.started.lock()
            && started.is_none()
        {
            *started = Some(self.saves.spawn(answers));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The entry encoded field by field is the entry a lookup decodes, and
    /// its parse part hashes as `crate::memo` hashes a fresh parse (the
    /// result cache compares the two).
    #[test]
    fn an_entry_encoded_by_fields_is_the_entry_and_its_parse_hash() {
        let allocator = oxc_allocator::Allocator::default();
        let source =
            "import { a } from './a';\nimport type { B } from './b';\nexport * from './c';\n";
        let parsed = crate::parse::parse_source(Path::new("x.ts"), source, &allocator);
        assert_eq!(parsed.imports.len(), 3);
        let bytes = source.len() as u64 + 300;
        let (encoded, start) = encode_entry(bytes, &parsed).unwrap();
        let whole = Entry {
            bytes,
            parsed: parsed.clone(),
        };
        assert_eq!(encoded, postcard::to_stdvec(&whole).unwrap());
        assert_eq!(postcard::from_bytes::<Entry>(&encoded).unwrap(), whole);
        assert_eq!(
            crate::memo::encoded_parse_hash(&encoded[start..]),
            crate::memo::parse_hash(&parsed)
        );
    }
}
