//! Change detection for whole results: "did anything this answer depends
//! on change since it was computed?" — the one implementation every crate
//! uses (the graph's result cache, `apps build`'s no-change stamp, the
//! assets walk).
//!
//! An input is a path (file or folder; a folder's mtime changes when an
//! entry is added, removed or renamed) or an environment variable. A path
//! is described by a [`Stamp`]: what one `stat` says of it. A recorded set
//! of inputs ([`Inputs`]) holds when every stamp is *unchanged and
//! settled*: taken long enough after the path's last change (more than the
//! file system's mtime granularity) that a second change in the same clock
//! tick would have shown, by a clock that has not gone back since — the
//! "racy git" rule the per-file buckets follow too ([`crate::FileStamp`]).
//!
//! [`crate::ResultFiles`] (`result.rs`) stores one answer with the inputs
//! recorded here.

use std::path::Path;
use std::time::{Duration, SystemTime};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::stamp::{hash_bytes, unix_ns};

/// Nanoseconds since the Unix epoch of `t` (negative before it).
pub fn time_ns(t: SystemTime) -> i64 {
    unix_ns(t)
}

fn granularity_ns(granularity: Duration) -> i64 {
    i64::try_from(granularity.as_nanos()).unwrap_or(i64::MAX)
}

/// What one `stat` says of an input; `exists: false` for a path that was
/// absent when recorded (a lockfile that may appear later).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub exists: bool,
    /// 0 for folders (their size says nothing portable).
    pub size: u64,
    pub mtime_ns: i64,
    /// Status-change time (Unix; the mtime elsewhere).
    pub ctime_ns: i64,
    /// Inode number (Unix); 0 elsewhere.
    pub ino: u64,
}

impl Stamp {
    /// The stamp of a path that does not exist.
    pub const ABSENT: Stamp = Stamp {
        exists: false,
        size: 0,
        mtime_ns: 0,
        ctime_ns: 0,
        ino: 0,
    };

    /// The stamp of `path` itself (a symlink is not followed).
    pub fn of(path: &Path) -> Stamp {
        std::fs::symlink_metadata(path).map_or(Stamp::ABSENT, |m| Stamp::from_metadata(&m))
    }

    /// The stamp of what `path` points to (symlinks followed).
    pub fn of_target(path: &Path) -> Stamp {
        std::fs::metadata(path).map_or(Stamp::ABSENT, |m| Stamp::from_metadata(&m))
    }

    pub fn from_metadata(meta: &std::fs::Metadata) -> Stamp {
        let mtime_ns = meta.modified().map(unix_ns).unwrap_or(0);
        #[cfg(unix)]
        let (ctime_ns, ino) = {
            use std::os::unix::fs::MetadataExt;
            (meta.ctime() * 1_000_000_000 + meta.ctime_nsec(), meta.ino())
        };
        #[cfg(not(unix))]
        let (ctime_ns, ino) = (mtime_ns, 0);
        Stamp {
            exists: true,
            size: if meta.is_dir() { 0 } else { meta.len() },
            mtime_ns,
            ctime_ns,
            ino,
        }
    }

    /// The stamp of a `stat` made elsewhere (a walk's open folder handle).
    #[cfg(unix)]
    pub fn from_stat(st: &rustix::fs::Stat) -> Stamp {
        #[allow(clippy::unnecessary_cast)]
        let (mtime_ns, ctime_ns) = (
            st.st_mtime as i64 * 1_000_000_000 + st.st_mtime_nsec as i64,
            st.st_ctime as i64 * 1_000_000_000 + st.st_ctime_nsec as i64,
        );
        let is_dir =
            rustix::fs::FileType::from_raw_mode(st.st_mode) == rustix::fs::FileType::Directory;
        Stamp {
            exists: true,
            #[allow(clippy::unnecessary_cast)]
            size: if is_dir { 0 } else { st.st_size as u64 },
            mtime_ns,
            ctime_ns,
            #[allow(clippy::unnecessary_cast)]
            ino: st.st_ino as u64,
        }
    }

    /// Was this stamp taken (at `recorded_ns`) long enough after the path's
    /// last change that a second change within the same mtime tick would
    /// have shown? An absent path is always settled.
    pub fn settled(&self, recorded_ns: i64, granularity: Duration) -> bool {
        let g = granularity_ns(granularity);
        !self.exists
            || (self.mtime_ns.saturating_add(g) < recorded_ns
                && self.ctime_ns.saturating_add(g) < recorded_ns)
    }
}

