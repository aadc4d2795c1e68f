//! The kinds of first-page suggestions, the side a group is on, and the
//! suggestions file `withWarmstart()` reads (`closure ROUTE --by-package
//! --write-suggestions FILE`; npm/README.md documents it).

use std::path::Path;

use serde::Serialize;

use super::{FirstPage, Suggestion};
use crate::error::GraphError;

/// What a suggestion asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SuggestionKind {
    /// Add the package to `experimental.optimizePackageImports`.
    OptimizePackageImports,
    /// Transpile the packages that import a barrel from `node_modules`.
    TranspilePackages,
    /// Edit a re-export of a whole barrel configuration cannot rewrite.
    SourceEdit,
    /// Rewrite a barrel import (`warmstart graph fix-barrels`, Turbopack).
    FixBarrels,
}

impl SuggestionKind {
    /// The name in JSON and in human output.
    pub fn as_str(self) -> &'static str {
        match self {
            SuggestionKind::OptimizePackageImports => "optimizePackageImports",
            SuggestionKind::TranspilePackages => "transpilePackages",
            SuggestionKind::SourceEdit => "sourceEdit",
            SuggestionKind::FixBarrels => "fixBarrels",
        }
    }
}

impl std::fmt::Display for SuggestionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The compile a group of modules belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Client,
    Server,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `pad` so width flags (`{:<6}`) apply.
        f.pad(self.as_str())
    }
}

/// The suggestions file: `{"version": 1, "suggestions": [...]}`.
#[derive(Debug, Clone, Serialize)]
pub struct SuggestionsFile {
    pub version: u32,
    pub suggestions: Vec<FileSuggestion>,
}

/// One entry of the suggestions file.
#[derive(Debug, Clone, Serialize)]
pub struct FileSuggestion {
    pub kind: SuggestionKind,
    pub package: Option<String>,
    pub saving: usize,
}

impl SuggestionsFile {
    /// The `optimizePackageImports` suggestions of `report` predicted to
    /// save at least `min_saving_percent` of the route's client modules
    /// (each entry costs Next a barrel analysis; small ones measured as no
    /// gain).
    pub fn from_report(report: &FirstPage, min_saving_percent: f64) -> SuggestionsFile {
        let floor = min_saving_percent / 100.0 * report.client.modules as f64;
        SuggestionsFile {
            version: 1,
            suggestions: report
                .suggestions
                .iter()
                .filter(|s| {
                    s.kind == SuggestionKind::OptimizePackageImports && s.saving as f64 >= floor
                })
                .map(|s: &Suggestion| FileSuggestion {
                    kind: s.kind,
                    package: s.package.clone(),
                    saving: s.saving,
                })
                .collect(),
        }
    }

    /// The file's text: pretty JSON and a newline.
    pub fn text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Writes the file unless it already holds exactly this.
    pub fn write(&self, path: &Path) -> Result<(), GraphError> {
        warmstart_fs::write_if_changed(path, self.text().as_bytes())?;
        Ok(())
    }
}
