#!/usr/bin/env bash
# Makes a bench tree: the sample monorepo (`warmstart sample`, 100 apps) made
# runnable under the real Next.js 13.5 by shell.py, with next, react and
# copy-webpack-plugin installed from npm (package.json here) into DEPS once.
#
#   bench/nextjs/make-tree.sh DEPS TREE [shell.py options]     (WARMSTART=binary)
#
# TREE is removed and written again; DEPS is reused while package.json is
# unchanged. Used by bench/nextjs/run.sh and bench/nextjs-dev/run.sh.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DEPS=${1:?usage: make-tree.sh DEPS TREE [shell.py options]}
TREE=${2:?usage: make-tree.sh DEPS TREE [shell.py options]}
shift 2
: "${WARMSTART:?WARMSTART must name the warmstart binary}"
mkdir -p "$DEPS"
if ! cmp -s "$HERE/package.json" "$DEPS/package.json" || [ ! -f "$DEPS/node_modules/.warmstart-installed" ]; then
  cp "$HERE/package.json" "$DEPS/package.json"
  (cd "$DEPS" && npm install --no-audit --no-fund --loglevel=error >&2)
  touch "$DEPS/node_modules/.warmstart-installed"
fi
rm -rf "$TREE"
"$WARMSTART" sample "$TREE" --apps "${APPS:-100}" -q
python3 "$HERE/shell.py" "$TREE" "$DEPS" "$@"
