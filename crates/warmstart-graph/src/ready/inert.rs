//! Packages that do nothing until configured, and the environment variable
//! that configures them in this app: the guard a lazy import may add.
//!
//! `@sentry/nextjs`: Sentry's options reference says of `dsn`: "If this
//! value is not provided, the SDK will try to read it from the
//! `SENTRY_DSN` environment variable. If that variable also does not
//! exist, the SDK will just not send any events." The guard uses the
//! variable the app's own `Sentry.init({ dsn: process.env.X })` reads, so
//! it is off exactly when the SDK would be. A DSN written as a literal
//! gives no guard.

use std::path::Path;

use oxc_allocator::Allocator;
use oxc_ast::ast::{Expression, ObjectPropertyKind, PropertyKey};
use oxc_ast_visit::{Visit, walk};
use oxc_parser::Parser;

/// `(package, option key whose env variable is the guard, config files)`.
const INERT: &[(&str, &str, &[&str])] = &[(
    "@sentry/nextjs",
    "dsn",
    &[
        "sentry.server.config",
        "sentry.edge.config",
        "sentry.client.config",
        "instrumentation-client",
    ],
)];

/// The guard variable for `specifier` in `app`, given the entry's source
/// (an existing guard there wins).
pub(crate) fn guard(app: &Path, specifier: &str, entry_source: &str) -> Option<String> {
    let package = crate::resolve::package_name(specifier);
    let (_, key, files) = INERT.iter().find(|(p, _, _)| *p == package)?;
    // An existing guard in the entry: `process.env.…DSN` tested already.
    if let Some(name) = env_names(entry_source)
        .into_iter()
        .find(|n| n.ends_with(&key.to_ascii_uppercase()))
    {
        return Some(name);
    }
    for base in [app.to_path_buf(), app.join("src")] {
        for file in *files {
            for ext in ["ts", "js", "mjs", "tsx", "jsx"] {
                let path = base.join(format!("{file}.{ext}"));
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                if let Some(name) = option_env(&path, &text, key) {
                    return Some(name);
                }
            }
        }
    }
    option_env(Path::new("entry.ts"), entry_source, key)
}

/// Every `process.env.NAME` in `source`, in order.
fn env_names(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("process.env.") {
        rest = &rest[at + 12..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

struct OptionEnv<'k> {
    key: &'k str,
    found: Option<String>,
}

impl<'a> Visit<'a> for OptionEnv<'_> {
    fn visit_object_property_kind(&mut self, it: &ObjectPropertyKind<'a>) {
        if self.found.is_none()
            && let ObjectPropertyKind::ObjectProperty(p) = it
            && matches!(&p.key, PropertyKey::StaticIdentifier(id) if id.name == self.key)
        {
            // `dsn: process.env.X` or `dsn: process.env.X || …`.
            let value = match p.value.without_parentheses() {
                Expression::LogicalExpression(l) => &l.left,
                other => other,
            };
            if let Expression::StaticMemberExpression(m) = value.without_parentheses()
                && m.object.is_specific_member_access("process", "env")
            {
                self.found = Some(m.property.name.to_string());
            }
        }
        walk::walk_object_property_kind(self, it);
    }
}

/// The env variable `key: process.env.X` reads in `text`.
fn option_env(path: &Path, text: &str, key: &str) -> Option<String> {
    if warmstart_workspace::guard::check_parse_budget(text).is_err() {
        return None;
    }
    let allocator = Allocator::default();
    let ret = Parser::new(&allocator, text, crate::parse::source_type_for(path)).parse();
    let mut v = OptionEnv { key, found: None };
    v.visit_program(&ret.program);
    v.found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guard_is_the_variable_the_config_reads() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("sentry.server.config.ts"),
            "import * as Sentry from \"@sentry/nextjs\";\nSentry.init({ dsn: process.env.MY_DSN || undefined });\n",
        )
        .unwrap();
        assert_eq!(
            guard(dir.path(), "@sentry/nextjs", "").as_deref(),
            Some("MY_DSN")
        );
        // An existing guard in the entry wins.
        let entry = "if (process.env.NEXT_PUBLIC_SENTRY_DSN) {}";
        assert_eq!(
            guard(dir.path(), "@sentry/nextjs", entry).as_deref(),
            Some("NEXT_PUBLIC_SENTRY_DSN")
        );
        assert_eq!(guard(dir.path(), "left-pad", entry), None);
    }

    #[test]
    fn a_literal_dsn_gives_no_guard() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("sentry.server.config.js"),
            "Sentry.init({ dsn: \"https://key@example.invalid/1\" });\n",
        )
        .unwrap();
        assert_eq!(guard(dir.path(), "@sentry/nextjs", ""), None);
    }
}
