use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use warmstart_workspace::Preset;

/// The `graph` section of `warmstart.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct GraphConfig {
    /// What `next dev` compiles before Ready (`graph ready`, `doctor`).
    pub ready: ReadyConfig,
}

/// `graph.ready`: the before-Ready budget `warmstart doctor` checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct ReadyConfig {
    /// Most modules instrumentation and middleware may compile before
    /// Ready, all runtimes together. Sentry's documented setup compiles
    /// about 1,300 with Turbopack; without it, about 150.
    pub max_modules: usize,
}

impl Default for ReadyConfig {
    fn default() -> Self {
        ReadyConfig { max_modules: 500 }
    }
}

impl GraphConfig {
    /// The defaults a preset gives this section.
    pub fn preset(_preset: Preset) -> Self {
        Self::default()
    }
}
