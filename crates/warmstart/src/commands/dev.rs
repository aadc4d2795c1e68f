//! `warmstart dev`, `warmstart bench` and `warmstart report`: prepare and
//! start the dev server, measure it, and show the history of measurements.
//! The work happens in `warmstart-devserver`; this file turns flags and
//! config into a launch, wires the prepare steps of the other crates, and
//! prints.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use miette::IntoDiagnostic;
use warmstart_devserver::{
    DevConfig, DevError, Launch, Optimization, Optimizations, Readiness, RunRecord, Step,
    StepOutcome, bench, html, metrics, prepare, report, session, signals::Forwarder, summary,
    watch,
};
use warmstart_workspace::{Preset, RootError, find_root};

use crate::cli::{CmdResult, GlobalArgs, Status};
use crate::printer::{Paint, Printer};
use crate::settings::Workspace;

/// How the server is started and measured (shared by `dev` and `bench`).
#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// Regex on the server's output that means "ready" (default: Next.js's
    /// "Ready in" / "started server on").
    #[arg(long, value_name = "REGEX")]
    pub ready_pattern: Option<String>,
    /// Poll this URL until it answers instead of reading the output.
    #[arg(long, value_name = "URL")]
    pub ready_url: Option<String>,
    /// GET this URL once ready and time the complete response.
    #[arg(long, value_name = "URL")]
    pub first_page: Option<String>,
    /// After the first page, change FILE and poll the page URL until the
    /// response changes (the file is restored).
    #[arg(long, value_name = "FILE")]
    pub probe_hmr: Option<PathBuf>,
    /// The URL polled by --probe-hmr (default: the first page).
    #[arg(long, value_name = "URL")]
    pub hmr_url: Option<String>,
    /// Seconds to wait for readiness.
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<u64>,
    /// Exit 1 when a measured time is over its budget (`dev` then stops the
    /// server once measured).
    #[arg(long)]
    pub check_budget: bool,
    /// Do not append the runs to the history.
    #[arg(long)]
    pub no_history: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  warmstart dev                          prepare, then `yarn dev` (Cal.com)\n  \
    warmstart dev -- npx next dev -p 3001\n  \
    warmstart dev --first-page http://localhost:3000/ --check-budget\n  \
    warmstart dev --warm /auth/login        compile /auth/login once ready\n  \
    WARMSTART_DISABLE=assets warmstart dev  start without asset linking"
)]
pub struct DevArgs {
    #[command(flatten)]
    pub probe: ProbeArgs,
    /// Stop the server once it is measured (CI).
    #[arg(long)]
    pub exit_when_ready: bool,
    /// Do not watch the app store while the server runs.
    #[arg(long)]
    pub no_watch: bool,
    /// Request ROUTE in the background once the server is ready, so its
    /// compile has started before the browser asks (repeatable; default:
    /// `dev.warm.routes`, then the first route of the last session).
    #[arg(long, value_name = "ROUTE", conflicts_with = "no_warm")]
    pub warm: Vec<String>,
    /// Request no route in the background.
    #[arg(long)]
    pub no_warm: bool,
    /// The dev-server command (default from warmstart.json).
    #[arg(last = true)]
    pub command: Vec<String>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  warmstart bench --runs 5 -- npx next dev\n  \
    warmstart bench --vs 'npx next dev' --before 'rm -rf .next' -- npx next dev\n  \
    warmstart bench --json --runs 3 -- node server.js"
)]
pub struct BenchArgs {
    #[command(flatten)]
    pub probe: ProbeArgs,
    /// Measured runs.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Runs before the measured ones (not counted).
    #[arg(long, default_value_t = 0)]
    pub warmup: usize,
    /// Another command to compare with, run by run (started without
    /// warmstart's prepare phase).
    #[arg(long, value_name = "'OTHER CMD'")]
    pub vs: Option<String>,
    /// Folder the --vs command runs in (default: the current one); a
    /// relative --probe-hmr FILE is found there too.
    #[arg(long, value_name = "DIR")]
    pub vs_dir: Option<PathBuf>,
    /// Shell command run before every start, e.g. 'rm -rf .next'.
    #[arg(long, value_name = "'SHELL CMD'")]
    pub before: Option<String>,
    /// Skip the prepare phase (measure the command alone).
    #[arg(long)]
    pub no_prepare: bool,
    /// The command to start and measure.
    #[arg(last = true)]
    pub command: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Write a self-contained HTML page with charts to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// How many recent runs to show.
    #[arg(long, default_value_t = 30)]
    pub last: usize,
    /// Read this history file instead of the repository's.
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
}

