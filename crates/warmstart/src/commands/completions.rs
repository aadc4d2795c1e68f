use clap::{Args, CommandFactory, ValueEnum};

use crate::cli::{Cli, CmdResult, Status};

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for, or `man` for a man page (roff).
    #[arg(value_enum)]
    pub target: Target,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Target {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
    Man,
}

pub fn run(args: CompletionsArgs) -> CmdResult {
    let mut cmd = Cli::command();
    let mut out = std::io::stdout().lock();
    let shell = match args.target {
        Target::Bash => clap_complete::Shell::Bash,
        Target::Zsh => clap_complete::Shell::Zsh,
        Target::Fish => clap_complete::Shell::Fish,
        Target::Powershell => clap_complete::Shell::PowerShell,
        Target::Elvish => clap_complete::Shell::Elvish,
        Target::Man => {
            clap_mangen::Man::new(cmd)
                .render(&mut out)
                .map_err(|e| miette::miette!("cannot write the man page: {e}"))?;
            return Ok(Status::Ok);
        }
    };
    clap_complete::generate(shell, &mut cmd, "warmstart", &mut out);
    Ok(Status::Ok)
}
