//! What the cycle analysis of a tree costs, in process (no walk or parse in
//! the figures): the whole `report::analyse` (30 runs, min and median),
//! then per view the elementary-cycle enumeration (best of 5) with a hash
//! of the cycles found, so two builds can be compared for speed and for
//! the same answer.
//!
//!     cargo run --release -p warmstart-graph --example cycles_cost -- CALCOM [apps packages]
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Instant;

use warmstart_graph::{BuildOptions, View, build, cycles, view::adjacency};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next() else {
        eprintln!("usage: cycles_cost TREE [PATH...]");
        std::process::exit(2);
    };
    let mut options = BuildOptions::new(&root);
    options.paths = args.map(Into::into).collect();
    let graph = build(&options);
    let mut times: Vec<f64> = (0..30)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(warmstart_graph::report::analyse(&graph, Default::default()));
            started.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "{} modules; analyse: min {:.2} ms, median {:.2} ms",
        graph.modules.len(),
        times[0],
        times[times.len() / 2]
    );
    for view in View::EVERY {
        let adj = adjacency(&graph, view);
        let mut best = f64::MAX;
        let mut found = cycles::Cycles::default();
        for _ in 0..5 {
            let started = Instant::now();
            found = cycles::elementary_cycles(&adj, 1_000);
            best = best.min(started.elapsed().as_secs_f64() * 1e3);
        }
        let mut hash = DefaultHasher::new();
        found.cycles.hash(&mut hash);
        let length: usize = found.cycles.iter().map(Vec::len).sum();
        println!(
            "{:>16}: {best:6.2} ms, {} cycles (mean length {:.1}), hash {:016x}",
            view.name(),
            found.cycles.len(),
            length as f64 / found.cycles.len().max(1) as f64,
            hash.finish()
        );
    }
}
