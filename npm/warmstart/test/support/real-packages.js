"use strict";
// The real packages warmstart integrates with, installed from the npm
// registry (no stand-ins), once per set of versions: the install is cached
// in `$WARMSTART_TEST_CACHE` (default: <tmp>/warmstart-test-cache), in a
// folder named after the versions, so repeated test runs and CI reuse it.
//
//   node test/support/real-packages.js next13               → prints the folder
//   node test/support/real-packages.js next13 --link ROOT   → and links its
//       packages (and this repository's `warmstart`) into ROOT/node_modules
//
// Test files run in parallel processes: each installs into a private temp
// folder and renames it into place; the loser of a race drops its copy.

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

/** The sets the tests use. Cal.com v4.7.24 pins next ^13.5 and copy-webpack-plugin ^11. */
const SETS = {
  // What Cal.com installs.
  next13: {
    next: "13.5.x",
    "copy-webpack-plugin": "11.x",
    dotenv: "16.x",
    react: "18.3.1",
    "react-dom": "18.3.1",
  },
  // Next 15 (Turbopack dev) with the newest copy-webpack-plugin major (14 at the time of writing).
  next15: {
    next: "15.x",
    "copy-webpack-plugin": "14.x",
    dotenv: "16.x",
    react: "18.3.1",
    "react-dom": "18.3.1",
    // next.config.ts: Next loads it with TypeScript (and would install it).
    typescript: "5.x",
  },
};

function cacheRoot() {
  return process.env.WARMSTART_TEST_CACHE || path.join(os.tmpdir(), "warmstart-test-cache");
}

/** The folder of an installed set (with node_modules/), installing it on first use. */
function install(setName) {
  const deps = SETS[setName];
  if (!deps) throw new Error(`unknown package set ${setName} (known: ${Object.keys(SETS).join(", ")})`);
  const key = Object.entries(deps)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, version]) => `${name.replace(/[@/]/g, "_")}-${version}`)
    .join("+");
  const root = cacheRoot();
  const dir = path.join(root, key);
  if (fs.existsSync(path.join(dir, ".complete"))) return dir;
  fs.mkdirSync(root, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(root, ".installing-"));
  fs.writeFileSync(
    path.join(tmp, "package.json"),
    `${JSON.stringify({ name: "warmstart-test-packages", private: true, dependencies: deps }, null, 2)}\n`
  );
  process.stderr.write(`installing ${Object.entries(deps).map(([n, v]) => `${n}@${v}`).join(" ")} from the registry into ${dir}\n`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const run = spawnSync(npm, ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: tmp,
    // npm's stdout goes to stderr: stdout carries the folder in CLI mode.
    stdio: ["ignore", 2, 2],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (run.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(`npm install of ${setName} failed (${run.error ? run.error.message : `exit ${run.status}`})`);
  }
  fs.writeFileSync(path.join(tmp, ".complete"), "");
  try {
    fs.renameSync(tmp, dir);
  } catch (error) {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!fs.existsSync(path.join(dir, ".complete"))) throw error;
  }
  return dir;
}

/** The installed version of a package in a set. */
function versionOf(dir, name) {
  return JSON.parse(fs.readFileSync(path.join(dir, "node_modules", name, "package.json"), "utf8")).version;
}

/**
 * A temporary app folder whose node_modules entries link to an installed
 * set (Node resolves a package's own dependencies from its real path), plus
 * `warmstart` linked to this repository's npm package.
 */
function linkInto(appRoot, setDir, names = Object.keys(SETS.next13)) {
  const modules = path.join(appRoot, "node_modules");
  fs.mkdirSync(modules, { recursive: true });
  for (const name of names) {
    const target = path.join(setDir, "node_modules", name);
    const link = path.join(modules, name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(target, link, "junction");
  }
  fs.symlinkSync(path.resolve(__dirname, "..", ".."), path.join(modules, "warmstart"), "junction");
  return modules;
}

module.exports = { SETS, cacheRoot, install, linkInto, versionOf };

if (require.main === module) {
  const [name, flag, root] = process.argv.slice(2);
  try {
    if (flag !== undefined && (flag !== "--link" || !root)) throw new Error("usage: real-packages.js SET [--link ROOT]");
    const dir = install(name);
    if (root) linkInto(path.resolve(root), dir, Object.keys(SETS[name]));
    process.stdout.write(`${dir}\n`);
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
