#!/usr/bin/env bash
# How `warmstart graph cycles --json` grows with the monorepo: samples of
# 5k, 20k and 50k modules from the built-in generator, cold (`--no-cache`)
# and warm, hyperfine medians, peak RSS from /usr/bin/time.
#
#   bench/graph/scale.sh [RUNS]        (BIN defaults to target/release/warmstart)
set -euo pipefail
RUNS=${1:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${BIN:-$HERE/../../target/release/warmstart}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
echo "== load: $(uptime | sed 's/.*load average/load average/')"
printf '| modules (files) | edges | cold median | cold per 1k files | warm median | peak RSS (cold) |\n|---|---|---|---|---|---|\n'
for n in 5000 20000 50000; do
  dir="$WORK/s$n"
  "$BIN" sample "$dir" --modules "$n" --apps $((n / 100)) -q
  cd "$dir"
  out=$("$BIN" graph cycles --json --no-cache 2>/dev/null || true)
  files=$(jq '.modules' <<<"$out")
  edges=$(jq '[.edges.value, .edges.type_only, .edges.dynamic, .edges.require] | add' <<<"$out")
  "$BIN" graph cycles --json >/dev/null 2>&1 || true
  sleep 2.1 # folders written just now are not trusted before the mtime granularity
  "$BIN" graph cycles --json >/dev/null 2>&1 || true
  hyperfine -N -i -w 1 -r "$RUNS" --export-json "$WORK/h$n.json" \
    -n cold "$BIN graph cycles --json --no-cache" -n warm "$BIN graph cycles --json" >/dev/null 2>&1
  cold=$(jq '.results[0].median * 1000' "$WORK/h$n.json")
  warm=$(jq '.results[1].median * 1000' "$WORK/h$n.json")
  rss=$( (/usr/bin/time -f %M "$BIN" graph cycles --json --no-cache >/dev/null) 2>&1 | tail -1 || true)
  printf '| %s | %s | %.0f ms | %.1f ms | %.0f ms | %d MB |\n' "$files" "$edges" "$cold" \
    "$(echo "$cold * 1000 / $files" | bc -l)" "$warm" $((rss / 1024))
  cd "$WORK"
  rm -rf "$dir"
done
