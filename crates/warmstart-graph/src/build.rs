//! Walk → parse (rayon, one oxc arena per worker) → resolve → the module
//! graph: one node per source file, one edge per import that lands on
//! another node of the graph.
//!
//! The walk (which honours ignore files) only decides where to start: a
//! JS/TS file that a resolved import reaches is a module wherever it lives
//! in the repository — gitignored, generated, outside the given folders —
//! so resolution runs in rounds until no new file is reached (see
//! `crate::reach`). Only files inside `node_modules` stay outside.

use std::path::{Path, PathBuf};
use std::time::Instant;

use oxc_allocator::Allocator;
use rayon::prelude::*;
use serde::Serialize;
use warmstart_cache::Stamp;

use crate::parse::{EdgeKind, ParsedFile, parse_source};
use crate::reach;
use crate::resolve::{self, Resolved, UnresolvedReason};
use crate::walk;
use crate::workspaces::{self, WorkspacePackages};

/// Files larger than this are not parsed (minified bundles, generated
/// dumps); they stay in the graph as leaves and are reported.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// What to build the graph of.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Repository root (workspace globs and `node_modules` live here).
    pub root: PathBuf,
    /// Folders or files to include (absolute or relative to `root`); empty
    /// means the whole root.
    pub paths: Vec<PathBuf>,
    pub max_file_bytes: u64,
    /// Draw a progress bar on stderr.
    pub progress: bool,
    /// Files that are modules even when the walk does not find them (an
    /// entry given on the command line that is gitignored or outside
    /// `paths`); absolute or relative to `root`.
    pub entries: Vec<PathBuf>,
    /// The process exits once this command is done (the CLI): memory the
    /// build no longer needs is left to the system instead of freed.
    pub one_shot: bool,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            paths: Vec::new(),
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            progress: false,
            entries: Vec::new(),
            one_shot: false,
        }
    }
}

/// A source file of the graph.
#[derive(Debug, Clone, Serialize)]
pub struct Module {
    /// Repo-relative, `/`-separated.
    pub path: String,
    pub bytes: u64,
}

/// One import from one module to another.
#[derive(Debug, Clone, Serialize)]
pub struct Edge {
    pub from: u32,
    pub to: u32,
    pub kind: EdgeKind,
    pub line: u32,
    pub specifier: String,
    pub reexport: bool,
    pub type_usable: bool,
    /// Index into `parsed[from].imports`.
    #[serde(skip)]
    pub import: u32,
}

/// An import that did not resolve.
#[derive(Debug, Clone, Serialize)]
pub struct Unresolved {
    pub file: String,
    pub line: u32,
    pub specifier: String,
    pub reason: UnresolvedReason,
    pub message: String,
}

/// A file that did not parse cleanly (the graph still uses what oxc
/// recovered) or could not be read.
#[derive(Debug, Clone, Serialize)]
pub struct FileProblem {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// Counts of what was seen.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BuildStats {
    pub imports: usize,
    pub builtin: usize,
    /// Resolved to a file that is not a module of this graph (assets, JSON,
    /// installed packages).
    pub outside: usize,
    /// Modules the walk did not find but an import (or an entry) reached:
    /// gitignored or generated files, sources outside the given paths.
    pub reached: usize,
    pub unresolved: usize,
    pub walk_ms: u64,
    pub parse_ms: u64,
    pub resolve_ms: u64,
}

