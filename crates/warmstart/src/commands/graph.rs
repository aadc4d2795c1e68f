//! `warmstart graph`: cycles per view with where to cut, `import type`
//! rewrites, shortest import paths and eager closures.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use clap::{Args, Subcommand, ValueEnum};
use miette::IntoDiagnostic;
use warmstart_graph::memo::{Memo, MemoCheck};
use warmstart_graph::report::{AnalysisOptions, analyse};
use warmstart_graph::{BuildOptions, DEFAULT_MAX_FILE_BYTES, ModuleGraph, View, format};

use crate::cli::{CmdResult, GlobalArgs, Status};
use crate::printer::{Paint, Printer};
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
    match cmd {
        GraphCommand::Cycles(args) => cycles(&workspace, printer, args),
        GraphCommand::FixTypes(args) => fix_types(&workspace, printer, args),
        GraphCommand::FixBarrels(args) => crate::commands::barrels::run(&workspace, printer, args),
        GraphCommand::Why(args) => why(&workspace, printer, args),
        GraphCommand::Closure(args) => closure(&workspace, printer, args),
        GraphCommand::Ready(args) => super::graph_ready::run(&workspace, printer, args),
    }
}

/// Builds the graph of `paths` (relative to the current folder, or to the
/// root when run elsewhere) and reports problems on stderr. With a cache,
/// unchanged files are not parsed again; its statistics come back for
/// `--json`.
pub fn load_graph(
    workspace: &Workspace,
    printer: &Printer,
    paths: &[PathBuf],
    use_cache: bool,
) -> (ModuleGraph, Vec<warmstart_cache::BucketStats>) {
    load_graph_with(workspace, printer, paths, &[], use_cache)
}

/// [`load_graph`], with files given on the command line that are modules
/// even where the walk does not find them (gitignored, outside `paths`).
pub fn load_graph_with(
    workspace: &Workspace,
    printer: &Printer,
    paths: &[PathBuf],
    entries: &[PathBuf],
    use_cache: bool,
) -> (ModuleGraph, Vec<warmstart_cache::BucketStats>) {
    let cwd = std::env::current_dir().unwrap_or_else(|_| workspace.root.clone());
    let root = std::fs::canonicalize(&workspace.root).unwrap_or_else(|_| workspace.root.clone());
    let mut options = BuildOptions::new(&root);
    options.paths = paths.iter().map(|p| absolute(&cwd, p)).collect();
    options.entries = entries
        .iter()
        .flat_map(|p| [absolute(&cwd, p), root.join(p)])
        .filter(|p| p.is_file())
        .collect();
    options.progress = !printer.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let (graph, stats) = if use_cache {
        let cache = warmstart_cache::Cache::open(&root, &workspace.config.cache);
        let events = printer.clone();
        cache.on_event(move |event| events.status(format!("warmstart: {event}")));
        let graph = warmstart_graph::cache::build_cached(&options, &cache);
        (graph, cache.run_stats())
    } else {
        (warmstart_graph::build(&options), Vec::new())
    };
    for warning in &graph.warnings {
        printer.status(format!("warning: {warning}"));
    }
    for p in &graph.problems {
        printer.status(format!(
            "{}: {}:{}:{}: {}",
            printer.paint("parse error", Paint::Yellow),
            p.file,
            p.line,
            p.column,
            p.message
        ));
    }
    (graph, stats)
}

fn absolute(cwd: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    }
}

/// The result cache of `cycles --json` and the key of this invocation, when
/// it applies: JSON output, no baseline, cache on.
fn result_memo(
    workspace: &Workspace,
    printer: &Printer,
    args: &CyclesArgs,
) -> Option<(Memo, u128)> {
    if !printer.json && args.format != FormatArg::Json
        || args.baseline.is_some()
        || args.scope.no_cache
    {
        return None;
    }
    let root = std::fs::canonicalize(&workspace.root).unwrap_or_else(|_| workspace.root.clone());
    let cache = warmstart_cache::Cache::open(&root, &workspace.config.cache);
    let dir = cache.dir()?;
    let cwd = std::env::current_dir().unwrap_or_else(|_| root.clone());
    let mut key = warmstart_cache::ContextHasher::new();
    key.str("graph cycles --json")
        .str(&args.max_cycles.to_string())
        .str(if args.unresolved { "unresolved" } else { "" })
        .str(&DEFAULT_MAX_FILE_BYTES.to_string());
    for path in &args.scope.paths {
        let abs = absolute(&cwd, path);
        let abs = std::fs::canonicalize(&abs).unwrap_or(abs);
        key.str(&warmstart_fs::to_unix_relative(&root, &abs).unwrap_or_default());
    }
    let granularity = Duration::from_millis(workspace.config.cache.mtime_granularity_ms);
    let memo = Memo::new(dir, &root, granularity, DEFAULT_MAX_FILE_BYTES);
    Some((memo, key.finish()))
}