/// The repository (when there is one) and the resolved `dev` section.
struct Context {
    workspace: Option<Workspace>,
    config: DevConfig,
    optimizations: Optimizations,
}

impl Context {
    fn load(global: &GlobalArgs) -> miette::Result<Context> {
        // Outside any repository, dev and bench still run and measure.
        if global.root.is_none() {
            let cwd = std::env::current_dir().into_diagnostic()?;
            if let Err(RootError::NotFound { .. }) = find_root(&cwd) {
                return Self::with(None, DevConfig::preset(Preset::Generic));
            }
        }
        let ws = Workspace::load(global)?;
        let config = ws.config.dev.clone();
        Self::with(Some(ws), config)
    }

    fn with(workspace: Option<Workspace>, config: DevConfig) -> miette::Result<Context> {
        let disable = std::env::var("WARMSTART_DISABLE").unwrap_or_default();
        let optimizations = config.optimizations.disable_from(&disable)?;
        Ok(Context {
            workspace,
            config,
            optimizations,
        })
    }

    fn root(&self) -> Option<&Path> {
        self.workspace.as_ref().map(|w| w.root.as_path())
    }

    fn history(&self) -> Option<PathBuf> {
        self.root().map(metrics::history_path)
    }

    /// The command and its folder: from the command line (run where the
    /// user is), else from config (run at the root or `dev.cwd`).
    fn command(&self, given: &[String]) -> miette::Result<(Vec<String>, PathBuf)> {
        let cwd = std::env::current_dir().into_diagnostic()?;
        if !given.is_empty() {
            return Ok((given.to_vec(), cwd));
        }
        if self.config.command.is_empty() {
            return Err(DevError::NoCommand.into());
        }
        let base = self.root().map_or(cwd, Path::to_path_buf);
        let dir = match &self.config.cwd {
            Some(sub) => base.join(sub),
            None => base,
        };
        Ok((self.config.command.clone(), dir))
    }

    fn launch(
        &self,
        command: Vec<String>,
        cwd: PathBuf,
        p: &ProbeArgs,
        echo: bool,
    ) -> miette::Result<Launch> {
        let pattern = p
            .ready_pattern
            .as_deref()
            .unwrap_or(&self.config.ready_pattern);
        let ready_url = p.ready_url.as_deref().or(self.config.ready_url.as_deref());
        let first_page_url = p.first_page.clone().or(self.config.first_page_url.clone());
        let hmr = match &p.probe_hmr {
            Some(file) => {
                let url = p
                    .hmr_url
                    .clone()
                    .or(first_page_url.clone())
                    .ok_or_else(|| {
                        miette::miette!(
                            help = "pass --first-page URL or --hmr-url URL",
                            "--probe-hmr needs a URL to poll"
                        )
                    })?;
                if !file.is_file() {
                    miette::bail!("--probe-hmr {}: no such file", file.display());
                }
                Some((std::path::absolute(file).into_diagnostic()?, url))
            }
            None => None,
        };
        Ok(Launch {
            command,
            cwd,
            readiness: Readiness::new(pattern, ready_url)?,
            timeout: Duration::from_secs(p.timeout.unwrap_or(self.config.ready_timeout_secs)),
            echo,
            first_page_url,
            hmr,
        })
    }

    /// The prepare steps of the repository's preset, in the order they run.
    fn steps(&self) -> Vec<Step> {
        match &self.workspace {
            Some(ws) => prepare_steps(ws),
            None => Vec::new(),
        }
    }

    fn record(&self, global_printer: &Printer, record: &RunRecord, no_history: bool) {
        if no_history {
            return;
        }
        if let Some(path) = self.history()
            && let Err(e) = metrics::append(&path, record, self.config.history_limit)
        {
            global_printer.status(format!("warning: {e}"));
        }
    }
}

