//! What `warmstart dev` does beside starting the server: the statics-copy
//! check before the start (so a user whose config still copies the statics
//! is told, not silently slow), and route pre-warming once it is ready (the
//! first page's compile starts before the browser asks).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use warmstart_devserver::warm::{self, RouteHistory, Warmer};
use warmstart_devserver::{DevConfig, Started};

use crate::printer::Printer;
use crate::settings::Workspace;

/// The web app whose next.config the check loads (what doctor checks).
const WEB_APP: &str = "apps/web";

/// The statics-copy check, running on its own thread while prepare runs.
pub struct Preflight {
    rx: Option<Receiver<warmstart_init::devcheck::DevCheck>>,
}

impl Preflight {
    /// Starts the checks; lines that need no child process are returned
    /// at once (a dev chain that still runs a copy script).
    pub fn start(ws: Option<&Workspace>, configured_command: bool) -> (Preflight, Vec<String>) {
        let Some(ws) = ws else {
            return (Preflight { rx: None }, Vec::new());
        };
        let mut now = Vec::new();
        // The dev chain matters only when dev runs the configured command
        // (`yarn dev`); `warmstart dev -- next dev` skips it.
        if configured_command
            && let Ok(report) = warmstart_init::statics_report(&ws.root, ws.preset)
            && let Some(step) = report.dev_steps.first()
        {
            now.push(format!(
                "{}:{}:{}: `{}` still copies the app statics on every start → run `warmstart init --write`",
                step.file, step.line, step.column, step.step
            ));
        }
        let (tx, rx) = mpsc::channel();
        let root = ws.root.clone();
        let spawned = std::thread::Builder::new()
            .name("warmstart-preflight".into())
            .spawn(move || {
                let _ = tx.send(warmstart_init::devcheck::statics_copy(&root, WEB_APP));
            });
        (
            Preflight {
                rx: spawned.ok().map(|_| rx),
            },
            now,
        )
    }

    /// The warning, once the check is done; waits up to `wait` for it.
    /// Each answer is returned once.
    pub fn take(&mut self, wait: Duration) -> Option<String> {
        let rx = self.rx.as_ref()?;
        match rx.recv_timeout(wait) {
            Ok(check) => {
                self.rx = None;
                check.warning
            }
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                self.rx = None;
                None
            }
        }
    }
}

/// Pre-warming for one session: the warmer and where routes are recorded.
pub struct Warming {
    pub warmer: Option<Warmer>,
    history: Option<PathBuf>,
}

impl Warming {
    /// Plans the routes (`--warm`, `dev.warm.routes`, earlier sessions)
    /// and starts requesting them against the server's address.
    pub fn start(
        root: Option<&Path>,
        config: &DevConfig,
        given: &[String],
        off: bool,
        started: &Started,
        configured_urls: &[Option<&str>],
        t0: Instant,
    ) -> Warming {
        let history = root.map(RouteHistory::path);
        let past = history
            .as_deref()
            .map(RouteHistory::load)
            .unwrap_or_default();
        let mut warm_config = config.warm.clone();
        if off {
            warm_config.enabled = false;
        }
        // --warm asks for warming even where the config turned it off.
        if !given.is_empty() {
            warm_config.enabled = true;
        }
        let routes = warm::plan(&warm_config, given, &past);
        let base = warm::base_url(started.log.local.as_deref(), configured_urls);
        let warmer = Warmer::start(
            &base,
            routes,
            Duration::from_secs(warm_config.timeout_secs),
            t0,
        );
        Warming { warmer, history }
    }

    /// Lines for routes that answered since the last call.
    pub fn poll(&mut self) -> Vec<String> {
        match &mut self.warmer {
            Some(w) => w.poll().iter().map(warm::describe).collect(),
            None => Vec::new(),
        }
    }

    /// Keeps the routes Next compiled in this session for the next one.
    pub fn remember(&self, printer: &Printer, routes: &[String], at: &str) {
        if let Some(path) = &self.history
            && let Err(e) = RouteHistory::record(path, routes, at.to_string())
        {
            printer.status(format!("warning: {e}"));
        }
    }
}
