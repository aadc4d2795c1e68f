//! Resolution in rounds: the files the walk found are resolved first; any
//! JS/TS file a resolved import lands on that is not yet a module (it is
//! gitignored, generated, or outside the walked folders) becomes one, and
//! its imports are resolved in the next round, until nothing new is
//! reached. A bundler compiles what is imported, whatever the ignore files
//! say, so the graph does too — only installed packages (`node_modules`)
//! stay outside.

use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::build::ParsedSource;
use crate::build::ResolutionCache;
use crate::relative;
use crate::resolve::{self, Resolved, WorkspaceResolver};
use crate::share;
use crate::walk::is_source;
use crate::workspaces::WorkspacePackages;

/// The answers of one round: distinct answers, and for each file of the
/// round, for each of its imports, the index of its answer.
pub(crate) struct Round {
    pub answers: Vec<Resolved>,
    pub links: Vec<Vec<u32>>,
}

/// One resolution to run: a specifier from a folder, or a bare specifier
/// from a scope (`crate::share`: every folder of the scope gets its answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Asker {
    Scope(u32, u32),
    Folder(u32),
}

/// At most this many resolutions in one piece of rayon work, so the last
/// piece does not leave a core idle (as `build`'s `PARSE_CHUNK`).
const RESOLVE_CHUNK: usize = 64;

/// The folders of one round's files and their scopes: what the round
/// needs of its files before they are parsed, so the first round's is found
/// beside the parse (on one thread after it, its serial end left the other
/// core idle; ~10 ms between the parse and the resolution on Cal.com).
pub(crate) struct Plan<'f> {
    files: &'f [PathBuf],
    folders: Vec<&'f Path>,
    /// Per folder: its first file (tsconfig ownership is decided per file).
    folder_file: Vec<usize>,
    /// Per file: its folder.
    folder_of: Vec<u32>,
    scopes: share::Scopes,
}

impl<'f> Plan<'f> {
    /// The plan of `files` (sorted, so files of one folder are next to
    /// each other).
    pub(crate) fn of(
        files: &'f [PathBuf],
        resolver: &WorkspaceResolver,
        packages: &WorkspacePackages,
    ) -> Self {
        let mut folders: Vec<&Path> = Vec::new();
        let mut folder_file: Vec<usize> = Vec::new();
        let mut folder_of: Vec<u32> = Vec::with_capacity(files.len());
        for (i, path) in files.iter().enumerate() {
            let parent = path.parent().unwrap_or(path);
            if folders.last() != Some(&parent) {
                folders.push(parent);
                folder_file.push(i);
            }
            folder_of.push(folders.len() as u32 - 1);
        }
        let scopes = {
            let pairs: Vec<(&Path, &Path)> = folders
                .iter()
                .zip(&folder_file)
                .map(|(&dir, &f)| (dir, files[f].as_path()))
                .collect();
            share::Scopes::of(resolver, packages, &pairs)
        };
        Plan {
            files,
            folders,
            folder_file,
            folder_of,
            scopes,
        }
    }
}

/// Resolves every import of the plan's files (`parsed`: their parses, in
/// the same order). Files of one folder share their nearest tsconfig and
/// their node_modules ancestry, so each (folder, specifier) pair is
/// resolved once: the same `./button` from a folder of forty components
/// costs one lookup; a bare specifier such as `react` is resolved once per
/// scope of folders that must get the same answer.
pub(crate) fn resolve_round(
    plan: &Plan<'_>,
    parsed: &[ParsedSource],
    resolver: &WorkspaceResolver,
    packages: &WorkspacePackages,
    resolutions: Option<&dyn ResolutionCache>,
) -> Round {
    let Plan {
        files,
        folders,
        folder_file,
        folder_of,
        scopes,
    } = plan;
    let asker = |folder: u32, specifier: &str| {
        if share::shareable(specifier) {
            let (scope, package) = scopes.of_specifier(folder, specifier);
            Asker::Scope(scope, package)
        } else {
            Asker::Folder(folder)
        }
    };
    // Every import's (asker, specifier, folder), in file and import order
    // (rayon's collect keeps it): on one thread this left a core idle
    // between the parse and the resolution.
    let asked: Vec<Job> = parsed
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, ParsedSource { file, .. })| {
            let folder = folder_of[i];
            file.imports.iter().map(move |import| {
                let specifier = import.specifier.as_str();
                (asker(folder, specifier), specifier, folder)
            })
        })
        .collect();
    let (jobs, job_index) = distinct_jobs(&asked);
    let listings = resolver.file_system().listings();
    let answers: Vec<Resolved> = jobs
        .par_iter()
        .with_max_len(RESOLVE_CHUNK)
        .map(|&(asker, specifier, folder)| {
            let dir = folders[folder as usize];
            let mut resolve = || {
                let listed = match asker {
                    Asker::Folder(_) if scopes.relative_listed(folder) => {
                        relative::resolve(listings, dir, specifier).map(Resolved::File)
                    }
                    Asker::Scope(scope, package) => resolver.linked_packages().and_then(|linked| {
                        scopes.linked((scope, package), specifier, listings, linked, packages)
                    }),
                    Asker::Folder(_) => None,
                };
                let file = &files[folder_file[folder as usize]];
                listed.unwrap_or_else(|| resolve::resolve(resolver, packages, file, specifier))
            };
            match resolutions {
                Some(cache) => cache.answer(dir, specifier, &mut resolve),
                None => resolve(),
            }
        })
        .collect();
    let mut start = 0;
    let links = parsed
        .iter()
        .map(|ParsedSource { file, .. }| {
            let mine = job_index[start..start + file.imports.len()].to_vec();
            start += file.imports.len();
            mine
        })
        .collect();
    Round { answers, links }
}

