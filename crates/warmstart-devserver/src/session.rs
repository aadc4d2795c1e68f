//! One measured start of the dev server: spawn, wait until ready (output
//! pattern or HTTP probe), load the first page, probe a hot reload; then
//! either keep serving (`warmstart dev`) or stop (`warmstart bench`).

use std::path::PathBuf;
use std::process::ExitStatus;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use regex::Regex;

use crate::config::Optimizations;
use crate::error::DevError;
use crate::memory::{Memory, Sampler};
use crate::metrics::{Phase, RunRecord};
use crate::nextlog;
use crate::prepare::{self, Optimization, StepTiming};
use crate::probe;
use crate::process::{self, ServerProcess};
use crate::signals::Forwarder;

/// How to tell that the server is ready.
#[derive(Debug, Clone)]
pub enum Readiness {
    /// A line of output matches.
    Pattern(Regex),
    /// The URL answers (any HTTP status).
    Url(String),
}

impl Readiness {
    /// From config: a URL wins over the pattern.
    pub fn new(pattern: &str, url: Option<&str>) -> Result<Readiness, DevError> {
        match url {
            Some(u) => {
                probe::socket_addr(u)?;
                Ok(Readiness::Url(u.to_string()))
            }
            None => Regex::new(pattern)
                .map(Readiness::Pattern)
                .map_err(|e| DevError::Pattern {
                    pattern: pattern.to_string(),
                    message: e.to_string(),
                }),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Readiness::Pattern(re) => format!("output matching /{}/", re.as_str()),
            Readiness::Url(u) => format!("an answer from {u}"),
        }
    }
}

/// What to start and measure.
#[derive(Debug, Clone)]
pub struct Launch {
    pub command: Vec<String>,
    pub cwd: PathBuf,
    pub readiness: Readiness,
    pub timeout: Duration,
    /// Copy the server's output to ours.
    pub echo: bool,
    /// A URL, or a path (`/auth/login`, the presets' form) asked of the
    /// server at the address it announced (see [`page_url`]).
    pub first_page_url: Option<String>,
    /// `--probe-hmr FILE` and the URL to poll.
    pub hmr: Option<(PathBuf, String)>,
}

/// A server that became ready, with what was measured on the way.
pub struct Started {
    pub process: ServerProcess,
    pub memory: Sampler,
    /// Spawn to ready.
    pub ready_after: Duration,
    pub first_page: Option<Duration>,
    pub first_page_status: Option<u16>,
    pub first_page_modules: Option<u64>,
    pub hot_reload: Option<Duration>,
    /// Probes that failed (the run still counts).
    pub warnings: Vec<String>,
    /// What Next.js said so far (compiles before Ready, routes, version).
    pub log: nextlog::Log,
}

/// Starts the server and waits until it is ready, then loads the first
/// page and probes a hot reload when asked.
pub fn start(launch: &Launch, signals: Option<&Forwarder>) -> Result<Started, DevError> {
    for url in ready_and_page_urls(launch) {
        probe::ensure_port_free(&url)?;
    }
    let mut process = process::spawn(&launch.command, &launch.cwd, launch.echo)?;
    if let Some(s) = signals {
        s.set_target(Some(process.pid));
    }
    let memory = Sampler::start(process.pid, Duration::from_millis(200));
    let mut log = nextlog::Log::default();
    let ready_after = wait_ready(&mut process, launch, signals, &mut log)?;
    let mut started = Started {
        process,
        memory,
        ready_after,
        first_page: None,
        first_page_status: None,
        first_page_modules: None,
        hot_reload: None,
        warnings: Vec::new(),
        log,
    };
    if let Some(configured) = &launch.first_page_url {
        started.read_log();
        let url = page_url(configured, started.log.local.as_deref());
        match probe::get(&url, launch.timeout) {
            Ok(page) => {
                started.first_page = Some(page.elapsed);
                started.first_page_status = Some(page.status);
                // Next prints the compile line as it answers; give it a moment.
                std::thread::sleep(Duration::from_millis(150));
                started.read_log();
                started.first_page_modules = started.log.max_route_modules();
            }
            Err(e) => started.warnings.push(format!("first page: {e}")),
        }
    }
    if let Some((file, url)) = &launch.hmr {
        match probe::hot_reload(file, url, Duration::from_secs(30)) {
            Ok(d) => started.hot_reload = Some(d),
            Err(e) => started.warnings.push(format!("hot reload: {e}")),
        }
    }
    Ok(started)
}

