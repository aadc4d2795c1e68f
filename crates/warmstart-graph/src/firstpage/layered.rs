//! The first-page analysis for App Router routes and for Turbopack (issue
//! 16): the route's files walked per bundler layer (`turbopack.rs`), Next's
//! own runtime entries added, the layers folded into the client/server
//! report of `firstpage.rs`, and — for Turbopack, where configuration does
//! not rewrite workspace barrels — the `fix-barrels` edits with the modules
//! each saves, simulated by walking again with the import pointed at the
//! modules that define its names.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::facts::{ImportKind, Names};
use super::turbopack::{self, Layer, Model, NodeKind, Redirects, Walk};
use super::{Closure, Edge, FirstPage, Node, Suggestion, Target, group_of, rel, report};
use crate::resolve::{self, Resolved};
use crate::workspaces;

/// Modules re-exported by a barrel worth a `fix-barrels` edit.
const MIN_REEXPORTS: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Bundler {
    Webpack,
    Turbopack,
}

impl Bundler {
    pub fn name(self) -> &'static str {
        match self {
            Bundler::Webpack => "webpack",
            Bundler::Turbopack => "turbopack",
        }
    }
}

/// The bundler `next dev` uses for the web app in `web`: Turbopack when the
/// dev script passes `--turbopack` / `--turbo` (Next 15), or when the app
/// depends on Next 16+ and the script does not ask for `--webpack`.
pub fn detect_bundler(web: &Path) -> Bundler {
    let Ok(text) = std::fs::read_to_string(web.join("package.json")) else {
        return Bundler::Webpack;
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Bundler::Webpack;
    };
    let dev = json
        .pointer("/scripts/dev")
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let flags: Vec<&str> = dev.split_whitespace().collect();
    if flags.iter().any(|f| *f == "--turbopack" || *f == "--turbo") {
        return Bundler::Turbopack;
    }
    let next_major = ["dependencies", "devDependencies"]
        .iter()
        .filter_map(|k| json.get(k)?.get("next")?.as_str())
        .find_map(|v| {
            v.trim_start_matches(['^', '~', '='])
                .split('.')
                .next()?
                .parse::<u32>()
                .ok()
        });
    if next_major.is_some_and(|m| m >= 16) && !flags.contains(&"--webpack") {
        return Bundler::Turbopack;
    }
    Bundler::Webpack
}

#[derive(Debug, Serialize)]
pub struct RouteFileReport {
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slot: Option<String>,
    pub path: String,
}

/// The App Router route that was analysed.
#[derive(Debug, Serialize)]
pub struct RouteReport {
    pub app_dir: String,
    pub files: Vec<RouteFileReport>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<(String, String)>,
    /// Intercepting folders on the way (they render on soft navigations
    /// only, never for a first load).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub intercepting: Vec<String>,
    /// `"use client"` modules reached from the server components.
    pub client_boundaries: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct LayerTotals {
    pub layer: &'static str,
    pub modules: usize,
    /// `app-rsc`: client references among them.
    pub client_references: usize,
    /// Server layers: external requests among them.
    pub externals: usize,
    /// Every module as the bundler names it (`[project]/<path> [layer]`,
    /// `[externals]/<request> [external]`), sorted: for comparing with
    /// what the dev server compiled (bench/firstpage/turbopack-count.py).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub list: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct AfterFix {
    /// Import statements rewritten.
    pub edits: usize,
    pub client: usize,
    pub server: usize,
}

/// The walks of one analysis.
struct Layers {
    /// (layer, walk, entries it started from).
    walks: Vec<(Layer, Walk, usize)>,
    client_layer: Layer,
}

impl Layers {
    fn client(&self) -> &Walk {
        &self.walks[0].1
    }

