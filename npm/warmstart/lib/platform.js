"use strict";
// Which platform package holds the native binary for this machine, and
// where the binary is. Kept apart from bin/warmstart.js so it can be tested.

const fs = require("fs");
const path = require("path");

/** Platform packages, keyed by `${process.platform}-${process.arch}[-musl]`. */
const PLATFORM_PACKAGES = {
  "darwin-arm64": "@warmstart/darwin-arm64",
  "darwin-x64": "@warmstart/darwin-x64",
  "linux-arm64": "@warmstart/linux-arm64",
  "linux-arm64-musl": "@warmstart/linux-arm64-musl",
  "linux-x64": "@warmstart/linux-x64",
  "linux-x64-musl": "@warmstart/linux-x64-musl",
  "win32-x64": "@warmstart/win32-x64",
};

/** True on Linux with musl libc (Alpine): glibc builds do not run there. */
function isMusl() {
  if (process.platform !== "linux") return false;
  try {
    const report = process.report && process.report.getReport();
    const header = report && (typeof report === "string" ? JSON.parse(report).header : report.header);
    return !(header && header.glibcVersionRuntime);
  } catch {
    return false;
  }
}

function platformKey(platform = process.platform, arch = process.arch, musl = isMusl()) {
  return `${platform}-${arch}${musl ? "-musl" : ""}`;
}

function binaryName(platform = process.platform) {
  return platform === "win32" ? "warmstart.exe" : "warmstart";
}

class BinaryNotFound extends Error {}

/**
 * The binary to run: $WARMSTART_BINARY when set, else the one in the
 * installed platform package. Throws BinaryNotFound with a message that
 * says what to do.
 */
function findBinary({
  env = process.env,
  platform = process.platform,
  arch = process.arch,
  musl = isMusl(),
  resolve = (id) => require.resolve(id),
} = {}) {
  const override = env.WARMSTART_BINARY;
  if (override) {
    if (!fs.existsSync(override)) {
      throw new BinaryNotFound(
        `warmstart: WARMSTART_BINARY is set to ${override}, which does not exist.\n` +
          `Point it at a warmstart executable (e.g. target/release/warmstart) or unset it.`
      );
    }
    return override;
  }
  const key = platformKey(platform, arch, musl);
  const pkg = PLATFORM_PACKAGES[key];
  if (!pkg) {
    throw new BinaryNotFound(
      `warmstart: no prebuilt binary for ${key}.\n` +
        `Supported: ${Object.keys(PLATFORM_PACKAGES).join(", ")}.\n` +
        `Build it from source (cargo build --release -p warmstart) and set WARMSTART_BINARY to its path.`
    );
  }
  let manifest;
  try {
    manifest = resolve(`${pkg}/package.json`);
  } catch {
    throw new BinaryNotFound(
      `warmstart: the platform package ${pkg} is not installed (needed on ${key}).\n` +
        `It is an optional dependency of warmstart: reinstall without --no-optional / --omit=optional,\n` +
        `e.g. \`npm install warmstart\` or \`yarn add warmstart\`, or set WARMSTART_BINARY to a warmstart executable.`
    );
  }
  const binary = path.join(path.dirname(manifest), "bin", binaryName(platform));
  if (!fs.existsSync(binary)) {
    throw new BinaryNotFound(
      `warmstart: ${pkg} is installed but has no binary at ${binary}.\n` +
        `Reinstall it, or set WARMSTART_BINARY to a warmstart executable.`
    );
  }
  return binary;
}

module.exports = { PLATFORM_PACKAGES, BinaryNotFound, binaryName, findBinary, isMusl, platformKey };
