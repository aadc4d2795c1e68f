//! `warmstart apps`: build, check and watch the app-store registries.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};
use serde_json::json;
use warmstart_appstore::stamp::{self, EnvLog};
use warmstart_appstore::{Build, BuildOutput, FileStatus};

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

fn run_build(
    ws: &Workspace,
    mode: Mode,
    env: warmstart_appstore::EnvFn,
) -> Result<BuildOutput, warmstart_appstore::AppsError> {
    let build = Build::new(&ws.root, &ws.config.apps);
    match mode {
        Mode::Compat => build.run(env),
        Mode::Lazy => build.run_lazy(env),
    }
}

pub fn run(global: &GlobalArgs, printer: &Printer, cmd: AppsCommand) -> CmdResult {
    match cmd {
        AppsCommand::Build(args) => build(global, printer, args),
        AppsCommand::Clean => clean(global, printer),
    }
}

fn env(key: &str) -> Option<String> {
    std::env::var(key).ok()
}

/// One output file in a report: path, status, entries.
type Row = (String, FileStatus, usize);

fn build(global: &GlobalArgs, printer: &Printer, args: BuildArgs) -> CmdResult {
    let mut ws = Workspace::load(global)?;
    let mode = args.mode.unwrap_or(if ws.config.apps.lazy {
        Mode::Lazy
    } else {
        Mode::Compat
    });
    if let Some(usage) = &args.usage {
        let display = usage.display().to_string();
        let top = warmstart_appstore::usage::top_apps(usage, &display, args.core)?;
        printer.verbose(format!("core apps from {display}: {}", top.join(", ")));
        ws.config.apps.core_apps = top;
    }
    if let Some(url) = &args.usage_db {
        let top = warmstart_appstore::usage::top_apps_from_db(url, args.core)?;
        printer.verbose(format!("core apps from the database: {}", top.join(", ")));
        ws.config.apps.core_apps = top;
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
    // The no-change fast path: nothing the outputs depend on has changed.
    let stamp = stamp_setup(&ws, mode);
    if let Some((file, key, _)) = &stamp
        && let Some(fresh) = stamp::fresh(file, *key, &env)
    {
        printer.verbose("nothing changed since the last build");
        let rows: Vec<Row> = fresh
            .files
            .into_iter()
            .map(|(path, entries)| (path, FileStatus::Unchanged, entries))
            .collect();
        if args.check {
            let files: Vec<_> = rows
                .iter()
                .map(|(p, s, _)| json!({ "path": p, "status": s }))
                .collect();
            printer.json(&json!({ "apps": fresh.apps, "files": files }));
            printer.status(format!("{} registry files up to date", rows.len()));
        } else {
            print_report(printer, fresh.apps, &rows);
        }
        return Ok(Status::Ok);
    }
    let log = EnvLog::default();
    let reader = |key: &str| log.read(&env, key);
    let built = run_build(&ws, mode, &reader);
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
            save_stamp(printer, stamp.as_ref(), &output, &log);
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
    for note in &output.notes {
        printer.status(note);
    }
    let report = warmstart_appstore::write(&output)?;
    if mode == Mode::Lazy {
        // Everything beyond the compatible registries is warmstart's own.
        let compat = ws.config.apps.registries.len();
        let lazy: Vec<String> = output
            .files
            .iter()
            .skip(compat)
            .map(|f| f.path.clone())
            .collect();
        warmstart_appstore::manifest::record(&ws.root, &ws.config.apps.dir, &lazy)?;
    }
    print_report(printer, output.apps, &rows(&report, &output));
    save_stamp(printer, stamp.as_ref(), &output, &log);
    Ok(Status::Ok)
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

fn rows(report: &[(String, FileStatus)], output: &BuildOutput) -> Vec<Row> {
    report
        .iter()
        .zip(&output.files)
        .map(|((path, status), f)| (path.clone(), *status, f.entries))
        .collect()
}

/// Where the no-change stamp lives (the cache folder) and the key it is
/// valid for: this configuration, this root and this warmstart binary.
pub(crate) fn stamp_setup(ws: &Workspace, mode: Mode) -> Option<(PathBuf, u64, Duration)> {
    let cache = &ws.config.cache;
    let disabled =
        std::env::var(warmstart_cache::ENV_DISABLE).is_ok_and(|v| !v.is_empty() && v != "0");
    if !cache.enabled || disabled {
        return None;
    }
    let dir = std::env::var(warmstart_cache::ENV_DIR)
        .ok()
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| cache.dir.clone());
    let file = ws.root.join(dir).join("apps-stamp-v1");
    let mut key = format!("{mode:?}");
    key.push_str(&serde_json::to_string(&ws.config.apps).unwrap_or_default());
    key.push_str(&ws.root.to_string_lossy());
    if let Ok(exe) = std::env::current_exe()
        && let Ok(meta) = std::fs::metadata(exe)
    {
        key.push_str(&format!("{:?} {}", meta.modified().ok(), meta.len()));
    }
    let granularity = Duration::from_millis(cache.mtime_granularity_ms);
    Some((file, stamp::fnv(key.as_bytes()), granularity))
}

pub(crate) fn save_stamp(
    printer: &Printer,
    stamp: Option<&(PathBuf, u64, Duration)>,
    output: &BuildOutput,
    log: &EnvLog,
) {
    if let Some((file, key, granularity)) = stamp {
        match stamp::record(file, *key, output, log, *granularity) {
            Ok(true) => {}
            Ok(false) => {
                printer.verbose("an input changed moments ago: the next run rebuilds to be sure")
            }
            Err(e) => printer.verbose(format!("could not write {}: {e}", file.display())),
        }
    }
}

fn print_report(printer: &Printer, apps: usize, report: &[Row]) {
    for (path, status, entries) in report {
        let word = match status {
            FileStatus::Created => printer.paint("created", Paint::Green),
            FileStatus::Updated => printer.paint("updated", Paint::Yellow),
            _ => printer.paint("unchanged", Paint::Dim),
        };
        if *status != FileStatus::Unchanged || printer.verbose > 0 {
            printer.line(format!("{word:>9} {path} ({entries} entries)"));
        }
    }
    let written = report
        .iter()
        .filter(|(_, s, _)| *s != FileStatus::Unchanged)
        .count();
    printer.status(format!(
        "{apps} app folders, {} registry files: {written} written, {} unchanged",
        report.len(),
        report.len() - written
    ));
    let files: Vec<_> = report
        .iter()
        .map(
            |(path, status, entries)| json!({ "path": path, "status": status, "entries": entries }),
        )
        .collect();
    printer.json(&json!({ "apps": apps, "files": files }));
}

fn watch(ws: &Workspace, printer: &Printer, mode: Mode) -> CmdResult {
    let config = ws.config.apps.clone();
    let store = ws.root.join(&config.dir);
    let rebuild = || match run_build(ws, mode, &env)
        .and_then(|out| warmstart_appstore::write(&out).map(|r| (out, r)))
    {
        Ok((output, report)) => print_report(printer, output.apps, &rows(&report, &output)),
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
