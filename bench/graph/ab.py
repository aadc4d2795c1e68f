#!/usr/bin/env python3
"""Interleaved A/B of `warmstart graph cycles` runs: wall and child CPU.

    bench/graph/ab.py TREE RUNS NAME=MODE:BIN [NAME=MODE:BIN ...]

MODE is `cold` (`--no-cache`), `fill` (an empty cache folder each run) or
`warm` (a cache filled once before the runs). The runs alternate A, B, A, B,
... so load changes on a shared machine hit every variant alike; medians
of wall and of user+system CPU are printed with the ratio against the
first variant. The docs' "interleaved in one run" figures come from it:

    bench/graph/ab.py CALNOMODS 15 cold=cold:target/release/warmstart \
        fill=fill:target/release/warmstart
"""

import os
import shutil
import statistics
import sys
import tempfile
import time

import rounds  # the runner bench/graph/run.sh uses: one timing for both


def run(tree, mode, binary, cache_root):
    cmd = [binary, "graph", "cycles", "apps", "packages", "--json"]
    env = dict(os.environ)
    if mode == "cold":
        cmd.append("--no-cache")
    else:
        cache = os.path.join(cache_root, mode + "-" + str(abs(hash(binary))))
        if mode == "fill":
            shutil.rmtree(cache, ignore_errors=True)
        env["WARMSTART_CACHE_DIR"] = cache
    return rounds.time_command(cmd, cwd=tree, env=env)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    tree, runs = sys.argv[1], int(sys.argv[2])
    variants = []
    for arg in sys.argv[3:]:
        name, spec = arg.split("=", 1)
        mode, binary = spec.split(":", 1)
        if mode not in ("cold", "fill", "warm"):
            sys.exit(f"unknown mode {mode!r} in {arg!r}: cold, fill or warm")
        variants.append((name, mode, os.path.abspath(binary)))
    with tempfile.TemporaryDirectory() as cache_root:
        for name, mode, binary in variants:  # one unmeasured run each
            run(tree, mode, binary, cache_root)
            if mode == "warm":
                time.sleep(2.1)  # fresh folders are trusted only once settled
                run(tree, mode, binary, cache_root)
        samples = {name: [] for name, _, _ in variants}
        for _ in range(runs):
            for name, mode, binary in variants:
                samples[name].append(run(tree, mode, binary, cache_root))
    base = None
    for name, _, _ in variants:
        wall = statistics.median(s[0] for s in samples[name])
        cpu = statistics.median(s[1] for s in samples[name])
        base = base or wall
        print(f"{name:>12}: wall {wall:7.1f} ms  cpu {cpu:7.1f} ms  "
              f"x{wall / base:.3f}  (min {min(s[0] for s in samples[name]):.1f})")


if __name__ == "__main__":
    main()
