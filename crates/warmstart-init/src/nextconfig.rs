//! The `next.config.js` edit: wrap the last `module.exports = X` as
//! `module.exports = withWarmstart(X)`. `withWarmstart` (npm package
//! `warmstart/next`) accepts an object or a function config, drops the
//! CopyWebpackPlugin that copies app-store statics in development when
//! warmstart manages them, and changes nothing else.

use std::path::Path;

use crate::{Edit, InitError, read};

const REQUIRE: &str = "const { withWarmstart } = require(\"warmstart/next\");\n";

pub(crate) fn plan(root: &Path, rel: &str) -> Result<Vec<Edit>, InitError> {
    let Some(text) = read(root, rel)? else {
        return Ok(Vec::new());
    };
    if text.contains("withWarmstart") {
        return Ok(Vec::new());
    }
    let Some(start) = last_module_exports(&text) else {
        return Err(InitError::Unsupported {
            path: rel.to_string(),
            message: "no `module.exports = …` at the start of a line; wrap the exported \
                      config with `withWarmstart()` from `warmstart/next` by hand"
                .into(),
        });
    };
    let prefix = "module.exports = ";
    let expr_start = start + prefix.len();
    // The exported expression runs to the end of the file, less the final
    // `;` and white space: Cal.com's is the file's last statement.
    let body = text[expr_start..].trim_end();
    let (expr, has_semi) = match body.strip_suffix(';') {
        Some(e) => (e, true),
        None => (body, false),
    };
    if expr.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut after = String::with_capacity(text.len() + 80);
    after.push_str(&text[..start]);
    after.push_str(REQUIRE);
    after.push_str(prefix);
    after.push_str("withWarmstart(");
    after.push_str(expr);
    after.push(')');
    if has_semi {
        after.push(';');
    }
    after.push('\n');
    Ok(vec![Edit {
        path: rel.to_string(),
        why: "wrap the config with withWarmstart() so dev skips the statics copy".into(),
        before: Some(text),
        after,
    }])
}

fn last_module_exports(text: &str) -> Option<usize> {
    let mut found = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("module.exports = ") {
            found = Some(offset);
        }
        offset += line.len();
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_the_export_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("apps/web")).unwrap();
        let rel = "apps/web/next.config.js";
        let text = "const plugins = [];\nconst nextConfig = {};\n\nmodule.exports = () => plugins.reduce((acc, next) => next(acc), nextConfig);\n";
        std::fs::write(dir.path().join(rel), text).unwrap();
        let edits = plan(dir.path(), rel).unwrap();
        assert_eq!(
            edits[0].after,
            "const plugins = [];\nconst nextConfig = {};\n\nconst { withWarmstart } = require(\"warmstart/next\");\nmodule.exports = withWarmstart(() => plugins.reduce((acc, next) => next(acc), nextConfig));\n"
        );
        std::fs::write(dir.path().join(rel), &edits[0].after).unwrap();
        assert!(plan(dir.path(), rel).unwrap().is_empty());
    }

    #[test]
    fn unknown_shape_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("n.js"), "export default {};\n").unwrap();
        let err = plan(dir.path(), "n.js").unwrap_err();
        assert!(err.to_string().contains("withWarmstart"), "{err}");
    }
}
