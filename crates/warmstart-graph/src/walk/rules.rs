//! Which entries the walk skips: the rules of `.ignore`, `.gitignore`,
//! `.git/info/exclude` and the global excludes file, applied as the
//! `ignore` crate's walker applies them with the options the graph used
//! (`git_ignore`, `git_exclude`, `require_git(false)`, `hidden(false)`,
//! parents included), so the files found stay the same. Matching is the
//! crate's own ([`Gitignore`]); only the stacking of folders is here,
//! because the walk reads each folder once for its listing too.
//!
//! Per folder and kind, the deepest rule that matches decides; `.ignore`
//! wins over `.gitignore`, which wins over `info/exclude`, which wins over
//! the global file. Without `require_git`, no repository boundary stops
//! the parents' `.gitignore`s.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// The rules of one folder and of those above it that have any.
#[derive(Debug)]
pub(crate) struct Rules {
    parent: Option<Arc<Rules>>,
    ignore: Gitignore,
    git_ignore: Gitignore,
    git_exclude: Gitignore,
}

/// The ignore files a folder holds, as its listing says.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Found {
    pub ignore: bool,
    pub git_ignore: bool,
    pub git: bool,
}

impl Found {
    /// What `dir` holds, asking the system (the walk's parents, which are
    /// not listed).
    fn probe(dir: &Path) -> Found {
        Found {
            ignore: dir.join(".ignore").exists(),
            git_ignore: dir.join(".gitignore").exists(),
            git: dir.join(".git").exists(),
        }
    }
}

/// The chain of rules the walk of `root` starts with: those of every
/// folder above it, outermost first.
pub(crate) fn parents(root: &Path, errors: &mut Vec<String>) -> Option<Arc<Rules>> {
    let mut above: Vec<&Path> = root.ancestors().skip(1).collect();
    above.reverse();
    let mut chain = None;
    for dir in above {
        chain = child(chain, dir, Found::probe(dir), errors);
    }
    chain
}

/// The chain for `dir` (whose listing says what it holds) below `parent`:
/// `parent` itself when `dir` has no rules of its own.
pub(crate) fn child(
    parent: Option<Arc<Rules>>,
    dir: &Path,
    found: Found,
    errors: &mut Vec<String>,
) -> Option<Arc<Rules>> {
    if !found.ignore && !found.git_ignore && !found.git {
        return parent;
    }
    let ignore = if found.ignore {
        build(dir, &dir.join(".ignore"), errors)
    } else {
        Gitignore::empty()
    };
    let git_ignore = if found.git_ignore {
        build(dir, &dir.join(".gitignore"), errors)
    } else {
        Gitignore::empty()
    };
    let git_exclude = if found.git {
        match git_common_dir(dir, errors) {
            Some(git_dir) => build(dir, &git_dir.join("info/exclude"), errors),
            None => Gitignore::empty(),
        }
    } else {
        Gitignore::empty()
    };
    if ignore.is_empty() && git_ignore.is_empty() && git_exclude.is_empty() {
        return parent;
    }
    Some(Arc::new(Rules {
        parent,
        ignore,
        git_ignore,
        git_exclude,
    }))
}

/// A matcher rooted at `dir` from one file; an absent or unreadable file
/// (an I/O error, not reported) matches nothing, bad globs are warnings.
fn build(dir: &Path, file: &Path, errors: &mut Vec<String>) -> Gitignore {
    let mut builder = GitignoreBuilder::new(dir);
    if let Some(err) = builder.add(file)
        && !err.is_io()
    {
        errors.push(format!("walk: {err}"));
    }
    builder.build().unwrap_or_else(|err| {
        errors.push(format!("walk: {err}"));
        Gitignore::empty()
    })
}

/// Where `info/exclude` lives for the repository whose `.git` is in
/// `dir`: `.git` itself, or for a worktree (a `.git` file) its common
/// folder.
fn git_common_dir(dir: &Path, errors: &mut Vec<String>) -> Option<PathBuf> {
    let dot_git = dir.join(".git");
    let Ok(meta) = dot_git.metadata() else {
        return None;
    };
    if !meta.is_file() {
        return Some(dot_git);
    }
    let first_line = |path: &Path| -> Option<Result<String, std::io::Error>> {
        match std::fs::File::open(path) {
            Ok(file) => std::io::BufReader::new(file).lines().next(),
            Err(err) => Some(Err(err)),
        }
    };
    let line = match first_line(&dot_git)? {
        Ok(line) => line,
        Err(err) => {
            errors.push(format!("walk: {}: {err}", dot_git.display()));
            return None;
        }
    };
    let real = PathBuf::from(line.strip_prefix("gitdir: ")?);
    let common = match first_line(&real.join("commondir"))? {
        Ok(line) => line,
        Err(_) => return None,
    };
    Some(if common.starts_with('.') {
        real.join(common)
    } else {
        PathBuf::from(common)
    })
}

/// Whether `path` (absolute, a folder when `is_dir`) is skipped under
/// `chain` and the global excludes.
pub(crate) fn ignored(
    chain: Option<&Rules>,
    global: &Gitignore,
    path: &Path,
    is_dir: bool,
) -> bool {
    let (mut ignore, mut git_ignore, mut git_exclude) = (Match::None, Match::None, Match::None);
    let mut at = chain;
    while let Some(rules) = at {
        if ignore.is_none() {
            ignore = rules.ignore.matched(path, is_dir);
        }
        if git_ignore.is_none() {
            git_ignore = rules.git_ignore.matched(path, is_dir);
        }
        if git_exclude.is_none() {
            git_exclude = rules.git_exclude.matched(path, is_dir);
        }
        at = rules.parent.as_deref();
    }
    ignore
        .or(git_ignore)
        .or(git_exclude)
        .or(global.matched(path, is_dir))
        .is_ignore()
}
