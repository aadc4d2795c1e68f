//! Statics copied by a script: detection through `dev` chains (scripts,
//! `turbo run`, turbo `dependsOn`), init's rewrite of the step to
//! `warmstart assets setup` (snapshots of the diffs), idempotence, and the
//! refusals. Trees are written here; the generated `copy-script` sample is
//! covered in `tests/copy_script_sample.rs`.

use std::path::Path;

use warmstart_init::{DevStatics, StaticsReport, plan, statics_report};
use warmstart_workspace::Preset;

const COPY_JS: &str = r#"const fs = require("fs");
const path = require("path");
const glob = require("glob");
for (const file of glob.sync("../../packages/app-store/**/static/**/*", { nodir: true })) {
  const app = /app-store\/(.*?)\/static/.exec(file)[1];
  const dir = path.join(process.cwd(), "public", "app-store", app);
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(file, path.join(dir, path.basename(file)));
}
"#;

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

const ROOT: &str = r#"{
  "name": "monorepo",
  "workspaces": ["apps/*", "packages/*"],
  "scripts": {
    "dev": "turbo run dev --filter=@calcom/web"
  }
}
"#;

fn web(scripts: &str) -> String {
    format!("{{\n  \"name\": \"@calcom/web\",\n  \"scripts\": {{\n{scripts}\n  }}\n}}\n")
}

fn report(root: &Path) -> StaticsReport {
    statics_report(root, Preset::Calcom).unwrap()
}

/// Plans, snapshots every diff but warmstart.json's and the root's own
/// script edits, applies, and checks a second plan is empty.
fn init_diffs(root: &Path) -> String {
    let edits = plan(root, Preset::Calcom).unwrap();
    let shown: String = edits
        .iter()
        .filter(|e| e.path == "turbo.json" || e.path.starts_with("apps/web/package.json"))
        .map(|e| format!("{}\n{}", e.why, e.diff()))
        .collect();
    warmstart_init::apply(root, &edits).unwrap();
    assert!(
        plan(root, Preset::Calcom).unwrap().is_empty(),
        "a second init changes nothing"
    );
    shown
}

#[test]
fn calcom_2025_turbo_run_in_the_dev_script() {
    let dir = tree(&[
        ("package.json", ROOT),
        (
            "apps/web/package.json",
            &web(
                "    \"copy-app-store-static\": \"node scripts/copy-app-store-static.js\",\n    \"dev\": \"turbo run copy-app-store-static && next dev --turbopack\",\n    \"build\": \"next build\"",
            ),
        ),
        ("apps/web/scripts/copy-app-store-static.js", COPY_JS),
        (
            "turbo.json",
            "{\n  \"tasks\": {\n    \"@calcom/web#copy-app-store-static\": { \"outputs\": [\"public/app-store/**\"] },\n    \"@calcom/web#build\": { \"dependsOn\": [\"^build\", \"@calcom/web#copy-app-store-static\"] },\n    \"dev\": { \"cache\": false, \"persistent\": true }\n  }\n}\n",
        ),
    ]);
    let before = report(dir.path());
    assert_eq!(before.dev_statics(), DevStatics::StillCopies);
    insta::assert_json_snapshot!("turbo_run_report", before);
    insta::assert_snapshot!("turbo_run_diff", init_diffs(dir.path()));
    let after = report(dir.path());
    assert_eq!(after.dev_statics(), DevStatics::Skipped);
    assert!(after.dev_copy_skipped());
    // Builds still copy: the script and the build dependency are kept.
    let turbo = std::fs::read_to_string(dir.path().join("turbo.json")).unwrap();
    assert!(turbo.contains("\"^build\", \"@calcom/web#copy-app-store-static\""));
}

