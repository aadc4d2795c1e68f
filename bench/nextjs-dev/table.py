#!/usr/bin/env python3
"""Prints `warmstart bench --json` output with --vs as a Markdown table."""
import json
import sys

r = json.load(open(sys.argv[1]))
rows = [
    ("startupTime", "ready (startup)", "ms"),
    ("assetLoadTime", "assets step", "ms"),
    ("appLoadTime", "apps step (lazy registries + route shards)", "ms"),
    ("firstPageLoad", "first page /apps", "ms"),
    ("firstPageModules", "first page modules", "n"),
    ("hotReload", "hot reload (edit → changed page)", "ms"),
    ("memoryUsage", "peak RSS, process tree", "MB"),
]


def fmt(v, unit):
    if v is None:
        return "-"
    if unit == "ms":
        return f"{v / 1000:.2f} s" if v >= 1000 else f"{v:.0f} ms"
    if unit == "MB":
        return f"{v / 2**20:,.0f} MB"
    return f"{v:,.0f}"


vs = r.get("vs", {})
print(f"{r['runs']} runs each, interleaved, medians (min–max)\n")
print("| | plain `next dev` | `warmstart dev` | plain / warmstart |")
print("|---|---|---|---|")
for key, label, unit in rows:
    m = r["median"].get(key)
    o = vs.get("median", {}).get(key)
    if m is None and o is None:
        continue
    rng = lambda s: f" ({fmt(s['min'].get(key), unit)}–{fmt(s['max'].get(key), unit)})" if s.get("min", {}).get(key) is not None else ""
    ratio = r.get("ratio", {}).get(key, {}).get("median")
    print(f"| {label} | {fmt(o, unit)}{rng(vs)} | {fmt(m, unit)}{rng(r)} | {f'{ratio:.2f}×' if ratio else '-'} |")
