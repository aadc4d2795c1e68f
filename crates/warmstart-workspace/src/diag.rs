use std::path::{Path, PathBuf};

use miette::{NamedSource, SourceSpan};

/// 1-based line and column of a byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Line and column (1-based, column counted in characters) of `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> LineCol {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    LineCol { line, column }
}

/// A problem in a user's file, with the file, the place and a hint.
///
/// Rendered by miette as a compiler-style snippet; its `Display` is the
/// one-line `path:line:col: message` form used in `--json` output and logs.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{}:{}:{}: {message}", display_path.display(), at.line, at.column)]
pub struct SourceError {
    pub message: String,
    pub display_path: PathBuf,
    pub at: LineCol,
    #[source_code]
    src: NamedSource<String>,
    #[label("{label}")]
    span: SourceSpan,
    label: String,
    #[help]
    pub help: Option<String>,
}

impl SourceError {
    /// `display_path` is what the user sees (repo-relative where possible);
    /// `range` is a byte range into `text`.
    pub fn new(
        display_path: &Path,
        text: &str,
        range: std::ops::Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        let start = range.start.min(text.len());
        let len = range
            .end
            .saturating_sub(range.start)
            .min(text.len() - start);
        SourceError {
            message: message.into(),
            display_path: display_path.to_path_buf(),
            at: line_col(text, start),
            src: NamedSource::new(display_path.to_string_lossy(), text.to_string()),
            span: SourceSpan::new(start.into(), len),
            label: label.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let text = "ab\ncdé\nf";
        assert_eq!(line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(line_col(text, 3), LineCol { line: 2, column: 1 });
        assert_eq!(line_col(text, 7), LineCol { line: 2, column: 4 });
        assert_eq!(line_col(text, 100), LineCol { line: 3, column: 2 });
    }
}
