//! Bare specifiers (`@calcom/lib/x`, `~/lib/y`, `react`) answered from the
//! folder listings where that is sure, the way oxc_resolver answers them
//! with the graph's options, without its path cache (issue 19: on Cal.com
//! without node_modules the 3,069 resolutions left to oxc, one per scope
//! (`crate::share`), cost ~30 µs each in interned candidate paths).
//!
//! oxc's steps for a bare `name/sub` from a folder, with those options:
//! 1. the owning tsconfig's `paths` patterns that match, each candidate
//!    tried as a file or folder; then its `baseUrl` joined with the
//!    specifier, tried the same way;
//! 2. a Node built-in;
//! 3. the package the folder belongs to, if it is `name` itself and has
//!    `exports`;
//! 4. each ancestor's `node_modules`, nearest first, up to `/`: for a
//!    workspace package, `<root>/node_modules/name` is the virtual link to
//!    its folder (`crate::resolve`): its `exports` if it has any, else
//!    `sub` as a file or folder — the steps of a relative `./sub` from the
//!    package's folder (`crate::relative`);
//! 5. the real path of what was found, or "Cannot find module".
//!
//! Taken here:
//! - the first tsconfig candidate (oxc's own mapping,
//!   `TsConfig::resolve_path_alias_or_base_url`), when the listings find
//!   it from the repository root through real folders;
//! - past step 1 only when it surely finds nothing: no `paths` pattern
//!   could match, and the `baseUrl` candidate's folder is missing. Then,
//!   when the root's is the only `node_modules` on the way up, a workspace
//!   package's subpath, the package without `exports`, its folder its
//!   real path and not another package's asking; or, for a package that
//!   is neither in the workspace nor a built-in and no `node_modules` on
//!   disk at all, oxc's own "not found".
//!
//! Everything else, and a file the listings cannot find, goes to oxc
//! (`None`), so the answer is always oxc's.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use oxc_resolver::TsConfig;

use crate::listing::{Known, Listings};
use crate::relative;
use crate::resolve::{self, Resolved};
use crate::workspaces::WorkspacePackages;

/// What a scope (`crate::share`) says about the way to a workspace
/// package: its tsconfig when that has `paths` or `baseUrl`, and whether
/// the repository root holds the only `node_modules` on the way up.
pub(crate) struct Lane {
    pub tsconfig: Option<Arc<TsConfig>>,
    pub root_modules_only: bool,
}

/// The workspace packages by name, each checked once when first asked
/// for: usable when its `package.json` has no `exports` and its folder is
/// its real path.
pub(crate) struct Packages {
    packages: Vec<(String, PathBuf, OnceLock<bool>)>,
    /// The repository root (canonical), where tsconfig candidates are
    /// looked up from.
    root: PathBuf,
}

impl Packages {
    pub(crate) fn new(root: &Path, workspace: &WorkspacePackages) -> Self {
        Packages {
            root: root.to_path_buf(),
            packages: workspace
                .iter()
                .map(|(name, dir)| (name.clone(), dir.clone(), OnceLock::new()))
                .collect(),
        }
    }

    /// Where workspace package `name` is in `packages` (sorted by name:
    /// the workspace map is a BTreeMap).
    fn find(&self, name: &str) -> Option<usize> {
        self.packages
            .binary_search_by(|(n, _, _)| n.as_str().cmp(name))
            .ok()
    }

    /// The folder of workspace package `name`, if answers in it can be
    /// taken from the listings.
    fn usable(&self, name: &str) -> Option<&Path> {
        let at = self.find(name)?;
        let (_, dir, checked) = &self.packages[at];
        checked
            .get_or_init(|| {
                without_exports(dir) && std::fs::canonicalize(dir).is_ok_and(|real| &real == dir)
            })
            .then_some(dir.as_path())
    }
}

/// Whether the package in `dir` has a readable `package.json` without an
/// `exports` field (any value of it, `null` too, sends the answer to oxc).
fn without_exports(dir: &Path) -> bool {
    let Ok(text) = std::fs::read(dir.join("package.json")) else {
        return false;
    };
    match serde_json::from_slice::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Object(fields)) => !fields.contains_key("exports"),
        _ => false,
    }
}

