//! Following the `dev` chain through package.json scripts and turbo tasks.
//!
//! A node is a package's script or a turbo task of a package. What a node
//! reaches (copy programs, `warmstart assets setup`) is computed once per
//! node (memoized, cycle-safe); then the chain is walked from each `dev`
//! entry, and a step that reaches a copy is reported where it can be
//! replaced as a whole — a step whose every path ends in a copy program —
//! else the walk goes down into it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use super::command::{self, Runs, Step};
use super::program::{self, ProgramFacts};
use super::{CopyProgram, CopyStep, StaticsReport, StepKind};
use crate::jsonfile::{self, Script, TurboTask};
use crate::{InitError, read};

pub(crate) const TURBO_JSON: &str = "turbo.json";

pub(crate) struct Package {
    /// Repo-relative folder, `""` for the root.
    pub dir: String,
    pub name: Option<String>,
    pub scripts: Vec<Script>,
}

impl Package {
    pub fn json(&self) -> String {
        if self.dir.is_empty() {
            "package.json".to_string()
        } else {
            format!("{}/package.json", self.dir)
        }
    }

    fn script(&self, name: &str) -> Option<&Script> {
        self.scripts.iter().find(|s| s.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Node {
    Script(usize, String),
    Task(usize, String),
}

/// What a node or step reaches.
#[derive(Debug, Clone, Default)]
struct Reach {
    copies: bool,
    /// Every path ends in a copy program: the whole thing can be replaced.
    pure: bool,
    programs: BTreeSet<String>,
    assets_setup: bool,
}

impl Reach {
    fn join(parts: impl IntoIterator<Item = Reach>) -> Reach {
        let mut out = Reach {
            pure: true,
            ..Reach::default()
        };
        let mut any = false;
        for part in parts {
            any = true;
            out.copies |= part.copies;
            out.pure &= part.copies && part.pure;
            out.assets_setup |= part.assets_setup;
            out.programs.extend(part.programs);
        }
        out.pure &= any && out.copies;
        out
    }
}

/// How a dev step that copies is rewritten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StepRewrite {
    /// The whole step becomes `warmstart assets setup`.
    Replace,
    /// A `turbo run a b` step: these tasks go, `warmstart assets setup &&`
    /// comes first.
    DropTasks(Vec<String>),
}

/// A found step with what init needs to rewrite it.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub step: CopyStep,
    /// Package index and script name, or the turbo task key.
    pub package: usize,
    /// The script value's (or the entry's) range in the file.
    pub file_range: std::ops::Range<usize>,
    pub rewrite: StepRewrite,
}

pub(crate) struct Walker<'r> {
    root: &'r Path,
    pub packages: Vec<Package>,
    web: Option<usize>,
    pub turbo: Vec<TurboTask>,
    pub turbo_text: Option<String>,
    facts: HashMap<String, ProgramFacts>,
    memo: HashMap<Node, Reach>,
}

impl<'r> Walker<'r> {
    pub fn new(root: &'r Path, web_app: &str) -> Result<Self, InitError> {
        let mut dirs: BTreeSet<String> = BTreeSet::new();
        let root_text = read(root, "package.json")?;
        if let Some(text) = &root_text {
            for pattern in jsonfile::workspaces("package.json", text)? {
                expand(root, &pattern, &mut dirs);
            }
        }
        dirs.insert(web_app.to_string());
        let mut packages = Vec::new();
        if let Some(text) = &root_text {
            packages.push(Package {
                dir: String::new(),
                name: jsonfile::package_name("package.json", text)?,
                scripts: jsonfile::scripts("package.json", text)?,
            });
        }
        for dir in dirs {
            let rel = format!("{dir}/package.json");
            let Some(text) = read(root, &rel)? else {
                continue;
            };
            packages.push(Package {
                name: jsonfile::package_name(&rel, &text)?,
                scripts: jsonfile::scripts(&rel, &text)?,
                dir,
            });
        }
        let web = packages.iter().position(|p| p.dir == web_app);
        let turbo_text = read(root, TURBO_JSON)?;
        let turbo = match &turbo_text {
            Some(text) => jsonfile::turbo_tasks(TURBO_JSON, text)?,
            None => Vec::new(),
        };
        Ok(Walker {
            root,
            packages,
            web,
            turbo,
            turbo_text,
            facts: HashMap::new(),
            memo: HashMap::new(),
        })
    }

