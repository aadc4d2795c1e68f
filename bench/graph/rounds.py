#!/usr/bin/env python3
"""Times whole commands in interleaved rounds: each round runs every
command once, so a change in the machine's load (this bench runs on shared
2-core VMs, where a fill's back-to-back runs measured 0.91x of the cold
runs in one hyperfine run and 1.13x in another) falls on every command
alike and their ratios hold. Each round takes the commands in a new order (shuffled
with a fixed seed): in a fixed order a command would always follow the
same one (a 400 MB biome run, say) and inherit what it leaves behind.

    bench/graph/rounds.py RUNS OUT.json [--prepare NAME=SHELL ...] NAME=COMMAND ...

COMMAND is split like a shell word list (no shell: `env A=B cmd args`
works); its output goes to /dev/null and its exit code is ignored (every
cycle checker exits 1 when it finds cycles). `--prepare NAME=SHELL` runs
SHELL through the shell before each run of NAME, untimed (e.g. emptying a
cache folder). One unmeasured run of each command comes first. OUT.json
gets, per command in the order given: name, median/min/max wall and the
median CPU (user + system of the command and its children), in ms.
"""

import argparse
import json
import os
import random
import resource
import shlex
import statistics
import subprocess
import time


def time_command(argv, cwd=None, env=None):
    """Runs `argv` once, output discarded, exit code ignored: its wall time
    and its CPU (user + system of it and its children), in ms."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall * 1000, cpu * 1000


def run(argv, prepare):
    if prepare:
        subprocess.run(prepare, shell=True, check=False)
    return time_command(argv)


def pair(text):
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"not NAME=VALUE: {text!r}")
    return tuple(text.split("=", 1))


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", type=int)
    parser.add_argument("out")
    parser.add_argument("--prepare", type=pair, action="append", default=[],
                        metavar="NAME=SHELL")
    parser.add_argument("commands", type=pair, nargs="+", metavar="NAME=COMMAND")
    args = parser.parse_args()
    runs, out = args.runs, args.out
    prepares = dict(args.prepare)
    commands = [(name, shlex.split(command)) for name, command in args.commands]
    unknown = set(prepares) - {name for name, _ in commands}
    if unknown:
        parser.error(f"--prepare for no command: {', '.join(sorted(unknown))}")
    for name, argv in commands:
        run(argv, prepares.get(name))
    samples = {name: [] for name, _ in commands}
    order = random.Random(19)
    for _ in range(runs):
        this_round = list(commands)
        order.shuffle(this_round)
        for name, argv in this_round:
            samples[name].append(run(argv, prepares.get(name)))
    results = []
    for name, _ in commands:
        walls = [s[0] for s in samples[name]]
        results.append({
            "name": name,
            "median_ms": statistics.median(walls),
            "min_ms": min(walls),
            "max_ms": max(walls),
            "cpu_median_ms": statistics.median(s[1] for s in samples[name]),
            "runs": runs,
        })
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"results": results}, f, indent=2)
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