/// The module graph.
#[derive(Debug, Clone)]
pub struct ModuleGraph {
    pub root: PathBuf,
    pub modules: Vec<Module>,
    pub parsed: Vec<ParsedFile>,
    /// Per module, the stamp taken when it was read (`ParsedSource::stamp`).
    pub stamps: Vec<Option<Stamp>>,
    /// Per module, its parse hash when the parse cache already encoded the
    /// parse (`ParsedSource::parse_hash`).
    pub parse_hashes: Vec<Option<u64>>,
    pub edges: Vec<Edge>,
    pub unresolved: Vec<Unresolved>,
    pub problems: Vec<FileProblem>,
    pub warnings: Vec<String>,
    pub workspace_packages: WorkspacePackages,
    pub stats: BuildStats,
    /// Stamps of inputs taken while the graph was built (the resolution
    /// cache's, `crate::cache`), sorted by path bytes: the result cache
    /// records these instead of stamping the same paths again.
    pub input_stamps: Vec<(PathBuf, Stamp)>,
    /// Folders and config/ignore files the walk saw (absolute, sorted): what
    /// the result cache must find unchanged besides the sources.
    pub inputs: Vec<PathBuf>,
}

impl ModuleGraph {
    /// Index of a module by repo-relative path.
    pub fn find(&self, rel: &str) -> Option<u32> {
        self.modules
            .binary_search_by(|m| m.path.as_str().cmp(rel))
            .ok()
            .map(|i| i as u32)
    }
}

/// A file that could not be parsed at all: one problem at 1:1.
fn unparsed(message: String) -> ParsedFile {
    ParsedFile {
        imports: Vec::new(),
        errors: vec![crate::parse::ParseProblem {
            line: 1,
            column: 1,
            message,
        }],
    }
}

/// Parses the bytes of one file (the unit the parse cache stores): too
/// large or not UTF-8 become a problem, not a crash.
pub fn parse_bytes(path: &Path, bytes: &[u8], max_bytes: u64, allocator: &Allocator) -> ParsedFile {
    if bytes.len() as u64 > max_bytes {
        return unparsed(format!(
            "skipped: {} bytes is over the {max_bytes}-byte limit",
            bytes.len()
        ));
    }
    // simdutf8's check first (std's was ~1 % of a cold run's
    // instructions); std's on failure, for the position in the message.
    let source = match simdutf8::basic::from_utf8(bytes) {
        Ok(source) => source,
        Err(_) => match std::str::from_utf8(bytes) {
            Ok(source) => source,
            Err(err) => return unparsed(format!("cannot read: not UTF-8 ({err})")),
        },
    };
    parse_source(path, source, allocator)
}

/// One file read and parsed: what the parse step gives the build.
#[derive(Debug, Clone)]
pub struct ParsedSource {
    /// Its size in bytes (0 when it could not be opened).
    pub bytes: u64,
    pub file: ParsedFile,
    /// The file's stamp from the `fstat` made to read it, when it was
    /// read: the result cache records it instead of a second `lstat`
    /// (`crate::memo`). `None` where the parse came from a cache.
    pub stamp: Option<Stamp>,
    /// `crate::memo`'s hash of `file`, when whoever parsed it had it at
    /// hand (the parse cache hashes the bytes it encodes for its bucket).
    pub parse_hash: Option<u64>,
}

impl ParsedSource {
    fn unread(bytes: u64, file: ParsedFile) -> Self {
        ParsedSource {
            bytes,
            file,
            stamp: None,
            parse_hash: None,
        }
    }
}

/// Reads and parses one file: one open, one `fstat` for the size check
/// (and the stamp), one read into a buffer of that size.
pub fn parse_file(path: &Path, max_bytes: u64, allocator: &Allocator) -> ParsedSource {
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(err) => return ParsedSource::unread(0, unparsed(format!("cannot read: {err}"))),
    };
    let meta = match file.metadata() {
        Ok(meta) => meta,
        Err(err) => return ParsedSource::unread(0, unparsed(format!("cannot read: {err}"))),
    };
    let bytes = meta.len();
    let stamp = meta.is_file().then(|| Stamp::from_metadata(&meta));
    if bytes > max_bytes {
        // Do not even read it.
        return ParsedSource {
            bytes,
            file: unparsed(format!(
                "skipped: {bytes} bytes is over the {max_bytes}-byte limit"
            )),
            stamp,
            parse_hash: None,
        };
    }
    match warmstart_fs::read_sized(&mut file, bytes as usize) {
        Ok(data) => ParsedSource {
            bytes: data.len() as u64,
            file: parse_bytes(path, &data, max_bytes, allocator),
            // A file that changed size while it was read gets stamped
            // again by whoever needs the stamp.
            stamp: stamp.filter(|_| data.len() as u64 == bytes),
            parse_hash: None,
        },
        Err(err) => ParsedSource::unread(bytes, unparsed(format!("cannot read: {err}"))),
    }
}

