//! The config probe: does `next dev` still copy the app-store statics?
//!
//! Answered by behaviour, not by the config's text: a child `node` process
//! runs `npm/warmstart/lib/probe-next-config.js` (embedded here, so a
//! cargo-built binary needs no npm package), which loads the app's
//! next.config with Next's own `loadConfig` in the development phase, runs
//! its webpack hook for the client, server and edge-server compilers and
//! reports the copy plugins whose patterns still copy app-store statics.
//! [`check_statics_copy`] turns that report into one doctor line;
//! [`StaticsCopyCheck::warning`] is its line for `warmstart dev`, which
//! remembers it between starts (`crate::devcheck`).

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// The probe script, as shipped in the npm package.
pub const SCRIPT: &str = include_str!("../../../npm/warmstart/lib/probe-next-config.js");

/// How the report line starts (its first key is a fixed tag): a process
/// the config or Next spawns may write to the same stdout.
const REPORT_PREFIX: &str = "{\"probe\":\"warmstart-next-config\"";

/// What the probe found. Field names follow the script's JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbeReport {
    /// False when the config could not be loaded or its hook failed.
    pub ok: bool,
    /// The app folder, `/`-separated.
    pub dir: String,
    /// The config file's name (`next.config.js`, …); None when there is none.
    pub config: Option<String>,
    /// The installed Next.js version, resolved from the app folder.
    pub next: Option<String>,
    /// How the config was loaded (Next's `loadConfig`, or require/import).
    pub loaded_with: Option<String>,
    /// Whether `withWarmstart()` was called while loading it.
    pub wrapped: bool,
    pub turbopack: Option<Turbopack>,
    #[serde(default)]
    pub compilers: Vec<CompilerReport>,
    /// Statics copies left over all compilers.
    pub surviving: usize,
    /// Where it failed (`load`, `webpack`) when not ok.
    pub stage: Option<String>,
    /// Why it failed, when not ok.
    pub error: Option<String>,
    /// What the config and Next printed meanwhile.
    #[serde(default)]
    pub output: Vec<String>,
}

/// Would `next dev` use Turbopack, and why the probe thinks so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turbopack {
    pub used: bool,
    pub why: String,
}

/// One webpack compiler of `next dev` (client, server, edge-server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompilerReport {
    pub name: String,
    /// Whether the config has a webpack hook at all.
    pub hook: bool,
    /// Constructor names of the plugins after the hook ran.
    pub plugins: Vec<String>,
    pub copies: Vec<CopyPlugin>,
    /// Copy plugins that still copy app-store statics here.
    pub surviving: usize,
}

