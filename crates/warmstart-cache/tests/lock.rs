//! The cache lock: a second writer waits, says so, and then completes.

mod common;

use std::time::{Duration, Instant};

use common::*;
use warmstart_cache::CacheEvent;

#[test]
fn second_writer_waits_and_says_so() {
    let repo = Repo::new();
    repo.write("a.ts", "a");
    let (holder, _) = repo.cache();
    let held = holder.lock().unwrap();

    let (cache, events) = repo.cache();
    let bucket = cache.bucket::<String>(spec());
    lookup(&bucket, "a.ts");
    let started = Instant::now();
    let saver = std::thread::spawn(move || bucket.save().map(|s| s.written));
    // Wait until the saver announces the wait, then release.
    let deadline = Instant::now() + Duration::from_secs(10);
    while events.all().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        !saver.is_finished(),
        "the saver must block while the lock is held"
    );
    drop(held);
    assert!(saver.join().unwrap().unwrap());
    assert!(started.elapsed() >= Duration::from_millis(100));
    let all = events.all();
    assert!(
        matches!(all[0], CacheEvent::Waiting { .. }),
        "first event: {all:?}"
    );
    assert!(
        all[0]
            .to_string()
            .starts_with("waiting for another warmstart process")
    );
    assert!(matches!(all[1], CacheEvent::Acquired { .. }));
}

#[test]
fn concurrent_savers_merge_instead_of_losing_entries() {
    let repo = Repo::new();
    let keys: Vec<String> = (0..40).map(|i| format!("f{i}.ts")).collect();
    for k in &keys {
        repo.write(k, k);
    }
    // Two processes load the same (empty) bucket, each computes half.
    let threads: Vec<_> = [0, 1]
        .into_iter()
        .map(|half| {
            let (cache, _) = repo.cache();
            let keys = keys.clone();
            std::thread::spawn(move || {
                let bucket = cache.bucket::<String>(spec());
                for k in keys.iter().skip(half).step_by(2) {
                    lookup(&bucket, k);
                }
                bucket.save().unwrap()
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let (cache, events) = repo.cache();
    let bucket = cache.bucket::<String>(spec());
    assert_eq!(bucket.len(), keys.len(), "both halves survive");
    for k in &keys {
        assert_eq!(lookup(&bucket, k), (truth(&repo, k), true));
    }
    assert_eq!(events.damaged(), 0);
}

#[test]
fn a_merge_keeps_what_this_process_touched_and_removed() {
    let repo = Repo::new();
    for k in ["a.ts", "b.ts", "c.ts", "d.ts", "e.ts"] {
        repo.write(k, k);
        repo.set_mtime(k, long_ago());
    }
    let (cache, _) = repo.cache();
    let first = cache.bucket::<String>(spec());
    for k in ["a.ts", "b.ts", "c.ts"] {
        lookup(&first, k);
    }
    first.save().unwrap();
    // Two processes load those three entries.
    let (mine_cache, _) = repo.cache();
    let mine = mine_cache.bucket::<String>(spec());
    let (theirs_cache, _) = repo.cache();
    let theirs = theirs_cache.bucket::<String>(spec());
    // Mine removes a, stores its own b and d, and misses e without
    // storing it; theirs stores a value for every key and saves first.
    mine.remove("a.ts");
    mine.insert("b.ts", 1, "mine".to_string());
    mine.insert("d.ts", 1, "mine".to_string());
    assert_eq!(mine.get("e.ts", 1), None);
    for k in ["a.ts", "b.ts", "c.ts", "d.ts", "e.ts"] {
        theirs.insert(k, 1, "theirs".to_string());
    }
    theirs.save().unwrap();
    assert_eq!(mine.save().unwrap().merged, 2, "c and e come from theirs");
    let (cache, _) = repo.cache();
    let merged = cache.bucket::<String>(spec());
    assert_eq!(merged.keys(), ["b.ts", "c.ts", "d.ts", "e.ts"]);
    let value = |k: &str| merged.get(k, 1);
    assert_eq!(value("b.ts").as_deref(), Some("mine"));
    assert_eq!(value("c.ts").as_deref(), Some("theirs"));
    assert_eq!(value("d.ts").as_deref(), Some("mine"));
    assert_eq!(value("e.ts").as_deref(), Some("theirs"));
}
