//! `warmstart doctor`: one line per check with what to do; exit 0 only when
//! every check is green.

use std::path::Path;
use std::process::Command;

use clap::Args;
use serde::Serialize;
use warmstart_workspace::Preset;

use crate::cli::{CmdResult, GlobalArgs, Status};
use crate::printer::{Paint, Printer};
use crate::settings::Workspace;

#[derive(Debug, Args)]
#[command(after_help = "Example:\n  warmstart doctor && yarn dev")]
pub struct DoctorArgs {}

#[derive(Debug, Serialize)]
struct Check {
    name: &'static str,
    ok: bool,
    detail: String,
    /// What to do when it is not ok.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<String>,
}

fn pass(name: &'static str, detail: impl Into<String>) -> Check {
    Check {
        name,
        ok: true,
        detail: detail.into(),
        fix: None,
    }
}

fn fail(name: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
    Check {
        name,
        ok: false,
        detail: detail.into(),
        fix: Some(fix.into()),
    }
}

pub fn run(global: &GlobalArgs, printer: &Printer, _args: DoctorArgs) -> CmdResult {
    let ws = Workspace::load(global)?;
    let mut checks = vec![check_config(&ws), check_symlinks(&ws.root), check_node()];
    if ws.preset == Preset::Calcom {
        checks.push(check_copy_plugin(&ws.root));
        checks.push(check_copy_script(&ws));
    }
    checks.push(check_registries(&ws));
    checks.push(check_assets(&ws));
    checks.push(check_cache(&ws));
    checks.push(check_before_ready(&ws));

    let all_ok = checks.iter().all(|c| c.ok);
    printer.json(&serde_json::json!({ "ok": all_ok, "checks": checks }));
    for c in &checks {
        let mark = if c.ok {
            printer.paint("ok  ", Paint::Green)
        } else {
            printer.paint("FAIL", Paint::Red)
        };
        printer.line(format!("{mark} {:<12} {}", c.name, c.detail));
        if let Some(fix) = &c.fix {
            printer.line(format!("     {:<12} → {fix}", ""));
        }
    }
    Ok(if all_ok { Status::Ok } else { Status::Failed })
}

fn check_config(ws: &Workspace) -> Check {
    match &ws.config_file {
        Some(_) => pass(
            "config",
            format!("warmstart.json is valid (preset {})", ws.preset.name()),
        ),
        None => pass(
            "config",
            format!(
                "no warmstart.json: built-in `{}` preset (`warmstart init` writes one)",
                ws.preset.name()
            ),
        ),
    }
}

/// Symlinks are what makes asset linking cheap; some file systems (and
/// Windows without developer mode) refuse them, and then warmstart falls
/// back to hardlinks or copies.
fn check_symlinks(root: &Path) -> Check {
    let probe = || -> std::io::Result<()> {
        let dir = tempfile::Builder::new()
            .prefix(warmstart_fs::TEMP_PREFIX)
            .tempdir_in(root)?;
        let target = dir.path().join("target");
        std::fs::create_dir(&target)?;
        let link = dir.path().join("link");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&target, &link)?;
        #[cfg(windows)]
        std::os::windows::fs::symlink_dir(&target, &link)?;
        std::fs::read_link(&link).map(|_| ())
    };
    match probe() {
        Ok(()) => pass("symlinks", "this file system supports directory symlinks"),
        Err(e) => fail(
            "symlinks",
            format!("directory symlinks are refused here ({e})"),
            "assets fall back to hardlinks or copies; that works, only slower",
        ),
    }
}

fn check_node() -> Check {
    match Command::new("node").arg("--version").output() {
        Ok(out) if out.status.success() => {
            let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
            let major: u32 = version
                .trim_start_matches('v')
                .split('.')
                .next()
                .and_then(|m| m.parse().ok())
                .unwrap_or(0);
            if major >= 18 {
                pass("node", format!("Node.js {version}"))
            } else {
                fail(
                    "node",
                    format!("Node.js {version} is older than 18"),
                    "install Node.js 18 or newer (Next.js 13.5 needs it)",
                )
            }
        }
        _ => fail(
            "node",
            "no `node` on PATH",
            "install Node.js 18 or newer to run the dev server",
        ),
    }
}

/// Cal.com's next.config.js copies every app's statics on every compile;
/// with warmstart managing them that copy must be off in development. The
/// config is loaded in a child `node` the way `next dev` loads it (see
/// `warmstart_init::probe`): green only when no statics copy survives.
fn check_copy_plugin(root: &Path) -> Check {
    let check = warmstart_init::probe::check_statics_copy(root, "apps/web");
    Check {
        name: "copy-plugin",
        ok: check.ok,
        detail: check.detail,
        fix: check.fix,
    }
}

