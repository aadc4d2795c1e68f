"use strict";
// withWarmstart against a Cal.com-shaped next.config.js (fixtures/).
const assert = require("node:assert/strict");
const path = require("node:path");
const { test } = require("node:test");

const { withWarmstart, copiesAppStoreStatics } = require("../next");

const fixture = () => {
  delete require.cache[require.resolve("./fixtures/next.config.js")];
  return require("./fixtures/next.config.js");
};
const DEV = "phase-development-server";
const BUILD = "phase-production-build";

class DefinePlugin {
  constructor(definitions) {
    this.definitions = definitions;
  }
}

/** Runs the config's webpack hook like one Next.js compiler would. */
function compile(config, { dev, isServer = false }) {
  const webpackConfig = { plugins: [], resolve: { fallback: { path: false } } };
  return config.webpack(webpackConfig, { webpack: { DefinePlugin }, buildId: "b1", dev, isServer });
}
const names = (wc) => wc.plugins.map((p) => p.constructor.name);
const quiet = (extra = {}) => {
  const lines = [];
  return { lines, options: { log: (l) => lines.push(l), ...extra } };
};

test("development drops the statics CopyWebpackPlugin in every compiler and keeps the rest", async () => {
  const { lines, options } = quiet();
  const config = await withWarmstart(fixture(), options)(DEV, {});
  for (const isServer of [false, true]) {
    const wc = compile(config, { dev: true, isServer });
    assert.deepEqual(names(wc), ["DefinePlugin"]);
    assert.deepEqual(wc.resolve.fallback, { path: false, fs: false });
  }
  assert.equal(config.poweredByHeader, false, "the user's plugins still run");
  assert.deepEqual(config.transpilePackages, ["@calcom/app-store", "@calcom/lib", "@calcom/ui"]);
  assert.equal(lines.filter((l) => l.includes("CopyWebpackPlugin skipped")).length, 1);
});

test("production builds keep the copy: deploys need real files", async () => {
  const config = await withWarmstart(fixture(), quiet().options)(BUILD, {});
  assert.deepEqual(names(compile(config, { dev: false })), ["CopyWebpackPlugin", "DefinePlugin"]);
});

test("assets off changes nothing about the webpack hook", async () => {
  const userConfig = fixture();
  const original = userConfig(DEV, {});
  const config = await withWarmstart(userConfig, quiet({ assets: "off" }).options)(DEV, {});
  assert.equal(config.webpack, original.webpack);
});

test("only the app-store pattern goes when the plugin copies more", () => {
  const CopyWebpackPlugin = require("./fixtures/copy-webpack-plugin");
  const config = withWarmstart(
    {
      webpack(wc) {
        wc.plugins.push(
          new CopyWebpackPlugin({ patterns: [{ from: "../../packages/app-store/**/static/**" }, { from: "locales/**" }] })
        );
        return wc;
      },
    },
    quiet().options
  );
  const wc = compile(config, { dev: true });
  assert.deepEqual(names(wc), ["CopyWebpackPlugin"]);
  assert.deepEqual(wc.plugins[0].patterns, [{ from: "locales/**" }]);
});

test("lazy mode adds the assets-serve fallback after the user's rewrites, in development only", async () => {
  const { options } = quiet({ assets: "lazy", port: 4999 });
  const dev = await withWarmstart(fixture(), options)(DEV, {});
  const rewrites = await dev.rewrites();
  assert.equal(rewrites.beforeFiles.length, 1);
  assert.equal(rewrites.afterFiles.length, 1);
  assert.deepEqual(rewrites.fallback, [
    { source: "/app-store/:path*", destination: "http://127.0.0.1:4999/app-store/:path*" },
  ]);
  const prod = await withWarmstart(fixture(), options)(BUILD, {});
  assert.equal((await prod.rewrites()).fallback, undefined);
});

test("an array of rewrites stays afterFiles; a serveUrl option wins", async () => {
  const config = withWarmstart(
    { rewrites: async () => [{ source: "/a", destination: "/b" }] },
    quiet({ assets: "lazy", serveUrl: "http://localhost:5000/", dev: true }).options
  );
  assert.deepEqual(await config.rewrites(), {
    beforeFiles: [],
    afterFiles: [{ source: "/a", destination: "/b" }],
    fallback: [{ source: "/app-store/:path*", destination: "http://localhost:5000/app-store/:path*" }],
  });
});

test("suggestions merge into optimizePackageImports without duplicates, and say so", async () => {
  const { lines, options } = quiet({ suggestions: path.join(__dirname, "fixtures/suggestions.json") });
  const config = await withWarmstart(fixture(), options)(DEV, {});
  assert.deepEqual(config.experimental.optimizePackageImports, ["@calcom/ui", "@calcom/atoms/monorepo"]);
  assert.deepEqual(config.experimental.serverComponentsExternalPackages, ["next-i18next"]);
  assert.ok(lines.some((l) => l.includes("optimizePackageImports += @calcom/atoms/monorepo")), lines.join("\n"));
});

test("WARMSTART_SUGGESTIONS opts in for one run; without it nothing is merged", async () => {
  const file = path.join(__dirname, "fixtures/suggestions.json");
  const on = quiet({ env: { WARMSTART_SUGGESTIONS: file } });
  const config = await withWarmstart(fixture(), on.options)(DEV, {});
  assert.deepEqual(config.experimental.optimizePackageImports, ["@calcom/ui", "@calcom/atoms/monorepo"]);
  const off = quiet({ env: {} });
  const plain = await withWarmstart(fixture(), off.options)(DEV, {});
  assert.deepEqual(plain.experimental.optimizePackageImports, ["@calcom/ui"]);
  assert.ok(!off.lines.some((l) => l.includes("optimizePackageImports")), off.lines.join("\n"));
});

test("a missing suggestions file is reported and applies nothing", () => {
  const { lines, options } = quiet({ suggestions: "/nonexistent/suggestions.json" });
  const config = withWarmstart({ experimental: { optimizePackageImports: ["x"] } }, options);
  assert.deepEqual(config.experimental.optimizePackageImports, ["x"]);
  assert.ok(lines[0].includes("could not read suggestions"), lines[0]);
});

test("a bad assets option is an error that names the choices", () => {
  assert.throws(() => withWarmstart({}, { assets: "sometimes" }), /"managed", "lazy" or "off"/);
});

test("the statics pattern matcher", () => {
  assert.ok(copiesAppStoreStatics({ from: "../../packages/app-store/**/static/**" }));
  assert.ok(copiesAppStoreStatics("..\\..\\packages\\app-store\\**\\static\\**"));
  assert.ok(!copiesAppStoreStatics({ from: "public/**" }));
  assert.ok(!copiesAppStoreStatics(undefined));
});
