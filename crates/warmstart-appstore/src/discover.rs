//! App discovery, exactly as `app-store-cli build` does it: the entries of
//! the app-store folder in byte order (Node's `readdir` sorts with
//! `strcmp`), names starting with `_` skipped, non-directories skipped, and
//! the group folders (`ee/`, `templates/`) expanded in place at their own
//! sort position (their `_` children and any `ee` child skipped).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::AppsError;

/// One app folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppDir {
    /// The folder name: the registry key and the base of import names.
    pub name: String,
    /// The folder path relative to the app store, `/`-separated
    /// (`templates/basic`).
    pub path: String,
}

/// Lists the apps of the app store at `store` (shown as `display`).
pub fn discover(
    store: &Path,
    display: &str,
    group_dirs: &[String],
) -> Result<Vec<AppDir>, AppsError> {
    let entries = match sorted_entries(store) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(AppsError::NoStore {
                path: display.to_string(),
            });
        }
        Err(source) => {
            return Err(AppsError::Read {
                path: display.to_string(),
                source,
            });
        }
    };
    let mut apps = Vec::new();
    for (name, entry_path) in entries {
        if group_dirs.iter().any(|g| g.as_bytes() == name.as_slice()) {
            let group = String::from_utf8_lossy(&name).into_owned();
            if !is_dir(&entry_path, &format!("{display}/{group}"))? {
                continue;
            }
            let children = sorted_entries(&entry_path.path).map_err(|source| AppsError::Read {
                path: format!("{display}/{group}"),
                source,
            })?;
            for (child, child_path) in children {
                if child.starts_with(b"_") || child == b"ee" {
                    continue;
                }
                let shown = format!("{display}/{group}/{}", String::from_utf8_lossy(&child));
                if !is_dir(&child_path, &shown)? {
                    continue;
                }
                let child = safe_name(child, &format!("{display}/{group}"))?;
                apps.push(AppDir {
                    path: format!("{group}/{child}"),
                    name: child,
                });
            }
            continue;
        }
        if name.starts_with(b"_") {
            continue;
        }
        let shown = format!("{display}/{}", String::from_utf8_lossy(&name));
        if !is_dir(&entry_path, &shown)? {
            continue;
        }
        let name = safe_name(name, display)?;
        apps.push(AppDir {
            path: name.clone(),
            name,
        });
    }
    Ok(apps)
}

/// Entry names in byte order.
fn sorted_entries(dir: &Path) -> io::Result<Vec<(Vec<u8>, Entry)>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        // The type comes with the directory listing on most file systems:
        // no stat per entry unless it is a link.
        let kind = entry.file_type().ok();
        names.push((
            entry.file_name().into_encoded_bytes(),
            Entry {
                path: entry.path(),
                kind,
            },
        ));
    }
    names.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(names)
}

struct Entry {
    path: PathBuf,
    kind: Option<fs::FileType>,
}

/// `fs.statSync(p).isDirectory()`: follows links; an entry that vanished
/// between listing and stat (or a dangling link) is an error, as in Node.
fn is_dir(entry: &Entry, shown: &str) -> Result<bool, AppsError> {
    match entry.kind {
        Some(kind) if !kind.is_symlink() => return Ok(kind.is_dir()),
        _ => {}
    }
    match fs::metadata(&entry.path) {
        Ok(meta) => Ok(meta.is_dir()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(AppsError::Vanished {
            path: shown.to_string(),
        }),
        Err(source) => Err(AppsError::Read {
            path: shown.to_string(),
            source,
        }),
    }
}

/// App names end up in file paths and in JavaScript strings: they must be
/// UTF-8 single path segments without quotes, backslashes or control chars.
fn safe_name(name: Vec<u8>, parent: &str) -> Result<String, AppsError> {
    let lossy = String::from_utf8_lossy(&name).into_owned();
    match String::from_utf8(name) {
        Ok(s) if is_safe_app_name(&s) => Ok(s),
        _ => Err(AppsError::UnsafeName {
            parent: parent.to_string(),
            name: lossy,
        }),
    }
}

pub(crate) fn is_safe_app_name(name: &str) -> bool {
    warmstart_fs::is_safe_segment(name)
        && !name
            .chars()
            .any(|c| c == '"' || c == '\\' || c.is_control())
}

/// Checks, with one listing per folder, that every app found by
/// [`discover`] is still there: an app folder removed during a build would
/// make the output describe a tree that no longer exists.
pub fn still_present(store: &Path, display: &str, apps: &[AppDir]) -> Result<(), AppsError> {
    let mut listings: std::collections::HashMap<
        &str,
        std::collections::HashSet<std::ffi::OsString>,
    > = std::collections::HashMap::new();
    for app in apps {
        let (parent, name) = app.path.rsplit_once('/').unwrap_or(("", &app.path));
        if !listings.contains_key(parent) {
            let names = fs::read_dir(store.join(parent))
                .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.file_name())).collect())
                .unwrap_or_default();
            listings.insert(parent, names);
        }
        if !listings[parent].contains(std::ffi::OsStr::new(name)) {
            return Err(AppsError::Vanished {
                path: format!("{display}/{}", app.path),
            });
        }
    }
    Ok(())
}
