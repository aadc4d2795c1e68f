//! `warmstart graph cycles` as one call: the stored answer when nothing
//! changed (`--json` or the human report), else build, analyse, ratchet
//! against a baseline and hand back the JSON document (schema in
//! docs/graph.md), the human report, or the graph and its analysis to
//! render.

use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use serde::Serialize;
use serde_json::Value;
use warmstart_cache::BucketStats;

use crate::baseline::{Baseline, BaselineDiff};
use crate::build::{DEFAULT_MAX_FILE_BYTES, FileProblem, ModuleGraph};
use crate::cache::PendingSaves;
use crate::error::GraphError;
use crate::format;
use crate::memo::{Memo, MemoCheck};
use crate::report::{AnalysisOptions, CyclesReport, analyse};
use crate::session::{GraphSession, Observer};
use crate::view::View;

/// The name and version of the result cache's bucket, as `--json` reports it.
pub const RESULT_BUCKET: &str = "graph-result-v1";

/// What to do with a baseline file.
#[derive(Debug, Clone)]
pub enum BaselineMode {
    /// Write the current cycle edges to the file.
    Update(PathBuf),
    /// Fail only for cycle edges the file does not list.
    Check(PathBuf),
}

/// One `graph cycles` invocation.
#[derive(Debug, Clone)]
pub struct CyclesRequest {
    /// Command-line paths (empty: the whole repository).
    pub paths: Vec<PathBuf>,
    /// Reuse unchanged parse results and the stored answer.
    pub use_cache: bool,
    /// The view checked for the exit code and the baseline.
    pub view: View,
    pub max_cycles: usize,
    /// List every unresolved import, not only counts.
    pub unresolved: bool,
    /// The JSON document is wanted.
    pub json: bool,
    /// The human report is wanted (with colours or not; with the
    /// unresolved imports under `unresolved`): rendered here, so that the
    /// result cache can store it and answer with it, as it does the JSON
    /// document. Ignored under `json`.
    pub human: Option<bool>,
    pub baseline: Option<BaselineMode>,
}

/// What the baseline step did.
#[derive(Debug, Clone)]
pub enum BaselineOutcome {
    /// The file now lists these edges.
    Updated {
        edges: usize,
        view: View,
        path: PathBuf,
    },
    /// The current edges against the file.
    Checked(BaselineDiff),
}

/// The result of [`cycles`].
pub struct CyclesRun {
    /// The check failed (exit 1): cycles in the view, or new ones against
    /// the baseline.
    pub failed: bool,
    pub baseline: Option<BaselineOutcome>,
    pub output: CyclesOutput,
    /// The result cache being written while the output is printed; waited
    /// for when the run is dropped.
    pub storing: PendingSaves,
}

/// What [`cycles`] hands back to render.
pub enum CyclesOutput {
    /// The `--json` document.
    Json(Box<CyclesDocument>),
    /// The human report ([`CyclesRequest::human`]), as printed.
    Human(String),
    /// The graph and its analysis, for the caller to render (dot,
    /// mermaid, SARIF).
    Analysed {
        graph: Box<ModuleGraph>,
        report: Box<CyclesReport>,
    },
}

/// The `graph cycles --json` document (docs/graph.md): the answer's
/// fields, then `cache` and `timings_ms`.
#[derive(Debug)]
pub struct CyclesDocument {
    /// The deterministic part, what the result cache stores: a JSON object
    /// rendered by `serde_json::to_string_pretty` (at least one field), so
    /// that it is rendered once per fresh run and never on a warm one; kept
    /// in the pieces it was rendered in (their concatenation is the object).
    pub answer: std::sync::Arc<crate::Rendered>,
    /// The cache buckets of this run, the result cache last.
    pub cache: Vec<CacheStat>,
    pub timings_ms: Timings,
}

/// The document's fields after the answer's.
#[derive(Serialize)]
struct Tail<'a> {
    cache: &'a [CacheStat],
    timings_ms: &'a Timings,
}

