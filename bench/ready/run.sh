#!/usr/bin/env bash
# Issue 15's bench: Ready of a real `next dev` on warmstart's sample, as
# generated (Sentry's documented instrumentation.ts, the real @sentry/nextjs
# from the registry, `.env` from `.env.example` with NEXT_PUBLIC_SENTRY_DSN
# empty) vs the same tree after `warmstart graph ready --write`.
#
#   bench/ready/run.sh [WORKDIR] [RUNS] [FLAVOURS]
#
# FLAVOURS: "15 13" (default) — 15: Next 15 + `next dev --turbopack` +
# @sentry/nextjs 10; 13: Next 13.5 + webpack + @sentry/nextjs 8 (the last
# major whose edge SDK runs in 13.5's edge runtime). Versions can be pinned
# with NEXT15, SENTRY15, NEXT13, SENTRY13. Every start is cold (.next
# removed); per run the two variants start one after the other
# (interleaved), one server at a time. After Ready each variant GETs the
# same pages (through the middleware); the table says whether they all
# answered as before. Needs node, npm, python3.
#
# On a shared machine: LOCK=FILE holds `flock FILE` over all the starts, and
# each start first waits until the 1-minute load is below MAX_LOAD
# (default 1.5; after LOAD_TIMEOUT seconds, default 900, it starts anyway
# and the load is in the results). Each server's output is kept in WORKDIR/logs/.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=${1:-/tmp/warmstart-ready-bench}
RUNS=${2:-3}
FLAVOURS=${3:-"15 13"}
WARMSTART=${WARMSTART:-$REPO/target/release/warmstart}
[ -x "$WARMSTART" ] || (cd "$REPO" && cargo build --release -p warmstart)
NEXT15=${NEXT15:-15.5.29}; SENTRY15=${SENTRY15:-10.78.0}
NEXT13=${NEXT13:-13.5.7}; SENTRY13=${SENTRY13:-8.55.2}
MAX_LOAD=${MAX_LOAD:-1.5}; LOAD_TIMEOUT=${LOAD_TIMEOUT:-900}
OUT=$WORK/results.jsonl
PROBES=(--probe /auth/login --probe /apps/giphy)

setup() {  # $1: flavour
  local fl=$1 dir=$WORK/$1/before next sentry
  if [ "$fl" = 15 ]; then next=$NEXT15; sentry=$SENTRY15; else next=$NEXT13; sentry=$SENTRY13; fi
  if [ ! -d "$dir/node_modules/@sentry/nextjs" ]; then
    rm -rf "$dir"
    "$WARMSTART" sample "$dir" --next "$fl" -q
    cp "$dir/.env.example" "$dir/.env"
    # Exact pins of what the generator writes as ranges.
    node -e '
      const fs = require("fs"), f = process.argv[1], p = JSON.parse(fs.readFileSync(f));
      p.dependencies.next = process.argv[2]; p.dependencies["@sentry/nextjs"] = process.argv[3];
      fs.writeFileSync(f, JSON.stringify(p, null, 2) + "\n");' "$dir/apps/web/package.json" "$next" "$sentry"
    # --ignore-scripts: the sample's root postinstall is Cal.com's
    # `turbo run post-install`, a task the sample does not define.
    (cd "$dir" && npm install --no-audit --no-fund --ignore-scripts \
      && npm install --no-audit --no-fund --ignore-scripts -D @types/react@18 @types/node@20)
  fi
  # The app-store registries /apps/[slug] imports (app-store-cli's output
  # in Cal.com; byte-identical from `warmstart apps build`).
  (cd "$dir" && "$WARMSTART" apps build -q)
  echo "== $fl: next $(node -p 'require(process.argv[1]).version' "$dir/node_modules/next/package.json"), @sentry/nextjs $(node -p 'require(process.argv[1]).version' "$dir/node_modules/@sentry/nextjs/package.json")"
  # The generator writes packages/vendor/tiny-dates/toDate with `import
  # toDate` and `function toDate` in one module, which webpack refuses (the
  # 13.5 server compile, instrumentation included, then fails): renamed as
  # bench/nextjs/shell.py does for the other Next benches.
  python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import shell; shell.fix_redeclared_imports(sys.argv[2])' \
    "$REPO/bench/nextjs" "$dir/packages/vendor"
  # after = before + `graph ready --write`. Hard links: fast, and nothing
  # writes into a tree's files in place (--write renames a temp file over
  # instrumentation.ts; each server writes only its own .next, removed).
  rm -rf "$WORK/$fl/after"
  cp -al "$dir" "$WORK/$fl/after"
  rm -rf "$WORK/$fl/after/apps/web/.next"
  # The analysis of both variants is kept beside the results.
  (cd "$WORK/$fl/before" && "$WARMSTART" graph ready 2>/dev/null > ../ready-before.txt \
    && "$WARMSTART" graph ready --json 2>/dev/null > ../ready-before.json)
  sed -n 1,40p "$WORK/$fl/ready-before.txt"
  (cd "$WORK/$fl/after" && "$WARMSTART" graph ready --write \
    && "$WARMSTART" graph ready 2>/dev/null > ../ready-after.txt && "$WARMSTART" graph ready --json 2>/dev/null > ../ready-after.json)
  git -C "$WORK/$fl" diff --no-index --stat before/apps/web after/apps/web -- 2>/dev/null | tail -3 || true
}

mkdir -p "$WORK/logs"
for fl in $FLAVOURS; do setup "$fl"; done
rm -f "$OUT"
if [ -n "${LOCK:-}" ]; then
  # All starts of the run hold the lock together, so no other bench's
  # server runs between two of them (the setup above does not need it).
  exec 9>>"$LOCK"
  echo "== waiting for $LOCK"
  flock 9
fi
echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg)"
port=3800
for r in $(seq 1 "$RUNS"); do
  for fl in $FLAVOURS; do
    flag=""; [ "$fl" = 15 ] && flag="--turbopack"
    for variant in before after; do
      port=$((port + 1))
      python3 "$HERE/measure.py" --web "$WORK/$fl/$variant/apps/web" --label "$fl/$variant" \
        --out "$OUT" --port "$port" "${PROBES[@]}" --max-load "$MAX_LOAD" --load-timeout "$LOAD_TIMEOUT" --log "$WORK/logs/$r-$fl-$variant.log" -- \
        node ../../node_modules/next/dist/bin/next dev -H 127.0.0.1 -p "$port" $flag >/dev/null 9>&-
      echo "run $r $fl/$variant: $(tail -1 "$OUT" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r.get("ready_s"), r.get("error",""), "load", r.get("load_before"), [(p["path"], p["status"]) for p in r.get("probes",[])])')"
    done
  done
done
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$HERE/table.py" "$OUT"
