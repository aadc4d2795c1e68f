//! What one module imports *by name* and exports, for walks that follow
//! names the way Turbopack does (issue 16): which bindings each import
//! statement takes, which names the module defines itself, which it passes
//! on from another module (`export { a as b } from`, `export *`,
//! `import { a } …; export { a }`), and its `"use client"` / `"use server"`
//! directive.
//!
//! Imports whose every binding is used only as a type are dropped, as
//! TypeScript's (and SWC's) import elision does. A namespace import used
//! only as `ns.name` (or `<ns.Name />`) takes just those names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use oxc_allocator::Allocator;
use oxc_ast::AstKind;
use oxc_ast::ast::{
    Argument, CallExpression, Declaration, ExportDefaultDeclarationKind, Expression,
    ImportDeclaration, ImportDeclarationSpecifier, ImportExpression, ImportOrExportKind,
    ModuleExportName, Statement,
};
use oxc_ast_visit::{Visit, walk};
use oxc_parser::Parser;
use oxc_semantic::SemanticBuilder;

/// What an import takes from its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Names {
    /// Everything (namespace used as a value, `import()`, `require`).
    All,
    /// These names; empty: only the module's evaluation (`import "x"`).
    Some(BTreeSet<String>),
}

impl Names {
    pub fn none() -> Names {
        Names::Some(BTreeSet::new())
    }

    pub fn one(name: &str) -> Names {
        Names::Some(BTreeSet::from([name.to_string()]))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// `import … from`, `import "x"`.
    Static,
    /// `export … from` (named, `*`, `* as`).
    Reexport,
    /// `import("x")`.
    Dynamic,
    /// `require("x")`.
    Require,
}

#[derive(Debug, Clone)]
pub struct Import {
    pub specifier: String,
    pub kind: ImportKind,
    pub names: Names,
    /// 1-based line of the statement.
    pub line: u32,
    /// Byte span of the statement (or call).
    pub span: (u32, u32),
}

/// Where an exported name comes from when the module does not define it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forward {
    /// Index into [`Facts::imports`].
    pub import: usize,
    /// The name taken from that module; `None`: its namespace (`export * as`).
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// `"use client"` at the top.
    pub client: bool,
    /// `"use server"` at the top.
    pub server: bool,
    /// Has `import`/`export` syntax (else CommonJS or a script).
    pub esm: bool,
    /// Contains JSX (the dev transform imports `react/jsx-dev-runtime`).
    pub jsx: bool,
    /// Every runtime import, in source order.
    pub imports: Vec<Import>,
    /// Names the module defines itself (`default` included).
    pub locals: BTreeSet<String>,
    /// Names passed on from another module.
    pub forwards: BTreeMap<String, Forward>,
    /// Indices of `export * from` imports, in source order.
    pub stars: Vec<usize>,
    /// Imports the module's own code needs (not only re-exported).
    pub own: Vec<usize>,
}

fn export_name(name: &ModuleExportName) -> String {
    name.name().to_string()
}

/// Parses `source` (named `path`). `None` when the text does not parse or
/// is over the parse budget: the caller treats the file as opaque.
pub fn facts(path: &Path, source: &str, env: Env) -> Option<Facts> {
    warmstart_workspace::guard::check_parse_budget(source).ok()?;
    let allocator = Allocator::default();
    let source_type = crate::parse::source_type_for(path);
    let ret = Parser::new(&allocator, source, source_type).parse();
    if ret.panicked {
        return None;
    }
    let program = ret.program;
    let semantic = SemanticBuilder::new()
        .with_build_nodes(true)
        .build(&program)
        .semantic;
    let mut c = Collector {
        f: Facts {
            esm: ret.module_record.has_module_syntax,
            ..Facts::default()
        },
        lines: line_starts(source),
        bindings: BTreeMap::new(),
        reexport_only: BTreeSet::new(),
        value_refs: BTreeMap::new(),
    };
    for d in &program.directives {
        match d.directive.as_str() {
            "use client" => c.f.client = true,
            "use server" => c.f.server = true,
            _ => {}
        }
    }
    for stmt in &program.body {
        c.statement(stmt, &semantic);
    }
    let exported_refs = c.local_exports(&program.body);
    c.own_imports(exported_refs);
    // Calls anywhere: `import("x")` and `require("x")`.
    let mut calls = Calls {
        source,
        env,
        found: Vec::new(),
        jsx: false,
    };
    calls.visit_program(&program);
    c.f.jsx = calls.jsx;
    for (specifier, kind, span) in calls.found {
        c.f.own.push(c.f.imports.len());
        let line = c.line(span.0);
        c.f.imports.push(Import {
            specifier,
            kind,
            names: Names::All,
            line,
            span,
        });
    }
    Some(c.f)
}

