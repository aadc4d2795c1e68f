//! One file in, its import facts out: parse with oxc, collect every static
//! import, `export … from`, `import()`, `require()` and `import x =
//! require()`, and mark value imports whose bindings are used only as types
//! (oxc_semantic), which TypeScript's import elision drops at runtime.
//!
//! Everything returned is owned, so the caller can `reset()` the arena and
//! reuse it for the next file (one arena per rayon worker).

use std::path::Path;

use oxc_allocator::Allocator;
use oxc_ast::ast::{
    Argument, CallExpression, Decorator, ExportAllDeclaration, ExportFromDeclaration, Expression,
    ImportDeclaration, ImportDeclarationSpecifier, ImportExpression, ImportOrExportKind,
    TSImportEqualsDeclaration, TSImportType, TSModuleReference,
};
use oxc_ast_visit::{Visit, walk};
use oxc_parser::Parser;
use oxc_semantic::{Scoping, SemanticBuilder};
use oxc_span::{GetSpan, SourceType, Span};
use serde::{Deserialize, Serialize};

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseProblem {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// What one file contributes to the graph.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedFile {
    pub imports: Vec<RawImport>,
    pub errors: Vec<ParseProblem>,
}

/// Parses `source` (named `path` for its extension) in `allocator`.
pub fn parse_source(path: &Path, source: &str, allocator: &Allocator) -> ParsedFile {
    // Text on which the parser would backtrack exponentially is reported
    // like a syntax error instead of hanging the whole graph.
    if let Err(message) = warmstart_workspace::guard::check_parse_budget(source) {
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
    // Scoping tells which bindings are read as values. Skipping the node
    // store keeps this cheap: only symbols and references are needed.
    let semantic = SemanticBuilder::new()
        .with_build_nodes(false)
        .build(&program)
        .semantic;
    let scoping = semantic.scoping();
    let mut collector = Collector {
        source,
        scoping,
        lines: &lines,
        imports: Vec::new(),
        has_decorators: false,
    };
    collector.visit_program(&program);
    let mut imports = collector.imports;
    if collector.has_decorators {
        // Under `emitDecoratorMetadata` (NestJS), types in decorated
        // signatures are emitted as runtime values: such a file's imports
        // are never elided, so none is type-usable.
        for import in &mut imports {
            import.type_usable = false;
            import.value_specifiers.clear();
        }
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
struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    fn new(source: &str) -> Self {
        let mut starts = vec![0u32];
        for (i, b) in source.bytes().enumerate() {
            if b == b'\n' {
                starts.push(i as u32 + 1);
            }
        }
        LineIndex { starts }
    }

    fn line(&self, offset: u32) -> u32 {
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

struct Collector<'s> {
    source: &'s str,
    scoping: &'s Scoping,
    lines: &'s LineIndex,
    imports: Vec<RawImport>,
    has_decorators: bool,
}

impl Collector<'_> {
    fn push(&mut self, specifier: &str, kind: EdgeKind, span: Span, reexport: bool) {
        self.imports.push(RawImport {
            specifier: specifier.to_string(),
            kind,
            start: span.start,
            end: span.end,
            line: self.lines.line(span.start),
            reexport,
            type_usable: false,
            value_specifiers: Vec::new(),
        });
    }

    /// True when no resolved reference to the binding reads it as a value.
    fn only_types(&self, symbol: Option<oxc_semantic::SymbolId>) -> bool {
        match symbol {
            Some(id) => !self
                .scoping
                .get_resolved_references(id)
                .any(|reference| reference.is_value()),
            // No symbol means semantic could not bind it: stay conservative.
            None => false,
        }
    }

    /// Literal text of `import(…)`'s argument: a string or a template
    /// without substitutions.
    fn literal_specifier(&self, expr: &Expression) -> Option<String> {
        match expr {
            Expression::StringLiteral(lit) => Some(lit.value.to_string()),
            Expression::TemplateLiteral(tpl) if tpl.expressions.is_empty() => {
                let span = tpl.span;
                let text = self
                    .source
                    .get(span.start as usize + 1..span.end as usize - 1)?;
                Some(text.to_string())
            }
            _ => None,
        }
    }
}

impl<'a> Visit<'a> for Collector<'_> {
    fn visit_decorator(&mut self, it: &Decorator<'a>) {
        self.has_decorators = true;
        walk::walk_decorator(self, it);
    }

    fn visit_import_declaration(&mut self, it: &ImportDeclaration<'a>) {
        let specifier = it.source.value.as_str();
        let statement_type = it.import_kind == ImportOrExportKind::Type;
        let Some(specifiers) = &it.specifiers else {
            // `import "x"`: a side effect, always runtime.
            self.push(specifier, EdgeKind::Value, it.span, false);
            return;
        };
        let all_inline_type = !specifiers.is_empty()
            && specifiers.iter().all(|s| match s {
                ImportDeclarationSpecifier::ImportSpecifier(s) => {
                    s.import_kind == ImportOrExportKind::Type
                }
                _ => false,
            });
        if statement_type || all_inline_type {
            self.push(specifier, EdgeKind::TypeOnly, it.span, false);
            return;
        }
        // A value import: elidable when every value binding is type-only.
        let mut type_usable = !specifiers.is_empty();
        let mut value_specifiers = Vec::new();
        for s in specifiers {
            let (symbol, span, inline_type) = match s {
                ImportDeclarationSpecifier::ImportSpecifier(s) => (
                    s.local.symbol_id.get(),
                    s.span,
                    s.import_kind == ImportOrExportKind::Type,
                ),
                ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => {
                    (s.local.symbol_id.get(), s.span, false)
                }
                ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => {
                    (s.local.symbol_id.get(), s.span, false)
                }
            };
            if inline_type {
                continue;
            }
            if !self.only_types(symbol) {
                type_usable = false;
                break;
            }
            if matches!(s, ImportDeclarationSpecifier::ImportSpecifier(_)) {
                value_specifiers.push((span.start, span.end));
            }
        }
        self.push(specifier, EdgeKind::Value, it.span, false);
        if type_usable && let Some(last) = self.imports.last_mut() {
            last.type_usable = true;
            last.value_specifiers = value_specifiers;
        }
    }

    fn visit_export_from_declaration(&mut self, it: &ExportFromDeclaration<'a>) {
        let all_inline_type = !it.specifiers.is_empty()
            && it
                .specifiers
                .iter()
                .all(|s| s.export_kind == ImportOrExportKind::Type);
        let kind = if it.export_kind == ImportOrExportKind::Type || all_inline_type {
            EdgeKind::TypeOnly
        } else {
            EdgeKind::Value
        };
        self.push(it.source.value.as_str(), kind, it.span, true);
    }

    fn visit_export_all_declaration(&mut self, it: &ExportAllDeclaration<'a>) {
        let kind = if it.export_kind == ImportOrExportKind::Type {
            EdgeKind::TypeOnly
        } else {
            EdgeKind::Value
        };
        self.push(it.source.value.as_str(), kind, it.span, true);
    }

    fn visit_import_expression(&mut self, it: &ImportExpression<'a>) {
        if let Some(spec) = self.literal_specifier(&it.source) {
            self.push(&spec, EdgeKind::Dynamic, it.span, false);
        }
        walk::walk_import_expression(self, it);
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        if let Some(lit) = it.common_js_require() {
            self.push(lit.value.as_str(), EdgeKind::Require, it.span, false);
        } else if it.callee.is_specific_id("require")
            && it.arguments.len() == 1
            && let Argument::TemplateLiteral(tpl) = &it.arguments[0]
            && tpl.expressions.is_empty()
            && let Some(text) = self
                .source
                .get(tpl.span.start as usize + 1..tpl.span.end as usize - 1)
        {
            let text = text.to_string();
            self.push(&text, EdgeKind::Require, it.span, false);
        }
        walk::walk_call_expression(self, it);
    }

    fn visit_ts_import_type(&mut self, it: &TSImportType<'a>) {
        // `import("./x").T` in a type position: a type-only dependency.
        self.push(it.source.value.as_str(), EdgeKind::TypeOnly, it.span, false);
        walk::walk_ts_import_type(self, it);
    }

    fn visit_ts_import_equals_declaration(&mut self, it: &TSImportEqualsDeclaration<'a>) {
        if let TSModuleReference::ExternalModuleReference(ext) = &it.module_reference {
            let kind = if it.import_kind == ImportOrExportKind::Type {
                EdgeKind::TypeOnly
            } else {
                EdgeKind::Require
            };
            self.push(ext.expression.value.as_str(), kind, it.span(), false);
        }
    }
}
