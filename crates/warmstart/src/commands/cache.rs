//! `warmstart cache`: statistics and clearing of the on-disk cache, and
//! [`open`], the one way every other command gets its [`Cache`].

use clap::Subcommand;
use miette::IntoDiagnostic;
use serde::Serialize;
use warmstart_cache::{Cache, DiskBucket};

use crate::cli::{CmdResult, GlobalArgs, Status};
use crate::printer::{Paint, Printer};
use crate::settings::Workspace;

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Entries, bytes and hit rate of the last run, per bucket.
    #[command(after_help = "Examples:\n  warmstart cache stats\n  warmstart cache stats --json")]
    Stats,
    /// Remove the cache's files: every bucket, or one (`graph-parse` for all
    /// its versions, `graph-parse-v1` for one).
    #[command(
        after_help = "Examples:\n  warmstart cache clear\n  warmstart cache clear graph-parse"
    )]
    Clear {
        /// Bucket to remove (default: all).
        bucket: Option<String>,
    },
    /// Print the cache folder.
    Dir,
}

/// The cache of this repository, configured by `warmstart.json` and the
/// environment, printing lock waits and damaged-file warnings on stderr.
/// Every command that caches calls this once and shares the handle.
pub fn open(ws: &Workspace, printer: &Printer) -> Cache {
    let cache = ws.cache();
    let printer = printer.clone();
    cache.on_event(move |event| {
        let tag = printer.paint("warmstart:", Paint::Yellow);
        printer.status(format!("{tag} {event}"));
    });
    cache
}

