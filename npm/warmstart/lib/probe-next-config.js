#!/usr/bin/env node
"use strict";
// The config probe: loads a Next.js app's next.config the way `next dev`
// does and reports which app-store statics copies survive in each webpack
// compiler. `warmstart doctor` (and `warmstart dev`) run it in a child Node
// process: what counts is what Next would really run, not what the config's
// text looks like.
//
//   node probe-next-config.js [APP_DIR]     → one JSON object on stdout
//
// The JSON is one line starting with `{"probe":"warmstart-next-config"`:
// whatever the config and Next print goes to stderr, but a process they
// spawn may still write to the same stdout, so readers look for that line.
//
// How it loads the config: with Next's own `loadConfig` from
// `next/dist/server/config`, resolved from the app folder, in the
// development phase (.env files, the config function called, Next's
// defaults applied), then it runs the config's webpack hook on a minimal
// webpack config for each compiler `next dev` creates (client, server,
// edge-server) with `dev: true` and the `webpack` object of Next's compiled
// webpack. Without `next` installed it falls back to require()/import().
//
// This file must stay self-contained (Node built-ins only): the warmstart
// binary embeds it and pipes it into `node -`. withWarmstart (../next.js)
// requires it for the same recognition of copy plugins, so the check and
// the fix cannot drift apart.

const fs = require("fs");
const path = require("path");
const { pathToFileURL } = require("url");

const PHASE_DEVELOPMENT_SERVER = "phase-development-server";
/** The first key of the report: how a reader finds the JSON line. */
const PROBE_TAG = "warmstart-next-config";
/** Next.js's own list and order (next/dist/shared/lib/constants CONFIG_FILES). */
const CONFIG_FILES = ["next.config.js", "next.config.mjs", "next.config.ts", "next.config.mts", "next.config.cjs"];
/** withWarmstart() records each call here; the probe reads it to say whether the config was wrapped. */
const WRAP_MARK = Symbol.for("warmstart.withWarmstart");
/** The compilers `next dev` (webpack) creates, in its order. */
const COMPILERS = [
  { name: "client", isServer: false },
  { name: "server", isServer: true, nextRuntime: "nodejs" },
  { name: "edge-server", isServer: true, nextRuntime: "edge" },
];

const toUnix = (p) => p.replace(/\\/g, "/");

/**
 * Where a copy pattern copies from, as one string: a string pattern, or
 * `{context, from}` joined (copy-webpack-plugin resolves `from` against
 * `context`). Undefined for a shape that names no source.
 */
function patternSource(pattern) {
  if (typeof pattern === "string") return pattern;
  if (!pattern || typeof pattern !== "object" || typeof pattern.from !== "string") return undefined;
  const context = typeof pattern.context === "string" && pattern.context ? pattern.context : "";
  return context && !path.isAbsolute(pattern.from) ? `${context}/${pattern.from}` : pattern.from;
}

/**
 * Does a copy pattern copy app-store statics? True when its source lies in
 * an `app-store` folder and either goes through a `static` folder below it
 * (`../../packages/app-store/**\/static/**`, any shape) or is copied to an
 * `app-store` destination (`{from: "…/app-store", to: "public/app-store"}`).
 */
function copiesAppStoreStatics(pattern) {
  const source = patternSource(pattern);
  if (!source) return false;
  const p = toUnix(source);
  const at = p.search(/(^|\/)app-store(\/|$)/);
  if (at < 0) return false;
  if (/\/static(\/|$)/.test(p.slice(at))) return true;
  const to = pattern && typeof pattern === "object" && typeof pattern.to === "string" ? toUnix(pattern.to) : "";
  return /(^|\/)app-store(\/|$)/.test(to);
}

/** A pattern as a short string for messages. */
function describePattern(pattern) {
  const source = patternSource(pattern);
  if (source !== undefined) return toUnix(source);
  try {
    return JSON.stringify(pattern);
  } catch {
    return String(pattern);
  }
}

