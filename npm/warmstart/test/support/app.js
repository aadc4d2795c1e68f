"use strict";
// Temporary Next.js apps for the tests: `<tmp>/apps/web` with the given
// files, whose `<tmp>/node_modules` link to a set of real packages
// (./real-packages.js) and to this repository's `warmstart` package.

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const { SETS, install, linkInto } = require("./real-packages");

const FIXTURES = path.join(__dirname, "..", "fixtures");

/** Every app made in this process is removed when it exits. */
const made = [];
process.on("exit", () => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** Cal.com's shape (fixtures/next.config.js), plain or wrapped by withWarmstart like `warmstart init --write` does. */
function calcomConfig({ wrapped = false } = {}) {
  const text = fs.readFileSync(path.join(FIXTURES, "next.config.js"), "utf8");
  if (!wrapped) return text;
  const last = "module.exports = () => plugins.reduce((acc, next) => next(acc), nextConfig);";
  if (!text.includes(last)) throw new Error("fixtures/next.config.js changed its last line");
  return text.replace(
    last,
    `const { withWarmstart } = require("warmstart/next");\nmodule.exports = withWarmstart(() => plugins.reduce((acc, next) => next(acc), nextConfig));`
  );
}

/**
 * Makes `<tmp>/apps/web` with `files` ({relative path: text}) and links the
 * set's packages; returns {root, web, set}. `packages` limits which of the
 * set's packages are linked (e.g. none of `next`).
 */
function makeApp(setName, files, { packages } = {}) {
  const set = install(setName);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "warmstart-app-"));
  made.push(root);
  const web = path.join(root, "apps", "web");
  fs.mkdirSync(web, { recursive: true });
  const all = { "package.json": JSON.stringify({ name: "web", private: true, scripts: { dev: "next dev" } }), ...files };
  for (const [rel, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(web, rel)), { recursive: true });
    fs.writeFileSync(path.join(web, rel), text);
  }
  linkInto(root, set, packages || Object.keys(SETS[setName]));
  return { root, web, set };
}

/** Requires a module of the app's own packages, as the app's code would. */
function requireFrom(dir, id) {
  return require(require.resolve(id, { paths: [dir] }));
}

module.exports = { calcomConfig, makeApp, requireFrom };
