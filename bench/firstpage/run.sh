#!/usr/bin/env bash
# Issue 10's bench: the real Cal.com dev server's first page, as shipped vs
# with warmstart's suggestions applied through withWarmstart().
#
#   bench/firstpage/run.sh CALREAL SUGGESTIONS.json [RUNS] [ROUTE]
#
# CALREAL: a scratch Cal.com v4.7.24 installed by `bench/calcom/install.sh
# CALREAL` (yarn install with the four stubbed pins, placeholder Prisma
# engines, .env from .env.example); it is edited. SUGGESTIONS.json: what
# `warmstart graph closure ROUTE --by-package --write-suggestions FILE`
# wrote (the script writes it when the file does not exist yet). This
# script links the repo's npm package as node_modules/warmstart, lets
# `warmstart init --write` wrap next.config.js with withWarmstart (backups
# kept) and links the statics; both configurations then differ only in
# WARMSTART_SUGGESTIONS (the suggested optimizePackageImports entries).
# Every run is cold (.next removed). Medians of RUNS (default 3).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CALREAL=$(cd "${1:?usage: run.sh CALREAL SUGGESTIONS.json [RUNS] [ROUTE]}" && pwd)
SUGG=$(cd "$(dirname "${2:?suggestions file}")" && pwd)/$(basename "$2")
RUNS=${3:-3}
ROUTE=${4:-/auth/login}
WARMSTART=${WARMSTART:-$REPO/target/release/warmstart}
[ -x "$WARMSTART" ] || (cd "$REPO" && cargo build --release -q -p warmstart)
[ -f "$SUGG" ] || "$WARMSTART" graph closure "$ROUTE" --by-package --root "$CALREAL" --write-suggestions "$SUGG"
OUT=${OUT:-$CALREAL/.warmstart-firstpage.jsonl}

[ -e "$CALREAL/node_modules/warmstart" ] || ln -s "$REPO/npm/warmstart" "$CALREAL/node_modules/warmstart"
grep -q withWarmstart "$CALREAL/apps/web/next.config.js" || (cd "$CALREAL" && "$WARMSTART" init --write -q)
(cd "$CALREAL" && "$WARMSTART" assets setup -q)
rm -f "$OUT"
echo "== load before: $(uptime | sed 's/.*load average/load average/')"
port=3600
for r in $(seq 1 "$RUNS"); do
  for cfg in shipped suggested; do
    port=$((port + 1))
    if [ "$cfg" = suggested ]; then
      python3 "$HERE/measure.py" "$CALREAL" "$port" "$ROUTE" "$cfg" "$OUT" "$SUGG"
    else
      python3 "$HERE/measure.py" "$CALREAL" "$port" "$ROUTE" "$cfg" "$OUT"
    fi
  done
done
echo "== load after: $(uptime | sed 's/.*load average/load average/')"
python3 - "$OUT" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    rows.setdefault(r["label"], []).append(r)
def med(label, key):
    v = [r[key] for r in rows.get(label, []) if isinstance(r.get(key), (int, float))]
    return statistics.median(v) if v else float("nan")
print("| | modules compiled | first compile | first response | ready | peak RSS |")
print("|---|---|---|---|---|---|")
for label in ("shipped", "suggested"):
    print(f"| {label} | {med(label, 'modules'):,.0f} | {med(label, 'compile_s'):.1f} s | "
          f"{med(label, 'first_response_s'):.1f} s | {med(label, 'ready_s'):.1f} s | {med(label, 'peak_rss_mb'):,.0f} MB |")
m = 1 - med("suggested", "modules") / med("shipped", "modules")
c = 1 - med("suggested", "compile_s") / med("shipped", "compile_s")
print(f"\nmodules -{m:.0%}, first compile -{c:.0%} (bar: modules -30%, compile -20%)")
for r in rows.get("suggested", [])[:1]:
    for line in r.get("warmstart_lines", []):
        print("  " + line)
PY
