//! The values a bundler inlines at compile time, and the code they make
//! dead. Both bundlers replace `process.env.NEXT_RUNTIME` ("nodejs" /
//! "edge" per compile), `process.env.NODE_ENV` ("development") and every
//! `process.env.NEXT_PUBLIC_*` that is set — empty or not — when the
//! compile starts (Next's define-env: `dist/build/define-env.js` in 15,
//! `getDefineEnv` in 13.5's `dist/build/webpack-config.js`). An unset
//! `NEXT_PUBLIC_*` is not replaced, so a test on it is not constant.
//!
//! Dead code is what webpack's ConstPlugin and Turbopack's analyzer skip:
//! the branch of an `if`, `?:`, `&&`, `||` whose test is constant (webpack
//! folds `unknown && false` to false, too), and for Turbopack also the
//! statements after an `if (constant-true) return`.

use std::collections::BTreeMap;
use std::path::Path;

use oxc_allocator::Allocator;
use oxc_ast::ast::{
    BinaryOperator, ConditionalExpression, Expression, IfStatement, LogicalExpression,
    LogicalOperator, Statement, UnaryOperator,
};
use oxc_ast_visit::{Visit, walk};
use oxc_parser::Parser;
use oxc_span::GetSpan;
use serde::Serialize;

use super::Runtime;

/// One variable the dev server will inline, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvValue {
    pub value: String,
    /// `.env` file (repo-relative) or `environment`.
    pub from: String,
}

/// `NEXT_PUBLIC_*` as the dev server will see them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CompileEnv {
    pub vars: BTreeMap<String, EnvValue>,
}

impl CompileEnv {
    /// Reads, lowest priority first: the repository root's `.env` (Cal.com's
    /// next.config.js loads it with dotenv), then the app's `.env`,
    /// `.env.development`, `.env.local`, `.env.development.local` (Next's
    /// `@next/env` order for `next dev`), then this process's environment.
    pub fn load(root: &Path, app: &Path) -> CompileEnv {
        let mut env = CompileEnv::default();
        let mut files = Vec::new();
        if app != root {
            files.push(root.join(".env"));
        }
        for name in [
            ".env",
            ".env.development",
            ".env.local",
            ".env.development.local",
        ] {
            files.push(app.join(name));
        }
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let from = super::rel(root, &file);
            for (key, value) in parse_dotenv(&text) {
                if key.starts_with("NEXT_PUBLIC_") {
                    env.vars.insert(
                        key,
                        EnvValue {
                            value,
                            from: from.clone(),
                        },
                    );
                }
            }
        }
        for (key, value) in std::env::vars() {
            if key.starts_with("NEXT_PUBLIC_") {
                env.vars.insert(
                    key,
                    EnvValue {
                        value,
                        from: "environment".into(),
                    },
                );
            }
        }
        env
    }
}

/// `KEY=value` lines: `export ` prefixes, quotes and `#` comments as
/// dotenv reads them (no expansion).
fn parse_dotenv(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim().to_string();
        let mut value = value.trim().to_string();
        let quoted = value.len() >= 2
            && (value.starts_with('"') && value.ends_with('"')
                || value.starts_with('\'') && value.ends_with('\''));
        if quoted {
            value = value[1..value.len() - 1].to_string();
        } else if let Some(at) = value.find('#') {
            value = value[..at].trim_end().to_string();
        }
        out.push((key, value));
    }
    out
}

/// A compile-time value.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Str(String),
    Bool(bool),
    Num(f64),
    Nullish,
    Unknown,
    /// Not known, but known to be falsy / truthy.
    Falsy,
    Truthy,
}

impl Val {
    fn truthy(&self) -> Option<bool> {
        match self {
            Val::Str(s) => Some(!s.is_empty()),
            Val::Bool(b) => Some(*b),
            Val::Num(n) => Some(*n != 0.0 && !n.is_nan()),
            Val::Nullish | Val::Falsy => Some(false),
            Val::Truthy => Some(true),
            Val::Unknown => None,
        }
    }
}

/// Evaluates `expr` for one compile.
pub(crate) struct Evaluator<'e> {
    pub runtime: Runtime,
    pub env: &'e CompileEnv,
}

