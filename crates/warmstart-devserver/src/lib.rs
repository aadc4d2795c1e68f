//! Runs and measures a dev server: spawn in its own process group,
//! readiness by output or probe, first page, hot reload, memory, metrics
//! history, budgets and reports.
//!
//! ```no_run
//! use std::time::Duration;
//! use warmstart_devserver::{Launch, Readiness, session};
//!
//! let launch = Launch {
//!     command: vec!["npx".into(), "next".into(), "dev".into()],
//!     cwd: "apps/web".into(),
//!     readiness: Readiness::new(warmstart_devserver::DEFAULT_READY_PATTERN, None).unwrap(),
//!     timeout: Duration::from_secs(120),
//!     echo: true,
//!     first_page_url: Some("http://localhost:3000/".into()),
//!     hmr: None,
//! };
//! let started = session::start(&launch, None).unwrap();
//! println!("ready after {:?}", started.ready_after);
//! ```

pub mod bench;
mod config;
mod error;
pub mod html;
pub mod memory;
pub mod metrics;
pub mod nextlog;
pub mod prepare;
pub mod probe;
pub mod proc;
pub mod process;
pub mod report;
pub mod serve;
pub mod session;
pub mod signals;
pub mod summary;
pub mod warm;
pub mod watch;

pub use config::{Budgets, DEFAULT_READY_PATTERN, DevConfig, Optimizations};
pub use error::DevError;
pub use metrics::RunRecord;
pub use prepare::{Optimization, Step, StepError, StepOutcome, StepTiming};
pub use session::{Launch, Readiness, Started};
pub use warm::WarmConfig;
