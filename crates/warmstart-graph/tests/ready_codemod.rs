//! The lazy-import rewrite of `graph ready --write` (issue 15) on the
//! shapes it must handle: Sentry's documented instrumentation (a namespace
//! import re-exported as a member), named imports used in functions, a
//! binding used at the top level (refused, with the reason), type-only
//! uses, and idempotence. Each output is also parsed again: a rewrite must
//! never leave a file oxc cannot read.

use std::path::Path;

use warmstart_graph::codemod::{self, lazy};

const SENTRY_DOCUMENTED: &str = r#"import * as Sentry from "@sentry/nextjs";

export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    await import("./sentry.server.config");
  }

  if (process.env.NEXT_RUNTIME === "edge") {
    await import("./sentry.edge.config");
  }
}

export const onRequestError = Sentry.captureRequestError;
"#;

/// Plans `source` as `file` with Next's instrumentation hooks; the Sentry
/// config modules count as bringing the SDK, its guard is the DSN variable.
fn plan(file: &str, source: &str, guard: Option<&str>) -> Vec<lazy::Candidate> {
    let guard_fn = |spec: &str| {
        (spec == "@sentry/nextjs")
            .then(|| guard.map(String::from))
            .flatten()
    };
    let brings = |package: &str, dynamic: &str| {
        package == "@sentry/nextjs" && dynamic.starts_with("./sentry.")
    };
    let options = lazy::LazyOptions {
        hooks: &["register", "onRequestError"],
        guard: &guard_fn,
        brings: &brings,
    };
    lazy::candidates(Path::new(file), source, &options).expect("parses")
}

/// Applies every rewrite, one at a time, re-planning on the new text.
fn rewrite_all(file: &str, source: &str, guard: Option<&str>) -> String {
    let mut text = source.to_string();
    for _ in 0..10 {
        let next = plan(file, &text, guard)
            .into_iter()
            .find_map(|c| match c.plan {
                lazy::Plan::Rewrite { edits, .. } => Some(edits),
                lazy::Plan::Refused { .. } => None,
            });
        let Some(edits) = next else {
            break;
        };
        text = codemod::apply(&text, &edits);
        // Still valid code.
        plan(file, &text, guard);
    }
    text
}

#[test]
fn namespace_import_reexported_as_a_member() {
    let cands = plan(
        "instrumentation.ts",
        SENTRY_DOCUMENTED,
        Some("NEXT_PUBLIC_SENTRY_DSN"),
    );
    assert_eq!(cands.len(), 1);
    assert_eq!(cands[0].specifier, "@sentry/nextjs");
    assert_eq!(cands[0].bindings, vec!["Sentry"]);
    let after = rewrite_all(
        "instrumentation.ts",
        SENTRY_DOCUMENTED,
        Some("NEXT_PUBLIC_SENTRY_DSN"),
    );
    insta::assert_snapshot!("sentry_documented_guarded", after);
}

#[test]
fn without_a_known_guard_the_wrapper_has_none_and_js_has_no_types() {
    let after = rewrite_all("instrumentation.js", SENTRY_DOCUMENTED, None);
    insta::assert_snapshot!("sentry_documented_js_unguarded", after);
}

#[test]
fn an_existing_guard_is_kept_not_doubled() {
    let source = r#"import { captureRequestError } from "@sentry/nextjs";

export async function register() {
  if (process.env.NEXT_PUBLIC_SENTRY_DSN && process.env.NEXT_RUNTIME === "nodejs") {
    await import("./sentry.server.config");
  }
}

export { captureRequestError as onRequestError };
"#;
    let after = rewrite_all("instrumentation.ts", source, Some("NEXT_PUBLIC_SENTRY_DSN"));
    insta::assert_snapshot!("named_reexport_existing_guard", after);
}

#[test]
fn named_imports_used_in_functions() {
    let source = r#"import { registerOTel, type Options } from "@vercel/otel";
import { trace as t, context } from "@opentelemetry/api";

const defaults: Options = { serviceName: "web" };

export function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    registerOTel(defaults);
    t.getTracer("web").startSpan("boot").end();
  }
}

