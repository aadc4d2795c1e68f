//! The source walk: every rule's base folder, recursively. Dotfiles are
//! skipped (the plugin's glob does not match them); links are followed only
//! while they stay inside the root, and one that leaves it is refused. Each
//! folder's mtime is recorded so the next run can skip the walk.
//!
//! On Unix the walk works on open folder handles (`openat`, `fstat`,
//! `getdents`): one short lookup per folder instead of two full-path ones,
//! which is most of a cold `setup`'s CPU time.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{AssetsError, Result, io_err};
use crate::manifest::{DirInfo, ScanCache};
use crate::plan::Rules;
use std::time::SystemTime;
use warmstart_cache::change::time_ns;
use warmstart_cache::{Follow, Inputs, Stamp};

pub fn walk(root: &Path, rules: &Rules) -> Result<ScanCache> {
    let root_real = fs::canonicalize(root).map_err(io_err("cannot resolve", root))?;
    let mut w = Walker {
        root,
        root_real: &root_real,
        rules,
        scan: ScanCache {
            key: rules.key.clone(),
            // Recorded as of the walk's start: a folder changed while it
            // runs is not settled, and the next run walks again.
            inputs: Inputs {
                recorded_ns: time_ns(SystemTime::now()),
                follow: Follow::Target,
                ..Inputs::default()
            },
            ..ScanCache::default()
        },
        seen: HashSet::new(),
    };
    let mut bases: Vec<&str> = rules.rules.iter().map(|(p, _)| p.base.as_str()).collect();
    bases.sort();
    bases.dedup();
    for base in bases {
        let abs = root.join(base);
        let real = match fs::canonicalize(&abs) {
            Ok(r) => r,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io_err("cannot resolve", abs)(e)),
        };
        if !real.starts_with(&root_real) {
            return Err(outside(base, &real));
        }
        w.walk_base(base)?;
    }
    let mut scan = w.scan;
    scan.dirs.sort_by(|a, b| a.path.cmp(&b.path));
    scan.dirs.dedup_by(|a, b| a.path == b.path);
    scan.inputs.paths.sort_by(|a, b| a.0.cmp(&b.0));
    scan.inputs.paths.dedup_by(|a, b| a.0 == b.0);
    scan.files.sort();
    scan.files.dedup();
    Ok(scan)
}

fn outside(path: &str, real: &Path) -> AssetsError {
    AssetsError::OutsideRoot {
        path: path.to_string(),
        why: format!("it links to {}, outside the repository", real.display()),
    }
}

struct Walker<'a> {
    root: &'a Path,
    root_real: &'a Path,
    rules: &'a Rules,
    scan: ScanCache,
    seen: HashSet<PathBuf>,
}

enum Kind {
    Dir,
    File,
    Other,
}

impl Walker<'_> {
    /// A link among the sources: refused when it leaves the root; else
    /// what it points at (each linked folder once, so loops end).
    fn follow(&mut self, path: &str) -> Result<Kind> {
        let abs = self.root.join(path);
        let real = fs::canonicalize(&abs).map_err(io_err("cannot resolve", &abs))?;
        if !real.starts_with(self.root_real) {
            return Err(outside(path, &real));
        }
        let meta = fs::metadata(&real).map_err(io_err("cannot read", &real))?;
        Ok(if meta.is_dir() {
            if self.seen.insert(real) {
                Kind::Dir
            } else {
                Kind::Other
            }
        } else if meta.is_file() {
            Kind::File
        } else {
            Kind::Other
        })
    }

    /// Files and subfolders of one folder, into `info`; returns the
    /// subfolders to walk.
    fn entry(&mut self, info: &mut DirInfo, name: &str, kind: Kind) -> Option<String> {
        let path = join_rel(&info.path, name);
        match kind {
            Kind::Dir => {
                info.pure = false;
                // `dir/_` tests whether anything below `dir` would be
                // excluded, so `**/node_modules/**` prunes the whole folder.
                (!self.rules.exclude.is_match(&format!("{path}/_"))).then_some(path)
            }
            Kind::File if !self.rules.exclude.is_match(&path) => {
                info.files += 1;
                // Only files some rule maps are kept: the cache stays small
                // and the next run matches a few hundred paths, not thousands.
                if self.rules.rules.iter().any(|(p, _)| p.is_match(&path)) {
                    self.scan.files.push(path);
                }
                None
            }
            _ => {
                info.pure = false;
                None
            }
        }
    }
}

