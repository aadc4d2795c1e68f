//! The graph's import extractor (`parse_bytes`, the parse step of `warmstart
//! graph`) on arbitrary bytes under each source extension: never panics, and
//! every import it reports has a specifier taken from the text.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use oxc_allocator::Allocator;

const NAMES: [&str; 6] = ["a.ts", "a.tsx", "a.js", "a.jsx", "a.mjs", "a.cts"];

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let name = NAMES[first as usize % NAMES.len()];
    let allocator = Allocator::default();
    let parsed = warmstart_graph::parse_bytes(
        Path::new(name),
        rest,
        warmstart_graph::DEFAULT_MAX_FILE_BYTES,
        &allocator,
    );
    for import in &parsed.imports {
        // Spans point into the file, so rewrites (`graph fix`) stay in it.
        assert!(import.start <= import.end, "{import:?}");
        assert!(import.end as usize <= rest.len(), "{import:?} past {} bytes", rest.len());
        assert!(import.line >= 1, "{import:?}");
    }
    let _ = format!("{parsed:?}");
});
