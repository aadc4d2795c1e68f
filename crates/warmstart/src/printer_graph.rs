//! How the `warmstart graph` commands' results are printed: methods of
//! [`Printer`] for the library's typed outputs, and the observer the graph
//! library reports progress and diagnostics through.

use std::io::Write;
use std::sync::Arc;

use serde::Serialize;
use warmstart_graph::check::BaselineOutcome;
use warmstart_graph::fix_types::{Planned, Rewritten};
use warmstart_graph::session::Observer;
use warmstart_graph::{ModuleGraph, query};

use crate::printer::{Paint, Printer};

/// The graph library's progress and diagnostics, on stderr.
struct GraphObserver(Printer);

impl Observer for GraphObserver {
    fn cache_event(&self, event: &warmstart_cache::CacheEvent) {
        self.0.status(format!("warmstart: {event}"));
    }

    fn built(&self, graph: &ModuleGraph) {
        let p = &self.0;
        for warning in &graph.warnings {
            p.status(format!("warning: {warning}"));
        }
        for problem in &graph.problems {
            p.status(format!(
                "{}: {}:{}:{}: {}",
                p.paint("parse error", Paint::Yellow),
                problem.file,
                problem.line,
                problem.column,
                problem.message
            ));
        }
    }

    fn verbose(&self, text: &str) {
        self.0.verbose(text);
    }

    fn status(&self, text: &str) {
        self.0.status(text);
    }
}

impl Printer {
    /// This printer as the graph library's observer.
    pub fn graph_observer(&self) -> Arc<dyn Observer> {
        Arc::new(GraphObserver(self.clone()))
    }

    /// Text on stdout as is, whatever `--json` and `--quiet` say (dot,
    /// mermaid, diffs asked for by `--format`).
    pub fn raw(&self, text: impl AsRef<str>) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_ref().as_bytes());
    }

    /// A JSON document on stdout whatever `--json` says (`--format json`,
    /// SARIF).
    pub fn document<T: Serialize + ?Sized>(&self, value: &T) {
        // Rendered whole, then written at once: stdout is line-buffered and
        // a large document is many lines.
        let Ok(mut text) = serde_json::to_vec_pretty(value) else {
            return;
        };
        text.push(b'\n');
        let _ = std::io::stdout().lock().write_all(&text);
    }

    /// What the `graph cycles` baseline step did.
    pub fn cycles_baseline(&self, outcome: &BaselineOutcome) {
        match outcome {
            BaselineOutcome::Updated { edges, view, path } => self.status(format!(
                "wrote {edges} cycle edges of the {} view to {}",
                view.name(),
                path.display()
            )),
            BaselineOutcome::Checked(diff) => {
                for line in &diff.new {
                    self.status(format!("new cycle edge: {line}"));
                }
                if diff.gone > 0 {
                    self.status(format!(
                        "{} baseline edges are no longer on cycles: run --update-baseline to ratchet",
                        diff.gone
                    ));
                }
            }
        }
    }

    /// `graph why`: the chain of imports, or that there is none.
    pub fn why(
        &self,
        graph: &ModuleGraph,
        view: &str,
        from: u32,
        to: u32,
        hops: Option<&[query::Hop]>,
    ) {
        let from = &graph.modules[from as usize].path;
        let to = &graph.modules[to as usize].path;
        let Some(hops) = hops else {
            self.line(format!("{from} does not import {to} ({view} view)"));
            return;
        };
        self.line(format!(
            "{from} imports {to} in {} step(s) ({view} view):",
            hops.len().saturating_sub(1)
        ));
        for hop in hops {
            match (&hop.line, &hop.specifier, hop.kind) {
                (Some(line), Some(spec), Some(kind)) => self.line(format!(
                    "  {}:{line}  imports \"{spec}\" ({kind})",
                    hop.file
                )),
                _ => self.line(format!("  {}", hop.file)),
            }
        }
    }

    /// `graph closure ENTRY`: modules and bytes by folder, largest modules.
    pub fn closure(&self, closure: &query::Closure, view: &str, top: usize) {
        self.line(format!(
            "{} loads {} modules, {} bytes eagerly ({view} view; import() excluded)",
            closure.entry, closure.modules, closure.bytes
        ));
        self.line("\nby folder:");
        for share in closure.by_folder.iter().take(top) {
            self.line(format!(
                "  {:>10} bytes {:>6} modules  {}",
                share.bytes, share.modules, share.folder
            ));
        }
        self.line("\nlargest modules:");
        for (path, bytes) in &closure.largest {
            self.line(format!("  {bytes:>10} bytes  {path}"));
        }
    }

    /// `graph fix-types` without `--write`: the diff and the prediction.
    pub fn fix_types_planned(&self, p: &Planned) {
        if !self.json {
            for file in &p.files {
                self.raw(warmstart_graph::fix::diff(file));
            }
        }
        let rewrites = p.rewrites;
        self.line(format!(
            "{rewrites} imports in {} files can become `import type`; runtime cycles would go from {} groups / {} files to {} groups / {} files (run with --write)",
            p.files.len(),
            p.runtime_before.groups,
            p.runtime_before.files_in_cycles,
            p.runtime_predicted.groups,
            p.runtime_predicted.files_in_cycles
        ));
        self.json(p);
    }

    /// `graph fix-types --write`: what changed, and the groups dissolved.
    pub fn fix_types_rewritten(&self, r: &Rewritten) {
        self.line(format!(
            "rewrote {} imports in {} files; runtime cycles: {} groups / {} files → {} groups / {} files",
            r.rewrites,
            r.files.len(),
            r.runtime_before.groups,
            r.runtime_before.files_in_cycles,
            r.runtime_after.groups,
            r.runtime_after.files_in_cycles
        ));
        for g in &r.dissolved {
            self.line(format!(
                "  dissolved: {} files ({} …)",
                g.size,
                g.files.first().map_or("", String::as_str)
            ));
        }
        self.json(r);
    }
}
