//! What Turbopack (Next 15) compiles for a route, module by module (issue
//! 16). The rules modelled, each checked against a real `next dev
//! --turbopack` (bench/firstpage/turbopack-count.py, docs/firstpage.md):
//!
//! * **Layers.** An App Router page compiles in three: `app-rsc` (server
//!   components; conditions `react-server`, `node`), `app-ssr` (the client
//!   components rendered on the server; `node`) and `app-client` (the
//!   browser; `browser`). In `app-rsc` a `"use client"` module becomes a
//!   client reference (one module, not followed) and a boundary: the
//!   client and SSR layers start from every boundary.
//! * **Side-effect-free modules are passed through by name.** A module is
//!   side-effect free when its package.json says `"sideEffects": false` (or
//!   lists globs it does not match), or when it lies under
//!   `node_modules/<pkg>/` for a `pkg` in `optimizePackageImports` (Next's
//!   defaults included). Importing `{ a }` from such a module compiles only
//!   the module that defines `a` (through `export { a } from`, `export *`,
//!   `import { a } …; export { a }`), and the module itself only when `a`
//!   is its own. A workspace package resolves to its real path, so
//!   `optimizePackageImports` never matches it (vercel/next.js issue
//!   75148); only its own `sideEffects` does. A module that is not side
//!   effect free compiles whole, with everything it imports and
//!   re-exports.
//! * **Names.** `import * as ns` used only as `ns.a` takes `a`; `import()`
//!   and `require()` take everything; type-only bindings are elided.
//! * **Constants.** `process.env.NODE_ENV`, `TURBOPACK`, `NEXT_RUNTIME` and
//!   `typeof window` are folded, so dead `require`s are not followed.
//! * **Server externals** (`app-rsc`, `app-ssr`): a package in Next's
//!   `dist/lib/server-external-packages.json` (read from the installed
//!   `next`) is external — one module per request, not followed; so are
//!   Node built-ins and Next's own `*.external.js` / `compiled/next-server`
//!   runtimes. Everything else in `node_modules` is bundled. The Pages
//!   Router server keeps webpack's rule (every `node_modules` request
//!   external).
//! * **Aliases.** React and React DOM resolve to Next's vendored copies per
//!   layer (`next/dist/compiled/react` in the browser,
//!   `…/app-page/vendored/{rsc,ssr}/…` on the server); `next/navigation` in
//!   `app-rsc` to its `react-server` build; `server-only`/`client-only` to
//!   Next's stubs; Node built-ins in the browser to Next's polyfills.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobMatcher};

use super::facts::{self, Env, Facts, Import, ImportKind, Names};
use crate::resolve::{self, Resolved, WorkspaceResolver};
use crate::workspaces::WorkspacePackages;

/// Next 15's built-in `optimizePackageImports` list
/// (`next/dist/server/config.js`, merged into the user's list); Turbopack
/// marks these packages side-effect free under `node_modules`.
pub const NEXT15_OPTIMIZED: &[&str] = &[
    "lucide-react",
    "date-fns",
    "lodash-es",
    "ramda",
    "antd",
    "react-bootstrap",
    "ahooks",
    "@ant-design/icons",
    "@headlessui/react",
    "@headlessui-float/react",
    "@heroicons/react/20/solid",
    "@heroicons/react/24/solid",
    "@heroicons/react/24/outline",
    "@visx/visx",
    "@tremor/react",
    "rxjs",
    "@mui/material",
    "@mui/icons-material",
    "recharts",
    "react-use",
    "effect",
    "@material-ui/core",
    "@material-ui/icons",
    "@tabler/icons-react",
    "mui-core",
];

/// Browser polyfills Next aliases Node built-ins to (next_import_map.rs).
const BROWSER_POLYFILLS: &[(&str, &str)] = &[
    ("assert", "next/dist/compiled/assert"),
    ("buffer", "next/dist/compiled/buffer"),
    ("crypto", "next/dist/compiled/crypto-browserify"),
    ("events", "next/dist/compiled/events"),
    ("os", "next/dist/compiled/os-browserify"),
    ("path", "next/dist/compiled/path-browserify"),
    ("process", "next/dist/build/polyfills/process"),
    ("querystring", "next/dist/compiled/querystring-es3"),
    ("stream", "next/dist/compiled/stream-browserify"),
    ("url", "next/dist/compiled/native-url"),
    ("util", "next/dist/compiled/util"),
    ("zlib", "next/dist/compiled/browserify-zlib"),
];

