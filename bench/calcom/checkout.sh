#!/usr/bin/env bash
# Checks out Cal.com v4.7.24 (the pinned commit below) into DEST, without
# installing anything: the tree the module-graph figures are measured on.
#
#   bench/calcom/checkout.sh DEST [CALCOM_GIT]
#
# CALCOM_GIT: a git directory or clone of Cal.com holding the pinned commit
# (github.com/calcom/cal.com, tag v4.7.24). Without it the public URL is
# cloned (blob-less, bare) beside DEST. Blobs a partial mirror lacks are
# skipped and listed. DEST becomes a git repository of its own (one commit),
# so `git status` there shows what a tool changed. Does nothing when DEST
# already holds a package.json.
set -euo pipefail
PIN=6b1c747c0efb44781048e47221a9d8b1ef826146
DEST=${1:?usage: checkout.sh DEST [CALCOM_GIT]}
SRC=${2:-}
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
[ -f "$DEST/package.json" ] && exit 0
if [ -z "$SRC" ]; then
  SRC="$DEST.git"
  [ -d "$SRC" ] || git clone -q --bare --filter=blob:none https://github.com/calcom/cal.com "$SRC"
fi
GIT=(git --git-dir="$( [ -d "$SRC/.git" ] && echo "$SRC/.git" || echo "$SRC")")
"${GIT[@]}" cat-file -e "$PIN^{commit}" || { echo "error: $SRC lacks commit $PIN (Cal.com v4.7.24)" >&2; exit 2; }
echo "== checking out $PIN into $DEST" >&2
"${GIT[@]}" ls-tree -r "$PIN" | while read -r mode type sha path; do
  [ "$type" = blob ] || continue
  if "${GIT[@]}" cat-file -e "$sha" 2>/dev/null; then printf '%s\0' "$path"; else echo "   absent blob, skipped: $path" >&2; fi
done > "$DEST/.checkout-paths"
xargs -0 -n 500 "${GIT[@]}" --work-tree="$DEST" checkout "$PIN" -- < "$DEST/.checkout-paths"
rm -f "$DEST/.checkout-paths"
(cd "$DEST" && git init -q . && git add -A && git -c user.email=bench@localhost -c user.name=bench commit -qm "Cal.com v4.7.24 ($PIN)")
