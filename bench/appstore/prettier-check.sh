#!/usr/bin/env bash
# Checks warmstart's printing against real prettier on an app store of
# generated names of every length (short/long keys, quoted keys, long
# module paths): each file warmstart writes must come back unchanged from
# prettier with Cal.com's preset. Usage: prettier-check.sh CALCOM_TREE
# (CALCOM_TREE: a Cal.com checkout, for packages/config/prettier-preset.js)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
calcom="$(cd "${1:?usage: prettier-check.sh CALCOM_TREE}" && pwd)"
work="$("$here/install.sh")"
bin="${WARMSTART:-$here/../../target/release/warmstart}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
store="$tmp/repo/packages/app-store"
mkdir -p "$store/templates"
echo '{ "name": "repo", "private": true, "workspaces": ["packages/*"] }' > "$tmp/repo/package.json"
for n in 1 2 3 4 5 6 8 20 40 60 70 75 80 85 88 90 92 95 97 98 99 100 101 105 110 120; do
  for shape in a b- c.d; do
    name="$(printf '%s%*s' "$shape" "$n" '' | tr ' ' x)"
    for parent in "" templates/t; do
      d="$store/$parent$name"
      mkdir -p "$d/api" "$d/components"
      echo '{ "appData": { "location": { "type": "x" } } }' > "$d/config.json"
      echo 'export {};' > "$d/api/index.ts"
      echo 'export const appDataSchema = 1, appKeysSchema = 1;' > "$d/zod.ts"
      for c in InstallAppButton AppSettingsInterface EventTypeAppCardInterface EventTypeAppSettingsInterface; do
        echo 'export default 1;' > "$d/components/$c.tsx"
      done
    done
  done
done
echo '{ "preset": "calcom" }' > "$tmp/repo/warmstart.json"
(cd "$tmp/repo" && "$bin" apps build -q)
status=0
for f in "$store"/*.generated.*; do
  if (cd "$work" && node format.js "$calcom/packages/config/prettier-preset.js" 2>/dev/null) < "$f" | cmp -s - "$f"; then
    echo "same as prettier: $(basename "$f")"
  else
    echo "DIFFERS from prettier: $(basename "$f")"
    (cd "$work" && node format.js "$calcom/packages/config/prettier-preset.js" 2>&1) < "$f" | diff "$f" - | head -20 || true
    status=1
  fi
done
exit $status