/// The facts of one module as its statements are read.
struct Collector {
    f: Facts,
    lines: Vec<u32>,
    /// Import bindings: local name → (import index, imported name or None
    /// for a namespace), to turn `export { a }` of an import into a forward.
    bindings: BTreeMap<String, (usize, Option<String>)>,
    /// Imports only re-exported: not needed by the module's own code.
    reexport_only: BTreeSet<usize>,
    /// Value references per import.
    value_refs: BTreeMap<usize, usize>,
}

impl Collector {
    fn line(&self, offset: u32) -> u32 {
        self.lines.partition_point(|&s| s <= offset) as u32
    }

    /// Phase 1: one top-level statement.
    fn statement(&mut self, stmt: &Statement, semantic: &oxc_semantic::Semantic) {
        match stmt {
            Statement::ImportDeclaration(decl) if decl.import_kind != ImportOrExportKind::Type => {
                self.import(decl, semantic);
            }
            Statement::ExportFromDeclaration(decl)
                if decl.export_kind != ImportOrExportKind::Type =>
            {
                self.export_from(decl);
            }
            Statement::ExportAllDeclaration(decl)
                if decl.export_kind != ImportOrExportKind::Type =>
            {
                self.export_all(decl);
            }
            Statement::ExportDeclaration(decl) => {
                declared_names(&decl.declaration, &mut self.f.locals);
            }
            Statement::ExportDefaultDeclaration(decl)
                if !matches!(
                    decl.declaration,
                    ExportDefaultDeclarationKind::TSInterfaceDeclaration(_)
                ) =>
            {
                self.f.locals.insert("default".into());
            }
            _ => {}
        }
    }

    /// A value import: the names its bindings are read as values under
    /// (bindings used only as types are elided).
    fn import(&mut self, decl: &ImportDeclaration, semantic: &oxc_semantic::Semantic) {
        let span = (decl.span.start, decl.span.end);
        let specifier = decl.source.value.to_string();
        let line = self.line(span.0);
        let Some(specifiers) = &decl.specifiers else {
            self.f.own.push(self.f.imports.len());
            self.f.imports.push(Import {
                specifier,
                kind: ImportKind::Static,
                names: Names::none(),
                line,
                span,
            });
            return;
        };
        let index = self.f.imports.len();
        let mut names = BTreeSet::new();
        let mut all = false;
        let mut kept = 0;
        for s in specifiers {
            let Some(refs) = value_references(s, semantic) else {
                // Used only as a type (or not at all): elided.
                continue;
            };
            kept += 1;
            *self.value_refs.entry(index).or_default() += refs.len();
            let local = s.local().name.to_string();
            match s {
                ImportDeclarationSpecifier::ImportSpecifier(s) => {
                    let imported = export_name(&s.imported);
                    self.bindings.insert(local, (index, Some(imported.clone())));
                    names.insert(imported);
                }
                ImportDeclarationSpecifier::ImportDefaultSpecifier(_) => {
                    self.bindings.insert(local, (index, Some("default".into())));
                    names.insert("default".into());
                }
                ImportDeclarationSpecifier::ImportNamespaceSpecifier(_) => {
                    self.bindings.insert(local, (index, None));
                    all |= namespace_names(&refs, semantic, &mut names);
                }
            }
        }
        if !specifiers.is_empty() && kept == 0 {
            return;
        }
        // Re-exported only when every kept binding is referenced only by
        // `export { … }` specifiers (checked in `own_imports`).
        self.reexport_only.insert(index);
        self.f.imports.push(Import {
            specifier,
            kind: ImportKind::Static,
            names: if all { Names::All } else { Names::Some(names) },
            line,
            span,
        });
    }

