#!/usr/bin/env python3
"""Turn a generated sample monorepo (`warmstart sample`) into a Next.js app that runs.

usage: shell.py TREE DEPS [--warmstart-assets] [--app-modules N]

The sample is the fixture every other test uses, so its generator is left
as it is; this script adds only what a real `next dev` needs around it:

- node_modules: each top-level entry of DEPS/node_modules (next 13.5, react,
  zod, ... installed once from npm by the bench) linked in, plus one link per
  workspace package (what `yarn install` does in Cal.com);
- apps/web/pages/apps/index.tsx: the app store page, reading every app's
  metadata through `@calcom/app-store/appStoreMetaData` as Cal.com's does;
- apps/web/pages/api/integrations/[...args].ts: the catch-all route in Cal.com's
  own shape (`(await import("@calcom/app-store/apps.server.generated")).apiHandlers`,
  `deriveAppDictKeyFromType`, `const [appName, apiEndpoint] = args;`), minus
  the session and database lookups: the sample's route is a simpler one
  that warmstart's route shards do not recognize;
- packages/vendor/tiny-dates/toDate/index.js: the generator writes it with
  `import toDate` and `function toDate` in one module, which webpack refuses
  (nothing else in the sample parses it); the import is renamed;
- with --app-modules N: N more modules of the app's own code in every app
  with an API (`lib/weight/w0..`, ~2 KB of TypeScript each, each importing
  the two before it; `api/index.ts` re-exports the last), so an app weighs
  what it does in the lazy-registry experiment (~15 modules of its own)
  instead of the sample's ~5;
- with --warmstart-assets: next.config.js skips the statics CopyWebpackPlugin
  in development once `warmstart assets setup` has linked them (the edit
  docs/assets.md gives for Cal.com). Not `withWarmstart`: it looks for a
  plugin class named CopyWebpackPlugin, and copy-webpack-plugin 11's class
  is named CopyPlugin, so with the real package it drops nothing.
"""
import glob
import json
import os
import re
import sys

ARGS_ROUTE = """import type { NextApiRequest, NextApiResponse } from "next";

// Cal.com's apps/web/pages/api/integrations/[...args].ts (v4.7.24), without
// the session and the database: the registry lookup is the same code.
class HttpError extends Error {
  constructor(public readonly statusCode: number, message: string) {
    super(message);
  }
}

function deriveAppDictKeyFromType(appType: string, dict: Record<string, unknown>) {
  if (dict[appType]) return appType;
  const variant1 = appType.substring(0, appType.lastIndexOf("_"));
  if (dict[variant1]) return variant1;
  const variant2 =
    appType.substring(0, appType.lastIndexOf("_")) + appType.substring(appType.lastIndexOf("_") + 1);
  if (dict[variant2]) return variant2;
  const variant3 = appType.replace(/_/g, "");
  if (dict[variant3]) return variant3;
  return appType;
}

type AppHandler = (req: NextApiRequest, res: NextApiResponse) => unknown;

const handler = async (req: NextApiRequest, res: NextApiResponse) => {
  const { args } = req.query;

  if (!Array.isArray(args)) {
    return res.status(404).json({ message: `API route not found` });
  }

  const [appName, apiEndpoint] = args;
  try {
    /* Absolute path didn't work */
    const handlerMap = (await import("@calcom/app-store/apps.server.generated")).apiHandlers;
    const handlerKey = deriveAppDictKeyFromType(appName, handlerMap);
    const handlers = await handlerMap[handlerKey as keyof typeof handlerMap];
    if (!handlers) throw new HttpError(404, `No handlers found for ${handlerKey}`);
    const handler = handlers[apiEndpoint as keyof typeof handlers] as AppHandler;
    if (typeof handler !== "function") throw new HttpError(404, `API handler not found`);
    await handler(req, res);
    if (!res.writableEnded) return res.status(200);
    return res;
  } catch (error) {
    console.error(error);
    if (error instanceof HttpError) {
      return res.status(error.statusCode).json({ message: error.message });
    }
    return res.status(404).json({ message: `API handler not found` });
  }
};

export default handler;
"""