    fn totals(&self) -> (usize, usize) {
        let client = self.walks[0].1.nodes.len();
        let server = self.walks[1..].iter().map(|(_, w, _)| w.nodes.len()).sum();
        (client, server)
    }
}

/// Next's runtime modules a route compiles with (resolved from the web
/// app; absent when Next is not installed).
fn runtime_entry(model: &Model, spec: &str) -> Option<PathBuf> {
    let next = model.next_dir()?;
    let path = next.join(spec.trim_start_matches("next/"));
    path.is_file().then_some(path)
}

fn run(model: &Model, target: &Target, redirects: Option<&Redirects>) -> Layers {
    match target {
        Target::App(app) => {
            let mut rsc_entries: Vec<PathBuf> = Vec::new();
            for f in &app.files {
                if !rsc_entries.contains(&f.path) {
                    rsc_entries.push(f.path.clone());
                }
            }
            // The page's server entry (Next's app-page template) and the
            // built-in error pages the app does not define itself.
            if let Some(p) = runtime_entry(model, "next/dist/esm/build/templates/app-page.js") {
                rsc_entries.push(p);
            }
            for builtin in ["global-error", "not-found", "forbidden", "unauthorized"] {
                let own = app
                    .files
                    .iter()
                    .any(|f| f.kind == builtin && f.slot.is_none());
                if !own
                    && let Some(p) = runtime_entry(
                        model,
                        &format!("next/dist/client/components/builtin/{builtin}.js"),
                    )
                {
                    rsc_entries.push(p);
                }
            }
            let rsc = turbopack::walk(model, Layer::Rsc, &rsc_entries, redirects);
            let boundaries = rsc.boundaries.clone();
            let mut client_entries = boundaries.clone();
            if let Some(p) = runtime_entry(model, "next/dist/client/app-next-turbopack.js") {
                client_entries.push(p);
            }
            let (client, ssr) = rayon::join(
                || turbopack::walk(model, Layer::Client, &client_entries, redirects),
                || turbopack::walk(model, Layer::Ssr, &boundaries, redirects),
            );
            let (nc, ns, nr) = (client_entries.len(), boundaries.len(), rsc_entries.len());
            Layers {
                walks: vec![
                    (Layer::Client, client, nc),
                    (Layer::Ssr, ssr, ns),
                    (Layer::Rsc, rsc, nr),
                ],
                client_layer: Layer::Client,
            }
        }
        Target::Pages { entries, .. } => {
            // `_document` renders on the server only.
            let mut client_entries: Vec<PathBuf> = entries
                .iter()
                .filter(|p| {
                    p.file_stem()
                        .is_none_or(|s| s.to_string_lossy() != "_document")
                })
                .cloned()
                .collect();
            if let Some(p) = runtime_entry(model, "next/dist/client/next-dev-turbopack.js") {
                client_entries.push(p);
            }
            let (client, server) = rayon::join(
                || turbopack::walk(model, Layer::PagesClient, &client_entries, redirects),
                || turbopack::walk(model, Layer::PagesServer, entries, redirects),
            );
            Layers {
                walks: vec![
                    (Layer::PagesClient, client, client_entries.len()),
                    (Layer::PagesServer, server, entries.len()),
                ],
                client_layer: Layer::PagesClient,
            }
        }
    }
}

/// One walk as firstpage's closure (nodes appended after `offset`).
fn append(root: &Path, out: &mut Closure, walk: &Walk) {
    let offset = out.nodes.len();
    for n in &walk.nodes {
        let bytes = match n.kind {
            NodeKind::Module => std::fs::metadata(&n.path).map_or(0, |m| m.len()),
            _ => 0,
        };
        out.nodes.push(Node {
            package: group_of(root, &n.path),
            path: n.path.clone(),
            bytes,
            reexports: n.reexports,
        });
    }
    for edges in &walk.edges {
        out.edges.push(
            edges
                .iter()
                .map(|e| Edge {
                    to: e.to + offset,
                    line: e.line,
                    span: e.span,
                    specifier: e.specifier.clone(),
                    reexport: e.reexport,
                })
                .collect(),
        );
    }
    out.parent
        .extend(walk.parent.iter().map(|p| p.map(|p| p + offset)));
}

/// Import statements of the repository's code that go through one of its
/// own barrels, with the modules that define the names they take.
fn barrel_imports(model: &Model, layers: &Layers) -> Redirects {
    let mut out = Redirects::new();
    for (layer, walk, _) in &layers.walks {
        for (i, edges) in walk.edges.iter().enumerate() {
            let from = &walk.nodes[i];
            if from.kind != NodeKind::Module || turbopack::in_node_modules(&from.path) {
                continue;
            }
            for e in edges {
                let to = &walk.nodes[e.to];
                if to.kind != NodeKind::Module
                    || to.reexports < MIN_REEXPORTS
                    || turbopack::in_node_modules(&to.path)
                    || group_of(&model.root, &to.path) == group_of(&model.root, &from.path)
                    || out.contains_key(&(from.path.clone(), e.span.0))
                {
                    continue;
                }
                let env_layer = *layer;
                let Some(facts) = model.facts(&from.path, layer_env(env_layer)) else {
                    continue;
                };
                let Some(import) = facts.imports.iter().find(|m| m.span.0 == e.span.0) else {
                    continue;
                };
                let Names::Some(names) = &import.names else {
                    continue;
                };
                if names.is_empty()
                    || !matches!(import.kind, ImportKind::Static | ImportKind::Reexport)
                {
                    continue;
                }
                if let Some(targets) = turbopack::definers(model, env_layer, &to.path, names) {
                    out.insert((from.path.clone(), e.span.0), targets);
                }
            }
        }
    }
    out
}

fn layer_env(layer: Layer) -> super::facts::Env {
    match layer {
        Layer::Client | Layer::PagesClient => super::facts::Env::Browser,
        _ => super::facts::Env::Node,
    }
}

/// Client and server module totals of `target` under `bundler`, files read
/// from `overlay` first (`fix-barrels --route` predicts its rewrite).
pub fn totals(
    root: &Path,
    web: &Path,
    target: &Target,
    bundler: Bundler,
    overlay: &super::Overlay,
) -> (super::SideTotals, super::SideTotals) {
    let mut model = Model::new(root, web, workspaces::discover(root));
    model.pass_through = bundler == Bundler::Turbopack;
    model.overlay = overlay.clone();
    let layers = run(&model, target, None);
    let side = |walks: &[(Layer, Walk, usize)]| super::SideTotals {
        modules: walks.iter().map(|(_, w, _)| w.nodes.len()).sum(),
        bytes: walks
            .iter()
            .flat_map(|(_, w, _)| &w.nodes)
            .filter(|n| n.kind == NodeKind::Module)
            .map(|n| {
                overlay.get(&n.path).map_or_else(
                    || std::fs::metadata(&n.path).map_or(0, |m| m.len()),
                    |t| t.len() as u64,
                )
            })
            .sum(),
    };
    (side(&layers.walks[..1]), side(&layers.walks[1..]))
}

/// The layered analysis of `target` under `bundler`.
pub fn analyse(root: &Path, web: &Path, target: Target, bundler: Bundler, top: usize) -> FirstPage {
    let packages = workspaces::discover(root);
    let mut model = Model::new(root, web, packages.clone());
    if bundler == Bundler::Webpack {
        // webpack's dev compile does not prune by `sideEffects`.
        model.pass_through = false;
    }
    let layers = run(&model, &target, None);
    let mut client = Closure {
        nodes: Vec::new(),
        edges: Vec::new(),
        parent: Vec::new(),
    };
    append(root, &mut client, layers.client());
    let mut server = Closure {
        nodes: Vec::new(),
        edges: Vec::new(),
        parent: Vec::new(),
    };
    for (_, walk, _) in &layers.walks[1..] {
        append(root, &mut server, walk);
    }
    let roots = layers.walks[0].2;
    let mut out = report(root, &client, &server, roots, top);
    out.bundler = Some(bundler);
    out.layers = layers
        .walks
        .iter()
        .map(|(layer, walk, _)| LayerTotals {
            layer: layer.name(),
            modules: walk.nodes.len(),
            client_references: walk
                .nodes
                .iter()
                .filter(|n| n.kind == NodeKind::ClientReference)
                .count(),
            externals: walk
                .nodes
                .iter()
                .filter(|n| matches!(n.kind, NodeKind::External(_)))
                .count(),
            list: {
                let mut list: Vec<String> = walk
                    .nodes
                    .iter()
                    .map(|n| match &n.kind {
                        NodeKind::External(spec) => format!("[externals]/{spec} [external]"),
                        _ => format!("[project]/{} [{}]", rel(root, &n.path), layer.name()),
                    })
                    .collect();
                list.sort();
                list
            },
        })
        .collect();
    match &target {
        Target::App(app) => {
            out.entries = app.files.iter().map(|f| rel(root, &f.path)).collect();
            let rsc = layers
                .walks
                .iter()
                .find(|(l, _, _)| *l == Layer::Rsc)
                .map(|(_, w, _)| w);
            out.route = Some(RouteReport {
                app_dir: rel(root, &app.app_dir),
                files: app
                    .files
                    .iter()
                    .map(|f| RouteFileReport {
                        kind: f.kind.clone(),
                        slot: f.slot.clone(),
                        path: rel(root, &f.path),
                    })
                    .collect(),
                params: app.params.clone(),
                intercepting: app.intercepting.iter().map(|p| rel(root, p)).collect(),
                client_boundaries: rsc
                    .map(|w| {
                        w.boundaries
                            .iter()
                            .filter(|p| !turbopack::in_node_modules(p))
                            .map(|p| rel(root, p))
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        }
        Target::Pages { entries, .. } => {
            out.entries = entries.iter().map(|p| rel(root, p)).collect();
        }
    }
    if bundler == Bundler::Turbopack {
        turbopack_suggestions(root, &model, &target, &layers, &packages, &mut out, top);
    }
    out
}

/// Under Turbopack, `optimizePackageImports` does not reach workspace
/// packages and `transpilePackages` changes nothing for barrels: the
/// suggestions become `fix-barrels` source edits, each with the client
/// modules it saves, and the route's totals once all are applied.
fn turbopack_suggestions(
    root: &Path,
    model: &Model,
    target: &Target,
    layers: &Layers,
    packages: &workspaces::WorkspacePackages,
    out: &mut FirstPage,
    top: usize,
) {
    out.suggestions.retain(|s| {
        s.kind == super::SuggestionKind::OptimizePackageImports
            && s.package
                .as_deref()
                .is_some_and(|p| !packages.contains_key(resolve::package_name(p)))
    });
    let redirects = barrel_imports(model, layers);
    if redirects.is_empty() {
        return;
    }
    let after = run(model, target, Some(&redirects));
    let (client_after, server_after) = after.totals();
    out.after_fix_barrels = Some(AfterFix {
        edits: redirects.len(),
        client: client_after,
        server: server_after,
    });
    let (client_full, _) = layers.totals();
    let client_layer = layers.client_layer;
    let client_entries: Vec<PathBuf> = layers
        .client()
        .nodes
        .iter()
        .take(layers.walks[0].2)
        .map(|n| n.path.clone())
        .collect();
    let mut keys: Vec<&(PathBuf, u32)> = redirects.keys().collect();
    keys.sort();
    let mut edits: Vec<Suggestion> = keys
        .par_iter()
        .map(|key| {
            let one: Redirects = HashMap::from([((*key).clone(), redirects[*key].clone())]);
            let walk = turbopack::walk(model, client_layer, &client_entries, Some(&one));
            let saving = client_full.saturating_sub(walk.nodes.len());
            let (file, start) = key;
            let text = std::fs::read_to_string(file).unwrap_or_default();
            let facts = model.facts(file, layer_env(client_layer));
            let import = facts
                .as_ref()
                .and_then(|f| f.imports.iter().find(|m| m.span.0 == *start).cloned());
            let (line, specifier, statement) = import.map_or((0, String::new(), String::new()), |m| {
                let stmt = text
                    .get(m.span.0 as usize..m.span.1 as usize)
                    .unwrap_or_default()
                    .to_string();
                (m.line, m.specifier, stmt)
            });
            let barrel = match model_resolve(model, client_layer, file, &specifier) {
                Some(p) => p,
                None => PathBuf::new(),
            };
            let instead = super::direct::replacement(&statement, &specifier, &barrel)
                .unwrap_or_else(|| {
                    let defs: BTreeSet<String> = redirects[*key]
                        .iter()
                        .map(|(p, _)| rel(root, p))
                        .collect();
                    format!(
                        "import from {}",
                        defs.into_iter().collect::<Vec<_>>().join(", ")
                    )
                });
            Suggestion {
                kind: super::SuggestionKind::FixBarrels,
                package: None,
                file: Some(rel(root, file)),
                line: Some(line),
                saving,
                why: format!(
                    "imports `{specifier}`, a barrel Turbopack compiles whole (its package is not side-effect free); `warmstart graph fix-barrels --write` makes it: {instead}"
                ),
            }
        })
        .filter(|s| s.saving > 0)
        .collect();
    edits.sort_by(|a, b| {
        b.saving
            .cmp(&a.saving)
            .then(a.file.cmp(&b.file))
            .then(a.line.cmp(&b.line))
    });
    edits.truncate(top.max(1));
    out.suggestions.extend(edits);
}

fn model_resolve(model: &Model, layer: Layer, from: &Path, spec: &str) -> Option<PathBuf> {
    match model.resolve_in(layer, from, spec) {
        Resolved::File(p) => Some(p),
        _ => None,
    }
}
