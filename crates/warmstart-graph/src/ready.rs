//! What `next dev` compiles before it prints Ready (issue 15): `graph
//! ready`. Next compiles `instrumentation.(ts|js)` for the Node.js and the
//! Edge runtime and (Turbopack) `middleware.(ts|js)` before it answers.
//! Each compile is followed with the first-page walker
//! ([`crate::firstpage`]) under that bundler's rules for that runtime
//! ([`rules`]): resolve conditions, what stays external, and the branches
//! the compile-time env makes dead ([`env`]).
//!
//! **Offenders** are top-level imports of those files whose bindings are
//! read only inside functions or in an export Next calls as a function;
//! their cost is measured, not guessed: the closures are walked again with
//! the rewrite ([`crate::codemod::lazy`]) applied in memory, and the cost is
//! the modules that leave the before-Ready compiles.

mod apply;
mod env;
mod inert;
mod rules;

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use apply::{Applied, AppliedJson, Refused, apply};
pub use env::{CompileEnv, EnvValue};
pub use rules::{Externals, NextConfigFacts, Rules};

use crate::codemod::{self, Edit, lazy};
use crate::firstpage::{self, Closure, Hooks};
use crate::resolve::{self, WorkspaceResolver};
use crate::workspaces::{self, WorkspacePackages};

pub(crate) use firstpage::rel;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Runtime {
    #[serde(rename = "nodejs")]
    NodeJs,
    #[serde(rename = "edge")]
    Edge,
}

impl Runtime {
    /// The value of `process.env.NEXT_RUNTIME` in this compile.
    pub fn name(self) -> &'static str {
        match self {
            Runtime::NodeJs => "nodejs",
            Runtime::Edge => "edge",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ReadyOptions {
    /// The Next.js app folder (default: `apps/web` when it exists, else the
    /// repository root).
    pub app: Option<PathBuf>,
    pub bundler: Option<Bundler>,
    /// Groups listed per compile.
    pub top: usize,
}

#[derive(Debug, Serialize)]
pub struct Group {
    pub package: String,
    pub modules: usize,
    pub bytes: u64,
    /// Every module of it is an external (one per request), not compiled.
    pub external: bool,
    /// `entry:line`, then the packages the first module is reached through.
    pub chain: Vec<String>,
}

/// One compile before (or, for webpack's middleware, after) Ready.
#[derive(Debug, Serialize)]
pub struct Compile {
    /// `instrumentation` or `middleware`.
    pub name: &'static str,
    pub entry: String,
    pub runtime: Runtime,
    pub before_ready: bool,
    /// Modules in the compile, externals included (one per request).
    pub modules: usize,
    pub externals: usize,
    pub bytes: u64,
    pub conditions: Vec<&'static str>,
    pub groups: Vec<Group>,
}

#[derive(Debug, Serialize)]
pub struct Offender {
    pub file: String,
    pub line: u32,
    pub specifier: String,
    pub bindings: Vec<String>,
    /// Modules the edit takes out of the before-Ready compiles.
    pub modules: usize,
    /// `(compile, modules)` per before-Ready compile that loses some.
    pub per_compile: Vec<(String, usize)>,
    #[serde(flatten)]
    pub plan: lazy::Plan,
}

#[derive(Debug, Serialize)]
pub struct Ready {
    pub app: String,
    pub next_version: Option<String>,
    pub bundler: Bundler,
    /// Where the bundler choice came from.
    pub bundler_from: String,
    pub node_modules: bool,
    pub config: NextConfigFacts,
    pub env: CompileEnv,
    pub compiles: Vec<Compile>,
    /// Modules compiled before Ready, all compiles together.
    pub modules: usize,
    pub offenders: Vec<Offender>,
    pub notes: Vec<String>,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ReadyError {
    #[error("{0} is not a folder")]
    #[diagnostic(
        code(warmstart::graph::ready::no_app),
        help("give the folder of the Next.js app (the one with next.config.js)")
    )]
    NoApp(String),
    #[error("cannot write {file}: {message}")]
    #[diagnostic(
        code(warmstart::graph::ready::write),
        help("check the file's permissions")
    )]
    Write { file: String, message: String },
    #[error("{file}:{line}:{column}: {message}")]
    #[diagnostic(
        code(warmstart::graph::ready::syntax),
        help("fix the syntax error, then run it again")
    )]
    Syntax {
        file: String,
        line: u32,
        column: u32,
        message: String,
    },
}

