//! Prints registry files exactly as prettier 2.8 with
//! `@trivago/prettier-plugin-sort-imports` 4.1 formats app-store-cli's
//! output (Cal.com's prettier preset: width 110, double quotes, trailing
//! commas es5, `importOrder` groups separated by blank lines).
//!
//! Only the shapes a registry can take are modelled: import declarations
//! with one specifier (prettier never wraps those), and objects of
//! `key: local`, `key: import("p")` and `key: dynamic(() => import("p"))`.

use regex::Regex;

use crate::natural_sort::natural_cmp;

/// prettier's `printWidth` in Cal.com's preset.
pub const PRINT_WIDTH: usize = 110;

/// One import declaration: its source (for sorting) and its printed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub source: String,
    pub text: String,
}

impl Import {
    pub fn named(name: &str, local: &str, source: &str) -> Import {
        let text = if name == "default" {
            format!("import {local} from \"{source}\";")
        } else {
            format!("import {{ {name} as {local} }} from \"{source}\";")
        };
        Import {
            source: source.to_string(),
            text,
        }
    }
}

/// The value of one registry entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A local binding from an import.
    Local(String),
    /// `import("module")`.
    Import(String),
    /// `dynamic(() => import("module"))`.
    Dynamic(String),
}

/// One `export const name = { … };`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportMap {
    pub name: String,
    pub entries: Vec<(String, Value)>,
}

/// Import groups of the sort plugin: regexes in order; unmatched imports go
/// to the `<THIRD_PARTY_MODULES>` slot (first, when the list has none).
#[derive(Debug, Clone)]
pub struct ImportOrder {
    groups: Vec<Option<Regex>>,
}

pub const THIRD_PARTY: &str = "<THIRD_PARTY_MODULES>";

impl ImportOrder {
    pub fn new(patterns: &[String]) -> Result<ImportOrder, (String, regex::Error)> {
        let mut groups = Vec::new();
        if !patterns.iter().any(|p| p == THIRD_PARTY) {
            groups.push(None);
        }
        for p in patterns {
            if p == THIRD_PARTY {
                groups.push(None);
            } else {
                groups.push(Some(Regex::new(p).map_err(|e| (p.clone(), e))?));
            }
        }
        Ok(ImportOrder { groups })
    }

    /// The group index of `source`: the first regex that matches, else the
    /// third-party slot.
    fn group_of(&self, source: &str) -> usize {
        self.groups
            .iter()
            .position(|g| g.as_ref().is_some_and(|re| re.is_match(source)))
            .or_else(|| self.groups.iter().position(Option::is_none))
            .unwrap_or(0)
    }
}

/// Prints a whole file: banner, sorted import groups, a blank line, maps.
pub fn print_file(
    banner: &str,
    order: &ImportOrder,
    imports: &[Import],
    maps: &[ExportMap],
) -> String {
    let mut out = String::new();
    let banner = banner.trim_end();
    if !banner.is_empty() {
        out.push_str(banner);
        out.push('\n');
    }
    let mut groups: Vec<Vec<&Import>> = vec![Vec::new(); order.groups.len()];
    let mut seen = std::collections::HashSet::new();
    for import in imports {
        // Two maps of one file may import the same binding: declare it once.
        if seen.insert(&import.text) {
            groups[order.group_of(&import.source)].push(import);
        }
    }
    for group in groups.iter_mut().filter(|g| !g.is_empty()) {
        // A stable sort, as `Array.prototype.sort` is.
        group.sort_by(|a, b| natural_cmp(&a.source, &b.source));
        for import in group.iter() {
            out.push_str(&import.text);
            out.push('\n');
        }
        out.push('\n');
    }
    for map in maps {
        print_map(&mut out, map);
    }
    out
}

