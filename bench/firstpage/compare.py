#!/usr/bin/env python3
"""webpack's record of a route's compile (modlist-plugin.js) against
`warmstart graph closure ROUTE --by-package --json`.

usage: compare.py MODLIST_DIR RUN.jsonl WARMSTART.json CALREAL ROUTE

Takes, for the client and the server compiler, the first compilation that
has the route's page among its entries (the compile Next reports as
"Compiled ROUTE"; later ones, such as /_error's after a 500, keep the page
as an entry too), groups its modules with a file by package exactly as
warmstart does (the segment after the last /node_modules/, else the first
two folders under the repository), and prints the table of
docs/firstpage.md.
"""
import glob
import json
import os
import re
import sys
from collections import Counter


def group_of(root, path):
    at = path.rfind("/node_modules/")
    if at >= 0:
        parts = path[at + len("/node_modules/"):].split("/")
        return "/".join(parts[:2]) if parts[0].startswith("@") else parts[0]
    parts = os.path.relpath(path, root).split("/")
    return "/".join(parts[:2]) if len(parts) >= 3 else "(root)"


def main(modlist, run, ours, root, route):
    page = {f"pages{route}", f"pages{route}/index", f"app{route}/page"}
    last = {}
    for path in sorted(glob.glob(os.path.join(modlist, "*.json"))):
        with open(path) as f:
            c = json.load(f)
        if c["compiler"] not in last and page & set(c.get("entries", [])):
            last[c["compiler"]] = c
    if "client" not in last or "server" not in last:
        sys.exit(f"no client and server compilation with the page {sorted(page)} among its entries in {modlist}")
    with open(run) as f:
        measured = json.loads(f.readline())
    with open(ours) as f:
        w = json.load(f)

    total = sum(c["modules"] for k, c in last.items() if k in ("client", "server"))
    print(f"next dev said: {'; '.join(measured.get('compiled', []))}")
    parts = ", ".join(f"{k} {c['modules']:,} (compilation {c['seq']})" for k, c in sorted(last.items()))
    print(f"modlist, the route's compile: {parts}; client + server = {total:,}")
    said = [int(m) for m in re.findall(r"Compiled " + re.escape(route) + r" in \S+ \((\d+) modules\)",
                                       " ".join(measured.get("compiled", [])))]
    if said and said[0] != total:
        print(f"note: Next's 'Compiled {route}' line says {said[0]:,}, client + server is {total:,}")
    print()

    groups = Counter(group_of(root, r) for r in last["client"]["resources"])
    distinct = Counter(group_of(root, r) for r in set(last["client"]["resources"]))
    top_w = groups.most_common(5)
    theirs = [g for g in w.get("groups", []) if g.get("side") == "client"]
    theirs.sort(key=lambda g: (-g["modules"], g["package"]))
    top_o = theirs[:5]

    def diff(a, b):
        return f"{(b - a) / a:+.0%}".replace("-", "−")

    wc, ws = last["client"]["modules"], last["server"]["modules"]
    oc, os_ = w["client"]["modules"], w["server"]["modules"]
    print("| | webpack (measured) | warmstart (predicted) | difference |")
    print("|---|---|---|---|")
    print(f"| client modules | {wc:,} | {oc:,} | {diff(wc, oc)} |")
    print(f"| server modules | {ws:,} | {os_:,} | {diff(ws, os_)} |")
    same = {g for g, _ in top_w} == {g["package"] for g in top_o}
    print("| top 5 client groups | " + ", ".join(f"{g} {n:,}" for g, n in top_w) + " | "
          + ", ".join(f"{g['package']} {g['modules']:,}" for g in top_o) + " | "
          + ("the same five" if same else "different") + " |")
    print()
    print(f"webpack client modules without a file (runtime, externals): {last['client']['other']:,}; "
          f"distinct client files {len(set(last['client']['resources'])):,} of {len(last['client']['resources']):,}")
    print("webpack's top client groups, modules (distinct files): "
          + ", ".join(f"{g} {n:,} ({distinct[g]:,})" for g, n in top_w))
    for s in w.get("suggestions", [])[:3]:
        what = s.get("package") or f"{s.get('file')}:{s.get('line')}"
        print(f"suggestion: {s['kind']}: {what} (saving {s.get('saving')})")


if __name__ == "__main__":
    main(*sys.argv[1:6])
