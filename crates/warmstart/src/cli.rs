use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::commands;
use crate::printer::Printer;

/// Exit codes shared by every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Everything went well.
    Ok = 0,
    /// A check failed or problems were found.
    Failed = 1,
    /// Bad usage or bad input.
    Error = 2,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> Self {
        ExitCode::from(s as u8)
    }
}

/// The result of a command: a status, or an error that is printed as a
/// diagnostic and exits 2 (bad input) unless it says otherwise.
pub type CmdResult = miette::Result<Status>;

#[derive(Debug, Parser)]
#[command(
    name = "warmstart",
    version,
    about = "Make the dev server of a large JS/TS monorepo start warm.",
    long_about = "warmstart replaces the slow steps of a monorepo's dev server start with \
                  fast native ones (app registries, static assets, caches), analyses the module \
                  graph, and measures the result.",
    after_help = "Examples:\n  warmstart demo                  run everything on a generated sample\n  \
                  warmstart apps build            regenerate the app-store registries\n  \
                  warmstart assets setup          link app statics into public/\n  \
                  warmstart graph cycles apps packages"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Print machine-readable JSON on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more detail (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// When to use colors.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Repository root (default: found from the current folder upwards).
    #[arg(long, global = true, value_name = "DIR", env = "WARMSTART_ROOT")]
    pub root: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// App-store registries: build, check, watch.
    #[command(subcommand)]
    Apps(commands::apps::AppsCommand),
    /// Static assets: link app statics into the web app's public folder.
    #[command(subcommand)]
    Assets(commands::assets::AssetsCommand),
    /// Module graph: cycles, closures, import paths.
    #[command(subcommand)]
    Graph(commands::graph::GraphCommand),
    /// The on-disk cache: statistics and clearing.
    #[command(subcommand)]
    Cache(commands::cache::CacheCommand),
    /// Prepare, start, watch and measure the dev server.
    Dev(commands::dev::DevArgs),
    /// Start a command several times and report startup metrics.
    Bench(commands::dev::BenchArgs),
    /// Show the history of dev-server runs (terminal table or HTML).
    Report(commands::dev::ReportArgs),
    /// Write a Cal.com-shaped sample monorepo.
    Sample(commands::sample::SampleArgs),
    /// Generate the sample in a temporary folder and run every step on it.
    Demo(commands::demo::DemoArgs),
    /// Configure this repository for warmstart (warmstart.json, scripts, next.config.js).
    Init(commands::init::InitArgs),
    /// Check that everything warmstart manages is healthy.
    Doctor(commands::doctor::DoctorArgs),
    /// Print the JSON Schema of warmstart.json.
    #[command(after_help = "Example:\n  warmstart schema > warmstart.schema.json")]
    Schema,
    /// Print shell completions or a man page.
    #[command(
        after_help = "Examples:\n  warmstart completions bash > /etc/bash_completion.d/warmstart\n  \
                            warmstart completions man > warmstart.1"
    )]
    Completions(commands::completions::CompletionsArgs),
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let printer = Printer::new(&cli.global);
    let result = match cli.command {
        Command::Apps(cmd) => commands::apps::run(&cli.global, &printer, cmd),
        Command::Assets(cmd) => commands::assets::run(&cli.global, &printer, cmd),
        Command::Graph(cmd) => commands::graph::run(&cli.global, &printer, cmd),
        Command::Cache(cmd) => commands::cache::run(&cli.global, &printer, cmd),
        Command::Dev(args) => commands::dev::run_dev(&cli.global, &printer, args),
        Command::Bench(args) => commands::dev::run_bench(&cli.global, &printer, args),
        Command::Report(args) => commands::dev::run_report(&cli.global, &printer, args),
        Command::Sample(args) => commands::sample::run(&printer, args),
        Command::Demo(args) => commands::demo::run(&printer, args),
        Command::Init(args) => commands::init::run(&cli.global, &printer, args),
        Command::Doctor(args) => commands::doctor::run(&cli.global, &printer, args),
        Command::Schema => commands::schema::run(&printer),
        Command::Completions(args) => commands::completions::run(args),
    };
    match result {
        Ok(status) => status.into(),
        Err(report) => {
            printer.error(&report);
            Status::Error.into()
        }
    }
}
