//! On random small graphs, Tarjan groups and Johnson cycles equal a brute
//! force answer, and the feedback arc set really breaks every cycle.

use std::collections::BTreeSet;

use proptest::prelude::*;
use warmstart_graph::cycles::{elementary_cycles, feedback_arc_set, groups};

fn adjacency(n: usize, edges: &[(usize, usize)]) -> Vec<Vec<u32>> {
    let mut adj = vec![Vec::new(); n];
    for &(a, b) in edges {
        if a != b {
            adj[a].push(b as u32);
        }
    }
    for list in &mut adj {
        list.sort_unstable();
        list.dedup();
    }
    adj
}

fn reach(adj: &[Vec<u32>], from: usize) -> Vec<bool> {
    let mut seen = vec![false; adj.len()];
    let mut stack = vec![from];
    while let Some(v) = stack.pop() {
        for &w in &adj[v] {
            if !seen[w as usize] {
                seen[w as usize] = true;
                stack.push(w as usize);
            }
        }
    }
    seen
}

/// Groups by mutual reachability.
fn brute_groups(adj: &[Vec<u32>]) -> BTreeSet<Vec<u32>> {
    let n = adj.len();
    let reach: Vec<Vec<bool>> = (0..n).map(|v| reach(adj, v)).collect();
    let mut out = BTreeSet::new();
    for (v, from_v) in reach.iter().enumerate() {
        let group: Vec<u32> = (0..n)
            .filter(|&w| w == v || (from_v[w] && reach[w][v]))
            .map(|w| w as u32)
            .collect();
        if group.len() > 1 {
            out.insert(group);
        }
    }
    out
}

/// Every simple cycle in the order the report lists them (and the cap keeps
/// the first of): by smallest node, then depth-first along the sorted
/// successor lists — whatever pruning the fast search does.
fn ordered_cycles(adj: &[Vec<u32>]) -> Vec<Vec<u32>> {
    fn dfs(adj: &[Vec<u32>], start: u32, path: &mut Vec<u32>, out: &mut Vec<Vec<u32>>) {
        let last = *path.last().unwrap_or(&start);
        for &w in &adj[last as usize] {
            if w == start {
                out.push(path.clone());
            } else if w > start && !path.contains(&w) {
                path.push(w);
                dfs(adj, start, path, out);
                path.pop();
            }
        }
    }
    let mut out = Vec::new();
    for s in 0..adj.len() as u32 {
        dfs(adj, s, &mut vec![s], &mut out);
    }
    out
}

/// Every simple cycle, rotated to start at its smallest node.
fn brute_cycles(adj: &[Vec<u32>]) -> BTreeSet<Vec<u32>> {
    ordered_cycles(adj).into_iter().collect()
}

fn is_acyclic_without(adj: &[Vec<u32>], cut: &BTreeSet<(u32, u32)>) -> bool {
    let pruned: Vec<Vec<u32>> = adj
        .iter()
        .enumerate()
        .map(|(v, list)| {
            list.iter()
                .copied()
                .filter(|&w| !cut.contains(&(v as u32, w)))
                .collect()
        })
        .collect();
    groups(&pruned).is_empty()
}

fn graph() -> impl Strategy<Value = (usize, Vec<(usize, usize)>)> {
    (1usize..8).prop_flat_map(|n| (Just(n), prop::collection::vec((0..n, 0..n), 0..20)))
}

/// Graphs with several overlapping groups, where blocking matters.
fn dense_graph() -> impl Strategy<Value = (usize, Vec<(usize, usize)>)> {
    (2usize..10).prop_flat_map(|n| (Just(n), prop::collection::vec((0..n, 0..n), 0..40)))
}

proptest! {
    #[test]
    fn groups_equal_brute_force((n, edges) in graph()) {
        let adj = adjacency(n, &edges);
        let fast: BTreeSet<Vec<u32>> = groups(&adj).into_iter().collect();
        prop_assert_eq!(fast, brute_groups(&adj));
    }

    #[test]
    fn elementary_cycles_equal_brute_force((n, edges) in graph()) {
        let adj = adjacency(n, &edges);
        let found = elementary_cycles(&adj, usize::MAX);
        prop_assert!(!found.capped);
        let fast: BTreeSet<Vec<u32>> = found.cycles.iter().cloned().collect();
        prop_assert_eq!(fast.len(), found.cycles.len(), "no cycle twice");
        prop_assert_eq!(fast, brute_cycles(&adj));
    }

    #[test]
    fn elementary_cycles_come_in_depth_first_order((n, edges) in dense_graph(), cap in 0usize..40) {
        let adj = adjacency(n, &edges);
        let all = ordered_cycles(&adj);
        let found = elementary_cycles(&adj, cap);
        prop_assert_eq!(&found.cycles[..], &all[..all.len().min(cap)]);
        prop_assert_eq!(found.capped, all.len() > cap);
    }

    #[test]
    fn cap_is_respected_and_reported((n, edges) in graph(), cap in 0usize..4) {
        let adj = adjacency(n, &edges);
        let all = brute_cycles(&adj).len();
        let found = elementary_cycles(&adj, cap);
        prop_assert_eq!(found.cycles.len(), all.min(cap));
        prop_assert_eq!(found.capped, all > cap);
    }

    #[test]
    fn feedback_arc_set_breaks_every_cycle_minimally((n, edges) in graph()) {
        let adj = adjacency(n, &edges);
        let mut cut = BTreeSet::new();
        for group in groups(&adj) {
            cut.extend(feedback_arc_set(&adj, &group, &|a, b| 1 + (a + b) % 3));
        }
        prop_assert!(is_acyclic_without(&adj, &cut));
        for &edge in &cut {
            let mut fewer = cut.clone();
            fewer.remove(&edge);
            prop_assert!(!is_acyclic_without(&adj, &fewer), "minimal: {:?} is needed", edge);
        }
    }
}

/// The search and the grouping keep their paths on the heap: a cycle
/// through 5,000 modules is found on a thread with a 64 KiB stack (a call
/// per step overflowed it; rayon's workers have 2 MiB).
#[test]
fn a_long_cycle_does_not_overflow_the_stack() {
    let n = 5_000u32;
    let adj: Vec<Vec<u32>> = (0..n).map(|v| vec![(v + 1) % n]).collect();
    let found = std::thread::Builder::new()
        .stack_size(64 * 1024)
        .spawn(move || elementary_cycles(&adj, 10))
        .unwrap()
        .join()
        .expect("no stack overflow");
    assert_eq!(found.cycles.len(), 1);
    assert_eq!(found.cycles[0].len(), n as usize);
    assert!(!found.capped);
}
