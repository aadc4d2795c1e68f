//! Reads what Next.js prints: readiness, what it compiles and how long each
//! compile took, the requests it answered. Both generations are read:
//!
//! | Next | lines |
//! |---|---|
//! | 13.5/14 (webpack) | `✓ Ready in 3.2s`, `○ Compiling /auth/login ...`, `✓ Compiled /auth/login in 22s (5443 modules)`, `✓ Compiled /instrumentation in 7.5s (87 modules)` |
//! | 15 (webpack) | the same, `✓ Compiled /x in 4.2s (1234 modules)` |
//! | 15 (`--turbopack`) | `✓ Compiled instrumentation Node.js in 26ms`, `✓ Compiled instrumentation Edge in 12ms`, `✓ Compiled middleware in 120ms`, `✓ Compiled /auth/login in 12.3s` (no module count), `GET /auth/login 200 in 13000ms` |
//!
//! Lines are matched after colors are removed (the process reader does it).
//! A line this module does not know is not an error: it is simply no event.

use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

/// What a `Compiled …` line compiled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "camelCase")]
pub enum Target {
    /// `instrumentation` for one runtime (`nodejs`, `edge`), or with no
    /// runtime named (Next 13.5/14: `/instrumentation`).
    Instrumentation(Option<String>),
    /// `middleware` (`/middleware` on 13.5/14).
    Middleware,
    /// A page or route (`/auth/login`, `/api/trpc/[trpc]`, `/_error`).
    Route(String),
    /// `✓ Compiled in 300ms`: a recompile after a change (hot reload).
    Rebuild,
}

impl Target {
    fn parse(text: &str) -> Target {
        let t = text.trim();
        if t.is_empty() {
            return Target::Rebuild;
        }
        let bare = t.trim_start_matches('/');
        if let Some(rest) = bare.strip_prefix("instrumentation") {
            let rest = rest.trim();
            if rest.is_empty() {
                return Target::Instrumentation(None);
            }
            let runtime = match rest.to_ascii_lowercase().as_str() {
                "node.js" | "nodejs" | "node" => "nodejs".to_string(),
                "edge" => "edge".to_string(),
                other => other.to_string(),
            };
            return Target::Instrumentation(Some(runtime));
        }
        if bare == "middleware" || bare.starts_with("middleware ") {
            return Target::Middleware;
        }
        if t.starts_with('/') {
            Target::Route(t.to_string())
        } else {
            // `Compiled successfully in …` (a build) and other wordings:
            // a compile, of nothing we can name.
            Target::Rebuild
        }
    }

    /// Compiled before the server can answer (instrumentation, middleware).
    pub fn before_ready_kind(&self) -> bool {
        matches!(self, Target::Instrumentation(_) | Target::Middleware)
    }

    /// A short label: `instrumentation (nodejs)`, `middleware`, `/x`.
    pub fn label(&self) -> String {
        match self {
            Target::Instrumentation(Some(r)) => format!("instrumentation ({r})"),
            Target::Instrumentation(None) => "instrumentation".to_string(),
            Target::Middleware => "middleware".to_string(),
            Target::Route(r) => r.clone(),
            Target::Rebuild => "rebuild".to_string(),
        }
    }
}

/// One thing Next.js said.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "camelCase")]
pub enum Event {
    /// `✓ Ready in 2.2s`; `ms` is Next's own figure when it gives one.
    Ready { ms: Option<f64> },
    /// `- Local: http://localhost:3000`.
    Local { url: String },
    /// `▲ Next.js 15.3.0 (Turbopack)`.
    Version { version: String, turbopack: bool },
    /// `○ Compiling /x ...`.
    Compiling { target: Target },
    /// `✓ Compiled /x in 4.2s (1234 modules)`.
    Compiled {
        target: Target,
        ms: f64,
        modules: Option<u64>,
    },
    /// `GET /auth/login 200 in 13000ms` (Next 14 and later).
    Request {
        method: String,
        path: String,
        status: u16,
        ms: f64,
    },
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("valid regex"))
}

/// `4.2s`, `300ms`, `1.5min` → milliseconds.
fn duration_ms(value: &str, unit: &str) -> Option<f64> {
    let v: f64 = value.parse().ok()?;
    Some(match unit {
        "ms" => v,
        "s" => v * 1_000.0,
        "min" | "m" => v * 60_000.0,
        _ => return None,
    })
}