#[cfg(not(unix))]
impl Walker<'_> {
    fn walk_base(&mut self, base: &str) -> Result<()> {
        self.walk_dir(base)
    }

    fn walk_dir(&mut self, rel: &str) -> Result<()> {
        let abs = self.root.join(rel);
        let meta = fs::metadata(&abs).map_err(io_err("cannot read", &abs))?;
        self.scan
            .inputs
            .paths
            .push((rel.to_string(), Stamp::from_metadata(&meta)));
        let mut info = DirInfo {
            path: rel.to_string(),
            files: 0,
            pure: true,
        };
        let mut subdirs = Vec::new();
        for entry in fs::read_dir(&abs).map_err(io_err("cannot read", &abs))? {
            let entry = entry.map_err(io_err("cannot read", &abs))?;
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                let lossy = entry.file_name().to_string_lossy().into_owned();
                self.scan.skipped.push(join_rel(rel, &lossy));
                info.pure = false;
                continue;
            };
            if name.starts_with('.') {
                info.pure = false;
                continue;
            }
            let ft = entry
                .file_type()
                .map_err(io_err("cannot read", entry.path()))?;
            let kind = if ft.is_symlink() {
                self.follow(&join_rel(rel, &name))?
            } else if ft.is_dir() {
                Kind::Dir
            } else if ft.is_file() {
                Kind::File
            } else {
                Kind::Other
            };
            subdirs.extend(self.entry(&mut info, &name, kind));
        }
        self.scan.dirs.push(info);
        for sub in subdirs {
            self.walk_dir(&sub)?;
        }
        Ok(())
    }
}

#[cfg(unix)]
impl Walker<'_> {
    fn walk_base(&mut self, base: &str) -> Result<()> {
        let abs = self.root.join(base);
        let fd = rustix::fs::open(&abs, dir_flags(), rustix::fs::Mode::empty())
            .map_err(|e| io_err("cannot read", &abs)(e.into()))?;
        self.walk_fd(base, fd)
    }

    fn walk_fd(&mut self, rel: &str, fd: rustix::fd::OwnedFd) -> Result<()> {
        use rustix::fs::{AtFlags, FileType};
        let err = |e: rustix::io::Errno| io_err("cannot read", self.root.join(rel))(e.into());
        // Owning the handle: `read_from` would reopen the folder.
        let mut dir = rustix::fs::Dir::new(fd).map_err(err)?;
        let st = dir.stat().map_err(err)?;
        self.scan
            .inputs
            .paths
            .push((rel.to_string(), Stamp::from_stat(&st)));
        let mut info = DirInfo {
            path: rel.to_string(),
            files: 0,
            pure: true,
        };
        let mut subdirs = Vec::new();
        while let Some(entry) = dir.read() {
            let entry = entry.map_err(err)?;
            let Ok(name) = entry.file_name().to_str() else {
                let lossy = entry.file_name().to_string_lossy().into_owned();
                self.scan.skipped.push(join_rel(rel, &lossy));
                info.pure = false;
                continue;
            };
            if name == "." || name == ".." {
                continue;
            }
            if name.starts_with('.') {
                info.pure = false;
                continue;
            }
            let mut ft = entry.file_type();
            if ft == FileType::Unknown {
                // Some file systems leave d_type empty.
                let fd = dir.fd().map_err(err)?;
                ft = rustix::fs::statat(fd, entry.file_name(), AtFlags::SYMLINK_NOFOLLOW)
                    .map(|st| FileType::from_raw_mode(st.st_mode))
                    .map_err(err)?;
            }
            let kind = match ft {
                FileType::Symlink => self.follow(&join_rel(rel, name))?,
                FileType::Directory => Kind::Dir,
                FileType::RegularFile => Kind::File,
                _ => Kind::Other,
            };
            subdirs.extend(self.entry(&mut info, name, kind));
        }
        self.scan.dirs.push(info);
        let fd = dir.fd().map_err(err)?;
        for sub in subdirs {
            let name = if rel.is_empty() {
                sub.as_str()
            } else {
                &sub[rel.len() + 1..]
            };
            let child = rustix::fs::openat(fd, name, dir_flags(), rustix::fs::Mode::empty())
                .map_err(|e| io_err("cannot read", self.root.join(&sub))(e.into()))?;
            self.walk_fd(&sub, child)?;
        }
        Ok(())
    }
}

#[cfg(unix)]
fn dir_flags() -> rustix::fs::OFlags {
    use rustix::fs::OFlags;
    OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC
}

/// `dir/name`, or `name` at the root (a `**` rule walks from `""`: a
/// leading `/` would make the path absolute, outside the repository).
fn join_rel(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}