/// A copy plugin left in a compiler's plugins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyPlugin {
    /// Its class name (copy-webpack-plugin 11 exports `CopyPlugin`).
    pub plugin: String,
    /// `copy-webpack-plugin@11.0.0` when it is the app's copy-webpack-plugin.
    pub package: Option<String>,
    /// `class` (the real class) or `patterns` (recognized by its patterns).
    pub by: String,
    pub patterns: Vec<String>,
    /// The patterns that copy app-store statics.
    pub statics: Vec<String>,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ProbeError {
    #[error("`{node}` could not be started ({source}); install Node.js 18 or newer")]
    #[diagnostic(code(warmstart::init::probe::node))]
    Node {
        node: String,
        #[source]
        source: std::io::Error,
    },
    #[error("loading the config took longer than {} s (stopped)", .0.as_secs())]
    #[diagnostic(code(warmstart::init::probe::timeout))]
    Timeout(Duration),
    #[error("node exited with {status} without a report{}", tail(.stderr))]
    #[diagnostic(code(warmstart::init::probe::no_report))]
    NoReport { status: String, stderr: String },
    #[error("the probe's report is not valid JSON: {0}")]
    #[diagnostic(code(warmstart::init::probe::bad_report))]
    BadReport(#[from] serde_json::Error),
    #[error("talking to node failed: {0}")]
    #[diagnostic(code(warmstart::init::probe::io))]
    Io(#[from] std::io::Error),
}

fn tail(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    match lines.len() {
        0 => String::new(),
        n => format!(": {}", lines[n.saturating_sub(3)..].join(" | ")),
    }
}

/// How to run the probe: which `node`, and how long loading may take.
#[derive(Debug, Clone)]
pub struct Probe {
    pub node: String,
    pub timeout: Duration,
}

impl Default for Probe {
    fn default() -> Self {
        Probe {
            node: "node".to_string(),
            // Cal.com's config loads Sentry, Axiom and i18n: seconds, not minutes.
            timeout: Duration::from_secs(120),
        }
    }
}

impl Probe {
    /// Runs the probe on `app_dir` (the folder holding next.config.*), in
    /// that folder as `next dev` runs: `node - APP_DIR` with the script on
    /// stdin.
    pub fn run(&self, app_dir: &Path) -> Result<ProbeReport, ProbeError> {
        let mut child = Command::new(&self.node)
            .arg("-")
            .arg(app_dir)
            .current_dir(app_dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|source| ProbeError::Node {
                node: self.node.clone(),
                source,
            })?;
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let writer = std::thread::spawn(move || stdin.write_all(SCRIPT.as_bytes()));
        let mut out = child.stdout.take().expect("stdout is piped");
        let mut err = child.stderr.take().expect("stderr is piped");
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            out.read_to_string(&mut text).map(|_| text)
        });
        let err_reader = std::thread::spawn(move || {
            let mut text = String::new();
            err.read_to_string(&mut text).map(|_| text)
        });
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            if started.elapsed() > self.timeout {
                // Only the child is ours to stop; it holds the pipes.
                let _ = child.kill();
                let _ = child.wait();
                return Err(ProbeError::Timeout(self.timeout));
            }
            std::thread::sleep(Duration::from_millis(25));
        };
        // A broken pipe here means node exited before reading the whole
        // script; the status and stderr below say why.
        let _ = writer.join();
        let stdout = reader.join().unwrap_or_else(|_| Ok(String::new()))?;
        let stderr = err_reader.join().unwrap_or_else(|_| Ok(String::new()))?;
        match parse_report(&stdout) {
            Some(line) => Ok(serde_json::from_str(line)?),
            None => Err(ProbeError::NoReport {
                status: status.to_string(),
                stderr,
            }),
        }
    }
}

/// The report line in the probe's stdout (the last one that starts with
/// the tag).
fn parse_report(stdout: &str) -> Option<&str> {
    stdout
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with(REPORT_PREFIX))
}

/// One line about the statics copy: green only when the probe loaded the
/// config and no statics copy survives in any compiler.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaticsCopyCheck {
    pub ok: bool,
    pub detail: String,
    /// What to do when not ok.
    pub fix: Option<String>,
    /// The probe's report, when it produced one.
    pub report: Option<ProbeReport>,
}

/// Runs the probe on `root/app` (e.g. `apps/web`) and says what it means.
pub fn check_statics_copy(root: &Path, app: &str) -> StaticsCopyCheck {
    check_with(&Probe::default(), root, app)
}

/// [`check_statics_copy`] with a given [`Probe`] (another `node`, timeout).
pub fn check_with(probe: &Probe, root: &Path, app: &str) -> StaticsCopyCheck {
    let dir = root.join(app);
    if !dir.is_dir() {
        return StaticsCopyCheck {
            ok: true,
            detail: format!("no {app} folder: no Next.js config to check"),
            fix: None,
            report: None,
        };
    }
    match probe.run(&dir) {
        Ok(report) => judge(app, report),
        Err(e) => StaticsCopyCheck {
            ok: false,
            detail: format!("could not check {app}'s next.config as `next dev` loads it: {e}"),
            fix: Some(match e {
                ProbeError::Node { .. } => "install Node.js 18 or newer, then run `warmstart doctor` again".to_string(),
                _ => "run `node node_modules/warmstart/lib/probe-next-config.js` in the app folder to see the whole output".to_string(),
            }),
            report: None,
        },
    }
}

