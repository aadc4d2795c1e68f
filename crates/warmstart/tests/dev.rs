//! `warmstart dev` and `warmstart bench` against a real child process: a
//! small Python HTTP server (tests/fixtures/devserver.py) that prints a
//! ready line after a delay. Ports are picked free per test; timing checks
//! use generous ranges only.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;

fn fixture() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/devserver.py")
        .display()
        .to_string()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `warmstart ARGS` run in a temporary folder outside any repository.
fn warmstart(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("warmstart").unwrap();
    cmd.current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("WARMSTART_ROOT")
        .env_remove("WARMSTART_DISABLE");
    cmd
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Out {
    let out = warmstart(dir, args).output().unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn py(args: &[&str]) -> Vec<String> {
    let mut v = vec!["--".to_string(), "python3".to_string(), fixture()];
    v.extend(args.iter().map(|s| s.to_string()));
    v
}

fn with(base: &[&str], tail: Vec<String>) -> Vec<String> {
    base.iter().map(|s| s.to_string()).chain(tail).collect()
}

/// The built-in Cal.com-shaped sample in a temp folder (kept while the
/// returned guard lives) and its root.
fn sample() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    warmstart_sample::generate(&root, &warmstart_sample::SampleOptions::default()).unwrap();
    (dir, root)
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

#[test]
fn ready_by_output_pattern_with_first_page() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port().to_string();
    let url = format!("http://127.0.0.1:{port}/");
    let args = with(
        &["--json", "dev", "--exit-when-ready", "--first-page", &url],
        py(&["--port", &port, "--delay", "0.3", "--modules", "193"]),
    );
    let out = run(dir.path(), &strs(&args));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let r = json(&out.stdout);
    let startup = r["startupTime"].as_f64().unwrap();
    assert!((250.0..30_000.0).contains(&startup), "{startup}");
    assert!(r["firstPageLoad"].as_f64().unwrap() > 0.0);
    assert_eq!(r["firstPageModules"], 193);
    assert!(r["memoryUsage"].as_u64().unwrap() > 1_000_000);
    assert!(out.stderr.contains("nothing to prepare"), "{}", out.stderr);
}

#[test]
fn ready_by_http_probe() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port().to_string();
    let url = format!("http://127.0.0.1:{port}/");
    // The server prints no ready line at all: only the probe can tell.
    let args = with(
        &["--json", "dev", "--exit-when-ready", "--ready-url", &url],
        py(&[
            "--port",
            &port,
            "--delay",
            "0.3",
            "--ready-line",
            "listening",
        ]),
    );
    let out = run(dir.path(), &strs(&args));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(json(&out.stdout)["startupTime"].as_f64().unwrap() >= 250.0);
}

fn read_pids(path: &Path) -> Vec<u32> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(text) = std::fs::read_to_string(path) {
            return text
                .split_whitespace()
                .map(|p| p.parse().unwrap())
                .collect();
        }
        assert!(
            Instant::now() < deadline,
            "the fixture never wrote its pids"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Alive in /proc (a zombie waiting for init to reap it is dead).
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            let state = stat[stat.rfind(')').unwrap() + 2..].chars().next().unwrap();
            state != 'Z' && state != 'X'
        }
        Err(_) => false,
    }
}

#[test]
fn sigint_reaches_the_server_and_nothing_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port().to_string();
    let pidfile: PathBuf = dir.path().join("pids");
    let args = with(
        &["dev"],
        py(&[
            "--port",
            &port,
            "--child",
            "--pidfile",
            pidfile.to_str().unwrap(),
        ]),
    );
    let child = warmstart(dir.path(), &strs(&args))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pids = read_pids(&pidfile);
    assert_eq!(pids.len(), 2);
    // Wait until it serves, so warmstart is past the start phase.
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap())).is_err() {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(50));
    }
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The server's own SIGINT handler ran and its exit code came back.
    assert!(stdout.contains("got SIGINT"), "{stdout}");
    assert_eq!(out.status.code(), Some(42));
    for pid in pids {
        assert!(!alive(pid), "process {pid} was left behind");
    }
}

#[test]
fn the_servers_exit_code_is_propagated() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port().to_string();
    let args = with(
        &["dev"],
        py(&["--port", &port, "--exit-after", "0.3", "--code", "7"]),
    );
    let out = run(dir.path(), &strs(&args));
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(out.stdout.contains("bye"));
}

