//! Issue 6, "never wrong": every surprise leads to recomputation (with a
//! warning where useful), never to a wrong result or a crash.

mod common;

use std::time::{Duration, SystemTime};

use common::*;
use warmstart_cache::{BucketSpec, CACHEDIR_TAG, Cache};

/// Fills a bucket with three files whose mtimes are an hour old (so their
/// fingerprints are trusted), saves it and returns the bucket file.
fn warm(repo: &Repo) -> std::path::PathBuf {
    for (k, t) in [("a.ts", "aaa"), ("b.ts", "bbb"), ("c.ts", "ccc")] {
        repo.write(k, t);
        repo.set_mtime(k, long_ago());
    }
    let (cache, _) = repo.cache();
    let bucket = cache.bucket::<String>(spec());
    for k in ["a.ts", "b.ts", "c.ts"] {
        assert_eq!(lookup(&bucket, k), (truth(repo, k), false));
    }
    assert!(bucket.save().unwrap().written);
    let (cache, _) = repo.cache();
    let bucket = cache.bucket::<String>(spec());
    for k in ["a.ts", "b.ts", "c.ts"] {
        assert_eq!(lookup(&bucket, k), (truth(repo, k), true), "{k} is warm");
    }
    bucket.path().unwrap().to_path_buf()
}

/// All lookups are misses that recompute the truth, and the bucket heals.
fn assert_recomputes(repo: &Repo) -> Events {
    let (cache, events) = repo.cache();
    let bucket = cache.bucket::<String>(spec());
    for k in ["a.ts", "b.ts", "c.ts"] {
        assert_eq!(lookup(&bucket, k), (truth(repo, k), false), "{k}");
    }
    bucket.save().unwrap();
    let (cache, _) = repo.cache();
    let bucket = cache.bucket::<String>(spec());
    for k in ["a.ts", "b.ts", "c.ts"] {
        assert_eq!(lookup(&bucket, k), (truth(repo, k), true), "{k} healed");
    }
    events
}

#[test]
fn truncated_file_recomputes_with_a_warning() {
    let repo = Repo::new();
    let file = warm(&repo);
    let bytes = std::fs::read(&file).unwrap();
    // Every cut point: inside the magic, the header and the body.
    for len in [0, 5, 30, bytes.len() / 2, bytes.len() - 1] {
        std::fs::write(&file, &bytes[..len]).unwrap();
        let events = assert_recomputes(&repo);
        assert_eq!(events.damaged(), 1, "cut at {len}: {:?}", events.all());
    }
}

#[test]
fn random_bytes_recompute_with_a_warning() {
    let repo = Repo::new();
    let file = warm(&repo);
    // A small deterministic generator: no dependency needed for noise.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    std::fs::write(&file, &noise).unwrap();
    let events = assert_recomputes(&repo);
    assert_eq!(events.damaged(), 1);
    // Noise after a valid magic line and header is caught by the checksum.
    let good = {
        std::fs::remove_file(&file).unwrap();
        warm(&repo);
        std::fs::read(&file).unwrap()
    };
    let body_start = good.len() - 8;
    let mut bad = good[..body_start].to_vec();
    bad.extend_from_slice(&noise[..8]);
    std::fs::write(&file, &bad).unwrap();
    let events = assert_recomputes(&repo);
    assert_eq!(events.damaged(), 1);
    let msg = events.all()[0].to_string();
    assert!(msg.contains("checksum mismatch"), "{msg}");
}

#[test]
fn file_from_another_version_is_ignored_silently() {
    let repo = Repo::new();
    let file = warm(&repo);
    let bytes = std::fs::read(&file).unwrap();
    let text = String::from_utf8_lossy(&bytes[..200]).into_owned();
    let version = env!("CARGO_PKG_VERSION");
    assert!(text.contains(&format!("\"warmstart\":\"{version}\"")));
    let needle = format!("\"warmstart\":\"{version}\"");
    let pos = bytes
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
        .unwrap();
    let mut other = bytes[..pos].to_vec();
    other.extend_from_slice(b"\"warmstart\":\"9.9.9\"");
    other.extend_from_slice(&bytes[pos + needle.len()..]);
    std::fs::write(&file, &other).unwrap();
    let events = assert_recomputes(&repo);
    assert_eq!(events.damaged(), 0, "an upgrade is not damage");
}

#[test]
fn bumped_bucket_version_never_reads_old_bytes() {
    let repo = Repo::new();
    warm(&repo);
    let (cache, _) = repo.cache();
    let v2 = cache.bucket::<String>(BucketSpec::new("test", 2));
    assert!(v2.is_empty());
}

#[test]
fn changed_context_drops_the_bucket() {
    let repo = Repo::new();
    warm(&repo);
    let (cache, events) = repo.cache();
    let other = cache.bucket::<String>(spec().context(42));
    assert!(other.is_empty());
    assert_eq!(other.stats().dropped.as_deref(), Some("context changed"));
    assert_eq!(events.damaged(), 0);
}

