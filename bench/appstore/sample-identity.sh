#!/usr/bin/env bash
# Byte-identity with the real app-store-cli on the generated sample: runs
# Cal.com's own `build.ts` (through ts-node, with prettier 2.8.8 and Cal.com's
# prettier preset and plugins, all from npm via install.sh) on a fresh
# `warmstart sample`, keeps its six registries, then runs `warmstart apps
# build` on the same tree and requires the six files to be equal byte for
# byte. `.ci/run` runs it, and runs it again with SAMPLE_IDENTITY_PLANT=1,
# which changes one byte of one of warmstart's files before the comparison:
# that run must fail.
#
#   bench/appstore/sample-identity.sh [CALCOM_GIT]
#
# The original generator is on no package registry, so a host that reaches
# only registries cannot run it. For that case the six files it wrote for
# the default sample (60 apps, seed 1) are kept in bench/appstore/reference/
# (our sample's data run through Cal.com's generator, not Cal.com's code):
# SAMPLE_IDENTITY_REFERENCE=1 compares warmstart's output with those files
# instead of running build.ts; SAMPLE_IDENTITY_SAVE=1 (with the generator
# available) rewrites them.
#
# Cal.com's code is not part of this repository. The four files the
# original generator needs (packages/app-store-cli/src/build.ts, its
# constants.ts and utils/getAppName.ts, packages/config/prettier-preset.js)
# are read at the pinned commit
# below, once, into bench/.work/calcom-PIN/ (ignored by git), from
# CALCOM_GIT: a git directory or clone holding that commit (argument or
# environment; e.g. a mirror of github.com/calcom/cal.com). Without it the
# script makes a blob-less bare clone of the public URL in bench/.work/.
# Env: WARMSTART (default target/debug/warmstart, built if missing),
# APPS (apps in the sample, default 60: every fixed shape plus seeded ones).
set -euo pipefail
PIN=6b1c747c0efb44781048e47221a9d8b1ef826146   # Cal.com v4.7.24
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
src="${1:-${CALCOM_GIT:-}}"
ref="$repo/bench/.work/calcom-$PIN"
files=(packages/app-store-cli/src/build.ts packages/app-store-cli/src/constants.ts
       packages/app-store-cli/src/utils/getAppName.ts packages/config/prettier-preset.js)

reference="$here/reference"
missing=0
for f in "${files[@]}"; do [ -f "$ref/$f" ] || missing=1; done
if [ -n "${SAMPLE_IDENTITY_REFERENCE:-}" ]; then
  missing=0
fi
if [ "$missing" = 1 ]; then
  if [ -z "$src" ]; then
    src="$repo/bench/.work/calcom.git"
    [ -d "$src" ] || git clone -q --bare --filter=blob:none https://github.com/calcom/cal.com "$src"
  fi
  gitdir="$( [ -d "$src/.git" ] && echo "$src/.git" || echo "$src")"
  git --git-dir="$gitdir" cat-file -e "$PIN^{commit}" 2>/dev/null \
    || { echo "error: $src does not hold Cal.com v4.7.24 ($PIN); pass a clone that does" >&2; exit 2; }
  for f in "${files[@]}"; do
    mkdir -p "$ref/$(dirname "$f")"
    git --git-dir="$gitdir" show "$PIN:$f" > "$ref/$f.tmp" && mv "$ref/$f.tmp" "$ref/$f"
  done
fi

if [ -z "${SAMPLE_IDENTITY_REFERENCE:-}" ]; then work="$("$here/install.sh")"; fi
bin="${WARMSTART:-$repo/target/debug/warmstart}"
[ -x "$bin" ] || (cd "$repo" && cargo build -q -p warmstart)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
s="$tmp/sample"
"$bin" sample "$s" --apps "${APPS:-60}" -q

