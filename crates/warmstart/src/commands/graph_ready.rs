//! `warmstart graph ready`: what `next dev` compiles before it prints
//! Ready (instrumentation per runtime, middleware), per package, with the
//! top-level imports that cost the most and the edit that removes them.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use warmstart_graph::ready::{self, Bundler, ReadyOptions};

use crate::cli::{CmdResult, Status};
use crate::printer::Printer;
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

pub fn run(workspace: &Workspace, printer: &Printer, args: ReadyArgs) -> CmdResult {
    let options = options(&args);
    printer.status("warmstart: following what next dev compiles before Ready…");
    if args.write {
        printer.ready_applied(&ready::apply(&workspace.root, &options)?);
    } else {
        let report = ready::analyse(&workspace.root, &options)?;
        printer.json(&report);
        printer.ready(&report);
    }
    Ok(Status::Ok)
}
