//! The `withWarmstart()` wrap of a Next.js config, found by parsing.
//!
//! The config is parsed with oxc; the one exported expression — CommonJS
//! `module.exports = EXPR` or ESM `export default EXPR` as a top-level
//! statement — gets `withWarmstart(` before it and `)` after it, and one
//! `require`/`import` of `warmstart/next` is added in the module's own
//! system. Every other byte stays as it was, so code and comments after the
//! export stay outside the call.
//!
//! Anything the wrap cannot keep equivalent is refused with the place and the
//! reason: a parse error, several exports, an export inside a condition or a
//! function, other uses of `module.exports`/`exports`, an exported binding
//! used again after the export (an object config is copied when
//! `withWarmstart` is called, so later changes would be lost).

use std::path::Path;

use oxc_allocator::Allocator;
use oxc_ast::ast::{
    AssignmentOperator, AssignmentTarget, ExportDefaultDeclarationKind, Expression,
    IdentifierReference, Program, Statement,
};
use oxc_ast_visit::{Visit, walk};
use oxc_parser::Parser;
use oxc_semantic::{Scoping, SemanticBuilder};
use oxc_span::{GetSpan, SourceType, Span};
use warmstart_workspace::SourceError;

/// The npm module that exports `withWarmstart`.
pub const MODULE: &str = "warmstart/next";
const NAME: &str = "withWarmstart";

/// What [`wrap`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wrapped {
    /// The config already goes through `withWarmstart` (or already loads
    /// `warmstart/next`): nothing to change.
    Already,
    /// The config with the wrap and the import.
    Text(String),
}

const BY_HAND: &str = "wrap the exported config with `withWarmstart()` from `warmstart/next` \
                       by hand (see npm/README.md), or make it one top-level \
                       `module.exports = config` / `export default config`";

/// Why the config is not edited: where, what, the label there and the help.
struct Refusal {
    range: std::ops::Range<usize>,
    message: String,
    label: &'static str,
    help: &'static str,
}

impl Refusal {
    /// A refusal whose help is to wrap by hand.
    fn at(span: Span, message: String, label: &'static str) -> Refusal {
        Refusal {
            range: span.start as usize..span.end as usize,
            message,
            label,
            help: BY_HAND,
        }
    }
}

/// Wraps the exported config of `text`; `display` names the file in
/// diagnostics and its extension picks the parser (`.js`, `.mjs`, `.cjs`,
/// `.ts`, `.mts`, `.cts`).
pub fn wrap(display: &Path, text: &str) -> Result<Wrapped, Box<SourceError>> {
    let refuse = |r: Refusal| {
        Box::new(SourceError::new(display, text, r.range, r.message, r.label).with_help(r.help))
    };
    if let Err(message) = warmstart_workspace::guard::check_parse_budget(text) {
        return Err(refuse(Refusal::at(
            Span::new(0, 0),
            message.to_string(),
            "here",
        )));
    }
    let allocator = Allocator::default();
    let ret = Parser::new(&allocator, text, source_type(display)).parse();
    if ret.panicked || ret.diagnostics.has_errors() {
        return Err(refuse(parse_refusal(&ret)));
    }
    let program = &ret.program;
    let semantic = SemanticBuilder::new()
        .with_build_nodes(false)
        .build(program)
        .semantic;
    let scoping = semantic.scoping();
    let facts = Facts::collect(program, scoping);
    // A config that loads warmstart/next already is the user's (or an
    // earlier init's) wrap: left as it is.
    if facts.loads_warmstart {
        return Ok(Wrapped::Already);
    }
    let (export, expr) = the_export(text, &facts).map_err(refuse)?;
    if export.calls_with_warmstart {
        return Ok(Wrapped::Already);
    }
    if let Some(symbol) = scoping.get_root_binding(NAME.into()) {
        return Err(refuse(Refusal::at(
            scoping.symbol_span(symbol),
            format!("this file already declares `{NAME}`, so init cannot import it"),
            "declared here",
        )));
    }
    if let Some(refusal) = used_after_export(scoping, &facts, export, expr) {
        return Err(refuse(refusal));
    }
    Ok(Wrapped::Text(edit(text, &facts, export, expr)))
}

