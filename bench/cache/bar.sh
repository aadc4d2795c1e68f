#!/usr/bin/env bash
# Issue 6's bar, end to end: cold, warm (nothing changed) and one-file-touched
# timings of `warmstart graph cycles apps packages --json`, then checks that
# the `views` of the JSON are identical to a cold run's — warm, after a touch,
# and after every cache file was truncated or overwritten with random bytes.
#
#   bench/cache/bar.sh REPO [FILE_TO_TOUCH]
#
# REPO is written to (the cache folder, and FILE_TO_TOUCH gets a line
# appended): point it at a copy. BIN defaults to target/release/warmstart.
# `graph cycles` exits 1 when it finds cycles, so exit codes are ignored.
set -euo pipefail
REPO=${1:?usage: bench/cache/bar.sh REPO [FILE_TO_TOUCH]}
BIN=${BIN:-$(cd "$(dirname "$0")/../.." && pwd)/target/release/warmstart}
RUNS=${RUNS:-10}
TOUCH=${2:-$(cd "$REPO" && git ls-files 'packages/lib/*.ts' 2>/dev/null | head -1)}
[ -n "$TOUCH" ] || { echo "give FILE_TO_TOUCH (repo-relative)"; exit 2; }
REPO=$(cd "$REPO" && pwd)
cd "$REPO" # the graph's paths are relative to the current folder
CMD="$BIN --root $REPO graph cycles apps packages --json"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

views() { $CMD 2>"$OUT/stderr" | jq -S '.views' || true; }

cp "$REPO/$TOUCH" "$OUT/original"
restore() { cp "$OUT/original" "$REPO/$TOUCH"; }

echo "== timings (hyperfine, $RUNS runs each; quote the medians)"
hyperfine -N -i -w 1 -r "$RUNS" --export-json "$OUT/cold.json" \
  --prepare "$BIN --root $REPO cache clear -q" -n cold "$CMD" >/dev/null
$CMD >/dev/null 2>&1 || true # fill
hyperfine -N -i -w 1 -r "$RUNS" --export-json "$OUT/warm.json" -n warm "$CMD" >/dev/null
hyperfine -N -i -w 0 -r "$RUNS" --export-json "$OUT/touched.json" \
  --prepare "sh -c 'echo \"// touched\" >> $REPO/$TOUCH'" -n one-file-touched "$CMD" >/dev/null
restore
median() { jq '.results[0].median * 1000' "$OUT/$1.json"; }
cold=$(median cold); warm=$(median warm); touched=$(median touched)
printf '%-18s %8.1f ms\n' cold "$cold" warm "$warm" one-file-touched "$touched"
printf 'warm/cold          %8.1f %%\n' "$(echo "100 * $warm / $cold" | bc -l)"
echo "bar: warm <= 60 ms and <= 15 % of cold; touched <= 100 ms"

echo "== identical views (everything but timings and cache statistics)"
same() { cmp -s "$OUT/$1.json" "$OUT/$2.json" && echo "$3: identical" || echo "$3: DIFFERENT"; }
"$BIN" --root "$REPO" cache clear -q
views >"$OUT/cold-views.json"
views >"$OUT/warm-views.json"
same cold-views warm-views warm
echo "// touched" >>"$REPO/$TOUCH"
views >"$OUT/touched-views.json"
"$BIN" --root "$REPO" cache clear -q
views >"$OUT/touched-cold.json"
same touched-cold touched-views one-file-touched
restore
DIR=$("$BIN" --root "$REPO" cache dir)
case "$DIR" in /*) ;; *) DIR="$REPO/$DIR" ;; esac
for damage in truncated random-bytes; do
  views >/dev/null # the cache is full and current
  for f in "$DIR"/*.cache "$DIR"/graph-result-v*.json "$DIR"/graph-result-v*.out; do
    [ -f "$f" ] || continue
    if [ $damage = truncated ]; then
      truncate -s $(( $(stat -c %s "$f") / 2 )) "$f"
    else
      head -c "$(stat -c %s "$f")" /dev/urandom >"$f"
    fi
  done
  views >"$OUT/$damage.json"
  same cold-views "$damage" "$damage ($(grep -c 'ignoring cache file' "$OUT/stderr" || true) warning(s))"
done