    /// The `dev` scripts followed: the root's, then the web app's.
    pub fn entries(&self) -> Vec<Node> {
        let mut out = Vec::new();
        for i in [Some(0), self.web].into_iter().flatten() {
            let is_root = self.packages.get(i).is_some_and(|p| p.dir.is_empty());
            if (i == 0 && !is_root) || self.packages.get(i).and_then(|p| p.script("dev")).is_none()
            {
                continue;
            }
            let node = Node::Script(i, "dev".into());
            if !out.contains(&node) {
                out.push(node);
            }
        }
        out
    }

    pub fn report(mut self) -> Result<StaticsReport, InitError> {
        let (found, entries) = self.find()?;
        Ok(self.summarize(found, entries))
    }

    pub fn summarize(&mut self, found: Vec<Found>, entries: Vec<Node>) -> StaticsReport {
        let mut report = StaticsReport {
            entries: entries.iter().map(|n| self.label(n)).collect(),
            ..StaticsReport::default()
        };
        for entry in &entries {
            report.dev_runs_assets_setup |= self.reach(entry, &mut Vec::new()).assets_setup;
        }
        report.dev_steps = found.into_iter().map(|f| f.step).collect();
        // Every copy program run by any script, dev or not.
        let mut programs: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (i, package) in self.packages.iter().enumerate() {
            for script in &package.scripts {
                for step in command::steps(&script.command) {
                    if let Runs::Program(file) = self.runs(i, &step)
                        && let Some(path) = join(&package.dir, &file)
                    {
                        programs.entry(path).or_default().push(format!(
                            "{}: {}",
                            package.json(),
                            script.name
                        ));
                    }
                }
            }
        }
        for (path, run_by) in programs {
            let facts = self.program(&path);
            if let Some((call, line)) = facts.copy_call.clone().filter(|_| facts.copies_statics()) {
                report.programs.push(CopyProgram {
                    file: path,
                    run_by,
                    copy_call: call,
                    line,
                    also_writes: facts.also_writes.clone(),
                });
            }
        }
        report
    }

    /// Walks every dev entry; returns the copy steps found and the entries.
    pub fn find(&mut self) -> Result<(Vec<Found>, Vec<Node>), InitError> {
        let entries = self.entries();
        let mut dev_nodes = HashSet::new();
        for entry in &entries {
            self.collect_nodes(entry, &mut dev_nodes);
        }
        let mut found = Vec::new();
        let mut seen = HashSet::new();
        for entry in &entries {
            let via = vec![self.label(entry)];
            self.visit(entry, &via, &dev_nodes, &entries, &mut seen, &mut found);
        }
        Ok((found, entries))
    }

    fn label(&self, node: &Node) -> String {
        match node {
            Node::Script(i, name) => format!("{}: {name}", self.packages[*i].json()),
            Node::Task(i, task) => format!("turbo: {}", self.task_key(*i, task)),
        }
    }

    /// The turbo.json key that defines `task` for package `i`.
    pub fn task_key(&self, i: usize, task: &str) -> String {
        if let Some(name) = &self.packages[i].name {
            let specific = format!("{name}#{task}");
            if self.turbo.iter().any(|t| t.key == specific) {
                return specific;
            }
        }
        task.to_string()
    }

    fn runs(&self, i: usize, step: &Step) -> Runs {
        let package = &self.packages[i];
        command::runs(&step.words, &|name| package.script(name).is_some())
    }

    fn package_named(&self, name: &str) -> Option<usize> {
        let name = name.trim_start_matches("...").trim_end_matches("...");
        let dir = name.trim_start_matches("./");
        self.packages
            .iter()
            .position(|p| p.name.as_deref() == Some(name) || (!p.dir.is_empty() && p.dir == dir))
    }

