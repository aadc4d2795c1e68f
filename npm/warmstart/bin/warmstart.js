#!/usr/bin/env node
"use strict";
// Runs the native warmstart binary from the platform package that fits this
// machine, passing arguments, stdio and the exit status through.

const { spawnSync } = require("child_process");
const { BinaryNotFound, findBinary } = require("../lib/platform");

let binary;
try {
  binary = findBinary();
} catch (error) {
  if (!(error instanceof BinaryNotFound)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}

const result = spawnSync(binary, process.argv.slice(2), { stdio: "inherit", windowsHide: true });
if (result.error) {
  process.stderr.write(`warmstart: could not run ${binary}: ${result.error.message}\n`);
  process.exit(2);
}
if (result.signal) {
  // Die of the same signal so shells and package managers see it.
  process.kill(process.pid, result.signal);
}
process.exit(result.status === null ? 1 : result.status);
