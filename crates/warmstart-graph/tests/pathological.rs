//! Inputs on which oxc's parser backtracks exponentially (found by the
//! fuzzer, kept in `fuzz/regressions/`) come back at once as a parse error
//! of that file instead of hanging the graph or exhausting memory.

use std::path::Path;

use oxc_allocator::Allocator;
use warmstart_workspace::guard::testing::deep_component;

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

#[test]
fn real_code_nested_deeper_than_ten_is_in_the_graph() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("cell.tsx"), "export const Cell = () => null;\n").unwrap();
    std::fs::write(
        root.join("types.ts"),
        "export type Row = { id: string };\nexport type Tone = string;\n",
    )
    .unwrap();
    std::fs::write(
        root.join("format.ts"),
        "export const format = <T,>(x: T) => String(x);\nexport const pick = <T,>(x: T) => x;\n",
    )
    .unwrap();
    for levels in [11, 15, 20] {
        let text = deep_component(levels);
        let depth = warmstart_workspace::guard::speculation_depth(&text);
        assert!(depth > 10, "{levels}: {depth}");
        std::fs::write(root.join(format!("table{levels}.tsx")), &text).unwrap();
    }
    let graph = warmstart_graph::build(&warmstart_graph::BuildOptions::new(root));
    assert!(graph.problems.is_empty(), "{:?}", graph.problems);
    for levels in [11, 15, 20] {
        let from = graph.find(&format!("table{levels}.tsx")).unwrap();
        let mut targets: Vec<&str> = graph
            .edges
            .iter()
            .filter(|e| e.from == from)
            .map(|e| graph.modules[e.to as usize].path.as_str())
            .collect();
        targets.sort();
        assert_eq!(targets, ["cell.tsx", "format.ts", "types.ts"], "{levels}");
    }
}

#[test]
fn a_pathological_file_is_named_with_a_hint_and_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let bytes =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(
            "../../fuzz/regressions/imports/timeout-0644b91985ecb739b2c19d4fad0308445d248ffe",
        ))
        .unwrap();
    let mut text = b"import { x } from './x';\n".to_vec();
    text.extend_from_slice(&bytes[1..]);
    std::fs::write(dir.path().join("evil.tsx"), text).unwrap();
    std::fs::write(dir.path().join("x.ts"), "export const x = 1;\n").unwrap();
    let started = std::time::Instant::now();
    let graph = warmstart_graph::build(&warmstart_graph::BuildOptions::new(dir.path()));
    // Seconds to minutes without the guard; a fraction of a second with it
    // (generous for debug builds on a loaded machine).
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    assert_eq!(graph.problems.len(), 1, "{:?}", graph.problems);
    let problem = &graph.problems[0];
    assert_eq!(problem.file, "evil.tsx");
    assert!(
        problem.message.contains("parseBudget"),
        "{}",
        problem.message
    );
    assert!(
        problem.message.contains("WARMSTART_PARSE_BUDGET"),
        "{}",
        problem.message
    );
}