impl Started {
    /// Reads the output received since the last call into `log`; returns
    /// the events it carried.
    pub fn read_log(&mut self) -> Vec<nextlog::Event> {
        let lines = drain(&self.process);
        lines.iter().filter_map(|l| self.log.feed(l)).collect()
    }
}

/// The URL of the first page: `configured` itself when it is a URL; a path
/// joined to the address the server announced (`- Local: http://…`), else
/// to Next's default, so `next dev -p 3001` is probed on 3001 without
/// configuring the port twice.
pub fn page_url(configured: &str, announced: Option<&str>) -> String {
    if !configured.starts_with('/') {
        return configured.to_string();
    }
    let base = crate::warm::base_url(announced, &[]);
    format!("{}{configured}", base.trim_end_matches('/'))
}

/// URLs whose port must be free before the start (a path-form first page
/// has no port of its own yet).
fn ready_and_page_urls(launch: &Launch) -> Vec<String> {
    let mut urls = Vec::new();
    if let Readiness::Url(u) = &launch.readiness {
        urls.push(u.clone());
    }
    if let Some(u) = launch
        .first_page_url
        .as_ref()
        .filter(|u| !u.starts_with('/'))
    {
        urls.push(u.clone());
    }
    urls.dedup();
    urls
}

fn wait_ready(
    process: &mut ServerProcess,
    launch: &Launch,
    signals: Option<&Forwarder>,
    log: &mut nextlog::Log,
) -> Result<Duration, DevError> {
    let deadline = process.started + launch.timeout;
    let mut last_probe = Instant::now() - Duration::from_secs(1);
    loop {
        if let Some(sig) = signals.and_then(Forwarder::received) {
            let status = process.stop(Duration::from_secs(5));
            return Err(DevError::Interrupted {
                signal: sig.as_str().to_string(),
                exit: Some(process::exit_code(status)),
            });
        }
        match process.lines.recv_timeout(Duration::from_millis(25)) {
            Ok(line) => {
                log.feed(&line.text);
                if let Readiness::Pattern(re) = &launch.readiness
                    && re.is_match(&line.text)
                {
                    return Ok(line.at - process.started);
                }
                continue;
            }
            Err(RecvTimeoutError::Timeout) => {}
            // Both pipes closed: the child is gone or closed its output.
            Err(RecvTimeoutError::Disconnected) => {
                std::thread::sleep(Duration::from_millis(25));
            }
        }
        if let Readiness::Url(u) = &launch.readiness
            && last_probe.elapsed() >= Duration::from_millis(50)
        {
            last_probe = Instant::now();
            if probe::answers(u) {
                return Ok(process.started.elapsed());
            }
        }
        if let Some(status) = process.try_wait() {
            // Lines printed just before exiting may still be in the pipe.
            std::thread::sleep(Duration::from_millis(50));
            return Err(exited(process, status));
        }
        if Instant::now() >= deadline {
            let last_lines = process.tail();
            process.stop(Duration::from_secs(5));
            return Err(DevError::Timeout {
                secs: launch.timeout.as_secs(),
                what: launch.readiness.describe(),
                last_lines,
            });
        }
    }
}

fn exited(process: &mut ServerProcess, status: ExitStatus) -> DevError {
    let last_lines = process.tail();
    process.wait();
    let port_in_use = last_lines
        .iter()
        .any(|l| l.contains("EADDRINUSE") || l.to_lowercase().contains("address already in use"));
    DevError::Exited {
        code: process::describe(status),
        exit: process::exit_code(status),
        last_lines,
        port_in_use,
    }
}

