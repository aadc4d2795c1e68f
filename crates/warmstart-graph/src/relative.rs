//! `./x` and `../x` resolved from folder listings (`crate::listing`) in
//! the common case, the way oxc_resolver resolves them with the graph's
//! options (`resolve::resolver`), without its path cache (issue 19: hashing
//! and interning each candidate path was most of what remained of
//! resolution on Cal.com and the 50,000-module sample).
//!
//! oxc's steps for a relative specifier, with those options (no aliases,
//! no restrictions, extensions not enforced, `symlinks: true`), from a
//! folder whose tsconfig has no `rootDirs`:
//! 1. `P` = the importer's folder joined with the specifier, `.`/`..`
//!    folded lexically;
//! 2. if `P` ends in `.js`/`.mjs`/`.cjs`, each extension alias of it;
//! 3. `P` itself, then `P` + each extension;
//! 4. if `P` is a folder: its `package.json` main fields, then `index` +
//!    each extension;
//! 5. the real path of what was found.
//!
//! Here step 4 with a `package.json`, any symlink or unlistable folder on
//! the way, and anything not found go to oxc instead (`None`), so the
//! answer is always oxc's: the first folder is canonical (the walk does not
//! follow links; later rounds start from oxc's canonical answers), and a
//! path through real folders to a regular file is its own real path.

use std::path::{Path, PathBuf};

use crate::listing::{Kind, Known, Listings};

/// `resolve::resolver`'s extensions, in its order.
const EXTENSIONS: [&str; 10] = [
    ".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".json",
];

/// `resolve::resolver`'s extension aliases.
fn aliases(extension: &str) -> &'static [&'static str] {
    match extension {
        "js" => &[".ts", ".tsx", ".js", ".jsx"],
        "mjs" => &[".mts", ".mjs"],
        "cjs" => &[".cts", ".cjs"],
        _ => &[],
    }
}

/// Where `specifier` leads from `folder` when the listings can say so for
/// sure; `None`: ask oxc.
///
/// Each folder's listing is fetched once and the candidate names are
/// looked up in it through one reused buffer: a path and a shared-map
/// lookup per candidate (up to 15 for `./x`) were most of this function.
pub(crate) fn resolve(listings: &Listings, folder: &Path, specifier: &str) -> Option<PathBuf> {
    let (base, segments) = split(folder, specifier)?;
    let (name, folders) = segments.split_last()?;
    let mut parent = base;
    for segment in folders {
        parent.push(segment);
        if !matches!(listings.lookup(&parent), Known::Is(Kind::Dir)) {
            return None;
        }
    }
    let mut candidate = String::with_capacity(name.len() + 8);
    // Steps 2 and 3, in the folder the specifier names.
    let here = Folder::of(listings, &parent)?;
    // Step 2: extension aliases.
    let alias = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map_or(&[][..], aliases);
    if !alias.is_empty() {
        let stem = &name[..name.len() - Path::new(name).extension()?.len() - 1];
        for extension in alias {
            if let Some(found) = here.file(&mut candidate, stem, extension)? {
                return Some(found);
            }
        }
    }
    // Step 3: the path itself, then with each extension.
    if let Some(found) = here.file(&mut candidate, name, "")? {
        return Some(found);
    }
    for extension in EXTENSIONS {
        if let Some(found) = here.file(&mut candidate, name, extension)? {
            return Some(found);
        }
    }
    // Step 4: a folder without a package.json: its index.
    if !matches!(here.kind(name), Known::Is(Kind::Dir)) {
        return None;
    }
    let path = parent.join(name);
    let inside = Folder::of(listings, &path)?;
    if !matches!(inside.kind("package.json"), Known::Missing) {
        return None;
    }
    for extension in EXTENSIONS {
        if let Some(found) = inside.file(&mut candidate, "index", extension)? {
            return Some(found);
        }
    }
    None
}

/// One folder's listing, for the names a resolution tries in it.
struct Folder<'p, 'l> {
    path: &'p Path,
    listing: crate::listing::ListingRef<'l>,
}

impl<'p, 'l> Folder<'p, 'l> {
    /// `None` where the listings cannot answer for names in `path` (it
    /// cannot be listed, or is not plain): then no candidate in it can be
    /// answered, and oxc is asked.
    fn of(listings: &'l Listings, path: &'p Path) -> Option<Self> {
        Some(Folder {
            path,
            listing: listings.children(path)?,
        })
    }

    /// What the listing says of `name` (one plain segment), as
    /// [`Listings::lookup`] of the joined path says it.
    fn kind(&self, name: &str) -> Known {
        crate::listing::known(&self.listing, name.as_bytes())
    }

