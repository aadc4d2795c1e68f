//! The Next.js config edit: the exported config goes through
//! `withWarmstart()` (npm package `warmstart/next`), which drops the
//! CopyWebpackPlugin that copies app-store statics in development when
//! warmstart manages them, and changes nothing else. The edit itself is
//! [`crate::wrap`]: found by parsing, refused when unsafe.

use std::path::Path;

use crate::wrap::{Wrapped, wrap};
use crate::{Draft, InitError};

/// Config file names in the order Next.js looks for them: the first that
/// exists is the one `next dev` loads.
pub const CONFIG_FILES: [&str; 5] = [
    "next.config.js",
    "next.config.mjs",
    "next.config.ts",
    "next.config.mts",
    "next.config.cjs",
];

/// The config file Next.js loads in `app_dir` (repo-relative), if any.
pub fn find(root: &Path, app_dir: &str) -> Option<String> {
    CONFIG_FILES
        .iter()
        .map(|name| format!("{app_dir}/{name}"))
        .find(|rel| root.join(rel).is_file())
}

pub(crate) fn plan(draft: &mut Draft, app_dir: &str) -> Result<(), InitError> {
    let Some(rel) = find(draft.root(), app_dir) else {
        return Ok(());
    };
    let Some(text) = draft.text(&rel)? else {
        return Ok(());
    };
    match wrap(Path::new(&rel), &text)? {
        Wrapped::Already => Ok(()),
        Wrapped::Text(after) => draft.set(
            &rel,
            after,
            "wrap the exported config with withWarmstart() so dev skips the statics copy",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_next_loads_is_picked() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("apps/web")).unwrap();
        assert_eq!(find(dir.path(), "apps/web"), None);
        std::fs::write(
            dir.path().join("apps/web/next.config.ts"),
            "export default {};\n",
        )
        .unwrap();
        assert_eq!(
            find(dir.path(), "apps/web").unwrap(),
            "apps/web/next.config.ts"
        );
        std::fs::write(
            dir.path().join("apps/web/next.config.js"),
            "module.exports = {};\n",
        )
        .unwrap();
        assert_eq!(
            find(dir.path(), "apps/web").unwrap(),
            "apps/web/next.config.js"
        );
    }

    #[test]
    fn wraps_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("apps/web")).unwrap();
        let rel = "apps/web/next.config.js";
        std::fs::write(dir.path().join(rel), "module.exports = {};\n").unwrap();
        let planned = |root: &Path| {
            let mut draft = Draft::new(root);
            plan(&mut draft, "apps/web").unwrap();
            draft.into_edits()
        };
        let edits = planned(dir.path());
        assert_eq!(
            edits[0].after,
            "const { withWarmstart } = require(\"warmstart/next\");\nmodule.exports = withWarmstart({});\n"
        );
        std::fs::write(dir.path().join(rel), &edits[0].after).unwrap();
        assert!(planned(dir.path()).is_empty());
    }
}
