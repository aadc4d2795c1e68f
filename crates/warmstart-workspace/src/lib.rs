//! Where a repository starts, what kind it is, and how its `warmstart.json`
//! is read.
//!
//! * [`find_root`] walks up from any folder to the repository root, so every
//!   command works from anywhere below it.
//! * [`Preset::detect`] recognizes a Cal.com-shaped repository, which gets the
//!   built-in `calcom` defaults with no configuration at all.
//! * [`jsonc`] parses JSON with comments and trailing commas and turns every
//!   syntax or type error into a [`SourceError`] that points at line:column.
//!
//! ```
//! # let dir = tempfile::tempdir().unwrap();
//! std::fs::write(dir.path().join("warmstart.json"), "{ // hi\n \"x\": 1, }").unwrap();
//! let root = warmstart_workspace::find_root(dir.path()).unwrap();
//! assert_eq!(root.dir, dir.path());
//! assert!(root.config_file.is_some());
//! ```

mod diag;
pub mod guard;
pub mod jsonc;
mod preset;
mod root;

pub use diag::{LineCol, SourceError, line_col};
pub use preset::Preset;
pub use root::{CONFIG_FILE, Root, RootError, find_root};
