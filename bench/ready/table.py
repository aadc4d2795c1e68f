#!/usr/bin/env python3
"""Medians of bench/ready's runs: Ready before vs after `graph ready --write`.

usage: table.py RESULTS.jsonl
Labels are `<flavour>/<variant>` (variant: before, after). Prints a
markdown table per flavour: runs, median (min–max) Ready measured from the
spawn and Next's own "Ready in", the before-Ready compile lines' median
seconds, the 1-minute load at the starts (min–max), the ratio after/before,
and whether every probed page answered with the same status in every run
of both variants.
"""
import collections
import json
import statistics
import sys

rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    r = json.loads(line)
    rows[r["label"]].append(r)


def med(runs, key):
    v = [r[key] for r in runs if isinstance(r.get(key), (int, float))]
    return statistics.median(v) if v else float("nan")


def rng(runs, key, unit=" s"):
    v = [r[key] for r in runs if isinstance(r.get(key), (int, float))]
    if not v:
        return "-"
    return f"{statistics.median(v):.1f}{unit} ({min(v):.1f}–{max(v):.1f})"


def compiles(runs):
    by = collections.defaultdict(list)
    for r in runs:
        for c in r.get("before_ready", []):
            by[c["name"]].append(c["s"])
    def fmt(x):
        return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.1f} s"
    return ", ".join(f"{n} {fmt(statistics.median(v))}" for n, v in sorted(by.items()))


flavours = sorted({k.split("/")[0] for k in rows})
print("| sample | variant | runs | Ready (spawn → Ready line), median (min–max) | Next's \"Ready in\", median (min–max) | compiled before Ready (median) | load at start |")
print("|---|---|---|---|---|---|---|")
summary = []
for fl in flavours:
    b, a = rows.get(f"{fl}/before", []), rows.get(f"{fl}/after", [])
    for label, runs in (("before", b), ("after `graph ready --write`", a)):
        ok = [r for r in runs if "ready_s" in r]
        loads = [r["load_before"] for r in ok if "load_before" in r]
        load = f"{min(loads):.2f}–{max(loads):.2f}" if loads else "-"
        failed = len(runs) - len(ok)
        note = f" ({failed} not ready)" if failed else ""
        print(f"| {fl} | {label} | {len(ok)}{note} | {rng(ok, 'ready_s')} | {rng(ok, 'next_ready_s')} | {compiles(ok)} | {load} |")
    statuses = collections.defaultdict(set)
    for r in b + a:
        for p in r.get("probes", []):
            statuses[p["path"]].add(p["status"])
    same = all(len(s) == 1 for s in statuses.values()) and statuses
    ratio = med(a, "ready_s") / med(b, "ready_s") if b and a else float("nan")
    nratio = med(a, "next_ready_s") / med(b, "next_ready_s") if b and a else float("nan")
    verdict = "all answered as before" if same else ("none answered" if not statuses else "DIFFER")
    summary.append(f"{fl}: Ready after/before = {ratio:.0%} (Next's own: {nratio:.0%}); "
                   f"probes {verdict}: "
                   + ", ".join(f"{p} {sorted(map(str, s))}" for p, s in sorted(statuses.items())))
print()
for s in summary:
    print(s)
