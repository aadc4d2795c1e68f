//! package.json and turbo.json read with byte ranges (jsonc-parser), so
//! edits are splices at the exact place and the rest of the file — order,
//! spacing, comments in turbo.json — stays as it was.

use std::ops::Range;
use std::path::Path;

use jsonc_parser::ast::{Object, Value};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};

use crate::InitError;

/// Parses `text` (the file `rel`) and hands its top-level object to `f`.
pub(crate) fn with_object<T>(
    rel: &str,
    text: &str,
    f: impl FnOnce(&Object) -> T,
) -> Result<T, InitError> {
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    let parsed =
        jsonc_parser::parse_to_ast(text, &collect, &ParseOptions::default()).map_err(|e| {
            let r = e.range();
            Box::new(warmstart_workspace::SourceError::new(
                Path::new(rel),
                text,
                r.start..r.end,
                format!("invalid JSON: {}", e.kind()),
                "here",
            ))
        })?;
    match parsed.value {
        Some(Value::Object(top)) => Ok(f(&top)),
        _ => Err(InitError::Unsupported {
            path: rel.to_string(),
            message: "expected a JSON object".into(),
        }),
    }
}

/// One `"name": "command"` of `scripts`.
#[derive(Debug, Clone)]
pub(crate) struct Script {
    pub name: String,
    pub command: String,
    /// Range of the string literal (quotes included) in the file.
    pub range: Range<usize>,
}

/// The string scripts of a package.json, in file order.
pub(crate) fn scripts(rel: &str, text: &str) -> Result<Vec<Script>, InitError> {
    with_object(rel, text, |top| {
        let Some(scripts) = top.get_object("scripts") else {
            return Vec::new();
        };
        scripts
            .properties
            .iter()
            .filter_map(|p| match &p.value {
                Value::StringLit(s) => Some(Script {
                    name: p.name.as_str().to_string(),
                    command: s.value.to_string(),
                    range: s.range.start..s.range.end,
                }),
                _ => None,
            })
            .collect()
    })
}

/// The `name` field of a package.json.
pub(crate) fn package_name(rel: &str, text: &str) -> Result<Option<String>, InitError> {
    with_object(rel, text, |top| {
        top.get_string("name").map(|s| s.value.to_string())
    })
}

/// The `workspaces` globs of a root package.json (array, or `{ packages }`).
pub(crate) fn workspaces(rel: &str, text: &str) -> Result<Vec<String>, InitError> {
    with_object(rel, text, |top| {
        let array = top
            .get_array("workspaces")
            .or_else(|| top.get_object("workspaces")?.get_array("packages"));
        array
            .map(|a| {
                a.elements
                    .iter()
                    .filter_map(|e| match e {
                        Value::StringLit(s) => Some(s.value.to_string()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// One turbo task definition: its key (`dev`, `@calcom/web#dev`) and its
/// `dependsOn` entries with their ranges.
#[derive(Debug, Clone)]
pub(crate) struct TurboTask {
    pub key: String,
    pub depends_on: Vec<(String, Range<usize>)>,
}

/// The tasks of a turbo.json (`tasks` in turbo 2, `pipeline` in turbo 1).
pub(crate) fn turbo_tasks(rel: &str, text: &str) -> Result<Vec<TurboTask>, InitError> {
    with_object(rel, text, |top| {
        let Some(tasks) = top
            .get_object("tasks")
            .or_else(|| top.get_object("pipeline"))
        else {
            return Vec::new();
        };
        tasks
            .properties
            .iter()
            .map(|p| TurboTask {
                key: p.name.as_str().to_string(),
                depends_on: match &p.value {
                    Value::Object(o) => o
                        .get_array("dependsOn")
                        .map(|a| {
                            a.elements
                                .iter()
                                .filter_map(|e| match e {
                                    Value::StringLit(s) => {
                                        Some((s.value.to_string(), s.range.start..s.range.end))
                                    }
                                    _ => None,
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    _ => Vec::new(),
                },
            })
            .collect()
    })
}

/// The byte range to delete to remove the array element at `element` (its
/// range) from `text`, with the comma and space that separated it.
pub(crate) fn array_removal(
    rel: &str,
    text: &str,
    element: Range<usize>,
) -> Result<Range<usize>, InitError> {
    // Find the array holding the element to learn its neighbours.
    fn find<'a>(value: &'a Value<'a>, element: &Range<usize>) -> Option<Vec<Range<usize>>> {
        match value {
            Value::Array(a) => {
                if a.elements.iter().any(|e| e.start() == element.start) {
                    return Some(a.elements.iter().map(|e| e.start()..e.end()).collect());
                }
                a.elements.iter().find_map(|e| find(e, element))
            }
            Value::Object(o) => o.properties.iter().find_map(|p| find(&p.value, element)),
            _ => None,
        }
    }
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    let parsed =
        jsonc_parser::parse_to_ast(text, &collect, &ParseOptions::default()).map_err(|e| {
            InitError::Unsupported {
                path: rel.to_string(),
                message: format!("invalid JSON: {}", e.kind()),
            }
        })?;
    let siblings = parsed
        .value
        .as_ref()
        .and_then(|v| find(v, &element))
        .ok_or_else(|| InitError::Unsupported {
            path: rel.to_string(),
            message: "the dependsOn entry moved while planning".into(),
        })?;
    let i = siblings
        .iter()
        .position(|r| r.start == element.start)
        .unwrap_or(0);
    Ok(if let Some(next) = siblings.get(i + 1) {
        element.start..next.start
    } else if i > 0 {
        siblings[i - 1].end..element.end
    } else {
        element
    })
}

/// `text` with the value of script `name` replaced by `command` (the
/// script must exist).
pub(crate) fn replace_script(
    rel: &str,
    text: &str,
    name: &str,
    command: &str,
) -> Result<String, InitError> {
    let script = scripts(rel, text)?
        .into_iter()
        .find(|s| s.name == name)
        .ok_or_else(|| InitError::Unsupported {
            path: rel.to_string(),
            message: format!("script `{name}` disappeared while planning"),
        })?;
    let literal = serde_json::to_string(command).expect("strings serialize");
    let mut out = text.to_string();
    out.replace_range(script.range, &literal);
    Ok(out)
}
