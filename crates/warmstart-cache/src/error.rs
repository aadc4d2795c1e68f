//! Errors of the cache. Every variant names the file it happened on, so a
//! message like "permission denied" always says where.

use std::io;
use std::path::PathBuf;

/// What can go wrong in the cache. Damaged or foreign cache *contents* are
/// not errors: they are dropped with a [`CacheEvent`](crate::CacheEvent)
/// warning and recomputed. Errors are reserved for the file system refusing
/// to cooperate (and for reading the *source* files the cache describes).
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// Reading, writing or locking a file failed.
    #[error("{action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A write through `warmstart-fs` failed.
    #[error(transparent)]
    Fs(#[from] warmstart_fs::FsError),
    /// `cache clear` was pointed at a folder that is not a warmstart cache.
    #[error(
        "{} is not a warmstart cache folder (it has files but no CACHEDIR.TAG); refusing to write or delete anything in it",
        path.display()
    )]
    NotACacheDir { path: PathBuf },
    /// A bucket name with characters other than `a-z`, `0-9` and `-`.
    #[error("bad cache bucket name {name:?}: use lowercase letters, digits and '-'")]
    BadBucketName { name: String },
    /// The cache is disabled (`cache.enabled: false` or `WARMSTART_NO_CACHE`).
    #[error("the cache is disabled")]
    Disabled,
}

impl CacheError {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        CacheError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = CacheError> = std::result::Result<T, E>;
