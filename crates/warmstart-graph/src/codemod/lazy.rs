//! A top-level `import` whose bindings are read only inside functions (or
//! only in an export Next calls as a function: `register`,
//! `onRequestError`) becomes a lazy `import()` where it is used:
//!
//! * used in a function: `const X = await import("x");` at the start of
//!   the smallest block holding every use (so a use inside
//!   `if (process.env.NEXT_RUNTIME === "nodejs") { … }` loads the package
//!   only in that runtime's compile);
//! * re-exported for Next (`export const onRequestError =
//!   Sentry.captureRequestError;`): an async function of the same name that
//!   imports the package and calls the member, behind the package's
//!   configuration guard when one is known (`if
//!   (process.env.NEXT_PUBLIC_SENTRY_DSN) { … }` — an `if` both bundlers
//!   fold when the variable is set, empty or not, at compile time);
//! * `import()`s in functions that bring the same package (`await
//!   import("./sentry.server.config")`) get the same guard added to their
//!   `if`, so the package is not compiled through them either.
//!
//! Bindings used as types stay in a static `import type`. Refused, with
//! the reason: a binding read at the top level in any other way, used in
//! a synchronous function that is not Next's, or in parameters.

use std::collections::BTreeMap;
use std::path::Path;

use oxc_allocator::Allocator;
use oxc_ast::AstKind;
use oxc_ast::ast::{
    ArrowFunctionBody, BindingPattern, Declaration, Expression, ImportDeclaration,
    ImportDeclarationSpecifier, ImportOrExportKind, LogicalOperator, Statement,
    VariableDeclarationKind,
};
use oxc_parser::Parser;
use oxc_semantic::{AstNodes, NodeId, Scoping, SemanticBuilder};
use oxc_span::{GetSpan, Span};
use serde::Serialize;

use super::{Edit, line_col, line_of};

/// What the caller knows about the file and its packages.
pub struct LazyOptions<'o> {
    /// Exports Next calls as functions in this file.
    pub hooks: &'o [&'o str],
    /// The environment variable without which `package` does nothing
    /// (`NEXT_PUBLIC_SENTRY_DSN` for `@sentry/nextjs`), when known.
    pub guard: &'o dyn Fn(&str) -> Option<String>,
    /// Whether the `import(dynamic)` in this file brings `package`.
    pub brings: &'o dyn Fn(&str, &str) -> bool,
}

/// One top-level import and what can be done with it.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub line: u32,
    pub specifier: String,
    /// The local names it binds that are read as values.
    pub bindings: Vec<String>,
    #[serde(flatten)]
    pub plan: Plan,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "plan", rename_all = "snake_case")]
pub enum Plan {
    Rewrite {
        edits: Vec<Edit>,
        /// The guard put on the package, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        guard: Option<String>,
        /// The new code, as shown to the user (one piece per place).
        shown: Vec<String>,
    },
    Refused {
        reason: String,
    },
}

/// A syntax error in the file: line, column, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

struct Spec {
    /// `None`: namespace; `Some("default")`: default; else the imported name.
    imported: Option<String>,
    local: String,
    /// Written `type X` inline.
    inline_type: bool,
    value_refs: Vec<NodeId>,
    type_refs: usize,
}

struct Ctx<'s, 'a> {
    source: &'s str,
    nodes: &'s AstNodes<'a>,
    typescript: bool,
    indent: String,
}

