// What Cal.com's CopyWebpackPlugin pattern does, without webpack: glob
// `packages/app-store/**/static/**` (no dotfiles), name each file
// `public/app-store/<app>/[name][ext]` with the plugin's own regex, read it
// and write it out. Node built-ins only. Usage: node plugin-copy.mjs ROOT
import { readdir, readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";

const root = path.resolve(process.argv[2] ?? ".");
const context = path.join(root, "apps/web");
const base = path.join(root, "packages/app-store");

async function walk(dir, out) {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name.startsWith(".")) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if (/\/static\//.test(p.slice(base.length))) out.push(p);
  }
  return out;
}

const files = await walk(base, []);
const dirs = new Set();
await Promise.all(
  files.map(async (absoluteFilename) => {
    const appName = /app-store\/(.*)\/static/.exec(absoluteFilename.slice(root.length));
    const { name, ext } = path.parse(absoluteFilename);
    const dest = `${context}/public/app-store/${appName[1]}/${name}${ext}`;
    const dir = path.dirname(dest);
    if (!dirs.has(dir)) {
      dirs.add(dir);
      await mkdir(dir, { recursive: true });
    }
    await writeFile(dest, await readFile(absoluteFilename));
  })
);
console.log(`copied ${files.length} files`);