/// oxc's answer for `specifier` from a folder of a scope with `lane`, when
/// the listings can say it for sure (module docs); `None`: ask oxc.
/// `own`: the folder of the asking folder's nearest `package.json` when
/// that package's name is, or may be, the one the specifier names (its
/// `exports` oxc tries before any `node_modules`).
pub(crate) fn resolve(
    listings: &Listings,
    packages: &Packages,
    workspace: &WorkspacePackages,
    lane: &Lane,
    specifier: &str,
    own: Option<&Path>,
) -> Option<Resolved> {
    let root = packages.root.as_path();
    if let Some(tsconfig) = &lane.tsconfig {
        // oxc's own mapping: the candidates of the `paths` patterns that
        // match, else the `baseUrl` one (or none). The first is tried
        // before anything else: when it leads to a file, that is the
        // answer.
        let candidates = tsconfig.resolve_path_alias_or_base_url(specifier);
        if let Some(first) = candidates.first()
            && let Some(found) = under_root(listings, root, first)
        {
            return Some(Resolved::File(found));
        }
        // Past the tsconfig only when it surely gives nothing: no pattern
        // could match (so the candidate is the `baseUrl` one, the only
        // other thing oxc tries), and that candidate's folder is missing.
        let options = &tsconfig.compiler_options;
        if options
            .paths
            .as_ref()
            .is_some_and(|paths| paths.keys().any(|key| may_match(key, specifier)))
        {
            return None;
        }
        for candidate in &candidates {
            if !matches!(listings.lookup(candidate.parent()?), Known::Missing) {
                return None;
            }
        }
    }
    // Queries, fragments, schemes, empty segments and a trailing `/` take
    // paths of oxc's this module does not follow.
    if !lane.root_modules_only
        || specifier.contains(['?', '#', ':'])
        || specifier.contains("//")
        || specifier.ends_with('/')
    {
        return None;
    }
    let (name, sub) = split_package(specifier)?;
    if let Some(dir) = packages.usable(name) {
        // The package itself asking: its `exports` would come first, and
        // it has none.
        if own.is_some_and(|own| own != dir) || sub.is_empty() {
            return None;
        }
        return relative::resolve(listings, dir, &format!("./{sub}")).map(Resolved::File);
    }
    // Not a workspace package, no `node_modules` on disk on the way up
    // (the root's is only the virtual one): oxc finds nothing, and says so
    // with the error it gives.
    if own.is_none()
        && packages.find(name).is_none()
        && matches!(listings.lookup(&root.join("node_modules")), Known::Missing)
        && nodejs_built_in_modules::BUILTINS
            .binary_search(&specifier)
            .is_err()
    {
        return Some(resolve::not_found(workspace, specifier));
    }
    None
}

/// A bare specifier's package name and subpath (`@scope/name`, `sub`),
/// as oxc splits it; `None` for a scope without a name.
fn split_package(specifier: &str) -> Option<(&str, &str)> {
    let name = resolve::package_name(specifier);
    let sub = specifier.get(name.len() + 1..).unwrap_or_default();
    let nameless_scope = name.starts_with('@') && !name.contains('/');
    (!name.is_empty() && !name.ends_with('/') && !nameless_scope).then_some((name, sub))
}

/// oxc's "load as file or folder" of the absolute `path`, when the
/// listings can say for sure it is found: the steps of a relative
/// specifier from the repository root, whose folders the listings vouch
/// are real folders (so the answer is its own real path).
fn under_root(listings: &Listings, root: &Path, path: &Path) -> Option<PathBuf> {
    let rel = path.strip_prefix(root).ok()?.to_str()?;
    if rel.is_empty() || std::path::MAIN_SEPARATOR != '/' {
        return None;
    }
    relative::resolve(listings, root, &format!("./{rel}"))
}

