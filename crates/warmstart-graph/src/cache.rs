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
use warmstart_cache::{
    Bucket, BucketSpec, Cache, ContextHasher, EncodedFiles, Lookup, Source, Stamp,
};

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

/// Room for most encoded entries (~280 bytes on average on Cal.com).
const ENTRY_BYTES: usize = 320;

/// Appends an [`Entry`] encoded with postcard, which writes a struct as
/// its fields one after the other: the size, then the parse, whose bytes
/// start at the returned offset from where the entry starts (what
/// `crate::memo` hashes). Encoded from the parse the graph keeps, instead
/// of a deep copy of every import. `None`: nothing usable was appended.
fn encode_entry(into: &mut Vec<u8>, bytes: u64, parsed: &ParsedFile) -> Option<usize> {
    let start = into.len();
    postcard::to_io(&bytes, &mut *into).ok()?;
    let parse = into.len() - start;
    postcard::to_io(parsed, &mut *into).ok()?;
    Some(parse)
}

/// Parses a file the bucket missed, from the bytes its lookup read; the
/// caller stores its entry and sets the parse hash from it.
fn parse_miss(
    path: &Path,
    source: &Source,
    max: u64,
    allocator: &oxc_allocator::Allocator,
) -> ParsedSource {
    ParsedSource {
        bytes: source.bytes().len() as u64,
        file: parse_bytes(path, source.bytes(), max, allocator),
        stamp: source.stat(),
        parse_hash: None,
    }
}

/// The hash `crate::memo` keeps of an entry's parse: `entry` as
/// [`encode_entry`] appended it, its parse `parse` bytes in.
fn entry_parse_hash(entry: &[u8], parse: usize) -> u64 {
    crate::memo::encoded_parse_hash(&entry[parse..])
}

/// A value per rayon worker (and one for any other thread), each behind a
/// lock that only its own thread takes while the work runs: filled from
/// every worker without contention.
struct PerWorker<T>(Box<[std::sync::Mutex<T>]>);

impl<T: Default> PerWorker<T> {
    fn new() -> Self {
        PerWorker(
            (0..=rayon::current_num_threads())
                .map(|_| std::sync::Mutex::default())
                .collect(),
        )
    }

    /// Runs `f` on the calling worker's value.
    fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let last = self.0.len() - 1;
        let slot = rayon::current_thread_index().map_or(last, |i| i.min(last));
        // A poisoned lock (a panic mid-push) still holds whole entries.
        let mut value = self.0[slot].lock().unwrap_or_else(|e| e.into_inner());
        f(&mut value)
    }

    /// Runs `f` on every worker's value.
    fn each(&self, mut f: impl FnMut(&mut T)) {
        for value in &self.0 {
            f(&mut value.lock().unwrap_or_else(|e| e.into_inner()));
        }
    }

    /// Every worker's value, leaving defaults.
    fn take(&self) -> Vec<T> {
        self.0
            .iter()
            .map(|value| std::mem::take(&mut *value.lock().unwrap_or_else(|e| e.into_inner())))
            .collect()
    }
}

/// Builds the graph, answering parses from `cache` where files did not
/// change, then saves the bucket. Cache trouble (a damaged file, an
/// unreadable folder) only costs recomputation; it is reported through the
/// cache's event hook.
pub fn build_cached(options: &BuildOptions, cache: &Cache) -> ModuleGraph {
    let (graph, saving) = build_cached_deferred(options, cache, SaveStart::Early);
    saving.wait();
    graph
}

/// Cache files (the buckets, the result cache) being written on a thread
/// of their own, or held until [`PendingSaves::start`]; dropping it waits
/// for them too (starting them if held).
#[must_use = "wait() for the saves before reading the cache's statistics"]
#[derive(Default)]
pub struct PendingSaves(Option<SaveState>);

