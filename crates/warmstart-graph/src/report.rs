//! The cycle report of every view: what `graph cycles` prints and what
//! `--json` serialises (schema documented in docs/graph.md).

// FxHash: the maps are keyed by node pairs, looked up once per edge per
// cut search; SipHash showed in the profile. Nothing iterates them in
// hash order into the output.
use rustc_hash::FxHashMap as HashMap;

use serde::Serialize;

use crate::build::ModuleGraph;
use crate::cycles;
use crate::parse::EdgeKind;
use crate::view::{View, adjacency};

/// Knobs of the analysis.
#[derive(Debug, Clone, Copy)]
pub struct AnalysisOptions {
    /// Stop enumerating elementary cycles of a view after this many.
    pub max_cycles: usize,
    /// Cuts and details for groups (false: counts only, faster).
    pub details: bool,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            max_cycles: 1_000,
            details: true,
        }
    }
}

/// Every view.
#[derive(Debug, Clone, Serialize)]
pub struct CyclesReport {
    pub modules: usize,
    pub edges: EdgeCounts,
    pub views: Views,
}

/// The five views, in documented order.
#[derive(Debug, Clone, Serialize)]
pub struct Views {
    pub runtime: ViewReport,
    pub runtime_semantic: ViewReport,
    pub runtime_dynamic: ViewReport,
    #[serde(rename = "static")]
    pub static_: ViewReport,
    pub all: ViewReport,
}

impl Views {
    pub fn get(&self, view: View) -> &ViewReport {
        match view {
            View::Runtime => &self.runtime,
            View::RuntimeSemantic => &self.runtime_semantic,
            View::RuntimeDynamic => &self.runtime_dynamic,
            View::Static => &self.static_,
            View::All => &self.all,
        }
    }
}

/// Edges of the graph by kind (one per import statement or call).
#[derive(Debug, Clone, Default, Serialize)]
pub struct EdgeCounts {
    pub value: usize,
    pub type_only: usize,
    pub dynamic: usize,
    pub require: usize,
    /// Value imports whose bindings are used only as types.
    pub type_usable: usize,
}

/// One view's cycles.
#[derive(Debug, Clone, Serialize)]
pub struct ViewReport {
    /// Strongly connected groups of more than one file.
    pub groups: usize,
    /// Files in those groups.
    pub files_in_cycles: usize,
    /// Files in the largest group.
    pub largest_group: usize,
    /// File-to-file edges inside groups: each lies on at least one cycle.
    pub edges_on_cycles: usize,
    /// Elementary cycles enumerated (Johnson), up to `cycles_cap`.
    pub elementary_cycles: usize,
    pub cycles_cap: usize,
    /// True when there are more elementary cycles than the cap.
    pub cycles_capped: bool,
    /// Edges to cut, summed over groups.
    pub cuts: usize,
    /// Edges on the most enumerated cycles.
    pub worst_offenders: Vec<Offender>,
    pub group_list: Vec<Group>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub size: usize,
    pub edges: usize,
    pub files: Vec<String>,
    /// Every file-to-file edge inside the group, `[from, to]`, sorted.
    pub edge_list: Vec<(String, String)>,
    /// A shortest cycle through the group's first file, as a path.
    pub example: Vec<String>,
    pub cuts: Vec<Cut>,
}

/// One edge to remove, and how.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Cut {
    pub from: String,
    pub to: String,
    pub line: u32,
    pub specifier: String,
    pub kind: EdgeKind,
    /// `import_type` (a value import used only as types), `move_types` (an
    /// `import type` edge: move the types to a shared file),
    /// `import_directly` (past a barrel) or `restructure`.
    pub fix: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Offender {
    pub from: String,
    pub to: String,
    pub line: u32,
    /// Enumerated elementary cycles through this edge.
    pub cycles: usize,
}

/// Facts about the file-level edge `from → to` within one view.
struct EdgeFacts {
    line: u32,
    specifier: String,
    kind: EdgeKind,
    fix: &'static str,
}

/// Analyses every view.
pub fn analyse(graph: &ModuleGraph, options: AnalysisOptions) -> CyclesReport {
    let mut counts = EdgeCounts::default();
    for edge in &graph.edges {
        match edge.kind {
            EdgeKind::Value => counts.value += 1,
            EdgeKind::TypeOnly => counts.type_only += 1,
            EdgeKind::Dynamic => counts.dynamic += 1,
            EdgeKind::Require => counts.require += 1,
        }
        if edge.type_usable {
            counts.type_usable += 1;
        }
    }
    let barrels = barrels(graph);
    let views = rayon_views(graph, &barrels, options);
    CyclesReport {
        modules: graph.modules.len(),
        edges: counts,
        views,
    }
}

