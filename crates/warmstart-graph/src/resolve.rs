//! Specifier → file with oxc_resolver, with no install needed: a file
//! system that shows `<root>/node_modules/<workspace package>` as a symlink
//! to the package's folder. oxc_resolver's `alias` would not reach
//! `tsconfig extends "@calcom/tsconfig/…"` (that lookup uses default
//! options), while a virtual link serves both and keeps `exports` working.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::io;
use std::path::{Path, PathBuf};

use oxc_resolver::{
    FileMetadata, FileSystem, FileSystemOs, ResolveError, ResolveOptions, ResolverGeneric,
    TsconfigDiscovery,
};

use crate::listing::{self, Kind, Known, Listings};
use crate::workspaces::WorkspacePackages;

/// A real file system plus virtual `node_modules` links for workspace
/// packages at the repository root. Clones share the folder listings.
#[derive(Debug, Default, Clone)]
pub struct VirtualFs {
    node_modules: PathBuf,
    /// `<root>/node_modules/<name>` → package folder, keyed by the link's
    /// [`normal`] bytes. This map and `dirs` are asked on every look under
    /// `<root>/node_modules` (~30,000 times on Cal.com): keyed by `Path`,
    /// each question hashed and compared the path component by component.
    links: HashMap<Box<[u8]>, PathBuf>,
    /// `<root>/node_modules` and `<root>/node_modules/@scope` folders that
    /// exist only virtually, by [`normal`] bytes.
    dirs: HashSet<Box<[u8]>>,
    /// Folder listings answering most metadata questions (`crate::listing`).
    listings: std::sync::Arc<Listings>,
}

/// `path` as bytes in which two paths are equal exactly when `Path` says
/// they are (component by component): on Unix a plain path (absolute, no
/// empty, `.` or `..` segment, no trailing `/`, what oxc asks about) is
/// its own bytes; anything else is rebuilt from its components.
fn normal(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    #[cfg(unix)]
    if let bytes = path.as_os_str().as_encoded_bytes()
        && listing::plain(bytes)
    {
        return std::borrow::Cow::Borrowed(bytes);
    }
    let rebuilt: PathBuf = path.components().collect();
    std::borrow::Cow::Owned(rebuilt.into_os_string().into_encoded_bytes())
}

impl VirtualFs {
    /// The repository root (the folder of the virtual `node_modules`).
    pub(crate) fn root(&self) -> Option<&Path> {
        self.node_modules.parent()
    }

    /// The folder listings behind the metadata answers.
    pub(crate) fn listings(&self) -> &Listings {
        &self.listings
    }

    pub fn new(root: &Path, packages: &WorkspacePackages) -> Self {
        let node_modules = root.join("node_modules");
        let key = |path: &Path| -> Box<[u8]> { normal(path).into_owned().into_boxed_slice() };
        let mut links = HashMap::default();
        let mut dirs = HashSet::default();
        dirs.insert(key(&node_modules));
        for (name, dir) in packages {
            let link = node_modules.join(name);
            if let Some(parent) = link.parent() {
                dirs.insert(key(parent));
            }
            links.insert(key(&link), dir.clone());
        }
        VirtualFs {
            node_modules,
            links,
            dirs,
            listings: std::sync::Arc::default(),
        }
    }

    /// Whether `path` lies under `<root>/node_modules` (where the virtual
    /// links and folders are), tested on bytes: most paths do not, and
    /// hashing or splitting every path the resolver asks about into
    /// components was a visible share of resolution.
    fn in_node_modules(&self, path: &Path) -> bool {
        path.as_os_str()
            .as_encoded_bytes()
            .starts_with(self.node_modules.as_os_str().as_encoded_bytes())
    }

    /// What the folder listings say of `path`, as metadata.
    fn listed(&self, path: &Path) -> Option<io::Result<FileMetadata>> {
        match self.listings.lookup(path) {
            Known::Is(Kind::File) => Some(Ok(FileMetadata::new(true, false, false))),
            Known::Is(Kind::Dir) => Some(Ok(FileMetadata::new(false, true, false))),
            Known::Missing => Some(Err(listing::not_found())),
            Known::Is(Kind::Other) | Known::Unknown => None,
        }
    }

