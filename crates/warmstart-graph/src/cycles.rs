//! Graph algorithms on plain adjacency lists (node = `u32` index): strongly
//! connected groups (Tarjan, iterative), elementary cycles (Johnson,
//! capped, skipping the nodes a post-dominator on the path cuts off), a
//! feedback arc set (Eades–Lin–Smyth ordering, weighted so cheap edges are
//! cut first, then made minimal), shortest paths.
//!
//! ```
//! use warmstart_graph::cycles::{groups, elementary_cycles};
//! let adj = vec![vec![1], vec![2], vec![0], vec![]];
//! assert_eq!(groups(&adj), vec![vec![0, 1, 2]]);
//! assert_eq!(elementary_cycles(&adj, 10).cycles, vec![vec![0, 1, 2]]);
//! ```

use std::collections::{BTreeSet, VecDeque};

/// Strongly connected groups of more than one node, members sorted, groups
/// sorted by size (largest first) then first member.
///
/// [`strongly_connected`] on the lists as they are: petgraph 0.8's Tarjan
/// recurses once per node on the DFS path (a thread's stack overflows on a
/// path of some 100,000 modules), and its Kosaraju, used before, first
/// copied the lists into a graph of its own and walked it both ways: twice
/// the time, five views a run.
pub fn groups(adj: &[Vec<u32>]) -> Vec<Vec<u32>> {
    let mut out: Vec<Vec<u32>> = Vec::new();
    strongly_connected(
        adj.len(),
        0,
        |v| &adj[v as usize],
        |_, mut members| {
            if members.len() > 1 {
                members.sort_unstable();
                out.push(members);
            }
        },
    );
    out.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a[0].cmp(&b[0])));
    out
}

/// Elementary cycles found, each starting at its smallest node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cycles {
    pub cycles: Vec<Vec<u32>>,
    /// True when enumeration stopped at the cap: there are more.
    pub capped: bool,
}

/// Johnson's algorithm: every elementary cycle, at most `cap` of them.
/// Cycles are emitted starting at their smallest node, in order of that
/// node, each start's in depth-first order of the successor lists; self-loops
/// are ignored. `capped` is set only when a cycle beyond the cap was
/// actually found.
///
/// Each group is searched on its own compact copy (local indices in node
/// order, successor lists of group members only), so the inner loop reads
/// `u32`s from one array instead of testing every successor's group: on
/// Cal.com's 1,349-file group this is most of a cold `graph cycles`.
pub fn elementary_cycles(adj: &[Vec<u32>], cap: usize) -> Cycles {
    elementary_cycles_in(adj, &groups(adj), cap)
}

/// [`elementary_cycles`] with the graph's [`groups`] at hand.
pub fn elementary_cycles_in(adj: &[Vec<u32>], groups: &[Vec<u32>], cap: usize) -> Cycles {
    let mut out = Cycles::default();
    let n = adj.len();
    let mut group_of = vec![u32::MAX; n];
    let mut local_of = vec![0u32; n];
    for (g, members) in groups.iter().enumerate() {
        for (i, &v) in members.iter().enumerate() {
            group_of[v as usize] = g as u32;
            local_of[v as usize] = i as u32;
        }
    }
    let mut compact: Vec<Option<Compact>> = vec![None; groups.len()];
    // Johnson's outer step, per group: the next start is the least node of
    // a strongly connected part of the nodes >= the last start, and the
    // search keeps to that part. A start skipped so has no cycle among the
    // nodes >= it, and a node outside the part is on none through the
    // start, so the cycles and their order are the same; what goes is a
    // search from every member through everything it reaches (quadratic
    // in a group where cycles are few). Per group: the part found ahead,
    // or `Done`.
    let mut ahead: Vec<Ahead> = vec![Ahead::Unknown; groups.len()];
    let mut state = Search::default();
    for start in 0..n {
        let g = group_of[start];
        if g == u32::MAX {
            continue;
        }
        let local = local_of[start];
        let members = &groups[g as usize];
        let group = compact[g as usize]
            .get_or_insert_with(|| Compact::of(adj, members, &group_of, &local_of, g));
        let next = &mut ahead[g as usize];
        if let Ahead::Unknown = next {
            *next = match least_cyclic_part(group, local) {
                Some((least, part)) => Ahead::At(least, part),
                None => Ahead::Done,
            };
        }
        // The part found lies at or after this start (starts only grow).
        let Ahead::At(least, part) = next else {
            continue;
        };
        if *least != local {
            continue;
        }
        state.run(group, members, local, part, cap, &mut out);
        *next = Ahead::Unknown;
        if out.capped {
            break;
        }
    }
    out
}

