//! `warmstart demo` runs every part on the sample, each a step with its
//! figure: the cycles of every view with where to cut, and what the login
//! route compiles with its top offender and the edit that removes it.

use assert_cmd::Command;

#[test]
fn demo_shows_cycles_per_view_and_the_login_routes_top_offender() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("warmstart")
        .unwrap()
        .args(["demo", "--json", "--keep"])
        .arg(tmp.path().join("sample"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let steps = json["steps"].as_array().unwrap();
    let names: Vec<&str> = steps.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "sample",
            "apps build",
            "assets setup",
            "graph cycles",
            "first page /auth/login",
            "cache",
            "dev server"
        ]
    );
    let summary = |name: &str| {
        steps.iter().find(|s| s["name"] == name).unwrap()["summary"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // The default sample's planted cycles (warmstart-sample.json), one line
    // per view, each with its first cut.
    let cycles = summary("graph cycles");
    let facts: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("sample/warmstart-sample.json")).unwrap(),
    )
    .unwrap();
    for view in [
        "runtime",
        "runtime_semantic",
        "runtime_dynamic",
        "static",
        "all",
    ] {
        let line = cycles
            .lines()
            .find(|l| l.split_whitespace().next() == Some(view))
            .unwrap_or_else(|| panic!("no {view} line: {cycles}"));
        let groups = facts["planted"]["expected"][view]["groups"]
            .as_u64()
            .unwrap();
        assert!(
            line.contains(&format!(" {groups} groups,")),
            "{line} ({groups})"
        );
        assert!(line.contains("cut first: "), "{line}");
    }
    let page = summary("first page /auth/login");
    assert!(page.starts_with("client "), "{page}");
    assert!(
        page.contains(
            "top offender: packages/ui/components/form/date-range-picker/DateRangePicker.tsx:2 \
             imports tiny-dates/locale — 30 modules only it brings"
        ),
        "{page}"
    );
    assert!(
        page.contains(
            "the edit that removes it: optimizePackageImports \"tiny-dates/locale\" in \
             next.config.js, predicted −30 modules"
        ),
        "{page}"
    );
}