enum SaveState {
    Held(Box<dyn FnOnce() + Send + 'static>),
    Running(std::thread::JoinHandle<()>),
}

impl PendingSaves {
    /// Runs `save` on a thread of its own.
    pub(crate) fn spawn(save: impl FnOnce() + Send + 'static) -> Self {
        PendingSaves(Some(SaveState::Running(std::thread::spawn(save))))
    }

    /// Holds `save` until [`PendingSaves::start`] (or the wait).
    pub(crate) fn held(save: impl FnOnce() + Send + 'static) -> Self {
        PendingSaves(Some(SaveState::Held(Box::new(save))))
    }

    /// Starts held saves on a thread of their own; saves already running
    /// (or none) are left as they are.
    pub fn start(&mut self) {
        self.0 = match self.0.take() {
            Some(SaveState::Held(save)) => Some(SaveState::Running(std::thread::spawn(save))),
            // Running ones stay joinable: waiting still waits for them.
            other => other,
        };
    }

    /// Waits until the files are on disk (or failed to get there, which
    /// only means the next run computes them; the cache's event hook says
    /// why). Held saves run here, on this thread.
    pub fn wait(mut self) {
        self.join();
    }

    fn join(&mut self) {
        match self.0.take() {
            Some(SaveState::Held(save)) => save(),
            Some(SaveState::Running(handle)) => {
                let _ = handle.join();
            }
            None => {}
        }
    }
}

impl Drop for PendingSaves {
    fn drop(&mut self) {
        self.join();
    }
}

/// When [`build_cached_deferred`] starts saving the buckets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveStart {
    /// As soon as the build is done with them: the rest of the build
    /// (linking the graph) overlaps the saves.
    Early,
    /// When the caller says ([`PendingSaves::start`]), for a caller whose
    /// next step keeps both cores busy and whose step after that leaves one
    /// idle: `graph cycles`, whose analysis uses both cores and whose
    /// rendering one. Saved early, a first run's parses (~5 ms on the
    /// saving thread on Cal.com) took a core from linking the graph.
    Held,
}