/// The steps other crates provide. Each is a closure so `dev` can re-run
/// it when a watched folder changes.
fn prepare_steps(ws: &Workspace) -> Vec<Step> {
    let mut steps = Vec::new();
    if !ws.config.assets.rules.is_empty() {
        let root = ws.root.clone();
        let config = ws.config.assets.clone();
        steps.push(Step::new("assets", Optimization::Assets, move |_| {
            assets_step(&root, &config)
        }));
    }
    if !ws.config.apps.registries.is_empty() {
        let ws = ws.clone();
        steps.push(Step::new("apps", Optimization::Apps, move |on| {
            apps_step(&ws, on.enabled(Optimization::Cache))
        }));
    }
    steps
}

/// `apps build`: regenerates the app-store registries natively (what
/// app-store-cli did through ts-node). Files whose bytes are unchanged are
/// not touched, so the dev server does not recompile. With the `cache`
/// optimization on, the no-change stamp of `apps build` answers first: a
/// hit skips the build; the hit rate counts these lookups. Off, every run
/// builds.
fn apps_step(ws: &Workspace, use_cache: bool) -> Result<StepOutcome, String> {
    let (root, config) = (ws.root.as_path(), &ws.config.apps);
    let mode = if config.lazy {
        super::apps::Mode::Lazy
    } else {
        super::apps::Mode::Compat
    };
    let real_env = |name: &str| std::env::var(name).ok();
    let stamp = if use_cache {
        super::apps::stamp_setup(ws, mode)
    } else {
        None
    };
    if let Some((file, key, _)) = &stamp
        && let Some(fresh) = warmstart_appstore::stamp::fresh(file, *key, &real_env)
    {
        return Ok(StepOutcome {
            summary: format!(
                "{} apps, {} registries, nothing changed (cache hit)",
                fresh.apps,
                fresh.files.len()
            ),
            cache: Some((1, 0)),
        });
    }
    let log = warmstart_appstore::stamp::EnvLog::default();
    let env = |key: &str| log.read(&real_env, key);
    let build = warmstart_appstore::Build::new(root, config);
    // `apps.lazy`: the lazy registries and route shards, as `apps build
    // --mode lazy` makes them (recorded in its manifest for `apps clean`).
    let output = if config.lazy {
        build.run_lazy(&env)
    } else {
        build.run(&env)
    }
    .map_err(|e| e.to_string())?;
    let report = warmstart_appstore::write(&output).map_err(|e| e.to_string())?;
    if config.lazy {
        let lazy: Vec<String> = output
            .files
            .iter()
            .skip(config.registries.len())
            .map(|f| f.path.clone())
            .collect();
        warmstart_appstore::manifest::record(root, &config.dir, &lazy)
            .map_err(|e| e.to_string())?;
    }
    let changed = report
        .iter()
        .filter(|(_, s)| *s != warmstart_appstore::FileStatus::Unchanged)
        .count();
    if let Some((file, key, granularity)) = &stamp {
        // A failed or refused stamp only means the next run builds again.
        let _ = warmstart_appstore::stamp::record(file, *key, &output, &log, *granularity);
    }
    Ok(StepOutcome {
        summary: format!(
            "{} apps, {} registries, {changed} rewritten",
            output.apps,
            report.len()
        ),
        cache: use_cache.then_some((0, 1)),
    })
}

/// `assets setup`: links app statics into `public/` (what CopyWebpackPlugin
/// copied on every compile). Destinations found already right are work
/// skipped, not cache lookups: the summary line says how many.
fn assets_step(
    root: &Path,
    config: &warmstart_assets::AssetsConfig,
) -> Result<StepOutcome, String> {
    let assets = warmstart_assets::Assets::new(root, config).map_err(|e| e.to_string())?;
    let report = assets
        .setup(&warmstart_assets::SetupOptions {
            mode: config.mode,
            force: false,
            lazy: false,
            linker: &warmstart_assets::FsLinker,
            progress: &|_, _| {},
        })
        .map_err(|e| e.to_string())?;
    let modes: Vec<String> = report
        .modes
        .iter()
        .map(|(m, n)| format!("{} {n}", m.name()))
        .collect();
    let mut summary = format!(
        "{} assets ({}), {} made, {} already right",
        report.assets,
        modes.join(", "),
        report.created.len(),
        report.kept
    );
    let problems = report.conflicts.len() + report.failed.len();
    if problems > 0 {
        summary.push_str(&format!(
            ", {problems} problem(s): run `warmstart assets validate`"
        ));
    }
    Ok(StepOutcome::new(summary))
}

