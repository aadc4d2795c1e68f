//! `warmstart apps build` through the real binary on the generated sample:
//! output, exit codes, untouched mtimes, `--check` diffs, a user registry
//! from warmstart.json, every bad input, and `--watch` recovering from a
//! bad edit.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use warmstart_sample::SampleOptions;

const STORE: &str = "packages/app-store";
const OUTPUTS: [&str; 6] = [
    "apps.metadata.generated.ts",
    "apps.server.generated.ts",
    "apps.browser.generated.tsx",
    "apps.schemas.generated.ts",
    "apps.keys-schemas.generated.ts",
    "bookerApps.metadata.generated.ts",
];

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_warmstart"));
    cmd.env("NO_COLOR", "1").env_remove("WARMSTART_ROOT");
    cmd
}

fn sample() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("sample");
    warmstart_sample::generate(&root, &SampleOptions::default()).unwrap();
    (dir, root)
}

fn run(root: &Path, args: &[&str]) -> (i32, String, String) {
    let out = bin().current_dir(root).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn outputs(root: &Path) -> Vec<(String, Option<Vec<u8>>)> {
    OUTPUTS
        .iter()
        .map(|f| (f.to_string(), fs::read(root.join(STORE).join(f)).ok()))
        .collect()
}

#[test]
fn build_then_no_change_then_check() {
    let (_tmp, root) = sample();
    let (code, stdout, _) = run(&root, &["apps", "build", "--json"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("first_build_json", stdout);

    // A second run writes nothing: every mtime stays (set to an hour ago so
    // a rewrite could not hide inside the same clock tick).
    let old = SystemTime::now() - Duration::from_secs(3600);
    for f in OUTPUTS {
        let file = fs::File::options()
            .write(true)
            .open(root.join(STORE).join(f))
            .unwrap();
        file.set_modified(old).unwrap();
    }
    let (code, stdout, stderr) = run(&root, &["apps", "build"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "", "nothing written, nothing listed");
    assert!(stderr.contains("0 written, 6 unchanged"), "{stderr}");
    for f in OUTPUTS {
        let mtime = fs::metadata(root.join(STORE).join(f))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(mtime, old, "{f} was rewritten");
    }

    // From a folder below the root, --check agrees.
    let (code, _, stderr) = run(&root.join("apps/web"), &["apps", "build", "--check"]);
    assert_eq!(code, 0, "{stderr}");

    // A new app makes --check fail with a diff, and write nothing.
    write(
        &root,
        &format!("{STORE}/newapp/config.json"),
        r#"{ "slug": "newapp" }"#,
    );
    write(
        &root,
        &format!("{STORE}/newapp/api/index.ts"),
        "export {};\n",
    );
    let before = outputs(&root);
    let (code, stdout, _) = run(&root, &["apps", "build", "--check"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("check_stale", stdout);
    assert_eq!(outputs(&root), before, "--check wrote something");
}

#[test]
fn a_user_registry_from_warmstart_json() {
    let (_tmp, root) = sample();
    write(
        &root,
        "warmstart.json",
        r#"{
          // A CRM map, as later Cal.com versions have (docs/apps.md).
          "apps": {
            "registries": {
              "crm.apps.generated.ts": {
                "maps": {
                  "crmApiHandlers": {
                    "file": "api/index.ts",
                    "style": "import",
                    "filter": { "contains": { "path": "categories", "value": "crm" } },
                  },
                },
              },
            },
          },
        }"#,
    );
    let (code, stdout, stderr) = run(&root, &["apps", "build"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("created packages/app-store/crm.apps.generated.ts"),
        "{stdout}"
    );
    let crm = fs::read_to_string(root.join(STORE).join("crm.apps.generated.ts")).unwrap();
    insta::assert_snapshot!("crm_registry", crm);
}

/// Runs build and --check on a broken tree: exit 2 and 1, the message names
/// the file, and no output changes.
fn assert_bad_input(root: &Path, expect: &str) {
    let before = outputs(root);
    // `--json` prints the one-line form of the error (no wrapping).
    let (code, _, stderr) = run(root, &["apps", "build", "--json"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(expect), "expected {expect:?} in:\n{stderr}");
    let (code, _, stderr) = run(root, &["apps", "build", "--check", "--json"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains(expect), "expected {expect:?} in:\n{stderr}");
    assert_eq!(outputs(root), before, "a bad input changed an output");
    let leftovers: Vec<_> = fs::read_dir(root.join(STORE))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(warmstart_fs::TEMP_PREFIX)
        })
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

#[test]
fn bad_inputs_exit_2_and_write_nothing() {
    let (_tmp, root) = sample();
    assert_eq!(run(&root, &["apps", "build", "-q"]).0, 0);

    let config = root.join(STORE).join("around/config.json");
    let good = fs::read_to_string(&config).unwrap();
    fs::write(&config, good.replacen('{', "{ oops", 1)).unwrap();
    assert_bad_input(
        &root,
        "packages/app-store/around/config.json:1:3: invalid JSON",
    );
    fs::write(&config, &good).unwrap();

    let meta = root.join(STORE).join("dailyvideo/_metadata.ts");
    let good_meta = fs::read_to_string(&meta).unwrap();
    fs::write(
        &meta,
        "export const metadata = {\n  name: \"x\"\n  slug: 1,\n};\n",
    )
    .unwrap();
    assert_bad_input(
        &root,
        "packages/app-store/dailyvideo/_metadata.ts:3:3: cannot parse",
    );
    fs::write(&meta, &good_meta).unwrap();

    fs::create_dir_all(root.join(STORE).join("unreadable/config.json")).unwrap();
    assert_bad_input(
        &root,
        "cannot read packages/app-store/unreadable/config.json",
    );
    fs::remove_dir_all(root.join(STORE).join("unreadable")).unwrap();

    fs::create_dir_all(root.join(STORE).join("evil\\name")).unwrap();
    assert_bad_input(&root, "is not a safe path segment");
    fs::remove_dir_all(root.join(STORE).join("evil\\name")).unwrap();

    #[cfg(unix)]
    {
        let link = root.join(STORE).join("vanished");
        std::os::unix::fs::symlink(root.join("nowhere"), &link).unwrap();
        assert_bad_input(&root, "app folder packages/app-store/vanished disappeared");
        fs::remove_file(link).unwrap();
    }
    assert_eq!(run(&root, &["apps", "build", "--check"]).0, 0);
}

/// Lines the child printed on stderr so far.
type Log = Arc<Mutex<String>>;

fn wait_for(what: &str, timeout: Duration, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn watch_regenerates_and_survives_a_bad_edit() {
    let (_tmp, root) = sample();
    let mut child = bin()
        .current_dir(&root)
        .args(["apps", "build", "--watch"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log: Log = Arc::default();
    let stderr = child.stderr.take().unwrap();
    let sink = log.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let mut log = sink.lock().unwrap();
            log.push_str(&line);
            log.push('\n');
        }
    });
    let metadata = root.join(STORE).join("apps.metadata.generated.ts");
    let has = |needle: &str| fs::read_to_string(&metadata).is_ok_and(|t| t.contains(needle));
    let long = Duration::from_secs(20);
    wait_for("the watcher to start", long, || {
        log.lock().unwrap().contains("watching")
    });

    // A new app folder appears.
    write(
        &root,
        &format!("{STORE}/watched/config.json"),
        r#"{ "slug": "watched" }"#,
    );
    wait_for("the new app in the registry", long, || {
        has("watched_config_json")
    });

    // A bad edit: the error is printed, the process keeps running, the
    // registry keeps its last good bytes.
    write(&root, &format!("{STORE}/watched/config.json"), "{ nope");
    wait_for("the error", long, || {
        log.lock()
            .unwrap()
            .contains("packages/app-store/watched/config.json:1:3")
    });
    assert!(
        child.try_wait().unwrap().is_none(),
        "the watcher exited on a bad edit"
    );
    assert!(has("watched_config_json"));

    // The next good save recovers; a removed folder disappears.
    write(
        &root,
        &format!("{STORE}/watched/config.json"),
        r#"{ "slug": "watched" }"#,
    );
    fs::rename(
        root.join(STORE).join("watched"),
        root.join(STORE).join("renamed"),
    )
    .unwrap();
    wait_for("the renamed app", long, || {
        has("renamed_config_json") && !has("watched_config_json")
    });
    fs::remove_dir_all(root.join(STORE).join("renamed")).unwrap();
    wait_for("the removed app to go", long, || {
        !has("renamed_config_json")
    });

    child.kill().unwrap();
    child.wait().unwrap();
}

/// The no-change stamp: a second run does nothing but stat, and any change
/// to an input (a file's bytes, an environment variable metadata reads, an
/// output edited by hand) makes the next run a full one.
#[test]
fn the_no_change_stamp_notices_every_kind_of_change() {
    let (_tmp, root) = sample();
    // Trust mtimes at once (the default waits 2 s for racily clean files).
    write(
        &root,
        "warmstart.json",
        r#"{ "cache": { "mtimeGranularityMs": 0 } }"#,
    );
    let fast = |envs: &[(&str, &str)]| {
        let mut cmd = bin();
        cmd.current_dir(&root).args(["apps", "build", "-v"]);
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stderr).contains("nothing changed since the last build")
    };
    assert!(!fast(&[]), "first run builds");
    assert!(fast(&[]), "second run takes the fast path");

    // dailyvideo's metadata reads DAILY_API_KEY.
    assert!(!fast(&[("DAILY_API_KEY", "k")]));
    assert!(fast(&[("DAILY_API_KEY", "k")]));
    assert!(!fast(&[]));

    // A config.json gains a location: the booker registry changes.
    let config = root.join(STORE).join("around/config.json");
    let mut value: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&config).unwrap()).unwrap();
    let booker = root.join(STORE).join("bookerApps.metadata.generated.ts");
    let had = fs::read_to_string(&booker)
        .unwrap()
        .contains("around_config_json");
    if had {
        value.as_object_mut().unwrap().remove("appData");
    } else {
        value["appData"] = serde_json::json!({ "location": { "type": "integrations:around" } });
    }
    fs::write(&config, serde_json::to_string_pretty(&value).unwrap()).unwrap();
    assert!(!fast(&[]));
    assert_ne!(
        fs::read_to_string(&booker)
            .unwrap()
            .contains("around_config_json"),
        had
    );

    // An output edited by hand is put back.
    fs::write(&booker, "// edited\n").unwrap();
    assert!(!fast(&[]));
    assert!(
        fs::read_to_string(&booker)
            .unwrap()
            .contains("export const appStoreMetadata")
    );
    assert!(fast(&[]));
}

/// A lazy build adds its files, a manifest and a `.gitignore` block; `apps
/// clean` removes exactly those and restores `.gitignore` byte for byte.
#[test]
fn lazy_build_then_clean_restores_the_tree() {
    let (_tmp, root) = sample();
    assert_eq!(run(&root, &["apps", "build", "-q"]).0, 0);
    // A .gitignore without a final newline is the hard case.
    let gitignore = root.join(".gitignore");
    let original = fs::read_to_string(&gitignore)
        .unwrap_or_default()
        .trim_end()
        .to_string();
    fs::write(&gitignore, &original).unwrap();
    let listing = |dir: &Path| {
        let mut names: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    };
    let before = listing(&root.join(STORE));
    let (code, stdout, stderr) = run(&root, &["apps", "build", "--mode", "lazy"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("created packages/app-store/apps.metadata.lazy.generated.ts"),
        "{stdout}"
    );
    let ignored = fs::read_to_string(&gitignore).unwrap();
    assert!(
        ignored.contains("/packages/app-store/apps.metadata.lazy.generated.ts\n"),
        "{ignored}"
    );
    // Twice is the same as once.
    assert_eq!(run(&root, &["apps", "build", "--mode", "lazy", "-q"]).0, 0);
    assert_eq!(fs::read_to_string(&gitignore).unwrap(), ignored);

    let (code, stdout, _) = run(&root, &["apps", "clean"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("clean", stdout);
    assert_eq!(fs::read_to_string(&gitignore).unwrap(), original);
    assert_eq!(listing(&root.join(STORE)), before);
}

/// `--usage FILE`: the most installed apps (by metadata slug, as Cal.com's
/// database stores them, or by folder) become `coreApps`.
#[test]
fn usage_counts_pick_the_core_apps() {
    let (_tmp, root) = sample();
    write(
        &root,
        "usage.csv",
        "appId,count\ndaily-video,40\naround,12\ngiphy,3\n",
    );
    let (code, _, stderr) = run(
        &root,
        &[
            "apps",
            "build",
            "--mode",
            "lazy",
            "--usage",
            "usage.csv",
            "--core",
            "2",
            "-q",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let registry =
        fs::read_to_string(root.join(STORE).join("appRegistry.lazy.generated.ts")).unwrap();
    assert!(
        registry.contains(r#"new Set<string>(["dailyvideo", "around"])"#),
        "{registry}"
    );
    write(&root, "usage.csv", "daily-video,40\nno-such-app,12\n");
    let (code, _, stderr) = run(
        &root,
        &[
            "apps",
            "build",
            "--mode",
            "lazy",
            "--usage",
            "usage.csv",
            "--json",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("\\\"no-such-app\\\" is neither the folder nor the slug"),
        "{stderr}"
    );
}

#[test]
fn apps_lazy_in_the_config_makes_lazy_the_default_mode() {
    let (_dir, root) = sample();
    write(&root, "warmstart.json", r#"{ "apps": { "lazy": true } }"#);
    let (code, _, err) = run(&root, &["apps", "build"]);
    assert_eq!(code, 0, "{err}");
    let registry = root.join(STORE).join("appRegistry.lazy.generated.ts");
    assert!(registry.is_file(), "no lazy registry without --mode");
    // `--mode compat` still overrides the config: nothing lazy is written
    // after a clean.
    let (code, _, err) = run(&root, &["apps", "clean"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&root, &["apps", "build", "--mode", "compat"]);
    assert_eq!(code, 0, "{err}");
    assert!(!registry.exists());
}
