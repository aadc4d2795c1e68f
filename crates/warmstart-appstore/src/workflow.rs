//! `apps build` as one call, for the command and for `warmstart dev`'s
//! prepare step: the no-change check → build → write → lazy manifest →
//! stamp.
//!
//! The no-change stamp is `warmstart_cache`'s change detection: after a
//! full build, the stamps of everything the outputs depend on (the
//! app-store folder and group folders, each app folder and the sub-folders
//! the maps look into, each metadata file and JSON it imports, the outputs
//! themselves) and the environment variables metadata read are stored with
//! the report as `apps-stamp-v2.json` in the cache folder. When every one of
//! them is unchanged and settled, the outputs are unchanged too and a run
//! ends after ~400 `stat`s, without reading or printing anything. A build
//! whose inputs changed within the file system's timestamp granularity is
//! not stamped (the next run builds in full), as git does for racily clean
//! entries.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use warmstart_cache::{Cache, Change, ContextHasher, Follow, Inputs, ResultFiles};

use crate::build::{Build, BuildOutput, CheckedFile, FileKind, FileStatus, check, write};
use crate::config::AppsConfig;
use crate::error::AppsError;
use crate::eval::EnvFn;

/// The stamp's name in the cache folder.
pub const STAMP: &str = "apps-stamp-v2";

/// Which files a build makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The registries app-store-cli writes.
    Compat,
    /// Those plus the metadata registries inlined as data and route shards.
    Lazy,
}

/// One generated file in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReport {
    pub path: String,
    #[serde(skip_deserializing, default = "unchanged")]
    pub status: FileStatus,
    pub entries: usize,
}

fn unchanged() -> FileStatus {
    FileStatus::Unchanged
}

/// What happened to the no-change stamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StampOutcome {
    /// No cache (disabled, or not asked for).
    Off,
    /// Nothing changed: the stored report is the answer.
    Hit,
    /// Written for the next run.
    Saved,
    /// An input changed moments ago: not written, the next run rebuilds.
    Unsettled,
}

/// What [`Workflow::build`] did.
#[derive(Debug, Clone)]
pub struct Report {
    /// App folders found.
    pub apps: usize,
    pub files: Vec<FileReport>,
    /// Things the user should know that are not errors (a skipped step).
    pub notes: Vec<String>,
    pub stamp: StampOutcome,
}

impl Report {
    /// Files created or updated.
    pub fn written(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.status != FileStatus::Unchanged)
            .count()
    }
}

/// What [`Workflow::check`] found.
#[derive(Debug)]
pub enum CheckOutcome {
    /// Every file compared (`stale` ones differ from the disk).
    Checked {
        apps: usize,
        files: Vec<CheckedFile>,
        stamp: StampOutcome,
    },
    /// The inputs do not build: under `--check` a failed check.
    Invalid(AppsError),
}

#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    apps: usize,
    files: Vec<FileReport>,
}

/// Records the environment variables a build reads, so the stamp can tell
/// when one of them changes.
#[derive(Debug, Default)]
struct EnvLog(Mutex<BTreeMap<String, Option<String>>>);

impl EnvLog {
    fn read(&self, inner: EnvFn, key: &str) -> Option<String> {
        let value = inner(key);
        if let Ok(mut seen) = self.0.lock() {
            seen.insert(key.to_string(), value.clone());
        }
        value
    }
}

struct NoChange {
    files: ResultFiles,
    dir: PathBuf,
    key: u128,
    granularity: Duration,
}

/// `apps build` of one repository.
pub struct Workflow<'c> {
    root: PathBuf,
    config: &'c AppsConfig,
    mode: Mode,
    stamp: Option<NoChange>,
}

impl<'c> Workflow<'c> {
    pub fn new(root: &Path, config: &'c AppsConfig, mode: Mode) -> Workflow<'c> {
        Workflow {
            root: root.to_path_buf(),
            config,
            mode,
            stamp: None,
        }
    }

    /// Keep the no-change stamp in `cache` (nothing when it is disabled).
    /// It is valid for this mode, configuration, root and binary.
    pub fn with_stamp(mut self, cache: &Cache) -> Workflow<'c> {
        self.stamp = cache.dir().map(|dir| {
            let mut key = ContextHasher::new();
            key.str(&format!("{:?}", self.mode))
                .json(self.config)
                .str(&self.root.to_string_lossy());
            if let Ok(exe) = std::env::current_exe()
                && let Ok(meta) = std::fs::metadata(exe)
            {
                key.str(&format!("{:?} {}", meta.modified().ok(), meta.len()));
            }
            NoChange {
                files: ResultFiles::new(dir, STAMP),
                dir: dir.to_path_buf(),
                key: key.finish(),
                granularity: cache.granularity(),
            }
        });
        self
    }

