#!/usr/bin/env bash
# `warmstart dev`'s prepare phase on a Cal.com tree: what it adds before the
# dev server starts, cold and warm, with a stand-in server command (the
# tree needs no install). Cold: the statics links, the writers' cache and
# the apps stamp removed first (`assets clean`, cache folder deleted);
# warm: the next run, nothing changed. Medians of RUNS each, interleaved.
#
#   bench/dev/prepare.sh CALCOM_TREE [RUNS]       (default 10)
#
# CALCOM_TREE: a Cal.com v4.7.24 checkout (bench/calcom/checkout.sh DEST);
# it is copied first, the original is not touched. The committed
# registries are byte-identical to what `apps build` writes, so no run
# rewrites one. WARMSTART: the binary (default target/release/warmstart).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SRC=$(cd "${1:?usage: bench/dev/prepare.sh CALCOM_TREE [RUNS]}" && pwd)
RUNS=${2:-10}
WARMSTART=${WARMSTART:-$REPO/target/release/warmstart}
[ -x "$WARMSTART" ] || (cd "$REPO" && cargo build --release -q -p warmstart)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -a "$SRC" "$tmp/tree"
cd "$tmp/tree"
SERVER=(sh -c 'echo "Ready in 1ms"; exec sleep 600')
run() {
  "$WARMSTART" --color never --json dev --exit-when-ready --no-history -- "${SERVER[@]}" 2> "$tmp/dev.log" \
    | python3 -c 'import json,sys; r=json.load(sys.stdin); print(json.dumps({"assets": r.get("assetLoadTime"), "apps": r.get("appLoadTime")}))'
}
echo "== load before: $(uptime | sed 's/.*load average/load average/')"
: > "$tmp/cold.jsonl"; : > "$tmp/warm.jsonl"
for _ in $(seq 1 "$RUNS"); do
  "$WARMSTART" assets clean -q >/dev/null
  rm -rf node_modules/.cache/warmstart
  run >> "$tmp/cold.jsonl"
  run >> "$tmp/warm.jsonl"
done
echo "== load after: $(uptime | sed 's/.*load average/load average/')"
grep -E "^  (assets|apps) " "$tmp/dev.log" | sed 's/^/last warm run: /' || true
git status --short -- packages | head -5 | sed 's/^/changed: /'
python3 - "$tmp" "$RUNS" <<'PY'
import json, statistics, sys
d, runs = sys.argv[1], sys.argv[2]
print(f"| prepare phase ({runs} runs, medians) | total | assets | apps |")
print("|---|---|---|---|")
for label in ("cold", "warm"):
    rows = [json.loads(l) for l in open(f"{d}/{label}.jsonl")]
    med = lambda k: statistics.median(r[k] or 0.0 for r in rows)
    tot = statistics.median((r["assets"] or 0.0) + (r["apps"] or 0.0) for r in rows)
    print(f"| {label} | {tot:.1f} ms | {med('assets'):.1f} ms | {med('apps'):.1f} ms |")
PY