APPS_PAGE = """import { appStoreMetadata } from "@calcom/app-store/appStoreMetaData";

// The app store page: every app's metadata, as Cal.com's /apps reads it.
export default function AppsPage() {
  const apps = Object.values(appStoreMetadata);
  return (
    <ul>
      {apps.map((a) => (
        <li key={a.slug}>
          {a.name} ({a.categories.join(", ")}) - <img src={`/app-store/${a.slug}/${a.logo}`} alt="" width={16} />
        </li>
      ))}
    </ul>
  );
}
"""

# docs/assets.md, "Next.js: skip CopyWebpackPlugin in development".
ASSETS_EDITS = [
    ('const CopyWebpackPlugin = require("copy-webpack-plugin");\n',
     'const CopyWebpackPlugin = require("copy-webpack-plugin");\nconst fs = require("fs");\nconst path = require("path");\n'
     "// warmstart's manifest exists once `warmstart assets setup` ran.\nconst warmstartManagesAssets = fs.existsSync(\n"
     '  path.join(__dirname, "../../node_modules/.cache/warmstart/assets-v1/manifest.json")\n);\n'),
    ("{ webpack, buildId, isServer }", "{ webpack, buildId, isServer, dev }"),
    ("    config.plugins.push(\n      new CopyWebpackPlugin(",
     "    if (!(dev && warmstartManagesAssets)) config.plugins.push(\n      new CopyWebpackPlugin("),
]


def link(target, name):
    if os.path.islink(name):
        if os.readlink(name) == target:
            return
        os.unlink(name)
    os.symlink(target, name)


def workspace_packages(tree):
    with open(os.path.join(tree, "package.json")) as f:
        patterns = json.load(f).get("workspaces", [])
    for pattern in patterns:
        for manifest in sorted(glob.glob(os.path.join(tree, pattern, "package.json"))):
            with open(manifest) as f:
                name = json.load(f).get("name")
            if name:
                yield name, os.path.dirname(manifest)


WEIGHT = """{imports}import {{ validJson }} from "@calcom/lib/jsonUtils";

// Added by bench/nextjs/shell.py --app-modules: {app}'s own code, module {i}.
export interface {P}Record {{
  id: string;
  name?: string;
  token: string | null;
  expiresAt: number;
  metadata?: Record<string, unknown>;
  status: {P}State;
}}

export type {P}State = "PENDING" | "ACTIVE" | "REVOKED" | "EXPIRED";

export const {U}_DEFAULTS = {{
  retries: {r},
  timeoutMs: {t},
  label: "{app}-{i}",
}} as const;

export class {P}Store {{
  private items = new Map<string, {P}Record>();
  private state: {P}State = "PENDING";

  constructor(private readonly prefix: string = "{app}") {{}}

  put(key: string, value: {P}Record): void {{
    if (!key) throw new Error(`[${{this.prefix}}] empty key`);
    this.items.set(`${{this.prefix}}:${{key}}`, value);
    this.state = "ACTIVE";
  }}

  get(key: string): {P}Record | undefined {{
    return this.items.get(`${{this.prefix}}:${{key}}`);
  }}

  transition(next: {P}State): {P}State {{
    switch (this.state) {{
      case "PENDING":
        this.state = next === "REVOKED" ? "EXPIRED" : next;
        break;
      case "ACTIVE":
        this.state = next;
        break;
      default:
        this.state = "PENDING";
    }}
    return this.state;
  }}
}}

export function normalize{P}(input: Partial<{P}Record>): {P}Record {{
  const entries = Object.entries(input).filter(([, v]) => v !== undefined);
  const base = Object.fromEntries(entries) as Record<string, unknown>;
  const token = typeof base.token === "string" && validJson(base.token) ? base.token : null;
  return {{ ...base, token, id: String(base.id ?? Date.now() % {t}) }} as unknown as {P}Record;
}}

export const weight{i} = {uses};
"""