/// What a probe report means for the user.
pub fn judge(app: &str, report: ProbeReport) -> StaticsCopyCheck {
    let Some(config) = report.config.clone() else {
        return StaticsCopyCheck {
            ok: true,
            detail: format!("{app} has no next.config: nothing copies the statics"),
            fix: None,
            report: Some(report),
        };
    };
    let file = format!("{app}/{config}");
    if !report.ok {
        let stage = match report.stage.as_deref() {
            Some("webpack") => "running its webpack hook",
            _ => "loading it",
        };
        return StaticsCopyCheck {
            ok: false,
            detail: format!(
                "could not check {file} as `next dev` loads it: {stage} failed: {}",
                report.error.as_deref().unwrap_or("no reason given")
            ),
            fix: Some(
                "install the dependencies and set what the config needs (its .env), then run `warmstart doctor` again"
                    .to_string(),
            ),
            report: Some(report),
        };
    }
    let per_compiler = report
        .compilers
        .iter()
        .map(|c| format!("{} {}", c.name, c.surviving))
        .collect::<Vec<_>>()
        .join(", ");
    let how = report.loaded_with.as_deref().unwrap_or("development phase");
    let turbopack = match &report.turbopack {
        Some(t) if t.used => format!(
            "; Turbopack would be used ({}), and it ignores webpack plugins",
            t.why
        ),
        _ => String::new(),
    };
    if report.surviving == 0 {
        let wrapped = if report.wrapped {
            ", wrapped by withWarmstart()"
        } else {
            ""
        };
        return StaticsCopyCheck {
            ok: true,
            detail: format!(
                "{file} loaded as `next dev` does ({how}): no app-store statics copy in development ({per_compiler}){wrapped}{turbopack}"
            ),
            fix: None,
            report: Some(report),
        };
    }
    let mut plugins: Vec<String> = Vec::new();
    for copy in report.compilers.iter().flat_map(|c| &c.copies) {
        if copy.statics.is_empty() {
            continue;
        }
        let from = copy
            .package
            .as_deref()
            .map(|p| format!(" from {p}"))
            .unwrap_or_default();
        let line = format!("{}{from} copying {}", copy.plugin, copy.statics.join(", "));
        if !plugins.contains(&line) {
            plugins.push(line);
        }
    }
    let fix = if report.wrapped {
        "withWarmstart() wraps the config but left this plugin: update the warmstart package, or pass `dropPattern` to withWarmstart()"
    } else {
        "run `warmstart init --write` (wraps the config with withWarmstart(), which drops the copy in development)"
    };
    StaticsCopyCheck {
        ok: false,
        detail: format!(
            "{file} still copies app-store statics on every compile in development: {} {} survive ({per_compiler}; {}){turbopack}",
            report.surviving,
            if report.surviving == 1 {
                "copy"
            } else {
                "copies"
            },
            plugins.join("; ")
        ),
        fix: Some(fix.to_string()),
        report: Some(report),
    }
}