    /// `export { a as b } from "m"`: forwards.
    fn export_from(&mut self, decl: &oxc_ast::ast::ExportFromDeclaration) {
        let index = self.f.imports.len();
        let mut names = BTreeSet::new();
        for s in &decl.specifiers {
            if s.export_kind == ImportOrExportKind::Type {
                continue;
            }
            let local = export_name(&s.local);
            self.f.forwards.insert(
                export_name(&s.exported),
                Forward {
                    import: index,
                    name: Some(local.clone()),
                },
            );
            names.insert(local);
        }
        if names.is_empty() && !decl.specifiers.is_empty() {
            return;
        }
        self.f.imports.push(Import {
            specifier: decl.source.value.to_string(),
            kind: ImportKind::Reexport,
            names: Names::Some(names),
            line: self.line(decl.span.start),
            span: (decl.span.start, decl.span.end),
        });
    }

    /// `export * from "m"` (a star) and `export * as ns from "m"`.
    fn export_all(&mut self, decl: &oxc_ast::ast::ExportAllDeclaration) {
        let index = self.f.imports.len();
        let names = match &decl.exported {
            Some(name) => {
                self.f.forwards.insert(
                    export_name(name),
                    Forward {
                        import: index,
                        name: None,
                    },
                );
                Names::All
            }
            None => {
                self.f.stars.push(index);
                Names::none()
            }
        };
        self.f.imports.push(Import {
            specifier: decl.source.value.to_string(),
            kind: ImportKind::Reexport,
            names,
            line: self.line(decl.span.start),
            span: (decl.span.start, decl.span.end),
        });
    }

    /// Phase 2: `export { a as b }` without `from`: a local, or an import
    /// passed on. Returns the `export { … }` references per import.
    fn local_exports(&mut self, body: &[Statement]) -> BTreeMap<usize, usize> {
        let mut exported_refs: BTreeMap<usize, usize> = BTreeMap::new();
        for stmt in body {
            let Statement::ExportNamedDeclaration(decl) = stmt else {
                continue;
            };
            if decl.export_kind == ImportOrExportKind::Type {
                continue;
            }
            for s in &decl.specifiers {
                if s.export_kind == ImportOrExportKind::Type {
                    continue;
                }
                let local = export_name(&s.local);
                let exported = export_name(&s.exported);
                match self.bindings.get(&local) {
                    Some((import, name)) => {
                        *exported_refs.entry(*import).or_default() += 1;
                        self.f.forwards.insert(
                            exported,
                            Forward {
                                import: *import,
                                name: name.clone(),
                            },
                        );
                    }
                    None => {
                        self.f.locals.insert(exported);
                    }
                }
            }
        }
        exported_refs
    }

    /// Phase 3: an import is the module's own when some binding is read
    /// outside `export { … }`.
    fn own_imports(&mut self, exported_refs: BTreeMap<usize, usize>) {
        for (import, refs) in &self.value_refs {
            if *refs > exported_refs.get(import).copied().unwrap_or(0) {
                self.reexport_only.remove(import);
            }
        }
        for (i, import) in self.f.imports.iter().enumerate() {
            if import.kind == ImportKind::Static
                && !self.reexport_only.contains(&i)
                && !self.f.own.contains(&i)
            {
                self.f.own.push(i);
            }
        }
        self.f.own.sort_unstable();
    }
}

/// The value references of an import binding; `None` for an inline `type`
/// specifier or a binding read only as a type (or not at all).
fn value_references<'s>(
    s: &ImportDeclarationSpecifier,
    semantic: &'s oxc_semantic::Semantic,
) -> Option<Vec<&'s oxc_semantic::Reference>> {
    if let ImportDeclarationSpecifier::ImportSpecifier(s) = s
        && s.import_kind == ImportOrExportKind::Type
    {
        return None;
    }
    let symbol = s.local().symbol_id.get()?;
    let refs: Vec<_> = semantic
        .scoping()
        .get_resolved_references(symbol)
        .filter(|r| r.is_value())
        .collect();
    (!refs.is_empty()).then_some(refs)
}

