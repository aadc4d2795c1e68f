//! The result cache of `graph cycles` (issue 6): when nothing that shapes
//! the graph changed, the last answer is the answer, and a warm run costs a
//! `stat` per file instead of resolution and cycle analysis.
//!
//! Stored with `warmstart_cache`'s change detection ([`ResultFiles`],
//! [`Inputs`]) as [`RESULT_BUCKET`]: `graph-result-v1.out` (the command's
//! output, opaque here) and `graph-result-v1.idx` (the index, in postcard:
//! the key of the command's options, the xxh3 of the output, a stamp per
//! input, and per source file its stamp and parse hash; encoded while the
//! cycles are analysed, [`Memo::stamps`]). The human report is stored the
//! same way under [`REPORT_BUCKET`] ([`Memo::named`]), beside it.
//! The inputs are every folder walked (adding, removing or renaming a file
//! changes its folder's mtime), every ignore/JSON/YAML file the walk saw,
//! the root's and each workspace package's manifests, lockfiles and
//! `node_modules` folders, and every source file with a hash of what its
//! parse contributed (imports, kinds, bindings, errors).
//!
//! A hit needs every input's stamp unchanged *and settled*: its mtime and
//! ctime more than the granularity before the moment it was recorded, by a
//! clock that has not gone back since. A source file whose stamp changed or
//! is not settled is parsed again; if its parse hash is the same (a comment,
//! a function body, a line appended) the answer still holds. Anything else —
//! a changed folder or manifest, a changed import, too many changed files, a
//! damaged or foreign index, an output whose hash does not match — is a miss
//! and the caller computes from scratch. The index is written after the
//! output, both atomically, so a killed or concurrent run can only cause a
//! miss.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use oxc_allocator::Allocator;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use warmstart_cache::change::time_ns;
use warmstart_cache::{
    Change, Follow, Inputs, PreparedIndex, ResultFiles, ResultIndex, ResultMiss, Stamp,
};

use crate::build::{ModuleGraph, parse_file};
use crate::parse::ParsedFile;
use crate::workspaces::WorkspacePackages;

/// The result cache's name in the cache folder and in `--json` statistics:
/// `<name>-v<version>`; bump the version when the index format or what a
/// parse hash covers changes.
pub const RESULT_BUCKET: &str = "graph-result-v1";
/// The result cache of the human report (`graph cycles` without `--json`):
/// the verdict and the report as printed, its time left open.
pub const REPORT_BUCKET: &str = "graph-report-v1";
/// More changed sources than this and a fresh run is as cheap.
const MAX_REPARSE: usize = 64;

#[derive(Debug, Serialize, Deserialize)]
struct Source {
    path: String,
    stamp: Stamp,
    /// When the stamp was vouched for by parsing the file.
    recorded_ns: i64,
    parse: u64,
}

/// [`Source`] as a record encodes it, borrowing the graph's path (postcard
/// writes a `&str` as it writes a `String`).
#[derive(Serialize)]
struct SourceRef<'a> {
    path: &'a str,
    stamp: Stamp,
    recorded_ns: i64,
    parse: u64,
}

/// The answer of [`Memo::check`].
#[derive(Debug)]
pub enum MemoCheck {
    /// The stored output holds; `reparsed` files changed without changing
    /// their imports.
    Hit { output: String, reparsed: usize },
    /// Compute from scratch, for this reason.
    Miss(&'static str),
}

fn miss_reason(miss: ResultMiss) -> &'static str {
    match miss {
        ResultMiss::Missing => "no stored result",
        ResultMiss::DamagedIndex => "the stored result's index is damaged",
        ResultMiss::OtherVersion => "stored by another version",
        ResultMiss::OtherKey => "stored for other options",
        ResultMiss::MissingOutput => "the stored output is missing",
        ResultMiss::DamagedOutput => "the stored output is damaged",
    }
}

/// The result cache in cache folder `dir` for the repository at `root`.
pub struct Memo {
    files: ResultFiles,
    root: PathBuf,
    granularity: Duration,
    max_file_bytes: u64,
}

impl Memo {
    pub fn new(dir: &Path, root: &Path, granularity: Duration, max_file_bytes: u64) -> Memo {
        Memo::named(RESULT_BUCKET, dir, root, granularity, max_file_bytes)
    }