export const current = async () => context.active();
export const name = async () => t.getTracer("web");
"#;
    let cands = plan("instrumentation.ts", source, None);
    let summary: Vec<String> = cands
        .iter()
        .map(|c| {
            format!(
                "{} {:?} {}",
                c.specifier,
                c.bindings,
                matches!(c.plan, lazy::Plan::Rewrite { .. })
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            "@vercel/otel [\"registerOTel\"] true",
            "@opentelemetry/api [\"t\", \"context\"] true"
        ]
    );
    let after = rewrite_all("instrumentation.ts", source, None);
    insta::assert_snapshot!("named_imports_in_functions", after);
}

#[test]
fn a_binding_used_at_the_top_level_is_refused_with_the_reason() {
    let source = r#"import * as Sentry from "@sentry/nextjs";
import { helper } from "./helper";

Sentry.init({ dsn: process.env.NEXT_PUBLIC_SENTRY_DSN });

export function report(e: unknown) {
  helper();
  return Sentry.captureException(e);
}
"#;
    let cands = plan("instrumentation.ts", source, Some("NEXT_PUBLIC_SENTRY_DSN"));
    let shown: Vec<String> = cands
        .iter()
        .map(|c| match &c.plan {
            lazy::Plan::Refused { reason } => {
                format!("{}:{} refused: {reason}", c.line, c.specifier)
            }
            lazy::Plan::Rewrite { .. } => format!("{}:{} rewrite", c.line, c.specifier),
        })
        .collect();
    insta::assert_snapshot!("top_level_use_refused", shown.join("\n"));
}

#[test]
fn type_only_uses_stay_static() {
    let source = r#"import * as Sentry from "@sentry/nextjs";
import type { NextRequest } from "next/server";
import { Span } from "@opentelemetry/api";

export async function onRequestError(err: Sentry.ErrorEvent, req: NextRequest, span?: Span) {
  Sentry.captureException(err);
}
"#;
    let cands = plan("instrumentation.ts", source, Some("NEXT_PUBLIC_SENTRY_DSN"));
    // `import type` and a value import used only as a type are no offenders.
    assert_eq!(cands.len(), 1, "{cands:?}");
    let after = rewrite_all("instrumentation.ts", source, Some("NEXT_PUBLIC_SENTRY_DSN"));
    insta::assert_snapshot!("type_uses_stay_static", after);
}

#[test]
fn a_synchronous_function_is_refused() {
    let source = "import { a } from \"a\";\n\nexport function helper() {\n  return a();\n}\n";
    let cands = plan("instrumentation.ts", source, None);
    let lazy::Plan::Refused { reason } = &cands[0].plan else {
        panic!("expected a refusal: {cands:?}");
    };
    assert_eq!(
        reason,
        "`a` is used in the synchronous function `helper` (line 3): `await import()` needs an async one"
    );
}

#[test]
fn rewriting_is_idempotent() {
    let once = rewrite_all(
        "instrumentation.ts",
        SENTRY_DOCUMENTED,
        Some("NEXT_PUBLIC_SENTRY_DSN"),
    );
    let twice = rewrite_all("instrumentation.ts", &once, Some("NEXT_PUBLIC_SENTRY_DSN"));
    assert_eq!(once, twice);
    assert!(
        plan("instrumentation.ts", &once, Some("NEXT_PUBLIC_SENTRY_DSN")).is_empty(),
        "no top-level value import is left"
    );
}

#[test]
fn every_byte_outside_the_edits_is_kept() {
    // Comments, odd spacing and the other imports survive untouched.
    let source = "// header\nimport   *   as Sentry   from '@sentry/nextjs' // why\nimport { x } from \"./x\";\n\nx();\n\nexport const onRequestError = Sentry.captureRequestError; // keep\n";
    let after = rewrite_all("instrumentation.ts", source, None);
    insta::assert_snapshot!("bytes_kept", after);
}