fn check_registries(ws: &Workspace) -> Check {
    use warmstart_appstore::{CheckOutcome, Mode, Workflow};
    let apps = &ws.config.apps;
    if apps.registries.is_empty() || !ws.root.join(&apps.dir).is_dir() {
        return pass("registries", "no app store configured");
    }
    // With `apps.lazy` the build also makes the lazy registries and the
    // route shards: a stale one of those is as wrong as a stale registry.
    let (mode, what) = if apps.lazy {
        (
            Mode::Lazy,
            "generated registry and route shard files (apps.lazy)",
        )
    } else {
        (Mode::Compat, "generated registry files")
    };
    let checked = match Workflow::new(&ws.root, apps, mode).check(&crate::settings::process_env) {
        Ok(CheckOutcome::Checked { files, .. }) => Ok(files),
        Ok(CheckOutcome::Invalid(e)) | Err(e) => Err(e),
    };
    match checked {
        Ok(files) => {
            let stale: Vec<&str> = files
                .iter()
                .filter(|f| f.status == warmstart_appstore::FileStatus::Stale)
                .map(|f| f.path.as_str())
                .collect();
            if stale.is_empty() {
                pass(
                    "registries",
                    format!("{} {what} are up to date", files.len()),
                )
            } else {
                fail(
                    "registries",
                    format!("stale: {}", stale.join(", ")),
                    "run `warmstart apps build`",
                )
            }
        }
        Err(e) => fail(
            "registries",
            e.to_string(),
            "fix the app named above, then `warmstart apps build`",
        ),
    }
}

fn check_assets(ws: &Workspace) -> Check {
    if ws.config.assets.rules.is_empty() {
        return pass("assets", "no asset rules configured");
    }
    let assets = match warmstart_assets::Assets::new(&ws.root, &ws.config.assets) {
        Ok(a) => a,
        Err(e) => return fail("assets", e.to_string(), "fix the `assets` section"),
    };
    match assets.validate() {
        Ok(report) if report.ok => pass(
            "assets",
            format!("{} assets linked and valid", report.assets),
        ),
        Ok(report) => fail(
            "assets",
            format!(
                "{} of {} assets need attention",
                report.problems.len(),
                report.assets
            ),
            "run `warmstart assets setup`, or start `warmstart dev`, which runs it first (details: `warmstart assets validate`)",
        ),
        Err(e) => fail("assets", e.to_string(), "run `warmstart assets setup`"),
    }
}

fn check_cache(ws: &Workspace) -> Check {
    let cache = warmstart_cache::Cache::open(&ws.root, &ws.config.cache);
    let Some(dir) = cache.dir() else {
        return pass("cache", "the cache is switched off");
    };
    let shown =
        warmstart_fs::to_unix_relative(&ws.root, dir).unwrap_or_else(|| dir.display().to_string());
    if !dir.exists() {
        return pass(
            "cache",
            format!("{shown} not created yet (first run fills it)"),
        );
    }
    match cache.lock() {
        Ok(_guard) => pass("cache", format!("{shown} is healthy")),
        Err(e) => fail("cache", e.to_string(), "run `warmstart cache clear`"),
    }
}

/// Cal.com 2025 copies the statics with a script chained before `next dev`
/// (and a turbo task): red while a dev chain still runs it, green once init
/// replaced that step with `warmstart assets setup`.
fn check_copy_script(ws: &Workspace) -> Check {
    const NAME: &str = "copy-script";
    let report = match warmstart_init::statics_report(&ws.root, ws.preset) {
        Ok(report) => report,
        Err(e) => return fail(NAME, e.to_string(), "fix the file named above"),
    };
    if let Some(step) = report.dev_steps.first() {
        let programs = step.programs.join(", ");
        let more = match report.dev_steps.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        return fail(
            NAME,
            format!(
                "{}:{}:{}: `{}` runs `{}`, which copies the app statics ({programs}) on every dev start{more}",
                step.file, step.line, step.column, step.holder, step.step
            ),
            "run `warmstart init --write` (that step becomes `warmstart assets setup`)",
        );
    }
    match report.dev_statics() {
        warmstart_init::DevStatics::Skipped => {
            let files: Vec<&str> = report.programs.iter().map(|p| p.file.as_str()).collect();
            pass(
                NAME,
                format!(
                    "dev runs `warmstart assets setup` instead of {} (kept for builds)",
                    files.join(", ")
                ),
            )
        }
        _ if report.programs.is_empty() => pass(NAME, "no script copies the app statics"),
        _ => pass(
            NAME,
            format!(
                "{} copies the app statics outside the dev chain only",
                report.programs[0].file
            ),
        ),
    }
}

/// What `next dev` compiles before Ready (instrumentation per runtime,
/// middleware) against `graph.ready.maxModules`, naming the top offender.
fn check_before_ready(ws: &Workspace) -> Check {
    let max = ws.config.graph.ready.max_modules;
    let options = warmstart_graph::ready::ReadyOptions {
        top: 1,
        ..Default::default()
    };
    let report = match warmstart_graph::ready::analyse(&ws.root, &options) {
        Ok(r) => r,
        Err(e) => return fail("before-ready", e.to_string(), "fix the file named above"),
    };
    if report.compiles.is_empty() {
        return pass(
            "before-ready",
            "no instrumentation or middleware: only Next itself compiles before Ready",
        );
    }
    let summary = format!(
        "{} modules compile before Ready ({}, limit {max})",
        report.modules,
        report.bundler.name()
    );
    if report.modules <= max {
        return pass("before-ready", summary);
    }
    let top = report
        .offenders
        .iter()
        .find(|o| o.modules > 0)
        .map(|o| {
            format!(
                "; top offender {}:{} `{}` ({} modules)",
                o.file, o.line, o.specifier, o.modules
            )
        })
        .unwrap_or_default();
    fail(
        "before-ready",
        format!("{summary}{top}"),
        "`warmstart graph ready` shows them; `warmstart graph ready --write` makes the offender lazy (limit: graph.ready.maxModules)",
    )
}
