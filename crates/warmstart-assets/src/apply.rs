//! Carrying out `setup`'s decisions: remove, make folders, link through the
//! fallback chain, and record each outcome in the manifest as it happens.

use std::fs;

use crate::Assets;
use crate::error::{Result, io_err};
use crate::link::{self, LinkRequest, Mode, file_chain};
use crate::manifest::{Entry, Manifest};
use crate::plan::{Plan, link_target};
use crate::setup::{Fallback, Made, Op, Problem, SetupOptions, SetupReport};
use crate::verify::record_copy;

pub(crate) fn run_op(
    assets: &Assets,
    plan: &Plan,
    op: &Op,
    m: &mut Manifest,
    opts: &SetupOptions<'_>,
    report: &mut SetupReport,
) -> Result<()> {
    let root = assets.root.as_path();
    match op {
        Op::Remove { path, mode } => {
            let abs = root.join(path);
            let res = if *mode == Mode::Dir {
                fs::remove_dir_all(&abs)
            } else {
                link::remove(*mode, &abs)
            };
            match res {
                Ok(()) => report.removed.push(path.clone()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_err("cannot remove", abs)(e)),
            }
            m.entries.remove(path);
        }
        Op::MakeDir { path } => {
            let abs = root.join(path);
            match fs::create_dir(&abs) {
                Ok(()) => {
                    report.created.push(Made {
                        path: path.clone(),
                        mode: Mode::Dir,
                        source: None,
                    });
                    m.entries.insert(path.clone(), Entry::new(Mode::Dir, None));
                }
                // Someone made it meanwhile: it is theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    m.entries.remove(path);
                }
                Err(e) => return Err(io_err("cannot create", abs)(e)),
            }
        }
        Op::LinkGroup { .. } => {
            let outcome = link_group(assets, plan, op, opts.linker);
            finish_group(assets, plan, op, outcome, m, opts, report)?;
        }
        Op::Link { asset } => link_file(root, plan, *asset, m, opts, report),
    }
    Ok(())
}

/// The system call of a [`Op::LinkGroup`] alone, so that many can run at
/// once (each app's folder link is independent of the others).
pub(crate) fn link_group(
    assets: &Assets,
    plan: &Plan,
    op: &Op,
    linker: &dyn link::Linker,
) -> std::io::Result<Option<String>> {
    let Some((group, source, mode)) = group_of(op) else {
        return Ok(None);
    };
    let root = assets.root.as_path();
    let d = &plan.groups[*group].dest_dir;
    let target = link_target(d, source);
    let req = LinkRequest {
        source: &root.join(source),
        target: &target,
        dest: &root.join(d),
    };
    linker.link(*mode, req)
}

/// Records the outcome of [`link_group`]; a refusal falls back to a folder
/// with a link per file.
pub(crate) fn finish_group(
    assets: &Assets,
    plan: &Plan,
    op: &Op,
    outcome: std::io::Result<Option<String>>,
    m: &mut Manifest,
    opts: &SetupOptions<'_>,
    report: &mut SetupReport,
) -> Result<()> {
    let Some((group, source, mode)) = group_of(op) else {
        return Ok(());
    };
    let g = &plan.groups[*group];
    let d = &g.dest_dir;
    match outcome {
        Ok(_) => {
            m.entries
                .insert(d.clone(), Entry::new(*mode, Some(source.clone())));
            report.created.push(Made {
                path: d.clone(),
                mode: *mode,
                source: Some(source.clone()),
            });
        }
        Err(e) if link::is_refusal(&e) => {
            report.fallbacks.push(Fallback {
                path: d.clone(),
                refused: *mode,
                reason: e.to_string(),
            });
            // Per-file instead: record the new intent, then make
            // the folder and each file.
            m.entries.insert(
                d.clone(),
                Entry {
                    pending: true,
                    ..Entry::new(Mode::Dir, None)
                },
            );
            for &i in &g.assets {
                let a = &plan.assets[i];
                let first = file_chain(opts.mode)[0];
                m.entries.insert(
                    a.dest.clone(),
                    Entry {
                        pending: true,
                        ..Entry::new(first, Some(a.source.clone()))
                    },
                );
            }
            m.save_intent(&assets.manifest_path)?;
            run_op(
                assets,
                plan,
                &Op::MakeDir { path: d.clone() },
                m,
                opts,
                report,
            )?;
            for &i in &g.assets {
                run_op(assets, plan, &Op::Link { asset: i }, m, opts, report)?;
            }
        }
        Err(e) => {
            m.entries.remove(d);
            report.failed.push(Problem {
                path: d.clone(),
                source: Some(source.clone()),
                reason: e.to_string(),
            });
        }
    }
    Ok(())
}

fn link_file(
    root: &std::path::Path,
    plan: &Plan,
    asset: usize,
    m: &mut Manifest,
    opts: &SetupOptions<'_>,
    report: &mut SetupReport,
) {
    let a = &plan.assets[asset];
    let target = link_target(&a.dest, &a.source);
    let req = LinkRequest {
        source: &root.join(&a.source),
        target: &target,
        dest: &root.join(&a.dest),
    };
    let mut last = None;
    for &mode in file_chain(opts.mode) {
        match opts.linker.link(mode, req) {
            Ok(hash) => {
                let mut entry = Entry::new(mode, Some(a.source.clone()));
                if mode.is_copy() {
                    record_copy(root, &a.dest, &mut entry, hash);
                }
                m.entries.insert(a.dest.clone(), entry);
                report.created.push(Made {
                    path: a.dest.clone(),
                    mode,
                    source: Some(a.source.clone()),
                });
                last = None;
                break;
            }
            Err(e) if link::is_refusal(&e) && mode != Mode::Copy => {
                report.fallbacks.push(Fallback {
                    path: a.dest.clone(),
                    refused: mode,
                    reason: e.to_string(),
                });
            }
            Err(e) => {
                last = Some(e);
                break;
            }
        }
    }
    if let Some(e) = last {
        m.entries.remove(&a.dest);
        let reason = if e.kind() == std::io::ErrorKind::AlreadyExists {
            "appeared while warmstart was working; left alone".to_string()
        } else {
            e.to_string()
        };
        report.failed.push(Problem {
            path: a.dest.clone(),
            source: Some(a.source.clone()),
            reason,
        });
    }
}

/// The fields of an [`Op::LinkGroup`].
fn group_of(op: &Op) -> Option<(&usize, &String, &link::Mode)> {
    match op {
        Op::LinkGroup {
            group,
            source,
            mode,
        } => Some((group, source, mode)),
        _ => None,
    }
}