/// [`build_cached`] that returns as soon as the graph is built, the
/// buckets being saved on another thread meanwhile or held for the caller
/// to start (`start`).
pub fn build_cached_deferred(
    options: &BuildOptions,
    cache: &Cache,
    start: SaveStart,
) -> (ModuleGraph, PendingSaves) {
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
    // A first run's entries, gathered per worker and stored at once when
    // the buckets are saved (`Saves::spawn`).
    let fresh: Arc<PerWorker<EncodedFiles>> = Arc::new(PerWorker::new());
    // When the first run's reads begin (what its stamps are recorded at).
    let now = cache.now();
    let parse = |path: &Path, max: u64, allocator: &oxc_allocator::Allocator| {
        let Some(key) = warmstart_fs::to_unix_relative(&root, path) else {
            return parse_file(path, max, allocator);
        };
        if first_run {
            // Nothing to look up: read the file as the miss it is.
            let Ok(Some(source)) = bucket.read_unlisted(key, path, now) else {
                return parse_file(path, max, allocator);
            };
            let mut parsed = parse_miss(path, &source, max, allocator);
            parsed.parse_hash = fresh.with(|batch| {
                let encode = |into: &mut Vec<u8>| encode_entry(into, parsed.bytes, &parsed.file);
                let (parse, entry) = batch.push(source, encode)?;
                Some(entry_parse_hash(entry, parse))
            });
            return parsed;
        }
        match bucket.file(&key) {
            Ok(Lookup::Hit(entry)) => ParsedSource {
                bytes: entry.bytes,
                file: entry.parsed,
                stamp: None,
                parse_hash: None,
            },
            Ok(Lookup::Miss(source)) => {
                let mut parsed = parse_miss(path, &source, max, allocator);
                let mut entry = Vec::with_capacity(ENTRY_BYTES);
                parsed.parse_hash =
                    encode_entry(&mut entry, parsed.bytes, &parsed.file).map(|parse| {
                        let hash = entry_parse_hash(&entry, parse);
                        bucket.insert_file_bytes(&source, entry);
                        hash
                    });
                parsed
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
            fresh: fresh.clone(),
            whole_repository: options.paths.is_empty(),
            one_shot: options.one_shot,
            start,
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
        resolutions.saves.begin(answers)
    });
    (graph, saving)
}

/// What saving the two buckets needs, and the saving once started. The
/// resolution bucket carries the parse bucket's save too: the build tells
/// only its `ResolutionCache` when it is done (`done`), and both buckets
/// are finished with at that point.
struct Saves {
    parses: Arc<Bucket<Entry>>,
    /// A first run's parses, stored into `parses` when it is saved.
    fresh: Arc<PerWorker<EncodedFiles>>,
    whole_repository: bool,
    one_shot: bool,
    start: SaveStart,
    started: std::sync::Mutex<Option<PendingSaves>>,
}

impl Saves {
    /// Saves both buckets on a thread of their own, now or when started
    /// (`self.start`).
    fn begin(&self, answers: Option<Arc<Bucket<Resolved>>>) -> PendingSaves {
        let bucket = self.parses.clone();
        let fresh = self.fresh.clone();
        let (whole_repository, one_shot) = (self.whole_repository, self.one_shot);
        let save = move || {
            let batches = fresh.take();
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
                // The whole repository was walked: forget files that are
                // gone (a first run's batches, all files just read, are
                // stored after this).
                bucket.prune_untouched();
            }
            // A failed save only means the next run is cold; the event hook
            // says why. A process that exits next (one-shot) has no use
            // for a first run's entries in memory: they go to the file
            // straight from the workers' batches.
            let _ = if one_shot {
                bucket.save_encoded_files(batches)
            } else {
                bucket.insert_encoded_files(batches);
                bucket.save()
            };
            if one_shot {
                std::mem::forget(bucket);
            }
        };
        match self.start {
            SaveStart::Early => PendingSaves::spawn(save),
            SaveStart::Held => PendingSaves::held(save),
        }
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
            // Its bytes (as `str` hashes a UTF-8 path), not a lossy copy.
            hasher.bytes(path.as_os_str().as_encoded_bytes());
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
        if self.first_run {
            // Each worker's batch grown from empty would be copied over as
            // it doubled; a worker gets about its share of the files.
            let workers = rayon::current_num_threads().max(1);
            let share = files / workers + files / (4 * workers) + 16;
            self.saves
                .fresh
                .each(|batch| batch.reserve(share, share * ENTRY_BYTES));
        } else {
            // Grown from empty, the map's table was reallocated a dozen
            // times as ~4,700 parses came in on Cal.com (`HashMap::insert`
            // was ~4 ms of a fill's profile, mostly page faults). Sized
            // first, it is not rehashed. (A first run's entries are
            // inserted at once, sized then.)
            self.saves.parses.reserve(files);
        }
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
        // The buckets are saved from here (linking the graph, ~3 ms on both
        // cores on Cal.com, overlaps the saves), or held for the caller
        // (`SaveStart::Held`).
        let answers = self.bucket.get().cloned().flatten();
        if let Ok(mut started) = self.saves.started.lock()
            && started.is_none()
        {
            *started = Some(self.saves.begin(answers));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The entry encoded field by field, appended after another, is the
    /// entry a lookup decodes, and its parse part hashes as `crate::memo`
    /// hashes a fresh parse (the result cache compares the two).
    #[test]
    fn an_entry_encoded_by_fields_is_the_entry_and_its_parse_hash() {
        let allocator = oxc_allocator::Allocator::default();
        let source =
            "import { a } from './a';\nimport type { B } from './b';\nexport * from './c';\n";
        let parsed = crate::parse::parse_source(Path::new("x.ts"), source, &allocator);
        assert_eq!(parsed.imports.len(), 3);
        let bytes = source.len() as u64 + 300;
        let mut buffer = b"an entry before".to_vec();
        let parse = encode_entry(&mut buffer, bytes, &parsed).unwrap();
        let encoded = &buffer[b"an entry before".len()..];
        let whole = Entry {
            bytes,
            parsed: parsed.clone(),
        };
        assert_eq!(encoded, postcard::to_stdvec(&whole).unwrap());
        assert_eq!(postcard::from_bytes::<Entry>(encoded).unwrap(), whole);
        assert_eq!(
            entry_parse_hash(encoded, parse),
            crate::memo::parse_hash(&parsed)
        );
    }

    /// A first run (the parse bucket empty) stores its entries in batches
    /// when the buckets are saved: the next run's lookups hit them all, and
    /// answer the parse the first run made, for files parsed on every
    /// worker.
    #[test]
    fn a_first_run_stores_every_parse_for_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("package.json"), r#"{"name":"x"}"#).unwrap();
        for i in 0..300 {
            std::fs::write(
                root.join(format!("m{i}.ts")),
                format!(
                    "import {{ a }} from './m{}';\nexport const a = {i};\n",
                    (i + 1) % 300
                ),
            )
            .unwrap();
        }
        // Stamps a minute old: settled, so the next run trusts them.
        let later = || std::time::SystemTime::now() + std::time::Duration::from_secs(60);
        // A run in a process of its own: the graph and the parse bucket's
        // statistics. A one-shot process (the CLI) writes a first run's
        // parses straight from the batches, and `graph cycles` holds the
        // saves until it starts them.
        let run = |folder: &str, one_shot: bool, start: SaveStart| {
            let mut options = BuildOptions::new(&root);
            options.one_shot = one_shot;
            let cache = Cache::at(&root.join(folder), &root);
            cache.set_clock(later);
            let (graph, mut saves) = build_cached_deferred(&options, &cache, start);
            saves.start();
            saves.wait();
            let stats = cache.run_stats();
            let parses = stats
                .into_iter()
                .find(|s| s.bucket.starts_with(BUCKET_NAME));
            (graph, parses.unwrap())
        };
        for (folder, one_shot, start) in [
            (".cache", false, SaveStart::Early),
            (".cache-one-shot", true, SaveStart::Held),
        ] {
            let (first, parses) = run(folder, one_shot, start);
            assert_eq!(
                (parses.hits, parses.misses, parses.entries),
                (0, 300, 300),
                "{folder}"
            );
            let (second, parses) = run(folder, one_shot, start);
            assert_eq!((parses.hits, parses.misses), (300, 0), "{folder}");
            assert_eq!(second.parsed, first.parsed);
            assert_eq!(second.edges.len(), first.edges.len());
            assert_eq!(second.edges.len(), 300);
        }
    }

    /// Held saves run once started, on a thread of their own, or on the
    /// waiting thread when waited for (or dropped) unstarted.
    #[test]
    fn held_saves_run_when_started_or_waited() {
        let here = std::thread::current().id();
        let (sent, ran) = std::sync::mpsc::channel();
        let held = |sent: std::sync::mpsc::Sender<_>| {
            PendingSaves::held(move || sent.send(std::thread::current().id()).unwrap())
        };
        let mut started = held(sent.clone());
        assert!(
            ran.try_recv().is_err(),
            "a held save ran before it was started"
        );
        started.start();
        started.wait();
        assert_ne!(ran.try_recv().unwrap(), here);
        held(sent.clone()).wait();
        assert_eq!(ran.try_recv().unwrap(), here);
        drop(held(sent.clone()));
        assert_eq!(ran.try_recv().unwrap(), here);
        // Starting saves that already run changes nothing: waiting still
        // waits for them.
        let mut running = PendingSaves::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            sent.send(std::thread::current().id()).unwrap();
        });
        running.start();
        running.wait();
        assert_ne!(ran.try_recv().unwrap(), here);
    }
}
