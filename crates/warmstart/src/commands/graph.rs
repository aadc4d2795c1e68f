//! `warmstart graph`: cycles per view with where to cut, `import type`
//! rewrites, shortest import paths and eager closures.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use warmstart_graph::check::{self, BaselineMode, CyclesOutput, CyclesRequest};
use warmstart_graph::fix_types::{self, FixTypes};
use warmstart_graph::route::{self, RouteRequest};
use warmstart_graph::session::GraphSession;
use warmstart_graph::{View, format, query};

use crate::cli::{CmdResult, GlobalArgs, Status};
use crate::printer::Printer;
use crate::settings::Workspace;

#[derive(Debug, Subcommand)]
pub enum GraphCommand {
    /// Import cycles per view (runtime, runtime_semantic, runtime_dynamic,
    /// static, all), with the edges to cut.
    #[command(after_help = "Examples:\n  warmstart graph cycles apps packages\n  \
                            warmstart graph cycles --json > cycles.json\n  \
                            warmstart graph cycles --format mermaid --view runtime_semantic\n  \
                            warmstart graph cycles --baseline .cycles-baseline --update-baseline")]
    Cycles(CyclesArgs),
    /// Rewrite value imports used only as types to `import type`.
    #[command(
        after_help = "Examples:\n  warmstart graph fix-types packages        print the diff\n  \
                            warmstart graph fix-types packages --write"
    )]
    FixTypes(FixTypesArgs),
    /// Rewrite imports of the repository's own barrels to the modules that
    /// define the names (or --check for barrel imports in CI).
    #[command(
        after_help = "Examples:\n  warmstart graph fix-barrels apps/web packages        print the diff\n  \
                            warmstart graph fix-barrels apps/web --write --route /auth/login\n  \
                            warmstart graph fix-barrels --check --baseline .barrels-baseline"
    )]
    FixBarrels(crate::commands::barrels::FixBarrelsArgs),
    /// The shortest import path from one file to another.
    #[command(
        after_help = "Example:\n  warmstart graph why apps/web/pages/_app.tsx packages/prisma/index.ts"
    )]
    Why(WhyArgs),
    /// Modules and bytes an entry loads eagerly (`import()` excluded).
    #[command(after_help = "Example:\n  warmstart graph closure apps/web/pages/_app.tsx")]
    Closure(ClosureArgs),
    /// What `next dev` compiles before Ready (instrumentation, middleware)
    /// per runtime and package, and the imports to make lazy.
    #[command(after_help = "Examples:\n  warmstart graph ready\n  \
                            warmstart graph ready apps/web --bundler turbopack --json\n  \
                            warmstart graph ready --write")]
    Ready(super::graph_ready::ReadyArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ScopeArgs {
    /// Folders or files to include (default: the whole repository).
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// Parse every file again instead of reusing unchanged parse results.
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ViewArg {
    Runtime,
    RuntimeSemantic,
    RuntimeDynamic,
    Static,
    All,
}

impl From<ViewArg> for View {
    fn from(v: ViewArg) -> View {
        match v {
            ViewArg::Runtime => View::Runtime,
            ViewArg::RuntimeSemantic => View::RuntimeSemantic,
            ViewArg::RuntimeDynamic => View::RuntimeDynamic,
            ViewArg::Static => View::Static,
            ViewArg::All => View::All,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Human,
    Json,
    Dot,
    Mermaid,
    Sarif,
}

#[derive(Debug, Args)]
pub struct CyclesArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// View shown in detail, drawn in dot/mermaid/sarif, and checked for the
    /// exit code and the baseline.
    #[arg(long, value_enum, default_value_t = ViewArg::Runtime)]
    pub view: ViewArg,
    /// Output format (`--json` is `--format json`).
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
    /// Stop enumerating elementary cycles of a view after this many.
    #[arg(long, default_value_t = 1_000, value_name = "N")]
    pub max_cycles: usize,
    /// Fail (exit 1) only for cycle edges not listed in FILE.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the current cycle edges to the baseline FILE.
    #[arg(long, requires = "baseline")]
    pub update_baseline: bool,
    /// List imports that did not resolve, grouped by reason.
    #[arg(long)]
    pub unresolved: bool,
}

#[derive(Debug, Args)]
pub struct FixTypesArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Write the rewrites (default: print a diff).
    #[arg(long)]
    pub write: bool,
}

#[derive(Debug, Args)]
pub struct WhyArgs {
    /// Importing file (repo-relative or a path).
    pub from: PathBuf,
    /// Imported file.
    pub to: PathBuf,
    /// Edges to follow.
    #[arg(long, value_enum, default_value_t = ViewArg::All)]
    pub view: ViewArg,
    /// Folders to build the graph of (default: the whole repository).
    #[arg(long = "in", value_name = "PATH")]
    pub within: Vec<PathBuf>,
    /// Parse every file again instead of reusing unchanged parse results.
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Args)]
pub struct ClosureArgs {
    /// Entry file.
    pub entry: PathBuf,
    /// Edges to follow (runtime: value + require, no `import()`).
    #[arg(long, value_enum, default_value_t = ViewArg::Runtime)]
    pub view: ViewArg,
    /// Folders to build the graph of (default: the whole repository).
    #[arg(long = "in", value_name = "PATH")]
    pub within: Vec<PathBuf>,
    /// Parse every file again instead of reusing unchanged parse results.
    #[arg(long)]
    pub no_cache: bool,
    /// How many of the largest modules to list.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// What a Next.js page compiles, client and server, per package, into
    /// node_modules when installed, with the barrel imports that blow it up
    /// and the settings and edits that cut it. ENTRY may be a route
    /// (`/auth/login`) or a page file. It follows every import a bundler
    /// compiles and reads no cache, so --view, --in and --no-cache are refused.
    #[arg(long, conflicts_with_all = ["view", "within", "no_cache"])]
    pub by_package: bool,
    /// With --by-package: write the suggestions as JSON for withWarmstart()
    /// (its `suggestions` option or WARMSTART_SUGGESTIONS=FILE).
    #[arg(long, value_name = "FILE", requires = "by_package")]
    pub write_suggestions: Option<PathBuf>,
    /// With --write-suggestions: write only entries predicted to save at
    /// least this percentage of the route's client modules (each entry
    /// costs Next a barrel analysis; small ones measured as no gain).
    #[arg(
        long,
        value_name = "PERCENT",
        default_value_t = 10.0,
        requires = "write_suggestions"
    )]
    pub min_saving: f64,
    /// With --by-package: predict for this bundler (default: from the web
    /// app's dev script, `next dev --turbopack` → turbopack).
    #[arg(long, value_enum, requires = "by_package")]
    pub bundler: Option<BundlerArg>,
    /// With --by-package --json: list every module per bundler layer, named
    /// as Turbopack names them (to compare with a dev server's chunks).
    #[arg(long, requires = "by_package")]
    pub list_modules: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum BundlerArg {
    Webpack,
    Turbopack,
}

