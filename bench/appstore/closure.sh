#!/usr/bin/env bash
# What importing the app metadata costs eagerly on a Cal.com tree, before
# and after `apps build --mode lazy`: the modules a bundler compiles for
# today's apps.metadata.generated.ts and for the lazy
# apps.metadata.lazy.generated.ts — the JS/TS modules `warmstart graph
# closure` follows (runtime view: value imports and require, import()
# excluded) plus the JSON files those modules import (config.json,
# package.json), which the graph does not hold as modules.
#
#   bench/appstore/closure.sh CALCOM_TREE
#
# CALCOM_TREE: a Cal.com v4.7.24 checkout (bench/calcom/checkout.sh DEST);
# copied first, the original is not touched. The lazy file is listed in the
# .gitignore block `apps build --mode lazy` adds, and the graph honours
# .gitignore, so the closure is taken of a copy of it under a name git does
# not ignore (same folder, same imports). WARMSTART: the binary (default
# target/release/warmstart).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SRC=$(cd "${1:?usage: bench/appstore/closure.sh CALCOM_TREE}" && pwd)
WARMSTART=${WARMSTART:-$REPO/target/release/warmstart}
[ -x "$WARMSTART" ] || (cd "$REPO" && cargo build --release -q -p warmstart)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -a "$SRC" "$tmp/tree"
cd "$tmp/tree"
"$WARMSTART" apps build --mode lazy -q
store=packages/app-store
cp "$store/apps.metadata.lazy.generated.ts" "$store/closure-of-lazy-metadata.ts"
for entry in apps.metadata.generated.ts closure-of-lazy-metadata.ts; do
  "$WARMSTART" graph closure "$store/$entry" --no-cache --json --top 1000000 2>/dev/null > "$tmp/c.json"
  python3 - "$tmp/c.json" "$entry" <<'PY'
import json, os, re, sys
c = json.load(open(sys.argv[1]))
mods = [path for path, _ in c["largest"]]
assert len(mods) == c["modules"], "the module list is incomplete"
spec = re.compile(r"""(?:from|import)\s*["']([^"']+\.json)["']""")
jsons = set()
for m in mods:
    for s in spec.findall(open(m, encoding="utf-8").read()):
        if s.startswith("."):
            jsons.add(os.path.normpath(os.path.join(os.path.dirname(m), s)))
name = sys.argv[2].replace("closure-of-lazy-metadata.ts", "apps.metadata.lazy.generated.ts")
print(f"{name}: {len(mods) + len(jsons)} modules eagerly = {len(mods)} JS/TS + {len(jsons)} JSON")
PY
done