/// Builds the graph.
pub fn build(options: &BuildOptions) -> ModuleGraph {
    build_with(options, &|path, max, alloc| parse_file(path, max, alloc))
}

/// Parses a file; `build_with` takes one so a cache can answer instead.
pub type ParseFn<'f> = dyn Fn(&Path, u64, &Allocator) -> ParsedSource + Sync + 'f;

/// A store of resolution answers keyed by importer folder and specifier
/// (the cache's `graph-resolve` bucket, `crate::cache`).
pub trait ResolutionCache: Sync {
    /// Called once after the walk with every folder and config file it saw
    /// and the workspace packages: answers are valid only for these.
    /// `folder_stamps` are the walk's own stamps of the folders it listed
    /// (sorted by path bytes), so they need no `lstat` again.
    fn prepare(
        &self,
        inputs: &[PathBuf],
        folder_stamps: &[(PathBuf, warmstart_cache::Stamp)],
        packages: &WorkspacePackages,
    );
    /// Called once before the walked files are parsed, with their number:
    /// a cache that stores a parse per file can make room for them at once
    /// instead of growing as the parses come in.
    fn parsing(&self, _files: usize) {}
    /// The stored answer for `specifier` asked from `folder`, or
    /// `resolve()`'s, stored (one key built for both).
    fn answer(
        &self,
        folder: &Path,
        specifier: &str,
        resolve: &mut dyn FnMut() -> Resolved,
    ) -> Resolved;
    /// Called once no file will be parsed or resolved any more: a cache
    /// may start saving then, while the graph is linked and analysed.
    fn done(&self) {}
}

/// Builds the graph, parsing through `parse`.
pub fn build_with(options: &BuildOptions, parse: &ParseFn<'_>) -> ModuleGraph {
    build_with_caches(options, parse, None)
}