/// What is known of a group's next start.
#[derive(Clone)]
enum Ahead {
    /// To be found from the next member on.
    Unknown,
    /// The least node of the next part to search, and the part.
    At(u32, Vec<bool>),
    /// No cycle is left among the nodes still to start from.
    Done,
}

/// Among the group's nodes >= `from`: the strongly connected part that
/// holds the least node on a cycle of that subgraph (a part of two or more
/// nodes, or one with an edge to itself), as that node and membership.
fn least_cyclic_part(group: &Compact, from: u32) -> Option<(u32, Vec<bool>)> {
    let k = group.len();
    let mut best: Option<(u32, Vec<u32>)> = None;
    strongly_connected(
        k,
        from,
        |v| group.successors(v),
        |v, part| {
            let cyclic = part.len() > 1 || group.successors(v).contains(&v);
            let least = part.iter().copied().min().unwrap_or(v);
            if cyclic && best.as_ref().is_none_or(|(b, _)| least < *b) {
                best = Some((least, part));
            }
        },
    );
    best.map(|(least, part)| {
        let mut member = vec![false; k];
        for x in part {
            member[x as usize] = true;
        }
        (least, member)
    })
}

/// Tarjan's strongly connected parts of the nodes `from..k` (edges to a
/// node below `from` left out), each handed to `part` with the node that
/// roots it, in the order Tarjan completes them. The recursion runs on a
/// stack of its own: a path as long as a large graph would overflow a
/// thread's stack.
fn strongly_connected<'g>(
    k: usize,
    from: u32,
    successors: impl Fn(u32) -> &'g [u32],
    mut part: impl FnMut(u32, Vec<u32>),
) {
    let mut t = Tarjan {
        index: vec![UNSEEN; k],
        low: vec![0; k],
        on_stack: vec![false; k],
        stack: Vec::new(),
        calls: Vec::new(),
        counter: 0,
    };
    for root in from..k as u32 {
        if t.index[root as usize] != UNSEEN {
            continue;
        }
        t.visit(root);
        while let Some(&mut (v, ref mut pos)) = t.calls.last_mut() {
            if let Some(&w) = successors(v).get(*pos as usize) {
                *pos += 1;
                if w < from {
                    continue;
                }
                if t.index[w as usize] == UNSEEN {
                    t.visit(w);
                } else if t.on_stack[w as usize] {
                    t.low[v as usize] = t.low[v as usize].min(t.index[w as usize]);
                }
                continue;
            }
            t.calls.pop();
            if let Some(&(parent, _)) = t.calls.last() {
                t.low[parent as usize] = t.low[parent as usize].min(t.low[v as usize]);
            }
            if t.low[v as usize] != t.index[v as usize] {
                continue;
            }
            let at = t.stack.iter().rposition(|&x| x == v).unwrap_or(0);
            let members = t.stack.split_off(at);
            for &x in &members {
                t.on_stack[x as usize] = false;
            }
            part(v, members);
        }
    }
}

/// A node not yet visited by [`strongly_connected`].
const UNSEEN: u32 = u32::MAX;

/// [`strongly_connected`]'s bookkeeping.
struct Tarjan {
    index: Vec<u32>,
    low: Vec<u32>,
    on_stack: Vec<bool>,
    stack: Vec<u32>,
    /// The depth-first path: each node with the position of the next of
    /// its successors to try.
    calls: Vec<(u32, u32)>,
    counter: u32,
}

impl Tarjan {
    fn visit(&mut self, v: u32) {
        self.index[v as usize] = self.counter;
        self.low[v as usize] = self.counter;
        self.counter += 1;
        self.stack.push(v);
        self.on_stack[v as usize] = true;
        self.calls.push((v, 0));
    }
}

/// One group's successor lists in local indices (CSR).
#[derive(Clone)]
struct Compact {
    offsets: Vec<u32>,
    targets: Vec<u32>,
}

