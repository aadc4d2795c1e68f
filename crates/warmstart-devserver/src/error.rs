//! Errors of a dev-server run, each with the message a user needs: what
//! failed, the last lines the server printed, and what to try.

use std::path::PathBuf;

/// Why a dev server could not be started or measured.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum DevError {
    #[error("command not found: `{program}`")]
    #[diagnostic(
        code(warmstart::dev::not_found),
        help("check the spelling, or that it is installed and on PATH (run `yarn install`?)")
    )]
    NotFound { program: String },

    #[error("cannot start `{program}`: {source}")]
    #[diagnostic(code(warmstart::dev::spawn))]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },

    #[error("no command to run")]
    #[diagnostic(
        code(warmstart::dev::no_command),
        help(
            "pass one after `--` (warmstart dev -- next dev) or set `dev.command` in warmstart.json"
        )
    )]
    NoCommand,

    #[error("the dev server exited with {code} before it was ready{}", tail_text(.last_lines))]
    #[diagnostic(code(warmstart::dev::exited), help("{}", exited_help(*.port_in_use)))]
    Exited {
        code: String,
        /// The exit code a shell would report (128 + signal when killed).
        exit: i32,
        last_lines: Vec<String>,
        port_in_use: bool,
    },

    #[error("the dev server was not ready after {secs} s{}", tail_text(.last_lines))]
    #[diagnostic(
        code(warmstart::dev::timeout),
        help(
            "readiness is {what}; raise `dev.readyTimeoutSecs`, or fix `dev.readyPattern` / \
             `dev.readyUrl` if the server prints or serves something else"
        )
    )]
    Timeout {
        secs: u64,
        what: String,
        last_lines: Vec<String>,
    },

    #[error("port {port} is already in use ({url})")]
    #[diagnostic(
        code(warmstart::dev::port_in_use),
        help(
            "another server is listening there: stop it (`ss -ltnp | grep :{port}`) or use another port"
        )
    )]
    PortInUse { port: u16, url: String },

    #[error("interrupted by {signal}")]
    #[diagnostic(code(warmstart::dev::interrupted))]
    Interrupted {
        signal: String,
        /// The server's own exit code once stopped (it got the signal
        /// too): `dev` exits with it, as it does after Ready.
        exit: Option<i32>,
    },

    #[error("bad readiness pattern `{pattern}`: {message}")]
    #[diagnostic(
        code(warmstart::dev::pattern),
        help("`dev.readyPattern` is a Rust regular expression")
    )]
    Pattern { pattern: String, message: String },

    #[error("bad URL `{url}`: {message}")]
    #[diagnostic(code(warmstart::dev::url), help("use http://host:port/path"))]
    Url { url: String, message: String },

    #[error("request to {url} failed: {message}")]
    #[diagnostic(code(warmstart::dev::request))]
    Request { url: String, message: String },

    #[error("cannot use {}: {source}", path.display())]
    #[diagnostic(code(warmstart::dev::io))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The cache folder, where `warmstart dev` keeps its history and the
    /// routes it warms, could not be made or is not a cache's. The cache's
    /// own message names the folder.
    #[error(transparent)]
    #[diagnostic(
        code(warmstart::dev::cache),
        help(
            "warmstart dev keeps its history in the cache folder (node_modules/.cache/warmstart): make it writable, or move what is in it aside"
        )
    )]
    Cache(#[from] warmstart_cache::CacheError),

    /// A file `warmstart dev` keeps could not be written (the message
    /// names it).
    #[error(transparent)]
    #[diagnostic(code(warmstart::dev::write))]
    Write(#[from] warmstart_fs::FsError),

    #[error("unknown optimization `{name}` in WARMSTART_DISABLE")]
    #[diagnostic(
        code(warmstart::dev::disable),
        help("known names: assets, apps, cache (comma-separated), or `all`")
    )]
    UnknownOptimization { name: String },

    #[error("cannot watch {}: {message}", path.display())]
    #[diagnostic(code(warmstart::dev::watch))]
    Watch { path: PathBuf, message: String },
}

fn tail_text(lines: &[String]) -> String {
    if lines.is_empty() {
        return "; it printed nothing".to_string();
    }
    let mut s = String::from("; its last lines:");
    for line in lines {
        s.push_str("\n  │ ");
        s.push_str(line);
    }
    s
}

fn exited_help(port_in_use: bool) -> &'static str {
    if port_in_use {
        "the port is already in use: stop the other server or pick another port"
    } else {
        "run the command by hand to see the whole output"
    }
}

impl DevError {
    /// The exit code `warmstart dev` and `bench` end with: the server's own
    /// code when it crashed, 1 for a server that never became ready, 130
    /// when interrupted, 2 for bad input.
    pub fn exit_code(&self) -> i32 {
        match self {
            DevError::Exited { exit, .. } => *exit,
            DevError::Timeout { .. } => 1,
            DevError::Interrupted { exit, .. } => exit.unwrap_or(130),
            _ => 2,
        }
    }
}