/// How [`Inputs`] stats its paths.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Follow {
    /// The path itself (a symlink's own stamp).
    #[default]
    Path,
    /// What a symlink points to.
    Target,
}

/// The answer of [`Inputs::check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Every input is as recorded, and was settled when recorded.
    Unchanged,
    /// A path's stamp differs.
    Changed,
    /// An environment variable's value differs.
    EnvChanged,
    /// A path changed too close to the recording to vouch for it.
    Unsettled,
    /// The clock is now before the recording.
    ClockWentBack,
}

/// A recorded set of inputs: paths with their stamps (repo-relative or
/// absolute; relative ones are looked up under the root given to
/// [`Inputs::check`]) and environment variables (hashed, never stored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inputs {
    pub recorded_ns: i64,
    #[serde(default)]
    pub follow: Follow,
    pub paths: Vec<(String, Stamp)>,
    // Always written: a binary index (postcard) has no field names, so a
    // skipped field would shift every field after it.
    #[serde(default)]
    pub env: Vec<(String, Option<String>)>,
}

fn env_hash(value: Option<&str>) -> Option<String> {
    value.map(|v| format!("{:032x}", hash_bytes(v.as_bytes())))
}

impl Inputs {
    /// Stamps every path (in parallel) as of `recorded`: pass the moment
    /// the work *started*, so anything changed while it ran is unsettled.
    /// `root` resolves relative keys.
    pub fn record(root: &Path, keys: Vec<String>, follow: Follow, recorded: SystemTime) -> Inputs {
        Inputs::record_with(root, keys, follow, recorded, |_| None)
    }

    /// [`Inputs::record`] taking the stamps `known` already has (each taken
    /// after `recorded` with the same `follow`, by whoever read the path)
    /// instead of stat'ing those paths again. `known` gets the path the
    /// key names under `root`.
    pub fn record_with(
        root: &Path,
        keys: Vec<String>,
        follow: Follow,
        recorded: SystemTime,
        known: impl Fn(&Path) -> Option<Stamp> + Sync,
    ) -> Inputs {
        let stamp = |key: String| {
            let path = root.join(&key);
            let stamp = known(&path).unwrap_or_else(|| stat(&path, follow));
            (key, stamp)
        };
        // Fewer stats than it takes to wake the thread pool: in order.
        let paths = if keys.len() < 1024 {
            keys.into_iter().map(stamp).collect()
        } else {
            keys.into_par_iter().map(stamp).collect()
        };
        Inputs {
            recorded_ns: unix_ns(recorded),
            follow,
            paths,
            env: Vec::new(),
        }
    }

    /// Adds an environment variable with the value the work read.
    pub fn add_env(&mut self, name: &str, value: Option<&str>) {
        self.env.push((name.to_string(), env_hash(value)));
    }

    /// Were all stamps settled when recorded? (A caller that cannot store
    /// an unsettled record — it has no second chance — asks before saving.)
    pub fn settled(&self, granularity: Duration) -> bool {
        self.paths
            .iter()
            .all(|(_, s)| s.settled(self.recorded_ns, granularity))
    }

    /// Does the record still hold: nothing changed, everything settled,
    /// the clock not gone back? `env` reads a variable's current value.
    pub fn check(
        &self,
        root: &Path,
        granularity: Duration,
        env: &(dyn Fn(&str) -> Option<String> + Sync),
    ) -> Change {
        if unix_ns(SystemTime::now()) < self.recorded_ns {
            return Change::ClockWentBack;
        }
        for (name, hash) in &self.env {
            if env_hash(env(name).as_deref()) != *hash {
                return Change::EnvChanged;
            }
        }
        if !self.settled(granularity) {
            return Change::Unsettled;
        }
        if unchanged(root, &self.paths, self.follow) {
            Change::Unchanged
        } else {
            Change::Changed
        }
    }
}

fn stat(path: &Path, follow: Follow) -> Stamp {
    match follow {
        Follow::Path => Stamp::of(path),
        Follow::Target => Stamp::of_target(path),
    }
}

