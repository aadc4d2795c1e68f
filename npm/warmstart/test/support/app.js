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

/**
 * An app placed inside the set's install folder (`<set>/work/<random>/`),
 * so its packages are real folders up the tree, not links: Turbopack
 * refuses a `next` that lives outside the project root. The folder is
 * removed when the process exits; the set itself is not changed.
 */
function makeAppInside(setName, files) {
  const set = install(setName);
  fs.mkdirSync(path.join(set, "work"), { recursive: true });
  const root = fs.mkdtempSync(path.join(set, "work", "app-"));
  made.push(root);
  const web = path.join(root, "apps", "web");
  const all = { "package.json": JSON.stringify({ name: "web", private: true }), ...files };
  for (const [rel, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(web, rel)), { recursive: true });
    fs.writeFileSync(path.join(web, rel), text);
  }
  fs.mkdirSync(path.join(root, "node_modules"), { recursive: true });
  fs.symlinkSync(path.resolve(__dirname, "..", ".."), path.join(root, "node_modules", "warmstart"), "junction");
  return { root, web, set };
}

/** A workspace package `name` at `<root>/packages/<dir>`, linked from `<root>/node_modules` as a package manager would. */
function addWorkspacePackage(root, name, dir, files) {
  const folder = path.join(root, "packages", dir);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, "package.json"), JSON.stringify({ name, version: "1.0.0", main: "index.js" }));
  for (const [rel, text] of Object.entries(files)) fs.writeFileSync(path.join(folder, rel), text);
  const link = path.join(root, "node_modules", ...name.split("/"));
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(folder, link, "junction");
}

/** Requires a module of the app's own packages, as the app's code would. */
function requireFrom(dir, id) {
  return require(require.resolve(id, { paths: [dir] }));
}

module.exports = { addWorkspacePackage, calcomConfig, makeApp, makeAppInside, requireFrom };