    /// The stored report, when nothing the outputs depend on changed.
    fn fresh(&self, env: EnvFn) -> Option<Stored> {
        let stamp = self.stamp.as_ref()?;
        let index = stamp.files.index::<Stored>(stamp.key).ok()?;
        let env = |name: &str| env(name);
        if index.inputs.check(Path::new("/"), stamp.granularity, &env) != Change::Unchanged {
            return None;
        }
        Some(index.meta)
    }

    fn run(&self, env: EnvFn) -> Result<BuildOutput, AppsError> {
        let build = Build::new(&self.root, self.config);
        match self.mode {
            Mode::Compat => build.run(env),
            Mode::Lazy => build.run_lazy(env),
        }
    }

    /// Builds and writes the files whose bytes changed (unless nothing
    /// changed since the stamp), records lazy mode's own files for `apps
    /// clean`, and stamps the result.
    pub fn build(&self, env: EnvFn) -> Result<Report, AppsError> {
        if let Some(stored) = self.fresh(env) {
            return Ok(Report {
                apps: stored.apps,
                files: stored.files,
                notes: Vec::new(),
                stamp: StampOutcome::Hit,
            });
        }
        let log = EnvLog::default();
        let output = self.run(&|key: &str| log.read(env, key))?;
        let written = write(&output)?;
        if self.mode == Mode::Lazy {
            let ours: Vec<String> = output
                .files
                .iter()
                .filter(|f| f.kind == FileKind::Lazy)
                .map(|f| f.path.clone())
                .collect();
            crate::manifest::record(&self.root, &self.config.dir, &ours)?;
        }
        let files: Vec<FileReport> = written
            .into_iter()
            .zip(&output.files)
            .map(|((path, status), f)| FileReport {
                path,
                status,
                entries: f.entries,
            })
            .collect();
        let stamp = self.save_stamp(&output, &log, &files);
        Ok(Report {
            apps: output.apps,
            files,
            notes: output.notes,
            stamp,
        })
    }

    /// Compares every file with the disk, writing nothing but the stamp
    /// when all are up to date.
    pub fn check(&self, env: EnvFn) -> Result<CheckOutcome, AppsError> {
        if let Some(stored) = self.fresh(env) {
            let files = stored
                .files
                .into_iter()
                .map(|f| CheckedFile {
                    path: f.path,
                    status: FileStatus::Unchanged,
                    diff: None,
                })
                .collect();
            return Ok(CheckOutcome::Checked {
                apps: stored.apps,
                files,
                stamp: StampOutcome::Hit,
            });
        }
        let log = EnvLog::default();
        let output = match self.run(&|key: &str| log.read(env, key)) {
            Ok(output) => output,
            Err(err) => return Ok(CheckOutcome::Invalid(err)),
        };
        let files = check(&output)?;
        let stamp = if files.iter().all(|f| f.status != FileStatus::Stale) {
            let reports: Vec<FileReport> = output
                .files
                .iter()
                .map(|f| FileReport {
                    path: f.path.clone(),
                    status: FileStatus::Unchanged,
                    entries: f.entries,
                })
                .collect();
            self.save_stamp(&output, &log, &reports)
        } else {
            StampOutcome::Off
        };
        Ok(CheckOutcome::Checked {
            apps: output.apps,
            files,
            stamp,
        })
    }

    /// Writes the stamp for a build whose outputs are on disk.
    fn save_stamp(&self, output: &BuildOutput, log: &EnvLog, files: &[FileReport]) -> StampOutcome {
        let Some(stamp) = &self.stamp else {
            return StampOutcome::Off;
        };
        // A build that writes nothing (outputs already right) must still
        // clear what a killed run left next to the stamp and the outputs.
        warmstart_fs::sweep_stale_temps(&stamp.dir);
        for f in &output.files {
            if let Some(dir) = f.abs.parent() {
                warmstart_fs::sweep_stale_temps(dir);
            }
        }
        let keys: Vec<String> = output
            .inputs
            .iter()
            .chain(output.files.iter().map(|f| &f.abs))
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let mut inputs = Inputs::record(Path::new("/"), keys, Follow::Target, SystemTime::now());
        if let Ok(seen) = log.0.lock() {
            for (name, value) in seen.iter() {
                inputs.add_env(name, value.as_deref());
            }
        }
        if !inputs.settled(stamp.granularity) {
            // Racily clean: do not vouch for it; drop any older stamp too.
            stamp.files.remove();
            return StampOutcome::Unsettled;
        }
        let stored = Stored {
            apps: output.apps,
            files: files.to_vec(),
        };
        stamp.files.store_index(stamp.key, inputs, stored);
        StampOutcome::Saved
    }
}