/// Extensions that are parsed; other files are modules without imports.
const CODE: &[&str] = &["ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    /// `app-client`: the browser.
    Client,
    /// `app-ssr`: client components rendered on the server.
    Ssr,
    /// `app-rsc`: server components.
    Rsc,
    /// The Pages Router's browser compile.
    PagesClient,
    /// The Pages Router's server compile.
    PagesServer,
}

impl Layer {
    pub fn name(self) -> &'static str {
        match self {
            Layer::Client => "app-client",
            Layer::Ssr => "app-ssr",
            Layer::Rsc => "app-rsc",
            Layer::PagesClient => "client",
            Layer::PagesServer => "ssr",
        }
    }

    fn env(self) -> Env {
        match self {
            Layer::Client | Layer::PagesClient => Env::Browser,
            _ => Env::Node,
        }
    }

    fn server(self) -> bool {
        self.env() == Env::Node
    }
}

/// Alias of `spec` in `layer` (Next's import map), as a request.
fn alias(layer: Layer, spec: &str) -> Option<String> {
    let vendored = |side: &str, name: &str| {
        format!("next/dist/server/route-modules/app-page/vendored/{side}/{name}")
    };
    let app_common = match spec {
        "next/head" => Some("next/dist/client/components/noop-head".to_string()),
        "next/dynamic" => Some("next/dist/shared/lib/app-dynamic".to_string()),
        "next/link" => Some("next/dist/client/app-dir/link".to_string()),
        "next/form" => Some("next/dist/client/app-dir/form".to_string()),
        _ => None,
    };
    match layer {
        Layer::Client => match spec {
            "react" => Some("next/dist/compiled/react".into()),
            "react-dom" => Some("next/dist/compiled/react-dom".into()),
            "server-only" => Some("next/dist/compiled/server-only/index".into()),
            "client-only" => Some("next/dist/compiled/client-only/index".into()),
            s if s.starts_with("react/") => Some(format!("next/dist/compiled/{s}")),
            s if s.starts_with("react-dom/") => Some(format!("next/dist/compiled/{s}")),
            s if s.starts_with("react-server-dom-turbopack/") => {
                Some(format!("next/dist/compiled/{s}"))
            }
            s => app_common.or_else(|| polyfill(s)),
        },
        Layer::PagesClient => polyfill(spec),
        Layer::Ssr => match spec {
            "react" => Some(vendored("ssr", "react")),
            "react/jsx-dev-runtime" => Some(vendored("ssr", "react-jsx-dev-runtime")),
            "react/jsx-runtime" => Some(vendored("ssr", "react-jsx-runtime")),
            "react-dom" => Some(vendored("ssr", "react-dom")),
            "react-dom/client" => Some("next/dist/compiled/react-dom/client".into()),
            "react-server-dom-turbopack/client" | "react-server-dom-webpack/client" => {
                Some(vendored("ssr", "react-server-dom-turbopack-client"))
            }
            "server-only" => Some("next/dist/compiled/server-only/index".into()),
            "client-only" => Some("next/dist/compiled/client-only/index".into()),
            _ => app_common,
        },
        Layer::Rsc => match spec {
            "react" => Some(vendored("rsc", "react")),
            "react/jsx-dev-runtime" => Some(vendored("rsc", "react-jsx-dev-runtime")),
            "react/jsx-runtime" => Some(vendored("rsc", "react-jsx-runtime")),
            "react-dom" => Some(vendored("rsc", "react-dom")),
            "react-server-dom-turbopack/server" | "react-server-dom-turbopack/server.node" => {
                Some(vendored("rsc", "react-server-dom-turbopack-server"))
            }
            "react-server-dom-turbopack/static" => {
                Some(vendored("rsc", "react-server-dom-turbopack-static"))
            }
            "react-server-dom-turbopack/client" => {
                Some("next/dist/compiled/react-server-dom-turbopack/client.node".into())
            }
            "next/navigation" => Some("next/dist/api/navigation.react-server".into()),
            "server-only" => Some("next/dist/compiled/server-only/empty".into()),
            "client-only" => Some("next/dist/compiled/client-only/error".into()),
            _ => app_common,
        },
        Layer::PagesServer => None,
    }
}

