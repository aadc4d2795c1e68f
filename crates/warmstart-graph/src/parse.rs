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
        let (line, column) = lines.line_col(source, offset);
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
    if name.ends_with(".js") || name.ends_with(".mjs") || name.ends_with(".cjs") {
        // Plain JS in React monorepos carries JSX; oxc accepts both.
        return SourceType::from_path(path)
            .unwrap_or_default()
            .with_jsx(true);
    }
    SourceType::from_path(path).unwrap_or_else(|_| SourceType::ts())
}

/// Byte offset to line/column without rescanning the file per query.
pub(crate) struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    pub(crate) fn new(source: &str) -> Self {
        let mut starts = Vec::with_capacity(source.len() / 32 + 1);
        starts.push(0u32);
        starts.extend(memchr::memchr_iter(b'\n', source.as_bytes()).map(|i| i as u32 + 1));
        LineIndex { starts }
    }

    pub(crate) fn line(&self, offset: u32) -> u32 {
        self.starts.partition_point(|&s| s <= offset) as u32
    }

    fn line_col(&self, source: &str, offset: u32) -> (u32, u32) {
        let line = self.line(offset).max(1);
        let start = self.starts[line as usize - 1] as usize;
        let end = (offset as usize).min(source.len());
        let column = source
            .get(start..end)
            .map_or(end - start, |s| s.chars().count());
        (line, column as u32 + 1)
    }
}
