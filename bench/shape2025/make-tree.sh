#!/usr/bin/env bash
# Makes the two trees of bench/shape2025 in WORK:
#
#   WORK/shipped    `warmstart sample --shape copy-script --next 15` (Cal.com's
#                   2025 shape: apps/web's dev script is `yarn
#                   copy-app-store-static && next dev --turbopack`), its
#                   dependencies installed from npm with yarn 3.4.1 (the
#                   sample's packageManager, through corepack) — left as shipped;
#   WORK/warmstart  a copy of it after `warmstart init --write`, with the
#                   warmstart npm package at node_modules/warmstart (what
#                   `require("warmstart/next")` in the rewritten next.config
#                   needs).
#
#   bench/shape2025/make-tree.sh WORK        (WARMSTART=binary; needs node, corepack, python3, git)
#
# WORK/bin holds `yarn` (corepack's shim) and `warmstart` (the npm package's
# bin, bin/warmstart.js, running the binary named by WARMSTART_BINARY): what
# a user's PATH and yarn's bin shims give; run.sh puts it first on PATH
# (yarn 3 builds a script's PATH from its install state, so a package
# linked in by hand gets no bin shim of its own). The sample's
# dependency ranges are pinned to exact versions (pins.json) and the
# TypeScript types `next dev` would otherwise install on its first start are
# added; `.yarnrc.yml` says `nodeLinker: node-modules` (as Cal.com's does).
# Install scripts are off (--mode=skip-build): none is needed to run the dev
# server (next, turbo and their native parts come as optional packages), and
# the sample's own postinstall fails (see below).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=${1:?usage: make-tree.sh WORK}
: "${WARMSTART:?WARMSTART must name the warmstart binary}"
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
SHIPPED=$WORK/shipped
WS=$WORK/warmstart

# yarn through corepack (from the npm registry), warmstart as on PATH.
REGISTRY=$(npm config get registry)
export COREPACK_HOME=$WORK/corepack COREPACK_ENABLE_DOWNLOAD_PROMPT=0 COREPACK_NPM_REGISTRY=${REGISTRY%/}
mkdir -p "$WORK/bin"
corepack enable --install-directory "$WORK/bin" yarn
ln -sfn "$REPO/npm/warmstart/bin/warmstart.js" "$WORK/bin/warmstart"
export WARMSTART_BINARY=$(cd "$(dirname "$WARMSTART")" && pwd)/$(basename "$WARMSTART")
export PATH=$WORK/bin:$PATH

rm -rf "$SHIPPED" "$WS"
echo "== warmstart sample --shape copy-script --next 15 --apps ${APPS:-100}"
warmstart sample "$SHIPPED" --shape copy-script --next 15 --apps "${APPS:-100}" -q
python3 "$HERE/tree.py" pin "$SHIPPED" "$HERE/pins.json"
printf 'nodeLinker: node-modules\n' > "$SHIPPED/.yarnrc.yml"

echo "== yarn install (yarn $(cd "$SHIPPED" && yarn --version), install scripts off)"
(
  cd "$SHIPPED"
  export YARN_NPM_REGISTRY_SERVER=${REGISTRY%/} YARN_ENABLE_TELEMETRY=0 YARN_ENABLE_PROGRESS_BARS=0
  export YARN_ENABLE_SCRIPTS=0 YARN_ENABLE_IMMUTABLE_INSTALLS=0 YARN_CACHE_FOLDER=$WORK/yarn-cache
  export TURBO_TELEMETRY_DISABLED=1
  # --mode=skip-build: the sample's root postinstall (`turbo run post-install`)
  # names a task its turbo.json lacks, which turbo 1.13 rejects.
  yarn install --mode=skip-build | tail -3
)
# A repository of its own, so `git status` shows what a tool changed.
(cd "$SHIPPED" && git init -q . && git add -A && git -c user.email=bench@localhost -c user.name=bench commit -qm "sample, 2025 shape, installed")

echo "== copy, warmstart init --write"
cp -a "$SHIPPED" "$WS"
ln -sfn "$REPO/npm/warmstart" "$WS/node_modules/warmstart"
(cd "$WS" && warmstart init --write && git status --short)
(cd "$WS" && warmstart doctor) || true
echo "== versions: next $(node -p 'require(process.argv[1]).version' "$SHIPPED/node_modules/next/package.json"), $(cd "$SHIPPED" && yarn --version) (yarn), node $(node --version)"
