//! `warmstart apps`: build, check and watch the app-store registries.

use clap::{Args, Subcommand};
use serde_json::json;
use warmstart_appstore::{Build, FileStatus};

use crate::cli::{CmdResult, GlobalArgs, Status};
use crate::printer::{Paint, Printer};
use crate::settings::Workspace;

#[derive(Debug, Subcommand)]
pub enum AppsCommand {
    /// Regenerate the registry files of the app store (only changed files are written).
    #[command(
        after_help = "Examples:\n  warmstart apps build            write the registries that changed\n  \
                            warmstart apps build --check    exit 1 if any registry is stale\n  \
                            warmstart apps build --watch    regenerate on every change"
    )]
    Build(BuildArgs),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Write nothing; exit 1 naming each stale file with a short diff.
    #[arg(long, conflicts_with = "watch")]
    pub check: bool,
    /// Keep running and regenerate when apps or their files change.
    #[arg(long)]
    pub watch: bool,
}

pub fn run(global: &GlobalArgs, printer: &Printer, cmd: AppsCommand) -> CmdResult {
    match cmd {
        AppsCommand::Build(args) => build(global, printer, args),
    }
}

fn env(key: &str) -> Option<String> {
    std::env::var(key).ok()
}

fn build(global: &GlobalArgs, printer: &Printer, args: BuildArgs) -> CmdResult {
    let ws = Workspace::load(global)?;
    let config = &ws.config.apps;
    if config.registries.is_empty() {
        printer.status("no registries configured (apps.registries is empty); nothing to do");
        printer.json(&json!({ "apps": 0, "files": [] }));
        return Ok(Status::Ok);
    }
    if args.watch {
        return watch(&ws, printer);
    }
    let built = Build::new(&ws.root, config).run(&env);
    if args.check {
        let output = match built {
            Ok(output) => output,
            Err(err) => {
                // Under --check, bad input is a failed check (exit 1).
                printer.error(&miette::Report::new(err));
                return Ok(Status::Failed);
            }
        };
        let report = warmstart_appstore::check(&output)?;
        let stale: Vec<_> = report
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
        printer.json(&json!({ "apps": output.apps, "files": report }));
        if stale.is_empty() {
            printer.status(format!("{} registry files up to date", report.len()));
            return Ok(Status::Ok);
        }
        printer.status(format!(
            "{} of {} registry files are stale; run `warmstart apps build`",
            stale.len(),
            report.len()
        ));
        return Ok(Status::Failed);
    }
    let output = built?;
    let report = warmstart_appstore::write(&output)?;
    print_report(printer, output.apps, &report, &output);
    Ok(Status::Ok)
}

fn print_report(
    printer: &Printer,
    apps: usize,
    report: &[(String, FileStatus)],
    output: &warmstart_appstore::BuildOutput,
) {
    for ((path, status), file) in report.iter().zip(&output.files) {
        let word = match status {
            FileStatus::Created => printer.paint("created", Paint::Green),
            FileStatus::Updated => printer.paint("updated", Paint::Yellow),
            _ => printer.paint("unchanged", Paint::Dim),
        };
        if *status != FileStatus::Unchanged || printer.verbose > 0 {
            printer.line(format!("{word:>9} {path} ({} entries)", file.entries));
        }
    }
    let written = report
        .iter()
        .filter(|(_, s)| *s != FileStatus::Unchanged)
        .count();
    printer.status(format!(
        "{apps} apps, {} registry files: {written} written, {} unchanged",
        report.len(),
        report.len() - written
    ));
    let files: Vec<_> = report
        .iter()
        .zip(&output.files)
        .map(|((path, status), f)| json!({ "path": path, "status": status, "entries": f.entries }))
        .collect();
    printer.json(&json!({ "apps": apps, "files": files }));
}

fn watch(ws: &Workspace, printer: &Printer) -> CmdResult {
    let config = ws.config.apps.clone();
    let root = ws.root.clone();
    let store = root.join(&config.dir);
    let rebuild = || match Build::new(&root, &config)
        .run(&env)
        .and_then(|out| warmstart_appstore::write(&out).map(|r| (out, r)))
    {
        Ok((output, report)) => print_report(printer, output.apps, &report, &output),
        Err(err) => printer.error(&miette::Report::new(err)),
    };
    rebuild();
    printer.status(format!("watching {} (Ctrl-C to stop)", config.dir));
    let outputs: Vec<_> = config
        .registries
        .iter()
        .map(|(name, _)| store.join(name))
        .collect();
    warmstart_appstore::watch::watch(&store, &outputs, rebuild)
        .map_err(|e| miette::miette!("cannot watch {}: {e}", config.dir))?;
    Ok(Status::Ok)
}
