//! Route pre-warming: once the server is ready, request the routes a
//! developer opens first, one at a time, so that their compile has started
//! (or finished) by the time the browser asks.
//!
//! What this buys is *time from start until the route answers*, never a
//! faster compile: the server compiles the same modules, only earlier. The
//! routes come from `--warm`, `dev.warm.routes`, and the routes Next
//! compiled in earlier sessions (its `○ Compiling /x` lines), kept in
//! `node_modules/.cache/warmstart/dev-routes.json`.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::DevError;
use crate::nextlog;
use crate::probe;

/// The routes file, beside the metrics history.
pub const ROUTES_FILE: &str = "node_modules/.cache/warmstart/dev-routes.json";

/// Sessions the routes file keeps.
const KEEP_SESSIONS: usize = 20;

/// The `dev.warm` section of `warmstart.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct WarmConfig {
    /// Request routes in the background once the server is ready.
    pub enabled: bool,
    /// Routes to request first, in this order (`/auth/login`).
    pub routes: Vec<String>,
    /// How many routes to add from earlier sessions: the last session's
    /// first route, then the routes compiled in the most sessions.
    pub from_history: usize,
    /// Seconds to wait for one route to answer.
    pub timeout_secs: u64,
}

impl Default for WarmConfig {
    fn default() -> Self {
        WarmConfig {
            enabled: true,
            routes: Vec::new(),
            from_history: 1,
            timeout_secs: 300,
        }
    }
}

/// Routes compiled by one session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionRoutes {
    pub at: String,
    pub routes: Vec<String>,
}

/// The routes of the last sessions (newest last).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteHistory {
    pub sessions: Vec<SessionRoutes>,
}

impl RouteHistory {
    pub fn path(root: &Path) -> PathBuf {
        root.join(ROUTES_FILE)
    }

    /// Reads the file; a missing or unreadable one is an empty history
    /// (pre-warming is a convenience: it must never stop a dev server).
    pub fn load(path: &Path) -> RouteHistory {
        std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Adds a session's routes (only requestable ones) and writes the file
    /// atomically, keeping the last sessions.
    pub fn record(path: &Path, routes: &[String], at: String) -> Result<(), DevError> {
        let routes: Vec<String> = routes
            .iter()
            .filter(|r| nextlog::warmable(r))
            .cloned()
            .collect();
        if routes.is_empty() {
            return Ok(());
        }
        let mut history = RouteHistory::load(path);
        history.sessions.push(SessionRoutes { at, routes });
        let extra = history.sessions.len().saturating_sub(KEEP_SESSIONS);
        history.sessions.drain(..extra);
        let text = serde_json::to_vec_pretty(&history).expect("history serializes");
        if let Some(dir) = path.parent() {
            // The cache folder, made the cache's way (see metrics::append).
            warmstart_cache::prepare_dir(dir)?;
        }
        warmstart_fs::write_if_changed(path, &text)?;
        Ok(())
    }

    /// Up to `n` routes: the last session's first route, then the routes
    /// compiled in the most sessions (newer first on ties).
    pub fn suggested(&self, n: usize) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        if n == 0 {
            return out;
        }
        if let Some(first) = self.sessions.last().and_then(|s| s.routes.first()) {
            out.push(first.clone());
        }
        let mut counts: Vec<(String, usize, usize)> = Vec::new();
        for (i, s) in self.sessions.iter().enumerate() {
            for r in &s.routes {
                match counts.iter_mut().find(|(x, _, _)| x == r) {
                    Some(c) => {
                        c.1 += 1;
                        c.2 = i;
                    }
                    None => counts.push((r.clone(), 1, i)),
                }
            }
        }
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
        for (r, _, _) in counts {
            if out.len() >= n {
                break;
            }
            if !out.contains(&r) {
                out.push(r);
            }
        }
        out.truncate(n);
        out
    }
}

