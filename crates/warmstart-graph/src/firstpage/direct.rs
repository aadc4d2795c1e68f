//! The direct import that replaces an import through a barrel: the names
//! the statement takes, looked up in the barrel's named re-exports
//! (`export { Button } from "./components/button"`), turned into the
//! package subpath of the module that defines each one.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use oxc_allocator::Allocator;
use oxc_ast::ast::{ImportDeclarationSpecifier, Statement};
use oxc_parser::Parser;
use oxc_span::SourceType;

/// The named bindings an `import { … }` / `export { … } from` statement
/// takes from its source (default and namespace imports take everything).
fn taken_names(statement: &str) -> Option<Vec<String>> {
    let allocator = Allocator::default();
    let ret = Parser::new(&allocator, statement, SourceType::tsx()).parse();
    match ret.program.body.first()? {
        Statement::ImportDeclaration(decl) => {
            let mut names = Vec::new();
            for s in decl.specifiers.as_ref()? {
                match s {
                    ImportDeclarationSpecifier::ImportSpecifier(s) => {
                        names.push(s.imported.name().to_string())
                    }
                    _ => return None,
                }
            }
            Some(names)
        }
        Statement::ExportFromDeclaration(decl) => Some(
            decl.specifiers
                .iter()
                .map(|s| s.local.name().to_string())
                .collect(),
        ),
        _ => None,
    }
}

/// Exported name → the `from` specifier of the barrel's named re-export.
fn barrel_reexports(barrel: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Ok(text) = std::fs::read_to_string(barrel) else {
        return out;
    };
    if warmstart_workspace::guard::check_parse_budget(&text).is_err() {
        return out;
    }
    let allocator = Allocator::default();
    let source_type = SourceType::from_path(barrel).unwrap_or_else(|_| SourceType::tsx());
    let ret = Parser::new(&allocator, &text, source_type).parse();
    for stmt in &ret.program.body {
        if let Statement::ExportFromDeclaration(decl) = stmt {
            for s in &decl.specifiers {
                out.insert(s.exported.name().to_string(), decl.source.value.to_string());
            }
        }
    }
    out
}

/// `a/./b/../c` → `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The statements that would replace `statement` (which imports the barrel
/// at `barrel` as `specifier`), or `None` when it cannot be said (a default
/// or namespace import, a name the barrel re-exports with `export *`).
pub fn replacement(statement: &str, specifier: &str, barrel: &Path) -> Option<String> {
    let names = taken_names(statement)?;
    if names.is_empty() || specifier.starts_with('.') {
        return None;
    }
    let reexports = barrel_reexports(barrel);
    // The package's root: where its package.json is, above the barrel.
    let package_root = barrel
        .ancestors()
        .skip(1)
        .find(|d| d.join("package.json").is_file())?;
    let package = crate::resolve::package_name(specifier);
    let mut by_module: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for name in names {
        let from = reexports.get(&name)?;
        let target = if from.starts_with('.') {
            let abs = normalize(&barrel.parent()?.join(from));
            let rel = abs.strip_prefix(package_root).ok()?;
            format!("{package}/{}", rel.to_string_lossy().replace('\\', "/"))
        } else {
            from.clone()
        };
        by_module.entry(target).or_default().push(name);
    }
    if statement.trim_start().starts_with("export") {
        // A re-export keeps its shape; only the module changes.
        let (module, _) = by_module.iter().next()?;
        if by_module.len() != 1 {
            return None;
        }
        return Some(statement.replacen(&format!("\"{specifier}\""), &format!("\"{module}\""), 1));
    }
    let lines: Vec<String> = by_module
        .into_iter()
        .map(|(module, names)| format!("import {{ {} }} from \"{module}\";", names.join(", ")))
        .collect();
    Some(lines.join(" "))
}
