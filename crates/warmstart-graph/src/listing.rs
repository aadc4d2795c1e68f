//! Folder listings that answer the resolver's "is this a file, a folder,
//! or nothing?" without a `statx` per candidate (issue 19).
//!
//! Resolving `./button` tries `button`, `button.ts`, `button.tsx`, … and
//! then `button/index.*`; on Cal.com without node_modules that was ~10 % of
//! a cold `graph cycles`, nearly all of it the kernel's path lookup for
//! names that do not exist. One `readdir` per folder answers all of them:
//! a name missing from its folder's listing does not exist; a regular file
//! or a folder is what the listing's file type says. Anything else — a
//! symlink (whose target decides), a folder that cannot be listed, a path
//! that is not plain (`.`, `..`, a trailing `/`) — is asked of the system
//! as before, so answers are the same, only cheaper.

use std::io;
#[cfg(target_os = "linux")]
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use dashmap::DashMap;
use rustc_hash::{FxBuildHasher, FxHashMap};

/// What a listing says of a name.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    File,
    Dir,
    /// A symlink or something stranger: ask the system.
    Other,
}

/// One folder's names and what they are.
pub(crate) type Listing = FxHashMap<Box<[u8]>, Kind>;

/// What `listing` says of `name`, one of its folder's entries.
pub(crate) fn known(listing: &Listing, name: &[u8]) -> Known {
    match listing.get(name) {
        None => Known::Missing,
        Some(Kind::Other) => Known::Unknown,
        Some(&kind) => Known::Is(kind),
    }
}

/// Listings by folder, read once each, shared by the resolver's threads.
#[derive(Debug, Default)]
pub(crate) struct Listings {
    /// The walk's listings, handed over once ([`Listings::seed`]) and only
    /// read after: looked up without a lock or a reference count, since
    /// on two cores the shared map's shard locks and the `Arc` counters
    /// are cache lines both threads write, and most of the resolver's
    /// questions are about folders the walk listed.
    seeded: OnceLock<FxHashMap<Box<[u8]>, Listing>>,
    /// Everything else, read on first use. `None`: the folder could not be
    /// listed (missing, not a folder, no permission): ask the system for
    /// its entries.
    folders: DashMap<Box<[u8]>, Option<Arc<Listing>>, FxBuildHasher>,
}

/// A folder's listing as [`Listings::children`] hands it out: borrowed
/// from the seeded ones, or shared.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub(crate) enum ListingRef<'a> {
    Seeded(&'a Listing),
    Read(Arc<Listing>),
}

impl std::ops::Deref for ListingRef<'_> {
    type Target = Listing;

    fn deref(&self) -> &Listing {
        match self {
            ListingRef::Seeded(listing) => listing,
            ListingRef::Read(listing) => listing,
        }
    }
}

/// The answer for one path.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub(crate) enum Known {
    Missing,
    Is(Kind),
    /// The listing cannot say: ask the system.
    Unknown,
}

impl Listings {
    /// Takes the listings the walk read (complete ones only), so the
    /// resolver does not read those folders again.
    pub(crate) fn seed(&self, listings: Vec<(std::path::PathBuf, Listing)>) {
        let keyed = listings.into_iter().map(|(folder, listing)| {
            (folder.into_os_string().into_encoded_bytes().into(), listing)
        });
        // The first seeding of a fresh map (a build's only one) becomes the
        // read-only part; any other joins the shared map, where what is
        // already there stays.
        let rest: FxHashMap<Box<[u8]>, Listing> = if self.folders.is_empty() {
            match self.seeded.set(keyed.collect()) {
                Ok(()) => return,
                Err(rest) => rest,
            }
        } else {
            keyed.collect()
        };
        for (folder, listing) in rest {
            self.folders
                .entry(folder)
                .or_insert_with(|| Some(Arc::new(listing)));
        }
    }

    /// What the listing of `path`'s folder says of `path`. Linux only:
    /// names match byte for byte here, which on the case-insensitive file
    /// systems macOS and Windows use by default would turn `./Button` →
    /// `button.tsx` into a miss the system would not report.
    pub(crate) fn lookup(&self, path: &Path) -> Known {
        #[cfg(target_os = "linux")]
        return self.lookup_unix(path);
        #[cfg(not(target_os = "linux"))]
        {
            let _ = path;
            Known::Unknown
        }
    }