/// The first syntax error, as a refusal.
fn parse_refusal(ret: &oxc_parser::ParserReturn) -> Refusal {
    let (range, message) = match ret.diagnostics.errors().next() {
        Some(d) => {
            let range = d.labels.first().map_or(0..0, |l| {
                l.offset() as usize..(l.offset() + l.len().max(1)) as usize
            });
            (range, d.message.to_string())
        }
        None => (0..0, "the parser gave up".to_string()),
    };
    Refusal {
        range,
        message: format!("cannot parse the config, so it is not edited: {message}"),
        label: "here",
        help: "fix the syntax (Node would not load this file either), then run init again",
    }
}

/// The one top-level export of a config expression, or why there is none
/// to wrap.
fn the_export<'f>(text: &str, facts: &'f Facts) -> Result<(&'f Export, Span), Refusal> {
    // The exports: top-level ones are wrappable, nested ones are not.
    let Some(first) = facts.exports.first() else {
        if let Some(other) = facts.other_uses.first() {
            return Err(Refusal::at(
                other.span,
                format!(
                    "the config is built on {} here: init wraps only one `module.exports = …` \
                     or `export default …`",
                    other.name
                ),
                "here",
            ));
        }
        return Err(Refusal::at(
            Span::new(0, 0),
            "no `module.exports = …` or `export default …`: nothing to wrap".into(),
            "the file starts here",
        ));
    };
    // An export inside a condition or a function first: that is the reason
    // to give even when there are several (`if … else`).
    if let Some(nested) = facts.exports.iter().find(|e| e.nested.is_some()) {
        return Err(Refusal::at(
            nested.span,
            format!(
                "the config is exported {}, so init cannot tell which config Node gets; it \
                 wraps only a top-level export",
                nested.nested.unwrap_or_default()
            ),
            "this export",
        ));
    }
    if let Some(second) = facts.exports.get(1) {
        return Err(Refusal::at(
            second.span,
            format!(
                "the config is exported more than once (first at line {}); which one Node \
                 loads depends on the order, so init does not pick one",
                warmstart_workspace::line_col(text, first.span.start as usize).line
            ),
            "another export",
        ));
    }
    if let Some(other) = facts.other_uses.first() {
        return Err(Refusal::at(
            other.span,
            format!(
                "{} is used here besides the export: after the wrap it would see \
                 withWarmstart()'s result, not the config",
                other.name
            ),
            "other use",
        ));
    }
    let message = match first.target {
        Target::Expr(expr) => return Ok((first, expr)),
        Target::Named => "the config is exported as `export { … as default }`",
        Target::TsAssign => "the config is exported with TypeScript's `export =`",
        Target::Class => "the default export is a class, not a Next.js config",
    };
    Err(Refusal::at(first.span, message.to_string(), "this export"))
}

/// A binding exported by name (or a named default function) must not be
/// used after the export: withWarmstart() copies an object config when it
/// is called, and a function declaration becomes an expression.
fn used_after_export(
    scoping: &Scoping,
    facts: &Facts,
    export: &Export,
    expr: Span,
) -> Option<Refusal> {
    let symbol = export.binding?;
    let r = facts.references.iter().find(|r| {
        r.symbol == Some(symbol)
            && !(r.span.start >= expr.start && r.span.end <= expr.end)
            && (export.is_function_declaration || r.span.start >= export.statement.end)
    })?;
    let name = scoping.symbol_name(symbol);
    Some(Refusal::at(
        r.span,
        if export.is_function_declaration {
            format!(
                "`{name}` is used by name here; wrapped, the function declaration becomes an expression and the name is gone"
            )
        } else {
            format!(
                "`{name}` is used after the export; withWarmstart() copies the config when it is called, so this change would be lost"
            )
        },
        "used here",
    ))
}

/// The parser for a config file: `.js`/`.ts` may be either module system,
/// so they parse as "unambiguous" (ESM only when the syntax says so).
fn source_type(path: &Path) -> SourceType {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("js");
    let base = SourceType::from_path(path).unwrap_or_else(|_| SourceType::cjs());
    match ext {
        "js" | "jsx" | "ts" | "tsx" => base.with_unambiguous(true),
        _ => base,
    }
}

