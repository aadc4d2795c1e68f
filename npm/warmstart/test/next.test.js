"use strict";
// withWarmstart against a Cal.com-shaped next.config.js (fixtures/) and the
// real packages: copy-webpack-plugin 11 (what Cal.com installs) and the
// newest major, with Next's own compiled webpack — no stand-in classes.
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { test } = require("node:test");

const { withWarmstart, copiesAppStoreStatics } = require("../next");
const { calcomConfig, makeApp, requireFrom } = require("./support/app");
const { versionOf } = require("./support/real-packages");

const DEV = "phase-development-server";
const BUILD = "phase-production-build";
const STATICS = "../../packages/app-store/**/static/**";
const SETS = [
  { set: "next13", copyMajor: "11" },
  { set: "next15", copyMajor: "14" },
];

/** An app of the set with the Cal.com-shaped config, and the real classes it resolves. */
function app(set, files = { "next.config.js": calcomConfig() }) {
  const made = makeApp(set, files);
  const compiled = requireFrom(made.web, "next/dist/compiled/webpack/webpack");
  if (!compiled.webpack) compiled.init();
  return {
    ...made,
    webpack: compiled.webpack,
    CopyPlugin: requireFrom(made.web, "copy-webpack-plugin"),
    config: () => require(path.join(made.web, "next.config.js")),
  };
}

/** Runs a config's webpack hook as one compiler of `next dev`/`next build` would. */
function compile(a, config, { dev, compiler = "client" }) {
  const isServer = compiler !== "client";
  const webpackConfig = { name: compiler, plugins: [], resolve: { fallback: { path: false } }, externals: [] };
  return config.webpack(webpackConfig, {
    dir: a.web,
    dev,
    isServer,
    buildId: "b1",
    webpack: a.webpack,
    ...(isServer ? { nextRuntime: compiler === "edge-server" ? "edge" : "nodejs" } : {}),
  });
}
const names = (wc) => wc.plugins.map((p) => p.constructor.name);
const capture = (extra = {}) => {
  const lines = [];
  const warnings = [];
  return { lines, warnings, options: { log: (l) => lines.push(l), warn: (l) => warnings.push(l), warnAfterMs: 0, ...extra } };
};

for (const { set, copyMajor } of SETS) {
  test(`${set}: the real copy-webpack-plugin ${copyMajor}.x is what the fixture uses, and its class is not named CopyWebpackPlugin`, () => {
    const a = app(set);
    assert.equal(versionOf(a.set, "copy-webpack-plugin").split(".")[0], copyMajor);
    assert.equal(a.CopyPlugin.name, "CopyPlugin");
    const wc = compile(a, a.config()(), { dev: true });
    assert.ok(wc.plugins.some((p) => p instanceof a.CopyPlugin), "the unwrapped config adds a real CopyPlugin");
  });

  test(`${set}: development drops the real CopyPlugin in every compiler and keeps the rest`, async () => {
    const a = app(set);
    const { lines, warnings, options } = capture();
    const config = await withWarmstart(a.config(), options)(DEV, {});
    for (const compiler of ["client", "server", "edge-server"]) {
      const wc = compile(a, config, { dev: true, compiler });
      assert.ok(!wc.plugins.some((p) => p instanceof a.CopyPlugin), `${compiler}: ${names(wc)}`);
      assert.deepEqual(names(wc), ["DefinePlugin"]);
      assert.ok(wc.plugins[0] instanceof a.webpack.DefinePlugin);
      assert.deepEqual(wc.resolve.fallback, { path: false, fs: false });
    }
    assert.equal(config.poweredByHeader, false, "the user's plugins still run");
    assert.deepEqual(config.transpilePackages, ["@calcom/app-store", "@calcom/lib", "@calcom/ui"]);
    const version = versionOf(a.set, "copy-webpack-plugin");
    assert.deepEqual(lines, [
      `development: dropped the app-store statics copy CopyPlugin (copy-webpack-plugin@${version}) "${STATICS}" ` +
        "(seen first in the client compiler); `warmstart assets setup` links the statics into public/",
    ]);
    assert.deepEqual(warnings, []);
  });

  test(`${set}: production builds keep the real copy: deploys need real files`, async () => {
    const a = app(set);
    const config = await withWarmstart(a.config(), capture().options)(BUILD, {});
    const wc = compile(a, config, { dev: false });
    assert.ok(wc.plugins[0] instanceof a.CopyPlugin);
    assert.deepEqual(wc.plugins[0].patterns.map((p) => p.from), [STATICS]);
  });
}