#[test]
fn a_crashing_server_shows_its_last_lines_and_code() {
    let dir = tempfile::tempdir().unwrap();
    let args = with(&["dev"], py(&["--crash", "3"]));
    let out = run(dir.path(), &strs(&args));
    assert_eq!(out.code, 3);
    assert!(
        out.stderr
            .contains("exited with exit code 3 before it was ready"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("Error: boom"), "{}", out.stderr);
}

#[test]
fn a_server_that_never_gets_ready_times_out() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port().to_string();
    let args = with(
        &["dev", "--timeout", "2"],
        py(&["--port", &port, "--never-ready"]),
    );
    let started = Instant::now();
    let out = run(dir.path(), &strs(&args));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(out.stderr.contains("not ready after 2 s"), "{}", out.stderr);
    assert!(out.stderr.contains("still compiling..."), "{}", out.stderr);
}

#[test]
fn a_missing_command_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["dev", "--", "warmstart-no-such-command"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("command not found: `warmstart-no-such-command`"),
        "{}",
        out.stderr
    );
    let out = run(dir.path(), &["dev"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no command to run"), "{}", out.stderr);
}

#[test]
fn a_port_in_use_is_reported_before_starting() {
    let dir = tempfile::tempdir().unwrap();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let url = format!("http://127.0.0.1:{port}/");
    let args = with(&["dev", "--first-page", &url], py(&["--port", &port]));
    let out = run(dir.path(), &strs(&args));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("port {port} is already in use")),
        "{}",
        out.stderr
    );
    // Without a URL to check first, the server's own EADDRINUSE is recognized.
    let args = with(&["dev"], py(&["--port", &port]));
    let out = run(dir.path(), &strs(&args));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("port is already in use"),
        "{}",
        out.stderr
    );
    drop(taken);
}

#[test]
fn bench_json_medians_and_vs_ratios() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port().to_string();
    let url = format!("http://127.0.0.1:{port}/");
    let slow = format!("python3 {} --port {port} --delay 1.2", fixture());
    let args = with(
        &[
            "--json",
            "bench",
            "--runs",
            "3",
            "--first-page",
            &url,
            "--vs",
            &slow,
        ],
        py(&["--port", &port, "--delay", "0.3"]),
    );
    let out = run(dir.path(), &strs(&args));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let r = json(&out.stdout);
    assert_eq!(r["runs"], 3);
    let median = r["median"]["startupTime"].as_f64().unwrap();
    assert!((250.0..20_000.0).contains(&median), "{median}");
    let vs = r["vs"]["median"]["startupTime"].as_f64().unwrap();
    assert!(vs > median, "{vs} vs {median}");
    let ratio = r["ratio"]["startupTime"]["median"].as_f64().unwrap();
    assert!((1.2..10.0).contains(&ratio), "{ratio}");
    assert_eq!(
        r["ratio"]["startupTime"]["perRun"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert!(r["median"]["firstPageLoad"].as_f64().unwrap() > 0.0);
}

#[test]
fn check_budget_names_what_is_over() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(
        dir.path().join("warmstart.json"),
        r#"{ "dev": { "budgets": { "startupMs": 1 } } }"#,
    )
    .unwrap();
    let port = free_port().to_string();
    let args = with(&["dev", "--check-budget"], py(&["--port", &port]));
    let out = run(dir.path(), &strs(&args));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("over budget: startupTime"),
        "{}",
        out.stderr
    );
    // The run went into the history, and `report` shows it.
    let out = run(dir.path(), &["report"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("startup"), "{}", out.stdout);
    assert!(out.stdout.contains("dev "), "{}", out.stdout);
}

const HISTORY: &str = r#"{"timestamp":"2026-11-23T21:00:00Z","kind":"dev","command":"yarn dev","version":"0.1.0","gitRevision":"abc123","startupTime":11400.0,"assetLoadTime":null,"appLoadTime":null,"cacheHitRate":null,"memoryUsage":1825361100,"memoryCurrent":1700000000,"firstPageLoad":22000.0,"firstPageModules":5443,"hotReload":null,"phases":[{"name":"server ready","ms":11400.0},{"name":"first page","ms":22000.0}],"optimizations":[]}
{"timestamp":"2026-11-23T22:00:00Z","kind":"dev","command":"yarn dev","version":"0.1.0","gitRevision":"abc124","startupTime":1650.5,"assetLoadTime":9.8,"appLoadTime":41.2,"cacheHitRate":0.97,"memoryUsage":987654321,"memoryCurrent":900000000,"firstPageLoad":1830.0,"firstPageModules":193,"hotReload":420.0,"phases":[{"name":"assets","ms":9.8},{"name":"apps","ms":41.2},{"name":"server ready","ms":1599.5},{"name":"first page","ms":1830.0}],"optimizations":["assets","apps","cache"]}
"#;

