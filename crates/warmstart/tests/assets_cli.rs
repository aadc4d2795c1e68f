//! `warmstart assets` through the real binary: the user-visible output,
//! exit codes, and a `kill -9` in the middle of a setup followed by a re-run.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PUBLIC: &str = "apps/web/public/app-store";

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_warmstart"));
    cmd.env("NO_COLOR", "1").env_remove("WARMSTART_ROOT");
    cmd
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, bytes).unwrap();
}

/// A Cal.com-shaped tree: `apps` apps with `files` statics of `size` bytes.
fn tree(apps: usize, files: usize, size: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "package.json",
        br#"{"private":true,"workspaces":["apps/*","packages/*"]}"#,
    );
    write(root, "apps/web/package.json", b"{}");
    for a in 0..apps {
        let app = if a % 10 == 9 {
            format!("templates/t{a:03}")
        } else {
            format!("app{a:03}")
        };
        for f in 0..files {
            let bytes: Vec<u8> = (0..size).map(|i| (i * 31 + a * 7 + f) as u8).collect();
            let name = if f == 0 {
                "icon.svg".to_string()
            } else {
                format!("shot{f}.png")
            };
            write(
                root,
                &format!("packages/app-store/{app}/static/{name}"),
                &bytes,
            );
        }
    }
    dir
}

fn run(root: &Path, args: &[&str]) -> (i32, String, String) {
    let out = bin().arg("--root").arg(root).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).replace(&root.display().to_string(), "[ROOT]"),
        String::from_utf8_lossy(&out.stderr).replace(&root.display().to_string(), "[ROOT]"),
    )
}

/// Every source reads identical at its flattened destination.
fn assert_identical(root: &Path) -> usize {
    let mut n = 0;
    let base = root.join("packages/app-store");
    let mut stack = vec![base.clone()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.parent().unwrap().ends_with("static") {
                let app = p
                    .parent()
                    .unwrap()
                    .parent()
                    .unwrap()
                    .strip_prefix(&base)
                    .unwrap();
                let dest = root.join(PUBLIC).join(app).join(p.file_name().unwrap());
                assert_eq!(
                    fs::read(&p).unwrap(),
                    fs::read(&dest).unwrap(),
                    "{}",
                    dest.display()
                );
                n += 1;
            }
        }
    }
    n
}

#[test]
fn setup_validate_clean_through_the_cli() {
    let dir = tree(4, 2, 16);
    let root = dir.path();
    write(root, &format!("{PUBLIC}/app001/notes.txt"), b"mine");
    write(root, &format!("{PUBLIC}/app002/icon.svg"), b"my icon");

    let (code, out, _) = run(root, &["assets", "setup"]);
    assert_eq!(code, 1, "a conflict is reported: {out}");
    insta::assert_snapshot!("setup_with_conflict", out);
    assert_eq!(
        fs::read(root.join(PUBLIC).join("app001/notes.txt")).unwrap(),
        b"mine"
    );
    assert_eq!(
        fs::read(root.join(PUBLIC).join("app002/icon.svg")).unwrap(),
        b"my icon"
    );

    let (code, out, _) = run(root, &["assets", "status"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("status_foreign", out);

    let (code, out, _) = run(root, &["assets", "setup", "--force"]);
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = run(root, &["assets", "validate", "--json"]);
    assert_eq!(code, 0, "{out}");
    insta::assert_snapshot!("validate_ok_json", out);

    fs::remove_file(root.join(PUBLIC).join("app000")).unwrap();
    let (code, out, _) = run(root, &["assets", "validate"]);
    assert_eq!(code, 1, "{out}");
    insta::assert_snapshot!("validate_missing", out);

    let (code, out, _) = run(root, &["assets", "clean"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("clean", out);
    assert_eq!(
        fs::read(root.join(PUBLIC).join("app001/notes.txt")).unwrap(),
        b"mine"
    );
    assert!(fs::symlink_metadata(root.join(PUBLIC).join("app003")).is_err());
}

#[test]
fn generic_repository_gets_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "package.json", b"{}");
    let (code, _, err) = run(dir.path(), &["assets", "setup"]);
    assert_eq!(code, 2);
    assert!(err.contains("no asset rules are configured"), "{err}");
    assert!(err.contains("\"rules\""), "the help shows how: {err}");
}

#[test]
fn kill_9_mid_setup_then_rerun_repairs() {
    // Copies of ~150 MB take long enough to be interrupted.
    let dir = tree(300, 8, 64 * 1024);
    let root = dir.path();
    write(root, &format!("{PUBLIC}/app005/user.txt"), b"mine");
    let manifest = root.join("node_modules/.cache/warmstart/assets-v1/manifest.json");
    let mut child = bin()
        .arg("--root")
        .arg(root)
        .args(["assets", "setup", "--mode", "copy"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !manifest.with_file_name("intent.json").exists()
        && started.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_millis(1));
    }
    std::thread::sleep(Duration::from_millis(40));
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "setup finished before it could be killed"
    );
    let intent = manifest.with_file_name("intent.json");
    let text = fs::read_to_string(&intent).unwrap_or_default();
    assert!(
        text.contains("\"pending\":true"),
        "killed mid-way: intent recorded"
    );

    let (code, out, err) = run(root, &["assets", "setup", "--mode", "copy"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let (code, out, _) = run(root, &["assets", "validate"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(assert_identical(root), 300 * 8);
    assert_eq!(
        fs::read(root.join(PUBLIC).join("app005/user.txt")).unwrap(),
        b"mine"
    );
    assert!(!fs::read_to_string(&manifest).unwrap().contains("pending"));
    assert!(!intent.exists(), "the intent is settled");
    let mut stack = vec![root.join(PUBLIC)];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(d).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            assert!(!name.starts_with(".warmstart-tmp-"), "leftover {name}");
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            }
        }
    }
    // And a no-change run does nothing.
    let (code, out, _) = run(root, &["assets", "setup", "--mode", "copy"]);
    assert_eq!(code, 0);
    assert!(out.contains("created 0, removed 0, kept 2400"), "{out}");
}

#[test]
fn the_generated_sample_links_validates_and_cleans() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("sample");
    warmstart_sample::generate(&root, &warmstart_sample::SampleOptions::default()).unwrap();
    // The first app with statics gets a folder of the user's own beforehand.
    let first_static = {
        let mut found = None;
        let mut stack = vec![root.join("packages/app-store")];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).unwrap().flatten() {
                if e.file_name() == "static" {
                    found = Some(e.path());
                } else if e.file_type().unwrap().is_dir() {
                    stack.push(e.path());
                }
            }
        }
        found.expect("the sample has statics")
    };
    let app = first_static
        .parent()
        .unwrap()
        .strip_prefix(root.join("packages/app-store"))
        .unwrap()
        .to_string_lossy()
        .into_owned();
    write(&root, &format!("{PUBLIC}/{app}/mine.txt"), b"mine");

    let (code, out, err) = run(&root, &["assets", "setup"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(assert_identical(&root) > 0);
    let (code, out, _) = run(&root, &["assets", "validate"]);
    assert_eq!(code, 0, "{out}");
    let (code, _, _) = run(&root, &["assets", "clean"]);
    assert_eq!(code, 0);
    assert_eq!(
        fs::read(root.join(PUBLIC).join(&app).join("mine.txt")).unwrap(),
        b"mine"
    );
    let left: Vec<_> = fs::read_dir(root.join(PUBLIC).join(&app))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(left.len(), 1, "only the user's file is left");
}
