//! `apps build --mode lazy`: the metadata registries as data. For every
//! eager metadata map (`config.json`, falling back to `_metadata.ts`) a
//! sibling `*.lazy.generated.ts` holds each app's metadata inlined: values
//! from config.json and imported JSON are copied, while expressions that
//! must stay run-time (`!!process.env.X`, a call of an imported helper) are
//! copied as source text with the imports they use. Importing it reaches no
//! app module, where the compatible registry reaches one per app.
//!
//! Switching Cal.com's `appStoreMetaData.ts` is one line:
//! `import { appStoreMetadata as rawAppStoreMetadata } from "./apps.metadata.lazy.generated";`

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::build::{Build, BuildOutput, FileKind, GeneratedFile, eval_filter};
use crate::config::{ImportStyle, RegistryMap};
use crate::discover::discover;
use crate::error::{AppsError, json_error};
use crate::eval::{EnvFn, evaluate_metadata_runtime};
use crate::print::{ImportOrder, print_file, print_key, variable_name};
use crate::value::JsValue;

/// An app's metadata as the lazy registry prints it.
struct Entry {
    value: JsValue,
    /// The `_metadata.ts` text opaque spans point into.
    text: Option<String>,
    /// `as T` of the metadata, as text.
    cast: Option<String>,
}

/// `apps.metadata.generated.ts` → `apps.metadata.lazy.generated.ts`.
pub fn lazy_name(file: &str) -> String {
    match file.rsplit_once(".generated.") {
        Some((stem, ext)) => format!("{stem}.lazy.generated.{ext}"),
        None => format!("{file}.lazy.ts"),
    }
}

fn is_metadata_map(map: &RegistryMap) -> bool {
    map.style == ImportStyle::Eager
        && map.file.ends_with(".json")
        && map
            .fallback
            .as_ref()
            .is_none_or(|f| f.file.ends_with(".ts"))
}

