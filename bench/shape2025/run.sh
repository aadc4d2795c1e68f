#!/usr/bin/env bash
# The 2025 shape of Cal.com (statics copied by a Node script chained before
# `next dev --turbopack`; Next 15 from npm) on the generated sample: as
# shipped vs after `warmstart init --write`, one server at a time, every
# start cold (.next and apps/web/public/app-store removed first), runs
# interleaved (each round runs every variant).
#
#   bench/shape2025/run.sh WORK [RUNS]        (needs node, corepack, python3, git)
#
# WORK: a scratch folder; the trees are made once by make-tree.sh (again
# with REMAKE=1). WARMSTART: the binary (default target/release/warmstart).
# BENCH_LOCK: a lock file; when set, each start runs under `flock` on it
# (for machines where others measure too). MAX_LOAD (default 1.5): each
# start waits until the 1-minute load is below it (at most MAX_WAIT s,
# default 300; the load at the start is recorded). VARIANTS: a subset of
#
#   shipped        apps/web: yarn dev            -> yarn copy-app-store-static && next dev --turbopack
#   shipped-root   root:     yarn dev            -> turbo run dev -> the same
#   warmstart      root:     warmstart dev --no-warm   (its default command,
#                  `yarn dev` -> warmstart apps build && warmstart assets setup
#                  && turbo run dev -> warmstart assets setup && next dev --turbopack)
#   warmstart-web  apps/web: warmstart dev --no-warm -- yarn dev
#                  (-> warmstart assets setup && next dev --turbopack)
#
# Each start: Ready, GET /auth/login (status, time), GET one app static
# (bytes, sha256), what public/app-store holds afterwards (copied files vs
# warmstart's links), .next size, peak RSS (measure.py). Raw runs:
# WORK/results.jsonl, server output: WORK/logs/; the table: table.py.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=${1:?usage: run.sh WORK [RUNS]}
RUNS=${2:-3}
VARIANTS=${VARIANTS:-shipped warmstart-web shipped-root warmstart}
export WARMSTART=${WARMSTART:-$REPO/target/release/warmstart}
[ -x "$WARMSTART" ] || (cd "$REPO" && cargo build --release -q -p warmstart)
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
if [ -n "${REMAKE:-}" ] || [ ! -d "$WORK/shipped/node_modules/next" ] || [ ! -f "$WORK/warmstart/warmstart.json" ]; then
  bash "$HERE/make-tree.sh" "$WORK"
fi
ln -sfn "$REPO/npm/warmstart/bin/warmstart.js" "$WORK/bin/warmstart"
export WARMSTART_BINARY=$(cd "$(dirname "$WARMSTART")" && pwd)/$(basename "$WARMSTART")
REGISTRY=$(npm config get registry)
export PATH=$WORK/bin:$PATH COREPACK_HOME=$WORK/corepack COREPACK_ENABLE_DOWNLOAD_PROMPT=0 COREPACK_NPM_REGISTRY=${REGISTRY%/}
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1
# The static requested: the first app (sorted) with an icon.svg.
APP=$(cd "$WORK/shipped/packages/app-store" && for d in */; do d=${d%/}; \
  [ -f "$d/static/icon.svg" ] && echo "$d" && break; done)
STATIC=/app-store/$APP/icon.svg
OUT=$WORK/results.jsonl
rm -rf "$OUT" "$WORK/logs"
echo "== warmstart $(warmstart --version | head -1); next $(node -p 'require(process.argv[1]).version' "$WORK/shipped/node_modules/next/package.json"); yarn $(cd "$WORK/shipped" && yarn --version); node $(node --version)"
echo "== apps/web dev script, shipped:   $(node -p 'require(process.argv[1]).scripts.dev' "$WORK/shipped/apps/web/package.json")"
echo "== apps/web dev script, warmstart: $(node -p 'require(process.argv[1]).scripts.dev' "$WORK/warmstart/apps/web/package.json")"
echo "== root dev script, warmstart:     $(node -p 'require(process.argv[1]).scripts.dev' "$WORK/warmstart/package.json")"
echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg)"
LOCKED=()
[ -n "${BENCH_LOCK:-}" ] && LOCKED=(flock "$BENCH_LOCK")
run() { # LABEL TREE CWD -- CMD...
  local label=$1 tree=$2 cwd=$3; shift 3
  "${LOCKED[@]}" python3 "$HERE/measure.py" --tree "$tree" --cwd "$cwd" --label "$label" --out "$OUT" \
    --logs "$WORK/logs" --static "$STATIC" --max-load "${MAX_LOAD:-1.5}" \
    --max-wait "${MAX_WAIT:-300}" "$@" || echo "   ($label failed)"
}
for r in $(seq 1 "$RUNS"); do
  echo "== round $r of $RUNS"
  for v in $VARIANTS; do
    case $v in
      shipped) run shipped "$WORK/shipped" apps/web -- yarn dev ;;
      shipped-root) run shipped-root "$WORK/shipped" . -- yarn dev ;;
      warmstart) run warmstart "$WORK/warmstart" . -- warmstart dev --no-warm ;;
      warmstart-web) run warmstart-web "$WORK/warmstart" apps/web -- warmstart dev --no-warm -- yarn dev ;;
      *) echo "unknown variant $v" >&2; exit 2 ;;
    esac
  done
done
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$HERE/table.py" "$OUT"
