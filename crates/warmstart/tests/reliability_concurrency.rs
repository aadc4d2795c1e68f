//! Two warmstart processes on the same repository at once. The cache has a
//! lock (`node_modules/.cache/warmstart/.lock`) and so do the commands that
//! write into the tree (`writers.lock` beside it: `assets setup`/`clean`,
//! `apps build`): a second one waits and says so. Racing runs must never
//! panic, corrupt a file, touch a user file or leave temp files.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_warmstart");
const USER_FILE: &str = "apps/web/public/app-store/USER-NOTES.txt";

fn sample(dir: &Path) {
    let options = warmstart_sample::SampleOptions {
        apps: 20,
        modules: 200,
        seed: 5,
        ..warmstart_sample::SampleOptions::default()
    };
    warmstart_sample::generate(dir, &options).unwrap();
    let user = dir.join(USER_FILE);
    std::fs::create_dir_all(user.parent().unwrap()).unwrap();
    std::fs::write(user, b"mine\n").unwrap();
}

fn command(root: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .args(["--color", "never"])
        .current_dir(root)
        .env_remove("WARMSTART_ROOT")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Starts both at once and waits for both.
fn race(root: &Path, a: &[&str], b: &[&str]) -> (Output, Output) {
    let first = command(root, a).spawn().unwrap();
    let second = command(root, b).spawn().unwrap();
    (
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    )
}

fn no_panic(out: &Output, what: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(101), "{what} panicked: {err}");
    assert!(
        out.status.code().is_some(),
        "{what} died by a signal: {err}"
    );
    assert!(!err.contains("panicked"), "{what} panicked: {err}");
}

fn temp_files(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            if entry
                .file_name()
                .to_string_lossy()
                .starts_with(warmstart_fs::TEMP_PREFIX)
            {
                found.push(entry.path().display().to_string());
            }
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            }
        }
    }
    found
}

fn generated(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(root.join("packages/app-store"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".generated."))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn apps_build_twice_at_once_writes_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = tmp.path().join("reference");
    let root = tmp.path().join("s");
    sample(&reference);
    sample(&root);
    assert!(
        command(&reference, &["apps", "build"])
            .status()
            .unwrap()
            .success()
    );
    let expected = generated(&reference);
    for round in 0..8 {
        for (name, _) in generated(&root) {
            std::fs::remove_file(root.join("packages/app-store").join(name)).unwrap();
        }
        let (a, b) = race(&root, &["apps", "build"], &["apps", "build"]);
        no_panic(&a, "apps build #1");
        no_panic(&b, "apps build #2");
        assert!(a.status.success() && b.status.success(), "round {round}");
        assert_eq!(generated(&root), expected, "round {round}");
        assert_eq!(temp_files(&root), Vec::<String>::new());
    }
}

#[test]
fn assets_setup_racing_clean_corrupts_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("s");
    sample(&root);
    for _ in 0..8 {
        let (a, b) = race(&root, &["assets", "setup"], &["assets", "clean"]);
        no_panic(&a, "assets setup");
        no_panic(&b, "assets clean");
        assert_eq!(std::fs::read(root.join(USER_FILE)).unwrap(), b"mine\n");
        assert_eq!(temp_files(&root), Vec::<String>::new());
    }
    // Whatever the interleaving left, one setup makes it whole.
    let setup = command(&root, &["assets", "setup"]).output().unwrap();
    assert!(
        setup.status.success(),
        "{}",
        String::from_utf8_lossy(&setup.stderr)
    );
    let validate = command(&root, &["assets", "validate"]).output().unwrap();
    assert!(
        validate.status.success(),
        "{}",
        String::from_utf8_lossy(&validate.stdout)
    );
    assert_eq!(std::fs::read(root.join(USER_FILE)).unwrap(), b"mine\n");
}

