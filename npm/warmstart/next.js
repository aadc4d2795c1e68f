"use strict";
// withWarmstart(nextConfig, options): the Next.js side of warmstart.
//
// - In development, when warmstart manages the app-store statics (`warmstart
//   assets setup` links them into public/), every pattern that copies them
//   on every compile is dropped from the copy plugins (the plugin itself too
//   when that was its only pattern): instances of the real
//   `copy-webpack-plugin` class (v11 exports `CopyPlugin`, any major), and
//   any plugin whose `patterns` copy app-store statics. Production builds
//   keep the copy: deploys need real files. When the config names the
//   plugin but nothing was dropped, that is said loudly on stderr.
// - Under Turbopack (`next dev --turbopack`) the webpack hook is ignored by
//   Next; a note says once that optimizePackageImports does nothing for
//   workspace packages there.
// - In lazy asset mode, `/app-store/:path*` gets a *fallback* rewrite to
//   `warmstart assets serve`, so files already in public/ still win.
// - Optionally merges `experimental.optimizePackageImports` entries from a
//   suggestions file written by `warmstart graph closure --write-suggestions`.
// Everything it changes is printed once; nothing is applied silently.

const fs = require("fs");
const path = require("path");

// The recognition of copy plugins is shared with the config probe that
// `warmstart doctor` runs, so what doctor checks is what this drops.
const {
  CONFIG_FILES,
  WRAP_MARK,
  classifyPlugin,
  copiesAppStoreStatics,
  copyPluginClasses,
  describePattern,
} = require("./lib/probe-next-config");
const { version: VERSION } = require("./package.json");

const DEFAULT_PORT = 4777;
const DEV_PHASE = "phase-development-server";
/** How long after the last development webpack hook call the "nothing dropped" check waits (all compilers are configured within it). */
const NOTHING_DROPPED_AFTER_MS = 2000;
/** https://github.com/vercel/next.js/issues/75148 */
const TURBOPACK_ISSUE = "vercel/next.js issue 75148";

function resolveOptions(options = {}) {
  const env = options.env || process.env;
  const assets = options.assets || env.WARMSTART_ASSETS || "managed";
  if (!["managed", "lazy", "off"].includes(assets)) {
    throw new Error(`withWarmstart: assets must be "managed", "lazy" or "off", not ${JSON.stringify(assets)}`);
  }
  const port = options.port || Number(env.WARMSTART_ASSETS_PORT) || DEFAULT_PORT;
  return {
    assets,
    serveUrl: (options.serveUrl || env.WARMSTART_ASSETS_URL || `http://127.0.0.1:${port}`).replace(/\/+$/, ""),
    dropPattern: options.dropPattern || copiesAppStoreStatics,
    // The option, or WARMSTART_SUGGESTIONS=FILE for a run: either is an
    // explicit opt-in, and what it adds is printed.
    suggestions: options.suggestions || env.WARMSTART_SUGGESTIONS || undefined,
    log: options.quiet ? () => {} : options.log || ((line) => console.log(`warmstart: ${line}`)),
    // Warnings are not silenced by `quiet`: they mean the promise is broken.
    warn: options.warn || ((line) => process.stderr.write(`\n*** warmstart: ${line} ***\n\n`)),
    warnAfterMs: options.warnAfterMs === undefined ? NOTHING_DROPPED_AFTER_MS : options.warnAfterMs,
    isDev: options.dev,
    // The app folder (`next dev` runs there); for finding workspace packages.
    dir: options.dir || process.cwd(),
    env,
    reported: { dropped: new Set(), warned: false },
  };
}

/** Package names from a suggestions file (two accepted shapes). */
function readSuggestions(file) {
  const data = JSON.parse(fs.readFileSync(file, "utf8"));
  const names = [];
  if (Array.isArray(data.optimizePackageImports)) names.push(...data.optimizePackageImports);
  if (Array.isArray(data.suggestions)) {
    for (const s of data.suggestions) {
      if (s && s.kind === "optimizePackageImports" && typeof s.package === "string") names.push(s.package);
    }
  }
  return names.filter((n) => typeof n === "string" && n.length > 0);
}

