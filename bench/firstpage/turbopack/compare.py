#!/usr/bin/env python3
"""Predicted vs compiled, per side, layer and group.

usage: compare.py PREDICTED.json COUNTED.json [--diff N]

PREDICTED is `warmstart graph closure ROUTE --by-package --json
--list-modules` (Turbopack); COUNTED is `turbopack-count.py … --json`.
Prints client and server totals with the difference in percent, the layers,
the groups that differ most, and with --diff the first N modules on one side
only.
"""
import json
import sys


def group_of(name):
    path = name.rsplit(" [", 1)[0]
    if path.startswith("[externals]/"):
        rest = path[len("[externals]/"):]
        parts = rest.split("/")
        return parts[0] + "/" + parts[1] if rest.startswith("@") and len(parts) > 1 else parts[0]
    if "/node_modules/" in path:
        rest = path.rsplit("/node_modules/", 1)[1]
        parts = rest.split("/")
        return parts[0] + "/" + parts[1] if rest.startswith("@") else parts[0]
    parts = path.replace("[project]/", "", 1).split("/")
    return parts[0] + "/" + parts[1] if len(parts) >= 3 else parts[0]


def predicted_sets(report):
    client, server = set(), set()
    for layer in report.get("layers", []):
        names = set(layer.get("list", []))
        (client if layer["layer"] in ("app-client", "client") else server).update(names)
    return client, server


def counted_sets(counted):
    return set(counted["client"]["list"]), set(counted["server"]["list"])


def pct(p, c):
    return f"{(p - c) / c * 100:+.1f} %" if c else "n/a"


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    report = json.load(open(sys.argv[1]))
    counted = json.load(open(sys.argv[2]))
    show = int(sys.argv[sys.argv.index("--diff") + 1]) if "--diff" in sys.argv else 0
    pc, ps = predicted_sets(report)
    cc, cs = counted_sets(counted)
    print(f"{'side':<8}{'predicted':>10}{'compiled':>10}  difference")
    for side, p, c in (("client", pc, cc), ("server", ps, cs)):
        print(f"{side:<8}{len(p):>10}{len(c):>10}  {pct(len(p), len(c))}   (same modules: {len(p & c)})")
    layers = {}
    for name in pc | ps:
        layers.setdefault(name.rsplit(" [", 1)[1].rstrip("]"), [0, 0])[0] += 1
    for name in cc | cs:
        layers.setdefault(name.rsplit(" [", 1)[1].rstrip("]"), [0, 0])[1] += 1
    print("layers: " + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(layers.items())))
    for side, p, c in (("client", pc, cc), ("server", ps, cs)):
        groups = {}
        for name in p:
            groups.setdefault(group_of(name), [0, 0])[0] += 1
        for name in c:
            groups.setdefault(group_of(name), [0, 0])[1] += 1
        worst = sorted(groups.items(), key=lambda kv: (-abs(kv[1][0] - kv[1][1]), kv[0]))[:8]
        print(f"{side} groups predicted/compiled: " + ", ".join(f"{g} {a}/{b}" for g, (a, b) in worst))
        if show:
            for name in sorted(p - c)[:show]:
                print(f"  only predicted  {name}")
            for name in sorted(c - p)[:show]:
                print(f"  only compiled   {name}")


if __name__ == "__main__":
    main()
