//! `warmstart cache stats|clear|dir` on a tiny repository in a temp dir,
//! and the lock seen from two processes.

use std::path::Path;
use std::time::{Duration, SystemTime};

use assert_cmd::Command;
use warmstart_cache::{BucketSpec, Cache, Lookup};

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("package.json"),
        r#"{ "name": "mini", "private": true, "workspaces": ["packages/*"] }"#,
    )
    .unwrap();
    for (i, name) in ["a.ts", "b.ts", "c.ts"].iter().enumerate() {
        let path = dir.path().join("packages/ui").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, format!("export const v = {i};\n")).unwrap();
    }
    dir
}

/// A consumer's cache whose clock runs an hour ahead, so entries recorded
/// now are settled at once and the statistics do not depend on how fast
/// the test runs (no racy re-hashes).
fn cache_of(root: &Path) -> Cache {
    let cache = Cache::at(&root.join("node_modules/.cache/warmstart"), root);
    let later = SystemTime::now() + Duration::from_secs(3600);
    cache.set_clock(move || later);
    cache
}

/// Two runs of a "graph" consumer: a cold one and a warm one with a change.
fn fill(root: &Path) {
    for run in 0..2 {
        let cache = cache_of(root);
        let bucket = cache.bucket::<String>(BucketSpec::new("graph-parse", 1));
        for name in ["a.ts", "b.ts", "c.ts"] {
            let key = format!("packages/ui/{name}");
            if let Lookup::Miss(src) = bucket.file(&key).unwrap() {
                bucket.insert_file(&src, src.text().into_owned());
            }
        }
        bucket.save().unwrap();
        if run == 0 {
            std::fs::write(
                root.join("packages/ui/c.ts"),
                "export const v = 'changed';\n",
            )
            .unwrap();
        }
        let apps = cache.bucket::<u32>(BucketSpec::new("apps", 1));
        if apps.get("registry", 1).is_none() {
            apps.insert("registry", 1, 1);
        }
        apps.save().unwrap();
    }
}

fn warmstart(root: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("warmstart")
        .unwrap()
        .arg("--root")
        .arg(root)
        .args(["--color", "never"])
        .args(args)
        .env_remove("WARMSTART_CACHE_DIR")
        .env_remove("WARMSTART_NO_CACHE")
        .assert()
}

fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

/// Sizes depend on file stamps (varints), times on the clock: redact both.
macro_rules! redacted {
    ($body:block) => {
        insta::with_settings!({filters => vec![
            (r"\d+(\.\d+)? (B|KiB|MiB)", "[SIZE]"),
            (r#""(bytes|atMs)": \d+"#, r#""$1": "[N]""#),
            (r#""writtenBy": "[^"]+""#, r#""writtenBy": "[VERSION]""#),
        ]}, $body)
    };
}

#[test]
fn stats_of_an_empty_cache() {
    let dir = repo();
    let a = warmstart(dir.path(), &["cache", "stats"]).success();
    insta::assert_snapshot!(stdout(&a), @r"
    node_modules/.cache/warmstart  0 bucket(s), 0 entries, 0 B
      (empty)
    ");
}

#[test]
fn stats_show_entries_and_last_run_hit_rate() {
    let dir = repo();
    fill(dir.path());
    // A command's own versioned folder in the cache (the assets manifest).
    let assets = dir.path().join("node_modules/.cache/warmstart/assets-v1");
    std::fs::create_dir_all(&assets).unwrap();
    std::fs::write(assets.join("manifest.json"), "{}").unwrap();
    let text = warmstart(dir.path(), &["cache", "stats"]).success();
    let json = warmstart(dir.path(), &["cache", "stats", "--json"]).success();
    redacted!({
        insta::assert_snapshot!("stats_text", stdout(&text));
        insta::assert_snapshot!("stats_json", stdout(&json));
    });
}

#[test]
fn clear_one_bucket_then_all() {
    let dir = repo();
    fill(dir.path());
    let cache_dir = dir.path().join("node_modules/.cache/warmstart");
    std::fs::write(cache_dir.join("notes.txt"), "not the cache's").unwrap();
    let one = warmstart(dir.path(), &["cache", "clear", "graph-parse", "--json"]).success();
    let all = warmstart(dir.path(), &["cache", "clear", "--json"]).success();
    redacted!({
        insta::assert_snapshot!("clear_one", stdout(&one));
        insta::assert_snapshot!("clear_all", stdout(&all));
    });
    let mut left: Vec<String> = std::fs::read_dir(&cache_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, [".gitignore", ".lock", "CACHEDIR.TAG", "notes.txt"]);
}

#[test]
fn clear_refuses_a_folder_that_is_not_a_cache() {
    let dir = repo();
    let cache_dir = dir.path().join("node_modules/.cache/warmstart");
    std::fs::create_dir_all(&cache_dir).unwrap();
    std::fs::write(cache_dir.join("precious.txt"), "keep me").unwrap();
    // --json prints the error unwrapped (miette wraps long lines).
    let a = warmstart(dir.path(), &["cache", "clear", "--json"]).code(2);
    assert!(stderr(&a).contains("but no CACHEDIR.TAG"), "{}", stderr(&a));
    assert!(cache_dir.join("precious.txt").exists());
}

#[test]
fn cache_dir_follows_the_environment() {
    let dir = repo();
    let a = Command::cargo_bin("warmstart")
        .unwrap()
        .arg("--root")
        .arg(dir.path())
        .args(["cache", "dir"])
        .env("WARMSTART_CACHE_DIR", ".my-cache")
        .assert()
        .success();
    assert_eq!(stdout(&a), ".my-cache\n");
}

#[test]
fn second_process_waits_for_the_lock_and_says_so() {
    let dir = repo();
    fill(dir.path());
    let holder = cache_of(dir.path());
    let lock = holder.lock().unwrap();
    let root = dir.path().to_path_buf();
    let child = std::thread::spawn(move || {
        let started = SystemTime::now();
        let a = warmstart(&root, &["cache", "clear"]).success();
        (stderr(&a), started.elapsed().unwrap())
    });
    std::thread::sleep(Duration::from_millis(1500));
    assert!(!child.is_finished(), "clear must wait for the lock");
    drop(lock);
    let (err, waited) = child.join().unwrap();
    assert!(
        err.contains("waiting for another warmstart process to release the cache lock"),
        "{err}"
    );
    assert!(err.contains("cache lock acquired after"), "{err}");
    assert!(waited >= Duration::from_millis(1000));
}
