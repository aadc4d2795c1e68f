//! `warmstart graph` end to end on copies of the graph crate's fixture
//! repositories: every output format, the baseline ratchet, fix-types,
//! why, closure and bad input.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../warmstart-graph/tests/fixtures")
        .join(case)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary copy of a fixture (tests may write into it).
fn repo(case: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(case), dir.path());
    dir
}

fn warmstart(root: &Path) -> Command {
    let mut cmd = Command::cargo_bin("warmstart").unwrap();
    cmd.current_dir(root)
        .arg("--root")
        .arg(root)
        .arg("--color")
        .arg("never")
        .env_remove("WARMSTART_ROOT");
    cmd
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(root: &Path, args: &[&str]) -> Run {
    let out = warmstart(root).args(args).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn redact(text: &str) -> String {
    let ms = regex_lite(text);
    ms.replace("\r\n", "\n")
}

/// Replaces the digits of `in N ms` and of `"timings_ms"` values.
fn regex_lite(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        let is_timing = [
            "\"walk\"",
            "\"parse\"",
            "\"resolve\"",
            "\"build\"",
            "\"total\"",
        ]
        .iter()
        .any(|k| trimmed.starts_with(k));
        if is_timing {
            let key = trimmed.split(':').next().unwrap_or("");
            let indent = &line[..line.len() - trimmed.len()];
            let comma = if trimmed.ends_with(',') { "," } else { "" };
            out.push_str(&format!("{indent}{key}: \"[ms]\"{comma}\n"));
        } else if let Some(pos) = line.rfind(", in ") {
            out.push_str(&line[..pos]);
            out.push_str(", in [ms]\n");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn cycles_human_and_exit_code() {
    let dir = repo("type-only-cycle");
    let r = run(dir.path(), &["graph", "cycles"]);
    assert_eq!(r.code, 1, "runtime cycles fail the check: {}", r.stderr);
    insta::assert_snapshot!(redact(&r.stdout));
    let clean = run(
        dir.path(),
        &["graph", "cycles", "--view", "runtime-semantic"],
    );
    assert_eq!(clean.code, 0);
}

#[test]
fn cycles_json_has_every_view() {
    let dir = repo("type-only-cycle");
    let r = run(dir.path(), &["graph", "cycles", "--json", "--unresolved"]);
    let value: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    for view in [
        "runtime",
        "runtime_semantic",
        "runtime_dynamic",
        "static",
        "all",
    ] {
        let v = &value["views"][view];
        assert!(v["groups"].is_u64(), "{view}");
        assert!(v["files_in_cycles"].is_u64(), "{view}");
        assert!(v["largest_group"].is_u64(), "{view}");
        assert!(v["group_list"].is_array(), "{view}");
    }
    assert_eq!(value["views"]["runtime"]["groups"], 1);
    assert_eq!(value["views"]["static"]["files_in_cycles"], 4);
    insta::assert_snapshot!(redact(&r.stdout));
}

#[test]
fn cycles_dot_mermaid_sarif() {
    let dir = repo("barrel-cycle");
    let dot = run(dir.path(), &["graph", "cycles", "--format", "dot"]);
    insta::assert_snapshot!("barrel_dot", dot.stdout);
    let mermaid = run(dir.path(), &["graph", "cycles", "--format", "mermaid"]);
    insta::assert_snapshot!("barrel_mermaid", mermaid.stdout);
    let sarif = run(dir.path(), &["graph", "cycles", "--format", "sarif"]);
    let value: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    assert_eq!(value["version"], "2.1.0");
    insta::assert_snapshot!(
        "barrel_sarif",
        sarif.stdout.replace(env!("CARGO_PKG_VERSION"), "[version]")
    );
}

#[test]
fn baseline_ratchet_fails_only_on_new_cycle_edges() {
    let dir = repo("parse-error");
    let baseline = dir.path().join("cycles.baseline");
    let write = run(
        dir.path(),
        &[
            "graph",
            "cycles",
            "--baseline",
            "cycles.baseline",
            "--update-baseline",
        ],
    );
    assert_eq!(write.code, 0, "{}", write.stderr);
    insta::assert_snapshot!(std::fs::read_to_string(&baseline).unwrap());
    let same = run(
        dir.path(),
        &["graph", "cycles", "--baseline", "cycles.baseline"],
    );
    assert_eq!(same.code, 0, "known cycles pass: {}", same.stderr);
    // A new cycle: c <-> d.
    std::fs::write(
        dir.path().join("src/c.ts"),
        "import { d } from \"./d\";\nexport const c = d;\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("src/d.ts"),
        "import { c } from \"./c\";\nexport const d = c;\n",
    )
    .unwrap();
    let new = run(
        dir.path(),
        &["graph", "cycles", "--baseline", "cycles.baseline"],
    );
    assert_eq!(new.code, 1);
    assert!(
        new.stderr.contains("new cycle edge: src/c.ts -> src/d.ts"),
        "{}",
        new.stderr
    );
    assert!(
        new.stderr.contains("new cycle edge: src/d.ts -> src/c.ts"),
        "{}",
        new.stderr
    );
}

#[test]
fn parse_errors_name_file_line_column() {
    let dir = repo("parse-error");
    let r = run(dir.path(), &["graph", "cycles"]);
    assert!(
        r.stderr.contains("src/broken.ts:4:14: Unexpected token"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("1 parse errors"), "{}", r.stdout);
}

#[test]
fn fix_types_diff_then_write_dissolves_the_cycle() {
    let dir = repo("type-only-cycle");
    let diff = run(dir.path(), &["graph", "fix-types"]);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    insta::assert_snapshot!("fix_types_diff", diff.stdout);
    let before = std::fs::read_to_string(dir.path().join("src/member.ts")).unwrap();
    let write = run(dir.path(), &["graph", "fix-types", "--write"]);
    assert_eq!(write.code, 0, "{}", write.stderr);
    insta::assert_snapshot!("fix_types_write", write.stdout);
    let after = std::fs::read_to_string(dir.path().join("src/member.ts")).unwrap();
    assert_eq!(
        after,
        before.replace(
            "import { Role, roleName }",
            "import type { Role, roleName }"
        ),
        "only the import changes; comments stay"
    );
    let cycles = run(dir.path(), &["graph", "cycles", "--json"]);
    let value: serde_json::Value = serde_json::from_str(&cycles.stdout).unwrap();
    assert_eq!(value["views"]["runtime"]["groups"], 0);
    assert_eq!(value["problems"].as_array().map(Vec::len), Some(0));
}

#[test]
fn why_and_closure() {
    let dir = repo("workspace-tsconfig-extends");
    let why = run(
        dir.path(),
        &[
            "graph",
            "why",
            "apps/web/src/store.ts",
            "packages/ui/src/button.tsx",
        ],
    );
    assert_eq!(why.code, 0, "{}", why.stderr);
    insta::assert_snapshot!("why", why.stdout);
    let closure = run(dir.path(), &["graph", "closure", "apps/web/src/page.tsx"]);
    assert_eq!(closure.code, 0, "{}", closure.stderr);
    insta::assert_snapshot!("closure", closure.stdout);
    let none = run(
        dir.path(),
        &[
            "graph",
            "why",
            "packages/ui/src/button.tsx",
            "apps/web/src/page.tsx",
        ],
    );
    assert_eq!(none.code, 1);
}

#[test]
fn unknown_file_is_a_usage_error() {
    let dir = repo("barrel-cycle");
    let r = run(dir.path(), &["graph", "closure", "lib/nope.ts"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("lib/nope.ts is not a module of the graph"),
        "{}",
        r.stderr
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_unreadable_folders_and_odd_names_do_not_crash() {
    use std::os::unix::ffi::OsStrExt;
    let dir = repo("barrel-cycle");
    std::os::unix::fs::symlink(dir.path(), dir.path().join("lib/loop")).unwrap();
    let odd = std::ffi::OsStr::from_bytes(b"lib/caf\xe9.ts");
    std::fs::write(dir.path().join(odd), "export const x = 1;\n").unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("a.ts"), "export {};\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let big = "export const big = 1;\n".repeat(500_000);
    std::fs::write(dir.path().join("lib/huge.ts"), big).unwrap();
    let r = run(dir.path(), &["graph", "cycles", "--json"]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    let value: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(value["views"]["runtime"]["groups"], 1);
    assert!(r.stderr.contains("not UTF-8"), "{}", r.stderr);
}

#[test]
fn a_warm_json_run_answers_from_the_result_cache_with_the_same_views() {
    let dir = repo("type-only-cycle");
    let cold = run(dir.path(), &["graph", "cycles", "--json"]);
    // Folders written just before the first run are not trusted yet (mtime
    // granularity); a second cold run records settled stamps.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let _ = run(dir.path(), &["graph", "cycles", "--json"]);
    let warm = run(dir.path(), &["graph", "cycles", "--json"]);
    let cold: serde_json::Value = serde_json::from_str(&cold.stdout).unwrap();
    let warm: serde_json::Value = serde_json::from_str(&warm.stdout).unwrap();
    assert_eq!(warm["cache"][0]["bucket"], "graph-result-v1");
    assert_eq!(warm["cache"][0]["hits"], 1);
    for key in ["modules", "edges", "views", "problems", "unresolved"] {
        assert_eq!(cold[key], warm[key], "{key}");
    }
}

/// The first line of a human report, and whether it was the stored one.
fn from_result_cache(stdout: &str) -> bool {
    stdout
        .lines()
        .next()
        .is_some_and(|line| line.ends_with(" ms (result cache)"))
}

#[test]
fn a_warm_human_run_prints_the_stored_report_with_its_verdict() {
    let dir = repo("type-only-cycle");
    let cold = run(dir.path(), &["graph", "cycles"]);
    assert_eq!(cold.code, 1, "{}", cold.stderr);
    assert!(!from_result_cache(&cold.stdout), "{}", cold.stdout);
    // Settled stamps need a run after the mtime granularity (see above).
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let _ = run(dir.path(), &["graph", "cycles"]);
    let warm = run(dir.path(), &["graph", "cycles"]);
    assert!(from_result_cache(&warm.stdout), "{}", warm.stdout);
    assert_eq!(warm.code, 1, "the stored report keeps its verdict");
    assert_eq!(redact(&warm.stdout), redact(&cold.stdout));
    // The JSON answer is kept beside the report: asking for it does not
    // push the report out.
    let json = run(dir.path(), &["graph", "cycles", "--json"]);
    assert_eq!(json.code, 1);
    assert!(from_result_cache(
        &run(dir.path(), &["graph", "cycles"]).stdout
    ));
    // Another view is another report, with its own verdict, then stored.
    let args = ["graph", "cycles", "--view", "runtime-semantic"];
    let semantic = run(dir.path(), &args);
    assert_eq!(semantic.code, 0, "{}", semantic.stderr);
    assert!(!from_result_cache(&semantic.stdout));
    let stored = run(dir.path(), &args);
    assert_eq!(stored.code, 0);
    assert!(from_result_cache(&stored.stdout), "{}", stored.stdout);
    assert_eq!(redact(&stored.stdout), redact(&semantic.stdout));
    // A file added: computed afresh, one module more.
    std::fs::write(dir.path().join("src/extra.ts"), "export const x = 1;\n").unwrap();
    let changed = run(dir.path(), &args);
    assert!(!from_result_cache(&changed.stdout), "{}", changed.stdout);
    assert!(
        changed.stdout.starts_with("6 modules"),
        "{}",
        changed.stdout
    );
}

/// The result cache is written on a thread of its own beside the buckets'
/// saves. When it won the race to an empty cache folder (CI, 2 cores under
/// load), it made the folder without the tag, and every later save then
/// refused the folder as not the cache's: the buckets were never saved
/// again. A folder left that way is the cache's, and the tag comes first.
#[test]
fn a_cache_folder_holding_only_the_result_files_is_still_the_caches() {
    let dir = repo("type-only-cycle");
    let cache = dir.path().join("node_modules/.cache/warmstart");
    std::fs::create_dir_all(&cache).unwrap();
    for name in ["graph-report-v1.idx", "graph-report-v1.out"] {
        std::fs::write(cache.join(name), "").unwrap();
    }
    let out = run(dir.path(), &["graph", "cycles"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        !out.stderr.contains("not a warmstart cache folder"),
        "{}",
        out.stderr
    );
    for name in ["CACHEDIR.TAG", ".lock", "graph-parse-v1.cache"] {
        assert!(cache.join(name).is_file(), "no {name}: {}", out.stderr);
    }
}

#[test]
fn first_page_of_the_sample_login_route() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("sample");
    warmstart_sample::generate(&root, &warmstart_sample::SampleOptions::default()).unwrap();
    let r = run(&root, &["graph", "closure", "/auth/login", "--by-package"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("first_page_human", r.stdout);
    let suggestions = root.join("suggestions.json");
    let r = run(
        &root,
        &[
            "--json",
            "graph",
            "closure",
            "/auth/login",
            "--by-package",
            "--write-suggestions",
            suggestions.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("first_page_json", r.stdout);
    // Entries over 10 % of the route's client modules, for withWarmstart.
    insta::assert_snapshot!(
        "first_page_suggestions_file",
        std::fs::read_to_string(&suggestions).unwrap()
    );
}

#[test]
fn closure_of_the_metadata_after_the_lazy_switch_reaches_the_gitignored_lazy_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("sample");
    warmstart_sample::generate(&root, &warmstart_sample::SampleOptions::default()).unwrap();
    let r = run(&root, &["apps", "build", "--mode", "lazy"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The lazy outputs are gitignored by warmstart's own block.
    let ignore = std::fs::read_to_string(root.join(".gitignore")).unwrap();
    assert!(
        ignore.contains("apps.metadata.lazy.generated.ts"),
        "{ignore}"
    );
    // The documented one-line switch (docs/apps.md).
    let meta = root.join("packages/app-store/appStoreMetaData.ts");
    let text = std::fs::read_to_string(&meta).unwrap();
    let switched = text.replace(
        "\"./apps.metadata.generated\"",
        "\"./apps.metadata.lazy.generated\"",
    );
    assert_ne!(text, switched);
    std::fs::write(&meta, switched).unwrap();
    let r = run(
        &root,
        &[
            "--json",
            "graph",
            "closure",
            "packages/app-store/appStoreMetaData.ts",
            "--top",
            "50",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let value: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let modules: Vec<&str> = value["largest"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m[0].as_str().unwrap())
        .collect();
    assert!(
        modules.contains(&"packages/app-store/apps.metadata.lazy.generated.ts"),
        "{modules:?}"
    );
    assert!(value["modules"].as_u64().unwrap() <= 6, "{modules:?}");
    // The lazy file itself is a module: its closure works.
    let r = run(
        &root,
        &[
            "graph",
            "closure",
            "packages/app-store/apps.metadata.lazy.generated.ts",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn fix_barrels_on_the_sample_rewrites_loader_and_check_ratchets() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("sample");
    warmstart_sample::generate(&root, &warmstart_sample::SampleOptions::default()).unwrap();
    // --check without a baseline: every barrel import is new.
    let r = run(&root, &["graph", "fix-barrels", "apps/web", "--check"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("apps/web/components/Loader.tsx"),
        "{}",
        r.stdout
    );
    let baseline = root.join(".barrels-baseline");
    let b = baseline.to_str().unwrap();
    let r = run(
        &root,
        &[
            "graph",
            "fix-barrels",
            "apps/web",
            "--check",
            "--baseline",
            b,
            "--update-baseline",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(
        &root,
        &[
            "graph",
            "fix-barrels",
            "apps/web",
            "--check",
            "--baseline",
            b,
        ],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // A new barrel import fails the ratchet.
    std::fs::write(
        root.join("apps/web/components/NewThing.tsx"),
        "import { Button } from \"@calcom/ui\";\nexport const NewThing = Button;\n",
    )
    .unwrap();
    let r = run(
        &root,
        &[
            "graph",
            "fix-barrels",
            "apps/web",
            "--check",
            "--baseline",
            b,
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout.contains("apps/web/components/NewThing.tsx"),
        "{}",
        r.stdout
    );
    std::fs::remove_file(root.join("apps/web/components/NewThing.tsx")).unwrap();

    let r = run(
        &root,
        &["graph", "fix-barrels", "apps/web", "--route", "/auth/login"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("fix_barrels_sample_diff", r.stdout);
    let r = run(&root, &["graph", "fix-barrels", "apps/web", "--write"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let loader = std::fs::read_to_string(root.join("apps/web/components/Loader.tsx")).unwrap();
    assert!(!loader.contains("from \"@calcom/ui\""), "{loader}");
    // Idempotent: a second --write changes nothing.
    let before = std::fs::read_to_string(root.join("apps/web/components/Loader.tsx")).unwrap();
    let r = run(
        &root,
        &["--json", "graph", "fix-barrels", "apps/web", "--write"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let value: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(value["files"].as_array().unwrap().len(), 0, "{}", r.stdout);
    assert_eq!(
        before,
        std::fs::read_to_string(root.join("apps/web/components/Loader.tsx")).unwrap()
    );
}
