//! `warmstart graph closure ROUTE --by-package` as one call: the
//! first-page analysis, the suggestions file for `withWarmstart()`, and
//! what `fix-barrels` would do to the route's offenders.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::barrels::{RouteEdits, route_edits};
use crate::error::GraphError;
use crate::firstpage::{self, Bundler, FirstPage, SuggestionsFile};
use crate::session::{GraphSession, Observer};

/// One `closure ROUTE --by-package` invocation.
#[derive(Debug, Clone)]
pub struct RouteRequest {
    /// A route (`/auth/login`) or a page file.
    pub route: String,
    /// Groups, offenders and suggestions listed.
    pub top: usize,
    /// `None`: from the web app's dev script.
    pub bundler: Option<Bundler>,
    /// Write the suggestions file here, with entries saving at least
    /// `min_saving` percent of the client modules.
    pub suggestions_file: Option<PathBuf>,
    pub min_saving: f64,
    /// Keep every module per layer in the report.
    pub list_modules: bool,
}

/// The report of a route (`--json` prints it as is).
#[derive(Debug, Serialize)]
pub struct RouteRun {
    #[serde(flatten)]
    pub report: FirstPage,
    /// What `fix-barrels` would do to the route's offenders in the
    /// repository's own code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix_barrels: Option<RouteEdits>,
}

/// Analyses a route.
pub fn by_package(
    session: &GraphSession,
    request: &RouteRequest,
    observer: &Arc<dyn Observer>,
) -> Result<RouteRun, GraphError> {
    observer.status(&format!(
        "warmstart: following {} into its packages…",
        request.route
    ));
    let mut report =
        firstpage::analyse_with(&session.root, &request.route, request.top, request.bundler)?;
    if let Some(path) = &request.suggestions_file {
        let file = SuggestionsFile::from_report(&report, request.min_saving);
        file.write(path)?;
        observer.status(&format!(
            "wrote {} suggestions to {}",
            file.suggestions.len(),
            path.display()
        ));
    }
    if !request.list_modules {
        for layer in &mut report.layers {
            layer.list.clear();
        }
    }
    let fix_barrels = route_edits(session, &request.route, &report, observer)?;
    Ok(RouteRun {
        report,
        fix_barrels,
    })
}
