#!/usr/bin/env bash
# What importing the app metadata costs eagerly on a Cal.com tree, before
# and after `apps build --mode lazy`: `warmstart graph closure` (runtime
# view: value imports and require, import() excluded) of today's
# apps.metadata.generated.ts and of the lazy apps.metadata.lazy.generated.ts.
#
#   bench/appstore/closure.sh CALCOM_TREE
#
# CALCOM_TREE: a Cal.com v4.7.24 checkout (bench/calcom/checkout.sh DEST);
# copied first, the original is not touched. WARMSTART: the binary
# (default target/release/warmstart).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SRC=$(cd "${1:?usage: bench/appstore/closure.sh CALCOM_TREE}" && pwd)
WARMSTART=${WARMSTART:-$REPO/target/release/warmstart}
[ -x "$WARMSTART" ] || (cd "$REPO" && cargo build --release -q -p warmstart)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -a "$SRC" "$tmp/tree"
cd "$tmp/tree"
"$WARMSTART" apps build --mode lazy -q
for f in apps.metadata.generated.ts apps.metadata.lazy.generated.ts; do
  "$WARMSTART" graph closure "packages/app-store/$f" --no-cache -q --top 3 | head -1
done