    /// The real path to read for `path`, or "not found" when the listings
    /// know it is missing: oxc reads `package.json` in every folder on its
    /// way up, and most of them have none.
    fn readable<'p>(&self, path: &'p Path) -> io::Result<std::borrow::Cow<'p, Path>> {
        let real = self.real(path);
        match self.listings.lookup(&real) {
            Known::Missing => Err(listing::not_found()),
            _ => Ok(real),
        }
    }

    /// The real path behind `path` when it runs through a virtual link:
    /// the link is `<root>/node_modules/<name>` or `…/<@scope>/<name>`,
    /// the rest of the path follows it into the package's folder.
    fn map(&self, path: &Path) -> Option<PathBuf> {
        let separator = std::path::MAIN_SEPARATOR as u8;
        let bytes = normal(path);
        let modules = normal(&self.node_modules);
        let rel = bytes.strip_prefix(&*modules)?.strip_prefix(&[separator])?;
        let mut ends = memchr::memchr_iter(separator, rel).chain([rel.len()]);
        let mut end = ends.next()?;
        if rel.starts_with(b"@") {
            end = ends.next()?;
        }
        let target = self.links.get(&bytes[..modules.len() + 1 + end])?;
        // What follows the link, `Path::new("")` when nothing does (then
        // `join` ends the folder with a separator, as it always did here).
        #[cfg(unix)]
        let rest = {
            use std::os::unix::ffi::OsStrExt;
            Path::new(std::ffi::OsStr::from_bytes(
                rel.get(end + 1..).unwrap_or_default(),
            ))
        };
        #[cfg(not(unix))]
        let rest: PathBuf = {
            let names = 1 + usize::from(rel.starts_with(b"@"));
            let skip = self.node_modules.components().count() + names;
            path.components().skip(skip).collect()
        };
        Some(target.join(rest))
    }

    fn real<'p>(&self, path: &'p Path) -> std::borrow::Cow<'p, Path> {
        if !self.in_node_modules(path) {
            return std::borrow::Cow::Borrowed(path);
        }
        match self.map(path) {
            Some(p) => std::borrow::Cow::Owned(p),
            None => std::borrow::Cow::Borrowed(path),
        }
    }
}

impl FileSystem for VirtualFs {
    fn new() -> Self {
        VirtualFs::default()
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(self.readable(path)?)
    }

    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        FileSystemOs::read_to_string(&self.readable(path)?)
    }

    fn metadata(&self, path: &Path) -> io::Result<FileMetadata> {
        let real = self.real(path);
        let answer = match self.listed(&real) {
            Some(answer) => answer,
            None => FileSystemOs::metadata(&real),
        };
        match answer {
            Err(_) if self.in_node_modules(path) && self.dirs.contains(&*normal(path)) => {
                Ok(FileMetadata::new(false, true, false))
            }
            other => other,
        }
    }

    fn symlink_metadata(&self, path: &Path) -> io::Result<FileMetadata> {
        let virtual_area = self.in_node_modules(path);
        if virtual_area && self.links.contains_key(&*normal(path)) {
            return Ok(FileMetadata::new(false, false, true));
        }
        let real = self.real(path);
        let answer = match self.listed(&real) {
            Some(answer) => answer,
            None => FileSystemOs::symlink_metadata(&real),
        };
        match answer {
            Err(_) if virtual_area && self.dirs.contains(&*normal(path)) => {
                Ok(FileMetadata::new(false, true, false))
            }
            other => other,
        }
    }

    fn read_link(&self, path: &Path) -> Result<PathBuf, ResolveError> {
        if let Some(target) = self
            .in_node_modules(path)
            .then(|| self.links.get(&*normal(path)))
            .flatten()
        {
            return Ok(target.clone());
        }
        FileSystemOs::read_link(&self.real(path))
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(self.real(path))
    }
}

/// The resolver pair: the normal one, and one that ignores `exports` for
/// subpaths a package does not export. TypeScript under `moduleResolution:
/// node` (Cal.com's setting) ignores `exports` too, so such imports do
/// type-check and are real edges of the graph.
pub struct WorkspaceResolver {
    main: ResolverGeneric<VirtualFs>,
    no_exports: ResolverGeneric<VirtualFs>,
    /// The same view of the disk, for questions the resolver has no API
    /// for (which folders hold a `node_modules`, `crate::share`).
    fs: std::sync::Arc<VirtualFs>,
    /// Made by [`resolver`] with exactly the options `crate::relative`
    /// and `crate::linked` mirror.
    plain: bool,
    /// The workspace packages `crate::linked` answers in, checked once per
    /// resolver (so once per build, not per resolution round); only for a
    /// `plain` resolver.
    linked: Option<std::sync::Arc<crate::linked::Packages>>,
}