/// Output lines received since the last call.
pub fn drain(process: &ServerProcess) -> Vec<String> {
    process.lines.try_iter().map(|l| l.text).collect()
}

/// The largest `(N modules)` count in Next.js "Compiled" lines.
pub fn module_count(lines: &[String]) -> Option<u64> {
    let re = Regex::new(r"Compiled.*\((\d+) modules\)").expect("valid regex");
    lines
        .iter()
        .filter_map(|l| re.captures(l)?.get(1)?.as_str().parse().ok())
        .max()
}

/// The command as the user typed it (`--vs` runs as `sh -c "exec …"`).
fn label(command: &[String]) -> String {
    match command {
        [sh, c, script] if sh == "sh" && c == "-c" => {
            script.strip_prefix("exec ").unwrap_or(script).to_string()
        }
        _ => command.join(" "),
    }
}

/// Builds the record of one run. `t0` is when warmstart started working
/// (before the prepare steps).
pub fn record(
    kind: &str,
    command: &[String],
    steps: &[StepTiming],
    prepare_ms: f64,
    started: &Started,
    on: &Optimizations,
    git_revision: Option<String>,
) -> RunRecord {
    let ms = prepare::ms;
    let mut phases: Vec<Phase> = steps
        .iter()
        .map(|s| Phase {
            name: s.name.clone(),
            ms: s.ms,
        })
        .collect();
    phases.push(Phase {
        name: "server ready".into(),
        ms: ms(started.ready_after),
    });
    if let Some(d) = started.first_page {
        phases.push(Phase {
            name: "first page".into(),
            ms: ms(d),
        });
    }
    let Memory { peak, current } = started.memory.read();
    RunRecord {
        timestamp: crate::metrics::now_rfc3339(),
        kind: kind.to_string(),
        command: label(command),
        version: env!("CARGO_PKG_VERSION").to_string(),
        git_revision,
        startup_time: prepare_ms + ms(started.ready_after),
        asset_load_time: prepare::time_of(steps, Optimization::Assets),
        app_load_time: prepare::time_of(steps, Optimization::Apps),
        cache_lookups: prepare::cache_lookups(steps).map(|(lookups, _)| lookups),
        cache_hits: prepare::cache_lookups(steps).map(|(_, hits)| hits),
        cache_hit_rate: prepare::cache_hit_rate(steps),
        memory_usage: (peak > 0).then_some(peak),
        memory_current: (current > 0).then_some(current),
        first_page_load: started.first_page.map(ms),
        first_page_modules: started.first_page_modules,
        hot_reload: started.hot_reload.map(ms),
        phases,
        // What Next compiled before it said Ready (instrumentation per
        // runtime, middleware): the server's own share of startup, named.
        before_ready: started
            .log
            .before_ready()
            .map(|c| Phase {
                name: format!("compile {}", c.target.label()),
                ms: c.ms,
            })
            .collect(),
        optimizations: Optimization::ALL
            .iter()
            .filter(|o| on.enabled(**o))
            .map(|o| o.name().to_string())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_first_page_follows_the_announced_address() {
        // `next dev -p 3801` announces its own port: the preset's path goes there.
        assert_eq!(
            page_url("/auth/login", Some("http://127.0.0.1:3801")),
            "http://127.0.0.1:3801/auth/login"
        );
        assert_eq!(
            page_url("/auth/login", Some("http://localhost:3000/")),
            "http://localhost:3000/auth/login"
        );
        // A URL is the user's: kept as given.
        assert_eq!(
            page_url("http://localhost:4000/x", Some("http://127.0.0.1:3801")),
            "http://localhost:4000/x"
        );
    }

    #[test]
    fn counts_modules() {
        let lines = vec![
            "○ Compiling /apps ...".to_string(),
            "✓ Compiled /apps in 2.1s (193 modules)".to_string(),
            "✓ Compiled in 300ms (88 modules)".to_string(),
        ];
        assert_eq!(module_count(&lines), Some(193));
        assert_eq!(module_count(&[]), None);
    }
}
