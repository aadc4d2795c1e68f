//! Inputs on which oxc's parser backtracks exponentially (found by the
//! fuzzer, kept in `fuzz/regressions/`) come back at once as a parse error
//! of that file instead of hanging the graph or exhausting memory.

use std::path::Path;

use oxc_allocator::Allocator;

fn parse(name: &str, bytes: &[u8]) -> warmstart_graph::parse::ParsedFile {
    let allocator = Allocator::default();
    warmstart_graph::parse_bytes(
        Path::new(name),
        bytes,
        warmstart_graph::DEFAULT_MAX_FILE_BYTES,
        &allocator,
    )
}

#[test]
fn fuzzer_regressions_are_parse_errors_not_hangs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions/imports");
    let mut seen = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        // The fuzz target's first byte picks the extension; 1 is `.tsx`.
        // Without the guard these take seconds to minutes (or 20 GB).
        let parsed = parse("a.tsx", &bytes[1..]);
        assert!(parsed.imports.is_empty());
        assert_eq!(parsed.errors.len(), 1, "{parsed:?}");
        assert!(
            parsed.errors[0]
                .message
                .starts_with("not parsed: `<` nests"),
            "{parsed:?}"
        );
        seen += 1;
    }
    assert_eq!(seen, 2);
}

#[test]
fn ordinary_generic_code_still_parses() {
    let text = "import { a } from './a';\nexport const f = <T,>(x: Array<Map<string, T>>) => g<T>(h(x[0] < 1 ? [x] : []), a);\n";
    let parsed = parse("a.tsx", text.as_bytes());
    assert!(parsed.errors.is_empty(), "{parsed:?}");
    assert_eq!(parsed.imports.len(), 1);
}
