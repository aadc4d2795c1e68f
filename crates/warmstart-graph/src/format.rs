//! Renderings of a cycle report: human text (arrow chains and cuts), dot,
//! mermaid, SARIF, the baseline file, and the unresolved list.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::{Value, json};

use crate::build::{ModuleGraph, Unresolved};
use crate::report::{CyclesReport, ViewReport};
use crate::resolve::UnresolvedReason;
use crate::view::View;

/// Groups and cuts drawn per view in human output before "… more".
const SHOWN_GROUPS: usize = 10;
const SHOWN_CUTS: usize = 8;

fn bold(text: &str, color: bool) -> String {
    if color {
        format!("\x1b[1m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The human report: a table of every view, then `view` in detail. The
/// run's time is given as text (`53 ms`), or as a slot the result cache
/// fills in when it answers with the stored report.
pub fn human(
    graph: &ModuleGraph,
    report: &CyclesReport,
    view: View,
    time: &str,
    color: bool,
) -> String {
    let mut out = String::new();
    let e = &report.edges;
    let _ = writeln!(
        out,
        "{} modules, {} edges (value {}, type-only {}, dynamic {}, require {}; {} value imports used only as types), {} unresolved, {} parse errors, in {}",
        thousands(report.modules),
        thousands(e.value + e.type_only + e.dynamic + e.require),
        thousands(e.value),
        thousands(e.type_only),
        thousands(e.dynamic),
        thousands(e.require),
        thousands(e.type_usable),
        thousands(graph.unresolved.len()),
        thousands(graph.problems.len()),
        time
    );
    let _ = writeln!(
        out,
        "\n{:<18} {:>6} {:>16} {:>8} {:>16} {:>18} {:>6}",
        "view",
        "groups",
        "files in cycles",
        "largest",
        "edges on cycles",
        "elementary cycles",
        "cuts"
    );
    for v in View::EVERY {
        let r = report.views.get(v);
        let cycles = if r.cycles_capped {
            format!("≥{} (cap)", thousands(r.elementary_cycles))
        } else {
            thousands(r.elementary_cycles)
        };
        let _ = writeln!(
            out,
            "{:<18} {:>6} {:>16} {:>8} {:>16} {:>18} {:>6}",
            v.name(),
            r.groups,
            thousands(r.files_in_cycles),
            thousands(r.largest_group),
            thousands(r.edges_on_cycles),
            cycles,
            r.cuts
        );
    }
    let r = report.views.get(view);
    if r.groups == 0 {
        let _ = writeln!(out, "\nno {} cycles", view.name());
        return out;
    }
    let _ = writeln!(
        out,
        "\n{} ({} groups; cut the listed edges to break each):",
        bold(&format!("{} cycles", view.name()), color),
        r.groups
    );
    for (i, g) in r.group_list.iter().take(SHOWN_GROUPS).enumerate() {
        let _ = writeln!(
            out,
            "\n  group {}: {} files, {} edges",
            i + 1,
            g.size,
            g.edges
        );
        if let Some(first) = g.example.first() {
            let mut chain = g.example.join("\n      → ");
            let _ = write!(chain, "\n      → {first}");
            let _ = writeln!(out, "    {chain}");
        }
        let _ = writeln!(out, "    cut {} edge(s):", g.cuts.len());
        for c in g.cuts.iter().take(SHOWN_CUTS) {
            let how = match c.fix {
                "import_type" => "make it `import type`",
                "import_directly" => "import the module, not the barrel",
                "move_types" => "type-only: move the types to a shared file",
                _ => "move the shared code",
            };
            let _ = writeln!(out, "      {}:{} → {}  ({})", c.from, c.line, c.to, how);
        }
        if g.cuts.len() > SHOWN_CUTS {
            let _ = writeln!(
                out,
                "      … {} more (--json lists all)",
                g.cuts.len() - SHOWN_CUTS
            );
        }
    }
    if r.group_list.len() > SHOWN_GROUPS {
        let _ = writeln!(
            out,
            "\n  … {} more groups (--json lists all)",
            r.group_list.len() - SHOWN_GROUPS
        );
    }
    if !r.worst_offenders.is_empty() {
        let _ = writeln!(
            out,
            "\nedges on the most {}elementary cycles:",
            if r.cycles_capped { "enumerated " } else { "" }
        );
        for o in r.worst_offenders.iter().take(5) {
            let _ = writeln!(out, "  {:>6}  {}:{} → {}", o.cycles, o.from, o.line, o.to);
        }
    }
    out
}

/// Edges on cycles of `view` as `from -> to` lines, sorted.
pub fn baseline_lines(report: &CyclesReport, view: View) -> Vec<String> {
    let r = report.views.get(view);
    let mut lines: Vec<String> = r
        .group_list
        .iter()
        .flat_map(|g| g.edge_list.iter().map(|(f, t)| format!("{f} -> {t}")))
        .collect();
    lines.sort();
    lines.dedup();
    lines
}

/// The baseline file: a comment header, then one edge per line.
pub fn baseline_text(view: View, lines: &[String]) -> String {
    let mut out = format!(
        "# warmstart graph cycles baseline: edges on {} cycles, one per line\n",
        view.name()
    );
    for line in lines {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Reads a baseline file back (comments and blank lines ignored).
pub fn parse_baseline(text: &str) -> std::collections::BTreeSet<String> {
    crate::baseline::Baseline::parse(text).entries
}

fn id(path: &str) -> String {
    format!("\"{}\"", path.replace('"', "\\\""))
}

/// Graphviz: one cluster per group, edges on cycles, cuts dashed red.
pub fn dot(report: &CyclesReport, view: View) -> String {
    let r = report.views.get(view);
    let mut out = format!(
        "digraph \"{}\" {{\n  rankdir=LR;\n  node [shape=box, fontsize=10];\n",
        view.name()
    );
    for (i, g) in r.group_list.iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph cluster_{i} {{\n    label=\"group {} ({} files)\";",
            i + 1,
            g.size
        );
        for f in &g.files {
            let _ = writeln!(out, "    {};", id(f));
        }
        let _ = writeln!(out, "  }}");
        for (f, t) in &g.edge_list {
            let cut = g.cuts.iter().any(|c| &c.from == f && &c.to == t);
            let style = if cut {
                " [color=red, style=dashed]"
            } else {
                ""
            };
            let _ = writeln!(out, "  {} -> {}{};", id(f), id(t), style);
        }
    }
    out.push_str("}\n");
    out
}

/// Mermaid flowchart of the groups, cuts as dotted links.
pub fn mermaid(report: &CyclesReport, view: View) -> String {
    let r = report.views.get(view);
    let mut out = String::from("flowchart LR\n");
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    for g in &r.group_list {
        for f in &g.files {
            let n = ids.len();
            ids.entry(f.as_str()).or_insert(n);
        }
    }
    for (i, g) in r.group_list.iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph g{i}[\"group {} ({} files)\"]",
            i + 1,
            g.size
        );
        for f in &g.files {
            let _ = writeln!(out, "    n{}[\"{}\"]", ids[f.as_str()], f.replace('"', "'"));
        }
        let _ = writeln!(out, "  end");
        for (f, t) in &g.edge_list {
            let cut = g.cuts.iter().any(|c| &c.from == f && &c.to == t);
            let arrow = if cut { "-.->|cut|" } else { "-->" };
            let _ = writeln!(out, "  n{} {arrow} n{}", ids[f.as_str()], ids[t.as_str()]);
        }
    }
    out
}

/// SARIF 2.1.0: one result per suggested cut, located at the import.
pub fn sarif(graph: &ModuleGraph, report: &CyclesReport, view: View) -> Value {
    let r: &ViewReport = report.views.get(view);
    let mut results = Vec::new();
    for (i, g) in r.group_list.iter().enumerate() {
        for c in &g.cuts {
            results.push(json!({
                "ruleId": "import-cycle",
                "level": "warning",
                "message": { "text": format!(
                    "import of {} closes a {} cycle (group {} of {} files); fix: {}",
                    c.to, view.name(), i + 1, g.size, c.fix) },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": c.from },
                    "region": { "startLine": c.line.max(1) }
                }}]
            }));
        }
    }
    for p in &graph.problems {
        results.push(json!({
            "ruleId": "parse-error",
            "level": "error",
            "message": { "text": p.message },
            "locations": [{ "physicalLocation": {
                "artifactLocation": { "uri": p.file },
                "region": { "startLine": p.line, "startColumn": p.column }
            }}]
        }));
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "warmstart",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": [
                    { "id": "import-cycle", "shortDescription": { "text": "An import that closes a module cycle" } },
                    { "id": "parse-error", "shortDescription": { "text": "A file that does not parse" } }
                ]
            }},
            "results": results
        }]
    })
}

