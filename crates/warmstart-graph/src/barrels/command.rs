//! `warmstart graph fix-barrels` as one call (plan, predict routes, write
//! or check against a baseline), and the `fix_barrels` part of
//! `graph closure ROUTE --by-package`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use super::{BarrelImport, ImportStatus, Options, Plan, baseline_text, plan};
use crate::baseline::Baseline;
use crate::error::GraphError;
use crate::firstpage::{self, FirstPage, Overlay};
use crate::session::{GraphSession, Observer};

/// One `graph fix-barrels` invocation.
#[derive(Debug, Clone, Default)]
pub struct FixBarrelsRequest {
    /// Command-line paths whose imports are rewritten (empty: all).
    pub paths: Vec<PathBuf>,
    pub write: bool,
    /// `--check`: compare against the baseline, write nothing.
    pub check: bool,
    pub baseline: Option<PathBuf>,
    pub update_baseline: bool,
    /// Routes whose saving is predicted.
    pub routes: Vec<String>,
    pub use_cache: bool,
}

/// Before and after of one side of a route.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Change {
    pub before: usize,
    pub after: usize,
    pub saving: i64,
}

impl Change {
    fn new(before: usize, after: usize) -> Change {
        Change {
            before,
            after,
            saving: before as i64 - after as i64,
        }
    }
}

/// The predicted saving of a route.
#[derive(Debug, Clone, Serialize)]
pub struct RoutePrediction {
    pub route: String,
    pub client: Change,
    pub server: Change,
}

/// The `--check` answer.
#[derive(Debug, Serialize)]
pub struct Checked {
    pub imports: usize,
    /// Barrel imports the baseline does not list.
    pub new: Vec<BarrelImport>,
    /// Baseline entries no longer found.
    pub gone: usize,
}

/// The plan, shown or written.
#[derive(Debug, Serialize)]
pub struct Planned {
    pub written: bool,
    pub rewrites: usize,
    pub refused: usize,
    pub imports: Vec<BarrelImport>,
    pub files: Vec<super::FileEdit>,
    pub routes: Vec<RoutePrediction>,
    /// Files whose bytes changed (with `write`).
    #[serde(skip)]
    pub files_written: usize,
}

/// What [`fix_barrels`] did.
#[derive(Debug)]
pub enum FixBarrels {
    /// `--update-baseline`: the file lists this many imports.
    BaselineUpdated {
        imports: usize,
        path: PathBuf,
    },
    Checked(Checked),
    Planned(Planned),
}

/// Runs `graph fix-barrels` (the graph is always of the whole repository).
pub fn fix_barrels(
    session: &GraphSession,
    request: &FixBarrelsRequest,
    observer: &Arc<dyn Observer>,
) -> Result<FixBarrels, GraphError> {
    let graph = session.load(&[], &[], request.use_cache, observer).graph;
    let options = Options {
        scope: session.scope(&request.paths),
        only: None,
    };
    let plan = plan(&graph, &options);
    let routes = predict_routes(&session.root, &plan, &request.routes)?;
    if request.check || request.update_baseline {
        return check(&plan, request);
    }
    let files_written = if request.write {
        write_plan(&session.root, &plan)?
    } else {
        0
    };
    Ok(FixBarrels::Planned(Planned {
        written: request.write,
        rewrites: plan.rewrites(),
        refused: plan.refused(),
        imports: plan.imports,
        files: plan.files,
        routes,
        files_written,
    }))
}

/// Predicted client/server totals of each route, before and after.
fn predict_routes(
    root: &Path,
    plan: &Plan,
    routes: &[String],
) -> Result<Vec<RoutePrediction>, GraphError> {
    let overlay = plan.overlay(root);
    let none = Overlay::new();
    let mut out = Vec::new();
    for route in routes {
        let (cb, sb) = firstpage::totals_with(root, route, &none)?;
        let (ca, sa) = firstpage::totals_with(root, route, &overlay)?;
        out.push(RoutePrediction {
            route: route.clone(),
            client: Change::new(cb.modules, ca.modules),
            server: Change::new(sb.modules, sa.modules),
        });
    }
    Ok(out)
}

/// Writes each rewritten file, never over an edit made since the plan was
/// read; the number of files whose bytes changed.
fn write_plan(root: &Path, plan: &Plan) -> Result<usize, GraphError> {
    let mut written = 0;
    for file in &plan.files {
        let path = root.join(&file.path);
        let now = std::fs::read_to_string(&path).map_err(|source| GraphError::Read {
            path: path.clone(),
            source,
        })?;
        if now != file.before {
            return Err(GraphError::Changed {
                path: file.path.clone(),
            });
        }
        if warmstart_fs::write_if_changed(&path, file.after.as_bytes())?.changed() {
            written += 1;
        }
    }
    Ok(written)
}