/// The event a line of Next's output carries, if any.
pub fn parse(line: &str) -> Option<Event> {
    static COMPILED: OnceLock<Regex> = OnceLock::new();
    static COMPILING: OnceLock<Regex> = OnceLock::new();
    static READY: OnceLock<Regex> = OnceLock::new();
    static LOCAL: OnceLock<Regex> = OnceLock::new();
    static VERSION: OnceLock<Regex> = OnceLock::new();
    static REQUEST: OnceLock<Regex> = OnceLock::new();
    let line = line.trim();
    // Leading status marks vary by version (`✓`, `○`, `⚠`, `-`, `event -`,
    // `wait -`); the words after them do not.
    let compiled = re(
        &COMPILED,
        r"(?:^|\s)Compiled(?:\s+(.*?))?\s+in\s+([\d.]+)\s*(ms|s|min)(?:\s+\((\d+)\s+modules\))?\s*$",
    );
    if let Some(c) = compiled.captures(line) {
        let target = Target::parse(c.get(1).map_or("", |m| m.as_str()));
        let ms = duration_ms(&c[2], &c[3])?;
        let modules = c.get(4).and_then(|m| m.as_str().parse().ok());
        return Some(Event::Compiled {
            target,
            ms,
            modules,
        });
    }
    let compiling = re(&COMPILING, r"(?:^|\s)Compiling\s+(.+?)\s*(?:\.\.\.|…)?\s*$");
    if let Some(c) = compiling.captures(line) {
        return Some(Event::Compiling {
            target: Target::parse(&c[1]),
        });
    }
    let ready = re(
        &READY,
        r"(?:^|\s)(?:Ready in\s+([\d.]+)\s*(ms|s|min)|[Rr]eady\b.*started server)",
    );
    if let Some(c) = ready.captures(line) {
        let ms = match (c.get(1), c.get(2)) {
            (Some(v), Some(u)) => duration_ms(v.as_str(), u.as_str()),
            _ => None,
        };
        return Some(Event::Ready { ms });
    }
    let local = re(&LOCAL, r"^-?\s*Local:\s+(https?://\S+)");
    if let Some(c) = local.captures(line) {
        return Some(Event::Local {
            url: c[1].trim_end_matches('/').to_string(),
        });
    }
    let version = re(&VERSION, r"Next\.js\s+v?(\d+\.\d+\.\d+\S*)(.*)$");
    if let Some(c) = version.captures(line) {
        return Some(Event::Version {
            version: c[1].to_string(),
            turbopack: c[2].to_ascii_lowercase().contains("turbo"),
        });
    }
    let request = re(
        &REQUEST,
        r"^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(\S+)\s+(\d{3})\s+in\s+([\d.]+)\s*(ms|s|min)",
    );
    if let Some(c) = request.captures(line) {
        return Some(Event::Request {
            method: c[1].to_string(),
            path: c[2].to_string(),
            status: c[3].parse().ok()?,
            ms: duration_ms(&c[4], &c[5])?,
        });
    }
    None
}

/// A compile Next reported.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Compile {
    pub target: Target,
    pub ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modules: Option<u64>,
    /// Printed before the server said it was ready.
    pub before_ready: bool,
}

/// What one session of the server said, accumulated line by line.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Log {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub turbopack: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local: Option<String>,
    pub ready: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready_ms: Option<f64>,
    pub compiles: Vec<Compile>,
    /// Routes in the order Next first compiled them (`○ Compiling /x`).
    pub routes: Vec<String>,
    /// Concrete paths requested (Next 14+ prints them), in first-seen order.
    pub requested: Vec<String>,
}

impl Log {
    /// Reads one line; returns the event it carried.
    pub fn feed(&mut self, line: &str) -> Option<Event> {
        let event = parse(line)?;
        match &event {
            Event::Ready { ms } => {
                if !self.ready {
                    self.ready = true;
                    self.ready_ms = *ms;
                }
            }
            Event::Local { url } => {
                self.local.get_or_insert_with(|| url.clone());
            }
            Event::Version { version, turbopack } => {
                self.version = Some(version.clone());
                self.turbopack |= *turbopack;
            }
            Event::Compiling { target } => self.note_route(target),
            Event::Compiled {
                target,
                ms,
                modules,
            } => {
                self.note_route(target);
                self.compiles.push(Compile {
                    target: target.clone(),
                    ms: *ms,
                    modules: *modules,
                    before_ready: !self.ready,
                });
            }
            Event::Request { path, .. } => {
                if !self.requested.contains(path) {
                    self.requested.push(path.clone());
                }
            }
        }
        Some(event)
    }

    fn note_route(&mut self, target: &Target) {
        if let Target::Route(r) = target
            && !self.routes.contains(r)
        {
            self.routes.push(r.clone());
        }
    }

    /// Compiles printed before Ready (instrumentation per runtime,
    /// middleware, anything else Next compiled first).
    pub fn before_ready(&self) -> impl Iterator<Item = &Compile> {
        self.compiles.iter().filter(|c| c.before_ready)
    }

    /// The largest module count of a route compile (the first page's, in a
    /// measured start).
    pub fn max_route_modules(&self) -> Option<u64> {
        self.compiles
            .iter()
            .filter(|c| matches!(c.target, Target::Route(_)))
            .filter_map(|c| c.modules)
            .max()
    }
}

