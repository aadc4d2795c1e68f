//! Questions about one file: why does A import B (the shortest chain), and
//! what does an entry load eagerly (its closure over a view: modules and
//! bytes; `import()` is not eager, so the runtime view leaves it out).

use serde::Serialize;

use crate::build::ModuleGraph;
use crate::cycles::shortest_path;
use crate::view::{View, adjacency};

/// One hop of an import chain.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Hop {
    pub file: String,
    /// Line and specifier of the import that leads to the next hop (absent
    /// on the last one).
    pub line: Option<u32>,
    pub specifier: Option<String>,
    pub kind: Option<&'static str>,
}

/// The shortest chain of imports `from` → … → `to` in `view`.
pub fn why(graph: &ModuleGraph, view: View, from: u32, to: u32) -> Option<Vec<Hop>> {
    let adj = adjacency(graph, view);
    let path = if from == to {
        vec![from]
    } else {
        shortest_path(&adj, from, to)?
    };
    let mut hops = Vec::with_capacity(path.len());
    for (i, &v) in path.iter().enumerate() {
        let next = path.get(i + 1).copied();
        let edge = next.and_then(|w| {
            graph
                .edges
                .iter()
                .filter(|e| e.from == v && e.to == w && view.includes(e))
                .min_by_key(|e| e.line)
        });
        hops.push(Hop {
            file: graph.modules[v as usize].path.clone(),
            line: edge.map(|e| e.line),
            specifier: edge.map(|e| e.specifier.clone()),
            kind: edge.map(|e| e.kind.name()),
        });
    }
    Some(hops)
}

/// What an entry reaches.
#[derive(Debug, Clone, Serialize)]
pub struct Closure {
    pub entry: String,
    pub view: &'static str,
    pub modules: usize,
    pub bytes: u64,
    /// The largest modules reached, largest first.
    pub largest: Vec<(String, u64)>,
    /// Modules and bytes per top-level folder pair (`packages/lib`, …).
    pub by_folder: Vec<FolderShare>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FolderShare {
    pub folder: String,
    pub modules: usize,
    pub bytes: u64,
}

/// Every module reachable from `entry` in `view` (the entry included).
pub fn closure(graph: &ModuleGraph, view: View, entry: u32, top: usize) -> Closure {
    let adj = adjacency(graph, view);
    let mut seen = vec![false; adj.len()];
    let mut stack = vec![entry];
    seen[entry as usize] = true;
    let mut reached = Vec::new();
    while let Some(v) = stack.pop() {
        reached.push(v);
        for &w in &adj[v as usize] {
            if !seen[w as usize] {
                seen[w as usize] = true;
                stack.push(w);
            }
        }
    }
    let bytes = reached
        .iter()
        .map(|&v| graph.modules[v as usize].bytes)
        .sum();
    let mut largest: Vec<(String, u64)> = reached
        .iter()
        .map(|&v| {
            let m = &graph.modules[v as usize];
            (m.path.clone(), m.bytes)
        })
        .collect();
    largest.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    largest.truncate(top);
    let mut folders: std::collections::BTreeMap<String, (usize, u64)> = Default::default();
    for &v in &reached {
        let m = &graph.modules[v as usize];
        let folder: Vec<&str> = m.path.split('/').take(2).collect();
        let key = if m.path.matches('/').count() >= 2 {
            folder.join("/")
        } else {
            folder[0].to_string()
        };
        let entry = folders.entry(key).or_default();
        entry.0 += 1;
        entry.1 += m.bytes;
    }
    let mut by_folder: Vec<FolderShare> = folders
        .into_iter()
        .map(|(folder, (modules, bytes))| FolderShare {
            folder,
            modules,
            bytes,
        })
        .collect();
    by_folder.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.folder.cmp(&b.folder)));
    Closure {
        entry: graph.modules[entry as usize].path.clone(),
        view: view.name(),
        modules: reached.len(),
        bytes,
        largest,
        by_folder,
    }
}