/// The cache folder as printed: repo-relative when inside the repository.
fn shown_dir(ws: &Workspace, cache: &Cache) -> String {
    match cache.dir() {
        Some(dir) => warmstart_fs::to_unix_relative(&ws.root, dir)
            .unwrap_or_else(|| dir.display().to_string()),
        None => String::new(),
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct StatsReport {
    dir: String,
    enabled: bool,
    entries: u64,
    bytes: u64,
    buckets: Vec<DiskBucket>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ClearReport {
    dir: String,
    removed: Vec<String>,
    bytes: u64,
}

pub fn run(global: &GlobalArgs, printer: &Printer, cmd: CacheCommand) -> CmdResult {
    let ws = Workspace::load(global)?;
    let cache = open(&ws, printer);
    let dir = shown_dir(&ws, &cache);
    match cmd {
        CacheCommand::Dir => {
            if !cache.is_enabled() {
                miette::bail!("the cache is disabled (cache.enabled or WARMSTART_NO_CACHE)");
            }
            printer.json(&serde_json::json!({ "dir": dir }));
            printer.line(&dir);
        }
        CacheCommand::Stats => {
            let buckets = cache.disk_stats().into_diagnostic()?;
            let report = StatsReport {
                enabled: cache.is_enabled(),
                entries: buckets.iter().filter_map(|b| b.entries).sum(),
                bytes: buckets.iter().map(|b| b.bytes).sum(),
                dir,
                buckets,
            };
            printer.json(&report);
            print_stats(printer, &report);
        }
        CacheCommand::Clear { bucket } => {
            let cleared = cache.clear(bucket.as_deref()).map_err(|e| {
                miette::miette!(
                    help = "pass --root or check cache.dir in warmstart.json",
                    "{e}"
                )
            })?;
            printer.json(&ClearReport {
                dir: dir.clone(),
                removed: cleared.removed.clone(),
                bytes: cleared.bytes,
            });
            printer.line(format!(
                "removed {} file(s), {} from {dir}",
                cleared.removed.len(),
                human_bytes(cleared.bytes)
            ));
            for name in &cleared.removed {
                printer.verbose(format!("  {name}"));
            }
        }
    }
    Ok(Status::Ok)
}

fn print_stats(printer: &Printer, report: &StatsReport) {
    if !report.enabled {
        printer.line("the cache is disabled (cache.enabled or WARMSTART_NO_CACHE)");
        return;
    }
    printer.line(format!(
        "{}  {} bucket(s), {} entries, {}",
        report.dir,
        report.buckets.len(),
        report.entries,
        human_bytes(report.bytes)
    ));
    if report.buckets.is_empty() {
        printer.line("  (empty)");
        return;
    }
    printer.line(format!(
        "  {:<24} {:>8} {:>10}  last run",
        "bucket", "entries", "size"
    ));
    for b in &report.buckets {
        let entries = b.entries.map_or("?".to_string(), |n| n.to_string());
        let last = match &b.last_run {
            Some(run) => {
                let s = &run.stats;
                let rate = s
                    .hit_rate
                    .map_or("-".to_string(), |r| format!("{:.1}%", r * 100.0));
                let mut text = format!("{} hits, {} misses ({rate})", s.hits, s.misses);
                if let Some(why) = &s.dropped {
                    text.push_str(&format!("; dropped: {why}"));
                }
                text
            }
            None => "-".to_string(),
        };
        if b.folder {
            printer.line(format!(
                "  {:<24} {:>8} {:>10}  {}",
                format!("{}/", b.bucket),
                "-",
                human_bytes(b.bytes),
                printer.paint("(a command's own folder)", Paint::Dim)
            ));
            continue;
        }
        let stale = if b.current {
            String::new()
        } else {
            printer.paint(" (other version: ignored)", Paint::Dim)
        };
        printer.line(format!(
            "  {:<24} {:>8} {:>10}  {last}{stale}",
            b.bucket,
            entries,
            human_bytes(b.bytes)
        ));
    }
}

fn human_bytes(n: u64) -> String {
    const KB: f64 = 1024.0;
    let f = n as f64;
    if f < KB {
        format!("{n} B")
    } else if f < KB * KB {
        format!("{:.1} KiB", f / KB)
    } else {
        format!("{:.1} MiB", f / KB / KB)
    }
}

/// `warmstart demo`'s cache step: counts the lines of every source file of
/// the sample through a bucket three times — cold, warm, and after one file
/// changed — and reports the times and hit rates.
pub fn demo(dir: &std::path::Path) -> miette::Result<String> {
    use warmstart_cache::{BucketSpec, CacheConfig};
    let mut files = Vec::new();
    collect_sources(dir, dir, &mut files);
    files.sort();
    let pass = || -> miette::Result<(f64, warmstart_cache::BucketStats)> {
        let started = std::time::Instant::now();
        let cache = Cache::open(dir, &CacheConfig::default());
        let bucket = cache.bucket::<u32>(BucketSpec::new("demo-lines", 1));
        for key in &files {
            bucket
                .file_or_compute(key, |src| {
                    src.bytes().iter().filter(|&&b| b == b'\n').count() as u32
                })
                .into_diagnostic()?;
        }
        bucket.save().into_diagnostic()?;
        Ok((started.elapsed().as_secs_f64() * 1000.0, bucket.stats()))
    };
    let (cold, _) = pass()?;
    let (warm, warm_stats) = pass()?;
    if let Some(first) = files.first() {
        let path = dir.join(first);
        let mut text = std::fs::read_to_string(&path).into_diagnostic()?;
        text.push_str("// touched by the demo\n");
        std::fs::write(&path, text).into_diagnostic()?;
    }
    let (touched, touched_stats) = pass()?;
    let rate = |s: &warmstart_cache::BucketStats| s.hit_rate.unwrap_or(0.0) * 100.0;
    // A freshly generated sample is younger than the mtime granularity, so
    // the warm pass confirms entries by content hash instead of by mtime.
    Ok(format!(
        "{} files: cold {cold:.1} ms, warm {warm:.1} ms ({:.0}% hits, {} confirmed by hash), \
         one touched {touched:.1} ms ({} miss)",
        files.len(),
        rate(&warm_stats),
        warm_stats.rehashed,
        touched_stats.misses
    ))
}

fn collect_sources(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<String>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in read.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "node_modules" {
            continue;
        }
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            collect_sources(root, &path, out);
        } else if [".ts", ".tsx", ".js", ".jsx"]
            .iter()
            .any(|e| name.ends_with(e))
            && let Some(rel) = warmstart_fs::to_unix_relative(root, &path)
        {
            out.push(rel);
        }
    }
}