test("every pattern shape that copies app-store statics goes; the others stay", () => {
  const a = app("next13");
  const to = () => "public/app-store/[name][ext]";
  const statics = [
    STATICS,
    { from: STATICS },
    { from: STATICS, to },
    { from: STATICS, globOptions: { dot: false, ignore: ["**/*.md"] } },
    { context: "../../packages/app-store", from: "**/static/**" },
    { from: "../../packages/app-store", to: "public/app-store", globOptions: { ignore: ["**/*.ts", "**/*.tsx"] } },
  ];
  const others = ["locales/**", { from: "public/robots.txt" }, { context: "../../packages/app-store", from: "README.md" }];
  for (const pattern of statics) {
    const { lines, options } = capture();
    const config = withWarmstart(
      {
        webpack(wc) {
          wc.plugins.push(new a.CopyPlugin({ patterns: [pattern, ...others] }));
          return wc;
        },
      },
      options
    );
    const wc = compile(a, config, { dev: true });
    assert.equal(wc.plugins.length, 1, JSON.stringify(pattern));
    assert.ok(wc.plugins[0] instanceof a.CopyPlugin);
    assert.deepEqual(wc.plugins[0].patterns, others, JSON.stringify(pattern));
    assert.equal(lines.length, 1);
    assert.ok(lines[0].includes("its other 3 patterns stay"), lines[0]);
  }
});

