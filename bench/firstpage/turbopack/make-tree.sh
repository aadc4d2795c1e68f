#!/usr/bin/env bash
# Makes a runnable Next 15 App Router bench tree: the sample monorepo in its
# app-router shape (`warmstart sample --shape app-router`) with Next 15,
# React 19 and TypeScript from npm (package.json here, installed into DEPS
# once and reused while package.json is unchanged).
#
#   bench/firstpage/turbopack/make-tree.sh DEPS TREE     (WARMSTART=binary, MODULES=N)
#
# Turbopack refuses a node_modules symlink that leaves its root (the
# monorepo), so DEPS/node_modules is hard-linked into TREE (cp -al, same
# file system) rather than linked; the workspace packages are linked the way
# yarn links them (relative, inside the tree). TREE is removed and written
# again.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DEPS=${1:?usage: make-tree.sh DEPS TREE}
TREE=${2:?usage: make-tree.sh DEPS TREE}
: "${WARMSTART:?WARMSTART must name the warmstart binary}"
mkdir -p "$DEPS"
if ! cmp -s "$HERE/package.json" "$DEPS/package.json" || [ ! -f "$DEPS/node_modules/.warmstart-installed" ]; then
  cp "$HERE/package.json" "$DEPS/package.json"
  (cd "$DEPS" && npm install --no-audit --no-fund --loglevel=error >&2)
  touch "$DEPS/node_modules/.warmstart-installed"
fi
rm -rf "$TREE"
"$WARMSTART" sample "$TREE" --shape app-router --modules "${MODULES:-600}" -q
mkdir -p "$TREE/node_modules"
cp -al "$DEPS/node_modules/." "$TREE/node_modules/"
python3 - "$TREE" <<'PY'
import glob, json, os, sys
tree = sys.argv[1]
patterns = json.load(open(os.path.join(tree, "package.json")))["workspaces"]
seen = set()
for pattern in patterns:
    for manifest in sorted(glob.glob(os.path.join(tree, pattern, "package.json"))):
        name = json.load(open(manifest)).get("name")
        if not name or name in seen:
            continue
        seen.add(name)
        dest = os.path.join(tree, "node_modules", name)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if not os.path.lexists(dest):
            os.symlink(os.path.relpath(os.path.dirname(manifest), os.path.dirname(dest)), dest)
print(f"make-tree: {len(seen)} workspace packages linked, next from {os.path.basename(tree)}/node_modules")
PY
# A git repository, so `git diff` shows what fix-barrels rewrote.
(cd "$TREE" && git init -q && git add -A && git -c user.name=bench -c user.email=bench@localhost commit -qm sample)
