//! Lazy mode's build-time manifest (`assets manifest`): every asset with its
//! URL, size, hash and whether it is critical (needed at first paint, from
//! the `critical` globs). `setup --lazy` materializes the critical ones and
//! `assets serve` the rest on first request.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Assets;
use crate::error::{Result, io_err};
use crate::plan::Plan;

pub const FILE_NAME: &str = "assets.json";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LazyManifest {
    pub version: u32,
    /// The public folder URLs are relative to.
    pub public_dir: String,
    pub assets: Vec<LazyAsset>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LazyAsset {
    /// Repo-relative destination.
    pub path: String,
    /// URL path under which Next.js serves it (`None`: outside `publicDir`).
    pub url: Option<String>,
    pub source: String,
    pub size: u64,
    pub hash: String,
    pub critical: bool,
}

/// The URL path of a destination below `public_dir`.
pub fn url_of(public_dir: &str, dest: &str) -> Option<String> {
    let public = public_dir.trim_end_matches('/');
    dest.strip_prefix(public)
        .and_then(|rest| rest.strip_prefix('/'))
        .map(|rest| format!("/{rest}"))
}

pub(crate) fn build(
    assets: &Assets,
    plan: &Plan,
    progress: &dyn Fn(usize, usize),
) -> Result<LazyManifest> {
    let mut out = Vec::with_capacity(plan.assets.len());
    let total = plan.assets.len();
    for (i, a) in plan.assets.iter().enumerate() {
        let src = assets.root.join(&a.source);
        let meta = std::fs::metadata(&src).map_err(io_err("cannot read", &src))?;
        let hash = crate::link::hash_file(&src).map_err(io_err("cannot read", &src))?;
        out.push(LazyAsset {
            path: a.dest.clone(),
            url: url_of(&assets.config.public_dir, &a.dest),
            source: a.source.clone(),
            size: meta.len(),
            hash,
            critical: a.critical,
        });
        progress(i + 1, total);
    }
    Ok(LazyManifest {
        version: crate::manifest::VERSION,
        public_dir: assets.config.public_dir.clone(),
        assets: out,
    })
}

/// Where `assets manifest` writes by default.
pub fn default_path(root: &Path, cache_dir: &str) -> PathBuf {
    root.join(cache_dir).join(FILE_NAME)
}

#[cfg(test)]
mod tests {
    #[test]
    fn urls_are_below_public() {
        assert_eq!(
            super::url_of("apps/web/public", "apps/web/public/app-store/a/icon.svg").as_deref(),
            Some("/app-store/a/icon.svg")
        );
        assert_eq!(super::url_of("apps/web/public", "apps/web/other/x"), None);
    }
}
