//! Where a cold parse's CPU goes, one thread, sources already in memory:
//! oxc's parser alone, the parse guard alone, and the whole
//! `parse_source` (guard + parse + import scan + type-use decision).
//!
//!     cargo run --release --example parse_cost -- CALCOM/apps CALCOM/packages
use oxc_allocator::Allocator;
use std::time::Instant;

fn main() {
    let roots: Vec<String> = std::env::args().skip(1).collect();
    let files: Vec<_> = roots
        .iter()
        .flat_map(ignore::Walk::new)
        .filter_map(Result::ok)
        .filter(|e| {
            warmstart_graph::is_source(e.path()) && e.file_type().is_some_and(|t| t.is_file())
        })
        .map(|e| e.into_path())
        .collect();
    let sources: Vec<_> = files
        .iter()
        .map(|p| (p.clone(), std::fs::read_to_string(p).unwrap_or_default()))
        .collect();
    let bytes: usize = sources.iter().map(|(_, s)| s.len()).sum();
    println!("{} files, {:.1} MB", sources.len(), bytes as f64 / 1e6);
    let mut alloc = Allocator::default();
    for round in 0..3 {
        let t = Instant::now();
        for (p, s) in &sources {
            let st = oxc_span::SourceType::from_path(p).unwrap_or_default();
            let _ = oxc_parser::Parser::new(&alloc, s, st).parse();
            alloc.reset();
        }
        let parse = t.elapsed();
        let t = Instant::now();
        for (_, s) in &sources {
            let _ = warmstart_workspace::guard::check_parse_budget(s);
        }
        let guard = t.elapsed();
        let t = Instant::now();
        for (p, s) in &sources {
            let _ = warmstart_graph::parse::parse_source(p, s, &alloc);
            alloc.reset();
        }
        let whole = t.elapsed();
        println!(
            "round {round}: parser {parse:.1?}, guard {guard:.1?}, parse_source {whole:.1?} \
             (scan and decisions {:.1?})",
            whole.saturating_sub(parse + guard)
        );
    }
}
