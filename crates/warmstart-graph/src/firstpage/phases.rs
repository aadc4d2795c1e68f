//! The report of a route's two closures, in four phases: groups per
//! package (with the chain each is entered through), barrel offenders
//! costed by reach-without-edge, suggestions per barrel, and their ranking.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;

use super::{
    BARREL_REEXPORTS, Closure, FirstPage, Group, NEXT_DEFAULTS, Offender, Side, SideTotals,
    Suggestion, SuggestionKind, direct, in_node_modules, installed, reach, rel,
};

/// An edge into a barrel of another package: `(importer, edge index)`.
type Candidate = (usize, usize);

/// Groups, barrel offenders and suggestions of the two closures (the
/// client's first `roots` nodes are its entries).
pub(crate) fn report(
    root: &Path,
    client: &Closure,
    server: &Closure,
    roots: usize,
    top: usize,
) -> FirstPage {
    let mut groups = groups_of(client, Side::Client);
    groups.extend(groups_of(server, Side::Server));
    groups.sort_by(|a, b| b.modules.cmp(&a.modules).then(a.package.cmp(&b.package)));
    let candidates = barrel_candidates(client);
    let mut offenders = offenders(root, client, roots, &candidates);
    let mut suggestions = barrel_suggestions(root, client, roots, &candidates);
    suggestions.extend(source_edits(&offenders));
    rank(&mut suggestions, top);
    groups.truncate(top.max(1) * 2);
    offenders.truncate(top);
    FirstPage {
        entries: Vec::new(),
        bundler: None,
        route: None,
        client: totals(client),
        server: totals(server),
        layers: Vec::new(),
        after_fix_barrels: None,
        node_modules: installed(root),
        groups,
        offenders,
        suggestions,
    }
}

fn totals(c: &Closure) -> SideTotals {
    SideTotals {
        modules: c.nodes.len(),
        bytes: c.nodes.iter().map(|n| n.bytes).sum(),
    }
}

/// Phase 1: one group per package of a side, with the packages on the
/// chain it is most often entered through.
fn groups_of(c: &Closure, side: Side) -> Vec<Group> {
    let mut by: HashMap<&str, (usize, u64, usize)> = HashMap::new();
    for (i, n) in c.nodes.iter().enumerate() {
        let g = by.entry(n.package.as_str()).or_insert((0, 0, i));
        g.0 += 1;
        g.1 += n.bytes;
    }
    let entered = entered(c);
    by.into_iter()
        .map(|(package, (modules, bytes, _))| Group {
            package: package.to_string(),
            side,
            modules,
            bytes,
            via: via(c, entered.get(package)),
        })
        .collect()
}

/// For each module, the first ancestor outside its group: where the group
/// is entered, counted per group.
fn entered(c: &Closure) -> HashMap<&str, HashMap<usize, usize>> {
    let mut entered: HashMap<&str, HashMap<usize, usize>> = HashMap::new();
    for (i, n) in c.nodes.iter().enumerate() {
        let mut at = c.parent[i];
        while let Some(p) = at {
            if c.nodes[p].package != n.package {
                *entered
                    .entry(n.package.as_str())
                    .or_default()
                    .entry(p)
                    .or_default() += 1;
                break;
            }
            at = c.parent[p];
        }
    }
    entered
}

/// The packages from the route to the most common entry of a group.
fn via(c: &Closure, doors: Option<&HashMap<usize, usize>>) -> Vec<String> {
    let mut via: Vec<String> = Vec::new();
    let door = doors.and_then(|m| {
        m.iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(&p, _)| p)
    });
    let mut at = door;
    while let Some(p) = at {
        let name = &c.nodes[p].package;
        if via.last() != Some(name) {
            via.push(name.clone());
        }
        at = c.parent[p];
    }
    via.reverse();
    via
}

/// Client edges into barrels of another package.
fn barrel_candidates(client: &Closure) -> Vec<Candidate> {
    let mut candidates = Vec::new();
    for (i, edges) in client.edges.iter().enumerate() {
        for (k, e) in edges.iter().enumerate() {
            let target = &client.nodes[e.to];
            if target.reexports >= BARREL_REEXPORTS && target.package != client.nodes[i].package {
                candidates.push((i, k));
            }
        }
    }
    candidates
}

/// Phase 2: each barrel import costed on the client (the modules only it
/// brings), with the direct import that would replace it.
fn offenders(
    root: &Path,
    client: &Closure,
    roots: usize,
    candidates: &[Candidate],
) -> Vec<Offender> {
    let full = client.nodes.len();
    let mut offenders: Vec<Offender> = candidates
        .par_iter()
        .map(|&(i, k)| {
            let e = &client.edges[i][k];
            let without = reach(client, roots, &|from, edge| {
                from == i && std::ptr::eq(edge, e)
            });
            let replace_with = std::fs::read_to_string(&client.nodes[i].path)
                .ok()
                .and_then(|text| {
                    text.get(e.span.0 as usize..e.span.1 as usize)
                        .map(String::from)
                })
                .and_then(|stmt| {
                    direct::replacement(&stmt, &e.specifier, &client.nodes[e.to].path)
                });
            Offender {
                replace_with,
                file: rel(root, &client.nodes[i].path),
                line: e.line,
                specifier: e.specifier.clone(),
                barrel: rel(root, &client.nodes[e.to].path),
                modules: full - without,
                reexport: e.reexport,
            }
        })
        .collect();
    offenders.sort_by(|a, b| {
        b.modules
            .cmp(&a.modules)
            .then(a.file.cmp(&b.file))
            .then(a.line.cmp(&b.line))
    });
    offenders
}