function withSuggestions(config, opts) {
  if (!opts.suggestions) return config;
  const file = path.resolve(opts.suggestions);
  let names;
  try {
    names = readSuggestions(file);
  } catch (error) {
    opts.log(`could not read suggestions from ${file} (${error.message}); none applied`);
    return config;
  }
  const experimental = { ...(config.experimental || {}) };
  const current = experimental.optimizePackageImports || [];
  const added = names.filter((n, i) => !current.includes(n) && names.indexOf(n) === i);
  if (added.length === 0) return config;
  experimental.optimizePackageImports = [...current, ...added];
  opts.log(`optimizePackageImports += ${added.join(", ")} (from ${path.relative(process.cwd(), file) || file})`);
  return { ...config, experimental };
}

/** The text of the app's next.config file, or "" (for the "nothing dropped" check). */
function configText(dir) {
  for (const name of CONFIG_FILES) {
    try {
      return { name, text: fs.readFileSync(path.join(dir, name), "utf8") };
    } catch {
      // try the next name
    }
  }
  return { name: "next.config.js", text: "" };
}

/**
 * In development, drops every pattern that copies app-store statics from
 * the copy plugins the user's webpack hook added: instances of the class
 * `copy-webpack-plugin` resolves to from the app folder (any major), and
 * any other plugin whose `patterns` copy app-store statics. A plugin left
 * without patterns goes. What was dropped is printed once; when the
 * config's text names the plugin and nothing was dropped in any compiler,
 * that is said loudly on stderr.
 */
function withoutStaticsCopy(config, opts) {
  const userWebpack = config.webpack;
  // Per withWarmstart() call, not per config-function call: Next may call
  // the config function more than once.
  const said = opts.reported.dropped;
  const state = { dropped: 0, timer: null, classes: new Map() };
  const classesFor = (dir) => {
    if (!state.classes.has(dir)) state.classes.set(dir, copyPluginClasses([dir, process.cwd()]));
    return state.classes.get(dir);
  };
  const checkLater = (dir) => {
    if (opts.reported.warned) return;
    const { name, text } = configText(dir);
    if (!/CopyWebpackPlugin|copy-webpack-plugin/.test(text)) return;
    const check = () => {
      if (state.dropped > 0 || opts.reported.warned) return;
      opts.reported.warned = true;
      opts.warn(
        `${name} names CopyWebpackPlugin/copy-webpack-plugin, but withWarmstart dropped no app-store statics copy: ` +
          "the statics are still copied on every compile. `warmstart doctor` shows which plugin survives."
      );
    };
    if (state.timer) clearTimeout(state.timer);
    if (opts.warnAfterMs <= 0) return check();
    state.timer = setTimeout(check, opts.warnAfterMs);
    if (state.timer.unref) state.timer.unref();
  };
  return {
    ...config,
    webpack(webpackConfig, context) {
      const result = userWebpack ? userWebpack(webpackConfig, context) : webpackConfig;
      const dev = opts.isDev !== undefined ? opts.isDev : Boolean(context && context.dev);
      if (!dev || !result || !Array.isArray(result.plugins)) return result;
      const dir = (context && context.dir) || process.cwd();
      dropStatics(result, dir, context);
      checkLater(dir);
      return result;
    },
  };

  function dropStatics(result, dir, context) {
    // Only a plugin with `patterns` can be dropped from: without one,
    // copy-webpack-plugin is not even loaded.
    if (!result.plugins.some((p) => p && Array.isArray(p.patterns))) return;
    const classes = classesFor(dir);
    const compiler = !context || !context.isServer ? "client" : context.nextRuntime === "edge" ? "edge-server" : "server";
    result.plugins = result.plugins.filter((plugin) => {
      const found = classifyPlugin(plugin, classes, opts.dropPattern);
      if (!found || found.statics.length === 0) return true;
      const kept = found.patterns.filter((p) => !opts.dropPattern(p));
      state.dropped += found.patterns.length - kept.length;
      plugin.patterns = kept;
      const what =
        `${found.name}${found.package ? ` (${found.package})` : ""} ` +
        `${found.statics.map((p) => JSON.stringify(describePattern(p))).join(", ")}` +
        (kept.length > 0 ? `; its other ${kept.length === 1 ? "pattern stays" : `${kept.length} patterns stay`}` : "");
      if (!said.has(what)) {
        said.add(what);
        opts.log(
          `development: dropped the app-store statics copy ${what} (seen first in the ${compiler} compiler); ` +
            "`warmstart assets setup` links the statics into public/"
        );
      }
      return kept.length > 0;
    });
  }
}

/**
 * Folders of `names` that are workspace packages (their node_modules entry
 * is a link to a folder outside node_modules), looked up from `dir` up.
 */
