//! Asset path mapping: a fuzzed rule (`from` glob, `to` template) over a
//! fuzzed tree of file names. Property: no planned source or destination
//! leaves the repository root, and `setup` writes nothing outside it.
//!
//! Input: lines. Line 1 is `from`, line 2 is `to`, every further line a
//! repo-relative file to create (names with `..`, absolute paths or NUL are
//! skipped: the test creates the tree, the tool must not escape it). A line
//! starting with `@` makes that path a symlink to a folder outside the root.
#![no_main]

use std::path::{Component, Path};

use libfuzzer_sys::fuzz_target;
use warmstart_assets::{AssetRule, Assets, AssetsConfig, FsLinker, SetupOptions};

fn creatable(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains('\0')
        && !rel.contains('\\')
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

fn inside(root: &Path, rel: &str) -> bool {
    !rel.starts_with('/') && warmstart_fs::within_root(root, &root.join(rel))
}

/// Every path below `dir` (links not followed).
fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            out.push(e.path().display().to_string());
            if e.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                stack.push(e.path());
            }
        }
    }
    out.sort();
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.split('\n');
    let (Some(from), Some(to)) = (lines.next(), lines.next()) else {
        return;
    };
    let Ok(outer) = tempfile::tempdir() else { return };
    let root = outer.path().join("repo");
    let outside = outer.path().join("outside");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(outside.join("static")).unwrap();
    std::fs::write(outside.join("static/secret.svg"), b"secret").unwrap();
    for line in lines.take(24) {
        let (link, rel) = match line.strip_prefix('@') {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        if !creatable(rel) || rel.len() > 200 {
            continue;
        }
        let path = root.join(rel);
        if let Some(dir) = path.parent() {
            if std::fs::create_dir_all(dir).is_err() {
                continue;
            }
        }
        if link {
            let _ = std::os::unix::fs::symlink(&outside, &path);
        } else {
            let _ = std::fs::write(&path, rel.as_bytes());
        }
    }
    let before_outside = listing(&outside);
    let config = AssetsConfig {
        rules: vec![AssetRule {
            from: from.to_string(),
            to: to.to_string(),
        }],
        ..AssetsConfig::default()
    };
    let Ok(assets) = Assets::new(&root, &config) else {
        return;
    };
    let Ok(plan) = assets.plan() else {
        return;
    };
    for a in &plan.assets {
        assert!(inside(&root, &a.source), "source escapes: {a:?}");
        assert!(inside(&root, &a.dest), "destination escapes: {a:?}");
        // A source reached through a link that leaves the root is a read
        // outside it.
        if let Ok(real) = std::fs::canonicalize(root.join(&a.source)) {
            assert!(real.starts_with(&assets.root_real), "source read outside the root: {a:?} -> {real:?}");
        }
    }
    let _ = assets.setup(&SetupOptions {
        mode: Default::default(),
        force: false,
        lazy: false,
        linker: &FsLinker,
        progress: &|_, _| {},
    });
    // Nothing appeared next to the repository, nothing changed in the
    // folder outside it.
    let mut siblings: Vec<_> = std::fs::read_dir(outer.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    siblings.sort();
    assert_eq!(siblings, ["outside", "repo"], "setup wrote next to the root");
    assert_eq!(listing(&outside), before_outside, "setup wrote outside the root");
    let _ = assets.clean();
});
