#!/usr/bin/env bash
# warmstart's import cycles against an independent count on a pinned tree:
# TypeScript's own parser and resolver plus Tarjan (cycles.js), compared view
# by view and group by group (compare.py).
#
#   bench/graph/groundtruth/run.sh TREE [CALCOM_GIT]
#
# TREE: Cal.com v4.7.24, checked out there by bench/calcom/checkout.sh when
# it is empty or missing (CALCOM_GIT as for that script); or any tree with
# a package.json, such as the generated sample (`warmstart sample DIR`). Without
# node_modules, warmstart runs as on a fresh clone (no install) and, for
# TypeScript, the workspace packages are then linked under TREE/node_modules
# the way `yarn install` links them (removed again at exit); with
# node_modules, both run on the installed tree as it is.
# Env: WARMSTART (default target/release/warmstart), DIRS (default "apps packages").
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
TREE=${1:?usage: bench/graph/groundtruth/run.sh TREE [CALCOM_GIT]}
DIRS=${DIRS:-apps packages}
WARMSTART=${WARMSTART:-$REPO/target/release/warmstart}
[ -x "$WARMSTART" ] || (cd "$REPO" && cargo build --release -q -p warmstart)
bash "$REPO/bench/calcom/checkout.sh" "$TREE" "${2:-}"
TREE=$(cd "$TREE" && pwd)

work=$REPO/bench/.work/groundtruth
mkdir -p "$work"
if ! cmp -s "$HERE/package.json" "$work/package.json" || [ ! -d "$work/node_modules/typescript" ]; then
  cp "$HERE/package.json" "$work/package.json"
  (cd "$work" && npm install --no-audit --no-fund --loglevel=error >&2)
fi
out=$(mktemp -d)
linked=""
cleanup() { [ -n "$linked" ] && rm -rf "$TREE/node_modules"; rm -rf "$out"; }
trap cleanup EXIT

echo "== warmstart graph cycles $DIRS --json --no-cache ($( [ -d "$TREE/node_modules" ] && echo installed || echo no install))" >&2
t0=$(date +%s%N)
(cd "$TREE" && "$WARMSTART" graph cycles $DIRS --json --no-cache --max-cycles 1 > "$out/warmstart.json") || [ $? = 1 ]
t1=$(date +%s%N)
if [ ! -d "$TREE/node_modules" ]; then
  linked=1
  python3 - "$TREE" <<'PY'
import glob, json, os, sys
root = sys.argv[1]
patterns = json.load(open(os.path.join(root, "package.json")))["workspaces"]
patterns = patterns["packages"] if isinstance(patterns, dict) else patterns
seen = set()
for pattern in patterns:
    for manifest in sorted(glob.glob(os.path.join(root, pattern, "package.json"))):
        name = json.load(open(manifest)).get("name")
        if not name or name in seen:
            continue
        seen.add(name)
        link = os.path.join(root, "node_modules", name)
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(os.path.relpath(os.path.dirname(manifest), os.path.dirname(link)), link)
print(f"linked {len(seen)} workspace packages under node_modules", file=sys.stderr)
PY
fi
echo "== TypeScript: cycles.js $DIRS" >&2
NODE_PATH="$work/node_modules" node "$HERE/cycles.js" "$TREE" $DIRS > "$out/typescript.json"
t2=$(date +%s%N)
echo "warmstart $(( (t1 - t0) / 1000000 )) ms, TypeScript count $(( (t2 - t1) / 1000000 )) ms" >&2
if [ -n "${KEEP:-}" ]; then cp "$out/warmstart.json" "$out/typescript.json" "$KEEP/"; fi
python3 "$HERE/compare.py" "$out/warmstart.json" "$out/typescript.json"