function workspacePackages(names, dir) {
  return names.filter((name) => {
    for (let at = dir; ; at = path.dirname(at)) {
      const candidate = path.join(at, "node_modules", name);
      if (fs.existsSync(candidate)) {
        try {
          return !fs.realpathSync(candidate).split(path.sep).includes("node_modules");
        } catch {
          return false;
        }
      }
      if (path.dirname(at) === at) return false;
    }
  });
}

/**
 * Turbopack (`next dev --turbopack`, Next 15 sets TURBOPACK) ignores the
 * webpack hook — the statics come from `warmstart assets` links — and
 * optimizePackageImports does nothing for workspace packages there: say so
 * once per dev session. The config is loaded by `next dev` and again by its
 * server process; the first process to load withWarmstart claims the note
 * through an environment variable that Next passes to the second.
 */
const NOTE_OWNER = "WARMSTART_TURBOPACK_NOTE_PID";
function claimTurbopackNote(env) {
  if (!env.TURBOPACK) return;
  if (!env[NOTE_OWNER]) env[NOTE_OWNER] = String(process.pid);
}
let turbopackNoted = false;
function turbopackNote(config, opts) {
  if (turbopackNoted || !opts.env.TURBOPACK || opts.env[NOTE_OWNER] !== String(process.pid)) return;
  const names = ((config.experimental || {}).optimizePackageImports || []).filter((n) => typeof n === "string");
  const workspace = workspacePackages(names, opts.dir);
  if (workspace.length === 0) return;
  turbopackNoted = true;
  opts.log(
    `under Turbopack, experimental.optimizePackageImports has no effect for workspace packages ` +
      `(${workspace.join(", ")}; ${TURBOPACK_ISSUE}); the statics come from \`warmstart assets\` links`
  );
}

function withLazyRewrite(config, opts) {
  const userRewrites = config.rewrites;
  const rule = { source: "/app-store/:path*", destination: `${opts.serveUrl}/app-store/:path*` };
  return {
    ...config,
    async rewrites() {
      const current = userRewrites ? await userRewrites() : [];
      // An array means afterFiles (Next.js semantics).
      const groups = Array.isArray(current)
        ? { beforeFiles: [], afterFiles: current, fallback: [] }
        : {
            beforeFiles: current.beforeFiles || [],
            afterFiles: current.afterFiles || [],
            fallback: current.fallback || [],
          };
      return { ...groups, fallback: [...groups.fallback, rule] };
    },
  };
}

function apply(config, opts, phase) {
  const dev = opts.isDev !== undefined ? opts.isDev : phase ? phase === DEV_PHASE : process.env.NODE_ENV !== "production";
  let out = { ...(config || {}) };
  // Turbopack ignores the webpack hook; adding one where the user had none
  // would only make Next warn "Webpack is configured while Turbopack is not".
  const turbopack = Boolean(opts.env.TURBOPACK);
  if (opts.assets !== "off" && !(turbopack && !out.webpack)) out = withoutStaticsCopy(out, opts);
  if (opts.assets === "lazy" && dev) {
    out = withLazyRewrite(out, opts);
    opts.log(`/app-store/* falls back to ${opts.serveUrl} (lazy assets)`);
  }
  out = withSuggestions(out, opts);
  if (dev) turbopackNote(out, opts);
  return out;
}

/**
 * Wraps a Next.js config (an object, or a function of (phase, context) that
 * may be async) with warmstart's development changes.
 *
 * @param {object|Function} nextConfig
 * @param {{assets?: "managed"|"lazy"|"off", serveUrl?: string, port?: number,
 *   suggestions?: string, dropPattern?: (pattern: any) => boolean, dev?: boolean,
 *   quiet?: boolean, log?: (line: string) => void}} [options]
 */
function withWarmstart(nextConfig = {}, options = {}) {
  const opts = resolveOptions(options);
  // For the config probe (`warmstart doctor`): this config is wrapped.
  (globalThis[WRAP_MARK] = globalThis[WRAP_MARK] || []).push({ version: VERSION, assets: opts.assets });
  claimTurbopackNote(opts.env);
  if (typeof nextConfig === "function") {
    return async (phase, context) => apply(await nextConfig(phase, context), opts, phase);
  }
  return apply(nextConfig, opts, undefined);
}

module.exports = { withWarmstart, copiesAppStoreStatics, readSuggestions, workspacePackages };
