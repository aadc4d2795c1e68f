#!/usr/bin/env bash
# Builds the npm release of warmstart for THIS machine's platform:
#   1. checks that every npm package carries the Cargo workspace version;
#   2. builds the binary (cargo build --release -p warmstart), or takes the
#      one given with --binary;
#   3. writes it into the matching platform package, at the path the
#      launcher (npm/warmstart/lib/platform.js) looks for:
#      npm/platforms/<os>-<cpu>[-musl]/bin/warmstart[.exe] (ignored by git);
#   4. packs `warmstart` and that platform package as tarballs into OUT_DIR.
# Publishing is `npm publish OUT_DIR/<tarball>` for each, by a maintainer.
#
# Usage: npm/release.sh OUT_DIR [--binary PATH]
#
# One host builds one platform package. The others are built by running
# this script on a host of that platform (see CROSS_TARGETS below for why
# they are not cross-built here).
set -euo pipefail
NPM_DIR="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$NPM_DIR/.." && pwd)"

# Platform packages this host cannot build, and why. A cross build needs the
# target's Rust standard library (`rustup target add`, from the Rust
# distribution server) plus that platform's linker and system libraries.
CROSS_TARGETS=(
  "linux-x64         x86_64-unknown-linux-gnu    run on a Linux x64 (glibc) host"
  "darwin-arm64      aarch64-apple-darwin        needs the macOS SDK and Apple's linker: run on a macOS arm64 host"
  "darwin-x64        x86_64-apple-darwin         needs the macOS SDK and Apple's linker: run on a macOS x64 host"
  "win32-x64         x86_64-pc-windows-msvc      needs the MSVC toolchain and Windows SDK: run on a Windows x64 host"
  "linux-arm64       aarch64-unknown-linux-gnu   needs an aarch64 glibc cross linker and sysroot: run on a Linux arm64 host"
  "linux-x64-musl    x86_64-unknown-linux-musl   needs the musl target's standard library: run on Alpine (x64)"
  "linux-arm64-musl  aarch64-unknown-linux-musl  needs an aarch64 musl toolchain: run on Alpine (arm64)"
)

usage() {
  echo "usage: npm/release.sh OUT_DIR [--binary PATH]" >&2
  exit 2
}
[ $# -ge 1 ] || usage
out="$1"
shift
binary=""
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) [ $# -ge 2 ] || usage; binary="$2"; shift 2 ;;
    *) usage ;;
  esac
done

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

key="$(cd "$NPM_DIR/warmstart" && node -p 'require("./lib/platform").platformKey()')"
exe="$(cd "$NPM_DIR/warmstart" && node -p 'require("./lib/platform").binaryName()')"
platform="$NPM_DIR/platforms/$key"
[ -d "$platform" ] || { echo "no platform package for $key under npm/platforms: this host is not a published platform" >&2; exit 1; }

if [ -z "$binary" ]; then
  echo "== cargo build --release -p warmstart (host platform $key)"
  (cd "$ROOT" && cargo build --release -q -p warmstart)
  binary="${CARGO_TARGET_DIR:-$ROOT/target}/release/$exe"
fi
[ -x "$binary" ] || { echo "no warmstart binary at $binary" >&2; exit 1; }

echo "== $key: $binary → npm/platforms/$key/bin/$exe"
mkdir -p "$platform/bin"
cp "$binary" "$platform/bin/$exe.tmp"
# Debug symbols and line tables are not needed by users and triple the size.
if command -v strip >/dev/null; then strip "$platform/bin/$exe.tmp" 2>/dev/null || true; fi
chmod 755 "$platform/bin/$exe.tmp"
mv "$platform/bin/$exe.tmp" "$platform/bin/$exe"
"$platform/bin/$exe" --version

echo "== npm pack → $out"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
(cd "$out" && npm pack --silent "$NPM_DIR/warmstart" "$platform" >/dev/null)
ls -l "$out"/*.tgz | awk '{print $5, $NF}'

echo "== not built on this host"
for line in "${CROSS_TARGETS[@]}"; do
  [ "${line%% *}" = "$key" ] || echo "  $line"
done
