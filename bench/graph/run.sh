#!/usr/bin/env bash
# Issue 5's bench: `warmstart graph cycles` side by side with the peers a
# Cal.com engineer would otherwise run, in one run on the same tree.
#
#   bench/graph/run.sh REPO [RUNS]
#
# REPO: a Cal.com checkout WITH node_modules installed (oxlint, dpdm and
# madge resolve workspace packages through node_modules; warmstart does not
# need them). The peers are installed from npm into $PEERS
# (default bench/.work/graph-peers, ignored by git). BIN defaults to
# target/release/warmstart. oxlint and warmstart are timed with hyperfine
# (medians, exit codes ignored: both exit 1 when they find cycles); dpdm and
# madge take minutes, so they run once with a time limit ($SLOW_LIMIT s).
# Peak RSS from /usr/bin/time.
set -euo pipefail
REPO=$(cd "${1:?usage: bench/graph/run.sh REPO [RUNS]}" && pwd)
RUNS=${2:-10}
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${BIN:-$HERE/../../target/release/warmstart}
PEERS=${PEERS:-$HERE/../.work/graph-peers}
SLOW_LIMIT=${SLOW_LIMIT:-600}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

if [ ! -x "$PEERS/node_modules/.bin/oxlint" ]; then
  mkdir -p "$PEERS"
  (cd "$PEERS" && npm init -y >/dev/null && npm install --no-audit --no-fund oxlint dpdm madge >/dev/null)
fi
B="$PEERS/node_modules/.bin"
echo "== versions: warmstart $("$BIN" --version | awk '{print $2}'), oxlint $("$B/oxlint" --version | awk '{print $2}'), dpdm $(node -p "require('$PEERS/node_modules/dpdm/package.json').version"), madge $(node -p "require('$PEERS/node_modules/madge/package.json').version")"
echo "== load: $(uptime | sed 's/.*load average/load average/')"
cd "$REPO"

OXLINT="$B/oxlint --import-plugin -A all -D import/no-cycle apps packages"
COLD="$BIN graph cycles apps packages --json --no-cache"
WARM="$BIN graph cycles apps packages --json"
$WARM >/dev/null 2>&1 || true # fill the cache for the warm runs
hyperfine -N -i -w 1 -r "$RUNS" --export-json "$OUT/h.json" \
  -n oxlint "$OXLINT" -n "warmstart (cold, --no-cache)" "$COLD" -n "warmstart (warm cache)" "$WARM" >/dev/null

rss() { /usr/bin/time -f %M "$@" >/dev/null 2>"$OUT/time" || true; tail -1 "$OUT/time"; }
ox_rss=$(rss $OXLINT); cold_rss=$(rss $COLD); warm_rss=$(rss $WARM)
ox_cycles=$($OXLINT 2>/dev/null | grep -c 'import(no-cycle)' || true)
groups=$( ($COLD 2>/dev/null || true) | jq -r '[.views | to_entries[] | "\(.key) \(.value.groups)/\(.value.files_in_cycles)/\(.value.largest_group)"] | join(", ")')

slow() { # name, command...: one run under a time limit; prints "secs rss"
  local name=$1; shift
  local start end
  start=$(date +%s.%N)
  if timeout "$SLOW_LIMIT" /usr/bin/time -f %M "$@" >"$OUT/$name.out" 2>"$OUT/$name.time"; then :; fi
  end=$(date +%s.%N)
  printf '%.1f %s' "$(echo "$end - $start" | bc)" "$(tail -1 "$OUT/$name.time")"
}
read -r dpdm_s dpdm_rss <<<"$(slow dpdm "$B/dpdm" --no-tree --no-warning --no-progress -T --exit-code circular:0 'apps/**/*.{ts,tsx}' 'packages/**/*.{ts,tsx}')"
read -r madge_s madge_rss <<<"$(slow madge "$B/madge" --circular --no-spinner --extensions ts,tsx,js,jsx --ts-config apps/web/tsconfig.json apps packages)"
dpdm_cycles=$(grep -cE '^\s*[0-9]+\)' "$OUT/dpdm.out" || true)
madge_cycles=$(grep -cE '^\s*[0-9]+\)' "$OUT/madge.out" || true)

median() { jq -r ".results[$1].median * 1000" "$OUT/h.json"; }
ox=$(median 0); cold=$(median 1); warm=$(median 2)
echo
printf '| tool | median | peak RSS | vs oxlint | what it reports |\n|---|---|---|---|---|\n'
printf '| oxlint import/no-cycle | %.0f ms | %d MB | 1.00 | %s cycle diagnostics (no dynamic imports) |\n' "$ox" $((ox_rss / 1024)) "$ox_cycles"
printf '| warmstart, cold (`--no-cache`), all five views | %.0f ms | %d MB | %.2f | %s |\n' "$cold" $((cold_rss / 1024)) "$(echo "$cold / $ox" | bc -l)" "$groups"
printf '| warmstart, warm cache | %.0f ms | %d MB | %.2f | same views |\n' "$warm" $((warm_rss / 1024)) "$(echo "$warm / $ox" | bc -l)"
printf '| dpdm (one run, limit %s s) | %s s | %d MB | %.1f | %s cycles |\n' "$SLOW_LIMIT" "$dpdm_s" $((${dpdm_rss:-0} / 1024)) "$(echo "$dpdm_s * 1000 / $ox" | bc -l)" "$dpdm_cycles"
printf '| madge (one run, limit %s s) | %s s | %d MB | %.1f | %s cycles |\n' "$SLOW_LIMIT" "$madge_s" $((${madge_rss:-0} / 1024)) "$(echo "$madge_s * 1000 / $ox" | bc -l)" "$madge_cycles"
echo
echo "bar: warmstart computes all five views in <= 1/4 of oxlint's time and <= 100 MB"
