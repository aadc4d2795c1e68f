//! How `graph closure ROUTE --by-package`, `graph fix-barrels` and `graph
//! ready` results are printed (methods of [`Printer`]).

use warmstart_graph::barrels::{self, Checked, RouteEdits};
use warmstart_graph::codemod::lazy::Plan;
use warmstart_graph::firstpage::FirstPage;
use warmstart_graph::ready::{Applied, Ready};
use warmstart_graph::route::RouteRun;

use crate::printer::{Paint, Printer};

impl Printer {
    /// The first-page report of a route, for humans and `--json`.
    pub fn route(&self, run: &RouteRun) {
        self.json(run);
        let report = &run.report;
        self.route_totals(report);
        self.route_groups(report);
        self.route_suggestions(report);
        if let Some(edits) = &run.fix_barrels {
            self.route_edits(edits);
        }
    }

    fn route_totals(&self, report: &FirstPage) {
        self.line(format!(
            "{}: client {} modules ({} bytes), server {} modules{}",
            report.entries.join(" + "),
            report.client.modules,
            report.client.bytes,
            report.server.modules,
            if report.node_modules {
                ""
            } else {
                " (no node_modules: workspace part only)"
            }
        ));
        if let Some(bundler) = report.bundler {
            self.line(format!("bundler: {}", bundler.name()));
        }
        if let Some(route) = &report.route {
            self.line(format!("app router ({}):", route.app_dir));
            for f in &route.files {
                let slot = f
                    .slot
                    .as_deref()
                    .map(|s| format!(" {s}"))
                    .unwrap_or_default();
                self.line(format!("  {:<13} {}{slot}", f.kind, f.path));
            }
            if !route.client_boundaries.is_empty() {
                self.line(format!(
                    "  \"use client\" boundaries: {}",
                    route.client_boundaries.join(", ")
                ));
            }
        }
        if !report.layers.is_empty() {
            let parts: Vec<String> = report
                .layers
                .iter()
                .map(|l| {
                    let mut extra = Vec::new();
                    if l.client_references > 0 {
                        extra.push(format!("{} client references", l.client_references));
                    }
                    if l.externals > 0 {
                        extra.push(format!("{} externals", l.externals));
                    }
                    if extra.is_empty() {
                        format!("{} {}", l.layer, l.modules)
                    } else {
                        format!("{} {} ({})", l.layer, l.modules, extra.join(", "))
                    }
                })
                .collect();
            self.line(format!("layers: {}", parts.join(", ")));
        }
        if let Some(after) = &report.after_fix_barrels {
            self.line(format!(
                "after `warmstart graph fix-barrels --write` ({} imports rewritten): client {} modules, server {} (predicted)",
                after.edits, after.client, after.server
            ));
        }
    }

    fn route_groups(&self, report: &FirstPage) {
        self.line("\nlargest groups:");
        for g in &report.groups {
            let via = if g.via.is_empty() {
                String::new()
            } else {
                format!("  via {}", g.via.join(" → "))
            };
            self.line(format!(
                "  {:>6} {:<6} {}{via}",
                g.modules, g.side, g.package
            ));
        }
        self.line("\nbarrel imports that cost the most (client modules only they bring):");
        for o in &report.offenders {
            self.line(format!(
                "  {:>6}  {}:{}  {}{}",
                o.modules,
                o.file,
                o.line,
                o.specifier,
                if o.reexport { "  (re-export)" } else { "" }
            ));
            if let Some(direct) = &o.replace_with {
                self.line(format!("          instead: {direct}"));
            }
        }
    }

    fn route_suggestions(&self, report: &FirstPage) {
        self.line("\nsuggestions (predicted saving is an upper bound):");
        for s in &report.suggestions {
            let what = match (&s.package, &s.file) {
                (Some(p), _) => format!("{}: \"{p}\"", s.kind),
                (_, Some(f)) => format!("{}: {f}:{}", s.kind, s.line.unwrap_or(0)),
                _ => s.kind.to_string(),
            };
            self.line(format!("  -{:<6} {what} — {}", s.saving, s.why));
        }
    }

    /// The `fix_barrels` part of the first-page report.
    fn route_edits(&self, edits: &RouteEdits) {
        self.line("\nfix-barrels edits (`warmstart graph fix-barrels PATHS --write`; predicted saving, client + server modules):");
        for e in &edits.edits {
            let lines: Vec<String> = e.lines.iter().map(u32::to_string).collect();
            self.line(format!("  -{} {}:{}", e.saving, e.file, lines.join(",")));
            for line in e.replacement.lines() {
                self.line(format!("          {line}"));
            }
        }
        for r in &edits.refused {
            self.line(format!(
                "  refused {}:{} \"{}\": {}",
                r.file,
                r.line,
                r.specifier,
                r.reasons.join("; ")
            ));
        }
        let all = &edits.all;
        self.line(format!(
            "  all edits: client {} and server {} modules (−{})",
            all.client_after, all.server_after, all.saving
        ));
    }

