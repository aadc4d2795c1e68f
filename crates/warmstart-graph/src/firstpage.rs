//! What a Next.js route compiles, and why (issue 10): `graph closure ROUTE
//! --by-package`.
//!
//! From the route's page (pages router: `pages/<route>.tsx`, `…/index.tsx`;
//! app router: `app/<route>/page.tsx`) plus `pages/_app` and
//! `pages/_document`, every import a bundler compiles is followed — value
//! imports, `require`, and `import()` (dev compiles dynamic imports too);
//! type-only imports and value imports used only as types are elided as
//! TypeScript does — into `node_modules` when it is installed, twice:
//!
//! * **client**: conditions `browser`/`import`/`default`, main fields
//!   `browser`/`module`/`main`, the `browser` field honoured;
//! * **server**: conditions `node`/`require`/`default`. The rule modelled
//!   for the pages router: code outside `node_modules` (the app and the
//!   workspace packages it reaches) is bundled; a request that resolves
//!   into `node_modules` is an external — one module per distinct request,
//!   as webpack counts `external commonjs "x"` — and is not followed.
//!
//! Each module is attributed to its package (nearest `package.json`).
//! **Barrels** are modules with many `export … from`; an edge into a barrel
//! costs the modules that only it brings (reach minus reach without it).
//! **Suggestions**: `optimizePackageImports` for the barrels that cost the
//! most, named by the specifier the code imports them with (so subpaths
//! such as `@calcom/atoms/monorepo` come out as such), and source edits for
//! re-exports of a whole barrel (`export { X as default } from "@calcom/ui"`)
//! that configuration cannot rewrite. Predicted savings are upper bounds:
//! the modules reached only through the barrel's edges.

mod approuter;
mod direct;
mod facts;
mod layered;
mod phases;
pub mod suggestions;
mod turbopack;

pub use approuter::{AppRoute, RouteFile};
pub use layered::{AfterFix, Bundler, LayerTotals, RouteFileReport, RouteReport};
pub use suggestions::{Side, SuggestionKind, SuggestionsFile};

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};

use oxc_allocator::Allocator;
use serde::Serialize;

use crate::build::{DEFAULT_MAX_FILE_BYTES, parse_bytes};
use crate::parse::{EdgeKind, RawImport};
use crate::resolve::{self, Resolved, WorkspaceResolver};
use crate::workspaces::{self, WorkspacePackages};

/// Packages Next.js 13.5 already rewrites by default
/// (`next/dist/server/config.js`: the built-in `optimizePackageImports`
/// list and the `modularizeImports` defaults): suggesting them is a no-op.
const NEXT_DEFAULTS: &[&str] = &[
    "lucide-react",
    "@headlessui/react",
    "@headlessui-float/react",
    "@visx/visx",
    "@tremor/react",
    "rxjs",
    "@mui/material",
    "recharts",
    "@material-ui/core",
    "react-use",
    "@material-ui/icons",
    "@tabler/icons-react",
    "mui-core",
    "date-fns",
    "lodash",
    "lodash-es",
    "ramda",
    "antd",
    "react-bootstrap",
    "ahooks",
    "@ant-design/icons",
    "@mui/icons-material",
];

/// Page exports that run only on the server; Next removes them from the
/// client bundle.
const DATA_FUNCTIONS: &[&str] = &["getServerSideProps", "getStaticProps", "getStaticPaths"];

/// Re-exports that make a module a barrel.
const BARREL_REEXPORTS: usize = 8;
/// Extensions that are parsed for imports; other files count as modules.
const CODE: &[&str] = &["ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts"];

#[derive(Debug, Default, Serialize)]
pub struct SideTotals {
    pub modules: usize,
    pub bytes: u64,
}

