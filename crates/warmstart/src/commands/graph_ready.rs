//! `warmstart graph ready`: what `next dev` compiles before it prints
//! Ready (instrumentation per runtime, middleware), per package, with the
//! top-level imports that cost the most and the edit that removes them.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use warmstart_graph::codemod::lazy::Plan;
use warmstart_graph::ready::{self, Bundler, Ready, ReadyOptions};

use crate::cli::{CmdResult, Status};
use crate::printer::{Paint, Printer};
use crate::settings::Workspace;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BundlerArg {
    Webpack,
    Turbopack,
}

#[derive(Debug, Args)]
pub struct ReadyArgs {
    /// The Next.js app folder (default: apps/web when it exists, else the
    /// repository root).
    #[arg(value_name = "APP_DIR")]
    pub app: Option<PathBuf>,
    /// The bundler to model (default: from the app's dev script, `next dev
    /// --turbopack` → turbopack).
    #[arg(long, value_enum)]
    pub bundler: Option<BundlerArg>,
    /// Apply the edits that take modules out of the before-Ready compiles.
    #[arg(long)]
    pub write: bool,
    /// Packages listed per compile.
    #[arg(long, default_value_t = 8)]
    pub top: usize,
}

pub(crate) fn options(args: &ReadyArgs) -> ReadyOptions {
    ReadyOptions {
        app: args.app.clone(),
        bundler: args.bundler.map(|b| match b {
            BundlerArg::Webpack => Bundler::Webpack,
            BundlerArg::Turbopack => Bundler::Turbopack,
        }),
        top: args.top,
    }
}

fn error(e: ready::ReadyError) -> miette::Report {
    let help = match &e {
        ready::ReadyError::NoApp(_) => {
            "give the folder of the Next.js app (the one with next.config.js)"
        }
        ready::ReadyError::Syntax { .. } => "fix the syntax error, then run it again",
        ready::ReadyError::Write { .. } => "check the file's permissions",
    };
    miette::miette!(help = help, "{e}")
}

pub fn run(workspace: &Workspace, printer: &Printer, args: ReadyArgs) -> CmdResult {
    let options = options(&args);
    printer.status("warmstart: following what next dev compiles before Ready…");
    let report = ready::analyse(&workspace.root, &options).map_err(error)?;
    if !args.write {
        printer.json(&report);
        print(printer, &report);
        return Ok(Status::Ok);
    }
    let written = ready::write(&workspace.root, &options, &report).map_err(error)?;
    let after = ready::analyse(&workspace.root, &options).map_err(error)?;
    printer.json(&serde_json::json!({
        "before": report.modules,
        "after": after.modules,
        "written": written,
        "refused": report.offenders.iter().filter_map(|o| match &o.plan {
            Plan::Refused { reason } => Some(serde_json::json!({ "file": o.file, "line": o.line, "specifier": o.specifier, "reason": reason })),
            _ => None,
        }).collect::<Vec<_>>(),
    }));
    for w in &written {
        if w.changed {
            printer.line(format!(
                "rewrote {}: lazy {}",
                w.file,
                w.rewritten.join(", ")
            ));
        } else {
            printer.line(format!("{}: unchanged (already lazy)", w.file));
        }
    }
    if written.is_empty() {
        printer.line("nothing to rewrite: no top-level import costs modules before Ready");
    }
    for o in &report.offenders {
        if let Plan::Refused { reason } = &o.plan
            && o.modules > 0
        {
            printer.line(format!(
                "refused {}:{} {}: {reason}",
                o.file, o.line, o.specifier
            ));
        }
    }
    printer.line(format!(
        "modules before Ready: {} → {}",
        report.modules, after.modules
    ));
    Ok(Status::Ok)
}

fn print(printer: &Printer, r: &Ready) {
    printer.line(format!(
        "{}: Next {} with {} ({}): {} modules before Ready{}",
        r.app,
        r.next_version.as_deref().unwrap_or("(not installed)"),
        r.bundler.name(),
        r.bundler_from,
        r.modules,
        if r.node_modules {
            ""
        } else {
            " (no node_modules: workspace part only)"
        }
    ));
    for c in &r.compiles {
        let when = if c.before_ready {
            "before Ready"
        } else {
            "on the first request"
        };
        printer.line(format!(
            "\n{} {} ({}, {when}): {} modules, {} external, {} bytes",
            c.name,
            c.runtime.name(),
            c.entry,
            c.modules,
            c.externals,
            c.bytes
        ));
        for g in &c.groups {
            let tag = if g.external { " (external)" } else { "" };
            printer.line(format!(
                "  {:>6}  {}{tag}  via {}",
                g.modules,
                g.package,
                g.chain.join(" → ")
            ));
        }
    }
    let costly: Vec<_> = r.offenders.iter().filter(|o| o.modules > 0).collect();
    if costly.is_empty() {
        printer.line("\nno top-level import in these files costs modules before Ready");
    } else {
        printer.line("\ntop-level imports that cost modules before Ready:");
    }
    for o in costly {
        let per: Vec<String> = o
            .per_compile
            .iter()
            .map(|(c, n)| format!("{c} {n}"))
            .collect();
        printer.line(format!(
            "  {:>6}  {}:{}  {}  ({})",
            o.modules,
            o.file,
            o.line,
            o.specifier,
            per.join(", ")
        ));
        match &o.plan {
            Plan::Rewrite { shown, guard, .. } => {
                if let Some(g) = guard {
                    printer.line(format!(
                        "          guard: process.env.{g} (the package does nothing without it)"
                    ));
                }
                printer.line(format!(
                    "          {}",
                    printer.paint("instead (warmstart graph ready --write):", Paint::Green)
                ));
                for piece in shown {
                    for line in piece.lines() {
                        printer.line(format!("            {line}"));
                    }
                }
            }
            Plan::Refused { reason } => {
                printer.line(format!("          cannot be made lazy: {reason}"));
            }
        }
    }
    for n in &r.notes {
        printer.line(format!("\nnote: {n}"));
    }
}
