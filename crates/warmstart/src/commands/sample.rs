use std::path::PathBuf;

use clap::Args;
use miette::IntoDiagnostic;
use warmstart_sample::{SampleOptions, Shape};

use crate::cli::{CmdResult, Status};
use crate::printer::Printer;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  warmstart sample /tmp/calcom-sample\n  \
                        warmstart sample /tmp/big --apps 100 --modules 50000 --seed 7\n  \
                        warmstart sample /tmp/cal-2025 --shape copy-script")]
pub struct SampleArgs {
    /// Folder to write the sample into (created; must be empty or absent).
    pub dir: PathBuf,
    /// Number of apps in packages/app-store.
    #[arg(long, default_value_t = SampleOptions::default().apps)]
    pub apps: usize,
    /// Approximate number of source modules in the whole monorepo.
    #[arg(long, default_value_t = SampleOptions::default().modules)]
    pub modules: usize,
    /// Seed: the same seed writes the same bytes.
    #[arg(long, default_value_t = SampleOptions::default().seed)]
    pub seed: u64,
    /// Layout: `copy-plugin` (Cal.com v4.7: CopyWebpackPlugin copies app
    /// statics on every compile) or `copy-script` (Cal.com 2025: a copy
    /// script chained before `next dev`, and a turbo task) or `app-router`
    /// (Cal.com 2025's web app: Next 15 App Router, `next dev --turbopack`,
    /// workspace barrels).
    #[arg(long, default_value_t = Shape::default(), value_parser = parse_shape)]
    pub shape: Shape,
    /// The Next.js the web app is written for: 13 (13.5, webpack) or 15
    /// (15, `next dev --turbopack`); `--shape app-router` is always 15.
    #[arg(long, default_value = "13", value_parser = ["13", "15"])]
    pub next: String,
}

fn parse_shape(s: &str) -> Result<Shape, String> {
    s.parse()
}

pub fn run(printer: &Printer, args: SampleArgs) -> CmdResult {
    let options = SampleOptions {
        apps: args.apps,
        modules: args.modules,
        seed: args.seed,
        shape: args.shape,
    };
    let started = std::time::Instant::now();
    let next = if args.next == "15" {
        warmstart_sample::NextFlavor::Next15Turbopack
    } else {
        warmstart_sample::NextFlavor::Next13Webpack
    };
    let summary = warmstart_sample::generate_for(&args.dir, &options, next).into_diagnostic()?;
    printer.json(&summary);
    printer.line(format!(
        "wrote a Cal.com-shaped sample{} to {} ({} apps, {} modules, {} files) in {:.2?}",
        if args.shape.is_default() {
            String::new()
        } else {
            format!(" ({} shape)", args.shape)
        },
        args.dir.display(),
        summary.apps,
        summary.modules,
        summary.files,
        started.elapsed()
    ));
    let p = &summary.planted;
    printer.line(format!(
        "planted import cycles: {} runtime, {} type-only, {} through a barrel, {} through import(), \
         {} require, {} closed by a value import used only as a type (see {})",
        p.runtime_cycles,
        p.type_only_cycles,
        p.barrel_cycles,
        p.dynamic_cycles,
        p.require_cycles,
        p.semantic_cycles,
        args.dir.join(warmstart_sample::SUMMARY_FILE).display()
    ));
    Ok(Status::Ok)
}