fn polyfill(spec: &str) -> Option<String> {
    let bare = spec.strip_prefix("node:").unwrap_or(spec);
    BROWSER_POLYFILLS
        .iter()
        .find(|(name, _)| *name == bare)
        .map(|(_, to)| to.to_string())
}

fn is_code(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| CODE.contains(&e))
}

pub fn in_node_modules(path: &Path) -> bool {
    path.to_string_lossy().contains("/node_modules/")
}

/// The npm package a `node_modules` path belongs to.
fn node_modules_package(path: &Path) -> Option<String> {
    let text = path.to_string_lossy();
    let at = text.rfind("/node_modules/")?;
    let mut parts = text[at + 14..].split('/');
    let first = parts.next()?;
    Some(if first.starts_with('@') {
        format!("{first}/{}", parts.next()?)
    } else {
        first.to_string()
    })
}

/// A package.json's `sideEffects`.
#[derive(Debug, Clone)]
enum SideEffects {
    /// `true`, absent, or unreadable.
    Yes,
    No,
    /// Globs of the files that have side effects.
    Only(PathBuf, Vec<GlobMatcher>),
}

/// Everything the walk needs besides the layer: resolvers, caches, the
/// server externals and the side-effect-free packages.
pub struct Model {
    pub root: PathBuf,
    packages: WorkspacePackages,
    /// Per layer: for `import` (ESM conditions) and for `require()` (the
    /// `require` condition instead of `import`, as Turbopack resolves a
    /// CommonJS request: Next's CJS runtime takes `@swc/helpers`' cjs build).
    resolvers: HashMap<(Layer, bool), WorkspaceResolver>,
    /// The web app's folder: Next resolves its runtime from there.
    pub web: PathBuf,
    externals: BTreeSet<String>,
    optimized: Vec<String>,
    facts: Mutex<FactsCache>,
    side_effects: Mutex<HashMap<PathBuf, SideEffects>>,
    exports: Mutex<ExportsCache>,
    /// Pass side-effect-free modules through by name (Turbopack); webpack's
    /// dev compile does not.
    pub pass_through: bool,
    /// Texts read instead of the disk (`fix-barrels` predicts its rewrite).
    pub overlay: super::Overlay,
}

