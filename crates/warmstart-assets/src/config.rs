//! The `assets` section of `warmstart.json`: mapping rules, critical globs,
//! link mode, manifest location and the lazy server's port.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use warmstart_workspace::Preset;

/// The `assets` section of `warmstart.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct AssetsConfig {
    /// Mapping rules from source files to destinations, like CopyWebpackPlugin
    /// patterns. Empty: `warmstart assets` has nothing to do.
    pub rules: Vec<AssetRule>,
    /// Globs (repo-relative, matched against source paths) of files never
    /// linked, e.g. `**/node_modules/**`. Dotfiles are always skipped, as the
    /// plugin's glob does.
    pub exclude: Vec<String>,
    /// Globs (matched against source paths) of assets needed at first paint,
    /// such as app icons and logos: `setup --lazy` materializes only these.
    pub critical: Vec<String>,
    /// The web app's public folder (repo-relative): a destination's URL is
    /// its path below this folder (used by `assets serve`).
    pub public_dir: String,
    /// Where the manifest of what warmstart made is kept (repo-relative).
    pub cache_dir: String,
    /// The first link mode to try; later modes are fallbacks.
    pub mode: ModeChoice,
    /// Port of `assets serve` on 127.0.0.1 (0: any free port, printed).
    pub port: u16,
}

/// One mapping rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AssetRule {
    /// Glob of source files relative to the root, e.g.
    /// `packages/app-store/**/static/**`. What the first `**` matches is
    /// `{dir}` (the longest match, like the plugin's `/app-store\/(.*)\/static/`).
    pub from: String,
    /// Destination template relative to the root: `{dir}`, `[name]` (file
    /// name without extension) and `[ext]` (with its dot), e.g.
    /// `apps/web/public/app-store/{dir}/[name][ext]`.
    pub to: String,
}

/// The first link mode tried for each destination.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ModeChoice {
    /// Directory link per app, then file symlink, hardlink, reflink, copy
    /// (Windows: junction, then copy).
    #[default]
    Auto,
    /// Same chain as `auto`.
    Symlink,
    /// Hardlink, then reflink, then copy.
    Hardlink,
    /// Reflink (copy-on-write clone), then copy.
    Reflink,
    /// Real copies only: for production builds and deploy targets that do
    /// not follow links.
    Copy,
}

impl Default for AssetsConfig {
    fn default() -> Self {
        AssetsConfig {
            rules: Vec::new(),
            exclude: vec!["**/node_modules/**".into()],
            critical: Vec::new(),
            public_dir: "public".into(),
            cache_dir: "node_modules/.cache/warmstart/assets-v1".into(),
            mode: ModeChoice::Auto,
            port: 4777,
        }
    }
}

impl AssetsConfig {
    /// The defaults a preset gives this section.
    pub fn preset(preset: Preset) -> Self {
        match preset {
            Preset::Calcom => AssetsConfig {
                rules: vec![AssetRule {
                    from: "packages/app-store/**/static/**".into(),
                    to: "apps/web/public/app-store/{dir}/[name][ext]".into(),
                }],
                critical: vec!["**/static/icon*".into(), "**/static/logo*".into()],
                public_dir: "apps/web/public".into(),
                ..AssetsConfig::default()
            },
            Preset::Generic => AssetsConfig::default(),
        }
    }
}
