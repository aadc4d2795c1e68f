// An independent count of import cycles, to check `warmstart graph cycles`
// against: TypeScript's own parser (ts.createSourceFile) finds the imports,
// TypeScript's own module resolver (ts.resolveModuleName, with each file's
// nearest tsconfig.json as tsc parses it, `extends` included) resolves them,
// and Tarjan's algorithm finds the strongly connected groups. Nothing here
// shares code, libraries or data with warmstart.
//
//   node cycles.js ROOT DIR… > cycles.json
//
// ROOT must have its workspace packages linked under node_modules (what
// `yarn install` does for them; run.sh makes the links). Modules: the
// .ts .tsx .js .jsx .mjs .cjs .mts .cts files (.d.ts included) under each
// DIR, node_modules and .git left out. An import is an edge when it
// resolves to one of those modules. Kinds, as docs/graph.md defines them:
//   value     import/export … from, `import x = require()`, side-effect imports
//   type_only `import type`, `export type … from`, all-inline-`type`
//             specifiers, `import("x").T` in a type
//   dynamic   `import("x")` with a string literal
//   require   `require("x")` with a string literal
// Views: runtime = value + require; runtime_dynamic = + dynamic;
// static = value + type_only + require; all = every edge.
// (runtime_semantic needs TypeScript's import elision per binding: not counted.)
"use strict";
const fs = require("fs");
const path = require("path");
const ts = require("typescript");

const [root, ...dirs] = process.argv.slice(2).map((p, i) => (i === 0 ? path.resolve(p) : p));
const EXT = /\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$/;

function walk(dir, out) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name === ".git") continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() && EXT.test(e.name)) out.push(p);
  }
  return out;
}

const files = dirs.flatMap((d) => walk(path.join(root, d), [])).sort();
const index = new Map(files.map((f, i) => [f, i]));

// Each folder's nearest tsconfig.json, parsed once.
const configs = new Map();
const DEFAULT = { allowJs: true, moduleResolution: ts.ModuleResolutionKind.Node10 };
function optionsFor(dir) {
  if (configs.has(dir)) return configs.get(dir);
  let options;
  const file = path.join(dir, "tsconfig.json");
  if (fs.existsSync(file)) {
    const parsed = ts.getParsedCommandLineOfConfigFile(file, {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => {},
    });
    options = parsed ? { ...parsed.options, allowJs: true } : DEFAULT;
  } else if (dir === root || path.dirname(dir) === dir) {
    options = DEFAULT;
  } else {
    options = optionsFor(path.dirname(dir));
  }
  configs.set(dir, options);
  return options;
}

function kindOfImport(node) {
  const clause = node.importClause;
  if (!clause) return "value"; // import "x"
  if (clause.isTypeOnly) return "type_only";
  const named = clause.namedBindings;
  if (!clause.name && named && ts.isNamedImports(named) && named.elements.length > 0 &&
      named.elements.every((e) => e.isTypeOnly)) return "type_only";
  return "value";
}

function kindOfExport(node) {
  if (node.isTypeOnly) return "type_only";
  const c = node.exportClause;
  if (c && ts.isNamedExports(c) && c.elements.length > 0 && c.elements.every((e) => e.isTypeOnly)) return "type_only";
  return "value";
}

function imports(file) {
  const text = fs.readFileSync(file, "utf8");
  const kind = /\.(tsx|jsx)$/.test(file) ? ts.ScriptKind.TSX : undefined;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, kind);
  const found = [];
  const literal = (n) => n && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) ? n.text : null;
  function visit(node) {
    if (ts.isImportDeclaration(node)) {
      found.push([node.moduleSpecifier.text, kindOfImport(node)]);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      found.push([node.moduleSpecifier.text, kindOfExport(node)]);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const s = literal(node.moduleReference.expression);
      if (s !== null) found.push([s, node.isTypeOnly ? "type_only" : "require"]);
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      const s = ts.isLiteralTypeNode(arg) ? literal(arg.literal) : null;
      if (s !== null) found.push([s, "type_only"]);
    } else if (ts.isCallExpression(node)) {
      const s = node.arguments.length >= 1 ? literal(node.arguments[0]) : null;
      if (s !== null && node.expression.kind === ts.SyntaxKind.ImportKeyword) found.push([s, "dynamic"]);
      else if (s !== null && ts.isIdentifier(node.expression) && node.expression.text === "require") found.push([s, "require"]);
    }
    ts.forEachChild(node, visit);
  }
  visit(sf);
  return found;
}