impl CyclesDocument {
    /// Writes the document pretty-printed, the answer as rendered: the
    /// same bytes as `serde_json::to_string_pretty` of one object holding
    /// the answer's fields followed by `cache` and `timings_ms`.
    pub fn write_pretty(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        let tail = Tail {
            cache: &self.cache,
            timings_ms: &self.timings_ms,
        };
        // Statistics and timings are numbers and names: they render.
        let tail = serde_json::to_string_pretty(&tail).unwrap_or_default();
        self.answer.write_without_suffix(out, "\n}")?;
        match tail.strip_prefix('{') {
            Some(fields) => {
                out.write_all(b",")?;
                out.write_all(fields.as_bytes())
            }
            None => out.write_all(b"\n}"),
        }
    }
}

/// `text`, a JSON object, as `to_string_pretty` renders it (a stored
/// answer is already: it was rendered so).
fn pretty_object(text: String) -> Result<String, GraphError> {
    if text.starts_with("{\n") && text.ends_with("\n}") {
        return Ok(text);
    }
    let object: serde_json::Map<String, Value> =
        serde_json::from_str(&text).map_err(GraphError::StoredResult)?;
    serde_json::to_string_pretty(&object).map_err(GraphError::StoredResult)
}

/// The answer computed by this run.
#[derive(Debug, Serialize)]
pub struct FreshAnswer {
    #[serde(flatten)]
    pub report: CyclesReport,
    pub problems: Vec<FileProblem>,
    pub unresolved: Value,
}

/// One cache's statistics in the document.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum CacheStat {
    Bucket(BucketStats),
    Result(ResultCacheStats),
}

/// The result cache's line in `cache`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultCacheStats {
    pub bucket: &'static str,
    pub hits: u64,
    pub misses: u64,
    pub hit_rate: f64,
    pub reparsed: usize,
}

impl ResultCacheStats {
    fn new(hits: u64, misses: u64, reparsed: usize) -> ResultCacheStats {
        let lookups = hits + misses;
        ResultCacheStats {
            bucket: RESULT_BUCKET,
            hits,
            misses,
            hit_rate: if lookups == 0 {
                0.0
            } else {
                hits as f64 / lookups as f64
            },
            reparsed,
        }
    }
}

/// `timings_ms`: phases of a fresh run; a stored answer has `total` only.
#[derive(Debug, Serialize)]
pub struct Timings {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub walk: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parse: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolve: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build: Option<u64>,
    pub total: u64,
}

