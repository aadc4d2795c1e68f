//! One resolved configuration from the preset, `warmstart.json` and the
//! command line, in the spirit of uv's `settings.rs`.

use std::path::{Path, PathBuf};

use miette::{IntoDiagnostic, WrapErr};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use warmstart_workspace::{Preset, Root, find_root, jsonc};

use crate::cli::GlobalArgs;

/// The whole of `warmstart.json`. Every section is optional; what a file
/// leaves out comes from the preset (detected, or named by `preset`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    /// Reference to the JSON Schema, for editors.
    #[serde(rename = "$schema", skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Built-in defaults to start from: `calcom` or `generic` (default: detected).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preset: Option<Preset>,
    /// Parser work allowed per byte of a source file whose `<` nests more
    /// than 10 levels deep inside brackets (arena bytes; default 256, real
    /// code takes about 20). A file over it is reported, not parsed: the
    /// TypeScript parser backtracks exponentially on such text. The
    /// `WARMSTART_PARSE_BUDGET` environment variable wins over this.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub parse_budget: Option<u64>,
    /// App-store registries (`warmstart apps`).
    pub apps: warmstart_appstore::AppsConfig,
    /// Static assets (`warmstart assets`).
    pub assets: warmstart_assets::AssetsConfig,
    /// Module graph (`warmstart graph`).
    pub graph: warmstart_graph::GraphConfig,
    /// On-disk cache.
    pub cache: warmstart_cache::CacheConfig,
    /// Dev server (`warmstart dev`, `bench`).
    pub dev: warmstart_devserver::DevConfig,
}

impl Config {
    pub fn preset(preset: Preset) -> Self {
        Config {
            schema: None,
            preset: Some(preset),
            parse_budget: None,
            apps: warmstart_appstore::AppsConfig::preset(preset),
            assets: warmstart_assets::AssetsConfig::preset(preset),
            graph: warmstart_graph::GraphConfig::preset(preset),
            cache: warmstart_cache::CacheConfig::preset(preset),
            dev: warmstart_devserver::DevConfig::preset(preset),
        }
    }
}

/// Everything a command needs to know about the repository.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
    pub preset: Preset,
    pub config: Config,
    pub config_file: Option<PathBuf>,
}

impl Workspace {
    /// Finds the root (or takes `--root`), detects the preset and loads
    /// `warmstart.json` over it.
    pub fn load(global: &GlobalArgs) -> miette::Result<Workspace> {
        let root = match &global.root {
            Some(dir) => {
                let dir = std::path::absolute(dir)
                    .into_diagnostic()
                    .wrap_err_with(|| format!("bad --root {}", dir.display()))?;
                if !dir.is_dir() {
                    miette::bail!("--root {} is not a folder", dir.display());
                }
                let config = dir.join(warmstart_workspace::CONFIG_FILE);
                Root {
                    config_file: config.is_file().then_some(config),
                    dir,
                }
            }
            None => {
                let cwd = std::env::current_dir().into_diagnostic()?;
                find_root(&cwd)?
            }
        };
        Self::from_root(root)
    }

    /// The writers' lock of this repository (`writers.lock` in the cache
    /// folder): held by every command that writes into the tree, so two
    /// warmstart processes take turns; the second one says it waits.
    pub fn write_lock(
        &self,
        printer: &crate::printer::Printer,
    ) -> miette::Result<warmstart_fs::WriteLock> {
        let cache = warmstart_cache::Cache::open(&self.root, &self.config.cache);
        // Inside the cache folder, made the cache's way (CACHEDIR.TAG,
        // .gitignore) so `cache clear` and `doctor` recognize it; with the
        // cache off, beside where it would be.
        let path = match cache.dir() {
            Some(dir) if cache.ensure_dir().is_ok() => dir.join("writers.lock"),
            _ => self.root.join("node_modules/.cache/warmstart-writers.lock"),
        };
        warmstart_fs::WriteLock::acquire(&path, |path| {
            printer.status(format!(
                "warmstart: waiting for another warmstart process to finish (lock {})…",
                path.display()
            ));
        })
        .into_diagnostic()
    }

    pub fn from_root(root: Root) -> miette::Result<Workspace> {
        let (config, preset) = match &root.config_file {
            Some(path) => load_config(&root.dir, path)?,
            None => {
                let preset = Preset::detect(&root.dir);
                (Config::preset(preset), preset)
            }
        };
        // Every parse of user code in this process checks this budget.
        warmstart_workspace::guard::set_work_factor(config.parse_budget.unwrap_or(0));
        Ok(Workspace {
            root: root.dir,
            preset,
            config,
            config_file: root.config_file,
        })
    }
}

/// Reads `warmstart.json`, lays it over its preset and validates it; every
/// error points at line:column of the file.
pub fn load_config(root: &Path, path: &Path) -> miette::Result<(Config, Preset)> {
    let text = std::fs::read_to_string(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read {}", path.display()))?;
    let display = Path::new(warmstart_workspace::CONFIG_FILE);
    let user = jsonc::parse(display, &text)?;
    let preset = match user.get("preset") {
        Some(value) => {
            let name = value.as_str().unwrap_or_default();
            name.parse::<Preset>().map_err(|msg| {
                let range = jsonc::locate(&text, "preset").unwrap_or(0..0);
                warmstart_workspace::SourceError::new(display, &text, range, msg, "this preset")
            })?
        }
        None => Preset::detect(root),
    };
    let mut merged = serde_json::to_value(Config::preset(preset)).into_diagnostic()?;
    jsonc::merge(&mut merged, user);
    let config: Config = jsonc::deserialize(display, &text, merged)?;
    Ok((config, preset))
}

/// The JSON Schema of `warmstart.json`, as committed in `warmstart.schema.json`.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(Config);
    let mut text = serde_json::to_string_pretty(&schema).expect("schema serializes");
    text.push('\n');
    text
}
