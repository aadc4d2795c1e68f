//! The dev session once the server is ready: keep it running, re-run the
//! prepare steps when a watched folder changes, give a forwarded signal
//! time to stop the server, and return how it ended. The caller (the
//! binary) prints the events and turns the [`Outcome`] into its exit code;
//! nothing here ends the process.

use std::time::{Duration, Instant};

use crate::config::Optimizations;
use crate::prepare::{self, Step, StepTiming};
use crate::session::Started;
use crate::signals::Forwarder;
use crate::watch::Watcher;

/// How often the loop looks at the server, the watcher and the signals.
const POLL: Duration = Duration::from_millis(50);
/// How long a server has to stop after a forwarded signal.
const SIGNAL_GRACE: Duration = Duration::from_secs(10);
/// How long `stop` waits after its own terminate.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// What happened while serving, for the caller to print.
#[derive(Debug)]
pub enum Event<'a> {
    /// Every poll (~50 ms), after the server's output was read: the
    /// caller reports what goes on beside the server.
    Tick,
    /// A watched change re-ran the prepare steps.
    Reprepared {
        /// Files in the change.
        files: usize,
        /// Time of the steps, summed (ms).
        total_ms: f64,
        /// From the change settling to the steps starting (ms).
        latency_ms: f64,
        timings: &'a [StepTiming],
    },
}

/// How the session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The server exited by itself with this code.
    Exited(i32),
    /// A signal was forwarded and the server did not stop within the grace
    /// period: it was stopped, with this code.
    Stopped(i32),
}

impl Outcome {
    /// The code the process should end with (the server's).
    pub fn exit_code(self) -> i32 {
        match self {
            Outcome::Exited(code) | Outcome::Stopped(code) => code,
        }
    }
}

/// Serves until the server ends. `steps` re-run (with `on`) on every
/// change `watcher` reports; `event` hears about ticks and re-runs. The
/// server's output is read once more before returning.
pub fn serve(
    started: &mut Started,
    steps: &mut [Step],
    on: &Optimizations,
    watcher: Option<&Watcher>,
    signals: &Forwarder,
    mut event: impl FnMut(Event<'_>),
) -> Outcome {
    let mut signalled: Option<Instant> = None;
    let outcome = loop {
        started.read_log();
        event(Event::Tick);
        if let Some(status) = started.process.try_wait() {
            started.process.wait();
            break Outcome::Exited(crate::process::exit_code(status));
        }
        if signals.received().is_some() {
            // The signal was forwarded; give the server time to shut down.
            let at = *signalled.get_or_insert_with(Instant::now);
            if at.elapsed() > SIGNAL_GRACE {
                let status = started.process.stop(STOP_GRACE);
                break Outcome::Stopped(crate::process::exit_code(status));
            }
        }
        let Some(w) = watcher else {
            std::thread::sleep(POLL);
            continue;
        };
        if let Ok(change) = w.changes.recv_timeout(POLL) {
            let latency = change.at.elapsed();
            let timings = prepare::run_steps(steps, on);
            event(Event::Reprepared {
                files: change.paths.len(),
                total_ms: timings.iter().map(|t| t.ms).sum(),
                latency_ms: prepare::ms(latency),
                timings: &timings,
            });
        }
    };
    started.read_log();
    outcome
}
