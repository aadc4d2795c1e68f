//! `validate` (alias `status`): compare disk with the plan and the manifest
//! without writing anything. Problems are missing, dangling, stale and
//! foreign entries; the result is clean only when there are none.

use std::fs;

use serde::Serialize;

use crate::Assets;
use crate::error::Result;
use crate::manifest::Manifest;
use crate::verify::{Check, links_to_source, verify};

/// The kinds of problems `validate` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// An asset with nothing at its destination.
    Missing,
    /// A link warmstart made whose target is gone.
    Dangling,
    /// Made by warmstart but out of date (a copy older than its source, a
    /// link pointing elsewhere, an asset whose source was removed).
    Stale,
    /// Something at an asset's destination that warmstart did not make.
    Foreign,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub kind: Kind,
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidateReport {
    pub ok: bool,
    pub assets: usize,
    pub checked: usize,
    pub lazy: bool,
    pub problems: Vec<Finding>,
}

pub(crate) fn validate(assets: &Assets) -> Result<ValidateReport> {
    let root = assets.root.as_path();
    let mut m = Manifest::load(&assets.manifest_path)?;
    // An interrupted run's entries, settled in memory only.
    crate::verify::settle_pending(root, &mut m);
    let plan = crate::plan::build(root, &assets.rules, &m.scan, m.lazy)?;
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut push = |kind, path: &str, source: Option<&str>, detail: String| {
        problems.push(Finding {
            kind,
            path: path.to_string(),
            source: source.map(str::to_string),
            detail,
        })
    };
    let mut covered = std::collections::BTreeSet::new();
    for g in &plan.groups {
        let d = g.dest_dir.as_str();
        if let Some(e) = m.entries.get(d)
            && e.source == g.link_source
            && links_to_source(root, d, e)
        {
            checked += 1;
            covered.insert(d);
            continue;
        }
        let d_meta = fs::symlink_metadata(root.join(d)).ok();
        if let (Some(e), Some(meta)) = (m.entries.get(d), &d_meta)
            && e.mode.is_link()
        {
            {
                checked += 1;
                covered.insert(d);
                match verify(root, d, e, meta) {
                    Check::Valid if e.source == g.link_source => {}
                    Check::Valid => push(
                        Kind::Stale,
                        d,
                        e.source.as_deref(),
                        "the folder's files changed; run setup".into(),
                    ),
                    check => report(&mut push, d, e.source.as_deref(), check),
                }
                continue;
            }
        }
        for &i in &g.assets {
            let a = &plan.assets[i];
            covered.insert(a.dest.as_str());
            if let Some(e) = m.entries.get(&a.dest)
                && links_to_source(root, &a.dest, e)
            {
                checked += 1;
                continue;
            }
            let meta = d_meta
                .as_ref()
                .filter(|m| m.is_dir())
                .and_then(|_| fs::symlink_metadata(root.join(&a.dest)).ok());
            let entry = m.entries.get(&a.dest);
            let Some(meta) = meta else {
                if !m.lazy || a.critical {
                    checked += 1;
                    push(
                        Kind::Missing,
                        &a.dest,
                        Some(&a.source),
                        "not linked; run setup".into(),
                    );
                }
                continue;
            };
            checked += 1;
            match entry {
                Some(e) => {
                    let check = verify(root, &a.dest, e, &meta);
                    report(&mut push, &a.dest, Some(&a.source), check);
                }
                None => push(
                    Kind::Foreign,
                    &a.dest,
                    Some(&a.source),
                    "exists but was not made by warmstart".into(),
                ),
            }
        }
    }
    // Entries left from assets whose source is gone.
    for (path, e) in &m.entries {
        if e.mode == crate::link::Mode::Dir || covered.contains(path.as_str()) {
            continue;
        }
        if let Ok(meta) = fs::symlink_metadata(root.join(path)) {
            checked += 1;
            let (kind, detail) = match verify(root, path, e, &meta) {
                Check::Dangling => (Kind::Dangling, "its source is gone; run setup"),
                _ => (Kind::Stale, "its source is no longer an asset; run setup"),
            };
            push(kind, path, e.source.as_deref(), detail.into());
        }
    }
    problems.sort_by(|a, b| (a.kind, &a.path).cmp(&(b.kind, &b.path)));
    Ok(ValidateReport {
        ok: problems.is_empty(),
        assets: plan.assets.len(),
        checked,
        lazy: m.lazy,
        problems,
    })
}

fn report(
    push: &mut impl FnMut(Kind, &str, Option<&str>, String),
    path: &str,
    source: Option<&str>,
    check: Check,
) {
    match check {
        Check::Valid => {}
        Check::Dangling => push(Kind::Dangling, path, source, "its target is gone".into()),
        Check::Stale(why) => push(Kind::Stale, path, source, why),
        Check::Foreign => push(
            Kind::Foreign,
            path,
            source,
            "replaced by something warmstart did not make".into(),
        ),
    }
}
