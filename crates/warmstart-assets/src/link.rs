//! Link modes and the fallback chain, behind a small [`Linker`] trait so the
//! chain can be tested on Linux by simulating refusals (`Refusing`).
//!
//! In the spirit of uv's `LinkMode`: each destination tries the first mode of
//! its chain and falls back when the file system or OS refuses (a symlink
//! without the privilege, a hardlink across devices, a reflink on ext4), and
//! the mode actually used is reported and recorded.

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::config::ModeChoice;

/// How a destination was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// One symlink for a whole app folder (one syscall per app).
    DirSymlink,
    /// A Windows directory junction for a whole app folder.
    Junction,
    /// A symlink per file.
    Symlink,
    /// A hardlink per file.
    Hardlink,
    /// A copy-on-write clone per file.
    Reflink,
    /// A real copy per file.
    Copy,
    /// A folder warmstart created to hold per-file entries.
    Dir,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::DirSymlink => "dir-symlink",
            Mode::Junction => "junction",
            Mode::Symlink => "symlink",
            Mode::Hardlink => "hardlink",
            Mode::Reflink => "reflink",
            Mode::Copy => "copy",
            Mode::Dir => "dir",
        }
    }

    /// Position in the fallback order; an existing entry is kept when it is
    /// not earlier than the first mode asked for (so `--mode copy` replaces
    /// links, while `auto` keeps whatever valid fallback a run settled on).
    pub fn rank(self) -> u8 {
        match self {
            Mode::DirSymlink | Mode::Junction | Mode::Dir => 0,
            Mode::Symlink => 1,
            Mode::Hardlink => 2,
            Mode::Reflink => 3,
            Mode::Copy => 4,
        }
    }

    /// True for modes whose destination is an independent file whose bytes
    /// can go stale (recorded with size, mtime and hash).
    pub fn is_copy(self) -> bool {
        matches!(self, Mode::Reflink | Mode::Copy)
    }

    pub fn is_link(self) -> bool {
        matches!(self, Mode::DirSymlink | Mode::Junction | Mode::Symlink)
    }
}

/// The whole-folder mode tried first for a linkable app, if any.
pub fn dir_mode(choice: ModeChoice) -> Option<Mode> {
    match choice {
        ModeChoice::Auto | ModeChoice::Symlink if cfg!(windows) => Some(Mode::Junction),
        ModeChoice::Auto | ModeChoice::Symlink => Some(Mode::DirSymlink),
        _ => None,
    }
}

/// The per-file chain, first mode first.
pub fn file_chain(choice: ModeChoice) -> &'static [Mode] {
    if cfg!(windows) {
        // File symlinks need Developer Mode or admin rights on Windows and
        // hardlinks confuse some editors there: junctions for folders, then
        // copies, unless a mode is asked for explicitly.
        match choice {
            ModeChoice::Auto => &[Mode::Copy],
            ModeChoice::Symlink => &[Mode::Symlink, Mode::Copy],
            ModeChoice::Hardlink => &[Mode::Hardlink, Mode::Copy],
            ModeChoice::Reflink => &[Mode::Reflink, Mode::Copy],
            ModeChoice::Copy => &[Mode::Copy],
        }
    } else {
        match choice {
            ModeChoice::Auto | ModeChoice::Symlink => {
                &[Mode::Symlink, Mode::Hardlink, Mode::Reflink, Mode::Copy]
            }
            ModeChoice::Hardlink => &[Mode::Hardlink, Mode::Reflink, Mode::Copy],
            ModeChoice::Reflink => &[Mode::Reflink, Mode::Copy],
            ModeChoice::Copy => &[Mode::Copy],
        }
    }
}

/// The rank below which an existing entry is replaced.
pub fn min_rank(choice: ModeChoice) -> u8 {
    match dir_mode(choice) {
        Some(m) => m.rank(),
        None => file_chain(choice)[0].rank(),
    }
}

/// One link to make.
#[derive(Debug, Clone, Copy)]
pub struct LinkRequest<'a> {
    /// Absolute source (file, or folder for whole-folder modes).
    pub source: &'a Path,
    /// Relative link target (from the destination's folder to the source).
    pub target: &'a Path,
    /// Absolute destination; it does not exist.
    pub dest: &'a Path,
}

