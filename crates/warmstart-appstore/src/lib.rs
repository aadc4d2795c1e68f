//! The app store: discovers apps exactly as Cal.com's `app-store-cli build`
//! does, evaluates `_metadata.ts` statically with oxc, and prints the
//! registry files byte for byte as prettier would.
//!
//! ```no_run
//! use warmstart_appstore::{AppsConfig, Build};
//! use warmstart_workspace::Preset;
//! let config = AppsConfig::preset(Preset::Calcom);
//! let build = Build::new("/repo".as_ref(), &config).run(&|k| std::env::var(k).ok()).unwrap();
//! for file in &build.files {
//!     println!("{} ({} bytes)", file.path, file.contents.len());
//! }
//! ```

mod build;
mod config;
mod discover;
mod error;
mod eval;
mod lazy;
pub mod manifest;
mod natural_sort;
mod ordered;
mod print;
mod shards;
pub mod usage;
mod value;
pub mod watch;
pub mod workflow;

pub use build::{
    Build, BuildOutput, CheckedFile, FileKind, FileStatus, GeneratedFile, check, write,
};
pub use config::{
    AppsConfig, Filter, ImportStyle, ImportTarget, RegistryFile, RegistryMap, RouteShards,
};
pub use discover::{AppDir, discover};
pub use error::AppsError;
pub use eval::{
    EnvFn, EvaluatedModule, ImportBinding, evaluate_metadata, evaluate_metadata_in,
    evaluate_metadata_runtime,
};
pub use lazy::lazy_name;
pub use ordered::OrderedMap;
pub use value::{JsValue, Opaque};
pub use workflow::{CheckOutcome, FileReport, Mode, Report, StampOutcome, Workflow};
