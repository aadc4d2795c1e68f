//! What each bundler compiles for each runtime before Ready: resolve
//! conditions, main fields, and which requests stay external. The rules
//! are read from Next.js's own source (cited per rule; `docs/graph.md`
//! lists the files) and from the installed Next (its version, its
//! `dist/lib/server-external-packages.json`, whether its webpack config
//! has an `instrument` layer).

use std::path::{Path, PathBuf};

use oxc_allocator::Allocator;
use oxc_ast::ast::{ArrayExpressionElement, Expression, ObjectPropertyKind, PropertyKey};
use oxc_ast_visit::{Visit, walk};
use oxc_parser::Parser;
use serde::Serialize;

use super::{Bundler, Runtime};

/// What `next.config.*` says about bundling, read statically (string
/// literals in arrays; anything computed is not seen).
#[derive(Debug, Default, Clone, Serialize)]
pub struct NextConfigFacts {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub transpile_packages: Vec<String>,
    /// `serverExternalPackages` (15) and
    /// `experimental.serverComponentsExternalPackages` (13.5/14).
    pub server_external_packages: Vec<String>,
    /// `experimental.instrumentationHook` (needed before Next 15).
    pub instrumentation_hook: bool,
    pub bundle_pages_router_dependencies: bool,
}

struct ConfigVisitor<'c> {
    facts: &'c mut NextConfigFacts,
}

