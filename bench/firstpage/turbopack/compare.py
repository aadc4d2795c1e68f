#!/usr/bin/env python3
"""Predicted vs compiled, per side, layer and group.

usage: compare.py PREDICTED.json COUNTED.json [--diff N]
       compare.py --table WORK     (run.sh's before/after, as a markdown table)

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


# The route's layers. The server folder also holds what compiled before
# Ready or beside the route (instrumentation, middleware): not the route's.
ROUTE_LAYERS = {"app-client", "app-ssr", "app-rsc", "client", "ssr", "external"}


def in_route(name):
    return name.rsplit(" [", 1)[1].rstrip("]") in ROUTE_LAYERS


def counted_sets(counted):
    return (
        {n for n in counted["client"]["list"] if in_route(n)},
        {n for n in counted["server"]["list"] if in_route(n)},
    )


def table(work):
    """Predicted vs compiled per variant and side, and the fix-barrels cut."""
    import os

    rows, totals = [], {}
    for variant in ("before", "after"):
        report = json.load(open(os.path.join(work, f"pred-{variant}.json")))
        counted = json.load(open(os.path.join(work, f"counted-{variant}.json")))
        pc, ps = predicted_sets(report)
        cc, cs = counted_sets(counted)
        totals[variant] = (len(pc) + len(ps), len(cc) + len(cs))
        for side, p, c in (("client", pc, cc), ("server", ps, cs), ("both", pc | ps, cc | cs)):
            rows.append(f"| {variant} | {side} | {len(p):,} | {len(c):,} | {len(p) / len(c):.2f} |")
        rows.append(
            f"| {variant} | first response | | {counted['first_response_s']} s | |"
        )
    route = json.load(open(os.path.join(work, "counted-before.json")))["route"]
    print(f"`{route}` (App Router, `next dev --turbopack`): warmstart's prediction vs Turbopack's chunks\n")
    print("| tree | side | predicted | compiled | ratio |")
    print("|---|---|---:|---:|---:|")
    print("\n".join(rows))
    (pb, cb), (pa, ca) = totals["before"], totals["after"]
    print(
        f"\nfix-barrels --write: predicted {pb:,} → {pa:,} modules ({(pa - pb) / pb * 100:+.0f} %), "
        f"compiled {cb:,} → {ca:,} ({(ca - cb) / cb * 100:+.0f} %)"
    )


def pct(p, c):
    return f"{(p - c) / c * 100:+.1f} %" if c else "n/a"


def main():
    if sys.argv[1:2] == ["--table"]:
        return table(sys.argv[2])
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