pub fn run(global: &GlobalArgs, printer: &Printer, cmd: GraphCommand) -> CmdResult {
    let workspace = Workspace::load(global)?;
    let mut session = GraphSession::new(&workspace.root, workspace.config.cache.clone());
    session.progress = !printer.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
    session.one_shot = true;
    match cmd {
        GraphCommand::Cycles(args) => cycles(&session, printer, args),
        GraphCommand::FixTypes(args) => fix_types(&session, printer, args),
        GraphCommand::FixBarrels(args) => super::barrels::run(&workspace, &session, printer, args),
        GraphCommand::Why(args) => why(&session, printer, args),
        GraphCommand::Closure(args) => closure(&session, printer, args),
        GraphCommand::Ready(args) => super::graph_ready::run(&workspace, printer, args),
    }
}

fn status(failed: bool) -> Status {
    if failed { Status::Failed } else { Status::Ok }
}

fn cycles(session: &GraphSession, printer: &Printer, args: CyclesArgs) -> CmdResult {
    let view: View = args.view.into();
    let format = if printer.json {
        FormatArg::Json
    } else {
        args.format
    };
    let request = CyclesRequest {
        paths: args.scope.paths,
        use_cache: !args.scope.no_cache,
        view,
        max_cycles: args.max_cycles,
        unresolved: args.unresolved,
        json: format == FormatArg::Json,
        // Rendered (and stored, and answered from the result cache) by the
        // graph crate when it is what is printed.
        human: (format == FormatArg::Human && !printer.quiet).then_some(printer.color),
        baseline: args.baseline.map(|file| {
            if args.update_baseline {
                BaselineMode::Update(file)
            } else {
                BaselineMode::Check(file)
            }
        }),
    };
    let run = check::cycles(session, &request, &printer.graph_observer())?;
    if let Some(outcome) = &run.baseline {
        printer.cycles_baseline(outcome);
    }
    match (run.output, format) {
        // `--format json` without the global `--json` still prints.
        (CyclesOutput::Json(document), _) => {
            // Written as rendered: the answer is ~2 MB on Cal.com.
            let mut out = std::io::stdout().lock();
            let _ = document
                .write_pretty(&mut out)
                .and_then(|()| std::io::Write::write_all(&mut out, b"\n"));
            // The process exits next: freeing the document piece by piece
            // would only delay that (session.one_shot).
            std::mem::forget(document);
        }
        (CyclesOutput::Human(report), _) => printer.raw(report),
        (CyclesOutput::Analysed { graph, report }, format) => match format {
            // Only under `--quiet`: otherwise the report came back rendered
            // (`CyclesOutput::Human`), and JSON as its document.
            FormatArg::Human | FormatArg::Json => {}
            FormatArg::Dot => printer.raw(format::dot(&report, view)),
            FormatArg::Mermaid => printer.raw(format::mermaid(&report, view)),
            FormatArg::Sarif => printer.document(&format::sarif(&graph, &report, view)),
        },
    }
    Ok(status(run.failed))
}

