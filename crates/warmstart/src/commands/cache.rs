use clap::Subcommand;

use crate::cli::{CmdResult, GlobalArgs};
use crate::printer::Printer;

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Not available yet.
    Placeholder,
}

pub fn run(_global: &GlobalArgs, _printer: &Printer, _cmd: CacheCommand) -> CmdResult {
    miette::bail!("`warmstart cache` is not available in this build yet")
}