fn rayon_views(graph: &ModuleGraph, barrels: &[bool], options: AnalysisOptions) -> Views {
    use rayon::prelude::*;
    let adjs: Vec<Vec<Vec<u32>>> = View::EVERY
        .par_iter()
        .map(|&view| adjacency(graph, view))
        .collect();
    // Views with the same edges have the same groups and elementary cycles
    // (on Cal.com `runtime` and `runtime_semantic` often do): find them
    // once, in one task with every report they feed.
    let first_same: Vec<usize> = (0..adjs.len())
        .map(|i| (0..i).find(|&j| adjs[j] == adjs[i]).unwrap_or(i))
        .collect();
    // One task per distinct view, the most edges first: the enumeration
    // of the largest view is most of the analysis, and the small ones then
    // fill the other core instead of leaving it idle at the end.
    let mut distinct: Vec<usize> = (0..adjs.len()).filter(|&i| first_same[i] == i).collect();
    distinct.sort_by_key(|&i| std::cmp::Reverse(adjs[i].iter().map(Vec::len).sum::<usize>()));
    let done = in_order_of(&distinct, |&i| {
        let groups = cycles::groups(&adjs[i]);
        let found = cycles::elementary_cycles_in(&adjs[i], &groups, options.max_cycles);
        (i..adjs.len())
            .filter(|&j| first_same[j] == i)
            .map(|j| {
                let view = View::EVERY[j];
                let report =
                    analyse_view_with(graph, view, barrels, options, &adjs[j], &groups, &found);
                (j, report)
            })
            .collect::<Vec<_>>()
    });
    let mut reports: [Option<ViewReport>; 5] = Default::default();
    for (j, report) in done.into_iter().flatten() {
        reports[j] = Some(report);
    }
    let [
        Some(runtime),
        Some(runtime_semantic),
        Some(runtime_dynamic),
        Some(static_),
        Some(all),
    ] = reports
    else {
        unreachable!("five views in, five reports out")
    };
    Views {
        runtime,
        runtime_semantic,
        runtime_dynamic,
        static_,
        all,
    }
}

/// `f` of every task, each thread of the pool taking the next task in
/// the given order when it is free (greedy, largest first when the tasks
/// come so): rayon's halving of a list would hand one thread the two
/// small tasks and then the second large one, while the other sat idle.
fn in_order_of<T: Sync, R: Send>(tasks: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use rayon::prelude::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let threads = rayon::current_num_threads().min(tasks.len()).max(1);
    (0..threads)
        .into_par_iter()
        .with_max_len(1)
        .flat_map_iter(|_| {
            std::iter::from_fn(|| {
                let i = next.fetch_add(1, Ordering::Relaxed);
                tasks.get(i).map(&f)
            })
        })
        .collect()
}

/// A barrel: a module that is mostly `export … from`.
fn barrels(graph: &ModuleGraph) -> Vec<bool> {
    graph
        .parsed
        .iter()
        .map(|file| {
            let reexports = file.imports.iter().filter(|i| i.reexport).count();
            reexports > 0 && reexports * 2 >= file.imports.len()
        })
        .collect()
}

/// Analyses one view: strongly connected groups, the facts of each edge
/// inside them, elementary cycles and the worst offenders, then per group
/// its edges, cuts and a shortest cycle.
pub fn analyse_view(
    graph: &ModuleGraph,
    view: View,
    barrels: &[bool],
    options: AnalysisOptions,
) -> ViewReport {
    let adj = adjacency(graph, view);
    let groups = cycles::groups(&adj);
    let found = cycles::elementary_cycles_in(&adj, &groups, options.max_cycles);
    analyse_view_with(graph, view, barrels, options, &adj, &groups, &found)
}

/// [`analyse_view`] with the view's adjacency, groups and elementary
/// cycles at hand (shared between views with the same edges).
fn analyse_view_with(
    graph: &ModuleGraph,
    view: View,
    barrels: &[bool],
    options: AnalysisOptions,
    adj: &[Vec<u32>],
    groups: &[Vec<u32>],
    found: &cycles::Cycles,
) -> ViewReport {
    let component = components(groups, adj.len());
    let edges_on_cycles: usize = adj
        .iter()
        .enumerate()
        .map(|(v, list)| {
            list.iter()
                .filter(|&&w| component[v] != u32::MAX && component[v] == component[w as usize])
                .count()
        })
        .sum();
    let facts = edge_facts(graph, view, barrels, &component);
    let worst_offenders = worst_offenders(graph, &found.cycles, &facts);
    let mut total_cuts = 0;
    let group_list: Vec<Group> = groups
        .iter()
        .map(|g| {
            let group = group_report(graph, adj, &component, &facts, g, options);
            total_cuts += group.cuts.len();
            group
        })
        .collect();
    ViewReport {
        groups: groups.len(),
        files_in_cycles: groups.iter().map(Vec::len).sum(),
        largest_group: groups.first().map_or(0, Vec::len),
        edges_on_cycles,
        elementary_cycles: found.cycles.len(),
        cycles_cap: options.max_cycles,
        cycles_capped: found.capped,
        cuts: total_cuts,
        worst_offenders,
        group_list,
    }
}