impl Evaluator<'_> {
    fn eval(&self, expr: &Expression) -> Val {
        match expr.without_parentheses() {
            Expression::StringLiteral(s) => Val::Str(s.value.to_string()),
            Expression::BooleanLiteral(b) => Val::Bool(b.value),
            Expression::NumericLiteral(n) => Val::Num(n.value),
            Expression::NullLiteral(_) => Val::Nullish,
            Expression::Identifier(id) if id.name == "undefined" => Val::Nullish,
            Expression::StaticMemberExpression(m) => match self.env_name(expr) {
                Some("NEXT_RUNTIME") => Val::Str(self.runtime.name().into()),
                Some("NODE_ENV") => Val::Str("development".into()),
                Some(name) if name.starts_with("NEXT_PUBLIC_") => self
                    .env
                    .vars
                    .get(name)
                    .map_or(Val::Unknown, |v| Val::Str(v.value.clone())),
                _ => {
                    let _ = m;
                    Val::Unknown
                }
            },
            Expression::UnaryExpression(u) if u.operator == UnaryOperator::LogicalNot => {
                match self.eval(&u.argument).truthy() {
                    Some(b) => Val::Bool(!b),
                    None => Val::Unknown,
                }
            }
            Expression::BinaryExpression(b) => {
                let (l, r) = (self.eval(&b.left), self.eval(&b.right));
                let known = |v: &Val| !matches!(v, Val::Unknown | Val::Falsy | Val::Truthy);
                if !known(&l) || !known(&r) {
                    return Val::Unknown;
                }
                match b.operator {
                    BinaryOperator::StrictEquality | BinaryOperator::Equality => Val::Bool(l == r),
                    BinaryOperator::StrictInequality | BinaryOperator::Inequality => {
                        Val::Bool(l != r)
                    }
                    _ => Val::Unknown,
                }
            }
            Expression::LogicalExpression(l) => {
                let left = self.eval(&l.left);
                match (l.operator, left.truthy()) {
                    (LogicalOperator::And, Some(false)) | (LogicalOperator::Or, Some(true)) => left,
                    (LogicalOperator::And, Some(true)) | (LogicalOperator::Or, Some(false)) => {
                        self.eval(&l.right)
                    }
                    (LogicalOperator::And, None) => match self.eval(&l.right).truthy() {
                        Some(false) => Val::Falsy,
                        _ => Val::Unknown,
                    },
                    (LogicalOperator::Or, None) => match self.eval(&l.right).truthy() {
                        Some(true) => Val::Truthy,
                        _ => Val::Unknown,
                    },
                    _ => Val::Unknown,
                }
            }
            _ => Val::Unknown,
        }
    }

    /// `X` of `process.env.X`.
    fn env_name<'x>(&self, expr: &'x Expression) -> Option<&'x str> {
        match expr.without_parentheses() {
            Expression::StaticMemberExpression(m)
                if m.object.is_specific_member_access("process", "env") =>
            {
                Some(m.property.name.as_str())
            }
            _ => None,
        }
    }

    /// Truthiness of a test, when the compile knows it.
    pub fn test(&self, expr: &Expression) -> Option<bool> {
        self.eval(expr).truthy()
    }
}

struct DeadFinder<'e> {
    eval: Evaluator<'e>,
    early_return: bool,
    dead: Vec<(u32, u32)>,
}

/// Whether `stmt` always returns.
fn returns(stmt: &Statement) -> bool {
    match stmt {
        Statement::ReturnStatement(_) | Statement::ThrowStatement(_) => true,
        Statement::BlockStatement(b) => b.body.last().is_some_and(returns),
        _ => false,
    }
}

impl<'a> Visit<'a> for DeadFinder<'_> {
    fn visit_if_statement(&mut self, it: &IfStatement<'a>) {
        match self.eval.test(&it.test) {
            Some(true) => {
                if let Some(alt) = &it.alternate {
                    let s = alt.span();
                    self.dead.push((s.start, s.end));
                }
                self.visit_statement(&it.consequent);
            }
            Some(false) => {
                let s = it.consequent.span();
                self.dead.push((s.start, s.end));
                if let Some(alt) = &it.alternate {
                    self.visit_statement(alt);
                }
            }
            None => walk::walk_if_statement(self, it),
        }
    }

    fn visit_conditional_expression(&mut self, it: &ConditionalExpression<'a>) {
        let (live, dead) = match self.eval.test(&it.test) {
            Some(true) => (&it.consequent, &it.alternate),
            Some(false) => (&it.alternate, &it.consequent),
            None => return walk::walk_conditional_expression(self, it),
        };
        let s = dead.span();
        self.dead.push((s.start, s.end));
        self.visit_expression(live);
    }

    fn visit_logical_expression(&mut self, it: &LogicalExpression<'a>) {
        let left = self.eval.test(&it.left);
        let skip_right = matches!(
            (it.operator, left),
            (LogicalOperator::And, Some(false)) | (LogicalOperator::Or, Some(true))
        );
        if skip_right {
            let s = it.right.span();
            self.dead.push((s.start, s.end));
            self.visit_expression(&it.left);
        } else {
            walk::walk_logical_expression(self, it);
        }
    }

    fn visit_statements(&mut self, it: &oxc_allocator::Vec<'a, Statement<'a>>) {
        for (k, stmt) in it.iter().enumerate() {
            self.visit_statement(stmt);
            if !self.early_return {
                continue;
            }
            if let Statement::IfStatement(i) = stmt
                && i.alternate.is_none()
                && returns(&i.consequent)
                && self.eval.test(&i.test) == Some(true)
                && let (Some(first), Some(last)) = (it.get(k + 1), it.last())
            {
                self.dead.push((first.span().start, last.span().end));
                return;
            }
        }
    }
}

