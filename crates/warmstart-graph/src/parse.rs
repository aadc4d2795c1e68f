//! One file in, its import facts out: parse with oxc, collect every static
//! import, `export … from`, `import()`, `require()` and `import x =
//! require()`, and mark value imports whose bindings are used only as types,
//! which TypeScript's import elision drops at runtime (one walk,
//! [`crate::scan`]; oxc_semantic only where that walk cannot decide).
//!
//! Everything returned is owned, so the caller can `reset()` the arena and
//! reuse it for the next file (one arena per rayon worker).

use std::path::Path;

use oxc_allocator::Allocator;
use oxc_ast_visit::Visit;
use oxc_parser::Parser;
use oxc_span::SourceType;
use serde::{Deserialize, Serialize};

use crate::scan::{self, Scanner};

/// How one module depends on another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// A static import or re-export that exists at runtime.
    Value,
    /// `import type`, `export type … from`, or all specifiers inline `type`.
    TypeOnly,
    /// `import()` with a literal specifier.
    Dynamic,
    /// `require("…")` or `import x = require("…")`.
    Require,
}

impl EdgeKind {
    pub fn name(self) -> &'static str {
        match self {
            EdgeKind::Value => "value",
            EdgeKind::TypeOnly => "type-only",
            EdgeKind::Dynamic => "dynamic",
            EdgeKind::Require => "require",
        }
    }
}

/// One import found in a file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RawImport {
    pub specifier: String,
    pub kind: EdgeKind,
    /// Byte span of the whole statement (or call), for rewrites and lines.
    pub start: u32,
    pub end: u32,
    /// 1-based line of the statement.
    pub line: u32,
    /// `export … from`: a barrel re-export.
    pub reexport: bool,
    /// A value `import` whose every binding is used only in type positions
    /// (or not at all): TypeScript elides it, and `fix-types` can make it
    /// `import type`.
    pub type_usable: bool,
    /// For a type-usable import: the spans of the value specifiers, so
    /// `fix-types` can mark them inline `type` when the statement mixes
    /// kinds. Empty for a default/namespace-only import.
    pub value_specifiers: Vec<(u32, u32)>,
}

/// A syntax error, 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ParseProblem {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// What one file contributes to the graph.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ParsedFile {
    pub imports: Vec<RawImport>,
    pub errors: Vec<ParseProblem>,
}

/// Parses `source` (named `path` for its extension) in `allocator`.
pub fn parse_source(path: &Path, source: &str, allocator: &Allocator) -> ParsedFile {
    parse_source_with(path, source, allocator, false)
}

/// [`parse_source`] deciding type-usable imports with `oxc_semantic` for
/// every file, as before the replay of [`crate::scan`]: the reference the
/// tests compare the replay with.
#[doc(hidden)]
pub fn parse_source_semantic(path: &Path, source: &str, allocator: &Allocator) -> ParsedFile {
    parse_source_with(path, source, allocator, true)
}

fn parse_source_with(
    path: &Path,
    source: &str,
    allocator: &Allocator,
    force_semantic: bool,
) -> ParsedFile {
    // Text on which the parser would backtrack exponentially is reported
    // like a syntax error instead of hanging the whole graph.
    if let Err(exceeded) = warmstart_workspace::guard::check_parse_budget(source) {
        let message = exceeded.to_string();
        return ParsedFile {
            imports: Vec::new(),
            errors: vec![ParseProblem {
                line: 1,
                column: 1,
                message,
            }],
        };
    }
    let source_type = source_type_for(path);
    let ret = Parser::new(allocator, source, source_type).parse();
    let mut out = ParsedFile::default();
    let lines = LineIndex::new(source);
    for diagnostic in ret.diagnostics.errors() {
        let offset = diagnostic.labels.first().map_or(0, |label| label.offset());
        let (line, column) = lines.line_col(offset);
        out.errors.push(ParseProblem {
            line,
            column,
            message: diagnostic.message.to_string(),
        });
    }
    if ret.panicked {
        return out;
    }
    let program = ret.program;
    let mut scanner = Scanner::new(source, &lines, &program);
    scanner.visit_program(&program);
    let decided = scanner.decide() && !force_semantic;
    let mut imports = std::mem::take(&mut scanner.imports);
    if !decided && !scanner.has_decorators() {
        // A name declared twice or an import in a module block: scopes
        // decide (what every file paid before the replay).
        scan::decide_with_semantic(&program, &mut imports);
    }
    imports.sort_by_key(|import| (import.start, import.end));
    out.imports = imports;
    out
}