#[test]
fn report_table_and_html() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.jsonl");
    std::fs::write(&history, HISTORY).unwrap();
    let page = dir.path().join("report.html");
    let out = run(
        dir.path(),
        &[
            "report",
            "--history",
            history.to_str().unwrap(),
            "--html",
            page.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<svg"));
    assert!(html.contains("5443") || html.contains("22.00 s"));
    let empty = dir.path().join("none.jsonl");
    let out = run(
        dir.path(),
        &["report", "--history", empty.to_str().unwrap()],
    );
    assert_eq!(out.code, 0);
    assert!(
        out.stderr.contains("no runs recorded yet"),
        "{}",
        out.stderr
    );
}

#[test]
fn crash_message() {
    let dir = tempfile::tempdir().unwrap();
    let args = with(&["dev"], py(&["--crash", "3"]));
    let out = run(dir.path(), &strs(&args));
    let fixture = fixture();
    // The two output streams race; keep the message, not the line order.
    let mut lines: Vec<String> = out
        .stderr
        .replace(&fixture, "[FIXTURE]")
        .lines()
        .map(str::to_string)
        .collect();
    lines.sort();
    insta::assert_snapshot!(lines.join("\n"));
}

/// A Cal.com-shaped sample: `dev` runs the assets and apps steps, the
/// rollout switch turns them off, and a change in the app store re-runs
/// them while the server keeps running.
#[test]
fn prepare_steps_switches_and_watch_on_the_sample() {
    use std::io::{BufRead, BufReader};
    let (_dir, root) = sample();
    let port = free_port().to_string();
    let url = format!("http://127.0.0.1:{port}/");

    let args = with(
        &["--json", "dev", "--exit-when-ready", "--first-page", &url],
        py(&["--port", &port]),
    );
    let out = run(&root, &strs(&args));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("calcom preset"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("optimizations: assets on, apps on, cache on"),
        "{}",
        out.stderr
    );
    let r = json(&out.stdout);
    assert!(r["assetLoadTime"].as_f64().is_some(), "{r}");
    assert!(r["appLoadTime"].as_f64().is_some(), "{r}");
    assert_eq!(
        r["optimizations"],
        serde_json::json!(["assets", "apps", "cache"])
    );
    assert!(root.join("apps/web/public/app-store").is_dir());
    assert!(
        root.join("node_modules/.cache/warmstart/dev-history.jsonl")
            .is_file()
    );

    let out = warmstart(&root, &strs(&args))
        .env("WARMSTART_DISABLE", "assets,apps")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("assets off, apps off, cache on"),
        "{stderr}"
    );
    let r = json(&String::from_utf8_lossy(&out.stdout));
    assert!(
        r["assetLoadTime"].is_null() && r["appLoadTime"].is_null(),
        "{r}"
    );

    let bad = warmstart(&root, &strs(&args))
        .env("WARMSTART_DISABLE", "assets,nope")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown optimization `nope`"));

    // Keep serving and watch: a new static file re-runs the steps.
    let mut child = warmstart(
        &root,
        &strs(&with(&["dev", "--no-history"], py(&["--port", &port]))),
    )
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let wait_for = |needle: &str| {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => panic!("no line with {needle:?}"),
            }
        }
    };
    wait_for("watching");
    let app = std::fs::read_dir(root.join("packages/app-store"))
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.path().join("static").is_dir())
        .expect("an app with statics")
        .path();
    std::fs::write(app.join("static/new-icon.svg"), "<svg/>").unwrap();
    let line = wait_for("prepare re-ran");
    assert!(line.contains("1 file changed"), "{line}");
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    assert_eq!(child.wait().unwrap().code(), Some(42));
}

#[test]
fn hot_reload_probe_sees_the_change_and_restores_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.txt");
    let original = "<p>hello warmstart-hmr-0</p>\n";
    std::fs::write(&page, original).unwrap();
    let port = free_port().to_string();
    let url = format!("http://127.0.0.1:{port}/");
    let args = with(
        &[
            "--json",
            "dev",
            "--exit-when-ready",
            "--first-page",
            &url,
            "--probe-hmr",
            "page.txt",
        ],
        py(&["--port", &port, "--file", page.to_str().unwrap()]),
    );
    let out = run(dir.path(), &strs(&args));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let hot = json(&out.stdout)["hotReload"].as_f64();
    assert!(hot.is_some_and(|ms| ms < 30_000.0), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&page).unwrap(), original);
}

