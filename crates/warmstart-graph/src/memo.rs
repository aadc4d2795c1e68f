//! The result cache of `graph cycles` (issue 6): when nothing that shapes
//! the graph changed, the last answer is the answer, and a warm run costs a
//! `stat` per file instead of resolution and cycle analysis.
//!
//! Two files in the cache folder: `graph-result-v1.out` (the command's
//! output, opaque here) and `graph-result-v1.json` (the index: the key of
//! the command's options, the xxh3 of the output, and a stamp per input).
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
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use oxc_allocator::Allocator;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::build::{ModuleGraph, parse_file};
use crate::parse::ParsedFile;
use crate::workspaces::WorkspacePackages;

/// Bump when the index format or what a parse hash covers changes.
const VERSION: u32 = 1;
const INDEX_FILE: &str = "graph-result-v1.json";
const OUTPUT_FILE: &str = "graph-result-v1.out";
/// More changed sources than this and a fresh run is as cheap.
const MAX_REPARSE: usize = 64;

/// What one `stat` says of an input; `exists: false` for a path that was
/// absent when recorded (a lockfile that may appear later).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    exists: bool,
    size: u64,
    mtime_ns: i64,
    ctime_ns: i64,
    ino: u64,
}

impl Stamp {
    fn of(path: &Path) -> Stamp {
        let Ok(meta) = std::fs::symlink_metadata(path) else {
            return Stamp {
                exists: false,
                size: 0,
                mtime_ns: 0,
                ctime_ns: 0,
                ino: 0,
            };
        };
        let mtime_ns = meta.modified().map(unix_ns).unwrap_or(0);
        #[cfg(unix)]
        let (ctime_ns, ino) = {
            use std::os::unix::fs::MetadataExt;
            (meta.ctime() * 1_000_000_000 + meta.ctime_nsec(), meta.ino())
        };
        #[cfg(not(unix))]
        let (ctime_ns, ino) = (mtime_ns, 0);
        Stamp {
            exists: true,
            size: if meta.is_dir() { 0 } else { meta.len() },
            mtime_ns,
            ctime_ns,
            ino,
        }
    }

