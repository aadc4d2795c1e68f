//! The bulk of the sample: "filler" modules in packages/lib, packages/ui,
//! packages/features and the apps' `lib/` folders, wired into an import
//! graph that is acyclic by construction — module `i` only imports modules
//! with a lower index — so the only cycles are the planted ones and their
//! expected counts are exact.

use serde::{Deserialize, Serialize};

use crate::out::Out;
use crate::rng::Rng;

/// A value import whose bindings are only used as types: what
/// `warmstart graph fix-types` would turn into `import type`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TypeOnlyValueImport {
    pub file: String,
    /// 1-based line of the import statement.
    pub line: usize,
    pub specifier: String,
    pub names: Vec<String>,
}

/// One generated module of the graph.
#[derive(Debug, Clone)]
pub(crate) struct Module {
    /// Repo-relative path with extension.
    pub path: String,
    /// Specifier that reaches it from another package.
    pub bare: String,
    /// Modules of the same package import each other relatively.
    pub package: String,
    pub index: usize,
}

/// Where filler modules go, lowest index first: lib is imported by
/// everything, app libraries import everything.
#[derive(Debug, Default)]
pub(crate) struct Graph {
    pub modules: Vec<Module>,
    pub lib: std::ops::Range<usize>,
    pub ui: std::ops::Range<usize>,
    pub features: std::ops::Range<usize>,
    pub apps: std::ops::Range<usize>,
    pub type_only_value_imports: Vec<TypeOnlyValueImport>,
    pub edges: usize,
}

const WORDS: &[&str] = &[
    "booking",
    "schedule",
    "slot",
    "member",
    "team",
    "workflow",
    "webhook",
    "payment",
    "reminder",
    "calendar",
    "invite",
    "profile",
    "availability",
    "credential",
    "location",
    "timezone",
    "locale",
    "routing",
    "insight",
    "seat",
    "attendee",
    "host",
    "credit",
    "limit",
    "buffer",
    "period",
    "recurring",
    "embed",
    "branding",
    "audit",
    "session",
    "token",
    "domain",
    "filter",
    "export",
    "digest",
    "organizer",
    "roster",
    "agenda",
    "venue",
];

/// Files per folder: big enough to look real, small enough for any file system.
const PER_DIR: usize = 60;

impl Graph {
    /// Plans `count` modules; `app_dirs` are repo-relative app folders that
    /// host the app share (none: the share goes to features).
    pub(crate) fn plan(count: usize, app_dirs: &[String], rng: &mut Rng) -> Graph {
        let apps_share = if app_dirs.is_empty() { 0 } else { count / 4 };
        let lib = count * 3 / 10;
        let ui = count * 15 / 100;
        let features = count - lib - ui - apps_share;
        let mut g = Graph {
            lib: 0..lib,
            ui: lib..lib + ui,
            features: lib + ui..lib + ui + features,
            apps: lib + ui + features..count,
            ..Graph::default()
        };
        for index in 0..count {
            let word = *rng.pick(WORDS);
            let module = if g.apps.contains(&index) {
                let local = index - g.apps.start;
                let dir = &app_dirs[local % app_dirs.len()];
                let app = dir.trim_start_matches("packages/app-store/");
                let name = format!("{word}{index}");
                Module {
                    path: format!("{dir}/lib/{name}.ts"),
                    bare: format!("@calcom/app-store/{app}/lib/{name}"),
                    package: dir.clone(),
                    index,
                }
            } else {
                let (pkg, base, ext, range) = if g.lib.contains(&index) {
                    ("lib", "packages/lib", "ts", &g.lib)
                } else if g.ui.contains(&index) {
                    ("ui", "packages/ui/components", "tsx", &g.ui)
                } else {
                    ("features", "packages/features", "ts", &g.features)
                };
                let topic_index = (index - range.start) / PER_DIR;
                let topic = topic_name(topic_index);
                let name = format!("{word}{index}");
                let rel = base.trim_start_matches("packages/").replacen(pkg, "", 1);
                Module {
                    path: format!("{base}/{topic}/{name}.{ext}"),
                    bare: format!("@calcom/{pkg}{rel}/{topic}/{name}"),
                    package: pkg.to_owned(),
                    index,
                }
            };
            g.modules.push(module);
        }
        g
    }

