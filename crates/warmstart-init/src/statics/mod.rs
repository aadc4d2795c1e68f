//! Where a repository copies its app-store statics, and whether `dev` still
//! does it.
//!
//! Cal.com copied them with CopyWebpackPlugin until 2025, then with a Node
//! script run before `next dev` — a `copy-app-store-static` script chained
//! in apps/web's `dev`, also a turbo task. [`detect`] follows the `dev`
//! chain from the root and from the web app (`yarn x`, `npm run x`, `pnpm
//! x`, `yarn workspace PKG x`, `turbo run x`, turbo `dependsOn`, `&&`
//! chains) down to the program files they run, and reads each program with
//! oxc ([`program`]) to learn whether it copies statics into
//! `public/app-store`. The result is a typed [`StaticsReport`]: the copy
//! programs, the steps of the dev chain that still run one (each with the
//! path that reaches it), and whether dev runs `warmstart assets setup`.
//! `init` rewrites each such step to `warmstart assets setup`
//! ([`rewrite`]); `doctor` and `dev` read the report.

mod command;
pub mod program;
pub(crate) mod rewrite;
mod walk;

use std::path::Path;

use serde::Serialize;

use crate::InitError;

pub use program::ProgramFacts;

/// What init replaces a statics copy step with.
pub const ASSETS_SETUP: &str = "warmstart assets setup";

/// Where the dev chain declares a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepKind {
    /// A step of a package.json script (`yarn copy-static`, `node x.js`,
    /// `turbo run copy-app-store-static`).
    Script,
    /// A `dependsOn` entry of a turbo task.
    TurboDependency,
}

/// A step of the dev chain that copies app-store statics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CopyStep {
    pub kind: StepKind,
    /// The file declaring the step (`apps/web/package.json`, `turbo.json`).
    pub file: String,
    /// The script or turbo task holding the step (`dev`, `@calcom/web#dev`).
    pub holder: String,
    /// The step as written (`yarn copy-app-store-static`, or the dependsOn
    /// entry).
    pub step: String,
    /// 1-based line and column of the step's script or entry in `file`.
    pub line: usize,
    pub column: usize,
    /// How `dev` reaches it, outermost first (`package.json: dev`, `turbo:
    /// @calcom/web#dev`, …).
    pub via: Vec<String>,
    /// The copy program(s) it ends in (repo-relative).
    pub programs: Vec<String>,
    /// Why init cannot rewrite it (the step also runs other work, or its
    /// script is shared with a build), when it cannot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_rewritable: Option<String>,
}

/// A script file that copies app-store statics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CopyProgram {
    /// Repo-relative path.
    pub file: String,
    /// The scripts that run it (`apps/web/package.json: copy-app-store-static`).
    pub run_by: Vec<String>,
    /// The copy call and its line, e.g. `copyFileSync` at 21.
    pub copy_call: String,
    pub line: usize,
    /// Other files it writes (first argument as written); `warmstart assets
    /// setup` does not make them.
    pub also_writes: Vec<String>,
}

/// The statics copies of a repository, and what `dev` runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StaticsReport {
    /// Script files that copy statics, sorted by path.
    pub programs: Vec<CopyProgram>,
    /// Steps reached from a `dev` script that still run a copy.
    pub dev_steps: Vec<CopyStep>,
    /// A `dev` chain runs `warmstart assets setup`.
    pub dev_runs_assets_setup: bool,
    /// The `dev` scripts followed (`package.json: dev`, `apps/web/package.json: dev`).
    pub entries: Vec<String>,
}

/// What `warmstart dev` should know about the statics step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DevStatics {
    /// No script copies statics (a webpack plugin, if any, is the config
    /// wrap's business).
    NoScript,
    /// A copy script exists, dev no longer runs it and runs `warmstart
    /// assets setup` instead: the step is skipped.
    Skipped,
    /// The dev chain still runs a copy script.
    StillCopies,
}

impl StaticsReport {
    /// The state of the statics step for `warmstart dev`.
    pub fn dev_statics(&self) -> DevStatics {
        if !self.dev_steps.is_empty() {
            DevStatics::StillCopies
        } else if self.programs.is_empty() {
            DevStatics::NoScript
        } else if self.dev_runs_assets_setup {
            DevStatics::Skipped
        } else {
            // A copy script outside dev (a build step) and no assets setup:
            // nothing is copied in dev, nothing links either.
            DevStatics::NoScript
        }
    }

    /// True when dev's statics copy step was replaced by `warmstart assets
    /// setup` (what `warmstart dev` reports as skipped).
    pub fn dev_copy_skipped(&self) -> bool {
        self.dev_statics() == DevStatics::Skipped
    }
}

/// Follows the `dev` chains of `root` (the root package.json's and the
/// `web_app` package's) and reads the programs they run.
pub fn detect(root: &Path, web_app: &str) -> Result<StaticsReport, InitError> {
    walk::Walker::new(root, web_app)?.report()
}
