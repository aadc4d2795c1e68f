//! `warmstart init` and `warmstart doctor` on the generated sample.

use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;

fn warmstart(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("warmstart").unwrap();
    cmd.current_dir(dir)
        .env_remove("WARMSTART_ROOT")
        .env("NO_COLOR", "1");
    cmd
}

fn sample() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let options = warmstart_sample::SampleOptions {
        apps: 8,
        modules: 120,
        seed: 3,
        ..warmstart_sample::SampleOptions::default()
    };
    warmstart_sample::generate(&tmp.path().join("s"), &options).unwrap();
    tmp
}

#[test]
fn init_twice_changes_nothing_the_second_time() {
    let tmp = sample();
    let root = tmp.path().join("s");
    let before = std::fs::read_to_string(root.join("package.json")).unwrap();

    // Without --write nothing changes on disk.
    warmstart(&root).arg("init").assert().success();
    assert!(!root.join("warmstart.json").exists());

    warmstart(&root)
        .args(["init", "--write"])
        .assert()
        .success();
    let config = std::fs::read_to_string(root.join("warmstart.json")).unwrap();
    assert!(config.contains("\"preset\": \"calcom\""), "{config}");
    let scripts = std::fs::read_to_string(root.join("package.json")).unwrap();
    assert!(scripts.contains("warmstart apps build && warmstart assets setup"));
    assert_eq!(
        std::fs::read_to_string(root.join("package.json.warmstart-backup")).unwrap(),
        before
    );

    let snapshot = |p: &str| std::fs::read(root.join(p)).unwrap();
    let files = ["warmstart.json", "package.json", "apps/web/next.config.js"];
    let first: Vec<_> = files.iter().map(|f| snapshot(f)).collect();
    let out = warmstart(&root)
        .args(["init", "--write", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["edits"], serde_json::json!([]));
    let second: Vec<_> = files.iter().map(|f| snapshot(f)).collect();
    assert_eq!(first, second);
}

/// The failing checks of `doctor --json`, with their details.
fn failed_checks(root: &Path) -> Vec<(String, String)> {
    let out = warmstart(root).args(["doctor", "--json"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ok"] == false)
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["detail"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Without `node_modules` the config cannot be loaded as `next dev` loads
/// it: the copy-plugin check says why and is not green (tests/doctor_probe.rs
/// has the real packages and the green case).
fn assert_cannot_load(detail: &str) {
    let no_node = Process::new("node").arg("--version").output().is_err();
    let want = if no_node {
        "could not check apps/web's next.config as `next dev` loads it: `node` could not be started"
    } else {
        "could not check apps/web/next.config.js as `next dev` loads it: loading it failed: Cannot find module 'dotenv'"
    };
    assert!(detail.starts_with(want), "{detail}");
}

#[test]
fn doctor_names_registries_and_assets_until_build_and_setup() {
    let tmp = sample();
    let root = tmp.path().join("s");
    warmstart(&root)
        .args(["init", "--write"])
        .assert()
        .success();

    let failed = failed_checks(&root);
    let names: Vec<&str> = failed.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["copy-plugin", "registries", "assets"]);
    assert_cannot_load(&failed[0].1);

    warmstart(&root).args(["apps", "build"]).assert().success();
    warmstart(&root)
        .args(["assets", "setup"])
        .assert()
        .success();
    let failed = failed_checks(&root);
    let names: Vec<&str> = failed.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["copy-plugin"]);
}

#[test]
fn doctor_says_why_it_cannot_check_the_config() {
    let tmp = sample();
    let root = tmp.path().join("s");
    let out = warmstart(&root).arg("doctor").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let line = text
        .lines()
        .find(|l| l.contains("copy-plugin"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.starts_with("FAIL copy-plugin"), "{text}");
    assert_cannot_load(line.trim_start_matches("FAIL copy-plugin").trim_start());
}
