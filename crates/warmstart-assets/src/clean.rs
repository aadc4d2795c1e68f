//! `clean`: remove exactly what the manifest says warmstart made, and only
//! while it is still what warmstart made. A user's file beside an asset, or
//! one that replaced an asset, is left alone.

use std::fs;

use serde::Serialize;

use crate::Assets;
use crate::error::{Result, io_err};
use crate::link::{self, Mode};
use crate::manifest::Manifest;
use crate::setup::Problem;
use crate::verify::{Check, verify};

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CleanReport {
    pub removed: Vec<String>,
    /// Recorded paths left in place, with why.
    pub kept: Vec<Problem>,
    pub manifest: String,
}

pub(crate) fn clean(assets: &Assets) -> Result<CleanReport> {
    let root = assets.root.as_path();
    let mut m = Manifest::load(&assets.manifest_path)?;
    // What an interrupted run made is warmstart's too.
    crate::verify::settle_pending(root, &mut m);
    let mut report = CleanReport {
        manifest: assets.manifest_display(),
        ..CleanReport::default()
    };
    // Reverse order: a folder's contents come before the folder.
    for (path, e) in m.entries.iter().rev() {
        let abs = root.join(path);
        let Ok(meta) = fs::symlink_metadata(&abs) else {
            continue;
        };
        let check = verify(root, path, e, &meta);
        let ours = match (e.mode, &check) {
            (_, Check::Foreign) => false,
            // An edited copy holds someone's work: keep it.
            (Mode::Copy | Mode::Reflink, Check::Stale(why)) if why.contains("edited") => false,
            _ => true,
        };
        if !ours {
            report.kept.push(Problem {
                path: path.clone(),
                source: e.source.clone(),
                reason: "changed since warmstart made it".into(),
            });
            continue;
        }
        match link::remove(e.mode, &abs) {
            Ok(()) => report.removed.push(path.clone()),
            Err(_) if e.mode == Mode::Dir => report.kept.push(Problem {
                path: path.clone(),
                source: None,
                reason: "folder holds files warmstart did not make".into(),
            }),
            Err(err) => return Err(io_err("cannot remove", abs)(err)),
        }
    }
    crate::manifest::remove_intent(&assets.manifest_path)?;
    match fs::remove_file(&assets.manifest_path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_err("cannot remove", &assets.manifest_path)(e)),
    }
    report.removed.sort();
    report.kept.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(report)
}
