#!/usr/bin/env bash
# What webpack itself compiles for a route of the real Cal.com dev server,
# against `warmstart graph closure ROUTE --by-package`'s prediction: the
# source of the client/server module counts and the top groups in
# docs/firstpage.md.
#
#   bench/firstpage/webpack-count.sh CALREAL [ROUTE]      (default /auth/login)
#
# CALREAL: a scratch copy of Cal.com v4.7.24 installed by
# `bench/calcom/install.sh DEST` (it is edited: see below). The repo's
# modlist-plugin.js is added to next.config.js for this run only (the file
# is restored at exit); one cold `next dev` (.next removed) is started,
# ROUTE requested once, and the plugin's record of the route's client and
# server compilations is compared with warmstart's prediction by
# compare.py. KEEP=DIR keeps the records there.
# WARMSTART: the binary (default target/release/warmstart).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CALREAL=$(cd "${1:?usage: webpack-count.sh CALREAL [ROUTE]}" && pwd)
ROUTE=${2:-/auth/login}
WARMSTART=${WARMSTART:-$REPO/target/release/warmstart}
[ -x "$WARMSTART" ] || (cd "$REPO" && cargo build --release -q -p warmstart)
cfg=$CALREAL/apps/web/next.config.js
[ -f "$cfg" ] && [ -d "$CALREAL/node_modules/next" ] \
  || { echo "$CALREAL is not an installed Cal.com tree (bench/calcom/install.sh)" >&2; exit 2; }
out=$(mktemp -d)
cp "$cfg" "$out/next.config.js.orig"
trap 'cp "$out/next.config.js.orig" "$cfg"' EXIT
plugin=$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$HERE/modlist-plugin.js")
cat >> "$cfg" <<JS

// Added by bench/firstpage/webpack-count.sh for one run (restored at exit).
{
  const ModList = require($plugin);
  const withModList = (config) => ({
    ...config,
    webpack(webpackConfig, context) {
      const made = config.webpack ? config.webpack(webpackConfig, context) : webpackConfig;
      made.plugins.push(new ModList(process.env.WARMSTART_MODLIST_DIR));
      return made;
    },
  });
  const exported = module.exports;
  module.exports =
    typeof exported === "function"
      ? async (...args) => withModList(await exported(...args))
      : Promise.resolve(exported).then(withModList);
}
JS
echo "== load before: $(uptime | sed 's/.*load average/load average/')"
WARMSTART_MODLIST_DIR=$out/modlist python3 "$HERE/measure.py" "$CALREAL" 3690 "$ROUTE" webpack "$out/run.jsonl"
echo "== load after: $(uptime | sed 's/.*load average/load average/')"
t0=$(date +%s%N)
"$WARMSTART" graph closure "$ROUTE" --by-package --json --root "$CALREAL" > "$out/warmstart.json"
echo "warmstart graph closure took $(( ($(date +%s%N) - t0) / 1000000 )) ms"
python3 "$HERE/compare.py" "$out/modlist" "$out/run.jsonl" "$out/warmstart.json" "$CALREAL" "$ROUTE"
if [ -n "${KEEP:-}" ]; then cp -r "$out/modlist" "$out/run.jsonl" "$out/warmstart.json" "$KEEP/"; fi
rm -rf "$out/modlist"