/// A resolver for TS/JS sources: nearest tsconfig per file, TS extension
/// aliases (`./x.js` → `./x.ts`), ESM and CJS conditions, Node built-ins
/// recognised.
pub fn resolver(root: &Path, packages: &WorkspacePackages) -> WorkspaceResolver {
    let options = ResolveOptions {
        tsconfig: Some(TsconfigDiscovery::Auto),
        extensions: [
            ".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".json",
        ]
        .map(String::from)
        .to_vec(),
        extension_alias: vec![
            (
                ".js".into(),
                vec![".ts".into(), ".tsx".into(), ".js".into(), ".jsx".into()],
            ),
            (".mjs".into(), vec![".mts".into(), ".mjs".into()]),
            (".cjs".into(), vec![".cts".into(), ".cjs".into()]),
        ],
        condition_names: ["import", "require", "node", "default"]
            .map(String::from)
            .to_vec(),
        main_fields: vec!["module".into(), "main".into()],
        builtin_modules: true,
        ..ResolveOptions::default()
    };
    assemble(root, packages, options, true)
}

/// The resolver pair on one file system (so the listings oxc's questions
/// fill are the ones `crate::share` and `crate::relative` read); `plain`:
/// made with exactly [`resolver`]'s options.
fn assemble(
    root: &Path,
    packages: &WorkspacePackages,
    options: ResolveOptions,
    plain: bool,
) -> WorkspaceResolver {
    let fs = VirtualFs::new(root, packages);
    let main = ResolverGeneric::new_with_file_system(fs.clone(), options);
    let mut fallback = main.options().clone();
    fallback.exports_fields = Vec::new();
    let no_exports = main.clone_with_options(fallback);
    WorkspaceResolver {
        main,
        no_exports,
        linked: plain.then(|| std::sync::Arc::new(crate::linked::Packages::new(root, packages))),
        fs: std::sync::Arc::new(fs),
        plain,
    }
}

/// A resolver for what a bundler compiles for one side of a Next.js page:
/// `conditions` and `main_fields` as webpack uses them there (client:
/// browser/import; server: node/require), the `browser` field honoured on
/// the client, CSS and assets resolvable by their own extension.
pub fn bundler_resolver(
    root: &Path,
    packages: &WorkspacePackages,
    conditions: &[&str],
    main_fields: &[&str],
    browser_field: bool,
) -> WorkspaceResolver {
    let mut options = resolver(root, packages).main.options().clone();
    options.condition_names = conditions.iter().map(|c| c.to_string()).collect();
    options.main_fields = main_fields.iter().map(|c| c.to_string()).collect();
    if browser_field {
        options.alias_fields = vec![vec!["browser".into()]];
    }
    assemble(root, packages, options, false)
}

/// `resolver` without `.d.ts` among its extensions: what a bundler
/// resolves (it never compiles a declaration file; the graph keeps them
/// for types).
pub fn without_declarations(resolver: &WorkspaceResolver) -> WorkspaceResolver {
    let strip = |options: &ResolveOptions| {
        let mut options = options.clone();
        options.extensions.retain(|e| e != ".d.ts");
        options
    };
    WorkspaceResolver {
        main: resolver
            .main
            .clone_with_options(strip(resolver.main.options())),
        no_exports: resolver
            .no_exports
            .clone_with_options(strip(resolver.no_exports.options())),
        fs: resolver.fs.clone(),
        plain: false,
        linked: None,
    }
}

/// Why a specifier did not resolve to a file.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum UnresolvedReason {
    /// A bare specifier naming a package that is not in the workspace and
    /// not installed.
    NotInstalled,
    /// A workspace package (or tsconfig `paths` into one) without the file,
    /// e.g. generated code not generated yet.
    MissingInWorkspacePackage,
    /// A relative or absolute path with no file behind it.
    FileNotFound,
    /// A package's `exports` does not export that subpath.
    NotExported,
    /// A tsconfig that cannot be read or extends something missing.
    Tsconfig,
    /// Anything else oxc_resolver reported.
    Other,
}

impl UnresolvedReason {
    pub fn describe(self) -> &'static str {
        match self {
            UnresolvedReason::NotInstalled => "package not in the workspace and not installed",
            UnresolvedReason::MissingInWorkspacePackage => {
                "missing in a workspace package (generated code?)"
            }
            UnresolvedReason::FileNotFound => "relative path with no file",
            UnresolvedReason::NotExported => "not exported by the package's `exports`",
            UnresolvedReason::Tsconfig => "tsconfig problem",
            UnresolvedReason::Other => "other resolver error",
        }
    }
}