/// Makes one destination in one mode. Copies return the blake3 hash of the
/// bytes written.
pub trait Linker: Sync {
    fn link(&self, mode: Mode, req: LinkRequest<'_>) -> io::Result<Option<String>>;
}

/// The real file system.
#[derive(Debug, Clone, Copy, Default)]
pub struct FsLinker;

impl Linker for FsLinker {
    fn link(&self, mode: Mode, req: LinkRequest<'_>) -> io::Result<Option<String>> {
        match mode {
            Mode::DirSymlink => dir_symlink(req.target, req.dest).map(|_| None),
            Mode::Junction => junction(req.source, req.dest).map(|_| None),
            Mode::Symlink => file_symlink(req.target, req.dest).map(|_| None),
            Mode::Hardlink => fs::hard_link(req.source, req.dest).map(|_| None),
            Mode::Reflink => reflink(req.source, req.dest).map(Some),
            Mode::Copy => copy_hashed(req.source, req.dest).map(Some),
            Mode::Dir => fs::create_dir(req.dest).map(|_| None),
        }
    }
}

/// A linker that refuses some modes, as a file system or OS would: for
/// testing every fallback on any machine.
#[derive(Debug, Clone, Default)]
pub struct Refusing<L> {
    pub inner: L,
    pub refuse: BTreeSet<Mode>,
}

impl<L: Linker> Linker for Refusing<L> {
    fn link(&self, mode: Mode, req: LinkRequest<'_>) -> io::Result<Option<String>> {
        if self.refuse.contains(&mode) {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                format!("{} refused (simulated)", mode.name()),
            ));
        }
        self.inner.link(mode, req)
    }
}

/// Errors that mean "this mode cannot work here, try the next one". A
/// destination that appeared meanwhile or a vanished source is not a
/// refusal: falling back would only hide it.
pub fn is_refusal(err: &io::Error) -> bool {
    !matches!(
        err.kind(),
        io::ErrorKind::AlreadyExists | io::ErrorKind::NotFound
    )
}

#[cfg(unix)]
fn dir_symlink(target: &Path, dest: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, dest)
}

#[cfg(windows)]
fn dir_symlink(target: &Path, dest: &Path) -> io::Result<()> {
    std::os::windows::fs::symlink_dir(target, dest)
}

#[cfg(unix)]
fn file_symlink(target: &Path, dest: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, dest)
}

#[cfg(windows)]
fn file_symlink(target: &Path, dest: &Path) -> io::Result<()> {
    std::os::windows::fs::symlink_file(target, dest)
}

/// Junctions take an absolute target and need no privilege.
#[cfg(windows)]
fn junction(source: &Path, dest: &Path) -> io::Result<()> {
    junction::create(source, dest)
}

#[cfg(not(windows))]
fn junction(_source: &Path, _dest: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "junctions exist only on Windows",
    ))
}

fn parent(dest: &Path) -> io::Result<&Path> {
    dest.parent()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "destination has no parent"))
}

/// Clones into a temporary sibling, then renames it into place without
/// clobbering, so a killed run never leaves half a file at the destination.
fn reflink(source: &Path, dest: &Path) -> io::Result<String> {
    let tmp = tempfile::Builder::new()
        .prefix(warmstart_fs::TEMP_PREFIX)
        .make_in(parent(dest)?, |p| reflink_copy::reflink(source, p))?;
    let hash = hash_file(source)?;
    tmp.into_temp_path()
        .persist_noclobber(dest)
        .map_err(|e| e.error)?;
    Ok(hash)
}

/// Copies through a temporary sibling, hashing the bytes as they pass.
/// No fsync: a copy is rebuilt from its source at any time, and the manifest
/// records intent before the copy starts, so a crash costs a re-copy.
fn copy_hashed(source: &Path, dest: &Path) -> io::Result<String> {
    let mut input = fs::File::open(source)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(warmstart_fs::TEMP_PREFIX)
        .tempfile_in(parent(dest)?)?;
    let mut hasher = blake3::Hasher::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        tmp.write_all(&buf[..n])?;
    }
    if let Ok(meta) = input.metadata() {
        let _ = fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist_noclobber(dest).map_err(|e| e.error)?;
    Ok(hasher.finalize().to_hex().to_string())
}

/// blake3 of a file's bytes, hex.
pub fn hash_file(path: &Path) -> io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    let mut file = fs::File::open(path)?;
    io::copy(&mut file, &mut hasher)?;
    Ok(hasher.finalize().to_hex().to_string())
}

/// Removes a link or file warmstart made, without following links.
pub fn remove(mode: Mode, path: &Path) -> io::Result<()> {
    match mode {
        Mode::Dir => fs::remove_dir(path),
        // On Windows a folder link or junction is removed as a folder.
        Mode::DirSymlink | Mode::Junction if cfg!(windows) => fs::remove_dir(path),
        _ => fs::remove_file(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_start_where_asked() {
        assert_eq!(file_chain(ModeChoice::Copy), &[Mode::Copy]);
        assert_eq!(*file_chain(ModeChoice::Reflink).last().unwrap(), Mode::Copy);
        assert_eq!(dir_mode(ModeChoice::Hardlink), None);
        assert_eq!(min_rank(ModeChoice::Auto), 0);
        assert_eq!(min_rank(ModeChoice::Copy), Mode::Copy.rank());
    }

    #[test]
    fn refusals_fall_back_but_conflicts_do_not() {
        assert!(is_refusal(&io::Error::from(io::ErrorKind::Unsupported)));
        assert!(is_refusal(&io::Error::from(
            io::ErrorKind::PermissionDenied
        )));
        assert!(!is_refusal(&io::Error::from(io::ErrorKind::AlreadyExists)));
    }
}
