//! `graph ready` on a real tree (issue 15): the before-Ready compiles per
//! runtime, the branches `process.env.NEXT_RUNTIME` makes dead, the cost of
//! each top-level import measured by walking again with the edit applied,
//! and `--write` (atomic, idempotent). Workspace packages only: the rules
//! for installed packages (externals, conditions) are exercised by
//! `bench/ready` on the real `next` and `@sentry/nextjs`.

use std::fs;
use std::path::Path;

use warmstart_graph::codemod::lazy::Plan;
use warmstart_graph::ready::{self, Bundler, ReadyOptions};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

const INSTRUMENTATION: &str = r#"import { heavy } from "@acme/heavy";
import { light } from "@acme/light";
import { banner } from "@acme/banner";

console.log(banner);

export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    heavy();
  }
  light();
}
"#;

/// apps/web with instrumentation + middleware; @acme/heavy has six
/// modules, @acme/light and @acme/banner one each.
fn tree(dev: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    write(
        r,
        "package.json",
        r#"{ "name": "t", "private": true, "workspaces": ["apps/*", "packages/*"] }"#,
    );
    write(
        r,
        "apps/web/package.json",
        &format!(r#"{{ "name": "web", "scripts": {{ "dev": "{dev}" }} }}"#),
    );
    write(r, "apps/web/instrumentation.ts", INSTRUMENTATION);
    write(
        r,
        "apps/web/middleware.ts",
        "import { light } from \"@acme/light\";\n\nexport function middleware() {\n  return light();\n}\n",
    );
    write(
        r,
        "packages/heavy/package.json",
        r#"{ "name": "@acme/heavy", "main": "index.ts" }"#,
    );
    let mut index = String::new();
    for i in 0..5 {
        write(
            r,
            &format!("packages/heavy/part{i}.ts"),
            &format!("export const p{i} = {i};\n"),
        );
        index.push_str(&format!("import {{ p{i} }} from \"./part{i}\";\n"));
    }
    index.push_str("export function heavy() { return p0 + p1 + p2 + p3 + p4; }\n");
    write(r, "packages/heavy/index.ts", &index);
    write(
        r,
        "packages/light/package.json",
        r#"{ "name": "@acme/light", "main": "index.ts" }"#,
    );
    write(
        r,
        "packages/light/index.ts",
        "export function light() { return 1; }\n",
    );
    write(
        r,
        "packages/banner/package.json",
        r#"{ "name": "@acme/banner", "main": "index.ts" }"#,
    );
    write(
        r,
        "packages/banner/index.ts",
        "export const banner = \"hi\";\n",
    );
    dir
}

fn render(r: &ready::Ready) -> String {
    let mut out = format!(
        "{} {} ({}): {} before Ready\n",
        r.app,
        r.bundler.name(),
        r.bundler_from,
        r.modules
    );
    for c in &r.compiles {
        out.push_str(&format!(
            "{} {} before_ready={} modules={}\n",
            c.name,
            c.runtime.name(),
            c.before_ready,
            c.modules
        ));
        for g in &c.groups {
            out.push_str(&format!(
                "  {} {} via {}\n",
                g.modules,
                g.package,
                g.chain.join(" → ")
            ));
        }
    }
    for o in &r.offenders {
        let plan = match &o.plan {
            Plan::Rewrite { .. } => "rewrite".to_string(),
            Plan::Refused { reason } => format!("refused: {reason}"),
        };
        out.push_str(&format!(
            "offender {}:{} {} modules={} {:?} {plan}\n",
            o.file, o.line, o.specifier, o.modules, o.per_compile
        ));
    }
    out
}

#[test]
fn compiles_per_runtime_and_offenders_measured_with_the_edit() {
    let dir = tree("next dev --turbopack");
    let options = ReadyOptions {
        top: 5,
        ..Default::default()
    };
    let report = ready::analyse(dir.path(), &options).unwrap();
    assert_eq!(report.bundler, Bundler::Turbopack);
    insta::assert_snapshot!("ready_turbopack", render(&report));
}

#[test]
fn webpack_compiles_middleware_on_the_first_request() {
    let dir = tree("next dev");
    let report = ready::analyse(
        dir.path(),
        &ReadyOptions {
            top: 5,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(report.bundler, Bundler::Webpack);
    let mw = report
        .compiles
        .iter()
        .find(|c| c.name == "middleware")
        .unwrap();
    assert!(!mw.before_ready);
    // Only instrumentation counts before Ready, 1+6+1+1 in each runtime:
    // the edge compile keeps @acme/heavy because its import is at the top
    // level (only the call sits in the branch NEXT_RUNTIME makes dead).
    assert_eq!(report.modules, 9 + 9);
}

#[test]
fn write_applies_the_edit_atomically_and_is_idempotent() {
    let dir = tree("next dev --turbopack");
    let options = ReadyOptions {
        top: 5,
        ..Default::default()
    };
    let before = ready::analyse(dir.path(), &options).unwrap();
    let written = ready::write(dir.path(), &options, &before).unwrap();
    assert_eq!(written.len(), 1);
    assert!(written[0].changed);
    assert_eq!(written[0].rewritten, vec!["@acme/heavy"]);
    let text = fs::read_to_string(dir.path().join("apps/web/instrumentation.ts")).unwrap();
    insta::assert_snapshot!("ready_written", text);
    let after = ready::analyse(dir.path(), &options).unwrap();
    assert_eq!(after.modules, before.modules - 6, "{}", render(&after));
    // A second run finds nothing to do and leaves the bytes alone.
    let again = ready::write(dir.path(), &options, &after).unwrap();
    assert!(again.iter().all(|w| !w.changed), "{again:?}");
    assert_eq!(
        fs::read_to_string(dir.path().join("apps/web/instrumentation.ts")).unwrap(),
        text
    );
    // No temp file left behind.
    let names: Vec<String> = fs::read_dir(dir.path().join("apps/web"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with(".warmstart")),
        "{names:?}"
    );
}

#[test]
fn a_syntax_error_names_the_file_line_and_column() {
    let dir = tree("next dev");
    write(
        dir.path(),
        "apps/web/instrumentation.ts",
        "import { a } from \"a\";\nexport async function register( {\n",
    );
    let err = ready::analyse(dir.path(), &ReadyOptions::default()).unwrap_err();
    let text = err.to_string();
    // The parser reports the missing `}` where the file ends.
    assert!(
        text.starts_with("apps/web/instrumentation.ts:3:1: "),
        "{text}"
    );
    assert!(text.contains("Expected `}`"), "{text}");
}

#[test]
fn an_app_folder_that_is_not_there_is_an_error() {
    let dir = tree("next dev");
    let options = ReadyOptions {
        app: Some("apps/nope".into()),
        ..Default::default()
    };
    let err = ready::analyse(dir.path(), &options).unwrap_err();
    assert!(
        err.to_string().ends_with("apps/nope is not a folder"),
        "{err}"
    );
}