#[test]
fn a_turbo_dependency_of_dev_is_removed_and_dev_links_first() {
    let dir = tree(&[
        ("package.json", ROOT),
        (
            "apps/web/package.json",
            &web("    \"copy-static\": \"node ./scripts/copy.js\",\n    \"dev\": \"next dev\""),
        ),
        ("apps/web/scripts/copy.js", COPY_JS),
        (
            "turbo.json",
            "{\n  // turbo 1 keeps tasks under \"pipeline\"\n  \"pipeline\": {\n    \"@calcom/web#dev\": {\n      \"dependsOn\": [\n        \"@calcom/web#copy-static\",\n        \"^build\"\n      ],\n      \"cache\": false\n    },\n    \"@calcom/web#copy-static\": {}\n  }\n}\n",
        ),
    ]);
    let before = report(dir.path());
    assert_eq!(before.dev_steps.len(), 1, "{before:#?}");
    assert_eq!(
        before.dev_steps[0].via,
        ["package.json: dev", "turbo: @calcom/web#dev"]
    );
    insta::assert_snapshot!("turbo_depends_on_diff", init_diffs(dir.path()));
    assert!(report(dir.path()).dev_copy_skipped());
}

#[test]
fn a_step_inside_a_dev_only_script_is_rewritten_there() {
    let dir = tree(&[
        ("package.json", ROOT),
        (
            "apps/web/package.json",
            &web(
                "    \"copy-static\": \"node scripts/copy.js\",\n    \"prepare-dev\": \"yarn copy-static && echo ready\",\n    \"dev\": \"yarn prepare-dev && next dev\",\n    \"build\": \"yarn copy-static && next build\"",
            ),
        ),
        ("apps/web/scripts/copy.js", COPY_JS),
    ]);
    insta::assert_snapshot!("nested_dev_only_diff", init_diffs(dir.path()));
}

#[test]
fn a_step_shared_with_the_build_is_refused() {
    let dir = tree(&[
        ("package.json", ROOT),
        (
            "apps/web/package.json",
            &web(
                "    \"copy-static\": \"node scripts/copy.js\",\n    \"prepare\": \"yarn copy-static && echo ready\",\n    \"dev\": \"yarn prepare && next dev\",\n    \"build\": \"yarn prepare && next build\"",
            ),
        ),
        ("apps/web/scripts/copy.js", COPY_JS),
    ]);
    let err = plan(dir.path(), Preset::Calcom).unwrap_err().to_string();
    insta::assert_snapshot!("shared_with_build_refused", err);
}

#[test]
fn a_script_that_also_writes_other_files_is_refused() {
    let with_hashes = format!(
        "{COPY_JS}fs.writeFileSync(path.join(\"public\", \"app-store\", \"svg-hashes.json\"), \"{{}}\");\n"
    );
    let dir = tree(&[
        ("package.json", ROOT),
        (
            "apps/web/package.json",
            &web(
                "    \"copy-static\": \"node scripts/copy.js\",\n    \"dev\": \"yarn copy-static && next dev\"",
            ),
        ),
        ("apps/web/scripts/copy.js", &with_hashes),
    ]);
    let report = report(dir.path());
    assert_eq!(
        report.programs[0].also_writes,
        ["path.join(\"public\", \"app-store\", \"svg-hashes.json\")"]
    );
    let err = plan(dir.path(), Preset::Calcom).unwrap_err().to_string();
    assert!(err.contains("svg-hashes.json"), "{err}");
    assert!(err.contains("apps/web/package.json"), "{err}");
}

#[test]
fn scripts_that_copy_something_else_are_left_alone() {
    let dir = tree(&[
        ("package.json", ROOT),
        (
            "apps/web/package.json",
            &web("    \"env\": \"node scripts/env.js\",\n    \"dev\": \"yarn env && next dev\""),
        ),
        (
            "apps/web/scripts/env.js",
            "require(\"fs\").copyFileSync(\".env.example\", \".env\");\n",
        ),
    ]);
    let r = report(dir.path());
    assert_eq!(r.dev_statics(), DevStatics::NoScript, "{r:#?}");
    let edits = plan(dir.path(), Preset::Calcom).unwrap();
    assert!(edits.iter().all(|e| e.path != "apps/web/package.json"));
}

#[test]
fn cycles_between_scripts_end() {
    let dir = tree(&[
        ("package.json", ROOT),
        (
            "apps/web/package.json",
            &web(
                "    \"a\": \"yarn b\",\n    \"b\": \"yarn a\",\n    \"dev\": \"yarn a && next dev\"",
            ),
        ),
    ]);
    assert_eq!(report(dir.path()).dev_statics(), DevStatics::NoScript);
}
