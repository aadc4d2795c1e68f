//! The writers' lock of a repository: commands that write into it
//! (`assets setup`/`clean`, `apps build`, `warmstart dev`'s prepare phase)
//! hold an exclusive OS file lock (`flock` on Unix, `LockFileEx` on Windows)
//! so that two warmstart processes never interleave their writes. Their
//! writes are atomic renames anyway; the lock keeps the manifests' views of
//! the tree consistent (one process must not clean what the other is
//! recording). A second process says that it waits, then waits. The OS
//! drops the lock when a process dies, so a crash never leaves it held.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use crate::error::{FsError, Result};

/// Holds the lock until dropped.
#[derive(Debug)]
pub struct WriteLock {
    file: File,
    path: PathBuf,
}

impl WriteLock {
    /// Takes the lock at `path` (creating the file and its folder), calling
    /// `on_wait` once before blocking when another process holds it.
    pub fn acquire(path: &Path, on_wait: impl FnOnce(&Path)) -> Result<WriteLock> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| FsError::Write {
                path: parent.to_path_buf(),
                source: e,
            })?;
        }
        let file = File::options()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(path)
            .map_err(|e| FsError::Write {
                path: path.to_path_buf(),
                source: e,
            })?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                on_wait(path);
                file.lock().map_err(|e| FsError::Write {
                    path: path.to_path_buf(),
                    source: e,
                })?;
            }
            Err(TryLockError::Error(e)) => {
                return Err(FsError::Write {
                    path: path.to_path_buf(),
                    source: e,
                });
            }
        }
        Ok(WriteLock {
            file,
            path: path.to_path_buf(),
        })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/writers.lock");
        let first = WriteLock::acquire(&path, |_| panic!("nobody holds it yet")).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let waiter = {
            let path = path.clone();
            std::thread::spawn(move || {
                let _second = WriteLock::acquire(&path, |_| tx.send(()).unwrap()).unwrap();
            })
        };
        // The second one announces its wait while the first still holds it.
        rx.recv().unwrap();
        assert!(!waiter.is_finished());
        drop(first);
        waiter.join().unwrap();
    }
}
