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

/// The feedback arc set as written before the per-edge cut flags: the
/// same Eades–Lin–Smyth order, minimalised with a hash set of cut pairs.
/// The fast one must give exactly its answer.
fn feedback_arc_set_reference(
    adj: &[Vec<u32>],
    group: &[u32],
    cost: &dyn Fn(u32, u32) -> u32,
) -> Vec<(u32, u32)> {
    let local = |v: u32| group.binary_search(&v).ok();
    let n = group.len();
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut in_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, &v) in group.iter().enumerate() {
        for &w in &adj[v as usize] {
            if let Some(j) = local(w) {
                out_edges[i].push(j);
                in_edges[j].push(i);
            }
        }
    }
    let weight = |i: usize, j: usize| u64::from(cost(group[i], group[j]).max(1));
    let mut removed = vec![false; n];
    let mut out_w: Vec<u64> = (0..n)
        .map(|i| out_edges[i].iter().map(|&j| weight(i, j)).sum())
        .collect();
    let mut in_w: Vec<u64> = (0..n)
        .map(|j| in_edges[j].iter().map(|&i| weight(i, j)).sum())
        .collect();
    let mut out_deg: Vec<usize> = out_edges.iter().map(Vec::len).collect();
    let mut in_deg: Vec<usize> = in_edges.iter().map(Vec::len).collect();
    let (mut left, mut right) = (Vec::new(), Vec::new());
    for _ in 0..n {
        let (i, to_left) = (0..n)
            .filter(|&i| !removed[i])
            .find(|&i| out_deg[i] == 0)
            .map(|i| (i, false))
            .or_else(|| {
                (0..n)
                    .filter(|&i| !removed[i])
                    .find(|&i| in_deg[i] == 0)
                    .map(|i| (i, true))
            })
            .unwrap_or_else(|| {
                let best = (0..n)
                    .filter(|&i| !removed[i])
                    .max_by_key(|&i| (out_w[i] as i64 - in_w[i] as i64, std::cmp::Reverse(i)))
                    .unwrap_or(0);
                (best, true)
            });
        removed[i] = true;
        if to_left {
            left.push(i);
        } else {
            right.push(i);
        }
        for &j in &out_edges[i] {
            if !removed[j] {
                in_deg[j] -= 1;
                in_w[j] -= weight(i, j);
            }
        }
        for &k in &in_edges[i] {
            if !removed[k] {
                out_deg[k] -= 1;
                out_w[k] -= weight(k, i);
            }
        }
    }
    right.reverse();
    left.extend(right);
    let mut position = vec![0usize; n];
    for (p, &i) in left.iter().enumerate() {
        position[i] = p;
    }
    let mut cut: Vec<(usize, usize)> = Vec::new();
    for i in 0..n {
        for &j in &out_edges[i] {
            if position[j] < position[i] {
                cut.push((i, j));
            }
        }
    }
    cut.sort_by_key(|&(i, j)| (std::cmp::Reverse(weight(i, j)), i, j));
    let mut is_cut: BTreeSet<(usize, usize)> = cut.iter().copied().collect();
    let reaches = |is_cut: &BTreeSet<(usize, usize)>, from: usize, to: usize| {
        let mut seen = vec![false; n];
        let mut stack = vec![from];
        seen[from] = true;
        while let Some(v) = stack.pop() {
            if v == to {
                return true;
            }
            for &w in &out_edges[v] {
                if !seen[w] && !is_cut.contains(&(v, w)) {
                    seen[w] = true;
                    stack.push(w);
                }
            }
        }
        false
    };
    for &(i, j) in &cut {
        is_cut.remove(&(i, j));
        if reaches(&is_cut, j, i) {
            is_cut.insert((i, j));
        }
    }
    let mut result: Vec<(u32, u32)> = is_cut
        .into_iter()
        .map(|(i, j)| (group[i], group[j]))
        .collect();
    result.sort_unstable();
    result
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
    fn feedback_arc_set_equals_the_reference(
        (n, edges) in dense_graph(),
        weights in prop::collection::vec(1u32..5, 10),
        repeat in any::<bool>(),
    ) {
        let mut adj = adjacency(n, &edges);
        if repeat {
            // Repeated edges (an adjacency the caller did not dedup).
            for list in &mut adj {
                let copy = list.clone();
                list.extend(copy.iter().step_by(2));
                list.sort_unstable();
            }
        }
        let cost = |a: u32, b: u32| weights[((a * 3 + b) % 10) as usize];
        for group in groups(&adj) {
            prop_assert_eq!(
                feedback_arc_set(&adj, &group, &cost),
                feedback_arc_set_reference(&adj, &group, &cost)
            );
        }
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
