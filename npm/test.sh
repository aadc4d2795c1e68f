#!/usr/bin/env bash
# Tests the npm package `warmstart` end to end:
#   1. the JS unit tests (node --test): launcher and withWarmstart();
#   2. versions: the npm packages carry the Cargo workspace version;
#   3. `npm pack` of the launcher and of this machine's platform package
#      holding a locally built binary, installed into a temporary project
#      (offline, optional dependencies omitted: only the local tarballs are
#      used), then `npx warmstart --version` must print what the binary prints.
# Usage: npm/test.sh [path/to/warmstart]
#   default binary: target/debug/warmstart (built with cargo if missing).
set -euo pipefail
NPM_DIR="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$NPM_DIR/.." && pwd)"

echo "== node --test (launcher, withWarmstart)"
(cd "$NPM_DIR/warmstart" && node --test test/)

echo "== versions"
cargo_version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -n1)"
node - "$NPM_DIR" "$cargo_version" <<'JS'
const fs = require("fs");
const path = require("path");
const [dir, want] = process.argv.slice(2);
const main = require(path.join(dir, "warmstart/package.json"));
const bad = [];
if (main.version !== want) bad.push(`warmstart is ${main.version}`);
for (const [name, version] of Object.entries(main.optionalDependencies)) {
  const folder = path.join(dir, "platforms", name.replace("@warmstart/", ""));
  if (!fs.existsSync(folder)) bad.push(`${name} has no folder under npm/platforms`);
  else if (require(path.join(folder, "package.json")).version !== want) bad.push(`${name} is not ${want}`);
  if (version !== want) bad.push(`optionalDependencies.${name} is ${version}`);
}
if (bad.length) {
  console.error(`npm versions must equal the Cargo workspace version ${want}:\n  ${bad.join("\n  ")}`);
  process.exit(1);
}
console.log(`all npm packages at ${want}`);
JS

binary="${1:-}"
if [ -z "$binary" ]; then
  binary="$ROOT/target/debug/warmstart"
  [ -x "$binary" ] || (cd "$ROOT" && cargo build -q -p warmstart)
fi
[ -x "$binary" ] || { echo "no warmstart binary at $binary" >&2; exit 1; }
# The steps below run in other folders: a relative path must not break them.
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
key="$(cd "$NPM_DIR/warmstart" && node -p 'require("./lib/platform").platformKey()')"
[ -d "$NPM_DIR/platforms/$key" ] || { echo "no platform package for $key under npm/platforms" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/warmstart-npm-XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "== npm pack (platform $key, binary $binary)"
cp -R "$NPM_DIR/platforms/$key" "$work/platform"
mkdir -p "$work/platform/bin" "$work/tarballs" "$work/project"
cp "$binary" "$work/platform/bin/warmstart"
# Debug symbols make the tarball slow to pack; they are not needed here.
if command -v strip >/dev/null; then strip "$work/platform/bin/warmstart" 2>/dev/null || true; fi
(cd "$work/tarballs" && npm pack --silent "$NPM_DIR/warmstart" "$work/platform" >/dev/null)
ls "$work/tarballs"

echo "== install into a temporary project"
cd "$work/project"
printf '{ "name": "try-warmstart", "version": "1.0.0", "private": true }\n' > package.json
npm install --offline --omit=optional --no-audit --no-fund --loglevel=error "$work"/tarballs/*.tgz

echo "== npx warmstart --version"
got="$(npx --no-install warmstart --version)"
want="$("$binary" --version)"
echo "$got"
if [ "$got" != "$want" ]; then
  echo "npx warmstart --version printed '$got', the binary prints '$want'" >&2
  exit 1
fi
node -e 'const { withWarmstart } = require("warmstart/next"); if (typeof withWarmstart({}, { quiet: true }).webpack !== "function") process.exit(1)'

echo "== inside a generated sample: npx warmstart, init, and withWarmstart on its next.config.js"
"$binary" sample "$work/sample" --modules 300 >/dev/null
cd "$work/sample"
# Unpack the two tarballs as a package manager would (a real install here
# would fetch next, react, … for every workspace).
mkdir -p node_modules/.bin node_modules/warmstart node_modules/@warmstart/$key
tar -xzf "$work/tarballs/warmstart-0.1.0.tgz" -C node_modules/warmstart --strip-components=1
tar -xzf "$work"/tarballs/warmstart-$key-0.1.0.tgz -C node_modules/@warmstart/$key --strip-components=1
ln -s ../warmstart/bin/warmstart.js node_modules/.bin/warmstart
# Stand-ins for the two packages apps/web/next.config.js requires.
mkdir -p node_modules/dotenv node_modules/copy-webpack-plugin
echo 'module.exports = { config: () => ({}) };' > node_modules/dotenv/index.js
echo 'module.exports = class CopyWebpackPlugin { constructor(o) { this.patterns = o.patterns; } };' \
  > node_modules/copy-webpack-plugin/index.js
npx --no-install warmstart init --write >/dev/null
npx --no-install warmstart apps build >/dev/null
npx --no-install warmstart assets setup >/dev/null
(cd apps/web && node - <<'JS'
const config = require("./next.config.js");
const hook = (dev) =>
  config.webpack(
    { plugins: [], resolve: { fallback: {} }, externals: [] },
    { webpack: { DefinePlugin: class DefinePlugin {} }, buildId: "b", dev, isServer: false }
  ).plugins.map((p) => p.constructor.name);
const dev = hook(true);
const prod = hook(false);
if (dev.includes("CopyWebpackPlugin") || !prod.includes("CopyWebpackPlugin")) {
  console.error(`withWarmstart: dev plugins ${dev}, production plugins ${prod}`);
  process.exit(1);
}
console.log(`next.config.js: dev [${dev}], production [${prod}]`);
JS
)
npx --no-install warmstart doctor
echo "npm package OK"
