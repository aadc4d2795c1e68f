//! The no-change fast path. After a full build, warmstart records the
//! (mtime, size) of everything the outputs depend on: the app-store folder
//! and group folders (apps added or removed), each app folder and the
//! sub-folders the maps look into (files appearing or disappearing), each
//! metadata file and JSON it imports (contents), the outputs themselves,
//! the configuration and the environment variables metadata read (hashed,
//! never stored). When every one of them is unchanged, the outputs are
//! unchanged too and a run ends after ~400 `stat`s, without reading or
//! printing anything.
//!
//! A file modified within the file system's timestamp granularity of the
//! recording could change again without changing its mtime; such a record
//! is not written (the next run does a full build), as git does for racily
//! clean entries.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::build::BuildOutput;
use crate::eval::EnvFn;

const HEADER: &str = concat!("warmstart apps stamp v1 ", env!("CARGO_PKG_VERSION"));

/// The result of a fast-path check that found nothing changed.
#[derive(Debug, Clone)]
pub struct Fresh {
    pub apps: usize,
    /// Output paths (repo-relative) and their entry counts.
    pub files: Vec<(String, usize)>,
}

/// Records the environment variables a build reads, so the stamp can tell
/// when one of them changes.
#[derive(Debug, Default)]
pub struct EnvLog(Mutex<BTreeMap<String, Option<String>>>);

impl EnvLog {
    /// Reads through `inner`, remembering each name and value.
    pub fn read(&self, inner: EnvFn, key: &str) -> Option<String> {
        let value = inner(key);
        if let Ok(mut seen) = self.0.lock() {
            seen.insert(key.to_string(), value.clone());
        }
        value
    }
}

/// A stable 64-bit FNV-1a hash (std's hasher is seeded per process).
pub fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

fn stat(path: &Path) -> Option<(u128, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some((mtime, meta.len()))
}

fn fmt_stat(s: Option<(u128, u64)>) -> String {
    match s {
        Some((m, l)) => format!("{m} {l}"),
        None => "- -".to_string(),
    }
}

/// `Some` when the stamp at `file` (written for `key`) still holds: nothing
/// the outputs depend on changed.
pub fn fresh(file: &Path, key: u64, env: EnvFn) -> Option<Fresh> {
    let text = std::fs::read_to_string(file).ok()?;
    let mut lines = text.lines();
    if lines.next()? != HEADER || lines.next()? != format!("key {key:016x}") {
        return None;
    }
    let apps = lines.next()?.strip_prefix("apps ")?.parse().ok()?;
    let mut files = Vec::new();
    for line in lines {
        let (kind, rest) = line.split_once(' ')?;
        match kind {
            "env" => {
                let (name, hash) = rest.split_once(' ')?;
                let now =
                    env(name).map_or("-".to_string(), |v| format!("{:016x}", fnv(v.as_bytes())));
                if now != hash {
                    return None;
                }
            }
            "out" => {
                let (entries, path) = rest.split_once(' ')?;
                files.push((path.to_string(), entries.parse().ok()?));
            }
            "f" => {
                let mut parts = rest.splitn(3, ' ');
                let (m, l, path) = (parts.next()?, parts.next()?, parts.next()?);
                if fmt_stat(stat(Path::new(path))) != format!("{m} {l}") {
                    return None;
                }
            }
            _ => return None,
        }
    }
    Some(Fresh { apps, files })
}

/// Writes the stamp for a build whose outputs are on disk. Returns whether
/// it was written (not when an input is too recent to be trusted).
pub fn record(
    file: &Path,
    key: u64,
    output: &BuildOutput,
    env_log: &EnvLog,
    granularity: Duration,
) -> io::Result<bool> {
    let mut text = format!("{HEADER}\nkey {key:016x}\napps {}\n", output.apps);
    if let Ok(seen) = env_log.0.lock() {
        for (name, value) in seen.iter() {
            let hash = value
                .as_ref()
                .map_or("-".to_string(), |v| format!("{:016x}", fnv(v.as_bytes())));
            let _ = writeln!(text, "env {name} {hash}");
        }
    }
    for f in &output.files {
        let _ = writeln!(text, "out {} {}", f.entries, f.path);
    }
    let limit = SystemTime::now()
        .checked_sub(granularity)
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let paths: Vec<&PathBuf> = output
        .inputs
        .iter()
        .chain(output.files.iter().map(|f| &f.abs))
        .collect();
    // A build that writes nothing (outputs already right) must still clear
    // what a killed run left next to the stamp and the outputs.
    for dir in std::iter::once(file).chain(output.files.iter().map(|f| f.abs.as_path())) {
        if let Some(dir) = dir.parent() {
            warmstart_fs::sweep_stale_temps(dir);
        }
    }
    for path in paths {
        let s = stat(path);
        if s.is_some_and(|(mtime, _)| mtime >= limit) {
            // Racily clean: do not vouch for it; drop any older stamp too.
            let _ = std::fs::remove_file(file);
            return Ok(false);
        }
        let _ = writeln!(text, "f {} {}", fmt_stat(s), path.display());
    }
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent)?;
    }
    warmstart_fs::atomic_write(file, text.as_bytes()).map_err(io::Error::other)?;
    Ok(true)
}
