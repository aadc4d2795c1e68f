//! `graph fix-barrels` (issue 16): rewrite imports of the repository's own
//! barrels to the modules that define the imported names, so a bundler
//! compiles what a page uses instead of everything a barrel re-exports.
//!
//! A **barrel** is a module of the graph that passes names on from two or
//! more other modules (`export … from`, `export *`, import-then-export) and
//! is an index file or a package entry (imported by a bare specifier). A
//! **barrel import** is a statement of a file in the given paths that takes
//! names from a barrel at run time (`import type` and imports TypeScript
//! elides are not). Each name is traced through the barrel (see `trace`),
//! then placed at the deepest module of its chain that
//!
//! * the importer can name — a specifier that the bundler and every
//!   TypeScript program of the importer resolve to that module (`target`);
//! * is reached without skipping code that runs: no module skipped has
//!   side effects of its own or a `"use client"`/`"use server"` directive
//!   the target lacks.
//!
//! A statement is rewritten only when all its names are placed; otherwise
//! it is refused with the reason per name. Rewritten files are parsed again
//! before they are offered.

mod command;
mod exports;
mod rewrite;
mod target;
mod trace;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde::Serialize;

use crate::build::ModuleGraph;
use crate::parse::EdgeKind;
pub use command::{
    AllEdits, Change, Checked, FixBarrels, FixBarrelsRequest, Planned, RouteEdit, RouteEdits,
    RoutePrediction, fix_barrels, route_edits,
};
pub use exports::Imported;
use rewrite::BarrelStatement;
pub use rewrite::{Outcome, Placed};
use target::Targets;
use trace::Tracer;

/// What to fix.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Repo-relative files or folders whose imports are rewritten; empty:
    /// every module.
    pub scope: Vec<String>,
    /// Only these importers (repo-relative), when given (the first-page
    /// analysis asks about its offenders).
    pub only: Option<Vec<String>>,
}

/// What fix-barrels does with a barrel import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ImportStatus {
    Rewrite,
    Refused,
}

impl std::fmt::Display for ImportStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(match self {
            ImportStatus::Rewrite => "rewrite",
            ImportStatus::Refused => "refused",
        })
    }
}

/// One barrel import and what fix-barrels does with it.
#[derive(Debug, Clone, Serialize)]
pub struct BarrelImport {
    pub file: String,
    pub line: u32,
    pub specifier: String,
    pub barrel: String,
    pub status: ImportStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    /// Modules the rewritten statement imports (repo-relative).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub modules: Vec<String>,
}

impl BarrelImport {
    /// The line a `--check` baseline keeps: no line number, so edits above
    /// an import do not make it new.
    pub fn baseline_line(&self) -> String {
        format!("{} -> {}", self.file, self.specifier)
    }
}

/// The rewrite of one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileEdit {
    pub path: String,
    #[serde(skip)]
    pub before: String,
    #[serde(skip)]
    pub after: String,
    pub rewrites: usize,
}

/// Every barrel import found and the file rewrites.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Plan {
    pub imports: Vec<BarrelImport>,
    pub files: Vec<FileEdit>,
}

impl Plan {
    pub fn rewrites(&self) -> usize {
        self.imports
            .iter()
            .filter(|i| i.status == ImportStatus::Rewrite)
            .count()
    }

    pub fn refused(&self) -> usize {
        self.imports
            .iter()
            .filter(|i| i.status == ImportStatus::Refused)
            .count()
    }

    /// The baseline lines of every barrel import (sorted, distinct).
    pub fn baseline_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.imports.iter().map(|i| i.baseline_line()).collect();
        lines.sort();
        lines.dedup();
        lines
    }

    /// The files as they would be after `--write`, absolute path → text.
    pub fn overlay(&self, root: &std::path::Path) -> HashMap<PathBuf, String> {
        self.files
            .iter()
            .map(|f| (root.join(&f.path), f.after.clone()))
            .collect()
    }
}

/// The `--check` baseline file: a comment header, one import per line.
pub fn baseline_text(lines: &[String]) -> String {
    let mut out = String::from(
        "# warmstart graph fix-barrels baseline: barrel imports, one `file -> specifier` per line\n",
    );
    for line in lines {
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn in_scope(path: &str, scope: &[String]) -> bool {
    scope.is_empty()
        || scope.iter().any(|s| {
            let s = s.trim_end_matches('/');
            s.is_empty() || s == "." || path == s || path.starts_with(&format!("{s}/"))
        })
}

/// Is `module` a barrel: an index or package entry passing names on from
/// at least two modules.
fn is_barrel(
    tracer: &mut Tracer<'_>,
    module: u32,
    bare_entries: &std::collections::HashSet<u32>,
) -> bool {
    let path = &tracer.graph().modules[module as usize].path;
    let stem = path.rsplit('/').next().unwrap_or(path);
    let index = stem.split('.').next() == Some("index");
    if !index && !bare_entries.contains(&module) {
        return false;
    }
    tracer.table(module).sources().len() >= 2
}

struct Planner<'g> {
    tracer: Tracer<'g>,
    targets: Targets<'g>,
}

impl Planner<'_> {
    /// Where `importer` should take `name` of `barrel` from.
    fn place(
        &mut self,
        importer: u32,
        barrel: u32,
        original: &str,
        name: &str,
    ) -> Result<Placed, String> {
        let graph = self.tracer.graph();
        let chain = self
            .tracer
            .trace(barrel, name)
            .map_err(|e| e.describe(graph))?;
        if chain.len() < 2 {
            return Err(format!(
                "`{name}` is defined in the barrel {} itself",
                graph.modules[barrel as usize].path
            ));
        }
        let mut last = None;
        for j in (1..chain.len()).rev() {
            let step = &chain[j];
            if step.module == importer {
                continue;
            }
            if let Some(problem) = self.skipped_problem(&chain[..j], step.module) {
                last = Some(problem);
                continue;
            }
            match self
                .targets
                .specifier(importer, original, step.module, step.via.as_deref())
            {
                Ok(specifier) => {
                    return Ok(Placed {
                        specifier,
                        name: step.name.clone(),
                        module: step.module,
                    });
                }
                Err(e) => {
                    last.get_or_insert(format!("`{name}`: {e}"));
                }
            }
        }
        Err(last
            .unwrap_or_else(|| format!("`{name}`: no module on its chain can be imported here")))
    }

    /// Why the modules of `skipped` may not be bypassed to reach `target`.
    fn skipped_problem(&mut self, skipped: &[trace::Step], target: u32) -> Option<String> {
        let graph = self.tracer.graph();
        let wanted = self.tracer.table(target).directive.clone();
        for step in skipped {
            let table = self.tracer.table(step.module);
            let path = &graph.modules[step.module as usize].path;
            if let Some((line, what)) = &table.side_effect {
                return Some(format!(
                    "{path} has side effects of its own (line {line}: {what}); importing past it would skip them"
                ));
            }
            if let Some(d) = &table.directive
                && wanted.as_ref() != Some(d)
            {
                return Some(format!(
                    "{path} is marked \"{d}\" and {} is not",
                    graph.modules[target as usize].path
                ));
            }
        }
        None
    }
}

