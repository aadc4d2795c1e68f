#!/usr/bin/env bash
# A real Next.js 13.5 dev server, plain vs warmstart, with `warmstart bench --vs`,
# on two copies of the sample monorepo made runnable by bench/nextjs/make-tree.sh
# (`warmstart sample`, 100 apps; next and copy-webpack-plugin from npm).
#
#   plain: today's shape — CopyWebpackPlugin copying every app's statics on
#          each compile, the registries as app-store-cli writes them
#          (`warmstart apps build`, byte-identical), started with plain `next dev`;
#   warm:  the shape warmstart's own outputs give, made by `warmstart
#          bench`'s timed prepare phase (statics linked, `apps.lazy`: metadata
#          inlined, one API route per app; next.config.js skips the copy
#          plugin once the statics are linked), started the way `warmstart
#          dev` starts it.
#
# Every run starts cold: .next (and the plain tree's copied statics) removed.
# First page /apps; hot reload = edit pages/apps/index.tsx until the page
# shows the edit.
#
#   bench/nextjs-dev/run.sh WORKDIR [RUNS]      (needs node, npm, python3)
#
# WORKDIR: a scratch folder (the npm install is kept there between runs).
# WARMSTART: the binary (default target/release/warmstart, built if missing).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=${1:?usage: bench/nextjs-dev/run.sh WORKDIR [RUNS]}
RUNS=${2:-5}
PORT=${PORT:-3410}
export WARMSTART=${WARMSTART:-$REPO/target/release/warmstart}
[ -x "$WARMSTART" ] || (cd "$REPO" && cargo build --release -q -p warmstart)
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
MODULES=${APP_MODULES:-10}

# plain: today's Cal.com shape.
bash "$REPO/bench/nextjs/make-tree.sh" "$WORK/deps" "$WORK/plain" --app-modules "$MODULES"
(cd "$WORK/plain" && "$WARMSTART" apps build -q && rm -rf node_modules/.cache/warmstart)

# warm: what a team gets with warmstart — `apps.lazy` on and
# appStoreMetaData.ts importing the lazy metadata (the one-line change);
# the prepare phase links the statics and writes the lazy registries and
# per-app route shards before it starts the server.
bash "$REPO/bench/nextjs/make-tree.sh" "$WORK/deps" "$WORK/warm" --warmstart-assets --app-modules "$MODULES"
(cd "$WORK/warm" \
  && rm -rf apps/web/public/app-store packages/app-store/*.generated.ts* \
  && echo '{ "apps": { "lazy": true } }' > warmstart.json \
  && sed -i 's|from "./apps.metadata.generated";|from "./apps.metadata.lazy.generated";|' \
       packages/app-store/appStoreMetaData.ts \
  && grep -q 'apps.metadata.lazy.generated' packages/app-store/appStoreMetaData.ts)

# A marker in rendered text, so --probe-hmr sees the page change.
for t in plain warm; do
  sed -i 's|<ul>|<ul data-hmr="warmstart-hmr-0">|' "$WORK/$t/apps/web/pages/apps/index.tsx"
done

NEXT="node ../../node_modules/next/dist/bin/next dev -H 127.0.0.1 -p $PORT"
cd "$WORK/warm/apps/web"
export NEXT_TELEMETRY_DISABLED=1
echo "== load before: $(uptime | sed 's/.*load average/load average/')"
"$WARMSTART" bench --json --runs "$RUNS" \
  --before "rm -rf $WORK/warm/apps/web/.next $WORK/plain/apps/web/.next $WORK/plain/apps/web/public/app-store" \
  --first-page "http://127.0.0.1:$PORT/apps" --probe-hmr pages/apps/index.tsx \
  --vs "$NEXT" --vs-dir "$WORK/plain/apps/web" \
  -- $NEXT > "$WORK/bench.json"
echo "== load after: $(uptime | sed 's/.*load average/load average/')"
python3 "$HERE/table.py" "$WORK/bench.json"