impl Model {
    pub fn new(root: &Path, web: &Path, packages: WorkspacePackages) -> Model {
        let make = |conditions: &[&str], main_fields: &[&str], browser: bool| {
            // A bundler never compiles a declaration file: `./x` beside
            // `x.d.ts` and `x.js` is `x.js`.
            resolve::without_declarations(&resolve::bundler_resolver(
                root,
                &packages,
                conditions,
                main_fields,
                browser,
            ))
        };
        let mut resolvers = HashMap::new();
        let browser = ["browser", "import", "module", "development", "default"];
        let node = ["node", "import", "module", "development", "default"];
        let rsc = [
            "react-server",
            "node",
            "import",
            "module",
            "development",
            "default",
        ];
        for require in [false, true] {
            let cond = |list: &[&'static str]| -> Vec<&'static str> {
                list.iter()
                    .map(|c| {
                        if require && *c == "import" {
                            "require"
                        } else {
                            *c
                        }
                    })
                    .collect()
            };
            let browser_fields = ["browser", "module", "main"];
            resolvers.insert(
                (Layer::Client, require),
                make(&cond(&browser), &browser_fields, true),
            );
            resolvers.insert(
                (Layer::PagesClient, require),
                make(&cond(&browser), &browser_fields, true),
            );
            resolvers.insert(
                (Layer::Ssr, require),
                make(&cond(&node), &["module", "main"], false),
            );
            resolvers.insert(
                (Layer::PagesServer, require),
                make(&cond(&node), &["module", "main"], false),
            );
            resolvers.insert(
                (Layer::Rsc, require),
                make(&cond(&rsc), &["module", "main"], false),
            );
        }
        let mut model = Model {
            root: root.to_path_buf(),
            packages,
            resolvers,
            web: web.to_path_buf(),
            externals: BTreeSet::new(),
            optimized: NEXT15_OPTIMIZED.iter().map(|s| s.to_string()).collect(),
            facts: Mutex::new(HashMap::new()),
            side_effects: Mutex::new(HashMap::new()),
            exports: Mutex::new(HashMap::new()),
            pass_through: true,
            overlay: super::Overlay::new(),
        };
        // Next's own list, as Turbopack loads it (load_next_js_templateon
        // of dist/lib/server-external-packages.json).
        if let Some(next) = model.next_dir()
            && let Ok(text) =
                std::fs::read_to_string(next.join("dist/lib/server-external-packages.json"))
            && let Ok(list) = serde_json::from_str::<Vec<String>>(&text)
        {
            model.externals.extend(list);
        }
        model
    }

    /// The installed `next` package folder, resolved from the web app.
    pub fn next_dir(&self) -> Option<PathBuf> {
        let resolver = self.resolvers.get(&(Layer::Ssr, false))?;
        match resolve::resolve(
            resolver,
            &self.packages,
            &self.web.join("package.json"),
            "next/package.json",
        ) {
            Resolved::File(p) => p.parent().map(Path::to_path_buf),
            _ => None,
        }
    }

    pub fn facts(&self, path: &Path, env: Env) -> Option<Arc<Facts>> {
        let key = (path.to_path_buf(), env);
        if let Some(f) = self.facts.lock().ok()?.get(&key) {
            return f.clone();
        }
        let parsed = if is_code(path) {
            match self.overlay.get(path) {
                Some(text) => facts::facts(path, text, env).map(Arc::new),
                None => std::fs::read(path).ok().and_then(|bytes| {
                    let text = String::from_utf8_lossy(&bytes);
                    facts::facts(path, &text, env).map(Arc::new)
                }),
            }
        } else {
            None
        };
        self.facts.lock().ok()?.insert(key, parsed.clone());
        parsed
    }

    /// Whether Turbopack treats `path` as free of side effects.
    pub fn side_effect_free(&self, path: &Path) -> bool {
        if let Some(pkg) = node_modules_package(path)
            && self
                .optimized
                .iter()
                .any(|o| o == &pkg || o.starts_with(&format!("{pkg}/")))
        {
            return true;
        }
        let Some(dir) = path
            .ancestors()
            .skip(1)
            .find(|d| d.join("package.json").is_file())
        else {
            return false;
        };
        let effects = {
            let mut cache = match self.side_effects.lock() {
                Ok(c) => c,
                Err(_) => return false,
            };
            cache
                .entry(dir.to_path_buf())
                .or_insert_with(|| read_side_effects(dir))
                .clone()
        };
        match effects {
            SideEffects::Yes => false,
            SideEffects::No => true,
            SideEffects::Only(base, globs) => {
                let rel = path.strip_prefix(&base).unwrap_or(path);
                !globs.iter().any(|g| g.is_match(rel))
            }
        }
    }

    /// Resolves `spec` from `from` in `layer`, aliases applied.
    pub fn resolve_in(&self, layer: Layer, from: &Path, spec: &str) -> Resolved {
        self.resolve(layer, from, spec)
    }

    fn resolve(&self, layer: Layer, from: &Path, spec: &str) -> Resolved {
        self.resolve_kind(layer, from, spec, false)
    }

    /// `require`: resolved as a `require()` call (the `require` condition).
    fn resolve_kind(&self, layer: Layer, from: &Path, spec: &str, require: bool) -> Resolved {
        let Some(resolver) = self.resolvers.get(&(layer, require)) else {
            return Resolved::Builtin;
        };
        match alias(layer, spec) {
            // Next's own modules resolve from the web app (Turbopack
            // resolves the alias from the project).
            Some(to) => resolve::resolve(
                resolver,
                &self.packages,
                &self.web.join("package.json"),
                &to,
            ),
            None => resolve::resolve(resolver, &self.packages, from, spec),
        }
    }

    /// Names `path` exports (for `export *` lookups).
    fn exports_of(
        &self,
        path: &Path,
        env: Env,
        layer: Layer,
        seen: &mut HashSet<PathBuf>,
    ) -> Arc<BTreeSet<String>> {
        if let Ok(cache) = self.exports.lock()
            && let Some(e) = cache.get(&(path.to_path_buf(), env))
        {
            return e.clone();
        }
        let mut out = BTreeSet::new();
        if seen.insert(path.to_path_buf())
            && let Some(f) = self.facts(path, env)
        {
            out.extend(f.locals.iter().cloned());
            out.extend(f.forwards.keys().cloned());
            for &k in &f.stars {
                if let Resolved::File(t) = self.resolve(layer, path, &f.imports[k].specifier) {
                    let sub = self.exports_of(&t, env, layer, seen);
                    out.extend(sub.iter().filter(|n| *n != "default").cloned());
                }
            }
        }
        let out = Arc::new(out);
        if let Ok(mut cache) = self.exports.lock() {
            cache.insert((path.to_path_buf(), env), out.clone());
        }
        out
    }
}

fn read_side_effects(dir: &Path) -> SideEffects {
    let Ok(text) = std::fs::read_to_string(dir.join("package.json")) else {
        return SideEffects::Yes;
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return SideEffects::Yes;
    };
    match json.get("sideEffects") {
        Some(serde_json::Value::Bool(false)) => SideEffects::No,
        Some(serde_json::Value::Array(list)) => {
            let globs = list
                .iter()
                .filter_map(|v| v.as_str())
                .filter_map(|g| {
                    // webpack's rule: a pattern without `/` matches a file
                    // name anywhere in the package.
                    let g = g.trim_start_matches("./");
                    let g = if g.contains('/') {
                        g.to_string()
                    } else {
                        format!("**/{g}")
                    };
                    Glob::new(&g).ok().map(|g| g.compile_matcher())
                })
                .collect();
            SideEffects::Only(dir.to_path_buf(), globs)
        }
        _ => SideEffects::Yes,
    }
}

/// What a node of a layer's graph is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NodeKind {
    Module,
    /// A `"use client"` module seen from `app-rsc`.
    ClientReference,
    /// Not bundled: required at run time (the request).
    External(String),
}

