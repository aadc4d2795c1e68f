"use strict";
// withWarmstart under the real dev servers: `next dev` (webpack, Next 13.5,
// what Cal.com runs) must not copy the app-store statics any more, and
// `next dev --turbopack` (Next 15) must start, serve a page and print the
// optimizePackageImports note once. Real servers on 127.0.0.1, stopped
// (whole process group) at the end of each test.
const assert = require("node:assert/strict");
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const http = require("node:http");
const net = require("node:net");
const path = require("node:path");
const { test } = require("node:test");

const { addWorkspacePackage, calcomConfig, makeAppInside } = require("./support/app");

const READY_TIMEOUT_MS = 120_000;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function get(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode, body }));
      })
      .on("error", reject);
  });
}

/** The environment of a user's shell: nothing the test runner or a parent dev server set. */
function devEnv() {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  for (const key of ["TURBOPACK", "WARMSTART_TURBOPACK_NOTE_PID", "NODE_ENV", "NODE_TEST_CONTEXT", "NODE_OPTIONS"]) delete env[key];
  return env;
}

/** Starts `next dev` in `web` (its own process group) and resolves once it says Ready. */
async function startNext(app, args = []) {
  const port = await freePort();
  const bin = require.resolve("next/dist/bin/next", { paths: [app.web] });
  const child = spawn(process.execPath, [bin, "dev", ...args, "-p", String(port), "-H", "127.0.0.1"], {
    cwd: app.web,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: devEnv(),
  });
  let output = "";
  child.stdout.on("data", (c) => (output += c));
  child.stderr.on("data", (c) => (output += c));
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.on("exit", () => resolve());
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        return resolve();
      }
      setTimeout(() => {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // gone already
        }
      }, 5000).unref();
    });
  const started = Date.now();
  while (!/Ready in/.test(output)) {
    if (child.exitCode !== null || Date.now() - started > READY_TIMEOUT_MS) {
      await stop();
      throw new Error(`next dev ${args.join(" ")} did not become ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url: `http://127.0.0.1:${port}`, output: () => output, stop };
}

const PAGE = 'export default function Home() { return <p>hello from a tiny app</p>; }\n';

test("next dev (webpack, Next 13.5): the shipped config copies the statics, the wrapped one does not", async () => {
  for (const wrapped of [false, true]) {
    const app = makeAppInside("next13", { "next.config.js": calcomConfig({ wrapped }), "pages/index.js": PAGE });
    const statics = path.join(app.root, "packages", "app-store", "zoomvideo", "static");
    fs.mkdirSync(statics, { recursive: true });
    fs.writeFileSync(path.join(statics, "icon.svg"), "<svg/>");
    const copied = path.join(app.web, "public", "app-store", "zoomvideo", "icon.svg");
    const server = await startNext(app);
    try {
      const page = await get(`${server.url}/`);
      assert.equal(page.status, 200, server.output());
      assert.match(page.body, /hello from a tiny app/);
      assert.equal(fs.existsSync(copied), !wrapped, `${wrapped ? "wrapped" : "shipped"}:\n${server.output()}`);
      const dropped = server.output().match(/dropped the app-store statics copy CopyPlugin \(copy-webpack-plugin@11\.[0-9.]+\)/g) || [];
      assert.equal(dropped.length, wrapped ? 1 : 0, server.output());
      assert.doesNotMatch(server.output(), /\*\*\* warmstart/);
    } finally {
      await server.stop();
    }
  }
});

test("next dev --turbopack (Next 15): a wrapped app starts, serves its page and notes optimizePackageImports once", async () => {
  const config = `const { withWarmstart } = require("warmstart/next");
module.exports = withWarmstart({ experimental: { optimizePackageImports: ["@tiny/ui"] } });
`;
  const app = makeAppInside("next15", {
    "next.config.js": config,
    "pages/index.js": `import { label } from "@tiny/ui";\nexport default function Home() { return <p>hello from a tiny app with {label}</p>; }\n`,
  });
  addWorkspacePackage(app.root, "@tiny/ui", "ui", { "index.js": 'module.exports = { label: "the ui package" };\n' });
  const server = await startNext(app, ["--turbopack"]);
  try {
    assert.match(server.output(), /Next\.js 15\.[0-9.]+ \(Turbopack\)/);
    const page = await get(`${server.url}/`);
    assert.equal(page.status, 200, server.output());
    assert.match(page.body, /hello from a tiny app with <!-- -->the ui package/);
    await get(`${server.url}/`);
    const notes = server.output().match(/under Turbopack, experimental\.optimizePackageImports has no effect for workspace packages \(@tiny\/ui; vercel\/next\.js issue 75148\)/g);
    assert.equal(notes && notes.length, 1, server.output());
    assert.doesNotMatch(server.output(), /Webpack is configured while Turbopack is not/);
  } finally {
    await server.stop();
  }
});