fn print_map(out: &mut String, map: &ExportMap) {
    if map.entries.is_empty() {
        out.push_str(&format!("export const {} = {{}};\n", map.name));
        return;
    }
    out.push_str(&format!("export const {} = {{\n", map.name));
    for (key, value) in &map.entries {
        for line in entry_lines(key, value) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out.push_str("};\n");
}

/// One `key: value,` property, laid out as prettier's assignment printing
/// does: a short key (narrower than tabWidth + 3) never breaks after the
/// colon; otherwise the value moves to its own line when even the value's
/// head (`local,` / `import(` / `dynamic(`) does not fit after the key.
fn entry_lines(key: &str, value: &Value) -> Vec<String> {
    let key = print_key(key);
    let short = width(&key) < 2 + 3;
    let prefix = format!("  {key}: ");
    let head = match value {
        Value::Local(local) => format!("{prefix}{local},"),
        Value::Import(_) => format!("{prefix}import("),
        Value::Dynamic(_) => format!("{prefix}dynamic("),
    };
    if short || width(&head) <= PRINT_WIDTH {
        value_lines(value, prefix, 2, ",")
    } else {
        let mut lines = vec![format!("  {key}:")];
        lines.extend(value_lines(value, " ".repeat(4), 4, ","));
        lines
    }
}

/// A value starting after `prefix` on a line indented by `ind`, followed by
/// `suffix`: flat when it fits, else broken the way prettier breaks a call
/// with one argument (a last-argument arrow function is hugged).
fn value_lines(value: &Value, prefix: String, ind: usize, suffix: &str) -> Vec<String> {
    let pad = " ".repeat(ind);
    match value {
        Value::Local(local) => vec![format!("{prefix}{local}{suffix}")],
        Value::Import(module) => {
            let flat = format!("{prefix}import(\"{module}\"){suffix}");
            if width(&flat) <= PRINT_WIDTH {
                return vec![flat];
            }
            vec![
                format!("{prefix}import("),
                format!("{pad}  \"{module}\""),
                format!("{pad}){suffix}"),
            ]
        }
        Value::Dynamic(module) => {
            let import = Value::Import(module.clone());
            let flat = format!("{prefix}dynamic(() => import(\"{module}\")){suffix}");
            if width(&flat) <= PRINT_WIDTH {
                return vec![flat];
            }
            // The last argument (the arrow) is hugged when the line up to
            // `=>` fits; otherwise every argument goes on its own line.
            let hugged = format!("{prefix}dynamic(() =>");
            let mut lines = Vec::new();
            if width(&hugged) <= PRINT_WIDTH {
                lines.push(hugged);
                lines.extend(value_lines(&import, " ".repeat(ind + 2), ind + 2, ""));
            } else {
                lines.push(format!("{prefix}dynamic("));
                let arrow_pad = " ".repeat(ind + 2);
                let arrow = format!("{arrow_pad}() => import(\"{module}\")");
                if width(&arrow) <= PRINT_WIDTH {
                    lines.push(arrow);
                } else {
                    lines.push(format!("{arrow_pad}() =>"));
                    lines.extend(value_lines(&import, " ".repeat(ind + 4), ind + 4, ""));
                }
            }
            lines.push(format!("{pad}){suffix}"));
            lines
        }
    }
}

/// prettier counts columns in characters (wide East Asian ones aside).
fn width(line: &str) -> usize {
    line.chars().count()
}

/// A property key as prettier prints it with `quoteProps: "as-needed"` and
/// the babel parser: bare when an ES5 identifier name or a simple number
/// that prints back the same, quoted otherwise.
pub fn print_key(key: &str) -> String {
    if is_es5_identifier_name(key) || is_simple_number_key(key) {
        key.to_string()
    } else {
        format!("\"{key}\"")
    }
}

fn is_es5_identifier_name(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first == '$' || first == '_' || first.is_alphabetic())
        && chars.all(|c| {
            c == '$' || c == '_' || c.is_alphanumeric() || c == '\u{200c}' || c == '\u{200d}'
        })
}

fn is_simple_number_key(s: &str) -> bool {
    let simple = match s.split_once('.') {
        None => !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()),
        Some((a, b)) => {
            !a.is_empty()
                && !b.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
        }
    };
    // `String(Number(key)) === key`.
    simple && s.parse::<f64>().is_ok_and(|n| js_number(n) == s)
}

fn js_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e21 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A JavaScript identifier made from a name, the way app-store-cli makes
/// them (`-` and `.` become `_`), extended so that any name gives a valid
/// identifier (other invalid characters become `_`, a leading digit gets `_`).
pub fn variable_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c == '$' || c == '_' || c.is_alphanumeric() {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// The module path app-store-cli imports: `./<app path>/<file>` without
/// `.ts`/`.tsx` and without a trailing `/index.ts(x)`; `.json` is kept.
pub fn module_path(app_path: &str, file: &str) -> String {
    let file = file
        .strip_suffix("/index.tsx")
        .or_else(|| file.strip_suffix("/index.ts"))
        .or_else(|| file.strip_suffix(".tsx"))
        .or_else(|| file.strip_suffix(".ts"))
        .unwrap_or(file);
    format!("./{app_path}/{file}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_quoted_as_needed() {
        assert_eq!(print_key("alby"), "alby");
        assert_eq!(print_key("baa-for-hipaa"), "\"baa-for-hipaa\"");
        assert_eq!(print_key("qr_code"), "qr_code");
        assert_eq!(print_key("123"), "123");
        assert_eq!(print_key("0123"), "\"0123\"");
        assert_eq!(print_key("1.5"), "1.5");
        assert_eq!(print_key("1.50"), "\"1.50\"");
        assert_eq!(print_key("ü"), "ü");
        assert_eq!(print_key("class"), "class");
    }

    #[test]
    fn names_and_paths_follow_app_store_cli() {
        assert_eq!(variable_name("baa-for-hipaa"), "baa_for_hipaa");
        assert_eq!(variable_name("_metadata.ts"), "_metadata_ts");
        assert_eq!(variable_name("8x8 app"), "_8x8_app");
        assert_eq!(module_path("alby", "api/index.ts"), "./alby/api");
        assert_eq!(
            module_path("templates/basic", "config.json"),
            "./templates/basic/config.json"
        );
        assert_eq!(module_path("a", "components/X.tsx"), "./a/components/X");
    }

    #[test]
    fn long_lines_wrap_like_prettier() {
        let long = "a".repeat(100);
        let maps = [ExportMap {
            name: "M".into(),
            entries: vec![
                ("k".into(), Value::Import(format!("./{long}"))),
                ("d".into(), Value::Dynamic(format!("./{}", &long[..80]))),
                ("w".into(), Value::Dynamic(format!("./{long}"))),
            ],
        }];
        let order = ImportOrder::new(&[]).unwrap();
        insta::assert_snapshot!(print_file("", &order, &[], &maps));
    }
}
