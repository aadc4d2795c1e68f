//! `warmstart cache stats` and `warmstart cache clear`: what is on disk,
//! and removing it. `clear` deletes only files this crate writes, and only
//! in a folder that carries its `CACHEDIR.TAG`.

use std::path::Path;

use serde::Serialize;

use crate::cache::{BUCKET_EXT, Cache};
use crate::error::{CacheError, Result};
use crate::format::{self, WARMSTART_VERSION};
use crate::stats::{LastRun, STATS_FILE, StatsFile};

/// One bucket file on disk, with its last run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiskBucket {
    /// `<name>-v<version>`.
    pub bucket: String,
    /// Entries according to the header (`null` if unreadable).
    pub entries: Option<u64>,
    /// Size of the file.
    pub bytes: u64,
    /// The warmstart version that wrote it (`null` if unreadable).
    pub written_by: Option<String>,
    /// Whether this warmstart can use it (same version, readable header).
    pub current: bool,
    /// Statistics of the last run that saved this bucket.
    pub last_run: Option<LastRun>,
    /// A versioned folder a command keeps in the cache (`assets-v1/`)
    /// rather than a bucket file; `bytes` is the size of its files.
    pub folder: bool,
}

/// What [`Cache::clear`] removed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cleared {
    /// File names removed, sorted.
    pub removed: Vec<String>,
    /// Bytes freed.
    pub bytes: u64,
}

/// Splits `graph-parse-v1` into (`graph-parse`, 1).
pub(crate) fn split_stem(stem: &str) -> Option<(&str, u32)> {
    let (name, version) = stem.rsplit_once("-v")?;
    Some((name, version.parse().ok()?))
}

/// The stem of a result's side file kept beside the buckets, named like
/// one (`graph-result-v1.idx` / `.out`: the graph's result cache; `.json`:
/// `apps build`'s stamp).
pub(crate) fn side_file_stem(name: &str) -> Option<&str> {
    let stem = name
        .strip_suffix(".json")
        .or_else(|| name.strip_suffix(".idx"))
        .or_else(|| name.strip_suffix(".out"))?;
    split_stem(stem).map(|_| stem)
}

/// The stem of anything of the cache's own versioned naming in its folder:
/// a bucket file, a result's side file, or a command's versioned folder
/// (`assets-v1/`).
pub(crate) fn own_stem(name: &str) -> Option<&str> {
    side_file_stem(name).or_else(|| {
        let stem = name.strip_suffix(&format!(".{BUCKET_EXT}")).unwrap_or(name);
        split_stem(stem).map(|_| stem)
    })
}

/// Bucket files in `dir`: (stem, path), sorted.
fn bucket_files(dir: &Path) -> Result<Vec<(String, std::path::PathBuf)>> {
    let read = match std::fs::read_dir(dir) {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(CacheError::io("cannot list", dir, e)),
    };
    let mut out = Vec::new();
    for entry in read.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(&format!(".{BUCKET_EXT}"))
            && split_stem(stem).is_some()
            && entry.file_type().is_ok_and(|t| t.is_file())
        {
            out.push((stem.to_string(), entry.path()));
        }
    }
    out.sort();
    Ok(out)
}

impl Cache {
    /// Every bucket file in the cache folder with its header and last run,
    /// sorted by name. Empty when the folder does not exist.
    pub fn disk_stats(&self) -> Result<Vec<DiskBucket>> {
        let Some(dir) = self.dir() else {
            return Ok(Vec::new());
        };
        let runs = StatsFile::read(&dir.join(STATS_FILE));
        let mut out = Vec::new();
        for (stem, path) in bucket_files(dir)? {
            let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            // The header is within the first few hundred bytes; read only
            // that much so stats stay instant on big buckets.
            let head = read_head(&path, 1024);
            let header = format::peek_header(&head);
            out.push(DiskBucket {
                entries: header.as_ref().map(|h| h.entries),
                written_by: header.as_ref().map(|h| h.warmstart.clone()),
                current: header
                    .as_ref()
                    .is_some_and(|h| h.warmstart == WARMSTART_VERSION),
                last_run: runs.buckets.get(&stem).cloned(),
                bucket: stem,
                bytes,
                folder: false,
            });
        }
        for (stem, path) in bucket_folders(dir) {
            out.push(DiskBucket {
                entries: None,
                written_by: None,
                current: true,
                last_run: runs.buckets.get(&stem).cloned(),
                bucket: stem,
                bytes: folder_bytes(&path),
                folder: true,
            });
        }
        out.sort_by(|a, b| a.bucket.cmp(&b.bucket));
        Ok(out)
    }

