//! One resolved configuration from the preset, `warmstart.json` and the
//! command line, in the spirit of uv's `settings.rs`.

//!
//! Environment variables are read here and nowhere else in the binary:
//! `WARMSTART_DISABLE` (optimizations `dev` and `bench` skip), `NO_COLOR`,
//! `WARMSTART_CACHE_DIR` / `WARMSTART_NO_CACHE` (through
//! [`warmstart_cache::Cache::open`], see [`Workspace::cache`]), and the
//! process environment `_metadata.ts` files read ([`process_env`]).

use std::path::{Path, PathBuf};
use std::time::Duration;

use miette::{IntoDiagnostic, WrapErr};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use warmstart_devserver::{
    DevConfig, DevError, Launch, Optimizations, Readiness, RunRecord, metrics,
};
use warmstart_workspace::{Preset, Root, RootError, find_root, jsonc};

use crate::cli::GlobalArgs;
use crate::printer::Printer;

/// Optimizations to skip, comma-separated (`WARMSTART_DISABLE=assets`).
pub const ENV_DISABLE_OPTIMIZATIONS: &str = "WARMSTART_DISABLE";

/// `NO_COLOR` is set (to anything): no colors unless asked for.
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some()
}

/// The process environment, as app metadata sees it (`process.env.X`).
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

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
                Root::at(&dir)?
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
        let cache = self.cache();
        // Inside the cache folder, made the cache's way (CACHEDIR.TAG,
        // .gitignore) so `cache clear` and `doctor` recognize it; with the
        // cache off, beside where it would be.
        let path = match cache.dir() {
            Some(dir) if cache.ensure_dir().is_ok() => dir.join(warmstart_cache::WRITERS_LOCK),
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

    /// The repository's cache, as configured (and overridden by the
    /// environment).
    pub fn cache(&self) -> warmstart_cache::Cache {
        warmstart_cache::Cache::open(&self.root, &self.config.cache)
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

/// The repository (when there is one) and the resolved `dev` section.
pub struct DevSettings {
    pub workspace: Option<Workspace>,
    pub config: DevConfig,
    pub optimizations: Optimizations,
}

impl DevSettings {
    pub fn load(global: &GlobalArgs) -> miette::Result<DevSettings> {
        // Outside any repository, dev and bench still run and measure.
        if global.root.is_none() {
            let cwd = std::env::current_dir().into_diagnostic()?;
            if let Err(RootError::NotFound { .. }) = find_root(&cwd) {
                return Self::with(None, DevConfig::preset(Preset::Generic));
            }
        }
        let ws = Workspace::load(global)?;
        let config = ws.config.dev.clone();
        Self::with(Some(ws), config)
    }

    fn with(workspace: Option<Workspace>, config: DevConfig) -> miette::Result<DevSettings> {
        let disable = std::env::var(ENV_DISABLE_OPTIMIZATIONS).unwrap_or_default();
        let optimizations = config.optimizations.disable_from(&disable)?;
        Ok(DevSettings {
            workspace,
            config,
            optimizations,
        })
    }

    pub fn root(&self) -> Option<&Path> {
        self.workspace.as_ref().map(|w| w.root.as_path())
    }

    pub fn history(&self) -> Option<PathBuf> {
        self.root().map(metrics::history_path)
    }

    /// The command and its folder: from the command line (run where the
    /// user is), else from config (run at the root or `dev.cwd`).
    pub fn command(&self, given: &[String]) -> miette::Result<(Vec<String>, PathBuf)> {
        let cwd = std::env::current_dir().into_diagnostic()?;
        if !given.is_empty() {
            return Ok((given.to_vec(), cwd));
        }
        if self.config.command.is_empty() {
            return Err(DevError::NoCommand.into());
        }
        let base = self.root().map_or(cwd, Path::to_path_buf);
        let dir = match &self.config.cwd {
            Some(sub) => base.join(sub),
            None => base,
        };
        Ok((self.config.command.clone(), dir))
    }

    pub fn launch(
        &self,
        command: Vec<String>,
        cwd: PathBuf,
        p: &crate::commands::dev::ProbeArgs,
        echo: bool,
    ) -> miette::Result<Launch> {
        let pattern = p
            .ready_pattern
            .as_deref()
            .unwrap_or(&self.config.ready_pattern);
        let ready_url = p.ready_url.as_deref().or(self.config.ready_url.as_deref());
        let first_page_url = p.first_page.clone().or(self.config.first_page_url.clone());
        let hmr = match &p.probe_hmr {
            Some(file) => {
                let url = p
                    .hmr_url
                    .clone()
                    .or(first_page_url.clone())
                    .ok_or_else(|| {
                        miette::miette!(
                            help = "pass --first-page URL or --hmr-url URL",
                            "--probe-hmr needs a URL to poll"
                        )
                    })?;
                if !file.is_file() {
                    miette::bail!("--probe-hmr {}: no such file", file.display());
                }
                Some((std::path::absolute(file).into_diagnostic()?, url))
            }
            None => None,
        };
        Ok(Launch {
            command,
            cwd,
            readiness: Readiness::new(pattern, ready_url)?,
            timeout: Duration::from_secs(p.timeout.unwrap_or(self.config.ready_timeout_secs)),
            echo,
            first_page_url,
            hmr,
        })
    }

    /// The prepare steps of the repository's preset, in the order they run.
    pub fn steps(&self) -> Vec<warmstart_devserver::Step> {
        match &self.workspace {
            Some(ws) => crate::commands::dev_prepare::steps(ws),
            None => Vec::new(),
        }
    }

    pub fn record(&self, global_printer: &Printer, record: &RunRecord, no_history: bool) {
        if no_history {
            return;
        }
        if let Some(path) = self.history()
            && let Err(e) = metrics::append(&path, record, self.config.history_limit)
        {
            global_printer.status(format!("warning: {e}"));
        }
    }
}

/// `apps build`'s settings: the workspace, with `apps.coreApps` from
/// `--usage`/`--usage-db` when given, and the mode (flag, else `apps.lazy`).
pub struct AppsSettings {
    pub workspace: Workspace,
    pub mode: warmstart_appstore::Mode,
    /// Where `apps.coreApps` came from, when not from `warmstart.json`.
    pub core_apps_from: Option<String>,
}

impl AppsSettings {
    pub fn resolve(
        global: &GlobalArgs,
        args: &crate::commands::apps::BuildArgs,
    ) -> miette::Result<AppsSettings> {
        use crate::commands::apps::Mode;
        use warmstart_appstore::usage;
        let mut workspace = Workspace::load(global)?;
        let lazy = match args.mode {
            Some(mode) => mode == Mode::Lazy,
            None => workspace.config.apps.lazy,
        };
        let mut core_apps_from = None;
        if let Some(file) = &args.usage {
            let display = file.display().to_string();
            workspace.config.apps.core_apps = usage::top_apps(file, &display, args.core)?;
            core_apps_from = Some(display);
        }
        if let Some(url) = &args.usage_db {
            workspace.config.apps.core_apps = usage::top_apps_from_db(url, args.core)?;
            core_apps_from = Some("the database".to_string());
        }
        Ok(AppsSettings {
            workspace,
            mode: if lazy {
                warmstart_appstore::Mode::Lazy
            } else {
                warmstart_appstore::Mode::Compat
            },
            core_apps_from,
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
