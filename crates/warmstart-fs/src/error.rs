use std::io;
use std::path::PathBuf;

/// An I/O error that always names the path it happened on.
#[derive(Debug, thiserror::Error)]
pub enum FsError {
    #[error("failed to read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("failed to write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{} has no parent directory", path.display())]
    NoParent { path: PathBuf },
}

impl FsError {
    pub fn path(&self) -> &std::path::Path {
        match self {
            FsError::Read { path, .. }
            | FsError::Write { path, .. }
            | FsError::NoParent { path } => path,
        }
    }
}

pub type Result<T, E = FsError> = std::result::Result<T, E>;