    /// The listing of folder `path`, for looking up many names in it: for
    /// a plain segment `name`, what it says of `name` is what
    /// [`Listings::lookup`] says of `path/name`. `None` where `lookup`
    /// would say "unknown" of every name in it.
    pub(crate) fn children(&self, path: &Path) -> Option<ListingRef<'_>> {
        #[cfg(target_os = "linux")]
        {
            let bytes = path.as_os_str().as_bytes();
            if bytes != b"/" && !plain(bytes) {
                return None;
            }
            self.listing(bytes)
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = path;
            None
        }
    }

    #[cfg(target_os = "linux")]
    fn lookup_unix(&self, path: &Path) -> Known {
        let bytes = path.as_os_str().as_bytes();
        if !plain(bytes) {
            return Known::Unknown;
        }
        let Some(slash) = memchr::memrchr(b'/', bytes) else {
            return Known::Unknown;
        };
        let (folder, name) = (&bytes[..slash.max(1)], &bytes[slash + 1..]);
        let known = |listing: Option<&Listing>| listing.map_or(Known::Unknown, |l| known(l, name));
        if let Some(listing) = self.seeded(folder) {
            return known(Some(listing));
        }
        // Read under the map's guard: cloning the `Arc` out and dropping
        // it was two atomic writes per question, on counters both threads
        // share (~30,000 questions on Cal.com).
        if let Some(entry) = self.folders.get(folder) {
            return known(entry.value().as_deref());
        }
        known(self.read_listing(folder).as_deref())
    }
}

#[cfg(target_os = "linux")]
impl Listings {
    /// The walk's listing of `folder`, if it was seeded.
    fn seeded(&self, folder: &[u8]) -> Option<&Listing> {
        self.seeded.get()?.get(folder)
    }

    /// The listing of `folder` (plain, absolute): the walk's, or read on
    /// first use.
    fn listing(&self, folder: &[u8]) -> Option<ListingRef<'_>> {
        if let Some(listing) = self.seeded(folder) {
            return Some(ListingRef::Seeded(listing));
        }
        self.read_listing(folder).map(ListingRef::Read)
    }

    /// The listing of an unseeded `folder`, read on first use.
    fn read_listing(&self, folder: &[u8]) -> Option<Arc<Listing>> {
        if let Some(entry) = self.folders.get(folder) {
            return entry.value().clone();
        }
        let listing = if self.nothing_under(folder) {
            Some(Arc::new(FxHashMap::default()))
        } else {
            read(Path::new(std::ffi::OsStr::from_bytes(folder))).map(Arc::new)
        };
        self.folders.insert(folder.into(), listing.clone());
        listing
    }

    /// Whether the parent's listing says `folder` is missing or a file, so
    /// that nothing lies under it: the system would say so only after a
    /// failed `openat` (oxc asks for `x.ts/package.json`, and for
    /// `lib/index.ts` where there is no `lib`: ~2,400 failed calls on
    /// Cal.com). The root, and a parent that cannot be listed, vouch for
    /// nothing.
    fn nothing_under(&self, folder: &[u8]) -> bool {
        let Some(slash) = memchr::memrchr(b'/', folder).filter(|_| folder.len() > 1) else {
            return false;
        };
        let (parent, name) = (&folder[..slash.max(1)], &folder[slash + 1..]);
        self.listing(parent)
            .is_some_and(|listing| matches!(listing.get(name), None | Some(Kind::File)))
    }
}

/// An absolute path without `.`/`..` segments, doubled or trailing `/`:
/// on Unix, two such paths are the same `Path` exactly when their bytes
/// are equal (`crate::resolve` keys its virtual links so).
#[cfg(unix)]
pub(crate) fn plain(bytes: &[u8]) -> bool {
    if bytes.first() != Some(&b'/') || bytes.len() < 2 {
        return false;
    }
    // One pass over the slashes: each segment lies between two of them.
    let mut start = 1;
    for slash in memchr::memchr_iter(b'/', &bytes[1..]).map(|at| at + 1) {
        if matches!(&bytes[start..slash], b"" | b"." | b"..") {
            return false;
        }
        start = slash + 1;
    }
    !matches!(&bytes[start..], b"" | b"." | b"..")
}

#[cfg(target_os = "linux")]
fn read(folder: &Path) -> Option<Listing> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        // Nothing lies under a missing path or a file (oxc asks for
        // `x.ts/tsconfig.json` while walking up from a file).
        Err(err)
            if matches!(
                err.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            return Some(FxHashMap::default());
        }
        Err(_) => return None,
    };
    let mut listing = FxHashMap::default();
    for entry in entries {
        // A listing cut short would say "missing" of names that exist.
        let entry = entry.ok()?;
        // The type comes with the listing (d_type) on Linux file systems;
        // std falls back to lstat where it does not.
        let kind = match entry.file_type() {
            Ok(t) if t.is_file() => Kind::File,
            Ok(t) if t.is_dir() => Kind::Dir,
            _ => Kind::Other,
        };
        listing.insert(entry.file_name().as_bytes().into(), kind);
    }
    Some(listing)
}

