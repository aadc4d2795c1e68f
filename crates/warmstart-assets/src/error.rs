//! Errors of the assets crate: each names the file or rule it is about and
//! says what to do.

use std::io;
use std::path::PathBuf;

/// Everything that stops `warmstart assets` before or while it writes.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum AssetsError {
    #[error("no asset rules are configured")]
    #[diagnostic(
        code(warmstart::assets::no_rules),
        help(
            "add rules to warmstart.json, e.g. \"assets\": {{ \"rules\": [{{ \"from\": \"packages/*/static/**\", \"to\": \"apps/web/public/{{dir}}/[name][ext]\" }}] }}, or use the calcom preset"
        )
    )]
    NoRules,

    #[error("bad glob {glob:?} in assets.{field}: {message}")]
    #[diagnostic(
        code(warmstart::assets::bad_glob),
        help("globs are repo-relative and use `/`, `*`, `**`, `?`, `[..]`, `{{a,b}}`")
    )]
    BadGlob {
        field: &'static str,
        glob: String,
        message: String,
    },

    #[error("two sources map to {dest}: {first} and {second}")]
    #[diagnostic(
        code(warmstart::assets::collision),
        help("`[name][ext]` flattens folders; rename one file or add an `exclude` glob")
    )]
    Collision {
        dest: String,
        first: String,
        second: String,
    },

    #[error("refused {path}: {why}")]
    #[diagnostic(
        code(warmstart::assets::outside_root),
        help("sources and destinations must stay inside the repository root")
    )]
    OutsideRoot { path: String, why: String },

    #[error("source {source_path} gives an empty `{{dir}}` for rule {from:?}")]
    #[diagnostic(
        code(warmstart::assets::empty_dir),
        help("the first `**` of `from` must match at least one folder")
    )]
    EmptyDir { source_path: String, from: String },

    #[error("{action} {}: {source}", path.display())]
    #[diagnostic(code(warmstart::assets::io))]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error("cannot read the assets manifest {}: {message}", path.display())]
    #[diagnostic(
        code(warmstart::assets::manifest),
        help(
            "it is only a record of what warmstart made; if it is damaged, remove it and the files it listed by hand"
        )
    )]
    Manifest { path: PathBuf, message: String },

    #[error(transparent)]
    #[diagnostic(code(warmstart::assets::write))]
    Fs(#[from] warmstart_fs::FsError),
}

pub type Result<T, E = AssetsError> = std::result::Result<T, E>;

/// Wraps an `io::Error` with what was being done and where.
pub(crate) fn io_err(
    action: &'static str,
    path: impl Into<PathBuf>,
) -> impl FnOnce(io::Error) -> AssetsError {
    let path = path.into();
    move |source| AssetsError::Io {
        action,
        path,
        source,
    }
}