/// The outcome of one resolution.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Resolved {
    File(PathBuf),
    Builtin,
    Unresolved(UnresolvedReason, String),
}

/// Resolves `specifier` from `file`.
pub fn resolve(
    resolver: &WorkspaceResolver,
    packages: &WorkspacePackages,
    file: &Path,
    specifier: &str,
) -> Resolved {
    let result = match resolver.main.resolve_file(file, specifier) {
        Err(ResolveError::PackagePathNotExported { .. }) => {
            resolver.no_exports.resolve_file(file, specifier)
        }
        other => other,
    };
    match result {
        Ok(resolution) => Resolved::File(resolution.into_path_buf()),
        Err(ResolveError::Builtin { .. }) => Resolved::Builtin,
        Err(err) => {
            let reason = classify(&err, packages, specifier);
            Resolved::Unresolved(reason, err.to_string())
        }
    }
}

/// The answer oxc gives for a bare `specifier` it finds nowhere
/// (`ResolveError::NotFound`), classified as [`resolve`] does.
pub(crate) fn not_found(packages: &WorkspacePackages, specifier: &str) -> Resolved {
    let err = ResolveError::NotFound(specifier.to_string());
    Resolved::Unresolved(classify(&err, packages, specifier), err.to_string())
}

fn classify(err: &ResolveError, packages: &WorkspacePackages, specifier: &str) -> UnresolvedReason {
    match err {
        ResolveError::TsconfigNotFound(_)
        | ResolveError::TsconfigCircularExtend(_)
        | ResolveError::TsconfigSelfReference(_) => UnresolvedReason::Tsconfig,
        ResolveError::PackagePathNotExported { .. } => UnresolvedReason::NotExported,
        ResolveError::NotFound(_) | ResolveError::MatchedAliasNotFound(..) => {
            let relative = specifier.starts_with('.') || specifier.starts_with('/');
            if relative {
                return UnresolvedReason::FileNotFound;
            }
            let name = package_name(specifier);
            let workspace = packages.contains_key(name)
                || packages.keys().any(|p| {
                    specifier.starts_with(p.as_str())
                        || name.starts_with('@') && p.starts_with(name)
                });
            if workspace {
                UnresolvedReason::MissingInWorkspacePackage
            } else {
                UnresolvedReason::NotInstalled
            }
        }
        _ => UnresolvedReason::Other,
    }
}

/// `@scope/name/sub` → `@scope/name`; `name/sub` → `name`.
pub fn package_name(specifier: &str) -> &str {
    let mut idx = specifier.len();
    let mut slashes = 0;
    let needed = if specifier.starts_with('@') { 2 } else { 1 };
    for (i, c) in specifier.char_indices() {
        if c == '/' {
            slashes += 1;
            if slashes == needed {
                idx = i;
                break;
            }
        }
    }
    &specifier[..idx]
}

impl WorkspaceResolver {
    /// The file system the resolver sees (workspace packages linked under
    /// the root's `node_modules`).
    pub(crate) fn file_system(&self) -> &VirtualFs {
        &self.fs
    }

    /// The tsconfig that owns `file`, as `resolve_file` finds
    /// it, when it can change where a specifier leads: oxc_resolver reads
    /// only `paths`, `baseUrl` and `rootDirs` of it, so a tsconfig without
    /// them (after `extends`) answers like none. `Err` when it cannot be
    /// read.
    ///
    /// The flag says whether relative specifiers from `file` can take
    /// `crate::relative`'s way: this is the graph's own resolver and the
    /// tsconfig has no `rootDirs` (which oxc tries before the folder).
    pub(crate) fn tsconfig_of(
        &self,
        file: &Path,
    ) -> Result<(Option<std::sync::Arc<oxc_resolver::TsConfig>>, bool), ()> {
        match self.main.find_tsconfig(file) {
            Ok(None) => Ok((None, self.plain)),
            Ok(Some(t)) => {
                let options = &t.compiler_options;
                let relative = self.plain && options.root_dirs.is_none();
                let matters = options.paths.is_some()
                    || options.base_url.is_some()
                    || options.root_dirs.is_some();
                Ok((matters.then_some(t), relative))
            }
            Err(_) => Err(()),
        }
    }

