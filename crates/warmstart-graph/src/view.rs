//! Edge views: which import kinds count as a dependency.

use serde::{Deserialize, Serialize};

use crate::build::{Edge, ModuleGraph};
use crate::parse::EdgeKind;

/// A selection of edge kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    /// value + require: what a bundler keeps (type-only imports vanish).
    Runtime,
    /// runtime without value imports whose bindings are used only as types
    /// (TypeScript import elision): the cycles that execute.
    RuntimeSemantic,
    /// runtime + `import()`.
    RuntimeDynamic,
    /// value + type-only + require: what the type checker follows.
    Static,
    /// every edge.
    All,
}

impl View {
    pub const EVERY: [View; 5] = [
        View::Runtime,
        View::RuntimeSemantic,
        View::RuntimeDynamic,
        View::Static,
        View::All,
    ];

    pub fn name(self) -> &'static str {
        match self {
            View::Runtime => "runtime",
            View::RuntimeSemantic => "runtime_semantic",
            View::RuntimeDynamic => "runtime_dynamic",
            View::Static => "static",
            View::All => "all",
        }
    }

    pub fn parse(name: &str) -> Option<View> {
        View::EVERY
            .into_iter()
            .find(|v| v.name() == name || v.name().replace('_', "-") == name)
    }

    /// Whether `edge` belongs to this view.
    pub fn includes(self, edge: &Edge) -> bool {
        match (self, edge.kind) {
            (View::All, _) => true,
            (_, EdgeKind::Require) => true,
            (View::RuntimeSemantic, EdgeKind::Value) => !edge.type_usable,
            (_, EdgeKind::Value) => true,
            (View::Static, EdgeKind::TypeOnly) => true,
            (View::RuntimeDynamic, EdgeKind::Dynamic) => true,
            _ => false,
        }
    }
}

/// Sorted, deduplicated successor lists of one view.
pub fn adjacency(graph: &ModuleGraph, view: View) -> Vec<Vec<u32>> {
    let mut adj = vec![Vec::new(); graph.modules.len()];
    for edge in &graph.edges {
        if edge.from != edge.to && view.includes(edge) {
            adj[edge.from as usize].push(edge.to);
        }
    }
    for list in &mut adj {
        list.sort_unstable();
        list.dedup();
    }
    adj
}
