//! The text edits of one importer: each barrel statement (found by its
//! oxc span) becomes imports of the modules its names come from. All
//! rewritten names of a file are merged per target and sorted, and the
//! merged statements take the place of the first rewritten statement of
//! their kind (imports, re-exports); the others are removed. Type-only
//! specifiers (`type X`) stay on the barrel as `import type` / `export type`
//! (they cost nothing at run time); `import type` statements are not
//! touched. A statement with one name that cannot be placed is left as it
//! is, with the reasons.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use oxc_allocator::Allocator;
use oxc_ast::ast::{ImportDeclarationSpecifier, ImportOrExportKind, Statement};
use oxc_parser::Parser;

use super::exports::Imported;

/// Where one name goes: the specifier to import it from and its name there.
#[derive(Debug, Clone)]
pub struct Placed {
    pub specifier: String,
    pub name: Imported,
    pub module: u32,
}

/// What happened to one barrel statement.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Rewritten: the statements that replace it (before merging with the
    /// file's other rewrites) and the modules they import.
    Rewritten {
        replacement: String,
        modules: Vec<u32>,
    },
    Refused(Vec<String>),
    /// Not a runtime import of the barrel's names (`import type`, a bare
    /// `import "x"`): left alone, not listed.
    Skipped,
}

/// A statement to look at: its start offset, the barrel it imports.
#[derive(Debug, Clone)]
pub struct BarrelStatement {
    pub start: u32,
    pub barrel: u32,
    pub specifier: String,
}

#[derive(Debug, Default)]
struct ImportGroup {
    defaults: BTreeSet<String>,
    named: BTreeSet<(String, String)>,
    namespaces: BTreeSet<String>,
}

#[derive(Debug, Default)]
struct ExportGroup {
    named: BTreeSet<(String, String)>,
    namespaces: BTreeSet<String>,
}

#[derive(Debug, Default)]
struct Edits {
    imports: BTreeMap<String, ImportGroup>,
    exports: BTreeMap<String, ExportGroup>,
    type_imports: BTreeMap<String, BTreeSet<(String, String)>>,
    type_exports: BTreeMap<String, BTreeSet<(String, String)>>,
}

/// How the file writes statements.
struct Style {
    quote: char,
    semi: &'static str,
}