#[derive(Debug, Clone)]
pub struct WalkNode {
    pub path: PathBuf,
    pub kind: NodeKind,
    /// Re-exports in the module (barrel detection).
    pub reexports: usize,
}

#[derive(Debug, Clone)]
pub struct WalkEdge {
    pub to: usize,
    pub line: u32,
    pub span: (u32, u32),
    pub specifier: String,
    pub reexport: bool,
}

/// Where a request comes from: the importing node and its statement.
#[derive(Debug, Clone)]
struct From {
    node: usize,
    line: u32,
    span: (u32, u32),
    specifier: String,
    reexport: bool,
}

#[derive(Debug, Default)]
struct State {
    full: bool,
    locals: bool,
    names: HashSet<String>,
}

/// Replacement targets for one import statement (importer path, statement
/// start): the modules and names a direct import would take instead.
pub type Redirects = HashMap<(PathBuf, u32), Vec<(PathBuf, Names)>>;

/// One layer's graph.
#[derive(Debug, Default)]
pub struct Walk {
    pub nodes: Vec<WalkNode>,
    pub edges: Vec<Vec<WalkEdge>>,
    pub parent: Vec<Option<usize>>,
    /// `"use client"` modules reached from `app-rsc`, in order.
    pub boundaries: Vec<PathBuf>,
    index: HashMap<(PathBuf, NodeKind), usize>,
    states: HashMap<PathBuf, State>,
    /// (module, name, importer statement) already handled.
    asked: HashSet<Asked>,
}

/// (module, name, importer node and statement start).
type Asked = (PathBuf, String, Option<(usize, u32)>);
/// Parsed facts per (file, environment); `None`: not parsable.
type FactsCache = HashMap<(PathBuf, Env), Option<Arc<Facts>>>;
/// Exported names per (file, environment).
type ExportsCache = HashMap<(PathBuf, Env), Arc<BTreeSet<String>>>;

enum Target {
    File(PathBuf),
    External(String),
}

struct Request {
    target: Target,
    names: Names,
    from: Option<From>,
}

