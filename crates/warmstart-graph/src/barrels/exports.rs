//! What one module exports, and from where: the table `fix-barrels` traces
//! names through. Read with oxc from the file's text.
//!
//! * names the module defines itself (`export const`, `export function`,
//!   `export { local }`, `export default …`, types and interfaces too);
//! * names it passes on: `export { a as b } from "m"`, `export * as ns from
//!   "m"`, and the two-step form `import { a } from "m"; export { a as b }`;
//! * `export * from "m"` sources, in order;
//! * whether it does anything of its own when loaded: a top-level statement
//!   that is not an import, an export or a declaration without effects
//!   (`import "./styles.css"`, `registerSomething()`, `const x = f()`), and
//!   its `"use client"` / `"use server"` directive — skipping such a module
//!   would change what runs.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use oxc_allocator::Allocator;
use oxc_ast::ast::{
    Declaration, ExportDefaultDeclarationKind, Expression, ImportDeclarationSpecifier,
    ImportOrExportKind, ModuleExportName, Statement,
};
use oxc_parser::Parser;

/// What a re-exported name is in its source module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    /// A named export (`default` included).
    Name(String),
    /// The whole module as a namespace (`export * as ns from`).
    Namespace,
}

/// One name passed on from another module.
#[derive(Debug, Clone)]
pub struct Reexport {
    pub specifier: String,
    pub imported: Imported,
}

/// The export table of one module.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Names defined by the module itself.
    pub locals: BTreeSet<String>,
    /// Exported name → where it comes from.
    pub named: BTreeMap<String, Reexport>,
    /// `export * from` specifiers, in source order.
    pub stars: Vec<String>,
    /// The first thing the module does of its own when loaded (line, what).
    pub side_effect: Option<(u32, String)>,
    /// `"use client"` or `"use server"`.
    pub directive: Option<String>,
    /// The file could not be read or parsed cleanly.
    pub error: Option<String>,
}

impl Table {
    /// Distinct modules (by specifier) this module passes names on from.
    pub fn sources(&self) -> BTreeSet<&str> {
        self.named
            .values()
            .map(|r| r.specifier.as_str())
            .chain(self.stars.iter().map(String::as_str))
            .collect()
    }
}

fn export_name(name: &ModuleExportName<'_>) -> String {
    name.name().to_string()
}

/// An initializer that runs no code of anyone else's when evaluated.
fn pure(expr: &Expression<'_>) -> bool {
    match expr {
        Expression::BooleanLiteral(_)
        | Expression::NullLiteral(_)
        | Expression::NumericLiteral(_)
        | Expression::BigIntLiteral(_)
        | Expression::StringLiteral(_)
        | Expression::RegExpLiteral(_)
        | Expression::ArrowFunctionExpression(_)
        | Expression::FunctionExpression(_)
        | Expression::Identifier(_) => true,
        Expression::TemplateLiteral(t) => t.expressions.is_empty(),
        Expression::ParenthesizedExpression(p) => pure(&p.expression),
        Expression::TSAsExpression(e) => pure(&e.expression),
        Expression::TSSatisfiesExpression(e) => pure(&e.expression),
        Expression::TSTypeAssertion(e) => pure(&e.expression),
        Expression::TSNonNullExpression(e) => pure(&e.expression),
        Expression::ArrayExpression(a) => a
            .elements
            .iter()
            .all(|e| e.as_expression().is_some_and(pure)),
        Expression::ObjectExpression(o) => o.properties.iter().all(|p| match p {
            oxc_ast::ast::ObjectPropertyKind::ObjectProperty(p) => !p.computed && pure(&p.value),
            oxc_ast::ast::ObjectPropertyKind::SpreadProperty(_) => false,
        }),
        _ => false,
    }
}

/// Does a declaration run code when the module loads?
fn declaration_effect(decl: &Declaration<'_>) -> bool {
    match decl {
        Declaration::VariableDeclaration(v) => v
            .declarations
            .iter()
            .any(|d| d.init.as_ref().is_some_and(|e| !pure(e))),
        Declaration::ClassDeclaration(c) => !c.decorators.is_empty(),
        Declaration::TSNamespaceDeclaration(n) => !n.declare,
        Declaration::TSExternalModuleDeclaration(m) => !m.declare,
        _ => false,
    }
}

fn declared_names(decl: &Declaration<'_>, out: &mut BTreeSet<String>) {
    match decl {
        Declaration::VariableDeclaration(v) => {
            for d in &v.declarations {
                for id in d.id.get_binding_identifiers() {
                    out.insert(id.name.to_string());
                }
            }
        }
        other => {
            if let Some(id) = other.id() {
                out.insert(id.name.to_string());
            }
        }
    }
}

