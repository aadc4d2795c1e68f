//! `apps build --usage-db`: core apps from a real PostgreSQL server on
//! 127.0.0.1 (Cal.com's `"Credential"` table grouped by `"appId"`), and a
//! clear error — never a crash or a silent empty list — for a server that is
//! down, a wrong password, a missing table or a bad URL.
//!
//! The server: `WARMSTART_TEST_PG_URL` (a superuser URL; `.ci/run` starts
//! one with `scripts/pg-test-server.sh`), else this test starts its own with
//! that script. Without PostgreSQL installed the test says so and passes,
//! except under CI (`CI` set), where it fails.

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
            let _ = Command::new(script).arg("stop").arg(dir.path()).status();
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
    // A port of our own, away from a system server's 5432.
    let port = 20000 + std::process::id() % 20000;
    let out = Command::new(&script)
        .args(["start"])
        .arg(dir.path())
        .arg(port.to_string())
        .output()
        .unwrap();
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs PostgreSQL for this test: {why}"
        );
        eprintln!("SKIPPED usage_db: cannot start PostgreSQL here: {why}");
        return None;
    }
    let url = String::from_utf8_lossy(&out.stdout).trim().to_string();
    Some(Server {
        url,
        own: Some((script, dir)),
    })
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

#[test]
fn core_apps_come_from_the_credential_table() {
    let Some(server) = server() else {
        return;
    };
    let db = format!("usage_{}", std::process::id());
    let mut admin = postgres::Client::connect(&server.url, postgres::NoTls).unwrap();
    // One statement per call: DROP/CREATE DATABASE cannot share a batch.
    for name in [db.clone(), format!("{db}_empty")] {
        admin
            .execute(&format!("DROP DATABASE IF EXISTS {name}"), &[])
            .unwrap();
        admin
            .execute(&format!("CREATE DATABASE {name}"), &[])
            .unwrap();
    }
    let url = with_db(&server.url, &db);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .batch_execute(
            r#"CREATE TABLE "Credential" (id serial PRIMARY KEY, type text NOT NULL, key jsonb, "userId" int, "appId" text);
               INSERT INTO "Credential" (type, "userId", "appId")
                 SELECT 'apple_calendar', g, 'apple-calendar' FROM generate_series(1, 9) g;
               INSERT INTO "Credential" (type, "userId", "appId")
                 SELECT 'around_video', g, 'around' FROM generate_series(1, 5) g;
               INSERT INTO "Credential" (type, "userId", "appId") VALUES ('daily_video', 1, 'daily-video');
               INSERT INTO "Credential" (type, "userId", "appId")
                 SELECT 'legacy', g, NULL FROM generate_series(1, 20) g;"#,
        )
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let options = warmstart_sample::SampleOptions {
        apps: 24,
        modules: 300,
        seed: 1,
    };
    warmstart_sample::generate(dir.path(), &options).unwrap();
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
    let (code, stderr) = build(dir.path(), &with_db(&server.url, &format!("{db}_empty")));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(r#"relation "Credential" does not exist"#),
        "{stderr}"
    );
    assert!(
        stderr.contains(":***@127.0.0.1"),
        "password shown: {stderr}"
    );

    // A wrong password.
    let wrong = url.replacen(":warmstart@", ":nope@", 1);
    let (code, stderr) = build(dir.path(), &wrong);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("password authentication failed"),
        "{stderr}"
    );
    assert!(!stderr.contains(":nope@"), "password shown: {stderr}");

    // A server that is down (nothing listens on port 1).
    let (code, stderr) = build(dir.path(), "postgres://u:p@127.0.0.1:1/calendso");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("cannot connect"), "{stderr}");

    // Not a URL.
    let (code, stderr) = build(dir.path(), "postgres://u:p@127.0.0.1:notaport/db");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("not a PostgreSQL URL"), "{stderr}");

    drop(client);
    for name in [db.clone(), format!("{db}_empty")] {
        let _ = admin.execute(&format!("DROP DATABASE IF EXISTS {name}"), &[]);
    }
}
