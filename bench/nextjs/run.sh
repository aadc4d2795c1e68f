#!/usr/bin/env bash
# A real Next.js 13.5 dev server on the sample monorepo (`warmstart sample`,
# 100 apps, made runnable by shell.py; next and copy-webpack-plugin from
# npm), under the registry shapes warmstart's own outputs give (shape.py):
# eager (today's, `apps build`), inlined (`--mode lazy` metadata), thunks
# (the API route through `loadApp(slug)`), shards (+ per-app API routes).
# Every run starts cold (.next removed); measure.py times ready, the first
# /apps page, the first request to one app's API route, peak RSS of the tree
# and the size of .next. Runs are interleaved (each round runs every shape).
#
#   bench/nextjs/run.sh WORKDIR [RUNS] [SHAPES]     (needs node, npm, python3)
#
# WORKDIR: a scratch folder (the npm install is kept there between runs).
# SHAPES: default "eager inlined thunks shards". WARMSTART: the binary
# (default target/release/warmstart, built if missing). APP_MODULES: modules
# of its own added to every app with an API (default 10, shell.py).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=${1:?usage: bench/nextjs/run.sh WORKDIR [RUNS] [SHAPES]}
RUNS=${2:-3}
SHAPES=${3:-eager inlined thunks shards}
export WARMSTART=${WARMSTART:-$REPO/target/release/warmstart}
[ -x "$WARMSTART" ] || (cd "$REPO" && cargo build --release -q -p warmstart)
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
TREE=$WORK/tree

bash "$HERE/make-tree.sh" "$WORK/deps" "$TREE" --warmstart-assets --app-modules "${APP_MODULES:-10}"
# The app whose API route is requested: the first (sorted) with an API and statics.
APP=$(cd "$TREE/packages/app-store" && for d in */; do d=${d%/}; \
  [ -f "$d/api/index.ts" ] && [ -d "$d/static" ] && echo "$d" && break; done)
[ -n "$APP" ] || { echo "no app with api/index.ts and static/ in the sample" >&2; exit 1; }
echo "== app requested: $APP"

RESULTS=$WORK/results.jsonl
rm -f "$RESULTS"
export NEXT_TELEMETRY_DISABLED=1
echo "== load before: $(uptime | sed 's/.*load average/load average/')"
port=3500
for r in $(seq 1 "$RUNS"); do
  for shape in $SHAPES; do
    port=$((port + 1))
    python3 "$HERE/measure.py" "$TREE" "$shape" "$r" "$port" "$RESULTS" "$WORK/logs" "$APP"
  done
done
echo "== load after: $(uptime | sed 's/.*load average/load average/')"
python3 "$HERE/summarize.py" "$RESULTS"