/// Which optimizations are on, or that there is nothing to prepare.
fn on_text(ctx: &Context, steps: &[Step]) -> String {
    if steps.is_empty() {
        "nothing to prepare".to_string()
    } else {
        format!("optimizations: {}", ctx.optimizations.describe())
    }
}

/// A warning the user must act on (the statics copy still runs).
fn warn_red(printer: &Printer, w: &str) {
    printer.status(format!(
        "{} {}: {w}",
        tag(printer),
        printer.paint("warning", Paint::Red)
    ));
}

fn tag(printer: &Printer) -> String {
    printer.paint("warmstart", Paint::Bold)
}

fn print_steps(printer: &Printer, timings: &[prepare::StepTiming]) {
    for t in timings {
        let state = if t.ok {
            printer.paint("ok", Paint::Green)
        } else {
            printer.paint("failed", Paint::Red)
        };
        printer.status(format!(
            "  {:<10} {:>9}  {state}  {}",
            t.name,
            metrics::Unit::Ms.format(t.ms),
            t.summary
        ));
    }
}

fn over_budget_text(over: &[metrics::OverBudget]) -> String {
    over.iter()
        .map(|o| {
            format!(
                "{} {} > {}",
                o.metric,
                metrics::Unit::Ms.format(o.value_ms),
                metrics::Unit::Ms.format(o.budget_ms as f64)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Ends the process with `code` (the server's exit code, which `Status`
/// cannot carry).
fn exit_with(code: i32) -> ! {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    std::process::exit(code)
}

fn fail(printer: &Printer, e: DevError) -> ! {
    let code = e.exit_code();
    printer.error(&miette::Report::new(e));
    exit_with(code)
}

pub fn run_dev(global: &GlobalArgs, printer: &Printer, args: DevArgs) -> CmdResult {
    let ctx = Context::load(global)?;
    let (command, cwd) = ctx.command(&args.command)?;
    let launch = ctx.launch(command.clone(), cwd, &args.probe, !printer.json)?;
    let mut steps = ctx.steps();
    let where_ = match &ctx.workspace {
        Some(ws) => format!("{} preset", ws.preset.name()),
        None => "outside a repository: running the command as is".to_string(),
    };
    printer.status(format!(
        "{} dev · {where_} · {}",
        tag(printer),
        on_text(&ctx, &steps)
    ));
    let signals = Forwarder::install().into_diagnostic()?;
    let t0 = Instant::now();
    let (mut preflight, now) =
        super::dev_extras::Preflight::start(ctx.workspace.as_ref(), args.command.is_empty());
    for w in now {
        printer.status(format!("{} warning: {w}", tag(printer)));
    }
    let timings = prepare::run_steps(&mut steps, &ctx.optimizations);
    if steps.is_empty() {
        printer.verbose("  nothing to prepare");
    }
    print_steps(printer, &timings);
    let prepare_ms = prepare::ms(t0.elapsed());
    if let Some(sig) = signals.received() {
        printer.status(format!(
            "{} interrupted by {} before start",
            tag(printer),
            sig.as_str()
        ));
        exit_with(130);
    }
    // A remembered verdict is there in a few milliseconds; a fresh probe
    // (a child node loading next.config) is not waited for: its warning
    // comes once the server is ready.
    let warn_preflight = |p: &mut super::dev_extras::Preflight, wait: Duration| {
        if let Some(w) = p.take(wait) {
            warn_red(printer, &w);
        }
    };
    warn_preflight(&mut preflight, Duration::from_millis(100));
    printer.status(format!("{} starting `{}`", tag(printer), display(&command)));
    let mut started = match session::start(&launch, Some(&signals)) {
        Ok(s) => s,
        Err(DevError::Exited { exit: 0, .. }) => {
            printer.status(format!(
                "{} the command exited (code 0) without becoming ready",
                tag(printer)
            ));
            return Ok(Status::Ok);
        }
        Err(e) => fail(printer, e),
    };
    for w in &started.warnings {
        printer.status(format!("{} warning: {w}", tag(printer)));
    }
    let git = ctx.root().and_then(metrics::git_revision);
    let record = session::record(
        "dev",
        &command,
        &timings,
        prepare_ms,
        &started,
        &ctx.optimizations,
        git,
    );
    ctx.record(printer, &record, args.probe.no_history);
    let budgets = &ctx.config.budgets;
    printer.status(format!(
        "{} {}",
        tag(printer),
        printer.paint("ready", Paint::Green)
    ));
    for line in summary::ready_summary(&record, budgets, launch.first_page_url.as_deref()) {
        printer.status(line);
    }
    printer.json(&record);
    let over = metrics::check_budgets(&record, budgets);
    let measuring = args.probe.check_budget || args.exit_when_ready;
    warn_preflight(
        &mut preflight,
        if measuring {
            Duration::from_secs(30)
        } else {
            Duration::ZERO
        },
    );
    if measuring {
        started.process.stop(Duration::from_secs(10));
        if args.probe.check_budget && !over.is_empty() {
            printer.status(format!(
                "{} {}: {}",
                tag(printer),
                printer.paint("over budget", Paint::Red),
                over_budget_text(&over)
            ));
            return Ok(Status::Failed);
        }
        return Ok(Status::Ok);
    }
    let watcher = match (&ctx.workspace, args.no_watch || steps.is_empty()) {
        (Some(ws), false) if !ctx.config.watch.is_empty() => {
            let folders: Vec<PathBuf> = ctx.config.watch.iter().map(|w| ws.root.join(w)).collect();
            let (w, missing) =
                watch::watch(&folders, Duration::from_millis(ctx.config.debounce_ms))?;
            for m in missing {
                printer.status(format!(
                    "{} not watching {} (missing)",
                    tag(printer),
                    m.display()
                ));
            }
            printer.status(format!("  watching    {}", ctx.config.watch.join(", ")));
            Some(w)
        }
        _ => None,
    };
    let mut warming = super::dev_extras::Warming::start(
        ctx.root(),
        &ctx.config,
        &args.warm,
        args.no_warm,
        &started,
        &[
            launch.first_page_url.as_deref(),
            args.probe.ready_url.as_deref(),
        ],
        t0,
    );
    if let Some(w) = &warming.warmer {
        printer.status(format!("  warming     {}", w.planned.join(", ")));
    }
    let mut session = Session {
        started: &mut started,
        warming: &mut warming,
        preflight: &mut preflight,
        at: record.timestamp.clone(),
    };
    serve(
        printer,
        &ctx,
        &mut session,
        &mut steps,
        watcher.as_ref(),
        &signals,
    )
}

/// The running server and what goes on beside it.
struct Session<'a> {
    started: &'a mut warmstart_devserver::Started,
    warming: &'a mut super::dev_extras::Warming,
    preflight: &'a mut super::dev_extras::Preflight,
    /// When the session started (the run record's timestamp).
    at: String,
}

impl Session<'_> {
    /// Prints what happened beside the server since the last call.
    fn tick(&mut self, printer: &Printer) {
        self.started.read_log();
        for line in self.warming.poll() {
            printer.status(format!("{} {line}", tag(printer)));
        }
        if let Some(w) = self.preflight.take(Duration::ZERO) {
            warn_red(printer, &w);
        }
    }

    /// Records the session's routes, then ends with the server's code.
    fn exit(&mut self, printer: &Printer, code: i32) -> ! {
        self.started.read_log();
        self.warming
            .remember(printer, &self.started.log.routes, &self.at);
        exit_with(code)
    }
}

/// Keeps the server running: re-runs the prepare steps on changes, and
/// ends with the server's exit code.
fn serve(
    printer: &Printer,
    ctx: &Context,
    session: &mut Session,
    steps: &mut [Step],
    watcher: Option<&watch::Watcher>,
    signals: &Forwarder,
) -> CmdResult {
    let mut signalled: Option<Instant> = None;
    loop {
        session.tick(printer);
        if let Some(status) = session.started.process.try_wait() {
            session.started.process.wait();
            session.exit(printer, warmstart_devserver::process::exit_code(status));
        }
        if signals.received().is_some() {
            // The signal was forwarded; give the server time to shut down.
            let at = *signalled.get_or_insert_with(Instant::now);
            if at.elapsed() > Duration::from_secs(10) {
                let status = session.started.process.stop(Duration::from_secs(5));
                session.exit(printer, warmstart_devserver::process::exit_code(status));
            }
        }
        let Some(w) = watcher else {
            std::thread::sleep(Duration::from_millis(50));
            continue;
        };
        if let Ok(change) = w.changes.recv_timeout(Duration::from_millis(50)) {
            let latency = change.at.elapsed();
            let timings = prepare::run_steps(steps, &ctx.optimizations);
            let total: f64 = timings.iter().map(|t| t.ms).sum();
            printer.status(format!(
                "{} {} changed → prepare re-ran in {} (started {} after the change settled)",
                tag(printer),
                plural(change.paths.len(), "file"),
                metrics::Unit::Ms.format(total),
                metrics::Unit::Ms.format(prepare::ms(latency)),
            ));
            if printer.verbose > 0 {
                print_steps(printer, &timings);
            }
        }
    }
}

/// The command as a shell would need it typed (arguments with spaces or
/// quotes single-quoted).
fn display(command: &[String]) -> String {
    command
        .iter()
        .map(|a| {
            if a.is_empty() || a.contains([' ', '\'', '"', '$', ';', '&', '|']) {
                format!("'{}'", a.replace('\'', r"'\''"))
            } else {
                a.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `--vs` runs through `sh -c`; a simple command is `exec`ed so the
/// measured process itself leads the process group.
fn shell_command(cmd: &str) -> String {
    if cmd.contains(['&', ';', '|', '\n', '(', '`']) || cmd.trim_start().starts_with("cd ") {
        cmd.to_string()
    } else {
        format!("exec {cmd}")
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

pub fn run_bench(global: &GlobalArgs, printer: &Printer, args: BenchArgs) -> CmdResult {
    let ctx = Context::load(global)?;
    if args.runs == 0 {
        miette::bail!("--runs must be at least 1");
    }
    let (command, cwd) = ctx.command(&args.command)?;
    let echo = printer.verbose > 0 && !printer.json;
    let main = ctx.launch(command, cwd.clone(), &args.probe, echo)?;
    let other = args.vs.as_ref().map(|cmd| {
        let mut other = Launch {
            command: vec!["sh".into(), "-c".into(), shell_command(cmd)],
            cwd: args.vs_dir.clone().unwrap_or_else(|| cwd.clone()),
            ..main.clone()
        };
        // The same file, in the other command's folder.
        if let (Some((_, url)), Some(rel), Some(dir)) =
            (&main.hmr, &args.probe.probe_hmr, &args.vs_dir)
            && rel.is_relative()
        {
            other.hmr = Some((dir.join(rel), url.clone()));
        }
        other
    });
    let mut steps = if args.no_prepare {
        Vec::new()
    } else {
        ctx.steps()
    };
    let signals = Forwarder::install().into_diagnostic()?;
    printer.status(format!(
        "{} bench · {} run(s){} · {}",
        tag(printer),
        args.runs,
        if args.warmup > 0 {
            format!(" after {} warmup", args.warmup)
        } else {
            String::new()
        },
        on_text(&ctx, &steps)
    ));
    let plan = bench::Plan {
        main,
        other,
        runs: args.runs,
        warmup: args.warmup,
        before: args.before.clone(),
        steps: &mut steps,
        optimizations: ctx.optimizations,
        git_revision: ctx.root().and_then(metrics::git_revision),
    };
    let mut records = Vec::new();
    let result = bench::run(plan, Some(&signals), &mut |p| match p {
        bench::Progress::Run {
            index,
            warmup,
            which,
            record,
        } => {
            printer.status(format!(
                "  run {:>2}{} {:<4} ready {:>9}{}",
                index + 1,
                if warmup { " (warmup)" } else { "" },
                which,
                metrics::Unit::Ms.format(record.startup_time),
                record
                    .first_page_load
                    .map(|v| format!("  first page {}", metrics::Unit::Ms.format(v)))
                    .unwrap_or_default()
                    + &record
                        .hot_reload
                        .map(|v| format!("  hot reload {}", metrics::Unit::Ms.format(v)))
                        .unwrap_or_default()
            ));
            if !warmup {
                records.push(record.clone());
            }
        }
        bench::Progress::Warning(w) => printer.status(format!("  warning: {w}")),
    });
    let result = match result {
        Ok(r) => r,
        Err(e) => fail(printer, e),
    };
    if !args.probe.no_history {
        for r in &records {
            ctx.record(printer, r, false);
        }
    }
    printer.line(&result.main.command);
    if let Some(vs) = &result.vs {
        printer.line(format!("vs: {}", vs.command));
    }
    printer.line(summary::bench_table(&result));
    printer.json(&result);
    if args.probe.check_budget {
        let medians = RunRecord {
            startup_time: result
                .main
                .median
                .get("startupTime")
                .copied()
                .unwrap_or(0.0),
            first_page_load: result.main.median.get("firstPageLoad").copied(),
            hot_reload: result.main.median.get("hotReload").copied(),
            ..RunRecord::default()
        };
        let over = metrics::check_budgets(&medians, &ctx.config.budgets);
        if !over.is_empty() {
            printer.status(format!(
                "over budget (medians): {}",
                over_budget_text(&over)
            ));
            return Ok(Status::Failed);
        }
    }
    Ok(Status::Ok)
}

pub fn run_report(global: &GlobalArgs, printer: &Printer, args: ReportArgs) -> CmdResult {
    let (path, budgets) = match &args.history {
        Some(p) => (p.clone(), DevConfig::default().budgets),
        None => {
            let ws = Workspace::load(global)?;
            (
                metrics::history_path(&ws.root),
                ws.config.dev.budgets.clone(),
            )
        }
    };
    let (records, bad) = metrics::read(&path)?;
    if bad > 0 {
        printer.status(format!(
            "{} skipped {bad} unreadable line(s) in {}",
            tag(printer),
            path.display()
        ));
    }
    if records.is_empty() {
        printer.status(format!(
            "no runs recorded yet in {} (run `warmstart dev` or `warmstart bench`)",
            path.display()
        ));
        printer.json(&serde_json::json!({ "history": path, "runs": [] }));
        return Ok(Status::Ok);
    }
    let recent = &records[records.len().saturating_sub(args.last)..];
    printer.line(report::table(recent, args.last));
    if let Some(out) = &args.html {
        let page = html::page(recent, &budgets, "warmstart: dev server runs", args.last);
        warmstart_fs::atomic_write(out, page.as_bytes()).into_diagnostic()?;
        printer.status(format!("{} wrote {}", tag(printer), out.display()));
    }
    printer.json(&serde_json::json!({ "history": path, "runs": recent }));
    Ok(Status::Ok)
}

/// The `warmstart demo` step: starts a stand-in server in the sample,
/// measures it, records the run and writes the HTML report next to it.
pub fn demo(dir: &Path) -> miette::Result<String> {
    let launch = Launch {
        command: vec![
            "sh".into(),
            "-c".into(),
            "sleep 0.1; echo 'Ready in 100ms'; exec sleep 30".into(),
        ],
        cwd: dir.to_path_buf(),
        readiness: Readiness::new(warmstart_devserver::DEFAULT_READY_PATTERN, None)?,
        timeout: Duration::from_secs(10),
        echo: false,
        first_page_url: None,
        hmr: None,
    };
    let mut started = session::start(&launch, None)?;
    let on = Optimizations::default();
    let record = session::record("demo", &launch.command, &[], 0.0, &started, &on, None);
    started.process.stop(Duration::from_secs(5));
    let history = metrics::history_path(dir);
    metrics::append(&history, &record, 100)?;
    let (runs, _) = metrics::read(&history)?;
    let page = dir.join("dev-report.html");
    let text = html::page(&runs, &DevConfig::default().budgets, "warmstart demo", 30);
    warmstart_fs::atomic_write(&page, text.as_bytes()).into_diagnostic()?;
    Ok(format!(
        "stand-in server ready in {}, history + dev-report.html written",
        metrics::Unit::Ms.format(record.startup_time)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_display_and_vs_shell() {
        let cmd = ["sh", "-c", "echo 'Ready in 1ms'; sleep 5"].map(String::from);
        assert_eq!(
            display(&cmd),
            r#"sh -c 'echo '\''Ready in 1ms'\''; sleep 5'"#
        );
        assert_eq!(shell_command("npx next dev"), "exec npx next dev");
        assert_eq!(shell_command("cd web && next dev"), "cd web && next dev");
    }
}
