//! The `cache` section of `warmstart.json`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use warmstart_workspace::Preset;

/// Where JavaScript tools keep their caches; `node_modules` is ignored by
/// every repository already, so nothing shows up in `git status`.
pub const DEFAULT_DIR: &str = "node_modules/.cache/warmstart";

/// Environment variable that overrides [`CacheConfig::dir`].
pub const ENV_DIR: &str = "WARMSTART_CACHE_DIR";

/// Environment variable that turns the on-disk cache off when set to
/// anything but `0` or an empty string (handy for timing cold runs).
pub const ENV_DISABLE: &str = "WARMSTART_NO_CACHE";

/// The `cache` section of `warmstart.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct CacheConfig {
    /// Use the on-disk cache (default: true). Off, every run is cold; results
    /// are the same either way.
    pub enabled: bool,
    /// Cache folder, relative to the repository root (default:
    /// `node_modules/.cache/warmstart`). The `WARMSTART_CACHE_DIR`
    /// environment variable overrides it.
    pub dir: String,
    /// Modification-time granularity of the file system, in milliseconds
    /// (default: 2000, enough for FAT and HFS+). A file modified within this
    /// window of the moment its entry was recorded is confirmed by its
    /// content hash instead of its (size, mtime), because a second change in
    /// the same clock tick would leave both unchanged.
    pub mtime_granularity_ms: u64,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            enabled: true,
            dir: DEFAULT_DIR.to_string(),
            mtime_granularity_ms: 2000,
        }
    }
}

impl CacheConfig {
    /// The defaults a preset gives this section (the same for every preset).
    pub fn preset(_preset: Preset) -> Self {
        Self::default()
    }
}
