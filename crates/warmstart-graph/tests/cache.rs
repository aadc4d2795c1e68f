//! The parse cache never changes the answer: cold, warm, one file edited,
//! and a damaged cache file all give the same views as a build without it.

use std::path::Path;

use warmstart_cache::{Cache, CacheConfig};
use warmstart_graph::cache::build_cached;
use warmstart_graph::report::{AnalysisOptions, analyse};
use warmstart_graph::{BuildOptions, build};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn views(graph: &warmstart_graph::ModuleGraph) -> serde_json::Value {
    serde_json::to_value(analyse(graph, AnalysisOptions::default()).views).unwrap()
}

#[test]
fn warm_edited_and_damaged_caches_give_the_cold_answer() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/type-only-cycle");
    copy_dir(&fixtures, &root);
    let options = BuildOptions::new(&root);
    let reference = views(&build(&options));

    let cold = Cache::open(&root, &CacheConfig::default());
    assert_eq!(views(&build_cached(&options, &cold)), reference);
    assert_eq!(cold.run_stats()[0].misses, 5);

    let warm = Cache::open(&root, &CacheConfig::default());
    assert_eq!(views(&build_cached(&options, &warm)), reference);
    let stats = &warm.run_stats()[0];
    assert_eq!((stats.hits, stats.misses), (5, 0));

    // Edit: member.ts's import becomes `import type`, the runtime cycle goes.
    let member = root.join("src/member.ts");
    let text = std::fs::read_to_string(&member).unwrap();
    std::fs::write(&member, text.replace("import {", "import type {")).unwrap();
    let edited_reference = views(&build(&options));
    let after_edit = Cache::open(&root, &CacheConfig::default());
    let edited = views(&build_cached(&options, &after_edit));
    assert_eq!(edited, edited_reference);
    assert_eq!(edited["runtime"]["groups"], 0);
    assert_eq!(after_edit.run_stats()[0].misses, 1);

    // Damage every cache file: recomputed, same answer.
    let cache_dir = after_edit.dir().unwrap().to_path_buf();
    for entry in std::fs::read_dir(&cache_dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "cache") {
            std::fs::write(&path, b"\x00garbage\xff").unwrap();
        }
    }
    let damaged = Cache::open(&root, &CacheConfig::default());
    assert_eq!(views(&build_cached(&options, &damaged)), edited_reference);
    assert_eq!(damaged.run_stats()[0].hits, 0);
}

fn stats(cache: &Cache, bucket: &str) -> warmstart_cache::BucketStats {
    cache
        .run_stats()
        .into_iter()
        .find(|s| s.bucket.starts_with(bucket))
        .unwrap_or_else(|| panic!("no {bucket} statistics"))
}

#[test]
fn resolutions_are_reused_until_a_folder_or_manifest_changes() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("package.json"), "{\"name\":\"r\"}").unwrap();
    std::fs::write(
        root.join("src/a.ts"),
        "import { b } from './b';\nimport './c';\n",
    )
    .unwrap();
    std::fs::write(root.join("src/b.ts"), "export const b = 1;\n").unwrap();
    // Stamps this recent are not trusted: let them settle.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let options = BuildOptions::new(&root);
    let edges = |g: &warmstart_graph::ModuleGraph| g.edges.len();

    // A first run stores parses, not answers.
    let cold = Cache::open(&root, &CacheConfig::default());
    let g = build_cached(&options, &cold);
    assert_eq!((edges(&g), g.unresolved.len()), (1, 1));
    let s = stats(&cold, "graph-resolve");
    assert_eq!((s.hits, s.misses, s.entries), (0, 0, 0));
    // The first save created node_modules/.cache under the root.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    // The next run finds parses stored: it stores its answers.
    let second = Cache::open(&root, &CacheConfig::default());
    let _ = build_cached(&options, &second);
    let s = stats(&second, "graph-resolve");
    assert_eq!((s.hits, s.misses), (0, 2));
    std::thread::sleep(std::time::Duration::from_millis(2100));

    let warm = Cache::open(&root, &CacheConfig::default());
    let g = build_cached(&options, &warm);
    assert_eq!((edges(&g), g.unresolved.len()), (1, 1));
    let s = stats(&warm, "graph-resolve");
    assert_eq!((s.hits, s.misses), (2, 0));

    // `./c` appears: its folder's mtime changes, so no stale "unresolved"
    // answer survives.
    std::fs::write(root.join("src/c.ts"), "export {};\n").unwrap();
    let after = Cache::open(&root, &CacheConfig::default());
    let g = build_cached(&options, &after);
    assert_eq!((edges(&g), g.unresolved.len()), (2, 0));
    assert_eq!(views(&g), views(&build(&options)));
}
