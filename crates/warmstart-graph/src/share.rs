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

use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use oxc_resolver::FileSystem;

use oxc_resolver::TsConfig;

use crate::linked;
use crate::listing::Listings;
use crate::resolve::{Resolved, WorkspaceResolver};
use crate::workspaces::{self, WorkspacePackages};

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
/// specifiers' answers, except a specifier naming the folder's own package
/// (oxc resolves `name/x` inside package `name` through its `exports`),
/// which is shared only by folders of the same package.
pub(crate) struct Scopes {
    of_folder: Vec<u32>,
    /// Per folder: its nearest package.json's folder (index into
    /// `packages`) and that package's name when known.
    package_of: Vec<Option<u32>>,
    names: Vec<Option<String>>,
    /// Per folder: relative specifiers may take `crate::relative`'s way.
    relative: Vec<bool>,
    /// Per scope: what `crate::linked` needs to know of it.
    lanes: Vec<linked::Lane>,
    /// Each package's folder, by the index `package_of` holds.
    package_dirs: Vec<PathBuf>,
}

type Key = (Option<PathBuf>, Vec<PathBuf>);

impl Scopes {
    /// Whether relative specifiers from `folder` may be answered from the
    /// folder listings (`crate::relative`).
    pub(crate) fn relative_listed(&self, folder: u32) -> bool {
        self.relative[folder as usize]
    }

    /// The scope a bare `specifier` is resolved in from `folder`: a pair,
    /// equal for folders that must get the same answer.
    pub(crate) fn of_specifier(&self, folder: u32, specifier: &str) -> (u32, u32) {
        let scope = self.of_folder[folder as usize];
        let package = match self.package_of[folder as usize] {
            None => u32::MAX,
            Some(p) => match &self.names[p as usize] {
                // Another package's name: the package itself plays no part.
                Some(name) if !names_package(specifier, name) => u32::MAX,
                _ => p,
            },
        };
        (scope, package)
    }

    /// oxc's answer for a bare `specifier` asked in a scope
    /// (`of_specifier`'s pair), when `crate::linked` can say it from the
    /// listings; `None`: ask oxc.
    pub(crate) fn linked(
        &self,
        (scope, package): (u32, u32),
        specifier: &str,
        listings: &Listings,
        packages: &linked::Packages,
        workspace: &WorkspacePackages,
    ) -> Option<Resolved> {
        let lane = self.lanes.get(scope as usize)?;
        let own = (package != u32::MAX).then(|| self.package_dirs[package as usize].as_path());
        linked::resolve(listings, packages, workspace, lane, specifier, own)
    }

    /// `folders`: each folder with one of its files (tsconfig ownership is
    /// decided per file; the round already resolves a folder's imports from
    /// its first file). Each folder's key is found on rayon's threads: the
    /// first look at a folder lists it, which is most of the cost.
    pub(crate) fn of(
        resolver: &WorkspaceResolver,
        workspace: &WorkspacePackages,
        folders: &[(&Path, &Path)],
    ) -> Scopes {
        use rayon::prelude::*;
        let fs = resolver.file_system();
        let memo = Ancestors::default();
        type Found = (Option<(Key, Option<Arc<TsConfig>>)>, Option<PathBuf>, bool);
        let keys: Vec<Found> = folders
            .par_iter()
            .map(|&(folder, file)| {
                let (package_json, node_modules) = memo.of(fs, folder).as_ref().clone();
                // A broken tsconfig: every import reports it; keep the
                // folder on its own.
                match resolver.tsconfig_of(file) {
                    Ok((tsconfig, relative)) => {
                        let path = tsconfig.as_ref().map(|t| t.path().to_path_buf());
                        (
                            Some(((path, node_modules), tsconfig)),
                            package_json,
                            relative,
                        )
                    }
                    Err(()) => (None, package_json, false),
                }
            })
            .collect();
        let root = fs.root();
        let mut lanes = Vec::new();
        let mut package_dirs = Vec::new();
        let mut ids: HashMap<Key, u32> = HashMap::default();
        let mut package_ids: HashMap<PathBuf, u32> = HashMap::default();
        let mut names = Vec::new();
        let by_folder: HashMap<&Path, &str> = workspace
            .iter()
            .map(|(name, dir)| (dir.as_path(), name.as_str()))
            .collect();
        let mut of_folder = Vec::with_capacity(folders.len());
        let mut package_of = Vec::with_capacity(folders.len());
        let mut relative = Vec::with_capacity(folders.len());
        for (i, (key, package_json, listed)) in keys.into_iter().enumerate() {
            relative.push(listed);
            of_folder.push(match key {
                Some((key, tsconfig)) => {
                    let next = ids.len() as u32;
                    *ids.entry(key).or_insert_with_key(|(_, node_modules)| {
                        lanes.push(linked::Lane {
                            tsconfig,
                            root_modules_only: node_modules.len() == 1
                                && Some(node_modules[0].as_path()) == root,
                        });
                        next
                    })
                }
                // Ids past every shared one.
                None => u32::MAX - i as u32,
            });
            package_of.push(package_json.map(|dir| {
                let next = package_ids.len() as u32;
                *package_ids.entry(dir.clone()).or_insert_with(|| {
                    package_dirs.push(dir.clone());
                    names.push(match by_folder.get(dir.as_path()) {
                        Some(name) => Some((*name).to_string()),
                        // Unknown: the package stays part of the key.
                        None => workspaces::manifest_name(&dir),
                    });
                    next
                })
            }));
        }
        Scopes {
            of_folder,
            package_of,
            names,
            relative,
            lanes,
            package_dirs,
        }
    }
}

/// Whether `specifier` is `name` or a subpath of it.
fn names_package(specifier: &str, name: &str) -> bool {
    specifier
        .strip_prefix(name)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The nearest folder holding a `package.json` (from a folder up), and
/// every ancestor (itself included) holding a `node_modules` folder,
/// nearest first; per folder, from its parent's answer, so each ancestor
/// is looked at once (walking every folder up to `/` was two lookups per
/// level for each of Cal.com's ~1,600 folders: ~7 ms between the parse
/// and the resolution).
#[derive(Default)]
struct Ancestors {
    known: dashmap::DashMap<PathBuf, Arc<Found>, rustc_hash::FxBuildHasher>,
}

type Found = (Option<PathBuf>, Vec<PathBuf>);

impl Ancestors {
    fn of<F: FileSystem>(&self, fs: &F, folder: &Path) -> Arc<Found> {
        if let Some(found) = self.known.get(folder) {
            return Arc::clone(found.value());
        }
        let parent = folder.parent().map(|parent| self.of(fs, parent));
        let (mut package_json, mut node_modules) = match parent.as_deref() {
            Some((package_json, node_modules)) => (package_json.clone(), node_modules.clone()),
            None => (None, Vec::new()),
        };
        if fs
            .metadata(&folder.join("package.json"))
            .is_ok_and(|m| m.is_file())
        {
            package_json = Some(folder.to_path_buf());
        }
        if fs
            .metadata(&folder.join("node_modules"))
            .is_ok_and(|m| m.is_dir())
        {
            node_modules.insert(0, folder.to_path_buf());
        }
        let found = Arc::new((package_json, node_modules));
        self.known.insert(folder.to_path_buf(), Arc::clone(&found));
        found
    }
}
