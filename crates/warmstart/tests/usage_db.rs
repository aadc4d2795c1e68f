//! `apps build --usage-db`: core apps from a real PostgreSQL server on
//! 127.0.0.1 (Cal.com's `"Credential"` table grouped by `"appId"`), and a
//! clear error — never a crash or a silent empty list — for a server that is
//! down, a wrong password, a missing table or a bad URL.
//!
//! The server: `WARMSTART_TEST_PG_URL` (a superuser URL; `.ci/run` starts
//! one with `scripts/pg-test-server.sh`), else this test starts its own with
//! that script. Without PostgreSQL installed the test is skipped visibly, and
//! fails under CI (`support::skip`).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_warmstart");

struct Server {
    url: String,
    own: Option<(PathBuf, tempfile::TempDir)>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some((script, dir)) = &self.own {
            let _ = Command::new("bash")
                .arg(script)
                .arg("stop")
                .arg(dir.path())
                .status();
        }
    }
}

fn server() -> Option<Server> {
    if let Ok(url) = std::env::var("WARMSTART_TEST_PG_URL")
        && !url.is_empty()
    {
        return Some(Server { url, own: None });
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/pg-test-server.sh");
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new("bash")
        .arg(&script)
        .arg("start")
        .arg(dir.path())
        .arg(closed_port().to_string())
        .output()
        .unwrap();
    let why = String::from_utf8_lossy(&out.stderr).into_owned();
    // Exit 3: no PostgreSQL installed. Any other failure is a real one.
    if out.status.code() == Some(3) {
        support::skip(
            "usage_db",
            &format!("no PostgreSQL on this machine: {}", why.trim()),
        );
        return None;
    }
    assert!(
        out.status.success(),
        "cannot start PostgreSQL (CI needs it): {why}"
    );
    let url = String::from_utf8_lossy(&out.stdout).trim().to_string();
    Some(Server {
        url,
        own: Some((script, dir)),
    })
}

/// A port nothing listens on now (the OS picked it free; we let it go).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The error text of a failed build, with what changes per run hidden.
fn snapshot(name: &str, stderr: &str) {
    insta::with_settings!({filters => vec![
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
        (r"usage_\d+", "usage_[PID]"),
    ]}, {
        insta::assert_snapshot!(name, stderr);
    });
}

/// The server's URL with another database.
fn with_db(url: &str, db: &str) -> String {
    let at = url.rfind('/').unwrap();
    format!("{}/{db}", &url[..at])
}

fn build(root: &Path, url: &str) -> (Option<i32>, String) {
    let out = Command::new(BIN)
        .args([
            "apps",
            "build",
            "--mode",
            "lazy",
            "--core",
            "2",
            "--usage-db",
            url,
        ])
        .args(["--color", "never"])
        .current_dir(root)
        .env_remove("WARMSTART_ROOT")
        .output()
        .unwrap();
    // miette wraps long lines (`\n  | `): join them for the assertions.
    let stderr = String::from_utf8_lossy(&out.stderr)
        .replace("\n  | ", " ")
        .replace("\n  |", " ");
    (out.status.code(), stderr)
}

/// A generated sample monorepo to build in.
fn sample() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let options = warmstart_sample::SampleOptions {
        apps: 24,
        modules: 300,
        seed: 1,
        ..warmstart_sample::SampleOptions::default()
    };
    warmstart_sample::generate(dir.path(), &options).unwrap();
    dir
}

const CREDENTIAL: &str = r#"CREATE TABLE "Credential" (id serial PRIMARY KEY, type text NOT NULL, key jsonb, "userId" int, "appId" text)"#;

