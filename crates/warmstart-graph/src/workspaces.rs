//! Workspace packages of a monorepo without an install: the package.json
//! `workspaces` globs (array or `{ "packages": [...] }`) and
//! `pnpm-workspace.yaml`'s `packages:` list, expanded on disk, each folder
//! with a `package.json` giving its `name`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher};

/// Package name → folder (absolute), sorted by name.
pub type WorkspacePackages = BTreeMap<String, PathBuf>;

/// Reads the workspace globs of `root` and returns every named package.
pub fn discover(root: &Path) -> WorkspacePackages {
    let mut patterns = package_json_globs(root);
    patterns.extend(pnpm_globs(root));
    let (include, exclude): (Vec<_>, Vec<_>) =
        patterns.into_iter().partition(|p| !p.starts_with('!'));
    let exclude: Vec<GlobMatcher> = exclude
        .iter()
        .filter_map(|p| Glob::new(p.trim_start_matches('!')).ok())
        .map(|g| g.compile_matcher())
        .collect();
    let mut dirs = Vec::new();
    for pattern in &include {
        let pattern = pattern.trim_start_matches("./").trim_end_matches('/');
        expand(root, &pattern.split('/').collect::<Vec<_>>(), &mut dirs);
    }
    dirs.sort();
    dirs.dedup();
    let mut packages = WorkspacePackages::new();
    for dir in dirs {
        let rel = dir.strip_prefix(root).unwrap_or(&dir);
        if exclude.iter().any(|m| m.is_match(rel)) {
            continue;
        }
        if let Some(name) = manifest_name(&dir) {
            // The first folder (in sorted order) wins a duplicated name.
            packages.entry(name).or_insert(dir);
        }
    }
    packages
}

/// The `name` of `dir/package.json`; `None` when it cannot be read, is
/// not JSON or has none.
pub(crate) fn manifest_name(dir: &Path) -> Option<String> {
    /// Only the name is kept: the rest of the manifest is checked and
    /// skipped, not built into a `serde_json::Value` (most of the time
    /// reading a workspace's manifests took, beside the walk).
    #[derive(serde::Deserialize)]
    struct Manifest {
        name: Option<serde_json::Value>,
    }
    let text = std::fs::read(dir.join("package.json")).ok()?;
    let manifest: Manifest = serde_json::from_slice(&text).ok()?;
    manifest.name?.as_str().map(str::to_string)
}

fn package_json_globs(root: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(root.join("package.json")) else {
        return Vec::new();
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    let list = match value.get("workspaces") {
        Some(serde_json::Value::Array(list)) => list.clone(),
        Some(serde_json::Value::Object(obj)) => obj
            .get("packages")
            .and_then(|p| p.as_array())
            .cloned()
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    list.iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// The `packages:` list of `pnpm-workspace.yaml`. A tiny reader for the one
/// shape that file has (a block list of quoted or bare strings) rather than
/// a YAML dependency.
fn pnpm_globs(root: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(root.join("pnpm-workspace.yaml")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut in_packages = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if !line.starts_with([' ', '\t', '-']) {
            in_packages = trimmed.starts_with("packages:");
            if let Some(rest) = trimmed.strip_prefix("packages:") {
                // Flow style: packages: ["a/*", "b"]
                let rest = rest.trim();
                if rest.starts_with('[') {
                    for item in rest.trim_matches(['[', ']']).split(',') {
                        let item = unquote(item.trim());
                        if !item.is_empty() {
                            out.push(item);
                        }
                    }
                    in_packages = false;
                }
            }
            continue;
        }
        if in_packages && let Some(item) = trimmed.strip_prefix('-') {
            let item = item.split(" #").next().unwrap_or("").trim();
            let item = unquote(item);
            if !item.is_empty() {
                out.push(item);
            }
        }
    }
    out
}

fn unquote(s: &str) -> String {
    s.trim_matches(['\'', '"']).to_string()
}

/// Expands one glob, segment by segment, from `dir`.
fn expand(dir: &Path, segments: &[&str], out: &mut Vec<PathBuf>) {
    let Some((first, rest)) = segments.split_first() else {
        if dir.join("package.json").is_file() {
            out.push(dir.to_path_buf());
        }
        return;
    };
    if first.is_empty() || *first == "." {
        expand(dir, rest, out);
    } else if *first == "**" {
        expand(dir, rest, out);
        for child in subdirs(dir) {
            expand(&child, segments, out);
        }
    } else if first.contains(['*', '?', '[', '{']) {
        let Ok(glob) = Glob::new(first) else { return };
        let matcher = glob.compile_matcher();
        for child in subdirs(dir) {
            if child.file_name().is_some_and(|n| matcher.is_match(n)) {
                expand(&child, rest, out);
            }
        }
    } else {
        let child = dir.join(first);
        if child.is_dir() {
            expand(&child, rest, out);
        }
    }
}

/// Child folders, without node_modules and hidden ones, sorted.
fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name != "node_modules" && !name.starts_with('.')
        })
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}