impl Compact {
    fn of(adj: &[Vec<u32>], members: &[u32], group_of: &[u32], local_of: &[u32], g: u32) -> Self {
        let mut offsets = Vec::with_capacity(members.len() + 1);
        let mut targets = Vec::new();
        offsets.push(0);
        for &v in members {
            // Members are sorted, so local order is node order and each
            // list keeps its order: the search visits successors as before.
            targets.extend(
                adj[v as usize]
                    .iter()
                    .filter(|&&w| group_of[w as usize] == g)
                    .map(|&w| local_of[w as usize]),
            );
            offsets.push(targets.len() as u32);
        }
        Compact { offsets, targets }
    }

    fn successors(&self, v: u32) -> &[u32] {
        &self.targets[self.offsets[v as usize] as usize..self.offsets[v as usize + 1] as usize]
    }

    fn len(&self) -> usize {
        self.offsets.len() - 1
    }
}

/// The part one search keeps to, copied out of its group (CSR, both
/// directions): its members in node order, so the start is node 0 and the
/// lists keep their order. Only edges inside the part are kept, so the
/// search tests no successor for "before the start" or "outside the
/// part" (on Cal.com one start per view finds all 1,000 cycles, in a part
/// of 235–1,349 files: the copy is built a few times per run).
struct Part {
    offsets: Vec<u32>,
    targets: Vec<u32>,
    pred_offsets: Vec<u32>,
    preds: Vec<u32>,
    /// Each node's node in the whole graph.
    nodes: Vec<u32>,
}

impl Part {
    fn of(group: &Compact, members: &[u32], inside: &[bool], start: u32) -> Self {
        let k = group.len();
        let mut index = vec![u32::MAX; k];
        let mut nodes = Vec::new();
        for v in start as usize..k {
            if inside[v] {
                index[v] = nodes.len() as u32;
                nodes.push(members[v]);
            }
        }
        let n = nodes.len();
        let mut offsets = Vec::with_capacity(n + 1);
        let mut targets = Vec::new();
        offsets.push(0);
        for v in (start as usize..k).filter(|&v| inside[v]) {
            targets.extend(
                group
                    .successors(v as u32)
                    .iter()
                    .map(|&w| index[w as usize])
                    .filter(|&w| w != u32::MAX),
            );
            offsets.push(targets.len() as u32);
        }
        // Counting sort of the edges by target.
        let mut pred_offsets = vec![0u32; n + 1];
        for &w in &targets {
            pred_offsets[w as usize + 1] += 1;
        }
        for i in 0..n {
            pred_offsets[i + 1] += pred_offsets[i];
        }
        let mut fill = pred_offsets.clone();
        let mut preds = vec![0u32; targets.len()];
        for v in 0..n {
            for &w in &targets[offsets[v] as usize..offsets[v + 1] as usize] {
                preds[fill[w as usize] as usize] = v as u32;
                fill[w as usize] += 1;
            }
        }
        Part {
            offsets,
            targets,
            pred_offsets,
            preds,
            nodes,
        }
    }

    fn successors(&self, v: u32) -> &[u32] {
        &self.targets[self.offsets[v as usize] as usize..self.offsets[v as usize + 1] as usize]
    }

    fn predecessors(&self, v: u32) -> &[u32] {
        &self.preds
            [self.pred_offsets[v as usize] as usize..self.pred_offsets[v as usize + 1] as usize]
    }
}

/// A node of the search: free, blocked, or blocked and waiting.
///
/// Johnson keeps per node w a list B(w) of the nodes to unblock when w is
/// unblocked: every v that was left without a cycle, listed under each of
/// its successors. Here such a v is only marked `WAITING`, and unblocking
/// w unblocks its waiting predecessors: the same nodes (a node is listed
/// under w exactly when it is a predecessor of w left without a cycle and
/// not unblocked since), found by reading w's predecessor list instead of
/// writing v into the lists of all its successors on every leave, which
/// was a third of the enumeration on Cal.com in cache misses. One byte per
/// node holds both flags (a waiting node is always blocked), and `BLOCKED`
/// alone means on the path.
///
/// A node is also left waiting before it is entered when one of its
/// post-dominators towards the start (a node every path from it to the
/// start goes through) is on the path: Johnson would enter it, find no
/// cycle and leave it waiting, and that again after every cycle found, as
/// unblocking frees it. It is listed under that post-dominator (`doomed`)
/// and freed with it. On Cal.com nearly every member of the largest part
/// reaches the start through the same two files, and a few files stand
/// between the start and hundreds of others: the search entered ~450,000
/// nodes for its 1,000 cycles, all but ~8,000 of them left without one.
const FREE: u8 = 0;
const BLOCKED: u8 = 1;
const WAITING: u8 = 2;

