//! The cache-wide lock: an exclusive OS file lock (`flock` on Unix,
//! `LockFileEx` on Windows) on `<cache>/.lock`, held while a bucket is
//! written or the cache is cleared.
//!
//! Readers need no lock because every write is a rename of a complete file.
//! The lock serializes writers so that a save can merge what another process
//! saved since this one loaded, and so that `cache clear` never races a
//! save. The OS drops the lock when a process dies, so a crash never leaves
//! the cache locked.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::error::{CacheError, Result};
use crate::events::{CacheEvent, Events};

/// Name of the lock file inside the cache folder.
pub const LOCK_FILE: &str = ".lock";

/// Holds the cache lock until dropped.
#[derive(Debug)]
pub struct CacheLock {
    file: File,
    path: PathBuf,
}

impl CacheLock {
    /// Takes the lock, waiting for another holder if there is one; the wait
    /// is announced through `events` before blocking, and again once the
    /// lock is taken, so a user never stares at a silent terminal.
    pub(crate) fn acquire(dir: &Path, events: &Events) -> Result<CacheLock> {
        let path = dir.join(LOCK_FILE);
        let file = File::options()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| CacheError::io("cannot open lock file", &path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                events.emit(&CacheEvent::Waiting { lock: path.clone() });
                let started = Instant::now();
                file.lock()
                    .map_err(|e| CacheError::io("cannot lock", &path, e))?;
                events.emit(&CacheEvent::Acquired {
                    lock: path.clone(),
                    waited: started.elapsed(),
                });
            }
            Err(TryLockError::Error(e)) => {
                return Err(CacheError::io("cannot lock", &path, e));
            }
        }
        Ok(CacheLock { file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for CacheLock {
    fn drop(&mut self) {
        // Closing the handle releases the lock too; unlocking first makes the
        // release immediate even if the handle were duplicated.
        let _ = self.file.unlock();
    }
}
