//! JSON with comments and trailing commas, with errors that point at the
//! place in the file: syntax errors from the parser, type errors from serde
//! mapped back through the JSON path to the value that is wrong.

use std::path::Path;

use jsonc_parser::ast::{ObjectPropName, Value as Node};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diag::SourceError;

fn options() -> ParseOptions {
    ParseOptions {
        allow_comments: true,
        allow_trailing_commas: true,
        // Comments and trailing commas are what people write in config
        // files; everything else stays strict JSON.
        allow_loose_object_property_names: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// Parses `text` (JSON with comments and trailing commas) into a value.
pub fn parse(display_path: &Path, text: &str) -> Result<Value, SourceError> {
    let text_no_bom = text.strip_prefix('\u{feff}').unwrap_or(text);
    let offset = text.len() - text_no_bom.len();
    match jsonc_parser::parse_to_serde_value::<Option<Value>>(text_no_bom, &options()) {
        Ok(Some(value)) => Ok(value),
        Ok(None) => Err(SourceError::new(
            display_path,
            text,
            0..0,
            "the file is empty",
            "expected a JSON value here",
        )),
        Err(err) => {
            let r = err.range();
            Err(SourceError::new(
                display_path,
                text,
                r.start + offset..r.end + offset,
                format!("invalid JSON: {}", err.kind()),
                "here",
            )
            .with_help("fix the syntax; comments and trailing commas are allowed"))
        }
    }
}

/// Deserializes `value` into `T`; on a type error, points at the node of
/// `text` that the failing JSON path names (or the nearest ancestor that
/// exists in the file, when the value came from a default).
pub fn deserialize<T: DeserializeOwned>(
    display_path: &Path,
    text: &str,
    value: Value,
) -> Result<T, SourceError> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let range = locate(text, &path).unwrap_or(0..0);
        let message = if path == "." {
            inner.to_string()
        } else {
            format!("{path}: {inner}")
        };
        SourceError::new(display_path, text, range, message, "this value")
            .with_help("see warmstart.schema.json for the expected shape")
    })
}

/// Parses and deserializes in one step.
pub fn from_str<T: DeserializeOwned>(display_path: &Path, text: &str) -> Result<T, SourceError> {
    let value = parse(display_path, text)?;
    deserialize(display_path, text, value)
}

/// Byte range of the node at a serde_path_to_error path such as
/// `apps.registries[2].file`, or of its deepest ancestor present in `text`.
pub fn locate(text: &str, path: &str) -> Option<std::ops::Range<usize>> {
    let text_no_bom = text.strip_prefix('\u{feff}').unwrap_or(text);
    let offset = text.len() - text_no_bom.len();
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    let parsed = jsonc_parser::parse_to_ast(text_no_bom, &collect, &options()).ok()?;
    let mut node: &Node = parsed.value.as_ref()?;
    let mut range = node.range();
    for seg in split_path(path) {
        let next = match (node, seg) {
            (Node::Object(obj), Seg::Key(key)) => obj
                .properties
                .iter()
                .find(|p| prop_name(&p.name) == key)
                .map(|p| &p.value),
            (Node::Array(arr), Seg::Index(i)) => arr.elements.get(i),
            _ => None,
        };
        match next {
            Some(n) => {
                node = n;
                range = n.range();
            }
            None => break,
        }
    }
    Some(range.start + offset..range.end + offset)
}

fn prop_name<'a>(name: &'a ObjectPropName<'a>) -> &'a str {
    match name {
        ObjectPropName::String(s) => s.value.as_ref(),
        ObjectPropName::Word(w) => w.value,
    }
}

enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn split_path(path: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    if path == "." || path.is_empty() {
        return out;
    }
    for part in path.split('.') {
        let (key, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Seg::Key(key));
        }
        for idx in rest.split('[').filter(|s| !s.is_empty()) {
            if let Ok(i) = idx.trim_end_matches(']').parse() {
                out.push(Seg::Index(i));
            }
        }
    }
    out
}

/// Deep-merges `overlay` into `base`: objects merge key by key, `null`
/// removes a key, anything else replaces. This is how a user's
/// `warmstart.json` is laid over a preset.
pub fn merge(base: &mut Value, overlay: Value) {
    match (base, overlay) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                if v.is_null() {
                    b.remove(&k);
                } else if let Some(slot) = b.get_mut(&k) {
                    merge(slot, v);
                } else {
                    b.insert(k, v);
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Cfg {
        apps: Apps,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Apps {
        dir: String,
        list: Vec<u32>,
    }

    #[test]
    fn comments_and_trailing_commas_are_fine() {
        let text = "{\n // c\n \"apps\": { \"dir\": \"x\", \"list\": [1, 2,], },\n}";
        let cfg: Cfg = from_str(Path::new("w.json"), text).unwrap();
        assert_eq!(cfg.apps.list, vec![1, 2]);
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let text = "{\n  \"apps\": { \"dir\": \"x\" \"list\": [] }\n}";
        let err = from_str::<Cfg>(Path::new("w.json"), text).unwrap_err();
        assert_eq!(err.at.line, 2, "{err}");
        assert!(err.to_string().starts_with("w.json:2:"), "{err}");
    }

    #[test]
    fn type_error_points_at_the_value() {
        let text = "{\n  \"apps\": {\n    \"dir\": \"x\",\n    \"list\": [1, \"two\"]\n  }\n}";
        let err = from_str::<Cfg>(Path::new("w.json"), text).unwrap_err();
        assert_eq!((err.at.line, err.at.column), (4, 17), "{err}");
        assert!(err.message.contains("apps.list[1]"), "{err}");
    }

    #[test]
    fn merge_overlays_and_removes() {
        let mut base = serde_json::json!({"a": {"x": 1, "y": 2}, "b": [1]});
        merge(
            &mut base,
            serde_json::json!({"a": {"y": null, "z": 3}, "b": [2]}),
        );
        assert_eq!(base, serde_json::json!({"a": {"x": 1, "z": 3}, "b": [2]}));
    }
}
