//! Does a script file copy app-store statics into `public/app-store`?
//!
//! Read with oxc, not run: the file must name the app-store statics (a
//! string such as `../../packages/app-store/**/static/**/*`), name the
//! destination (`public/app-store…` in a string or template, or `"public",
//! "app-store"` as arguments of a path call), and call a copy function
//! (`copyFileSync`, `copyFile`, `cp`, `cpSync`, `copy`, `copySync`). Files it
//! also writes (`writeFileSync(…)` — Cal.com's later script writes an SVG
//! hash file) are listed: `warmstart assets setup` does not make them.

use std::path::Path;

use oxc_allocator::Allocator;
use oxc_ast::ast::{Argument, CallExpression, Expression, StringLiteral, TemplateLiteral};
use oxc_ast_visit::{Visit, walk};
use oxc_parser::Parser;
use oxc_span::{GetSpan, SourceType};
use serde::Serialize;

const COPY_CALLS: [&str; 6] = [
    "copyFileSync",
    "copyFile",
    "cp",
    "cpSync",
    "copy",
    "copySync",
];
const WRITE_CALLS: [&str; 8] = [
    "writeFileSync",
    "writeFile",
    "outputFileSync",
    "outputFile",
    "writeJsonSync",
    "writeJson",
    "outputJsonSync",
    "outputJson",
];

/// What reading a script file found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProgramFacts {
    /// The string that names the statics (the glob or folder).
    pub source: Option<String>,
    /// The file names `public/app-store` as its destination.
    pub destination: bool,
    /// The first copy call: its function name and 1-based line.
    pub copy_call: Option<(String, usize)>,
    /// The first argument (as written) of each other file write.
    pub also_writes: Vec<String>,
    /// A parse error, when the file could not be read as JS/TS.
    pub error: Option<String>,
}

impl ProgramFacts {
    /// It copies app-store statics into `public/app-store`.
    pub fn copies_statics(&self) -> bool {
        self.source.is_some() && self.destination && self.copy_call.is_some()
    }
}

/// Reads `text` (the file at `path`, whose extension picks the parser).
pub fn analyse(path: &Path, text: &str) -> ProgramFacts {
    if let Err(exceeded) = warmstart_workspace::guard::check_parse_budget(text) {
        let message = exceeded.to_string();
        return ProgramFacts {
            error: Some(message),
            ..ProgramFacts::default()
        };
    }
    let allocator = Allocator::default();
    let source_type = SourceType::from_path(path)
        .unwrap_or_else(|_| SourceType::cjs())
        .with_unambiguous(!path.extension().is_some_and(|e| e == "mjs" || e == "cjs"));
    let ret = Parser::new(&allocator, text, source_type).parse();
    if ret.panicked || ret.diagnostics.has_errors() {
        let message = ret.diagnostics.errors().next().map_or_else(
            || "the parser gave up".to_string(),
            |d| d.message.to_string(),
        );
        return ProgramFacts {
            error: Some(message),
            ..ProgramFacts::default()
        };
    }
    let mut reader = Reader {
        text,
        facts: ProgramFacts::default(),
    };
    reader.visit_program(&ret.program);
    reader.facts
}

struct Reader<'t> {
    text: &'t str,
    facts: ProgramFacts,
}

impl Reader<'_> {
    fn note_string(&mut self, value: &str) {
        let value = value.replace('\\', "/");
        if self.facts.source.is_none() && value.contains("app-store") && value.contains("static") {
            self.facts.source = Some(value.clone());
        }
        if value.contains("public/app-store") {
            self.facts.destination = true;
        }
    }

    fn line(&self, offset: u32) -> usize {
        warmstart_workspace::line_col(self.text, offset as usize).line
    }
}

fn callee_name<'a>(callee: &'a Expression) -> Option<&'a str> {
    match callee.without_parentheses() {
        Expression::Identifier(id) => Some(id.name.as_str()),
        Expression::StaticMemberExpression(m) => Some(m.property.name.as_str()),
        _ => None,
    }
}

fn string_arg<'s>(arg: &'s Argument) -> Option<&'s str> {
    match arg {
        Argument::StringLiteral(s) => Some(s.value.as_str()),
        _ => None,
    }
}

impl<'a> Visit<'a> for Reader<'_> {
    fn visit_string_literal(&mut self, it: &StringLiteral<'a>) {
        self.note_string(it.value.as_str());
    }

    fn visit_template_literal(&mut self, it: &TemplateLiteral<'a>) {
        // `${destDir}` holes read as `*`: `public/app-store/${app}` still
        // names the destination.
        let joined = it
            .quasis
            .iter()
            .map(|q| q.value.raw.as_str())
            .collect::<Vec<_>>()
            .join("*");
        self.note_string(&joined);
        walk::walk_template_literal(self, it);
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        if let Some(name) = callee_name(&it.callee) {
            if COPY_CALLS.contains(&name) && self.facts.copy_call.is_none() {
                self.facts.copy_call = Some((name.to_string(), self.line(it.span.start)));
            }
            if WRITE_CALLS.contains(&name)
                && let Some(first) = it.arguments.first()
            {
                let span = first.span();
                let written = &self.text[span.start as usize..span.end as usize];
                self.facts.also_writes.push(written.to_string());
            }
        }
        // `path.join(cwd, "public", "app-store", app)`.
        let strings: Vec<Option<&str>> = it.arguments.iter().map(string_arg).collect();
        if strings
            .windows(2)
            .any(|w| w[0] == Some("public") && w[1] == Some("app-store"))
        {
            self.facts.destination = true;
        }
        walk::walk_call_expression(self, it);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_glob_and_copy_script_copies_statics() {
        let text = r#"const fs = require("fs");
const path = require("path");
const { globSync } = require("glob");
for (const file of globSync("../../packages/app-store/**/static/**/*", { nodir: true })) {
  const app = /app-store\/(.*?)\/static/.exec(file)[1];
  const dir = path.join(process.cwd(), "public", "app-store", app);
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(file, path.join(dir, path.basename(file)));
}
"#;
        let facts = analyse(Path::new("copy.js"), text);
        assert!(facts.copies_statics(), "{facts:?}");
        assert_eq!(facts.copy_call, Some(("copyFileSync".into(), 8)));
        assert!(facts.also_writes.is_empty());
    }

    #[test]
    fn esm_with_template_destination_and_an_extra_file() {
        let text = r#"import fs from "node:fs";
import { sync } from "glob";
const files = sync(`../../packages/app-store/**/static/**/*`);
const hashes = {};
for (const f of files) {
  const app = f.split("/")[4];
  fs.cpSync(f, `public/app-store/${app}/${f.split("/").pop()}`);
}
fs.writeFileSync("public/app-store/svg-hashes.json", JSON.stringify(hashes));
"#;
        let facts = analyse(Path::new("copy.mjs"), text);
        assert!(facts.copies_statics(), "{facts:?}");
        assert_eq!(facts.also_writes, ["\"public/app-store/svg-hashes.json\""]);
    }

    #[test]
    fn other_copies_are_not_statics() {
        let text = "const fs = require('fs');\nfs.copyFileSync('.env.example', '.env');\n";
        assert!(!analyse(Path::new("env.js"), text).copies_statics());
        let text = "console.log('packages/app-store/x/static public/app-store');\n";
        assert!(!analyse(Path::new("log.js"), text).copies_statics());
        let broken = analyse(Path::new("b.js"), "const = ;\n");
        assert!(broken.error.is_some() && !broken.copies_statics());
    }
}