/// The top-level value imports of `source` (at `path`) and their plans.
pub fn candidates(
    path: &Path,
    source: &str,
    options: &LazyOptions,
) -> Result<Vec<Candidate>, SyntaxError> {
    warmstart_workspace::guard::check_parse_budget(source).map_err(|exceeded| SyntaxError {
        line: 1,
        column: 1,
        message: exceeded.to_string(),
    })?;
    let allocator = Allocator::default();
    let source_type = crate::parse::source_type_for(path);
    let ret = Parser::new(&allocator, source, source_type).parse();
    if let Some(d) = ret.diagnostics.errors().next() {
        let offset = d.labels.first().map_or(0, |l| l.offset());
        let (line, column) = line_col(source, offset);
        return Err(SyntaxError {
            line,
            column,
            message: d.message.to_string(),
        });
    }
    let semantic = SemanticBuilder::new()
        .with_build_nodes(true)
        .build(&ret.program)
        .semantic;
    let ctx = Ctx {
        source,
        nodes: semantic.nodes(),
        typescript: source_type.is_typescript(),
        indent: indent_unit(source),
    };
    let scoping = semantic.scoping();
    let mut out = Vec::new();
    for stmt in &ret.program.body {
        let Statement::ImportDeclaration(decl) = stmt else {
            continue;
        };
        if decl.import_kind == ImportOrExportKind::Type {
            continue;
        }
        let Some(specs) = specs_of(decl, scoping) else {
            continue;
        };
        if specs.iter().all(|s| s.value_refs.is_empty()) {
            // Used only as types (or not at all): TypeScript drops it.
            continue;
        }
        let specifier = decl.source.value.to_string();
        let bindings = specs
            .iter()
            .filter(|s| !s.value_refs.is_empty())
            .map(|s| s.local.clone())
            .collect();
        let plan = match plan_import(&ctx, decl, &specs, options) {
            Ok(plan) => plan,
            Err(reason) => Plan::Refused { reason },
        };
        out.push(Candidate {
            line: line_of(source, decl.span.start),
            specifier,
            bindings,
            plan,
        });
    }
    Ok(out)
}

fn specs_of(decl: &ImportDeclaration, scoping: &Scoping) -> Option<Vec<Spec>> {
    let list = decl.specifiers.as_ref().filter(|l| !l.is_empty())?;
    let mut out = Vec::new();
    for s in list {
        let (imported, local, inline_type) = match s {
            ImportDeclarationSpecifier::ImportNamespaceSpecifier(n) => (None, &n.local, false),
            ImportDeclarationSpecifier::ImportDefaultSpecifier(d) => {
                (Some("default".to_string()), &d.local, false)
            }
            ImportDeclarationSpecifier::ImportSpecifier(n) => (
                Some(n.imported.name().to_string()),
                &n.local,
                n.import_kind == ImportOrExportKind::Type,
            ),
        };
        let mut spec = Spec {
            imported,
            local: local.name.to_string(),
            inline_type,
            value_refs: Vec::new(),
            type_refs: 0,
        };
        if let Some(symbol) = local.symbol_id.get() {
            for r in scoping.get_resolved_references(symbol) {
                if r.is_value() && !inline_type {
                    spec.value_refs.push(r.node_id());
                } else {
                    spec.type_refs += 1;
                }
            }
        }
        out.push(spec);
    }
    Some(out)
}

/// Where one value reference sits.
enum Use {
    /// In function `fn_id` (the outermost one); `blocks`: the blocks on the
    /// way up that `await` can be written in, innermost first.
    InFunction {
        fn_id: NodeId,
        blocks: Vec<NodeId>,
    },
    /// The whole top-level statement (`span`) re-exports it under `name`,
    /// as `expr` (`Sentry.captureRequestError` / `captureRequestError`).
    HookExport {
        name: String,
        span: Span,
        member: Option<String>,
    },
    TopLevel {
        line: u32,
        text: String,
    },
}

