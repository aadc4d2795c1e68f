//! What every `warmstart graph` command starts from: the repository root
//! (canonical, made so once by `warmstart-workspace`), the folder the
//! command runs in, the cache settings, and one way to build the graph of
//! some paths with them.

use std::path::{Path, PathBuf};

use warmstart_cache::{BucketStats, Cache, CacheConfig, CacheEvent};

use crate::build::{BuildOptions, ModuleGraph};
use crate::cache::SaveStart;
use crate::error::GraphError;

/// Where progress and diagnostics of a graph command go (the binary's
/// printer): cache events and the graph's warnings and parse problems, in
/// the order they happen.
pub trait Observer: Send + Sync + 'static {
    /// A cache event (a damaged bucket, a lock wait).
    fn cache_event(&self, event: &CacheEvent);
    /// The graph was built: its warnings and parse problems can be shown.
    fn built(&self, graph: &ModuleGraph);
    /// Detail for `-v` (why the stored answer did not serve).
    fn verbose(&self, _text: &str) {}
    /// Progress or a note for humans (an import left alone).
    fn status(&self, _text: &str) {}
}

/// The repository a graph command works on.
#[derive(Debug, Clone)]
pub struct GraphSession {
    /// Canonical repository root.
    pub root: PathBuf,
    /// The folder relative paths given on the command line start from.
    pub cwd: PathBuf,
    /// Cache settings (`warmstart.json` `cache`).
    pub cache: CacheConfig,
    /// Draw a progress bar on stderr while building.
    pub progress: bool,
    /// The process exits after one command (the CLI): large structures
    /// are left to the exit instead of freed ([`BuildOptions::one_shot`]).
    pub one_shot: bool,
}

/// The cache of a [`GraphSession::load_deferred`] while its buckets are
/// saved.
pub struct Deferred(Option<(Cache, crate::cache::PendingSaves)>);

impl Deferred {
    /// Starts the saves, which [`GraphSession::load_deferred`] holds until
    /// the caller's next step leaves a core idle.
    pub fn start(&mut self) {
        if let Some((_, saves)) = &mut self.0 {
            saves.start();
        }
    }

    /// The saves, for a caller that shows no statistics: dropping them
    /// waits for them (running them if not started).
    pub fn into_saves(self) -> crate::cache::PendingSaves {
        match self.0 {
            Some((_, saves)) => saves,
            None => crate::cache::PendingSaves::default(),
        }
    }

    /// Waits for the saves (running them here if not started); the cache
    /// buckets' statistics of the run.
    pub fn finish(self) -> Vec<BucketStats> {
        match self.0 {
            Some((cache, saves)) => {
                saves.wait();
                cache.run_stats()
            }
            None => Vec::new(),
        }
    }
}

/// A built graph and the cache buckets' statistics of the run (empty
/// without the cache).
pub struct Loaded {
    pub graph: ModuleGraph,
    pub cache_stats: Vec<BucketStats>,
}

impl GraphSession {
    /// A session on `root` (canonical) from the current folder.
    pub fn new(root: &Path, cache: CacheConfig) -> GraphSession {
        GraphSession {
            cwd: std::env::current_dir().unwrap_or_else(|_| root.to_path_buf()),
            root: root.to_path_buf(),
            cache,
            progress: false,
            one_shot: false,
        }
    }

    /// A command-line path made absolute from the current folder.
    pub fn absolute(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.cwd.join(p)
        }
    }

    /// Repo-relative forms of command-line paths (relative to the current
    /// folder); a path outside the root stays as given.
    pub fn scope(&self, paths: &[PathBuf]) -> Vec<String> {
        paths
            .iter()
            .map(|p| {
                let abs = self.absolute(p);
                let abs = std::fs::canonicalize(&abs).unwrap_or(abs);
                warmstart_fs::to_unix_relative(&self.root, &abs)
                    .unwrap_or_else(|| p.to_string_lossy().replace('\\', "/"))
            })
            .collect()
    }

    /// The cache of this repository.
    pub fn open_cache(&self) -> Cache {
        Cache::open(&self.root, &self.cache)
    }

    /// Builds the graph of `paths` (command-line paths; empty: the whole
    /// repository) with `entries` as modules even where the walk does not
    /// find them. With `use_cache`, unchanged files are not parsed again.
    pub fn load(
        &self,
        paths: &[PathBuf],
        entries: &[PathBuf],
        use_cache: bool,
        observer: &std::sync::Arc<dyn Observer>,
    ) -> Loaded {
        let (graph, deferred) = self.build(paths, entries, use_cache, observer, SaveStart::Early);
        // Saved before the graph's warnings are shown, as cache events
        // (a save that failed) come first.
        let cache_stats = deferred.finish();
        observer.built(&graph);
        Loaded { graph, cache_stats }
    }

    /// [`GraphSession::load`] that returns once the graph is built, with
    /// the cache's buckets not saved yet: call [`Deferred::start`] when the
    /// next step leaves a core idle for the saves, and [`Deferred::finish`]
    /// for the statistics once other work has overlapped them.
    pub fn load_deferred(
        &self,
        paths: &[PathBuf],
        entries: &[PathBuf],
        use_cache: bool,
        observer: &std::sync::Arc<dyn Observer>,
    ) -> (ModuleGraph, Deferred) {
        let (graph, deferred) = self.build(paths, entries, use_cache, observer, SaveStart::Held);
        observer.built(&graph);
        (graph, deferred)
    }

    /// The graph, its buckets (if any) still being saved.
    fn build(
        &self,
        paths: &[PathBuf],
        entries: &[PathBuf],
        use_cache: bool,
        observer: &std::sync::Arc<dyn Observer>,
        start: SaveStart,
    ) -> (ModuleGraph, Deferred) {
        let mut options = BuildOptions::new(&self.root);
        options.paths = paths.iter().map(|p| self.absolute(p)).collect();
        options.entries = entries
            .iter()
            .flat_map(|p| [self.absolute(p), self.root.join(p)])
            .filter(|p| p.is_file())
            .collect();
        options.progress = self.progress;
        options.one_shot = self.one_shot;
        if use_cache {
            let cache = self.open_cache();
            let events = std::sync::Arc::clone(observer);
            cache.on_event(move |event| events.cache_event(event));
            let (graph, saves) = crate::cache::build_cached_deferred(&options, &cache, start);
            (graph, Deferred(Some((cache, saves))))
        } else {
            (crate::build(&options), Deferred(None))
        }
    }

    /// The module a command-line path names (relative to the current
    /// folder, or repo-relative).
    pub fn module_index(&self, graph: &ModuleGraph, given: &Path) -> Result<u32, GraphError> {
        for candidate in [self.absolute(given), self.root.join(given)] {
            let candidate = std::fs::canonicalize(&candidate).unwrap_or(candidate);
            if let Some(rel) = warmstart_fs::to_unix_relative(&graph.root, &candidate)
                && let Some(i) = graph.find(&rel)
            {
                return Ok(i);
            }
        }
        Err(GraphError::NotAModule {
            path: given.to_path_buf(),
        })
    }
}
