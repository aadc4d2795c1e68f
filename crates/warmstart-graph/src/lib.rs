//! The module graph of a JS/TS monorepo: parse with oxc, resolve with
//! oxc_resolver (workspace packages without an install), then cycles, cuts
//! and closures per edge view.
//!
//! ```no_run
//! use warmstart_graph::{BuildOptions, build, report};
//! let graph = build(&BuildOptions::new("/path/to/repo"));
//! let report = report::analyse(&graph, report::AnalysisOptions::default());
//! println!("{} runtime groups", report.views.runtime.groups);
//! ```

pub mod barrels;
pub mod baseline;
mod build;
pub mod cache;
pub mod check;
pub mod codemod;
mod config;
pub mod cycles;
mod error;
pub mod firstpage;
pub mod fix;
pub mod fix_types;
pub mod format;
mod linked;
mod listing;
pub mod memo;
pub mod parse;
pub mod query;
mod reach;
pub mod ready;
mod relative;
mod render;
pub mod report;
pub mod resolve;
pub mod route;
mod scan;
pub mod session;
mod share;
pub mod view;
mod walk;
pub mod workspaces;

pub use build::{
    BuildOptions, BuildStats, DEFAULT_MAX_FILE_BYTES, Edge, FileProblem, Module, ModuleGraph,
    ParseFn, Unresolved, build, build_with, parse_bytes, parse_file,
};
pub use config::{GraphConfig, ReadyConfig};
pub use error::GraphError;
pub use parse::{EdgeKind, ParsedFile, RawImport};
pub use render::Rendered;
pub use view::View;
pub use walk::is_source;
