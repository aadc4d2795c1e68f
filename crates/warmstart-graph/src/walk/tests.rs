//! The walk against the `ignore` crate's own walker with the options the
//! graph used before it listed folders itself: the same files, inputs
//! and warnings on a tree with every kind of rule.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

use super::*;

/// The walk as it was: `ignore`'s parallel walker.
fn reference(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<PathBuf>, Vec<String>) {
    let mut builder = WalkBuilder::new(&paths[0]);
    for path in &paths[1..] {
        builder.add(path);
    }
    builder
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .hidden(false)
        .follow_links(false)
        .filter_entry(|entry| {
            let name = entry.file_name();
            name != "node_modules" && name != ".git" && name != ".hg" && name != ".svn"
        });
    let found = Mutex::new((Vec::new(), Vec::new(), Vec::new()));
    builder.build_parallel().run(|| {
        let found = &found;
        Box::new(move |entry| {
            let mut found = found.lock().unwrap();
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                    let path = entry.path();
                    let name = path.file_name().and_then(|n| n.to_str());
                    if is_dir || (is_file && name.is_some_and(is_graph_input)) {
                        found.1.push(path.to_path_buf());
                    }
                    if is_file && is_source(path) {
                        if path.to_str().is_none() {
                            found.2.push(format!(
                                "{}: skipped, the name is not UTF-8",
                                path.to_string_lossy()
                            ));
                        } else {
                            found.0.push(path.to_path_buf());
                        }
                    }
                }
                Err(err) => found.2.push(format!("walk: {err}")),
            }
            WalkState::Continue
        })
    });
    let (mut files, mut inputs, mut warnings) = found.into_inner().unwrap();
    sort_paths(&mut files);
    sort_paths(&mut inputs);
    warnings.sort();
    (files, inputs, warnings)
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A repository with every kind of rule the walk honours.
fn tree() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap().join("repo");
    // Above the repository: the walk of a subfolder reads its parents'.
    write(dir.path(), ".gitignore", "*.far.ts\n");
    write(
        &root,
        ".gitignore",
        "*.generated.ts\n!keep.generated.ts\ngen/\n/dist\nbuild\n*.log\nonly-dir/\n",
    );
    write(&root, ".git/info/exclude", "excluded.ts\n");
    write(&root, ".git/HEAD", "ref: refs/heads/main\n");
    for rel in [
        "package.json",
        "tsconfig.base.json",
        "pnpm-workspace.yaml",
        "apps/web/a.ts",
        "apps/web/a.generated.ts",
        "apps/web/keep.generated.ts",
        "apps/web/x.far.ts",
        "apps/web/excluded.ts",
        "apps/web/gen/g.ts",
        "apps/web/build/b.ts",
        "apps/web/only-dir",
        "apps/web/app.log",
        "apps/web/.storybook/main.ts",
        "apps/web/node_modules/dep/index.js",
        "apps/web/package.json",
        "dist/d.ts",
        "packages/lib/dist/kept.ts",
        "packages/lib/src/i.tsx",
        "packages/lib/src/local.ts",
        "packages/lib/src/ign.ts",
        "packages/lib/src/back.generated.ts",
        "packages/lib/src/gen/again.ts",
        "packages/lib/README.md",
        "packages/lib/src/deep/er/z.mjs",
        "packages/lib/src/deep/er/z.cjs",
        "packages/lib/src/deep/er/.hidden.ts",
        "packages/lib/src/deep/er/bad.ts",
    ] {
        write(&root, rel, "export {};\n");
    }
    // Nested rules: a `.gitignore` that re-includes, an `.ignore` (which
    // wins over `.gitignore`), and a bad glob (a warning).
    write(
        &root,
        "packages/lib/src/.gitignore",
        "local.ts\n!gen/\n!back.generated.ts\n",
    );
    write(&root, "packages/lib/src/.ignore", "ign.ts\n!excluded.ts\n");
    write(&root, "packages/lib/src/deep/.gitignore", "bad[.ts\n{a,b\n");
    write(&root, "packages/lib/src/excluded.ts", "export {};\n");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root.join("packages/lib/src"), root.join("apps/web/linked"))
            .unwrap();
        std::os::unix::fs::symlink(root.join("apps/web/a.ts"), root.join("apps/web/alias.ts"))
            .unwrap();
        use std::os::unix::ffi::OsStrExt;
        let odd = root
            .join("apps/web")
            .join(std::ffi::OsStr::from_bytes(b"odd\xff.ts"));
        std::fs::write(odd, "").unwrap();
    }
    (dir, root)
}