#[derive(Debug, Serialize)]
pub struct Group {
    pub package: String,
    pub side: Side,
    pub modules: usize,
    pub bytes: u64,
    /// The packages on the shortest import chain from the route to it.
    pub via: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Offender {
    pub file: String,
    pub line: u32,
    pub specifier: String,
    /// The barrel imported.
    pub barrel: String,
    /// Client modules that only this import brings in.
    pub modules: usize,
    pub reexport: bool,
    /// The direct import(s) that would replace it, when the barrel names
    /// where each imported binding comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replace_with: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Suggestion {
    pub kind: SuggestionKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Predicted client modules saved (an upper bound).
    pub saving: usize,
    pub why: String,
}

#[derive(Debug, Serialize)]
pub struct FirstPage {
    pub entries: Vec<String>,
    /// Set when not the Pages Router under webpack (the original model).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bundler: Option<Bundler>,
    /// App Router: the route's files (layouts chain, slots, page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<layered::RouteReport>,
    pub client: SideTotals,
    pub server: SideTotals,
    /// Modules per bundler layer (`app-rsc`, `app-ssr`, `app-client`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<layered::LayerTotals>,
    /// Predicted totals once `warmstart graph fix-barrels --write` rewrote
    /// the barrel imports the route goes through (Turbopack).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_fix_barrels: Option<layered::AfterFix>,
    pub node_modules: bool,
    pub groups: Vec<Group>,
    pub offenders: Vec<Offender>,
    pub suggestions: Vec<Suggestion>,
}

/// A route that renders no page.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum RouteError {
    #[error(
        "no page for route {route} (looked in apps/web/pages, apps/web/app, apps/web/src/app, pages, app, src/app)"
    )]
    #[diagnostic(
        code(warmstart::graph::no_page),
        help("give a route such as /auth/login or a page file")
    )]
    NoPage { route: String },
}

/// What a route is: Pages Router page files, or an App Router route.
pub enum Target {
    Pages { web: PathBuf, entries: Vec<PathBuf> },
    App(AppRoute),
}

/// Finds the page files of `route` (or takes a file) under `root`: for the
/// App Router, the route's files (layouts, page, …).
pub fn entries(root: &Path, route_or_file: &str) -> Result<Vec<PathBuf>, RouteError> {
    Ok(match target(root, route_or_file)? {
        Target::Pages { entries, .. } => entries,
        Target::App(app) => app.files.into_iter().map(|f| f.path).collect(),
    })
}

/// Finds what `route_or_file` renders under `root`: a Pages Router page
/// (`pages/<route>.tsx`, `…/index.tsx`, with `_app` and `_document`) or an
/// App Router route (`app/` or `src/app/`, route groups, dynamic segments).
pub fn target(root: &Path, route_or_file: &str) -> Result<Target, RouteError> {
    let given = root.join(route_or_file.trim_start_matches("./"));
    let mut out = Vec::new();
    let web = if given.is_file() {
        if given.components().any(|c| c.as_os_str() == "app")
            && !given.components().any(|c| c.as_os_str() == "pages")
            && let Some(app) = approuter::from_page(&given)
        {
            return Ok(Target::App(app));
        }
        out.push(given.clone());
        given
            .ancestors()
            .find(|d| d.join("pages").is_dir() || d.join("app").is_dir())
            .map(Path::to_path_buf)
    } else {
        let route = route_or_file.trim_matches('/');
        let webs = [root.join("apps/web"), root.to_path_buf()];
        let mut found = None;
        for web in &webs {
            for dir in ["pages", "src/pages"] {
                let cands = if route.is_empty() {
                    vec!["index".to_string()]
                } else {
                    vec![route.to_string(), format!("{route}/index")]
                };
                for cand in cands {
                    for ext in ["tsx", "ts", "jsx", "js"] {
                        let p = web.join(dir).join(format!("{cand}.{ext}"));
                        if found.is_none() && p.is_file() {
                            found = Some((p, web.clone()));
                        }
                    }
                }
            }
        }
        let Some((page, web)) = found else {
            for web in &webs {
                if let Some(app) = approuter::resolve(web, route) {
                    return Ok(Target::App(app));
                }
            }
            return Err(RouteError::NoPage {
                route: route_or_file.to_string(),
            });
        };
        out.push(page);
        Some(web)
    };
    if let Some(web) = &web {
        for special in ["_app", "_document"] {
            for ext in ["tsx", "ts", "jsx", "js"] {
                let p = web.join("pages").join(format!("{special}.{ext}"));
                if p.is_file() && !out.contains(&p) {
                    out.push(p);
                }
            }
        }
    }
    Ok(Target::Pages {
        web: web.unwrap_or_else(|| root.to_path_buf()),
        entries: out,
    })
}

pub(crate) struct Node {
    pub(crate) path: PathBuf,
    pub(crate) bytes: u64,
    pub(crate) package: String,
    pub(crate) reexports: usize,
}

