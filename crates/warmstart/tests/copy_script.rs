//! The `copy-script` sample (Cal.com's 2025 layout) through the binary:
//! doctor is red while dev runs the copy script and green once `init
//! --write` replaced that step; and the sample's real copy script, run by
//! Node.js with `glob` from npm, and `warmstart assets setup` produce the
//! same bytes under `apps/web/public/app-store`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn warmstart(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("warmstart").unwrap();
    cmd.current_dir(dir)
        .env_remove("WARMSTART_ROOT")
        .env("NO_COLOR", "1");
    cmd
}

fn sample(tmp: &Path) -> PathBuf {
    let root = tmp.join("s");
    warmstart(tmp)
        .args(["sample", "s", "--shape", "copy-script", "--apps", "8"])
        .args(["--modules", "120", "--seed", "3", "-q"])
        .assert()
        .success();
    root
}

fn copy_script_check(root: &Path) -> serde_json::Value {
    let out = warmstart(root).args(["doctor", "--json"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "copy-script")
        .cloned()
        .expect("doctor has a copy-script check")
}

#[test]
fn doctor_is_red_before_init_and_green_after() {
    let tmp = tempfile::tempdir().unwrap();
    let root = sample(tmp.path());

    let check = copy_script_check(&root);
    assert_eq!(check["ok"], false, "{check}");
    let detail = check["detail"].as_str().unwrap();
    assert_eq!(
        detail,
        "apps/web/package.json:7:12: `dev` runs `yarn copy-app-store-static`, which copies the app \
         statics (apps/web/scripts/copy-app-store-static.js) on every dev start"
    );
    assert!(
        check["fix"]
            .as_str()
            .unwrap()
            .contains("warmstart init --write")
    );

    warmstart(&root)
        .args(["init", "--write"])
        .assert()
        .success();
    let web = std::fs::read_to_string(root.join("apps/web/package.json")).unwrap();
    assert!(
        web.contains("\"dev\": \"warmstart assets setup && next dev\""),
        "{web}"
    );
    let check = copy_script_check(&root);
    assert_eq!(check["ok"], true, "{check}");
    assert_eq!(
        check["detail"],
        "dev runs `warmstart assets setup` instead of \
         apps/web/scripts/copy-app-store-static.js (kept for builds)"
    );

    let out = warmstart(&root)
        .args(["init", "--write", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["edits"], serde_json::json!([]), "second run: no edit");
}

#[test]
fn unknown_shapes_are_refused_with_the_choices() {
    let tmp = tempfile::tempdir().unwrap();
    let out = warmstart(tmp.path())
        .args(["sample", "s", "--shape", "webpack5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "unknown sample shape `webpack5` (one of: copy-plugin, copy-script, app-router)"
        ),
        "{err}"
    );
}

/// Every file under `dir` (links followed) by relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

#[test]
fn the_real_copy_script_and_assets_setup_write_the_same_bytes() {
    let has = |tool: &str| {
        std::process::Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !has("node") || !has("npm") {
        assert!(std::env::var_os("CI").is_none(), "CI needs node and npm");
        println!("*** SKIPPED copy script bytes: node or npm missing ***");
        eprintln!("*** SKIPPED copy script bytes: node or npm missing ***");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = sample(tmp.path());
    // The script's one dependency, from the registry (the sample pins ^10).
    let deps = tmp.path().join("deps");
    std::fs::create_dir_all(&deps).unwrap();
    std::fs::write(deps.join("package.json"), "{ \"private\": true }\n").unwrap();
    let out = std::process::Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "glob@10.4.5",
        ])
        .current_dir(&deps)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let web = root.join("apps/web");
    let public = web.join("public/app-store");
    let out = std::process::Command::new("node")
        .arg("scripts/copy-app-store-static.js")
        .env("NODE_PATH", deps.join("node_modules"))
        .current_dir(&web)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let copied = files(&public);
    let facts: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("warmstart-sample.json")).unwrap())
            .unwrap();
    let statics = facts["app_store"]["static_files"].as_u64().unwrap() as usize;
    assert_eq!(copied.len(), statics, "{said}");
    assert!(
        said.contains(&format!("copied {statics} app-store static files")),
        "{said}"
    );

    std::fs::remove_dir_all(&public).unwrap();
    warmstart(&root)
        .args(["assets", "setup", "-q"])
        .assert()
        .success();
    let linked = files(&public);
    assert_eq!(
        copied.keys().collect::<Vec<_>>(),
        linked.keys().collect::<Vec<_>>()
    );
    assert!(copied == linked, "the same names, different bytes");
}
