//! `warmstart apps`: build, check and watch the app-store registries.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::json;
use warmstart_appstore::{CheckOutcome, FileStatus, Report, StampOutcome, Workflow};

use crate::cli::{CmdResult, GlobalArgs, Status};
use crate::printer::{Paint, Printer};
use crate::settings::{AppsSettings, Workspace, process_env};

#[derive(Debug, Subcommand)]
pub enum AppsCommand {
    /// Regenerate the registry files of the app store (only changed files are written).
    #[command(
        after_help = "Examples:\n  warmstart apps build            write the registries that changed\n  \
                            warmstart apps build --check    exit 1 if any registry is stale\n  \
                            warmstart apps build --watch    regenerate on every change"
    )]
    Build(BuildArgs),
    /// Remove every file `apps build --mode lazy` generated (per its manifest) and its .gitignore block.
    #[command(after_help = "Example:\n  warmstart apps clean")]
    Clean,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Write nothing; exit 1 naming each stale file with a short diff.
    #[arg(long, conflicts_with = "watch")]
    pub check: bool,
    /// Keep running and regenerate when apps or their files change.
    #[arg(long)]
    pub watch: bool,
    /// `compat`: the registries app-store-cli writes; `lazy`: also the
    /// metadata registries inlined as data (`*.lazy.generated.ts`).
    /// Default: `lazy` when `apps.lazy` is set in warmstart.json, else `compat`.
    #[arg(long, value_enum)]
    pub mode: Option<Mode>,
    /// Install counts per app (JSON `{"slug": n}` or CSV `slug,n`): the top
    /// `--core` apps become the lazy registry's `coreApps`.
    #[arg(long, value_name = "FILE", group = "usage_source")]
    pub usage: Option<PathBuf>,
    /// Install counts from Cal.com's database (`"Credential"` grouped by
    /// app), e.g. `postgres://user:pass@127.0.0.1:5432/calendso`.
    #[arg(long, value_name = "URL", group = "usage_source")]
    pub usage_db: Option<String>,
    /// How many of the most used apps are core (with `--usage`/`--usage-db`).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 10,
        requires = "usage_source"
    )]
    pub core: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    Compat,
    Lazy,
}

pub fn run(global: &GlobalArgs, printer: &Printer, cmd: AppsCommand) -> CmdResult {
    match cmd {
        AppsCommand::Build(args) => build(global, printer, args),
        AppsCommand::Clean => clean(global, printer),
    }
}

fn build(global: &GlobalArgs, printer: &Printer, args: BuildArgs) -> CmdResult {
    let AppsSettings {
        workspace: ws,
        mode,
        core_apps_from,
    } = AppsSettings::resolve(global, &args)?;
    if let Some(from) = core_apps_from {
        let top = ws.config.apps.core_apps.join(", ");
        printer.verbose(format!("core apps from {from}: {top}"));
    }
    let config = &ws.config.apps;
    if config.registries.is_empty() {
        printer.status("no registries configured (apps.registries is empty); nothing to do");
        printer.json(&json!({ "apps": 0, "files": [] }));
        return Ok(Status::Ok);
    }
    if args.watch {
        return watch(&ws, printer, mode);
    }
    // Two builds at once take turns (`--check` only reads).
    let _lock = if args.check {
        None
    } else {
        Some(ws.write_lock(printer)?)
    };
    let workflow = Workflow::new(&ws.root, &ws.config.apps, mode).with_stamp(&ws.cache());
    if args.check {
        return check(printer, &workflow);
    }
    let report = workflow.build(&process_env)?;
    for note in &report.notes {
        printer.status(note);
    }
    print_report(printer, &report);
    Ok(Status::Ok)
}

fn check(printer: &Printer, workflow: &Workflow) -> CmdResult {
    let (apps, files, stamp) = match workflow.check(&process_env)? {
        CheckOutcome::Checked { apps, files, stamp } => (apps, files, stamp),
        CheckOutcome::Invalid(err) => {
            // Under --check, bad input is a failed check (exit 1).
            printer.error(&miette::Report::new(err));
            return Ok(Status::Failed);
        }
    };
    print_hit(printer, &stamp);
    let stale: Vec<_> = files
        .iter()
        .filter(|f| f.status == FileStatus::Stale)
        .collect();
    for file in &stale {
        printer.line(format!(
            "{} {}",
            printer.paint("stale", Paint::Red),
            file.path
        ));
        if let Some(diff) = &file.diff {
            printer.line(diff.trim_end());
        }
    }
    printer.json(&json!({ "apps": apps, "files": files }));
    if stale.is_empty() {
        printer.status(format!("{} registry files up to date", files.len()));
        print_unsettled(printer, &stamp);
        return Ok(Status::Ok);
    }
    printer.status(format!(
        "{} of {} registry files are stale; run `warmstart apps build`",
        stale.len(),
        files.len()
    ));
    Ok(Status::Failed)
}

fn clean(global: &GlobalArgs, printer: &Printer) -> CmdResult {
    let ws = Workspace::load(global)?;
    let removed = warmstart_appstore::manifest::clean(&ws.root, &ws.config.apps.dir)?;
    for path in &removed {
        printer.line(format!("removed {path}"));
    }
    printer.status(format!("{} generated files removed", removed.len()));
    printer.json(&json!({ "removed": removed }));
    Ok(Status::Ok)
}

/// What the stamp says before the report (a hit) ...
fn print_hit(printer: &Printer, stamp: &StampOutcome) {
    if *stamp == StampOutcome::Hit {
        printer.verbose("nothing changed since the last build");
    }
}

/// ... and after it (not written).
fn print_unsettled(printer: &Printer, stamp: &StampOutcome) {
    if *stamp == StampOutcome::Unsettled {
        printer.verbose("an input changed moments ago: the next run rebuilds to be sure");
    }
}

fn print_report(printer: &Printer, report: &Report) {
    print_hit(printer, &report.stamp);
    for file in &report.files {
        let word = match file.status {
            FileStatus::Created => printer.paint("created", Paint::Green),
            FileStatus::Updated => printer.paint("updated", Paint::Yellow),
            _ => printer.paint("unchanged", Paint::Dim),
        };
        if file.status != FileStatus::Unchanged || printer.verbose > 0 {
            printer.line(format!(
                "{word:>9} {} ({} entries)",
                file.path, file.entries
            ));
        }
    }
    let written = report.written();
    printer.status(format!(
        "{} app folders, {} registry files: {written} written, {} unchanged",
        report.apps,
        report.files.len(),
        report.files.len() - written
    ));
    printer.json(&json!({ "apps": report.apps, "files": report.files }));
    print_unsettled(printer, &report.stamp);
}

fn watch(ws: &Workspace, printer: &Printer, mode: warmstart_appstore::Mode) -> CmdResult {
    let config = ws.config.apps.clone();
    let store = ws.root.join(&config.dir);
    let workflow = Workflow::new(&ws.root, &config, mode);
    let rebuild = || match workflow.build(&process_env) {
        Ok(report) => print_report(printer, &report),
        Err(err) => printer.error(&miette::Report::new(err)),
    };
    rebuild();
    printer.status(format!("watching {} (Ctrl-C to stop)", config.dir));
    let outputs: Vec<_> = config
        .registries
        .iter()
        .flat_map(|(name, _)| {
            [
                store.join(name),
                store.join(warmstart_appstore::lazy_name(name)),
            ]
        })
        .collect();
    warmstart_appstore::watch::watch(&store, &outputs, rebuild)
        .map_err(|e| miette::miette!("cannot watch {}: {e}", config.dir))?;
    Ok(Status::Ok)
}