#[test]
fn the_cache_switch_turns_the_apps_no_change_lookup_on_and_off() {
    let (_dir, root) = sample();
    // Inputs written within the mtime granularity are not trusted by the
    // stamp: let them settle so the second run can hit.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let port = free_port().to_string();
    let args = with(
        &["--json", "dev", "--exit-when-ready"],
        py(&["--port", &port]),
    );
    let first = run(&root, &strs(&args));
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(!first.stderr.contains("(cache hit)"), "{}", first.stderr);
    // The first run wrote the registries (inputs of the stamp too).
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let _ = run(&root, &strs(&args));
    let second = run(&root, &strs(&args));
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(
        second.stderr.contains("nothing changed (cache hit)"),
        "{}",
        second.stderr
    );
    let r = json(&second.stdout);
    assert!(r["cacheHitRate"].as_f64().is_some_and(|h| h > 0.0), "{r}");

    let off = warmstart(&root, &strs(&args))
        .env("WARMSTART_DISABLE", "cache")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&off.stderr);
    assert!(stderr.contains("cache off"), "{stderr}");
    assert!(!stderr.contains("(cache hit)"), "{stderr}");
    assert!(stderr.contains("rewritten"), "{stderr}");
}

/// Pre-warming against a real HTTP server: `--warm` requests the route once
/// the server is ready and says when it answered; the routes the server
/// compiled are kept for the next session, which warms them unasked;
/// `--no-warm` requests nothing.
#[test]
fn warm_requests_routes_in_the_background_and_the_next_session_remembers() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("package.json"),
        r#"{ "name": "t", "private": true, "workspaces": ["packages/*"] }"#,
    )
    .unwrap();
    let session = |extra: &[&str]| {
        let port = free_port().to_string();
        let mut args: Vec<String> = vec!["dev".into()];
        args.extend(extra.iter().map(|s| s.to_string()));
        args.extend(py(&["--port", &port, "--exit-after", "3"]));
        // Next reads PORT too; warmstart warms there when the server did
        // not print its address.
        let out = warmstart(dir.path(), &strs(&args))
            .env("PORT", &port)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code(), text)
    };
    let (code, text) = session(&["--warm", "/first"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("warming     /first"), "{text}");
    assert!(text.contains("warmed /first (200) in "), "{text}");
    assert!(text.contains(" s after start"), "{text}");
    let history = dir
        .path()
        .join("node_modules/.cache/warmstart/dev-routes.json");
    let recorded: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&history).unwrap()).unwrap();
    assert_eq!(
        recorded["sessions"][0]["routes"],
        serde_json::json!(["/first"])
    );

    let (code, text) = session(&[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("warmed /first (200)"), "{text}");

    let (code, text) = session(&["--no-warm"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        !text.contains("warming") && !text.contains("warmed"),
        "{text}"
    );
    let r = run(
        dir.path(),
        &["dev", "--no-warm", "--warm", "/x", "--", "true"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
}

/// `warmstart dev` on a fresh clone is the first thing most users run. It
/// left the cache folder holding its history and its `next.config` probe
/// and no tag, and from then on every bucket save (`graph cycles`) refused
/// the folder as not the cache's, with a warning on every run.
#[test]
fn after_dev_on_a_fresh_clone_the_graph_cache_still_saves() {
    let (_dir, root) = sample();
    let port = free_port().to_string();
    let args = with(&["dev", "--exit-when-ready"], py(&["--port", &port]));
    let dev = run(&root, &strs(&args));
    assert_eq!(dev.code, 0, "{}", dev.stderr);
    let cache = root.join("node_modules/.cache/warmstart");
    assert!(cache.join("dev-history.jsonl").is_file(), "{}", dev.stderr);
    let graph = run(&root, &["graph", "cycles"]);
    assert!(
        !graph.stderr.contains("not a warmstart cache folder"),
        "{}",
        graph.stderr
    );
    assert!(cache.join("CACHEDIR.TAG").is_file(), "{}", graph.stderr);
    assert!(
        cache.join("graph-parse-v1.cache").is_file(),
        "{}",
        graph.stderr
    );
}

/// The names other crates keep in the cache folder are the cache's own.
#[test]
fn the_files_dev_keeps_in_the_cache_folder_are_the_caches() {
    for path in [
        warmstart_devserver::metrics::HISTORY_FILE,
        warmstart_devserver::warm::ROUTES_FILE,
        warmstart_init::devcheck::CACHE_FILE,
    ] {
        let name = Path::new(path).file_name().unwrap().to_str().unwrap();
        assert!(warmstart_cache::is_own_name(name), "{path}");
    }
}
