//! What Linux's `/proc` says about processes: parents, groups, state and
//! resident memory. Used to measure the whole server tree and to prove
//! nothing is left behind.

use std::collections::HashMap;

/// One process as `/proc/<pid>/stat` describes it.
#[derive(Debug, Clone, Copy)]
pub struct ProcInfo {
    pub pid: u32,
    pub ppid: u32,
    pub pgrp: i32,
    pub state: char,
}

/// Reads `/proc/<pid>/stat`; `None` when the process is gone.
pub fn info(pid: u32) -> Option<ProcInfo> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses: split after the last `)`.
    let rest = &text[text.rfind(')')? + 2..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    let pgrp = fields.next()?.parse().ok()?;
    Some(ProcInfo {
        pid,
        ppid,
        pgrp,
        state,
    })
}

/// Every live process (zombies excluded).
pub fn all() -> Vec<ProcInfo> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut out: Vec<ProcInfo> = dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(info)
        .filter(|p| p.state != 'Z' && p.state != 'X')
        .collect();
    out.sort_by_key(|p| p.pid);
    out
}

/// Whether `pid` exists and is not a zombie.
pub fn alive(pid: u32) -> bool {
    info(pid).is_some_and(|p| p.state != 'Z' && p.state != 'X')
}

/// `root` and all its live descendants, by parent links.
pub fn descendants(root: u32) -> Vec<u32> {
    let procs = all();
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for p in &procs {
        children.entry(p.ppid).or_default().push(p.pid);
    }
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(pid) = stack.pop() {
        if procs.iter().any(|p| p.pid == pid) {
            out.push(pid);
        }
        if let Some(kids) = children.get(&pid) {
            stack.extend(kids);
        }
    }
    out.sort_unstable();
    out
}

/// Live processes whose process group is `pgid`.
pub fn group_members(pgid: i32) -> Vec<u32> {
    all()
        .into_iter()
        .filter(|p| p.pgrp == pgid)
        .map(|p| p.pid)
        .collect()
}

/// Resident memory of one process in bytes (`VmRSS`), 0 when unknown.
pub fn rss(pid: u32) -> u64 {
    let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return 0;
    };
    text.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Resident memory of `root` and all its descendants, in bytes.
pub fn tree_rss(root: u32) -> u64 {
    descendants(root).into_iter().map(rss).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sees_itself() {
        let me = std::process::id();
        let p = info(me).expect("own stat");
        assert_eq!(p.pid, me);
        assert!(alive(me));
        assert!(rss(me) > 0);
        assert!(descendants(me).contains(&me));
    }
}
