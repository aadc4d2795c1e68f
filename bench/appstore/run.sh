#!/usr/bin/env bash
# Times Cal.com's own `app-store-cli build` (ts-node + prettier, its real
# dependencies from npm) against `warmstart apps build` on the same tree,
# side by side with hyperfine, and prints medians and the ratio, plus the
# time of a no-change warmstart run.
#
# Usage: bench/appstore/run.sh CALCOM_TREE
# CALCOM_TREE: a Cal.com v4.7.24 checkout (bench/calcom/install.sh DEST; node_modules
# are not needed: install.sh here installs what build.ts takes from npm).
# The tree is copied to a temporary folder first; the original is not touched.
# Env: WARMSTART=path/to/warmstart (default: target/release/warmstart, built
# if missing), RUNS (default 10).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
src="$(cd "${1:?usage: bench/appstore/run.sh CALCOM_TREE}" && pwd)"
runs="${RUNS:-10}"
command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install -y hyperfine" >&2; exit 2; }
[ -d "$src/packages/app-store-cli" ] || { echo "$src is not a Cal.com tree (no packages/app-store-cli)" >&2; exit 2; }

work="$("$here/install.sh")"
bin="${WARMSTART:-$repo/target/release/warmstart}"
if [ ! -x "$bin" ]; then
  (cd "$repo" && cargo build --release -q -p warmstart)
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
tree="$tmp/calcom"
echo "copying $src to $tree ..." >&2
cp -a "$src" "$tree"
# What `yarn install` would provide to build.ts: its npm dependencies and the
# workspace packages it (and the _metadata.ts files it requires) import.
mkdir -p "$tree/node_modules/@calcom"
for dep in "$work"/node_modules/* "$work"/node_modules/.bin; do
  [ -e "$tree/node_modules/$(basename "$dep")" ] || ln -s "$dep" "$tree/node_modules/$(basename "$dep")"
done
for pkg in lib config types tsconfig; do
  ln -sfn "../../packages/$pkg" "$tree/node_modules/@calcom/$pkg"
done
gen=(apps.metadata.generated.ts apps.server.generated.ts apps.browser.generated.tsx
     apps.schemas.generated.ts apps.keys-schemas.generated.ts bookerApps.metadata.generated.ts)
clean="cd '$tree/packages/app-store' && rm -f ${gen[*]}"
original="cd '$tree/packages/app-store-cli' && node '$work/node_modules/ts-node/dist/bin.js' --transpile-only src/build.ts"
ours="cd '$tree' && '$bin' apps build -q"

# Both tools must write the committed bytes.
(cd "$tree" && git status --short -- packages/app-store) > "$tmp/before"
bash -c "$clean" && bash -c "$original" >/dev/null
(cd "$tree" && git status --short -- packages/app-store) | diff -q "$tmp/before" - >/dev/null \
  || { echo "app-store-cli did not reproduce the committed files" >&2; exit 1; }
bash -c "$clean" && bash -c "$ours"
(cd "$tree" && git status --short -- packages/app-store) | diff -q "$tmp/before" - >/dev/null \
  || { echo "warmstart did not reproduce the committed files" >&2; exit 1; }
echo "both tools write the six committed files byte for byte" >&2

hyperfine -N --warmup 1 --runs "$runs" --prepare "bash -c \"$clean\"" \
  -n app-store-cli "bash -c \"$original\"" --export-json "$tmp/original.json" >&2
hyperfine -N --warmup 3 --runs $((runs * 5)) --prepare "bash -c \"$clean\"" \
  -n "warmstart apps build" "$bin apps build -q --root $tree" --export-json "$tmp/ours.json" >&2
# Steady state for the no-change run: inputs older than the file system's
# timestamp granularity (2 s), so the no-change stamp can vouch for them.
sleep 3 && "$bin" apps build -q --root "$tree"
hyperfine -N --warmup 5 --runs $((runs * 10)) \
  -n "warmstart apps build (no change)" "$bin apps build -q --root $tree" --export-json "$tmp/nochange.json" >&2

python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
def med(name):
    r = json.load(open(f"{d}/{name}.json"))["results"][0]
    return r["median"], r.get("memory_usage_byte")
o, _ = med("original"); w, _ = med("ours"); n, _ = med("nochange")
print(f"app-store-cli build            median {o*1000:9.1f} ms")
print(f"warmstart apps build           median {w*1000:9.2f} ms   ({o/w:,.0f}x faster)")
print(f"warmstart apps build, no change median {n*1000:9.2f} ms")
PY
