//! `apps build`: discover apps, read their metadata, compute every registry
//! file in memory, then write only the files whose bytes changed. Nothing is
//! written unless every file was computed, so bad input never leaves a
//! half-written registry behind.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;
use warmstart_fs::Written;
use warmstart_workspace::SourceError;

use crate::config::{AppsConfig, Filter, ImportStyle, RegistryMap};
use crate::discover::{AppDir, discover};
use crate::error::{AppsError, json_error};
use crate::eval::{EnvFn, evaluate_metadata_in};
use crate::print::{ExportMap, Import, ImportOrder, Value, module_path, print_file, variable_name};
use crate::value::{JsValue, Known, Opaque};

/// A build of the registries of one repository.
pub struct Build<'c> {
    pub(crate) root: PathBuf,
    pub(crate) config: &'c AppsConfig,
}

/// What a build computed (nothing written yet).
#[derive(Debug, Clone)]
pub struct BuildOutput {
    /// Number of app folders found.
    pub apps: usize,
    pub files: Vec<GeneratedFile>,
    /// Files outside the app store that metadata imports (for `--watch`).
    pub extra_inputs: Vec<PathBuf>,
    /// Every file and folder whose (mtime, size) the outputs depend on (see
    /// `stamp`), absolute.
    pub inputs: Vec<PathBuf>,
    /// The maps of each file, for lazy mode's route shards.
    pub(crate) maps: Vec<(String, Vec<ExportMap>)>,
    /// Things the user should know that are not errors (a skipped step).
    pub notes: Vec<String>,
}

/// One registry file's path and bytes.
#[derive(Debug, Clone)]
pub struct GeneratedFile {
    /// Repo-relative, `/`-separated.
    pub path: String,
    pub abs: PathBuf,
    pub contents: String,
    /// Entries over all maps of the file.
    pub entries: usize,
    /// A registry app-store-cli also writes, or one of warmstart's own.
    pub kind: FileKind,
}

/// Who else would write a generated file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// One of `apps.registries`: the files app-store-cli writes.
    Registry,
    /// Lazy mode's own files (lazy registries, route shards), recorded in
    /// the manifest that `apps clean` reads.
    Lazy,
}

/// What happened (or would happen) to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    Created,
    Updated,
    Unchanged,
    /// `--check`: the file on disk differs or is missing.
    Stale,
}

/// An app with its metadata, as app-store-cli's `forEachAppDir` sees it.
struct App {
    dir: AppDir,
    /// `{ ...metadata, name, path }`.
    record: JsValue,
    /// The metadata file's display path and text, for diagnostics.
    source: Option<(String, String)>,
    /// Which of the files the maps ask about exist (`fs.existsSync`).
    files: HashMap<String, bool>,
    /// Files outside the app folder its metadata imports.
    extra_inputs: Vec<PathBuf>,
    /// The app folder, the sub-folders its maps look into and the files read.
    inputs: Vec<PathBuf>,
}

impl App {
    fn has(&self, file: &str) -> bool {
        self.files.get(file).copied().unwrap_or(false)
    }
}

