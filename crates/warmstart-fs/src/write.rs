use std::fs;
use std::io::{self, Write};
use std::path::Path;

use crate::error::{FsError, Result};

/// Prefix of every temporary file warmstart creates next to a target. Tests
/// and `doctor` look for leftovers by this prefix.
pub const TEMP_PREFIX: &str = ".warmstart-tmp-";

/// What [`write_if_changed`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Created,
    Updated,
    Unchanged,
}

impl Written {
    pub fn changed(self) -> bool {
        self != Written::Unchanged
    }
}

/// Writes `contents` to `path` unless the file already holds exactly these
/// bytes. Unchanged files keep their mtime, which is what keeps a dev
/// server from recompiling.
pub fn write_if_changed(path: &Path, contents: &[u8]) -> Result<Written> {
    match fs::read(path) {
        Ok(existing) if existing == contents => Ok(Written::Unchanged),
        Ok(_) => {
            atomic_write(path, contents)?;
            Ok(Written::Updated)
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            atomic_write(path, contents)?;
            Ok(Written::Created)
        }
        Err(source) => Err(FsError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Writes `contents` to a temporary file beside `path`, syncs it and renames
/// it over `path`. A crash at any point leaves either the old file or the
/// new one, plus at worst a temporary file named with [`TEMP_PREFIX`].
pub fn atomic_write(path: &Path, contents: &[u8]) -> Result<()> {
    let parent = path.parent().ok_or_else(|| FsError::NoParent {
        path: path.to_path_buf(),
    })?;
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let wrap = |source: io::Error| FsError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(parent)
        .map_err(wrap)?;
    tmp.write_all(contents).map_err(wrap)?;
    tmp.as_file().sync_data().map_err(wrap)?;
    // Keep the permissions of the file we replace (a generated file may have
    // been made read-only on purpose); new files get the umask default.
    if let Ok(meta) = fs::metadata(path) {
        let _ = fs::set_permissions(tmp.path(), meta.permissions());
    } else {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o644));
        }
    }
    tmp.persist(path).map_err(|e| wrap(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    #[test]
    fn unchanged_file_keeps_mtime() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        write_if_changed(&path, b"hello").unwrap();
        let old = SystemTime::now() - Duration::from_secs(3600);
        let f = fs::File::options().write(true).open(&path).unwrap();
        f.set_modified(old).unwrap();
        drop(f);
        assert_eq!(
            write_if_changed(&path, b"hello").unwrap(),
            Written::Unchanged
        );
        assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), old);
        assert_eq!(write_if_changed(&path, b"bye").unwrap(), Written::Updated);
        assert_ne!(fs::metadata(&path).unwrap().modified().unwrap(), old);
        assert_eq!(fs::read(&path).unwrap(), b"bye");
    }

    #[test]
    fn leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.txt");
        atomic_write(&path, b"x").unwrap();
        atomic_write(&path, b"y").unwrap();
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec!["b.txt".to_string()]);
    }

    #[test]
    fn write_error_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-dir").join("c.txt");
        let err = atomic_write(&path, b"x").unwrap_err();
        assert!(err.to_string().contains("missing-dir"), "{err}");
    }
}
