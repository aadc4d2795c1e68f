use clap::Subcommand;

use crate::cli::{CmdResult, GlobalArgs};
use crate::printer::Printer;

#[derive(Debug, Subcommand)]
pub enum AssetsCommand {
    /// Not available yet.
    Placeholder,
}

pub fn run(_global: &GlobalArgs, _printer: &Printer, _cmd: AssetsCommand) -> CmdResult {
    miette::bail!("`warmstart assets` is not available in this build yet")
}
