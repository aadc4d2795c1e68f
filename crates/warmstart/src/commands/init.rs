//! `warmstart init`: detect the repository and print (or with `--write`
//! apply, keeping backups) the edits that make it use warmstart.

use clap::Args;
use warmstart_workspace::Preset;

use crate::cli::{CmdResult, GlobalArgs, Status};
use crate::printer::{Paint, Printer};
use crate::settings::Workspace;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  warmstart init            show what would change\n  \
                        warmstart init --write    apply it (backups: <file>.warmstart-backup)"
)]
pub struct InitArgs {
    /// Apply the edits (otherwise print them as a diff).
    #[arg(long)]
    pub write: bool,
    /// Preset to configure (default: detected).
    #[arg(long, value_parser = ["calcom", "generic"])]
    pub preset: Option<String>,
}

pub fn run(global: &GlobalArgs, printer: &Printer, args: InitArgs) -> CmdResult {
    let ws = Workspace::load(global)?;
    let preset = match &args.preset {
        Some(name) => name.parse::<Preset>().map_err(|e| miette::miette!("{e}"))?,
        None => ws.preset,
    };
    // A refusal is a diagnostic with the file, line and column: exit 2.
    let edits = warmstart_init::plan(&ws.root, preset).map_err(miette::Report::new)?;
    if args.write {
        warmstart_init::apply(&ws.root, &edits).map_err(miette::Report::new)?;
    }
    printer.json(&serde_json::json!({
        "preset": preset.name(),
        "written": args.write,
        "edits": edits,
    }));
    if edits.is_empty() {
        printer.line(format!(
            "{} nothing to change: this repository already uses warmstart (preset {})",
            printer.paint("ok", Paint::Green),
            preset.name()
        ));
        return Ok(Status::Ok);
    }
    for edit in &edits {
        let verb = match (&edit.before, args.write) {
            (None, true) => "created",
            (None, false) => "would create",
            (Some(_), true) => "changed",
            (Some(_), false) => "would change",
        };
        printer.line(format!(
            "{verb} {}: {}",
            printer.paint(&edit.path, Paint::Bold),
            edit.why
        ));
        if !args.write {
            printer.line(edit.diff());
        }
    }
    if !args.write {
        printer.line("run `warmstart init --write` to apply (backups are kept)");
    }
    Ok(Status::Ok)
}