fn memo_stats(hits: u64, misses: u64, reparsed: usize) -> serde_json::Value {
    serde_json::json!({
        "bucket": "graph-result-v1",
        "hits": hits,
        "misses": misses,
        "hitRate": if hits + misses == 0 { 0.0 } else { hits as f64 / (hits + misses) as f64 },
        "reparsed": reparsed,
    })
}

fn cycles(workspace: &Workspace, printer: &Printer, args: CyclesArgs) -> CmdResult {
    let started = Instant::now();
    let started_wall = SystemTime::now();
    let view: View = args.view.into();
    let memo = result_memo(workspace, printer, &args);
    if let Some((memo, key)) = &memo {
        match memo.check(*key) {
            MemoCheck::Hit { output, reparsed } => {
                let mut value: serde_json::Value =
                    serde_json::from_str(&output).into_diagnostic()?;
                let failed = value["views"][view.name()]["groups"]
                    .as_u64()
                    .is_some_and(|g| g > 0);
                if let Some(obj) = value.as_object_mut() {
                    obj.insert(
                        "cache".into(),
                        serde_json::json!([memo_stats(1, 0, reparsed)]),
                    );
                    obj.insert(
                        "timings_ms".into(),
                        serde_json::json!({ "total": started.elapsed().as_millis() as u64 }),
                    );
                }
                let text = serde_json::to_string_pretty(&value).into_diagnostic()?;
                println!("{text}");
                return Ok(if failed { Status::Failed } else { Status::Ok });
            }
            MemoCheck::Miss(reason) => printer.verbose(format!("graph result cache: {reason}")),
        }
    }
    let (graph, cache_stats) =
        load_graph(workspace, printer, &args.scope.paths, !args.scope.no_cache);
    let built = started.elapsed();
    let options = AnalysisOptions {
        max_cycles: args.max_cycles,
        details: true,
    };
    let report = analyse(&graph, options);
    let format = if printer.json {
        FormatArg::Json
    } else {
        args.format
    };
    let mut status = if report.views.get(view).groups > 0 {
        Status::Failed
    } else {
        Status::Ok
    };
    if let Some(file) = &args.baseline {
        let current = format::baseline_lines(&report, view);
        if args.update_baseline {
            let text = format::baseline_text(view, &current);
            warmstart_fs::write_if_changed(file, text.as_bytes()).into_diagnostic()?;
            printer.status(format!(
                "wrote {} cycle edges of the {} view to {}",
                current.len(),
                view.name(),
                file.display()
            ));
            status = Status::Ok;
        } else {
            let text = std::fs::read_to_string(file)
                .into_diagnostic()
                .map_err(|e| e.wrap_err(format!("cannot read baseline {}", file.display())))?;
            let known = format::parse_baseline(&text);
            let new: Vec<&String> = current.iter().filter(|l| !known.contains(*l)).collect();
            let gone = known.iter().filter(|l| !current.contains(*l)).count();
            for line in &new {
                printer.status(format!("new cycle edge: {line}"));
            }
            if gone > 0 {
                printer.status(format!(
                    "{gone} baseline edges are no longer on cycles: run --update-baseline to ratchet"
                ));
            }
            status = if new.is_empty() {
                Status::Ok
            } else {
                Status::Failed
            };
        }
    }
    let elapsed = started.elapsed();
    match format {
        FormatArg::Json => {
            let mut value = serde_json::to_value(&report).into_diagnostic()?;
            if let Some(obj) = value.as_object_mut() {
                obj.insert(
                    "problems".into(),
                    serde_json::to_value(&graph.problems).into_diagnostic()?,
                );
                obj.insert(
                    "unresolved".into(),
                    format::unresolved_json(&graph, args.unresolved),
                );
                if let Some((memo, key)) = &memo {
                    // Stored without the run's own figures (cache, timings).
                    let stored = serde_json::to_string(&obj).into_diagnostic()?;
                    memo.record(*key, &graph, &stored, started_wall);
                }
                let mut stats = serde_json::to_value(&cache_stats).into_diagnostic()?;
                if memo.is_some()
                    && let Some(list) = stats.as_array_mut()
                {
                    list.push(memo_stats(0, 1, 0));
                }
                obj.insert("cache".into(), stats);
                obj.insert(
                    "timings_ms".into(),
                    serde_json::json!({
                        "walk": graph.stats.walk_ms,
                        "parse": graph.stats.parse_ms,
                        "resolve": graph.stats.resolve_ms,
                        "build": built.as_millis() as u64,
                        "total": elapsed.as_millis() as u64,
                    }),
                );
            }
            // `--format json` without the global `--json` still prints.
            let text = serde_json::to_string_pretty(&value).into_diagnostic()?;
            println!("{text}");
        }
        FormatArg::Human => {
            if !printer.quiet {
                let text = format::human(&graph, &report, view, elapsed, printer.color);
                print!("{text}");
                if args.unresolved {
                    print!("{}", format::unresolved_human(&graph));
                }
            }
        }
        FormatArg::Dot => print!("{}", format::dot(&report, view)),
        FormatArg::Mermaid => print!("{}", format::mermaid(&report, view)),
        FormatArg::Sarif => {
            let value = format::sarif(&graph, &report, view);
            println!(
                "{}",
                serde_json::to_string_pretty(&value).into_diagnostic()?
            );
        }
    }
    Ok(status)
}