const host = { fileExists: ts.sys.fileExists, readFile: ts.sys.readFile, directoryExists: ts.sys.directoryExists,
  realpath: ts.sys.realpath, getDirectories: ts.sys.getDirectories, getCurrentDirectory: () => root };
const cache = new Map();
const edges = []; // [from, to, kind]
const counts = { value: 0, type_only: 0, dynamic: 0, require: 0, unresolved: 0 };
for (const [i, file] of files.entries()) {
  const dir = path.dirname(file);
  const options = optionsFor(dir);
  let resolutionCache = cache.get(options);
  if (!resolutionCache) cache.set(options, (resolutionCache = ts.createModuleResolutionCache(root, (x) => x, options)));
  for (const [spec, kind] of imports(file)) {
    const r = ts.resolveModuleName(spec, file, options, host, resolutionCache).resolvedModule;
    if (!r) { counts.unresolved++; continue; }
    const target = index.get(fs.realpathSync(r.resolvedFileName));
    if (target === undefined) continue; // a file outside the graph (node_modules, JSON, …)
    counts[kind]++;
    edges.push([i, target, kind]);
  }
}

const VIEWS = {
  runtime: new Set(["value", "require"]),
  runtime_dynamic: new Set(["value", "require", "dynamic"]),
  static: new Set(["value", "type_only", "require"]),
  all: new Set(["value", "type_only", "require", "dynamic"]),
};

// Tarjan's strongly connected components, iterative.
function scc(n, adj) {
  const idx = new Int32Array(n).fill(-1), low = new Int32Array(n), on = new Uint8Array(n);
  const stack = [], out = [];
  let next = 0;
  for (let s = 0; s < n; s++) {
    if (idx[s] !== -1) continue;
    const work = [[s, 0]];
    idx[s] = low[s] = next++; stack.push(s); on[s] = 1;
    while (work.length) {
      const top = work[work.length - 1];
      const [v, k] = top;
      if (k < adj[v].length) {
        top[1]++;
        const w = adj[v][k];
        if (idx[w] === -1) { idx[w] = low[w] = next++; stack.push(w); on[w] = 1; work.push([w, 0]); }
        else if (on[w]) low[v] = Math.min(low[v], idx[w]);
      } else {
        work.pop();
        if (work.length) { const u = work[work.length - 1][0]; low[u] = Math.min(low[u], low[v]); }
        if (low[v] === idx[v]) {
          const group = [];
          let w;
          do { w = stack.pop(); on[w] = 0; group.push(w); } while (w !== v);
          if (group.length > 1) out.push(group);
        }
      }
    }
  }
  return out;
}

const rel = (i) => path.relative(root, files[i]).split(path.sep).join("/");
const views = {};
for (const [name, kinds] of Object.entries(VIEWS)) {
  const adj = files.map(() => []);
  const pairs = new Set();
  for (const [a, b, k] of edges) if (kinds.has(k) && a !== b && !pairs.has(`${a} ${b}`)) { pairs.add(`${a} ${b}`); adj[a].push(b); }
  const groups = scc(files.length, adj).map((g) => g.map(rel).sort());
  groups.sort((x, y) => y.length - x.length || (x[0] < y[0] ? -1 : 1));
  const member = new Map();
  groups.forEach((g, gi) => g.forEach((f) => member.set(f, gi)));
  let onCycles = 0;
  for (const p of pairs) {
    const [a, b] = p.split(" ").map(Number);
    const ga = member.get(rel(a));
    if (ga !== undefined && ga === member.get(rel(b))) onCycles++;
  }
  views[name] = {
    groups: groups.length,
    files_in_cycles: groups.reduce((s, g) => s + g.length, 0),
    largest_group: groups.length ? groups[0].length : 0,
    edges_on_cycles: onCycles,
    group_list: groups.map((g) => ({ size: g.length, files: g })),
  };
}
process.stdout.write(JSON.stringify({ tool: `typescript ${ts.version}`, modules: files.length, edges: counts, views }) + "\n");
