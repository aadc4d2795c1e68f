//! The `withWarmstart()` wrap of real config shapes: the edited file is
//! snapshotted, and then loaded by Node.js (require, or a dynamic import for
//! ESM; `.ts` is first checked and transpiled by TypeScript's own compiler
//! from npm) with the repository's `warmstart/next`, proving it loads, that
//! the config still comes out of it, and that code after the export ran.

mod common;

use std::path::Path;

use warmstart_init::wrap::{Wrapped, wrap};

fn wrapped(name: &str, text: &str) -> String {
    match wrap(Path::new(name), text) {
        Ok(Wrapped::Text(t)) => t,
        Ok(Wrapped::Already) => panic!("{name}: reported as already wrapped"),
        Err(e) => panic!("{name}: refused: {e}\n{:?}", e.help),
    }
}

fn refused(name: &str, text: &str) -> String {
    match wrap(Path::new(name), text) {
        Err(e) => format!("{e}\nhelp: {}", e.help.as_deref().unwrap_or("")),
        Ok(w) => panic!("{name}: not refused: {w:?}"),
    }
}

/// The result of loading `file` the way `next dev` does (the config
/// function called with the development phase): the config's keys and
/// what the trailing code left in `globalThis.__trailing`.
const LOADER: &str = r#"
const path = require("path");
const { pathToFileURL } = require("url");
(async () => {
  const file = path.resolve(process.env.CONFIG);
  let mod = file.endsWith(".mjs") ? (await import(pathToFileURL(file).href)).default : require(file);
  if (mod && mod.__esModule) mod = mod.default;
  const config = typeof mod === "function" ? await mod("phase-development-server", { defaultConfig: {} }) : mod;
  console.log("RESULT " + JSON.stringify({ keys: Object.keys(config).sort(), trailing: globalThis.__trailing ?? null }));
})().catch((e) => { console.error(e); process.exit(1); });
"#;

/// Loads `text` saved as `name` in a temp project; returns the RESULT line.
fn load(name: &str, text: &str) -> Option<String> {
    if !common::node_or_skip(name) {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    common::link_warmstart(dir.path());
    let mut file = name.to_string();
    let mut body = text.to_string();
    if name.ends_with(".ts") {
        // TypeScript's own parser and transpiler (from npm), as Next.js
        // transpiles next.config.ts to CommonJS before loading it.
        let modules = common::npm_install("typescript", &["typescript@5.6.3"]);
        std::fs::write(dir.path().join(name), text).unwrap();
        let out = common::node_with(
            dir.path(),
            &[("CONFIG", name)],
            r#"const ts = require("typescript");
const fs = require("fs");
const src = fs.readFileSync(process.env.CONFIG, "utf8");
const out = ts.transpileModule(src, { fileName: process.env.CONFIG, reportDiagnostics: true,
  compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true } });
if (out.diagnostics.length) { console.error(out.diagnostics.map((d) => d.messageText).join("\n")); process.exit(1); }
fs.writeFileSync(process.env.CONFIG.replace(/\.ts$/, ".cjs"), out.outputText);"#,
            &[&modules],
        );
        assert!(out.status.success(), "{name}: {}", common::text(&out));
        file = name.replace(".ts", ".cjs");
        body = std::fs::read_to_string(dir.path().join(&file)).unwrap();
    }
    std::fs::write(dir.path().join(&file), &body).unwrap();
    let out = std::process::Command::new("node")
        .arg("-e")
        .arg(LOADER)
        .env("CONFIG", &file)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let all = common::text(&out);
    assert!(
        out.status.success(),
        "{name} does not load:\n{all}\n---\n{body}"
    );
    all.lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .map(str::to_string)
}

const TRAILING: &str = r#"const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
};

module.exports = nextConfig;

// Code after the export: it must stay outside withWarmstart(...).
globalThis.__trailing = "ran";
console.log("next.config.js loaded");
"#;

#[test]
fn code_after_the_export_stays_after_it_and_runs() {
    let after = wrapped("next.config.js", TRAILING);
    insta::assert_snapshot!("trailing_code", after);
    if let Some(result) = load("next.config.js", &after) {
        assert_eq!(
            result,
            r#"{"keys":["poweredByHeader","reactStrictMode","webpack"],"trailing":"ran"}"#
        );
    }
}

