#!/usr/bin/env bash
# How `warmstart graph cycles --json` grows with the monorepo: samples of
# 5k, 20k and 50k modules from the built-in generator, cold (`--no-cache`)
# and warm, medians of RUNS interleaved rounds (bench/graph/rounds.py: each
# round runs every size once, so a change in the machine's load does not
# land on one size), peak RSS from /usr/bin/time. Issue 19's bar is the
# cold cost per 1k files flat within 20 % from 5k to 50k: the last line
# gives the spread of the wall figures and of the CPU figures.
#
#   bench/graph/scale.sh [RUNS]        (BIN defaults to target/release/warmstart)
set -euo pipefail
RUNS=${1:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=$(realpath "${BIN:-$HERE/../../target/release/warmstart}")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
echo "== load: $(uptime | sed 's/.*load average/load average/')"
SIZES=(5000 20000 50000)
declare -A FILES EDGES RSS
rounds=()
for n in "${SIZES[@]}"; do
  dir="$WORK/s$n"
  "$BIN" sample "$dir" --modules "$n" --apps $((n / 100)) -q
  out=$(cd "$dir" && "$BIN" graph cycles --json --no-cache 2>/dev/null || true)
  FILES[$n]=$(jq '.modules' <<<"$out")
  EDGES[$n]=$(jq '[.edges.value, .edges.type_only, .edges.dynamic, .edges.require] | add' <<<"$out")
  (cd "$dir" && "$BIN" graph cycles --json >/dev/null 2>&1 || true)
  RSS[$n]=$( (cd "$dir" && /usr/bin/time -f %M "$BIN" graph cycles --json --no-cache >/dev/null) 2>&1 | tail -1 || true)
  rounds+=("cold$n=env -C $dir $BIN graph cycles --json --no-cache" "warm$n=env -C $dir $BIN graph cycles --json")
done
sleep 2.1 # folders written just now are not trusted before the mtime granularity
for n in "${SIZES[@]}"; do (cd "$WORK/s$n" && "$BIN" graph cycles --json >/dev/null 2>&1 || true); done
python3 "$HERE/rounds.py" "$RUNS" "$WORK/h.json" "${rounds[@]}"
printf '| modules (files) | edges | cold median | cold per 1k files | cold CPU per 1k files | warm median | peak RSS (cold) |\n|---|---|---|---|---|---|---|\n'
i=0
for n in "${SIZES[@]}"; do
  cold=$(jq ".results[$((2 * i))].median_ms" "$WORK/h.json")
  cpu=$(jq ".results[$((2 * i))].cpu_median_ms" "$WORK/h.json")
  warm=$(jq ".results[$((2 * i + 1))].median_ms" "$WORK/h.json")
  printf '| %s | %s | %.0f ms | %.1f ms | %.1f ms | %.0f ms | %d MB |\n' "${FILES[$n]}" "${EDGES[$n]}" "$cold" \
    "$(echo "$cold * 1000 / ${FILES[$n]}" | bc -l)" "$(echo "$cpu * 1000 / ${FILES[$n]}" | bc -l)" "$warm" $((${RSS[$n]:-0} / 1024))
  i=$((i + 1))
done
jq -r --argjson files "[${FILES[5000]}, ${FILES[20000]}, ${FILES[50000]}]" '
  [.results | to_entries[] | select(.key % 2 == 0) | .value] as $cold
  | [range(0; 3) | $cold[.].median_ms * 1000 / $files[.]] as $wall
  | [range(0; 3) | $cold[.].cpu_median_ms * 1000 / $files[.]] as $cpu
  | "per-1k spread (largest / smallest - 1): wall \((($wall | max) / ($wall | min) - 1) * 100 | floor) %, CPU \((($cpu | max) / ($cpu | min) - 1) * 100 | floor) % (bar: within 20 %)"' "$WORK/h.json"
