#!/usr/bin/env bash
# The end-to-end benchmark: the real Cal.com v4.7.24 dev server as shipped
# (`next dev` in apps/web) against `warmstart dev` after `warmstart init
# --write`, on one machine in one run, interleaved, cold `.next` unless said.
#
#   bench/calcom/run.sh TREE [RUNS]
#
# TREE: Cal.com installed by bench/calcom/install.sh (left as shipped: it
# is the baseline). The warmstart side runs in a copy, TREE.warmstart, made
# once (cp -a) and set up the way the README tells a user: the npm package
# linked as node_modules/warmstart, `warmstart init --write`. Each round
# runs, in this order:
#
#   shipped        cold  next dev                              login, API, statics, hot reload
#   warmstart      cold  warmstart dev --no-warm -- next dev   the same
#   shipped-warm   .next kept from the run before (a restart)
#   warmstart-warm .next kept
#   nowarm-10s     cold  warmstart dev --no-warm; /auth/login requested 10 s after Ready
#   prewarm-10s    cold  warmstart dev --warm /auth/login; the same request
#   barrels        cold  warmstart dev in TREE.barrels: TREE.warmstart after
#                  `warmstart graph fix-barrels apps/web packages --write`
#                  and `graph closure /auth/login --write-suggestions` (all,
#                  --min-saving 0) applied through WARMSTART_SUGGESTIONS
#                  (issue 16's first page; only when CONFIGS names it)
#
# CONFIGS: which of these run, in order (default: all but barrels).
# Medians of RUNS (default 3) go to a table (bench/calcom/table.py);
# the raw runs to TREE.warmstart/.bench-calcom.jsonl.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
TREE=$(cd "${1:?usage: run.sh TREE [RUNS]}" && pwd)
RUNS=${2:-3}
WS="$TREE.warmstart"
WARMSTART=${WARMSTART:-$REPO/target/release/warmstart}
[ -x "$WARMSTART" ] || (cd "$REPO" && cargo build --release)
OUT=${OUT:-$WS/.bench-calcom.jsonl}
NEXT=(node ../../node_modules/next/dist/bin/next dev -H 127.0.0.1)
API=/api/integrations/zoomvideo/add
STATICS=/app-store/zoomvideo/icon.svg,/app-store/googlecalendar/icon.svg,/app-store/dailyvideo/icon.svg
HMR=apps/web/pages/403.tsx

if [ ! -d "$WS" ]; then
  echo "== copying $TREE to $WS (once)"
  cp -a --reflink=auto "$TREE" "$WS"
fi
# The shipped tree must stay as shipped: statics copied by its own plugin.
if [ -e "$TREE/warmstart.json" ] || grep -q withWarmstart "$TREE/apps/web/next.config.js"; then
  echo "error: $TREE is not as shipped (warmstart.json or withWarmstart found); reinstall it" >&2
  exit 2
fi
ln -sfn "$REPO/npm/warmstart" "$WS/node_modules/warmstart"
echo "== warmstart init --write (in the copy)"
(cd "$WS" && rm -rf apps/web/public/app-store && "$WARMSTART" init --write)
echo "== warmstart doctor (in the copy)"
(cd "$WS" && "$WARMSTART" doctor) || true

CONFIGS=${CONFIGS:-shipped warmstart shipped-warm warmstart-warm nowarm-10s prewarm-10s}
BAR="$TREE.barrels"
if [[ " $CONFIGS " == *" barrels "* ]] && [ ! -d "$BAR" ]; then
  echo "== copying $WS to $BAR (once) and rewriting barrel imports there"
  cp -a --reflink=auto "$WS" "$BAR"
  ln -sfn "$REPO/npm/warmstart" "$BAR/node_modules/warmstart"
  (cd "$BAR" && "$WARMSTART" graph fix-barrels apps/web packages --write)
  # Then every config suggestion for the route (withWarmstart applies the
  # file given by WARMSTART_SUGGESTIONS, set for this configuration only).
  (cd "$BAR" && "$WARMSTART" graph closure /auth/login --by-package --write-suggestions warmstart.suggestions.json --min-saving 0 >/dev/null)
fi

rm -f "$OUT"
echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg)"
port=3700
run() { # LABEL TREE [measure options] -- CMD...
  port=$((port + 1))
  local label=$1 tree=$2; shift 2
  python3 "$HERE/measure.py" --tree "$tree" --label "$label" --out "$OUT" --port "$port" "$@"
}
quiet() { # wait (up to 60 s) for the 1-minute load to fall below QUIET_MAX (1.5)
  for _ in $(seq 1 30); do
    awk -v max="${QUIET_MAX:-1.5}" '{exit !($1 < max)}' /proc/loadavg && return 0
    sleep 2
  done
}
for r in $(seq 1 "$RUNS"); do
  echo "== round $r of $RUNS"
  for c in $CONFIGS; do
    quiet
    case $c in
      shipped) run shipped "$TREE" --cold --api "$API" --statics "$STATICS" --hmr "$HMR" -- "${NEXT[@]}" -p "$((port + 1))" ;;
      warmstart) run warmstart "$WS" --cold --api "$API" --statics "$STATICS" --hmr "$HMR" -- "$WARMSTART" dev --no-warm -- "${NEXT[@]}" -p "$((port + 1))" ;;
      barrels) WARMSTART_SUGGESTIONS="$BAR/warmstart.suggestions.json" run barrels "$BAR" --cold --api "$API" --statics "$STATICS" --hmr "$HMR" -- "$WARMSTART" dev --no-warm -- "${NEXT[@]}" -p "$((port + 1))" ;;
      shipped-warm) run shipped-warm "$TREE" --api "$API" -- "${NEXT[@]}" -p "$((port + 1))" ;;
      warmstart-warm) run warmstart-warm "$WS" --api "$API" -- "$WARMSTART" dev --no-warm -- "${NEXT[@]}" -p "$((port + 1))" ;;
      nowarm-10s) run nowarm-10s "$WS" --cold --delay 10 -- "$WARMSTART" dev --no-warm -- "${NEXT[@]}" -p "$((port + 1))" ;;
      prewarm-10s) run prewarm-10s "$WS" --cold --delay 10 -- "$WARMSTART" dev --warm /auth/login -- "${NEXT[@]}" -p "$((port + 1))" ;;
      *) echo "unknown configuration in CONFIGS: $c" >&2; exit 2 ;;
    esac
  done
done
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$HERE/table.py" "$OUT"
