//! init's rewrite of the dev chain's statics copy steps.
//!
//! - A script step that only copies (`yarn copy-app-store-static`, `node
//!   scripts/copy.js`, `turbo run copy-app-store-static`) becomes `warmstart
//!   assets setup`; a `turbo run copy x` step loses the copy task and gets
//!   `warmstart assets setup &&` in front. The copy script itself stays:
//!   builds still need real files.
//! - A turbo `dependsOn` entry of a dev task that only copies is removed,
//!   and the package's own `dev` script gets `warmstart assets setup &&` in
//!   front when it does not run it yet.
//!
//! A step inside a script that also runs outside dev (a build) is refused:
//! rewriting it would take the copy out of the build too.

use std::collections::BTreeMap;

use super::command::{self, Runs};
use super::walk::{Found, StepRewrite, TURBO_JSON, Walker};
use super::{ASSETS_SETUP, StepKind};
use crate::{Draft, InitError, jsonfile};

/// Script commands by `(package, script name)`.
type Commands = BTreeMap<(usize, String), String>;

pub(crate) fn plan(draft: &mut Draft, web_app: &str) -> Result<(), InitError> {
    let mut walker = Walker::new(draft.root(), web_app)?;
    // (the walker reads the files on disk; edits go through the draft)
    let (found, _) = walker.find()?;
    if let Some(f) = found.iter().find(|f| f.step.not_rewritable.is_some()) {
        return Err(not_rewritable(draft, f)?);
    }
    // Script steps, grouped by script, rewritten back to front.
    let mut scripts: BTreeMap<(usize, String), Vec<&Found>> = BTreeMap::new();
    let mut turbo: Vec<&Found> = Vec::new();
    for f in &found {
        match f.step.kind {
            StepKind::Script => scripts
                .entry((f.package, f.step.holder.clone()))
                .or_default()
                .push(f),
            StepKind::TurboDependency => turbo.push(f),
        }
    }
    let mut new_commands = rewrite_scripts(draft, &walker, scripts)?;
    if !turbo.is_empty() && !drop_turbo_dependencies(draft, &walker, &turbo, &mut new_commands)? {
        return Ok(());
    }
    for ((package, name), command) in new_commands {
        let rel = walker.package(package).json();
        let Some(text) = draft.text(&rel)? else {
            continue;
        };
        if current(draft, &rel, &name)?.as_deref() == Some(command.as_str()) {
            continue;
        }
        let after = jsonfile::replace_script(&rel, &text, &name, &command)?;
        draft.set(
            &rel,
            after,
            &format!("`{name}` links the app statics (`{ASSETS_SETUP}`) instead of copying them"),
        )?;
    }
    Ok(())
}

/// The refusal of a copy step init cannot rewrite, pointing at it.
fn not_rewritable(draft: &Draft, f: &Found) -> Result<InitError, InitError> {
    let text = draft.text(&f.step.file)?.unwrap_or_default();
    let error = warmstart_workspace::SourceError::new(
        std::path::Path::new(&f.step.file),
        &text,
        f.file_range.clone(),
        format!(
            "`{}` copies app statics in dev, but {}",
            f.step.step,
            f.step.not_rewritable.as_deref().unwrap_or_default()
        ),
        "runs the copy",
    )
    .with_help(format!(
        "replace that step with `{ASSETS_SETUP}` in the dev chain by hand, then run init again"
    ));
    Ok(Box::new(error).into())
}

/// The scripts with their copy steps rewritten. Commands are rewritten from
/// the text earlier init steps left (the root `dev` may have been
/// prefixed), finding each step again by its text, so ranges computed on
/// disk never cut the wrong bytes.
fn rewrite_scripts(
    draft: &Draft,
    walker: &Walker<'_>,
    scripts: BTreeMap<(usize, String), Vec<&Found>>,
) -> Result<Commands, InitError> {
    let mut new_commands = Commands::new();
    for ((package, name), steps) in scripts {
        let rel = walker.package(package).json();
        let Some(command) = current(draft, &rel, &name)? else {
            continue;
        };
        let out = rewrite_command(&command, &steps);
        new_commands.insert((package, name), out);
    }
    Ok(new_commands)
}

