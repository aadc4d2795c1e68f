//! `warmstart dev`, `warmstart bench` and `warmstart report`: prepare and
//! start the dev server, measure it, and show the history of measurements.
//! The work happens in `warmstart-devserver` (start, measure, serve); the
//! settings come from [`DevSettings`], the prepare steps from
//! `dev_prepare`, `bench` and `report` live in `dev_bench`; this file
//! prints.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;
use miette::IntoDiagnostic;
use warmstart_devserver::serve::{self, Event};
use warmstart_devserver::watch::{self, Watcher};
use warmstart_devserver::{
    DevError, Launch, RunRecord, Started, Step, metrics, prepare, session, signals::Forwarder,
    summary,
};

use super::dev_extras::{Preflight, Warming};
use super::dev_print::{
    display, exit_with, fail, on_text, over_budget_text, plural, print_steps, tag, warn_red,
};
use crate::cli::{CmdResult, GlobalArgs, Status};
use crate::printer::{Paint, Printer};
use crate::settings::DevSettings;

pub use super::dev_bench::{BenchArgs, ReportArgs, demo, run_bench, run_report};

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

pub fn run_dev(global: &GlobalArgs, printer: &Printer, args: DevArgs) -> CmdResult {
    let dev = DevSettings::load(global)?;
    let (command, cwd) = dev.command(&args.command)?;
    let launch = dev.launch(command.clone(), cwd, &args.probe, !printer.json)?;
    let mut steps = dev.steps();
    let where_ = match &dev.workspace {
        Some(ws) => format!("{} preset", ws.preset.name()),
        None => "outside a repository: running the command as is".to_string(),
    };
    printer.status(format!(
        "{} dev · {where_} · {}",
        tag(printer),
        on_text(&dev, &steps)
    ));
    let signals = Forwarder::install().into_diagnostic()?;
    let t0 = Instant::now();
    let (mut preflight, now) = Preflight::start(dev.workspace.as_ref(), args.command.is_empty());
    for w in now {
        printer.status(format!("{} warning: {w}", tag(printer)));
    }
    let timings = prepare::run_steps(&mut steps, &dev.optimizations);
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
    warn_preflight(printer, &mut preflight, Duration::from_millis(100));
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
    let git = dev.root().and_then(metrics::git_revision);
    let record = session::record(
        "dev",
        &command,
        &timings,
        prepare_ms,
        &started,
        &dev.optimizations,
        git,
    );
    dev.record(printer, &record, args.probe.no_history);
    let ready = Ready {
        dev: &dev,
        args: &args,
        launch: &launch,
        record: &record,
        t0,
    };
    ready.go(printer, &mut started, &mut preflight, &mut steps, &signals)
}

/// `dev` once the server is ready.
struct Ready<'a> {
    dev: &'a DevSettings,
    args: &'a DevArgs,
    launch: &'a Launch,
    record: &'a RunRecord,
    t0: Instant,
}

impl Ready<'_> {
    /// Prints the summary, then stops a measured server or serves.
    fn go(
        &self,
        printer: &Printer,
        started: &mut Started,
        preflight: &mut Preflight,
        steps: &mut [Step],
        signals: &Forwarder,
    ) -> CmdResult {
        let budgets = &self.dev.config.budgets;
        printer.status(format!(
            "{} {}",
            tag(printer),
            printer.paint("ready", Paint::Green)
        ));
        let first_page = self.launch.first_page_url.as_deref();
        for line in summary::ready_summary(self.record, budgets, first_page) {
            printer.status(line);
        }
        printer.json(self.record);
        let over = metrics::check_budgets(self.record, budgets);
        let probe = &self.args.probe;
        let measuring = probe.check_budget || self.args.exit_when_ready;
        let wait = if measuring {
            Duration::from_secs(30)
        } else {
            Duration::ZERO
        };
        warn_preflight(printer, preflight, wait);
        if !measuring {
            return self.serve(printer, started, preflight, steps, signals);
        }
        started.process.stop(Duration::from_secs(10));
        if probe.check_budget && !over.is_empty() {
            printer.status(format!(
                "{} {}: {}",
                tag(printer),
                printer.paint("over budget", Paint::Red),
                over_budget_text(&over)
            ));
            return Ok(Status::Failed);
        }
        Ok(Status::Ok)
    }

    /// Keeps the server running (the loop is the library's), then records
    /// the session's routes and ends with the server's exit code.
    fn serve(
        &self,
        printer: &Printer,
        started: &mut Started,
        preflight: &mut Preflight,
        steps: &mut [Step],
        signals: &Forwarder,
    ) -> CmdResult {
        let watcher = self.watcher(printer, steps.is_empty())?;
        let urls = [
            self.launch.first_page_url.as_deref(),
            self.args.probe.ready_url.as_deref(),
        ];
        let (dev, args) = (self.dev, self.args);
        let mut warming = Warming::start(
            dev.root(),
            &dev.config,
            &args.warm,
            args.no_warm,
            started,
            &urls,
            self.t0,
        );
        if let Some(w) = &warming.warmer {
            printer.status(format!("  warming     {}", w.planned.join(", ")));
        }
        let on = &dev.optimizations;
        let outcome = serve::serve(started, steps, on, watcher.as_ref(), signals, |event| {
            on_event(printer, &mut warming, preflight, event)
        });
        warming.remember(printer, &started.log.routes, &self.record.timestamp);
        exit_with(outcome.exit_code())
    }

    /// The watcher of `dev.watch`, unless there is nothing to re-run.
    fn watcher(&self, printer: &Printer, no_steps: bool) -> miette::Result<Option<Watcher>> {
        let config = &self.dev.config;
        let Some(ws) = &self.dev.workspace else {
            return Ok(None);
        };
        if self.args.no_watch || no_steps || config.watch.is_empty() {
            return Ok(None);
        }
        let folders: Vec<PathBuf> = config.watch.iter().map(|w| ws.root.join(w)).collect();
        let (w, missing) = watch::watch(&folders, Duration::from_millis(config.debounce_ms))?;
        for m in missing {
            printer.status(format!(
                "{} not watching {} (missing)",
                tag(printer),
                m.display()
            ));
        }
        printer.status(format!("  watching    {}", config.watch.join(", ")));
        Ok(Some(w))
    }
}

/// Prints what happened beside the server.
fn on_event(printer: &Printer, warming: &mut Warming, preflight: &mut Preflight, event: Event) {
    match event {
        Event::Tick => {
            for line in warming.poll() {
                printer.status(format!("{} {line}", tag(printer)));
            }
            if let Some(w) = preflight.take(Duration::ZERO) {
                warn_red(printer, &w);
            }
        }
        Event::Reprepared {
            files,
            total_ms,
            latency_ms,
            timings,
        } => {
            printer.status(format!(
                "{} {} changed → prepare re-ran in {} (started {} after the change settled)",
                tag(printer),
                plural(files, "file"),
                metrics::Unit::Ms.format(total_ms),
                metrics::Unit::Ms.format(latency_ms),
            ));
            if printer.verbose > 0 {
                print_steps(printer, timings);
            }
        }
    }
}

fn warn_preflight(printer: &Printer, preflight: &mut Preflight, wait: Duration) {
    if let Some(w) = preflight.take(wait) {
        warn_red(printer, &w);
    }
}