/// The names a namespace import is read by (`ns.a`, `<ns.A />`) into
/// `names`; true when it is also used whole.
fn namespace_names(
    refs: &[&oxc_semantic::Reference],
    semantic: &oxc_semantic::Semantic,
    names: &mut BTreeSet<String>,
) -> bool {
    let mut all = false;
    for r in refs {
        match semantic.nodes().parent_kind(r.node_id()) {
            AstKind::StaticMemberExpression(m) => {
                names.insert(m.property.name.to_string());
            }
            AstKind::JSXMemberExpression(m) => {
                names.insert(m.property.name.to_string());
            }
            _ => all = true,
        }
    }
    all
}

fn declared_names(decl: &Declaration, out: &mut BTreeSet<String>) {
    match decl {
        Declaration::VariableDeclaration(v) => {
            for d in &v.declarations {
                for id in d.id.get_binding_identifiers() {
                    out.insert(id.name.to_string());
                }
            }
        }
        Declaration::FunctionDeclaration(func) => {
            if let Some(id) = &func.id {
                out.insert(id.name.to_string());
            }
        }
        Declaration::ClassDeclaration(class) => {
            if let Some(id) = &class.id {
                out.insert(id.name.to_string());
            }
        }
        Declaration::TSEnumDeclaration(e) => {
            out.insert(e.id.name.to_string());
        }
        // Types and `declare` forms leave nothing at runtime.
        _ => {}
    }
}

fn line_starts(source: &str) -> Vec<u32> {
    let mut starts = vec![0u32];
    for (i, b) in source.bytes().enumerate() {
        if b == b'\n' {
            starts.push(i as u32 + 1);
        }
    }
    starts
}

/// Where the code runs: the bundler replaces `process.env.NODE_ENV`,
/// `process.env.TURBOPACK`, `process.env.NEXT_RUNTIME` and `typeof window`
/// with constants and drops the dead branch with its `require`s (React's
/// `index.js` picks its development build this way).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Env {
    Browser,
    Node,
}

impl Env {
    fn define(self, name: &str) -> Option<Option<&'static str>> {
        Some(match name {
            "NODE_ENV" => Some("development"),
            "TURBOPACK" => Some("1"),
            "NEXT_RUNTIME" => match self {
                Env::Browser => Some(""),
                Env::Node => Some("nodejs"),
            },
            // Unset: experimental React channels, edge-only switches.
            "__NEXT_EXPERIMENTAL_REACT" | "__NEXT_PPR" => None,
            _ => return None,
        })
    }
}

struct Calls<'s> {
    source: &'s str,
    env: Env,
    found: Vec<(String, ImportKind, (u32, u32))>,
    jsx: bool,
}

/// The value a compile-time test has (`None`: not known at compile time).
#[derive(Debug, Clone, PartialEq)]
enum Const {
    Str(String),
    Undefined,
    Bool(bool),
}

impl Const {
    fn truthy(&self) -> bool {
        match self {
            Const::Str(s) => !s.is_empty(),
            Const::Undefined => false,
            Const::Bool(b) => *b,
        }
    }
}

