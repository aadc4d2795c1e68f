#!/usr/bin/env python3
"""Switch a bench tree (a sample made runnable by shell.py) to one registry shape.

usage: shape.py TREE SHAPE        (WARMSTART=path of the binary)

Every file the dev server compiles from the registries is written by
warmstart itself; the statics are linked by `warmstart assets setup` in
every shape (no CopyWebpackPlugin), as in the lazy-registry issue's table.

eager    today's registries: `warmstart apps build` (byte-identical to
         app-store-cli: one import per app's metadata, an eager
         `import()` per app in the server map)
inlined  `warmstart apps build --mode lazy` without route shards
         (`"apps": {"routeShards": null}`), appStoreMetaData.ts switched to
         apps.metadata.lazy.generated.ts (the one-line change)
thunks   inlined, and the catch-all API route loads the app through the lazy
         AppRegistry's `loadApp(slug)` (a thunk per app) instead of the
         server map: the only shape whose route text is edited here
shards   inlined plus the per-app route shards the lazy mode generates
         (apps/web/pages/api/integrations/<app>/[...args].ts)
"""
import json
import os
import subprocess
import sys

SHAPES = ("eager", "inlined", "thunks", "shards")
EAGER_LINE = 'from "./apps.metadata.generated";'
LAZY_LINE = 'from "./apps.metadata.lazy.generated";'
SERVER_MAP = '(await import("@calcom/app-store/apps.server.generated")).apiHandlers'
# The same lookup through the lazy AppRegistry: a map holding only the
# requested app, whose value is that app's `api` namespace, loaded by the
# registry's thunk. deriveAppDictKeyFromType then finds `appName` as is.
THUNK_MAP = (
    "{ [appName]: (await import(\"@calcom/app-store/appRegistry.lazy.generated\"))"
    ".loadApp(appName)?.then((app) => (app as { api: Record<string, unknown> }).api) }"
)


def ws(tree, *args):
    subprocess.run([os.environ["WARMSTART"], *args, "-q"], cwd=tree, check=True)


def edit(path, old, new):
    with open(path) as f:
        text = f.read()
    changed = text.replace(old, new)
    if changed != text:
        with open(path, "w") as f:
            f.write(changed)


def main(tree, shape):
    if shape not in SHAPES:
        sys.exit(f"shape must be one of {', '.join(SHAPES)}, not {shape!r}")
    tree = os.path.abspath(tree)
    store = os.path.join(tree, "packages/app-store")
    route = os.path.join(tree, "apps/web/pages/api/integrations/[...args].ts")
    meta = os.path.join(store, "appStoreMetaData.ts")
    # Whatever the previous shape wrote: `apps clean` removes exactly the
    # lazy outputs and shards it recorded (under the previous warmstart.json).
    ws(tree, "apps", "clean")
    config = {"apps": {"routeShards": None}} if shape in ("inlined", "thunks") else {}
    with open(os.path.join(tree, "warmstart.json"), "w") as f:
        json.dump(config, f)
        f.write("\n")
    edit(route, THUNK_MAP, SERVER_MAP)
    edit(meta, LAZY_LINE, EAGER_LINE)
    ws(tree, "apps", "build", "--mode", "compat")
    if shape != "eager":
        ws(tree, "apps", "build", "--mode", "lazy")
        edit(meta, EAGER_LINE, LAZY_LINE)
    if shape == "thunks":
        edit(route, SERVER_MAP, THUNK_MAP)
    ws(tree, "assets", "setup")
    shards = os.path.join(tree, "apps/web/pages/api/integrations")
    n = sum(os.path.isdir(os.path.join(shards, d)) for d in os.listdir(shards))
    print(f"shape {shape}: {n} route shards")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
