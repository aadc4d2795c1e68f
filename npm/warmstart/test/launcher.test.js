"use strict";
// The launcher: which binary it picks, what it says when none fits, and that
// it passes arguments, output and exit status through.
const assert = require("node:assert/strict");
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { test } = require("node:test");

const { findBinary, platformKey, BinaryNotFound } = require("../lib/platform");

const BIN = path.join(__dirname, "..", "bin", "warmstart.js");
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "warmstart-npm-"));
const missing = () => {
  throw new Error("Cannot find module");
};

test("platform keys", () => {
  assert.equal(platformKey("linux", "x64", false), "linux-x64");
  assert.equal(platformKey("linux", "x64", true), "linux-x64-musl");
  assert.equal(platformKey("darwin", "arm64", false), "darwin-arm64");
});

test("WARMSTART_BINARY wins, and must exist", () => {
  const dir = tmp();
  const file = path.join(dir, "warmstart");
  fs.writeFileSync(file, "");
  assert.equal(findBinary({ env: { WARMSTART_BINARY: file }, resolve: missing }), file);
  assert.throws(
    () => findBinary({ env: { WARMSTART_BINARY: path.join(dir, "nope") }, resolve: missing }),
    (e) => e instanceof BinaryNotFound && /WARMSTART_BINARY is set to .*nope, which does not exist/.test(e.message)
  );
});

test("the platform package's bin/warmstart is found through its package.json", () => {
  const dir = tmp();
  fs.mkdirSync(path.join(dir, "bin"));
  fs.writeFileSync(path.join(dir, "package.json"), "{}");
  fs.writeFileSync(path.join(dir, "bin", "warmstart"), "");
  const seen = [];
  const found = findBinary({
    env: {},
    platform: "linux",
    arch: "arm64",
    musl: true,
    resolve: (id) => (seen.push(id), path.join(dir, "package.json")),
  });
  assert.equal(found, path.join(dir, "bin", "warmstart"));
  assert.deepEqual(seen, ["@warmstart/linux-arm64-musl/package.json"]);
});

test("clear messages when nothing fits", () => {
  const message = (opts) => {
    try {
      findBinary({ env: {}, resolve: missing, ...opts });
    } catch (e) {
      return e.message;
    }
    return "";
  };
  assert.match(message({ platform: "freebsd", arch: "x64", musl: false }), /no prebuilt binary for freebsd-x64[\s\S]*WARMSTART_BINARY/);
  assert.match(
    message({ platform: "linux", arch: "x64", musl: false }),
    /@warmstart\/linux-x64 is not installed[\s\S]*--omit=optional/
  );
});

test("bin/warmstart.js passes arguments, output and exit status through", { skip: process.platform === "win32" }, () => {
  const dir = tmp();
  const fake = path.join(dir, "warmstart");
  fs.writeFileSync(fake, '#!/bin/sh\necho "fake warmstart $*"\nexit 3\n', { mode: 0o755 });
  const run = spawnSync(process.execPath, [BIN, "--version", "x y"], {
    env: { ...process.env, WARMSTART_BINARY: fake },
    encoding: "utf8",
  });
  assert.equal(run.stdout, "fake warmstart --version x y\n");
  assert.equal(run.status, 3);
});

test("bin/warmstart.js exits 2 with the message when no binary fits", () => {
  const run = spawnSync(process.execPath, [BIN, "--version"], {
    env: { ...process.env, WARMSTART_BINARY: path.join(tmp(), "absent") },
    encoding: "utf8",
  });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /WARMSTART_BINARY is set to/);
});
