//! One module per command group. Each parses its own arguments (clap
//! derive), loads the workspace when it needs one, calls into a library
//! crate and prints through the [`Printer`](crate::printer::Printer).

pub mod apps;
pub mod assets;
pub mod barrels;
pub mod cache;
pub mod completions;
pub mod demo;
pub mod dev;
mod dev_bench;
mod dev_extras;
pub(crate) mod dev_prepare;
mod dev_print;
pub mod doctor;
pub mod graph;
pub mod graph_ready;
pub mod init;
pub mod sample;
pub mod schema;
