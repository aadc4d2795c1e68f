// A webpack plugin that records what each compilation compiled, so a
// route's module count can be split by compiler (client / server) and by
// package, and set against `warmstart graph closure --by-package`.
//
// On every `done` of a compiler it writes DIR/<seq>-<compiler>.json:
//   { "compiler": "client", "seq": 3, "modules": 3886,
//     "entries": ["pages/auth/login", …],        // the compilation's entry names
//     "resources": ["/abs/path/a.tsx", …],      // modules with a file, sorted
//     "other": 12 }                              // modules without one (runtime, externals, …)
// `modules` is webpack's own `compilation.modules.size`, the number Next's
// "Compiled /route (N modules)" line adds up over its compilers.
//
// Used by bench/firstpage/webpack-count.sh (set WARMSTART_MODLIST_DIR).
const fs = require("fs");
const path = require("path");

let seq = 0;

class ModListPlugin {
  constructor(dir) {
    this.dir = dir;
    fs.mkdirSync(dir, { recursive: true });
  }

  apply(compiler) {
    compiler.hooks.done.tap("WarmstartModList", (stats) => {
      const compilation = stats.compilation;
      const name = compiler.name || "unnamed";
      const n = ++seq;
      // Written after the hook returns, so the file's cost stays outside the
      // compile time Next reports.
      setImmediate(() => {
        const resources = [];
        let other = 0;
        for (const module of compilation.modules) {
          // A module's resource may carry a loader query (`x.tsx?foo`).
          const resource = module.resource ? module.resource.split("?")[0] : null;
          if (resource) resources.push(resource);
          else other += 1;
        }
        resources.sort();
        const file = path.join(this.dir, `${String(n).padStart(4, "0")}-${name}.json`);
        const entries = [...compilation.entries.keys()].sort();
        const body = { compiler: name, seq: n, modules: compilation.modules.size, entries, resources, other };
        fs.writeFileSync(`${file}.tmp`, JSON.stringify(body));
        fs.renameSync(`${file}.tmp`, file);
      });
    });
  }
}

module.exports = ModListPlugin;
