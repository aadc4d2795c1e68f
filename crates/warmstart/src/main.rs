//! The `warmstart` binary: parse the command line, run one command, map the
//! outcome to an exit code. Everything else lives in the library crates.

mod cli;
mod commands;
mod printer;
mod printer_graph;
mod printer_route;
mod settings;

// The graph commands allocate millions of small strings and vectors on
// rayon's threads (parse results, resolver paths): glibc's malloc and free
// were ~8 % of a cold `graph cycles` on Cal.com (issue 19). oxlint ships
// mimalloc for the same reason.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