impl<'c> Build<'c> {
    pub fn new(root: &Path, config: &'c AppsConfig) -> Build<'c> {
        Build {
            root: root.to_path_buf(),
            config,
        }
    }

    pub(crate) fn store_display(&self) -> String {
        let d = self.config.dir.replace('\\', "/");
        d.trim_end_matches('/').to_string()
    }

    /// Computes every registry file.
    pub fn run(&self, env: EnvFn) -> Result<BuildOutput, AppsError> {
        let order = self.validate()?;
        let store_display = self.store_display();
        let store = self.root.join(&self.config.dir);
        let dirs = discover(&store, &store_display, &self.config.group_dirs)?;
        let (apps, mut extra_inputs) = self.load_all(&store, &store_display, dirs, env)?;
        let mut inputs = vec![store.clone()];
        for group in &self.config.group_dirs {
            inputs.push(store.join(group));
        }
        for app in &apps {
            inputs.extend(app.inputs.iter().cloned());
        }
        let mut files = Vec::new();
        let mut all_maps = Vec::new();
        for (file_name, registry) in self.config.registries.iter() {
            let mut imports = Vec::new();
            if registry
                .maps
                .iter()
                .any(|(_, m)| m.style == ImportStyle::Dynamic)
            {
                imports.push(Import::named("default", "dynamic", "next/dynamic"));
            }
            let mut maps = Vec::new();
            let mut entries = 0;
            // Eager imports get identifiers made from folder names, and
            // `my-app` and `my_app` make the same one: the file would not
            // compile, so two such apps are refused by name.
            let mut locals: HashMap<String, &str> = HashMap::new();
            for (map_name, map) in registry.maps.iter() {
                let mut out = ExportMap {
                    name: map_name.to_string(),
                    entries: Vec::new(),
                };
                for app in &apps {
                    if let Some(filter) = &map.filter
                        && !self.passes(filter, app, file_name, map_name)?
                    {
                        continue;
                    }
                    let (file, import_name) = chosen(map, app);
                    if !app.has(file) {
                        continue;
                    }
                    let key = map.keys.get(&app.dir.name).unwrap_or(&app.dir.name).clone();
                    let module = module_path(&app.dir.path, file);
                    let value = match map.style {
                        ImportStyle::Eager => {
                            let local =
                                format!("{}_{}", variable_name(&app.dir.name), variable_name(file));
                            match locals.get(&local) {
                                Some(&other) if other != app.dir.path => {
                                    return Err(AppsError::NameCollision {
                                        first: format!("{store_display}/{other}"),
                                        second: format!("{store_display}/{}", app.dir.path),
                                        identifier: local,
                                    });
                                }
                                Some(_) => {}
                                None => {
                                    locals.insert(local.clone(), &app.dir.path);
                                }
                            }
                            let name = import_name.unwrap_or("default");
                            imports.push(Import::named(name, &local, &module));
                            Value::Local(local)
                        }
                        ImportStyle::Import => Value::Import(module),
                        ImportStyle::Dynamic => Value::Dynamic(module),
                    };
                    out.entries.push((key, value));
                }
                entries += out.entries.len();
                maps.push(out);
            }
            let contents = print_file(&self.config.banner, &order, &imports, &maps);
            all_maps.push((file_name.to_string(), maps.clone()));
            files.push(GeneratedFile {
                path: format!("{store_display}/{file_name}"),
                abs: store.join(file_name),
                contents,
                entries,
                kind: FileKind::Registry,
            });
        }
        // An app folder removed while we were reading would make the output
        // describe a tree that no longer exists: refuse rather than write it.
        let dirs: Vec<AppDir> = apps.iter().map(|a| a.dir.clone()).collect();
        crate::discover::still_present(&store, &store_display, &dirs)?;
        extra_inputs.sort();
        extra_inputs.dedup();
        inputs.extend(extra_inputs.iter().cloned());
        inputs.sort();
        inputs.dedup();
        Ok(BuildOutput {
            apps: apps.len(),
            files,
            extra_inputs,
            inputs,
            maps: all_maps,
            notes: Vec::new(),
        })
    }

    /// Every file any map may import (main and fallback), and the
    /// sub-folders (like `components`) that several of them share: probing
    /// such a folder once saves a failed stat per map in apps without it.
    fn needed_files(&self) -> (Vec<String>, HashSet<String>) {
        let mut files: Vec<String> = Vec::new();
        let mut count: HashMap<String, usize> = HashMap::new();
        for (_, registry) in self.config.registries.iter() {
            for (_, map) in registry.maps.iter() {
                let targets =
                    std::iter::once(&map.file).chain(map.fallback.as_ref().map(|f| &f.file));
                for file in targets {
                    if !files.contains(file) {
                        files.push(file.clone());
                        if let Some((dir, _)) = file.rsplit_once('/') {
                            *count.entry(dir.to_string()).or_default() += 1;
                        }
                    }
                }
            }
        }
        let shared = count
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(d, _)| d)
            .collect();
        (files, shared)
    }