impl Build<'_> {
    /// The compatible outputs plus the lazy metadata registries.
    pub fn run_lazy(&self, env: EnvFn) -> Result<BuildOutput, AppsError> {
        let mut output = self.run(env)?;
        output.files.extend(self.lazy_files()?);
        // The lazy registry also reads each app's `pages/` and `api/`
        // listings (routes) and the shared route (shards): a change there
        // must defeat the no-change stamp.
        let store = self.root.join(&self.config.dir);
        let app_dirs: Vec<_> = output
            .inputs
            .iter()
            .filter(|p| {
                p.parent() == Some(store.as_path())
                    || p.parent().and_then(|q| q.parent()) == Some(store.as_path())
            })
            .cloned()
            .collect();
        for dir in app_dirs {
            output.inputs.push(dir.join("pages"));
            output.inputs.push(dir.join("api"));
        }
        if let Some(shards) = &self.config.route_shards {
            output.inputs.push(self.root.join(&shards.template));
        }
        output.inputs.sort();
        output.inputs.dedup();
        if let Some(shards) = &self.config.route_shards
            && self.root.join(&shards.template).is_file()
        {
            let (file, map) = shards
                .registry
                .split_once(" › ")
                .unwrap_or((&shards.registry, ""));
            let entries = output
                .maps
                .iter()
                .filter(|(f, _)| f == file)
                .flat_map(|(_, maps)| maps.iter().filter(|m| m.name == map))
                .flat_map(|m| m.entries.iter().cloned())
                .collect::<Vec<_>>();
            let ours = crate::manifest::recorded(&self.root, &self.config.dir);
            let mut notes = Vec::new();
            output
                .files
                .extend(self.route_shards(shards, &entries, &ours, &mut notes)?);
            output.notes.extend(notes);
        }
        Ok(output)
    }

    fn lazy_files(&self) -> Result<Vec<GeneratedFile>, AppsError> {
        let display = self.store_display();
        let store = self.root.join(&self.config.dir);
        let order =
            ImportOrder::new(&self.config.import_order).map_err(|(p, e)| AppsError::Config {
                file: "importOrder".into(),
                map: "-".into(),
                message: format!("invalid regular expression {p:?}: {e}"),
            })?;
        let dirs = discover(&store, &display, &self.config.group_dirs)?;
        let loaded = dirs
            .iter()
            .map(|dir| self.load_entry(&store, &display, dir))
            .collect::<Result<Vec<_>, _>>()?;
        let mut files = Vec::new();
        for (file_name, registry) in self.config.registries.iter() {
            if registry.maps.iter().any(|(_, m)| !is_metadata_map(m)) {
                continue;
            }
            let mut body = String::new();
            let mut needed: BTreeMap<String, String> = BTreeMap::new();
            let mut entries = 0;
            for (map_name, map) in registry.maps.iter() {
                let _ = writeln!(body, "export const {map_name} = {{");
                for (dir, entry, imports) in &loaded {
                    let mut record = entry.value.clone();
                    if let JsValue::Object(props) = &mut record {
                        JsValue::set(props, "name".into(), JsValue::String(dir.name.clone()));
                        JsValue::set(props, "path".into(), JsValue::String(dir.path.clone()));
                    }
                    if let Some(filter) = &map.filter {
                        let keep = eval_filter(filter, &record).map_err(|(o, path)| AppsError::Config {
                            file: file_name.to_string(),
                            map: map_name.to_string(),
                            message: format!(
                                "app {}: `{path}` depends on {} (`{}`), so the lazy registry cannot decide at build time",
                                dir.name,
                                o.reason,
                                entry.text.as_deref().and_then(|t| t.get(o.span.clone())).unwrap_or("")
                            ),
                        })?;
                        if !keep {
                            continue;
                        }
                    }
                    let has_source =
                        entry.text.is_some() || store.join(&dir.path).join(&map.file).exists();
                    if !has_source {
                        continue;
                    }
                    let key = map.keys.get(&dir.name).unwrap_or(&dir.name);
                    let mut printed = String::new();
                    print_value(&mut printed, &entry.value, 2, entry.text.as_deref());
                    if let Some(cast) = &entry.cast {
                        let _ = write!(printed, " as {cast}");
                    }
                    for (local, statement) in imports {
                        let used = contains_word(&printed, local);
                        if used {
                            if let Some(other) = needed.get(local)
                                && other != statement
                            {
                                return Err(AppsError::Config {
                                    file: file_name.to_string(),
                                    map: map_name.to_string(),
                                    message: format!(
                                        "two apps import different things as `{local}`: {other} / {statement}"
                                    ),
                                });
                            }
                            needed.insert(local.clone(), statement.clone());
                        }
                    }
                    let _ = writeln!(body, "  {}: {printed},", print_key(key));
                    entries += 1;
                }
                body.push_str("};\n");
            }
            let imports: Vec<_> = needed
                .values()
                .map(|statement| crate::print::Import {
                    source: statement.rsplit('"').nth(1).unwrap_or("").to_string(),
                    text: statement.clone(),
                })
                .collect();
            let mut contents = print_file(&self.config.banner, &order, &imports, &[]);
            contents.push_str(&body);
            let name = lazy_name(file_name);
            files.push(GeneratedFile {
                path: format!("{display}/{name}"),
                abs: store.join(&name),
                contents,
                entries,
                kind: FileKind::Lazy,
            });
        }
        files.push(self.app_registry(&store, &display, &loaded)?);
        files.extend(self.category_maps(&store, &display, &loaded)?);
        Ok(files)
    }

    /// One app's metadata for the lazy registries: `config.json`, else
    /// `_metadata.ts` evaluated (with its imports, rebased on the store).
    fn load_entry<'d>(
        &self,
        store: &Path,
        display: &str,
        dir: &'d crate::discover::AppDir,
    ) -> Result<Loaded<'d>, AppsError> {
        let abs = store.join(&dir.path);
        let shown = |f: &str| format!("{display}/{}/{f}", dir.path);
        let mut entry = Entry {
            value: JsValue::empty_object(),
            text: None,
            cast: None,
        };
        let mut imports = Vec::new();
        if let Ok(text) = std::fs::read_to_string(abs.join("config.json")) {
            let value: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| json_error(&shown("config.json"), &text, &e))?;
            entry.value = value.into();
        } else if let Ok(text) = std::fs::read_to_string(abs.join("_metadata.ts")) {
            let module = evaluate_metadata_runtime(
                &abs.join("_metadata.ts"),
                &shown("_metadata.ts"),
                &text,
            )?;
            entry.value = module.metadata;
            entry.cast = module.cast.map(|r| text[r].to_string());
            for b in module.imports {
                let source = if b.source.starts_with('.') {
                    let joined =
                        warmstart_fs::normalize_lexically(&Path::new(&dir.path).join(&b.source));
                    format!("./{}", joined.to_string_lossy().replace('\\', "/"))
                } else {
                    b.source.clone()
                };
                imports.push((b.local.clone(), b.statement(&source)));
            }
            entry.text = Some(text);
        }
        Ok((dir, entry, imports))
    }

    /// Folder name → the app's entry module (`./alby` for `alby/index.ts`).
    fn loaders(&self, store: &Path, loaded: &[Loaded]) -> Vec<(String, String)> {
        loaded
            .iter()
            .filter(|(dir, _, _)| {
                ["index.ts", "index.tsx"]
                    .iter()
                    .any(|f| store.join(&dir.path).join(f).is_file())
            })
            .map(|(dir, _, _)| (dir.name.clone(), format!("./{}", dir.path)))
            .collect()
    }

    /// `appRegistry.lazy.generated.ts`: `coreApps`, a cached `loadApp`, the
    /// route → apps map and `preloadRoute`.
    fn app_registry(
        &self,
        store: &Path,
        display: &str,
        loaded: &[Loaded],
    ) -> Result<GeneratedFile, AppsError> {
        let loaders = self.loaders(store, loaded);
        let mut routes: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (dir, _, _) in loaded {
            let app = store.join(&dir.path);
            for (sub, prefix) in [("api", "/api/integrations"), ("pages", "/apps")] {
                let Ok(entries) = std::fs::read_dir(app.join(sub)) else {
                    continue;
                };
                let mut names: Vec<String> = entries
                    .filter_map(|e| e.ok())
                    .filter_map(|e| e.file_name().into_string().ok())
                    .collect();
                names.sort();
                routes
                    .entry(format!("{prefix}/{}", dir.name))
                    .or_default()
                    .push(dir.name.clone());
                for name in names {
                    let stem = name.split('.').next().unwrap_or(&name);
                    if stem == "index" || stem.is_empty() || stem.starts_with('_') {
                        continue;
                    }
                    routes
                        .entry(format!("{prefix}/{}/{stem}", dir.name))
                        .or_default()
                        .push(dir.name.clone());
                }
            }
        }
        for (route, apps) in &self.config.routes {
            routes.insert(route.clone(), apps.clone());
        }
        // Core apps by folder name or by metadata `slug` (what Cal.com's
        // database stores as the app id).
        let known: Vec<&str> = loaders.iter().map(|(n, _)| n.as_str()).collect();
        let mut core_apps = Vec::new();
        for core in &self.config.core_apps {
            let folder = loaded
                .iter()
                .find(|(dir, entry, _)| {
                    dir.name == *core
                        || entry.value.get("slug").ok() == Some(JsValue::String(core.clone()))
                })
                .map(|(dir, _, _)| dir.name.as_str())
                .filter(|name| known.contains(name));
            match folder {
                Some(name) => core_apps.push(name.to_string()),
                None => {
                    return Err(AppsError::Config {
                        file: "coreApps".into(),
                        map: "-".into(),
                        message: format!(
                            "{core:?} is neither the folder nor the slug of an app with an index.ts"
                        ),
                    });
                }
            }
        }
        core_apps.dedup();
        let mut t = String::new();
        t.push_str(self.config.banner.trim_end());
        t.push_str("\nexport type AppModule = unknown;\n\n");
        t.push_str("/** Apps a caller may load up front (`apps.coreApps`, or measured with `--usage`). */\n");
        let core: Vec<String> = core_apps.iter().map(|c| json(c)).collect();
        let _ = writeln!(
            t,
            "export const coreApps: ReadonlySet<string> = new Set<string>([{}]);\n",
            core.join(", ")
        );
        t.push_str("/** One `import()` per app, behind a thunk: nothing loads until asked. */\n");
        t.push_str("const loaders: Record<string, () => Promise<AppModule>> = {\n");
        for (name, module) in &loaders {
            let _ = writeln!(t, "  {}: () => import({}),", print_key(name), json(module));
        }
        t.push_str("};\n\nconst loaded = new Map<string, Promise<AppModule>>();\n\n");
        t.push_str(
            "/** The app's module, imported once and cached; `undefined` for an unknown slug. */\n",
        );
        t.push_str("export function loadApp(slug: string): Promise<AppModule> | undefined {\n");
        t.push_str("  const load = loaders[slug];\n  if (!load) return undefined;\n");
        t.push_str("  let module = loaded.get(slug);\n  if (!module) {\n    module = load();\n    loaded.set(slug, module);\n  }\n  return module;\n}\n\n");
        t.push_str("/** Which apps a route needs (from each app's `api/` and `pages/`, plus `apps.routes`). */\n");
        t.push_str("export const routeApps: Readonly<Record<string, readonly string[]>> = {\n");
        for (route, apps) in &routes {
            let apps: Vec<String> = apps.iter().map(|a| json(a)).collect();
            let _ = writeln!(t, "  {}: [{}],", json(route), apps.join(", "));
        }
        t.push_str("};\n\n");
        t.push_str("/** Starts loading the apps `route` needs (exact route, else its longest known prefix). */\n");
        t.push_str("export function preloadRoute(route: string): Promise<AppModule[]> {\n");
        t.push_str("  let slugs = routeApps[route];\n");
        t.push_str("  if (!slugs) {\n    const prefix = Object.keys(routeApps)\n      .filter((r) => route.startsWith(r + \"/\"))\n      .sort((a, b) => b.length - a.length)[0];\n    slugs = prefix ? routeApps[prefix] : [];\n  }\n");
        t.push_str("  const modules: Promise<AppModule>[] = [];\n  for (const slug of slugs) {\n    const module = loadApp(slug);\n    if (module) modules.push(module);\n  }\n  return Promise.all(modules);\n}\n");
        let name = "appRegistry.lazy.generated.ts";
        Ok(GeneratedFile {
            path: format!("{display}/{name}"),
            abs: store.join(name),
            contents: t,
            entries: loaders.len(),
            kind: FileKind::Lazy,
        })
    }

    /// One module per category (`apps.calendar.lazy.generated.ts`), so a
    /// caller that needs calendars compiles only calendar apps.
    fn category_maps(
        &self,
        store: &Path,
        display: &str,
        loaded: &[Loaded],
    ) -> Result<Vec<GeneratedFile>, AppsError> {
        let loaders: BTreeMap<String, String> = self.loaders(store, loaded).into_iter().collect();
        let mut by_category: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for (dir, entry, _) in loaded {
            let Some(module) = loaders.get(&dir.name) else {
                continue;
            };
            let mut categories: Vec<String> = Vec::new();
            let values = [entry.value.get("categories"), entry.value.get("category")];
            for value in values.into_iter().flatten() {
                match value {
                    JsValue::Array(items) => {
                        categories.extend(items.iter().filter_map(|i| match i {
                            JsValue::String(s) => Some(s.clone()),
                            _ => None,
                        }))
                    }
                    JsValue::String(s) => categories.push(s),
                    _ => {}
                }
            }
            categories.sort();
            categories.dedup();
            for c in categories {
                if crate::discover::is_safe_app_name(&c) && !c.contains('.') {
                    by_category
                        .entry(c)
                        .or_default()
                        .push((dir.name.clone(), module.clone()));
                }
            }
        }
        let mut files = Vec::new();
        for (category, apps) in by_category {
            let mut t = String::new();
            t.push_str(self.config.banner.trim_end());
            let _ = writeln!(t, "\nexport const {}Apps = {{", variable_name(&category));
            for (name, module) in &apps {
                let _ = writeln!(t, "  {}: () => import({}),", print_key(name), json(module));
            }
            t.push_str("};\n");
            let name = format!("apps.{category}.lazy.generated.ts");
            files.push(GeneratedFile {
                path: format!("{display}/{name}"),
                abs: store.join(&name),
                contents: t,
                entries: apps.len(),
                kind: FileKind::Lazy,
            });
        }
        Ok(files)
    }
}