/// Builds the graph, parsing through `parse` and answering resolutions
/// from `resolutions` where it can. Four phases: find the files, parse and
/// resolve until no new module is reached, turn answers into edges, put
/// the modules in path order.
pub fn build_with_caches(
    options: &BuildOptions,
    parse: &ParseFn<'_>,
    resolutions: Option<&dyn ResolutionCache>,
) -> ModuleGraph {
    let root = std::fs::canonicalize(&options.root).unwrap_or_else(|_| options.root.clone());
    let mut stats = BuildStats::default();
    // The workspace packages are read while the folders are walked (~2 ms
    // that otherwise left both cores idle between the walk and the parse).
    let (found, packages) = rayon::join(
        || find_files(options, &root, resolutions.is_some(), &mut stats),
        || workspaces::discover(&root),
    );
    let resolve_started = Instant::now();
    let listings = found.listings;
    // The resolver (its options, the workspace's virtual links) and the
    // walk's listings handed to it are needed only once the parse is done:
    // made beside it, not before it on the main thread alone (a stretch
    // with the other core idle in a `perf` timeline of Cal.com).
    let make_resolver = || {
        let resolver = resolve::resolver(&root, &packages);
        resolver.file_system().listings().seed(listings);
        resolver
    };
    let (reached, resolver) = parse_and_resolve(
        options,
        parse,
        resolutions,
        &root,
        make_resolver,
        &packages,
        &found.walked_inputs,
        &found.folder_stamps,
        found.files,
        found.inputs,
        &mut stats,
    );
    // Its caches hold every path it looked at: freeing them is a few
    // percent of a cold run. A one-shot command leaves that to the exit
    // (on another thread it still took a core from the cycle analysis);
    // a long-lived caller frees them where nobody waits.
    if options.one_shot {
        std::mem::forget(resolver);
    } else {
        std::thread::spawn(move || drop(resolver));
    }
    let order = PathOrder::of(&root, &reached.files);
    let mut linked = link(&reached, &order);
    stats.resolve_ms = resolve_started.elapsed().as_millis() as u64;
    let Reached {
        files,
        parsed,
        mut inputs,
        index,
        links,
        answers,
    } = reached;
    // Three serial steps over fresh memory (~1 MB of edges copied, every
    // module moved into path order, the inputs sorted), on both cores: on
    // the main thread alone they left the other core idle between the
    // resolution and the cycle analysis (a `perf` timeline of Cal.com).
    let ((edges, unresolved, builtin, outside), (in_order, ())) = rayon::join(
        || gather(&mut linked),
        || {
            rayon::join(
                || in_path_order(parsed, &order),
                || walk::sort_paths(&mut inputs),
            )
        },
    );
    stats.builtin += builtin;
    stats.outside += outside;
    let InPathOrder {
        modules,
        parsed: parsed_files,
        stamps,
        parse_hashes,
        problems,
        imports,
    } = in_order;
    stats.imports += imports;
    stats.unresolved = unresolved.len();
    // What only the build needed (~20,000 allocations, most made on the
    // worker threads, so freeing them here takes mimalloc's slow cross-
    // thread path on the main thread while both cores wait): a one-shot
    // command leaves it to the exit, like the resolver above.
    let scratch = (files, index, links, answers, order, linked);
    if options.one_shot {
        std::mem::forget(scratch);
    } else {
        drop(scratch);
    }
    ModuleGraph {
        root,
        modules,
        parsed: parsed_files,
        stamps,
        parse_hashes,
        edges,
        unresolved,
        problems,
        warnings: found.warnings,
        workspace_packages: packages,
        stats,
        input_stamps: Vec::new(),
        inputs,
    }
}

/// What the walk found, with the entries it did not.
struct Found {
    files: Vec<PathBuf>,
    inputs: Vec<PathBuf>,
    /// The walk's own inputs: what a resolution cache is valid for.
    walked_inputs: Vec<PathBuf>,
    warnings: Vec<String>,
    /// The folders the walk listed, for the resolver.
    listings: Vec<(PathBuf, crate::listing::Listing)>,
    /// Their stamps, when a resolution cache needs them.
    folder_stamps: Vec<(PathBuf, warmstart_cache::Stamp)>,
}

/// Phase 1: walk the given paths; add the entries the walk did not find.
fn find_files(
    options: &BuildOptions,
    root: &Path,
    stamp_folders: bool,
    stats: &mut BuildStats,
) -> Found {
    let absolute = |p: &PathBuf| {
        let p = if p.is_absolute() {
            p.clone()
        } else {
            root.join(p)
        };
        std::fs::canonicalize(&p).unwrap_or(p)
    };
    let paths: Vec<PathBuf> = if options.paths.is_empty() {
        vec![root.to_path_buf()]
    } else {
        options.paths.iter().map(absolute).collect()
    };
    let started = Instant::now();
    let mut walked = walk::walk(root, &paths, stamp_folders);
    stats.walk_ms = started.elapsed().as_millis() as u64;
    let mut files = std::mem::take(&mut walked.files);
    let mut inputs = walked.inputs.clone();
    // Entries the walk did not find are modules too.
    let mut given: Vec<PathBuf> = options
        .entries
        .iter()
        .map(absolute)
        .filter(|p| reach::can_be_module(root, p) && p.is_file())
        .collect();
    walk::sort_paths(&mut given);
    given.retain(|p| files.binary_search_by(|f| walk::by_bytes(f, p)).is_err());
    stats.reached += given.len();
    reach::add_folders(&mut inputs, &given);
    if !given.is_empty() {
        files.extend(given);
        walk::sort_paths(&mut files);
    }
    Found {
        files,
        inputs,
        walked_inputs: walked.inputs,
        warnings: walked.warnings,
        listings: walked.listings,
        folder_stamps: walked.folder_stamps,
    }
}

