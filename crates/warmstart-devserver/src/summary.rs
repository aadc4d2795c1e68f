//! Text for humans: the one-screen summary `warmstart dev` prints when the
//! server is ready, and the table `warmstart bench` prints at the end.

use crate::bench::BenchResult;
use crate::config::Budgets;
use crate::metrics::{METRICS, RunRecord, Unit};

fn mark(value: Option<f64>, budget: u64) -> String {
    match value {
        Some(v) if v > budget as f64 => format!("over budget {}", Unit::Ms.format(budget as f64)),
        Some(_) => format!("budget {} ok", Unit::Ms.format(budget as f64)),
        None => String::new(),
    }
}

/// The lines of the ready summary (no colors; the caller paints).
pub fn ready_summary(
    r: &RunRecord,
    budgets: &Budgets,
    first_page_url: Option<&str>,
) -> Vec<String> {
    let server = r
        .phases
        .iter()
        .find(|p| p.name == "server ready")
        .map_or(0.0, |p| p.ms);
    let prepare = r.startup_time - server;
    let mut lines = vec![format!(
        "  startup     {:>9}  prepare {} + server {}   {}",
        Unit::Ms.format(r.startup_time),
        Unit::Ms.format(prepare),
        Unit::Ms.format(server),
        mark(Some(r.startup_time), budgets.startup_ms)
    )];
    for p in r
        .phases
        .iter()
        .filter(|p| p.name != "server ready" && p.name != "first page")
    {
        lines.push(format!("    {:<10}{:>9}", p.name, Unit::Ms.format(p.ms)));
    }
    lines.extend(before_ready_lines(r, server));
    if let Some(v) = r.first_page_load {
        let modules = r
            .first_page_modules
            .map(|n| format!(", {n} modules"))
            .unwrap_or_default();
        lines.push(format!(
            "  first page  {:>9}  {}{modules}   {}",
            Unit::Ms.format(v),
            first_page_url.unwrap_or(""),
            mark(Some(v), budgets.first_page_ms)
        ));
    }
    if let Some(v) = r.hot_reload {
        lines.push(format!(
            "  hot reload  {:>9}  {}",
            Unit::Ms.format(v),
            mark(Some(v), budgets.hot_reload_ms)
        ));
    }
    if let (Some(lookups), Some(hits)) = (r.cache_lookups, r.cache_hits) {
        lines.push(format!("  cache       {hits} of {lookups} lookups hit"));
    }
    if let Some(peak) = r.memory_usage {
        lines.push(format!(
            "  memory      {:>9}  peak RSS of the process tree ({} now)",
            Unit::Bytes.format(peak as f64),
            Unit::Bytes.format(r.memory_current.unwrap_or(0) as f64)
        ));
    }
    lines
}

/// A compile before Ready that takes at least this share of the server's
/// startup is named as the one that dominates it.
const DOMINATES: f64 = 0.5;

/// The compiles Next reported before Ready, under the server's time, and a
/// pointer at `warmstart graph ready` when one of them dominates.
fn before_ready_lines(r: &RunRecord, server_ms: f64) -> Vec<String> {
    let mut lines: Vec<String> = r
        .before_ready
        .iter()
        .map(|p| {
            format!(
                "    {:<30}{:>9}  before Ready",
                p.name,
                Unit::Ms.format(p.ms)
            )
        })
        .collect();
    let top = r.before_ready.iter().max_by(|a, b| a.ms.total_cmp(&b.ms));
    if let Some(top) = top
        && server_ms > 0.0
        && top.ms >= DOMINATES * server_ms
    {
        lines.push(format!(
            "    → {} is {:.0} % of the server's {}: `warmstart graph ready` shows what it compiles and the edit that cuts it",
            top.name.trim_start_matches("compile "),
            100.0 * top.ms / server_ms,
            Unit::Ms.format(server_ms)
        ));
    }
    lines
}

/// The bench table: one row per metric, min / median / max, and with `--vs`
/// the other command's median and the median of the run-by-run ratios.
pub fn bench_table(b: &BenchResult) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut header = vec![
        "metric".to_string(),
        "min".to_string(),
        "median".to_string(),
        "max".to_string(),
    ];
    if b.vs.is_some() {
        header.push("vs median".to_string());
        header.push("vs / this".to_string());
    }
    rows.push(header);
    let extra = [("firstPageModules", "modules", Unit::Ratio)];
    for (name, label, unit) in METRICS.iter().copied().chain(extra) {
        let Some(median) = b.main.median.get(name) else {
            continue;
        };
        let fmt = |v: f64| {
            if name == "firstPageModules" {
                format!("{v:.0}")
            } else {
                unit.format(v)
            }
        };
        let mut row = vec![
            label.to_string(),
            fmt(b.main.min[name]),
            fmt(*median),
            fmt(b.main.max[name]),
        ];
        if let Some(vs) = &b.vs {
            row.push(vs.median.get(name).map_or("-".into(), |v| fmt(*v)));
            row.push(
                b.ratio
                    .get(name)
                    .map_or("-".into(), |r| format!("{:.2}×", r.median)),
            );
        }
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = " ".repeat(widths[i] - c.chars().count());
                if i == 0 {
                    format!("{c}{pad}")
                } else {
                    format!("{pad}{c}")
                }
            })
            .collect();
        out.push_str(&cells.join("  "));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::{ratios, summarize};

    #[test]
    fn bench_table_with_vs() {
        let rec = |t, p| RunRecord {
            startup_time: t,
            first_page_load: Some(p),
            ..RunRecord::default()
        };
        let a = vec![rec(1000.0, 200.0), rec(1200.0, 220.0)];
        let b = vec![rec(2000.0, 400.0), rec(2400.0, 440.0)];
        let result = BenchResult {
            ratio: ratios(&a, &b),
            main: summarize("a", a),
            vs: Some(summarize("b", b)),
            warmup: 0,
        };
        let t = bench_table(&result);
        assert!(t.contains("startup"), "{t}");
        assert!(t.contains("2.00×"), "{t}");
        assert!(t.contains("1.10 s"), "{t}");
    }

    #[test]
    fn a_dominating_compile_before_ready_points_at_graph_ready() {
        use crate::metrics::Phase;
        let r = RunRecord {
            startup_time: 10_300.0,
            phases: vec![Phase {
                name: "server ready".into(),
                ms: 10_200.0,
            }],
            before_ready: vec![
                Phase {
                    name: "compile instrumentation (nodejs)".into(),
                    ms: 7_300.0,
                },
                Phase {
                    name: "compile middleware".into(),
                    ms: 120.0,
                },
            ],
            ..RunRecord::default()
        };
        let text = ready_summary(&r, &Budgets::default(), None).join("\n");
        assert!(text.contains("compile instrumentation (nodejs)"), "{text}");
        assert!(
            text.contains("instrumentation (nodejs) is 72 % of the server's 10.20 s"),
            "{text}"
        );
        assert!(text.contains("warmstart graph ready"), "{text}");
        let small = RunRecord {
            before_ready: vec![Phase {
                name: "compile middleware".into(),
                ms: 120.0,
            }],
            ..r
        };
        let text = ready_summary(&small, &Budgets::default(), None).join("\n");
        assert!(!text.contains("graph ready"), "{text}");
    }
}