/// Runs `graph cycles`.
pub fn cycles(
    session: &GraphSession,
    request: &CyclesRequest,
    observer: &std::sync::Arc<dyn Observer>,
) -> Result<CyclesRun, GraphError> {
    let started = Instant::now();
    let started_wall = SystemTime::now();
    let memo = result_memo(session, request);
    if let Some((memo, key)) = &memo {
        match memo.check(*key) {
            MemoCheck::Hit { output, reparsed } if request.json => {
                return stored_answer(request.view, output, reparsed, started);
            }
            MemoCheck::Hit { output, .. } => match stored_human(&output, started) {
                Some(run) => return Ok(run),
                None => observer.verbose("graph result cache: the stored report has no verdict"),
            },
            MemoCheck::Miss(reason) => observer.verbose(&format!("graph result cache: {reason}")),
        }
    }
    let (graph, mut deferred) =
        session.load_deferred(&request.paths, &[], request.use_cache, observer);
    let built = started.elapsed();
    let options = AnalysisOptions {
        max_cycles: request.max_cycles,
        details: true,
    };
    // The result cache's stamps need only the graph: take them while the
    // cycles are analysed (and the buckets saved), not after.
    // So are the document's unresolved imports and problems, which need
    // only the graph too: on the main thread after the analysis they left
    // the other core idle.
    let (report, (stamps, listed)) = rayon::join(
        || analyse(&graph, options),
        || {
            let stamps = memo
                .as_ref()
                .map(|(memo, _)| memo.stamps(&graph, started_wall));
            let listed = request.json.then(|| {
                (
                    format::unresolved_json(&graph, request.unresolved),
                    graph.problems.clone(),
                )
            });
            (stamps, listed)
        },
    );
    // The buckets are saved while the answer is rendered on this thread
    // (the other core's only work then): saved during the build, they took
    // a core from linking the graph and the analysis.
    deferred.start();
    let mut failed = report.views.get(request.view).groups > 0;
    let baseline = match &request.baseline {
        Some(mode) => Some(ratchet(&report, request.view, mode)?),
        None => None,
    };
    if let Some(outcome) = &baseline {
        failed = match outcome {
            BaselineOutcome::Updated { .. } => false,
            BaselineOutcome::Checked(diff) => !diff.passes(),
        };
    }
    let elapsed = started.elapsed();
    let mut storing = PendingSaves::default();
    let output = if let Some((unresolved, problems)) = listed {
        let answer = FreshAnswer {
            unresolved,
            problems,
            report,
        };
        // Rendered once, for the output and for the result cache.
        let rendered = crate::render::answer_pretty(&answer).map_err(GraphError::Render)?;
        if session.one_shot {
            std::mem::forget(answer);
        }
        let answer = std::sync::Arc::new(rendered);
        let stored = match (memo, stamps) {
            (Some((memo, key)), Some(stamps)) => {
                // Stored without the run's own figures (cache, timings).
                let answer = answer.clone();
                // Writing the answer (~2 MB on Cal.com) overlaps printing it.
                storing = PendingSaves::spawn(move || memo.store(key, &answer.parts(), stamps));
                true
            }
            _ => false,
        };
        let mut cache: Vec<CacheStat> = deferred
            .finish()
            .into_iter()
            .map(CacheStat::Bucket)
            .collect();
        if stored {
            cache.push(CacheStat::Result(ResultCacheStats::new(0, 1, 0)));
        }
        let document = CyclesOutput::Json(Box::new(CyclesDocument {
            answer,
            cache,
            timings_ms: Timings {
                walk: Some(graph.stats.walk_ms),
                parse: Some(graph.stats.parse_ms),
                resolve: Some(graph.stats.resolve_ms),
                build: Some(built.as_millis() as u64),
                total: elapsed.as_millis() as u64,
            },
        }));
        // Its ~100,000 allocations are the process's to free at exit.
        if session.one_shot {
            std::mem::forget(graph);
        }
        document
    } else if let Some(color) = request.human {
        let mut text = format::human(&graph, &report, request.view, HUMAN_TIME, color);
        if request.unresolved {
            text.push_str(&format::unresolved_human(&graph));
        }
        let printed = text.replacen(HUMAN_TIME, &format!("{} ms", elapsed.as_millis()), 1);
        let saves = deferred.into_saves();
        storing = match (memo, stamps) {
            // The verdict first (the exit code of a stored report), then
            // the report with its time left open; the buckets' saves are
            // waited for on the same thread.
            (Some((memo, key)), Some(stamps)) => PendingSaves::spawn(move || {
                let verdict = if failed { "1\n" } else { "0\n" };
                memo.store(key, &[verdict, &text], stamps);
                saves.wait();
            }),
            _ => saves,
        };
        CyclesOutput::Human(printed)
    } else {
        // Printed by the caller: the saves overlap that, as the result's
        // store does.
        storing = deferred.into_saves();
        CyclesOutput::Analysed {
            graph: Box::new(graph),
            report: Box::new(report),
        }
    };
    Ok(CyclesRun {
        failed,
        baseline,
        output,
        storing,
    })
}

/// What a stored answer says about each view (the exit code's source).
#[derive(serde::Deserialize)]
struct StoredViews {
    views: std::collections::HashMap<String, StoredView>,
}

#[derive(serde::Deserialize)]
struct StoredView {
    groups: u64,
}

