#!/usr/bin/env bash
# Tests the npm package `warmstart` end to end, with the real packages from
# the npm registry (installs are cached, see warmstart/test/support/):
#   1. the JS tests (node --test): launcher, withWarmstart() and the config
#      probe against next 13.5/15 and copy-webpack-plugin 11/14, and real
#      `next dev` / `next dev --turbopack` servers;
#   2. npm/release.sh with the given binary: versions, the binary written
#      into this machine's platform package, both packed as tarballs;
#   3. a generated sample monorepo where npm installs THOSE TARBALLS and the
#      sample's own dependencies (next, copy-webpack-plugin, …), then, with
#      no WARMSTART_BINARY in the environment: `npx warmstart --version`
#      (must print what the binary prints), `doctor` (red: the statics copy
#      survives), `init --write`, `apps build`, `assets setup`, and `doctor`
#      (every check green).
# Usage: npm/test.sh [path/to/warmstart]
#   default binary: target/debug/warmstart (built with cargo if missing).
set -euo pipefail
NPM_DIR="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$NPM_DIR/.." && pwd)"

echo "== node --test (launcher, withWarmstart, config probe, dev servers)"
(cd "$NPM_DIR/warmstart" && node --test test/*.test.js)

binary="${1:-}"
if [ -z "$binary" ]; then
  binary="${CARGO_TARGET_DIR:-$ROOT/target}/debug/warmstart"
  [ -x "$binary" ] || (cd "$ROOT" && cargo build -q -p warmstart)
fi
[ -x "$binary" ] || { echo "no warmstart binary at $binary" >&2; exit 1; }
# The steps below run in other folders: a relative path must not break them.
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"

work="$(mktemp -d "${TMPDIR:-/tmp}/warmstart-npm-XXXXXX")"
trap 'rm -rf "$work"' EXIT
bash "$NPM_DIR/release.sh" "$work/tarballs" --binary "$binary"

echo "== a generated sample; npm installs the tarballs and the sample's dependencies"
"$binary" sample "$work/sample" --modules 300 >/dev/null
cd "$work/sample"
npm install --no-audit --no-fund --loglevel=error "$work"/tarballs/*.tgz
unset WARMSTART_BINARY
if [ -n "$(env | grep '^WARMSTART_' || true)" ]; then
  echo "warning: running with $(env | grep '^WARMSTART_' | cut -d= -f1 | tr '\n' ' ')set" >&2
fi

echo "== npx warmstart --version"
got="$(npx --no-install warmstart --version)"
want="$("$binary" --version)"
echo "$got"
if [ "$got" != "$want" ]; then
  echo "npx warmstart --version printed '$got', the binary prints '$want'" >&2
  exit 1
fi
installed="$(node -p 'require("warmstart").binaryPath()')"
case "$installed" in
  */node_modules/@warmstart/*/bin/warmstart*) echo "binary: the platform package's ($installed)" ;;
  *) echo "the launcher ran $installed, not the platform package's binary" >&2; exit 1 ;;
esac

echo "== npx warmstart doctor as generated: the statics copy survives"
set +e
npx --no-install warmstart doctor > "$work/doctor-before.txt"
status=$?
set -e
cat "$work/doctor-before.txt"
if [ "$status" -ne 1 ] || ! grep -q '^FAIL copy-plugin .* still copies app-store statics on every compile' "$work/doctor-before.txt"; then
  echo "doctor must be red on the shipped config (exit $status)" >&2
  exit 1
fi

echo "== npx warmstart init --write, apps build, assets setup"
npx --no-install warmstart init --write
npx --no-install warmstart apps build
npx --no-install warmstart assets setup >/dev/null

echo "== npx warmstart doctor"
npx --no-install warmstart doctor | tee "$work/doctor-after.txt"
grep -q '^ok   copy-plugin .*no app-store statics copy in development (client 0, server 0, edge-server 0), wrapped by withWarmstart()' "$work/doctor-after.txt"
echo "npm package OK"
