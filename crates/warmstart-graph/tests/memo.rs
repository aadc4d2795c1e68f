//! The result cache of `graph cycles` never answers for a tree that changed
//! in a way that matters: each case below either hits (nothing that shapes
//! the graph changed) or misses with its reason.

use std::path::Path;
use std::time::{Duration, SystemTime};

use warmstart_graph::memo::{Memo, MemoCheck};
use warmstart_graph::{BuildOptions, DEFAULT_MAX_FILE_BYTES, build};

const KEY: u128 = 42;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A two-file cycle, recorded as an answer `"answer"`. The cache folder is
/// outside the tree here so that creating it does not change the root's
/// mtime (in a repository it is `node_modules/.cache/warmstart`, which
/// exists after the first run).
fn recorded(granularity: Duration) -> (tempfile::TempDir, Memo) {
    recorded_with(granularity, false)
}

/// [`recorded`] with the graph built through the parse cache (`cached`),
/// as `graph cycles` fills it: the parse hashes then come from the bytes
/// the cache encoded, not from hashing each parse again.
fn recorded_with(granularity: Duration, cached: bool) -> (tempfile::TempDir, Memo) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("repo")).unwrap();
    let root = dir.path().join("repo").canonicalize().unwrap();
    write(&root, "package.json", "{\"name\":\"r\"}");
    write(
        &root,
        "src/a.ts",
        "import { b } from './b';\nexport const a = () => b;\n",
    );
    write(
        &root,
        "src/b.ts",
        "import { a } from './a';\nexport const b = () => a;\n",
    );
    std::thread::sleep(Duration::from_millis(20));
    let started = SystemTime::now();
    let graph = if cached {
        let cache = warmstart_cache::Cache::at(&dir.path().join("parse-cache"), &root);
        let graph = warmstart_graph::cache::build_cached(&BuildOptions::new(&root), &cache);
        assert!(graph.parse_hashes.iter().all(Option::is_some));
        graph
    } else {
        build(&BuildOptions::new(&root))
    };
    let memo = Memo::new(
        &dir.path().join("cache"),
        &root,
        granularity,
        DEFAULT_MAX_FILE_BYTES,
    );
    memo.record(KEY, &graph, "answer", started);
    (dir, memo)
}

fn hit(check: MemoCheck) -> usize {
    match check {
        MemoCheck::Hit { output, reparsed } => {
            assert_eq!(output, "answer");
            reparsed
        }
        MemoCheck::Miss(reason) => panic!("expected a hit, missed: {reason}"),
    }
}

fn miss(check: MemoCheck) -> &'static str {
    match check {
        MemoCheck::Hit { .. } => panic!("expected a miss"),
        MemoCheck::Miss(reason) => reason,
    }
}

#[test]
fn unchanged_tree_hits_without_parsing() {
    let (_dir, memo) = recorded(Duration::ZERO);
    assert_eq!(hit(memo.check(KEY)), 0);
    assert_eq!(miss(memo.check(KEY + 1)), "stored for other options");
}

#[test]
fn an_edit_that_keeps_the_imports_hits_after_one_parse() {
    let (dir, memo) = recorded(Duration::ZERO);
    let root = dir.path().join("repo").canonicalize().unwrap();
    let mut text = std::fs::read_to_string(root.join("src/a.ts")).unwrap();
    text.push_str("// a comment at the end\n");
    write(&root, "src/a.ts", &text);
    assert_eq!(hit(memo.check(KEY)), 1);
    std::thread::sleep(Duration::from_millis(20));
    // Vouched for by that parse: the stamp alone decides next time.
    assert_eq!(hit(memo.check(KEY)), 0);
}

#[test]
fn parse_hashes_from_a_cache_fill_match_a_fresh_parse() {
    let (dir, memo) = recorded_with(Duration::ZERO, true);
    let root = dir.path().join("repo").canonicalize().unwrap();
    assert_eq!(hit(memo.check(KEY)), 0);
    let mut text = std::fs::read_to_string(root.join("src/a.ts")).unwrap();
    text.push_str("// a comment at the end\n");
    write(&root, "src/a.ts", &text);
    assert_eq!(hit(memo.check(KEY)), 1);
    write(&root, "src/b.ts", "export const b = () => 1;\n");
    assert_eq!(miss(memo.check(KEY)), "an import changed");
}