/// The document of a result-cache hit: the stored answer as stored.
fn stored_answer(
    view: View,
    output: String,
    reparsed: usize,
    started: Instant,
) -> Result<CyclesRun, GraphError> {
    let views: StoredViews = serde_json::from_str(&output).map_err(GraphError::StoredResult)?;
    let failed = views.views.get(view.name()).is_some_and(|v| v.groups > 0);
    let document = CyclesDocument {
        answer: std::sync::Arc::new(crate::Rendered::whole(pretty_object(output)?)),
        cache: vec![CacheStat::Result(ResultCacheStats::new(1, 0, reparsed))],
        timings_ms: Timings {
            walk: None,
            parse: None,
            resolve: None,
            build: None,
            total: started.elapsed().as_millis() as u64,
        },
    };
    Ok(CyclesRun {
        failed,
        baseline: None,
        output: CyclesOutput::Json(Box::new(document)),
        storing: PendingSaves::default(),
    })
}

/// Where a stored human report's time goes: `in 53 ms` when fresh,
/// `in 9 ms (result cache)` when it is the stored report.
const HUMAN_TIME: &str = "\0time";

/// The run of a result-cache hit for the human report: the stored verdict
/// and report (`None`: not a stored report, compute afresh).
fn stored_human(output: &str, started: Instant) -> Option<CyclesRun> {
    let (verdict, text) = output.split_once('\n')?;
    let failed = match verdict {
        "0" => false,
        "1" => true,
        _ => return None,
    };
    if !text.contains(HUMAN_TIME) {
        return None;
    }
    let time = format!("{} ms (result cache)", started.elapsed().as_millis());
    Some(CyclesRun {
        failed,
        baseline: None,
        output: CyclesOutput::Human(text.replacen(HUMAN_TIME, &time, 1)),
        storing: PendingSaves::default(),
    })
}

/// Writes or checks the baseline of `view`.
fn ratchet(
    report: &CyclesReport,
    view: View,
    mode: &BaselineMode,
) -> Result<BaselineOutcome, GraphError> {
    let current = format::baseline_lines(report, view);
    match mode {
        BaselineMode::Update(path) => {
            let text = format::baseline_text(view, &current);
            warmstart_fs::write_if_changed(path, text.as_bytes())?;
            Ok(BaselineOutcome::Updated {
                edges: current.len(),
                view,
                path: path.clone(),
            })
        }
        BaselineMode::Check(path) => Ok(BaselineOutcome::Checked(
            Baseline::read(path)?.diff(&current),
        )),
    }
}

/// The result cache of `cycles` and the key of this invocation, when it
/// applies: JSON output or the human report, no baseline, cache on.
fn result_memo(session: &GraphSession, request: &CyclesRequest) -> Option<(Memo, u128)> {
    let human = request.human.filter(|_| !request.json);
    if !(request.json || human.is_some()) || request.baseline.is_some() || !request.use_cache {
        return None;
    }
    let cache = session.open_cache();
    let dir = cache.dir()?;
    let mut key = warmstart_cache::ContextHasher::new();
    // "pretty": the stored answer is the printed rendering (older binaries
    // stored it compact).
    match human {
        // The report names the view it checks and lists its cycles only.
        Some(color) => key
            .str("graph cycles; human")
            .str(request.view.name())
            .str(if color { "color" } else { "plain" }),
        None => key.str("graph cycles --json; pretty"),
    };
    key.str(&request.max_cycles.to_string())
        .str(if request.unresolved { "unresolved" } else { "" })
        .str(&DEFAULT_MAX_FILE_BYTES.to_string());
    for path in &request.paths {
        let abs = session.absolute(path);
        let abs = std::fs::canonicalize(&abs).unwrap_or(abs);
        key.str(&warmstart_fs::to_unix_relative(&session.root, &abs).unwrap_or_default());
    }
    let granularity = Duration::from_millis(session.cache.mtime_granularity_ms);
    let name = if human.is_some() {
        crate::memo::REPORT_BUCKET
    } else {
        crate::memo::RESULT_BUCKET
    };
    let memo = Memo::named(
        name,
        dir,
        &session.root,
        granularity,
        DEFAULT_MAX_FILE_BYTES,
    );
    Some((memo, key.finish()))
}
