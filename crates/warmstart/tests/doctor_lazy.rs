//! `warmstart doctor` with `apps.lazy`: the lazy registries are checked too,
//! so a stale or missing one shows red (the compatible build alone would
//! call it green).

use std::path::Path;

use assert_cmd::Command;

fn warmstart(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("warmstart").unwrap();
    cmd.current_dir(dir)
        .env_remove("WARMSTART_ROOT")
        .env("NO_COLOR", "1");
    cmd
}

/// The names of the red checks and the registries check's detail. The
/// copy-plugin check is left out: it loads next.config with the installed
/// Next (tests/doctor_probe.rs covers it), and this sample has no
/// node_modules, so it is red here whatever the registries say.
fn doctor(root: &Path) -> (Option<i32>, Vec<String>, String) {
    let out = warmstart(root).args(["doctor", "--json"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let checks = json["checks"].as_array().unwrap();
    let failed = checks
        .iter()
        .filter(|c| c["ok"] == false && c["name"] != "copy-plugin")
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    let detail = checks
        .iter()
        .find(|c| c["name"] == "registries")
        .map(|c| c["detail"].as_str().unwrap().to_string())
        .unwrap();
    (out.status.code(), failed, detail)
}

#[test]
fn doctor_checks_the_lazy_outputs_when_apps_lazy_is_on() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("s");
    let options = warmstart_sample::SampleOptions {
        apps: 8,
        modules: 120,
        seed: 3,
        ..Default::default()
    };
    warmstart_sample::generate(&root, &options).unwrap();
    warmstart(&root)
        .args(["init", "--write"])
        .assert()
        .success();
    std::fs::write(
        root.join("warmstart.json"),
        "{ \"preset\": \"calcom\", \"apps\": { \"lazy\": true } }\n",
    )
    .unwrap();
    // The compatible registries alone (as the sample ships them) are not
    // enough once apps.lazy is on: the lazy ones are missing.
    warmstart(&root)
        .args(["apps", "build", "--mode", "compat"])
        .assert()
        .success();
    warmstart(&root)
        .args(["assets", "setup"])
        .assert()
        .success();
    let (code, failed, detail) = doctor(&root);
    assert_eq!((code, failed), (Some(1), vec!["registries".to_string()]));
    assert!(
        detail.contains("apps.metadata.lazy.generated.ts"),
        "{detail}"
    );

    // `apps build` (lazy by configuration) makes everything green.
    warmstart(&root).args(["apps", "build"]).assert().success();
    let (code, failed, detail) = doctor(&root);
    assert_eq!((code, failed.len()), (Some(1), 0), "{detail}");
    assert!(detail.contains("(apps.lazy)"), "{detail}");

    // One changed byte in a lazy registry is stale again.
    let lazy = root.join("packages/app-store/apps.metadata.lazy.generated.ts");
    let mut text = std::fs::read_to_string(&lazy).unwrap();
    text.push(' ');
    std::fs::write(&lazy, text).unwrap();
    let (code, failed, detail) = doctor(&root);
    assert_eq!((code, failed), (Some(1), vec!["registries".to_string()]));
    assert_eq!(
        detail,
        "stale: packages/app-store/apps.metadata.lazy.generated.ts"
    );
}
