//! Odd trees: every command finishes without a panic and either does the
//! right thing or names the problem. Each case mutates a fresh sample and
//! runs `assets setup`, `apps build`, `graph cycles` and `assets validate`.
//!
//! Unreadable folders: `chmod 000` stops no read by root, so when the tests
//! run as root (CI does) that case runs the commands as `nobody` (uid and
//! gid 65534) over a tree it owns.

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_warmstart");

struct Run {
    code: Option<i32>,
    stderr: String,
}

fn sample() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("s");
    let options = warmstart_sample::SampleOptions {
        apps: 20,
        modules: 150,
        seed: 4,
        ..warmstart_sample::SampleOptions::default()
    };
    warmstart_sample::generate(&root, &options).unwrap();
    (tmp, root)
}

/// Runs with a deadline: a symlink loop must not hang a command.
fn run(root: &Path, args: &[&str]) -> Run {
    run_with(Command::new(BIN), root, args)
}

fn run_with(mut cmd: Command, root: &Path, args: &[&str]) -> Run {
    let mut child = cmd
        .args(args)
        .args(["-q", "--color", "never"])
        .current_dir(root)
        .env_remove("WARMSTART_ROOT")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("`{}` did not finish in 120 s", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_ne!(
        out.status.code(),
        Some(101),
        "`{}` panicked: {stderr}",
        args.join(" ")
    );
    assert!(
        out.status.code().is_some(),
        "`{}` killed by a signal",
        args.join(" ")
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    if out.status.code() == Some(2) {
        assert!(!stderr.trim().is_empty(), "exit 2 without a message");
    }
    Run {
        code: out.status.code(),
        stderr,
    }
}

/// All four commands; returns their exit codes.
fn all(root: &Path) -> [Run; 4] {
    [
        run(root, &["assets", "setup"]),
        run(root, &["apps", "build"]),
        run(root, &["graph", "cycles"]),
        run(root, &["assets", "validate"]),
    ]
}

fn assert_green(runs: &[Run; 4]) {
    for (name, r) in [
        "assets setup",
        "apps build",
        "graph cycles",
        "assets validate",
    ]
    .iter()
    .zip(runs)
    {
        let ok = r.code == Some(0) || (*name == "graph cycles" && r.code == Some(1));
        assert!(ok, "{name}: {:?} {}", r.code, r.stderr);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), t).unwrap();
        }
    }
}

#[test]
fn app_names_with_spaces_unicode_dots_and_dashes() {
    let (_tmp, root) = sample();
    let store = root.join("packages/app-store");
    for name in ["my app", "ünïcødé", "a..b", "-dash", "--help"] {
        copy_dir(&store.join("giphy"), &store.join(name));
    }
    assert_green(&all(&root));
    let metadata = std::fs::read_to_string(store.join("apps.metadata.generated.ts")).unwrap();
    for name in [
        "./my app/_metadata",
        "./ünïcødé/_metadata",
        "./a..b/_metadata",
        "./-dash/_metadata",
    ] {
        assert!(metadata.contains(name), "{name} missing from the registry");
    }
    // Their statics are linked inside the public folder, nowhere else.
    let public = root.join("apps/web/public/app-store");
    assert!(public.join("my app/icon.svg").exists());
    assert!(public.join("-dash/icon.svg").exists());
}

#[test]
fn symlink_loops_terminate() {
    let (_tmp, root) = sample();
    std::os::unix::fs::symlink(".", root.join("packages/app-store/loop")).unwrap();
    std::os::unix::fs::symlink("../lib", root.join("packages/lib/self")).unwrap();
    std::os::unix::fs::symlink("b", root.join("packages/lib/a")).unwrap();
    std::os::unix::fs::symlink("a", root.join("packages/lib/b")).unwrap();
    assert_green(&all(&root));
}

/// The user the unreadable-folder case runs as when the tests run as root.
const NOBODY: u32 = 65_534;

fn chown_tree(path: &Path, id: u32) {
    std::os::unix::fs::lchown(path, Some(id), Some(id)).unwrap();
    if path.is_dir() && !path.is_symlink() {
        for e in std::fs::read_dir(path).unwrap().flatten() {
            chown_tree(&e.path(), id);
        }
    }
}