/// The routes to warm: explicit ones first, then the history's.
pub fn plan(config: &WarmConfig, given: &[String], history: &RouteHistory) -> Vec<String> {
    if !config.enabled {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    let explicit = if given.is_empty() {
        &config.routes
    } else {
        given
    };
    for r in explicit
        .iter()
        .chain(history.suggested(config.from_history).iter())
    {
        let r = if r.starts_with('/') {
            r.clone()
        } else {
            format!("/{r}")
        };
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

/// One warmed route.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Warmed {
    pub route: String,
    /// HTTP status, or `None` when the request failed.
    pub status: Option<u16>,
    /// The request alone.
    pub request_ms: f64,
    /// From the start of `warmstart dev` until the route answered.
    pub ready_after_start_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Requests `routes` against `base` one at a time on a background thread;
/// each result arrives on the returned channel as soon as it is known.
/// `t0` is the start of `warmstart dev`.
pub fn spawn(base: &str, routes: Vec<String>, timeout: Duration, t0: Instant) -> Receiver<Warmed> {
    let (tx, rx) = mpsc::channel();
    let base = base.trim_end_matches('/').to_string();
    thread::Builder::new()
        .name("warmstart-warm".into())
        .spawn(move || {
            for route in routes {
                let url = format!("{base}{route}");
                let started = Instant::now();
                let (status, error) = match probe::get(&url, timeout) {
                    Ok(page) => (Some(page.status), None),
                    Err(e) => (None, Some(e.to_string())),
                };
                let warmed = Warmed {
                    route,
                    status,
                    request_ms: started.elapsed().as_secs_f64() * 1e3,
                    ready_after_start_ms: t0.elapsed().as_secs_f64() * 1e3,
                    error,
                };
                if tx.send(warmed).is_err() {
                    return;
                }
            }
        })
        .expect("a thread can be spawned");
    rx
}

/// Routes being warmed in the background, and the results so far.
pub struct Warmer {
    rx: Receiver<Warmed>,
    /// The routes, in the order they are requested.
    pub planned: Vec<String>,
    /// Results, in the order they arrived.
    pub done: Vec<Warmed>,
}

impl Warmer {
    /// Starts warming `routes` against `base`; `None` when there is
    /// nothing to warm.
    pub fn start(
        base: &str,
        routes: Vec<String>,
        timeout: Duration,
        t0: Instant,
    ) -> Option<Warmer> {
        if routes.is_empty() {
            return None;
        }
        Some(Warmer {
            rx: spawn(base, routes.clone(), timeout, t0),
            planned: routes,
            done: Vec::new(),
        })
    }

    /// Results that arrived since the last call.
    pub fn poll(&mut self) -> Vec<Warmed> {
        let new: Vec<Warmed> = self.rx.try_iter().collect();
        self.done.extend(new.iter().cloned());
        new
    }

    /// Every planned route has answered (or failed).
    pub fn finished(&self) -> bool {
        self.done.len() >= self.planned.len()
    }
}

/// The server's base URL for warming: what Next printed as `Local:`, else
/// the origin of a configured URL, else `http://127.0.0.1:$PORT` (3000).
pub fn base_url(local: Option<&str>, configured: &[Option<&str>]) -> String {
    if let Some(l) = local.and_then(origin) {
        return l;
    }
    if let Some(o) = configured.iter().flatten().find_map(|u| origin(u)) {
        return o;
    }
    let port = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse::<u16>().ok())
        .unwrap_or(3000);
    format!("http://127.0.0.1:{port}")
}

/// One line for a warmed route.
pub fn describe(w: &Warmed) -> String {
    match (w.status, &w.error) {
        (Some(status), _) => format!(
            "warmed {} ({status}) in {:.1} s, answering {:.1} s after start",
            w.route,
            w.request_ms / 1e3,
            w.ready_after_start_ms / 1e3
        ),
        (None, Some(e)) => format!(
            "warming {} failed after {:.1} s: {e}",
            w.route,
            w.request_ms / 1e3
        ),
        (None, None) => format!("warming {} gave no answer", w.route),
    }
}

/// The origin to warm against: `http://host:port` of a URL.
pub fn origin(url: &str) -> Option<String> {
    let rest = url.strip_prefix("http://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    (!authority.is_empty()).then(|| format!("http://{authority}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(sessions: &[&[&str]]) -> RouteHistory {
        RouteHistory {
            sessions: sessions
                .iter()
                .map(|r| SessionRoutes {
                    at: "t".into(),
                    routes: r.iter().map(|s| s.to_string()).collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn the_last_sessions_first_route_then_the_most_used() {
        let h = history(&[
            &["/apps", "/bookings"],
            &["/bookings"],
            &["/auth/login", "/apps"],
        ]);
        assert_eq!(h.suggested(1), ["/auth/login"]);
        assert_eq!(h.suggested(3), ["/auth/login", "/apps", "/bookings"]);
        assert!(RouteHistory::default().suggested(3).is_empty());
    }

    #[test]
    fn explicit_routes_come_first_and_off_means_none() {
        let h = history(&[&["/auth/login"]]);
        let c = WarmConfig::default();
        assert_eq!(plan(&c, &["apps".into()], &h), ["/apps", "/auth/login"]);
        let off = WarmConfig {
            enabled: false,
            ..WarmConfig::default()
        };
        assert!(plan(&off, &["/apps".into()], &h).is_empty());
    }

    #[test]
    fn record_keeps_only_requestable_routes() {
        let dir = tempfile::tempdir().unwrap();
        let path = RouteHistory::path(dir.path());
        RouteHistory::record(
            &path,
            &[
                "/_error".into(),
                "/auth/login".into(),
                "/apps/[slug]".into(),
            ],
            "t".into(),
        )
        .unwrap();
        assert_eq!(RouteHistory::load(&path).suggested(5), ["/auth/login"]);
        assert_eq!(
            origin("http://127.0.0.1:3000/auth/login").as_deref(),
            Some("http://127.0.0.1:3000")
        );
    }
}
