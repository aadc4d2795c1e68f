//! Messages the cache has for the user: a wait on the lock, a damaged file.
//! The library never prints; the binary installs a hook that does.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Something the user should hear about. `Display` gives a one-line message.
#[derive(Debug, Clone, PartialEq)]
pub enum CacheEvent {
    /// Another process holds the cache lock; this one waits for it.
    Waiting { lock: PathBuf },
    /// The lock was taken after a wait.
    Acquired { lock: PathBuf, waited: Duration },
    /// A cache file could not be used and was dropped (damaged, truncated,
    /// unreadable). Its entries are recomputed; results stay correct.
    Damaged { file: PathBuf, reason: String },
    /// A cache file or lock could not be written; the run goes on without
    /// saving (the next run recomputes what this one could not store).
    NotSaved { file: PathBuf, reason: String },
}

impl fmt::Display for CacheEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CacheEvent::Waiting { lock } => write!(
                f,
                "waiting for another warmstart process to release the cache lock {}",
                lock.display()
            ),
            CacheEvent::Acquired { waited, .. } => {
                write!(f, "cache lock acquired after {} ms", waited.as_millis())
            }
            CacheEvent::Damaged { file, reason } => write!(
                f,
                "ignoring cache file {}: {reason}; recomputing",
                file.display()
            ),
            CacheEvent::NotSaved { file, reason } => {
                write!(f, "could not save cache file {}: {reason}", file.display())
            }
        }
    }
}

type Hook = Arc<dyn Fn(&CacheEvent) + Send + Sync>;

/// The installed hook (none: events are dropped).
#[derive(Clone, Default)]
pub(crate) struct Events(Option<Hook>);

impl Events {
    pub fn new(hook: impl Fn(&CacheEvent) + Send + Sync + 'static) -> Events {
        Events(Some(Arc::new(hook)))
    }

    pub fn emit(&self, event: &CacheEvent) {
        if let Some(hook) = &self.0 {
            hook(event);
        }
    }
}

impl fmt::Debug for Events {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Events(hook)"
        } else {
            "Events(none)"
        })
    }
}
