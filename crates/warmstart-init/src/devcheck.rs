//! The statics-copy check of `warmstart dev`, remembered between starts.
//!
//! The probe spawns `node` and loads the whole next.config (Cal.com's pulls
//! in i18n and Sentry), a second or more of CPU that a dev start should not
//! pay every time. Its verdict depends only on the config files, the app's
//! and the root's package.json, the installed copy-webpack-plugin and Next,
//! and the probe script itself, so it is kept under
//! `node_modules/.cache/warmstart/` keyed by a hash of those bytes; any
//! change to one of them probes again. A probe that could not run (no
//! `node`) is not remembered.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::probe;

/// Where the verdict is kept, relative to the repository root.
pub const CACHE_FILE: &str = "node_modules/.cache/warmstart/next-config-probe.json";

#[derive(Debug, Serialize, Deserialize)]
struct Cached {
    key: String,
    warning: Option<String>,
}

/// What the check said and whether it came from the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevCheck {
    /// A line to print: the statics copy still runs, or could not be checked.
    pub warning: Option<String>,
    pub cached: bool,
}

/// [`probe::check_statics_copy`]'s warning, answered from the cache when nothing it depends
/// on changed.
pub fn statics_copy(root: &Path, app: &str) -> DevCheck {
    let key = key(root, app);
    let file = root.join(CACHE_FILE);
    if let Some(c) = std::fs::read(&file)
        .ok()
        .and_then(|b| serde_json::from_slice::<Cached>(&b).ok())
        && c.key == key
    {
        return DevCheck {
            warning: c.warning,
            cached: true,
        };
    }
    let check = probe::check_statics_copy(root, app);
    let warning = check.warning();
    // Only a verdict the probe reached is worth keeping: "node is missing"
    // must be asked again once node is installed.
    if check.ok || check.report.is_some() {
        let cached = Cached {
            key,
            warning: warning.clone(),
        };
        if let Ok(text) = serde_json::to_vec_pretty(&cached)
            && let Some(dir) = file.parent()
            && warmstart_cache::prepare_dir(dir).is_ok()
        {
            // A cache that cannot be written only means probing next time.
            let _ = warmstart_fs::write_if_changed(&file, &text);
        }
    }
    DevCheck {
        warning,
        cached: false,
    }
}

/// A hash of everything the probe's verdict depends on.
fn key(root: &Path, app: &str) -> String {
    let dir = root.join(app);
    let mut h = blake3::Hasher::new();
    h.update(probe::SCRIPT.as_bytes());
    let mut files: Vec<std::path::PathBuf> = crate::CONFIG_FILES
        .iter()
        .map(|name| dir.join(name))
        .collect();
    files.push(dir.join("package.json"));
    files.push(root.join("package.json"));
    for base in [dir.as_path(), root] {
        for pkg in ["copy-webpack-plugin", "next", "warmstart"] {
            files.push(base.join("node_modules").join(pkg).join("package.json"));
        }
    }
    for f in files {
        // The name too, so a file that appears or vanishes changes the key.
        h.update(f.to_string_lossy().as_bytes());
        match std::fs::read(&f) {
            Ok(bytes) => {
                h.update(&(bytes.len() as u64).to_le_bytes());
                h.update(&bytes);
            }
            Err(_) => {
                h.update(b"\0absent");
            }
        }
    }
    h.finalize().to_hex().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_changes_with_the_config_and_nothing_else_probes_again() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("apps/web")).unwrap();
        std::fs::write(
            root.join("apps/web/next.config.js"),
            "module.exports = {}\n",
        )
        .unwrap();
        let a = key(root, "apps/web");
        assert_eq!(a, key(root, "apps/web"));
        std::fs::write(
            root.join("apps/web/next.config.js"),
            "module.exports = {a:1}\n",
        )
        .unwrap();
        assert_ne!(a, key(root, "apps/web"));
        // A remembered verdict answers without node.
        let b = key(root, "apps/web");
        let cached = Cached {
            key: b,
            warning: Some("still copied".into()),
        };
        std::fs::create_dir_all(root.join(CACHE_FILE).parent().unwrap()).unwrap();
        std::fs::write(root.join(CACHE_FILE), serde_json::to_vec(&cached).unwrap()).unwrap();
        let check = statics_copy(root, "apps/web");
        assert_eq!(
            check,
            DevCheck {
                warning: Some("still copied".into()),
                cached: true
            }
        );
    }
}
