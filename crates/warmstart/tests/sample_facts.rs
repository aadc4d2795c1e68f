//! The facts the sample records (`warmstart-sample.json`) are what the other
//! commands find on it: registry entry counts after `apps build`, cycle
//! groups per view (before and after the registries exist), and the value
//! imports `graph fix-types` would rewrite.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn run_json(dir: &Path, args: &[&str]) -> Value {
    let out = Command::cargo_bin("warmstart")
        .unwrap()
        .current_dir(dir)
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    assert_ne!(
        out.status.code(),
        Some(2),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn cycles_match(dir: &Path, facts: &Value) {
    let cycles = run_json(dir, &["graph", "cycles"]);
    for view in warmstart_sample::VIEWS {
        let expected = &facts["planted"]["expected"][view];
        let got = &cycles["views"][view];
        for key in ["groups", "files_in_cycles", "largest_group"] {
            assert_eq!(got[key], expected[key], "{view}.{key}");
        }
    }
}

#[test]
fn other_commands_find_what_the_sample_planted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let options = warmstart_sample::SampleOptions {
        apps: 30,
        modules: 1500,
        seed: 11,
        ..warmstart_sample::SampleOptions::default()
    };
    warmstart_sample::generate(&dir, &options).unwrap();
    let facts: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("warmstart-sample.json")).unwrap())
            .unwrap();

    cycles_match(&dir, &facts);

    let fix = run_json(&dir, &["graph", "fix-types"]);
    let planted = facts["planted"]["type_only_value_imports"]
        .as_array()
        .unwrap();
    assert_eq!(fix["rewrites"].as_u64().unwrap() as usize, planted.len());
    assert_eq!(
        fix["runtime_predicted"]["groups"],
        facts["planted"]["expected"]["runtime_semantic"]["groups"]
    );

    let build = run_json(&dir, &["apps", "build"]);
    let store = &facts["app_store"];
    let browser: u64 = store["components"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    let entries: std::collections::BTreeMap<&str, &Value> = build["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("packages/app-store/"),
                &f["entries"],
            )
        })
        .collect();
    for (file, n) in [
        ("apps.metadata.generated.ts", &store["apps"]),
        ("apps.server.generated.ts", &store["api_apps"]),
        ("apps.browser.generated.tsx", &Value::from(browser)),
        ("apps.schemas.generated.ts", &store["zod_apps"]),
        ("apps.keys-schemas.generated.ts", &store["zod_apps"]),
        ("bookerApps.metadata.generated.ts", &store["booker_apps"]),
    ] {
        assert_eq!(entries.get(file).copied(), Some(n), "{file}");
    }
    // The registries import every app's files: still no new cycle.
    cycles_match(&dir, &facts);
}
