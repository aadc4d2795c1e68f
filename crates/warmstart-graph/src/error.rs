//! Errors of the graph commands, each with a `warmstart::graph::<code>`
//! diagnostic code and the help a user needs.

use std::path::PathBuf;

/// What a `warmstart graph` command can fail with.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum GraphError {
    #[error("{} is not a module of the graph", path.display())]
    #[diagnostic(
        code(warmstart::graph::not_a_module),
        help(
            "give an existing JS/TS file of the repository (not inside node_modules), relative to the current folder or the repository root"
        )
    )]
    NotAModule { path: PathBuf },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Route(#[from] crate::firstpage::RouteError),
    #[error("cannot read baseline {}", path.display())]
    #[diagnostic(code(warmstart::graph::baseline))]
    ReadBaseline {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read {}", path.display())]
    #[diagnostic(code(warmstart::graph::read))]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    #[diagnostic(code(warmstart::graph::write))]
    Write(#[from] warmstart_fs::FsError),
    #[error("{path} changed while fix-barrels ran; nothing written for it")]
    #[diagnostic(code(warmstart::graph::changed))]
    Changed { path: String },
    #[error("rewritten files no longer parse: {}", files.join(", "))]
    #[diagnostic(code(warmstart::graph::reparse))]
    Reparse { files: Vec<String> },
    #[error("cannot read the stored result: {0}")]
    #[diagnostic(code(warmstart::graph::stored_result))]
    StoredResult(#[source] serde_json::Error),
    #[error("cannot render the answer as JSON: {0}")]
    #[diagnostic(code(warmstart::graph::render))]
    Render(#[source] serde_json::Error),
}
