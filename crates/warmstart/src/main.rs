//! The `warmstart` binary: parse the command line, run one command, map the
//! outcome to an exit code. Everything else lives in the library crates.

mod cli;
mod commands;
mod printer;
mod printer_graph;
mod printer_route;
mod settings;

fn main() -> std::process::ExitCode {
    cli::run()
}