fn spec(name: &str, alias: &str) -> String {
    if name == alias {
        name.to_string()
    } else {
        format!("{name} as {alias}")
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

impl Edits {
    fn import_text(&self, style: &Style) -> Vec<String> {
        let q = style.quote;
        let semi = style.semi;
        let mut out = Vec::new();
        for (from, g) in &self.imports {
            let named: Vec<String> = g.named.iter().map(|(n, l)| spec(n, l)).collect();
            let mut defaults = g.defaults.iter();
            let first = defaults.next();
            match (first, named.is_empty()) {
                (Some(d), true) => out.push(format!("import {d} from {q}{from}{q}{semi}")),
                (Some(d), false) => out.push(format!(
                    "import {d}, {{ {} }} from {q}{from}{q}{semi}",
                    named.join(", ")
                )),
                (None, false) => out.push(format!(
                    "import {{ {} }} from {q}{from}{q}{semi}",
                    named.join(", ")
                )),
                (None, true) => {}
            }
            for d in defaults {
                out.push(format!("import {d} from {q}{from}{q}{semi}"));
            }
            for ns in &g.namespaces {
                out.push(format!("import * as {ns} from {q}{from}{q}{semi}"));
            }
        }
        for (from, names) in &self.type_imports {
            let named: Vec<String> = names.iter().map(|(n, l)| spec(n, l)).collect();
            out.push(format!(
                "import type {{ {} }} from {q}{from}{q}{semi}",
                named.join(", ")
            ));
        }
        out
    }

    fn export_text(&self, style: &Style) -> Vec<String> {
        let q = style.quote;
        let semi = style.semi;
        let mut out = Vec::new();
        for (from, g) in &self.exports {
            if !g.named.is_empty() {
                let named: Vec<String> = g.named.iter().map(|(n, e)| spec(n, e)).collect();
                out.push(format!(
                    "export {{ {} }} from {q}{from}{q}{semi}",
                    named.join(", ")
                ));
            }
            for ns in &g.namespaces {
                out.push(format!("export * as {ns} from {q}{from}{q}{semi}"));
            }
        }
        for (from, names) in &self.type_exports {
            let named: Vec<String> = names.iter().map(|(n, e)| spec(n, e)).collect();
            out.push(format!(
                "export type {{ {} }} from {q}{from}{q}{semi}",
                named.join(", ")
            ));
        }
        out
    }
}

/// The function that places a name: (barrel, its specifier, name) → where.
pub(crate) type PlaceFn<'p> = dyn FnMut(u32, &str, &str) -> Result<Placed, String> + 'p;

/// What one statement's names became, before merging with the file's
/// other rewrites.
#[derive(Default)]
struct Work {
    local: Edits,
    reasons: Vec<String>,
    modules: Vec<u32>,
}

impl Work {
    /// Places `name` of the statement's barrel, or records why not.
    fn place(
        &mut self,
        place: &mut PlaceFn<'_>,
        input: &BarrelStatement,
        name: &str,
    ) -> Option<Placed> {
        if !is_identifier(name) && name != "default" {
            self.reasons.push(format!("`{name}` is not an identifier"));
            return None;
        }
        match place(input.barrel, &input.specifier, name) {
            Ok(p) => {
                self.modules.push(p.module);
                Some(p)
            }
            Err(e) => {
                self.reasons.push(e);
                None
            }
        }
    }
}

/// Why a statement that reads the barrel at run time is left whole.
const DYNAMIC: &str = "a dynamic `import()` or `require()` takes the whole barrel";

/// Rewrites the barrel statements of one file. Returns the new text and
/// the outcome of each statement (by start offset).
pub fn rewrite_file(
    path: &Path,
    text: &str,
    statements: &[BarrelStatement],
    place: &mut PlaceFn<'_>,
) -> (String, Vec<(u32, Outcome)>) {
    let wanted: HashMap<u32, &BarrelStatement> = statements.iter().map(|s| (s.start, s)).collect();
    let allocator = Allocator::default();
    let ret = Parser::new(&allocator, text, crate::parse::source_type_for(path)).parse();
    let mut outcomes: Vec<(u32, Outcome)> = Vec::new();
    if ret.panicked || ret.diagnostics.errors().next().is_some() {
        for s in statements {
            outcomes.push((
                s.start,
                Outcome::Refused(vec!["the file does not parse".into()]),
            ));
        }
        return (text.to_string(), outcomes);
    }
    let mut edits = Edits::default();
    // (start, end, is_import) of each statement rewritten.
    let mut spans: Vec<(u32, u32, bool)> = Vec::new();
    let mut style = None;
    for stmt in &ret.program.body {
        let (start, end) = {
            use oxc_span::GetSpan;
            (stmt.span().start, stmt.span().end)
        };
        let Some(input) = wanted.get(&start) else {
            continue;
        };
        let (mut work, is_import) = match plan_statement(stmt, input, place) {
            Ok(planned) => planned,
            Err(outcome) => {
                outcomes.push((start, outcome));
                continue;
            }
        };
        if !work.reasons.is_empty() {
            outcomes.push((start, Outcome::Refused(work.reasons)));
            continue;
        }
        let st = style.get_or_insert_with(|| style_of(text, stmt, start, end));
        let lines = if is_import {
            work.local.import_text(st)
        } else {
            work.local.export_text(st)
        };
        work.modules.sort_unstable();
        work.modules.dedup();
        outcomes.push((
            start,
            Outcome::Rewritten {
                replacement: lines.join("\n"),
                modules: work.modules,
            },
        ));
        merge(&mut edits, work.local);
        spans.push((start, end, is_import));
    }
    // Statements not found at top level (inside a function: `require`).
    for s in statements {
        if !outcomes.iter().any(|(start, _)| *start == s.start) {
            outcomes.push((s.start, Outcome::Refused(vec![DYNAMIC.into()])));
        }
    }
    match style {
        Some(style) => (apply(text, &spans, &edits, &style), outcomes),
        None => (text.to_string(), outcomes),
    }
}

/// The names of one barrel statement placed (with reasons for those that
/// cannot be) and whether it is an import; `Err` for a statement left
/// alone or refused whole.
fn plan_statement(
    stmt: &Statement,
    input: &BarrelStatement,
    place: &mut PlaceFn<'_>,
) -> Result<(Work, bool), Outcome> {
    let mut work = Work::default();
    match stmt {
        Statement::ImportDeclaration(decl) => {
            if decl.import_kind == ImportOrExportKind::Type {
                return Err(Outcome::Skipped);
            }
            // `import "x"` and `import {} from "x"` are kept for their
            // side effects.
            let Some(specifiers) = decl.specifiers.as_ref().filter(|s| !s.is_empty()) else {
                return Err(Outcome::Skipped);
            };
            for s in specifiers {
                plan_import_specifier(s, input, place, &mut work);
            }
            Ok((work, true))
        }
        Statement::ExportFromDeclaration(decl) => {
            if decl.export_kind == ImportOrExportKind::Type || decl.specifiers.is_empty() {
                return Err(Outcome::Skipped);
            }
            for s in &decl.specifiers {
                plan_export_specifier(s, input, place, &mut work);
            }
            Ok((work, false))
        }
        Statement::ExportAllDeclaration(decl) => {
            if decl.export_kind == ImportOrExportKind::Type {
                return Err(Outcome::Skipped);
            }
            let why = match &decl.exported {
                Some(ns) => format!("`export * as {}` takes every name of the barrel", ns.name()),
                None => "`export *` passes on every name of the barrel: fix the files that import this one instead".to_string(),
            };
            Err(Outcome::Refused(vec![why]))
        }
        // `import()`, `require()` inside a statement: the whole module is
        // taken at run time.
        _ => Err(Outcome::Refused(vec![DYNAMIC.into()])),
    }
}

fn plan_import_specifier(
    s: &ImportDeclarationSpecifier,
    input: &BarrelStatement,
    place: &mut PlaceFn<'_>,
    work: &mut Work,
) {
    match s {
        ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => work.reasons.push(format!(
            "a namespace import (`* as {}`) takes every name",
            s.local.name
        )),
        ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => {
            if let Some(p) = work.place(place, input, "default") {
                add_import(&mut work.local, &p, s.local.name.as_str());
            }
        }
        ImportDeclarationSpecifier::ImportSpecifier(s) => {
            let imported = s.imported.name().to_string();
            let alias = s.local.name.to_string();
            if s.import_kind == ImportOrExportKind::Type {
                work.local
                    .type_imports
                    .entry(input.specifier.clone())
                    .or_default()
                    .insert((imported, alias));
            } else if let Some(p) = work.place(place, input, &imported) {
                add_import(&mut work.local, &p, &alias);
            }
        }
    }
}

fn plan_export_specifier(
    s: &oxc_ast::ast::ExportSpecifier,
    input: &BarrelStatement,
    place: &mut PlaceFn<'_>,
    work: &mut Work,
) {
    let name = s.local.name().to_string();
    let exported = s.exported.name().to_string();
    if !is_identifier(&exported) && exported != "default" {
        work.reasons
            .push(format!("`{exported}` is not an identifier"));
        return;
    }
    if s.export_kind == ImportOrExportKind::Type {
        work.local
            .type_exports
            .entry(input.specifier.clone())
            .or_default()
            .insert((name, exported));
    } else if let Some(p) = work.place(place, input, &name) {
        let group = work.local.exports.entry(p.specifier.clone()).or_default();
        match &p.name {
            Imported::Namespace => {
                group.namespaces.insert(exported);
            }
            Imported::Name(n) => {
                group.named.insert((n.clone(), exported));
            }
        }
    }
}

/// The file's quoting and semicolon style, from its first rewritten
/// statement.
fn style_of(text: &str, stmt: &Statement, start: u32, end: u32) -> Style {
    let source_start = match stmt {
        Statement::ImportDeclaration(d) => d.source.span.start,
        Statement::ExportFromDeclaration(d) => d.source.span.start,
        _ => start,
    };
    Style {
        quote: if text.as_bytes().get(source_start as usize) == Some(&b'\'') {
            '\''
        } else {
            '"'
        },
        semi: if text[..end as usize].ends_with(';') {
            ";"
        } else {
            ""
        },
    }
}

/// The merged statements in place of the first rewritten statement of
/// their kind; the other rewritten statements removed (with their line
/// when alone on it).
fn apply(text: &str, spans: &[(u32, u32, bool)], edits: &Edits, style: &Style) -> String {
    let mut replacements: Vec<(usize, usize, String)> = Vec::new();
    let first_import = spans.iter().find(|s| s.2).map(|s| s.0);
    let first_export = spans.iter().find(|s| !s.2).map(|s| s.0);
    for &(start, end, is_import) in spans {
        let first = if is_import {
            first_import
        } else {
            first_export
        };
        let text_here = if Some(start) == first {
            let lines = if is_import {
                edits.import_text(style)
            } else {
                edits.export_text(style)
            };
            lines.join("\n")
        } else {
            String::new()
        };
        let (mut s, mut e) = (start as usize, end as usize);
        if text_here.is_empty() {
            // Remove the whole line when the statement is alone on it.
            let line_start = text[..s].rfind('\n').map_or(0, |i| i + 1);
            let rest = &text[e..];
            let trailing = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            if text[line_start..s].trim().is_empty() {
                if rest[trailing..].starts_with("\r\n") {
                    s = line_start;
                    e += trailing + 2;
                } else if rest[trailing..].starts_with('\n') {
                    s = line_start;
                    e += trailing + 1;
                }
            }
        }
        replacements.push((s, e, text_here));
    }
    replacements.sort_by_key(|r| std::cmp::Reverse(r.0));
    let mut out = text.to_string();
    for (s, e, with) in replacements {
        out.replace_range(s..e, &with);
    }
    out
}

fn add_import(edits: &mut Edits, p: &Placed, local: &str) {
    let group = edits.imports.entry(p.specifier.clone()).or_default();
    match &p.name {
        Imported::Namespace => {
            group.namespaces.insert(local.to_string());
        }
        Imported::Name(n) if n == "default" => {
            group.defaults.insert(local.to_string());
        }
        Imported::Name(n) => {
            group.named.insert((n.clone(), local.to_string()));
        }
    }
}

fn merge(into: &mut Edits, from: Edits) {
    for (k, g) in from.imports {
        let t = into.imports.entry(k).or_default();
        t.defaults.extend(g.defaults);
        t.named.extend(g.named);
        t.namespaces.extend(g.namespaces);
    }
    for (k, g) in from.exports {
        let t = into.exports.entry(k).or_default();
        t.named.extend(g.named);
        t.namespaces.extend(g.namespaces);
    }
    for (k, v) in from.type_imports {
        into.type_imports.entry(k).or_default().extend(v);
    }
    for (k, v) in from.type_exports {
        into.type_exports.entry(k).or_default().extend(v);
    }
}