/// Reads the export table of `path`.
pub fn read(path: &Path) -> Table {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(err) => {
            return Table {
                error: Some(format!("cannot read: {err}")),
                ..Table::default()
            };
        }
    };
    table_of(path, &text)
}

/// Records the bindings an import declares (local binding → what it
/// imports); the side effect it has when it declares none.
fn record_import(
    decl: &oxc_ast::ast::ImportDeclaration,
    imports: &mut HashMap<String, Reexport>,
) -> Option<String> {
    let source = decl.source.value.to_string();
    let list = match &decl.specifiers {
        Some(list) if !list.is_empty() || decl.import_kind == ImportOrExportKind::Type => list,
        _ => return Some(format!("imports \"{source}\" for its side effects")),
    };
    for s in list {
        let (local, imported) = match s {
            ImportDeclarationSpecifier::ImportSpecifier(s) => (
                s.local.name.to_string(),
                Imported::Name(export_name(&s.imported)),
            ),
            ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => {
                (s.local.name.to_string(), Imported::Name("default".into()))
            }
            ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => {
                (s.local.name.to_string(), Imported::Namespace)
            }
        };
        imports.insert(
            local,
            Reexport {
                specifier: source.clone(),
                imported,
            },
        );
    }
    None
}

/// `exported` is `local`: passed on when `local` is an imported binding,
/// else the module's own.
fn pass_on(table: &mut Table, imports: &HashMap<String, Reexport>, exported: String, local: &str) {
    match imports.get(local) {
        Some(from) => {
            table.named.insert(exported, from.clone());
        }
        None => {
            table.locals.insert(exported);
        }
    }
}

/// The export table of `text` (named `path` for its syntax).
pub fn table_of(path: &Path, text: &str) -> Table {
    let mut table = Table::default();
    if let Err(exceeded) = warmstart_workspace::guard::check_parse_budget(text) {
        let message = exceeded.to_string();
        table.error = Some(message);
        return table;
    }
    let allocator = Allocator::default();
    let ret = Parser::new(&allocator, text, crate::parse::source_type_for(path)).parse();
    if ret.panicked || ret.diagnostics.errors().next().is_some() {
        table.error = Some("does not parse".to_string());
        return table;
    }
    let line = |offset: u32| text[..offset as usize].matches('\n').count() as u32 + 1;
    for d in &ret.program.directives {
        let value = d.directive.as_str();
        if value == "use client" || value == "use server" {
            table.directive = Some(value.to_string());
        }
    }
    // local binding → what it imports, for `import { a } from "m"; export { a }`.
    let mut imports: HashMap<String, Reexport> = HashMap::new();
    let effect = |table: &mut Table, at: u32, what: &str| {
        if table.side_effect.is_none() {
            table.side_effect = Some((line(at), what.to_string()));
        }
    };
    for stmt in &ret.program.body {
        match stmt {
            Statement::ImportDeclaration(decl) => {
                if let Some(why) = record_import(decl, &mut imports) {
                    effect(&mut table, decl.span.start, &why);
                }
            }
            Statement::ExportFromDeclaration(decl) => {
                for s in &decl.specifiers {
                    table.named.insert(
                        export_name(&s.exported),
                        Reexport {
                            specifier: decl.source.value.to_string(),
                            imported: Imported::Name(export_name(&s.local)),
                        },
                    );
                }
            }
            Statement::ExportAllDeclaration(decl) => match &decl.exported {
                Some(name) => {
                    table.named.insert(
                        export_name(name),
                        Reexport {
                            specifier: decl.source.value.to_string(),
                            imported: Imported::Namespace,
                        },
                    );
                }
                None => table.stars.push(decl.source.value.to_string()),
            },
            Statement::ExportNamedDeclaration(decl) => {
                for s in &decl.specifiers {
                    let local = export_name(&s.local);
                    let exported = export_name(&s.exported);
                    pass_on(&mut table, &imports, exported, &local);
                }
            }
            Statement::ExportDeclaration(decl) => {
                declared_names(&decl.declaration, &mut table.locals);
            }
            Statement::ExportDefaultDeclaration(decl) => match &decl.declaration {
                ExportDefaultDeclarationKind::Identifier(id) => {
                    pass_on(&mut table, &imports, "default".into(), id.name.as_str());
                }
                _ => {
                    table.locals.insert("default".into());
                }
            },
            Statement::TSExportAssignment(decl) => {
                table.locals.insert("default".into());
                effect(&mut table, decl.span.start, "uses `export =`");
            }
            Statement::TSNamespaceExportDeclaration(_) | Statement::EmptyStatement(_) => {}
            other => match other.as_declaration() {
                Some(decl) if !declaration_effect(decl) => {}
                _ => {
                    use oxc_span::GetSpan;
                    effect(&mut table, other.span().start, "runs code at the top level");
                }
            },
        }
    }
    table
}
