use clap::Args;

use crate::cli::{CmdResult, GlobalArgs};
use crate::printer::Printer;

#[derive(Debug, Args)]
pub struct DevArgs {
    /// The dev-server command (default from warmstart.json).
    #[arg(last = true)]
    pub command: Vec<String>,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// The command to start and measure.
    #[arg(last = true)]
    pub command: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {}

pub fn run_dev(_global: &GlobalArgs, _printer: &Printer, _args: DevArgs) -> CmdResult {
    miette::bail!("`warmstart dev` is not available in this build yet")
}

pub fn run_bench(_global: &GlobalArgs, _printer: &Printer, _args: BenchArgs) -> CmdResult {
    miette::bail!("`warmstart bench` is not available in this build yet")
}

pub fn run_report(_global: &GlobalArgs, _printer: &Printer, _args: ReportArgs) -> CmdResult {
    miette::bail!("`warmstart report` is not available in this build yet")
}