/// Per barrel: the specifiers it is imported by (with counts), the
/// packages of importers inside node_modules, and how many importers are
/// the repository's own code (only those can the config's rewrite reach
/// without transpiling the importer).
struct BarrelUse {
    specifiers: HashMap<String, usize>,
    outside: Vec<String>,
    own: usize,
}

fn barrel_uses(client: &Closure, candidates: &[Candidate]) -> HashMap<usize, BarrelUse> {
    let mut uses: HashMap<usize, BarrelUse> = HashMap::new();
    for &(i, k) in candidates {
        let e = &client.edges[i][k];
        let entry = uses.entry(e.to).or_insert_with(|| BarrelUse {
            specifiers: HashMap::new(),
            outside: Vec::new(),
            own: 0,
        });
        *entry.specifiers.entry(e.specifier.clone()).or_default() += 1;
        if in_node_modules(&client.nodes[i].path) {
            if !entry.outside.contains(&client.nodes[i].package) {
                entry.outside.push(client.nodes[i].package.clone());
            }
        } else {
            entry.own += 1;
        }
    }
    uses
}

/// Phase 3: per barrel, the saving of cutting every cross-package edge
/// into it, as an `optimizePackageImports` entry (or `transpilePackages`
/// when only node_modules import it); Next's defaults are left out.
fn barrel_suggestions(
    root: &Path,
    client: &Closure,
    roots: usize,
    candidates: &[Candidate],
) -> Vec<Suggestion> {
    let full = client.nodes.len();
    barrel_uses(client, candidates)
        .par_iter()
        .filter(|(_, u)| u.specifiers.keys().any(|s| !s.starts_with('.')))
        .map(|(&b, u)| {
            let without = reach(client, roots, &|from, e| {
                e.to == b && client.nodes[from].package != client.nodes[b].package
            });
            barrel_suggestion(root, client, b, u, full - without)
        })
        .filter(|s| {
            s.saving > 0
                && !(s.kind == SuggestionKind::OptimizePackageImports
                    && s.package
                        .as_deref()
                        .is_some_and(|p| NEXT_DEFAULTS.contains(&p)))
        })
        .collect()
}

fn barrel_suggestion(
    root: &Path,
    client: &Closure,
    b: usize,
    u: &BarrelUse,
    saving: usize,
) -> Suggestion {
    let mut specs: Vec<(&String, &usize)> = u
        .specifiers
        .iter()
        .filter(|(s, _)| !s.starts_with('.'))
        .collect();
    specs.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let barrel = rel(root, &client.nodes[b].path);
    let reexports = client.nodes[b].reexports;
    let times: usize = specs.iter().map(|s| *s.1).sum();
    if u.own == 0 {
        // Imported only from node_modules, which Next does not rewrite: the
        // importer has to be transpiled first.
        Suggestion {
            kind: SuggestionKind::TranspilePackages,
            package: Some(u.outside.join(", ")),
            file: None,
            line: None,
            saving,
            why: format!(
                "imports the whole barrel {} (`{}`, {} re-exports); transpiled, with `{}` in optimizePackageImports, only what it uses is compiled",
                barrel, specs[0].0, reexports, specs[0].0
            ),
        }
    } else {
        Suggestion {
            kind: SuggestionKind::OptimizePackageImports,
            package: Some(specs[0].0.clone()),
            file: None,
            line: None,
            saving,
            why: format!(
                "{barrel} re-exports {reexports} modules and is imported {times} times ({} from the repository's code)",
                u.own
            ),
        }
    }
}

/// Re-exports of a whole barrel in the repository's code: configuration
/// cannot rewrite them.
fn source_edits(offenders: &[Offender]) -> Vec<Suggestion> {
    offenders
        .iter()
        .filter(|o| o.reexport && !o.file.contains("node_modules/"))
        .map(|o| Suggestion {
            kind: SuggestionKind::SourceEdit,
            package: None,
            file: Some(o.file.clone()),
            line: Some(o.line),
            saving: o.modules,
            why: format!(
                "re-exports from the whole barrel `{}`, which optimizePackageImports cannot rewrite: import the component's own module instead",
                o.specifier
            ),
        })
        .collect()
}

/// Phase 4: configuration entries first by saving, then source edits; the
/// top `top` configuration entries and every source edit are kept.
fn rank(suggestions: &mut Vec<Suggestion>, top: usize) {
    let is_edit = |s: &Suggestion| s.kind == SuggestionKind::SourceEdit;
    suggestions.sort_by(|a, b| {
        is_edit(a)
            .cmp(&is_edit(b))
            .then(b.saving.cmp(&a.saving))
            .then(a.package.cmp(&b.package))
            .then(a.file.cmp(&b.file))
    });
    let mut kept = 0;
    suggestions.retain(|s| {
        kept += usize::from(!is_edit(s));
        is_edit(s) || kept <= top
    });
}