/// The error the system gives for a missing path.
pub(crate) fn not_found() -> io::Error {
    io::Error::from(io::ErrorKind::NotFound)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    fn is(known: Known) -> &'static str {
        match known {
            Known::Missing => "missing",
            Known::Is(Kind::File) => "file",
            Known::Is(Kind::Dir) => "dir",
            Known::Is(Kind::Other) => "other",
            Known::Unknown => "unknown",
        }
    }

    #[test]
    fn plain_paths() {
        for p in ["/a", "/a/b.ts", "/a/.b/..c/...", "/a/b.c"] {
            assert!(plain(p.as_bytes()), "{p}");
        }
        for p in [
            "", "/", "a/b", "/a/", "/a//b", "/a/./b", "/a/../b", "/a/.", "/a/..", "//",
        ] {
            assert!(!plain(p.as_bytes()), "{p}");
        }
    }

    /// A folder's listing follows its parent's: what the parent's listing
    /// says is missing or a file has nothing under it (no `openat` asked),
    /// so the answers stay one snapshot even when the disk moves on; a
    /// symlinked folder is read through.
    #[test]
    fn a_folder_is_what_its_parent_listed() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir_all(root.join("src/real")).unwrap();
        std::fs::write(root.join("src/a.ts"), "").unwrap();
        std::fs::write(root.join("src/real/x.ts"), "").unwrap();
        std::os::unix::fs::symlink(root.join("src/real"), root.join("src/link")).unwrap();
        let listings = Listings::default();
        let at = |p: &str| is(listings.lookup(&root.join(p)));
        assert_eq!(at("src/a.ts"), "file");
        assert_eq!(at("src/link"), "unknown");
        // Made after `src` was listed: the listing of `src` decides.
        std::fs::create_dir_all(root.join("src/late")).unwrap();
        std::fs::write(root.join("src/late/y.ts"), "").unwrap();
        assert_eq!(at("src/late/y.ts"), "missing");
        assert_eq!(at("src/a.ts/index.ts"), "missing");
        assert_eq!(at("src/a.ts/package.json"), "missing");
        assert_eq!(at("src/gone/deeper/z.ts"), "missing");
        assert_eq!(at("src/link/x.ts"), "file");
        assert_eq!(at("src/real/x.ts"), "file");
        assert_eq!(at("src/real/nope.ts"), "missing");
    }

    /// A folder's listing, looked up by name, says what `lookup` says of
    /// the joined path; and nothing for a folder `lookup` cannot answer in.
    #[test]
    fn a_name_in_a_folder_is_what_lookup_says_of_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir_all(root.join("src/sub")).unwrap();
        std::fs::write(root.join("src/a.ts"), "").unwrap();
        std::os::unix::fs::symlink(root.join("src/a.ts"), root.join("src/link.ts")).unwrap();
        let listings = Listings::default();
        let src = root.join("src");
        let listing = listings.children(&src).expect("src is listed");
        for name in ["a.ts", "sub", "link.ts", "missing.ts", "..ts", ".a"] {
            let by_name = known(&listing, name.as_bytes());
            assert_eq!(is(by_name), is(listings.lookup(&src.join(name))), "{name}");
        }
        assert!(listings.children(&root.join("src/./sub")).is_none());
        assert!(listings.children(Path::new("relative/src")).is_none());
        assert!(
            listings
                .children(&root.join("src/a.ts"))
                .unwrap()
                .is_empty()
        );
    }

    /// Listings handed over by the walk answer every question as listings
    /// read on first use do, for seeded folders, folders under them that
    /// were not seeded, and paths the listings cannot vouch for.
    #[test]
    fn seeded_listings_answer_as_read_ones() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        for folder in ["src/sub", "lib", "unseeded/deep"] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
        }
        for file in ["src/a.ts", "src/sub/b.tsx", "lib/c.js", "unseeded/d.ts"] {
            std::fs::write(root.join(file), "").unwrap();
        }
        std::os::unix::fs::symlink(root.join("src/a.ts"), root.join("src/link.ts")).unwrap();
        let seeded = Listings::default();
        seeded.seed(
            ["", "src", "src/sub", "lib"]
                .iter()
                .map(|folder| {
                    let path = root.join(folder);
                    let listing = read(&path).unwrap();
                    (path, listing)
                })
                .collect(),
        );
        assert!(seeded.seeded.get().is_some_and(|s| s.len() == 4));
        let read_on_use = Listings::default();
        let names = [
            "src",
            "src/a.ts",
            "src/link.ts",
            "src/sub",
            "src/sub/b.tsx",
            "src/missing.ts",
            "src/a.ts/index.ts",
            "lib/c.js",
            "lib/nothing/x.ts",
            "unseeded",
            "unseeded/d.ts",
            "unseeded/deep",
            "unseeded/deep/e.ts",
            "missing/x.ts",
            "src/./a.ts",
        ];
        for name in names {
            let path = root.join(name);
            assert_eq!(
                is(seeded.lookup(&path)),
                is(read_on_use.lookup(&path)),
                "{name}"
            );
            let (a, b) = (seeded.children(&path), read_on_use.children(&path));
            assert_eq!(a.as_deref(), b.as_deref(), "{name}");
        }
    }
}
