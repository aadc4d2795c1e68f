//! `warmstart dev`'s prepare steps: what the other crates do before the
//! server starts (and again when a watched folder changes). Each step is
//! one library call; this file only wires them and words the summary.

use warmstart_devserver::{Optimization, Step, StepError, StepOutcome};

use crate::settings::Workspace;

/// The steps of the repository's configuration, in the order they run.
/// Each is a closure so `dev` can re-run it when a watched folder changes.
pub fn steps(ws: &Workspace) -> Vec<Step> {
    let mut steps = Vec::new();
    if !ws.config.assets.rules.is_empty() {
        let root = ws.root.clone();
        let config = ws.config.assets.clone();
        steps.push(Step::new("assets", Optimization::Assets, move |_| {
            assets_step(&root, &config)
        }));
    }
    if !ws.config.apps.registries.is_empty() {
        let ws = ws.clone();
        steps.push(Step::new("apps", Optimization::Apps, move |on| {
            apps_step(&ws, on.enabled(Optimization::Cache))
        }));
    }
    steps
}

/// `apps build`: regenerates the app-store registries natively (what
/// app-store-cli did through ts-node). Files whose bytes are unchanged are
/// not touched, so the dev server does not recompile. With the `cache`
/// optimization on, the no-change stamp of `apps build` answers first: a
/// hit skips the build; the hit rate counts these lookups. Off, every run
/// builds.
fn apps_step(ws: &Workspace, use_cache: bool) -> Result<StepOutcome, StepError> {
    use warmstart_appstore::{Mode, StampOutcome, Workflow};
    let config = &ws.config.apps;
    // `apps.lazy`: the lazy registries and route shards, as `apps build
    // --mode lazy` makes them (recorded in its manifest for `apps clean`).
    let mode = if config.lazy {
        Mode::Lazy
    } else {
        Mode::Compat
    };
    let mut workflow = Workflow::new(&ws.root, config, mode);
    if use_cache {
        workflow = workflow.with_stamp(&ws.cache());
    }
    let report = workflow
        .build(&crate::settings::process_env)
        .map_err(miette::Report::new)?;
    if report.stamp == StampOutcome::Hit {
        return Ok(StepOutcome {
            summary: format!(
                "{} apps, {} registries, nothing changed (cache hit)",
                report.apps,
                report.files.len()
            ),
            cache: Some((1, 0)),
        });
    }
    Ok(StepOutcome {
        summary: format!(
            "{} apps, {} registries, {} rewritten",
            report.apps,
            report.files.len(),
            report.written()
        ),
        cache: use_cache.then_some((0, 1)),
    })
}

/// `assets setup`: links app statics into `public/` (what CopyWebpackPlugin
/// copied on every compile). Destinations found already right are work
/// skipped, not cache lookups: the summary line says how many.
fn assets_step(
    root: &std::path::Path,
    config: &warmstart_assets::AssetsConfig,
) -> Result<StepOutcome, StepError> {
    let assets = warmstart_assets::Assets::new(root, config).map_err(miette::Report::new)?;
    let report = assets
        .setup(&warmstart_assets::SetupOptions {
            mode: config.mode,
            force: false,
            lazy: false,
            linker: &warmstart_assets::FsLinker,
            progress: &|_, _| {},
        })
        .map_err(miette::Report::new)?;
    let modes: Vec<String> = report
        .modes
        .iter()
        .map(|(m, n)| format!("{} {n}", m.name()))
        .collect();
    let mut summary = format!(
        "{} assets ({}), {} made, {} already right",
        report.assets,
        modes.join(", "),
        report.created.len(),
        report.kept
    );
    let problems = report.conflicts.len() + report.failed.len();
    if problems > 0 {
        summary.push_str(&format!(
            ", {problems} problem(s): run `warmstart assets validate`"
        ));
    }
    Ok(StepOutcome::new(summary))
}
