#!/usr/bin/env bash
# How soon `warmstart dev` re-runs the prepare steps after a change in the
# app store settles (goal: within 50 ms of the debounced event), and how long
# the re-run takes, on the generated sample with a stand-in server.
# usage: bench/dev/rerun-latency.sh [CHANGES]
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
WARMSTART=${WARMSTART:-$REPO/target/release/warmstart}
[ -x "$WARMSTART" ] || (cd "$REPO" && cargo build --release)
N=${1:-10}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
"$WARMSTART" sample "$DIR/repo" >/dev/null
cd "$DIR/repo"
"$WARMSTART" --color never dev --no-history -- sh -c 'echo "Ready in 1ms"; exec sleep 600' \
  2> "$DIR/dev.log" >/dev/null &
PID=$!
until grep -q watching "$DIR/dev.log"; do sleep 0.1; done
APP=$(ls -d packages/app-store/*/static | head -1)
for i in $(seq 1 "$N"); do
  echo "<svg>$i</svg>" > "$APP/bench-$i.svg"
  sleep 0.6
done
kill -TERM "$PID"; wait "$PID" || true
grep "prepare re-ran" "$DIR/dev.log" | sed 's/.*re-ran in \([0-9.]* m*s\) (started \([0-9.]* m*s\).*/\2 \1/' |
  python3 -c '
import sys, statistics
def ms(v, u): return float(v) * (1000 if u == "s" else 1)
rows = [l.split() for l in sys.stdin if l.strip()]
start = [ms(r[0], r[1]) for r in rows]; run = [ms(r[2], r[3]) for r in rows]
print(f"{len(rows)} changes: re-run started {statistics.median(start):.1f} ms (max {max(start):.1f}) after the change settled; "
      f"steps took {statistics.median(run):.1f} ms median (max {max(run):.1f})")
print("goal (start within 50 ms):", "met" if max(start) <= 50 else "MISSED")'