#[test]
fn unreadable_folders_are_named_by_every_command() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::os::unix::process::CommandExt;
    let (tmp, root) = sample();
    // The owner of a file just made is who the tests run as.
    let as_root = std::fs::metadata(root.join("package.json")).unwrap().uid() == 0;
    let bin = if as_root {
        // `nobody` gets the tree and a binary it can reach.
        let bin = tmp.path().join("warmstart");
        if std::fs::hard_link(BIN, &bin).is_err() {
            std::fs::copy(BIN, &bin).unwrap();
        }
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        chown_tree(&root, NOBODY);
        bin
    } else {
        PathBuf::from(BIN)
    };
    let command = || {
        let mut cmd = Command::new(&bin);
        if as_root {
            cmd.uid(NOBODY).gid(NOBODY);
        }
        cmd
    };
    let dirs = [
        root.join("packages/app-store/giphy"),
        root.join("packages/lib"),
    ];
    for d in &dirs {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    // The runner really cannot read them.
    let probe = command().arg("--version").output().unwrap();
    assert!(probe.status.success(), "{probe:?}");
    let listed = Command::new("ls")
        .arg(&dirs[1])
        .uid_if(as_root, NOBODY)
        .output()
        .unwrap();
    assert!(!listed.status.success(), "the folder is still readable");
    let setup = run_with(command(), &root, &["assets", "setup"]);
    let build = run_with(command(), &root, &["apps", "build"]);
    let validate = run_with(command(), &root, &["assets", "validate"]);
    // Not quiet: the graph reports what it could not walk as warnings.
    let graph = command()
        .args(["graph", "cycles", "--color", "never"])
        .current_dir(&root)
        .env_remove("WARMSTART_ROOT")
        .output()
        .unwrap();
    for d in &dirs {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // The writers refuse, naming what they could not read; the graph is
    // built from the rest and names both folders.
    let denied = |r: &Run, what: &str| {
        assert_eq!(r.code, Some(2), "{}", r.stderr);
        assert!(
            r.stderr.contains(what) && r.stderr.contains("Permission denied"),
            "{}",
            r.stderr
        );
    };
    denied(&setup, "packages/app-store/giphy");
    denied(&build, "packages/app-store/giphy/config.json");
    denied(&validate, "packages/app-store/giphy");
    let stderr = String::from_utf8_lossy(&graph.stderr);
    assert!(matches!(graph.status.code(), Some(0 | 1)), "{stderr}");
    for d in [
        "packages/lib: Permission denied",
        "giphy: Permission denied",
    ] {
        assert!(stderr.contains(d), "{stderr}");
    }
    if as_root {
        chown_tree(&root, 0);
    }
}

/// `Command::uid` only when asked.
trait UidIf {
    fn uid_if(&mut self, on: bool, id: u32) -> &mut Self;
}

impl UidIf for Command {
    fn uid_if(&mut self, on: bool, id: u32) -> &mut Self {
        use std::os::unix::process::CommandExt;
        if on {
            self.uid(id).gid(id);
        }
        self
    }
}

#[test]
fn a_50_mb_source_file_is_skipped_with_a_reason() {
    let (_tmp, root) = sample();
    let line = "export const x = 1;\n";
    std::fs::write(
        root.join("packages/lib/huge.ts"),
        line.repeat(50 * 1024 * 1024 / line.len()),
    )
    .unwrap();
    assert_green(&all(&root));
    let out = Command::new(BIN)
        .args(["graph", "cycles", "--json"])
        .current_dir(&root)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = json["problems"].to_string();
    assert!(
        problems.contains("packages/lib/huge.ts") && problems.contains("limit"),
        "{problems}"
    );
}

#[test]
fn bom_and_crlf_sources_give_the_same_registries() {
    let (_tmp, root) = sample();
    let (_tmp2, reference) = sample();
    assert_green(&all(&reference));
    let mut stack = vec![root.join("packages")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "ts" || x == "tsx") {
                let text = std::fs::read_to_string(&p).unwrap().replace('\n', "\r\n");
                std::fs::write(&p, format!("\u{feff}{text}")).unwrap();
            }
        }
    }
    assert_green(&all(&root));
    for e in std::fs::read_dir(reference.join("packages/app-store"))
        .unwrap()
        .flatten()
    {
        let name = e.file_name();
        if name.to_string_lossy().contains(".generated.") {
            let ours = std::fs::read(root.join("packages/app-store").join(&name)).unwrap();
            assert!(ours == std::fs::read(e.path()).unwrap(), "{name:?} differs");
        }
    }
}

