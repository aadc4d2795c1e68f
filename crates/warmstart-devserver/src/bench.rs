//! `warmstart bench`: start a command N times until ready (and its first
//! page), optionally interleaved with another command, and summarize each
//! metric as min / median / max, with run-by-run A/B ratios.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::config::Optimizations;
use crate::error::DevError;
use crate::metrics::{METRICS, RunRecord};
use crate::prepare::{self, Step};
use crate::session::{self, Launch};
use crate::signals::Forwarder;

/// Metrics summarized besides [`METRICS`].
const EXTRA: [&str; 2] = ["firstPageModules", "memoryCurrent"];

/// min / median / max of each metric that was measured.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub command: String,
    pub runs: usize,
    pub min: BTreeMap<String, f64>,
    pub median: BTreeMap<String, f64>,
    pub max: BTreeMap<String, f64>,
    pub records: Vec<RunRecord>,
}

/// `other / this` per run and its median, per metric (above 1: this is
/// faster or smaller).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ratio {
    pub median: f64,
    pub per_run: Vec<f64>,
}

/// The whole result of a bench.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BenchResult {
    #[serde(flatten)]
    pub main: Summary,
    pub warmup: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vs: Option<Summary>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub ratio: BTreeMap<String, Ratio>,
}

/// The median of `values` (mean of the middle two for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

fn metric_names() -> impl Iterator<Item = &'static str> {
    METRICS.iter().map(|m| m.0).chain(EXTRA)
}

/// Summarizes the runs of one command.
pub fn summarize(command: &str, records: Vec<RunRecord>) -> Summary {
    let mut s = Summary {
        command: command.to_string(),
        runs: records.len(),
        ..Summary::default()
    };
    for name in metric_names() {
        let values: Vec<f64> = records.iter().filter_map(|r| r.metric(name)).collect();
        if let Some(m) = median(&values) {
            s.median.insert(name.to_string(), m);
            let min = values.iter().copied().fold(f64::INFINITY, f64::min);
            let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            s.min.insert(name.to_string(), min);
            s.max.insert(name.to_string(), max);
        }
    }
    s.records = records;
    s
}

/// Run-by-run ratios `other / this`.
pub fn ratios(this: &[RunRecord], other: &[RunRecord]) -> BTreeMap<String, Ratio> {
    let mut out = BTreeMap::new();
    for name in metric_names() {
        let per_run: Vec<f64> = this
            .iter()
            .zip(other)
            .filter_map(|(a, b)| {
                let (a, b) = (a.metric(name)?, b.metric(name)?);
                (a > 0.0).then(|| b / a)
            })
            .collect();
        if let Some(m) = median(&per_run) {
            out.insert(name.to_string(), Ratio { median: m, per_run });
        }
    }
    out
}

/// What one bench does.
pub struct Plan<'a> {
    pub main: Launch,
    /// `--vs`: started without the prepare phase, interleaved with `main`.
    pub other: Option<Launch>,
    pub runs: usize,
    pub warmup: usize,
    /// A shell command run (in the command's folder) before every start,
    /// e.g. `rm -rf .next` for cold starts.
    pub before: Option<String>,
    pub steps: &'a mut [Step],
    pub optimizations: Optimizations,
    pub git_revision: Option<String>,
}

/// Progress of a bench, for the caller to print.
pub enum Progress<'a> {
    Run {
        index: usize,
        warmup: bool,
        which: &'a str,
        record: &'a RunRecord,
    },
    Warning(String),
}

/// Runs the plan; any failed start ends the bench with its error.
pub fn run(
    plan: Plan<'_>,
    signals: Option<&Forwarder>,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<BenchResult, DevError> {
    let (mut mains, mut others) = (Vec::new(), Vec::new());
    for i in 0..plan.warmup + plan.runs {
        let warmup = i < plan.warmup;
        let mut order: Vec<(&Launch, bool)> = vec![(&plan.main, true)];
        if let Some(o) = &plan.other {
            // Alternate who goes first so drift in machine load hits both.
            if i % 2 == 1 {
                order.insert(0, (o, false));
            } else {
                order.push((o, false));
            }
        }
        for (launch, is_main) in order {
            if let Some(before) = &plan.before {
                run_shell(before, &launch.cwd)?;
            }
            let t0 = Instant::now();
            let steps = if is_main {
                prepare::run_steps(plan.steps, &plan.optimizations)
            } else {
                Vec::new()
            };
            let prepare_ms = prepare::ms(t0.elapsed());
            let mut started = session::start(launch, signals)?;
            for w in started.warnings.drain(..) {
                progress(Progress::Warning(w));
            }
            let on = if is_main {
                plan.optimizations
            } else {
                Optimizations {
                    assets: false,
                    apps: false,
                    cache: false,
                }
            };
            let record = session::record(
                if is_main { "bench" } else { "bench-vs" },
                &launch.command,
                &steps,
                prepare_ms,
                &started,
                &on,
                plan.git_revision.clone(),
            );
            started.process.stop(Duration::from_secs(10));
            if let Some(s) = signals {
                s.set_target(None);
                if let Some(sig) = s.received() {
                    return Err(DevError::Interrupted {
                        signal: sig.as_str().to_string(),
                        exit: None,
                    });
                }
            }
            progress(Progress::Run {
                index: i,
                warmup,
                which: if is_main { "main" } else { "vs" },
                record: &record,
            });
            if !warmup {
                if is_main {
                    mains.push(record);
                } else {
                    others.push(record);
                }
            }
        }
    }
    let ratio = if plan.other.is_some() {
        ratios(&mains, &others)
    } else {
        BTreeMap::new()
    };
    Ok(BenchResult {
        main: summarize(&plan.main.command.join(" "), mains),
        warmup: plan.warmup,
        vs: plan.other.as_ref().map(|_| {
            let command = others
                .first()
                .map(|r| r.command.clone())
                .unwrap_or_default();
            summarize(&command, others)
        }),
        ratio,
    })
}

fn run_shell(script: &str, cwd: &Path) -> Result<(), DevError> {
    let status = std::process::Command::new("sh")
        .args(["-c", script])
        .current_dir(cwd)
        .status()
        .map_err(|source| DevError::Spawn {
            program: "sh".into(),
            source,
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(DevError::Spawn {
            program: format!("sh -c {script:?}"),
            source: std::io::Error::other(format!("--before failed with {status}")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_ratios() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        let rec = |t| RunRecord {
            startup_time: t,
            ..RunRecord::default()
        };
        let a = vec![rec(100.0), rec(200.0)];
        let b = vec![rec(300.0), rec(200.0)];
        let r = ratios(&a, &b);
        assert_eq!(r["startupTime"].per_run, [3.0, 1.0]);
        assert_eq!(r["startupTime"].median, 2.0);
        let s = summarize("x", a);
        assert_eq!(s.median["startupTime"], 150.0);
        assert_eq!(s.min["startupTime"], 100.0);
        assert!(!s.median.contains_key("firstPageLoad"));
    }
}