    /// `stem` + `extension` in this folder: `Some(Some(path))`, a regular
    /// file; `Some(None)`, not a file (missing or a folder); `None`, the
    /// listing cannot tell. `buffer` is reused between candidates.
    fn file(&self, buffer: &mut String, stem: &str, extension: &str) -> Option<Option<PathBuf>> {
        buffer.clear();
        buffer.push_str(stem);
        buffer.push_str(extension);
        match self.kind(buffer) {
            Known::Is(Kind::File) => Some(Some(self.path.join(&*buffer))),
            Known::Missing | Known::Is(Kind::Dir) => Some(None),
            Known::Is(Kind::Other) | Known::Unknown => None,
        }
    }
}

/// The folder the specifier's `..` segments lead to and its remaining
/// segments; `None` for anything but `./a/b` or `../../a/b` with plain
/// segments (no query, fragment, `.`, `..` or empty segment after the
/// start, no trailing `/`).
fn split<'s>(folder: &Path, specifier: &'s str) -> Option<(PathBuf, Vec<&'s str>)> {
    if specifier
        .bytes()
        .any(|b| matches!(b, b'?' | b'#' | b'\\' | 0))
    {
        return None;
    }
    let mut base = folder.to_path_buf();
    let mut rest = specifier;
    if let Some(after) = rest.strip_prefix("./") {
        rest = after;
    } else {
        let mut ups = 0;
        while let Some(after) = rest.strip_prefix("../") {
            rest = after;
            ups += 1;
        }
        if ups == 0 {
            return None;
        }
        for _ in 0..ups {
            if !base.pop() {
                return None;
            }
        }
    }
    let segments: Vec<&str> = rest.split('/').collect();
    if segments
        .iter()
        .any(|s| s.is_empty() || *s == "." || *s == "..")
    {
        return None;
    }
    Some((base, segments))
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use crate::resolve::{self, Resolved};
    use std::collections::BTreeMap;

    /// Every answer the listings give is oxc's answer, on a tree with the
    /// cases the steps name; and the common cases do get answered.
    #[test]
    fn listed_answers_are_oxcs() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let files = [
            "src/a.ts",
            "src/a.tsx",
            "src/b.tsx",
            "src/c.d.ts",
            "src/c.js",
            "src/esm.mts",
            "src/esm.mjs",
            "src/plain.js",
            "src/data.json",
            "src/x.module.ts",
            "src/dir/index.tsx",
            "src/pkg/package.json",
            "src/pkg/main.ts",
            "src/pkg/index.ts",
            "src/both.ts",
            "src/both/index.ts",
            "lib/deep/er/z.ts",
            "real/r.ts",
        ];
        for f in files {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(
                &p,
                if f.ends_with("package.json") {
                    "{\"main\": \"main.ts\"}"
                } else {
                    ""
                },
            )
            .unwrap();
        }
        std::os::unix::fs::symlink(root.join("real"), root.join("src/linked")).unwrap();
        std::os::unix::fs::symlink(root.join("src/a.ts"), root.join("src/alias.ts")).unwrap();
        let packages = BTreeMap::new();
        let resolver = resolve::resolver(&root, &packages);
        let listings = Listings::default();
        let importer = root.join("src/importer.ts");
        std::fs::write(&importer, "").unwrap();
        let folder = root.join("src");
        let specifiers = [
            "./a",
            "./a.js",
            "./b",
            "./b.js",
            "./c",
            "./c.js",
            "./esm.mjs",
            "./plain.js",
            "./plain",
            "./data",
            "./data.json",
            "./x.module",
            "./dir",
            "./dir/index",
            "./pkg",
            "./both",
            "../lib/deep/er/z",
            "./linked/r",
            "./alias",
            "./missing",
            "./a?query",
            "./a#frag",
            "./dir/",
            ".",
            "..",
            "./",
            "../src/a",
            "./dir/../a",
        ];
        let mut answered = 0;
        for specifier in specifiers {
            let oxc = resolve::resolve(&resolver, &packages, &importer, specifier);
            if let Some(listed) = resolve(&listings, &folder, specifier) {
                answered += 1;
                assert_eq!(Resolved::File(listed), oxc, "{specifier}");
            }
        }
        // ./a ./a.js ./b ./b.js ./c ./c.js ./esm.mjs ./plain.js ./plain
        // ./data ./data.json ./x.module ./dir ./dir/index ./both
        // ../lib/deep/er/z ../src/a
        assert_eq!(answered, 17);
    }
}
