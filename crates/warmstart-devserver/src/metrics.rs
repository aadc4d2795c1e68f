//! One line of measurements per run, appended to a JSON-lines history in
//! the cache folder, and the budgets they are checked against.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::Budgets;
use crate::error::DevError;

/// Where the history lives, under the repository root (the cache crate's
/// folder convention).
pub const HISTORY_FILE: &str = "node_modules/.cache/warmstart/dev-history.jsonl";

/// A named slice of a run's time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Phase {
    pub name: String,
    pub ms: f64,
}

/// The measurements of one run (milliseconds, bytes, ratio).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RunRecord {
    /// UTC, RFC 3339.
    pub timestamp: String,
    /// `dev` or `bench`.
    pub kind: String,
    /// The command that was measured.
    pub command: String,
    pub version: String,
    pub git_revision: Option<String>,
    /// Start of `warmstart` (prepare included) to the server being ready.
    pub startup_time: f64,
    pub asset_load_time: Option<f64>,
    pub app_load_time: Option<f64>,
    /// Lookups in warmstart's cache during the prepare phase (today: the
    /// `apps build` no-change stamp), and how many of them hit. Links that
    /// `assets setup` found already right are not cache lookups.
    pub cache_lookups: Option<u64>,
    pub cache_hits: Option<u64>,
    /// `cacheHits / cacheLookups`.
    pub cache_hit_rate: Option<f64>,
    /// Peak RSS of the server's process tree.
    pub memory_usage: Option<u64>,
    /// RSS of the tree at the end of the measurement.
    pub memory_current: Option<u64>,
    pub first_page_load: Option<f64>,
    /// Modules Next.js compiled for the first page (`Compiled … (N modules)`).
    pub first_page_modules: Option<u64>,
    pub hot_reload: Option<f64>,
    pub phases: Vec<Phase>,
    /// What Next.js compiled before it said Ready (`compile instrumentation
    /// (nodejs)`, `compile middleware`), from its own lines: part of the
    /// "server ready" phase, not added to it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before_ready: Vec<Phase>,
    /// Optimizations that were on.
    pub optimizations: Vec<String>,
}

/// The metrics that budgets and reports know, in display order:
/// (JSON name, label, unit).
pub const METRICS: [(&str, &str, Unit); 7] = [
    ("startupTime", "startup", Unit::Ms),
    ("firstPageLoad", "first page", Unit::Ms),
    ("hotReload", "hot reload", Unit::Ms),
    ("assetLoadTime", "assets", Unit::Ms),
    ("appLoadTime", "apps", Unit::Ms),
    ("cacheHitRate", "cache lookups hit", Unit::Ratio),
    ("memoryUsage", "peak memory", Unit::Bytes),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Ms,
    Bytes,
    Ratio,
}

impl Unit {
    /// `1.82 s`, `950 ms`, `912 MB`, `97%`.
    pub fn format(self, v: f64) -> String {
        match self {
            Unit::Ms if v >= 1000.0 => format!("{:.2} s", v / 1000.0),
            Unit::Ms if v >= 10.0 => format!("{v:.0} ms"),
            Unit::Ms => format!("{v:.1} ms"),
            Unit::Bytes => format!("{:.0} MB", v / (1024.0 * 1024.0)),
            Unit::Ratio => format!("{:.0}%", v * 100.0),
        }
    }
}

impl RunRecord {
    /// The value of a metric by its JSON name.
    pub fn metric(&self, name: &str) -> Option<f64> {
        match name {
            "startupTime" => Some(self.startup_time),
            "firstPageLoad" => self.first_page_load,
            "hotReload" => self.hot_reload,
            "assetLoadTime" => self.asset_load_time,
            "appLoadTime" => self.app_load_time,
            "cacheHitRate" => self.cache_hit_rate,
            "memoryUsage" => self.memory_usage.map(|b| b as f64),
            "memoryCurrent" => self.memory_current.map(|b| b as f64),
            "firstPageModules" => self.first_page_modules.map(|n| n as f64),
            _ => None,
        }
    }
}

