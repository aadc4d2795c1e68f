//! `warmstart demo`: generate the sample in a temporary folder and run every
//! capability on it, timing each step. Each capability adds its step here.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use miette::IntoDiagnostic;
use serde::Serialize;
use warmstart_graph::View;
use warmstart_sample::SampleOptions;

use crate::cli::{CmdResult, Status};
use crate::printer::Printer;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Keep the sample in this folder instead of a temporary one.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    /// Number of apps in the sample.
    #[arg(long, default_value_t = SampleOptions::default().apps)]
    pub apps: usize,
    /// Approximate number of modules in the sample.
    #[arg(long, default_value_t = SampleOptions::default().modules)]
    pub modules: usize,
}

#[derive(Debug, Serialize)]
struct Step {
    name: &'static str,
    ms: f64,
    summary: String,
}

struct Demo<'a> {
    printer: &'a Printer,
    steps: Vec<Step>,
}

impl Demo<'_> {
    fn step(
        &mut self,
        name: &'static str,
        f: impl FnOnce() -> miette::Result<String>,
    ) -> miette::Result<()> {
        let started = Instant::now();
        let summary = f()?;
        let elapsed = started.elapsed();
        // A step's first line is its figure; further lines are its details.
        let mut lines = summary.lines();
        self.printer.line(format!(
            "{:>10}  {:<22} {}",
            fmt_duration(elapsed),
            name,
            lines.next().unwrap_or_default()
        ));
        for line in lines {
            self.printer
                .line(format!("{:>10}  {:<22}   {line}", "", ""));
        }
        self.steps.push(Step {
            name,
            ms: elapsed.as_secs_f64() * 1000.0,
            summary,
        });
        Ok(())
    }
}

/// Cycles per view, each with where the largest group is cut first.
fn cycles(dir: &Path) -> String {
    let root = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let graph = warmstart_graph::build(&warmstart_graph::BuildOptions::new(&root));
    let report = warmstart_graph::report::analyse(&graph, Default::default());
    let mut out = format!(
        "{} modules, {} imports; groups of files in import cycles per view:",
        report.modules,
        graph.edges.len()
    );
    for view in View::EVERY {
        let v = report.views.get(view);
        out.push_str(&format!(
            "\n{:<17} {} groups, {} files in cycles, largest {}",
            view.name(),
            v.groups,
            v.files_in_cycles,
            v.largest_group
        ));
        if let Some(cut) = v.group_list.first().and_then(|g| g.cuts.first()) {
            out.push_str(&format!(
                "; cut first: {}:{} → {} ({})",
                cut.from, cut.line, cut.to, cut.fix
            ));
        }
    }
    out
}

/// What the sample's login route compiles, its costliest barrel import and
/// the edit that removes it.
fn first_page(dir: &Path) -> miette::Result<String> {
    let root = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let page = warmstart_graph::firstpage::analyse(&root, "/auth/login", 5)
        .map_err(|e| miette::miette!("{e}"))?;
    let mut out = format!(
        "client {} modules, server {}{}",
        page.client.modules,
        page.server.modules,
        if page.node_modules {
            ""
        } else {
            " (no node_modules: the workspace part)"
        }
    );
    match page.offenders.first() {
        Some(o) => {
            out.push_str(&format!(
                "\ntop offender: {}:{} imports {} — {} modules only it brings",
                o.file, o.line, o.specifier, o.modules
            ));
            // The direct import when the barrel names each binding's module,
            // else the configuration entry that makes Next rewrite it.
            let config = page
                .suggestions
                .iter()
                .find(|s| s.package.as_deref() == Some(o.specifier.as_str()));
            match (&o.replace_with, config) {
                (Some(direct), _) => {
                    out.push_str(&format!("\nthe edit that removes it: {direct}"))
                }
                (None, Some(s)) => out.push_str(&format!(
                    "\nthe edit that removes it: {} \"{}\" in next.config.js, predicted −{} modules",
                    s.kind, o.specifier, s.saving
                )),
                (None, None) => out.push_str("\nno edit known for it"),
            }
        }
        None => out.push_str("\nno barrel import to cut"),
    }
    Ok(out)
}

fn fmt_duration(d: Duration) -> String {
    if d.as_secs_f64() >= 1.0 {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    }
}

pub fn run(printer: &Printer, args: DemoArgs) -> CmdResult {
    let tmp;
    let dir = match &args.keep {
        Some(dir) => dir.clone(),
        None => {
            tmp = tempfile::Builder::new()
                .prefix("warmstart-demo-")
                .tempdir()
                .into_diagnostic()?;
            tmp.path().join("sample")
        }
    };
    let mut demo = Demo {
        printer,
        steps: Vec::new(),
    };
    printer.line(format!("warmstart demo in {}", dir.display()));
    let options = SampleOptions {
        apps: args.apps,
        modules: args.modules,
        ..SampleOptions::default()
    };
    demo.step("sample", || {
        let s = warmstart_sample::generate(&dir, &options).into_diagnostic()?;
        Ok(format!(
            "{} apps, {} modules, {} files",
            s.apps, s.modules, s.files
        ))
    })?;
    // Later capabilities add their steps below, in the order `warmstart dev`
    // runs them.
    demo.step("apps build", || {
        let config = warmstart_appstore::AppsConfig::preset(warmstart_workspace::Preset::Calcom);
        let workflow =
            warmstart_appstore::Workflow::new(&dir, &config, warmstart_appstore::Mode::Compat);
        let report = workflow.build(&crate::settings::process_env)?;
        let entries: usize = report.files.iter().map(|f| f.entries).sum();
        Ok(format!(
            "{} app folders, {} registry files written ({entries} entries)",
            report.apps,
            report.written()
        ))
    })?;
    demo.step("assets setup", || {
        let config = warmstart_assets::AssetsConfig::preset(warmstart_workspace::Preset::Calcom);
        let assets = warmstart_assets::Assets::new(&dir, &config)?;
        let r = assets.setup(&warmstart_assets::SetupOptions {
            mode: config.mode,
            force: false,
            lazy: false,
            linker: &warmstart_assets::FsLinker,
            progress: &|_, _| {},
        })?;
        let ok = assets.validate()?.ok;
        let modes: Vec<String> = r
            .modes
            .iter()
            .map(|(m, n)| format!("{n} {}", m.name()))
            .collect();
        Ok(format!(
            "{} files in {} folders ({}), validate {}",
            r.assets,
            r.folders,
            modes.join(", "),
            if ok { "ok" } else { "FAILED" }
        ))
    })?;
    demo.step("graph cycles", || Ok(cycles(&dir)))?;
    demo.step("first page /auth/login", || first_page(&dir))?;
    demo.step("cache", || super::cache::demo(&dir))?;
    demo.step("dev server", || super::dev::demo(&dir))?;
    printer.json(&serde_json::json!({ "dir": dir, "steps": demo.steps }));
    Ok(Status::Ok)
}