/// Unresolved imports by reason: counts, and with `list` every import.
pub fn unresolved_json(graph: &ModuleGraph, list: bool) -> Value {
    // Grouped by the reason itself and named once per reason: on Cal.com
    // without node_modules ~6,000 imports are unresolved, and a serde call
    // and a JSON object for each, only to be counted, showed on the main
    // thread at the end of every cold run while the other core was idle.
    let mut by_reason: BTreeMap<UnresolvedReason, Vec<&Unresolved>> = BTreeMap::new();
    for u in &graph.unresolved {
        by_reason.entry(u.reason).or_default().push(u);
    }
    // Keyed by the names the document uses, so listed in their order.
    let named: BTreeMap<String, Vec<&Unresolved>> = by_reason
        .into_iter()
        .map(|(reason, items)| {
            let name = serde_json::to_value(reason)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            (name, items)
        })
        .collect();
    let mut out = serde_json::Map::new();
    for (reason, items) in named {
        let value = if list {
            let imports: Vec<Value> = items
                .iter()
                .map(|u| json!({ "file": u.file, "line": u.line, "specifier": u.specifier }))
                .collect();
            json!({ "count": items.len(), "imports": imports })
        } else {
            json!({ "count": items.len() })
        };
        out.insert(reason, value);
    }
    Value::Object(out)
}

/// Unresolved imports by reason, then by specifier, for humans.
pub fn unresolved_human(graph: &ModuleGraph) -> String {
    let mut by_reason: BTreeMap<_, BTreeMap<&str, Vec<String>>> = BTreeMap::new();
    for u in &graph.unresolved {
        by_reason
            .entry(u.reason)
            .or_default()
            .entry(u.specifier.as_str())
            .or_default()
            .push(format!("{}:{}", u.file, u.line));
    }
    let mut out = format!("\nunresolved imports: {}\n", graph.unresolved.len());
    for (reason, specs) in by_reason {
        let total: usize = specs.values().map(Vec::len).sum();
        let _ = writeln!(out, "\n  {} ({total}):", reason.describe());
        for (spec, places) in specs {
            let _ = writeln!(
                out,
                "    {spec}  ({}×, first at {})",
                places.len(),
                places[0]
            );
        }
    }
    out
}
