//! Everything that can go wrong while building registries. Each error names
//! the file (repo-relative) and, where there is one, its line:column.

use std::io;

use warmstart_workspace::SourceError;

/// An error of `warmstart apps`.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum AppsError {
    /// A problem at a place in a user's file (JSON, `_metadata.ts`, config).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Source(#[from] Box<SourceError>),

    #[error("cannot read {path}: {source}")]
    #[diagnostic(
        code(warmstart::apps::read),
        help("check the file's permissions, or that it is a file and not a folder")
    )]
    Read {
        path: String,
        #[source]
        source: io::Error,
    },

    #[error("app folder {path} disappeared while warmstart was reading it")]
    #[diagnostic(
        code(warmstart::apps::vanished),
        help(
            "something removed or renamed it during the build (or it is a dangling link); run the command again"
        )
    )]
    Vanished { path: String },

    #[error("app folder name {name:?} in {parent} is not a safe path segment")]
    #[diagnostic(
        code(warmstart::apps::unsafe_name),
        help(
            "rename the folder: app names may not contain `/`, `\\`, `\"` or control characters, must be UTF-8, and may not be `.` or `..`"
        )
    )]
    UnsafeName { parent: String, name: String },

    #[error("apps {first} and {second} would both be imported as `{identifier}`")]
    #[diagnostic(
        code(warmstart::apps::name_collision),
        help(
            "app-store-cli turns `-` and `.` into `_`, so the generated file would declare `{identifier}` twice and not compile; rename one of the folders"
        )
    )]
    NameCollision {
        first: String,
        second: String,
        identifier: String,
    },

    #[error("--usage-db {url}: {what}: {detail}")]
    #[diagnostic(
        // Older than the `warmstart::<area>::<code>` scheme, and pinned by
        // the usage-db snapshots.
        code(apps::usage_db),
        help(
            "check that the server runs and listens there, the user and password, and that the database is Cal.com's (it needs the \"Credential\" table); or list core apps in warmstart.json (`apps.coreApps`) or pass --usage FILE"
        )
    )]
    UsageDb {
        url: String,
        what: String,
        detail: String,
    },

    #[error("the app store folder {path} does not exist")]
    #[diagnostic(
        code(warmstart::apps::no_store),
        help("set `apps.dir` in warmstart.json to the app-store folder")
    )]
    NoStore { path: String },

    #[error("registry {file} › {map}: {message}")]
    #[diagnostic(
        code(warmstart::apps::config),
        help("fix `apps.registries` in warmstart.json; see docs/apps.md")
    )]
    Config {
        file: String,
        map: String,
        message: String,
    },

    #[error(transparent)]
    #[diagnostic(code(warmstart::apps::write))]
    Fs(#[from] warmstart_fs::FsError),
}

impl From<SourceError> for AppsError {
    fn from(err: SourceError) -> Self {
        AppsError::Source(Box::new(err))
    }
}

/// A `serde_json` syntax error as a diagnostic at its line:column.
pub fn json_error(display: &str, text: &str, err: &serde_json::Error) -> AppsError {
    let offset = offset_of(text, err.line(), err.column());
    let message = strip_position(&err.to_string());
    SourceError::new(
        std::path::Path::new(display),
        text,
        offset..offset + 1,
        format!("invalid JSON: {message}"),
        "here",
    )
    .with_help("config.json must be strict JSON (no comments, no trailing commas)")
    .into()
}

/// Byte offset of a 1-based line and column (serde_json counts columns in bytes).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return (offset + column.saturating_sub(1)).min(text.len());
        }
        offset += l.len();
    }
    text.len()
}

/// serde_json appends " at line L column C"; the diagnostic shows that itself.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}
