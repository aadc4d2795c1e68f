//! The source files of the graph: a parallel walk of the given folders
//! that honours `.gitignore` (even outside git), `.ignore` and the git
//! excludes as the `ignore` crate's walker does ([`rules`]), keeping JS/TS
//! sources, hidden ones included. Symlinks are not followed, so a symlink
//! loop cannot trap the walk; unreadable folders and non-UTF-8 names
//! become warnings.
//!
//! Each folder is read once, and its whole listing (ignored names too) is
//! handed to the resolver ([`crate::listing`]), which would otherwise read
//! the same ~2,900 folders of Cal.com again to answer "does `x.tsx`
//! exist?" (issue 19).

mod rules;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::gitignore::Gitignore;

use warmstart_cache::Stamp;

use crate::listing::{Kind, Listing};

/// Extensions that make a file a module of the graph.
pub const SOURCE_EXTENSIONS: &[&str] = &["ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts"];

/// True for a file name with a JS/TS source extension.
pub fn is_source(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| is_source_name(name.as_encoded_bytes()))
}

/// [`is_source`] of a bare name, on its bytes (the walk has names before
/// paths): the extension is what `Path::extension` takes, the text after
/// the last `.`, none for a name that only starts with one.
fn is_source_name(name: &[u8]) -> bool {
    match memchr::memrchr(b'.', name) {
        Some(0) | None => false,
        Some(dot) => SOURCE_EXTENSIONS
            .iter()
            .any(|e| e.as_bytes() == &name[dot + 1..]),
    }
}

/// Files found (absolute, sorted) and what was skipped.
#[derive(Debug, Default)]
pub struct Walked {
    pub files: Vec<PathBuf>,
    pub warnings: Vec<String>,
    /// Every folder walked and every file that can change what the walk or
    /// resolution sees (`.gitignore`, `.ignore`, `*.json`, `*.yaml`): the
    /// result cache (`memo`) compares their stamps, since adding, removing
    /// or renaming a file changes its folder's mtime.
    pub inputs: Vec<PathBuf>,
    /// The listing of every folder read, ignored names included.
    pub(crate) listings: Vec<(PathBuf, Listing)>,
    /// When asked for: each folder listed with its stamp, taken through
    /// the handle it was read from, sorted by path bytes.
    pub folder_stamps: Vec<(PathBuf, Stamp)>,
}

/// Files besides sources whose contents change the graph: ignore rules,
/// and package.json / tsconfig (which may be named anything through
/// `extends`) / pnpm-workspace.yaml.
fn is_graph_input(name: &str) -> bool {
    name == ".gitignore"
        || name == ".ignore"
        || name.ends_with(".json")
        || name.ends_with(".yaml")
        || name.ends_with(".yml")
}

/// Folders the walk never enters: VCS data and installed packages.
fn is_skipped_folder(name: &std::ffi::OsStr) -> bool {
    name == "node_modules" || name == ".git" || name == ".hg" || name == ".svn"
}

/// What the folder jobs gather, one lock per folder.
#[derive(Default)]
struct Gathered {
    files: Vec<PathBuf>,
    inputs: Vec<PathBuf>,
    warnings: Vec<String>,
    listings: Vec<(PathBuf, Listing)>,
    stamps: Vec<(PathBuf, Stamp)>,
}

/// Walks `paths` (absolute, inside `root`) in parallel; `stamp_folders`
/// also stamps every folder listed ([`Walked::folder_stamps`]).
pub fn walk(root: &Path, paths: &[PathBuf], stamp_folders: bool) -> Walked {
    let mut walked = Walked::default();
    let mut existing = Vec::new();
    for path in paths {
        if path.exists() {
            existing.push(path.clone());
        } else {
            walked
                .warnings
                .push(format!("{}: no such file or folder", display(root, path)));
        }
    }
    let (global, err) = Gitignore::global();
    let gathered = Mutex::new(Gathered::default());
    if let Some(err) = err.filter(|e| !e.is_io()) {
        walked.warnings.push(format!("walk: {err}"));
    }
    rayon::scope(|scope| {
        for path in &existing {
            let mut here = Gathered::default();
            let is_dir = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
            // A given path is taken whatever the rules say of it.
            take(path, is_dir, &mut here);
            if is_dir {
                let chain = rules::parents(path, &mut here.warnings);
                let (global, gathered) = (&global, &gathered);
                let path = path.clone();
                let walk = Walk {
                    global,
                    gathered,
                    stamp_folders,
                };
                scope.spawn(move |scope| folder(scope, path, chain, walk));
            }
            merge(&gathered, here);
        }
    });
    let gathered = gathered.into_inner().unwrap_or_else(|e| e.into_inner());
    walked.files = gathered.files;
    sort_paths(&mut walked.files);
    walked.inputs = gathered.inputs;
    sort_paths(&mut walked.inputs);
    let mut warnings = gathered.warnings;
    warnings.sort();
    walked.warnings.extend(warnings);
    walked.listings = gathered.listings;
    walked.folder_stamps = gathered.stamps;
    walked
        .folder_stamps
        .sort_unstable_by(|a, b| by_bytes(&a.0, &b.0));
    walked
}