/// A file a compile starts from.
struct Entry {
    name: &'static str,
    path: PathBuf,
    runtime: Runtime,
    before_ready: bool,
    hooks: &'static [&'static str],
}

/// Everything one analysis needs, built once.
struct Setup {
    root: PathBuf,
    app: PathBuf,
    packages: WorkspacePackages,
    env: CompileEnv,
    entries: Vec<Entry>,
    rules: Vec<Rules>,
    resolvers: Vec<(WorkspaceResolver, WorkspaceResolver)>,
}

/// The app folder: the given one, else `apps/web`, else the root.
fn app_dir(root: &Path, given: Option<&Path>) -> Result<PathBuf, ReadyError> {
    match given {
        Some(p) => {
            let p = if p.is_absolute() {
                p.to_path_buf()
            } else {
                root.join(p)
            };
            let p = std::fs::canonicalize(&p).unwrap_or(p);
            if p.is_dir() {
                Ok(p)
            } else {
                Err(ReadyError::NoApp(p.display().to_string()))
            }
        }
        None if root.join("apps/web/package.json").is_file() => Ok(root.join("apps/web")),
        None => Ok(root.to_path_buf()),
    }
}

/// `next dev --turbopack` / `--turbo` in the app's dev script.
fn bundler_of(app: &Path, next_major: Option<u32>) -> (Bundler, String) {
    let script = std::fs::read_to_string(app.join("package.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v["scripts"]["dev"].as_str().map(String::from));
    match script {
        Some(s) if s.contains("--turbo") => (Bundler::Turbopack, format!("dev script `{s}`")),
        Some(s) if s.contains("--webpack") => (Bundler::Webpack, format!("dev script `{s}`")),
        // Next 16 makes Turbopack the default for `next dev`.
        Some(s) if next_major.is_some_and(|m| m >= 16) => (
            Bundler::Turbopack,
            format!("dev script `{s}` (Next 16 default)"),
        ),
        Some(s) => (Bundler::Webpack, format!("dev script `{s}`")),
        None => (Bundler::Webpack, "no dev script: webpack".into()),
    }
}

fn find_file(app: &Path, stem: &str) -> Option<PathBuf> {
    for base in [app.to_path_buf(), app.join("src")] {
        for ext in ["ts", "js", "tsx", "jsx", "mjs"] {
            let p = base.join(format!("{stem}.{ext}"));
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

fn setup(
    root: &Path,
    options: &ReadyOptions,
    notes: &mut Vec<String>,
) -> Result<(Setup, rules::NextInstall, NextConfigFacts, Bundler, String), ReadyError> {
    let app = app_dir(root, options.app.as_deref())?;
    let next = rules::NextInstall::find(&app);
    let config = rules::read_next_config(root, &app);
    let (bundler, from) = match options.bundler {
        Some(b) => (b, "--bundler".to_string()),
        None => bundler_of(&app, next.major()),
    };
    let mut entries = Vec::new();
    if let Some(path) = find_file(&app, "instrumentation") {
        // Next 15 made instrumentation stable; before it the hook is
        // compiled only with `experimental.instrumentationHook`.
        let on = next.major().is_none_or(|m| m >= 15) || config.instrumentation_hook;
        if !on {
            notes.push(format!(
                "{} is not compiled: Next {} needs `experimental.instrumentationHook: true`",
                rel(root, &path),
                next.version.as_deref().unwrap_or("?")
            ));
        }
        for runtime in [Runtime::NodeJs, Runtime::Edge] {
            entries.push(Entry {
                name: "instrumentation",
                path: path.clone(),
                runtime,
                before_ready: on,
                hooks: &["register", "onRequestError"],
            });
        }
    }
    if let Some(path) = find_file(&app, "middleware") {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        // Next 15.2+: `export const config = { runtime: "nodejs" }`.
        let runtime = if text.contains("runtime: \"nodejs\"") || text.contains("runtime: 'nodejs'")
        {
            Runtime::NodeJs
        } else {
            Runtime::Edge
        };
        entries.push(Entry {
            name: "middleware",
            path,
            runtime,
            // Turbopack compiles middleware before Ready (`✓ Compiled
            // middleware` precedes `✓ Ready`); webpack on the first request.
            before_ready: bundler == Bundler::Turbopack,
            hooks: &["middleware"],
        });
    }
    let packages = workspaces::discover(root);
    let env = CompileEnv::load(root, &app);
    let mut all_rules = Vec::new();
    let mut resolvers = Vec::new();
    for e in &entries {
        let r = rules::rules(bundler, e.runtime, &next, &config);
        resolvers.push((
            resolve::bundler_resolver(
                root,
                &packages,
                &r.import_conditions,
                &r.main_fields,
                r.browser_field,
            ),
            resolve::bundler_resolver(
                root,
                &packages,
                &r.require_conditions,
                &r.main_fields,
                r.browser_field,
            ),
        ));
        all_rules.push(r);
    }
    Ok((
        Setup {
            root: root.to_path_buf(),
            app,
            packages,
            env,
            entries,
            rules: all_rules,
            resolvers,
        },
        next,
        config,
        bundler,
        from,
    ))
}

impl Setup {
    /// Compile `k`'s closure, with `contents` in place of the disk's.
    fn walk(&self, k: usize, contents: Option<&HashMap<PathBuf, Vec<u8>>>) -> Closure {
        let rules = &self.rules[k];
        let entry = &self.entries[k];
        let external = |_: &Path, spec: &str, target: &Path| rules.is_external(spec, target);
        let dead = |path: &Path, text: &str| {
            env::dead_spans(path, text, entry.runtime, &self.env, rules.early_return)
        };
        let hooks = Hooks {
            external: Some(&external),
            dead: Some(&dead),
            require_resolver: Some(&self.resolvers[k].1),
            contents,
            overlay: None,
        };
        firstpage::closure_with(
            &self.root,
            std::slice::from_ref(&entry.path),
            &self.resolvers[k].0,
            &self.packages,
            true,
            &hooks,
        )
    }
}

fn is_external(path: &Path) -> bool {
    path.starts_with("external:")
}

fn groups(root: &Path, c: &Closure, top: usize) -> Vec<Group> {
    let mut order: Vec<&str> = Vec::new();
    let mut by: HashMap<&str, (usize, u64, usize, bool)> = HashMap::new();
    for (i, n) in c.nodes.iter().enumerate().skip(1) {
        let g = by.entry(n.package.as_str()).or_insert_with(|| {
            order.push(n.package.as_str());
            (0, 0, i, true)
        });
        g.0 += 1;
        g.1 += n.bytes;
        g.3 &= is_external(&n.path);
    }
    let mut out: Vec<Group> = order
        .into_iter()
        .map(|package| {
            let (modules, bytes, first, external) = by[package];
            Group {
                package: package.to_string(),
                modules,
                bytes,
                external,
                chain: chain(root, c, first),
            }
        })
        .collect();
    out.sort_by(|a, b| b.modules.cmp(&a.modules).then(a.package.cmp(&b.package)));
    out.truncate(top.max(1));
    out
}

/// `entry:line` and the packages on the BFS path to node `i`.
fn chain(root: &Path, c: &Closure, i: usize) -> Vec<String> {
    let mut path = vec![i];
    while let Some(p) = c.parent[*path.last().unwrap_or(&0)] {
        path.push(p);
    }
    path.reverse();
    let mut out = Vec::new();
    if path.len() >= 2 {
        let line = c.edges[path[0]]
            .iter()
            .find(|e| e.to == path[1])
            .map_or(0, |e| e.line);
        out.push(format!("{}:{line}", rel(root, &c.nodes[path[0]].path)));
    }
    for &n in path.iter().skip(1) {
        let name = &c.nodes[n].package;
        if out.last() != Some(name) {
            out.push(name.clone());
        }
    }
    out
}

/// Packages reachable through each import of the entry (node 0).
fn brought(c: &Closure) -> HashMap<String, BTreeSet<String>> {
    let mut out: HashMap<String, BTreeSet<String>> = HashMap::new();
    for e in &c.edges[0] {
        let mut seen = vec![false; c.nodes.len()];
        let mut queue = VecDeque::from([e.to]);
        seen[e.to] = true;
        let set = out.entry(e.specifier.clone()).or_default();
        while let Some(n) = queue.pop_front() {
            set.insert(c.nodes[n].package.clone());
            for next in &c.edges[n] {
                if !seen[next.to] {
                    seen[next.to] = true;
                    queue.push_back(next.to);
                }
            }
        }
    }
    out
}

/// The analysis.
pub fn analyse(root: &Path, options: &ReadyOptions) -> Result<Ready, ReadyError> {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut notes = Vec::new();
    let (setup, next, config, bundler, bundler_from) = setup(&root, options, &mut notes)?;
    if setup.entries.is_empty() {
        notes.push(format!(
            "no instrumentation.(ts|js) or middleware.(ts|js) in {} (or its src/): nothing compiles before Ready but Next itself",
            rel(&root, &setup.app)
        ));
    }
    let closures: Vec<Closure> = (0..setup.entries.len())
        .map(|k| setup.walk(k, None))
        .collect();
    let mut compiles = Vec::new();
    for (k, c) in closures.iter().enumerate() {
        let e = &setup.entries[k];
        compiles.push(Compile {
            name: e.name,
            entry: rel(&root, &e.path),
            runtime: e.runtime,
            before_ready: e.before_ready,
            modules: c.nodes.len(),
            externals: c.nodes.iter().filter(|n| is_external(&n.path)).count(),
            bytes: c.nodes.iter().map(|n| n.bytes).sum(),
            conditions: setup.rules[k].import_conditions.clone(),
            groups: groups(&root, c, options.top),
        });
    }
    let offenders = offenders(&setup, &closures)?;
    if offenders.iter().any(|o| matches!(&o.plan, lazy::Plan::Rewrite { guard: Some(g), .. } if !setup.env.vars.contains_key(g)))
    {
        notes.push("a guard folds only when its variable is set at compile time (empty counts): add it to .env, as Cal.com's .env.example does".into());
    }
    Ok(Ready {
        app: rel(&root, &setup.app),
        next_version: next.version.clone(),
        bundler,
        bundler_from,
        node_modules: next.dir.is_some(),
        config,
        modules: compiles
            .iter()
            .filter(|c| c.before_ready)
            .map(|c| c.modules)
            .sum(),
        env: setup.env.clone(),
        compiles,
        offenders,
        notes,
    })
}

/// The plans for one entry file, with the dynamic imports' reach taken
/// from `closures`.
fn plan_file(
    setup: &Setup,
    path: &Path,
    source: &str,
    closures: &[Closure],
) -> Result<Vec<lazy::Candidate>, ReadyError> {
    let mut reach: HashMap<String, BTreeSet<String>> = HashMap::new();
    for (k, c) in closures.iter().enumerate() {
        if setup.entries[k].path == path {
            for (spec, packages) in brought(c) {
                reach.entry(spec).or_default().extend(packages);
            }
        }
    }
    let hooks = setup
        .entries
        .iter()
        .find(|e| e.path == path)
        .map_or(&[][..], |e| e.hooks);
    let guard = |spec: &str| inert::guard(&setup.app, spec, source);
    let brings = |package_spec: &str, dynamic: &str| {
        let package = resolve::package_name(package_spec);
        dynamic != package_spec && reach.get(dynamic).is_some_and(|s| s.contains(package))
    };
    let options = lazy::LazyOptions {
        hooks,
        guard: &guard,
        brings: &brings,
    };
    lazy::candidates(path, source, &options).map_err(|e| ReadyError::Syntax {
        file: rel(&setup.root, path),
        line: e.line,
        column: e.column,
        message: e.message,
    })
}

fn offenders(setup: &Setup, closures: &[Closure]) -> Result<Vec<Offender>, ReadyError> {
    let mut files: Vec<&PathBuf> = setup.entries.iter().map(|e| &e.path).collect();
    files.dedup();
    let mut out = Vec::new();
    for path in files {
        let Ok(source) = std::fs::read_to_string(path) else {
            continue;
        };
        let compiles: Vec<usize> = (0..setup.entries.len())
            .filter(|&k| setup.entries[k].path == *path && setup.entries[k].before_ready)
            .collect();
        for cand in plan_file(setup, path, &source, closures)? {
            let mut per_compile = Vec::new();
            match &cand.plan {
                lazy::Plan::Rewrite { edits, .. } => {
                    let after = codemod::apply(&source, edits);
                    let contents = HashMap::from([(path.clone(), after.into_bytes())]);
                    for &k in &compiles {
                        let c = setup.walk(k, Some(&contents));
                        let saved = closures[k].nodes.len().saturating_sub(c.nodes.len());
                        per_compile.push((compile_name(&setup.entries[k]), saved));
                    }
                }
                lazy::Plan::Refused { .. } => {
                    // What only this import brings: reach without its edge.
                    for &k in &compiles {
                        let c = &closures[k];
                        let without = firstpage::reach(c, 1, &|from, e| {
                            from == 0 && e.line == cand.line && e.specifier == cand.specifier
                        });
                        per_compile
                            .push((compile_name(&setup.entries[k]), c.nodes.len() - without));
                    }
                }
            }
            per_compile.retain(|(_, n)| *n > 0);
            out.push(Offender {
                file: rel(&setup.root, path),
                line: cand.line,
                specifier: cand.specifier,
                bindings: cand.bindings,
                modules: per_compile.iter().map(|(_, n)| n).sum(),
                per_compile,
                plan: cand.plan,
            });
        }
    }
    out.sort_by(|a, b| {
        b.modules
            .cmp(&a.modules)
            .then(a.file.cmp(&b.file))
            .then(a.line.cmp(&b.line))
    });
    Ok(out)
}

fn compile_name(e: &Entry) -> String {
    format!("{} {}", e.name, e.runtime.name())
}

/// One file `--write` changed (or would not).
#[derive(Debug, Serialize)]
pub struct Written {
    pub file: String,
    pub changed: bool,
    /// `specifier` of each import made lazy.
    pub rewritten: Vec<String>,
}

/// Applies every offender with a rewrite that saves modules, one import
/// at a time (each plan is made on the text the previous one left), and
/// writes each file atomically when its bytes change.
pub fn write(
    root: &Path,
    options: &ReadyOptions,
    ready: &Ready,
) -> Result<Vec<Written>, ReadyError> {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut notes = Vec::new();
    let (setup, ..) = setup(&root, options, &mut notes)?;
    let closures: Vec<Closure> = (0..setup.entries.len())
        .map(|k| setup.walk(k, None))
        .collect();
    let mut out = Vec::new();
    let mut files: Vec<&str> = ready
        .offenders
        .iter()
        .filter(|o| o.modules > 0 && matches!(o.plan, lazy::Plan::Rewrite { .. }))
        .map(|o| o.file.as_str())
        .collect();
    files.sort();
    files.dedup();
    for file in files {
        let path = root.join(file);
        let Ok(original) = std::fs::read_to_string(&path) else {
            continue;
        };
        let wanted: Vec<&str> = ready
            .offenders
            .iter()
            .filter(|o| {
                o.file == file && o.modules > 0 && matches!(o.plan, lazy::Plan::Rewrite { .. })
            })
            .map(|o| o.specifier.as_str())
            .collect();
        let mut text = original.clone();
        let mut rewritten = Vec::new();
        loop {
            let next = plan_file(&setup, &path, &text, &closures)?
                .into_iter()
                .find_map(|c| match c.plan {
                    lazy::Plan::Rewrite { edits, .. } if wanted.contains(&c.specifier.as_str()) => {
                        Some((c.specifier, edits))
                    }
                    _ => None,
                });
            let Some((specifier, edits)) = next else {
                break;
            };
            let edits: Vec<Edit> = edits;
            text = codemod::apply(&text, &edits);
            rewritten.push(specifier);
        }
        let changed = text != original;
        if changed {
            warmstart_fs::write_if_changed(&path, text.as_bytes()).map_err(|e| {
                ReadyError::Write {
                    file: file.to_string(),
                    message: e.to_string(),
                }
            })?;
        }
        out.push(Written {
            file: file.to_string(),
            changed,
            rewritten,
        });
    }
    Ok(out)
}
