use oxc_allocator::Allocator;
use std::time::Instant;
fn main() {
    let root = std::env::args().nth(1).unwrap();
    let files: Vec<_> = ignore::Walk::new(&root)
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
    let mut alloc = Allocator::default();
    let t = Instant::now();
    for (p, s) in &sources {
        let st = oxc_span::SourceType::from_path(p).unwrap_or_default();
        let _ = oxc_parser::Parser::new(&alloc, s, st).parse();
        alloc.reset();
    }
    println!("parse only: {:?} for {}", t.elapsed(), sources.len());
    let t = Instant::now();
    for (p, s) in &sources {
        let _ = warmstart_graph::parse::parse_source(p, s, &alloc);
        alloc.reset();
    }
    println!("parse+semantic+collect: {:?}", t.elapsed());
}