gen=(apps.metadata.generated.ts apps.server.generated.ts apps.browser.generated.tsx
     apps.schemas.generated.ts apps.keys-schemas.generated.ts bookerApps.metadata.generated.ts)
store="$s/packages/app-store"
mkdir "$tmp/original"
if [ -n "${SAMPLE_IDENTITY_REFERENCE:-}" ]; then
  [ "${APPS:-60}" = 60 ] || { echo "error: the reference files are for APPS=60" >&2; exit 2; }
  for f in "${gen[@]}"; do cp "$reference/$f" "$tmp/original/$f"; done
  echo "original: the files app-store-cli wrote for this sample, kept in bench/appstore/reference/"
else
# The original generator, where Cal.com keeps it, with a tsconfig of ours
# (CommonJS with default-import interop, as Cal.com's base config gives it).
for f in "${files[@]}"; do
  mkdir -p "$s/$(dirname "$f")"
  cp "$ref/$f" "$s/$f"
done
cat > "$s/packages/app-store-cli/tsconfig.json" <<'JSON'
{ "compilerOptions": { "module": "commonjs", "target": "es2019", "esModuleInterop": true, "resolveJsonModule": true } }
JSON
# The sample has no @calcom/config package: the preset's folder becomes one.
[ -f "$s/packages/config/package.json" ] \
  || echo '{ "name": "@calcom/config", "version": "0.0.0", "private": true }' > "$s/packages/config/package.json"
# What `yarn install` gives build.ts: its npm dependencies and links to the
# workspace packages the `_metadata.ts` files it requires import.
mkdir -p "$s/node_modules/@calcom"
for dep in "$work"/node_modules/* "$work"/node_modules/.bin; do
  ln -s "$dep" "$s/node_modules/$(basename "$dep")"
done
for pkg in "$s"/packages/*/package.json; do
  name=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("name",""))' "$pkg")
  case "$name" in @calcom/*) ln -sfn "$(dirname "$pkg")" "$s/node_modules/$name" ;; esac
done

(cd "$store" && rm -f "${gen[@]}")
(cd "$s/packages/app-store-cli" && node "$work/node_modules/ts-node/dist/bin.js" --transpile-only src/build.ts >/dev/null)
for f in "${gen[@]}"; do
  [ -f "$store/$f" ] || { echo "app-store-cli did not write $f" >&2; exit 1; }
  mv "$store/$f" "$tmp/original/$f"
done
if [ -n "${SAMPLE_IDENTITY_SAVE:-}" ]; then
  mkdir -p "$reference"
  for f in "${gen[@]}"; do cp "$tmp/original/$f" "$reference/$f"; done
  echo "saved the original's files to bench/appstore/reference/"
fi
fi
apps=$("$bin" apps build --json --root "$s" | python3 -c 'import json, sys; print(json.load(sys.stdin)["apps"])')
if [ -n "${SAMPLE_IDENTITY_PLANT:-}" ]; then
  # One changed byte: the first "a" of the metadata registry becomes "b".
  python3 - "$store/apps.metadata.generated.ts" <<'PY'
import sys
p = sys.argv[1]
b = open(p, "rb").read()
i = b.index(b"a")
open(p, "wb").write(b[:i] + b"b" + b[i + 1:])
print(f"planted: byte {i} of {p.rsplit('/', 1)[-1]} changed", file=sys.stderr)
PY
fi
same=0
for f in "${gen[@]}"; do
  if cmp -s "$tmp/original/$f" "$store/$f"; then
    same=$((same + 1))
    echo "identical: $f ($(wc -c < "$store/$f") bytes)"
  else
    echo "DIFFERS: $f" && cmp "$tmp/original/$f" "$store/$f" || true
    diff "$tmp/original/$f" "$store/$f" | head -20 || true
  fi
done
echo "app-store-cli build.ts vs warmstart apps build on the sample ($apps app folders): $same of ${#gen[@]} files byte-identical"
[ "$same" = "${#gen[@]}" ]
