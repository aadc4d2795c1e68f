//! `graph ready --write` as one call: analyse, apply the lazy-import
//! edits, analyse again.

use std::path::Path;

use serde::Serialize;

use super::{Ready, ReadyError, ReadyOptions, Written, analyse, write};
use crate::codemod::lazy::Plan;

/// What `graph ready --write` did.
#[derive(Debug)]
pub struct Applied {
    /// The analysis the edits were planned on.
    pub before: Ready,
    /// Modules before Ready once the edits are on disk.
    pub after_modules: usize,
    pub written: Vec<Written>,
}

/// An import that cannot be made lazy, as `--json` lists it.
#[derive(Debug, Serialize)]
pub struct Refused<'a> {
    pub file: &'a str,
    pub line: u32,
    pub specifier: &'a str,
    pub reason: &'a str,
}

/// The `--json` document of `graph ready --write`.
#[derive(Debug, Serialize)]
pub struct AppliedJson<'a> {
    pub before: usize,
    pub after: usize,
    pub written: &'a [Written],
    pub refused: Vec<Refused<'a>>,
}

impl Applied {
    /// Every offender the codemod refused (whatever it costs).
    pub fn refused(&self) -> Vec<Refused<'_>> {
        self.before
            .offenders
            .iter()
            .filter_map(|o| match &o.plan {
                Plan::Refused { reason } => Some(Refused {
                    file: &o.file,
                    line: o.line,
                    specifier: &o.specifier,
                    reason,
                }),
                Plan::Rewrite { .. } => None,
            })
            .collect()
    }

    pub fn json(&self) -> AppliedJson<'_> {
        AppliedJson {
            before: self.before.modules,
            after: self.after_modules,
            written: &self.written,
            refused: self.refused(),
        }
    }
}

/// Analyses, writes the edits that take modules out of the before-Ready
/// compiles, and analyses again.
pub fn apply(root: &Path, options: &ReadyOptions) -> Result<Applied, ReadyError> {
    let before = analyse(root, options)?;
    let written = write(root, options, &before)?;
    let after = analyse(root, options)?;
    Ok(Applied {
        after_modules: after.modules,
        before,
        written,
    })
}
