//! File-system primitives every warmstart crate shares.
//!
//! warmstart writes into people's repositories, and dev servers recompile on
//! every mtime change, so two rules hold for every write:
//!
//! * a file is written to a temporary sibling and renamed into place, so a
//!   reader (or a `kill -9`) never sees half a file;
//! * a file whose bytes would not change is not touched at all, so its mtime
//!   stays and no watcher fires.
//!
//! ```
//! # let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("out.ts");
//! use warmstart_fs::{write_if_changed, Written};
//! assert_eq!(write_if_changed(&path, b"a").unwrap(), Written::Created);
//! assert_eq!(write_if_changed(&path, b"a").unwrap(), Written::Unchanged);
//! assert_eq!(write_if_changed(&path, b"b").unwrap(), Written::Updated);
//! ```

mod error;
mod lock;
mod paths;
mod read;
mod write;

pub use error::{FsError, Result};
pub use lock::WriteLock;
pub use paths::{is_safe_segment, normalize_lexically, to_unix_relative, within_root};
pub use read::read_sized;
pub use write::{TEMP_PREFIX, Written, atomic_write, sweep_stale_temps, write_if_changed};