/// Finds a module by a path given on the command line (relative to the
/// current folder, or repo-relative).
fn module_index(workspace: &Workspace, graph: &ModuleGraph, given: &Path) -> miette::Result<u32> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| workspace.root.clone());
    let candidates = [absolute(&cwd, given), workspace.root.join(given)];
    for candidate in candidates {
        let candidate = std::fs::canonicalize(&candidate).unwrap_or(candidate);
        if let Some(rel) = warmstart_fs::to_unix_relative(&graph.root, &candidate)
            && let Some(i) = graph.find(&rel)
        {
            return Ok(i);
        }
    }
    Err(miette::miette!(
        help = "give an existing JS/TS file of the repository (not inside node_modules), relative to the current folder or the repository root",
        "{} is not a module of the graph",
        given.display()
    ))
}

fn why(workspace: &Workspace, printer: &Printer, args: WhyArgs) -> CmdResult {
    let entries = [args.from.clone(), args.to.clone()];
    let (graph, _) = load_graph_with(workspace, printer, &args.within, &entries, !args.no_cache);
    let from = module_index(workspace, &graph, &args.from)?;
    let to = module_index(workspace, &graph, &args.to)?;
    let view: View = args.view.into();
    let hops = warmstart_graph::query::why(&graph, view, from, to);
    printer.json(&serde_json::json!({ "view": view.name(), "path": hops }));
    match hops {
        Some(hops) => {
            printer.line(format!(
                "{} imports {} in {} step(s) ({} view):",
                graph.modules[from as usize].path,
                graph.modules[to as usize].path,
                hops.len().saturating_sub(1),
                view.name()
            ));
            for hop in &hops {
                match (&hop.line, &hop.specifier, hop.kind) {
                    (Some(line), Some(spec), Some(kind)) => printer.line(format!(
                        "  {}:{line}  imports \"{spec}\" ({kind})",
                        hop.file
                    )),
                    _ => printer.line(format!("  {}", hop.file)),
                }
            }
            Ok(Status::Ok)
        }
        None => {
            printer.line(format!(
                "{} does not import {} ({} view)",
                graph.modules[from as usize].path,
                graph.modules[to as usize].path,
                view.name()
            ));
            Ok(Status::Failed)
        }
    }
}

fn closure(workspace: &Workspace, printer: &Printer, args: ClosureArgs) -> CmdResult {
    if args.by_package {
        return first_page(workspace, printer, &args);
    }
    let entries = [args.entry.clone()];
    let (graph, _) = load_graph_with(workspace, printer, &args.within, &entries, !args.no_cache);
    let entry = module_index(workspace, &graph, &args.entry)?;
    let view: View = args.view.into();
    let closure = warmstart_graph::query::closure(&graph, view, entry, args.top);
    printer.json(&closure);
    printer.line(format!(
        "{} loads {} modules, {} bytes eagerly ({} view; import() excluded)",
        closure.entry,
        closure.modules,
        closure.bytes,
        view.name()
    ));
    printer.line("\nby folder:");
    for share in closure.by_folder.iter().take(args.top) {
        printer.line(format!(
            "  {:>10} bytes {:>6} modules  {}",
            share.bytes, share.modules, share.folder
        ));
    }
    printer.line("\nlargest modules:");
    for (path, bytes) in &closure.largest {
        printer.line(format!("  {bytes:>10} bytes  {path}"));
    }
    Ok(Status::Ok)
}