#[test]
fn finds_what_the_ignore_crate_finds() {
    let (_dir, root) = tree();
    for paths in [
        vec![root.clone()],
        vec![root.join("apps"), root.join("packages")],
        vec![root.join("packages/lib/src"), root.join("apps/web/a.ts")],
    ] {
        let walked = walk(&root, &paths, false);
        let (files, inputs, warnings) = reference(&paths);
        assert_eq!(walked.files, files, "files of {paths:?}");
        assert_eq!(walked.inputs, inputs, "inputs of {paths:?}");
        // A glob the `.gitignore` cannot hold is a warning now (the
        // parallel walker dropped it): otherwise the same warnings.
        let (glob, rest): (Vec<String>, Vec<String>) = walked
            .warnings
            .iter()
            .cloned()
            .partition(|w| w.contains("error parsing glob '{a,b'"));
        assert_eq!(rest, warnings, "warnings of {paths:?}");
        let deep = paths
            .iter()
            .any(|p| root.join("packages/lib/src/deep").starts_with(p));
        assert_eq!(glob.len(), usize::from(deep), "{:?}", walked.warnings);
        // The rules did something: not every source was found.
        assert!(!files.iter().any(|f| f.ends_with("a.generated.ts")));
    }
}

#[test]
fn the_listings_are_whole_folders() {
    let (_dir, root) = tree();
    let walked = walk(&root, std::slice::from_ref(&root), true);
    let src = root.join("packages/lib/src");
    let (_, listing) = walked
        .listings
        .iter()
        .find(|(folder, _)| *folder == src)
        .expect("src was listed");
    // Ignored names are listed too: the resolver must see them.
    for (name, kind) in [
        ("local.ts", Kind::File),
        ("ign.ts", Kind::File),
        ("gen", Kind::Dir),
        (".gitignore", Kind::File),
    ] {
        assert_eq!(listing.get(name.as_bytes()), Some(&kind), "{name}");
    }
    #[cfg(unix)]
    {
        let web = root.join("apps/web");
        let (_, listing) = walked.listings.iter().find(|(f, _)| *f == web).unwrap();
        assert_eq!(listing.get(b"linked".as_slice()), Some(&Kind::Other));
        assert_eq!(listing.get(b"node_modules".as_slice()), Some(&Kind::Dir));
    }
    // Every folder listed is stamped as `lstat` stamps it, sorted.
    let mut listed: Vec<&PathBuf> = walked.listings.iter().map(|(f, _)| f).collect();
    listed.sort_by(|a, b| super::by_bytes(a, b));
    let stamped: Vec<&PathBuf> = walked.folder_stamps.iter().map(|(f, _)| f).collect();
    assert_eq!(stamped, listed);
    for (folder, stamp) in &walked.folder_stamps {
        assert_eq!(
            *stamp,
            warmstart_cache::Stamp::of(folder),
            "{}",
            folder.display()
        );
    }
    assert!(
        walk(&root, std::slice::from_ref(&root), false)
            .folder_stamps
            .is_empty()
    );
    // Folders the walk does not enter are not listed.
    assert!(
        !walked
            .listings
            .iter()
            .any(|(f, _)| f.ends_with("node_modules"))
    );
    assert!(
        !walked
            .listings
            .iter()
            .any(|(f, _)| f.ends_with("apps/web/gen"))
    );
}

#[test]
fn a_name_is_a_source_exactly_when_its_path_is() {
    for name in [
        "a.ts",
        "a.tsx",
        "a.d.ts",
        "a.mjs",
        "a.cjs",
        "a.mts",
        "a.cts",
        "a.js",
        "a.jsx",
        ".ts",
        ".tsx",
        "ts",
        "a.",
        "a.ts.",
        "a..ts",
        "a.TS",
        "a.json",
        "a.css",
        "a.tsx.map",
        "..ts",
        "a",
        "",
    ] {
        // The rule as std states it, for the path the walk would make.
        let by_extension = Path::new("/repo/lib")
            .join(name)
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| SOURCE_EXTENSIONS.contains(&e));
        assert_eq!(
            super::is_source_name(name.as_bytes()),
            by_extension,
            "{name:?}"
        );
    }
}
