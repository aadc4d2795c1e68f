//! L1 (watched mode), multi-file and input-keyed entries, statistics.

mod common;

use common::*;
use warmstart_cache::{BucketSpec, Cache, Codec, FilesLookup, STATS_FILE};

#[test]
fn watched_mode_rechecks_only_invalidated_files() {
    let repo = Repo::new();
    for i in 0..5 {
        repo.write(&format!("f{i}.ts"), "x");
    }
    let (cache, _) = repo.cache();
    let bucket = cache.bucket::<String>(spec());
    bucket.set_watched(true);
    for i in 0..5 {
        lookup(&bucket, &format!("f{i}.ts"));
    }
    // The editor saves one file; the watcher reports it.
    repo.write("f3.ts", "y");
    bucket.invalidate("f3.ts");
    let before = bucket.stats();
    let mut recomputed = Vec::new();
    for i in 0..5 {
        let k = format!("f{i}.ts");
        let (v, hit) = lookup(&bucket, &k);
        assert_eq!(v, truth(&repo, &k));
        if !hit {
            recomputed.push(k);
        }
    }
    assert_eq!(recomputed, ["f3.ts"]);
    let after = bucket.stats();
    assert_eq!(
        after.l1_hits - before.l1_hits,
        4,
        "four answered from memory"
    );
}

#[test]
fn multi_file_entry_follows_each_input() {
    let repo = Repo::new();
    repo.write("apps/a/_metadata.ts", "a");
    repo.write("apps/b/_metadata.ts", "b");
    let inputs = [
        "apps/a/_metadata.ts",
        "apps/b/_metadata.ts",
        "apps/c/_metadata.ts",
    ];
    let (cache, _) = repo.cache();
    let bucket = cache.bucket::<String>(BucketSpec::new("apps", 1));
    let build =
        |bucket: &warmstart_cache::Bucket<String>| match bucket.files("registry", &inputs).unwrap()
        {
            FilesLookup::Hit(v) => (v, true),
            FilesLookup::Miss(set) => {
                let v: String = set
                    .iter()
                    .map(|(k, s)| {
                        format!(
                            "{k}={};",
                            s.map(|s| s.text().into_owned()).unwrap_or_default()
                        )
                    })
                    .collect();
                bucket.insert_files(&set, v.clone());
                (v, false)
            }
        };
    let (first, hit) = build(&bucket);
    assert!(!hit);
    assert_eq!(build(&bucket), (first.clone(), true));
    bucket.save().unwrap();
    // An absent input appearing is a change too.
    repo.write("apps/c/_metadata.ts", "c");
    let (cache, _) = repo.cache();
    let bucket = cache.bucket::<String>(BucketSpec::new("apps", 1));
    let (v, hit) = build(&bucket);
    assert!(!hit);
    assert!(v.ends_with("apps/c/_metadata.ts=c;"), "{v}");
}

#[test]
fn input_keyed_entries_and_json_codec() {
    let repo = Repo::new();
    let spec = BucketSpec::new("resolve", 1).codec(Codec::Json);
    let (cache, _) = repo.cache();
    let bucket = cache.bucket::<serde_json::Value>(spec.clone());
    bucket.insert(
        "packages/ui|./button",
        7,
        serde_json::json!({"path": "packages/ui/button.tsx"}),
    );
    bucket.save().unwrap();
    let (cache, _) = repo.cache();
    let bucket = cache.bucket::<serde_json::Value>(spec);
    assert!(
        bucket.get("packages/ui|./button", 8).is_none(),
        "other inputs"
    );
    assert_eq!(
        bucket.get("packages/ui|./button", 7),
        Some(serde_json::json!({"path": "packages/ui/button.tsx"}))
    );
}

#[test]
fn run_stats_and_stats_file() {
    let repo = Repo::new();
    repo.write("a.ts", "a");
    repo.write("b.ts", "b");
    let (cache, _) = repo.cache();
    let bucket = cache.bucket::<String>(spec());
    lookup(&bucket, "a.ts");
    bucket.save().unwrap();
    let (cache, _) = repo.cache();
    let bucket = cache.bucket::<String>(spec());
    lookup(&bucket, "a.ts");
    lookup(&bucket, "b.ts");
    bucket.save().unwrap();
    let stats = cache.run_stats();
    assert_eq!(stats.len(), 1);
    assert_eq!(
        (stats[0].hits, stats[0].misses, stats[0].entries),
        (1, 1, 2)
    );
    assert_eq!(stats[0].hit_rate, Some(0.5));
    let disk = cache.disk_stats().unwrap();
    assert_eq!(disk[0].bucket, "test-v1");
    assert_eq!(disk[0].entries, Some(2));
    assert!(disk[0].current);
    assert_eq!(disk[0].last_run.as_ref().unwrap().stats.hits, 1);
    assert!(repo.cache_dir().join(STATS_FILE).is_file());
    assert_eq!(
        std::fs::read_to_string(repo.cache_dir().join(".gitignore")).unwrap(),
        "*\n"
    );
}