fn classify(ctx: &Ctx, reference: NodeId, hooks: &[&str]) -> Use {
    let nodes = ctx.nodes;
    let mut blocks = Vec::new();
    let mut outer_fn = None;
    let mut outer_blocks = Vec::new();
    for id in nodes.ancestor_ids(reference) {
        match nodes.kind(id) {
            AstKind::Function(_) | AstKind::ArrowFunctionExpression(_) => {
                outer_fn = Some(id);
                outer_blocks = std::mem::take(&mut blocks);
            }
            AstKind::BlockStatement(_) | AstKind::FunctionBody(_) => blocks.push(id),
            _ => {}
        }
    }
    if let Some(fn_id) = outer_fn {
        return Use::InFunction {
            fn_id,
            blocks: outer_blocks,
        };
    }
    // Top level: the allowed shapes are `export const <hook> = X;`,
    // `export const <hook> = X.member;` and `export { X as <hook> };`.
    let ident_span = nodes.kind(reference).span();
    let mut expr_span = ident_span;
    let mut member = None;
    let mut ancestors = nodes.ancestor_ids(reference).peekable();
    if let Some(&p) = ancestors.peek()
        && let AstKind::StaticMemberExpression(m) = nodes.kind(p)
        && m.object.span() == ident_span
    {
        expr_span = m.span;
        member = Some(m.property.name.to_string());
        ancestors.next();
    }
    let parents: Vec<NodeId> = ancestors.take(4).collect();
    let kinds: Vec<AstKind> = parents.iter().map(|&p| nodes.kind(p)).collect();
    match kinds.as_slice() {
        [
            AstKind::VariableDeclarator(d),
            AstKind::VariableDeclaration(v),
            AstKind::ExportDeclaration(e),
            AstKind::Program(_),
        ] if v.kind == VariableDeclarationKind::Const
            && v.declarations.len() == 1
            && d.init.as_ref().is_some_and(|i| i.span() == expr_span) =>
        {
            if let BindingPattern::BindingIdentifier(id) = &d.id
                && hooks.contains(&id.name.as_str())
            {
                return Use::HookExport {
                    name: id.name.to_string(),
                    span: e.span,
                    member,
                };
            }
        }
        [
            AstKind::ExportSpecifier(s),
            AstKind::ExportNamedDeclaration(e),
            AstKind::Program(_),
            ..,
        ] if e.specifiers.len() == 1 && member.is_none() => {
            let exported = s.exported.name();
            if hooks.contains(&exported.as_str()) {
                return Use::HookExport {
                    name: exported.to_string(),
                    span: e.span,
                    member: None,
                };
            }
        }
        _ => {}
    }
    let stmt_span = nodes
        .ancestor_ids(reference)
        .take_while(|&a| !matches!(nodes.kind(a), AstKind::Program(_)))
        .last()
        .map_or(ident_span, |a| nodes.kind(a).span());
    let text = first_line(&ctx.source[stmt_span.start as usize..stmt_span.end as usize]);
    Use::TopLevel {
        line: line_of(ctx.source, ident_span.start),
        text,
    }
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    if line.len() > 60 || text.contains('\n') {
        let cut: String = line.chars().take(57).collect();
        format!("{cut}…")
    } else {
        line.to_string()
    }
}

/// A function's node, the import specifiers used in it, and the blocks
/// that reference them.
type FunctionUses = (NodeId, Vec<usize>, Vec<Vec<NodeId>>);

fn plan_import(
    ctx: &Ctx,
    decl: &ImportDeclaration,
    specs: &[Spec],
    options: &LazyOptions,
) -> Result<Plan, String> {
    let specifier = decl.source.value.as_str();
    // The literal as written, quotes included: generated code keeps them.
    let quoted = &ctx.source[decl.source.span.start as usize..decl.source.span.end as usize];
    // Function id → (the specs used there, reference blocks).
    let mut functions: BTreeMap<u32, FunctionUses> = BTreeMap::new();
    let mut exports: Vec<(String, Span, Option<String>, usize)> = Vec::new();
    for (k, spec) in specs.iter().enumerate() {
        for &r in &spec.value_refs {
            match classify(ctx, r, options.hooks) {
                Use::InFunction { fn_id, blocks } => {
                    let key = ctx.nodes.kind(fn_id).span().start;
                    let entry = functions
                        .entry(key)
                        .or_insert((fn_id, Vec::new(), Vec::new()));
                    if !entry.1.contains(&k) {
                        entry.1.push(k);
                    }
                    entry.2.push(blocks);
                }
                Use::HookExport { name, span, member } => exports.push((name, span, member, k)),
                Use::TopLevel { line, text } => {
                    return Err(format!(
                        "`{}` is used at the top level (line {line}: `{text}`): it runs when the module loads",
                        spec.local
                    ));
                }
            }
        }
    }
    let guard = (options.guard)(specifier);
    let mut edits = Vec::new();
    let mut shown = Vec::new();
    for (fn_id, used, paths) in functions.values() {
        let (e, s) = plan_function(ctx, *fn_id, used, paths, specs, quoted, options.hooks)?;
        edits.extend(e);
        shown.push(s);
    }
    for (name, span, member, k) in &exports {
        let text = wrapper(
            ctx,
            name,
            &specs[*k],
            member.as_deref(),
            quoted,
            guard.as_deref(),
        );
        shown.push(text.clone());
        edits.push(Edit {
            start: span.start,
            end: span.end,
            text,
        });
    }
    if let Some(g) = &guard {
        edits.extend(guard_dynamic_imports(ctx, specifier, g, options));
    }
    edits.push(static_import_edit(ctx, decl, specs));
    Ok(Plan::Rewrite {
        edits,
        guard,
        shown,
    })
}