#[test]
fn a_second_cache_writer_waits_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("s");
    sample(&root);
    // A first run creates the cache folder and its lock file.
    command(&root, &["graph", "cycles"]).output().unwrap();
    let lock_path = root.join("node_modules/.cache/warmstart/.lock");
    let lock = File::options().write(true).open(&lock_path).unwrap();
    lock.lock().unwrap();
    // Invalidate every entry so the run must save the bucket.
    let cache = root.join("node_modules/.cache/warmstart");
    for e in std::fs::read_dir(&cache).unwrap().flatten() {
        if e.file_name().to_string_lossy().starts_with("graph-") {
            std::fs::remove_file(e.path()).unwrap();
        }
    }
    let child = command(&root, &["graph", "cycles"]).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    lock.unlock().unwrap();
    let out = child.wait_with_output().unwrap();
    no_panic(&out, "graph cycles");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("waiting for another warmstart process"),
        "no wait message: {err}"
    );
    assert!(matches!(out.status.code(), Some(0 | 1)), "{err}");

    // Two real writers at once: both finish with the same answer.
    for e in std::fs::read_dir(&cache).unwrap().flatten() {
        if e.file_name().to_string_lossy().starts_with("graph-") {
            std::fs::remove_file(e.path()).unwrap();
        }
    }
    let (a, b) = race(
        &root,
        &["graph", "cycles", "--json"],
        &["graph", "cycles", "--json"],
    );
    no_panic(&a, "graph cycles #1");
    no_panic(&b, "graph cycles #2");
    let strip = |o: &Output| {
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        // Timings and cache counters differ between the two runs.
        strip_volatile(&mut v);
        v
    };
    assert_eq!(strip(&a), strip(&b));
    assert_eq!(temp_files(&root), Vec::<String>::new());
    // The saved cache is readable: a third run answers the same.
    let c = command(&root, &["graph", "cycles", "--json"])
        .output()
        .unwrap();
    assert_eq!(strip(&c), strip(&a));
    assert!(!String::from_utf8_lossy(&c.stderr).contains("damaged"));
}

fn strip_volatile(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            map.retain(|k, _| {
                !matches!(k.as_str(), "cache" | "timings_ms" | "elapsed_ms" | "stats")
            });
            for x in map.values_mut() {
                strip_volatile(x);
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(strip_volatile),
        _ => {}
    }
}

/// Holds the writers' lock in this process, starts `args`, and checks that
/// it says it waits, does nothing while the lock is held, then finishes.
fn waits_for_the_writers_lock(args: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    sample(root);
    // The cache folder as warmstart makes it (with its CACHEDIR.TAG).
    warmstart_cache::Cache::open(root, &warmstart_cache::CacheConfig::default())
        .ensure_dir()
        .unwrap();
    let lock_path = root.join("node_modules/.cache/warmstart/writers.lock");
    let held = warmstart_fs::WriteLock::acquire(&lock_path, |_| panic!("free")).unwrap();
    let before = listing(root);
    let mut child = command(root, args).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(800));
    assert!(child.try_wait().unwrap().is_none(), "{args:?} did not wait");
    assert_eq!(
        listing(root),
        before,
        "{args:?} wrote while the lock was held"
    );
    drop(held);
    let out = child.wait_with_output().unwrap();
    no_panic(&out, args[0]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("waiting for another warmstart process to finish"),
        "{args:?}: {err}"
    );
    assert!(out.status.success(), "{args:?}: {err}");
}

#[test]
fn assets_setup_waits_for_the_writers_lock() {
    waits_for_the_writers_lock(&["assets", "setup"]);
}

#[test]
fn apps_build_waits_for_the_writers_lock() {
    waits_for_the_writers_lock(&["apps", "build"]);
}

/// Every path under the outputs' folders with its mtime.
fn listing(root: &Path) -> Vec<(String, std::time::SystemTime)> {
    let mut out = Vec::new();
    for top in ["apps/web/public", "packages/app-store"] {
        let mut stack = vec![root.join(top)];
        while let Some(dir) = stack.pop() {
            let Ok(read) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in read.flatten() {
                let meta = std::fs::symlink_metadata(entry.path()).unwrap();
                if meta.is_dir() {
                    stack.push(entry.path());
                }
                out.push((entry.path().display().to_string(), meta.modified().unwrap()));
            }
        }
    }
    out.sort();
    out
}
