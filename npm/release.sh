#!/usr/bin/env bash
# Builds the npm release of warmstart for THIS machine's platform:
#   1. checks that every npm package carries the Cargo workspace version;
#   2. builds the binary with profile-guided optimization
#      (scripts/pgo-build.sh: ~9 % less time for a cold `graph cycles` on
#      Cal.com than a plain release build), or a plain release build with
#      --no-pgo, or takes the one given with --binary;
#   3. writes it into the matching platform package, at the path the
#      launcher (npm/warmstart/lib/platform.js) looks for:
#      npm/platforms/<os>-<cpu>[-musl]/bin/warmstart[.exe] (ignored by git);
#   4. packs `warmstart` and that platform package as tarballs into OUT_DIR.
# Publishing is `npm publish OUT_DIR/<tarball>` for each, by a maintainer.
#
# Usage: npm/release.sh OUT_DIR [--binary PATH] [--no-pgo] [--musl]
#   --musl  on a Linux x64 host, also build x86_64-unknown-linux-musl (a
#           static binary; `rustup target add x86_64-unknown-linux-musl`
#           first) into @warmstart/linux-x64-musl and pack it.
#
# One host builds its own platform package (and, on Linux x64, the musl
# one). The others are built by running this script on a host of that
# platform (see CROSS_TARGETS below for why they are not cross-built here).
set -euo pipefail
NPM_DIR="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$NPM_DIR/.." && pwd)"

# Where each platform package is built, and why not elsewhere. Besides the
# target's Rust standard library (`rustup target add`), a cross build needs
# that platform's linker and C compiler (blake3's build script compiles C and
# assembly) and, for macOS and Windows, their SDKs.
CROSS_TARGETS=(
  "linux-x64         x86_64-unknown-linux-gnu    built on a Linux x64 (glibc) host"
  "linux-x64-musl    x86_64-unknown-linux-musl   built on a Linux x64 host with --musl (gcc links the static binary)"
  "linux-arm64       aarch64-unknown-linux-gnu   needs an aarch64 linker, C compiler and glibc sysroot: run on a Linux arm64 host"
  "linux-arm64-musl  aarch64-unknown-linux-musl  needs an aarch64 musl linker and C compiler: run on Alpine arm64"
  "darwin-arm64      aarch64-apple-darwin        needs the macOS SDK and Apple's linker: run on a macOS arm64 host"
  "darwin-x64        x86_64-apple-darwin         needs the macOS SDK and Apple's linker: run on a macOS x64 host"
  "win32-x64         x86_64-pc-windows-msvc      needs the MSVC toolchain and the Windows SDK: run on a Windows x64 host"
)

usage() {
  echo "usage: npm/release.sh OUT_DIR [--binary PATH] [--no-pgo] [--musl]" >&2
  exit 2
}
[ $# -ge 1 ] || usage
out="$1"
shift
binary=""
musl=""
pgo=1
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) [ $# -ge 2 ] || usage; binary="$2"; shift 2 ;;
    --musl) musl=1; shift ;;
    --no-pgo) pgo=""; shift ;;
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

if [ -z "$binary" ] && [ -n "$pgo" ]; then
  echo "== scripts/pgo-build.sh (host platform $key; --no-pgo for a plain build)"
  "$ROOT/scripts/pgo-build.sh" "${CARGO_TARGET_DIR:-$ROOT/target}/pgo"
  binary="${CARGO_TARGET_DIR:-$ROOT/target}/pgo/release/$exe"
elif [ -z "$binary" ]; then
  echo "== cargo build --release -p warmstart (host platform $key)"
  (cd "$ROOT" && cargo build --release -q -p warmstart)
  binary="${CARGO_TARGET_DIR:-$ROOT/target}/release/$exe"
fi
[ -x "$binary" ] || { echo "no warmstart binary at $binary" >&2; exit 1; }

# Writes binary $2 into the platform package $1 (stripped: debug symbols
# and line tables are not needed by users and triple the size).
stage() {
  local pkg="$NPM_DIR/platforms/$1" bin="$2"
  echo "== $1: $bin → npm/platforms/$1/bin/$exe"
  mkdir -p "$pkg/bin"
  cp "$bin" "$pkg/bin/$exe.tmp"
  if command -v strip >/dev/null; then strip "$pkg/bin/$exe.tmp" 2>/dev/null || true; fi
  chmod 755 "$pkg/bin/$exe.tmp"
  mv "$pkg/bin/$exe.tmp" "$pkg/bin/$exe"
  "$pkg/bin/$exe" --version
  packages+=("$pkg")
}
packages=("$NPM_DIR/warmstart")
stage "$key" "$binary"
built="$key"

if [ -n "$musl" ]; then
  [ "$key" = "linux-x64" ] || { echo "--musl builds linux-x64-musl on a Linux x64 (glibc) host, not on $key" >&2; exit 1; }
  echo "== cargo build --release --target x86_64-unknown-linux-musl -p warmstart"
  (cd "$ROOT" && cargo build --release -q --target x86_64-unknown-linux-musl -p warmstart)
  stage linux-x64-musl "${CARGO_TARGET_DIR:-$ROOT/target}/x86_64-unknown-linux-musl/release/warmstart"
  built="$built linux-x64-musl"
fi

echo "== npm pack → $out"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
(cd "$out" && npm pack --silent "${packages[@]}" >/dev/null)
ls -l "$out"/*.tgz | awk '{print $5, $NF}'

echo "== not built on this host"
for line in "${CROSS_TARGETS[@]}"; do
  case " $built " in
    *" ${line%% *} "*) ;;
    *) echo "  $line" ;;
  esac
done
