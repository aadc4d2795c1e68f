//! The `dev` section of `warmstart.json`: the dev-server command, how to
//! tell it is ready, what to load first, what to watch, budgets and which
//! optimizations are on.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use warmstart_workspace::Preset;

/// Next.js prints one of these once the server is ready: `✓ Ready in 2.9s`
/// (13.5 and later), `ready - started server on …` (13.4 and earlier).
/// Its `- Local: http://…` banner comes earlier, before it can answer.
pub const DEFAULT_READY_PATTERN: &str = r"Ready in|ready started server|started server on";

/// The `dev` section of `warmstart.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct DevConfig {
    /// The dev-server command and its arguments (`warmstart dev -- CMD…`
    /// replaces it). Empty: `warmstart dev` needs a command after `--`.
    pub command: Vec<String>,
    /// Folder to run the command in, relative to the repository root.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cwd: Option<String>,
    /// Regular expression on the server's output (colors removed) that
    /// means "ready".
    pub ready_pattern: String,
    /// URL polled until it answers; when set it decides readiness instead
    /// of `readyPattern`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready_url: Option<String>,
    /// Seconds to wait for readiness before giving up.
    pub ready_timeout_secs: u64,
    /// URL fetched once the server is ready; its complete response time is
    /// the first page load.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_page_url: Option<String>,
    /// Folders (relative to the root) watched while the server runs; a
    /// change re-runs the prepare steps.
    pub watch: Vec<String>,
    /// Quiet period in milliseconds before a burst of file events counts as
    /// one change.
    pub debounce_ms: u64,
    /// Time and memory budgets checked by `--check-budget`.
    pub budgets: Budgets,
    /// Which optimizations run before the server starts (each can also be
    /// turned off with `WARMSTART_DISABLE=assets,apps,cache`).
    pub optimizations: Optimizations,
    /// Runs the history keeps (older lines are dropped when it grows past
    /// this).
    pub history_limit: usize,
    /// Route pre-warming: routes requested in the background once the
    /// server is ready (`--warm`, `--no-warm`).
    pub warm: crate::warm::WarmConfig,
}

/// Budgets, in milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Budgets {
    /// Startup: from `warmstart dev` to the server being ready.
    pub startup_ms: u64,
    /// First page: the complete response of `firstPageUrl`.
    pub first_page_ms: u64,
    /// Hot reload: from a file change to a changed response.
    pub hot_reload_ms: u64,
}

impl Default for Budgets {
    fn default() -> Self {
        Budgets {
            startup_ms: 3_000,
            first_page_ms: 1_000,
            hot_reload_ms: 500,
        }
    }
}

/// Switches for each optimization (gradual rollout).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Optimizations {
    /// Link app statics into the web app's public folder (`assets setup`).
    pub assets: bool,
    /// Regenerate the app-store registries natively (`apps build`).
    pub apps: bool,
    /// Reuse cached results between runs.
    pub cache: bool,
}

impl Default for Optimizations {
    fn default() -> Self {
        Optimizations {
            assets: true,
            apps: true,
            cache: true,
        }
    }
}

impl Default for DevConfig {
    fn default() -> Self {
        DevConfig {
            command: Vec::new(),
            cwd: None,
            ready_pattern: DEFAULT_READY_PATTERN.to_string(),
            ready_url: None,
            ready_timeout_secs: 180,
            first_page_url: None,
            watch: Vec::new(),
            debounce_ms: 100,
            budgets: Budgets::default(),
            optimizations: Optimizations::default(),
            history_limit: 1_000,
            warm: crate::warm::WarmConfig::default(),
        }
    }
}

impl DevConfig {
    /// The defaults a preset gives this section.
    pub fn preset(preset: Preset) -> Self {
        match preset {
            Preset::Calcom => DevConfig {
                command: vec!["yarn".into(), "dev".into()],
                // A path: asked of the address `next dev` announces, whatever port
                // the user's dev command picks.
                first_page_url: Some("/auth/login".into()),
                watch: vec!["packages/app-store".into()],
                ..DevConfig::default()
            },
            Preset::Generic => DevConfig::default(),
        }
    }
}
