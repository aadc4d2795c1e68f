//! `warmstart graph fix-types` as one call: plan the `import type`
//! rewrites, and either predict their effect on runtime cycles or write
//! them and measure it on the graph built again from disk.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::error::GraphError;
use crate::fix::{self, FileFix, Skipped};
use crate::report::{AnalysisOptions, ViewReport, analyse};
use crate::session::{GraphSession, Observer};

/// Runtime cycles in numbers.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CycleCounts {
    pub groups: usize,
    pub files_in_cycles: usize,
}

impl From<&ViewReport> for CycleCounts {
    fn from(v: &ViewReport) -> CycleCounts {
        CycleCounts {
            groups: v.groups,
            files_in_cycles: v.files_in_cycles,
        }
    }
}

/// A runtime group no longer on a cycle after the rewrite; `--json` lists
/// its files.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct Dissolved {
    #[serde(skip)]
    pub size: usize,
    pub files: Vec<String>,
}

/// The plan, not written: what the `runtime_semantic` view predicts.
#[derive(Debug, Serialize)]
pub struct Planned {
    pub written: bool,
    pub files: Vec<FileFix>,
    pub skipped: Vec<Skipped>,
    pub rewrites: usize,
    pub runtime_before: CycleCounts,
    pub runtime_predicted: CycleCounts,
}

/// The rewrites on disk, and the graph built again.
#[derive(Debug, Serialize)]
pub struct Rewritten {
    pub written: bool,
    pub files: Vec<FileFix>,
    pub skipped: Vec<Skipped>,
    pub rewrites: usize,
    /// Rewritten files that no longer parse.
    pub reparse_errors: Vec<String>,
    pub runtime_before: CycleCounts,
    pub runtime_after: CycleCounts,
    pub dissolved: Vec<Dissolved>,
}

impl Rewritten {
    /// An error when a rewritten file no longer parses.
    pub fn check(&self) -> Result<(), GraphError> {
        if self.reparse_errors.is_empty() {
            Ok(())
        } else {
            Err(GraphError::Reparse {
                files: self.reparse_errors.clone(),
            })
        }
    }
}

/// What [`fix_types`] did.
#[derive(Debug)]
pub enum FixTypes {
    Planned(Planned),
    Rewritten(Rewritten),
}

const QUICK: AnalysisOptions = AnalysisOptions {
    max_cycles: 0,
    details: false,
};

/// Plans the rewrites of `paths` (and writes them with `write`).
pub fn fix_types(
    session: &GraphSession,
    paths: &[PathBuf],
    use_cache: bool,
    write: bool,
    observer: &Arc<dyn Observer>,
) -> Result<FixTypes, GraphError> {
    let graph = session.load(paths, &[], use_cache, observer).graph;
    let before = analyse(&graph, QUICK);
    let plan = fix::plan(&graph);
    for s in &plan.skipped {
        observer.status(&format!("skipped {}:{}: {}", s.path, s.line, s.reason));
    }
    let rewrites = plan.rewrites();
    if !write {
        return Ok(FixTypes::Planned(Planned {
            written: false,
            rewrites,
            files: plan.files,
            skipped: plan.skipped,
            runtime_before: (&before.views.runtime).into(),
            runtime_predicted: (&before.views.runtime_semantic).into(),
        }));
    }
    for file in &plan.files {
        let path = graph.root.join(&file.path);
        warmstart_fs::write_if_changed(&path, file.after.as_bytes())?;
    }
    // Build again from disk: re-parses every rewritten file and shows the
    // cycles that are left.
    let after_graph = session.load(paths, &[], use_cache, observer).graph;
    let reparse_errors: Vec<String> = plan
        .files
        .iter()
        .filter(|f| after_graph.problems.iter().any(|p| p.file == f.path))
        .map(|f| f.path.clone())
        .collect();
    let after = analyse(&after_graph, QUICK);
    let still: HashSet<&str> = after
        .views
        .runtime
        .group_list
        .iter()
        .flat_map(|g| g.files.iter().map(String::as_str))
        .collect();
    let dissolved = before
        .views
        .runtime
        .group_list
        .iter()
        .filter(|g| g.files.iter().all(|f| !still.contains(f.as_str())))
        .map(|g| Dissolved {
            size: g.size,
            files: g.files.clone(),
        })
        .collect();
    Ok(FixTypes::Rewritten(Rewritten {
        written: true,
        rewrites,
        files: plan.files,
        skipped: plan.skipped,
        reparse_errors,
        runtime_before: (&before.views.runtime).into(),
        runtime_after: (&after.views.runtime).into(),
        dissolved,
    }))
}
