#!/usr/bin/env python3
"""The table of bench/calcom/run.sh: medians per configuration, ratios, checks.

usage: table.py RESULTS.jsonl
"""
import json
import statistics
import sys

rows = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    rows.setdefault(r["label"], []).append(r)


def med(label, key):
    v = [r[key] for r in rows.get(label, []) if isinstance(r.get(key), (int, float))]
    return statistics.median(v) if v else None


def fmt(v, unit="s", digits=1):
    if v is None:
        return "–"
    if unit == "MB":
        return f"{v:,.0f} MB"
    if unit == "n":
        return f"{v:,.0f}"
    return f"{v:.{digits}f} {unit}"


n = {k: len(v) for k, v in rows.items()}
print(f"runs per configuration: {n}\n")
print("| | Ready | first /auth/login (modules) | first API route | hot reload | peak RSS | .next |")
print("|---|---|---|---|---|---|---|")
def hmr(label):
    page = med(label, "hmr_s")
    if page is not None:
        return fmt(page, "s", 2)
    compile_ = med(label, "hmr_compile_s")
    return f"{fmt(compile_, 's', 2)} (recompile)" if compile_ is not None else "–"


for label in ("shipped", "warmstart", "barrels", "shipped-warm", "warmstart-warm"):
    if label not in rows:
        continue
    mods = med(label, "route_modules")
    print(f"| {label} | {fmt(med(label, 'ready_s'))} | {fmt(med(label, 'route_s'))} ({fmt(mods, 'n')}) | "
          f"{fmt(med(label, 'api_s'))} | {hmr(label)} | "
          f"{fmt(med(label, 'peak_rss_mb'), 'MB')} | {fmt(med(label, 'next_mb'), 'MB')} |")

checks = []
a, b = med("shipped", "ready_s"), med("warmstart", "ready_s")
if a and b:
    checks.append(f"Ready: warmstart {b:.1f} s = {b / a:.0%} of shipped {a:.1f} s (bar: <= 30 %)")
nx = med("warmstart", "next_mb")
if nx is not None:
    checks.append(f".next after a warmstart start: {nx:.0f} MB (bar: <= 130 MB)")
a, b = med("nowarm-10s", "route_after_start_s"), med("prewarm-10s", "route_after_start_s")
if a and b:
    checks.append(f"/auth/login requested 10 s after Ready answers {a - b:.1f} s sooner with pre-warming "
                  f"({b:.1f} s vs {a:.1f} s from start; bar: >= 8 s)")
a, b = med("shipped", "route_after_start_s"), med("barrels", "route_after_start_s")
if a and b:
    mods = med("barrels", "route_modules")
    checks.append(f"/auth/login after fix-barrels: {fmt(mods, 'n')} modules (bar: <= 2,700); first response "
                  f"{b:.1f} s from start vs {a:.1f} s as shipped = {1 - b / a:.0%} earlier (bar: >= 35 %)")


def statuses(label):
    out = set()
    for r in rows.get(label, []):
        out.add(("route", r.get("route_status")))
        if "api_status" in r:
            out.add(("api", r.get("api_status")))
        for p, s in (r.get("statics") or {}).items():
            out.add((p, s["status"], s["sha256"]))
    return out


same = statuses("shipped") == statuses("warmstart")
checks.append(f"every probed URL: same status (and statics same bytes) as shipped: {'yes' if same else 'NO'}")
if not same:
    checks.append(f"  shipped:   {sorted(map(str, statuses('shipped')))}")
    checks.append(f"  warmstart: {sorted(map(str, statuses('warmstart')))}")
print()
for c in checks:
    print("- " + c)