    /// Writes every module with 0–3 imports of lower-indexed modules.
    pub(crate) fn emit(&mut self, out: &mut Out, rng: &mut Rng) {
        for i in 0..self.modules.len() {
            let mut deps: Vec<usize> = (0..rng.range(0, 3)).map(|_| rng.below(i)).collect();
            deps.sort_unstable();
            deps.dedup();
            if i == 0 {
                deps.clear();
            }
            let from = &self.modules[i];
            let mut imports = Vec::new();
            let mut body_terms = vec![format!("K{i}")];
            let mut fields = Vec::new();
            let mut extra = Vec::new();
            for &j in &deps {
                let to = &self.modules[j];
                let spec = specifier(from, to);
                self.edges += 1;
                match rng.below(100) {
                    0..80 => {
                        imports.push(format!("import {{ f{j}, K{j} }} from \"{spec}\";"));
                        body_terms.push(format!("f{j}(n) + K{j}"));
                    }
                    80..90 => {
                        imports.push(format!("import type {{ T{j} }} from \"{spec}\";"));
                        fields.push(format!("dep{j}?: T{j}"));
                    }
                    90..95 => {
                        extra.push(format!("export const load{j} = () => import(\"{spec}\");"));
                    }
                    _ => {
                        // A value import used only in a type position.
                        self.type_only_value_imports.push(TypeOnlyValueImport {
                            file: from.path.clone(),
                            line: imports.len() + 3,
                            specifier: spec.clone(),
                            names: vec![format!("T{j}")],
                        });
                        imports.push(format!("import {{ T{j} }} from \"{spec}\";"));
                        fields.push(format!("dep{j}?: T{j}"));
                    }
                }
            }
            let mut text = format!("// {} (generated sample module)\n\n", from.path);
            for line in &imports {
                text.push_str(line);
                text.push('\n');
            }
            if !imports.is_empty() {
                text.push('\n');
            }
            fields.insert(0, "id: number".to_owned());
            fields.push("label: string".to_owned());
            text.push_str(&format!(
                "export type T{i} = {{ {} }};\n\nexport const K{i} = {};\n\n\
                 export function f{i}(n: number): number {{\n  return n + {};\n}}\n",
                fields.join("; "),
                i % 97,
                body_terms.join(" + ")
            ));
            for line in extra {
                text.push('\n');
                text.push_str(&line);
                text.push('\n');
            }
            if from.path.ends_with(".tsx") {
                text.push_str(&format!(
                    "\nexport function View{i}(props: {{ value?: T{i} }}) {{\n  \
                     return <span data-id={{props.value?.id}}>{{f{i}(1)}}</span>;\n}}\n"
                ));
            }
            out.text(from.path.clone(), text);
        }
    }

    /// Up to `k` distinct modules from `range`, in index order.
    pub(crate) fn pick(
        &self,
        rng: &mut Rng,
        range: &std::ops::Range<usize>,
        k: usize,
    ) -> Vec<&Module> {
        // Draw k numbers even from an empty range, so the rest of the
        // stream does not depend on how many filler modules exist.
        let draws: Vec<usize> = (0..k).map(|_| rng.below(range.len())).collect();
        let mut picked: Vec<usize> = draws
            .into_iter()
            .filter(|_| !range.is_empty())
            .map(|d| range.start + d)
            .collect();
        picked.sort_unstable();
        picked.dedup();
        picked.iter().map(|&i| &self.modules[i]).collect()
    }

    /// The app's own filler modules (for its `lib/index.ts`).
    pub(crate) fn of_package(&self, package: &str) -> impl Iterator<Item = &Module> {
        self.modules[self.apps.clone()]
            .iter()
            .filter(move |m| m.package == package)
    }
}

/// Import lines (value, calling `f<i>`) of `modules` from the file `from`,
/// and the expression that uses them.
pub(crate) fn value_imports(from: &str, modules: &[&Module]) -> (String, String) {
    let mut lines = String::new();
    let mut terms = Vec::new();
    for m in modules {
        let spec = if from.starts_with(&format!("{}/", package_root(m))) {
            relative(from, &m.path)
        } else {
            m.bare.clone()
        };
        lines.push_str(&format!("import {{ f{} }} from \"{spec}\";\n", m.index));
        terms.push(format!("f{}(1)", m.index));
    }
    if terms.is_empty() {
        terms.push("0".to_owned());
    }
    (lines, terms.join(" + "))
}

fn package_root(m: &Module) -> String {
    match m.package.as_str() {
        "lib" | "ui" | "features" => format!("packages/{}", m.package),
        dir => dir.to_owned(),
    }
}

fn topic_name(i: usize) -> String {
    let word = WORDS[i % WORDS.len()];
    match i / WORDS.len() {
        0 => format!("{word}s"),
        n => format!("{word}s{n}"),
    }
}

fn specifier(from: &Module, to: &Module) -> String {
    if from.package == to.package {
        relative(&from.path, &to.path)
    } else {
        to.bare.clone()
    }
}

/// `./x` / `../y/x` from file `from` to file `to`, extension dropped.
pub(crate) fn relative(from: &str, to: &str) -> String {
    let to = to
        .strip_suffix(".tsx")
        .or_else(|| to.strip_suffix(".ts"))
        .unwrap_or(to);
    let from_dir: Vec<&str> = from.split('/').collect::<Vec<_>>();
    let from_dir = &from_dir[..from_dir.len() - 1];
    let target: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&target)
        .take_while(|(a, b)| a == b)
        .count();
    let ups = from_dir.len() - common;
    let rest = target[common..].join("/");
    if ups == 0 {
        format!("./{rest}")
    } else {
        format!("{}{rest}", "../".repeat(ups))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(relative("a/b/c.ts", "a/b/d.ts"), "./d");
        assert_eq!(relative("a/b/c.ts", "a/e/d.tsx"), "../e/d");
        assert_eq!(relative("a/b/c.ts", "x/d.ts"), "../../x/d");
    }

    #[test]
    fn edges_only_point_down() {
        let mut rng = Rng::new(3, 0);
        let mut g = Graph::plan(500, &["packages/app-store/alby".into()], &mut rng);
        let mut out = Out::default();
        g.emit(&mut out, &mut rng);
        assert_eq!(out.files.len(), 500);
        assert!(g.edges > 300);
        for m in &g.modules {
            let text = String::from_utf8(out.files[&m.path].clone()).unwrap();
            for token in text.split(|c: char| !c.is_ascii_alphanumeric()) {
                if let Some(n) = token
                    .strip_prefix('f')
                    .and_then(|n| n.parse::<usize>().ok())
                {
                    assert!(n <= m.index, "{} uses f{n}", m.path);
                }
            }
        }
    }
}