/// Byte spans of `source` that `runtime`'s compile does not follow.
pub(crate) fn dead_spans(
    path: &Path,
    source: &str,
    runtime: Runtime,
    env: &CompileEnv,
    early_return: bool,
) -> Vec<(u32, u32)> {
    // Only tests on process.env fold; most files have none.
    if !source.contains("process.env") {
        return Vec::new();
    }
    if warmstart_workspace::guard::check_parse_budget(source).is_err() {
        return Vec::new();
    }
    let allocator = Allocator::default();
    let ret = Parser::new(&allocator, source, crate::parse::source_type_for(path)).parse();
    let mut finder = DeadFinder {
        eval: Evaluator { runtime, env },
        early_return,
        dead: Vec::new(),
    };
    finder.visit_program(&ret.program);
    finder.dead
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> CompileEnv {
        CompileEnv {
            vars: pairs
                .iter()
                .map(|(k, v)| {
                    (
                        k.to_string(),
                        EnvValue {
                            value: v.to_string(),
                            from: ".env".into(),
                        },
                    )
                })
                .collect(),
        }
    }

    fn dead_text<'s>(
        src: &'s str,
        runtime: Runtime,
        env: &CompileEnv,
        early: bool,
    ) -> Vec<&'s str> {
        dead_spans(Path::new("a.ts"), src, runtime, env, early)
            .into_iter()
            .map(|(s, e)| &src[s as usize..e as usize])
            .collect()
    }

    #[test]
    fn runtime_branches_fold_per_compile() {
        let src = "export async function register() {\n  if (process.env.NEXT_RUNTIME === \"nodejs\") {\n    await import(\"./server\");\n  }\n  if (process.env.NEXT_RUNTIME === \"edge\") {\n    await import(\"./edge\");\n  }\n}\n";
        let node = dead_text(src, Runtime::NodeJs, &env(&[]), false);
        assert_eq!(node, vec!["{\n    await import(\"./edge\");\n  }"]);
        let edge = dead_text(src, Runtime::Edge, &env(&[]), false);
        assert_eq!(edge, vec!["{\n    await import(\"./server\");\n  }"]);
    }

    #[test]
    fn an_unset_public_variable_does_not_fold_an_empty_one_does() {
        let src = "if (process.env.NEXT_PUBLIC_SENTRY_DSN && process.env.NEXT_RUNTIME === \"nodejs\") { a(); }\n";
        // nodejs: `unknown && true` is unknown; edge: `unknown && false` is false.
        assert!(dead_text(src, Runtime::NodeJs, &env(&[]), false).is_empty());
        assert_eq!(
            dead_text(src, Runtime::Edge, &env(&[]), false),
            vec!["{ a(); }"]
        );
        let empty = env(&[("NEXT_PUBLIC_SENTRY_DSN", "")]);
        assert_eq!(
            dead_text(src, Runtime::NodeJs, &empty, false),
            vec!["{ a(); }"]
        );
    }

    #[test]
    fn early_return_only_for_turbopack() {
        let src = "async function f() {\n  if (!process.env.NEXT_PUBLIC_X) return;\n  const m = await import(\"m\");\n  return m.x();\n}\n";
        let e = env(&[("NEXT_PUBLIC_X", "")]);
        assert!(dead_text(src, Runtime::NodeJs, &e, false).is_empty());
        assert_eq!(
            dead_text(src, Runtime::NodeJs, &e, true),
            vec!["const m = await import(\"m\");\n  return m.x();"]
        );
    }

    #[test]
    fn dotenv_lines() {
        let parsed =
            parse_dotenv("# c\nexport A=1\nB=\"two words\"\nC= # none\nNEXT_PUBLIC_SENTRY_DSN=\n");
        assert_eq!(
            parsed,
            vec![
                ("A".into(), "1".into()),
                ("B".into(), "two words".into()),
                ("C".into(), "".into()),
                ("NEXT_PUBLIC_SENTRY_DSN".into(), "".into())
            ]
        );
    }
}