type Loaded<'d> = (&'d crate::discover::AppDir, Entry, Vec<(String, String)>);

fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn contains_word(text: &str, word: &str) -> bool {
    let is_ident = |c: char| c == '_' || c == '$' || c.is_alphanumeric();
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(|c| is_ident(c) || c == '.') && !after.is_some_and(is_ident)
    })
}

/// Prints a value as a TypeScript literal, two spaces per level.
fn print_value(out: &mut String, value: &JsValue, indent: usize, text: Option<&str>) {
    let pad = " ".repeat(indent);
    match value {
        JsValue::Undefined => out.push_str("undefined"),
        JsValue::Null => out.push_str("null"),
        JsValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        JsValue::Number(n) if n.is_nan() => out.push_str("NaN"),
        JsValue::Number(n) if n.fract() == 0.0 && n.abs() < 1e21 => {
            let _ = write!(out, "{}", *n as i64);
        }
        JsValue::Number(n) => {
            let _ = write!(out, "{n}");
        }
        JsValue::String(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
        JsValue::Opaque(o) => out.push_str(
            text.and_then(|t| t.get(o.expr.clone()))
                .unwrap_or("undefined"),
        ),
        JsValue::Array(items) if items.is_empty() => out.push_str("[]"),
        JsValue::Array(items) => {
            out.push_str("[\n");
            for item in items {
                out.push_str(&pad);
                out.push_str("  ");
                print_value(out, item, indent + 2, text);
                out.push_str(",\n");
            }
            out.push_str(&pad);
            out.push(']');
        }
        JsValue::Object(props) if props.is_empty() => out.push_str("{}"),
        JsValue::Object(props) => {
            out.push_str("{\n");
            for (k, v) in props {
                let key = if k.chars().any(|c| c == '"' || c == '\\' || c.is_control()) {
                    serde_json::to_string(k).unwrap_or_default()
                } else {
                    print_key(k)
                };
                let _ = write!(out, "{pad}  {key}: ");
                print_value(out, v, indent + 2, text);
                out.push_str(",\n");
            }
            out.push_str(&pad);
            out.push('}');
        }
    }
}