#[test]
fn same_size_change_within_one_mtime_tick_is_seen() {
    // Two edits inside the file system's mtime granularity: the second
    // leaves size and mtime as they were. Simulated by writing, recording,
    // rewriting with the same length and putting the mtime back.
    let repo = Repo::new();
    repo.write("a.ts", "one");
    let t = repo.mtime("a.ts");
    let (cache, _) = repo.cache();
    let bucket = cache.bucket::<String>(spec());
    assert_eq!(lookup(&bucket, "a.ts").0, truth(&repo, "a.ts"));
    bucket.save().unwrap();
    repo.write("a.ts", "two");
    repo.set_mtime("a.ts", t);
    for round in 0..2 {
        let (cache, _) = repo.cache();
        let bucket = cache.bucket::<String>(spec());
        assert_eq!(
            lookup(&bucket, "a.ts").0.as_deref(),
            Some("len=3 text=two"),
            "round {round}"
        );
        bucket.save().unwrap();
    }
}

#[test]
fn clock_that_jumps_back_does_not_trust_fingerprints() {
    let repo = Repo::new();
    repo.write("a.ts", "one");
    let t = repo.mtime("a.ts");
    // Recorded while the clock ran a day ahead...
    let (cache, _) = repo.cache();
    cache.set_clock(move || t + Duration::from_secs(86_400));
    let bucket = cache.bucket::<String>(spec());
    lookup(&bucket, "a.ts");
    bucket.save().unwrap();
    // ...then the clock is set right and the file is edited "at" the old
    // mtime: size and mtime repeat.
    repo.write("a.ts", "two");
    repo.set_mtime("a.ts", t);
    let (cache, _) = repo.cache();
    cache.set_clock(move || t + Duration::from_secs(10));
    let bucket = cache.bucket::<String>(spec());
    assert_eq!(lookup(&bucket, "a.ts"), (truth(&repo, "a.ts"), false));
}

#[test]
fn unchanged_file_after_clock_jump_is_confirmed_by_hash() {
    let repo = Repo::new();
    repo.write("a.ts", "one");
    repo.set_mtime("a.ts", long_ago());
    let (cache, _) = repo.cache();
    let bucket = cache.bucket::<String>(spec());
    lookup(&bucket, "a.ts");
    bucket.save().unwrap();
    let (cache, _) = repo.cache();
    cache.set_clock(|| SystemTime::now() - Duration::from_secs(7200));
    let bucket = cache.bucket::<String>(spec());
    assert_eq!(lookup(&bucket, "a.ts"), (truth(&repo, "a.ts"), true));
    assert_eq!(bucket.stats().rehashed, 1);
}

#[test]
fn deleted_file_is_missing_and_pruned() {
    let repo = Repo::new();
    warm(&repo);
    std::fs::remove_file(repo.root().join("b.ts")).unwrap();
    let (cache, _) = repo.cache();
    let bucket = cache.bucket::<String>(spec());
    assert_eq!(lookup(&bucket, "b.ts"), (None, false));
    assert_eq!(bucket.keys(), ["a.ts", "c.ts"]);
    // A file no walk reaches any more goes at prune time.
    std::fs::remove_file(repo.root().join("c.ts")).unwrap();
    assert!(lookup(&bucket, "a.ts").1);
    assert_eq!(bucket.prune_untouched(), 1);
    bucket.save().unwrap();
    let (cache, _) = repo.cache();
    assert_eq!(cache.bucket::<String>(spec()).keys(), ["a.ts"]);
}

#[test]
fn touched_but_unchanged_file_is_a_hit_and_refreshed() {
    let repo = Repo::new();
    warm(&repo);
    // `git checkout` or an editor saving without changes: new mtime, same
    // bytes. The hash confirms it, and the refreshed stamp is saved.
    repo.write("a.ts", "aaa");
    repo.set_mtime("a.ts", long_ago() + Duration::from_secs(60));
    // The rewrite also moved the ctime to "now": a run at least the mtime
    // granularity later may trust the refreshed stamp.
    let later = SystemTime::now() + Duration::from_secs(10);
    let (cache, _) = repo.cache();
    cache.set_clock(move || later);
    let bucket = cache.bucket::<String>(spec());
    assert_eq!(lookup(&bucket, "a.ts"), (truth(&repo, "a.ts"), true));
    assert_eq!(bucket.stats().rehashed, 1);
    assert!(bucket.save().unwrap().written);
    let (cache, _) = repo.cache();
    cache.set_clock(move || later + Duration::from_secs(10));
    let bucket = cache.bucket::<String>(spec());
    assert_eq!(lookup(&bucket, "a.ts"), (truth(&repo, "a.ts"), true));
    assert_eq!(bucket.stats().rehashed, 0, "fast path again");
}

#[test]
fn unreadable_cache_folder_degrades_to_a_cold_run() {
    let repo = Repo::new();
    // The cache "folder" is a file: nothing can be loaded or saved.
    repo.write("node_modules/.cache/warmstart", "not a folder");
    repo.write("a.ts", "x");
    let (cache, _) = repo.cache();
    let bucket = cache.bucket::<String>(spec());
    assert_eq!(lookup(&bucket, "a.ts"), (truth(&repo, "a.ts"), false));
    assert!(bucket.save().is_err(), "save reports the problem");
}

