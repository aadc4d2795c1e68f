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
    // The writer's pid is in the name, so a later write can tell the
    // leftover of a killed process from another process's write in flight.
    sweep_stale_temps(parent);
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
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

/// Removes the temporary files in `dir` left by writers that no longer run
/// (a `kill -9` between create and rename). Files of live processes, and
/// names without a pid, are left alone. Returns how many were removed.
pub fn sweep_stale_temps(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(TEMP_PREFIX)) else {
            continue;
        };
        let Some(pid) = rest
            .split_once('-')
            .and_then(|(p, _)| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) && fs::remove_file(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// Where liveness cannot be told, a process counts as alive (never delete
/// a file another writer may still rename).
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
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
    #[cfg(target_os = "linux")]
    fn sweeps_temp_files_of_dead_writers_only() {
        let dir = tempfile::tempdir().unwrap();
        // pid 0x7fff_fff0 does not exist; our own pid is alive.
        let dead = dir
            .path()
            .join(format!("{TEMP_PREFIX}{}-abc", 0x7fff_fff0u32));
        let live = dir
            .path()
            .join(format!("{TEMP_PREFIX}{}-abc", std::process::id()));
        let old_style = dir.path().join(format!("{TEMP_PREFIX}xYz123"));
        for p in [&dead, &live, &old_style] {
            fs::write(p, b"half").unwrap();
        }
        atomic_write(&dir.path().join("c.txt"), b"x").unwrap();
        assert!(!dead.exists());
        assert!(live.exists());
        assert!(old_style.exists());
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
