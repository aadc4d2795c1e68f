use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use warmstart_workspace::Preset;

/// The `graph` section of `warmstart.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct GraphConfig {}

impl GraphConfig {
    /// The defaults a preset gives this section.
    pub fn preset(_preset: Preset) -> Self {
        Self::default()
    }
}