/// Module path → index. Keyed by the path's bytes: `Path` hashes and
/// compares component by component, which with SipHash showed on the main
/// thread at every answer looked up.
pub(crate) type ModuleIndex = rustc_hash::FxHashMap<std::ffi::OsString, u32>;

/// Every module reached, parsed and resolved.
struct Reached {
    files: Vec<PathBuf>,
    parsed: Vec<ParsedSource>,
    inputs: Vec<PathBuf>,
    index: ModuleIndex,
    /// Per file, per import: the index of its answer in `answers`.
    links: Vec<Vec<u32>>,
    answers: Vec<Resolved>,
}

/// Phase 2: parse the files, resolve their imports, and repeat with the
/// files those imports reach outside the walk until none is new. The
/// resolver and the first round's plan, needed only once the first parse
/// is done, are made (the resolver by `make_resolver`) on one core while
/// the parse starts on the other; the resolver is handed back with what
/// was reached.
#[allow(clippy::too_many_arguments)]
fn parse_and_resolve(
    options: &BuildOptions,
    parse: &ParseFn<'_>,
    resolutions: Option<&dyn ResolutionCache>,
    root: &Path,
    make_resolver: impl FnOnce() -> resolve::WorkspaceResolver + Send,
    packages: &WorkspacePackages,
    walked_inputs: &[PathBuf],
    folder_stamps: &[(PathBuf, warmstart_cache::Stamp)],
    mut files: Vec<PathBuf>,
    mut inputs: Vec<PathBuf>,
    stats: &mut BuildStats,
) -> (Reached, resolve::WorkspaceResolver) {
    let bar = progress_bar(options.progress, files.len());
    let parse_started = Instant::now();
    // The resolution cache stamps what it depends on (a few thousand
    // `lstat`s and a sort) while the other threads parse: it is needed only
    // when the first round resolves.
    if let Some(cache) = resolutions {
        cache.parsing(files.len());
    }
    // So are the first round's folders and scopes (`reach::Plan`), which
    // need only the walk and the resolver.
    let ((resolver, plan), mut parsed) = rayon::join(
        || {
            let resolver = make_resolver();
            if let Some(cache) = resolutions {
                cache.prepare(walked_inputs, folder_stamps, packages);
            }
            let plan = reach::Plan::of(&files, &resolver, packages);
            (resolver, plan)
        },
        || parse_all(&files, options.max_file_bytes, parse, bar.as_ref()),
    );
    let mut parse_ms = parse_started.elapsed().as_millis() as u64;
    // The path index is needed only once the first round is resolved:
    // built on one core while the round starts on the other.
    let (mut index, mut round) = rayon::join(
        || -> ModuleIndex {
            files
                .iter()
                .enumerate()
                .map(|(i, p)| (p.as_os_str().to_owned(), i as u32))
                .collect()
        },
        || reach::resolve_round(&plan, &parsed, &resolver, packages, resolutions),
    );
    let mut answers: Vec<Resolved> = Vec::new();
    let mut links: Vec<Vec<u32>> = Vec::with_capacity(files.len());
    loop {
        let offset = answers.len() as u32;
        links.extend(
            round
                .links
                .into_iter()
                .map(|l| l.into_iter().map(|a| a + offset).collect()),
        );
        let new = reach::new_modules(root, &round.answers, &index);
        answers.extend(round.answers);
        if new.is_empty() {
            break;
        }
        stats.reached += new.len();
        reach::add_folders(&mut inputs, &new);
        let round_start = files.len();
        for (i, path) in new.iter().enumerate() {
            index.insert(path.as_os_str().to_owned(), (files.len() + i) as u32);
        }
        let more_started = Instant::now();
        parsed.extend(parse_all(&new, options.max_file_bytes, parse, None));
        parse_ms += more_started.elapsed().as_millis() as u64;
        files.extend(new);
        // Files found in later rounds lie outside the walked folders the
        // resolution cache is valid for: resolve them afresh.
        round = reach::resolve_round(
            &reach::Plan::of(&files[round_start..], &resolver, packages),
            &parsed[round_start..],
            &resolver,
            packages,
            None,
        );
    }
    stats.parse_ms = parse_ms;
    if let Some(cache) = resolutions {
        cache.done();
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let reached = Reached {
        files,
        parsed,
        inputs,
        index,
        links,
        answers,
    };
    (reached, resolver)
}

/// Modules sorted by repo-relative path, so `find` can binary-search.
struct PathOrder {
    rels: Vec<String>,
    /// New position → old index.
    order: Vec<usize>,
    /// Old index → new position.
    position: Vec<u32>,
}

impl PathOrder {
    fn of(root: &Path, files: &[PathBuf]) -> Self {
        let rels: Vec<String> = files
            .par_iter()
            .map(|p| {
                warmstart_fs::to_unix_relative(root, p)
                    .unwrap_or_else(|| p.to_string_lossy().into_owned())
            })
            .collect();
        let mut order: Vec<usize> = (0..files.len()).collect();
        // Paths are unique, so no two compare equal.
        order.par_sort_unstable_by(|&a, &b| rels[a].cmp(&rels[b]));
        let mut position = vec![0u32; files.len()];
        for (new, &old) in order.iter().enumerate() {
            position[old] = new as u32;
        }
        PathOrder {
            rels,
            order,
            position,
        }
    }
}

/// One file's edges, unresolved imports, and builtin / outside counts.
type Linked = (Vec<Edge>, Vec<Unresolved>, usize, usize);

/// Phase 3: each import's answer as an edge (in path order) or an
/// unresolved import.
fn link(reached: &Reached, order: &PathOrder) -> Vec<Linked> {
    // Each distinct file answer looked up once (a path hashed and
    // compared), not once per import that shares it: its module's
    // position in path order, if any.
    let targets: Vec<Option<u32>> = reached
        .answers
        .par_iter()
        .map(|answer| match answer {
            Resolved::File(path) => reached
                .index
                .get(path.as_os_str())
                .map(|&to| order.position[to as usize]),
            _ => None,
        })
        .collect();
    order
        .order
        .par_iter()
        .map(|&old| {
            let file = &reached.parsed[old].file;
            let from = order.position[old];
            let mut edges = Vec::with_capacity(file.imports.len());
            let mut unresolved = Vec::new();
            let (mut builtin, mut outside) = (0, 0);
            for (i, (import, &answer)) in file.imports.iter().zip(&reached.links[old]).enumerate() {
                match (&reached.answers[answer as usize], targets[answer as usize]) {
                    (Resolved::File(_), Some(to)) => edges.push(Edge {
                        from,
                        to,
                        kind: import.kind,
                        line: import.line,
                        specifier: import.specifier.clone(),
                        reexport: import.reexport,
                        type_usable: import.type_usable,
                        import: i as u32,
                    }),
                    (Resolved::File(_), None) => outside += 1,
                    (Resolved::Builtin, _) => builtin += 1,
                    (Resolved::Unresolved(reason, message), _) => unresolved.push(Unresolved {
                        file: order.rels[old].clone(),
                        line: import.line,
                        specifier: import.specifier.clone(),
                        reason: *reason,
                        message: message.clone(),
                    }),
                }
            }
            (edges, unresolved, builtin, outside)
        })
        .collect()
}

/// Every file's edges in one list (path order, as `link` made them), its
/// unresolved imports in another, and the builtin / outside counts.
fn gather(linked: &mut [Linked]) -> Linked {
    let mut edges = Vec::with_capacity(linked.iter().map(|l| l.0.len()).sum());
    let (mut unresolved, mut builtin, mut outside) = (Vec::new(), 0, 0);
    for (e, u, b, o) in linked {
        edges.append(e);
        unresolved.append(u);
        builtin += *b;
        outside += *o;
    }
    (edges, unresolved, builtin, outside)
}

/// Phase 4: modules, parse results and parse problems in path order.
fn in_path_order(parsed: Vec<ParsedSource>, order: &PathOrder) -> InPathOrder {
    let mut out = InPathOrder {
        modules: Vec::with_capacity(parsed.len()),
        parsed: Vec::with_capacity(parsed.len()),
        stamps: Vec::with_capacity(parsed.len()),
        parse_hashes: Vec::with_capacity(parsed.len()),
        problems: Vec::new(),
        imports: 0,
    };
    let mut parsed: Vec<Option<ParsedSource>> = parsed.into_iter().map(Some).collect();
    for &old in &order.order {
        let Some(source) = parsed[old].take() else {
            continue;
        };
        let path = order.rels[old].clone();
        out.imports += source.file.imports.len();
        for e in &source.file.errors {
            out.problems.push(FileProblem {
                file: path.clone(),
                line: e.line,
                column: e.column,
                message: e.message.clone(),
            });
        }
        out.modules.push(Module {
            path,
            bytes: source.bytes,
        });
        out.parsed.push(source.file);
        out.stamps.push(source.stamp);
        out.parse_hashes.push(source.parse_hash);
    }
    out
}

/// The modules and what belongs to each, in path order.
struct InPathOrder {
    modules: Vec<Module>,
    parsed: Vec<ParsedFile>,
    stamps: Vec<Option<Stamp>>,
    parse_hashes: Vec<Option<u64>>,
    problems: Vec<FileProblem>,
    /// Imports in all, for [`BuildStats::imports`].
    imports: usize,
}

/// At most this many files parsed in one piece of rayon work: rayon
/// otherwise splits the list only a few times unless a thread steals, and
/// the last large piece left one core idle for the final ~10 ms of the
/// parse (a `perf` timeline of Cal.com).
const PARSE_CHUNK: usize = 16;

/// Parses `files` in parallel, one arena per worker.
fn parse_all(
    files: &[PathBuf],
    max_file_bytes: u64,
    parse: &ParseFn<'_>,
    bar: Option<&indicatif::ProgressBar>,
) -> Vec<ParsedSource> {
    files
        .par_iter()
        .with_max_len(PARSE_CHUNK)
        .map_init(Allocator::default, |allocator, path| {
            let out = parse(path, max_file_bytes, allocator);
            allocator.reset();
            if let Some(bar) = bar {
                bar.inc(1);
            }
            out
        })
        .collect()
}

fn progress_bar(enabled: bool, len: usize) -> Option<indicatif::ProgressBar> {
    if !enabled || len < 500 {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} parsing {pos}/{len} files {wide_bar}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_that_is_not_utf8_is_one_problem_naming_the_byte() {
        let allocator = Allocator::default();
        let path = Path::new("a.ts");
        let parsed = parse_bytes(
            path,
            b"import x from './b';\nconst s = '\xe9';\n",
            1 << 20,
            &allocator,
        );
        assert!(parsed.imports.is_empty());
        assert_eq!(
            parsed.errors,
            vec![crate::parse::ParseProblem {
                line: 1,
                column: 1,
                message: "cannot read: not UTF-8 (invalid utf-8 sequence of 1 bytes from index 32)"
                    .into(),
            }]
        );
        // Valid UTF-8 beyond ASCII parses.
        let parsed = parse_bytes(
            path,
            "import x from './é';\n".as_bytes(),
            1 << 20,
            &allocator,
        );
        assert_eq!(parsed.imports.len(), 1);
        assert!(parsed.errors.is_empty());
    }
}
