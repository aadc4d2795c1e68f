//! Baseline files: the ratchet of `graph cycles --baseline` (edges on
//! cycles) and `graph fix-barrels --check --baseline` (barrel imports). A
//! comment header, then one entry per line, sorted; a check fails only for
//! entries not in the file.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;

use crate::error::GraphError;

/// The entries of a baseline file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    pub entries: BTreeSet<String>,
}

/// The current entries against a baseline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BaselineDiff {
    /// Current entries the baseline does not list, in the current order.
    pub new: Vec<String>,
    /// Baseline entries no longer current.
    pub gone: usize,
}

impl BaselineDiff {
    /// Whether the check passes (nothing new).
    pub fn passes(&self) -> bool {
        self.new.is_empty()
    }
}

impl Baseline {
    /// Reads a baseline file back (comments and blank lines ignored).
    pub fn parse(text: &str) -> Baseline {
        Baseline {
            entries: text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string)
                .collect(),
        }
    }

    /// Reads the baseline file at `path`.
    pub fn read(path: &Path) -> Result<Baseline, GraphError> {
        let text = std::fs::read_to_string(path).map_err(|source| GraphError::ReadBaseline {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Baseline::parse(&text))
    }

    /// Whether `entry` is known.
    pub fn contains(&self, entry: &str) -> bool {
        self.entries.contains(entry)
    }

    /// `current` against this baseline.
    pub fn diff(&self, current: &[String]) -> BaselineDiff {
        BaselineDiff {
            new: current
                .iter()
                .filter(|l| !self.entries.contains(*l))
                .cloned()
                .collect(),
            gone: self
                .entries
                .iter()
                .filter(|l| !current.contains(*l))
                .count(),
        }
    }
}
