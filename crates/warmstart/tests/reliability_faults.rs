//! Fault injection, small edition of `scripts/faults/kill9.py`: `kill -9`
//! at random moments of `assets setup`, `apps build` and `graph cycles`
//! (which writes the parse cache) on the generated sample; afterwards one
//! normal run succeeds, planted user files are intact, the tree equals a
//! clean run's byte for byte and no `.warmstart-tmp-*` file is left.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_warmstart");

const USER_FILES: [(&str, &[u8]); 3] = [
    (
        "apps/web/public/app-store/USER-NOTES.txt",
        b"user notes: keep me\n",
    ),
    (
        "apps/web/public/user-upload.bin",
        &[0, 1, 2, 255, 254, 13, 10],
    ),
    (
        "packages/app-store/USER-SCRATCH.md",
        b"\xef\xbb\xbf# scratch\r\n",
    ),
];

const COMMANDS: [&[&str]; 3] = [
    &["assets", "setup"],
    &["apps", "build"],
    &["graph", "cycles"],
];

fn sample(dir: &Path) {
    let options = warmstart_sample::SampleOptions {
        apps: 20,
        modules: 200,
        seed: 9,
        ..warmstart_sample::SampleOptions::default()
    };
    warmstart_sample::generate(dir, &options).unwrap();
    for (rel, bytes) in USER_FILES {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

fn command(root: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .args(["-q", "--color", "never"])
        .current_dir(root)
        .env_remove("WARMSTART_ROOT")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// The normal sequence; `graph cycles` exits 1 when it finds cycles.
fn normal_run(root: &Path) {
    for args in COMMANDS
        .iter()
        .copied()
        .chain([&["assets", "validate"][..]])
    {
        let out = command(root, args).output().unwrap();
        let code = out.status.code();
        assert!(
            code == Some(0) || (args[0] == "graph" && code == Some(1)),
            "`{}` failed after the kills: {code:?}\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[derive(Debug, PartialEq)]
enum Node {
    Dir,
    File(Vec<u8>),
    Link(PathBuf),
}

/// Every path (links not followed), `.git` and the cache folder left out.
fn snapshot(root: &Path) -> BTreeMap<String, Node> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if rel == ".git" || rel.ends_with("node_modules/.cache") {
                continue;
            }
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let node = if meta.is_symlink() {
                Node::Link(std::fs::read_link(&path).unwrap())
            } else if meta.is_dir() {
                stack.push(path.clone());
                Node::Dir
            } else {
                Node::File(std::fs::read(&path).unwrap())
            };
            out.insert(rel, node);
        }
    }
    out
}

fn temp_files(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(warmstart_fs::TEMP_PREFIX) {
                found.push(entry.path().display().to_string());
            }
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            }
        }
    }
    found
}

/// xorshift: deterministic delays without a dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Makes the next run of command `i` write for real.
fn undo(root: &Path, i: usize) {
    match i {
        0 => {
            command(root, &["assets", "clean"]).status().unwrap();
        }
        1 => {
            let dir = root.join("packages/app-store");
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                if entry.file_name().to_string_lossy().contains(".generated.") {
                    std::fs::remove_file(entry.path()).unwrap();
                }
            }
        }
        _ => {
            let _ = std::fs::remove_dir_all(root.join("node_modules/.cache/warmstart"));
        }
    }
}

#[test]
fn kill9_at_random_moments_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = tmp.path().join("reference");
    let victim = tmp.path().join("victim");
    sample(&reference);
    sample(&victim);

    // How long each command takes here bounds its random kill delay.
    let mut durations = Vec::new();
    for args in COMMANDS {
        let start = Instant::now();
        command(&reference, args).status().unwrap();
        durations.push(start.elapsed().max(Duration::from_millis(5)));
    }
    normal_run(&reference);
    let expected = snapshot(&reference);

    let runs = 60;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut killed = 0;
    for _ in 0..runs {
        let i = (rng.next() % 3) as usize;
        if rng.next().is_multiple_of(2) {
            undo(&victim, i);
        }
        let delay = durations[i].mul_f64((rng.next() % 1000) as f64 / 800.0);
        let mut child = command(&victim, COMMANDS[i]).spawn().unwrap();
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL on Unix
            killed += 1;
        }
        child.wait().unwrap();
    }
    assert!(
        killed > runs / 4,
        "only {killed} of {runs} runs were interrupted"
    );

    normal_run(&victim);
    for (rel, bytes) in USER_FILES {
        assert_eq!(
            std::fs::read(victim.join(rel)).unwrap(),
            bytes,
            "user file {rel}"
        );
    }
    let actual = snapshot(&victim);
    let differing: Vec<&String> = expected
        .keys()
        .chain(actual.keys())
        .filter(|k| expected.get(*k) != actual.get(*k))
        .collect();
    assert!(
        differing.is_empty(),
        "differs from a clean run: {differing:?}"
    );
    assert_eq!(temp_files(&victim), Vec::<String>::new(), "temp files left");
}