#[test]
fn disabled_cache_computes_the_same_and_writes_nothing() {
    let repo = Repo::new();
    repo.write("a.ts", "a");
    let cache = Cache::disabled(repo.root());
    let bucket = cache.bucket::<String>(spec());
    assert_eq!(lookup(&bucket, "a.ts"), (truth(&repo, "a.ts"), false));
    bucket.save().unwrap();
    assert!(!repo.root().join("node_modules").exists());
}

#[test]
fn value_type_that_postcard_cannot_read_back_is_a_miss_with_a_hint() {
    // serde_json::Value needs a self-describing format: with the default
    // codec it is written fine but cannot be read back. The lookup must
    // miss (and say how to fix it), never crash or answer garbage.
    let repo = Repo::new();
    let spec = BucketSpec::new("meta", 1);
    let (cache, _) = repo.cache();
    let bucket = cache.bucket::<serde_json::Value>(spec.clone());
    bucket.insert("app", 1, serde_json::json!({"name": "zoom"}));
    bucket.save().unwrap();
    let (cache, events) = repo.cache();
    let bucket = cache.bucket::<serde_json::Value>(spec);
    assert_eq!(bucket.get("app", 1), None);
    assert_eq!(bucket.get("app", 1), None);
    let all = events.all();
    assert_eq!(all.len(), 1, "{all:?}");
    assert!(all[0].to_string().contains("Codec::Json"), "{}", all[0]);
}

#[test]
fn whole_result_keyed_by_every_files_content_hash() {
    // The recipe for caching a result of all files (a graph analysis): after
    // the per-file lookups, hash (key, content hash) of each file in order.
    use warmstart_cache::ContextHasher;
    let repo = Repo::new();
    let keys = ["a.ts", "b.ts"];
    for k in keys {
        repo.write(k, k);
    }
    let run = |expect_hit: bool| {
        let (cache, _) = repo.cache();
        let files = cache.bucket::<String>(spec());
        let results = cache.bucket::<String>(BucketSpec::new("result", 1));
        let mut h = ContextHasher::new();
        for k in keys {
            lookup(&files, k);
            h.str(k).u128(files.content_hash(k).unwrap());
        }
        let inputs = h.finish();
        let hit = results.get("analysis", inputs).is_some();
        if !hit {
            results.insert("analysis", inputs, "expensive".into());
        }
        files.save().unwrap();
        results.save().unwrap();
        assert_eq!(hit, expect_hit);
    };
    run(false);
    run(true);
    repo.write("b.ts", "changed");
    run(false);
    run(true);
}

#[test]
fn warming_reports_changed_files_and_forgets_deleted_ones() {
    let repo = Repo::new();
    for k in ["a.ts", "b.ts", "c.ts"] {
        repo.write(k, k);
    }
    let (cache, _) = repo.cache();
    let bucket = cache.bucket::<String>(spec());
    for k in ["a.ts", "b.ts", "c.ts"] {
        lookup(&bucket, k);
    }
    bucket.save().unwrap();
    repo.write("b.ts", "edited while warmstart was not running");
    std::fs::remove_file(repo.root().join("c.ts")).unwrap();
    let (cache, _) = repo.cache();
    let bucket = cache.bucket::<String>(spec());
    bucket.set_watched(true);
    assert_eq!(bucket.warm().unwrap(), ["b.ts"]);
    assert_eq!(bucket.keys(), ["a.ts", "b.ts"]);
    let before = bucket.stats().l1_hits;
    assert_eq!(lookup(&bucket, "a.ts"), (truth(&repo, "a.ts"), true));
    assert_eq!(
        bucket.stats().l1_hits,
        before + 1,
        "a.ts answered from memory"
    );
    assert_eq!(lookup(&bucket, "b.ts"), (truth(&repo, "b.ts"), false));
}

#[test]
fn watched_multi_file_entry_is_rechecked_when_one_input_changes() {
    let repo = Repo::new();
    repo.write("apps/a/_metadata.ts", "a");
    repo.write("apps/b/_metadata.ts", "b");
    let inputs = ["apps/a/_metadata.ts", "apps/b/_metadata.ts"];
    let (cache, _) = repo.cache();
    let bucket = cache.bucket::<String>(BucketSpec::new("apps", 1));
    bucket.set_watched(true);
    let build = || match bucket.files("registry", &inputs).unwrap() {
        FilesLookup::Hit(v) => (v, true),
        FilesLookup::Miss(set) => {
            let v: String = set
                .iter()
                .map(|(_, s)| s.map(|s| s.text().into_owned()).unwrap_or_default())
                .collect();
            bucket.insert_files(&set, v.clone());
            (v, false)
        }
    };
    assert_eq!(build(), ("ab".to_string(), false));
    assert_eq!(build(), ("ab".to_string(), true));
    assert_eq!(bucket.stats().l1_hits, 1);
    repo.write("apps/b/_metadata.ts", "B");
    bucket.invalidate("apps/b/_metadata.ts");
    assert_eq!(build(), ("aB".to_string(), false));
}
