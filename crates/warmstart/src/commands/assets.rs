//! `warmstart assets`: link app statics into the web app's public folder
//! (setup), check (validate/status), undo (clean), and lazy mode
//! (manifest, serve).

use std::cell::Cell;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::{Args, Subcommand, ValueEnum};
use warmstart_assets::{Assets, FsLinker, ModeChoice, ServeOptions, Server, SetupOptions};

use crate::cli::{CmdResult, GlobalArgs, Status};
use crate::printer::{Paint, Printer};
use crate::settings::Workspace;

#[derive(Debug, Subcommand)]
pub enum AssetsCommand {
    /// Link (or copy) every asset into place; incremental and idempotent.
    #[command(after_help = "Examples:\n  warmstart assets setup\n  \
                            warmstart assets setup --mode copy     # production build\n  \
                            warmstart assets setup --lazy          # critical assets only")]
    Setup(SetupArgs),
    /// Report missing, dangling, stale and foreign entries (exit 1 if any).
    #[command(visible_alias = "status")]
    Validate,
    /// Remove exactly what warmstart made, as recorded in its manifest.
    Clean,
    /// Write lazy mode's build-time manifest (path, size, hash, critical).
    Manifest(ManifestArgs),
    /// Serve assets on 127.0.0.1 on first request and materialize them.
    #[command(
        after_help = "Example:\n  warmstart assets serve --port 0    # any free port, printed"
    )]
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct SetupArgs {
    /// First link mode to try (default: from warmstart.json, else auto).
    #[arg(long, value_enum)]
    pub mode: Option<ModeArg>,
    /// Replace files and links that warmstart did not make.
    #[arg(long)]
    pub force: bool,
    /// Materialize only critical assets; `assets serve` provides the rest.
    #[arg(long)]
    pub lazy: bool,
}

