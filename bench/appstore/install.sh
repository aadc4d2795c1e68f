#!/usr/bin/env bash
# Installs app-store-cli's real build dependencies (versions from Cal.com
# v4.7.24's yarn.lock) into bench/.work/appstore-cli. Idempotent.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$here/../.work/appstore-cli"
mkdir -p "$work"
if [ ! -f "$work/node_modules/.warmstart-installed" ]; then
  cd "$work"
  [ -f package.json ] || echo '{ "private": true }' > package.json
  npm install --no-audit --no-fund --loglevel=error \
    ts-node@10.9.1 typescript@4.9.5 @types/node@20 \
    prettier@2.8.8 @trivago/prettier-plugin-sort-imports@4.1.1 prettier-plugin-tailwindcss@0.2.5 \
    chokidar@3.5.3 lodash@4.17.21 >&2
  touch node_modules/.warmstart-installed
fi
cp "$here/format.js" "$work/format.js"
echo "$work"
