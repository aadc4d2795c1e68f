#!/usr/bin/env bash
# Checks that every CopyWebpackPlugin destination of a Cal.com tree reads
# byte-identical to its source: packages/app-store/<app>/static/<f> →
# apps/web/public/app-store/<app>/<f> (<app> may be templates/<name>).
# Usage: bench/assets/check-identical.sh ROOT
set -euo pipefail
root=${1:?usage: $0 ROOT}
cd "$root"
n=0; bad=0
while IFS= read -r -d '' src; do
  rel=${src#packages/app-store/}
  app=${rel%/static/*}
  dest="apps/web/public/app-store/$app/$(basename "$src")"
  if cmp -s "$src" "$dest"; then n=$((n+1)); else echo "differs or missing: $dest" >&2; bad=$((bad+1)); fi
done < <(find packages/app-store -path '*/static/*' -not -name '.*' -type f -print0)
echo "identical: $n, bad: $bad"
[ "$bad" -eq 0 ]