#[derive(Debug, Args)]
pub struct ManifestArgs {
    /// Where to write it (default: assets.json in the cache folder).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0: any free port; default from warmstart.json).
    #[arg(long)]
    pub port: Option<u16>,
    /// Link mode for materialized assets.
    #[arg(long, value_enum)]
    pub mode: Option<ModeArg>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ModeArg {
    Auto,
    Symlink,
    Hardlink,
    Reflink,
    Copy,
}

impl From<ModeArg> for ModeChoice {
    fn from(m: ModeArg) -> Self {
        match m {
            ModeArg::Auto => ModeChoice::Auto,
            ModeArg::Symlink => ModeChoice::Symlink,
            ModeArg::Hardlink => ModeChoice::Hardlink,
            ModeArg::Reflink => ModeChoice::Reflink,
            ModeArg::Copy => ModeChoice::Copy,
        }
    }
}

pub fn run(global: &GlobalArgs, printer: &Printer, cmd: AssetsCommand) -> CmdResult {
    let ws = Workspace::load(global)?;
    let assets = Assets::new(&ws.root, &ws.config.assets)?;
    // Writers take turns: a `setup` beside a `clean` must not record what
    // the other removes.
    let _lock = match cmd {
        AssetsCommand::Setup(_) | AssetsCommand::Clean => Some(ws.write_lock(printer)?),
        _ => None,
    };
    match cmd {
        AssetsCommand::Setup(args) => setup(printer, &assets, args),
        AssetsCommand::Validate => validate(printer, &assets),
        AssetsCommand::Clean => clean(printer, &assets),
        AssetsCommand::Manifest(args) => manifest(printer, &assets, args),
        AssetsCommand::Serve(args) => serve(printer, &assets, args),
    }
}

/// A progress callback that prints to stderr at most a few times a second,
/// and only once work has taken long enough to be worth a line.
fn progress<'a>(printer: &'a Printer, what: &'a str) -> impl Fn(usize, usize) + 'a {
    let started = Instant::now();
    let last = Cell::new(Duration::ZERO);
    move |done, total| {
        let now = started.elapsed();
        if now > Duration::from_millis(300)
            && (now - last.get() > Duration::from_millis(250) || done == total)
        {
            last.set(now);
            printer.status(format!("{what} {done}/{total}"));
        }
    }
}

fn setup(printer: &Printer, assets: &Assets, args: SetupArgs) -> CmdResult {
    let mode = args
        .mode
        .map(ModeChoice::from)
        .unwrap_or(assets.config.mode);
    let progress = progress(printer, "assets:");
    let report = assets.setup(&SetupOptions {
        mode,
        force: args.force,
        lazy: args.lazy,
        linker: &FsLinker,
        progress: &progress,
    })?;
    printer.json(&report);
    for path in &report.skipped {
        printer.status(format!(
            "warning: {path}: skipped, the name is not UTF-8 (rename it to link it)"
        ));
    }
    let modes: Vec<String> = report
        .modes
        .iter()
        .map(|(m, n)| format!("{} {n}", m.name()))
        .collect();
    printer.line(format!(
        "assets: {} files in {} folders; created {}, removed {}, kept {}{}",
        report.assets,
        report.folders,
        report.created.len(),
        report.removed.len(),
        report.kept,
        if report.deferred > 0 {
            format!(", deferred {} to `assets serve`", report.deferred)
        } else {
            String::new()
        }
    ));
    if !modes.is_empty() {
        printer.line(format!("modes: {}", modes.join(", ")));
    }
    for f in &report.fallbacks {
        printer.verbose(format!(
            "fallback {}: {} refused ({})",
            f.path,
            f.refused.name(),
            f.reason
        ));
    }
    if !report.fallbacks.is_empty() {
        printer.line(format!(
            "{} fallbacks to a later link mode (see -v)",
            report.fallbacks.len()
        ));
    }
    for r in &report.repaired {
        printer.line(format!("repaired {r}"));
    }
    for c in &report.conflicts {
        printer.line(format!(
            "{} {}: {}",
            printer.paint("conflict", Paint::Yellow),
            c.path,
            c.reason
        ));
    }
    for c in &report.failed {
        printer.line(format!(
            "{} {}: {}",
            printer.paint("failed", Paint::Red),
            c.path,
            c.reason
        ));
    }
    printer.verbose(format!("manifest: {}", report.manifest));
    Ok(if report.conflicts.is_empty() && report.failed.is_empty() {
        Status::Ok
    } else {
        Status::Failed
    })
}

fn validate(printer: &Printer, assets: &Assets) -> CmdResult {
    let report = assets.validate()?;
    printer.json(&report);
    for p in &report.problems {
        let kind = serde_json::to_value(p.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        printer.line(format!(
            "{:<9}{}: {}",
            printer.paint(&kind, Paint::Red),
            p.path,
            p.detail
        ));
    }
    if report.ok {
        printer.line(format!(
            "{} {} assets, {} entries checked",
            printer.paint("ok", Paint::Green),
            report.assets,
            report.checked
        ));
        Ok(Status::Ok)
    } else {
        printer.line(format!(
            "{} problem{} among {} assets; `warmstart assets setup` repairs what warmstart made \
             (`--force` also replaces foreign files)",
            report.problems.len(),
            if report.problems.len() == 1 { "" } else { "s" },
            report.assets
        ));
        Ok(Status::Failed)
    }
}

fn clean(printer: &Printer, assets: &Assets) -> CmdResult {
    let report = assets.clean()?;
    printer.json(&report);
    printer.line(format!(
        "removed {} paths warmstart made",
        report.removed.len()
    ));
    for k in &report.kept {
        printer.line(format!("kept {}: {}", k.path, k.reason));
    }
    Ok(Status::Ok)
}

fn manifest(printer: &Printer, assets: &Assets, args: ManifestArgs) -> CmdResult {
    let progress = progress(printer, "hashing");
    let (lazy, path) = assets.write_lazy_manifest(args.out.as_deref(), &progress)?;
    let critical = lazy.assets.iter().filter(|a| a.critical).count();
    let shown = warmstart_fs::to_unix_relative(&assets.root, &path)
        .unwrap_or_else(|| path.display().to_string());
    printer.json(&serde_json::json!({
        "path": shown,
        "assets": lazy.assets.len(),
        "critical": critical,
        "bytes": lazy.assets.iter().map(|a| a.size).sum::<u64>(),
    }));
    printer.line(format!(
        "wrote {shown}: {} assets, {critical} critical",
        lazy.assets.len()
    ));
    Ok(Status::Ok)
}

fn serve(printer: &Printer, assets: &Assets, args: ServeArgs) -> CmdResult {
    let log_printer = printer.clone();
    let server = Server::bind(
        assets,
        ServeOptions {
            port: args.port.unwrap_or(assets.config.port),
            mode: args
                .mode
                .map(ModeChoice::from)
                .unwrap_or(assets.config.mode),
            log: Some(Box::new(move |line| log_printer.verbose(line))),
        },
    )?;
    let addr = server.local_addr().map_err(|e| miette::miette!("{e}"))?;
    printer.json(&serde_json::json!({ "url": format!("http://{addr}"), "port": addr.port(), "assets": server.urls() }));
    printer.line(format!(
        "serving {} assets on http://{addr} (Ctrl-C stops)",
        server.urls()
    ));
    server
        .run()
        .map_err(|e| miette::miette!("assets serve: {e}"))?;
    Ok(Status::Ok)
}
