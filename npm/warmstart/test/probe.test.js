"use strict";
// The config probe (lib/probe-next-config.js) as `warmstart doctor` runs it:
// a child `node` process, the script on stdin, one JSON object on stdout —
// on temporary apps with real next (13.5, 15) and copy-webpack-plugin.
const assert = require("node:assert/strict");
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { test } = require("node:test");

const { calcomConfig, makeApp } = require("./support/app");
const { versionOf } = require("./support/real-packages");

const SCRIPT = path.join(__dirname, "..", "lib", "probe-next-config.js");
const STATICS = "../../packages/app-store/**/static/**";

/** Runs the probe like the binary does: `node - APP_DIR` with the script on stdin, in the app folder. */
function probe(dir, env = {}) {
  const run = spawnSync(process.execPath, ["-", dir], {
    cwd: dir,
    input: fs.readFileSync(SCRIPT),
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  assert.equal(run.status, 0, run.stderr);
  // The report is the last line; what the config prints went to stderr.
  const lines = run.stdout.trim().split("\n");
  assert.ok(lines.at(-1).startsWith('{"probe":"warmstart-next-config",'), run.stdout);
  return JSON.parse(lines.at(-1));
}
function probeStdout(dir) {
  return spawnSync(process.execPath, [SCRIPT, dir], { encoding: "utf8" }).stdout;
}
const perCompiler = (report) => Object.fromEntries(report.compilers.map((c) => [c.name, c.surviving]));

for (const set of ["next13", "next15"]) {
  test(`${set}: the shipped Cal.com shape keeps one statics copy in each compiler; wrapped, none`, () => {
    const shipped = makeApp(set, { "next.config.js": calcomConfig() });
    const next = versionOf(shipped.set, "next");
    const copy = versionOf(shipped.set, "copy-webpack-plugin");
    const red = probe(shipped.web);
    assert.equal(red.ok, true, red.error);
    assert.equal(red.config, "next.config.js");
    assert.equal(red.next, next);
    assert.equal(red.loadedWith, `next ${next} loadConfig, development phase`);
    assert.equal(red.wrapped, false);
    assert.deepEqual(perCompiler(red), { client: 1, server: 1, "edge-server": 1 });
    assert.equal(red.surviving, 3);
    assert.deepEqual(red.compilers[0].copies, [
      { plugin: "CopyPlugin", package: `copy-webpack-plugin@${copy}`, by: "class", patterns: [STATICS], statics: [STATICS] },
    ]);

    const wrapped = makeApp(set, { "next.config.js": calcomConfig({ wrapped: true }) });
    const green = probe(wrapped.web);
    assert.equal(green.ok, true, green.error);
    assert.equal(green.wrapped, true);
    assert.equal(green.surviving, 0);
    assert.deepEqual(green.compilers.map((c) => c.plugins), [["DefinePlugin"], ["DefinePlugin"], ["DefinePlugin"]]);
    assert.ok(green.output.some((l) => l.includes("dropped the app-store statics copy CopyPlugin")), green.output.join("\n"));
  });
}

test("next.config.mjs (ESM) is loaded as Next loads it", () => {
  const esm = `import CopyPlugin from "copy-webpack-plugin";
import { withWarmstart } from "warmstart/next";
const config = {
  webpack(config) {
    config.plugins.push(new CopyPlugin({ patterns: [{ from: "${STATICS}" }] }));
    return config;
  },
};
export default process.env.PLAIN ? config : withWarmstart(config);
`;
  const a = makeApp("next13", { "next.config.mjs": esm });
  const plain = probe(a.web, { PLAIN: "1" });
  assert.equal(plain.config, "next.config.mjs");
  assert.equal(plain.surviving, 3, plain.error);
  const wrapped = probe(a.web);
  assert.equal(wrapped.surviving, 0, wrapped.error);
  assert.equal(wrapped.wrapped, true);
});

test("next.config.ts (Next 15) is loaded through Next's own TypeScript support", () => {
  const ts = `import type { NextConfig } from "next";
import CopyPlugin from "copy-webpack-plugin";
const { withWarmstart } = require("warmstart/next");
const config: NextConfig = {
  webpack(config) {
    config.plugins.push(new CopyPlugin({ patterns: ["${STATICS}"] }));
    return config;
  },
};
export default process.env.PLAIN ? config : withWarmstart(config);
`;
  const a = makeApp("next15", { "next.config.ts": ts });
  const plain = probe(a.web, { PLAIN: "1" });
  assert.equal(plain.config, "next.config.ts");
  assert.equal(plain.surviving, 3, plain.error);
  const wrapped = probe(a.web);
  assert.equal(wrapped.surviving, 0, wrapped.error);
});

test("next.config.ts without TypeScript installed: the probe says so and installs nothing", () => {
  const a = makeApp("next15", { "next.config.ts": "export default {};\n" }, { packages: ["next", "react", "react-dom"] });
  const report = probe(a.web);
  assert.equal(report.ok, false);
  assert.equal(report.error, "next.config.ts needs TypeScript to load and `typescript` is not installed here (`next dev` would install it)");
  assert.ok(!fs.existsSync(path.join(a.web, "node_modules")));
  assert.ok(!fs.existsSync(path.join(a.root, "node_modules", "typescript")));
});

test("a config that throws is reported with its reason, not as green", () => {
  const a = makeApp("next13", {
    "next.config.js": 'if (!process.env.NEXTAUTH_SECRET) throw new Error("Please set NEXTAUTH_SECRET");\nmodule.exports = {};\n',
  });
  const report = probe(a.web);
  assert.equal(report.ok, false);
  assert.equal(report.stage, "load");
  assert.match(report.error, /^Please set NEXTAUTH_SECRET \(at .*next\.config\.js:1:/);
  // The .env Next loads in development is honoured, as under `next dev`.
  fs.writeFileSync(path.join(a.web, ".env"), "NEXTAUTH_SECRET=x\n");
  assert.equal(probe(a.web).ok, true);
});

test("a missing dependency of the config names the module", () => {
  const a = makeApp("next13", { "next.config.js": calcomConfig() }, { packages: ["next", "react", "react-dom"] });
  const report = probe(a.web);
  assert.equal(report.ok, false);
  assert.match(report.error, /Cannot find module 'copy-webpack-plugin'/);
});

test("without next installed the config is required directly; what it prints never reaches stdout", () => {
  const text = `const CopyPlugin = require("copy-webpack-plugin");
console.log("a config that talks");
module.exports = (phase) => ({
  webpack(config) {
    config.plugins.push(new CopyPlugin({ patterns: [{ context: "../../packages/app-store", from: "**/static/**" }] }));
    return config;
  },
  env: { PHASE: phase },
});
`;
  const a = makeApp("next13", { "next.config.js": text }, { packages: ["copy-webpack-plugin"] });
  const report = probe(a.web);
  assert.equal(report.ok, true, report.error);
  assert.equal(report.next, null);
  assert.equal(report.loadedWith, "require() without next, development phase");
  assert.equal(report.surviving, 3);
  assert.deepEqual(report.output, ["a config that talks"]);
  const stdout = probeStdout(a.web).trim().split("\n");
  assert.equal(stdout.length, 1, stdout.join("\n"));
  assert.equal(JSON.parse(stdout[0]).surviving, 3);
});

test("no next.config at all: nothing to copy", () => {
  const a = makeApp("next13", {});
  const report = probe(a.web);
  assert.equal(report.ok, true);
  assert.equal(report.config, null);
  assert.equal(report.surviving, 0);
});

test("whether Turbopack would be used comes from the dev script", () => {
  const a = makeApp("next15", {
    "package.json": JSON.stringify({ scripts: { dev: "copy-static && next dev --turbopack -p 3000" } }),
    "next.config.js": "module.exports = {};\n",
  });
  assert.deepEqual(probe(a.web).turbopack, { used: true, why: "the dev script runs `next dev --turbopack`" });
  const b = makeApp("next13", { "next.config.js": "module.exports = {};\n" });
  assert.deepEqual(probe(b.web).turbopack, { used: false, why: "the dev script runs `next dev` with webpack" });
});
