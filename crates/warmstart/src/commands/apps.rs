use clap::Subcommand;

use crate::cli::{CmdResult, GlobalArgs};
use crate::printer::Printer;

#[derive(Debug, Subcommand)]
pub enum AppsCommand {
    /// Not available yet.
    Placeholder,
}

pub fn run(_global: &GlobalArgs, _printer: &Printer, _cmd: AppsCommand) -> CmdResult {
    miette::bail!("`warmstart apps` is not available in this build yet")
}