#[test]
fn a_changed_import_misses() {
    let (dir, memo) = recorded(Duration::ZERO);
    let root = dir.path().join("repo").canonicalize().unwrap();
    write(&root, "src/b.ts", "export const b = () => 1;\n");
    assert_eq!(miss(memo.check(KEY)), "an import changed");
}

#[test]
fn added_deleted_files_and_changed_manifests_miss() {
    let (dir, memo) = recorded(Duration::ZERO);
    let root = dir.path().join("repo").canonicalize().unwrap();
    write(&root, "src/c.ts", "export {};\n");
    assert_eq!(
        miss(memo.check(KEY)),
        "a folder, manifest or config changed"
    );

    let (dir, memo) = recorded(Duration::ZERO);
    let root = dir.path().join("repo").canonicalize().unwrap();
    std::fs::remove_file(root.join("src/b.ts")).unwrap();
    assert_eq!(
        miss(memo.check(KEY)),
        "a folder, manifest or config changed"
    );

    let (dir, memo) = recorded(Duration::ZERO);
    let root = dir.path().join("repo").canonicalize().unwrap();
    write(
        &root,
        "tsconfig.json",
        "{\"compilerOptions\":{\"paths\":{}}}",
    );
    assert_eq!(
        miss(memo.check(KEY)),
        "a folder, manifest or config changed"
    );

    let (dir, memo) = recorded(Duration::ZERO);
    let root = dir.path().join("repo").canonicalize().unwrap();
    write(&root, "package.json", "{\"name\":\"renamed\"}");
    assert_eq!(
        miss(memo.check(KEY)),
        "a folder, manifest or config changed"
    );
}

#[test]
fn a_stamp_recorded_within_the_granularity_is_checked_by_parsing() {
    // Files written 20 ms before the run: with a 2 s mtime granularity a
    // second edit in the same tick could keep their stamps, so the sources
    // are parsed again (and the folders are not trusted at all).
    let (_dir, memo) = recorded(Duration::from_secs(2));
    assert_eq!(
        miss(memo.check(KEY)),
        "a folder, manifest or config changed"
    );
}

#[test]
fn damaged_or_foreign_files_miss() {
    let (dir, memo) = recorded(Duration::ZERO);
    let cache = dir.path().join("cache");
    let index = cache.join("graph-result-v1.idx");
    let good = std::fs::read(&index).unwrap();
    std::fs::write(&index, &good[..good.len() / 2]).unwrap();
    assert_eq!(
        miss(memo.check(KEY)),
        "the stored result's index is damaged"
    );
    std::fs::write(&index, [0x9a_u8; 300]).unwrap();
    assert_eq!(
        miss(memo.check(KEY)),
        "the stored result's index is damaged"
    );
    // The binary index holds the version as a length and its bytes: a
    // version of the same length leaves the rest in place.
    let version = env!("CARGO_PKG_VERSION").as_bytes();
    let at = good
        .windows(version.len())
        .position(|w| w == version)
        .unwrap();
    let mut foreign = good.clone();
    foreign[at..at + version.len()].fill(b'9');
    std::fs::write(&index, foreign).unwrap();
    assert_eq!(miss(memo.check(KEY)), "stored by another version");
    std::fs::write(&index, &good).unwrap();
    std::fs::write(cache.join("graph-result-v1.out"), "answes").unwrap();
    assert_eq!(miss(memo.check(KEY)), "the stored output is damaged");
    std::fs::remove_file(cache.join("graph-result-v1.out")).unwrap();
    assert_eq!(miss(memo.check(KEY)), "the stored output is missing");
}

#[test]
fn a_clock_that_went_back_misses() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    write(&root, "a.ts", "export {};\n");
    let graph = build(&BuildOptions::new(&root));
    let memo = Memo::new(
        &root.join(".cache"),
        &root,
        Duration::ZERO,
        DEFAULT_MAX_FILE_BYTES,
    );
    // Recorded "an hour from now": the clock has since gone back.
    memo.record(
        KEY,
        &graph,
        "answer",
        SystemTime::now() + Duration::from_secs(3600),
    );
    assert_eq!(miss(memo.check(KEY)), "the clock went back");
}