#[test]
fn comments_after_the_export_are_kept() {
    let text = "/** @type {import('next').NextConfig} */\nmodule.exports = {\n  reactStrictMode: true,\n}; // the whole config\n\n/* Deployed by the platform team.\n   Ask before changing. */\n";
    let after = wrapped("next.config.js", text);
    insta::assert_snapshot!("comments_after", after);
    if let Some(result) = load("next.config.js", &after) {
        assert_eq!(
            result,
            r#"{"keys":["reactStrictMode","webpack"],"trailing":null}"#
        );
    }
}

#[test]
fn esm_mjs_gets_an_import_after_its_imports() {
    let text = r#"import path from "node:path";

/** @type {import("next").NextConfig} */
const nextConfig = {
  distDir: path.join(".next"),
};

export default nextConfig;

export const shared = "named exports stay";
globalThis.__trailing = shared;
"#;
    let after = wrapped("next.config.mjs", text);
    insta::assert_snapshot!("mjs", after);
    if let Some(result) = load("next.config.mjs", &after) {
        assert_eq!(
            result,
            r#"{"keys":["distDir","webpack"],"trailing":"named exports stay"}"#
        );
    }
}

#[test]
fn typescript_config_parses_with_typescript_and_loads() {
    let text = r#"import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  transpilePackages: ["@calcom/ui"],
};

export default nextConfig satisfies NextConfig;

// Runs after the export.
(globalThis as { __trailing?: string }).__trailing = "ts";
"#;
    let after = wrapped("next.config.ts", text);
    insta::assert_snapshot!("ts", after);
    if let Some(result) = load("next.config.ts", &after) {
        assert_eq!(
            result,
            r#"{"keys":["reactStrictMode","transpilePackages","webpack"],"trailing":"ts"}"#
        );
    }
}

