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