test("a copy plugin from another install (another major) is recognized by its patterns", () => {
  const a = app("next13");
  const b = app("next15");
  assert.notEqual(a.CopyPlugin, b.CopyPlugin);
  const { lines, options } = capture();
  const config = withWarmstart(
    {
      webpack(wc) {
        wc.plugins.push(new b.CopyPlugin({ patterns: [{ from: STATICS }] }));
        return wc;
      },
    },
    options
  );
  const wc = compile(a, config, { dev: true });
  assert.deepEqual(wc.plugins, []);
  assert.match(lines[0], /dropped the app-store statics copy CopyPlugin "\.\.\/\.\.\/packages\/app-store/);
  assert.ok(!lines[0].includes("copy-webpack-plugin@"), "not recognized as the app's own class");
});

test("the real class with no statics pattern is left alone, and the config naming it is warned about loudly, once", () => {
  const text = `const CopyWebpackPlugin = require("copy-webpack-plugin");
module.exports = {
  webpack(config) {
    config.plugins.push(new CopyWebpackPlugin({ patterns: [{ from: "locales/**" }] }));
    return config;
  },
};
`;
  const a = app("next13", { "next.config.js": text });
  const { lines, warnings, options } = capture();
  const config = withWarmstart(a.config(), options);
  for (const compiler of ["client", "server"]) {
    const wc = compile(a, config, { dev: true, compiler });
    assert.ok(wc.plugins[0] instanceof a.CopyPlugin);
    assert.deepEqual(wc.plugins[0].patterns, [{ from: "locales/**" }]);
  }
  assert.deepEqual(lines, []);
  assert.equal(warnings.length, 1, warnings.join("\n"));
  assert.match(warnings[0], /next\.config\.js names CopyWebpackPlugin\/copy-webpack-plugin, but withWarmstart dropped no app-store statics copy/);
});

test("no warning when only one compiler gets the plugin (the check waits for all compilers)", async () => {
  const text = `const CopyPlugin = require("copy-webpack-plugin");
module.exports = {
  webpack(config, { isServer }) {
    if (!isServer) config.plugins.push(new CopyPlugin({ patterns: ["${STATICS}"] }));
    return config;
  },
};
`;
  const a = app("next15", { "next.config.js": text });
  const { warnings, options } = capture({ warnAfterMs: 50 });
  const config = withWarmstart(a.config(), options);
  compile(a, config, { dev: true, compiler: "server" });
  assert.deepEqual(compile(a, config, { dev: true, compiler: "client" }).plugins, []);
  compile(a, config, { dev: true, compiler: "edge-server" });
  await new Promise((r) => setTimeout(r, 150));
  assert.deepEqual(warnings, []);
});

test("assets off changes nothing about the webpack hook", async () => {
  const a = app("next13");
  const userConfig = a.config();
  const original = userConfig(DEV, {});
  const config = await withWarmstart(userConfig, capture({ assets: "off" }).options)(DEV, {});
  assert.equal(config.webpack, original.webpack);
});

test("under Turbopack: no webpack hook is added, and the optimizePackageImports note comes once, for workspace packages only", () => {
  const a = app("next15");
  // A workspace package (linked from outside node_modules) and an installed one.
  fs.mkdirSync(path.join(a.root, "packages", "ui"), { recursive: true });
  fs.writeFileSync(path.join(a.root, "packages", "ui", "package.json"), '{ "name": "@tiny/ui", "version": "1.0.0" }');
  fs.mkdirSync(path.join(a.root, "node_modules", "@tiny"), { recursive: true });
  fs.symlinkSync(path.join(a.root, "packages", "ui"), path.join(a.root, "node_modules", "@tiny", "ui"), "junction");
  const env = { TURBOPACK: "1" };
  const { lines, options } = capture({ env, dir: a.web });
  const userConfig = { experimental: { optimizePackageImports: ["@tiny/ui", "react"] } };
  const wrapped = withWarmstart(() => userConfig, options);
  assert.equal(env.WARMSTART_TURBOPACK_NOTE_PID, String(process.pid), "the first process claims the note");
  const config = wrapped(DEV, {});
  return Promise.resolve(config).then(async (c) => {
    assert.equal(c.webpack, undefined);
    await wrapped(DEV, {});
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(lines[0], /under Turbopack, experimental\.optimizePackageImports has no effect for workspace packages \(@tiny\/ui; vercel\/next\.js issue 75148\)/);
    // Another process (Next's server) inherits the claim and stays quiet.
    const child = capture({ env: { TURBOPACK: "1", WARMSTART_TURBOPACK_NOTE_PID: "1" }, dir: a.web });
    await withWarmstart(() => userConfig, child.options)(DEV, {});
    assert.deepEqual(child.lines, []);
  });
});

test("lazy mode adds the assets-serve fallback after the user's rewrites, in development only", async () => {
  const a = app("next13");
  const { options } = capture({ assets: "lazy", port: 4999 });
  const dev = await withWarmstart(a.config(), options)(DEV, {});
  const rewrites = await dev.rewrites();
  assert.equal(rewrites.beforeFiles.length, 1);
  assert.equal(rewrites.afterFiles.length, 1);
  assert.deepEqual(rewrites.fallback, [
    { source: "/app-store/:path*", destination: "http://127.0.0.1:4999/app-store/:path*" },
  ]);
  const prod = await withWarmstart(a.config(), options)(BUILD, {});
  assert.equal((await prod.rewrites()).fallback, undefined);
});

test("an array of rewrites stays afterFiles; a serveUrl option wins", async () => {
  const config = withWarmstart(
    { rewrites: async () => [{ source: "/a", destination: "/b" }] },
    capture({ assets: "lazy", serveUrl: "http://localhost:5000/", dev: true }).options
  );
  assert.deepEqual(await config.rewrites(), {
    beforeFiles: [],
    afterFiles: [{ source: "/a", destination: "/b" }],
    fallback: [{ source: "/app-store/:path*", destination: "http://localhost:5000/app-store/:path*" }],
  });
});

test("suggestions merge into optimizePackageImports without duplicates, and say so", async () => {
  const a = app("next13");
  const { lines, options } = capture({ suggestions: path.join(__dirname, "fixtures/suggestions.json") });
  const config = await withWarmstart(a.config(), options)(DEV, {});
  assert.deepEqual(config.experimental.optimizePackageImports, ["@calcom/ui", "@calcom/atoms/monorepo"]);
  assert.deepEqual(config.experimental.serverComponentsExternalPackages, ["next-i18next"]);
  assert.ok(lines.some((l) => l.includes("optimizePackageImports += @calcom/atoms/monorepo")), lines.join("\n"));
});

test("WARMSTART_SUGGESTIONS opts in for one run; without it nothing is merged", async () => {
  const a = app("next13");
  const file = path.join(__dirname, "fixtures/suggestions.json");
  const on = capture({ env: { WARMSTART_SUGGESTIONS: file } });
  const config = await withWarmstart(a.config(), on.options)(DEV, {});
  assert.deepEqual(config.experimental.optimizePackageImports, ["@calcom/ui", "@calcom/atoms/monorepo"]);
  const off = capture({ env: {} });
  const plain = await withWarmstart(a.config(), off.options)(DEV, {});
  assert.deepEqual(plain.experimental.optimizePackageImports, ["@calcom/ui"]);
  assert.ok(!off.lines.some((l) => l.includes("optimizePackageImports")), off.lines.join("\n"));
});

test("a missing suggestions file is reported and applies nothing", () => {
  const { lines, options } = capture({ suggestions: "/nonexistent/suggestions.json" });
  const config = withWarmstart({ experimental: { optimizePackageImports: ["x"] } }, options);
  assert.deepEqual(config.experimental.optimizePackageImports, ["x"]);
  assert.ok(lines[0].includes("could not read suggestions"), lines[0]);
});

test("a bad assets option is an error that names the choices", () => {
  assert.throws(() => withWarmstart({}, { assets: "sometimes" }), /"managed", "lazy" or "off"/);
});

test("the statics pattern matcher", () => {
  assert.ok(copiesAppStoreStatics({ from: STATICS }));
  assert.ok(copiesAppStoreStatics("..\\..\\packages\\app-store\\**\\static\\**"));
  assert.ok(copiesAppStoreStatics({ context: "packages/app-store", from: "*/static/*.svg" }));
  assert.ok(!copiesAppStoreStatics({ from: "public/**" }));
  assert.ok(!copiesAppStoreStatics({ from: "packages/app-store-cli/src/**" }));
  assert.ok(!copiesAppStoreStatics({ from: "static/**" }));
  assert.ok(!copiesAppStoreStatics(undefined));
});