#[test]
fn function_configs_are_wrapped_whole() {
    let text = "module.exports = (phase, { defaultConfig }) => {\n  return { ...defaultConfig, env: { PHASE: phase } };\n};\n";
    let after = wrapped("next.config.js", text);
    insta::assert_snapshot!("function_cjs", after);
    if let Some(result) = load("next.config.js", &after) {
        assert_eq!(result, r#"{"keys":["env","webpack"],"trailing":null}"#);
    }
    let text =
        "export default async function config(phase) {\n  return { env: { PHASE: phase } };\n}\n";
    let after = wrapped("next.config.mjs", text);
    insta::assert_snapshot!("function_esm", after);
    if let Some(result) = load("next.config.mjs", &after) {
        assert_eq!(result, r#"{"keys":["env","webpack"],"trailing":null}"#);
    }
}

/// Cal.com's shape (a plugin list reduced over the config in an exported
/// function, plugins pushed under conditions before it), written here.
const CALCOM_SHAPE: &str = r#"require("dotenv").config({ path: "../../.env" });
const os = require("os");
const {
  orgHostPath,
} = require("./paths");

const plugins = [];
if (process.env.ANALYZE === "true") {
  plugins.push((config) => ({ ...config, analyzed: true }));
}
plugins.push((config) => ({ ...config, cpus: os.cpus().length > 0 }));

/** @type {import("next").NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  async rewrites() {
    return [{ source: "/team/:slug", destination: orgHostPath }];
  },
};

if (!!process.env.NEXT_PUBLIC_SENTRY_DSN) {
  plugins.push((config) => config);
}

module.exports = () => plugins.reduce((acc, next) => next(acc), nextConfig);
"#;

#[test]
fn calcom_shape_gets_the_require_with_its_requires() {
    let after = wrapped("next.config.js", CALCOM_SHAPE);
    insta::assert_snapshot!("calcom_shape", after);
    if common::node_or_skip("calcom_shape") {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("paths.js"),
            "exports.orgHostPath = \"/org\";\n",
        )
        .unwrap();
        // dotenv is Cal.com's; a missing .env is fine for it.
        let modules = common::npm_install("dotenv", &["dotenv@16.4.5"]);
        common::link_warmstart(dir.path());
        std::fs::write(dir.path().join("next.config.js"), &after).unwrap();
        let out = std::process::Command::new("node")
            .arg("-e")
            .arg(LOADER)
            .env("CONFIG", "next.config.js")
            .env("NODE_PATH", &modules)
            .current_dir(dir.path())
            .output()
            .unwrap();
        let all = common::text(&out);
        assert!(out.status.success(), "{all}");
        assert!(
            all.contains(
                r#"RESULT {"keys":["cpus","reactStrictMode","rewrites","webpack"],"trailing":null}"#
            ),
            "{all}"
        );
    }
}

#[test]
fn a_jsdoc_typed_export_keeps_its_jsdoc() {
    let text = "// @ts-check\n\n/** @type {import('next').NextConfig} */\nmodule.exports = { output: 'standalone' }\n";
    let after = wrapped("next.config.js", text);
    // Single quotes and no semicolons: the added line follows the file.
    assert_eq!(
        after,
        "// @ts-check\n\nconst { withWarmstart } = require('warmstart/next')\n/** @type {import('next').NextConfig} */\nmodule.exports = withWarmstart({ output: 'standalone' })\n"
    );
}

#[test]
fn crlf_files_stay_crlf() {
    let text = "const a = require(\"a\");\r\nmodule.exports = a;\r\n";
    let after = wrapped("next.config.js", text);
    assert_eq!(
        after,
        "const a = require(\"a\");\r\nconst { withWarmstart } = require(\"warmstart/next\");\r\nmodule.exports = withWarmstart(a);\r\n"
    );
}

#[test]
fn an_already_wrapped_config_gets_no_edit() {
    for (name, text) in [
        (
            "next.config.js",
            "const { withWarmstart } = require(\"warmstart/next\");\nmodule.exports = withWarmstart({});\n// after\n",
        ),
        (
            "next.config.mjs",
            "import { withWarmstart } from \"warmstart/next\";\nexport default withWarmstart({});\n",
        ),
        (
            "next.config.js",
            "const ws = require(\"warmstart/next\");\nmodule.exports = ws.withWarmstart(() => ({}));\n",
        ),
    ] {
        assert_eq!(
            wrap(Path::new(name), text).unwrap(),
            Wrapped::Already,
            "{text}"
        );
    }
    // And the wrap of every case above is itself "already wrapped".
    let after = wrapped("next.config.js", TRAILING);
    assert_eq!(
        wrap(Path::new("next.config.js"), &after).unwrap(),
        Wrapped::Already
    );
}

#[test]
fn unsafe_shapes_are_refused_with_place_and_reason() {
    let cases = [
        (
            "several_exports",
            "next.config.js",
            "module.exports = { a: 1 };\nconsole.log(1);\nmodule.exports = { b: 2 };\n",
        ),
        (
            "conditional",
            "next.config.js",
            "const a = {};\nif (process.env.PROD) {\n  module.exports = a;\n} else {\n  module.exports = { ...a, dev: true };\n}\n",
        ),
        (
            "inside_function",
            "next.config.js",
            "function setup() {\n  module.exports = {};\n}\nsetup();\n",
        ),
        (
            "extra_exports",
            "next.config.js",
            "module.exports = {};\nmodule.exports.env = { A: 1 };\n",
        ),
        (
            "exports_alias",
            "next.config.js",
            "exports.reactStrictMode = true;\n",
        ),
        (
            "changed_after_export",
            "next.config.js",
            "const nextConfig = {};\nmodule.exports = nextConfig;\nnextConfig.images = { unoptimized: true };\n",
        ),
        (
            "parse_error",
            "next.config.js",
            "const nextConfig = {\n  reactStrictMode: true,\n;\nmodule.exports = nextConfig;\n",
        ),
        (
            "named_default",
            "next.config.mjs",
            "const config = {};\nexport { config as default };\n",
        ),
        ("no_export", "next.config.js", "const config = {};\n"),
        (
            "mixed_systems",
            "next.config.mjs",
            "export default {};\nmodule.exports = {};\n",
        ),
    ];
    let mut all = String::new();
    for (case, name, text) in cases {
        all.push_str(&format!("== {case}\n{}\n\n", refused(name, text)));
    }
    insta::assert_snapshot!("refusals", all);
}