impl StaticsCopyCheck {
    /// The line `warmstart dev` prints when the statics copy still runs
    /// (or cannot be checked); None when the check is green.
    pub fn warning(&self) -> Option<String> {
        if self.ok {
            return None;
        }
        Some(match &self.fix {
            Some(fix) => format!("{} → {fix}", self.detail),
            None => self.detail.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(json: &str) -> ProbeReport {
        serde_json::from_str(json).unwrap()
    }

    const RED: &str = r#"{"probe":"warmstart-next-config","ok":true,"dir":"/x/apps/web","config":"next.config.js","next":"13.5.11","loadedWith":"next 13.5.11 loadConfig, development phase","wrapped":false,"turbopack":{"used":false,"why":"the dev script runs `next dev` with webpack"},"compilers":[{"name":"client","hook":true,"plugins":["CopyPlugin","DefinePlugin"],"copies":[{"plugin":"CopyPlugin","package":"copy-webpack-plugin@11.0.0","by":"class","patterns":["../../packages/app-store/**/static/**"],"statics":["../../packages/app-store/**/static/**"]}],"surviving":1},{"name":"server","hook":true,"plugins":["CopyPlugin"],"copies":[{"plugin":"CopyPlugin","package":"copy-webpack-plugin@11.0.0","by":"class","patterns":["../../packages/app-store/**/static/**"],"statics":["../../packages/app-store/**/static/**"]}],"surviving":1},{"name":"edge-server","hook":true,"plugins":["DefinePlugin"],"copies":[],"surviving":0}],"surviving":2,"output":[]}"#;

    #[test]
    fn the_report_line_is_found_after_noise() {
        let stdout = format!("\nadded 1 package in 4s\n{RED}\n");
        assert_eq!(parse_report(&stdout), Some(RED));
        assert_eq!(parse_report("{\"ok\":true}\n"), None);
    }

    #[test]
    fn surviving_copies_are_red_with_what_and_where() {
        let check = judge("apps/web", report(RED));
        assert!(!check.ok);
        assert_eq!(
            check.detail,
            "apps/web/next.config.js still copies app-store statics on every compile in development: \
             2 copies survive (client 1, server 1, edge-server 0; CopyPlugin from copy-webpack-plugin@11.0.0 \
             copying ../../packages/app-store/**/static/**)"
        );
        assert!(check.fix.unwrap().contains("warmstart init --write"));
    }

    #[test]
    fn zero_copies_are_green_and_say_how_it_was_loaded() {
        let green = RED
            .replace("\"surviving\":1", "\"surviving\":0")
            .replace("\"surviving\":2", "\"surviving\":0")
            .replace("\"wrapped\":false", "\"wrapped\":true");
        let check = judge("apps/web", report(&green));
        assert!(check.ok, "{}", check.detail);
        assert_eq!(
            check.detail,
            "apps/web/next.config.js loaded as `next dev` does (next 13.5.11 loadConfig, development phase): \
             no app-store statics copy in development (client 0, server 0, edge-server 0), wrapped by withWarmstart()"
        );
    }

    #[test]
    fn a_config_that_fails_to_load_is_not_green_and_says_why() {
        let failed = r#"{"probe":"warmstart-next-config","ok":false,"dir":"/x","config":"next.config.js","next":null,"loadedWith":null,"wrapped":false,"turbopack":null,"compilers":[],"surviving":0,"stage":"load","error":"Please set NEXTAUTH_SECRET (at next.config.js:16:45)"}"#;
        let check = judge("apps/web", report(failed));
        assert!(!check.ok);
        assert_eq!(
            check.detail,
            "could not check apps/web/next.config.js as `next dev` loads it: loading it failed: \
             Please set NEXTAUTH_SECRET (at next.config.js:16:45)"
        );
    }

    #[test]
    fn a_missing_node_is_a_reason_not_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("apps/web")).unwrap();
        let probe = Probe {
            node: "warmstart-no-such-node".to_string(),
            ..Probe::default()
        };
        let check = check_with(&probe, dir.path(), "apps/web");
        assert!(!check.ok);
        assert!(
            check.detail.starts_with(
                "could not check apps/web's next.config as `next dev` loads it: `warmstart-no-such-node` could not be started ("
            ),
            "{}",
            check.detail
        );
        assert!(check.fix.unwrap().contains("install Node.js"));
    }

    /// The embedded script through a real `node`, on configs that need no
    /// package: the Rust side and the script agree on the report.
    #[test]
    fn the_embedded_script_runs_in_node() {
        let has_node = Command::new("node")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !has_node {
            assert!(std::env::var_os("CI").is_none(), "CI needs node");
            assert!(
                std::env::var_os("WARMSTART_ALLOW_SKIP").is_some(),
                "node is not installed: install Node.js, or set WARMSTART_ALLOW_SKIP=1 to skip this test"
            );
            eprintln!("*** SKIPPED the_embedded_script_runs_in_node: no node ***");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let web = dir.path().join("apps/web");
        std::fs::create_dir_all(&web).unwrap();
        std::fs::write(
            web.join("next.config.js"),
            "console.log('loading');\nmodule.exports = (phase) => ({ env: { phase }, webpack: (c) => c });\n",
        )
        .unwrap();
        let check = check_statics_copy(dir.path(), "apps/web");
        assert!(check.ok, "{}", check.detail);
        let report = check.report.unwrap();
        assert_eq!(
            report.loaded_with.as_deref(),
            Some("require() without next, development phase")
        );
        assert_eq!(
            report
                .compilers
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
            ["client", "server", "edge-server"]
        );
        assert_eq!(report.output, ["loading"]);

        std::fs::write(
            web.join("next.config.js"),
            "throw new Error('Please set NEXTAUTH_SECRET');\n",
        )
        .unwrap();
        let check = check_statics_copy(dir.path(), "apps/web");
        assert!(!check.ok);
        assert!(
            check.detail.starts_with(
                "could not check apps/web/next.config.js as `next dev` loads it: loading it failed: Please set NEXTAUTH_SECRET (at "
            ),
            "{}",
            check.detail
        );
    }

    #[test]
    fn no_app_folder_is_nothing_to_check() {
        let dir = tempfile::tempdir().unwrap();
        let check = check_statics_copy(dir.path(), "apps/web");
        assert!(check.ok);
        assert_eq!(
            check.detail,
            "no apps/web folder: no Next.js config to check"
        );
    }
}