#[test]
fn a_config_json_with_a_bom_is_named_in_the_error() {
    let (_tmp, root) = sample();
    let config = root.join("packages/app-store/around/config.json");
    let text = std::fs::read(&config).unwrap();
    std::fs::write(&config, [b"\xef\xbb\xbf".as_slice(), &text].concat()).unwrap();
    let r = run(&root, &["apps", "build"]);
    // Node's JSON.parse (what Cal.com's CLI uses) rejects a BOM too.
    if r.code != Some(0) {
        assert_eq!(r.code, Some(2));
        assert!(
            r.stderr
                .contains("packages/app-store/around/config.json:1:1"),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn non_utf8_file_names() {
    let (_tmp, root) = sample();
    let raw = |rel: &[u8]| root.join(std::ffi::OsStr::from_bytes(rel));
    std::fs::write(raw(b"packages/app-store/giphy/static/\xfe\xff.png"), b"png").unwrap();
    std::fs::write(raw(b"packages/lib/\xfeod.ts"), b"export const a = 1;\n").unwrap();
    assert_green(&all(&root));
    // An app folder whose name is not UTF-8: `apps build` refuses it by
    // name; `assets` leaves it out with a warning naming it and links the
    // rest; no panic.
    std::fs::create_dir_all(raw(b"packages/app-store/bad\xffname/static")).unwrap();
    std::fs::write(
        raw(b"packages/app-store/bad\xffname/static/icon.svg"),
        b"<svg/>",
    )
    .unwrap();
    let runs = all(&root);
    assert_eq!(runs[0].code, Some(0), "{}", runs[0].stderr);
    let loud = Command::new(BIN)
        .args(["assets", "setup", "--color", "never"])
        .current_dir(&root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&loud.stderr);
    assert!(
        stderr.contains("packages/app-store/bad\u{fffd}name: skipped, the name is not UTF-8"),
        "{stderr}"
    );
    assert_eq!(runs[1].code, Some(2));
    assert!(runs[1].stderr.contains("bad"), "{}", runs[1].stderr);
    assert_eq!(runs[3].code, Some(0), "{}", runs[3].stderr);
}

#[test]
fn an_app_store_folder_that_is_a_symlink() {
    let (_tmp, root) = sample();
    let (_tmp2, reference) = sample();
    assert_green(&all(&reference));
    std::fs::rename(
        root.join("packages/app-store"),
        root.join("packages/app-store-real"),
    )
    .unwrap();
    std::os::unix::fs::symlink("app-store-real", root.join("packages/app-store")).unwrap();
    assert_green(&all(&root));
    let ours = std::fs::read(root.join("packages/app-store/apps.metadata.generated.ts")).unwrap();
    let theirs =
        std::fs::read(reference.join("packages/app-store/apps.metadata.generated.ts")).unwrap();
    assert!(ours == theirs);
}

#[test]
fn a_public_folder_linked_outside_the_repository_is_refused() {
    let (tmp, root) = sample();
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(root.join("apps/web/public")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("apps/web/public/app-store")).unwrap();
    let r = run(&root, &["assets", "setup"]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("outside"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_dir(&outside).unwrap().count(),
        0,
        "wrote outside the root"
    );
}

#[test]
fn a_rule_from_the_root_plans_paths_inside_it() {
    // `from: "**"` walks the root itself; files there once came out as
    // `/a.txt` (absolute: a read outside the repository).
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("r");
    std::fs::create_dir_all(root.join("b")).unwrap();
    std::fs::write(
        root.join("warmstart.json"),
        r#"{"assets": {"rules": [{"from": "**", "to": "out/[name][ext]"}],
            "exclude": ["out/**", "warmstart.json", "**/node_modules/**"]}}"#,
    )
    .unwrap();
    std::fs::write(root.join("a.txt"), b"hello").unwrap();
    std::fs::write(root.join("b/c.txt"), b"c").unwrap();
    let r = run(&root, &["assets", "setup"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(
        std::fs::read_link(root.join("out/a.txt")).unwrap(),
        Path::new("../a.txt")
    );
    assert_eq!(std::fs::read(root.join("out/c.txt")).unwrap(), b"c");
    assert_eq!(run(&root, &["assets", "validate"]).code, Some(0));
}
