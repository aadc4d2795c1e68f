//! package.json script edits, made as text splices at the exact byte range
//! of the value so the rest of the file (order, spacing) stays as it was.

use std::path::Path;

use jsonc_parser::ast::{ObjectPropName, Value as Node};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};

use crate::{Draft, InitError};

/// What warmstart runs before the dev server: in `predev` where the
/// package manager runs pre hooks, else in front of `dev` itself.
const PREPARE: &str = "warmstart apps build && warmstart assets setup";
const APPS_BUILD: &str = "warmstart apps build";

struct ScriptChange {
    name: &'static str,
    /// New value given the current one (`None`: leave it).
    update: fn(Option<&str>) -> Option<String>,
}

pub(crate) fn plan(draft: &mut Draft) -> Result<(), InitError> {
    let mut root_changes = vec![
        ScriptChange {
            name: "app-store:build",
            update: |cur| replace_unless_warmstart(cur, "warmstart apps build"),
        },
        ScriptChange {
            name: "app-store:watch",
            update: |cur| replace_unless_warmstart(cur, "warmstart apps build --watch"),
        },
    ];
    let hook = if runs_pre_hooks(draft)? {
        ScriptChange {
            name: "predev",
            update: |cur| match cur {
                Some(c) if c.contains(APPS_BUILD) => None,
                Some(c) if !c.trim().is_empty() => Some(format!("{PREPARE} && {c}")),
                _ => Some(PREPARE.to_string()),
            },
        }
    } else {
        // Yarn 2+ (Cal.com pins yarn 3) and pnpm 7+ never run `predev`
        // for `dev`: the steps go in front of `dev` itself.
        ScriptChange {
            name: "dev",
            update: |cur| match cur {
                Some(c) if c.contains(APPS_BUILD) => None,
                // The statics rewrite may already have put the link step there.
                Some(c) if c.trim_start().starts_with(super::statics::ASSETS_SETUP) => {
                    Some(format!("{APPS_BUILD} && {c}"))
                }
                Some(c) if !c.trim().is_empty() => Some(format!("{PREPARE} && {c}")),
                _ => None,
            },
        }
    };
    root_changes.push(hook);
    edit_scripts(draft, "package.json", &root_changes)?;
    // app-store-cli's own post-install runs build.ts through ts-node on every
    // install; point it at warmstart.
    let cli_changes = [ScriptChange {
        name: "post-install",
        update: |cur| match cur {
            Some(c) if !c.contains("warmstart") => Some("warmstart apps build".to_string()),
            _ => None,
        },
    }];
    edit_scripts(draft, "packages/app-store-cli/package.json", &cli_changes)
}

/// Does `npm run dev`-style running of this repository call `predev` first?
/// npm and yarn 1 do; yarn 2+ does not (only a fixed set of lifecycle
/// scripts); pnpm 7+ only with `enable-pre-post-scripts=true` in `.npmrc`.
/// Read from `packageManager`, else from the lockfile and yarn's config.
fn runs_pre_hooks(draft: &Draft) -> Result<bool, InitError> {
    let root = draft.root();
    let manager = draft
        .text("package.json")?
        .and_then(|t| {
            crate::jsonfile::with_object("package.json", &t, |o| {
                o.get_string("packageManager").map(|s| s.value.to_string())
            })
            .ok()
            .flatten()
        })
        .unwrap_or_default();
    let pnpm_hooks = || {
        std::fs::read_to_string(root.join(".npmrc")).is_ok_and(|t| {
            t.lines()
                .any(|l| l.replace(' ', "") == "enable-pre-post-scripts=true")
        })
    };
    if let Some(version) = manager.strip_prefix("yarn@") {
        return Ok(version.starts_with("1."));
    }
    if manager.starts_with("pnpm@") {
        return Ok(pnpm_hooks());
    }
    if manager.starts_with("npm@") {
        return Ok(true);
    }
    if root.join(".yarnrc.yml").is_file() {
        return Ok(false);
    }
    if root.join("pnpm-lock.yaml").is_file() {
        return Ok(pnpm_hooks());
    }
    Ok(true)
}

fn replace_unless_warmstart(cur: Option<&str>, new: &str) -> Option<String> {
    match cur {
        Some(c) if c.contains("warmstart") => None,
        Some(_) => Some(new.to_string()),
        None => None,
    }
}

fn edit_scripts(draft: &mut Draft, rel: &str, changes: &[ScriptChange]) -> Result<(), InitError> {
    let Some(text) = draft.text(rel)? else {
        return Ok(());
    };
    let options = ParseOptions::default();
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    let parsed = jsonc_parser::parse_to_ast(&text, &collect, &options).map_err(|e| {
        let r = e.range();
        Box::new(warmstart_workspace::SourceError::new(
            Path::new(rel),
            &text,
            r.start..r.end,
            format!("invalid JSON: {}", e.kind()),
            "here",
        ))
    })?;
    let Some(Node::Object(top)) = parsed.value else {
        return Err(InitError::Unsupported {
            path: rel.to_string(),
            message: "expected a JSON object".into(),
        });
    };
    let Some(scripts) = top.properties.iter().find(|p| name(&p.name) == "scripts") else {
        return Ok(());
    };
    let Node::Object(scripts) = &scripts.value else {
        return Ok(());
    };
    // Splices as (range, replacement), applied back to front.
    let mut splices: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut whys = Vec::new();
    for change in changes {
        let prop = scripts
            .properties
            .iter()
            .find(|p| name(&p.name) == change.name);
        let current = prop.and_then(|p| match &p.value {
            Node::StringLit(s) => Some(s.value.as_ref()),
            _ => None,
        });
        let Some(new) = (change.update)(current) else {
            continue;
        };
        let literal = serde_json::to_string(&new).expect("strings serialize");
        match prop {
            Some(p) => splices.push((p.value.start()..p.value.end(), literal)),
            None => {
                // Add the script after the last one, with the same indent.
                let Some(last) = scripts.properties.last() else {
                    continue;
                };
                let indent = indent_of(&text, last.start());
                splices.push((
                    last.end()..last.end(),
                    format!(",\n{indent}\"{}\": {literal}", change.name),
                ));
            }
        }
        whys.push(format!("`{}` runs warmstart", change.name));
    }
    if splices.is_empty() {
        return Ok(());
    }
    splices.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut after = text.clone();
    for (range, with) in splices {
        after.replace_range(range, &with);
    }
    draft.set(rel, after, &whys.join(", "))
}