    /// The workspace packages `crate::linked` may answer in: only for the
    /// graph's own resolver, whose options it mirrors.
    pub(crate) fn linked_packages(&self) -> Option<&crate::linked::Packages> {
        self.linked.as_deref()
    }

    /// The same resolver with one tsconfig for every importer, as `tsc -p
    /// <tsconfig>` resolves every file of its program (`fix-barrels` checks
    /// each program an importer belongs to).
    pub fn with_tsconfig(
        &self,
        root: &Path,
        packages: &WorkspacePackages,
        tsconfig: &Path,
    ) -> Self {
        let mut options = self.main.options().clone();
        options.tsconfig = Some(TsconfigDiscovery::Manual(oxc_resolver::TsconfigOptions {
            config_file: tsconfig.to_path_buf(),
            references: oxc_resolver::TsconfigReferences::Disabled,
        }));
        assemble(root, packages, options, false)
    }

    /// Where `specifier` leads from `file` honouring `exports` (a bundler),
    /// or ignoring it (TypeScript's `moduleResolution: node`).
    pub fn resolve_strict(&self, file: &Path, specifier: &str, exports: bool) -> Option<PathBuf> {
        let resolver = if exports {
            &self.main
        } else {
            &self.no_exports
        };
        resolver
            .resolve_file(file, specifier)
            .ok()
            .map(|r| r.into_path_buf())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two paths have the same `normal` bytes exactly when `Path` calls
    /// them equal.
    #[test]
    fn normal_bytes_are_path_equality() {
        let paths = [
            "/r/node_modules/@calcom/lib",
            "/r/node_modules//@calcom/lib",
            "/r/node_modules/./@calcom/lib",
            "/r/node_modules/@calcom/lib/",
            "/r/node_modules/@calcom/../@calcom/lib",
            "/r/node_modules/@calcom",
            "/r/node_modules",
            "/",
        ];
        for a in paths {
            for b in paths {
                let (pa, pb) = (Path::new(a), Path::new(b));
                assert_eq!(normal(pa) == normal(pb), pa == pb, "{a} vs {b}");
            }
        }
    }

    /// A path under a virtual link leads into the package's folder, the
    /// rest of the path kept; anything else leads nowhere.
    #[cfg(unix)]
    #[test]
    fn virtual_links_lead_into_their_packages() {
        let packages: WorkspacePackages = [
            ("@calcom/lib".to_string(), PathBuf::from("/r/packages/lib")),
            ("tool".to_string(), PathBuf::from("/r/packages/tool")),
        ]
        .into_iter()
        .collect();
        let fs = VirtualFs::new(Path::new("/r"), &packages);
        let cases = [
            (
                "/r/node_modules/@calcom/lib/a/b.ts",
                Some("/r/packages/lib/a/b.ts"),
            ),
            ("/r/node_modules/@calcom/lib", Some("/r/packages/lib/")),
            (
                "/r/node_modules//@calcom/./lib/x",
                Some("/r/packages/lib/x"),
            ),
            (
                "/r/node_modules/tool/index.js",
                Some("/r/packages/tool/index.js"),
            ),
            ("/r/node_modules/tool", Some("/r/packages/tool/")),
            ("/r/node_modules/@calcom", None),
            ("/r/node_modules/@calcom/other/x", None),
            ("/r/node_modules/react/index.js", None),
            ("/r/node_modules", None),
            ("/r/node_modulesx/tool/a", None),
            ("/r/src/a.ts", None),
        ];
        for (path, expected) in cases {
            // Compared as strings: `Path` equality would not see a
            // trailing separator.
            assert_eq!(
                fs.map(Path::new(path)).map(PathBuf::into_os_string),
                expected.map(std::ffi::OsString::from),
                "{path}"
            );
        }
        let meta = |p: &str| {
            fs.symlink_metadata(Path::new(p))
                .map(|m| (m.is_dir(), m.is_symlink()))
        };
        assert_eq!(meta("/r/node_modules/tool").ok(), Some((false, true)));
        assert_eq!(meta("/r/node_modules//tool").ok(), Some((false, true)));
        assert_eq!(meta("/r/node_modules/@calcom").ok(), Some((true, false)));
        assert_eq!(
            fs.read_link(Path::new("/r/node_modules/@calcom/lib")).ok(),
            Some(PathBuf::from("/r/packages/lib"))
        );
    }
}
