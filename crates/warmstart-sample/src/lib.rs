//! Writes a deterministic Cal.com-shaped sample monorepo: the fixture for
//! tests, benchmarks and `warmstart demo`.
//!
//! The same options write the same bytes. Besides the files, the generator
//! records what it planted — app-store counts, import cycles per graph view,
//! value imports used only as types — in the returned [`SampleSummary`] and
//! in `warmstart-sample.json` at the sample's root, so tests of other crates
//! can assert exact numbers.
//!
//! ```no_run
//! let summary = warmstart_sample::generate(
//!     std::path::Path::new("/tmp/sample"),
//!     &warmstart_sample::SampleOptions::default(),
//! ).unwrap();
//! println!("{} apps", summary.apps);
//! ```

mod approuter;
mod appstore;
mod assets;
mod graph;
mod metadata;
mod out;
mod planted;
mod ready;
mod rng;
mod shape;
mod web;
mod workspace;

use std::path::Path;

use serde::{Deserialize, Serialize};

pub use approuter::LOGIN_PAGE as APP_ROUTER_LOGIN_PAGE;
pub use appstore::{AppStoreFacts, COMPONENTS};
pub use graph::TypeOnlyValueImport;
pub use planted::{Planted, PlantedCycle, VIEWS, ViewExpectation};
pub use ready::{INSTRUMENTATION, NextFlavor};
pub use shape::{COPY_SCRIPT, Shape};
pub use workspace::WORKSPACES;

/// Name of the facts file written at the sample's root.
pub const SUMMARY_FILE: &str = "warmstart-sample.json";

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleOptions {
    /// Apps in `packages/app-store` (at least the 19 fixed ones that cover
    /// every shape; more are seeded config.json apps).
    pub apps: usize,
    /// Approximate number of source modules in the whole monorepo (at least
    /// the fixed files, ~250 with the default apps).
    pub modules: usize,
    /// The same seed writes the same bytes.
    pub seed: u64,
    /// Which Cal.com layout to write (how statics reach `public/`, …).
    pub shape: Shape,
}

impl Default for SampleOptions {
    fn default() -> Self {
        SampleOptions {
            apps: 24,
            modules: 600,
            seed: 1,
            shape: Shape::default(),
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SampleSummary {
    /// App folders app-store-cli picks up.
    pub apps: usize,
    /// JS/TS source files (.ts, .tsx, .js, …) written.
    pub modules: usize,
    /// All files written, `warmstart-sample.json` included.
    pub files: usize,
    /// Bytes of all files but `warmstart-sample.json`.
    pub bytes: u64,
    pub seed: u64,
    /// The layout written (absent for the default, so its facts file keeps
    /// its bytes).
    #[serde(default, skip_serializing_if = "Shape::is_default")]
    pub shape: Shape,
    /// Imports between the generated graph modules (planted ones excluded).
    pub graph_edges: usize,
    pub app_store: AppStoreFacts,
    pub planted: Planted,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SampleError {
    #[error("{} exists and is not empty; pick a new folder", .0.display())]
    #[diagnostic(code(warmstart::sample::not_empty))]
    NotEmpty(std::path::PathBuf),
    #[error("{} is a file, not a folder; pick a new folder", .0.display())]
    #[diagnostic(code(warmstart::sample::not_a_directory))]
    NotADirectory(std::path::PathBuf),
    #[error(transparent)]
    #[diagnostic(code(warmstart::sample::write))]
    Fs(#[from] warmstart_fs::FsError),
}

/// Writes the sample into `dir` (created; must be empty or absent).
pub fn generate(dir: &Path, options: &SampleOptions) -> Result<SampleSummary, SampleError> {
    generate_for(dir, options, NextFlavor::default())
}

/// [`generate`] with the web app written for the given Next.js flavour.
pub fn generate_for(
    dir: &Path,
    options: &SampleOptions,
    next: NextFlavor,
) -> Result<SampleSummary, SampleError> {
    if dir.exists() && !dir.is_dir() {
        return Err(SampleError::NotADirectory(dir.to_path_buf()));
    }
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(SampleError::NotEmpty(dir.to_path_buf()));
    }
    let (out, summary) = build(options, next);
    out.write(dir)?;
    Ok(summary)
}

/// Builds the whole sample in memory.
fn build(options: &SampleOptions, next: NextFlavor) -> (out::Out, SampleSummary) {
    // The fixed files do not depend on the number of graph modules, so a
    // first pass without any tells how many the graph must add.
    let (fixed, _) = build_with(options, 0);
    let fixed_modules = count_modules(&fixed);
    let (mut out, mut summary) = build_with(options, options.modules.saturating_sub(fixed_modules));
    // The App Router shape is Cal.com on Next 15 with Turbopack, whatever
    // flavour was asked for.
    let next = match options.shape {
        Shape::AppRouter => NextFlavor::Next15Turbopack,
        _ => next,
    };
    ready::flavour(&mut out, next);
    summary.modules = count_modules(&out);
    summary.files = out.files.len() + 1;
    summary.bytes = out.files.values().map(|b| b.len() as u64).sum();
    let mut facts = serde_json::to_string_pretty(&summary).unwrap_or_default();
    facts.push('\n');
    out.text(SUMMARY_FILE, facts);
    (out, summary)
}

fn build_with(options: &SampleOptions, filler: usize) -> (out::Out, SampleSummary) {
    let seed = options.seed;
    let mut out = out::Out::default();
    let apps = appstore::plan(options.apps, &mut rng::Rng::new(seed, 1));
    let hosts = appstore::filler_hosts(&apps);
    let mut graph = graph::Graph::plan(filler, &hosts, &mut rng::Rng::new(seed, 2));
    graph.emit(&mut out, &mut rng::Rng::new(seed, 3));
    let app_store = appstore::emit(&mut out, &apps, &graph, &mut rng::Rng::new(seed, 4));
    workspace::emit(&mut out, &graph, &mut rng::Rng::new(seed, 5));
    web::emit(&mut out, &graph, &mut rng::Rng::new(seed, 6));
    ready::emit(&mut out);
    // A shape rewrites files of the default layout after the fact, so the
    // random streams (and every other byte) stay those of the default.
    shape::apply(options.shape, &mut out);
    let mut planted = planted::plant(&mut out);
    planted::finish(
        &mut planted,
        std::mem::take(&mut graph.type_only_value_imports),
    );
    let summary = SampleSummary {
        apps: app_store.apps,
        seed,
        shape: options.shape,
        graph_edges: graph.edges,
        app_store,
        planted,
        ..SampleSummary::default()
    };
    (out, summary)
}

fn count_modules(out: &out::Out) -> usize {
    const EXTS: [&str; 8] = [".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts"];
    out.files
        .keys()
        .filter(|p| EXTS.iter().any(|e| p.ends_with(e)))
        .count()
}

#[cfg(test)]
mod tests {
    /// The module count is exact: the fixed files do not depend on the
    /// number of graph modules (the random streams advance the same way).
    #[test]
    fn fixed_files_do_not_depend_on_the_graph() {
        let options = super::SampleOptions::default();
        let (a, _) = super::build_with(&options, 0);
        let (b, _) = super::build_with(&options, 100);
        assert_eq!(super::count_modules(&a) + 100, super::count_modules(&b));
        assert!(a.files.keys().all(|k| b.files.contains_key(k)));
    }
}
