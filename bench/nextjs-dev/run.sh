#!/usr/bin/env bash
# A real Next.js 13.5 dev server, plain vs warmstart, with `warmstart bench --vs`.
#
#   plain: today's shape (CopyWebpackPlugin copying every app's statics on each
#          compile, metadata registry of 100 config.json imports, eager
#          import() server map) started with plain `next dev`;
#   warm:  the shape warmstart's own outputs give, made by `warmstart dev`'s
#          timed prepare phase (statics linked, `apps.lazy`: metadata
#          inlined, one API route per app), started the way `warmstart dev`
#          starts it.
#
# The synthetic monorepo (100 apps, 15 modules and 1.2 MB of statics each)
# comes from the lazy-registry experiment in ../shared/experiments/nextjs-registry.
# Every run starts cold: .next (and the plain tree's copied statics) removed.
#
# usage: bench/nextjs-dev/run.sh [WORKDIR] [RUNS]      (needs node, npm, python3)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
EXP=${EXP:-$REPO/../shared/experiments/nextjs-registry}
WORK=${1:-/tmp/warmstart-nextjs-dev}
RUNS=${2:-5}
PORT=${PORT:-3410}
WARMSTART=${WARMSTART:-$REPO/target/release/warmstart}
[ -x "$WARMSTART" ] || (cd "$REPO" && cargo build --release)

mkdir -p "$WORK"
if [ ! -d "$WORK/plain/node_modules/next" ]; then
  X="$WORK/plain"
  mkdir -p "$X/scripts" "$X/apps/web" "$X/packages/app-store" "$X/packages/lib"
  cp "$EXP"/*.py "$EXP"/*.sh "$X/scripts/"
  cp "$EXP/root-package.json" "$X/package.json"
  cp "$EXP/web-package.json" "$X/apps/web/package.json"
  cp "$EXP/app-store-package.json" "$X/packages/app-store/package.json"
  cp "$EXP/lib-package.json" "$X/packages/lib/package.json"
  chmod -R u+w "$X"
  (cd "$X" && npm install --no-audit --no-fund)
fi
# plain: today's Cal.com shape — CopyWebpackPlugin on, the registries as
# app-store-cli writes them (`warmstart apps build`, byte-identical).
(cd "$WORK/plain" && python3 scripts/gen.py >/dev/null && python3 scripts/variant.py A \
  && "$WARMSTART" apps build -q && rm -rf node_modules/.cache/warmstart)
[ -d "$WORK/warm" ] || cp -a "$WORK/plain" "$WORK/warm"
# warm: what a team gets with warmstart — no copy plugin, `apps.lazy` on and
# appStoreMetaData.ts importing the lazy metadata (the one-line change);
# `warmstart dev`'s prepare phase links the statics and writes the lazy
# registries and per-app route shards before it starts the server.
(cd "$WORK/warm" && python3 scripts/gen.py >/dev/null \
  && echo '{"variant": "warmstart", "copyPlugin": false}' > apps/web/variant.json \
  && rm -rf apps/web/public/app-store packages/app-store/*.generated.ts* \
  && find apps/web/pages/api/integrations -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} + \
  && echo '{ "apps": { "lazy": true } }' > warmstart.json \
  && sed -i 's|from "./apps.metadata.generated";|from "./apps.metadata.lazy.generated";|' \
       packages/app-store/appStoreMetaData.ts)

# A marker in rendered text, so --probe-hmr sees the page change.
for t in plain warm; do
  sed -i 's|<ul>|<ul data-hmr="warmstart-hmr-0">|' "$WORK/$t/apps/web/pages/apps.tsx"
done

NEXT="node ../../node_modules/next/dist/bin/next dev -H 127.0.0.1 -p $PORT"
cd "$WORK/warm/apps/web"
export NEXT_TELEMETRY_DISABLED=1
"$WARMSTART" bench --json --runs "$RUNS" \
  --before "rm -rf $WORK/warm/apps/web/.next $WORK/plain/apps/web/.next $WORK/plain/apps/web/public/app-store" \
  --first-page "http://127.0.0.1:$PORT/apps" --probe-hmr pages/apps.tsx \
  --vs "$NEXT" --vs-dir "$WORK/plain/apps/web" \
  -- $NEXT > "$WORK/bench.json"
python3 "$HERE/table.py" "$WORK/bench.json"
