//! Static evaluation of `_metadata.ts` with oxc: what `require(file).metadata`
//! would give under ts-node, without running Node.
//!
//! Supported: object and array literals, nesting, string/number/boolean/null
//! literals, plain templates, `as`/`satisfies`/`!` casts, local `const`s,
//! member reads of imported JSON (`_package.description`), `process.env.X`
//! from the environment, `!`, `&&`, `||`, `??`, `?:` and optional chaining.
//! Anything else (a helper call, a spread) becomes [`JsValue::Opaque`]: fine
//! until a decision needs its value.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use oxc_allocator::Allocator;
use oxc_ast::ast::*;
use oxc_parser::Parser;
use oxc_span::{GetSpan, SourceType, Span};
use warmstart_workspace::SourceError;

use crate::error::{AppsError, json_error};
use crate::value::{JsValue, Opaque};

/// Reads an environment variable (injected so tests and watch mode agree).
pub type EnvFn<'e> = &'e (dyn Fn(&str) -> Option<String> + Sync);

/// The evaluated `metadata` export of one `_metadata.ts`.
#[derive(Debug, Clone)]
pub struct EvaluatedModule {
    /// The value of `export const metadata` (an empty object when the module
    /// has no such export, as `{ ...undefined }` gives in app-store-cli).
    pub metadata: JsValue,
    /// Local modules the file imports (relative specifiers), for `--watch`.
    pub local_imports: Vec<String>,
    /// JSON files the module imports and that were read (`./package.json`).
    pub json_files: Vec<std::path::PathBuf>,
    /// Its other imports, for copying run-time expressions elsewhere.
    pub imports: Vec<ImportBinding>,
    /// The type `T` of a top-level `metadata = { … } as T`, as a byte range.
    pub cast: Option<Range<usize>>,
}

/// One imported binding of a `_metadata.ts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportBinding {
    pub local: String,
    /// `None` for a default import, `Some("*")` for a namespace import.
    pub imported: Option<String>,
    pub source: String,
    pub type_only: bool,
}

impl ImportBinding {
    /// The import declaration, with `source` replaced by `source`.
    pub fn statement(&self, source: &str) -> String {
        let kw = if self.type_only {
            "import type"
        } else {
            "import"
        };
        match self.imported.as_deref() {
            None => format!("{kw} {} from \"{source}\";", self.local),
            Some("*") => format!("{kw} * as {} from \"{source}\";", self.local),
            Some(name) if name == self.local => format!("{kw} {{ {name} }} from \"{source}\";"),
            Some(name) => format!("{kw} {{ {name} as {} }} from \"{source}\";", self.local),
        }
    }
}

/// Parses and evaluates `text` (the file at `path`, shown as `display`).
pub fn evaluate_metadata(
    path: &Path,
    display: &str,
    text: &str,
    env: EnvFn,
) -> Result<EvaluatedModule, AppsError> {
    evaluate_metadata_in(&mut Allocator::default(), path, display, text, env)
}

/// [`evaluate_metadata`] reusing an arena (reset first): a build evaluates
/// many small files, and a fresh arena per file costs page faults.
pub fn evaluate_metadata_in(
    allocator: &mut Allocator,
    path: &Path,
    display: &str,
    text: &str,
    env: EnvFn,
) -> Result<EvaluatedModule, AppsError> {
    evaluate(allocator, path, display, text, env, false)
}

/// For the lazy registry: like [`evaluate_metadata`] but `process.env.X`
/// stays a run-time read (opaque, copied as source text).
pub fn evaluate_metadata_runtime(
    path: &Path,
    display: &str,
    text: &str,
) -> Result<EvaluatedModule, AppsError> {
    evaluate(
        &mut Allocator::default(),
        path,
        display,
        text,
        &|_| None,
        true,
    )
}

