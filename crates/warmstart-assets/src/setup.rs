//! `setup`: make the plan true on disk, incrementally. Decide per folder and
//! per file (keep, create, replace, conflict), record the intent in the
//! manifest, act, then record the outcome. A run killed at any point is
//! repaired by the next: pending entries that exist are adopted, the rest
//! forgotten, and temporary files removed.

use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::Path;

use serde::Serialize;

use crate::Assets;
use crate::config::ModeChoice;
use crate::error::{AssetsError, Result};
use crate::link::{Linker, Mode, dir_mode, file_chain, min_rank};
use crate::manifest::{Entry, Manifest};
use crate::plan::{Group, Plan, parent};
use crate::verify::{Check, links_to_source, settle_pending, verify};

/// How `setup` runs.
pub struct SetupOptions<'a> {
    pub mode: ModeChoice,
    /// Replace what warmstart did not make.
    pub force: bool,
    /// Materialize only critical assets.
    pub lazy: bool,
    pub linker: &'a dyn Linker,
    /// Called with (done, total) as work proceeds.
    pub progress: &'a dyn Fn(usize, usize),
}

/// One path made.
#[derive(Debug, Clone, Serialize)]
pub struct Made {
    pub path: String,
    pub mode: Mode,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A path left alone (conflict) or that could not be made (failure).
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub reason: String,
}

/// A mode refused for a path, and the one used instead.
#[derive(Debug, Clone, Serialize)]
pub struct Fallback {
    pub path: String,
    pub refused: Mode,
    pub reason: String,
}

/// What `setup` did.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetupReport {
    pub assets: usize,
    pub folders: usize,
    pub created: Vec<Made>,
    pub removed: Vec<String>,
    /// Destinations already right.
    pub kept: usize,
    /// Non-critical assets left to `assets serve` (lazy mode).
    pub deferred: usize,
    pub conflicts: Vec<Problem>,
    pub failed: Vec<Problem>,
    pub fallbacks: Vec<Fallback>,
    /// Leftovers of an interrupted run that were adopted or removed.
    pub repaired: Vec<String>,
    /// How every asset is materialized now, by mode (a folder link counts
    /// each file it shows).
    pub modes: BTreeMap<Mode, usize>,
    pub manifest: String,
    /// Source entries left out because their names are not UTF-8.
    pub skipped: Vec<String>,
}

/// One step of a `setup`, decided before anything is written.
pub(crate) enum Op {
    Remove {
        path: String,
        mode: Mode,
    },
    MakeDir {
        path: String,
    },
    LinkGroup {
        group: usize,
        source: String,
        mode: Mode,
    },
    Link {
        asset: usize,
    },
}

/// lstat with a cache: many groups share ancestors.
struct Stat<'a> {
    root: &'a Path,
    cache: HashMap<String, Option<fs::Metadata>>,
}

impl Stat<'_> {
    fn get(&mut self, path: &str) -> Option<fs::Metadata> {
        if let Some(m) = self.cache.get(path) {
            return m.clone();
        }
        let m = fs::symlink_metadata(self.root.join(path)).ok();
        self.cache.insert(path.to_string(), m.clone());
        m
    }
}

