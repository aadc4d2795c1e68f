//! `warmstart init`: the edits that make a repository use warmstart.
//!
//! [`plan`] looks at the repository and returns the [`Edit`]s it would make —
//! a `warmstart.json`, package.json scripts that call warmstart instead of
//! the slow generators, a dev chain whose statics copy step (a script or a
//! turbo task, see [`statics`]) becomes `warmstart assets setup`, and a
//! `withWarmstart()` wrap of the Next.js config found by parsing it
//! ([`wrap`]).
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

pub mod devcheck;
mod jsonfile;
mod nextconfig;
pub mod probe;
mod scripts;
pub mod statics;
pub mod wrap;

pub use nextconfig::{CONFIG_FILES, find as find_next_config};
pub use statics::{DevStatics, StaticsReport};

use std::path::{Path, PathBuf};

use serde::Serialize;
use warmstart_workspace::Preset;

/// The Next.js app of a Cal.com-shaped repository.
pub const WEB_APP: &str = "apps/web";

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

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum InitError {
    #[error("cannot read {}: {source}", path.display())]
    #[diagnostic(code(warmstart::init::read))]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file init cannot edit safely, with its place and the reason.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Source(#[from] Box<warmstart_workspace::SourceError>),
    #[error(transparent)]
    #[diagnostic(code(warmstart::init::write))]
    Write(#[from] warmstart_fs::FsError),
    #[error("{path}: {message}")]
    #[diagnostic(code(warmstart::init::unsupported))]
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
///
/// Refuses (an [`InitError::Source`] with the file, line and column, or
/// [`InitError::Unsupported`]) a next.config or a dev chain it cannot edit
/// safely; nothing is planned then.
pub fn plan(root: &Path, preset: Preset) -> Result<Vec<Edit>, InitError> {
    let mut draft = Draft::new(root);
    if !root.join(warmstart_workspace::CONFIG_FILE).exists() {
        draft.create(
            warmstart_workspace::CONFIG_FILE,
            config_text(preset),
            format!("configuration with the `{}` preset", preset.name()),
        );
    }
    if preset == Preset::Calcom {
        scripts::plan(&mut draft)?;
        statics::rewrite::plan(&mut draft, WEB_APP)?;
        nextconfig::plan(&mut draft, WEB_APP)?;
    }
    Ok(draft.into_edits())
}

/// Where the copies of app-store statics are and whether `dev` still runs
/// one (see [`statics`]); for `doctor` and `dev`.
pub fn statics_report(root: &Path, preset: Preset) -> Result<StaticsReport, InitError> {
    match preset {
        Preset::Calcom => statics::detect(root, WEB_APP),
        Preset::Generic => Ok(StaticsReport::default()),
    }
}

/// The files an init run is changing, each edited in turn: a later step
/// sees the text earlier steps left, so two steps may edit one file.
pub(crate) struct Draft<'r> {
    root: &'r Path,
    files: Vec<Edit>,
}

impl<'r> Draft<'r> {
    fn new(root: &'r Path) -> Self {
        Draft {
            root,
            files: Vec::new(),
        }
    }

    pub(crate) fn root(&self) -> &'r Path {
        self.root
    }

    fn create(&mut self, rel: &str, text: String, why: String) {
        self.files.push(Edit {
            path: rel.to_string(),
            why,
            before: None,
            after: text,
        });
    }

    /// The current text of `rel` (as earlier steps left it); `None` when
    /// the file does not exist.
    pub(crate) fn text(&self, rel: &str) -> Result<Option<String>, InitError> {
        match self.files.iter().find(|f| f.path == rel) {
            Some(f) => Ok(Some(f.after.clone())),
            None => read(self.root, rel),
        }
    }

    /// Records a new text for an existing file.
    pub(crate) fn set(&mut self, rel: &str, after: String, why: &str) -> Result<(), InitError> {
        if let Some(f) = self.files.iter_mut().find(|f| f.path == rel) {
            if f.after != after {
                f.after = after;
                f.why = if f.why.is_empty() {
                    why.to_string()
                } else {
                    format!("{}; {why}", f.why)
                };
            }
            return Ok(());
        }
        let before = read(self.root, rel)?;
        if before.as_deref() != Some(after.as_str()) {
            self.files.push(Edit {
                path: rel.to_string(),
                why: why.to_string(),
                before,
                after,
            });
        }
        Ok(())
    }

    fn into_edits(self) -> Vec<Edit> {
        self.files
            .into_iter()
            .filter(|f| f.before.as_deref() != Some(f.after.as_str()))
            .collect()
    }
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
