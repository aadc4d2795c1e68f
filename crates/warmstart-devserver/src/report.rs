//! `warmstart report`: the recent runs of the history as a terminal table.

use crate::metrics::{RunRecord, Unit};

/// Columns of the table: (header, JSON metric name, unit).
const COLUMNS: [(&str, &str, Unit); 8] = [
    ("startup", "startupTime", Unit::Ms),
    ("first page", "firstPageLoad", Unit::Ms),
    ("modules", "firstPageModules", Unit::Ratio),
    ("hot reload", "hotReload", Unit::Ms),
    ("assets", "assetLoadTime", Unit::Ms),
    ("apps", "appLoadTime", Unit::Ms),
    ("cache", "cacheHitRate", Unit::Ratio),
    ("memory", "memoryUsage", Unit::Bytes),
];

fn cell(r: &RunRecord, name: &str, unit: Unit) -> String {
    match (r.metric(name), name) {
        (None, _) => "-".to_string(),
        (Some(v), "firstPageModules") => format!("{v:.0}"),
        (Some(v), _) => unit.format(v),
    }
}

/// `2026-11-23T22:06:15Z` → `11-23 22:06`.
pub fn short_time(ts: &str) -> String {
    match (ts.get(5..10), ts.get(11..16)) {
        (Some(d), Some(t)) => format!("{d} {t}"),
        _ => ts.to_string(),
    }
}

/// The last `limit` runs, oldest first, as an aligned table.
pub fn table(records: &[RunRecord], limit: usize) -> String {
    let recent = &records[records.len().saturating_sub(limit)..];
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut header = vec!["when".to_string(), "kind".to_string()];
    header.extend(COLUMNS.iter().map(|c| c.0.to_string()));
    header.push("command".to_string());
    rows.push(header);
    for r in recent {
        let mut row = vec![short_time(&r.timestamp), r.kind.clone()];
        row.extend(COLUMNS.iter().map(|(_, n, u)| cell(r, n, *u)));
        let mut command = r.command.clone();
        if command.chars().count() > 40 {
            command = command.chars().take(39).collect::<String>() + "…";
        }
        row.push(command);
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let last = row.len() - 1;
        let line: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = widths[i] - c.chars().count();
                // Numbers right-aligned, text left-aligned.
                if i >= 2 && i < last {
                    format!("{}{c}", " ".repeat(pad))
                } else if i == last {
                    c.clone()
                } else {
                    format!("{c}{}", " ".repeat(pad))
                }
            })
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_rows() {
        let r = RunRecord {
            timestamp: "2026-11-23T22:06:15Z".into(),
            kind: "dev".into(),
            command: "next dev".into(),
            startup_time: 1820.0,
            first_page_load: Some(950.0),
            first_page_modules: Some(193),
            memory_usage: Some(912 * 1024 * 1024),
            ..RunRecord::default()
        };
        let t = table(&[r], 20);
        assert!(t.contains("11-23 22:06"));
        assert!(t.contains("1.82 s"));
        assert!(t.contains("950 ms"));
        assert!(t.contains("193"));
        assert!(t.contains("912 MB"));
    }
}
