#!/usr/bin/env python3
"""The table of bench/shape2025/run.sh: medians (min–max) per variant, and
the checks (same statics, no copy on the warmstart side).

usage: table.py RESULTS.jsonl
"""
import json
import os
import statistics
import sys

ORDER = ("shipped", "warmstart-web", "shipped-root", "warmstart")
WHAT = {
    "shipped": "apps/web `yarn dev` (copy script, then `next dev --turbopack`)",
    "warmstart-web": "apps/web `warmstart dev --no-warm -- yarn dev`",
    "shipped-root": "root `yarn dev` (turbo → the same)",
    "warmstart": "root `warmstart dev --no-warm` (default command)",
}

rows = {}
logs = os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), "logs")
for line in open(sys.argv[1]):
    r = json.loads(line)
    rows.setdefault(r["label"], []).append(r)
    # From the server's log (measure.py writes `seconds  line`): when
    # Next.js itself had started (its banner), i.e. what the chain in
    # front of it took, and when its `Ready in` came.
    try:
        with open(os.path.join(logs, f"{r['label']}-{r['run']}.log")) as f:
            for entry in f:
                t, _, text = entry.strip().partition("  ")
                if "\u25b2 Next.js" in text or "Next.js 15" in text:
                    r.setdefault("next_banner_s", float(t))
    except OSError:
        pass


def values(label, key):
    return [r[key] for r in rows.get(label, []) if isinstance(r.get(key), (int, float))]


def spread(label, key, unit="s", digits=1):
    v = values(label, key)
    if not v:
        return "–"
    if unit == "MB":
        return f"{statistics.median(v):.0f} MB ({min(v):.0f}–{max(v):.0f})"
    return f"{statistics.median(v):.{digits}f} s ({min(v):.{digits}f}–{max(v):.{digits}f})"


def one(label, get):
    seen = sorted({str(get(r)) for r in rows.get(label, [])})
    return ", ".join(seen) if seen else "–"


def statics(r):
    s = r.get("public_app_store") or {}
    copied = "copy ran" if r.get("copy_line") else "no copy"
    links = s.get("symlinks", 0)
    made = s.get("symlinks_in_warmstart_manifest", 0)
    return f"{copied}: {s.get('regular_files', 0)} files, {links} links ({made} in warmstart's manifest)"


labels = [l for l in ORDER if l in rows] + sorted(set(rows) - set(ORDER))
print(f"runs: {', '.join(f'{l} {len(rows[l])}' for l in labels)}; "
      f"1-minute load at each start {min(r['load_before'] for l in labels for r in rows[l]):.2f}–"
      f"{max(r['load_before'] for l in labels for r in rows[l]):.2f}\n")
print("| | Next.js banner | Ready | first /auth/login, from start (status) | app static (status, bytes) | public/app-store after the run | .next | peak RSS |")
print("|---|---|---|---|---|---|---|---|")
for l in labels:
    print(f"| {l}: {WHAT.get(l, '')} | {spread(l, 'next_banner_s')} | {spread(l, 'ready_s')} | {spread(l, 'route_after_start_s')} "
          f"({one(l, lambda r: r.get('route_status'))}) | "
          f"{one(l, lambda r: (r.get('static_status'), r.get('static_bytes')))} | {one(l, statics)} | "
          f"{spread(l, 'next_mb', 'MB')} | {spread(l, 'peak_rss_mb', 'MB')} |")

print()
checks = []
for a, b in (("shipped", "warmstart"), ("shipped", "warmstart-web"), ("shipped-root", "warmstart")):
    ra, rb = values(a, "ready_s"), values(b, "ready_s")
    if ra and rb:
        ma, mb = statistics.median(ra), statistics.median(rb)
        checks.append(f"Ready, {b} vs {a}: {mb:.1f} s vs {ma:.1f} s ({mb - ma:+.1f} s, {mb / ma:.0%})")
    ra, rb = values(a, "route_after_start_s"), values(b, "route_after_start_s")
    if ra and rb:
        ma, mb = statistics.median(ra), statistics.median(rb)
        checks.append(f"/auth/login answered, {b} vs {a}: {mb:.1f} s vs {ma:.1f} s after start ({mb - ma:+.1f} s)")
shas = {r.get("static_sha256") for l in labels for r in rows[l]}
digests = {(r.get("public_app_store") or {}).get("digest") for l in labels for r in rows[l]}
checks.append(f"the app static has the same bytes in every run: {'yes' if len(shas) == 1 else 'NO'} "
              f"(sha256 {sorted(s[:12] if s else str(s) for s in shas)})")
checks.append(f"every file reachable under public/app-store, same paths and bytes in every run: "
              f"{'yes' if len(digests) == 1 else 'NO'} (digest {sorted(map(str, digests))})")
for l in labels:
    if l.startswith("warmstart"):
        ok = all(not r.get("copy_line") and (r.get("public_app_store") or {}).get("regular_files") == 0
                 and (r.get("public_app_store") or {}).get("symlinks", 0) > 0
                 and r["public_app_store"]["symlinks"] == r["public_app_store"]["symlinks_in_warmstart_manifest"]
                 for r in rows[l])
        checks.append(f"{l}: no copy ran (no copy-script line, no regular file under public/app-store, "
                      f"every entry a link in warmstart's manifest) in every run: {'yes' if ok else 'NO'}")
left = sum(r.get("left_after_sigint", 0) for l in labels for r in rows[l])
errors = [f"{l} run {r.get('run')}: {r['error']}" for l in labels for r in rows[l] if r.get("error")]
checks.append(f"processes left after SIGINT to the session (ended by pid): {left}")
for c in checks + errors:
    print("- " + c)
