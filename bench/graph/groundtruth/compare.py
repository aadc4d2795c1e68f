#!/usr/bin/env python3
"""warmstart's cycles against the independent count (cycles.js), view by view.

usage: compare.py WARMSTART.json GROUNDTRUTH.json

Per view: groups, files in cycles, largest group, edges on cycles, and
whether the groups are the same sets of files. For a view that differs,
the files only one side puts in a cycle (the first 15 of each). Exit 0 when
every compared view is identical, group by group; 1 otherwise.
"""
import json
import sys

VIEWS = ("runtime", "runtime_dynamic", "static", "all")
KEYS = ("groups", "files_in_cycles", "largest_group", "edges_on_cycles")


def main(ours_path, truth_path):
    ours = json.load(open(ours_path))
    truth = json.load(open(truth_path))
    print(f"modules: warmstart {ours['modules']:,}, {truth['tool']} {truth['modules']:,} "
          "(warmstart leaves out files .gitignore ignores, tracked or not)")
    print()
    print("| view | groups | files in cycles | largest group | edges on cycles | same groups |")
    print("|---|---|---|---|---|---|")
    same_all = True
    details = []
    for view in VIEWS:
        o, t = ours["views"][view], truth["views"][view]
        cells = []
        for k in KEYS:
            cells.append(f"{o[k]:,}" if o[k] == t[k] else f"{o[k]:,} vs {t[k]:,}")
        og = {frozenset(g["files"]) for g in o["group_list"]}
        tg = {frozenset(g["files"]) for g in t["group_list"]}
        same = og == tg and all(o[k] == t[k] for k in KEYS)
        same_all &= same
        print(f"| {view} | " + " | ".join(cells) + f" | {'yes' if same else 'NO'} |")
        if not same:
            of = set().union(*og) if og else set()
            tf = set().union(*tg) if tg else set()
            details.append((view, sorted(of - tf), sorted(tf - of), len(og & tg), len(og), len(tg)))
    print("\n(a cell with `A vs B`: warmstart A, TypeScript B)")
    for view, only_o, only_t, common, no, nt in details:
        print(f"\n{view}: {common} of {no} warmstart groups equal one of TypeScript's {nt}")
        for label, files in (("only warmstart", only_o), ("only TypeScript", only_t)):
            if files:
                print(f"  in a cycle for {label} ({len(files)}): " + ", ".join(files[:15])
                      + (" …" if len(files) > 15 else ""))
    rs = ours["views"]["runtime_semantic"]
    print(f"\nnot compared (needs TypeScript's elision per binding): warmstart's runtime_semantic "
          f"{rs['groups']} groups / {rs['files_in_cycles']:,} files / largest {rs['largest_group']:,} / "
          f"{rs['edges_on_cycles']:,} edges on cycles; {ours['edges']['type_usable']:,} value imports "
          f"used only as types")
    print("\nidentical in every compared view" if same_all else "\nNOT identical")
    return 0 if same_all else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
