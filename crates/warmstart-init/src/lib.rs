//! `warmstart init`: the edits that make a repository use warmstart.
//!
//! [`plan`] looks at the repository and returns the [`Edit`]s it would make —
//! a `warmstart.json`, package.json scripts that call warmstart instead of
//! the slow generators, and a `withWarmstart()` wrap of `next.config.js`.
//! [`apply`] writes them (atomically, with a backup of every file it
//! changes). Every edit is idempotent: planning again after applying yields
//! nothing, so running `init --write` twice changes no file the second time.
//!
//! ```
//! # let dir = tempfile::tempdir().unwrap();
//! # std::fs::write(dir.path().join("package.json"), "{\n  \"name\": \"x\"\n}\n").unwrap();
//! use warmstart_workspace::Preset;
//! let edits = warmstart_init::plan(dir.path(), Preset::Generic).unwrap();
//! assert_eq!(edits[0].path, "warmstart.json");
//! warmstart_init::apply(dir.path(), &edits).unwrap();
//! assert!(warmstart_init::plan(dir.path(), Preset::Generic).unwrap().is_empty());
//! ```

mod nextconfig;
pub mod probe;
mod scripts;

use std::path::{Path, PathBuf};

use serde::Serialize;
use warmstart_workspace::Preset;

/// Suffix of the backup `apply` keeps of each file it changes.
pub const BACKUP_SUFFIX: &str = ".warmstart-backup";

/// One file warmstart init would create or change.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Edit {
    /// Repo-relative, `/`-separated.
    pub path: String,
    /// What the edit does, for humans.
    pub why: String,
    /// Current contents (`None` when the file is created).
    #[serde(skip)]
    pub before: Option<String>,
    /// Contents after the edit.
    #[serde(skip)]
    pub after: String,
}

impl Edit {
    /// A unified diff of the edit, for printing without `--write`.
    pub fn diff(&self) -> String {
        let before = self.before.as_deref().unwrap_or("");
        similar::TextDiff::from_lines(before, &self.after)
            .unified_diff()
            .context_radius(2)
            .header(&format!("a/{}", self.path), &format!("b/{}", self.path))
            .to_string()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Source(#[from] Box<warmstart_workspace::SourceError>),
    #[error(transparent)]
    Write(#[from] warmstart_fs::FsError),
    #[error("{path}: {message}")]
    Unsupported { path: String, message: String },
}

/// The config file `init` writes for a preset.
pub fn config_text(preset: Preset) -> String {
    format!(
        "{{\n  \"$schema\": \"./node_modules/warmstart/warmstart.schema.json\",\n  \"preset\": \"{}\"\n}}\n",
        preset.name()
    )
}

/// Every edit `init` would make in `root` for `preset`; empty once applied.
pub fn plan(root: &Path, preset: Preset) -> Result<Vec<Edit>, InitError> {
    let mut edits = Vec::new();
    let config = root.join(warmstart_workspace::CONFIG_FILE);
    if !config.exists() {
        edits.push(Edit {
            path: warmstart_workspace::CONFIG_FILE.to_string(),
            why: format!("configuration with the `{}` preset", preset.name()),
            before: None,
            after: config_text(preset),
        });
    }
    if preset == Preset::Calcom {
        edits.extend(scripts::plan(root)?);
        edits.extend(nextconfig::plan(root, "apps/web/next.config.js")?);
    }
    Ok(edits)
}

/// Writes `edits`, keeping `<file>.warmstart-backup` of every file changed
/// (an existing backup is never overwritten: it holds the original).
pub fn apply(root: &Path, edits: &[Edit]) -> Result<(), InitError> {
    for edit in edits {
        let path = root.join(&edit.path);
        if let Some(before) = &edit.before {
            let mut backup = path.clone().into_os_string();
            backup.push(BACKUP_SUFFIX);
            let backup = PathBuf::from(backup);
            if !backup.exists() {
                warmstart_fs::atomic_write(&backup, before.as_bytes())?;
            }
        }
        warmstart_fs::write_if_changed(&path, edit.after.as_bytes())?;
    }
    Ok(())
}

fn read(root: &Path, rel: &str) -> Result<Option<String>, InitError> {
    let path = root.join(rel);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(InitError::Read { path, source }),
    }
}