def add_app_weight(tree, n):
    """n modules of each API app's own code, reached from its api/index.ts."""
    store = os.path.join(tree, "packages/app-store")
    apps = 0
    for index in sorted(glob.glob(os.path.join(store, "**/api/index.ts"), recursive=True)):
        app_dir = os.path.dirname(os.path.dirname(index))
        app = os.path.basename(app_dir)
        ident = re.sub(r"\W", "_", app)
        for i in range(n):
            deps = [j for j in (i - 2, i - 1) if j >= 0]
            imports = "".join(f'import {{ weight{j} }} from "./w{j}";\n' for j in deps)
            uses = " + ".join([str(i + 1)] + [f"weight{j}" for j in deps])
            name = f"{ident[:1].upper()}{ident[1:]}W{i}"
            text = WEIGHT.format(imports=imports, app=app, i=i, P=name, U=name.upper(),
                                 r=2 + i % 7, t=1000 + 37 * i, uses=uses)
            os.makedirs(os.path.join(app_dir, "lib/weight"), exist_ok=True)
            with open(os.path.join(app_dir, f"lib/weight/w{i}.ts"), "w") as f:
                f.write(text)
        line = f'export {{ weight{n - 1} as weight }} from "../lib/weight/w{n - 1}";\n'
        with open(index) as f:
            text = f.read()
        if n > 0 and line not in text:
            with open(index, "a") as f:
                f.write(line)
        apps += 1
    return apps


def fix_redeclared_imports(vendor):
    for path in sorted(glob.glob(os.path.join(vendor, "*/*/index.js"))):
        with open(path) as f:
            text = f.read()
        m = re.match(r'import (\w+) from "([^"]+)";', text)
        if m and f"function {m.group(1)}(" in text:
            name = m.group(1)
            text = text.replace(f"import {name} from", f"import {name}Impl from", 1)
            text = text.replace(f"return {name}(", f"return {name}Impl(")
            with open(path, "w") as f:
                f.write(text)


def main():
    tree, deps = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    nm = os.path.join(tree, "node_modules")
    os.makedirs(os.path.join(nm, "@calcom"), exist_ok=True)
    for entry in sorted(os.listdir(os.path.join(deps, "node_modules"))):
        if entry.startswith(".") or entry == "@calcom":
            continue
        link(os.path.join(deps, "node_modules", entry), os.path.join(nm, entry))
    os.makedirs(os.path.join(nm, ".bin"), exist_ok=True)
    seen = set()
    for name, folder in workspace_packages(tree):
        if name in seen:
            continue  # the first of two folders with one name wins, as in yarn
        seen.add(name)
        dest = os.path.join(nm, name)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        link(os.path.relpath(folder, os.path.dirname(dest)), dest)

    fix_redeclared_imports(os.path.join(tree, "packages/vendor"))
    weight = 0
    if "--app-modules" in sys.argv:
        n = int(sys.argv[sys.argv.index("--app-modules") + 1])
        weight = add_app_weight(tree, n) * n if n > 0 else 0
    web = os.path.join(tree, "apps/web")
    os.makedirs(os.path.join(web, "pages/apps"), exist_ok=True)
    with open(os.path.join(web, "pages/apps/index.tsx"), "w") as f:
        f.write(APPS_PAGE)
    with open(os.path.join(web, "pages/api/integrations/[...args].ts"), "w") as f:
        f.write(ARGS_ROUTE)
    config = os.path.join(web, "next.config.js")
    with open(config) as f:
        text = f.read()
    if "--warmstart-assets" in sys.argv and "warmstartManagesAssets" not in text:
        for old, new in ASSETS_EDITS:
            if old not in text:
                sys.exit(f"shell.py: {config} does not contain {old!r}")
            text = text.replace(old, new, 1)
        with open(config, "w") as f:
            f.write(text)
    print(f"shell: {len(seen)} workspace packages linked, {weight} app modules added, next from {deps}")


if __name__ == "__main__":
    main()
