//! Watches the app store and static folders while the server runs. Events
//! are debounced (an editor's save or a `git checkout` is a burst); the
//! caller re-runs the prepare steps as soon as a burst has settled.

use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::error::DevError;

/// A settled burst of changes.
#[derive(Debug, Clone)]
pub struct Change {
    /// When the debouncer delivered it.
    pub at: Instant,
    /// Changed paths, sorted, without the ones warmstart ignores.
    pub paths: Vec<PathBuf>,
}

/// A running watcher; stops when dropped.
pub struct Watcher {
    _debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    pub changes: Receiver<Change>,
}

/// Whether a change to `path` should be ignored: build output, installed
/// packages, and files warmstart itself generates (re-running on those
/// would loop).
pub fn ignored(path: &Path) -> bool {
    path.components().any(|c| match c {
        Component::Normal(n) => {
            let n = n.to_string_lossy();
            n == "node_modules" || n == ".next" || n == ".git" || n == ".turbo"
        }
        _ => false,
    }) || path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().contains(".generated."))
        || path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(".warmstart"))
}

/// Creations, removals, renames and writes count; reads (inotify reports
/// opens and closes) and access-time updates do not — the prepare steps
/// read the watched files, and counting that would re-run them forever.
fn changes_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        EventKind::Modify(_) => true,
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    }
}

/// Watches `folders` recursively (missing folders are skipped and
/// returned).
pub fn watch(folders: &[PathBuf], debounce: Duration) -> Result<(Watcher, Vec<PathBuf>), DevError> {
    let (tx, rx) = channel();
    let mut debouncer = new_debouncer(debounce, None, move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        let mut paths: Vec<PathBuf> = events
            .iter()
            .filter(|e| changes_content(&e.kind))
            .flat_map(|e| e.paths.iter())
            .filter(|p| !ignored(p))
            .cloned()
            .collect();
        paths.sort();
        paths.dedup();
        if !paths.is_empty() {
            let _ = tx.send(Change {
                at: Instant::now(),
                paths,
            });
        }
    })
    .map_err(|e| DevError::Watch {
        path: folders.first().cloned().unwrap_or_default(),
        message: e.to_string(),
    })?;
    let mut missing = Vec::new();
    for folder in folders {
        if !folder.is_dir() {
            missing.push(folder.clone());
            continue;
        }
        debouncer
            .watch(folder, RecursiveMode::Recursive)
            .map_err(|e| DevError::Watch {
                path: folder.clone(),
                message: e.to_string(),
            })?;
    }
    Ok((
        Watcher {
            _debouncer: debouncer,
            changes: rx,
        },
        missing,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_outputs() {
        assert!(ignored(Path::new("/r/apps/web/.next/x.js")));
        assert!(ignored(Path::new(
            "/r/packages/app-store/apps.server.generated.ts"
        )));
        assert!(!ignored(Path::new(
            "/r/packages/app-store/zoom/static/a.svg"
        )));
    }

    #[test]
    fn reports_a_settled_change() {
        let dir = tempfile::tempdir().unwrap();
        let (w, missing) = watch(
            &[dir.path().to_path_buf(), dir.path().join("nope")],
            Duration::from_millis(50),
        )
        .unwrap();
        assert_eq!(missing.len(), 1);
        std::thread::sleep(Duration::from_millis(100));
        std::fs::write(dir.path().join("a.svg"), "x").unwrap();
        let change = w.changes.recv_timeout(Duration::from_secs(10)).unwrap();
        assert!(change.paths.iter().any(|p| p.ends_with("a.svg")));
    }
}