/// `closure ENTRY --by-package`: the first-page analysis.
fn first_page(workspace: &Workspace, printer: &Printer, args: &ClosureArgs) -> CmdResult {
    let root = std::fs::canonicalize(&workspace.root).unwrap_or_else(|_| workspace.root.clone());
    let entry = args.entry.to_string_lossy();
    printer.status(format!("warmstart: following {entry} into its packages…"));
    let bundler = args.bundler.map(|b| match b {
        BundlerArg::Webpack => warmstart_graph::firstpage::Bundler::Webpack,
        BundlerArg::Turbopack => warmstart_graph::firstpage::Bundler::Turbopack,
    });
    let mut report = warmstart_graph::firstpage::analyse_with(&root, &entry, args.top, bundler)
        .map_err(|e| {
            miette::miette!(
                help = "give a route such as /auth/login or a page file",
                "{e}"
            )
        })?;
    if let Some(file) = &args.write_suggestions {
        let list: Vec<serde_json::Value> = report
            .suggestions
            .iter()
            .filter(|s| {
                s.kind == "optimizePackageImports"
                    && s.saving as f64 >= args.min_saving / 100.0 * report.client.modules as f64
            })
            .map(
                |s| serde_json::json!({ "kind": s.kind, "package": s.package, "saving": s.saving }),
            )
            .collect();
        let text =
            serde_json::to_string_pretty(&serde_json::json!({ "version": 1, "suggestions": list }))
                .into_diagnostic()?;
        warmstart_fs::write_if_changed(file, format!("{text}\n").as_bytes()).into_diagnostic()?;
        printer.status(format!(
            "wrote {} suggestions to {}",
            list.len(),
            file.display()
        ));
    }
    if !args.list_modules {
        for layer in &mut report.layers {
            layer.list.clear();
        }
    }
    let edits = crate::commands::barrels::route_edits(workspace, printer, &root, &entry, &report)?;
    let mut value = serde_json::to_value(&report).into_diagnostic()?;
    if let (Some(obj), Some(edits)) = (value.as_object_mut(), &edits) {
        obj.insert("fix_barrels".into(), edits.clone());
    }
    printer.json(&value);
    printer.line(format!(
        "{}: client {} modules ({} bytes), server {} modules{}",
        report.entries.join(" + "),
        report.client.modules,
        report.client.bytes,
        report.server.modules,
        if report.node_modules {
            ""
        } else {
            " (no node_modules: workspace part only)"
        }
    ));
    if let Some(bundler) = report.bundler {
        printer.line(format!("bundler: {}", bundler.name()));
    }
    if let Some(route) = &report.route {
        printer.line(format!("app router ({}):", route.app_dir));
        for f in &route.files {
            let slot = f
                .slot
                .as_deref()
                .map(|s| format!(" {s}"))
                .unwrap_or_default();
            printer.line(format!("  {:<13} {}{slot}", f.kind, f.path));
        }
        if !route.client_boundaries.is_empty() {
            printer.line(format!(
                "  \"use client\" boundaries: {}",
                route.client_boundaries.join(", ")
            ));
        }
    }
    if !report.layers.is_empty() {
        let parts: Vec<String> = report
            .layers
            .iter()
            .map(|l| {
                let mut extra = Vec::new();
                if l.client_references > 0 {
                    extra.push(format!("{} client references", l.client_references));
                }
                if l.externals > 0 {
                    extra.push(format!("{} externals", l.externals));
                }
                if extra.is_empty() {
                    format!("{} {}", l.layer, l.modules)
                } else {
                    format!("{} {} ({})", l.layer, l.modules, extra.join(", "))
                }
            })
            .collect();
        printer.line(format!("layers: {}", parts.join(", ")));
    }
    if let Some(after) = &report.after_fix_barrels {
        printer.line(format!(
            "after `warmstart graph fix-barrels --write` ({} imports rewritten): client {} modules, server {} (predicted)",
            after.edits, after.client, after.server
        ));
    }
    printer.line("\nlargest groups:");
    for g in &report.groups {
        let via = if g.via.is_empty() {
            String::new()
        } else {
            format!("  via {}", g.via.join(" → "))
        };
        printer.line(format!(
            "  {:>6} {:<6} {}{via}",
            g.modules, g.side, g.package
        ));
    }
    printer.line("\nbarrel imports that cost the most (client modules only they bring):");
    for o in &report.offenders {
        printer.line(format!(
            "  {:>6}  {}:{}  {}{}",
            o.modules,
            o.file,
            o.line,
            o.specifier,
            if o.reexport { "  (re-export)" } else { "" }
        ));
        if let Some(direct) = &o.replace_with {
            printer.line(format!("          instead: {direct}"));
        }
    }
    printer.line("\nsuggestions (predicted saving is an upper bound):");
    for s in &report.suggestions {
        let what = match (&s.package, &s.file) {
            (Some(p), _) => format!("{}: \"{p}\"", s.kind),
            (_, Some(f)) => format!("{}: {f}:{}", s.kind, s.line.unwrap_or(0)),
            _ => s.kind.to_string(),
        };
        printer.line(format!("  -{:<6} {what} — {}", s.saving, s.why));
    }
    if let Some(edits) = &edits {
        crate::commands::barrels::print_route_edits(printer, edits);
    }
    Ok(Status::Ok)
}

