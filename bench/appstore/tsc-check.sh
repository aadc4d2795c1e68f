#!/usr/bin/env bash
# Type-checks `warmstart apps build --mode lazy` output with tsc --noEmit
# (typescript 4.9.5 and @types/node from npm, as installed by install.sh)
# on a freshly generated sample monorepo. Third-party modules the sample's
# app code imports (next, zod, react) are declared as `any` shims.
# Exit 0 when tsc checked every generated file and reported no error at all
# (the sample's own code type-checks too, so any error fails).
# TSC_CHECK_PLANT=1 appends a type error to one generated file first: the
# check must then fail (how the test proves tsc really reads the outputs).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$("$here/install.sh")"
bin="${WARMSTART:-$repo/target/debug/warmstart}"
[ -x "$bin" ] || (cd "$repo" && cargo build -q -p warmstart)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$bin" sample "$tmp/s" -q
cd "$tmp/s"
"$bin" apps build --mode lazy -q
if [ -n "${TSC_CHECK_PLANT:-}" ]; then
  echo 'export const planted: number = "not a number";' >> packages/app-store/appRegistry.lazy.generated.ts
fi
cat > shims.d.ts <<'TS'
declare module "next" {
  export type NextApiRequest = any;
  export type NextApiResponse = any;
}
declare module "next/*";
declare module "zod";
declare module "react";
declare namespace JSX {
  interface IntrinsicElements {
    [name: string]: any;
  }
}
TS
python3 - "$work" <<'PY'
import glob, json, sys
files = ["shims.d.ts"] + sorted(glob.glob("packages/app-store/*.lazy.generated.ts"))
json.dump({"compilerOptions": {
    "strict": True, "noEmit": True, "skipLibCheck": True, "target": "ES2020", "module": "ESNext",
    "moduleResolution": "node", "resolveJsonModule": True, "esModuleInterop": True, "jsx": "preserve",
    "baseUrl": ".", "paths": {"@calcom/*": ["packages/*"]},
    "types": ["node"], "typeRoots": [sys.argv[1] + "/node_modules/@types"]},
  "files": files}, open("tsconfig.lazy.json", "w"), indent=1)
print(f"type-checking {len(files) - 1} generated files (and what they import)", file=sys.stderr)
PY
set +e
node "$work/node_modules/typescript/bin/tsc" -p tsconfig.lazy.json --listFiles > tsc.log 2>&1
status=$?
set -e
ours="$(grep -c 'lazy\.generated\.ts(' tsc.log || true)"
all="$(grep -c 'error TS' tsc.log || true)"
grep 'error TS' tsc.log || true
# tsc must have checked every generated file (not passed on a config error).
checked=0
for f in packages/app-store/*.lazy.generated.ts; do
  if grep -qx "$PWD/$f" tsc.log; then checked=$((checked + 1)); else echo "tsc did not check $f" >&2; fi
done
echo "tsc --noEmit: $ours errors in generated files ($all in all), $checked generated files checked, exit $status"
[ "$ours" = 0 ] && [ "$all" = 0 ] && [ "$status" = 0 ] && [ "$checked" -gt 0 ] \
  && [ "$checked" = "$(ls packages/app-store/*.lazy.generated.ts | wc -l)" ]
