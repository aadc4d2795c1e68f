#!/usr/bin/env bash
# Issue 16's App Router bar on the sample: what warmstart predicts Turbopack
# compiles for one App Router route vs what a real `next dev --turbopack`
# (Next 15 from npm) compiled, before and after `warmstart graph fix-barrels
# --write`.
#
#   bench/firstpage/turbopack/run.sh [WORK] [ROUTE]     (WARMSTART=binary)
#
# WORK (default /tmp/warmstart-turbopack-bench) gets deps/ (npm install of
# package.json here, reused), before/ and after/ (two copies of `warmstart
# sample --shape app-router`; after/ rewritten by fix-barrels), the
# predictions (pred-*.json: `graph closure ROUTE --by-package --json
# --list-modules`), the counts (counted-*.json: turbopack-count.py) and
# table.md. Each dev server starts cold (.next removed) under `flock
# $BENCH_LOCK` once the 1-minute load is below $MAX_LOAD (default 1.5).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
WORK=${1:-/tmp/warmstart-turbopack-bench}
ROUTE=${2:-/auth/login}
WARMSTART=${WARMSTART:-$REPO/target/release/warmstart}
MAX_LOAD=${MAX_LOAD:-1.5}
LOCK=${BENCH_LOCK:-$WORK/bench.lock}
export WARMSTART
[ -x "$WARMSTART" ] || (cd "$REPO" && cargo build --release -p warmstart)
mkdir -p "$WORK"

for variant in before after; do
  "$HERE/make-tree.sh" "$WORK/deps" "$WORK/$variant"
done
(cd "$WORK/after" && "$WARMSTART" graph fix-barrels --write --route "$ROUTE" | tee "$WORK/fix-barrels.txt")
git -C "$WORK/after" diff --stat | tail -1

for variant in before after; do
  (cd "$WORK/$variant" && "$WARMSTART" graph closure "$ROUTE" --by-package --json --list-modules -q \
    > "$WORK/pred-$variant.json")
done
port=3461
for variant in before after; do
  flock "$LOCK" python3 "$REPO/bench/firstpage/turbopack-count.py" "$WORK/$variant/apps/web" "$ROUTE" \
    --port "$port" --max-load "$MAX_LOAD" --json "$WORK/counted-$variant.json"
  port=$((port + 1))
done
for variant in before after; do
  echo "== $variant"
  python3 "$HERE/compare.py" "$WORK/pred-$variant.json" "$WORK/counted-$variant.json" --diff 10
done
python3 "$HERE/compare.py" --table "$WORK" | tee "$WORK/table.md"
