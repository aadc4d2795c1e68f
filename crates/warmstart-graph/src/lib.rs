//! The module graph of a JS/TS monorepo: parse with oxc, resolve with
//! oxc_resolver (workspace packages without an install), then cycles, cuts
//! and closures per edge view.

mod config;

pub use config::GraphConfig;