/// The edits for one function that reads the bindings.
fn plan_function(
    ctx: &Ctx,
    fn_id: NodeId,
    used: &[usize],
    paths: &[Vec<NodeId>],
    specs: &[Spec],
    specifier: &str,
    hooks: &[&str],
) -> Result<(Vec<Edit>, String), String> {
    let nodes = ctx.nodes;
    let kind = nodes.kind(fn_id);
    let names = || {
        used.iter()
            .map(|&k| format!("`{}`", specs[k].local))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (is_async, generator, fn_start) = match kind {
        AstKind::Function(f) => (f.r#async, f.generator, f.span.start),
        AstKind::ArrowFunctionExpression(a) => (a.r#async, false, a.span.start),
        _ => unreachable!("classify returns functions only"),
    };
    let fn_name = function_name(nodes, fn_id);
    let line = line_of(ctx.source, fn_start);
    let mut edits = Vec::new();
    if !is_async {
        let is_hook =
            fn_name.as_deref().is_some_and(|n| hooks.contains(&n)) && exported(nodes, fn_id);
        if !is_hook || generator {
            return Err(format!(
                "{} is used in the synchronous function {} (line {line}): `await import()` needs an async one",
                names(),
                fn_name.map_or("(anonymous)".to_string(), |n| format!("`{n}`"))
            ));
        }
        // Next awaits its own hooks, so making one async keeps behaviour.
        edits.push(Edit {
            start: fn_start,
            end: fn_start,
            text: "async ".into(),
        });
    }
    // The innermost block on every use's path.
    let common = paths
        .first()
        .into_iter()
        .flatten()
        .find(|b| paths.iter().all(|p| p.contains(b)))
        .copied();
    let decl = declaration(used, specs, specifier);
    match common {
        Some(block) => {
            let span = nodes.kind(block).span();
            let at = span.start + 1;
            let first_stmt = match nodes.kind(block) {
                AstKind::BlockStatement(b) => b.body.first().map(|s| s.span().start),
                AstKind::FunctionBody(b) => b
                    .directives
                    .first()
                    .map(|d| d.span.start)
                    .or(b.statements.first().map(|s| s.span().start)),
                _ => None,
            };
            let text = match first_stmt {
                Some(s) if line_of(ctx.source, s) > line_of(ctx.source, span.start) => {
                    format!("\n{}{decl}", line_indent(ctx.source, s))
                }
                _ => format!(
                    "\n{}{}{decl}",
                    line_indent(ctx.source, span.start),
                    ctx.indent
                ),
            };
            edits.push(Edit {
                start: at,
                end: at,
                text,
            });
        }
        None => {
            // An arrow with an expression body: give it a block.
            let AstKind::ArrowFunctionExpression(a) = kind else {
                return Err(format!(
                    "{} is used in the parameters of {} (line {line})",
                    names(),
                    fn_name.map_or("a function".to_string(), |n| format!("`{n}`"))
                ));
            };
            if matches!(&a.body, ArrowFunctionBody::FunctionBody(_)) {
                return Err(format!(
                    "{} is used in the parameters (line {line})",
                    names()
                ));
            }
            let body = a.body.span();
            let outer = line_indent(ctx.source, a.span.start);
            let inner = format!("{outer}{}", ctx.indent);
            let expr = &ctx.source[body.start as usize..body.end as usize];
            edits.push(Edit {
                start: body.start,
                end: body.end,
                text: format!("{{\n{inner}{decl}\n{inner}return {expr};\n{outer}}}"),
            });
        }
    }
    Ok((edits, decl))
}

/// `const X = await import("x");` for the specs used in one place.
fn declaration(used: &[usize], specs: &[Spec], specifier: &str) -> String {
    let load = format!("await import({specifier})");
    let namespace = used.iter().find(|&&k| specs[k].imported.is_none());
    let fields: Vec<String> = used
        .iter()
        .filter_map(|&k| {
            let s = &specs[k];
            let imported = s.imported.as_ref()?;
            Some(if *imported == s.local {
                s.local.clone()
            } else {
                format!("{imported}: {}", s.local)
            })
        })
        .collect();
    match namespace {
        Some(&n) if fields.is_empty() => format!("const {} = {load};", specs[n].local),
        Some(&n) => format!(
            "const {ns} = {load};\n    const {{ {} }} = {ns};",
            fields.join(", "),
            ns = specs[n].local
        ),
        None => format!("const {{ {} }} = {load};", fields.join(", ")),
    }
}

/// The async function that replaces `export const name = X[.member];`.
fn wrapper(
    ctx: &Ctx,
    name: &str,
    spec: &Spec,
    member: Option<&str>,
    specifier: &str,
    guard: Option<&str>,
) -> String {
    let i = &ctx.indent;
    let (decl, callee, typed) = match (&spec.imported, member) {
        (None, Some(m)) => (
            format!("const {} = await import({specifier});", spec.local),
            format!("{}.{m}", spec.local),
            m.to_string(),
        ),
        (Some(imported), None) => (
            declaration(&[0], std::slice::from_ref(spec), specifier),
            spec.local.clone(),
            imported.clone(),
        ),
        (Some(imported), Some(m)) => (
            declaration(&[0], std::slice::from_ref(spec), specifier),
            format!("{}.{m}", spec.local),
            format!("{imported}.{m}"),
        ),
        (None, None) => (
            format!("const {} = await import({specifier});", spec.local),
            spec.local.clone(),
            "default".to_string(),
        ),
    };
    let params = if ctx.typescript {
        format!("...args: Parameters<typeof import({specifier}).{typed}>")
    } else {
        "...args".to_string()
    };
    match guard {
        Some(g) => format!(
            "export async function {name}({params}) {{\n{i}if (process.env.{g}) {{\n{i}{i}{decl}\n{i}{i}return {callee}(...args);\n{i}}}\n}}"
        ),
        None => format!(
            "export async function {name}({params}) {{\n{i}{decl}\n{i}return {callee}(...args);\n}}"
        ),
    }
}

/// `import()`s in functions that bring the package: put them behind the
/// same guard (in their `if`, or in a new one). A top-level `import()`
/// runs on load and is left alone.
fn guard_dynamic_imports(
    ctx: &Ctx,
    specifier: &str,
    guard: &str,
    options: &LazyOptions,
) -> Vec<Edit> {
    let nodes = ctx.nodes;
    let check = format!("process.env.{guard}");
    let mut edits = Vec::new();
    for node in nodes.iter() {
        let AstKind::ImportExpression(ie) = node.kind() else {
            continue;
        };
        let Expression::StringLiteral(lit) = &ie.source else {
            continue;
        };
        if !(options.brings)(specifier, lit.value.as_str()) {
            continue;
        }
        // The ancestors up to the enclosing function.
        let mut up = Vec::new();
        let mut in_function = false;
        for id in nodes.ancestor_ids(node.id()) {
            if matches!(
                nodes.kind(id),
                AstKind::Function(_) | AstKind::ArrowFunctionExpression(_)
            ) {
                in_function = true;
                break;
            }
            up.push(id);
        }
        if !in_function {
            continue;
        }
        let inside = |outer: Span| outer.start <= ie.span.start && ie.span.end <= outer.end;
        let branch = up.iter().find_map(|&id| match nodes.kind(id) {
            AstKind::IfStatement(stmt) if inside(stmt.consequent.span()) => Some(stmt),
            _ => None,
        });
        if let Some(stmt) = branch {
            let test = stmt.test.span();
            if ctx.source[test.start as usize..test.end as usize].contains(&check) {
                continue;
            }
            let wrap = match stmt.test.without_parentheses() {
                Expression::LogicalExpression(l) => l.operator != LogicalOperator::And,
                Expression::ConditionalExpression(_)
                | Expression::SequenceExpression(_)
                | Expression::AssignmentExpression(_) => true,
                _ => false,
            };
            edits.push(Edit {
                start: test.start,
                end: test.start,
                text: format!("{check} && {}", if wrap { "(" } else { "" }),
            });
            if wrap {
                edits.push(Edit {
                    start: test.end,
                    end: test.end,
                    text: ")".into(),
                });
            }
            continue;
        }
        let statement = up.iter().find(|&&id| {
            matches!(nodes.kind(id), AstKind::ExpressionStatement(_))
                && matches!(
                    nodes.parent_kind(id),
                    AstKind::BlockStatement(_) | AstKind::FunctionBody(_)
                )
        });
        if let Some(&id) = statement {
            let start = nodes.kind(id).span().start;
            edits.push(Edit {
                start,
                end: start,
                text: format!("if ({check}) "),
            });
        }
    }
    edits
}

/// Removes the static import, or keeps what types use as `import type`.
fn static_import_edit(ctx: &Ctx, decl: &ImportDeclaration, specs: &[Spec]) -> Edit {
    let specifier = &ctx.source[decl.source.span.start as usize..decl.source.span.end as usize];
    let kept: Vec<&Spec> = specs
        .iter()
        .filter(|s| s.type_refs > 0 || s.inline_type)
        .collect();
    let mut lines = Vec::new();
    if let Some(ns) = kept.iter().find(|s| s.imported.is_none()) {
        lines.push(format!("import type * as {} from {specifier};", ns.local));
    }
    if let Some(d) = kept
        .iter()
        .find(|s| s.imported.as_deref() == Some("default"))
    {
        lines.push(format!("import type {} from {specifier};", d.local));
    }
    let named: Vec<String> = kept
        .iter()
        .filter_map(|s| match s.imported.as_deref() {
            None | Some("default") => None,
            Some(i) if i == s.local => Some(s.local.clone()),
            Some(i) => Some(format!("{i} as {}", s.local)),
        })
        .collect();
    if !named.is_empty() {
        lines.push(format!(
            "import type {{ {} }} from {specifier};",
            named.join(", ")
        ));
    }
    let (start, mut end) = (decl.span.start, decl.span.end);
    if !lines.is_empty() {
        return Edit {
            start,
            end,
            text: lines.join("\n"),
        };
    }
    // Remove the statement with its line; and one blank line after it when
    // it stood first or after a blank line, so no double gap is left.
    let bytes = ctx.source.as_bytes();
    let line_start = ctx.source[..start as usize]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let alone_before = ctx.source[line_start..start as usize].trim().is_empty();
    let rest_end = ctx.source[end as usize..]
        .find('\n')
        .map_or(ctx.source.len(), |i| end as usize + i + 1);
    let alone_after = ctx.source[end as usize..rest_end].trim().is_empty();
    if !(alone_before && alone_after) {
        // Something follows on the line (a comment): take the statement
        // and, when it started the line, the spaces after it.
        if alone_before {
            let rest = &ctx.source[end as usize..];
            end += (rest.len() - rest.trim_start_matches([' ', '\t']).len()) as u32;
        }
        return Edit {
            start,
            end,
            text: String::new(),
        };
    }
    end = rest_end as u32;
    let before_blank = line_start == 0
        || ctx.source[..line_start - 1]
            .rsplit('\n')
            .next()
            .is_some_and(|l| l.trim().is_empty());
    if before_blank && bytes.get(end as usize) == Some(&b'\n') {
        end += 1;
    }
    Edit {
        start: line_start as u32,
        end,
        text: String::new(),
    }
}

fn function_name(nodes: &AstNodes, fn_id: NodeId) -> Option<String> {
    match nodes.kind(fn_id) {
        AstKind::Function(f) if f.id.is_some() => f.id.as_ref().map(|i| i.name.to_string()),
        _ => match nodes.parent_kind(fn_id) {
            AstKind::VariableDeclarator(d) => match &d.id {
                BindingPattern::BindingIdentifier(id) => Some(id.name.to_string()),
                _ => None,
            },
            AstKind::MethodDefinition(m) => m.key.static_name().map(|n| n.to_string()),
            _ => None,
        },
    }
}

/// A function exported by name at the top level.
fn exported(nodes: &AstNodes, fn_id: NodeId) -> bool {
    nodes
        .ancestor_ids(fn_id)
        .take(3)
        .any(|a| match nodes.kind(a) {
            AstKind::ExportDeclaration(e) => matches!(
                &e.declaration,
                Declaration::FunctionDeclaration(_) | Declaration::VariableDeclaration(_)
            ),
            _ => false,
        })
}

/// The whitespace that starts the line holding `offset`.
fn line_indent(source: &str, offset: u32) -> String {
    let start = source[..offset as usize].rfind('\n').map_or(0, |i| i + 1);
    source[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

/// The file's indentation unit: the first indented line's whitespace.
fn indent_unit(source: &str) -> String {
    source
        .lines()
        .map(|l| {
            l.chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect::<String>()
        })
        .find(|w| !w.is_empty())
        .unwrap_or_else(|| "  ".to_string())
}