/// The edited text: the import after the file's own imports (or before the
/// export), the wrap around the expression; nothing else changes.
fn edit(text: &str, facts: &Facts, export: &Export, expr: Span) -> String {
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let quote = facts.quote.or(facts.literal_quote).unwrap_or('"');
    let semi = if facts.semicolons { ";" } else { "" };
    let import = if export.esm {
        format!("import {{ {NAME} }} from {quote}{MODULE}{quote}{semi}")
    } else {
        format!("const {{ {NAME} }} = require({quote}{MODULE}{quote}){semi}")
    };
    let statement = export.statement.start as usize;
    let anchor = if export.esm {
        facts.last_import_end
    } else {
        facts.last_require_end
    };
    let at = anchor
        .map(|end| line_end(text, end as usize))
        .filter(|&at| at <= statement)
        .unwrap_or_else(|| before_statement(text, statement, facts));
    let mut insert = String::new();
    if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
        insert.push_str(eol);
    }
    insert.push_str(&import);
    insert.push_str(eol);

    let (start, end) = (expr.start as usize, expr.end as usize);
    let mut out = String::with_capacity(text.len() + insert.len() + NAME.len() + 2);
    out.push_str(&text[..at]);
    out.push_str(&insert);
    out.push_str(&text[at..start]);
    out.push_str(NAME);
    out.push('(');
    out.push_str(&text[start..end]);
    out.push(')');
    if export.is_function_declaration {
        // The declaration is now an expression statement: without `;` a
        // next line starting with `(` or `[` would continue it.
        out.push(';');
    }
    out.push_str(&text[end..]);
    out
}

/// Offset just after the line that holds `offset` (after its `\n`).
fn line_end(text: &str, offset: usize) -> usize {
    text[offset..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1)
}

/// Where the import goes when the file has none of its kind: the start of
/// the export statement's line, above a JSDoc block that types it (`/** @type
/// {import("next").NextConfig} */` must stay on the export).
fn before_statement(text: &str, statement: usize, facts: &Facts) -> usize {
    let line_start = text[..statement].rfind('\n').map_or(0, |i| i + 1);
    if !text[line_start..statement].trim().is_empty() {
        // Another statement shares the line: insert right before the export.
        return statement;
    }
    let jsdoc = facts.jsdocs.iter().rfind(|c| {
        (c.end as usize) <= line_start && text[c.end as usize..line_start].trim().is_empty()
    });
    match jsdoc {
        Some(c) => {
            let start = text[..c.start as usize].rfind('\n').map_or(0, |i| i + 1);
            if text[start..c.start as usize].trim().is_empty() {
                start
            } else {
                line_start
            }
        }
        None => line_start,
    }
}

/// What the wrap needs to know about the file.
#[derive(Default)]
struct Facts {
    exports: Vec<Export>,
    other_uses: Vec<OtherUse>,
    references: Vec<Ref>,
    /// End of the last top-level `import` declaration.
    last_import_end: Option<u32>,
    /// End of the last top-level statement that only requires modules.
    last_require_end: Option<u32>,
    /// The file imports or requires `warmstart/next` already.
    loads_warmstart: bool,
    /// The quote of the file's first module specifier.
    quote: Option<char>,
    /// The quote of the file's first string literal.
    literal_quote: Option<char>,
    /// The file ends its statements with `;`.
    semicolons: bool,
    /// `/** … */` comments (spans), in order.
    jsdocs: Vec<Span>,
}

struct Export {
    /// The assignment or export declaration.
    span: Span,
    /// The whole statement.
    statement: Span,
    target: Target,
    esm: bool,
    /// Why it is not a top-level statement.
    nested: Option<&'static str>,
    calls_with_warmstart: bool,
    /// The exported binding (`module.exports = nextConfig`, a named function).
    binding: Option<oxc_semantic::SymbolId>,
    is_function_declaration: bool,
}

#[derive(Clone, Copy)]
enum Target {
    Expr(Span),
    Named,
    TsAssign,
    Class,
}

struct OtherUse {
    span: Span,
    name: &'static str,
}

struct Ref {
    span: Span,
    symbol: Option<oxc_semantic::SymbolId>,
}