    /// The nodes a step runs, in the package `i` it is declared in.
    fn targets(&self, i: usize, runs: &Runs) -> Vec<Node> {
        match runs {
            Runs::Script { package, name } => {
                let target = match package {
                    Some(p) => self.package_named(p),
                    None => Some(i),
                };
                target
                    .map(|t| vec![Node::Script(t, name.clone())])
                    .unwrap_or_default()
            }
            Runs::Turbo { tasks, filters } => {
                let packages: Vec<usize> = match filters.as_slice() {
                    [_, ..] => filters
                        .iter()
                        .filter_map(|f| self.package_named(f))
                        .collect(),
                    // From a package folder turbo runs that package's task;
                    // from the root, every package that has the script.
                    [] if !self.packages[i].dir.is_empty() => vec![i],
                    [] => (0..self.packages.len())
                        .filter(|&p| {
                            !self.packages[p].dir.is_empty()
                                && tasks.iter().any(|t| self.packages[p].script(t).is_some())
                        })
                        .collect(),
                };
                packages
                    .into_iter()
                    .flat_map(|p| tasks.iter().map(move |t| Node::Task(p, t.clone())))
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    fn program(&mut self, path: &str) -> &ProgramFacts {
        if !self.facts.contains_key(path) {
            let facts = match std::fs::read_to_string(self.root.join(path)) {
                Ok(text) => program::analyse(Path::new(path), &text),
                Err(_) => ProgramFacts::default(),
            };
            self.facts.insert(path.to_string(), facts);
        }
        &self.facts[path]
    }

    /// The dependencies of a turbo task (nodes), with their entries.
    fn task_deps(&self, i: usize, task: &str) -> Vec<(Node, String, std::ops::Range<usize>)> {
        let key = self.task_key(i, task);
        let Some(def) = self.turbo.iter().find(|t| t.key == key) else {
            return Vec::new();
        };
        def.depends_on
            .iter()
            .filter(|(dep, _)| !dep.starts_with('^') && !dep.starts_with('$'))
            .filter_map(|(dep, range)| {
                let node = match dep.split_once('#') {
                    // `//#task`: a task of the root package.
                    Some(("//", t)) => {
                        self.packages.first().filter(|p| p.dir.is_empty())?;
                        Node::Task(0, t.to_string())
                    }
                    Some((pkg, t)) => Node::Task(self.package_named(pkg)?, t.to_string()),
                    None => Node::Task(i, dep.clone()),
                };
                Some((node, dep.clone(), range.clone()))
            })
            .collect()
    }

    fn step_reach(&mut self, i: usize, step: &Step, stack: &mut Vec<Node>) -> Reach {
        let runs = self.runs(i, step);
        match &runs {
            Runs::AssetsSetup => Reach {
                assets_setup: true,
                ..Reach::default()
            },
            Runs::Program(file) => match join(&self.packages[i].dir, file) {
                Some(path) if self.program(&path).copies_statics() => Reach {
                    copies: true,
                    pure: true,
                    programs: [path].into(),
                    assets_setup: false,
                },
                _ => Reach::default(),
            },
            Runs::Script { .. } | Runs::Turbo { .. } => {
                let targets = self.targets(i, &runs);
                let parts: Vec<Reach> = targets.iter().map(|t| self.reach(t, stack)).collect();
                if parts.is_empty() {
                    Reach::default()
                } else {
                    Reach::join(parts)
                }
            }
            Runs::Other => Reach::default(),
        }
    }

    fn reach(&mut self, node: &Node, stack: &mut Vec<Node>) -> Reach {
        if let Some(r) = self.memo.get(node) {
            return r.clone();
        }
        if stack.contains(node) {
            return Reach::default();
        }
        stack.push(node.clone());
        let reach = match node {
            Node::Script(i, name) => {
                match self.packages[*i].script(name).map(|s| s.command.clone()) {
                    Some(cmd) => {
                        let steps = command::steps(&cmd);
                        let parts: Vec<Reach> = steps
                            .iter()
                            .map(|s| self.step_reach(*i, s, stack))
                            .collect();
                        Reach::join(parts)
                    }
                    None => Reach::default(),
                }
            }
            Node::Task(i, task) => {
                let mut parts: Vec<Reach> = self
                    .task_deps(*i, task)
                    .into_iter()
                    .map(|(n, _, _)| self.reach(&n, stack))
                    .collect();
                if self.packages[*i].script(task).is_some() {
                    parts.push(self.reach(&Node::Script(*i, task.clone()), stack));
                }
                Reach::join(parts)
            }
        };
        stack.pop();
        self.memo.insert(node.clone(), reach.clone());
        reach
    }

    fn collect_nodes(&mut self, node: &Node, out: &mut HashSet<Node>) {
        if !out.insert(node.clone()) {
            return;
        }
        for child in self.children(node) {
            self.collect_nodes(&child, out);
        }
    }

    fn children(&self, node: &Node) -> Vec<Node> {
        match node {
            Node::Script(i, name) => match self.packages[*i].script(name) {
                Some(s) => command::steps(&s.command)
                    .iter()
                    .flat_map(|st| self.targets(*i, &self.runs(*i, st)))
                    .collect(),
                None => Vec::new(),
            },
            Node::Task(i, task) => {
                let mut out: Vec<Node> = self
                    .task_deps(*i, task)
                    .into_iter()
                    .map(|(n, _, _)| n)
                    .collect();
                out.push(Node::Script(*i, task.clone()));
                out
            }
        }
    }

    /// Scripts outside the dev chain that run `node` (why its steps cannot
    /// be rewritten in place).
    fn users_outside(&self, node: &Node, dev: &HashSet<Node>) -> Vec<String> {
        let mut out = Vec::new();
        for (i, package) in self.packages.iter().enumerate() {
            for script in &package.scripts {
                let me = Node::Script(i, script.name.clone());
                if dev.contains(&me) {
                    continue;
                }
                if self.children(&me).contains(node) {
                    out.push(format!("{}: {}", package.json(), script.name));
                }
            }
        }
        out
    }

    fn visit(
        &mut self,
        node: &Node,
        via: &[String],
        dev: &HashSet<Node>,
        entries: &[Node],
        seen: &mut HashSet<(String, String, usize)>,
        found: &mut Vec<Found>,
    ) {
        match node {
            Node::Script(i, name) => {
                let i = *i;
                let Some(script) = self.packages[i].script(name).cloned() else {
                    return;
                };
                let file = self.packages[i].json();
                for step in command::steps(&script.command) {
                    let reach = self.step_reach(i, &step, &mut Vec::new());
                    if !reach.copies {
                        continue;
                    }
                    let runs = self.runs(i, &step);
                    let rewrite = if reach.pure {
                        Some(StepRewrite::Replace)
                    } else {
                        self.separable(i, &runs)
                    };
                    match rewrite {
                        Some(rewrite) => {
                            if !seen.insert((file.clone(), name.clone(), step.range.start)) {
                                continue;
                            }
                            let not_rewritable =
                                if let Some(why) = self.extra_outputs(&reach.programs) {
                                    Some(why)
                                } else if entries.contains(node) {
                                    None
                                } else {
                                    let users = self.users_outside(node, dev);
                                    (!users.is_empty()).then(|| {
                                    format!(
                                        "`{name}` also runs outside dev ({}); rewriting it would \
                                         take the copy out of that too",
                                        users.join(", ")
                                    )
                                })
                                };
                            let text = read(self.root, &file).ok().flatten().unwrap_or_default();
                            let at = warmstart_workspace::line_col(&text, script.range.start);
                            found.push(Found {
                                step: CopyStep {
                                    kind: StepKind::Script,
                                    file: file.clone(),
                                    holder: name.clone(),
                                    step: script.command[step.range.clone()].to_string(),
                                    line: at.line,
                                    column: at.column,
                                    via: via.to_vec(),
                                    programs: reach.programs.iter().cloned().collect(),
                                    not_rewritable,
                                },
                                package: i,
                                file_range: script.range.clone(),
                                rewrite,
                            });
                        }
                        None => {
                            for target in self.targets(i, &runs) {
                                let mut deeper = via.to_vec();
                                deeper.push(self.label(&target));
                                self.visit(&target, &deeper, dev, entries, seen, found);
                            }
                        }
                    }
                }
            }
            Node::Task(i, task) => {
                let i = *i;
                let key = self.task_key(i, task);
                for (dep, entry, range) in self.task_deps(i, task) {
                    let reach = self.reach(&dep, &mut Vec::new());
                    if !reach.copies {
                        continue;
                    }
                    if reach.pure {
                        if !seen.insert((TURBO_JSON.into(), key.clone(), range.start)) {
                            continue;
                        }
                        let text = self.turbo_text.clone().unwrap_or_default();
                        let at = warmstart_workspace::line_col(&text, range.start);
                        found.push(Found {
                            step: CopyStep {
                                kind: StepKind::TurboDependency,
                                file: TURBO_JSON.into(),
                                holder: key.clone(),
                                step: entry,
                                line: at.line,
                                column: at.column,
                                via: via.to_vec(),
                                programs: reach.programs.iter().cloned().collect(),
                                not_rewritable: self.extra_outputs(&reach.programs),
                            },
                            package: i,
                            file_range: range,
                            rewrite: StepRewrite::Replace,
                        });
                    } else {
                        let mut deeper = via.to_vec();
                        deeper.push(self.label(&dep));
                        self.visit(&dep, &deeper, dev, entries, seen, found);
                    }
                }
                let script = Node::Script(i, task.clone());
                let mut deeper = via.to_vec();
                deeper.push(self.label(&script));
                self.visit(&script, &deeper, dev, entries, seen, found);
            }
        }
    }

    /// Why a step ending in these programs cannot become `warmstart assets
    /// setup`: a program that also writes other files (Cal.com's later
    /// script writes an SVG hash file the app reads).
    fn extra_outputs(&mut self, programs: &BTreeSet<String>) -> Option<String> {
        let mut writes = Vec::new();
        for path in programs {
            for w in &self.program(path).also_writes {
                writes.push(format!("{path} also writes {w}"));
            }
        }
        (!writes.is_empty()).then(|| {
            format!(
                "{}, which `warmstart assets setup` does not make",
                writes.join("; ")
            )
        })
    }

    /// A `turbo run a b` step where some tasks only copy and the others
    /// never copy: those tasks can be dropped from the step.
    fn separable(&mut self, i: usize, runs: &Runs) -> Option<StepRewrite> {
        let Runs::Turbo { tasks, .. } = runs else {
            return None;
        };
        let mut drop = Vec::new();
        for task in tasks {
            let filters = match runs {
                Runs::Turbo { filters, .. } => filters.clone(),
                _ => Vec::new(),
            };
            let nodes = self.targets(
                i,
                &Runs::Turbo {
                    tasks: vec![task.clone()],
                    filters,
                },
            );
            let reach = Reach::join(
                nodes
                    .iter()
                    .map(|n| self.reach(n, &mut Vec::new()))
                    .collect::<Vec<_>>(),
            );
            if reach.copies && reach.pure {
                drop.push(task.clone());
            } else if reach.copies {
                return None;
            }
        }
        (!drop.is_empty()).then_some(StepRewrite::DropTasks(drop))
    }

    pub fn package(&self, i: usize) -> &Package {
        &self.packages[i]
    }
}

/// Adds the package folders a `workspaces` pattern names: `dir`, `dir/*`
/// (`dir/**` is read as `dir/*`); negations are ignored.
fn expand(root: &Path, pattern: &str, dirs: &mut BTreeSet<String>) {
    let pattern = pattern.trim_start_matches("./").trim_end_matches('/');
    if pattern.starts_with('!') {
        return;
    }
    let base = pattern
        .strip_suffix("/**")
        .or_else(|| pattern.strip_suffix("/*"));
    match base {
        Some(base) if !base.contains('*') => {
            let Ok(entries) = std::fs::read_dir(root.join(base)) else {
                return;
            };
            for entry in entries.flatten() {
                if entry.path().join("package.json").is_file()
                    && let Some(name) = entry.file_name().to_str()
                {
                    dirs.insert(format!("{base}/{name}"));
                }
            }
        }
        None if !pattern.contains('*') && root.join(pattern).join("package.json").is_file() => {
            dirs.insert(pattern.to_string());
        }
        _ => {}
    }
}

/// `dir` + `file` as a repo-relative, `/`-separated path; `None` when it
/// leaves the repository or is absolute.
pub(crate) fn join(dir: &str, file: &str) -> Option<String> {
    if file.starts_with('/') || file.contains(':') {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in file.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn joins_inside_the_repository() {
        assert_eq!(
            join("apps/web", "scripts/copy.js").unwrap(),
            "apps/web/scripts/copy.js"
        );
        assert_eq!(join("apps/web", "./../../x.js").unwrap(), "x.js");
        assert_eq!(join("", "../x.js"), None);
        assert_eq!(join("a", "/abs.js"), None);
    }
}