#[test]
fn clear_refuses_a_folder_without_the_tag_and_keeps_foreign_files() {
    let repo = Repo::new();
    warm(&repo);
    let dir = repo.cache_dir();
    std::fs::write(dir.join("mine.txt"), "not the cache's").unwrap();
    let (cache, _) = repo.cache();
    let cleared = cache.clear(None).unwrap();
    assert_eq!(cleared.removed, ["stats.json", "test-v1.cache"]);
    assert!(dir.join("mine.txt").exists());
    assert!(dir.join(CACHEDIR_TAG).exists());
    std::fs::remove_file(dir.join(CACHEDIR_TAG)).unwrap();
    let err = Cache::at(&dir, repo.root()).clear(None).unwrap_err();
    assert!(err.to_string().contains("CACHEDIR.TAG"), "{err}");
    assert!(dir.join("mine.txt").exists());
}

#[test]
fn never_writes_into_a_folder_that_is_not_a_cache() {
    // `cache.dir` mistyped as a source folder: no `.gitignore` of `*`, no
    // bucket file, no lock file lands there; the run still computes.
    let repo = Repo::new();
    repo.write("src/index.ts", "export {};");
    let cache = Cache::at(&repo.root().join("src"), repo.root());
    let events = Events::default();
    let sink = events.clone();
    cache.on_event(move |e| sink.0.lock().unwrap().push(e.clone()));
    let bucket = cache.bucket::<String>(spec());
    assert_eq!(
        lookup(&bucket, "src/index.ts"),
        (truth(&repo, "src/index.ts"), false)
    );
    assert!(bucket.save().is_err());
    let names: Vec<_> = std::fs::read_dir(repo.root().join("src"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["index.ts"]);
    let all = events.all();
    assert!(
        matches!(&all[..], [warmstart_cache::CacheEvent::NotSaved { .. }]),
        "{all:?}"
    );
    assert!(all[0].to_string().contains("no CACHEDIR.TAG"), "{}", all[0]);
}

#[test]
fn torn_marker_files_are_written_again_and_an_edited_gitignore_is_kept() {
    // The tag and `.gitignore` are written without a sync: a power loss may
    // leave them empty. The next run writes them again.
    let repo = Repo::new();
    warm(&repo);
    let dir = repo.cache_dir();
    let tag = std::fs::read(dir.join(CACHEDIR_TAG)).unwrap();
    assert!(tag.starts_with(b"Signature: 8a477f597d28d172789f06886806bc55"));
    // An emptied `.gitignore` is written again; one someone edited is theirs.
    for (ignore, after) in [("", "*\n"), ("*\n!keep\n", "*\n!keep\n")] {
        std::fs::write(dir.join(CACHEDIR_TAG), "").unwrap();
        std::fs::write(dir.join(".gitignore"), ignore).unwrap();
        repo.cache().0.ensure_dir().unwrap();
        assert_eq!(std::fs::read(dir.join(CACHEDIR_TAG)).unwrap(), tag);
        assert_eq!(
            std::fs::read_to_string(dir.join(".gitignore")).unwrap(),
            after
        );
    }
}

/// A result stored before any bucket (the graph's result cache, written on
/// a thread of its own beside the buckets' saves) makes the folder the
/// cache's way: the buckets saved after it still find a cache folder.
/// Made without the tag, the result's files made every later save refuse
/// the folder as "not ours".
#[test]
fn a_result_stored_first_makes_the_folder_the_caches_way() {
    let repo = Repo::new();
    repo.write("a.ts", "aaa");
    let dir = repo.cache_dir();
    let files = warmstart_cache::ResultFiles::binary(&dir, "report-v1");
    files.store(7, "out", warmstart_cache::Inputs::default(), 1_u8);
    assert!(dir.join(CACHEDIR_TAG).is_file());
    assert!(dir.join("report-v1.idx").is_file());
    assert!(dir.join("report-v1.out").is_file());
    // A folder a race left with only a result's files in it, no tag, is
    // ours too.
    std::fs::remove_file(dir.join(CACHEDIR_TAG)).unwrap();
    std::fs::remove_file(dir.join(".gitignore")).unwrap();
    let (cache, events) = repo.cache();
    let bucket = cache.bucket::<String>(spec());
    lookup(&bucket, "a.ts");
    assert!(bucket.save().unwrap().written, "{:?}", events.all());
    assert!(dir.join(CACHEDIR_TAG).is_file());
    assert!(dir.join(warmstart_cache::LOCK_FILE).is_file());
}

#[test]
fn a_result_is_never_stored_into_a_folder_that_is_not_a_cache() {
    let repo = Repo::new();
    repo.write("src/index.ts", "export {};");
    let files = warmstart_cache::ResultFiles::binary(&repo.root().join("src"), "report-v1");
    files.store(7, "out", warmstart_cache::Inputs::default(), 1_u8);
    let names: Vec<_> = std::fs::read_dir(repo.root().join("src"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["index.ts"]);
}
