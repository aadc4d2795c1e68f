#!/usr/bin/env python3
"""Switch the benchmark tree to a registry shape made by warmstart itself.

Copied into the tree's scripts/ by bench/nextjs/run.sh, where the
experiment's measure.py calls it before every run. Every shape has the
statics linked by `warmstart assets setup` (no CopyWebpackPlugin), as in
the lazy-registry issue's table.

eager   today's registries: `warmstart apps build` (byte-identical to
        app-store-cli: 100 config.json imports, eager import() server map)
inlined `warmstart apps build --mode lazy`, appStoreMetaData.ts switched to
        apps.metadata.lazy.generated.ts (the one-line change), no shards
shards  the same plus the per-app route shards the lazy mode generates
        (pages/api/integrations/<app>/[...args].ts)
"""
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WEB = os.path.join(ROOT, "apps/web")
STORE = os.path.join(ROOT, "packages/app-store")
WS = os.environ["WARMSTART"]


def ws(*args):
    subprocess.run([WS, *args, "-q"], cwd=ROOT, check=True)


def main(shape):
    assert shape in ("eager", "inlined", "shards"), shape
    with open(os.path.join(WEB, "variant.json"), "w") as f:
        json.dump({"variant": shape, "copyPlugin": False}, f)
    ws("apps", "clean")
    # The bench tree's own: per-app route folders of an earlier shape.
    integ = os.path.join(WEB, "pages/api/integrations")
    for name in os.listdir(integ):
        if os.path.isdir(os.path.join(integ, name)):
            shutil.rmtree(os.path.join(integ, name))
    for name in os.listdir(STORE):
        if name.endswith((".generated.ts", ".generated.tsx")):
            os.unlink(os.path.join(STORE, name))
    ws("apps", "build")
    meta = os.path.join(STORE, "appStoreMetaData.ts")
    with open(meta) as f:
        text = f.read()
    eager_line = 'from "./apps.metadata.generated";'
    lazy_line = 'from "./apps.metadata.lazy.generated";'
    text = text.replace(lazy_line, eager_line)
    if shape != "eager":
        ws("apps", "build", "--mode", "lazy")
        text = text.replace(eager_line, lazy_line)
        if shape == "inlined":
            for name in os.listdir(integ):
                if os.path.isdir(os.path.join(integ, name)):
                    shutil.rmtree(os.path.join(integ, name))
    with open(meta, "w") as f:
        f.write(text)
    ws("assets", "setup")
    print("shape", shape)


if __name__ == "__main__":
    main(sys.argv[1])