/** The version in the package.json of the package `file` belongs to. */
function packageVersion(file, name) {
  let dir = path.dirname(file);
  for (;;) {
    const manifest = path.join(dir, "package.json");
    try {
      const pkg = JSON.parse(fs.readFileSync(manifest, "utf8"));
      if (pkg.name === name) return pkg.version;
    } catch {
      // not here: go up
    }
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * The classes `copy-webpack-plugin` resolves to from these folders (the
 * config's own folder first) — what the config's `require` gets. One entry
 * per distinct file; none when it is not installed.
 */
function copyPluginClasses(dirs) {
  const found = [];
  for (const dir of dirs) {
    let file;
    try {
      file = require.resolve("copy-webpack-plugin", { paths: [dir] });
    } catch {
      continue;
    }
    if (found.some((c) => c.file === file)) continue;
    let exported;
    try {
      exported = require(file);
    } catch {
      continue;
    }
    const cls = typeof exported === "function" ? exported : exported && exported.default;
    if (typeof cls === "function") found.push({ cls, file, version: packageVersion(file, "copy-webpack-plugin") });
  }
  return found;
}

/**
 * What a webpack plugin is, for the statics question: null when it is not a
 * copy plugin, else `{by, name, package, patterns, statics}` — `by` is
 * "class" for an instance of the real copy-webpack-plugin class, "patterns"
 * for any other plugin whose `patterns` copy app-store statics (another
 * major version, another install, a fork).
 */
function classifyPlugin(plugin, classes, matches = copiesAppStoreStatics) {
  if (!plugin || typeof plugin !== "object") return null;
  const real = classes.find((c) => plugin instanceof c.cls);
  const patterns = Array.isArray(plugin.patterns) ? plugin.patterns : null;
  const statics = patterns ? patterns.filter((p) => matches(p)) : [];
  if (!real && statics.length === 0) return null;
  return {
    by: real ? "class" : "patterns",
    name: (plugin.constructor && plugin.constructor.name) || "anonymous plugin",
    package: real ? `copy-webpack-plugin${real.version ? `@${real.version}` : ""}` : undefined,
    patterns: patterns || [],
    statics,
  };
}

/** Finds the app's next.config file, in Next's order. */
function findConfigFile(appDir) {
  for (const name of CONFIG_FILES) {
    const file = path.join(appDir, name);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

function resolveFrom(dir, id) {
  try {
    return require.resolve(id, { paths: [dir] });
  } catch {
    return undefined;
  }
}

/**
 * Would `next dev` use Turbopack here? From the app's `dev` script (the
 * flags `--turbo`/`--turbopack`, or Next 16+ where Turbopack is the default
 * unless `--webpack`) or TURBOPACK in the environment.
 */
function turbopackUse(appDir, nextVersion, env = process.env) {
  if (env.TURBOPACK) return { used: true, why: "TURBOPACK is set in the environment" };
  let script;
  try {
    script = JSON.parse(fs.readFileSync(path.join(appDir, "package.json"), "utf8")).scripts.dev;
  } catch {
    script = undefined;
  }
  const major = nextVersion ? Number(nextVersion.split(".")[0]) : 0;
  if (typeof script === "string" && /\bnext\s+dev\b/.test(script)) {
    const flag = /\bnext\s+dev\b[^;&|]*?\s(--turbo(?:pack)?)\b/.exec(script);
    if (flag) return { used: true, why: `the dev script runs \`next dev ${flag[1]}\`` };
    if (major >= 16 && !/\s--webpack\b/.test(script)) return { used: true, why: `Next ${nextVersion} uses Turbopack by default` };
    return { used: false, why: "the dev script runs `next dev` with webpack" };
  }
  if (major >= 16) return { used: true, why: `Next ${nextVersion} uses Turbopack by default` };
  return { used: false, why: "webpack (Next's default before 16)" };
}

/** Loads the user config without Next: require(), or import() for ESM. */
async function loadWithoutNext(file) {
  const ext = path.extname(file);
  if (ext === ".ts" || ext === ".mts") {
    throw new Error(`${path.basename(file)} can only be loaded by Next.js itself, and \`next\` is not installed here`);
  }
  let mod;
  let how = "require";
  if (ext === ".mjs") {
    how = "import";
    mod = await import(pathToFileURL(file).href);
  } else {
    try {
      mod = require(file);
    } catch (error) {
      if (!error || (error.code !== "ERR_REQUIRE_ESM" && error.code !== "ERR_REQUIRE_ASYNC_MODULE")) throw error;
      how = "import";
      mod = await import(pathToFileURL(file).href);
    }
  }
  let config = mod && mod.__esModule && "default" in mod ? mod.default : mod;
  if (how === "import") config = mod.default;
  if (typeof config === "function") config = await config(PHASE_DEVELOPMENT_SERVER, { defaultConfig: {} });
  return { config, how };
}

/** A webpack config shaped like the one Next passes to the hook (the fields hooks touch). */
function minimalWebpackConfig(appDir, compiler) {
  const out = path.join(appDir, ".next");
  return {
    name: compiler.name,
    mode: "development",
    context: appDir,
    devtool: "eval-source-map",
    target: compiler.isServer ? "node" : ["web", "es5"],
    entry: async () => ({}),
    output: {
      path: compiler.name === "client" ? out : path.join(out, "server"),
      publicPath: "/_next/",
      filename: "[name].js",
    },
    externals: compiler.isServer ? [] : undefined,
    module: { rules: [] },
    plugins: [],
    resolve: { alias: {}, fallback: {}, extensions: [".js", ".mjs", ".tsx", ".ts", ".jsx", ".json"], modules: ["node_modules"], plugins: [] },
    resolveLoader: { alias: {}, modules: ["node_modules"] },
    optimization: { splitChunks: false, minimize: false },
    experiments: {},
    performance: false,
    watchOptions: {},
  };
}

function webpackFromNext(appDir) {
  const file = resolveFrom(appDir, "next/dist/compiled/webpack/webpack");
  if (file) {
    const compiled = require(file);
    if (!compiled.webpack && typeof compiled.init === "function") compiled.init();
    if (compiled.webpack) return compiled.webpack;
  }
  const own = resolveFrom(appDir, "webpack");
  return own ? require(own) : undefined;
}

/** Runs the probe; never throws: failures come back as `{ok: false, stage, error}`. */
async function probe(appDir, { env = process.env } = {}) {
  appDir = path.resolve(appDir);
  const report = {
    probe: PROBE_TAG,
    ok: false,
    dir: toUnix(appDir),
    config: null,
    next: null,
    loadedWith: null,
    wrapped: false,
    turbopack: null,
    compilers: [],
    surviving: 0,
  };
  let stage = "find";
  try {
    const file = findConfigFile(appDir);
    const nextManifest = resolveFrom(appDir, "next/package.json");
    const nextVersion = nextManifest ? JSON.parse(fs.readFileSync(nextManifest, "utf8")).version : null;
    report.next = nextVersion;
    report.turbopack = turbopackUse(appDir, nextVersion, env);
    if (!file) {
      report.ok = true;
      return report;
    }
    report.config = path.basename(file);

    stage = "load";
    globalThis[WRAP_MARK] = [];
    let config;
    const loader = nextManifest && resolveFrom(appDir, "next/dist/server/config");
    if (loader && /\.m?ts$/.test(file) && !resolveFrom(appDir, "typescript")) {
      // Next would install TypeScript into the project first; a check must not.
      throw new Error(`${report.config} needs TypeScript to load and \`typescript\` is not installed here (\`next dev\` would install it)`);
    }
    if (loader) {
      const loaded = require(loader);
      const loadConfig = loaded.default || loaded;
      config = await loadConfig(PHASE_DEVELOPMENT_SERVER, appDir, { silent: true });
      report.loadedWith = `next ${nextVersion} loadConfig, development phase`;
    } else {
      const loaded = await loadWithoutNext(file);
      config = loaded.config;
      report.loadedWith = `${loaded.how}() without next, development phase`;
    }
    report.wrapped = globalThis[WRAP_MARK].length > 0;
    if (!config || typeof config !== "object") throw new Error(`the config is ${config === null ? "null" : typeof config}, not an object`);

    stage = "webpack";
    const webpack = webpackFromNext(appDir);
    const classes = copyPluginClasses([appDir]);
    for (const compiler of COMPILERS) {
      const entry = { name: compiler.name, hook: typeof config.webpack === "function", plugins: [], copies: [], surviving: 0 };
      if (entry.hook) {
        const context = {
          dir: appDir,
          dev: true,
          isServer: compiler.isServer,
          buildId: "development",
          config,
          defaultLoaders: { babel: { loader: "next-swc-loader", options: {} } },
          totalPages: 0,
          webpack,
          ...(compiler.nextRuntime ? { nextRuntime: compiler.nextRuntime } : {}),
        };
        const result = config.webpack(minimalWebpackConfig(appDir, compiler), context);
        if (!result || typeof result !== "object") throw new Error(`the webpack hook returned ${typeof result} for the ${compiler.name} compiler`);
        if (typeof result.then === "function") throw new Error(`the webpack hook returned a Promise (${compiler.name} compiler); Next.js does not await it`);
        for (const plugin of result.plugins || []) {
          entry.plugins.push((plugin && plugin.constructor && plugin.constructor.name) || typeof plugin);
          const found = classifyPlugin(plugin, classes);
          if (!found) continue;
          entry.copies.push({
            plugin: found.name,
            package: found.package || null,
            by: found.by,
            patterns: found.patterns.map(describePattern),
            statics: found.statics.map(describePattern),
          });
          if (found.statics.length > 0) entry.surviving += 1;
        }
      }
      report.surviving += entry.surviving;
      report.compilers.push(entry);
    }
    report.ok = true;
  } catch (error) {
    report.ok = false;
    report.stage = stage;
    report.error = firstLines(error);
  }
  return report;
}

/** An error's message (and where it was thrown), short enough for one doctor line. */
function firstLines(error) {
  if (!(error instanceof Error)) return String(error);
  const frame = (error.stack || "")
    .split("\n")
    .slice(1)
    .map((l) => l.trim())
    .find((l) => l.startsWith("at ") && !l.includes("node:internal") && !l.includes("probe-next-config") && !l.includes("[stdin]"));
  const message = error.message.split("\n").slice(0, 4).join(" ").trim();
  return frame ? `${message} (${frame})` : message;
}

/**
 * CLI: keep stdout for the JSON. Whatever the config and Next print goes to
 * stderr (and is kept in `output`), and the process exits as soon as the
 * JSON is written: a config may leave timers or sockets open.
 */
async function main() {
  const appDir = path.resolve(process.argv[2] || process.cwd());
  const write = process.stdout.write.bind(process.stdout);
  const output = [];
  const keep = (chunk) => {
    for (const line of String(chunk).split("\n")) if (line.trim() && output.length < 200) output.push(line.replace(/\x1b\[[0-9;]*m/g, ""));
  };
  const errWrite = process.stderr.write.bind(process.stderr);
  process.stdout.write = (chunk, ...rest) => {
    keep(chunk);
    return errWrite(chunk, ...rest);
  };
  process.stderr.write = (chunk, ...rest) => {
    keep(chunk);
    return errWrite(chunk, ...rest);
  };
  // As `next dev` runs: development mode, in the app's folder (configs read
  // relative paths like "../../.env" from there).
  process.env.NODE_ENV = "development";
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  try {
    process.chdir(appDir);
  } catch {
    // probe() reports the missing folder
  }
  const report = await probe(appDir);
  report.output = output;
  write(`\n${JSON.stringify(report)}\n`, () => process.exit(0));
}

module.exports = {
  CONFIG_FILES,
  PROBE_TAG,
  PHASE_DEVELOPMENT_SERVER,
  WRAP_MARK,
  classifyPlugin,
  copiesAppStoreStatics,
  copyPluginClasses,
  describePattern,
  findConfigFile,
  probe,
  turbopackUse,
};

if (require.main === module || module.id === "[stdin]") {
  main().catch((error) => {
    process.stderr.write(`probe-next-config: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
}
