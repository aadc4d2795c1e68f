//! Which importer folders get the same answer for a bare specifier, so
//! `react` or `@calcom/lib/x` is resolved once per *scope* instead of once
//! per folder (issue 19: on Cal.com without node_modules, each of ~1,500
//! folders walked up to `/` looking for a `react` that is not installed).
//!
//! oxc_resolver answers a bare specifier (`pkg`, `@scope/pkg/sub`, a
//! tsconfig `paths` key such as `~/lib`) from the importer's folder through
//! exactly three things: the tsconfig that owns the importer (`paths`,
//! `baseUrl`), the nearest `package.json` (a package importing itself by
//! name through `exports`), and which ancestors hold a `node_modules`
//! folder (searched nearest first, up to `/`). Two folders that agree on
//! all three get the same answer, so the scope key is those three. A key
//! that is finer than needed only costs a lookup; the key is never coarser,
//! so answers do not change. Specifiers that spell a path (`./`, `../`,
//! `/`), a package import (`#x`), a URL or a `..` segment (oxc's legacy
//! `jest-runner-../..` rule) stay keyed by folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use oxc_resolver::FileSystem;

use crate::resolve::WorkspaceResolver;

/// Whether `specifier`'s answer depends on the importer's folder only
/// through its scope.
pub(crate) fn shareable(specifier: &str) -> bool {
    let Some(&first) = specifier.as_bytes().first() else {
        return false;
    };
    if matches!(first, b'.' | b'/' | b'#' | b'\\') {
        return false;
    }
    if specifier.contains("..") || specifier.contains('\\') {
        return false;
    }
    // `node:fs` is a builtin wherever it is imported; other schemes
    // (`file:`, `data:`) are left to the folder.
    !specifier.contains(':') || specifier.starts_with("node:")
}

/// The scope of each folder: folders with the same number share bare
/// specifiers' answers.
pub(crate) struct Scopes {
    pub of_folder: Vec<u32>,
}

type Key = (Option<PathBuf>, Option<PathBuf>, Vec<PathBuf>);

impl Scopes {
    /// `folders`: each folder with one of its files (tsconfig ownership is
    /// decided per file; the round already resolves a folder's imports from
    /// its first file). Each folder's key is found on rayon's threads: the
    /// first look at a folder lists it, which is most of the cost.
    pub(crate) fn of(resolver: &WorkspaceResolver, folders: &[(&Path, &Path)]) -> Scopes {
        use rayon::prelude::*;
        let fs = resolver.file_system();
        let keys: Vec<Option<Key>> = folders
            .par_iter()
            .map(|&(folder, file)| {
                // A broken tsconfig: every import reports it; keep the
                // folder on its own.
                let tsconfig = resolver.tsconfig_of(file).ok()?;
                let (package_json, node_modules) = ancestors(fs, folder);
                Some((tsconfig, package_json, node_modules))
            })
            .collect();
        let mut ids: HashMap<Key, u32> = HashMap::new();
        let of_folder = keys
            .into_iter()
            .enumerate()
            .map(|(i, key)| match key {
                Some(key) => {
                    let next = ids.len() as u32;
                    *ids.entry(key).or_insert(next)
                }
                // Ids past every shared one.
                None => u32::MAX - i as u32,
            })
            .collect();
        Scopes { of_folder }
    }
}

/// The nearest folder holding a `package.json` (from `folder` up), and
/// every ancestor (itself included) holding a `node_modules` folder,
/// nearest first.
fn ancestors<F: FileSystem>(fs: &F, folder: &Path) -> (Option<PathBuf>, Vec<PathBuf>) {
    let mut package_json = None;
    let mut node_modules = Vec::new();
    let mut cursor = Some(folder);
    while let Some(dir) = cursor {
        if package_json.is_none()
            && fs
                .metadata(&dir.join("package.json"))
                .is_ok_and(|m| m.is_file())
        {
            package_json = Some(dir.to_path_buf());
        }
        if fs
            .metadata(&dir.join("node_modules"))
            .is_ok_and(|m| m.is_dir())
        {
            node_modules.push(dir.to_path_buf());
        }
        cursor = dir.parent();
    }
    (package_json, node_modules)
}