pub(crate) fn setup(assets: &Assets, opts: &SetupOptions<'_>) -> Result<SetupReport> {
    let root = assets.root.as_path();
    let mut m = Manifest::load(&assets.manifest_path)?;
    let mut report = SetupReport {
        manifest: assets.manifest_display(),
        ..SetupReport::default()
    };
    let repaired = repair(root, &mut m, &mut report);
    let plan = crate::plan::build(root, &assets.rules, &m.scan, opts.lazy)?;
    report.assets = plan.assets.len();
    report.skipped = plan.scan.skipped.clone();
    report.folders = plan.groups.len();
    let mut stat = Stat {
        root,
        cache: HashMap::new(),
    };
    let ops = decide(assets, &plan, &mut m, &mut stat, opts, &mut report)?;
    let scan_changed = plan.rescanned && m.scan != plan.scan;
    m.scan = plan.scan.clone();
    let lazy_changed = m.lazy != opts.lazy;
    m.lazy = opts.lazy;
    if ops.is_empty() {
        if scan_changed || lazy_changed || repaired {
            m.save(&assets.manifest_path)?;
        }
        count_modes(&plan, &m, &mut report);
        return Ok(report);
    }
    // Intent first: everything about to be created is in the manifest
    // before it exists, so a kill at any point leaves nothing unrecorded.
    for op in &ops {
        let (path, entry) = match op {
            Op::MakeDir { path } => (path.clone(), Entry::new(Mode::Dir, None)),
            Op::LinkGroup {
                group,
                source,
                mode,
            } => (
                plan.groups[*group].dest_dir.clone(),
                Entry::new(*mode, Some(source.clone())),
            ),
            Op::Link { asset } => {
                let a = &plan.assets[*asset];
                let first = file_chain(opts.mode)[0];
                (a.dest.clone(), Entry::new(first, Some(a.source.clone())))
            }
            Op::Remove { .. } => continue,
        };
        m.entries.insert(
            path,
            Entry {
                pending: true,
                ..entry
            },
        );
    }
    m.save_intent(&assets.manifest_path)?;
    let total = ops.len();
    let mut done = 0;
    // Removals and folders first, in order; then the per-app folder links,
    // whose system calls run in parallel (on Cal.com they are 96 `symlink`
    // calls and most of the run); then per-file links, whose folders exist
    // by then. The manifest is updated in plan order either way.
    let is_group = |op: &&Op| matches!(op, Op::LinkGroup { .. });
    let is_file = |op: &&Op| matches!(op, Op::Link { .. });
    for op in ops.iter().filter(|op| !is_group(op) && !is_file(op)) {
        crate::apply::run_op(assets, &plan, op, &mut m, opts, &mut report)?;
        done += 1;
        (opts.progress)(done, total);
    }
    let groups: Vec<&Op> = ops.iter().filter(is_group).collect();
    let linker = opts.linker;
    let outcomes: Vec<std::io::Result<Option<String>>> = groups
        .par_iter()
        .map(|op| crate::apply::link_group(assets, &plan, op, linker))
        .collect();
    for (op, outcome) in groups.into_iter().zip(outcomes) {
        crate::apply::finish_group(assets, &plan, op, outcome, &mut m, opts, &mut report)?;
        done += 1;
        (opts.progress)(done, total);
    }
    for op in ops.iter().filter(is_file) {
        crate::apply::run_op(assets, &plan, op, &mut m, opts, &mut report)?;
        done += 1;
        (opts.progress)(done, total);
    }
    // Folders warmstart made that no longer hold anything of ours.
    let needed: BTreeSet<&str> = m
        .entries
        .iter()
        .filter(|(_, e)| e.mode != Mode::Dir)
        .flat_map(|(p, _)| ancestors(p))
        .collect();
    let unneeded: Vec<String> = m
        .entries
        .iter()
        .filter(|(p, e)| e.mode == Mode::Dir && !needed.contains(p.as_str()))
        .map(|(p, _)| p.clone())
        .rev()
        .collect();
    for path in unneeded {
        // A folder that still holds a user's file stays, and is theirs now.
        if fs::remove_dir(root.join(&path)).is_ok() {
            report.removed.push(path.clone());
        }
        m.entries.remove(&path);
    }
    m.save(&assets.manifest_path)?;
    report.removed.sort();
    // Deterministic output: everything by repo-relative path.
    report.created.sort_by(|a, b| a.path.cmp(&b.path));
    report
        .fallbacks
        .sort_by(|a, b| (&a.path, a.refused).cmp(&(&b.path, b.refused)));
    report.failed.sort_by(|a, b| a.path.cmp(&b.path));
    report.conflicts.sort_by(|a, b| a.path.cmp(&b.path));
    count_modes(&plan, &m, &mut report);
    Ok(report)
}

fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(i, _)| &path[..i])
}

fn count_modes(plan: &Plan, m: &Manifest, report: &mut SetupReport) {
    let mut modes = BTreeMap::new();
    for g in &plan.groups {
        if let Some(e) = m.entries.get(&g.dest_dir).filter(|e| e.mode.is_link()) {
            *modes.entry(e.mode).or_default() += g.assets.len();
            continue;
        }
        for &i in &g.assets {
            if let Some(e) = m.entries.get(&plan.assets[i].dest) {
                *modes.entry(e.mode).or_default() += 1;
            }
        }
    }
    report.modes = modes;
}

/// Settles pending entries of an interrupted run (see
/// [`settle_pending`]) and removes its temporary files.
fn repair(root: &Path, m: &mut Manifest, report: &mut SetupReport) -> bool {
    let folders: BTreeSet<String> = m
        .entries
        .iter()
        .filter(|(_, e)| e.pending)
        .map(|(p, _)| parent(p).to_string())
        .collect();
    if folders.is_empty() {
        return false;
    }
    report.repaired.extend(settle_pending(root, m));
    for folder in folders {
        let Ok(dir) = fs::read_dir(root.join(&folder)) else {
            continue;
        };
        for entry in dir.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(warmstart_fs::TEMP_PREFIX) && fs::remove_file(entry.path()).is_ok()
            {
                report.repaired.push(format!("{folder}/{name}: removed"));
            }
        }
    }
    true
}

