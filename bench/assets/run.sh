#!/usr/bin/env bash
# Static assets, side by side on a copy of a Cal.com tree:
#   1. `warmstart assets setup` into an empty destination (no manifest)
#      vs plugin-copy.mjs, a Node script doing what CopyWebpackPlugin does;
#   2. a no-change `setup` and a `validate`.
# Usage: bench/assets/run.sh CALCOM_TREE [WARMSTART_BINARY]
# CALCOM_TREE: a Cal.com checkout (bench/calcom/install.sh DEST, or any
# checkout of v4.7.24; node_modules are not needed).
# The tree is copied to a temp folder first; the original is never touched.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "${1:?usage: bench/assets/run.sh CALCOM_TREE [WARMSTART_BINARY]}" && pwd)
bin=${2:-$here/../../target/release/warmstart}
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install -y hyperfine)"; exit 2; }
[ -x "$bin" ] || { echo "build first: cargo build --release (or pass the binary)"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -a "$src" "$work/tree"
t=$work/tree
pub=$t/apps/web/public/app-store
# Empty destination: every app folder under public/app-store goes (its own
# category icons stay), and warmstart's manifest with it (a cold first run:
# walk, plan, link).
reset="find $pub -mindepth 1 -maxdepth 1 -not -type f -exec rm -rf {} + ; rm -rf $t/node_modules/.cache/warmstart"

# Empty destination but warmstart's manifest kept: its recorded walk of the
# sources is reused (what a run after emptying public/ pays).
empty_only="find $pub -mindepth 1 -maxdepth 1 -not -type f -exec rm -rf {} +"

statics() { find "$t/packages/app-store" -path '*/static/*' -type f -not -name '.*' "$@"; }
echo "== statics: $(statics | wc -l) files, $(( $(statics -print0 | du -cb --files0-from=- | tail -1 | cut -f1) / 1000000 )) MB, $(statics | sed -E 's|.*/packages/app-store/(templates/)?([^/]+)/static/.*|\1\2|' | sort -u | wc -l) apps"
hyperfine -w 3 -r 20 -N --export-json "$work/empty.json" \
  --prepare "sh -c '$reset'" \
  -n "warmstart assets setup (empty destination, no manifest)" "$bin --root $t assets setup -q" \
  -n "node plugin-copy.mjs (glob + copy)" "node $here/plugin-copy.mjs $t"
sh -c "$reset"
"$bin" --root "$t" assets setup -q
hyperfine -w 3 -r 20 -N --export-json "$work/warm.json" \
  --prepare "sh -c '$empty_only'" \
  -n "warmstart assets setup (empty destination, manifest kept)" "$bin --root $t assets setup -q"

sh -c "$reset"
"$bin" --root "$t" assets setup -q
hyperfine -w 5 -r 50 -N --export-json "$work/nochange.json" \
  -n "warmstart assets setup (no change)" "$bin --root $t assets setup -q" \
  -n "warmstart assets validate" "$bin --root $t assets validate -q"

node -e '
const fs = require("fs");
const [empty, nochange, warm] = process.argv.slice(1).map((f) => JSON.parse(fs.readFileSync(f)).results);
const ms = (r) => (r.median * 1000).toFixed(1);
console.log(`\nsetup into empty destination, no manifest: ${ms(empty[0])} ms; node copy: ${ms(empty[1])} ms; ratio ${(empty[1].median / empty[0].median).toFixed(1)}x (bar >= 25x)`);
console.log(`setup into empty destination, manifest kept: ${ms(warm[0])} ms; ratio ${(empty[1].median / warm[0].median).toFixed(1)}x`);
console.log(`no-change setup: ${ms(nochange[0])} ms; validate: ${ms(nochange[1])} ms (bar <= 5 ms each)`);
 ' "$work/empty.json" "$work/nochange.json" "$work/warm.json"