/// The group of each module (`u32::MAX`: on no cycle).
fn components(groups: &[Vec<u32>], modules: usize) -> Vec<u32> {
    let mut component = vec![u32::MAX; modules];
    for (i, g) in groups.iter().enumerate() {
        for &n in g {
            component[n as usize] = i as u32;
        }
    }
    component
}

/// Facts per file-level edge inside groups: the line, specifier and kind of
/// its most expensive import, and how to cut it.
fn edge_facts(
    graph: &ModuleGraph,
    view: View,
    barrels: &[bool],
    component: &[u32],
) -> HashMap<(u32, u32), EdgeFacts> {
    let mut facts: HashMap<(u32, u32), EdgeFacts> = HashMap::default();
    for edge in &graph.edges {
        let (f, t) = (edge.from, edge.to);
        if f == t
            || !view.includes(edge)
            || component[f as usize] == u32::MAX
            || component[f as usize] != component[t as usize]
        {
            continue;
        }
        let fix = if edge.type_usable {
            "import_type"
        } else if edge.kind == EdgeKind::TypeOnly {
            "move_types"
        } else if barrels[t as usize] && !edge.reexport {
            "import_directly"
        } else {
            "restructure"
        };
        facts
            .entry((f, t))
            .and_modify(|e| {
                // The edge is only as cheap as its most expensive import.
                if rank(fix) > rank(e.fix) {
                    *e = EdgeFacts {
                        line: edge.line,
                        specifier: edge.specifier.clone(),
                        kind: edge.kind,
                        fix,
                    };
                }
            })
            .or_insert(EdgeFacts {
                line: edge.line,
                specifier: edge.specifier.clone(),
                kind: edge.kind,
                fix,
            });
    }
    facts
}

/// The ten edges on the most enumerated elementary cycles.
fn worst_offenders(
    graph: &ModuleGraph,
    found: &[Vec<u32>],
    facts: &HashMap<(u32, u32), EdgeFacts>,
) -> Vec<Offender> {
    let mut on_cycles: HashMap<(u32, u32), usize> = HashMap::default();
    for cycle in found {
        for (i, &v) in cycle.iter().enumerate() {
            let w = cycle[(i + 1) % cycle.len()];
            *on_cycles.entry((v, w)).or_default() += 1;
        }
    }
    let path = |i: u32| graph.modules[i as usize].path.clone();
    let mut offenders: Vec<((u32, u32), usize)> = on_cycles.into_iter().collect();
    offenders.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    offenders
        .iter()
        .take(10)
        .map(|&((f, t), n)| Offender {
            from: path(f),
            to: path(t),
            line: facts.get(&(f, t)).map_or(0, |e| e.line),
            cycles: n,
        })
        .collect()
}

/// One group: its edges, and with details its cuts and a shortest cycle.
fn group_report(
    graph: &ModuleGraph,
    adj: &[Vec<u32>],
    component: &[u32],
    facts: &HashMap<(u32, u32), EdgeFacts>,
    g: &[u32],
    options: AnalysisOptions,
) -> Group {
    let path = |i: u32| graph.modules[i as usize].path.clone();
    let edge_list: Vec<(String, String)> = g
        .iter()
        .flat_map(|&v| {
            adj[v as usize]
                .iter()
                .filter(move |&&w| component[w as usize] == component[v as usize])
                .map(move |&w| (v, w))
        })
        .map(|(v, w)| (path(v), path(w)))
        .collect();
    let cost = |f: u32, t: u32| facts.get(&(f, t)).map_or(4, |e| 1 + 3 * rank(e.fix));
    let cuts: Vec<Cut> = if options.details {
        cycles::feedback_arc_set(adj, g, &cost)
            .into_iter()
            .map(|(f, t)| {
                let e = facts.get(&(f, t));
                Cut {
                    from: path(f),
                    to: path(t),
                    line: e.map_or(0, |e| e.line),
                    specifier: e.map_or_else(String::new, |e| e.specifier.clone()),
                    kind: e.map_or(EdgeKind::Value, |e| e.kind),
                    fix: e.map_or("restructure", |e| e.fix),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let example = if options.details {
        cycles::shortest_cycle_through(adj, g[0])
            .unwrap_or_default()
            .into_iter()
            .map(path)
            .collect()
    } else {
        Vec::new()
    };
    Group {
        size: g.len(),
        edges: edge_list.len(),
        files: g.iter().map(|&v| path(v)).collect(),
        edge_list,
        example,
        cuts,
    }
}

fn rank(fix: &str) -> u32 {
    match fix {
        "import_type" => 0,
        "import_directly" | "move_types" => 1,
        _ => 2,
    }
}
