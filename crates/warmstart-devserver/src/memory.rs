//! Samples the resident memory of the whole server tree (the dev server
//! forks workers, and one process's RSS would hide most of it).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::proc;

/// Peak and latest RSS of a process tree, in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Memory {
    pub peak: u64,
    pub current: u64,
}

/// A background sampler; stops when dropped.
pub struct Sampler {
    peak: Arc<AtomicU64>,
    current: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Sampler {
    /// Samples the tree under `pid` every `every`.
    pub fn start(pid: u32, every: Duration) -> Sampler {
        let peak = Arc::new(AtomicU64::new(0));
        let current = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (p, c, s) = (peak.clone(), current.clone(), stop.clone());
        let handle = thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                let rss = proc::tree_rss(pid);
                if rss > 0 {
                    c.store(rss, Ordering::Relaxed);
                    p.fetch_max(rss, Ordering::Relaxed);
                }
                thread::sleep(every);
            }
        });
        Sampler {
            peak,
            current,
            stop,
            handle: Some(handle),
        }
    }

    /// What has been seen so far.
    pub fn read(&self) -> Memory {
        Memory {
            peak: self.peak.load(Ordering::Relaxed),
            current: self.current.load(Ordering::Relaxed),
        }
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