/// One command with its copy steps replaced, back to front.
fn rewrite_command(command: &str, steps: &[&Found]) -> String {
    let mut located: Vec<(std::ops::Range<usize>, &Found)> = Vec::new();
    let now = command::steps(command);
    for f in steps {
        let original = &f.step.step;
        let hit = now.iter().find(|s| {
            &command[s.range.clone()] == original && !located.iter().any(|(r, _)| *r == s.range)
        });
        if let Some(s) = hit {
            located.push((s.range.clone(), f));
        }
    }
    located.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut out = command.to_string();
    for (range, f) in located {
        let replacement = match &f.rewrite {
            StepRewrite::Replace => ASSETS_SETUP.to_string(),
            StepRewrite::DropTasks(tasks) => {
                format!(
                    "{ASSETS_SETUP} && {}",
                    without_words(&out[range.clone()], tasks)
                )
            }
        };
        out.replace_range(range, &replacement);
    }
    out
}

/// Turbo dependencies: drop the entries; the package's script for the
/// task links the statics first. False when there is no turbo.json to
/// edit (nothing more is written then).
fn drop_turbo_dependencies(
    draft: &mut Draft,
    walker: &Walker<'_>,
    turbo: &[&Found],
    new_commands: &mut Commands,
) -> Result<bool, InitError> {
    let Some(mut text) = draft.text(TURBO_JSON)? else {
        return Ok(false);
    };
    let mut removed = Vec::new();
    for f in turbo {
        let tasks = jsonfile::turbo_tasks(TURBO_JSON, &text)?;
        let entry = tasks
            .iter()
            .find(|t| t.key == f.step.holder)
            .and_then(|t| t.depends_on.iter().find(|(d, _)| *d == f.step.step));
        let Some((_, range)) = entry else { continue };
        let cut = jsonfile::array_removal(TURBO_JSON, &text, range.clone())?;
        text.replace_range(cut, "");
        removed.push(format!("`{}` from `{}`", f.step.step, f.step.holder));
    }
    draft.set(
        TURBO_JSON,
        text,
        &format!(
            "dev no longer waits for the statics copy: removed {} (dev links them instead)",
            removed.join(", ")
        ),
    )?;
    for f in turbo {
        let task = f
            .step
            .holder
            .rsplit('#')
            .next()
            .unwrap_or("dev")
            .to_string();
        let key = (f.package, task.clone());
        let rel = walker.package(f.package).json();
        let command = match new_commands.get(&key) {
            Some(c) => c.clone(),
            None => match current(draft, &rel, &task)? {
                Some(c) => c,
                None => continue,
            },
        };
        let runs_setup = command::steps(&command)
            .iter()
            .any(|s| command::runs(&s.words, &|_| false) == Runs::AssetsSetup);
        if !runs_setup {
            new_commands.insert(key, format!("{ASSETS_SETUP} && {command}"));
        }
    }
    Ok(true)
}

/// The command of script `name` in `rel` as the draft has it now.
fn current(draft: &Draft, rel: &str, name: &str) -> Result<Option<String>, InitError> {
    let Some(text) = draft.text(rel)? else {
        return Ok(None);
    };
    Ok(jsonfile::scripts(rel, &text)?
        .into_iter()
        .find(|s| s.name == name)
        .map(|s| s.command))
}

/// `step` without the words in `drop` (kept as written otherwise).
fn without_words(step: &str, drop: &[String]) -> String {
    step.split(' ')
        .filter(|w| !drop.iter().any(|d| d == w))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn drops_only_whole_words() {
        assert_eq!(
            super::without_words(
                "turbo run copy-static copy-static-x",
                &["copy-static".to_string()]
            ),
            "turbo run copy-static-x"
        );
    }
}