/// Compares the plan with the manifest and the disk: what to remove, which
/// folders to make, what to link (in that order).
fn decide(
    assets: &Assets,
    plan: &Plan,
    m: &mut Manifest,
    stat: &mut Stat<'_>,
    opts: &SetupOptions<'_>,
    report: &mut SetupReport,
) -> Result<Vec<Op>> {
    let mut decision = Decision {
        assets,
        plan,
        opts,
        root: assets.root.as_path(),
        rank: min_rank(opts.mode),
        removes: Vec::new(),
        mkdirs: BTreeSet::new(),
        links: Vec::new(),
        touched: BTreeSet::new(),
    };
    for (gi, g) in plan.groups.iter().enumerate() {
        decision.group(gi, g, m, stat, report)?;
    }
    decision.obsolete(m);
    let mut ops = decision.removes;
    ops.extend(decision.mkdirs.into_iter().map(|path| Op::MakeDir { path }));
    ops.extend(decision.links);
    Ok(ops)
}

/// What [`decide`] gathers, group by group.
struct Decision<'a, 'o> {
    assets: &'a Assets,
    plan: &'a Plan,
    opts: &'a SetupOptions<'o>,
    root: &'a Path,
    /// The least link rank that is good enough (a copy is not when links work).
    rank: u8,
    removes: Vec<Op>,
    mkdirs: BTreeSet<String>,
    links: Vec<Op>,
    /// Destinations the plan still has (the others are obsolete).
    touched: BTreeSet<String>,
}

impl Decision<'_, '_> {
    /// One destination folder: kept as a whole, linked as a whole, or
    /// made and filled file by file.
    fn group(
        &mut self,
        gi: usize,
        g: &Group,
        m: &mut Manifest,
        stat: &mut Stat<'_>,
        report: &mut SetupReport,
    ) -> Result<()> {
        let d = g.dest_dir.as_str();
        check_ancestors(self.assets, stat, d, &mut self.mkdirs)?;
        if let Some(e) = m.entries.get(d)
            && e.source == g.link_source
            && e.mode.rank() >= self.rank
            && links_to_source(self.root, d, e)
        {
            report.kept += g.assets.len();
            self.touched.insert(d.to_string());
            return Ok(());
        }
        let mut d_meta = if self.mkdirs.iter().any(|p| d.starts_with(&format!("{p}/"))) {
            None
        } else {
            stat.get(d)
        };
        if self.recorded_folder(g, m, &mut d_meta) {
            report.kept += g.assets.len();
            self.touched.insert(d.to_string());
            return Ok(());
        }
        let exists_as_dir = d_meta.as_ref().is_some_and(|meta| meta.is_dir());
        if let Some(meta) = &d_meta
            && !meta.is_dir()
            && !self.replace_foreign_folder(g, meta, report)
        {
            return Ok(());
        }
        if !exists_as_dir {
            if let (Some(src), Some(mode), false) =
                (&g.link_source, dir_mode(self.opts.mode), self.opts.lazy)
            {
                self.links.push(Op::LinkGroup {
                    group: gi,
                    source: src.clone(),
                    mode,
                });
                self.touched.insert(d.to_string());
                return Ok(());
            }
            self.mkdirs.insert(d.to_string());
        }
        self.touched.insert(d.to_string());
        let links_before = self.links.len();
        for &i in &g.assets {
            self.asset(i, exists_as_dir, m, stat, report);
        }
        // A folder for nothing (lazy mode, no critical file here) is not made.
        if !exists_as_dir && self.links.len() == links_before {
            self.mkdirs.remove(d);
        }
        Ok(())
    }

    /// What the manifest says of the folder `g` goes to. `true`: a valid
    /// link to the right source, kept. Otherwise a stale one is removed
    /// (and `d_meta` cleared) and a vanished or foreign one forgotten.
    fn recorded_folder(
        &mut self,
        g: &Group,
        m: &mut Manifest,
        d_meta: &mut Option<fs::Metadata>,
    ) -> bool {
        let d = g.dest_dir.as_str();
        let Some(e) = m.entries.get(d).cloned() else {
            return false;
        };
        if e.mode.is_link() {
            let check = d_meta.as_ref().map(|meta| verify(self.root, d, &e, meta));
            let same_source = e.source == g.link_source;
            if check == Some(Check::Valid) && same_source && e.mode.rank() >= self.rank {
                return true;
            }
            match check {
                Some(Check::Foreign) | None => {
                    m.entries.remove(d);
                }
                Some(_) => {
                    self.removes.push(Op::Remove {
                        path: d.to_string(),
                        mode: e.mode,
                    });
                    *d_meta = None;
                }
            }
        } else if e.mode == Mode::Dir && d_meta.is_none() {
            m.entries.remove(d);
        }
        false
    }