fn name<'a>(n: &'a ObjectPropName<'a>) -> &'a str {
    match n {
        ObjectPropName::String(s) => s.value.as_ref(),
        ObjectPropName::Word(w) => w.value,
    }
}

fn indent_of(text: &str, offset: usize) -> &str {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..offset];
    &line[..line.len() - line.trim_start().len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(root: &Path) -> Vec<crate::Edit> {
        let mut draft = Draft::new(root);
        plan(&mut draft).unwrap();
        draft.into_edits()
    }

    #[test]
    fn predev_is_prefixed_and_layout_kept() {
        let dir = tempfile::tempdir().unwrap();
        let text = "{\n  \"name\": \"root\",\n  \"scripts\": {\n    \"app-store:build\": \"yarn app-store-cli build\",\n    \"predev\": \"echo 'Checking env files'\"\n  }\n}\n";
        std::fs::write(dir.path().join("package.json"), text).unwrap();
        let edits = planned(dir.path());
        assert_eq!(edits.len(), 1);
        assert_eq!(
            edits[0].after,
            "{\n  \"name\": \"root\",\n  \"scripts\": {\n    \"app-store:build\": \"warmstart apps build\",\n    \"predev\": \"warmstart apps build && warmstart assets setup && echo 'Checking env files'\"\n  }\n}\n"
        );
        std::fs::write(dir.path().join("package.json"), &edits[0].after).unwrap();
        assert!(planned(dir.path()).is_empty(), "second plan is empty");
    }

    #[test]
    fn missing_predev_is_added() {
        let dir = tempfile::tempdir().unwrap();
        let text = "{\n  \"scripts\": {\n    \"dev\": \"next dev\"\n  }\n}\n";
        std::fs::write(dir.path().join("package.json"), text).unwrap();
        let edits = planned(dir.path());
        assert_eq!(
            edits[0].after,
            "{\n  \"scripts\": {\n    \"dev\": \"next dev\",\n    \"predev\": \"warmstart apps build && warmstart assets setup\"\n  }\n}\n"
        );
    }

    /// Cal.com pins yarn 3, which runs no `predev`: the steps go in front
    /// of `dev`, `predev` is left alone, and a second run changes nothing.
    #[test]
    fn yarn_berry_gets_the_steps_in_front_of_dev() {
        let dir = tempfile::tempdir().unwrap();
        let text = "{\n  \"scripts\": {\n    \"dev\": \"turbo run dev --filter=@calcom/web\",\n    \"predev\": \"echo 'Checking env files'\"\n  },\n  \"packageManager\": \"yarn@3.4.1\"\n}\n";
        std::fs::write(dir.path().join("package.json"), text).unwrap();
        let edits = planned(dir.path());
        assert_eq!(
            edits[0].after,
            "{\n  \"scripts\": {\n    \"dev\": \"warmstart apps build && warmstart assets setup && turbo run dev --filter=@calcom/web\",\n    \"predev\": \"echo 'Checking env files'\"\n  },\n  \"packageManager\": \"yarn@3.4.1\"\n}\n"
        );
        std::fs::write(dir.path().join("package.json"), &edits[0].after).unwrap();
        assert!(planned(dir.path()).is_empty());

        // yarn 1 runs pre hooks; so does a repository without packageManager
        // unless yarn's 2+ config file is there.
        for (manager, hook) in [
            ("yarn@1.22.19", "predev"),
            ("npm@10.2.0", "predev"),
            ("pnpm@9.1.0", "dev"),
        ] {
            let text = format!(
                "{{\n  \"scripts\": {{\n    \"dev\": \"next dev\"\n  }},\n  \"packageManager\": \"{manager}\"\n}}\n"
            );
            std::fs::write(dir.path().join("package.json"), text).unwrap();
            let after = &planned(dir.path())[0].after;
            let edited = if hook == "dev" {
                after.contains(
                    "\"dev\": \"warmstart apps build && warmstart assets setup && next dev\"",
                )
            } else {
                after.contains("\"predev\": \"warmstart apps build && warmstart assets setup\"")
            };
            assert!(edited, "{manager}: {after}");
        }
        std::fs::write(
            dir.path().join("package.json"),
            "{\n  \"scripts\": {\n    \"dev\": \"next dev\"\n  }\n}\n",
        )
        .unwrap();
        std::fs::write(dir.path().join(".yarnrc.yml"), "nodeLinker: node-modules\n").unwrap();
        assert!(
            planned(dir.path())[0]
                .after
                .contains("\"dev\": \"warmstart apps build")
        );
    }
}
