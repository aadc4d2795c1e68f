//! Static assets: links app static files into the web app's `public/`
//! (directory symlink, file symlink, hardlink, reflink, copy; junctions on
//! Windows), records what it made, validates and cleans only that, and
//! serves the rest lazily.
//!
//! ```no_run
//! use warmstart_assets::{Assets, AssetsConfig, FsLinker, SetupOptions};
//! use warmstart_workspace::Preset;
//! let root = std::path::Path::new("/repo");
//! let assets = Assets::new(root, &AssetsConfig::preset(Preset::Calcom)).unwrap();
//! let report = assets.setup(&SetupOptions {
//!     mode: Default::default(),
//!     force: false,
//!     lazy: false,
//!     linker: &FsLinker,
//!     progress: &|_, _| {},
//! }).unwrap();
//! println!("{} assets, {} created", report.assets, report.created.len());
//! ```

mod apply;
mod clean;
mod config;
mod error;
mod glob;
mod lazy;
mod link;
mod manifest;
mod plan;
mod serve;
mod setup;
mod validate;
mod verify;
mod walk;

use std::path::{Path, PathBuf};

pub use clean::CleanReport;
pub use config::{AssetRule, AssetsConfig, ModeChoice};
pub use error::{AssetsError, Result};
pub use lazy::{LazyAsset, LazyManifest, url_of};
pub use link::{FsLinker, LinkRequest, Linker, Mode, Refusing};
pub use manifest::{Entry, Manifest};
pub use plan::{Asset, Group, Plan};
pub use serve::{ServeOptions, Server};
pub use setup::{Fallback, Made, Problem, SetupOptions, SetupReport};
pub use validate::{Finding, Kind, ValidateReport};

/// The assets of one repository under one configuration.
pub struct Assets {
    pub root: PathBuf,
    /// The root with links resolved, to recognise links that leave it.
    pub root_real: PathBuf,
    pub config: AssetsConfig,
    rules: plan::Rules,
    pub manifest_path: PathBuf,
}

impl Assets {
    /// Compiles the rules; fails when none are configured or a glob is bad.
    pub fn new(root: &Path, config: &AssetsConfig) -> Result<Assets> {
        let rules = plan::Rules::new(config)?;
        let root_real =
            std::fs::canonicalize(root).map_err(error::io_err("cannot resolve", root))?;
        Ok(Assets {
            root: root.to_path_buf(),
            root_real,
            config: config.clone(),
            rules,
            manifest_path: manifest::Manifest::path(root, &config.cache_dir),
        })
    }

    /// The manifest path as shown to users (repo-relative when inside).
    pub fn manifest_display(&self) -> String {
        warmstart_fs::to_unix_relative(&self.root, &self.manifest_path)
            .unwrap_or_else(|| self.manifest_path.display().to_string())
    }

    /// Sources, destinations and groups (reusing the recorded walk when no
    /// source folder changed).
    pub fn plan(&self) -> Result<Plan> {
        let m = Manifest::load(&self.manifest_path)?;
        plan::build(&self.root, &self.rules, &m.scan, true)
    }

    pub fn setup(&self, opts: &SetupOptions<'_>) -> Result<SetupReport> {
        setup::setup(self, opts)
    }

    pub fn validate(&self) -> Result<ValidateReport> {
        validate::validate(self)
    }

    pub fn clean(&self) -> Result<CleanReport> {
        clean::clean(self)
    }

    /// The build-time manifest of lazy mode, written to `out` (default:
    /// `assets.json` in the cache folder). Returns it and where it went.
    pub fn write_lazy_manifest(
        &self,
        out: Option<&Path>,
        progress: &dyn Fn(usize, usize),
    ) -> Result<(LazyManifest, PathBuf)> {
        let plan = self.plan()?;
        let lazy = lazy::build(self, &plan, progress)?;
        let path = out
            .map(Path::to_path_buf)
            .unwrap_or_else(|| lazy::default_path(&self.root, &self.config.cache_dir));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(error::io_err("cannot create", dir))?;
        }
        let mut bytes = serde_json::to_vec_pretty(&lazy).map_err(|e| AssetsError::Manifest {
            path: path.clone(),
            message: e.to_string(),
        })?;
        bytes.push(b'\n');
        warmstart_fs::write_if_changed(&path, &bytes)?;
        Ok((lazy, path))
    }
}