/// Records an entry the walk keeps: a folder or an input file as an
/// input, a source file as a module.
fn take(path: &Path, is_dir: bool, here: &mut Gathered) {
    let name = path.file_name().and_then(|n| n.to_str());
    if is_dir || name.is_some_and(is_graph_input) {
        here.inputs.push(path.to_path_buf());
    }
    if !is_dir && is_source(path) {
        if path.to_str().is_none() {
            here.warnings.push(format!(
                "{}: skipped, the name is not UTF-8",
                path.to_string_lossy()
            ));
        } else {
            here.files.push(path.to_path_buf());
        }
    }
}

fn merge(gathered: &Mutex<Gathered>, here: Gathered) {
    let mut all = gathered.lock().unwrap_or_else(|e| e.into_inner());
    all.files.extend(here.files);
    all.inputs.extend(here.inputs);
    all.warnings.extend(here.warnings);
    all.listings.extend(here.listings);
    all.stamps.extend(here.stamps);
}

/// What every folder job of one walk shares.
#[derive(Clone, Copy)]
struct Walk<'s> {
    global: &'s Gitignore,
    gathered: &'s Mutex<Gathered>,
    stamp_folders: bool,
}

/// One folder: list it, apply its rules, take what they keep and walk its
/// folders in jobs of their own.
fn folder<'s>(
    scope: &rayon::Scope<'s>,
    dir: PathBuf,
    parent: Option<Arc<rules::Rules>>,
    walk: Walk<'s>,
) {
    let mut here = Gathered::default();
    let Listed {
        entries,
        complete,
        stamp,
    } = list(&dir, walk.stamp_folders, &mut here.warnings);
    if let Some(stamp) = stamp {
        here.stamps.push((dir.clone(), stamp));
    }
    let mut found = rules::Found::default();
    for (name, _) in &entries {
        match name.as_encoded_bytes() {
            b".ignore" => found.ignore = true,
            b".gitignore" => found.git_ignore = true,
            b".git" => found.git = true,
            _ => {}
        }
    }
    let chain = rules::child(parent, &dir, found, &mut here.warnings);
    let mut listing = Listing::default();
    listing.reserve(entries.len());
    for (name, kind) in entries {
        let (is_dir, is_file) = (kind == Kind::Dir, kind == Kind::File);
        // Symlinks are neither: they are not followed, nor modules. Files
        // the graph does not read (images, styles, docs: half of Cal.com's
        // entries) are not matched against the rules at all, nor given a
        // path.
        let wanted = if is_dir {
            !is_skipped_folder(&name)
        } else {
            is_file
                && (is_source_name(name.as_encoded_bytes())
                    || name.to_str().is_some_and(is_graph_input))
        };
        let path = wanted.then(|| dir.join(&name));
        // The name's own buffer becomes the key (it was allocated to size).
        listing.insert(name.into_encoded_bytes().into_boxed_slice(), kind);
        let Some(path) = path else {
            continue;
        };
        if rules::ignored(chain.as_deref(), walk.global, &path, is_dir) {
            continue;
        }
        take(&path, is_dir, &mut here);
        if is_dir {
            let chain = chain.clone();
            scope.spawn(move |scope| folder(scope, path, chain, walk));
        }
    }
    if complete {
        here.listings.push((dir, listing));
    }
    merge(walk.gathered, here);
}

/// A folder's listing: its names and what each is (the listing's file
/// type: a symlink is `Other`), whether that is all of them (a listing cut
/// short would say "missing" of names that exist, so it is not handed on),
/// and, when asked, the folder's stamp.
struct Listed {
    entries: Vec<(std::ffi::OsString, Kind)>,
    complete: bool,
    stamp: Option<Stamp>,
}

