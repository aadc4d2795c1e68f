//! The manifest: a versioned JSON record, in the cache folder, of every path
//! warmstart created — the only thing `clean` ever deletes and the only
//! thing `setup` ever replaces. It also caches the source scan (folder
//! mtimes), so a no-change `setup` or `validate` does not walk the tree.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{AssetsError, Result, io_err};
use crate::link::Mode;

/// Bumped whenever the format changes; the folder name carries it too
/// (`assets-v1`), so an old warmstart never misreads a new manifest.
pub const VERSION: u32 = 1;
pub const FILE_NAME: &str = "manifest.json";
/// Beside the manifest: what a running `setup` is about to create. Written
/// before it acts, removed after the manifest records the outcome; a run
/// killed in between leaves it for the next one to settle.
pub const INTENT_FILE: &str = "intent.json";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub version: u32,
    /// The last `setup` materialized only critical assets.
    #[serde(default)]
    pub lazy: bool,
    /// Repo-relative destination → what warmstart made there.
    pub entries: BTreeMap<String, Entry>,
    /// The source walk, reused while no source folder's mtime changed.
    #[serde(default)]
    pub scan: ScanCache,
}

/// One path warmstart made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub mode: Mode,
    /// Repo-relative source file (or folder for whole-folder links).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Recorded before the path is created and cleared once it exists, so a
    /// killed run is repaired by the next one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pending: bool,
    /// Copies: bytes, source mtime (ns) when copied, blake3 hash, and the
    /// copy's own mtime (to notice edits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtime: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dest_mtime: Option<i64>,
    /// For a pending entry: what the manifest recorded at this path before
    /// (restored if the interrupted run had not replaced it yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<Box<Entry>>,
}

impl Entry {
    pub fn new(mode: Mode, source: Option<String>) -> Entry {
        Entry {
            mode,
            source,
            pending: false,
            size: None,
            mtime: None,
            hash: None,
            dest_mtime: None,
            replaces: None,
        }
    }
}

/// The source walk of the last run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanCache {
    /// The rules and excludes the walk was made for.
    pub key: String,
    pub dirs: Vec<DirInfo>,
    pub files: Vec<String>,
    /// Every walked folder's stamp, as of the walk's start: the walk is
    /// reused while they are unchanged and settled.
    #[serde(default)]
    pub inputs: warmstart_cache::Inputs,
    /// Entries whose names are not UTF-8 (shown lossily): they cannot be
    /// named in the manifest or in a URL, so they are left out, and their
    /// folder is linked file by file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<String>,
}

/// One walked source folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DirInfo {
    pub path: String,
    /// Plain files directly inside (not hidden, not excluded).
    pub files: u32,
    /// Only plain files inside: a whole-folder link shows exactly them.
    pub pure: bool,
}

impl Manifest {
    pub fn path(root: &Path, cache_dir: &str) -> PathBuf {
        root.join(cache_dir).join(FILE_NAME)
    }

    /// Reads the manifest; a missing file is an empty manifest. The entries
    /// of an interrupted run's intent are merged in as pending, each
    /// remembering what it would have replaced.
    pub fn load(path: &Path) -> Result<Manifest> {
        let mut manifest = match std::fs::read(path) {
            Ok(bytes) => parse(path, &bytes)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Manifest {
                version: VERSION,
                ..Manifest::default()
            },
            Err(e) => return Err(io_err("cannot read", path)(e)),
        };
        let intent_path = intent_path(path);
        if let Ok(bytes) = std::fs::read(&intent_path) {
            // A torn intent means the run died while writing it, before it
            // created anything: nothing to settle.
            if let Ok(intent) = serde_json::from_slice::<Manifest>(&bytes) {
                for (p, mut e) in intent.entries {
                    e.pending = true;
                    e.replaces = manifest
                        .entries
                        .remove(&p)
                        .filter(|old| !old.pending)
                        .map(Box::new);
                    manifest.entries.insert(p, e);
                }
            }
        }
        Ok(manifest)
    }

    /// Writes atomically and durably (warmstart-fs: temp + fsync + rename),
    /// then drops the intent it settles. A new cache folder gets a
    /// `.gitignore` and a `CACHEDIR.TAG` so tools skip it.
    pub fn save(&self, path: &Path) -> Result<()> {
        let bytes = self.prepare(path)?;
        warmstart_fs::atomic_write(path, &bytes)?;
        remove_intent(path)
    }

    /// Records the pending entries in the intent file before they are
    /// created: one small write, no rename over the manifest and no fsync
    /// (it has to survive the process, a `kill -9`, not the machine).
    pub fn save_intent(&self, path: &Path) -> Result<()> {
        let pending = Manifest {
            version: VERSION,
            lazy: self.lazy,
            entries: self
                .entries
                .iter()
                .filter(|(_, e)| e.pending)
                .map(|(p, e)| {
                    (
                        p.clone(),
                        Entry {
                            replaces: None,
                            ..e.clone()
                        },
                    )
                })
                .collect(),
            scan: ScanCache::default(),
        };
        let bytes = pending.prepare(path)?;
        let intent = intent_path(path);
        std::fs::write(&intent, bytes).map_err(io_err("cannot write", &intent))
    }

    fn prepare(&self, path: &Path) -> Result<Vec<u8>> {
        let dir = path.parent().unwrap_or(Path::new("."));
        if !dir.is_dir() {
            std::fs::create_dir_all(dir).map_err(io_err("cannot create", dir))?;
            // Markers, not data: a plain write is enough.
            let tag = b"Signature: 8a477f597d28d172789f06886806bc55\n# Created by warmstart.\n";
            std::fs::write(dir.join(".gitignore"), b"*\n").map_err(io_err("cannot write", dir))?;
            std::fs::write(dir.join("CACHEDIR.TAG"), tag).map_err(io_err("cannot write", dir))?;
        }
        // Compact: it is read on every run, by warmstart, and parses faster.
        let mut bytes = serde_json::to_vec(self).map_err(|e| AssetsError::Manifest {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}

fn parse(path: &Path, bytes: &[u8]) -> Result<Manifest> {
    let manifest: Manifest = serde_json::from_slice(bytes).map_err(|e| AssetsError::Manifest {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    if manifest.version != VERSION {
        return Err(AssetsError::Manifest {
            path: path.to_path_buf(),
            message: format!(
                "format version {} (this warmstart reads {VERSION})",
                manifest.version
            ),
        });
    }
    Ok(manifest)
}

/// The intent file beside a manifest.
pub fn intent_path(manifest: &Path) -> PathBuf {
    manifest.with_file_name(INTENT_FILE)
}

/// Removes the intent file (settled by a durable save, or by `clean`).
pub fn remove_intent(manifest: &Path) -> Result<()> {
    let intent = intent_path(manifest);
    match std::fs::remove_file(&intent) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_err("cannot remove", intent)(e)),
    }
}

/// mtime in ns since the epoch (0 when the platform has none).
pub fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}