#[test]
fn core_apps_come_from_the_credential_table() {
    let Some(server) = server() else {
        return;
    };
    // Databases of this test's own, so other runs can share the server.
    let db = format!("usage_{}", std::process::id());
    let [seeded, no_table, no_rows] = [db.clone(), format!("{db}_notable"), format!("{db}_norows")];
    let mut admin = postgres::Client::connect(&server.url, postgres::NoTls).unwrap();
    // One statement per call: DROP/CREATE DATABASE cannot share a batch.
    for name in [&seeded, &no_table, &no_rows] {
        admin
            .execute(&format!("DROP DATABASE IF EXISTS {name}"), &[])
            .unwrap();
        admin
            .execute(&format!("CREATE DATABASE {name}"), &[])
            .unwrap();
    }
    let url = with_db(&server.url, &seeded);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .batch_execute(&format!(
            r#"{CREDENTIAL};
               INSERT INTO "Credential" (type, "userId", "appId")
                 SELECT 'apple_calendar', g, 'apple-calendar' FROM generate_series(1, 9) g;
               INSERT INTO "Credential" (type, "userId", "appId")
                 SELECT 'around_video', g, 'around' FROM generate_series(1, 5) g;
               INSERT INTO "Credential" (type, "userId", "appId") VALUES ('daily_video', 1, 'daily-video');
               INSERT INTO "Credential" (type, "userId", "appId")
                 SELECT 'legacy', g, NULL FROM generate_series(1, 20) g;"#
        ))
        .unwrap();
    let mut empty =
        postgres::Client::connect(&with_db(&server.url, &no_rows), postgres::NoTls).unwrap();
    empty
        .batch_execute(&format!(
            r#"{CREDENTIAL}; INSERT INTO "Credential" (type, "userId", "appId") VALUES ('legacy', 1, NULL);"#
        ))
        .unwrap();
    drop((client, empty));

    let dir = sample();
    let (code, stderr) = build(dir.path(), &url);
    assert_eq!(code, Some(0), "{stderr}");
    let registry = std::fs::read_to_string(
        dir.path()
            .join("packages/app-store/appRegistry.lazy.generated.ts"),
    )
    .unwrap();
    // The two most installed apps, by slug in the database, by folder here;
    // rows without an app do not count.
    assert!(
        registry.contains(r#"new Set<string>(["applecalendar", "around"])"#),
        "{registry}"
    );

    // A database without the table.
    let (code, stderr) = build(dir.path(), &with_db(&server.url, &no_table));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(":***@127.0.0.1"),
        "password shown: {stderr}"
    );
    snapshot("missing_table", &stderr);

    // A table without one installed app: an error, not an empty coreApps.
    let (code, stderr) = build(dir.path(), &with_db(&server.url, &no_rows));
    assert_eq!(code, Some(2), "{stderr}");
    snapshot("no_installs", &stderr);

    // A wrong password.
    let wrong = url.replacen(":warmstart@", ":nope@", 1);
    let (code, stderr) = build(dir.path(), &wrong);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(!stderr.contains(":nope@"), "password shown: {stderr}");
    snapshot("wrong_password", &stderr);

    for name in [&seeded, &no_table, &no_rows] {
        let _ = admin.execute(&format!("DROP DATABASE IF EXISTS {name}"), &[]);
    }
    // Nothing was written by the failed runs: the registry is the first one.
    assert_eq!(
        std::fs::read_to_string(
            dir.path()
                .join("packages/app-store/appRegistry.lazy.generated.ts")
        )
        .unwrap(),
        registry
    );
}

#[test]
fn a_server_that_is_down_is_named() {
    let dir = sample();
    let url = format!("postgres://cal:secret@127.0.0.1:{}/calendso", closed_port());
    let (code, stderr) = build(dir.path(), &url);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(!stderr.contains("secret"), "password shown: {stderr}");
    snapshot("server_down", &stderr);
}

#[test]
fn a_bad_url_is_refused() {
    let dir = sample();
    let (code, stderr) = build(
        dir.path(),
        "postgres://cal:secret@127.0.0.1:notaport/calendso",
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(!stderr.contains("secret"), "password shown: {stderr}");
    snapshot("bad_url", &stderr);
    // A password given as an option is hidden too.
    let (code, stderr) = build(
        dir.path(),
        "postgres://127.0.0.1:notaport/calendso?user=cal&password=secret",
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(!stderr.contains("secret"), "password shown: {stderr}");
}