    /// `graph fix-barrels` without `--check`: refusals, the diff (or what
    /// was written), the routes' predictions.
    pub fn fix_barrels(&self, p: &barrels::Planned) {
        for import in p
            .imports
            .iter()
            .filter(|i| i.status == barrels::ImportStatus::Refused)
        {
            self.status(format!(
                "{} {}:{} \"{}\": {}",
                self.paint("refused", Paint::Yellow),
                import.file,
                import.line,
                import.specifier,
                import.reasons.join("; ")
            ));
        }
        if !p.written && !self.json {
            for file in &p.files {
                self.raw(barrels::diff(file));
            }
        }
        for r in &p.routes {
            self.line(format!(
                "{}: client {} → {} modules (−{}), server {} → {} (−{}) predicted",
                r.route,
                r.client.before,
                r.client.after,
                r.client.saving,
                r.server.before,
                r.server.after,
                r.server.saving,
            ));
        }
        self.line(if p.written {
            format!(
                "rewrote {} barrel imports in {} files; {} refused",
                p.rewrites, p.files_written, p.refused
            )
        } else {
            format!(
                "{} barrel imports: {} can be rewritten in {} files, {} refused (run with --write)",
                p.imports.len(),
                p.rewrites,
                p.files.len(),
                p.refused
            )
        });
        self.json(p);
    }

    /// `graph fix-barrels --check`: the barrel imports the baseline lacks.
    pub fn fix_barrels_check(&self, c: &Checked) {
        for import in &c.new {
            let what = match &import.replacement {
                Some(r) => format!("fix: {}", r.replace('\n', " ")),
                None => format!("cannot be rewritten: {}", import.reasons.join("; ")),
            };
            self.line(format!(
                "{}:{}: barrel import \"{}\" ({}) — {what}",
                import.file, import.line, import.specifier, import.barrel
            ));
        }
        if c.gone > 0 {
            self.status(format!(
                "{} baseline entries are gone: run --update-baseline to ratchet",
                c.gone
            ));
        }
        self.line(format!(
            "{} barrel imports, {} not in the baseline",
            c.imports,
            c.new.len()
        ));
        self.json(c);
    }

    /// The `graph ready` report for humans.
    pub fn ready(&self, r: &Ready) {
        self.line(format!(
            "{}: Next {} with {} ({}): {} modules before Ready{}",
            r.app,
            r.next_version.as_deref().unwrap_or("(not installed)"),
            r.bundler.name(),
            r.bundler_from,
            r.modules,
            if r.node_modules {
                ""
            } else {
                " (no node_modules: workspace part only)"
            }
        ));
        for c in &r.compiles {
            let when = if c.before_ready {
                "before Ready"
            } else {
                "on the first request"
            };
            self.line(format!(
                "\n{} {} ({}, {when}): {} modules, {} external, {} bytes",
                c.name,
                c.runtime.name(),
                c.entry,
                c.modules,
                c.externals,
                c.bytes
            ));
            for g in &c.groups {
                let tag = if g.external { " (external)" } else { "" };
                self.line(format!(
                    "  {:>6}  {}{tag}  via {}",
                    g.modules,
                    g.package,
                    g.chain.join(" → ")
                ));
            }
        }
        let costly: Vec<_> = r.offenders.iter().filter(|o| o.modules > 0).collect();
        if costly.is_empty() {
            self.line("\nno top-level import in these files costs modules before Ready");
        } else {
            self.line("\ntop-level imports that cost modules before Ready:");
        }
        for o in costly {
            let per: Vec<String> = o
                .per_compile
                .iter()
                .map(|(c, n)| format!("{c} {n}"))
                .collect();
            self.line(format!(
                "  {:>6}  {}:{}  {}  ({})",
                o.modules,
                o.file,
                o.line,
                o.specifier,
                per.join(", ")
            ));
            match &o.plan {
                Plan::Rewrite { shown, guard, .. } => {
                    if let Some(g) = guard {
                        self.line(format!(
                            "          guard: process.env.{g} (the package does nothing without it)"
                        ));
                    }
                    self.line(format!(
                        "          {}",
                        self.paint("instead (warmstart graph ready --write):", Paint::Green)
                    ));
                    for piece in shown {
                        for line in piece.lines() {
                            self.line(format!("            {line}"));
                        }
                    }
                }
                Plan::Refused { reason } => {
                    self.line(format!("          cannot be made lazy: {reason}"));
                }
            }
        }
        for n in &r.notes {
            self.line(format!("\nnote: {n}"));
        }
    }

    /// `graph ready --write`: the files rewritten, the refusals, the totals.
    pub fn ready_applied(&self, a: &Applied) {
        self.json(&a.json());
        for w in &a.written {
            if w.changed {
                self.line(format!(
                    "rewrote {}: lazy {}",
                    w.file,
                    w.rewritten.join(", ")
                ));
            } else {
                self.line(format!("{}: unchanged (already lazy)", w.file));
            }
        }
        if a.written.is_empty() {
            self.line("nothing to rewrite: no top-level import costs modules before Ready");
        }
        for o in &a.before.offenders {
            if let Plan::Refused { reason } = &o.plan
                && o.modules > 0
            {
                self.line(format!(
                    "refused {}:{} {}: {reason}",
                    o.file, o.line, o.specifier
                ));
            }
        }
        self.line(format!(
            "modules before Ready: {} → {}",
            a.before.modules, a.after_modules
        ));
    }
}
