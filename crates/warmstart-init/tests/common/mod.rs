//! Shared by the init tests: Node.js, packages from the npm registry, and
//! the repository's own `warmstart` npm package.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

/// Node.js and npm are here; otherwise the test says it is skipped
/// (visible in `cargo test` output through a panic-free message on stdout
/// and stderr) — and fails under CI.
pub fn node_or_skip(test: &str) -> bool {
    let has = |tool: &str| {
        Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if has("node") && has("npm") {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{test}: CI needs node and npm"
    );
    println!("*** SKIPPED {test}: node or npm missing ***");
    eprintln!("*** SKIPPED {test}: node or npm missing ***");
    false
}

/// The repository's npm package (`warmstart`, with `warmstart/next`).
pub fn warmstart_package() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../npm/warmstart")
        .canonicalize()
        .expect("npm/warmstart exists")
}

/// Makes `require("warmstart/next")` resolve from `dir` to the repository's
/// package, as an installed dependency would.
pub fn link_warmstart(dir: &Path) {
    let modules = dir.join("node_modules");
    std::fs::create_dir_all(&modules).unwrap();
    let link = modules.join("warmstart");
    if !link.exists() {
        std::os::unix::fs::symlink(warmstart_package(), link).unwrap();
    }
}

static INSTALL: Mutex<()> = Mutex::new(());

/// Installs `packages` (npm specs) from the registry once per test binary
/// run folder; returns the `node_modules` folder.
pub fn npm_install(name: &str, packages: &[&str]) -> PathBuf {
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("init-npm")
        .join(name);
    let marker = dir.join(format!(
        "installed-{}",
        packages.join("+").replace('/', "_")
    ));
    if !marker.exists() {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("package.json"), "{ \"private\": true }\n").unwrap();
        let out = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
            .args(packages)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "npm install {packages:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::write(&marker, "").unwrap();
    }
    dir.join("node_modules")
}

/// Runs `node -e script` in `cwd` with extra `NODE_PATH` folders.
pub fn node(cwd: &Path, script: &str, node_path: &[&Path]) -> Output {
    node_with(cwd, &[], script, node_path)
}

/// [`node`] with environment variables.
pub fn node_with(cwd: &Path, env: &[(&str, &str)], script: &str, node_path: &[&Path]) -> Output {
    let mut cmd = Command::new("node");
    cmd.arg("-e").arg(script).current_dir(cwd);
    for (k, v) in env {
        cmd.env(k, v);
    }
    if !node_path.is_empty() {
        let joined = std::env::join_paths(node_path).unwrap();
        cmd.env("NODE_PATH", joined);
    }
    cmd.output().unwrap()
}

pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