    /// [`Memo::new`] stored under another name (`<name>-v<version>`): an
    /// answer of another shape kept beside the JSON one, so that runs
    /// asking for either do not push the other out.
    pub fn named(
        name: &str,
        dir: &Path,
        root: &Path,
        granularity: Duration,
        max_file_bytes: u64,
    ) -> Memo {
        Memo {
            files: ResultFiles::binary(dir, name),
            root: root.to_path_buf(),
            granularity,
            max_file_bytes,
        }
    }

    /// Is the output stored under `key` still the answer?
    pub fn check(&self, key: u128) -> MemoCheck {
        match self.check_inner(key) {
            Ok(hit) => hit,
            Err(reason) => MemoCheck::Miss(reason),
        }
    }

    fn check_inner(&self, key: u128) -> Result<MemoCheck, &'static str> {
        let now = time_ns(SystemTime::now());
        let mut index: ResultIndex<Vec<Source>> = self.files.index(key).map_err(miss_reason)?;
        let latest = index.meta.iter().map(|s| s.recorded_ns).max();
        if now < index.inputs.recorded_ns.max(latest.unwrap_or(0)) {
            return Err("the clock went back");
        }
        match index.inputs.check(&self.root, self.granularity, &|_| None) {
            Change::Unchanged => {}
            Change::ClockWentBack => return Err("the clock went back"),
            _ => return Err("a folder, manifest or config changed"),
        }
        let stale = self.stale_sources(&index.meta);
        if stale.len() > MAX_REPARSE {
            return Err("many files changed");
        }
        if !self.same_imports(&index.meta, &stale) {
            return Err("an import changed");
        }
        let output = self.files.output(&index).map_err(miss_reason)?;
        if !stale.is_empty() {
            // Vouched for by parsing just now: next time the stamp alone
            // decides once it has settled.
            for (i, stamp) in &stale {
                index.meta[*i].stamp = *stamp;
                index.meta[*i].recorded_ns = now;
            }
            self.files.update_index(&index);
        }
        Ok(MemoCheck::Hit {
            output,
            reparsed: stale.len(),
        })
    }

    /// The sources whose stamp changed or is not settled, with their stamp now.
    fn stale_sources(&self, sources: &[Source]) -> Vec<(usize, Stamp)> {
        sources
            .par_iter()
            .enumerate()
            .filter_map(|(i, source)| {
                let now_stamp = Stamp::of(&self.root.join(&source.path));
                let trusted = now_stamp == source.stamp
                    && source.stamp.settled(source.recorded_ns, self.granularity);
                (!trusted).then_some((i, now_stamp))
            })
            .collect()
    }

    /// Does every stale source still contribute what it did?
    fn same_imports(&self, sources: &[Source], stale: &[(usize, Stamp)]) -> bool {
        stale.par_iter().all(|(i, stamp)| {
            let source = &sources[*i];
            let allocator = Allocator::default();
            let path = self.root.join(&source.path);
            let parsed = parse_file(&path, self.max_file_bytes, &allocator).file;
            stamp.exists && parse_hash(&parsed) == source.parse
        })
    }

    /// Stores `output` as the answer for `key` and `graph`. `started` is
    /// when the run began, before the walk: anything that changed after it
    /// is not settled and gets checked next time.
    pub fn record(&self, key: u128, graph: &ModuleGraph, output: &str, started: SystemTime) {
        let stamps = self.stamps(graph, started);
        self.store(key, &[output], stamps);
    }

    /// The part of [`Memo::record`] that needs only the graph (a stamp per
    /// input and per source, and each source's parse hash, encoded):
    /// `graph cycles` takes them while the cycle analysis runs.
    pub fn stamps(&self, graph: &ModuleGraph, started: SystemTime) -> Stamps {
        let recorded_ns = time_ns(started);
        let inputs = Inputs {
            recorded_ns,
            follow: Follow::Path,
            paths: self.input_stamps(graph),
            env: Vec::new(),
        };
        let sources: Vec<SourceRef<'_>> = graph
            .modules
            .par_iter()
            .zip(graph.parsed.par_iter())
            .zip(graph.stamps.par_iter())
            .zip(graph.parse_hashes.par_iter())
            .map(|(((module, parsed), stamp), hash)| SourceRef {
                // The stamp of the read the parse came from; files the
                // parse cache answered are stamped now.
                stamp: stamp.unwrap_or_else(|| Stamp::of(&self.root.join(&module.path))),
                path: &module.path,
                recorded_ns,
                parse: hash.unwrap_or_else(|| parse_hash(parsed)),
            })
            .collect();
        Stamps(self.files.prepare(&inputs, &sources))
    }

    /// The graph's inputs and the [`fixed_inputs`], repo-relative, in byte
    /// order without duplicates, each with its stamp: the build's where it
    /// took one (`ModuleGraph::input_stamps`: the paths the resolution
    /// cache stamped after the run started, which is all a record needs),
    /// an `lstat` now otherwise. The three lists are sorted by bytes, so
    /// this is one merge, not a sort of ~2,600 paths and a binary search
    /// and a joined path per input.
    fn input_stamps(&self, graph: &ModuleGraph) -> Vec<(String, Stamp)> {
        use crate::walk::by_bytes;
        let mut fixed = fixed_inputs(&self.root, &graph.workspace_packages);
        crate::walk::sort_paths(&mut fixed);
        let (mut walked, mut fixed) = (graph.inputs.iter().peekable(), fixed.iter().peekable());
        let mut known = graph.input_stamps.iter().peekable();
        let mut listed: Vec<(&Path, Option<Stamp>)> = Vec::with_capacity(graph.inputs.len() + 32);
        loop {
            let path = match (walked.peek(), fixed.peek()) {
                (Some(a), Some(b)) => match by_bytes(a, b) {
                    std::cmp::Ordering::Less => walked.next(),
                    std::cmp::Ordering::Greater => fixed.next(),
                    std::cmp::Ordering::Equal => {
                        fixed.next();
                        walked.next()
                    }
                },
                (Some(_), None) => walked.next(),
                (None, Some(_)) => fixed.next(),
                (None, None) => break,
            };
            let Some(path) = path else { break };
            while known.next_if(|(p, _)| by_bytes(p, path).is_lt()).is_some() {}
            let stamp = known.next_if(|(p, _)| p == path).map(|(_, stamp)| *stamp);
            listed.push((path, stamp));
        }
        listed
            .into_par_iter()
            .filter_map(|(path, stamp)| {
                let key = warmstart_fs::to_unix_relative(&self.root, path)?;
                Some((key, stamp.unwrap_or_else(|| Stamp::of(path))))
            })
            .collect()
    }

    /// Stores the output, the concatenation of `output`'s parts, under
    /// `key` with the stamps taken for it.
    pub fn store(&self, key: u128, output: &[&str], stamps: Stamps) {
        // Stamps that did not encode are not stored: the next run misses.
        if let Some(prepared) = &stamps.0 {
            self.files.store_prepared(key, output, prepared);
        }
    }
}

