//! `warmstart report --html`: one self-contained page (no scripts, no
//! external files) with an inline SVG trend chart per metric, a per-phase
//! breakdown of each run, and the table of runs.

use std::fmt::Write;

use crate::config::Budgets;
use crate::metrics::{METRICS, RunRecord, Unit};
use crate::report::short_time;

const W: f64 = 420.0;
const H: f64 = 170.0;
const PAD_L: f64 = 64.0;
const PAD_R: f64 = 12.0;
const PAD_T: f64 = 14.0;
const PAD_B: f64 = 26.0;
const PALETTE: [&str; 8] = [
    "#2563eb", "#16a34a", "#ea580c", "#9333ea", "#0891b2", "#ca8a04", "#db2777", "#64748b",
];

/// Escapes text for HTML and SVG.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn budget_of(name: &str, b: &Budgets) -> Option<f64> {
    match name {
        "startupTime" => Some(b.startup_ms as f64),
        "firstPageLoad" => Some(b.first_page_ms as f64),
        "hotReload" => Some(b.hot_reload_ms as f64),
        _ => None,
    }
}

/// The kinds of runs in order of first appearance.
fn kinds(records: &[RunRecord]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in records {
        if !out.contains(&r.kind) {
            out.push(r.kind.clone());
        }
    }
    out
}

/// A line chart of one metric over the runs (missing values skipped).
fn trend(
    records: &[RunRecord],
    name: &str,
    label: &str,
    unit: Unit,
    budget: Option<f64>,
) -> String {
    let points: Vec<(usize, f64)> = records
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((i, r.metric(name)?)))
        .collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<figure><figcaption>{label}</figcaption><svg viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-label="{label} per run">"#
    );
    if points.is_empty() {
        svg.push_str(r##"<text x="50%" y="50%" text-anchor="middle" fill="#94a3b8">not measured</text></svg></figure>"##);
        return svg;
    }
    let mut hi = points.iter().map(|p| p.1).fold(0.0, f64::max);
    if let Some(b) = budget {
        hi = hi.max(b);
    }
    if unit == Unit::Ratio {
        hi = hi.max(1.0);
    }
    let hi = match (unit, hi) {
        (_, h) if h <= 0.0 => 1.0,
        (Unit::Ratio, h) if h <= 1.0 => 1.0,
        (_, h) => h * 1.08,
    };
    let n = records.len().max(2) - 1;
    let x = |i: usize| PAD_L + (W - PAD_L - PAD_R) * i as f64 / n as f64;
    let y = |v: f64| PAD_T + (H - PAD_T - PAD_B) * (1.0 - v / hi);
    // Axes and gridlines at 0, half, top.
    for frac in [0.0, 0.5, 1.0] {
        let v = hi * frac;
        let _ = write!(
            svg,
            r##"<line x1="{PAD_L}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#e2e8f0"/><text x="{}" y="{:.1}" text-anchor="end" class="ax">{}</text>"##,
            W - PAD_R,
            PAD_L - 6.0,
            y(v) + 4.0,
            unit.format(v),
            y = y(v),
        );
    }
    let _ = write!(
        svg,
        r#"<text x="{PAD_L}" y="{}" class="ax">run 1</text><text x="{}" y="{}" text-anchor="end" class="ax">run {}</text>"#,
        H - 6.0,
        W - PAD_R,
        H - 6.0,
        records.len()
    );
    if let Some(b) = budget {
        let _ = write!(
            svg,
            r##"<line x1="{PAD_L}" x2="{}" y1="{yb:.1}" y2="{yb:.1}" stroke="#dc2626" stroke-dasharray="5 4"/><text x="{}" y="{:.1}" text-anchor="end" class="ax" fill="#dc2626">budget {}</text>"##,
            W - PAD_R,
            W - PAD_R,
            y(b) - 4.0,
            unit.format(b),
            yb = y(b),
        );
    }
    // One line per kind of run (dev, bench, bench-vs), so an A/B bench
    // reads as two lines rather than a zigzag.
    let kinds = kinds(records);
    for (k, kind) in kinds.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let mine: Vec<&(usize, f64)> = points
            .iter()
            .filter(|(i, _)| records[*i].kind == *kind)
            .collect();
        let path: Vec<String> = mine
            .iter()
            .map(|(i, v)| format!("{:.1},{:.1}", x(*i), y(*v)))
            .collect();
        let _ = write!(
            svg,
            r#"<polyline fill="none" stroke="{color}" stroke-width="2" points="{}"/>"#,
            path.join(" ")
        );
        for (i, v) in mine {
            let over = budget.is_some_and(|b| *v > b);
            let _ = write!(
                svg,
                r##"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="{}"{}><title>run {} ({}): {}</title></circle>"##,
                x(*i),
                y(*v),
                color,
                if over {
                    r##" stroke="#dc2626" stroke-width="2""##
                } else {
                    ""
                },
                i + 1,
                escape(kind),
                unit.format(*v)
            );
        }
    }
    legend(&mut svg, &kinds);
    svg.push_str("</svg></figure>");
    svg
}

/// Which color is which kind of run, when there is more than one.
fn legend(svg: &mut String, kinds: &[String]) {
    if kinds.len() < 2 {
        return;
    }
    let mut lx = PAD_L + 70.0;
    for (k, kind) in kinds.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<rect x="{lx:.1}" y="{:.1}" width="10" height="10" fill="{}"/><text x="{:.1}" y="{:.1}" class="ax">{}</text>"#,
            H - 15.0,
            PALETTE[k % PALETTE.len()],
            lx + 13.0,
            H - 6.0,
            escape(kind)
        );
        lx += 26.0 + 6.5 * kind.len() as f64;
    }
}