    /// Was this stamp taken long enough after the last change that a second
    /// change within the same mtime tick would have shown?
    fn settled(&self, recorded_ns: i64, granularity_ns: i64) -> bool {
        !self.exists
            || (self.mtime_ns.saturating_add(granularity_ns) < recorded_ns
                && self.ctime_ns.saturating_add(granularity_ns) < recorded_ns)
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Source {
    path: String,
    stamp: Stamp,
    /// When the stamp was vouched for by parsing the file.
    recorded_ns: i64,
    parse: u64,
}

#[derive(Debug, Serialize, Deserialize)]
struct Index {
    version: u32,
    warmstart: String,
    key: String,
    output: String,
    recorded_ns: i64,
    inputs: Vec<(String, Stamp)>,
    sources: Vec<Source>,
}

/// The answer of [`check`].
#[derive(Debug)]
pub enum MemoCheck {
    /// The stored output holds; `reparsed` files changed without changing
    /// their imports.
    Hit { output: String, reparsed: usize },
    /// Compute from scratch, for this reason.
    Miss(&'static str),
}

/// The result cache in cache folder `dir` for the repository at `root`.
pub struct Memo {
    dir: PathBuf,
    root: PathBuf,
    granularity_ns: i64,
    max_file_bytes: u64,
}

impl Memo {
    pub fn new(dir: &Path, root: &Path, granularity: Duration, max_file_bytes: u64) -> Memo {
        Memo {
            dir: dir.to_path_buf(),
            root: root.to_path_buf(),
            granularity_ns: i64::try_from(granularity.as_nanos()).unwrap_or(i64::MAX),
            max_file_bytes,
        }
    }

    /// Is the output stored under `key` still the answer?
    pub fn check(&self, key: u128) -> MemoCheck {
        let now = unix_ns(SystemTime::now());
        let Ok(text) = std::fs::read(self.dir.join(INDEX_FILE)) else {
            return MemoCheck::Miss("no stored result");
        };
        let Ok(mut index) = serde_json::from_slice::<Index>(&text) else {
            return MemoCheck::Miss("the stored result's index is damaged");
        };
        if index.version != VERSION || index.warmstart != env!("CARGO_PKG_VERSION") {
            return MemoCheck::Miss("stored by another version");
        }
        if index.key != format!("{key:032x}") {
            return MemoCheck::Miss("stored for other options");
        }
        let latest = index.sources.iter().map(|s| s.recorded_ns).max();
        if now < index.recorded_ns.max(latest.unwrap_or(0)) {
            return MemoCheck::Miss("the clock went back");
        }
        let g = self.granularity_ns;
        let inputs_hold = index.inputs.par_iter().all(|(path, stamp)| {
            stamp.settled(index.recorded_ns, g) && Stamp::of(&self.root.join(path)) == *stamp
        });
        if !inputs_hold {
            return MemoCheck::Miss("a folder, manifest or config changed");
        }
        let stale: Vec<(usize, Stamp)> = index
            .sources
            .par_iter()
            .enumerate()
            .filter_map(|(i, source)| {
                let now_stamp = Stamp::of(&self.root.join(&source.path));
                let trusted =
                    now_stamp == source.stamp && source.stamp.settled(source.recorded_ns, g);
                (!trusted).then_some((i, now_stamp))
            })
            .collect();
        if stale.len() > MAX_REPARSE {
            return MemoCheck::Miss("many files changed");
        }
        let same = stale.par_iter().all(|(i, stamp)| {
            let source = &index.sources[*i];
            let allocator = Allocator::default();
            let path = self.root.join(&source.path);
            let (_, parsed) = parse_file(&path, self.max_file_bytes, &allocator);
            stamp.exists && parse_hash(&parsed) == source.parse
        });
        if !same {
            return MemoCheck::Miss("an import changed");
        }
        let Ok(output) = std::fs::read(self.dir.join(OUTPUT_FILE)) else {
            return MemoCheck::Miss("the stored output is missing");
        };
        if format!("{:032x}", warmstart_cache::hash_bytes(&output)) != index.output {
            return MemoCheck::Miss("the stored output is damaged");
        }
        let Ok(output) = String::from_utf8(output) else {
            return MemoCheck::Miss("the stored output is damaged");
        };
        if !stale.is_empty() {
            // Vouched for by parsing just now: next time the stamp alone
            // decides once it has settled.
            for (i, stamp) in &stale {
                index.sources[*i].stamp = *stamp;
                index.sources[*i].recorded_ns = now;
            }
            self.write_index(&index);
        }
        MemoCheck::Hit {
            output,
            reparsed: stale.len(),
        }
    }

    /// Stores `output` as the answer for `key` and `graph`. `started` is
    /// when the run began, before the walk: anything that changed after it
    /// is not settled and gets checked next time.
    pub fn record(&self, key: u128, graph: &ModuleGraph, output: &str, started: SystemTime) {
        let recorded_ns = unix_ns(started);
        let mut paths: Vec<PathBuf> = graph.inputs.clone();
        paths.extend(fixed_inputs(&self.root, &graph.workspace_packages));
        paths.sort();
        paths.dedup();
        let inputs: Vec<(String, Stamp)> = paths
            .par_iter()
            .filter_map(|p| {
                let rel = warmstart_fs::to_unix_relative(&self.root, p)?;
                Some((rel, Stamp::of(p)))
            })
            .collect();
        let sources: Vec<Source> = graph
            .modules
            .par_iter()
            .zip(graph.parsed.par_iter())
            .map(|(module, parsed)| Source {
                stamp: Stamp::of(&self.root.join(&module.path)),
                path: module.path.clone(),
                recorded_ns,
                parse: parse_hash(parsed),
            })
            .collect();
        let index = Index {
            version: VERSION,
            warmstart: env!("CARGO_PKG_VERSION").to_string(),
            key: format!("{key:032x}"),
            output: format!("{:032x}", warmstart_cache::hash_bytes(output.as_bytes())),
            recorded_ns,
            inputs,
            sources,
        };
        if std::fs::create_dir_all(&self.dir).is_err()
            || warmstart_fs::atomic_write(&self.dir.join(OUTPUT_FILE), output.as_bytes()).is_err()
        {
            return;
        }
        self.write_index(&index);
    }

    fn write_index(&self, index: &Index) {
        if let Ok(text) = serde_json::to_vec(index) {
            // A failed write only makes the next run a miss.
            let _ = warmstart_fs::atomic_write(&self.dir.join(INDEX_FILE), &text);
        }
    }
}

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

/// A hash of what one file contributes to the graph.
fn parse_hash(parsed: &ParsedFile) -> u64 {
    let bytes = serde_json::to_vec(parsed).unwrap_or_default();
    warmstart_cache::hash_bytes(&bytes) as u64
}

fn unix_ns(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_nanos()).unwrap_or(i64::MAX),
    }
}