/// What the stored answer depends on, stamped when the graph was built
/// and encoded for the index ahead of the output.
pub struct Stamps(Option<PreparedIndex>);

/// What the graph depends on outside the walked folders: the root's and
/// every workspace package's manifests, lockfiles and installed packages.
pub(crate) fn fixed_inputs(root: &Path, packages: &WorkspacePackages) -> Vec<PathBuf> {
    const ROOT_FILES: &[&str] = &[
        "package.json",
        "tsconfig.json",
        "jsconfig.json",
        "pnpm-workspace.yaml",
        "yarn.lock",
        "package-lock.json",
        "pnpm-lock.yaml",
        "bun.lockb",
        ".gitignore",
        "warmstart.json",
        "node_modules",
    ];
    let mut out: Vec<PathBuf> = ROOT_FILES.iter().map(|f| root.join(f)).collect();
    out.push(root.to_path_buf());
    for dir in packages.values() {
        for f in ["package.json", "tsconfig.json", "node_modules"] {
            out.push(dir.join(f));
        }
    }
    out
}

/// A hash of what one file contributes to the graph: the xxh3 of its
/// parse encoded with postcard, which writes every field (none is skipped)
/// and so tells any two parses apart. The parse cache encodes each parse it
/// stores anyway and hashes those bytes ([`encoded_parse_hash`]), so a run
/// that fills the cache does not encode or walk a parse twice. A hash
/// stored by an older binary differs, which only costs a fresh run.
pub(crate) fn parse_hash(parsed: &ParsedFile) -> u64 {
    match postcard::to_extend(parsed, Vec::with_capacity(512)) {
        Ok(encoded) => encoded_parse_hash(&encoded),
        // Encoding into a `Vec` fails only if the allocation does.
        Err(_) => 0,
    }
}

/// [`parse_hash`] of a parse already encoded with postcard.
pub(crate) fn encoded_parse_hash(encoded: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(encoded)
}