impl Facts {
    fn collect(program: &Program, scoping: &Scoping) -> Facts {
        let mut facts = Facts {
            jsdocs: program
                .comments
                .iter()
                .filter(|c| c.is_jsdoc())
                .map(|c| c.span)
                .collect(),
            ..Facts::default()
        };
        let source = program.source_text;
        let mut ended_with_semi = 0usize;
        let mut statements = 0usize;
        for statement in &program.body {
            let span = statement.span();
            // Only statements that end with `;` in a semicolon style count
            // (a function declaration never does).
            if ends_like_a_semicolon_statement(statement) {
                statements += 1;
                if source[..span.end as usize].ends_with(';') {
                    ended_with_semi += 1;
                }
            }
            match statement {
                Statement::ImportDeclaration(import) => {
                    facts.note_specifier(source, import.source.span, &import.source.value);
                    facts.last_import_end = Some(span.end);
                }
                Statement::ExportDefaultDeclaration(decl) => {
                    facts.exports.push(export_default(decl, span, scoping));
                }
                Statement::ExportNamedDeclaration(named)
                    if named
                        .specifiers
                        .iter()
                        .any(|s| s.exported.name() == "default") =>
                {
                    facts.push_esm(span, Target::Named);
                }
                Statement::ExportFromDeclaration(from) => {
                    facts.note_specifier(source, from.source.span, &from.source.value);
                    if from
                        .specifiers
                        .iter()
                        .any(|s| s.exported.name() == "default")
                    {
                        facts.push_esm(span, Target::Named);
                    }
                }
                Statement::TSExportAssignment(_) => facts.push_esm(span, Target::TsAssign),
                Statement::ExpressionStatement(stmt) => {
                    if let Expression::AssignmentExpression(assign) = &stmt.expression
                        && assign.operator == AssignmentOperator::Assign
                        && is_module_exports(&assign.left, scoping)
                    {
                        facts.exports.push(module_exports(assign, span, scoping));
                        let mut uses = Uses::new(source, scoping, &mut facts);
                        uses.visit_expression(&assign.right);
                        continue;
                    }
                    if let Some(specifier) = required_module(&stmt.expression) {
                        facts.note_specifier(source, specifier.0, specifier.1);
                        facts.last_require_end = Some(span.end);
                    }
                }
                Statement::VariableDeclaration(decl) => {
                    let mut all = !decl.declarations.is_empty();
                    for d in &decl.declarations {
                        match d.init.as_ref().and_then(required_module) {
                            Some(specifier) => {
                                facts.note_specifier(source, specifier.0, specifier.1)
                            }
                            None => all = false,
                        }
                    }
                    if all {
                        facts.last_require_end = Some(span.end);
                    }
                }
                _ => {}
            }
            let mut uses = Uses::new(source, scoping, &mut facts);
            uses.visit_statement(statement);
        }
        facts.semicolons = statements == 0 || ended_with_semi * 2 >= statements;
        facts.exports.sort_by_key(|e| e.span.start);
        facts
    }

    fn push_esm(&mut self, span: Span, target: Target) {
        self.exports.push(Export {
            span,
            statement: span,
            target,
            esm: true,
            nested: None,
            calls_with_warmstart: false,
            binding: None,
            is_function_declaration: false,
        });
    }

    fn note_specifier(&mut self, source: &str, span: Span, value: &str) {
        if self.quote.is_none() {
            self.quote = source[span.start as usize..]
                .chars()
                .next()
                .filter(|c| *c == '"' || *c == '\'');
        }
        if value == MODULE {
            self.loads_warmstart = true;
        }
    }
}

/// `require("x")`, `require("x").y`, `require("x")(…)`, `require("x").y(…)`:
/// a statement that only loads a module (and its span and specifier).
/// Statements that end with `;` in a semicolon style (a function
/// declaration never does).
fn ends_like_a_semicolon_statement(statement: &Statement) -> bool {
    match statement {
        Statement::ExportDefaultDeclaration(d) => d.declaration.is_expression(),
        Statement::ImportDeclaration(_)
        | Statement::VariableDeclaration(_)
        | Statement::ExpressionStatement(_)
        | Statement::ExportNamedDeclaration(_)
        | Statement::ExportFromDeclaration(_) => true,
        _ => false,
    }
}