/// Finds every barrel import of the files in scope and plans its rewrite.
pub fn plan(graph: &ModuleGraph, options: &Options) -> Plan {
    let mut tracer = Tracer::new(graph);
    // Modules imported by a bare specifier: package entries and subpaths.
    let bare_entries: std::collections::HashSet<u32> = graph
        .edges
        .iter()
        .filter(|e| !e.specifier.starts_with('.') && !e.specifier.starts_with('/'))
        .map(|e| e.to)
        .collect();
    let mut barrel_cache: HashMap<u32, bool> = HashMap::new();
    // importer → statement start → statement.
    let mut wanted: BTreeMap<u32, BTreeMap<u32, (BarrelStatement, u32)>> = BTreeMap::new();
    for e in &graph.edges {
        let from = &graph.modules[e.from as usize].path;
        if e.kind == EdgeKind::TypeOnly || e.type_usable || !in_scope(from, &options.scope) {
            continue;
        }
        if let Some(only) = &options.only
            && !only.contains(from)
        {
            continue;
        }
        let barrel = *barrel_cache
            .entry(e.to)
            .or_insert_with(|| is_barrel(&mut tracer, e.to, &bare_entries));
        if !barrel || e.from == e.to {
            continue;
        }
        let import = &graph.parsed[e.from as usize].imports[e.import as usize];
        wanted.entry(e.from).or_default().insert(
            import.start,
            (
                BarrelStatement {
                    start: import.start,
                    barrel: e.to,
                    specifier: e.specifier.clone(),
                },
                e.line,
            ),
        );
    }
    let targets = Targets::new(graph);
    let mut planner = Planner { tracer, targets };
    let mut out = Plan::default();
    for (importer, statements) in wanted {
        let rel = &graph.modules[importer as usize].path;
        let path = graph.root.join(rel);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let list: Vec<BarrelStatement> = statements.values().map(|(s, _)| s.clone()).collect();
        let mut place = |barrel: u32, original: &str, name: &str| {
            planner.place(importer, barrel, original, name)
        };
        let (after, outcomes) = rewrite::rewrite_file(&path, &text, &list, &mut place);
        let reparsed_ok = after == text || {
            let allocator = oxc_allocator::Allocator::default();
            crate::parse::parse_source(&path, &after, &allocator)
                .errors
                .is_empty()
        };
        let mut rewrites = 0;
        for (start, outcome) in outcomes {
            let Some((statement, line)) = statements.get(&start) else {
                continue;
            };
            let barrel = graph.modules[statement.barrel as usize].path.clone();
            let mut entry = BarrelImport {
                file: rel.clone(),
                line: *line,
                specifier: statement.specifier.clone(),
                barrel,
                status: ImportStatus::Refused,
                replacement: None,
                reasons: Vec::new(),
                modules: Vec::new(),
            };
            match outcome {
                Outcome::Skipped => continue,
                Outcome::Refused(reasons) => entry.reasons = reasons,
                Outcome::Rewritten { .. } if !reparsed_ok => {
                    entry.reasons = vec!["the rewritten file did not parse".into()];
                }
                Outcome::Rewritten {
                    replacement,
                    modules,
                } => {
                    rewrites += 1;
                    entry.status = ImportStatus::Rewrite;
                    entry.replacement = Some(replacement);
                    entry.modules = modules
                        .iter()
                        .map(|m| graph.modules[*m as usize].path.clone())
                        .collect();
                }
            }
            out.imports.push(entry);
        }
        if rewrites > 0 && reparsed_ok && after != text {
            out.files.push(FileEdit {
                path: rel.clone(),
                before: text,
                after,
                rewrites,
            });
        }
    }
    out.imports
        .sort_by(|a, b| a.file.cmp(&b.file).then(a.line.cmp(&b.line)));
    out
}

/// A unified diff of one file's rewrite.
pub fn diff(edit: &FileEdit) -> String {
    similar::TextDiff::from_lines(&edit.before, &edit.after)
        .unified_diff()
        .context_radius(1)
        .header(&format!("a/{}", edit.path), &format!("b/{}", edit.path))
        .to_string()
}
