//! From configuration to a plan: walk the sources (or reuse the cached walk
//! while no source folder changed), map each file with the rules
//! (`{dir}`, `[name]`, `[ext]`), refuse collisions and anything outside the
//! root, and group destinations by folder so a whole app can be one link.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use warmstart_cache::Change;

use crate::config::AssetsConfig;
use crate::error::{AssetsError, Result};
use crate::glob::{FromPattern, Globs};
use crate::manifest::{DirInfo, ScanCache};

/// One source file and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub source: String,
    pub dest: String,
    pub critical: bool,
}

/// The destinations that share a folder.
#[derive(Debug, Clone)]
pub struct Group {
    pub dest_dir: String,
    /// Indexes into [`Plan::assets`].
    pub assets: Vec<usize>,
    /// The one source folder that holds exactly these files, when a single
    /// folder link can stand for the whole group.
    pub link_source: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Plan {
    /// Sorted by destination.
    pub assets: Vec<Asset>,
    pub groups: Vec<Group>,
    pub scan: ScanCache,
    /// The walk was redone (the cached one was out of date).
    pub rescanned: bool,
}

/// Compiled rules.
pub struct Rules {
    pub(crate) rules: Vec<(FromPattern, String)>,
    pub(crate) exclude: Globs,
    critical: Globs,
    pub(crate) key: String,
}

impl Rules {
    pub fn new(config: &AssetsConfig) -> Result<Rules> {
        if config.rules.is_empty() {
            return Err(AssetsError::NoRules);
        }
        let mut rules = Vec::new();
        for rule in &config.rules {
            let to = &rule.to;
            if to.starts_with('/') || to.contains('\\') || to.split('/').any(|s| s == "..") {
                return Err(AssetsError::OutsideRoot {
                    path: to.clone(),
                    why: "a `to` template must be relative to the root, with no `..`".into(),
                });
            }
            rules.push((FromPattern::new(&rule.from)?, to.clone()));
        }
        let key = serde_json::json!([config.rules, config.exclude]).to_string();
        Ok(Rules {
            rules,
            exclude: Globs::new("exclude", &config.exclude)?,
            critical: Globs::new("critical", &config.critical)?,
            key,
        })
    }

    pub fn is_critical(&self, source: &str) -> bool {
        self.critical.is_match(source)
    }
}

/// Builds the plan, walking only when `cached` is out of date. `critical`
/// says whether to mark critical assets (lazy mode needs it; matching the
/// globs costs a no-change run more than it needs).
pub fn build(root: &Path, rules: &Rules, cached: &ScanCache, critical: bool) -> Result<Plan> {
    let (scan, rescanned) = if cache_is_fresh(root, rules, cached) {
        (cached.clone(), false)
    } else {
        (crate::walk::walk(root, rules)?, true)
    };
    let mut by_dest: BTreeMap<String, String> = BTreeMap::new();
    for file in &scan.files {
        for (pattern, to) in &rules.rules {
            let Some(dir) = pattern.matches(file) else {
                continue;
            };
            if dir.is_empty() && to.contains("{dir}") {
                return Err(AssetsError::EmptyDir {
                    source_path: file.clone(),
                    from: pattern.glob.clone(),
                });
            }
            let dest = render(to, dir, file);
            if let Some(first) = by_dest.get(&dest) {
                if first != file {
                    let (first, second) = if first < file {
                        (first.clone(), file.clone())
                    } else {
                        (file.clone(), first.clone())
                    };
                    return Err(AssetsError::Collision {
                        dest,
                        first,
                        second,
                    });
                }
                continue;
            }
            by_dest.insert(dest, file.clone());
        }
    }
    let assets: Vec<Asset> = by_dest
        .into_iter()
        .map(|(dest, source)| Asset {
            critical: critical && rules.is_critical(&source),
            source,
            dest,
        })
        .collect();
    let dirs: BTreeMap<&str, &DirInfo> = scan.dirs.iter().map(|d| (d.path.as_str(), d)).collect();
    let mut groups: Vec<Group> = Vec::new();
    for (i, asset) in assets.iter().enumerate() {
        let dest_dir = parent(&asset.dest);
        match groups.last_mut() {
            Some(g) if g.dest_dir == dest_dir => g.assets.push(i),
            _ => groups.push(Group {
                dest_dir: dest_dir.to_string(),
                assets: vec![i],
                link_source: None,
            }),
        }
    }
    for group in &mut groups {
        group.link_source = link_source(group, &assets, &dirs);
    }
    Ok(Plan {
        assets,
        groups,
        scan,
        rescanned,
    })
}

/// A group can be one folder link when every file comes from one pure
/// source folder, keeps its name, and that folder holds nothing else.
fn link_source(group: &Group, assets: &[Asset], dirs: &BTreeMap<&str, &DirInfo>) -> Option<String> {
    let first = &assets[group.assets[0]];
    let src_dir = parent(&first.source);
    for &i in &group.assets {
        let a = &assets[i];
        if parent(&a.source) != src_dir || file_name(&a.source) != file_name(&a.dest) {
            return None;
        }
    }
    let info = dirs.get(src_dir)?;
    (info.pure && info.files as usize == group.assets.len()).then(|| src_dir.to_string())
}

pub fn parent(path: &str) -> &str {
    path.rsplit_once('/').map(|(p, _)| p).unwrap_or("")
}

pub fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map(|(_, n)| n).unwrap_or(path)
}

/// Fills a `to` template like webpack: `[name]` is the file name without
/// its last extension, `[ext]` that extension with its dot.
fn render(to: &str, dir: &str, source: &str) -> String {
    let file = file_name(source);
    let (name, ext) = match file.rfind('.') {
        Some(i) if i > 0 => (&file[..i], &file[i..]),
        _ => (file, ""),
    };
    to.replace("{dir}", dir)
        .replace("[name]", name)
        .replace("[ext]", ext)
}

/// The relative link target from `dest`'s folder to `source` (both
/// repo-relative), so the repository can move without breaking links.
pub fn link_target(dest: &str, source: &str) -> PathBuf {
    let from: Vec<&str> = parent(dest).split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = source.split('/').collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for part in &to[common..] {
        out.push(part);
    }
    out
}

/// The assets have no cache settings: their walk is trusted as soon as no
/// folder changed after it started (recorded then, see `walk`).
const SETTLE: Duration = Duration::ZERO;

fn cache_is_fresh(root: &Path, rules: &Rules, cached: &ScanCache) -> bool {
    cached.key == rules.key
        && !cached.inputs.paths.is_empty()
        && cached.inputs.check(root, SETTLE, &|_| None) == Change::Unchanged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_like_webpack() {
        assert_eq!(
            render("p/{dir}/[name][ext]", "a", "x/a/static/icon.svg"),
            "p/a/icon.svg"
        );
        assert_eq!(
            render("p/{dir}/[name][ext]", "a", "x/a/static/a.tar.gz"),
            "p/a/a.tar.gz"
        );
        assert_eq!(
            render("p/{dir}/[name][ext]", "a", "x/a/static/LICENSE"),
            "p/a/LICENSE"
        );
    }

    #[test]
    fn relative_targets() {
        assert_eq!(
            link_target(
                "apps/web/public/app-store/alby",
                "packages/app-store/alby/static"
            ),
            PathBuf::from("../../../../packages/app-store/alby/static")
        );
        assert_eq!(
            link_target("a/b/x.svg", "a/c/x.svg"),
            PathBuf::from("../c/x.svg")
        );
    }
}
