//! How an importer may name a module: the specifier candidates (a relative
//! path inside one package; across packages, the package's `exports`
//! subpaths, tsconfig `paths` mappings, or a deep path when the package has
//! no `exports`), each checked by resolving it the ways the code is
//! compiled:
//!
//! * the bundler: the importer's nearest tsconfig, `exports` honoured — it
//!   must lead to the module;
//! * every TypeScript program the importer belongs to (a workspace package
//!   whose scripts run `tsc`, or a Next.js app — one tsconfig for all its
//!   files, as `tsc -p` does), with and without `exports` (`moduleResolution:
//!   node` ignores it): wherever the barrel's specifier resolves, the new
//!   one must lead to the module too. So no program gains an unresolved
//!   import, and nothing is written that does not compile.

use std::collections::{HashMap, VecDeque};
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use crate::build::ModuleGraph;
use crate::resolve::{self, WorkspaceResolver};

/// A TypeScript program (or a Next.js app's compile): one tsconfig and the
/// modules it reaches.
struct Program {
    label: String,
    resolver: WorkspaceResolver,
    members: Vec<bool>,
}

/// One `paths` entry: `prefix*suffix` → absolute `prefix*suffix` targets.
#[derive(Debug, Clone)]
struct PathMapping {
    pattern: String,
    targets: Vec<PathBuf>,
}

#[derive(Debug, Clone)]
struct Manifest {
    dir: PathBuf,
    name: String,
    exports: Option<Value>,
}

pub struct Targets<'g> {
    graph: &'g ModuleGraph,
    nearest: WorkspaceResolver,
    programs: Vec<Program>,
    manifests: HashMap<PathBuf, Option<Manifest>>,
    mappings: HashMap<PathBuf, Vec<PathMapping>>,
}

const EXTENSIONS: &[&str] = &["ts", "tsx", "js", "jsx", "mts", "cts", "mjs", "cjs"];

/// `a/./b/../c` → `a/c`, without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn without_extension(path: &Path) -> PathBuf {
    match path.extension().and_then(|e| e.to_str()) {
        Some(e) if EXTENSIONS.contains(&e) => {
            let mut p = path.to_path_buf();
            p.set_extension("");
            // `x.d.ts` → `x`.
            if p.extension().is_some_and(|e| e == "d") {
                p.set_extension("");
            }
            p
        }
        _ => path.to_path_buf(),
    }
}

fn is_index(path: &Path) -> bool {
    without_extension(path)
        .file_name()
        .is_some_and(|n| n == "index")
}

/// The relative specifier from folder `from` to `to` (`./x`, `../y/z`).
fn relative(from: &Path, to: &Path) -> Option<String> {
    let from: Vec<Component> = from.components().collect();
    let to_parts: Vec<Component> = to.components().collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = Vec::new();
    for _ in common..from.len() {
        parts.push("..".into());
    }
    for c in &to_parts[common..] {
        parts.push(c.as_os_str().to_str()?.to_string());
    }
    if parts.is_empty() {
        return None;
    }
    let text = parts.join("/");
    Some(if text.starts_with("..") {
        text
    } else {
        format!("./{text}")
    })
}

/// Does a package.json script run the TypeScript compiler?
fn runs_tsc(manifest: &Value) -> bool {
    manifest["scripts"].as_object().is_some_and(|scripts| {
        scripts.values().filter_map(Value::as_str).any(|s| {
            s.split(|c: char| c.is_whitespace() || c == '&' || c == ';')
                .any(|w| w == "tsc" || w == "tsc-absolute" || w == "vue-tsc")
        })
    })
}

fn read_json(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    warmstart_workspace::jsonc::parse(path, &text).ok()
}

/// The string leaves of an `exports` value (conditions, arrays).
fn leaves(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(list) => list.iter().for_each(|v| leaves(v, out)),
        Value::Object(map) => map.values().for_each(|v| leaves(v, out)),
        _ => {}
    }
}

