use std::path::{Component, Path, PathBuf};

/// `path` relative to `root`, with `/` separators, for output and cache keys.
/// Returns `None` when `path` is not below `root`.
pub fn to_unix_relative(root: &Path, path: &Path) -> Option<String> {
    #[cfg(unix)]
    if let Some(rel) = plain_relative(root, path) {
        return Some(rel.to_owned());
    }
    let rel = path.strip_prefix(root).ok()?;
    let mut out = String::new();
    for comp in rel.components() {
        match comp {
            Component::Normal(part) => {
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(&part.to_string_lossy());
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

/// The common case of [`to_unix_relative`] on bytes: `path` is `root`
/// plus plain UTF-8 segments (none empty, `.` or `..`), so the answer is
/// the rest as it stands. Splitting both into components was a visible
/// share of a cold graph build, which asks this of every module and
/// cache key; anything else takes the component walk.
#[cfg(unix)]
fn plain_relative<'a>(root: &Path, path: &'a Path) -> Option<&'a str> {
    use std::os::unix::ffi::OsStrExt;
    let root = root.as_os_str().as_bytes();
    let rest = path.as_os_str().as_bytes().strip_prefix(root)?;
    let rest = if root.ends_with(b"/") || rest.is_empty() {
        rest
    } else {
        rest.strip_prefix(b"/")?
    };
    if !rest.is_empty()
        && rest
            .split(|&b| b == b'/')
            .any(|s| matches!(s, b"" | b"." | b".."))
    {
        return None;
    }
    std::str::from_utf8(rest).ok()
}

/// Resolves `.` and `..` without touching the file system. A `..` that would
/// climb above the start of a relative path is kept, so callers can refuse it.
pub fn normalize_lexically(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for comp in path.components() {
        match comp {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir) | Some(Component::Prefix(_)) => {}
                _ => out.push(comp),
            },
            other => out.push(other),
        }
    }
    out.iter().collect()
}

/// True when `path`, once `.` and `..` are resolved lexically, stays inside
/// `root`. Links are not followed: callers that care canonicalize first.
pub fn within_root(root: &Path, path: &Path) -> bool {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    };
    normalize_lexically(&joined).starts_with(normalize_lexically(root))
}

/// A single path segment that is safe to join onto a folder: not empty, not
/// `.` or `..`, no separator, no NUL.
pub fn is_safe_segment(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && !Path::new(name).is_absolute()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_unix_style() {
        let root = Path::new("/repo");
        assert_eq!(
            to_unix_relative(root, Path::new("/repo/a/b.ts")).as_deref(),
            Some("a/b.ts")
        );
        assert_eq!(to_unix_relative(root, Path::new("/other/b.ts")), None);
    }

    /// The byte fast path answers as the component walk does, on plain
    /// paths and on every shape it hands back to the walk.
    #[test]
    fn the_fast_path_agrees_with_components() {
        fn by_components(root: &Path, path: &Path) -> Option<String> {
            let rel = path.strip_prefix(root).ok()?;
            let mut parts = Vec::new();
            for comp in rel.components() {
                match comp {
                    Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
                    Component::CurDir => {}
                    _ => return None,
                }
            }
            Some(parts.join("/"))
        }
        let roots = ["/repo", "/repo/", "/", "/re po", "/repo/./x"];
        let rests = [
            "",
            "/",
            "/a",
            "/a/b.ts",
            "a",
            "/a//b",
            "/a/./b",
            "/a/../b",
            "/./a",
            "/a/",
            "/a/.",
            "/a/..",
            "/.hidden/x",
            "/a/...",
            "x/y",
            "/ü/ß.ts",
            "/a b/c",
        ];
        for root in roots {
            for rest in rests {
                let path = format!("{root}{rest}");
                let (root, path) = (Path::new(root), Path::new(&path));
                assert_eq!(
                    to_unix_relative(root, path),
                    by_components(root, path),
                    "{root:?} {path:?}"
                );
            }
        }
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let odd = Path::new(std::ffi::OsStr::from_bytes(b"/repo/a\xff.ts"));
            assert_eq!(
                to_unix_relative(Path::new("/repo"), odd),
                by_components(Path::new("/repo"), odd)
            );
        }
    }

    #[test]
    fn within_root_refuses_escapes() {
        let root = Path::new("/repo");
        assert!(within_root(root, Path::new("a/../b")));
        assert!(!within_root(root, Path::new("a/../../b")));
        assert!(!within_root(root, Path::new("/etc/passwd")));
        assert!(within_root(root, Path::new("/repo/x")));
    }

    #[test]
    fn safe_segments() {
        assert!(is_safe_segment("zoomvideo"));
        assert!(is_safe_segment("my app"));
        for bad in ["", ".", "..", "a/b", "a\\b", "a\0"] {
            assert!(!is_safe_segment(bad), "{bad:?}");
        }
    }
}