/// How much of a node's post-dominator chain is looked at before it is
/// entered ([`post_dominator_on_path`]): Cal.com's deepest is 10 files.
const CHAIN_STEPS: usize = 32;

/// Johnson's bookkeeping, reused across starts and groups.
#[derive(Default)]
struct Search {
    state: Vec<u8>,
    work: Vec<u32>,
    frames: Vec<Frame>,
    /// Each node's immediate post-dominator towards the start (the node
    /// every path from it to the start goes through first).
    ipdom: Vec<u32>,
    /// Nodes blocked because a post-dominator of theirs was on the path,
    /// under that post-dominator: freed with it.
    doomed: Vec<Vec<u32>>,
    /// [`post_dominators`]' own room.
    postorder: Postorder,
}

/// A depth-first postorder over predecessor lists: each node's place in
/// it (`order`, `u32::MAX` until finished), the nodes in it, and the
/// search's marks and stack.
#[derive(Default)]
struct Postorder {
    order: Vec<u32>,
    postorder: Vec<u32>,
    seen: Vec<bool>,
    calls: Vec<(u32, u32)>,
}

impl Search {
    fn run(
        &mut self,
        group: &Compact,
        members: &[u32],
        start: u32,
        inside: &[bool],
        cap: usize,
        out: &mut Cycles,
    ) {
        let part = Part::of(group, members, inside, start);
        self.state.clear();
        self.state.resize(part.nodes.len(), FREE);
        post_dominators(&part, &mut self.ipdom, &mut self.postorder);
        for list in &mut self.doomed {
            list.clear();
        }
        self.doomed.resize(part.nodes.len(), Vec::new());
        Johnson {
            part: &part,
            search: self,
            cap,
            out,
        }
        .search_from_start();
    }
}

struct Johnson<'a> {
    part: &'a Part,
    search: &'a mut Search,
    cap: usize,
    out: &'a mut Cycles,
}

/// One node below the top of the search path: the next of its
/// successors to try, and whether a cycle was found through it.
struct Frame {
    v: u32,
    next: u32,
    found: bool,
}

impl Johnson<'_> {
    /// Johnson's CIRCUIT from the part's node 0, with the recursion on a
    /// stack of its own: a path as long as a large group would overflow a
    /// thread's stack, and the loop is cheaper than a call per step.
    /// Successors are tried in list order, so cycles come in the same
    /// depth-first order. Stops at once when a cycle beyond the cap is
    /// found (`capped`).
    fn search_from_start(&mut self) {
        let part = self.part;
        let (offsets, targets) = (&part.offsets[..], &part.targets[..]);
        let mut frames = std::mem::take(&mut self.search.frames);
        let mut work = std::mem::take(&mut self.search.work);
        let state = &mut self.search.state[..];
        let ipdom = &self.search.ipdom[..];
        let doomed = &mut self.search.doomed[..];
        frames.clear();
        // The node on top of the path, kept out of `frames` (which holds
        // the path below it) so the inner loop works on locals.
        let mut v = 0u32;
        let mut next = offsets[0];
        let mut end = offsets[1];
        let mut found = false;
        state[0] = BLOCKED;
        loop {
            if next < end {
                let w = targets[next as usize];
                next += 1;
                if w == 0 {
                    if self.out.cycles.len() >= self.cap {
                        self.out.capped = true;
                        break;
                    }
                    found = true;
                    let nodes = &part.nodes;
                    let mut cycle = Vec::with_capacity(frames.len() + 1);
                    cycle.extend(frames.iter().map(|f| nodes[f.v as usize]));
                    cycle.push(nodes[v as usize]);
                    self.out.cycles.push(cycle);
                } else if state[w as usize] == FREE {
                    // A post-dominator of `w` on the path: every way from
                    // `w` to the start is cut, so `w` waits at once, on it.
                    if let Some(x) = post_dominator_on_path(ipdom, state, w) {
                        state[w as usize] = WAITING;
                        doomed[x as usize].push(w);
                        continue;
                    }
                    frames.push(Frame { v, next, found });
                    v = w;
                    next = offsets[w as usize];
                    end = offsets[w as usize + 1];
                    found = false;
                    state[w as usize] = BLOCKED;
                }
                continue;
            }
            // Every successor of `v` tried: leave it.
            if found {
                unblock(part, state, doomed, &mut work, v);
            } else {
                state[v as usize] = WAITING;
            }
            let Some(parent) = frames.pop() else {
                break;
            };
            v = parent.v;
            next = parent.next;
            end = offsets[v as usize + 1];
            found |= parent.found;
        }
        self.search.frames = frames;
        self.search.work = work;
    }
}