fn evaluate(
    allocator: &mut Allocator,
    path: &Path,
    display: &str,
    text: &str,
    env: EnvFn,
    runtime_env: bool,
) -> Result<EvaluatedModule, AppsError> {
    allocator.reset();
    let allocator = &*allocator;
    let program = parse(allocator, path, display, text)?;
    let mut scope = Scope {
        text,
        env,
        runtime_env,
        consts: HashMap::new(),
        json: HashMap::new(),
        imported: HashMap::new(),
    };
    let mut found = Found::default();
    let dir = path.parent().unwrap_or(Path::new("."));
    for stmt in &program.body {
        found.statement(stmt, &mut scope, dir, display)?;
    }
    let metadata = match (found.metadata_expr, found.metadata_local) {
        (Some(expr), _) => scope.eval(expr, 0, false),
        (None, Some(local)) => match scope.consts.get(local) {
            Some(expr) => scope.eval(expr, 0, false),
            None => JsValue::Opaque(Opaque {
                span: 0..0,
                reason: format!("`metadata` re-exports `{local}`, which is not a local constant"),
                expr: 0..0,
            }),
        },
        (None, None) => JsValue::empty_object(),
    };
    let cast = match found.metadata_expr {
        Some(Expression::TSAsExpression(e)) => Some(range(e.type_annotation.span())),
        _ => None,
    };
    Ok(EvaluatedModule {
        metadata,
        local_imports: found.local_imports,
        json_files: found.json_files,
        imports: found.imports,
        cast,
    })
}

/// Parses `text` (refusing what would make the parser backtrack without
/// end); a syntax error is the file's error, at its place.
fn parse<'a>(
    allocator: &'a Allocator,
    path: &Path,
    display: &str,
    text: &'a str,
) -> Result<Program<'a>, AppsError> {
    if let Err(exceeded) = warmstart_workspace::guard::check_parse_budget(text) {
        let message = exceeded.to_string();
        return Err(
            SourceError::new(Path::new(display), text, 0..0, message, "here")
                .with_help("simplify the nesting of this file; a `_metadata.ts` is plain data")
                .into(),
        );
    }
    let source_type = SourceType::from_path(path).unwrap_or_else(|_| SourceType::ts());
    let ret = Parser::new(allocator, text, source_type).parse();
    if ret.panicked || ret.diagnostics.has_errors() {
        let first = ret.diagnostics.errors().next();
        let (range, message) = match first {
            Some(d) => {
                let range = d.labels.first().map_or(0..0, |l| {
                    l.offset() as usize..(l.offset() + l.len().max(1)) as usize
                });
                (range, d.message.to_string())
            }
            None => (0..0, "the parser gave up".to_string()),
        };
        return Err(SourceError::new(
            Path::new(display),
            text,
            range,
            format!("cannot parse: {message}"),
            "here",
        )
        .with_help("app-store-cli would fail to load this file too; fix the syntax")
        .into());
    }
    Ok(ret.program)
}

/// What the top-level statements of a metadata file say.
#[derive(Default)]
struct Found<'a> {
    local_imports: Vec<String>,
    json_files: Vec<std::path::PathBuf>,
    imports: Vec<ImportBinding>,
    metadata_local: Option<&'a str>,
    metadata_expr: Option<&'a Expression<'a>>,
}

