//! `warmstart graph fix-barrels`: rewrite imports of the repository's own
//! barrels to the modules that define the names (print the diff, `--write`
//! it, or `--check` for new barrel imports against a baseline), with the
//! predicted module saving of Next.js routes (`--route`).

use std::path::PathBuf;

use clap::Args;
use warmstart_graph::barrels::{self, FixBarrels, FixBarrelsRequest};
use warmstart_graph::session::GraphSession;

use crate::cli::{CmdResult, Status};
use crate::printer::Printer;
use crate::settings::Workspace;

#[derive(Debug, Args)]
pub struct FixBarrelsArgs {
    /// Folders or files whose imports are rewritten (default: the whole
    /// repository). The graph is always built of the whole repository.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// Write the rewrites (default: print a diff).
    #[arg(long, conflicts_with = "check")]
    pub write: bool,
    /// Exit 1 when there are barrel imports (not listed in --baseline):
    /// a CI ratchet against new ones. Writes nothing.
    #[arg(long)]
    pub check: bool,
    /// With --check: barrel imports listed in FILE are known.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the current barrel imports to the baseline FILE.
    #[arg(long, requires = "baseline")]
    pub update_baseline: bool,
    /// Print the predicted module saving of this Next.js route (a route
    /// such as /auth/login or a page file); repeatable.
    #[arg(long, value_name = "ROUTE")]
    pub route: Vec<String>,
    /// Parse every file again instead of reusing unchanged parse results.
    #[arg(long)]
    pub no_cache: bool,
}

pub fn run(
    workspace: &Workspace,
    session: &GraphSession,
    printer: &Printer,
    args: FixBarrelsArgs,
) -> CmdResult {
    let _lock = if args.write {
        Some(workspace.write_lock(printer)?)
    } else {
        None
    };
    let request = FixBarrelsRequest {
        paths: args.paths,
        write: args.write,
        check: args.check,
        baseline: args.baseline,
        update_baseline: args.update_baseline,
        routes: args.route,
        use_cache: !args.no_cache,
    };
    match barrels::fix_barrels(session, &request, &printer.graph_observer())? {
        FixBarrels::BaselineUpdated { imports, path } => {
            printer.status(format!(
                "wrote {imports} barrel imports to {}",
                path.display()
            ));
            printer.json(&serde_json::json!({ "baseline": imports }));
            Ok(Status::Ok)
        }
        FixBarrels::Checked(checked) => {
            printer.fix_barrels_check(&checked);
            Ok(if checked.new.is_empty() {
                Status::Ok
            } else {
                Status::Failed
            })
        }
        FixBarrels::Planned(planned) => {
            printer.fix_barrels(&planned);
            Ok(Status::Ok)
        }
    }
}