fn why(session: &GraphSession, printer: &Printer, args: WhyArgs) -> CmdResult {
    let entries = [args.from.clone(), args.to.clone()];
    let observer = printer.graph_observer();
    let graph = session
        .load(&args.within, &entries, !args.no_cache, &observer)
        .graph;
    let from = session.module_index(&graph, &args.from)?;
    let to = session.module_index(&graph, &args.to)?;
    let view: View = args.view.into();
    let hops = query::why(&graph, view, from, to);
    printer.json(&serde_json::json!({ "view": view.name(), "path": hops }));
    printer.why(&graph, view.name(), from, to, hops.as_deref());
    Ok(status(hops.is_none()))
}

fn closure(session: &GraphSession, printer: &Printer, args: ClosureArgs) -> CmdResult {
    if args.by_package {
        return first_page(session, printer, args);
    }
    let entries = [args.entry.clone()];
    let observer = printer.graph_observer();
    let graph = session
        .load(&args.within, &entries, !args.no_cache, &observer)
        .graph;
    let entry = session.module_index(&graph, &args.entry)?;
    let view: View = args.view.into();
    let closure = query::closure(&graph, view, entry, args.top);
    printer.json(&closure);
    printer.closure(&closure, view.name(), args.top);
    Ok(Status::Ok)
}

/// `closure ENTRY --by-package`: the first-page analysis.
fn first_page(session: &GraphSession, printer: &Printer, args: ClosureArgs) -> CmdResult {
    let request = RouteRequest {
        route: args.entry.to_string_lossy().into_owned(),
        top: args.top,
        bundler: args.bundler.map(|b| match b {
            BundlerArg::Webpack => warmstart_graph::firstpage::Bundler::Webpack,
            BundlerArg::Turbopack => warmstart_graph::firstpage::Bundler::Turbopack,
        }),
        suggestions_file: args.write_suggestions,
        min_saving: args.min_saving,
        list_modules: args.list_modules,
    };
    printer.route(&route::by_package(
        session,
        &request,
        &printer.graph_observer(),
    )?);
    Ok(Status::Ok)
}

fn fix_types(session: &GraphSession, printer: &Printer, args: FixTypesArgs) -> CmdResult {
    let observer = printer.graph_observer();
    let paths = &args.scope.paths;
    match fix_types::fix_types(session, paths, !args.scope.no_cache, args.write, &observer)? {
        FixTypes::Planned(planned) => printer.fix_types_planned(&planned),
        FixTypes::Rewritten(rewritten) => {
            printer.fix_types_rewritten(&rewritten);
            rewritten.check()?;
        }
    }
    Ok(Status::Ok)
}
