//! The prepare phase: named steps that run before the dev server starts and
//! again when a watched folder changes. The steps themselves (asset linking,
//! registry generation) live in other crates; the binary hands them in as
//! closures, so this crate only times, reports and switches them.

use std::fmt;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::config::Optimizations;
use crate::error::DevError;

/// An optimization a step belongs to; each can be switched off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Optimization {
    Assets,
    Apps,
    Cache,
}

impl Optimization {
    pub const ALL: [Optimization; 3] = [Self::Assets, Self::Apps, Self::Cache];

    pub fn name(self) -> &'static str {
        match self {
            Self::Assets => "assets",
            Self::Apps => "apps",
            Self::Cache => "cache",
        }
    }
}

impl fmt::Display for Optimization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Optimizations {
    /// Whether `o` is on.
    pub fn enabled(&self, o: Optimization) -> bool {
        match o {
            Optimization::Assets => self.assets,
            Optimization::Apps => self.apps,
            Optimization::Cache => self.cache,
        }
    }

    /// Applies `WARMSTART_DISABLE` (`assets,apps,cache` or `all`).
    pub fn disable_from(mut self, list: &str) -> Result<Self, DevError> {
        for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match name {
                "assets" => self.assets = false,
                "apps" => self.apps = false,
                "cache" => self.cache = false,
                "all" => {
                    self.assets = false;
                    self.apps = false;
                    self.cache = false;
                }
                _ => {
                    return Err(DevError::UnknownOptimization {
                        name: name.to_string(),
                    });
                }
            }
        }
        Ok(self)
    }

    /// `assets on, apps on, cache off`.
    pub fn describe(&self) -> String {
        Optimization::ALL
            .iter()
            .map(|o| format!("{o} {}", if self.enabled(*o) { "on" } else { "off" }))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What a step reports.
#[derive(Debug, Clone, Default)]
pub struct StepOutcome {
    /// One line for humans, e.g. `96 apps linked (symlink)`.
    pub summary: String,
    /// Lookups in warmstart's cache that hit and missed, when the step
    /// looked something up there (not work it found already done).
    pub cache: Option<(u64, u64)>,
}

impl StepOutcome {
    pub fn new(summary: impl Into<String>) -> Self {
        StepOutcome {
            summary: summary.into(),
            cache: None,
        }
    }
}

/// Why a step failed: the diagnostic of the crate that ran it (its
/// message becomes the step's summary line).
pub type StepError = miette::Report;

/// The body of a step: re-runnable (the watcher calls it again).
pub type StepFn = Box<dyn FnMut(&Optimizations) -> Result<StepOutcome, StepError> + Send>;

/// A named step of the prepare phase.
pub struct Step {
    pub name: &'static str,
    pub optimization: Optimization,
    pub run: StepFn,
}

impl Step {
    pub fn new(
        name: &'static str,
        optimization: Optimization,
        run: impl FnMut(&Optimizations) -> Result<StepOutcome, StepError> + Send + 'static,
    ) -> Step {
        Step {
            name,
            optimization,
            run: Box::new(run),
        }
    }
}

/// How one step went.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepTiming {
    pub name: String,
    pub optimization: Optimization,
    pub ms: f64,
    pub summary: String,
    pub ok: bool,
    #[serde(skip)]
    pub cache: Option<(u64, u64)>,
}

/// Runs the enabled steps in order; a failing step is reported, not fatal
/// (the dev server still starts, as it would without warmstart).
pub fn run_steps(steps: &mut [Step], on: &Optimizations) -> Vec<StepTiming> {
    let mut out = Vec::new();
    for step in steps.iter_mut().filter(|s| on.enabled(s.optimization)) {
        let started = Instant::now();
        let result = (step.run)(on);
        let ms = ms(started.elapsed());
        out.push(match result {
            Ok(o) => StepTiming {
                name: step.name.to_string(),
                optimization: step.optimization,
                ms,
                summary: o.summary,
                ok: true,
                cache: o.cache,
            },
            Err(e) => StepTiming {
                name: step.name.to_string(),
                optimization: step.optimization,
                ms,
                summary: e.to_string(),
                ok: false,
                cache: None,
            },
        });
    }
    out
}

/// Milliseconds as a float.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Sum of the time of the steps of `o`, `None` when none ran.
pub fn time_of(timings: &[StepTiming], o: Optimization) -> Option<f64> {
    let ts: Vec<f64> = timings
        .iter()
        .filter(|t| t.optimization == o)
        .map(|t| t.ms)
        .collect();
    (!ts.is_empty()).then(|| ts.iter().sum())
}

/// (lookups, hits) in the cache over all steps that used it.
pub fn cache_lookups(timings: &[StepTiming]) -> Option<(u64, u64)> {
    let (h, m) = timings
        .iter()
        .filter_map(|t| t.cache)
        .fold((0, 0), |(h, m), (a, b)| (h + a, m + b));
    (h + m > 0).then_some((h + m, h))
}

/// Hits / lookups over all steps that used the cache.
pub fn cache_hit_rate(timings: &[StepTiming]) -> Option<f64> {
    cache_lookups(timings).map(|(lookups, hits)| hits as f64 / lookups as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disable_list() {
        let on = Optimizations::default()
            .disable_from("assets, cache")
            .unwrap();
        assert_eq!(on.describe(), "assets off, apps on, cache off");
        assert!(Optimizations::default().disable_from("nope").is_err());
        let none = Optimizations::default().disable_from("all").unwrap();
        assert!(!none.apps);
    }

    #[test]
    fn steps_are_timed_and_switched() {
        let mut steps = vec![
            Step::new("link", Optimization::Assets, |_| {
                Ok(StepOutcome {
                    summary: "3 linked".into(),
                    cache: Some((3, 1)),
                })
            }),
            Step::new("build", Optimization::Apps, |_| {
                Err(miette::miette!("broken"))
            }),
        ];
        let t = run_steps(&mut steps, &Optimizations::default());
        assert_eq!(t.len(), 2);
        assert!(t[0].ok && !t[1].ok);
        assert_eq!(cache_hit_rate(&t), Some(0.75));
        assert_eq!(cache_lookups(&t), Some((4, 3)));
        assert!(time_of(&t, Optimization::Apps).is_some());
        let off = Optimizations::default().disable_from("apps").unwrap();
        assert_eq!(run_steps(&mut steps, &off).len(), 1);
    }
}