/// Is every path's stamp what it was? On Unix, relative paths are looked
/// up from an open handle on their common folder: most of a `stat`'s cost
/// is the path walk, and this is a no-change run's hottest loop.
pub fn unchanged(root: &Path, paths: &[(String, Stamp)], follow: Follow) -> bool {
    #[cfg(unix)]
    if paths.len() > 8 && paths.iter().all(|(k, _)| !Path::new(k).is_absolute()) {
        return unchanged_at(root, paths, follow);
    }
    if paths.len() < 1024 {
        // Fewer stats than it takes to wake the thread pool.
        return paths
            .iter()
            .all(|(key, stamp)| stat(&root.join(key), follow) == *stamp);
    }
    paths
        .par_iter()
        .all(|(key, stamp)| stat(&root.join(key), follow) == *stamp)
}

#[cfg(unix)]
fn unchanged_at(root: &Path, paths: &[(String, Stamp)], follow: Follow) -> bool {
    use rustix::fs::{AtFlags, Mode, OFlags};
    let common = common_dir(paths.iter().map(|(k, _)| k.as_str()));
    let Ok(fd) = rustix::fs::open(
        root.join(common),
        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    ) else {
        return paths
            .par_iter()
            .all(|(key, stamp)| stat(&root.join(key), follow) == *stamp);
    };
    let flags = match follow {
        Follow::Path => AtFlags::SYMLINK_NOFOLLOW,
        Follow::Target => AtFlags::empty(),
    };
    let same = |(key, stamp): &(String, Stamp)| {
        let rel = key[common.len()..].trim_start_matches('/');
        let rel = if rel.is_empty() { "." } else { rel };
        let now =
            rustix::fs::statat(&fd, rel, flags).map_or(Stamp::ABSENT, |st| Stamp::from_stat(&st));
        now == *stamp
    };
    if paths.len() < 1024 {
        return paths.iter().all(same);
    }
    paths.par_iter().all(same)
}

/// The longest `/`-separated folder prefix shared by every path (used by
/// the Unix lookup from an open folder handle, and by the tests).
#[cfg_attr(not(unix), allow(dead_code))]
pub(crate) fn common_dir<'a>(mut paths: impl Iterator<Item = &'a str>) -> &'a str {
    let Some(first) = paths.next() else {
        return "";
    };
    let mut len = first.len();
    for p in paths {
        len = len.min(p.len());
        while !(p.as_bytes()[..len] == first.as_bytes()[..len]
            && (p.len() == len || p.as_bytes()[len] == b'/')
            && (first.len() == len || first.as_bytes()[len] == b'/'))
        {
            match first[..len].rfind('/') {
                Some(i) => len = i,
                None => return "",
            }
        }
    }
    &first[..len]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_folder() {
        let c = |p: &[&'static str]| common_dir(p.iter().copied());
        assert_eq!(c(&["a/b", "a/b/c", "a/b/d/e"]), "a/b");
        assert_eq!(c(&["a/bc", "a/b"]), "a");
        assert_eq!(c(&["x/y", "z"]), "");
        assert_eq!(c(&["a/b"]), "a/b");
    }

    #[test]
    fn settled_needs_the_granularity_to_pass() {
        let s = Stamp {
            exists: true,
            size: 1,
            mtime_ns: 100,
            ctime_ns: 100,
            ino: 1,
        };
        assert!(s.settled(200, Duration::from_nanos(50)));
        assert!(!s.settled(120, Duration::from_nanos(50)));
        assert!(!s.settled(100, Duration::ZERO));
        assert!(Stamp::ABSENT.settled(0, Duration::from_secs(9)));
    }

    #[test]
    fn a_record_notices_changes_env_and_clock() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a"), "1").unwrap();
        let past = SystemTime::now() + Duration::from_millis(50);
        let keys = vec!["a".to_string(), "missing".to_string()];
        let mut inputs = Inputs::record(root, keys, Follow::Path, past);
        inputs.add_env("X", Some("1"));
        std::thread::sleep(Duration::from_millis(60));
        let env1 = |_: &str| Some("1".to_string());
        let env2 = |_: &str| None;
        assert_eq!(inputs.check(root, Duration::ZERO, &env1), Change::Unchanged);
        assert_eq!(
            inputs.check(root, Duration::ZERO, &env2),
            Change::EnvChanged
        );
        assert_eq!(
            inputs.check(root, Duration::from_secs(5), &env1),
            Change::Unsettled
        );
        std::fs::write(root.join("missing"), "").unwrap();
        assert_eq!(inputs.check(root, Duration::ZERO, &env1), Change::Changed);
        inputs.recorded_ns = i64::MAX;
        assert_eq!(
            inputs.check(root, Duration::ZERO, &env1),
            Change::ClockWentBack
        );
    }
}