/// oxc's source type for a path; unknown extensions parse as TS modules.
pub(crate) fn source_type_for(path: &Path) -> SourceType {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    // oxc reads only the name, and taking it again from the whole path
    // (twice: name, extension) was ~0.5 % of a cold run.
    let by_name = SourceType::from_path(Path::new(name));
    if name.ends_with(".js") || name.ends_with(".mjs") || name.ends_with(".cjs") {
        // Plain JS in React monorepos carries JSX; oxc accepts both.
        return by_name.unwrap_or_default().with_jsx(true);
    }
    by_name.unwrap_or_else(|_| SourceType::ts())
}

/// Byte offset to line/column without rescanning the file per query: the
/// newlines are counted (SIMD) from the previous query's offset, forwards
/// or backwards, so a file's imports, met in order near its top, cost one
/// count up to the last of them. It replaced a lazily grown table of line
/// starts, which pushed every newline of at least the first 4 KiB of each
/// file one by one: a quarter of our scan's time on Cal.com, since most of
/// its files are shorter than that.
pub(crate) struct LineIndex<'s> {
    source: &'s str,
    /// The last query's offset (clamped to the source) and the newlines
    /// before it.
    at: std::cell::Cell<(usize, u32)>,
}

impl<'s> LineIndex<'s> {
    pub(crate) fn new(source: &'s str) -> Self {
        LineIndex {
            source,
            at: std::cell::Cell::new((0, 0)),
        }
    }

    /// 1-based line of `offset`: one more than the newlines before it.
    pub(crate) fn line(&self, offset: u32) -> u32 {
        let offset = (offset as usize).min(self.source.len());
        let (at, before) = self.at.get();
        let bytes = self.source.as_bytes();
        let newlines = if offset >= at {
            before + memchr::memchr_iter(b'\n', &bytes[at..offset]).count() as u32
        } else {
            before - memchr::memchr_iter(b'\n', &bytes[offset..at]).count() as u32
        };
        self.at.set((offset, newlines));
        newlines + 1
    }

    fn line_col(&self, offset: u32) -> (u32, u32) {
        let line = self.line(offset);
        let end = (offset as usize).min(self.source.len());
        let start = memchr::memrchr(b'\n', &self.source.as_bytes()[..end]).map_or(0, |i| i + 1);
        let column = self
            .source
            .get(start..end)
            .map_or(end - start, |s| s.chars().count());
        (line, column as u32 + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    /// The index answers what counting newlines before the offset does,
    /// for queries in any order (forwards and backwards) and past the end.
    #[test]
    fn indexed_lines_equal_counted_lines() {
        let mut source = String::new();
        for i in 0..3_000 {
            source.push_str(&"x".repeat(i % 7));
            source.push('\n');
        }
        source.push_str("tail");
        let counted = |offset: usize| {
            source.as_bytes()[..offset.min(source.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u32
                + 1
        };
        let offsets: Vec<usize> = [0, 5, 9_000, 1, 4_095, 4_096, 4_097, 12_000, 3, 20_000]
            .into_iter()
            .chain((0..source.len() + 3).step_by(997).rev())
            .collect();
        let lines = LineIndex::new(&source);
        for offset in offsets {
            assert_eq!(
                lines.line(offset as u32),
                counted(offset),
                "offset {offset}"
            );
        }
        let lines = LineIndex::new(&source);
        // "\nx\nxx\n…": offset 2 is the newline after "x", 3 starts "xx".
        assert_eq!(lines.line_col(2), (2, 2));
        assert_eq!(lines.line_col(3), (3, 1));
    }

    /// The type read from the name alone is what oxc reads from the whole
    /// path, for every extension it knows, declarations and a few it
    /// does not.
    #[test]
    fn source_type_from_the_name_equals_from_the_path() {
        use oxc_span::SourceType;
        use std::path::Path;
        let whole = |path: &Path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.ends_with(".js") || name.ends_with(".mjs") || name.ends_with(".cjs") {
                return SourceType::from_path(path)
                    .unwrap_or_default()
                    .with_jsx(true);
            }
            SourceType::from_path(path).unwrap_or_else(|_| SourceType::ts())
        };
        for dir in ["", "/repo/apps/web/", "rel/dir.ts/", "/a.d.ts/b/"] {
            for name in [
                "a.js",
                "a.mjs",
                "a.cjs",
                "a.jsx",
                "a.ts",
                "a.mts",
                "a.cts",
                "a.tsx",
                "a.d.ts",
                "a.d.mts",
                "a.d.cts",
                "a.d.css.ts",
                "index.d.tsx",
                ".ts",
                "a.",
                "a",
                "a.json",
                "a.TS",
                "page.test.tsx",
            ] {
                let path = format!("{dir}{name}");
                let path = Path::new(&path);
                assert_eq!(
                    super::source_type_for(path),
                    whole(path),
                    "{}",
                    path.display()
                );
            }
        }
    }
}