/// Frees `u` and, through predecessor lists and the doomed lists, every
/// node waiting on it. A waiting node is freed when it is pushed, so none
/// is pushed twice; a doomed list is emptied in place, keeping its room.
fn unblock(part: &Part, state: &mut [u8], doomed: &mut [Vec<u32>], work: &mut Vec<u32>, u: u32) {
    state[u as usize] = FREE;
    work.clear();
    work.push(u);
    while let Some(u) = work.pop() {
        for &v in part.predecessors(u).iter().chain(&doomed[u as usize]) {
            if state[v as usize] == WAITING {
                state[v as usize] = FREE;
                work.push(v);
            }
        }
        doomed[u as usize].clear();
    }
}

/// The first of `w`'s post-dominators that is on the path, looking at the
/// nearest [`CHAIN_STEPS`] of its chain only: a chain can be as long as
/// the part (a ring of files), and walking all of it at every entry made
/// a 40,000-file ring take 2 s instead of a few milliseconds. The start
/// ends every chain and is never one.
#[inline]
fn post_dominator_on_path(ipdom: &[u32], state: &[u8], w: u32) -> Option<u32> {
    let mut x = ipdom[w as usize];
    for _ in 0..CHAIN_STEPS {
        if x == 0 {
            return None;
        }
        if state[x as usize] == BLOCKED {
            return Some(x);
        }
        x = ipdom[x as usize];
    }
    None
}

/// Immediate post-dominators towards node 0 (Cooper, Harvey and Kennedy's
/// iterative dominators on the reversed part); every node reaches 0. Its
/// lists are `room`'s, reused from one start to the next as `Search`'s.
fn post_dominators(part: &Part, ipdom: &mut Vec<u32>, room: &mut Postorder) {
    let n = part.nodes.len();
    // Postorder of a depth-first search from 0 over predecessor lists.
    let Postorder {
        order,
        postorder,
        seen,
        calls,
    } = room;
    order.clear();
    order.resize(n, u32::MAX);
    postorder.clear();
    seen.clear();
    seen.resize(n, false);
    calls.clear();
    calls.push((0, part.pred_offsets[0]));
    seen[0] = true;
    while let Some(&mut (v, ref mut pos)) = calls.last_mut() {
        if *pos < part.pred_offsets[v as usize + 1] {
            let w = part.preds[*pos as usize];
            *pos += 1;
            if !seen[w as usize] {
                seen[w as usize] = true;
                calls.push((w, part.pred_offsets[w as usize]));
            }
            continue;
        }
        calls.pop();
        order[v as usize] = postorder.len() as u32;
        postorder.push(v);
    }
    ipdom.clear();
    ipdom.resize(n, u32::MAX);
    ipdom[0] = 0;
    let mut changed = true;
    while changed {
        changed = false;
        for &b in postorder.iter().rev().skip(1) {
            // In the reversed part, b's predecessors are its successors.
            let mut new = u32::MAX;
            for &p in part.successors(b) {
                if ipdom[p as usize] == u32::MAX {
                    continue;
                }
                new = if new == u32::MAX {
                    p
                } else {
                    common_dominator(ipdom, order, p, new)
                };
            }
            if new != ipdom[b as usize] {
                ipdom[b as usize] = new;
                changed = true;
            }
        }
    }
    // Nodes that do not reach 0 (none in a strongly connected part).
    for d in ipdom.iter_mut() {
        if *d == u32::MAX {
            *d = 0;
        }
    }
}

/// The nearest dominator `a` and `c` share, climbing from whichever is
/// lower in the postorder (the root is last).
fn common_dominator(ipdom: &[u32], order: &[u32], mut a: u32, mut c: u32) -> u32 {
    while a != c {
        while order[a as usize] < order[c as usize] {
            a = ipdom[a as usize];
        }
        while order[c as usize] < order[a as usize] {
            c = ipdom[c as usize];
        }
    }
    a
}