    /// Loads every app, on a few threads for large stores (the work is
    /// mostly system calls); errors are reported in app order.
    fn load_all(
        &self,
        store: &Path,
        store_display: &str,
        dirs: Vec<AppDir>,
        env: EnvFn,
    ) -> Result<(Vec<App>, Vec<PathBuf>), AppsError> {
        let needed = self.needed_files();
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(4);
        let chunk = dirs.len().div_ceil(threads).max(32);
        let parts: Vec<Vec<Result<App, AppsError>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = dirs
                .chunks(chunk.max(1))
                .map(|part| {
                    let needed = &needed;
                    scope.spawn(move || {
                        let mut allocator = oxc_allocator::Allocator::default();
                        part.iter()
                            .map(|d| {
                                self.load(
                                    store,
                                    store_display,
                                    d.clone(),
                                    env,
                                    needed,
                                    &mut allocator,
                                )
                            })
                            .collect()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("app loader thread panicked"))
                .collect()
        });
        let mut apps = Vec::with_capacity(dirs.len());
        let mut extra = Vec::new();
        for result in parts.into_iter().flatten() {
            let app = result?;
            extra.extend(app.extra_inputs.iter().cloned());
            apps.push(app);
        }
        Ok((apps, extra))
    }

    /// Checks the registry declarations before touching the tree.
    fn validate(&self) -> Result<ImportOrder, AppsError> {
        let bad = |file: &str, map: &str, message: String| AppsError::Config {
            file: file.to_string(),
            map: map.to_string(),
            message,
        };
        let order = ImportOrder::new(&self.config.import_order).map_err(|(p, e)| {
            bad(
                "importOrder",
                "-",
                format!("invalid regular expression {p:?}: {e}"),
            )
        })?;
        for (file_name, registry) in self.config.registries.iter() {
            if !is_safe_relative(file_name) {
                return Err(bad(
                    file_name,
                    "-",
                    "the file name must be a relative path inside the app store".into(),
                ));
            }
            for (map_name, map) in registry.maps.iter() {
                if !is_identifier(map_name) {
                    return Err(bad(
                        file_name,
                        map_name,
                        "the map name must be a JavaScript identifier".into(),
                    ));
                }
                let targets = std::iter::once((&map.file, &map.import_name))
                    .chain(map.fallback.as_ref().map(|f| (&f.file, &f.import_name)));
                for (file, import_name) in targets {
                    if !is_safe_relative(file) {
                        return Err(bad(
                            file_name,
                            map_name,
                            format!("{file:?} must be a relative path inside the app folder"),
                        ));
                    }
                    match (map.style, import_name) {
                        (ImportStyle::Eager, None) => {
                            return Err(bad(
                                file_name,
                                map_name,
                                format!(
                                    "style \"eager\" needs an importName for {file:?} (a name, or \"default\")"
                                ),
                            ));
                        }
                        (ImportStyle::Eager, Some(n)) if n != "default" && !is_identifier(n) => {
                            return Err(bad(
                                file_name,
                                map_name,
                                format!("importName {n:?} is not an identifier"),
                            ));
                        }
                        _ => {}
                    }
                }
            }
        }
        Ok(order)
    }

    /// Reads an app's metadata: config.json, else `_metadata.ts`, else `{}`.
    fn load(
        &self,
        store: &Path,
        store_display: &str,
        dir: AppDir,
        env: EnvFn,
        (needed, shared): &(Vec<String>, HashSet<String>),
        allocator: &mut oxc_allocator::Allocator,
    ) -> Result<App, AppsError> {
        let mut extra_inputs = Vec::new();
        let mut files = HashMap::new();
        let abs = store.join(&dir.path);
        let mut inputs = vec![abs.clone()];
        let shown = |f: &str| format!("{store_display}/{}/{f}", dir.path);
        let config_json = abs.join("config.json");
        let metadata_ts = abs.join("_metadata.ts");
        // Read instead of "exists, then read": one system call per file; a
        // file that cannot be read (a folder named config.json, no
        // permission) is an error, as in app-store-cli.
        let config_text = read_optional(&config_json, &shown("config.json"))?;
        files.insert("config.json".to_string(), config_text.is_some());
        let metadata_text = match config_text {
            Some(_) => None,
            None => {
                let text = read_optional(&metadata_ts, &shown("_metadata.ts"))?;
                files.insert("_metadata.ts".to_string(), text.is_some());
                text
            }
        };
        let (metadata, source) = if let Some(text) = config_text {
            inputs.push(config_json.clone());
            let display = shown("config.json");
            let value: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| json_error(&display, &text, &e))?;
            (JsValue::from(value), None)
        } else if let Some(text) = metadata_text {
            let display = shown("_metadata.ts");
            let module = evaluate_metadata_in(allocator, &metadata_ts, &display, &text, env)?;
            inputs.push(metadata_ts.clone());
            inputs.extend(module.json_files.iter().cloned());
            for import in &module.local_imports {
                let p = warmstart_fs::normalize_lexically(&abs.join(import));
                if !p.starts_with(&abs) {
                    extra_inputs.push(p);
                }
            }
            (module.metadata, Some((display, text)))
        } else {
            if std::fs::metadata(&abs).is_err() {
                return Err(AppsError::Vanished {
                    path: format!("{store_display}/{}", dir.path),
                });
            }
            (JsValue::empty_object(), None)
        };
        let record = match metadata {
            JsValue::Object(mut props) => {
                JsValue::set(&mut props, "name".into(), JsValue::String(dir.name.clone()));
                JsValue::set(&mut props, "path".into(), JsValue::String(dir.path.clone()));
                JsValue::Object(props)
            }
            JsValue::Opaque(o) => JsValue::Opaque(o),
            _ => JsValue::Object(vec![
                ("name".into(), JsValue::String(dir.name.clone())),
                ("path".into(), JsValue::String(dir.path.clone())),
            ]),
        };
        let mut probed: HashMap<&str, bool> = HashMap::new();
        for file in needed {
            // Sub-folders whose listing decides whether `file` exists.
            let mut sub = file.as_str();
            while let Some((parent, _)) = sub.rsplit_once('/') {
                inputs.push(abs.join(parent));
                sub = parent;
            }
            if files.contains_key(file) {
                continue;
            }
            if let Some((sub, _)) = file.rsplit_once('/')
                && shared.contains(sub)
                && !*probed.entry(sub).or_insert_with(|| abs.join(sub).exists())
            {
                files.insert(file.clone(), false);
                continue;
            }
            // `fs.existsSync`: follows links, true for folders too.
            files.insert(file.clone(), std::fs::metadata(abs.join(file)).is_ok());
        }
        Ok(App {
            dir,
            record,
            source,
            files,
            extra_inputs,
            inputs,
        })
    }

