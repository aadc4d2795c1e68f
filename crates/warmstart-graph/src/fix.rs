//! `fix-types`: turn value imports whose bindings are used only as types
//! into `import type` (or inline `type` when the statement already mixes
//! kinds), with span-based text edits so formatting and comments stay.
//! Every rewritten file is parsed again before it is offered.
//!
//! Only imports that land on a module of the graph are touched: external
//! packages (React under the classic JSX runtime, whose use records no
//! reference) are left alone.

use std::collections::{BTreeMap, BTreeSet};

use oxc_allocator::Allocator;
use oxc_ast::ast::{ImportDeclarationSpecifier, ImportOrExportKind, Statement};
use oxc_parser::Parser;
use serde::Serialize;

use crate::build::ModuleGraph;
use crate::parse::parse_source;

/// The rewrite of one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileFix {
    /// Repo-relative path.
    pub path: String,
    #[serde(skip)]
    pub before: String,
    #[serde(skip)]
    pub after: String,
    /// Import statements rewritten.
    pub rewrites: usize,
}

/// An import that qualifies but cannot be rewritten safely.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub path: String,
    pub line: u32,
    pub reason: &'static str,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FixPlan {
    pub files: Vec<FileFix>,
    pub skipped: Vec<Skipped>,
}

impl FixPlan {
    pub fn rewrites(&self) -> usize {
        self.files.iter().map(|f| f.rewrites).sum()
    }
}

/// Plans the rewrite of every type-usable import edge of the graph.
pub fn plan(graph: &ModuleGraph) -> FixPlan {
    let mut wanted: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    for edge in &graph.edges {
        if edge.type_usable {
            let start = graph.parsed[edge.from as usize].imports[edge.import as usize].start;
            wanted.entry(edge.from).or_default().insert(start);
        }
    }
    let mut out = FixPlan::default();
    let allocator = Allocator::default();
    for (module, starts) in wanted {
        let rel = &graph.modules[module as usize].path;
        let path = graph.root.join(rel);
        let Ok(source) = std::fs::read_to_string(&path) else {
            continue;
        };
        let (after, rewrites, skipped) = rewrite(&path, &source, &starts, &allocator);
        for line in skipped {
            out.skipped.push(Skipped {
                path: rel.clone(),
                line,
                reason: "a default import with named imports cannot become `import type`",
            });
        }
        if rewrites == 0 {
            continue;
        }
        // Re-parse: a rewrite that does not parse is never offered.
        let check = Allocator::default();
        if !parse_source(&path, &after, &check).errors.is_empty() {
            out.skipped.push(Skipped {
                path: rel.clone(),
                line: 1,
                reason: "the rewritten file did not parse",
            });
            continue;
        }
        out.files.push(FileFix {
            path: rel.clone(),
            before: source,
            after,
            rewrites,
        });
    }
    out
}

/// Applies the edits for the import statements starting at `starts`.
/// Returns the new text, the number of statements rewritten and the lines
/// of statements that could not be.
pub fn rewrite(
    path: &std::path::Path,
    source: &str,
    starts: &BTreeSet<u32>,
    allocator: &Allocator,
) -> (String, usize, Vec<u32>) {
    let source_type = crate::parse::source_type_for(path);
    let ret = Parser::new(allocator, source, source_type).parse();
    // (offset, text to insert)
    let mut inserts: Vec<(usize, &'static str)> = Vec::new();
    let mut rewrites = 0;
    let mut skipped = Vec::new();
    for stmt in &ret.program.body {
        let Statement::ImportDeclaration(decl) = stmt else {
            continue;
        };
        if !starts.contains(&decl.span.start) || decl.import_kind == ImportOrExportKind::Type {
            continue;
        }
        let Some(specifiers) = &decl.specifiers else {
            continue;
        };
        let has_default = specifiers
            .iter()
            .any(|s| matches!(s, ImportDeclarationSpecifier::ImportDefaultSpecifier(_)));
        let named: Vec<_> = specifiers
            .iter()
            .filter_map(|s| match s {
                ImportDeclarationSpecifier::ImportSpecifier(s) => Some(s),
                _ => None,
            })
            .collect();
        let some_inline = named
            .iter()
            .any(|s| s.import_kind == ImportOrExportKind::Type);
        let start = decl.span.start as usize;
        if !source[start..].starts_with("import") {
            continue;
        }
        if has_default && !named.is_empty() {
            let line = source[..start].matches('\n').count() as u32 + 1;
            skipped.push(line);
            continue;
        }
        if some_inline {
            // `import { type A, b }` → `import { type A, type b }`:
            // `import type { type A }` would not parse.
            for s in named {
                if s.import_kind != ImportOrExportKind::Type {
                    inserts.push((s.span.start as usize, "type "));
                }
            }
        } else {
            inserts.push((start + "import".len(), " type"));
        }
        rewrites += 1;
    }
    inserts.sort_by_key(|&(at, _)| std::cmp::Reverse(at));
    let mut text = source.to_string();
    for (at, what) in inserts {
        text.insert_str(at, what);
    }
    (text, rewrites, skipped)
}

/// A unified diff of one file's rewrite.
pub fn diff(fix: &FileFix) -> String {
    similar::TextDiff::from_lines(&fix.before, &fix.after)
        .unified_diff()
        .context_radius(1)
        .header(&format!("a/{}", fix.path), &format!("b/{}", fix.path))
        .to_string()
}