pub(crate) struct Edge {
    pub(crate) to: usize,
    pub(crate) line: u32,
    /// Byte span of the statement in the importer.
    pub(crate) span: (u32, u32),
    pub(crate) specifier: String,
    pub(crate) reexport: bool,
}

/// One side's closure.
pub(crate) struct Closure {
    pub(crate) nodes: Vec<Node>,
    pub(crate) edges: Vec<Vec<Edge>>,
    pub(crate) parent: Vec<Option<usize>>,
}

/// `(importer, specifier, resolved file)` → true: an external, not followed.
pub(crate) type ExternalRule<'a> = dyn Fn(&Path, &str, &Path) -> bool + Sync + 'a;
/// Byte spans of a file's code the bundler does not compile.
pub(crate) type DeadSpans<'a> = dyn Fn(&Path, &str) -> Vec<(u32, u32)> + Sync + 'a;

/// What the before-Ready analysis (`ready`) changes in the walk: the
/// bundler's externals rule, the imports it drops as dead code, the
/// resolver for `require()`, and file contents of an edit not yet written.
#[derive(Default)]
pub(crate) struct Hooks<'a> {
    /// `(importer, specifier, resolved file)` → true: an external, not followed.
    pub(crate) external: Option<&'a ExternalRule<'a>>,
    /// Byte spans of a file's code the bundler does not compile.
    pub(crate) dead: Option<&'a DeadSpans<'a>>,
    pub(crate) require_resolver: Option<&'a WorkspaceResolver>,
    pub(crate) contents: Option<&'a HashMap<PathBuf, Vec<u8>>>,
    /// Edited texts not yet written (fix-barrels measures its rewrite).
    pub(crate) overlay: Option<&'a Overlay>,
}

/// The group of a module: its npm package inside `node_modules`, else the
/// workspace folder it lives in (`packages/ui`, `apps/web`) — one group per
/// workspace package even where apps carry their own package.json.
pub(crate) fn group_of(root: &Path, path: &Path) -> String {
    let text = path.to_string_lossy();
    if let Some(at) = text.rfind("/node_modules/") {
        let rest = &text[at + 14..];
        let mut parts = rest.split('/');
        let first = parts.next().unwrap_or_default();
        return if first.starts_with('@') {
            format!("{first}/{}", parts.next().unwrap_or_default())
        } else {
            first.to_string()
        };
    }
    let rel = rel(root, path);
    let mut parts = rel.split('/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(a), Some(b), Some(_)) => format!("{a}/{b}"),
        _ => "(root)".to_string(),
    }
}

fn closure(
    root: &Path,
    entries: &[PathBuf],
    resolver: &WorkspaceResolver,
    packages: &WorkspacePackages,
    server: bool,
    overlay: &Overlay,
) -> Closure {
    let hooks = Hooks {
        overlay: Some(overlay),
        ..Hooks::default()
    };
    closure_with(root, entries, resolver, packages, server, &hooks)
}

