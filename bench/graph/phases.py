#!/usr/bin/env python3
"""Shares of a cold run's samples by phase, from `perf script` output of a
`perf record --call-graph dwarf` run: each sample goes to the first phase
(in the order below) that any frame of its stack names, and the top self
frames follow. Samples whose stack names no phase (rayon threads the
unwinder could not follow, the exit) are `other`.

    cd CALNOMODS
    perf record -F 4000 --call-graph dwarf,16384 -o cold.data -- \\
        warmstart graph cycles apps packages --json --no-cache >/dev/null
    perf script -i cold.data > cold.txt
    bench/graph/phases.py cold.txt
"""

import collections
import re
import sys

# (phase, a piece of a frame's name); the first match wins, so the
# phases nested in the parse of a file come before the parse itself.
PHASES = [
    ("parse guard", "guard::"),
    ("scan of each tree", "scan::Scanner"),
    ("oxc_semantic fallback", "decide_with_semantic"),
    ("oxc's parser", "oxc_parser"),
    ("open/stat/read/close of sources", "build::parse_file"),
    ("folder walk", "walk::folder"),
    ("walk (other)", "walk::"),
    ("scopes (plan)", "share::Scopes"),
    ("resolution rounds", "reach::resolve_round"),
    ("linking answers", "build::link"),
    ("views analysis", "report::"),
    ("cycles", "cycles::"),
    ("workspaces", "workspaces::"),
    ("loader", "ld-linux"),
]


def frame_name(line):
    parts = line.strip().split(" ", 1)
    return parts[1] if len(parts) > 1 else parts[0]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    blocks = open(sys.argv[1], encoding="utf-8", errors="replace").read().split("\n\n")
    phases, selfs, total = collections.Counter(), collections.Counter(), 0
    for block in blocks:
        frames = [frame_name(l) for l in block.strip().split("\n")[1:] if l.strip()]
        if not frames:
            continue
        total += 1
        selfs[re.sub(r"\+0x[0-9a-f]+", "", frames[0]).split(" (")[0][:80]] += 1
        stack = "\n".join(frames)
        phase = next((name for name, piece in PHASES if piece in stack), "other")
        phases[phase] += 1
    if total == 0:
        sys.exit("no samples with stacks: was the record made with --call-graph?")
    print(f"{total} samples")
    for name, count in phases.most_common():
        print(f"{count / total * 100:5.1f} %  {name}")
    print("top self frames:")
    for name, count in selfs.most_common(10):
        print(f"{count / total * 100:5.1f} %  {name}")


if __name__ == "__main__":
    main()