/// Walks `layer` from `entries` (each taken whole).
pub fn walk(
    model: &Model,
    layer: Layer,
    entries: &[PathBuf],
    redirects: Option<&Redirects>,
) -> Walk {
    let mut w = Walk::default();
    let mut queue: VecDeque<Request> = entries
        .iter()
        .map(|e| Request {
            target: Target::File(e.clone()),
            names: Names::All,
            from: None,
        })
        .collect();
    let walker = Walker {
        model,
        layer,
        redirects,
    };
    while let Some(req) = queue.pop_front() {
        walker.handle(&mut w, req, &mut queue);
    }
    w
}

struct Walker<'m> {
    model: &'m Model,
    layer: Layer,
    redirects: Option<&'m Redirects>,
}

impl Walker<'_> {
    fn include(
        &self,
        w: &mut Walk,
        path: &Path,
        kind: NodeKind,
        from: &Option<From>,
    ) -> (usize, bool) {
        let key = (path.to_path_buf(), kind.clone());
        let (i, new) = match w.index.get(&key) {
            Some(&i) => (i, false),
            None => {
                let i = w.nodes.len();
                let reexports = if kind == NodeKind::Module {
                    self.model.facts(path, self.layer.env()).map_or(0, |f| {
                        f.imports
                            .iter()
                            .filter(|m| m.kind == ImportKind::Reexport)
                            .count()
                    })
                } else {
                    0
                };
                w.nodes.push(WalkNode {
                    path: path.to_path_buf(),
                    kind,
                    reexports,
                });
                w.edges.push(Vec::new());
                w.parent.push(from.as_ref().map(|f| f.node));
                w.index.insert(key, i);
                (i, true)
            }
        };
        if let Some(f) = from
            && !w.edges[f.node]
                .iter()
                .any(|e| e.to == i && e.span == f.span)
        {
            w.edges[f.node].push(WalkEdge {
                to: i,
                line: f.line,
                span: f.span,
                specifier: f.specifier.clone(),
                reexport: f.reexport,
            });
        }
        (i, new)
    }

    fn handle(&self, w: &mut Walk, req: Request, queue: &mut VecDeque<Request>) {
        let path = match req.target {
            Target::External(spec) => {
                let key = PathBuf::from(format!("external:/node_modules/{spec}"));
                self.include(w, &key, NodeKind::External(spec), &req.from);
                return;
            }
            Target::File(p) => p,
        };
        let env = self.layer.env();
        let facts = self.model.facts(&path, env);
        if self.layer == Layer::Rsc && facts.as_ref().is_some_and(|f| f.client) {
            let (_, new) = self.include(w, &path, NodeKind::ClientReference, &req.from);
            if new {
                w.boundaries.push(path);
            }
            return;
        }
        let Some(facts) = facts else {
            self.include(w, &path, NodeKind::Module, &req.from);
            return;
        };
        let free = self.model.pass_through && facts.esm && self.model.side_effect_free(&path);
        if !free || req.names == Names::All {
            let (i, _) = self.include(w, &path, NodeKind::Module, &req.from);
            let state = w.states.entry(path.clone()).or_default();
            let first = !state.full;
            state.full = true;
            let fresh: Vec<String> = match &req.names {
                Names::All => Vec::new(),
                Names::Some(set) => set
                    .iter()
                    .filter(|n| state.names.insert((*n).clone()))
                    .cloned()
                    .collect(),
            };
            if first {
                for (k, import) in facts.imports.iter().enumerate() {
                    if facts.stars.contains(&k) && req.names != Names::All {
                        // Evaluated; names are forwarded below.
                        self.import(w, i, &path, import, Names::none(), queue);
                    } else if !facts.stars.contains(&k) {
                        self.import(w, i, &path, import, import.names.clone(), queue);
                    }
                }
                self.jsx_runtime(w, i, &path, &facts, queue);
            }
            for &k in &facts.stars {
                let names = match &req.names {
                    Names::All => Names::All,
                    Names::Some(_) => {
                        let wanted: BTreeSet<String> = fresh
                            .iter()
                            .filter(|n| {
                                !facts.locals.contains(*n) && !facts.forwards.contains_key(*n)
                            })
                            .cloned()
                            .collect();
                        if wanted.is_empty() {
                            continue;
                        }
                        Names::Some(wanted)
                    }
                };
                self.import(w, i, &path, &facts.imports[k], names, queue);
            }
            return;
        }
        let Names::Some(names) = req.names else {
            return;
        };
        for name in names {
            let asked = (
                path.clone(),
                name.clone(),
                req.from.as_ref().map(|f| (f.node, f.span.0)),
            );
            if !w.asked.insert(asked) {
                continue;
            }
            if w.states.get(&path).is_some_and(|s| s.full) {
                self.include(w, &path, NodeKind::Module, &req.from);
                continue;
            }
            if facts.locals.contains(&name) {
                let (i, _) = self.include(w, &path, NodeKind::Module, &req.from);
                let state = w.states.entry(path.clone()).or_default();
                if !state.locals {
                    state.locals = true;
                    for &k in &facts.own {
                        let import = &facts.imports[k];
                        self.import(w, i, &path, import, import.names.clone(), queue);
                    }
                    self.jsx_runtime(w, i, &path, &facts, queue);
                }
            } else if let Some(fw) = facts.forwards.get(&name) {
                let import = &facts.imports[fw.import];
                let names = fw.name.as_deref().map_or(Names::All, Names::one);
                self.forward(w, &path, import, names, &req.from, queue);
            } else {
                // `export *`: the first star module that exports it.
                for &k in &facts.stars {
                    let import = &facts.imports[k];
                    if let Resolved::File(t) =
                        self.model.resolve(self.layer, &path, &import.specifier)
                    {
                        let exported =
                            self.model
                                .exports_of(&t, env, self.layer, &mut HashSet::new());
                        if exported.contains(&name) {
                            self.forward(w, &path, import, Names::one(&name), &req.from, queue);
                            break;
                        }
                    }
                }
            }
        }
    }

    /// A name passed on by a side-effect-free module that is not compiled
    /// itself: the request keeps the original importer.
    fn forward(
        &self,
        w: &mut Walk,
        at: &Path,
        import: &Import,
        names: Names,
        from: &Option<From>,
        queue: &mut VecDeque<Request>,
    ) {
        let _ = w;
        if let Some(target) = self.target(at, &import.specifier, import.kind == ImportKind::Require)
        {
            queue.push_back(Request {
                target,
                names,
                from: from.clone(),
            });
        }
    }

    fn jsx_runtime(
        &self,
        w: &mut Walk,
        i: usize,
        path: &Path,
        facts: &Facts,
        queue: &mut VecDeque<Request>,
    ) {
        if facts.jsx {
            let import = Import {
                specifier: "react/jsx-dev-runtime".into(),
                kind: ImportKind::Static,
                names: Names::Some(BTreeSet::from([
                    "jsxDEV".to_string(),
                    "Fragment".to_string(),
                ])),
                line: 1,
                span: (0, 0),
            };
            self.import(w, i, path, &import, import.names.clone(), queue);
        }
    }

    /// Where `spec` from `at` goes in this layer.
    fn target(&self, at: &Path, spec: &str, require: bool) -> Option<Target> {
        let server = self.layer.server();
        if server && spec == "next/dist/server/require-hook" {
            return Some(Target::External(spec.to_string()));
        }
        // Next's tracer requires the app's own `@opentelemetry/api` when it
        // is installed (Sentry brings it; Turbopack bundles it), else its
        // compiled copy, an external.
        if server
            && spec == "@opentelemetry/api"
            && !matches!(
                self.model.resolve_kind(self.layer, at, spec, require),
                Resolved::File(_)
            )
        {
            return Some(Target::External(
                "next/dist/compiled/@opentelemetry/api".to_string(),
            ));
        }
        match self.model.resolve_kind(self.layer, at, spec, require) {
            Resolved::File(t) => {
                if server && self.external(&t) {
                    // Named by the request; a relative one by its path in
                    // node_modules, as Turbopack names it.
                    // Next's own externals are required at run time from
                    // its CommonJS build (`next/dist/…`, not `dist/esm/…`).
                    let name = if spec.starts_with('.') || spec.starts_with('/') {
                        let text = t.to_string_lossy();
                        text.rfind("/node_modules/").map_or_else(
                            || spec.to_string(),
                            |at| text[at + 14..].replacen("next/dist/esm/", "next/dist/", 1),
                        )
                    } else {
                        spec.to_string()
                    };
                    return Some(Target::External(name));
                }
                // The browser takes Next's CommonJS build of its ESM files.
                if !server && let Some(cjs) = esm_to_cjs(&t) {
                    return Some(Target::File(cjs));
                }
                Some(Target::File(t))
            }
            // Named as requested (`fs`, `node:async_hooks`).
            Resolved::Builtin if server => Some(Target::External(spec.to_string())),
            _ => None,
        }
    }

    fn external(&self, path: &Path) -> bool {
        let text = path.to_string_lossy();
        if text.contains("/node_modules/next/dist/")
            && (text.contains(".external.") || text.contains("/compiled/next-server/"))
        {
            return true;
        }
        if !in_node_modules(path) {
            return false;
        }
        match self.layer {
            Layer::PagesServer => true,
            _ => node_modules_package(path).is_some_and(|p| self.model.externals.contains(&p)),
        }
    }

    fn import(
        &self,
        w: &mut Walk,
        i: usize,
        at: &Path,
        import: &Import,
        names: Names,
        queue: &mut VecDeque<Request>,
    ) {
        let from = Some(From {
            node: i,
            line: import.line,
            span: import.span,
            specifier: import.specifier.clone(),
            reexport: import.kind == ImportKind::Reexport,
        });
        if let Some(redirects) = self.redirects
            && let Some(targets) = redirects.get(&(at.to_path_buf(), import.span.0))
        {
            for (path, names) in targets {
                queue.push_back(Request {
                    target: Target::File(path.clone()),
                    names: names.clone(),
                    from: from.clone(),
                });
            }
            return;
        }
        let names = match import.kind {
            ImportKind::Dynamic | ImportKind::Require => Names::All,
            _ => names,
        };
        let _ = w;
        if let Some(target) = self.target(at, &import.specifier, import.kind == ImportKind::Require)
        {
            queue.push_back(Request {
                target,
                names,
                from,
            });
        }
    }
}