pub(crate) fn closure_with(
    root: &Path,
    entries: &[PathBuf],
    resolver: &WorkspaceResolver,
    packages: &WorkspacePackages,
    server: bool,
    hooks: &Hooks,
) -> Closure {
    let mut c = Closure {
        nodes: Vec::new(),
        edges: Vec::new(),
        parent: Vec::new(),
    };
    let mut index: HashMap<PathBuf, usize> = HashMap::new();
    let mut queue = VecDeque::new();
    let allocator = Allocator::default();
    let mut add = |c: &mut Closure, path: PathBuf, parent: Option<usize>| -> (usize, bool) {
        if let Some(&i) = index.get(&path) {
            return (i, false);
        }
        let i = c.nodes.len();
        let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
        c.nodes.push(Node {
            package: group_of(root, &path),
            path: path.clone(),
            bytes,
            reexports: 0,
        });
        c.edges.push(Vec::new());
        c.parent.push(parent);
        index.insert(path, i);
        (i, true)
    };
    for entry in entries {
        let (i, _) = add(&mut c, entry.clone(), None);
        queue.push_back(i);
    }
    while let Some(i) = queue.pop_front() {
        let path = c.nodes[i].path.clone();
        let is_code = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| CODE.contains(&e));
        let external = match hooks.external {
            Some(_) => path.starts_with("external:"),
            None => server && path.to_string_lossy().contains("/node_modules/"),
        };
        if !is_code || external {
            continue;
        }
        let Some(bytes) = source_bytes(hooks, &path) else {
            continue;
        };
        let parsed = parse_bytes(&path, &bytes, DEFAULT_MAX_FILE_BYTES, &allocator);
        c.nodes[i].reexports = parsed.imports.iter().filter(|m| m.reexport).count();
        let dead = match (hooks.dead, std::str::from_utf8(&bytes)) {
            (Some(dead), Ok(text)) => dead(&path, text),
            _ => Vec::new(),
        };
        for import in &parsed.imports {
            let client_page = !server && i < entries.len();
            if !compiled(import, &dead, &bytes, client_page) {
                continue;
            }
            let resolver = match (import.kind, hooks.require_resolver) {
                (EdgeKind::Require, Some(r)) => r,
                _ => resolver,
            };
            let Resolved::File(target) =
                resolve::resolve(resolver, packages, &path, &import.specifier)
            else {
                continue;
            };
            let external = match hooks.external {
                Some(f) => f(&path, &import.specifier, &target),
                None => server && target.to_string_lossy().contains("/node_modules/"),
            };
            let target = if external {
                // An external: one module per request, not followed.
                PathBuf::from(format!("{}/node_modules/{}", "external:", import.specifier))
            } else {
                target
            };
            let (to, new) = add(&mut c, target, Some(i));
            if new {
                queue.push_back(to);
            }
            c.edges[i].push(Edge {
                to,
                line: import.line,
                span: (import.start, import.end),
                specifier: import.specifier.clone(),
                reexport: import.reexport,
            });
        }
    }
    c
}

/// A file's bytes as the walk sees them: the edit hooks' contents, the
/// overlay, or the disk.
fn source_bytes(hooks: &Hooks, path: &Path) -> Option<Vec<u8>> {
    hooks
        .contents
        .and_then(|m| m.get(path).cloned())
        .or_else(|| {
            hooks
                .overlay
                .and_then(|m| m.get(path))
                .map(|text| text.clone().into_bytes())
        })
        .or_else(|| std::fs::read(path).ok())
}

/// Whether the bundler compiles `import`: not type-only (or elided as
/// types), not in dead code, and on a client page not a re-export of a data
/// function (Next's client compile strips `getServerSideProps` and what
/// only it imports; the re-export form is recognized here).
fn compiled(import: &RawImport, dead: &[(u32, u32)], bytes: &[u8], client_page: bool) -> bool {
    if import.kind == EdgeKind::TypeOnly || import.type_usable {
        return false;
    }
    if dead
        .iter()
        .any(|&(s, e)| s <= import.start && import.end <= e)
    {
        return false;
    }
    if client_page && import.reexport {
        let text = bytes
            .get(import.start as usize..import.end as usize)
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        if DATA_FUNCTIONS.iter().any(|f| text.contains(f)) {
            return false;
        }
    }
    true
}

/// Nodes reachable from the entries when `skip` edges are left out.
pub(crate) fn reach(c: &Closure, roots: usize, skip: &dyn Fn(usize, &Edge) -> bool) -> usize {
    let mut seen = vec![false; c.nodes.len()];
    let mut stack: Vec<usize> = (0..roots).collect();
    for &r in &stack {
        seen[r] = true;
    }
    let mut n = stack.len();
    while let Some(i) = stack.pop() {
        for e in &c.edges[i] {
            if !seen[e.to] && !skip(i, e) {
                seen[e.to] = true;
                n += 1;
                stack.push(e.to);
            }
        }
    }
    n
}

pub(crate) fn rel(root: &Path, p: &Path) -> String {
    warmstart_fs::to_unix_relative(root, p).unwrap_or_else(|| p.display().to_string())
}

/// Files read from this map instead of the disk (absolute path → text):
/// what a route would compile after a rewrite (`fix-barrels`).
pub type Overlay = HashMap<PathBuf, String>;

