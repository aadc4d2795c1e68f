//! `warmstart demo`: generate the sample in a temporary folder and run every
//! capability on it, timing each step. Each capability adds its step here.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;
use miette::IntoDiagnostic;
use serde::Serialize;
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
        self.printer.line(format!(
            "{:>10}  {:<22} {}",
            fmt_duration(elapsed),
            name,
            summary
        ));
        self.steps.push(Step {
            name,
            ms: elapsed.as_secs_f64() * 1000.0,
            summary,
        });
        Ok(())
    }
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
        let built =
            warmstart_appstore::Build::new(&dir, &config).run(&|k| std::env::var(k).ok())?;
        let report = warmstart_appstore::write(&built)?;
        let written = report
            .iter()
            .filter(|(_, s)| *s != warmstart_appstore::FileStatus::Unchanged)
            .count();
        let entries: usize = built.files.iter().map(|f| f.entries).sum();
        Ok(format!(
            "{} app folders, {written} registry files written ({entries} entries)",
            built.apps
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
    demo.step("cache", || super::cache::demo(&dir))?;
    demo.step("dev server", || super::dev::demo(&dir))?;
    printer.json(&serde_json::json!({ "dir": dir, "steps": demo.steps }));
    Ok(Status::Ok)
}
