//! Is a path still what the manifest says warmstart made there? Shared by
//! `setup` (keep or replace), `validate` (report) and `clean` (remove only
//! what is still ours).

use std::fs::{self, Metadata};
use std::path::Path;

use crate::link::Mode;
use crate::manifest::{Entry, mtime_ns};
use crate::plan::link_target;

/// What a path holds compared with its manifest entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    Valid,
    /// A link whose target is gone.
    Dangling,
    /// Ours but out of date (points elsewhere, source changed, copy edited).
    Stale(String),
    /// Not the kind of thing warmstart made: someone replaced it.
    Foreign,
}

/// Checks `path` (repo-relative) against `entry`, given its `lstat`.
pub fn verify(root: &Path, path: &str, entry: &Entry, meta: &Metadata) -> Check {
    let abs = root.join(path);
    let source = entry.source.as_deref().unwrap_or("");
    match entry.mode {
        Mode::Dir => {
            if meta.is_dir() {
                Check::Valid
            } else {
                Check::Foreign
            }
        }
        Mode::DirSymlink | Mode::Symlink => {
            if !meta.is_symlink() {
                return Check::Foreign;
            }
            let expected = link_target(path, source);
            match fs::read_link(&abs) {
                Ok(t) if t == expected => {
                    if fs::metadata(&abs).is_ok() {
                        Check::Valid
                    } else {
                        Check::Dangling
                    }
                }
                Ok(t) => Check::Stale(format!(
                    "links to {}, expected {}",
                    t.display(),
                    expected.display()
                )),
                Err(_) => Check::Foreign,
            }
        }
        Mode::Junction => {
            if fs::metadata(&abs).is_ok_and(|m| m.is_dir()) {
                Check::Valid
            } else {
                Check::Dangling
            }
        }
        Mode::Hardlink => {
            if !meta.is_file() {
                return Check::Foreign;
            }
            match fs::metadata(root.join(source)) {
                Ok(src) if same_file(meta, &src) => Check::Valid,
                Ok(_) => Check::Stale("the source was replaced since it was linked".into()),
                Err(_) => Check::Stale("its source is gone".into()),
            }
        }
        Mode::Copy | Mode::Reflink => {
            if !meta.is_file() {
                return Check::Foreign;
            }
            let src = match fs::metadata(root.join(source)) {
                Ok(src) => src,
                Err(_) => return Check::Stale("its source is gone".into()),
            };
            if entry.pending {
                // A killed run recorded the intent; the copy was renamed into
                // place whole or not at all, so equal bytes mean it finished.
                return if meta.len() == src.len()
                    && crate::link::hash_file(&abs).ok()
                        == crate::link::hash_file(&root.join(source)).ok()
                {
                    Check::Valid
                } else {
                    Check::Stale("an interrupted copy".into())
                };
            }
            if Some(src.len()) != entry.size || Some(mtime_ns(&src)) != entry.mtime {
                Check::Stale("the source changed since it was copied".into())
            } else if Some(meta.len()) != entry.size || Some(mtime_ns(meta)) != entry.dest_mtime {
                Check::Stale("the copy was edited".into())
            } else {
                Check::Valid
            }
        }
    }
}

#[cfg(unix)]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    // Windows metadata from std has no stable file id: equal size and
    // mtime is what a hardlink shares.
    a.len() == b.len() && a.modified().ok() == b.modified().ok()
}

/// One `readlink`: true when `path` is a link warmstart made that still
/// points at its source. Callers use it only for sources the current scan
/// found, so the target exists and the link is valid; this keeps a
/// no-change run at one syscall per app folder.
pub fn links_to_source(root: &Path, path: &str, entry: &Entry) -> bool {
    matches!(entry.mode, Mode::DirSymlink | Mode::Symlink)
        && !entry.pending
        && fs::read_link(root.join(path))
            .is_ok_and(|t| t == link_target(path, entry.source.as_deref().unwrap_or("")))
}

/// Fills size, mtimes and hash of a copy from disk.
pub fn record_copy(root: &Path, path: &str, entry: &mut Entry, hash: Option<String>) {
    let src = entry.source.as_deref().map(|s| root.join(s));
    if let Some(meta) = src.and_then(|s| fs::metadata(s).ok()) {
        entry.size = Some(meta.len());
        entry.mtime = Some(mtime_ns(&meta));
    }
    entry.dest_mtime = fs::symlink_metadata(root.join(path))
        .ok()
        .map(|m| mtime_ns(&m));
    entry.hash = hash.or_else(|| crate::link::hash_file(&root.join(path)).ok());
}

/// For a pending entry of an interrupted run, what to record now: the
/// entry as made (in whichever mode of the chain the run got to), or the
/// entry it was replacing if the run had not touched that yet, or nothing
/// (nothing of warmstart's is there; never deleted either way).
pub fn settle(root: &Path, path: &str, entry: &Entry) -> Option<Entry> {
    let meta = fs::symlink_metadata(root.join(path)).ok()?;
    let mut modes = vec![entry.mode];
    if matches!(
        entry.mode,
        Mode::Symlink | Mode::Hardlink | Mode::Reflink | Mode::Copy
    ) {
        // Fallbacks: hardlink before copy, since a hardlink also has the
        // source's bytes.
        modes.extend([Mode::Symlink, Mode::Hardlink, Mode::Copy]);
    }
    for mode in modes {
        let candidate = Entry {
            mode,
            replaces: None,
            ..entry.clone()
        };
        if verify(root, path, &candidate, &meta) == Check::Valid {
            let mut made = Entry {
                pending: false,
                ..candidate
            };
            if mode.is_copy() {
                record_copy(root, path, &mut made, None);
            }
            return Some(made);
        }
    }
    let old = entry.replaces.as_deref()?;
    (verify(root, path, old, &meta) == Check::Valid).then(|| old.clone())
}

/// Settles every pending entry in memory; returns one line per path.
pub fn settle_pending(root: &Path, m: &mut crate::manifest::Manifest) -> Vec<String> {
    let pending: Vec<String> = m
        .entries
        .iter()
        .filter(|(_, e)| e.pending)
        .map(|(p, _)| p.clone())
        .collect();
    let mut lines = Vec::new();
    for path in pending {
        let entry = m
            .entries
            .remove(&path)
            .unwrap_or_else(|| Entry::new(Mode::Dir, None));
        match settle(root, &path, &entry) {
            Some(e) => {
                lines.push(format!("{path}: adopted ({})", e.mode.name()));
                m.entries.insert(path, e);
            }
            None => lines.push(format!("{path}: not made; forgotten")),
        }
    }
    lines
}
