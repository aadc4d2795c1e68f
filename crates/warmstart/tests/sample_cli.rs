//! `warmstart sample`: writes the sample, reports it, refuses a folder
//! that already holds files.

use assert_cmd::Command;

fn warmstart() -> Command {
    Command::cargo_bin("warmstart").unwrap()
}

#[test]
fn writes_a_sample_and_reports_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("sample");
    let out = warmstart()
        .args(["sample", "--apps", "25", "--modules", "700", "--seed", "3"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("25 apps, 700 modules"), "{stdout}");
    let facts: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("warmstart-sample.json")).unwrap())
            .unwrap();
    assert_eq!(facts["seed"], 3);
    assert_eq!(facts["planted"]["expected"]["runtime"]["groups"], 7);
    assert!(
        dir.join("packages/app-store/stripepayment/_metadata.ts")
            .is_file()
    );
}

#[test]
fn json_output_is_the_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("sample");
    let out = warmstart()
        .args(["--json", "sample"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["apps"], 24);
    assert_eq!(summary["modules"], 600);
    assert_eq!(summary["planted"]["barrel_cycles"], 2);
}

#[test]
fn refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let out = warmstart().arg("sample").arg(tmp.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not empty"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn output_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("sample");
    let out = warmstart()
        .args(["sample", "--modules", "1000"])
        .arg(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    insta::with_settings!({filters => vec![
        (regex_escape(&tmp.path().display().to_string()).as_str(), "[TMP]"),
        (r"in [0-9.]+(ms|s|µs)", "in [TIME]"),
    ]}, {
        insta::assert_snapshot!(stdout);
    });
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if "\\.+*?()|[]{}^$".contains(c) {
                vec!['\\', c]
            } else {
                vec![c]
            }
        })
        .collect()
}

/// `--shape app-router` (issue 16): Next 15 with `next dev --turbopack` and
/// the App Router; `graph closure /auth/login --by-package` finds the route
/// in its route group with the layout chain, predicts under Turbopack, and
/// the module totals it predicts after `fix-barrels --write` are the ones
/// it finds on the rewritten tree.
#[test]
fn app_router_shape_predicts_and_fix_barrels_cuts_the_route() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let out = warmstart()
        .args(["sample", "--shape", "app-router"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("(app-router shape)"), "{stdout}");
    let web: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("apps/web/package.json")).unwrap())
            .unwrap();
    assert_eq!(web["scripts"]["dev"], "next dev --turbopack");
    assert!(
        web["dependencies"]["next"]
            .as_str()
            .unwrap()
            .starts_with("^15")
    );
    assert!(dir.join(warmstart_sample::APP_ROUTER_LOGIN_PAGE).is_file());
    assert!(!dir.join("apps/web/pages/auth/login.tsx").exists());

    let closure = |dir: &std::path::Path| -> serde_json::Value {
        let out = warmstart()
            .current_dir(dir)
            .args(["--json", "graph", "closure", "/auth/login", "--by-package"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let before = closure(&dir);
    assert_eq!(before["bundler"], "turbopack", "from the dev script");
    let files: Vec<&str> = before["route"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(files.first(), Some(&"apps/web/app/layout.tsx"));
    assert_eq!(files.last(), Some(&warmstart_sample::APP_ROUTER_LOGIN_PAGE));
    assert!(files.contains(&"apps/web/app/(use-page-wrapper)/layout.tsx"));
    let boundaries = before["route"]["client_boundaries"].as_array().unwrap();
    assert!(
        boundaries
            .iter()
            .any(|b| b == "apps/web/modules/auth/login-view.tsx"),
        "{boundaries:?}"
    );
    let predicted = &before["after_fix_barrels"];
    let (client, server) = (
        before["client"]["modules"].as_u64().unwrap(),
        before["server"]["modules"].as_u64().unwrap(),
    );
    assert!(
        predicted["client"].as_u64().unwrap() < client,
        "{predicted}"
    );

    let out = warmstart()
        .current_dir(&dir)
        .args([
            "--json",
            "graph",
            "fix-barrels",
            "--write",
            "--route",
            "/auth/login",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fixed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let route = &fixed["routes"][0];
    assert_eq!(route["client"]["before"], client);
    assert_eq!(route["server"]["before"], server);
    let after = closure(&dir);
    // What fix-barrels predicted is what the rewritten tree compiles.
    assert_eq!(after["client"]["modules"], route["client"]["after"]);
    assert_eq!(after["server"]["modules"], route["server"]["after"]);
    let (ca, sa) = (
        after["client"]["modules"].as_u64().unwrap(),
        after["server"]["modules"].as_u64().unwrap(),
    );
    assert!(
        (ca + sa) * 10 <= (client + server) * 7,
        "fix-barrels cuts the route by 30 % or more: {client}+{server} → {ca}+{sa}"
    );
}
