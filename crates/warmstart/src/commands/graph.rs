use clap::Subcommand;

use crate::cli::{CmdResult, GlobalArgs};
use crate::printer::Printer;

#[derive(Debug, Subcommand)]
pub enum GraphCommand {
    /// Not available yet.
    Placeholder,
}

pub fn run(_global: &GlobalArgs, _printer: &Printer, _cmd: GraphCommand) -> CmdResult {
    miette::bail!("`warmstart graph` is not available in this build yet")
}
