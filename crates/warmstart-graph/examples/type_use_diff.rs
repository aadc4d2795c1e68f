//! Compares the one-walk type-usable decision with oxc_semantic's on every
//! JS/TS file under the given folders (node_modules included: a large
//! corpus of odd code). Prints each file whose parse facts differ and exits
//! 1 if any does.
//!
//!     cargo run --release -p warmstart-graph --example type_use_diff -- DIR...

use oxc_allocator::Allocator;
use rayon::prelude::*;

fn main() {
    let dirs: Vec<String> = std::env::args().skip(1).collect();
    let mut files = Vec::new();
    for dir in &dirs {
        let walk = ignore::WalkBuilder::new(dir)
            .standard_filters(false)
            .follow_links(false)
            .build();
        for entry in walk.filter_map(Result::ok) {
            if entry.file_type().is_some_and(|t| t.is_file())
                && warmstart_graph::is_source(entry.path())
            {
                files.push(entry.into_path());
            }
        }
    }
    let checked = std::sync::atomic::AtomicUsize::new(0);
    let usable = std::sync::atomic::AtomicUsize::new(0);
    let differ: Vec<String> = files
        .par_iter()
        .map_init(Allocator::default, |alloc, path| {
            let Ok(bytes) = std::fs::read(path) else {
                return None;
            };
            if bytes.len() > 8 << 20 {
                return None;
            }
            let Ok(source) = std::str::from_utf8(&bytes) else {
                return None;
            };
            let fast = warmstart_graph::parse::parse_source(path, source, alloc);
            alloc.reset();
            let slow = warmstart_graph::parse::parse_source_semantic(path, source, alloc);
            alloc.reset();
            checked.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let n = slow.imports.iter().filter(|i| i.type_usable).count();
            usable.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
            (fast != slow).then(|| path.display().to_string())
        })
        .flatten()
        .collect();
    for path in &differ {
        println!("differs: {path}");
    }
    println!(
        "{} files checked, {} type-usable imports, {} differ",
        checked.into_inner(),
        usable.into_inner(),
        differ.len()
    );
    if !differ.is_empty() {
        std::process::exit(1);
    }
}