/// An import's asker, specifier and folder; as a job, the first folder
/// that asks.
type Job<'a> = (Asker, &'a str, u32);

/// Pieces the imports are split into by hash, each deduplicated on its
/// own thread.
const SHARDS: usize = 32;

/// Each distinct (asker, specifier) with the first folder that asks, and
/// each import's job. One hash lookup per import, made on rayon's threads:
/// the imports are split by the hash of their key, so equal keys meet in
/// one piece, and each piece keeps its imports in order, so a job's folder
/// is still the first that asks. On one thread this was a stretch of
/// ~5 ms with the other core idle, between the parse and the resolution
/// (a `perf` timeline of Cal.com).
fn distinct_jobs<'a>(asked: &[Job<'a>]) -> (Vec<Job<'a>>, Vec<u32>) {
    use std::hash::BuildHasher;
    let hasher = rustc_hash::FxBuildHasher;
    let shard_of: Vec<u8> = asked
        .par_iter()
        .with_min_len(1024)
        .map(|&(asker, specifier, _)| (hasher.hash_one((asker, specifier)) >> 59) as u8)
        .collect();
    let mut pieces: Vec<Vec<u32>> = vec![Vec::new(); SHARDS];
    for (i, &shard) in shard_of.iter().enumerate() {
        pieces[shard as usize].push(i as u32);
    }
    // Per piece: its jobs, and each of its imports' job within the piece.
    let done: Vec<(Vec<Job<'a>>, Vec<u32>)> = pieces
        .par_iter()
        .with_max_len(1)
        .map(|piece| {
            let mut jobs = Vec::new();
            let mut job_of: FxHashMap<(Asker, &str), u32> =
                FxHashMap::with_capacity_and_hasher(piece.len(), Default::default());
            let local = piece
                .iter()
                .map(|&i| {
                    let (asker, specifier, folder) = asked[i as usize];
                    *job_of.entry((asker, specifier)).or_insert_with(|| {
                        jobs.push((asker, specifier, folder));
                        jobs.len() as u32 - 1
                    })
                })
                .collect();
            (jobs, local)
        })
        .collect();
    let mut jobs = Vec::with_capacity(done.iter().map(|d| d.0.len()).sum());
    let mut job_index = vec![0u32; asked.len()];
    for (piece, (piece_jobs, local)) in pieces.iter().zip(done) {
        let offset = jobs.len() as u32;
        for (&i, job) in piece.iter().zip(local) {
            job_index[i as usize] = offset + job;
        }
        jobs.extend(piece_jobs);
    }
    (jobs, job_index)
}

/// Can `path` be a module of the graph of `root`: a JS/TS source in the
/// repository, not inside an installed package.
pub(crate) fn can_be_module(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    is_source(path)
        && !rel
            .components()
            .any(|c| c == Component::Normal("node_modules".as_ref()))
}

/// Files the answers reach that are not modules yet (sorted, existing).
pub(crate) fn new_modules(
    root: &Path,
    answers: &[Resolved],
    index: &crate::build::ModuleIndex,
) -> Vec<PathBuf> {
    let mut new: Vec<PathBuf> = answers
        .par_iter()
        .filter_map(|a| match a {
            Resolved::File(path)
                if !index.contains_key(path.as_os_str()) && can_be_module(root, path) =>
            {
                Some(path.clone())
            }
            _ => None,
        })
        .collect();
    new.sort();
    new.dedup();
    // A stale cached answer may name a file that is gone.
    new.retain(|p| p.is_file());
    new
}

/// Adds the folders of `files` to the inputs the result cache stamps: a
/// file added to or removed from such a folder (which the walk does not
/// see) changes its mtime.
pub(crate) fn add_folders(inputs: &mut Vec<PathBuf>, files: &[PathBuf]) {
    for file in files {
        if let Some(parent) = file.parent() {
            inputs.push(parent.to_path_buf());
        }
    }
}