    /// Removes the cache's own files: every bucket, or those of `bucket`
    /// (`graph-parse` for all its versions, `graph-parse-v1` for one), with
    /// their statistics. Leaves `CACHEDIR.TAG`, `.gitignore`, the lock and
    /// any file it did not write. Refuses a folder without `CACHEDIR.TAG`
    /// that holds anything not warmstart's ([`crate::is_own_name`]).
    pub fn clear(&self, bucket: Option<&str>) -> Result<Cleared> {
        let Some(dir) = self.dir() else {
            return Err(CacheError::Disabled);
        };
        if !dir.exists() {
            return Ok(Cleared::default());
        }
        // The lock prepares the folder first: one without the tag is
        // refused unless all it holds is warmstart's own (`warmstart dev`
        // on a fresh clone leaves such a folder), which then gets the tag.
        let _lock = self.lock()?;
        let mut cleared = Cleared::default();
        let matches = |stem: &str| match bucket {
            None => true,
            Some(b) => stem == b || split_stem(stem).is_some_and(|(name, _)| name == b),
        };
        let remove = |path: &Path, cleared: &mut Cleared| -> Result<()> {
            let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            match std::fs::remove_file(path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
                Err(e) => return Err(CacheError::io("cannot remove", path, e)),
            }
            cleared.bytes += len;
            if let Some(name) = path.file_name() {
                cleared.removed.push(name.to_string_lossy().into_owned());
            }
            Ok(())
        };
        for (stem, path) in bucket_files(dir)? {
            if matches(&stem) {
                remove(&path, &mut cleared)?;
            }
        }
        // Side files kept by a user of the cache folder beside the buckets.
        if let Ok(read) = std::fs::read_dir(dir) {
            for entry in read.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if let Some(stem) = side_file_stem(&name)
                    && matches(stem)
                {
                    remove(&entry.path(), &mut cleared)?;
                }
            }
        }
        let stats = dir.join(STATS_FILE);
        match bucket {
            None => {
                remove(&stats, &mut cleared)?;
                // Leftovers of writes interrupted by a crash.
                if let Ok(read) = std::fs::read_dir(dir) {
                    for entry in read.flatten() {
                        let name = entry.file_name();
                        if name
                            .to_string_lossy()
                            .starts_with(warmstart_fs::TEMP_PREFIX)
                        {
                            remove(&entry.path(), &mut cleared)?;
                        }
                    }
                }
            }
            Some(_) => {
                let mut file = StatsFile::read(&stats);
                let before = file.buckets.len();
                file.buckets.retain(|stem, _| !matches(stem));
                if file.buckets.len() != before {
                    let mut text = serde_json::to_vec_pretty(&file).unwrap_or_default();
                    text.push(b'\n');
                    crate::bucket::write_unsynced(&stats, &text)?;
                }
            }
        }
        cleared.removed.sort();
        Ok(cleared)
    }
}

/// Versioned folders (`assets-v1/`) in `dir`: (name, path), sorted.
fn bucket_folders(dir: &Path) -> Vec<(String, std::path::PathBuf)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(name, _)| split_stem(name).is_some())
        .collect();
    out.sort();
    out
}

/// Total size of the files under `path` (symlinks not followed).
fn folder_bytes(path: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(entry.path()),
                Ok(t) if t.is_file() => total += entry.metadata().map(|m| m.len()).unwrap_or(0),
                _ => {}
            }
        }
    }
    total
}

fn read_head(path: &Path, limit: u64) -> Vec<u8> {
    use std::io::Read;
    let mut buf = Vec::new();
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.take(limit).read_to_end(&mut buf);
    }
    buf
}

#[cfg(test)]
mod tests {
    use super::split_stem;

    #[test]
    fn stems() {
        assert_eq!(split_stem("graph-parse-v1"), Some(("graph-parse", 1)));
        assert_eq!(split_stem("apps-v12"), Some(("apps", 12)));
        assert_eq!(split_stem("apps"), None);
        assert_eq!(split_stem("apps-vx"), None);
    }
}
