#!/usr/bin/env bash
# Type-checks a Cal.com-shaped tree the way `yarn type-check` does (tsc in
# every workspace package whose package.json has a `type-check` script),
# one package after another, and writes each package's diagnostics, one per
# line, without colours, to OUT/<package>.txt (plus OUT/exit-codes.txt).
#
# usage: bench/barrels/typecheck.sh TREE OUT
# Compare two runs with bench/barrels/tsc-diff.py BEFORE AFTER.
set -u
tree=$(cd "$1" && pwd)
out=$2
mkdir -p "$out"
: > "$out/exit-codes.txt"
cd "$tree"
# The repository's own yarn when none is on PATH (yarn 3 ships in .yarn/releases).
if command -v yarn >/dev/null; then yarn=(yarn); else yarn=(node "$(ls "$tree"/.yarn/releases/yarn-*.cjs | head -1)"); fi
for manifest in $(git ls-files '*package.json' | grep -v node_modules); do
  dir=$(dirname "$manifest")
  script=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("scripts",{}).get("type-check",""))' "$manifest")
  # Only packages that run tsc themselves (the root's script runs turbo).
  case "$script" in *tsc*) ;; *) continue ;; esac
  name=$(echo "$dir" | tr '/' '_')
  start=$(date +%s)
  (cd "$dir" && "${yarn[@]}" tsc --noEmit --pretty false) > "$out/$name.txt" 2>&1
  code=$?
  echo "$dir $code $(( $(date +%s) - start ))s" >> "$out/exit-codes.txt"
  echo "$dir: exit $code, $(grep -c 'error TS' "$out/$name.txt") errors"
done