    /// Evaluates a registry filter; an opaque value it needs is an error at
    /// the construct's place.
    fn passes(&self, filter: &Filter, app: &App, file: &str, map: &str) -> Result<bool, AppsError> {
        eval_filter(filter, &app.record).map_err(|(opaque, path)| {
            let (display, text) = app.source.clone().unwrap_or_default();
            let snippet = text.get(opaque.span.clone()).unwrap_or("").to_string();
            SourceError::new(
                Path::new(&display),
                &text,
                opaque.span.clone(),
                format!(
                    "cannot evaluate `{snippet}` statically, but registry {file} › {map} needs `{path}` of app {}",
                    app.dir.name
                ),
                opaque.reason,
            )
            .with_help(
                "write the value as a literal (or an environment read such as `!!process.env.X`), or remove this filter from the registry",
            )
            .into()
        })
    }
}

/// The file's text, or `None` when it does not exist.
fn read_optional(path: &Path, display: &str) -> Result<Option<String>, AppsError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(AppsError::Read {
            path: display.to_string(),
            source,
        }),
    }
}

/// app-store-cli's `getChosenImportConfig`: the main file when it exists,
/// else the fallback.
fn chosen<'m>(map: &'m RegistryMap, app: &App) -> (&'m str, Option<&'m str>) {
    match &map.fallback {
        Some(fallback) if !app.has(&map.file) => (&fallback.file, fallback.import_name.as_deref()),
        _ => (&map.file, map.import_name.as_deref()),
    }
}