/// Package subpaths whose `exports` target is `rel` (`./components/x.ts`).
fn exports_subpaths(exports: &Value, rel: &str) -> Vec<String> {
    let subpaths: Vec<(String, &Value)> = match exports {
        Value::Object(map) if map.keys().all(|k| k.starts_with('.')) => {
            map.iter().map(|(k, v)| (k.clone(), v)).collect()
        }
        other => vec![(".".to_string(), other)],
    };
    let mut out = Vec::new();
    for (key, value) in subpaths {
        let mut targets = Vec::new();
        leaves(value, &mut targets);
        for target in targets {
            match (key.split_once('*'), target.split_once('*')) {
                (None, None) if normalize(Path::new(&target)) == normalize(Path::new(rel)) => {
                    out.push(key.clone());
                }
                (None, None) => {}
                (Some((kp, ks)), Some((tp, ts))) => {
                    let rel_n = format!("./{}", normalize(Path::new(rel)).display());
                    let tp_n = if tp.starts_with("./") {
                        tp.to_string()
                    } else {
                        format!("./{tp}")
                    };
                    if let Some(star) = rel_n
                        .strip_prefix(tp_n.as_str())
                        .and_then(|r| r.strip_suffix(ts))
                        && !star.is_empty()
                    {
                        out.push(format!("{kp}{star}{ks}"));
                    }
                }
                _ => {}
            }
        }
    }
    out
}

impl<'g> Targets<'g> {
    pub fn new(graph: &'g ModuleGraph) -> Self {
        let root = &graph.root;
        let packages = &graph.workspace_packages;
        let nearest = resolve::resolver(root, packages);
        let mut dirs: Vec<PathBuf> = packages.values().cloned().collect();
        dirs.push(root.clone());
        dirs.sort();
        dirs.dedup();
        let mut programs = Vec::new();
        for dir in dirs {
            let tsconfig = dir.join("tsconfig.json");
            if !tsconfig.is_file() {
                continue;
            }
            let manifest = read_json(&dir.join("package.json")).unwrap_or(Value::Null);
            let next_app = [
                "next.config.js",
                "next.config.mjs",
                "next.config.ts",
                "next.config.cjs",
            ]
            .iter()
            .any(|f| dir.join(f).is_file());
            if !runs_tsc(&manifest) && !next_app {
                continue;
            }
            let rel = warmstart_fs::to_unix_relative(root, &dir).unwrap_or_default();
            programs.push(Program {
                label: format!("{}/tsconfig.json", if rel.is_empty() { "." } else { &rel }),
                resolver: nearest.with_tsconfig(root, packages, &tsconfig),
                members: members(graph, &rel),
            });
        }
        Targets {
            graph,
            nearest,
            programs,
            manifests: HashMap::new(),
            mappings: HashMap::new(),
        }
    }

    fn abs(&self, module: u32) -> PathBuf {
        self.graph
            .root
            .join(&self.graph.modules[module as usize].path)
    }

    /// The nearest package.json with a name above `file`, inside the root.
    fn manifest(&mut self, file: &Path) -> Option<Manifest> {
        let root = self.graph.root.clone();
        let mut dir = file.parent()?;
        loop {
            if !dir.starts_with(&root) {
                return None;
            }
            if let Some(found) = self.manifests.get(dir) {
                if found.is_some() {
                    return found.clone();
                }
            } else {
                let found = read_json(&dir.join("package.json")).and_then(|v| {
                    Some(Manifest {
                        dir: dir.to_path_buf(),
                        name: v["name"].as_str()?.to_string(),
                        exports: v.get("exports").cloned(),
                    })
                });
                self.manifests.insert(dir.to_path_buf(), found.clone());
                if found.is_some() {
                    return found;
                }
            }
            dir = dir.parent()?;
        }
    }

    /// `paths` of the tsconfig nearest to `file` and of every program.
    fn mappings(&mut self, file: &Path) -> Vec<PathMapping> {
        let mut configs: Vec<PathBuf> = Vec::new();
        if let Some(near) = file
            .ancestors()
            .skip(1)
            .take_while(|d| d.starts_with(&self.graph.root))
            .map(|d| d.join("tsconfig.json"))
            .find(|p| p.is_file())
        {
            configs.push(near);
        }
        let mut out = Vec::new();
        for config in configs {
            if !self.mappings.contains_key(&config) {
                let found = read_mappings(&config, &self.graph.workspace_packages, 0);
                self.mappings.insert(config.clone(), found);
            }
            out.extend(self.mappings[&config].iter().cloned());
        }
        out
    }

