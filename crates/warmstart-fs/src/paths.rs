use std::path::{Component, Path, PathBuf};

/// `path` relative to `root`, with `/` separators, for output and cache keys.
/// Returns `None` when `path` is not below `root`.
pub fn to_unix_relative(root: &Path, path: &Path) -> Option<String> {
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