impl<'a> Visit<'a> for ConfigVisitor<'_> {
    fn visit_object_property_kind(&mut self, it: &ObjectPropertyKind<'a>) {
        if let ObjectPropertyKind::ObjectProperty(p) = it {
            let key = match &p.key {
                PropertyKey::StaticIdentifier(id) => Some(id.name.as_str()),
                PropertyKey::StringLiteral(s) => Some(s.value.as_str()),
                _ => None,
            };
            let strings = || -> Vec<String> {
                match &p.value {
                    Expression::ArrayExpression(a) => a
                        .elements
                        .iter()
                        .filter_map(|e| match e {
                            ArrayExpressionElement::StringLiteral(s) => Some(s.value.to_string()),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                }
            };
            let truthy = matches!(&p.value, Expression::BooleanLiteral(b) if b.value);
            match key {
                Some("transpilePackages") => self.facts.transpile_packages.extend(strings()),
                Some("serverExternalPackages" | "serverComponentsExternalPackages") => {
                    self.facts.server_external_packages.extend(strings())
                }
                Some("instrumentationHook") => self.facts.instrumentation_hook |= truthy,
                Some("bundlePagesRouterDependencies") => {
                    self.facts.bundle_pages_router_dependencies |= truthy
                }
                _ => {}
            }
        }
        walk::walk_object_property_kind(self, it);
    }
}

/// Reads `next.config.{js,mjs,cjs,ts,mts}` in `app`.
pub fn read_next_config(root: &Path, app: &Path) -> NextConfigFacts {
    let mut facts = NextConfigFacts::default();
    for name in [
        "next.config.js",
        "next.config.mjs",
        "next.config.cjs",
        "next.config.ts",
        "next.config.mts",
    ] {
        let path = app.join(name);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        facts.file = Some(super::rel(root, &path));
        if warmstart_workspace::guard::check_parse_budget(&text).is_err() {
            break;
        }
        let allocator = Allocator::default();
        let ret = Parser::new(&allocator, &text, crate::parse::source_type_for(&path)).parse();
        ConfigVisitor { facts: &mut facts }.visit_program(&ret.program);
        break;
    }
    facts.transpile_packages.sort();
    facts.transpile_packages.dedup();
    facts.server_external_packages.sort();
    facts.server_external_packages.dedup();
    facts
}

/// The installed Next.js, as the app resolves it.
#[derive(Debug, Clone, Default)]
pub struct NextInstall {
    pub dir: Option<PathBuf>,
    pub version: Option<String>,
    /// `dist/lib/server-external-packages.json`: packages Next never bundles
    /// on the server (`optOutBundlingPackages`).
    pub server_external_packages: Vec<String>,
    /// Webpack puts instrumentation in its own `instrument` layer, which
    /// bundles `node_modules` (Next 15's `dist/lib/constants.js`
    /// `WEBPACK_LAYERS.GROUP.bundled`); before it (13.5), instrumentation
    /// had no layer and `handleExternals` left node_modules external.
    pub instrument_layer: bool,
}

impl NextInstall {
    pub fn find(app: &Path) -> NextInstall {
        let dir = app
            .ancestors()
            .map(|d| d.join("node_modules/next"))
            .find(|d| d.join("package.json").is_file());
        let Some(dir) = dir else {
            return NextInstall::default();
        };
        let version = std::fs::read_to_string(dir.join("package.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v["version"].as_str().map(String::from));
        let server_external_packages =
            std::fs::read_to_string(dir.join("dist/lib/server-external-packages.json"))
                .ok()
                .and_then(|t| serde_json::from_str::<Vec<String>>(&t).ok())
                .unwrap_or_default();
        let instrument_layer = std::fs::read_to_string(dir.join("dist/lib/constants.js"))
            .map(|t| {
                t.contains("instrument: 'instrument'") || t.contains("instrument: \"instrument\"")
            })
            .unwrap_or(false);
        NextInstall {
            dir: Some(dir),
            version,
            server_external_packages,
            instrument_layer,
        }
    }

    pub fn major(&self) -> Option<u32> {
        self.version.as_deref()?.split('.').next()?.parse().ok()
    }
}

/// How a request is decided for one compile.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", content = "packages", rename_all = "snake_case")]
pub enum Externals {
    /// Webpack's server compile without a bundled layer (Next 13.5's
    /// instrumentation): a request resolving into `node_modules` to a
    /// `.js`/`.mjs`/`.cjs` file is external, except `transpilePackages`,
    /// `@babel/runtime`, `webpack`, `css-loader` and `@swc/helpers`
    /// (`dist/build/handle-externals.js`).
    NodeModulesExcept(Vec<String>),
    /// Only these packages stay external (the opt-out list plus the
    /// config's, minus `transpilePackages`): webpack's bundled layers and
    /// Turbopack's middleware/instrumentation contexts
    /// (`crates/next-core/src/next_server/context.rs`,
    /// `server_external_packages_plugin`).
    Only(Vec<String>),
    /// The Edge runtime bundles everything (webpack's edge compiler keeps
    /// only `next` itself external: `dist/build/webpack-config.js`).
    Nothing,
}

/// One compile's rules.
#[derive(Debug, Clone, Serialize)]
pub struct Rules {
    pub bundler: Bundler,
    pub runtime: Runtime,
    /// Conditions for `import` / `import()`.
    pub import_conditions: Vec<&'static str>,
    /// Conditions for `require()`.
    pub require_conditions: Vec<&'static str>,
    pub main_fields: Vec<&'static str>,
    pub browser_field: bool,
    pub externals: Externals,
    /// Code after an `if (…) return;` whose test is constant-true is not
    /// followed (Turbopack's analyzer does this; webpack 5's parser only
    /// drops the dead branch of an `if` or `&&`/`?:`).
    pub early_return: bool,
}

/// The rules for `bundler` compiling `runtime`'s entries.
pub fn rules(
    bundler: Bundler,
    runtime: Runtime,
    next: &NextInstall,
    config: &NextConfigFacts,
) -> Rules {
    let opt_out = || {
        let mut list: Vec<String> = next
            .server_external_packages
            .iter()
            .chain(&config.server_external_packages)
            .filter(|p| !config.transpile_packages.contains(p))
            .cloned()
            .collect();
        list.sort();
        list.dedup();
        list
    };
    let (main_fields, browser_field, externals, early_return) = match (bundler, runtime) {
        // webpack's server compiler: `resolve.mainFields` ["main", "module"]
        // (`mainFieldsPerCompiler`); the externals check resolves with
        // NODE_ESM_RESOLVE_OPTIONS or NODE_RESOLVE_OPTIONS.
        (Bundler::Webpack, Runtime::NodeJs) => (
            vec!["main", "module"],
            false,
            if next.instrument_layer && !config.bundle_pages_router_dependencies {
                Externals::Only(opt_out())
            } else {
                Externals::NodeModulesExcept(config.transpile_packages.clone())
            },
            false,
        ),
        // webpack's edge compiler: main fields like its conditions, the
        // `browser` alias field of the web target.
        (Bundler::Webpack, Runtime::Edge) => (
            vec!["edge-light", "worker", "browser", "module", "main"],
            true,
            Externals::Nothing,
            false,
        ),
        (Bundler::Turbopack, Runtime::NodeJs) => (
            vec!["module", "main"],
            false,
            Externals::Only(opt_out()),
            true,
        ),
        // Turbopack's edge context (`crates/next-core/src/next_edge/context.rs`):
        // `browser: true`, `module: true`.
        (Bundler::Turbopack, Runtime::Edge) => (
            vec!["browser", "module", "main"],
            true,
            Externals::Nothing,
            true,
        ),
    };
    Rules {
        bundler,
        runtime,
        import_conditions: conditions(bundler, runtime, "import"),
        require_conditions: conditions(bundler, runtime, "require"),
        main_fields,
        browser_field,
        externals,
        early_return,
    }
}

/// The resolve conditions of a compile, `kind` (`import` or `require`) in
/// its place.
fn conditions(bundler: Bundler, runtime: Runtime, kind: &'static str) -> Vec<&'static str> {
    match (bundler, runtime) {
        // webpack's node-target conditions (["node", "import"] /
        // ["node", "require"]).
        (Bundler::Webpack, Runtime::NodeJs) => {
            vec!["node", kind, "module", "webpack", "development", "default"]
        }
        // webpack's edge compiler: `edgeConditionNames` ["edge-light",
        // "worker", "..."] over the web target's defaults.
        (Bundler::Webpack, Runtime::Edge) => vec![
            "edge-light",
            "worker",
            "browser",
            kind,
            "module",
            "webpack",
            "development",
            "default",
        ],
        // Turbopack's server context for middleware/instrumentation: the
        // mode's condition ("development"), NextRuntime::NodeJs's ["node"],
        // "react-server" (`should_use_react_server_condition`).
        (Bundler::Turbopack, Runtime::NodeJs) => {
            vec![
                "development",
                "node",
                "react-server",
                kind,
                "module",
                "default",
            ]
        }
        // Turbopack's edge context: "development", NextRuntime::Edge's
        // ["edge-light"], "react-server" for middleware/instrumentation.
        (Bundler::Turbopack, Runtime::Edge) => vec![
            "development",
            "edge-light",
            "react-server",
            "browser",
            kind,
            "module",
            "default",
        ],
    }
}

impl Rules {
    /// Whether `specifier`, resolved to `target`, stays external.
    pub fn is_external(&self, specifier: &str, target: &Path) -> bool {
        let bare = !(specifier.starts_with('.') || specifier.starts_with('/'));
        if !bare {
            return false;
        }
        let text = target.to_string_lossy();
        let in_node_modules = text.contains("/node_modules/");
        if !in_node_modules {
            // Workspace packages resolve through their symlink to the real
            // folder, outside node_modules: bundled like the app's own code.
            return false;
        }
        let package = crate::resolve::package_name(specifier);
        match &self.externals {
            Externals::Nothing => specifier == "next",
            Externals::NodeModulesExcept(except) => {
                if specifier == "next" || specifier.starts_with("next/dist/") {
                    return true;
                }
                let js = [".js", ".mjs", ".cjs"].iter().any(|e| text.ends_with(e));
                let bundled = except.iter().any(|p| p == package)
                    || specifier.contains("@swc/helpers")
                    || text.contains("/node_modules/@babel/runtime/")
                    || text.contains("/node_modules/webpack")
                    || text.contains("/node_modules/css-loader");
                js && !bundled
            }
            Externals::Only(list) => {
                // Next's own server runtime stays external in both bundlers
                // (`handleExternals`' `next/dist/` rules; Turbopack's
                // NextExternalResolvePlugin).
                specifier == "next"
                    || specifier.starts_with("next/dist/")
                    || list.iter().any(|p| p == package)
            }
        }
    }
}