/// `…/next/dist/esm/x.js` → `…/next/dist/x.js` when it exists.
fn esm_to_cjs(path: &Path) -> Option<PathBuf> {
    let text = path.to_string_lossy();
    let at = text.find("/node_modules/next/dist/esm/")?;
    let cjs = format!(
        "{}/node_modules/next/dist/{}",
        &text[..at],
        &text[at + 28..]
    );
    let cjs = PathBuf::from(cjs);
    cjs.is_file().then_some(cjs)
}

/// The name-level definers of `names` behind `barrel` (through forwards
/// and stars), for a rewrite that imports them directly. `None` when a
/// name cannot be traced or the barrel defines it itself.
pub fn definers(
    model: &Model,
    layer: Layer,
    barrel: &Path,
    names: &BTreeSet<String>,
) -> Option<Vec<(PathBuf, Names)>> {
    let env = layer.env();
    let mut out: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    for name in names {
        let (path, local) = trace(model, layer, barrel, name, env, 0)?;
        if path == barrel {
            return None;
        }
        out.entry(path).or_default().insert(local);
    }
    Some(out.into_iter().map(|(p, n)| (p, Names::Some(n))).collect())
}

fn trace(
    model: &Model,
    layer: Layer,
    at: &Path,
    name: &str,
    env: Env,
    depth: usize,
) -> Option<(PathBuf, String)> {
    if depth > 32 {
        return None;
    }
    let f = model.facts(at, env)?;
    if f.locals.contains(name) {
        return Some((at.to_path_buf(), name.to_string()));
    }
    if let Some(fw) = f.forwards.get(name) {
        let next = fw.name.as_deref()?;
        let Resolved::File(t) = model.resolve(layer, at, &f.imports[fw.import].specifier) else {
            return None;
        };
        return trace(model, layer, &t, next, env, depth + 1);
    }
    for &k in &f.stars {
        if let Resolved::File(t) = model.resolve(layer, at, &f.imports[k].specifier)
            && model
                .exports_of(&t, env, layer, &mut HashSet::new())
                .contains(name)
        {
            return trace(model, layer, &t, name, env, depth + 1);
        }
    }
    None
}