    /// Specifiers `importer` could use for `target`, best first.
    fn candidates(&mut self, importer: u32, target: u32, hint: Option<&str>) -> Vec<String> {
        let from = self.abs(importer);
        let to = self.abs(target);
        let mut out: Vec<String> = Vec::new();
        let from_pkg = self.manifest(&from);
        let to_pkg = self.manifest(&to);
        let same = matches!((&from_pkg, &to_pkg), (Some(a), Some(b)) if a.dir == b.dir);
        let stem = without_extension(&to);
        let dir_form = is_index(&to)
            .then(|| stem.parent().map(Path::to_path_buf))
            .flatten();
        if same {
            if let Some(parent) = from.parent() {
                for path in dir_form.iter().chain(std::iter::once(&stem)) {
                    if let Some(r) = relative(parent, path) {
                        out.push(r);
                    }
                }
            }
            return out;
        }
        if let Some(pkg) = &to_pkg {
            let rel = to
                .strip_prefix(&pkg.dir)
                .map(|r| r.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            match &pkg.exports {
                Some(exports) => {
                    let mut subs = exports_subpaths(exports, &format!("./{rel}"));
                    subs.sort_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)));
                    for sub in subs {
                        out.push(format!("{}{}", pkg.name, &sub[1..]));
                    }
                }
                None => {
                    let deep = |p: &Path| {
                        p.strip_prefix(&pkg.dir)
                            .ok()
                            .map(|r| r.to_string_lossy().replace('\\', "/"))
                            .filter(|r| !r.is_empty())
                            .map(|r| format!("{}/{r}", pkg.name))
                    };
                    for p in dir_form.iter().chain(std::iter::once(&stem)) {
                        if let Some(s) = deep(p) {
                            out.push(s);
                        }
                    }
                }
            }
        }
        for m in self.mappings(&from) {
            // A mapping onto a folder outside the repository (Cal.com's
            // `"~/*": ["/*"]`, the file system's root) would spell the
            // machine's absolute path into the import: never a candidate.
            for t in m.targets.iter().filter(|t| {
                t.parent()
                    .unwrap_or(t.as_path())
                    .starts_with(&self.graph.root)
            }) {
                for p in dir_form.iter().chain(std::iter::once(&stem)) {
                    if let Some(s) = apply_mapping(&m.pattern, t, p) {
                        out.push(s);
                    }
                }
            }
        }
        if let Some(hint) = hint.filter(|h| !h.starts_with('.') && !h.starts_with('/')) {
            out.push(hint.to_string());
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|s| seen.insert(s.clone()));
        out
    }

    /// Checks one candidate; the reason when it does not do.
    fn verify(
        &self,
        importer: u32,
        original: &str,
        candidate: &str,
        target: u32,
    ) -> Result<(), String> {
        let from = self.abs(importer);
        let to = self.abs(target);
        match self.nearest.resolve_strict(&from, candidate, true) {
            Some(p) if p == to => {}
            Some(p) => {
                return Err(format!(
                    "`{candidate}` leads to {} for the bundler",
                    warmstart_fs::to_unix_relative(&self.graph.root, &p)
                        .unwrap_or_else(|| p.display().to_string())
                ));
            }
            None => {
                return Err(format!(
                    "`{candidate}` does not resolve for the bundler (no `exports` entry or path mapping allows it)"
                ));
            }
        }
        let near = std::iter::once(("the nearest tsconfig", &self.nearest));
        let programs = self
            .programs
            .iter()
            .filter(|p| p.members[importer as usize])
            .map(|p| (p.label.as_str(), &p.resolver));
        for (label, resolver) in near.chain(programs) {
            for exports in [true, false] {
                if resolver.resolve_strict(&from, original, exports).is_none() {
                    continue;
                }
                if resolver
                    .resolve_strict(&from, candidate, exports)
                    .as_deref()
                    != Some(to.as_path())
                {
                    let how = if exports {
                        ""
                    } else {
                        " without `exports` (moduleResolution node)"
                    };
                    return Err(format!("`{candidate}` does not resolve under {label}{how}"));
                }
            }
        }
        Ok(())
    }

    /// The specifier `importer` should use for `target` in place of
    /// `original`, or why there is none.
    pub fn specifier(
        &mut self,
        importer: u32,
        original: &str,
        target: u32,
        hint: Option<&str>,
    ) -> Result<String, String> {
        let candidates = self.candidates(importer, target, hint);
        let mut first_error = None;
        for c in candidates {
            match self.verify(importer, original, &c, target) {
                Ok(()) => return Ok(c),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.unwrap_or_else(|| {
            format!(
                "{} is not importable from here: its package has no `exports` entry or path mapping for it",
                self.graph.modules[target as usize].path
            )
        }))
    }
}

