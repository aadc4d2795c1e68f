//! SIGINT and SIGTERM forwarding. The dev server runs in its own process
//! group, so Ctrl-C in the terminal reaches only warmstart; warmstart passes
//! it on to the server's group and then waits for the server to finish.

use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use std::thread;

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::{Handle, Signals};

/// Installed handlers; removing them (drop) restores nothing, so install
/// once per process.
pub struct Forwarder {
    target: Arc<AtomicI32>,
    received: Arc<AtomicI32>,
    handle: Handle,
}

impl Forwarder {
    /// Catches SIGINT and SIGTERM from now on.
    pub fn install() -> std::io::Result<Forwarder> {
        let mut signals = Signals::new([SIGINT, SIGTERM])?;
        let handle = signals.handle();
        let target = Arc::new(AtomicI32::new(0));
        let received = Arc::new(AtomicI32::new(0));
        let (t, r) = (target.clone(), received.clone());
        thread::spawn(move || {
            for sig in signals.forever() {
                r.store(sig, Ordering::SeqCst);
                let pgid = t.load(Ordering::SeqCst);
                if pgid > 0
                    && let Ok(signal) = Signal::try_from(sig)
                {
                    let _ = killpg(Pid::from_raw(pgid), signal);
                }
            }
        });
        Ok(Forwarder {
            target,
            received,
            handle,
        })
    }

    /// Forwards signals to this process group from now on (`None`: nobody).
    pub fn set_target(&self, pgid: Option<u32>) {
        self.target
            .store(pgid.map_or(0, |p| p as i32), Ordering::SeqCst);
    }

    /// The last signal received, if any.
    pub fn received(&self) -> Option<Signal> {
        match self.received.load(Ordering::SeqCst) {
            0 => None,
            sig => Signal::try_from(sig).ok(),
        }
    }
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        self.handle.close();
    }
}