/// Client and server totals of `route_or_file`, each file read from
/// `overlay` when it is there (`fix-barrels --route`).
pub fn totals_with(
    root: &Path,
    route_or_file: &str,
    overlay: &Overlay,
) -> Result<(SideTotals, SideTotals), RouteError> {
    let target = target(root, route_or_file)?;
    let web = match &target {
        Target::Pages { web, .. } => web.clone(),
        Target::App(app) => app.web.clone(),
    };
    let bundler = layered::detect_bundler(&web);
    let entries = match target {
        Target::Pages { entries, .. } if bundler == Bundler::Webpack => entries,
        target => return Ok(layered::totals(root, &web, &target, bundler, overlay)),
    };
    let (client_entries, client_resolver, server_resolver, packages) = sides(root, &entries);
    let (client, server) = rayon::join(
        || {
            closure(
                root,
                &client_entries,
                &client_resolver,
                &packages,
                false,
                overlay,
            )
        },
        || closure(root, &entries, &server_resolver, &packages, true, overlay),
    );
    let totals = |c: &Closure| SideTotals {
        modules: c.nodes.len(),
        bytes: c.nodes.iter().map(|n| n.bytes).sum(),
    };
    Ok((totals(&client), totals(&server)))
}

/// The client entries (Next's dev runtime added) and both resolvers.
fn sides(
    root: &Path,
    entries: &[PathBuf],
) -> (
    Vec<PathBuf>,
    WorkspaceResolver,
    WorkspaceResolver,
    WorkspacePackages,
) {
    let packages = workspaces::discover(root);
    let client_resolver = resolve::bundler_resolver(
        root,
        &packages,
        &["browser", "import", "default"],
        &["browser", "module", "main"],
        true,
    );
    let server_resolver = resolve::bundler_resolver(
        root,
        &packages,
        &["node", "require", "default"],
        &["main", "module"],
        false,
    );
    // In development every page's client compile also holds Next's own
    // client runtime (`next/dist/client/next-dev`), when Next is installed.
    let mut client_entries = entries.to_vec();
    if let Resolved::File(runtime) = resolve::resolve(
        &client_resolver,
        &packages,
        &entries[0],
        "next/dist/client/next-dev",
    ) {
        client_entries.push(runtime);
    }
    (client_entries, client_resolver, server_resolver, packages)
}

/// The analysis of one route (bundler from the web app's dev script).
pub fn analyse(root: &Path, route_or_file: &str, top: usize) -> Result<FirstPage, RouteError> {
    analyse_with(root, route_or_file, top, None)
}

/// The analysis of one route under `bundler` (`None`: from the dev script,
/// `next dev --turbopack` → Turbopack).
pub fn analyse_with(
    root: &Path,
    route_or_file: &str,
    top: usize,
    bundler: Option<Bundler>,
) -> Result<FirstPage, RouteError> {
    let target = target(root, route_or_file)?;
    let web = match &target {
        Target::Pages { web, .. } => web.clone(),
        Target::App(app) => app.web.clone(),
    };
    let bundler = bundler.unwrap_or_else(|| layered::detect_bundler(&web));
    match target {
        Target::Pages { entries, .. } if bundler == Bundler::Webpack => {
            Ok(analyse_pages_webpack(root, &entries, top))
        }
        target => Ok(layered::analyse(root, &web, target, bundler, top)),
    }
}

/// The Pages Router under webpack (issue 10's model).
fn analyse_pages_webpack(root: &Path, entries: &[PathBuf], top: usize) -> FirstPage {
    let entries = entries.to_vec();
    let (client_entries, client_resolver, server_resolver, packages) = sides(root, &entries);
    let none = Overlay::new();
    let (client, server) = rayon::join(
        || {
            closure(
                root,
                &client_entries,
                &client_resolver,
                &packages,
                false,
                &none,
            )
        },
        || closure(root, &entries, &server_resolver, &packages, true, &none),
    );
    let roots = client_entries.len();
    let mut report = report(root, &client, &server, roots, top);
    report.entries = entries.iter().map(|p| rel(root, p)).collect();
    report
}

pub(crate) use phases::report;

/// Whether packages are installed: `node_modules` holds something besides
/// dot entries. warmstart's own cache (`node_modules/.cache/warmstart`)
/// creates the folder in a tree that was never installed.
fn installed(root: &Path) -> bool {
    std::fs::read_dir(root.join("node_modules")).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| !e.file_name().to_string_lossy().starts_with('.'))
    })
}

fn in_node_modules(path: &Path) -> bool {
    path.to_string_lossy().contains("/node_modules/")
}