fn fix_types(workspace: &Workspace, printer: &Printer, args: FixTypesArgs) -> CmdResult {
    let (graph, _) = load_graph(workspace, printer, &args.scope.paths, !args.scope.no_cache);
    let quick = AnalysisOptions {
        max_cycles: 0,
        details: false,
    };
    let before = analyse(&graph, quick);
    let plan = warmstart_graph::fix::plan(&graph);
    for s in &plan.skipped {
        printer.status(format!("skipped {}:{}: {}", s.path, s.line, s.reason));
    }
    let runtime_before = &before.views.runtime;
    if !args.write {
        if !printer.json {
            for file in &plan.files {
                print!("{}", warmstart_graph::fix::diff(file));
            }
        }
        let predicted = &before.views.runtime_semantic;
        printer.line(format!(
            "{} imports in {} files can become `import type`; runtime cycles would go from {} groups / {} files to {} groups / {} files (run with --write)",
            plan.rewrites(),
            plan.files.len(),
            runtime_before.groups,
            runtime_before.files_in_cycles,
            predicted.groups,
            predicted.files_in_cycles
        ));
        printer.json(&serde_json::json!({
            "written": false,
            "files": plan.files,
            "skipped": plan.skipped,
            "rewrites": plan.rewrites(),
            "runtime_before": { "groups": runtime_before.groups, "files_in_cycles": runtime_before.files_in_cycles },
            "runtime_predicted": { "groups": predicted.groups, "files_in_cycles": predicted.files_in_cycles },
        }));
        return Ok(Status::Ok);
    }
    for file in &plan.files {
        let path = graph.root.join(&file.path);
        warmstart_fs::write_if_changed(&path, file.after.as_bytes()).into_diagnostic()?;
    }
    // Build again from disk: re-parses every rewritten file and shows the
    // cycles that are left.
    let (after_graph, _) = load_graph(workspace, printer, &args.scope.paths, !args.scope.no_cache);
    let broken: Vec<&str> = plan
        .files
        .iter()
        .filter(|f| after_graph.problems.iter().any(|p| p.file == f.path))
        .map(|f| f.path.as_str())
        .collect();
    let after = analyse(&after_graph, quick);
    let runtime_after = &after.views.runtime;
    let still: std::collections::HashSet<&str> = runtime_after
        .group_list
        .iter()
        .flat_map(|g| g.files.iter().map(String::as_str))
        .collect();
    let dissolved: Vec<&warmstart_graph::report::Group> = runtime_before
        .group_list
        .iter()
        .filter(|g| g.files.iter().all(|f| !still.contains(f.as_str())))
        .collect();
    printer.line(format!(
        "rewrote {} imports in {} files; runtime cycles: {} groups / {} files → {} groups / {} files",
        plan.rewrites(),
        plan.files.len(),
        runtime_before.groups,
        runtime_before.files_in_cycles,
        runtime_after.groups,
        runtime_after.files_in_cycles
    ));
    for g in &dissolved {
        printer.line(format!(
            "  dissolved: {} files ({} …)",
            g.size,
            g.files.first().map_or("", String::as_str)
        ));
    }
    printer.json(&serde_json::json!({
        "written": true,
        "files": plan.files,
        "skipped": plan.skipped,
        "rewrites": plan.rewrites(),
        "reparse_errors": broken,
        "runtime_before": { "groups": runtime_before.groups, "files_in_cycles": runtime_before.files_in_cycles },
        "runtime_after": { "groups": runtime_after.groups, "files_in_cycles": runtime_after.files_in_cycles },
        "dissolved": dissolved.iter().map(|g| &g.files).collect::<Vec<_>>(),
    }));
    if broken.is_empty() {
        Ok(Status::Ok)
    } else {
        miette::bail!("rewritten files no longer parse: {}", broken.join(", "))
    }
}