/// The shortest path `from` → … → `to` (both included), if any.
pub fn shortest_path(adj: &[Vec<u32>], from: u32, to: u32) -> Option<Vec<u32>> {
    let mut prev = vec![u32::MAX; adj.len()];
    let mut queue = VecDeque::from([from]);
    let mut seen = vec![false; adj.len()];
    seen[from as usize] = true;
    while let Some(v) = queue.pop_front() {
        for &w in &adj[v as usize] {
            if w == to {
                let mut path = vec![to, v];
                let mut cur = v;
                while cur != from {
                    cur = prev[cur as usize];
                    path.push(cur);
                }
                path.reverse();
                return Some(path);
            }
            if !seen[w as usize] {
                seen[w as usize] = true;
                prev[w as usize] = v;
                queue.push_back(w);
            }
        }
    }
    None
}

/// A shortest cycle through `node` (as a path that ends before returning).
pub fn shortest_cycle_through(adj: &[Vec<u32>], node: u32) -> Option<Vec<u32>> {
    let mut path = shortest_path(adj, node, node)?;
    path.pop();
    Some(path)
}

/// A small set of edges inside `group` whose removal leaves it acyclic.
/// `cost(from, to)` is how expensive cutting an edge is (cheap edges, such
/// as imports that can become `import type`, are cut first). The result is
/// minimal: putting back any one edge would close a cycle again.
pub fn feedback_arc_set(
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
    // Edges numbered in `out_edges` order: weights and cut flags are
    // indexed by that number. Each weight is asked of `cost` once (it looks
    // facts up by pair).
    let mut first_edge = Vec::with_capacity(n + 1);
    first_edge.push(0);
    for list in &out_edges {
        first_edge.push(first_edge[first_edge.len() - 1] + list.len());
    }
    let edge =
        |i: usize, j: usize| first_edge[i] + out_edges[i].iter().position(|&k| k == j).unwrap_or(0);
    let weights: Vec<u64> = (0..n)
        .flat_map(|i| {
            out_edges[i]
                .iter()
                .map(move |&j| u64::from(cost(group[i], group[j]).max(1)))
        })
        .collect();
    let weight = |i: usize, j: usize| weights[edge(i, j)];
    // Eades–Lin–Smyth: peel sinks to the right, sources to the left, else
    // move left the node whose outgoing weight most exceeds its incoming
    // weight; edges pointing left in the final order are the cut. Ties go
    // to the smallest node; the candidates are kept in ordered sets, so a
    // pick is a lookup, not a scan of the group (quadratic on Cal.com's
    // 1,349-file group).
    let mut removed = vec![false; n];
    let mut out_w: Vec<u64> = (0..n)
        .map(|i| weights[first_edge[i]..first_edge[i + 1]].iter().sum())
        .collect();
    let mut in_w: Vec<u64> = vec![0; n];
    for (i, list) in out_edges.iter().enumerate() {
        for (k, &j) in list.iter().enumerate() {
            in_w[j] += weights[first_edge[i] + k];
        }
    }
    let mut out_deg: Vec<usize> = out_edges.iter().map(Vec::len).collect();
    let mut in_deg: Vec<usize> = in_edges.iter().map(Vec::len).collect();
    let delta = |out_w: &[u64], in_w: &[u64], i: usize| {
        (std::cmp::Reverse(out_w[i] as i64 - in_w[i] as i64), i)
    };
    let mut sinks: BTreeSet<usize> = (0..n).filter(|&i| out_deg[i] == 0).collect();
    let mut sources: BTreeSet<usize> = (0..n).filter(|&i| in_deg[i] == 0).collect();
    let mut by_delta: BTreeSet<(std::cmp::Reverse<i64>, usize)> =
        (0..n).map(|i| delta(&out_w, &in_w, i)).collect();
    let mut left = Vec::with_capacity(n);
    let mut right = Vec::new();
    while let Some(&(_, most)) = by_delta.first() {
        let (i, to_left) = match (sinks.first(), sources.first()) {
            (Some(&sink), _) => (sink, false),
            (None, Some(&source)) => (source, true),
            (None, None) => (most, true),
        };
        removed[i] = true;
        sinks.remove(&i);
        sources.remove(&i);
        by_delta.remove(&delta(&out_w, &in_w, i));
        if to_left {
            left.push(i);
        } else {
            right.push(i);
        }
        for (k, &j) in out_edges[i].iter().enumerate() {
            if !removed[j] {
                by_delta.remove(&delta(&out_w, &in_w, j));
                in_deg[j] -= 1;
                in_w[j] -= weights[first_edge[i] + k];
                by_delta.insert(delta(&out_w, &in_w, j));
                if in_deg[j] == 0 {
                    sources.insert(j);
                }
            }
        }
        for &k in &in_edges[i] {
            if !removed[k] {
                by_delta.remove(&delta(&out_w, &in_w, k));
                out_deg[k] -= 1;
                out_w[k] -= weight(k, i);
                by_delta.insert(delta(&out_w, &in_w, k));
                if out_deg[k] == 0 {
                    sinks.insert(k);
                }
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
    // Minimalise: put back, most expensive first, every cut edge whose
    // return closes no cycle. A cut is a flag per edge position in
    // `out_edges` (every copy of a repeated edge alike, as the set of pairs
    // it replaces), not a hash set: the reachability search tests every
    // edge it crosses, once per cut edge.
    cut.sort_by_key(|&(i, j)| (std::cmp::Reverse(weight(i, j)), i, j));
    let mut is_cut = vec![false; first_edge[n]];
    let set = |is_cut: &mut [bool], i: usize, j: usize, to: bool| {
        for (k, &w) in out_edges[i].iter().enumerate() {
            if w == j {
                is_cut[first_edge[i] + k] = to;
            }
        }
    };
    for &(i, j) in &cut {
        set(&mut is_cut, i, j, true);
    }
    let mut search = Reach::new(n);
    for &(i, j) in &cut {
        set(&mut is_cut, i, j, false);
        if search.reaches(&out_edges, &first_edge, &is_cut, j, i) {
            set(&mut is_cut, i, j, true);
        }
    }
    let is_cut: Vec<(usize, usize)> = cut
        .iter()
        .copied()
        .filter(|&(i, j)| is_cut[edge(i, j)])
        .collect();
    let mut result: Vec<(u32, u32)> = is_cut
        .into_iter()
        .map(|(i, j)| (group[i], group[j]))
        .collect();
    result.sort_unstable();
    result.dedup();
    result
}

/// Reachability searches that reuse their marks (a generation number per
/// node instead of a cleared array per search).
struct Reach {
    seen: Vec<u32>,
    generation: u32,
    stack: Vec<usize>,
}

impl Reach {
    fn new(n: usize) -> Self {
        Reach {
            seen: vec![0; n],
            generation: 0,
            stack: Vec::new(),
        }
    }

    /// Whether `to` is reachable from `from` over edges not cut.
    fn reaches(
        &mut self,
        out_edges: &[Vec<usize>],
        first_edge: &[usize],
        cut: &[bool],
        from: usize,
        to: usize,
    ) -> bool {
        self.generation += 1;
        let generation = self.generation;
        self.stack.clear();
        self.stack.push(from);
        self.seen[from] = generation;
        while let Some(v) = self.stack.pop() {
            if v == to {
                return true;
            }
            for (k, &w) in out_edges[v].iter().enumerate() {
                if self.seen[w] != generation && !cut[first_edge[v] + k] {
                    self.seen[w] = generation;
                    self.stack.push(w);
                }
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::{BLOCKED, CHAIN_STEPS, FREE, post_dominator_on_path};

    /// On a chain 1 → 2 → … → n → 0 (each node's post-dominator is the
    /// next), a node on the path is found within CHAIN_STEPS of the chain
    /// and not beyond: the walk before each entry stays bounded however
    /// long the chain.
    #[test]
    fn the_chain_is_looked_at_only_so_far() {
        let n = 1_000u32;
        let ipdom: Vec<u32> = (0..=n)
            .map(|v| if v == n || v == 0 { 0 } else { v + 1 })
            .collect();
        let mut state = vec![FREE; n as usize + 1];
        state[0] = BLOCKED;
        assert_eq!(post_dominator_on_path(&ipdom, &state, 1), None);
        let near = 1 + CHAIN_STEPS as u32;
        state[near as usize] = BLOCKED;
        assert_eq!(post_dominator_on_path(&ipdom, &state, 1), Some(near));
        state[near as usize] = FREE;
        state[near as usize + 1] = BLOCKED;
        assert_eq!(post_dominator_on_path(&ipdom, &state, 1), None);
        assert_eq!(post_dominator_on_path(&ipdom, &state, 2), Some(near + 1));
    }
}
