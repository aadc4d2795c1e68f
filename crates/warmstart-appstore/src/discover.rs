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
            let group_path = entry_path;
            if !is_dir(&group_path, &format!("{display}/{group}"))? {
                continue;
            }
            let children = sorted_entries(&group_path).map_err(|source| AppsError::Read {
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
fn sorted_entries(dir: &Path) -> io::Result<Vec<(Vec<u8>, PathBuf)>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        names.push((entry.file_name().into_encoded_bytes(), entry.path()));
    }
    names.sort_unstable();
    Ok(names)
}

/// `fs.statSync(p).isDirectory()`: follows links; an entry that vanished
/// between listing and stat (or a dangling link) is an error, as in Node.
fn is_dir(path: &Path, shown: &str) -> Result<bool, AppsError> {
    match fs::metadata(path) {
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
