"use strict";
// Programmatic entry: the Next.js helper and the binary's location.
const { withWarmstart } = require("./next");
const { findBinary } = require("./lib/platform");

module.exports = { withWarmstart, binaryPath: () => findBinary() };