impl<'a> Found<'a> {
    fn statement(
        &mut self,
        stmt: &'a Statement<'a>,
        scope: &mut Scope<'_, 'a>,
        dir: &Path,
        display: &str,
    ) -> Result<(), AppsError> {
        match stmt {
            Statement::ImportDeclaration(import) => self.import(import, scope, dir, display)?,
            Statement::VariableDeclaration(decl) => scope.declare(decl),
            Statement::ExportDeclaration(export) => {
                if let Declaration::VariableDeclaration(decl) = &export.declaration {
                    scope.declare(decl);
                    for d in &decl.declarations {
                        if let (BindingPattern::BindingIdentifier(id), Some(init)) =
                            (&d.id, &d.init)
                            && id.name == "metadata"
                        {
                            self.metadata_expr = Some(init);
                        }
                    }
                }
            }
            Statement::ExportNamedDeclaration(export) => {
                for spec in &export.specifiers {
                    if spec.exported.name() == "metadata" {
                        self.metadata_local = Some(spec.local.name().as_str());
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// An import: recorded as a binding, and a local JSON file loaded.
    fn import(
        &mut self,
        import: &'a ImportDeclaration<'a>,
        scope: &mut Scope<'_, 'a>,
        dir: &Path,
        display: &str,
    ) -> Result<(), AppsError> {
        let source = import.source.value.as_str();
        if source.starts_with('.') {
            self.local_imports.push(source.to_string());
        }
        let Some(specifiers) = &import.specifiers else {
            return Ok(());
        };
        for spec in specifiers {
            let is_json = source.starts_with('.') && source.ends_with(".json");
            let (local, imported, spec_type) = match spec {
                ImportDeclarationSpecifier::ImportSpecifier(s) => (
                    s.local.name.as_str(),
                    Some(s.imported.name().to_string()),
                    s.import_kind.is_type(),
                ),
                ImportDeclarationSpecifier::ImportDefaultSpecifier(d) => {
                    (d.local.name.as_str(), None, false)
                }
                ImportDeclarationSpecifier::ImportNamespaceSpecifier(n) => {
                    (n.local.name.as_str(), Some("*".to_string()), false)
                }
            };
            let type_only = import.import_kind.is_type() || spec_type;
            if !is_json {
                self.imports.push(ImportBinding {
                    local: local.to_string(),
                    imported,
                    source: source.to_string(),
                    type_only,
                });
            }
            if type_only {
                continue;
            }
            match spec {
                ImportDeclarationSpecifier::ImportDefaultSpecifier(d) if is_json => {
                    let value = load_json(dir, source, display, scope.text, import.source.span)?;
                    self.json_files.push(dir.join(source));
                    scope.json.insert(d.local.name.as_str(), value);
                }
                ImportDeclarationSpecifier::ImportSpecifier(s) => {
                    scope.imported.insert(s.local.name.as_str(), source);
                }
                ImportDeclarationSpecifier::ImportDefaultSpecifier(d) => {
                    scope.imported.insert(d.local.name.as_str(), source);
                }
                ImportDeclarationSpecifier::ImportNamespaceSpecifier(n) => {
                    scope.imported.insert(n.local.name.as_str(), source);
                }
            }
        }
        Ok(())
    }
}

fn load_json(
    dir: &Path,
    source: &str,
    display: &str,
    text: &str,
    span: Span,
) -> Result<JsValue, AppsError> {
    let path = dir.join(source);
    let json_display = match Path::new(display).parent() {
        Some(p) => warmstart_fs::normalize_lexically(&p.join(source))
            .to_string_lossy()
            .replace('\\', "/"),
        None => source.to_string(),
    };
    let json_text = std::fs::read_to_string(&path).map_err(|e| {
        AppsError::from(SourceError::new(
            Path::new(display),
            text,
            range(span),
            format!("cannot read imported {source}: {e}"),
            "imported here",
        ))
    })?;
    let value: serde_json::Value =
        serde_json::from_str(&json_text).map_err(|e| json_error(&json_display, &json_text, &e))?;
    Ok(value.into())
}

fn range(span: Span) -> Range<usize> {
    span.start as usize..span.end as usize
}

struct Scope<'s, 'a> {
    text: &'s str,
    env: EnvFn<'s>,
    /// Keep `process.env.X` as a runtime read (the lazy registry must not
    /// bake build-time values, let alone secrets, into a file).
    runtime_env: bool,
    consts: HashMap<&'a str, &'a Expression<'a>>,
    json: HashMap<&'a str, JsValue>,
    imported: HashMap<&'a str, &'a str>,
}

const MAX_DEPTH: u32 = 64;

impl<'s, 'a> Scope<'s, 'a> {
    fn declare(&mut self, decl: &'a VariableDeclaration<'a>) {
        // `let`/`var` could be reassigned later; only `const` is a fact.
        if decl.kind != VariableDeclarationKind::Const {
            return;
        }
        for d in &decl.declarations {
            if let (BindingPattern::BindingIdentifier(id), Some(init)) = (&d.id, &d.init) {
                self.consts.insert(id.name.as_str(), init);
            }
        }
    }

    fn opaque(&self, span: Span, reason: impl Into<String>) -> JsValue {
        JsValue::Opaque(Opaque {
            span: range(span),
            reason: reason.into(),
            expr: range(span),
        })
    }

    fn snippet(&self, span: Span) -> &str {
        self.text.get(range(span)).unwrap_or("")
    }

    fn eval(&self, expr: &'a Expression<'a>, depth: u32, in_chain: bool) -> JsValue {
        if depth > MAX_DEPTH {
            return self.opaque(expr.span(), "a chain of constants too deep to follow");
        }
        match expr {
            Expression::BooleanLiteral(b) => JsValue::Bool(b.value),
            Expression::NullLiteral(_) => JsValue::Null,
            Expression::NumericLiteral(n) => JsValue::Number(n.value),
            Expression::StringLiteral(s) => JsValue::String(s.value.as_str().to_string()),
            Expression::TemplateLiteral(t) => match (t.expressions.is_empty(), t.quasis.first()) {
                (true, Some(q)) => match &q.value.cooked {
                    Some(cooked) => JsValue::String(cooked.as_str().to_string()),
                    None => self.opaque(t.span, "a template with an invalid escape"),
                },
                _ => self.opaque(t.span, "a template literal with substitutions"),
            },
            Expression::Identifier(id) => self.identifier(id, depth),
            Expression::ArrayExpression(array) => {
                let mut items = Vec::with_capacity(array.elements.len());
                for el in &array.elements {
                    match el {
                        ArrayExpressionElement::SpreadElement(s) => {
                            return self.opaque(s.span, "an array spread");
                        }
                        ArrayExpressionElement::Elision(_) => items.push(JsValue::Undefined),
                        other => {
                            let expr = other.to_expression();
                            items.push(widen(self.eval(expr, depth + 1, false), expr.span()));
                        }
                    }
                }
                JsValue::Array(items)
            }
            Expression::ObjectExpression(object) => self.object(object, depth),
            Expression::ParenthesizedExpression(p) => self.eval(&p.expression, depth + 1, in_chain),
            Expression::TSAsExpression(e) => self.eval(&e.expression, depth + 1, in_chain),
            Expression::TSSatisfiesExpression(e) => self.eval(&e.expression, depth + 1, in_chain),
            Expression::TSNonNullExpression(e) => self.eval(&e.expression, depth + 1, in_chain),
            Expression::TSTypeAssertion(e) => self.eval(&e.expression, depth + 1, in_chain),
            Expression::UnaryExpression(u) => self.unary(u, depth),
            Expression::LogicalExpression(l) => self.logical(l, depth),
            Expression::ConditionalExpression(c) => {
                let test = self.eval(&c.test, depth + 1, false);
                match test.truthy() {
                    Ok(true) => self.eval(&c.consequent, depth + 1, false),
                    Ok(false) => self.eval(&c.alternate, depth + 1, false),
                    Err(o) => JsValue::Opaque(o),
                }
            }
            Expression::ChainExpression(chain) => match &chain.expression {
                ChainElement::CallExpression(call) => self.call(call),
                ChainElement::TSNonNullExpression(e) => self.eval(&e.expression, depth + 1, true),
                member => self.member(member.to_member_expression(), depth, true),
            },
            Expression::StaticMemberExpression(_) | Expression::ComputedMemberExpression(_) => {
                self.member(expr.to_member_expression(), depth, in_chain)
            }
            Expression::CallExpression(call) => self.call(call),
            other => self.opaque(other.span(), "an expression warmstart does not evaluate"),
        }
    }

    fn identifier(&self, id: &'a IdentifierReference<'a>, depth: u32) -> JsValue {
        let name = id.name.as_str();
        if let Some(expr) = self.consts.get(name) {
            return self.eval(expr, depth + 1, false);
        }
        if let Some(value) = self.json.get(name) {
            return value.clone();
        }
        if let Some(source) = self.imported.get(name) {
            return self.opaque(id.span, format!("`{name}`, imported from \"{source}\""));
        }
        match name {
            "undefined" => JsValue::Undefined,
            "NaN" => JsValue::Number(f64::NAN),
            _ => self.opaque(id.span, format!("`{name}`, which is not a local constant")),
        }
    }

    fn object(&self, object: &'a ObjectExpression<'a>, depth: u32) -> JsValue {
        let mut props = Vec::with_capacity(object.properties.len());
        for prop in &object.properties {
            let p = match prop {
                ObjectPropertyKind::SpreadProperty(s) => {
                    return self.opaque(s.span, "an object spread");
                }
                ObjectPropertyKind::ObjectProperty(p) => p,
            };
            if p.kind != PropertyKind::Init || p.method {
                return self.opaque(p.span, "a method or accessor");
            }
            let key = match &p.key {
                PropertyKey::StaticIdentifier(id) if !p.computed => id.name.as_str().to_string(),
                PropertyKey::StringLiteral(s) => s.value.as_str().to_string(),
                PropertyKey::NumericLiteral(n) => number_key(n.value),
                other => return self.opaque(other.span(), "a computed key"),
            };
            let value = widen(self.eval(&p.value, depth + 1, false), p.value.span());
            JsValue::set(&mut props, key, value);
        }
        JsValue::Object(props)
    }

    fn unary(&self, u: &'a UnaryExpression<'a>, depth: u32) -> JsValue {
        let arg = self.eval(&u.argument, depth + 1, false);
        match u.operator {
            UnaryOperator::LogicalNot => match arg.truthy() {
                Ok(t) => JsValue::Bool(!t),
                Err(o) => JsValue::Opaque(o),
            },
            UnaryOperator::UnaryNegation => match arg {
                JsValue::Number(n) => JsValue::Number(-n),
                JsValue::Opaque(o) => JsValue::Opaque(o),
                _ => self.opaque(u.span, "a negation of a non-number"),
            },
            UnaryOperator::Void => JsValue::Undefined,
            _ => self.opaque(u.span, "a unary operator warmstart does not evaluate"),
        }
    }

    fn logical(&self, l: &'a LogicalExpression<'a>, depth: u32) -> JsValue {
        let left = self.eval(&l.left, depth + 1, false);
        let take_right = match l.operator {
            LogicalOperator::And => left.truthy(),
            LogicalOperator::Or => left.truthy().map(|t| !t),
            LogicalOperator::Coalesce => match &left {
                JsValue::Opaque(o) => Err(o.clone()),
                v => Ok(v.is_nullish()),
            },
        };
        match take_right {
            Ok(true) => self.eval(&l.right, depth + 1, false),
            Ok(false) => left,
            Err(o) => JsValue::Opaque(o),
        }
    }

    fn member(&self, member: &'a MemberExpression<'a>, depth: u32, in_chain: bool) -> JsValue {
        let (object, key, optional) = match member {
            MemberExpression::StaticMemberExpression(m) => (
                &m.object,
                JsValue::String(m.property.name.as_str().to_string()),
                m.optional,
            ),
            MemberExpression::ComputedMemberExpression(m) => (
                &m.object,
                self.eval(&m.expression, depth + 1, false),
                m.optional,
            ),
            other => return self.opaque(other.span(), "a private field"),
        };
        let key = match key {
            JsValue::String(s) => s,
            JsValue::Number(n) => number_key(n),
            JsValue::Opaque(o) => return JsValue::Opaque(o),
            _ => return self.opaque(member.span(), "a property key that is not a string"),
        };
        // `process.env.X` is read from this process's environment, as
        // app-store-cli's `require()` would read its own.
        if let Expression::StaticMemberExpression(env) = object
            && env.property.name == "env"
            && matches!(&env.object, Expression::Identifier(p) if p.name == "process")
            && !self.consts.contains_key("process")
        {
            if self.runtime_env {
                return self.opaque(member.span(), "a read of the environment at run time");
            }
            return (self.env)(&key).map_or(JsValue::Undefined, JsValue::String);
        }
        let base = self.eval(object, depth + 1, in_chain);
        if base.is_nullish() {
            return if optional || in_chain {
                JsValue::Undefined
            } else {
                self.opaque(
                    member.span(),
                    format!(
                        "`{}`, which reads a property of undefined",
                        self.snippet(member.span())
                    ),
                )
            };
        }
        match base.get(&key) {
            Ok(v) => v,
            Err(o) => JsValue::Opaque(o),
        }
    }

    fn call(&self, call: &'a CallExpression<'a>) -> JsValue {
        let callee = self.snippet(call.callee.span());
        self.opaque(call.span, format!("a call of `{callee}`"))
    }
}

/// An opaque property value covers the whole value expression.
fn widen(value: JsValue, span: Span) -> JsValue {
    match value {
        JsValue::Opaque(mut o) => {
            o.expr = range(span);
            JsValue::Opaque(o)
        }
        v => v,
    }
}

/// How JavaScript turns a numeric key into a property name (integers only
/// need care; `1.5` stays `1.5`).
fn number_key(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e21 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests;