/// Appends `record` to the history at `path` (folders created), keeping at
/// most `limit` lines.
pub fn append(path: &Path, record: &RunRecord, limit: usize) -> Result<(), DevError> {
    let io = |source| DevError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        // The history shares the cache folder: made the cache's way (its
        // tag and `.gitignore`), and never written into a folder that is
        // not a cache's.
        warmstart_cache::prepare_dir(dir)?;
    }
    let line = serde_json::to_string(record).expect("record serializes");
    let existing = std::fs::read_to_string(path).unwrap_or_default();
    let count = existing.lines().count();
    if limit > 0 && count >= limit {
        // Rare: rewrite the tail atomically instead of growing forever.
        let keep: Vec<&str> = existing.lines().skip(count + 1 - limit).collect();
        let mut text = keep.join("\n");
        text.push('\n');
        text.push_str(&line);
        text.push('\n');
        warmstart_fs::atomic_write(path, text.as_bytes())?;
        return Ok(());
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(io)?;
    writeln!(f, "{line}").map_err(io)
}

/// Reads the history; lines that do not parse are skipped (a newer or
/// older warmstart may have written them) and counted.
pub fn read(path: &Path) -> Result<(Vec<RunRecord>, usize), DevError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
        Err(source) => {
            return Err(DevError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let mut bad = 0;
    let records = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| serde_json::from_str(l).map_err(|_| bad += 1).ok())
        .collect();
    Ok((records, bad))
}

/// The history file of the repository at `root`.
pub fn history_path(root: &Path) -> PathBuf {
    root.join(HISTORY_FILE)
}

/// `git rev-parse --short HEAD` in `dir`, when it is a git checkout.
pub fn git_revision(dir: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(dir)
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let rev = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !rev.is_empty()).then_some(rev)
}

/// Now, UTC, as `2026-11-23T22:06:15Z`.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(secs)
}

/// Seconds since 1970 as RFC 3339 UTC (Howard Hinnant's civil_from_days).
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A metric over its budget.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OverBudget {
    pub metric: String,
    pub value_ms: f64,
    pub budget_ms: u64,
}

/// The metrics of `r` that are over `budgets` (missing metrics are not
/// checked).
pub fn check_budgets(r: &RunRecord, budgets: &Budgets) -> Vec<OverBudget> {
    [
        ("startupTime", Some(r.startup_time), budgets.startup_ms),
        ("firstPageLoad", r.first_page_load, budgets.first_page_ms),
        ("hotReload", r.hot_reload, budgets.hot_reload_ms),
    ]
    .into_iter()
    .filter_map(|(name, v, budget)| {
        let v = v?;
        (v > budget as f64).then(|| OverBudget {
            metric: name.to_string(),
            value_ms: v,
            budget_ms: budget,
        })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_471_575), "2026-11-23T22:06:15Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn history_round_trip_and_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = history_path(dir.path());
        for i in 0..5 {
            let r = RunRecord {
                startup_time: i as f64,
                ..RunRecord::default()
            };
            append(&path, &r, 3).unwrap();
        }
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .and_then(|mut f| writeln!(f, "not json"))
            .unwrap();
        let (runs, bad) = read(&path).unwrap();
        assert_eq!(bad, 1);
        let times: Vec<f64> = runs.iter().map(|r| r.startup_time).collect();
        assert_eq!(times, [2.0, 3.0, 4.0]);
    }

    #[test]
    fn history_is_never_written_into_a_folder_that_is_not_a_caches() {
        let dir = tempfile::tempdir().unwrap();
        let path = history_path(dir.path());
        let folder = path.parent().unwrap();
        std::fs::create_dir_all(folder).unwrap();
        std::fs::write(folder.join("notes.txt"), "mine").unwrap();
        let err = append(&path, &RunRecord::default(), 3).unwrap_err();
        assert!(
            matches!(
                err,
                DevError::Cache(warmstart_cache::CacheError::NotACacheDir { .. })
            ),
            "{err:?}"
        );
        // The cache's own message, naming the folder once (it was wrapped
        // in a second "cannot use <folder>: " before).
        let message = err.to_string();
        let shown = folder.display().to_string();
        assert_eq!(message.matches(&shown).count(), 1, "{message}");
        assert!(
            message.contains("not a warmstart cache folder"),
            "{message}"
        );
        assert!(!path.exists());
        assert_eq!(
            std::fs::read_to_string(folder.join("notes.txt")).unwrap(),
            "mine"
        );
        assert!(!folder.join("CACHEDIR.TAG").exists());
    }

    #[test]
    fn budgets() {
        let r = RunRecord {
            startup_time: 3500.0,
            first_page_load: Some(200.0),
            ..RunRecord::default()
        };
        let over = check_budgets(&r, &Budgets::default());
        assert_eq!(over.len(), 1);
        assert_eq!(over[0].metric, "startupTime");
    }
}
