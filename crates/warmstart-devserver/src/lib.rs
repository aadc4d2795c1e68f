//! Runs and measures a dev server: spawn in its own process group,
//! readiness by output or probe, first page, hot reload, memory, metrics
//! history, budgets and reports.

mod config;

pub use config::DevConfig;