/// `prefix*suffix` mapped to `target` (absolute, may hold one `*`): the
/// specifier that lands on `path`, if any.
fn apply_mapping(pattern: &str, target: &Path, path: &Path) -> Option<String> {
    let target = target.to_str()?;
    let path = path.to_str()?;
    match (pattern.split_once('*'), target.split_once('*')) {
        (Some((pp, ps)), Some((tp, ts))) => {
            let star = path.strip_prefix(tp)?.strip_suffix(ts)?;
            (!star.is_empty()).then(|| format!("{pp}{star}{ps}"))
        }
        (None, None) => (without_extension(Path::new(target)) == Path::new(path)
            || Path::new(target) == Path::new(path))
        .then(|| pattern.to_string()),
        _ => None,
    }
}

/// `compilerOptions.paths` of `config` (following `extends` until found),
/// with targets made absolute against `baseUrl` or the tsconfig's folder.
fn read_mappings(
    config: &Path,
    packages: &crate::workspaces::WorkspacePackages,
    depth: usize,
) -> Vec<PathMapping> {
    let Some(value) = read_json(config) else {
        return Vec::new();
    };
    let dir = config.parent().unwrap_or(config);
    let options = &value["compilerOptions"];
    if let Some(paths) = options["paths"].as_object() {
        let base = options["baseUrl"]
            .as_str()
            .map_or_else(|| dir.to_path_buf(), |b| normalize(&dir.join(b)));
        return paths
            .iter()
            .map(|(pattern, targets)| PathMapping {
                pattern: pattern.clone(),
                targets: targets
                    .as_array()
                    .map(|list| {
                        list.iter()
                            .filter_map(Value::as_str)
                            .map(|t| normalize(&base.join(t)))
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect();
    }
    let Some(parent) = value["extends"].as_str() else {
        return Vec::new();
    };
    if depth > 8 {
        return Vec::new();
    }
    let next = if parent.starts_with('.') {
        normalize(&dir.join(parent))
    } else {
        let name = resolve::package_name(parent);
        match packages.get(name) {
            Some(pkg) => pkg.join(parent[name.len()..].trim_start_matches('/')),
            None => return Vec::new(),
        }
    };
    let next = if next.extension().is_some() {
        next
    } else {
        next.with_extension("json")
    };
    read_mappings(&next, packages, depth + 1)
}

/// Modules a program under `dir` (repo-relative, "" for the root) reaches:
/// its own files and everything they import, type imports included.
fn members(graph: &ModuleGraph, dir: &str) -> Vec<bool> {
    let mut adjacency: Vec<Vec<u32>> = vec![Vec::new(); graph.modules.len()];
    for e in &graph.edges {
        adjacency[e.from as usize].push(e.to);
    }
    let mut seen = vec![false; graph.modules.len()];
    let mut queue: VecDeque<u32> = VecDeque::new();
    let prefix = format!("{dir}/");
    for (i, m) in graph.modules.iter().enumerate() {
        if dir.is_empty() || m.path.starts_with(&prefix) {
            seen[i] = true;
            queue.push_back(i as u32);
        }
    }
    while let Some(v) = queue.pop_front() {
        for &w in &adjacency[v as usize] {
            if !seen[w as usize] {
                seen[w as usize] = true;
                queue.push_back(w);
            }
        }
    }
    seen
}