/// `--check` against the baseline, or `--update-baseline`.
fn check(plan: &Plan, request: &FixBarrelsRequest) -> Result<FixBarrels, GraphError> {
    let current = plan.baseline_lines();
    if request.update_baseline {
        // clap requires --baseline with --update-baseline.
        let path = request.baseline.clone().unwrap_or_default();
        warmstart_fs::write_if_changed(&path, baseline_text(&current).as_bytes())?;
        return Ok(FixBarrels::BaselineUpdated {
            imports: current.len(),
            path,
        });
    }
    let known = match &request.baseline {
        Some(path) => Baseline::read(path)?,
        None => Baseline::default(),
    };
    let new = plan
        .imports
        .iter()
        .filter(|i| !known.contains(&i.baseline_line()))
        .cloned()
        .collect();
    Ok(FixBarrels::Checked(Checked {
        imports: plan.imports.len(),
        new,
        gone: known.diff(&current).gone,
    }))
}

/// One file's rewrite among a route's offenders, with the route's totals
/// once it alone is applied.
#[derive(Debug, Clone, Serialize)]
pub struct RouteEdit {
    pub file: String,
    pub lines: Vec<u32>,
    pub specifiers: Vec<String>,
    pub replacement: String,
    pub client_after: usize,
    pub server_after: usize,
    /// Client + server modules saved.
    pub saving: i64,
}

/// The route's totals with every edit applied.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct AllEdits {
    pub client_after: usize,
    pub server_after: usize,
    pub saving: i64,
}

/// The `fix_barrels` part of the first-page report.
#[derive(Debug, Clone, Serialize)]
pub struct RouteEdits {
    pub edits: Vec<RouteEdit>,
    pub refused: Vec<BarrelImport>,
    pub all: AllEdits,
}

/// What `fix-barrels` would do to the route's barrel offenders in the
/// repository's own code: each file's rewrite with its predicted saving
/// (client + server modules, measured by following the route again with
/// the rewritten text), and all together. `None` when no offender is the
/// repository's.
pub fn route_edits(
    session: &GraphSession,
    route: &str,
    report: &FirstPage,
    observer: &Arc<dyn Observer>,
) -> Result<Option<RouteEdits>, GraphError> {
    let mut files: Vec<String> = report
        .offenders
        .iter()
        .filter(|o| !o.file.contains("node_modules/"))
        .map(|o| o.file.clone())
        .collect();
    files.sort();
    files.dedup();
    if files.is_empty() {
        return Ok(None);
    }
    observer.status("warmstart: planning fix-barrels edits for the offenders…");
    let graph = session.load(&[], &[], true, observer).graph;
    let options = Options {
        scope: Vec::new(),
        only: Some(files),
    };
    let plan = plan(&graph, &options);
    let root = &session.root;
    let before = report.client.modules + report.server.modules;
    let saving_of = |overlay: &Overlay| -> Result<AllEdits, GraphError> {
        let (c, s) = firstpage::totals_with(root, route, overlay)?;
        Ok(AllEdits {
            client_after: c.modules,
            server_after: s.modules,
            saving: before as i64 - (c.modules + s.modules) as i64,
        })
    };
    let mut edits = Vec::new();
    for file in &plan.files {
        let overlay = Overlay::from([(root.join(&file.path), file.after.clone())]);
        let after = saving_of(&overlay)?;
        let imports: Vec<&BarrelImport> = plan
            .imports
            .iter()
            .filter(|i| i.file == file.path && i.status == ImportStatus::Rewrite)
            .collect();
        edits.push(RouteEdit {
            file: file.path.clone(),
            lines: imports.iter().map(|i| i.line).collect(),
            specifiers: imports.iter().map(|i| i.specifier.clone()).collect(),
            replacement: imports
                .iter()
                .filter_map(|i| i.replacement.as_deref())
                .collect::<Vec<_>>()
                .join("\n"),
            client_after: after.client_after,
            server_after: after.server_after,
            saving: after.saving,
        });
    }
    edits.sort_by(|a, b| b.saving.cmp(&a.saving).then(a.file.cmp(&b.file)));
    let all = saving_of(&plan.overlay(root))?;
    let refused = plan
        .imports
        .iter()
        .filter(|i| i.status == ImportStatus::Refused)
        .cloned()
        .collect();
    Ok(Some(RouteEdits {
        edits,
        refused,
        all,
    }))
}