/// Lists `dir` through one handle: open, `fstat` it when a stamp is asked
/// for (taken before the names are read, so a change made meanwhile shows
/// in the next run's stamp), read the names. `std::fs::read_dir` went
/// through glibc's `opendir`, which `fstat`s every folder anyway, and a
/// resolution cache then `lstat`ed every folder again by path.
#[cfg(unix)]
fn list(dir: &Path, stamp: bool, warnings: &mut Vec<String>) -> Listed {
    use rustix::fs::{AtFlags, FileType, OFlags};
    let mut listed = Listed {
        entries: Vec::new(),
        complete: false,
        stamp: None,
    };
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let opened = rustix::fs::open(dir, flags, rustix::fs::Mode::empty()).and_then(|fd| {
        // Taken before `Dir` owns the handle: `Dir::stat` is the same
        // call, but a failed stat should not lose the listing.
        let st = if stamp {
            rustix::fs::fstat(&fd).ok()
        } else {
            None
        };
        Ok((rustix::fs::Dir::new(fd)?, st))
    });
    let (mut handle, st) = match opened {
        Ok(opened) => opened,
        Err(err) => {
            let err = std::io::Error::from(err);
            warnings.push(format!("walk: {}: {err}", dir.display()));
            return listed;
        }
    };
    listed.stamp = st.map(|st| Stamp::from_stat(&st));
    listed.complete = true;
    while let Some(entry) = handle.read() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let err = std::io::Error::from(err);
                warnings.push(format!("walk: {}: {err}", dir.display()));
                listed.complete = false;
                break;
            }
        };
        let name = entry.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        let mut file_type = entry.file_type();
        if file_type == FileType::Unknown {
            // Some file systems leave d_type empty: ask, as std does.
            file_type = handle
                .fd()
                .and_then(|fd| rustix::fs::statat(fd, entry.file_name(), AtFlags::SYMLINK_NOFOLLOW))
                .map_or(FileType::Unknown, |st| FileType::from_raw_mode(st.st_mode));
        }
        let kind = match file_type {
            FileType::RegularFile => Kind::File,
            FileType::Directory => Kind::Dir,
            _ => Kind::Other,
        };
        use std::os::unix::ffi::OsStrExt;
        listed
            .entries
            .push((std::ffi::OsStr::from_bytes(name).to_owned(), kind));
    }
    listed
}

#[cfg(not(unix))]
fn list(dir: &Path, stamp: bool, warnings: &mut Vec<String>) -> Listed {
    let mut listed = Listed {
        entries: Vec::new(),
        complete: false,
        stamp: None,
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            warnings.push(format!("walk: {}: {err}", dir.display()));
            return listed;
        }
    };
    if stamp {
        listed.stamp = Some(Stamp::of(dir));
    }
    listed.complete = true;
    for entry in entries {
        match entry {
            Ok(entry) => {
                let kind = match entry.file_type() {
                    Ok(t) if t.is_file() => Kind::File,
                    Ok(t) if t.is_dir() => Kind::Dir,
                    _ => Kind::Other,
                };
                listed.entries.push((entry.file_name(), kind));
            }
            Err(err) => {
                warnings.push(format!("walk: {}: {err}", dir.display()));
                listed.complete = false;
            }
        }
    }
    listed
}

/// Sorts paths by their bytes and drops repeats. Any fixed order serves
/// the walk's users (the modules are put in repo-relative order later);
/// `Path`'s own order splits both paths into components at every
/// comparison, ~7 ms of one thread in a `perf` profile of a cold run.
pub(crate) fn sort_paths(paths: &mut Vec<PathBuf>) {
    use rayon::slice::ParallelSliceMut;
    paths.par_sort_unstable_by(|a, b| by_bytes(a, b));
    paths.dedup();
}

/// The order of [`sort_paths`].
pub(crate) fn by_bytes(a: &Path, b: &Path) -> std::cmp::Ordering {
    a.as_os_str()
        .as_encoded_bytes()
        .cmp(b.as_os_str().as_encoded_bytes())
}

fn display(root: &Path, path: &Path) -> String {
    warmstart_fs::to_unix_relative(root, path).unwrap_or_else(|| path.display().to_string())
}

#[cfg(test)]
mod tests;
