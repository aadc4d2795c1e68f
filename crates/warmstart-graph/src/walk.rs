//! The source files of the graph: a parallel walk (the `ignore` crate, so
//! `.gitignore` is honoured even outside git) of the given folders, keeping
//! JS/TS sources, hidden ones included. Symlinks are not followed, so a symlink loop cannot trap
//! the walk; unreadable folders and non-UTF-8 names become warnings.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

/// Extensions that make a file a module of the graph.
pub const SOURCE_EXTENSIONS: &[&str] = &["ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts"];

/// True for a file name with a JS/TS source extension.
pub fn is_source(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| SOURCE_EXTENSIONS.contains(&e))
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
}

/// Files besides sources whose contents change the graph: ignore rules,
/// and package.json / tsconfig (which may be named anything through
/// `extends`) / pnpm-workspace.yaml.
fn is_graph_input(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name == ".gitignore"
        || name == ".ignore"
        || name.ends_with(".json")
        || name.ends_with(".yaml")
        || name.ends_with(".yml")
}

/// Walks `paths` (absolute, inside `root`) in parallel.
pub fn walk(root: &Path, paths: &[PathBuf]) -> Walked {
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
    let Some((first, rest)) = existing.split_first() else {
        return walked;
    };
    let mut builder = WalkBuilder::new(first);
    for path in rest {
        builder.add(path);
    }
    builder
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .hidden(false)
        .follow_links(false)
        // Hidden files are sources too (`.storybook/main.ts`); VCS folders
        // and installed packages are not.
        .filter_entry(|entry| {
            let name = entry.file_name();
            name != "node_modules" && name != ".git" && name != ".hg" && name != ".svn"
        });
    let files = Mutex::new(Vec::new());
    let warnings = Mutex::new(Vec::new());
    let inputs = Mutex::new(Vec::new());
    builder.build_parallel().run(|| {
        let files = &files;
        let warnings = &warnings;
        let inputs = &inputs;
        Box::new(move |entry| {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                    let path = entry.path();
                    if is_dir || (is_file && is_graph_input(path)) {
                        let mut i = inputs.lock().unwrap_or_else(|e| e.into_inner());
                        i.push(path.to_path_buf());
                    }
                    if is_file && is_source(path) {
                        if path.to_str().is_none() {
                            let mut w = warnings.lock().unwrap_or_else(|e| e.into_inner());
                            w.push(format!(
                                "{}: skipped, the name is not UTF-8",
                                path.to_string_lossy()
                            ));
                        } else {
                            let mut f = files.lock().unwrap_or_else(|e| e.into_inner());
                            f.push(path.to_path_buf());
                        }
                    }
                }
                Err(err) => {
                    let mut w = warnings.lock().unwrap_or_else(|e| e.into_inner());
                    w.push(format!("walk: {err}"));
                }
            }
            WalkState::Continue
        })
    });
    walked.files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    sort_paths(&mut walked.files);
    walked.inputs = inputs.into_inner().unwrap_or_else(|e| e.into_inner());
    sort_paths(&mut walked.inputs);
    let mut warnings = warnings.into_inner().unwrap_or_else(|e| e.into_inner());
    warnings.sort();
    walked.warnings.extend(warnings);
    walked
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