    /// A file or link where `g`'s folder goes, not warmstart's: replaced
    /// with `--force` or when it is the link warmstart would make (a `kill
    /// -9` made it before the manifest recorded it); else every asset of
    /// the group is a conflict and `false` is returned.
    fn replace_foreign_folder(
        &mut self,
        g: &Group,
        meta: &fs::Metadata,
        report: &mut SetupReport,
    ) -> bool {
        let d = g.dest_dir.as_str();
        let reason = format!(
            "{d} is a {} that warmstart did not make",
            if meta.is_symlink() { "link" } else { "file" }
        );
        let ours = meta.is_symlink()
            && g.link_source.as_deref().is_some_and(|s| {
                fs::read_link(self.root.join(d)).is_ok_and(|t| t == crate::plan::link_target(d, s))
            });
        if !self.opts.force && !ours {
            for &i in &g.assets {
                report.conflicts.push(Problem {
                    path: self.plan.assets[i].dest.clone(),
                    source: Some(self.plan.assets[i].source.clone()),
                    reason: reason.clone(),
                });
            }
            return false;
        }
        self.removes.push(Op::Remove {
            path: d.to_string(),
            mode: Mode::Symlink,
        });
        true
    }

    /// One file of a folder made file by file.
    fn asset(
        &mut self,
        i: usize,
        exists_as_dir: bool,
        m: &mut Manifest,
        stat: &mut Stat<'_>,
        report: &mut SetupReport,
    ) {
        let a = &self.plan.assets[i];
        self.touched.insert(a.dest.clone());
        let entry = m.entries.get(&a.dest).cloned();
        if let Some(e) = &entry
            && e.mode.rank() >= self.rank
            && links_to_source(self.root, &a.dest, e)
        {
            report.kept += 1;
            return;
        }
        let meta = if exists_as_dir {
            stat.get(&a.dest)
        } else {
            None
        };
        if self.opts.lazy && !a.critical && entry.is_none() && meta.is_none() {
            report.deferred += 1;
            return;
        }
        let Some(meta) = meta else {
            self.links.push(Op::Link { asset: i });
            return;
        };
        match entry.map(|e| (verify(self.root, &a.dest, &e, &meta), e)) {
            Some((Check::Valid, e)) if e.mode.rank() >= self.rank => report.kept += 1,
            Some((Check::Valid | Check::Stale(_) | Check::Dangling, e)) => {
                self.removes.push(Op::Remove {
                    path: a.dest.clone(),
                    mode: e.mode,
                });
                self.links.push(Op::Link { asset: i });
            }
            foreign => {
                if foreign.is_some() {
                    m.entries.remove(&a.dest);
                }
                if self.opts.force {
                    self.removes.push(Op::Remove {
                        path: a.dest.clone(),
                        mode: if meta.is_dir() {
                            Mode::Dir
                        } else {
                            Mode::Symlink
                        },
                    });
                    self.links.push(Op::Link { asset: i });
                } else {
                    report.conflicts.push(Problem {
                        path: a.dest.clone(),
                        source: Some(a.source.clone()),
                        reason: "exists and was not made by warmstart (use --force to replace it)"
                            .into(),
                    });
                }
            }
        }
    }

    /// Entries for assets that no longer exist: removed when still ours.
    fn obsolete(&mut self, m: &mut Manifest) {
        let obsolete: Vec<(String, Entry)> = m
            .entries
            .iter()
            .filter(|(p, e)| e.mode != Mode::Dir && !self.touched.contains(p.as_str()))
            .map(|(p, e)| (p.clone(), e.clone()))
            .collect();
        for (path, e) in obsolete {
            match fs::symlink_metadata(self.root.join(&path)) {
                Ok(meta) if verify(self.root, &path, &e, &meta) != Check::Foreign => {
                    self.removes.push(Op::Remove { path, mode: e.mode })
                }
                _ => {
                    m.entries.remove(&path);
                }
            }
        }
    }
}

/// Every existing folder above a destination folder must be a real folder
/// inside the root; missing ones are made (and recorded).
fn check_ancestors(
    assets: &Assets,
    stat: &mut Stat<'_>,
    dest_dir: &str,
    mkdirs: &mut BTreeSet<String>,
) -> Result<()> {
    for anc in ancestors(dest_dir) {
        match stat.get(anc) {
            None => {
                mkdirs.insert(anc.to_string());
            }
            Some(meta) if meta.is_symlink() => {
                let real = fs::canonicalize(assets.root.join(anc)).unwrap_or_default();
                let why = if real.starts_with(&assets.root_real) {
                    "it is a link, so relative links below it would point elsewhere".to_string()
                } else {
                    format!("it links to {}, outside the repository", real.display())
                };
                return Err(AssetsError::OutsideRoot {
                    path: anc.to_string(),
                    why,
                });
            }
            Some(meta) if !meta.is_dir() => {
                return Err(AssetsError::Io {
                    action: "cannot create folders below",
                    path: assets.root.join(anc),
                    source: std::io::Error::new(std::io::ErrorKind::NotADirectory, "it is a file"),
                });
            }
            Some(_) => {}
        }
    }
    Ok(())
}
