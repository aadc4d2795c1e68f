"use strict";
// withWarmstart(nextConfig, options): the Next.js side of warmstart.
//
// - In development, when warmstart manages the app-store statics (`warmstart
//   assets setup` links them into public/), the CopyWebpackPlugin pattern that
//   copies them on every compile is dropped (the plugin itself too when that
//   was its only pattern). Production builds keep it: deploys need real files.
// - In lazy asset mode, `/app-store/:path*` gets a *fallback* rewrite to
//   `warmstart assets serve`, so files already in public/ still win.
// - Optionally merges `experimental.optimizePackageImports` entries from a
//   suggestions file written by `warmstart graph closure --write-suggestions`.
// Everything it changes is printed once; nothing is applied silently.

const fs = require("fs");
const path = require("path");

const DEFAULT_PORT = 4777;
const DEV_PHASE = "phase-development-server";

/** Does a CopyWebpackPlugin pattern copy app-store statics? */
function copiesAppStoreStatics(pattern) {
  const from = typeof pattern === "string" ? pattern : pattern && pattern.from;
  if (typeof from !== "string") return false;
  return /(^|\/)app-store\/\*\*\/static(\/|$)/.test(from.replace(/\\/g, "/"));
}

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
    isDev: options.dev,
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

function withoutStaticsCopy(config, opts) {
  const userWebpack = config.webpack;
  let reported = false;
  return {
    ...config,
    webpack(webpackConfig, context) {
      const result = userWebpack ? userWebpack(webpackConfig, context) : webpackConfig;
      const dev = opts.isDev !== undefined ? opts.isDev : Boolean(context && context.dev);
      if (!dev || !result || !Array.isArray(result.plugins)) return result;
      let dropped = 0;
      result.plugins = result.plugins.filter((plugin) => {
        if (!plugin || !plugin.constructor || plugin.constructor.name !== "CopyWebpackPlugin") return true;
        if (!Array.isArray(plugin.patterns)) return true;
        const kept = plugin.patterns.filter((p) => !opts.dropPattern(p));
        dropped += plugin.patterns.length - kept.length;
        plugin.patterns = kept;
        return kept.length > 0;
      });
      if (dropped > 0 && !reported) {
        reported = true;
        opts.log("app-store statics come from `warmstart assets`; CopyWebpackPlugin skipped in development");
      }
      return result;
    },
  };
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
  if (opts.assets !== "off") out = withoutStaticsCopy(out, opts);
  if (opts.assets === "lazy" && dev) {
    out = withLazyRewrite(out, opts);
    opts.log(`/app-store/* falls back to ${opts.serveUrl} (lazy assets)`);
  }
  return withSuggestions(out, opts);
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
  if (typeof nextConfig === "function") {
    return async (phase, context) => apply(await nextConfig(phase, context), opts, phase);
  }
  return apply(nextConfig, opts, undefined);
}

module.exports = { withWarmstart, copiesAppStoreStatics, readSuggestions };
