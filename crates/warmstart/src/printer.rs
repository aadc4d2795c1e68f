use std::io::{IsTerminal, Write};

use serde::Serialize;

use crate::cli::{ColorChoice, GlobalArgs};

/// Where output goes: results on stdout (human text or JSON), progress and
/// diagnostics on stderr. Commands never print directly.
#[derive(Debug, Clone)]
pub struct Printer {
    pub json: bool,
    pub quiet: bool,
    pub verbose: u8,
    pub color: bool,
}

impl Printer {
    pub fn new(global: &GlobalArgs) -> Self {
        let color = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => std::io::stderr().is_terminal() && !crate::settings::no_color(),
        };
        let hook_color = color;
        let _ = miette::set_hook(Box::new(move |_| {
            Box::new(
                miette::MietteHandlerOpts::new()
                    .color(hook_color)
                    .unicode(hook_color)
                    .build(),
            )
        }));
        Printer {
            json: global.json,
            quiet: global.quiet,
            verbose: global.verbose,
            color,
        }
    }

    /// A result line for humans (suppressed by `--json` and `--quiet`).
    pub fn line(&self, text: impl AsRef<str>) {
        if !self.json && !self.quiet {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{}", text.as_ref());
        }
    }

    /// Progress or detail for humans on stderr (suppressed by `--quiet`).
    pub fn status(&self, text: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", text.as_ref());
        }
    }

    /// Extra detail shown with `-v`.
    pub fn verbose(&self, text: impl AsRef<str>) {
        if self.verbose > 0 && !self.quiet {
            eprintln!("{}", text.as_ref());
        }
    }

    /// The JSON result of a command (only with `--json`).
    pub fn json<T: Serialize>(&self, value: &T) {
        if self.json {
            // Stdout is line-buffered: a 2 MB report (Cal.com's cycles)
            // would be 47,000 writes.
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            let _ = serde_json::to_writer_pretty(&mut out, value);
            let _ = writeln!(out);
            let _ = out.flush();
        }
    }

    /// Prints an error: a miette report for humans, an object with `--json`.
    pub fn error(&self, report: &miette::Report) {
        if self.json {
            let value = serde_json::json!({ "error": report.to_string() });
            eprintln!("{value}");
        } else {
            eprintln!("{report:?}");
        }
    }

    /// Paints `text` when colors are on (ANSI bold colors only).
    pub fn paint(&self, text: &str, color: Paint) -> String {
        if !self.color {
            return text.to_string();
        }
        let code = match color {
            Paint::Green => "32",
            Paint::Red => "31",
            Paint::Yellow => "33",
            Paint::Bold => "1",
            Paint::Dim => "2",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Paint {
    Green,
    Red,
    Yellow,
    Bold,
    Dim,
}
