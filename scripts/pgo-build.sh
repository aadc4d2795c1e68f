#!/usr/bin/env bash
# Builds the release binary with profile-guided optimization (PGO), the way
# the npm release ships it (npm/release.sh):
#   1. an instrumented release build (-Cprofile-generate);
#   2. a training run of it: `graph cycles` cold, filling a cache and warm
#      on the built-in sample and on a corpus of public TypeScript and
#      JavaScript packages from the npm registry at pinned versions (the
#      sample's generated modules are small and alike: trained on them
#      alone, the parser's paths for the syntax real code uses were laid out
#      as cold; the corpus took ~3 % more off a cold run on Cal.com), then
#      `demo` (every other step once). No Cal.com code is used;
#   3. llvm-profdata merges the counts;
#   4. the release build again with -Cprofile-use.
# The result is OUT_DIR/release/warmstart (default target/pgo); the
# instrumented build lives in OUT_DIR/gen. Separate target folders, so a
# plain `cargo build --release` is neither replaced nor rebuilt, and a
# second run's instrumented build is cargo's incremental one (its RUSTFLAGS
# stay the same; the optimized build's change with the profile). Each
# build is a fat-LTO release build (~8 min on 2 cores from scratch).
#
# Needs npm (the corpus) and llvm-profdata of the LLVM major version rustc
# was built with (`rustc -vV`; Debian: package llvm-NN, /usr/lib/llvm-NN/bin),
# found on PATH as llvm-profdata-NN or llvm-profdata, in rustup's llvm-tools
# component (`rustup component add llvm-tools`), or given as
# LLVM_PROFDATA.
#
#   scripts/pgo-build.sh [OUT_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$(realpath -m "${1:-$ROOT/target/pgo}")"

major="$(rustc -vV | sed -n 's/^LLVM version: \([0-9]*\).*/\1/p')"
profdata="${LLVM_PROFDATA:-}"
if [ -z "$profdata" ]; then
  # rustup's llvm-tools component ships the one of rustc's own LLVM.
  rustup_tools="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/llvm-profdata"
  # The first of the right version: a distribution's `llvm-profdata` on
  # PATH is often an older LLVM's, which cannot read rustc's counts.
  for candidate in "llvm-profdata-$major" "/usr/lib/llvm-$major/bin/llvm-profdata" "$rustup_tools" llvm-profdata; do
    if command -v "$candidate" >/dev/null 2>&1; then
      profdata="$(command -v "$candidate")"
      "$profdata" --version 2>/dev/null | grep -q "LLVM version $major\." && break
    fi
  done
fi
if [ -z "$profdata" ] || ! "$profdata" --version 2>/dev/null | grep -q "LLVM version $major\."; then
  echo "error: no llvm-profdata of LLVM $major (rustc's) found${profdata:+; $profdata is another version}" >&2
  echo "hint: rustup component add llvm-tools (rustc's own), or install LLVM $major's tools (Debian: apt-get install llvm-$major), or set LLVM_PROFDATA" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A fixed folder for the counts: RUSTFLAGS names it, and the same RUSTFLAGS
# lets the next run reuse the instrumented build.
raw="$OUT/gen-profiles"

echo "== 1/4 instrumented build"
(cd "$ROOT" && RUSTFLAGS="-Cprofile-generate=$raw" \
  cargo build --release -q -p warmstart --target-dir "$OUT/gen")
gen="$OUT/gen/release/warmstart"
# Build scripts and proc macros ran instrumented too: their counts go.
rm -rf "$raw"

# One training run: `graph cycles` exits 1 when it finds cycles, which
# these trees have; anything else (an error) stops the build.
train() {
  local code=0
  "$@" >/dev/null || code=$?
  if [ "$code" -gt 1 ]; then
    echo "error: training run failed (exit $code): $*" >&2
    exit 1
  fi
}

# `graph cycles` on the repository in the current folder: cold, filling an
# empty cache, then warm from it.
graph_modes() {
  for _ in 1 2 3; do train "$gen" graph cycles --json --no-cache; done
  rm -rf "$work/cache"
  train env WARMSTART_CACHE_DIR="$work/cache" "$gen" graph cycles --json
  sleep 2.1 # the folders just written are trusted once settled
  train env WARMSTART_CACHE_DIR="$work/cache" "$gen" graph cycles --json
}

echo "== 2/4 training: the built-in sample"
"$gen" sample "$work/sample" --modules 20000 --apps 200 -q
(
  cd "$work/sample"
  graph_modes
  # After an edit: the caches answer what did not change.
  touch packages/*/src/index.ts 2>/dev/null || true
  train env WARMSTART_CACHE_DIR="$work/cache" "$gen" graph cycles --json
  train "$gen" graph cycles
)
echo "== 2/4 training: public npm packages"
# The corpus: source and declaration files of widely used packages, laid
# out as one repository (the graph walks it, node_modules aside).
CORPUS=(zod@3.23.8 @tanstack/react-query@5.59.0 @trpc/server@10.45.2
  react-hook-form@7.53.0 typescript@5.6.3 next@15.1.6)
mkdir -p "$work/tarballs" "$work/corpus"
(cd "$work/tarballs" && npm pack --silent "${CORPUS[@]}" >/dev/null)
for tarball in "$work/tarballs"/*.tgz; do
  dir="$work/corpus/$(basename "$tarball" .tgz)"
  mkdir -p "$dir"
  tar xzf "$tarball" -C "$dir" --strip-components=1
done
# TypeScript's compiler bundles and next's prebuilt third-party bundles are
# minified or generated: its declarations and next's ESM sources stay.
rm -f "$work/corpus"/typescript-*/lib/*.js
find "$work/corpus"/next-*/dist -mindepth 1 -maxdepth 1 ! -name esm -exec rm -rf {} +
# A repository warmstart recognizes: a git work tree with a manifest.
echo '{"name":"pgo-corpus","private":true}' >"$work/corpus/package.json"
git -C "$work/corpus" init -q
(cd "$work/corpus" && graph_modes)
echo "== 2/4 training: demo"
(cd "$work" && "$gen" demo -q >/dev/null)

echo "== 3/4 merging the profile"
"$profdata" merge -o "$work/merged.profdata" "$raw"

echo "== 4/4 optimized build → $OUT/release/warmstart"
# The profile is copied where the next run finds it: cargo rebuilds when
# RUSTFLAGS change, not when the file they name does, so its content hash
# is part of its name.
profile="$OUT/warmstart-$(sha256sum "$work/merged.profdata" | cut -c1-16).profdata"
cp "$work/merged.profdata" "$profile"
# Profiles of earlier runs (this script's own files) go.
find "$OUT" -maxdepth 1 -name 'warmstart-*.profdata' ! -path "$profile" -delete
(cd "$ROOT" && RUSTFLAGS="-Cprofile-use=$profile" \
  cargo build --release -q -p warmstart --target-dir "$OUT")
"$OUT/release/warmstart" --version