/// Whether a tsconfig `paths` key could match `specifier`: the key itself,
/// or a pattern whose text around its `*` starts and ends the specifier
/// (two `*` are not a pattern TypeScript takes: treated as a match).
fn may_match(key: &str, specifier: &str) -> bool {
    match key.split_once('*') {
        None => key == specifier,
        Some((prefix, suffix)) => {
            suffix.contains('*')
                || (specifier.len() >= prefix.len() + suffix.len()
                    && specifier.starts_with(prefix)
                    && specifier.ends_with(suffix))
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn package_names_split_as_oxc_does() {
        assert_eq!(split_package("@x/lib/a/b"), Some(("@x/lib", "a/b")));
        assert_eq!(split_package("@x/lib"), Some(("@x/lib", "")));
        assert_eq!(split_package("react"), Some(("react", "")));
        assert_eq!(
            split_package("react-dom/client"),
            Some(("react-dom", "client"))
        );
        assert_eq!(split_package("@x"), None);
    }

    #[test]
    fn patterns_that_could_match() {
        assert!(may_match("@calcom/lib", "@calcom/lib"));
        assert!(!may_match("@calcom/lib", "@calcom/lib/x"));
        assert!(may_match("@calcom/*", "@calcom/lib/x"));
        assert!(may_match("*", "@calcom/lib/x"));
        assert!(may_match("@calcom/lib/*.ts", "@calcom/lib/x.ts"));
        assert!(!may_match("@calcom/lib/*.ts", "@calcom/lib/x"));
        assert!(!may_match("~/*", "@calcom/lib/x"));
        assert!(may_match("a*b*", "@calcom/lib/x"));
    }

    /// Every answer taken from the listings is oxc's, from folders with
    /// and without a tsconfig `baseUrl`/`paths`, for packages with and
    /// without `exports`; and the plain cases are answered.
    #[test]
    fn listed_answers_are_oxcs() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let write = |path: &str, text: &str| {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write(
            "package.json",
            r#"{"name":"repo","workspaces":["packages/*","apps/*"]}"#,
        );
        write("packages/lib/package.json", r#"{"name":"@x/lib"}"#);
        write("packages/lib/a.ts", "");
        write("packages/lib/b.tsx", "");
        write("packages/lib/c.js", "");
        write("packages/lib/dir/index.ts", "");
        write("packages/lib/deep/er/z.ts", "");
        write("packages/lib/both.ts", "");
        write("packages/lib/both/index.ts", "");
        write("packages/lib/pkg/package.json", r#"{"main":"m.ts"}"#);
        write("packages/lib/pkg/m.ts", "");
        write(
            "packages/ex/package.json",
            r#"{"name":"@x/ex","exports":{"./a":"./a.ts"}}"#,
        );
        write("packages/ex/a.ts", "");
        write("apps/plain/src/importer.ts", "");
        write("apps/plain/package.json", r#"{"name":"plain"}"#);
        write(
            "apps/based/tsconfig.json",
            r#"{"compilerOptions":{"baseUrl":".","paths":{"~/*":["src/*"]}}}"#,
        );
        write("apps/based/package.json", r#"{"name":"based"}"#);
        write("apps/based/src/importer.ts", "");
        write(
            "apps/mapped/tsconfig.json",
            r#"{"compilerOptions":{"paths":{"@x/lib/*":["./shadow/*"]}}}"#,
        );
        write("apps/mapped/package.json", r#"{"name":"mapped"}"#);
        write("apps/mapped/shadow/a.ts", "");
        write("apps/mapped/src/importer.ts", "");
        // A baseUrl folder that holds the scope: its candidate is tried.
        write(
            "apps/shadowed/tsconfig.json",
            r#"{"compilerOptions":{"baseUrl":"."}}"#,
        );
        write("apps/shadowed/package.json", r#"{"name":"shadowed"}"#);
        write("apps/shadowed/@x/lib/a.ts", "");
        write("apps/shadowed/src/importer.ts", "");
        let workspace = crate::workspaces::discover(&root);
        let resolver = resolve::resolver(&root, &workspace);
        let listings = resolver.file_system().listings();
        let packages = Packages::new(&root, &workspace);
        let specifiers = [
            "@x/lib/a",
            "@x/lib/a.js",
            "@x/lib/b",
            "@x/lib/c",
            "@x/lib/c.js",
            "@x/lib/dir",
            "@x/lib/dir/index",
            "@x/lib/deep/er/z",
            "@x/lib/both",
            "@x/lib/pkg",
            "@x/lib/missing",
            "@x/lib",
            "@x/lib/",
            "@x/lib/a?q",
            "@x/ex/a",
            "@x/nothing/a",
            "~/importer",
            "~/missing",
            "react",
            "react-dom/client",
            "@x/react",
            "@other/pkg/x",
            "fs",
            "fs/promises",
            "react/",
            "lodash//x",
        ];
        let mut answered = 0;
        for app in ["plain", "based", "mapped", "shadowed"] {
            let importer = root.join(format!("apps/{app}/src/importer.ts"));
            let (tsconfig, _) = resolver.tsconfig_of(&importer).unwrap();
            let lane = Lane {
                tsconfig,
                root_modules_only: true,
            };
            for specifier in specifiers {
                let oxc = resolve::resolve(&resolver, &workspace, &importer, specifier);
                let listed = resolve(listings, &packages, &workspace, &lane, specifier, None);
                if let Some(listed) = listed {
                    answered += 1;
                    assert_eq!(listed, oxc, "{app}: {specifier}");
                }
            }
        }
        // plain and based: a, a.js, b, c, c.js, dir, dir/index, deep/er/z,
        // both (9 each), and based's ~/importer through its pattern;
        // mapped: a and a.js, which its pattern leads to in shadow/ (the
        // rest it may lead to, so oxc is asked); shadowed (its baseUrl
        // holds @x/lib): a and a.js found there, dir/index and deep/er/z
        // in the package, their baseUrl candidates' folders missing. And
        // as not found, in all four (nothing is installed): react,
        // react-dom/client, @x/react, @other/pkg/x, @x/nothing/a, and
        // ~/missing where no pattern takes `~` (20 + 3); fs and
        // fs/promises (built-ins), react/ and lodash//x stay oxc's.
        assert_eq!(answered, 48);
    }
}