/// Whether a route can be requested as written to warm it: no dynamic
/// segment (`[id]`), not one of Next's internals, not an API route (a GET
/// there may do something).
pub fn warmable(route: &str) -> bool {
    route.starts_with('/')
        && !route.contains('[')
        && !route.starts_with("/_")
        && route != "/instrumentation"
        && route != "/middleware"
        && route != "/favicon.ico"
        && !route.starts_with("/api/")
        && route != "/api"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiled(line: &str) -> (Target, f64, Option<u64>) {
        match parse(line) {
            Some(Event::Compiled {
                target,
                ms,
                modules,
            }) => (target, ms, modules),
            other => panic!("{line:?} → {other:?}"),
        }
    }

    #[test]
    fn next13_webpack_lines() {
        assert_eq!(
            compiled("✓ Compiled /auth/login in 22s (5443 modules)"),
            (Target::Route("/auth/login".into()), 22_000.0, Some(5443))
        );
        assert_eq!(
            compiled(" ✓ Compiled /instrumentation in 7.5s (87 modules)"),
            (Target::Instrumentation(None), 7_500.0, Some(87))
        );
        assert_eq!(
            compiled("✓ Compiled in 300ms (88 modules)"),
            (Target::Rebuild, 300.0, Some(88))
        );
        assert_eq!(
            parse(" ✓ Ready in 3.2s"),
            Some(Event::Ready { ms: Some(3_200.0) })
        );
        assert_eq!(
            parse("ready - started server on 0.0.0.0:3000, url: http://localhost:3000"),
            Some(Event::Ready { ms: None })
        );
        assert_eq!(
            parse(" ○ Compiling /auth/login ..."),
            Some(Event::Compiling {
                target: Target::Route("/auth/login".into())
            })
        );
    }

    #[test]
    fn next15_turbopack_lines() {
        assert_eq!(
            compiled(" ✓ Compiled instrumentation Node.js in 26ms"),
            (Target::Instrumentation(Some("nodejs".into())), 26.0, None)
        );
        assert_eq!(
            compiled(" ✓ Compiled instrumentation Edge in 12ms"),
            (Target::Instrumentation(Some("edge".into())), 12.0, None)
        );
        assert_eq!(
            compiled(" ✓ Compiled middleware in 120ms"),
            (Target::Middleware, 120.0, None)
        );
        assert_eq!(
            compiled(" ✓ Compiled /auth/login in 12.3s"),
            (Target::Route("/auth/login".into()), 12_300.0, None)
        );
        assert_eq!(
            parse("   ▲ Next.js 15.3.0 (Turbopack)"),
            Some(Event::Version {
                version: "15.3.0".into(),
                turbopack: true
            })
        );
        assert_eq!(
            parse("   - Local:        http://localhost:3000"),
            Some(Event::Local {
                url: "http://localhost:3000".into()
            })
        );
        assert_eq!(
            parse(" GET /auth/login 200 in 13012ms"),
            Some(Event::Request {
                method: "GET".into(),
                path: "/auth/login".into(),
                status: 200,
                ms: 13_012.0
            })
        );
        assert_eq!(parse("   - Environments: .env"), None);
        assert_eq!(parse(" ✓ Starting..."), None);
    }

    #[test]
    fn a_session_splits_before_ready() {
        let mut log = Log::default();
        for l in [
            "   ▲ Next.js 15.3.0 (Turbopack)",
            "   - Local:        http://localhost:3000",
            " ✓ Starting...",
            " ✓ Compiled instrumentation Node.js in 7.3s",
            " ✓ Compiled instrumentation Edge in 12ms",
            " ✓ Compiled middleware in 120ms",
            " ✓ Ready in 10.2s",
            " ○ Compiling /auth/login ...",
            " ✓ Compiled /auth/login in 12.3s",
            " GET /auth/login 200 in 13000ms",
            " ○ Compiling /apps/[slug] ...",
            " ✓ Compiled /apps/[slug] in 3s",
            " GET /apps/zoom 200 in 3100ms",
        ] {
            log.feed(l);
        }
        assert!(log.turbopack);
        assert_eq!(log.local.as_deref(), Some("http://localhost:3000"));
        assert_eq!(log.ready_ms, Some(10_200.0));
        let before: Vec<String> = log.before_ready().map(|c| c.target.label()).collect();
        assert_eq!(
            before,
            [
                "instrumentation (nodejs)",
                "instrumentation (edge)",
                "middleware"
            ]
        );
        assert_eq!(log.routes, ["/auth/login", "/apps/[slug]"]);
        assert_eq!(log.requested, ["/auth/login", "/apps/zoom"]);
        assert!(warmable("/auth/login"));
        assert!(!warmable("/apps/[slug]"));
        assert!(!warmable("/api/trpc/me"));
        assert!(!warmable("/_error"));
    }
}