pub(crate) type FilterResult = Result<bool, (Opaque, String)>;

pub(crate) fn eval_filter(filter: &Filter, record: &JsValue) -> FilterResult {
    let at = |path: &str| -> Result<JsValue, (Opaque, String)> {
        record.get_path(path).map_err(|o| (o, path.to_string()))
    };
    let known = |k: Known<bool>, path: &str| k.map_err(|o| (o, path.to_string()));
    match filter {
        Filter::Truthy(path) => known(at(path)?.truthy(), path),
        Filter::Equals { path, value } => known(at(path)?.strict_equals(value), path),
        Filter::Contains { path, value } => match at(path)? {
            JsValue::Array(items) => {
                for item in items {
                    if known(item.strict_equals(value), path)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            JsValue::String(s) => Ok(value.as_str().is_some_and(|v| s.contains(v))),
            JsValue::Opaque(o) => Err((o, path.clone())),
            _ => Ok(false),
        },
        Filter::AnyOf(list) => {
            for f in list {
                if eval_filter(f, record)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Filter::AllOf(list) => {
            for f in list {
                if !eval_filter(f, record)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Filter::Not(f) => Ok(!eval_filter(f, record)?),
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c == '$' || c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '$' || c == '_' || c.is_alphanumeric())
}

/// A relative path without `..`, quotes, backslashes or control characters
/// (it is printed inside a JavaScript string).
fn is_safe_relative(p: &str) -> bool {
    !p.is_empty()
        && !p.starts_with('/')
        && p.split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != "..")
        && !p.chars().any(|c| c == '"' || c == '\\' || c.is_control())
}

/// Writes every file whose bytes changed; the others keep their mtime.
pub fn write(output: &BuildOutput) -> Result<Vec<(String, FileStatus)>, AppsError> {
    let mut report = Vec::with_capacity(output.files.len());
    for file in &output.files {
        if let Some(parent) = file.abs.parent()
            && !parent.exists()
        {
            // A route shard's folder (`integrations/<app>/`); `apps clean`
            // removes it again when it is empty.
            std::fs::create_dir_all(parent).map_err(|source| AppsError::Read {
                path: parent.display().to_string(),
                source,
            })?;
        }
        let status = match warmstart_fs::write_if_changed(&file.abs, file.contents.as_bytes())? {
            Written::Created => FileStatus::Created,
            Written::Updated => FileStatus::Updated,
            Written::Unchanged => FileStatus::Unchanged,
        };
        report.push((file.path.clone(), status));
    }
    Ok(report)
}

/// One file's `--check` result.
#[derive(Debug, Clone, Serialize)]
pub struct CheckedFile {
    pub path: String,
    pub status: FileStatus,
    /// A short unified diff (on disk → expected) for a stale file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// Compares every file with the disk; writes nothing.
pub fn check(output: &BuildOutput) -> Result<Vec<CheckedFile>, AppsError> {
    let mut report = Vec::new();
    for file in &output.files {
        let on_disk = match std::fs::read_to_string(&file.abs) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(AppsError::Read {
                    path: file.path.clone(),
                    source,
                });
            }
        };
        let (status, diff) = match on_disk {
            Some(text) if text == file.contents => (FileStatus::Unchanged, None),
            Some(text) => (
                FileStatus::Stale,
                Some(short_diff(&text, &file.contents, &file.path)),
            ),
            None => (
                FileStatus::Stale,
                Some(format!("{} is missing\n", file.path)),
            ),
        };
        report.push(CheckedFile {
            path: file.path.clone(),
            status,
            diff,
        });
    }
    Ok(report)
}

/// At most 40 lines of unified diff with one line of context.
fn short_diff(old: &str, new: &str, path: &str) -> String {
    const MAX_LINES: usize = 40;
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(1)
        .header(&format!("{path} (on disk)"), &format!("{path} (expected)"))
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= MAX_LINES {
        return text;
    }
    let mut out = lines[..MAX_LINES].join("\n");
    out.push_str(&format!(
        "\n… {} more diff lines\n",
        lines.len() - MAX_LINES
    ));
    out
}