/// `export default …` as an export.
fn export_default(
    decl: &oxc_ast::ast::ExportDefaultDeclaration,
    span: Span,
    scoping: &Scoping,
) -> Export {
    let (target, binding, is_function_declaration) = match &decl.declaration {
        ExportDefaultDeclarationKind::FunctionDeclaration(f) => (
            Target::Expr(f.span),
            f.id.as_ref().and_then(|id| id.symbol_id.get()),
            true,
        ),
        ExportDefaultDeclarationKind::ClassDeclaration(_)
        | ExportDefaultDeclarationKind::TSInterfaceDeclaration(_) => (Target::Class, None, false),
        kind => {
            let expr = kind.to_expression();
            (
                Target::Expr(expr.span()),
                bound_symbol(expr, scoping),
                false,
            )
        }
    };
    let calls = match &decl.declaration {
        ExportDefaultDeclarationKind::FunctionDeclaration(_)
        | ExportDefaultDeclarationKind::ClassDeclaration(_)
        | ExportDefaultDeclarationKind::TSInterfaceDeclaration(_) => false,
        kind => calls_with_warmstart(kind.to_expression()),
    };
    Export {
        span,
        statement: span,
        target,
        esm: true,
        nested: None,
        calls_with_warmstart: calls,
        binding,
        is_function_declaration,
    }
}

/// `module.exports = …` (a top-level statement `statement`) as an export.
fn module_exports(
    assign: &oxc_ast::ast::AssignmentExpression,
    statement: Span,
    scoping: &Scoping,
) -> Export {
    Export {
        span: assign.span,
        statement,
        target: Target::Expr(assign.right.span()),
        esm: false,
        nested: None,
        calls_with_warmstart: calls_with_warmstart(&assign.right),
        binding: bound_symbol(&assign.right, scoping),
        is_function_declaration: false,
    }
}

fn required_module<'e>(expr: &'e Expression) -> Option<(Span, &'e str)> {
    match expr.without_parentheses() {
        Expression::CallExpression(call) => {
            if call.callee.is_specific_id("require")
                && let Some(oxc_ast::ast::Argument::StringLiteral(s)) = call.arguments.first()
            {
                return Some((s.span, s.value.as_str()));
            }
            required_module(&call.callee)
        }
        Expression::StaticMemberExpression(member) => required_module(&member.object),
        _ => None,
    }
}

/// `withWarmstart(…)` or `x.withWarmstart(…)`, through parentheses and
/// TypeScript's `as`/`satisfies`.
fn calls_with_warmstart(expr: &Expression) -> bool {
    match strip(expr) {
        Expression::CallExpression(call) => match strip(&call.callee) {
            Expression::Identifier(id) => id.name == NAME,
            Expression::StaticMemberExpression(m) => m.property.name == NAME,
            _ => false,
        },
        _ => false,
    }
}

fn strip<'e, 'a>(expr: &'e Expression<'a>) -> &'e Expression<'a> {
    match expr.without_parentheses() {
        Expression::TSAsExpression(e) => strip(&e.expression),
        Expression::TSSatisfiesExpression(e) => strip(&e.expression),
        Expression::TSNonNullExpression(e) => strip(&e.expression),
        other => other,
    }
}

fn bound_symbol(expr: &Expression, scoping: &Scoping) -> Option<oxc_semantic::SymbolId> {
    match strip(expr) {
        Expression::Identifier(id) => id
            .reference_id
            .get()
            .and_then(|r| scoping.get_reference(r).symbol_id()),
        _ => None,
    }
}

/// Is `ident` the global `module`/`exports` (not a local of that name)?
fn is_global(ident: &IdentifierReference, scoping: &Scoping) -> bool {
    ident
        .reference_id
        .get()
        .is_none_or(|r| scoping.get_reference(r).symbol_id().is_none())
}

fn is_module_exports(target: &AssignmentTarget, scoping: &Scoping) -> bool {
    let Some(member) = target.as_member_expression() else {
        return false;
    };
    member
        .static_property_name()
        .is_some_and(|p| p == "exports")
        && matches!(member.object(), Expression::Identifier(id) if id.name == "module" && is_global(id, scoping))
}

