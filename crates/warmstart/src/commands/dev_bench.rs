//! `warmstart bench` (start the server several times and compare) and
//! `warmstart report` (the history of measurements), and the demo's dev
//! step. The work happens in `warmstart-devserver`; this file prints.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use miette::IntoDiagnostic;
use warmstart_devserver::{
    DevConfig, Launch, Optimizations, Readiness, RunRecord, bench, html, metrics, report, session,
    signals::Forwarder, summary,
};

use super::dev::ProbeArgs;
use super::dev_print::{fail, on_text, over_budget_text, tag};
use crate::cli::{CmdResult, GlobalArgs, Status};
use crate::printer::Printer;
use crate::settings::{DevSettings, Workspace};

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

pub fn run_bench(global: &GlobalArgs, printer: &Printer, args: BenchArgs) -> CmdResult {
    let ctx = DevSettings::load(global)?;
    if args.runs == 0 {
        miette::bail!("--runs must be at least 1");
    }
    let (command, cwd) = ctx.command(&args.command)?;
    let echo = printer.verbose > 0 && !printer.json;
    let main = ctx.launch(command, cwd.clone(), &args.probe, echo)?;
    let other = args
        .vs
        .as_ref()
        .map(|cmd| vs_launch(&main, cmd, &cwd, &args));
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
    let result = bench::run(plan, Some(&signals), &mut |p| {
        if let Some(record) = print_progress(printer, p) {
            records.push(record);
        }
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
    if args.probe.check_budget && !budget_ok(printer, &ctx, &result) {
        return Ok(Status::Failed);
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

/// The `--vs` command's launch: the main one's probes, its own command
/// and folder.
fn vs_launch(main: &Launch, cmd: &str, cwd: &Path, args: &BenchArgs) -> Launch {
    let mut other = Launch {
        command: vec!["sh".into(), "-c".into(), shell_command(cmd)],
        cwd: args.vs_dir.clone().unwrap_or_else(|| cwd.to_path_buf()),
        ..main.clone()
    };
    // The same file, in the other command's folder.
    if let (Some((_, url)), Some(rel), Some(dir)) = (&main.hmr, &args.probe.probe_hmr, &args.vs_dir)
        && rel.is_relative()
    {
        other.hmr = Some((dir.join(rel), url.clone()));
    }
    other
}

/// Prints one bench event; a measured run's record is returned.
fn print_progress(printer: &Printer, p: bench::Progress) -> Option<RunRecord> {
    match p {
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
            (!warmup).then(|| record.clone())
        }
        bench::Progress::Warning(w) => {
            printer.status(format!("  warning: {w}"));
            None
        }
    }
}

/// `--check-budget`: are the medians within the budgets? (Says which are not.)
fn budget_ok(printer: &Printer, ctx: &DevSettings, result: &bench::BenchResult) -> bool {
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
        return false;
    }
    true
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::dev_print::display;

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
