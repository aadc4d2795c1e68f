#!/usr/bin/env bash
# Installs the real Cal.com v4.7.24 into DEST so its dev server can be run
# and measured here (about 6-12 minutes and 4 GB on 2 cores).
#
#   bench/calcom/install.sh DEST [CALCOM_GIT]
#
# CALCOM_GIT: a git directory or clone of Cal.com holding the pinned commit
# below (github.com/calcom/cal.com tag v4.7.24, mirrored by
# codemod-com/cal.com-demo). Without it the script clones the public URL.
# Blobs missing from a partial mirror are skipped (and listed).
#
# What it does, and why:
# - four pinned dependencies no longer exist on the npm registry
#   (@replexica/sdk, http, fs, @calcom/platform-libraries@0.0.71); they are
#   pointed at local `link:` stubs (apps/web imports none of them);
# - yarn 3 (the repository's own release) runs with install scripts off and
#   placeholder Prisma engine paths: the engine download host is not a
#   package registry and may be unreachable, and compiling needs no engine
#   (database pages answer 500);
# - `.env` from `.env.example` with the secrets the dev server requires.
set -euo pipefail
PIN=6b1c747c0efb44781048e47221a9d8b1ef826146
DEST=${1:?usage: install.sh DEST [CALCOM_GIT]}
SRC=${2:-}
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)

if [ ! -f "$DEST/package.json" ]; then
  if [ -z "$SRC" ]; then
    SRC="$DEST.git"
    [ -d "$SRC" ] || git clone --bare --filter=blob:none https://github.com/calcom/cal.com "$SRC"
  fi
  GIT=(git --git-dir="$( [ -d "$SRC/.git" ] && echo "$SRC/.git" || echo "$SRC")")
  "${GIT[@]}" cat-file -e "$PIN^{commit}" || { echo "error: $SRC lacks commit $PIN (Cal.com v4.7.24)" >&2; exit 2; }
  echo "== checking out $PIN into $DEST"
  # Paths whose blob the mirror does not hold are left out (a partial mirror
  # drops a few files over 4 MiB: an svg, two app statics, yarn caches).
  "${GIT[@]}" ls-tree -r "$PIN" | while read -r mode type sha path; do
    [ "$type" = blob ] || continue
    if "${GIT[@]}" cat-file -e "$sha" 2>/dev/null; then printf '%s\0' "$path"; else echo "   absent blob, skipped: $path" >&2; fi
  done > "$DEST/.checkout-paths"
  xargs -0 -n 500 "${GIT[@]}" --work-tree="$DEST" checkout "$PIN" -- < "$DEST/.checkout-paths"
  rm -f "$DEST/.checkout-paths"
  # A repository of its own, so `git status` shows what a tool changed.
  (cd "$DEST" && git init -q . && git add -A && git -c user.email=bench@localhost -c user.name=bench commit -qm "Cal.com v4.7.24 ($PIN)")
fi

cd "$DEST"
echo "== stubbing the four unpublished pins"
mkdir -p .stubs
for s in replexica-sdk:@replexica/sdk http:http fs:fs platform-libraries-0.0.71:@calcom/platform-libraries; do
  d=${s%%:*}; n=${s#*:}
  mkdir -p ".stubs/$d"
  printf '{"name":"%s","version":"0.0.0"}\n' "$n" > ".stubs/$d/package.json"
done
node - <<'JS'
const fs = require("fs");
const edits = [
  ["apps/web/package.json", "@replexica/sdk", "link:../../.stubs/replexica-sdk"],
  ["apps/api/package.json", "http", "link:../../.stubs/http"],
  ["apps/storybook/package.json", "fs", "link:../../.stubs/fs"],
  ["apps/api/v2/package.json", "@calcom/platform-libraries", "link:../../../.stubs/platform-libraries-0.0.71"],
];
for (const [file, dep, to] of edits) {
  const p = JSON.parse(fs.readFileSync(file, "utf8"));
  let hit = false;
  for (const k of ["dependencies", "devDependencies"]) {
    if (p[k] && p[k][dep] && p[k][dep] !== to) { p[k][dep] = to; hit = true; }
    else if (p[k] && p[k][dep] === to) hit = true;
  }
  if (!hit) throw new Error(`no ${dep} in ${file}`);
  fs.writeFileSync(file, JSON.stringify(p, null, 2) + "\n");
}
JS

echo "== yarn install (install scripts off, placeholder Prisma engines)"
export YARN_NPM_REGISTRY_SERVER=$(npm config get registry)
export YARN_ENABLE_TELEMETRY=0 YARN_ENABLE_PROGRESS_BARS=0 YARN_ENABLE_SCRIPTS=0
export YARN_ENABLE_INLINE_BUILDS=1 YARN_ENABLE_IMMUTABLE_INSTALLS=0
export PRISMA_SKIP_POSTINSTALL_GENERATE=1 PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING=1
export HUSKY=0 PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 CI=
# Placeholder engines: the paths must exist for `prisma generate` to
# write the client; nothing here ever talks to a database.
ENGINES="$DEST/.stubs/prisma-engines"
mkdir -p "$ENGINES"
: > "$ENGINES/libquery_engine-debian-openssl-3.0.x.so.node"
printf '#!/bin/sh\nexit 0\n' > "$ENGINES/schema-engine"; chmod +x "$ENGINES/schema-engine"
export PRISMA_QUERY_ENGINE_LIBRARY="$ENGINES/libquery_engine-debian-openssl-3.0.x.so.node"
export PRISMA_SCHEMA_ENGINE_BINARY="$ENGINES/schema-engine"
YARN="node .yarn/releases/yarn-3.4.1.cjs"
# The root's own postinstall (turbo run post-install) runs inside install
# even with scripts off and fails on a first try; the packages are in place
# by then, so run it again below with --continue and check what matters.
$YARN install || echo "   yarn install reported an error in the root's postinstall; running it again below"
[ -f node_modules/next/package.json ] || { echo "error: node_modules/next missing after yarn install" >&2; exit 1; }
$YARN turbo run post-install --continue

echo "== .env"
if [ ! -f .env ]; then
  cp .env.example .env
  python3 - <<'PY'
import re
p = ".env"
s = open(p).read()
def put(k, v):
    global s
    if re.search(rf"^{k}=.*$", s, flags=re.M):
        s = re.sub(rf"^{k}=.*$", f"{k}={v}", s, flags=re.M)
    else:
        s += f"\n{k}={v}\n"
put("NEXTAUTH_SECRET", "warmstart-bench-secret")
put("CALENDSO_ENCRYPTION_KEY", "0123456789abcdef0123456789abcdef")
put("DATABASE_URL", "postgresql://postgres:postgres@127.0.0.1:5450/calendso")
open(p, "w").write(s)
PY
fi
echo "== installed: $DEST ($(du -sh . | cut -f1))"