/// Stacked horizontal bars: where each run's time went.
fn phases(records: &[RunRecord]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for r in records {
        for p in &r.phases {
            if !names.contains(&p.name.as_str()) {
                names.push(&p.name);
            }
        }
    }
    let total_max = records
        .iter()
        .map(|r| r.phases.iter().map(|p| p.ms).sum::<f64>())
        .fold(0.0, f64::max)
        .max(1.0);
    let row_h = 18.0;
    let width = 940.0;
    let left = 160.0;
    let height = PAD_T + row_h * records.len() as f64 + 40.0;
    let mut svg = format!(
        r#"<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="time per phase per run">"#
    );
    for (i, r) in records.iter().enumerate() {
        let top = PAD_T + row_h * i as f64;
        let _ = write!(
            svg,
            r#"<text x="{}" y="{:.1}" text-anchor="end" class="ax">{} {}</text>"#,
            left - 6.0,
            top + 12.0,
            escape(&short_time(&r.timestamp)),
            escape(&r.kind)
        );
        let mut x = left;
        for p in &r.phases {
            let idx = names.iter().position(|n| *n == p.name).unwrap_or(0);
            let w = (width - left - 80.0) * p.ms / total_max;
            let _ = write!(
                svg,
                r#"<rect x="{x:.1}" y="{top:.1}" width="{w:.1}" height="{}" fill="{}"><title>{}: {}</title></rect>"#,
                row_h - 4.0,
                PALETTE[idx % PALETTE.len()],
                escape(&p.name),
                Unit::Ms.format(p.ms)
            );
            x += w;
        }
        let total: f64 = r.phases.iter().map(|p| p.ms).sum();
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" class="ax">{}</text>"#,
            x + 4.0,
            top + 12.0,
            Unit::Ms.format(total)
        );
    }
    let mut lx = left;
    let ly = PAD_T + row_h * records.len() as f64 + 16.0;
    for (i, n) in names.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<rect x="{lx:.1}" y="{:.1}" width="12" height="12" fill="{}"/><text x="{:.1}" y="{:.1}" class="ax">{}</text>"#,
            ly - 10.0,
            PALETTE[i % PALETTE.len()],
            lx + 16.0,
            ly,
            escape(n)
        );
        lx += 30.0 + 7.0 * n.len() as f64;
    }
    svg.push_str("</svg>");
    svg
}

/// The whole page for the last `limit` runs.
pub fn page(records: &[RunRecord], budgets: &Budgets, title: &str, limit: usize) -> String {
    let recent = &records[records.len().saturating_sub(limit)..];
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>{}</h1><p class=\"sub\">{} runs",
        escape(title),
        recent.len()
    );
    if let (Some(first), Some(last)) = (recent.first(), recent.last()) {
        let _ = write!(
            body,
            " · {} → {} · warmstart {}",
            escape(&first.timestamp),
            escape(&last.timestamp),
            escape(&last.version)
        );
        if let Some(rev) = &last.git_revision {
            let _ = write!(body, " · revision {}", escape(rev));
        }
    }
    body.push_str("</p><h2>Trends</h2><div class=\"grid\">");
    for (name, label, unit) in METRICS {
        body.push_str(&trend(recent, name, label, unit, budget_of(name, budgets)));
    }
    body.push_str("</div><h2>Where the time goes</h2>");
    body.push_str(&phases(recent));
    body.push_str("<h2>Runs</h2><table><tr><th>when</th><th>kind</th>");
    for (_, label, _) in METRICS {
        let _ = write!(body, "<th>{label}</th>");
    }
    body.push_str("<th>command</th></tr>");
    for r in recent.iter().rev() {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td>",
            escape(&short_time(&r.timestamp)),
            escape(&r.kind)
        );
        for (name, _, unit) in METRICS {
            let v = r.metric(name).map_or("-".to_string(), |v| unit.format(v));
            let _ = write!(body, "<td class=\"n\">{v}</td>");
        }
        let _ = write!(body, "<td><code>{}</code></td></tr>", escape(&r.command));
    }
    body.push_str("</table>");
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>{body}</body></html>\n",
        escape(title)
    )
}

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#0f172a;background:#fff}\
h1{font-size:22px;margin:0}h2{font-size:16px;margin:28px 0 8px}.sub{color:#64748b;margin:4px 0}\
.grid{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0;border:1px solid #e2e8f0;border-radius:6px;padding:6px}\
figcaption{font-weight:600;margin:2px 6px}.ax{font-size:11px;fill:#64748b}\
table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #e2e8f0;padding:4px 8px;text-align:left}\
td.n{text-align:right;font-variant-numeric:tabular-nums}code{font-size:12px}";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Phase;

    #[test]
    fn page_is_self_contained() {
        let runs: Vec<RunRecord> = (0..3)
            .map(|i| RunRecord {
                timestamp: format!("2026-11-23T22:0{i}:00Z"),
                kind: "dev".into(),
                command: "next dev <x>".into(),
                startup_time: 1000.0 + 500.0 * i as f64,
                phases: vec![
                    Phase {
                        name: "assets".into(),
                        ms: 5.0,
                    },
                    Phase {
                        name: "server ready".into(),
                        ms: 900.0,
                    },
                ],
                ..RunRecord::default()
            })
            .collect();
        let html = page(&runs, &Budgets::default(), "dev server", 50);
        assert!(html.starts_with("<!doctype html>"));
        assert_eq!(html.matches("<svg").count(), METRICS.len() + 1);
        assert!(html.contains("next dev &lt;x&gt;"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("http"));
        assert!(html.contains("budget 3.00 s"));
    }
}