impl Calls<'_> {
    fn eval(&self, expr: &Expression) -> Option<Const> {
        use oxc_ast::ast::{BinaryOperator, LogicalOperator, UnaryOperator};
        match expr {
            Expression::ParenthesizedExpression(p) => self.eval(&p.expression),
            Expression::StringLiteral(s) => Some(Const::Str(s.value.to_string())),
            Expression::BooleanLiteral(b) => Some(Const::Bool(b.value)),
            Expression::StaticMemberExpression(m) => {
                // process.env.NAME
                let Expression::StaticMemberExpression(env) = &m.object else {
                    return None;
                };
                if env.property.name != "env" || !env.object.is_specific_id("process") {
                    return None;
                }
                let value = self.env.define(m.property.name.as_str())?;
                Some(value.map_or(Const::Undefined, |v| Const::Str(v.to_string())))
            }
            Expression::UnaryExpression(u) => match u.operator {
                UnaryOperator::LogicalNot => {
                    self.eval(&u.argument).map(|c| Const::Bool(!c.truthy()))
                }
                UnaryOperator::Typeof if u.argument.is_specific_id("window") => {
                    Some(Const::Str(match self.env {
                        Env::Browser => "object".into(),
                        Env::Node => "undefined".into(),
                    }))
                }
                _ => None,
            },
            Expression::BinaryExpression(b) => {
                let (l, r) = (self.eval(&b.left)?, self.eval(&b.right)?);
                match b.operator {
                    BinaryOperator::StrictEquality | BinaryOperator::Equality => {
                        Some(Const::Bool(l == r))
                    }
                    BinaryOperator::StrictInequality | BinaryOperator::Inequality => {
                        Some(Const::Bool(l != r))
                    }
                    _ => None,
                }
            }
            Expression::LogicalExpression(l) => {
                let left = self.eval(&l.left);
                match (l.operator, left) {
                    (LogicalOperator::And, Some(c)) if !c.truthy() => Some(Const::Bool(false)),
                    (LogicalOperator::Or, Some(c)) if c.truthy() => Some(Const::Bool(true)),
                    (LogicalOperator::And | LogicalOperator::Or, Some(_)) => {
                        self.eval(&l.right).map(|c| Const::Bool(c.truthy()))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn literal(&self, expr: &Expression) -> Option<String> {
        match expr {
            Expression::StringLiteral(lit) => Some(lit.value.to_string()),
            Expression::TemplateLiteral(tpl) if tpl.expressions.is_empty() => self
                .source
                .get(tpl.span.start as usize + 1..tpl.span.end as usize - 1)
                .map(str::to_string),
            _ => None,
        }
    }
}

impl<'a> Visit<'a> for Calls<'_> {
    fn visit_if_statement(&mut self, it: &oxc_ast::ast::IfStatement<'a>) {
        match self.eval(&it.test).map(|c| c.truthy()) {
            Some(true) => self.visit_statement(&it.consequent),
            Some(false) => {
                if let Some(alt) = &it.alternate {
                    self.visit_statement(alt);
                }
            }
            None => walk::walk_if_statement(self, it),
        }
    }

    fn visit_conditional_expression(&mut self, it: &oxc_ast::ast::ConditionalExpression<'a>) {
        match self.eval(&it.test).map(|c| c.truthy()) {
            Some(true) => self.visit_expression(&it.consequent),
            Some(false) => self.visit_expression(&it.alternate),
            None => walk::walk_conditional_expression(self, it),
        }
    }

    fn visit_import_expression(&mut self, it: &ImportExpression<'a>) {
        if let Some(spec) = self.literal(&it.source) {
            self.found
                .push((spec, ImportKind::Dynamic, (it.span.start, it.span.end)));
        }
        walk::walk_import_expression(self, it);
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        if it.callee.is_specific_id("require")
            && it.arguments.len() == 1
            && let Some(spec) = match &it.arguments[0] {
                Argument::StringLiteral(lit) => Some(lit.value.to_string()),
                Argument::TemplateLiteral(tpl) if tpl.expressions.is_empty() => self
                    .source
                    .get(tpl.span.start as usize + 1..tpl.span.end as usize - 1)
                    .map(str::to_string),
                _ => None,
            }
        {
            self.found
                .push((spec, ImportKind::Require, (it.span.start, it.span.end)));
        }
        walk::walk_call_expression(self, it);
    }

    fn visit_jsx_element(&mut self, it: &oxc_ast::ast::JSXElement<'a>) {
        self.jsx = true;
        walk::walk_jsx_element(self, it);
    }

    fn visit_jsx_fragment(&mut self, it: &oxc_ast::ast::JSXFragment<'a>) {
        self.jsx = true;
        walk::walk_jsx_fragment(self, it);
    }
}
