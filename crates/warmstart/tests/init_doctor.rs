//! `warmstart init` and `warmstart doctor` on the generated sample.

use std::path::Path;

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

#[test]
fn doctor_is_green_only_after_build_and_setup() {
    let tmp = sample();
    let root = tmp.path().join("s");
    warmstart(&root)
        .args(["init", "--write"])
        .assert()
        .success();

    let out = warmstart(&root)
        .args(["doctor", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "registries and assets are not set up yet"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let failed: Vec<&str> = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ok"] == false)
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["registries", "assets"]);

    warmstart(&root).args(["apps", "build"]).assert().success();
    warmstart(&root)
        .args(["assets", "setup"])
        .assert()
        .success();
    let out = warmstart(&root).arg("doctor").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("copy-plugin"), "{text}");
}

#[test]
fn doctor_names_the_copy_plugin_until_init() {
    let tmp = sample();
    let root = tmp.path().join("s");
    let out = warmstart(&root).arg("doctor").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("still copies app statics with CopyWebpackPlugin"),
        "{text}"
    );
    assert!(text.contains("warmstart init --write"), "{text}");
}