/// Walks code other than the top-level export's own target: records nested
/// `module.exports =` (with why they are nested), any other use of the
/// global `module`/`exports`, and every identifier reference.
struct Uses<'s, 'f> {
    source: &'s str,
    scoping: &'s Scoping,
    facts: &'f mut Facts,
    /// Innermost reason an export here is not top-level.
    context: Vec<&'static str>,
    statement: Span,
}

impl<'s, 'f> Uses<'s, 'f> {
    fn new(source: &'s str, scoping: &'s Scoping, facts: &'f mut Facts) -> Self {
        Uses {
            source,
            scoping,
            facts,
            context: Vec::new(),
            statement: Span::default(),
        }
    }

    fn nested<T>(&mut self, why: &'static str, f: impl FnOnce(&mut Self) -> T) -> T {
        self.context.push(why);
        let out = f(self);
        self.context.pop();
        out
    }
}

impl<'a> Visit<'a> for Uses<'_, '_> {
    fn visit_statement(&mut self, it: &Statement<'a>) {
        if self.context.is_empty() {
            self.statement = it.span();
        }
        walk::walk_statement(self, it);
    }

    fn visit_if_statement(&mut self, it: &oxc_ast::ast::IfStatement<'a>) {
        self.nested("inside an `if`", |v| walk::walk_if_statement(v, it));
    }

    fn visit_conditional_expression(&mut self, it: &oxc_ast::ast::ConditionalExpression<'a>) {
        self.nested("inside a `? :` condition", |v| {
            walk::walk_conditional_expression(v, it)
        });
    }

    fn visit_logical_expression(&mut self, it: &oxc_ast::ast::LogicalExpression<'a>) {
        self.nested("inside a `&&`/`||` condition", |v| {
            walk::walk_logical_expression(v, it)
        });
    }

    fn visit_switch_statement(&mut self, it: &oxc_ast::ast::SwitchStatement<'a>) {
        self.nested("inside a `switch`", |v| walk::walk_switch_statement(v, it));
    }

    fn visit_try_statement(&mut self, it: &oxc_ast::ast::TryStatement<'a>) {
        self.nested("inside a `try`", |v| walk::walk_try_statement(v, it));
    }

    fn visit_function(
        &mut self,
        it: &oxc_ast::ast::Function<'a>,
        flags: oxc_syntax::scope::ScopeFlags,
    ) {
        self.nested("inside a function", |v| walk::walk_function(v, it, flags));
    }

    fn visit_arrow_function_expression(&mut self, it: &oxc_ast::ast::ArrowFunctionExpression<'a>) {
        self.nested("inside a function", |v| {
            walk::walk_arrow_function_expression(v, it)
        });
    }

    fn visit_assignment_expression(&mut self, it: &oxc_ast::ast::AssignmentExpression<'a>) {
        if is_module_exports(&it.left, self.scoping) {
            let nested = self
                .context
                .last()
                .copied()
                .unwrap_or("inside another statement or expression");
            self.facts.exports.push(Export {
                span: it.span,
                statement: self.statement,
                target: Target::Expr(it.right.span()),
                esm: false,
                nested: Some(nested),
                calls_with_warmstart: false,
                binding: None,
                is_function_declaration: false,
            });
            self.visit_expression(&it.right);
            return;
        }
        walk::walk_assignment_expression(self, it);
    }

    fn visit_string_literal(&mut self, it: &oxc_ast::ast::StringLiteral<'a>) {
        if self.facts.literal_quote.is_none() {
            let source = self.source;
            self.facts.literal_quote = source[it.span.start as usize..]
                .chars()
                .next()
                .filter(|c| *c == '"' || *c == '\'');
        }
    }

    fn visit_identifier_reference(&mut self, it: &IdentifierReference<'a>) {
        let symbol = it
            .reference_id
            .get()
            .and_then(|r| self.scoping.get_reference(r).symbol_id());
        if symbol.is_none() {
            let name = match it.name.as_str() {
                "module" => Some("`module.exports`"),
                "exports" => Some("`exports`"),
                _ => None,
            };
            if let Some(name) = name {
                self.facts.other_uses.push(OtherUse {
                    span: it.span,
                    name,
                });
            }
        }
        self.facts.references.push(Ref {
            span: it.span,
            symbol,
        });
    }
}
