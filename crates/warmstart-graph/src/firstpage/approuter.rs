//! App Router routes (issue 16): a URL such as `/auth/login` to the files
//! Next.js renders for it — `page.tsx` and, for every segment from the app
//! folder down, its `layout`, `template`, `error`, `loading`, `not-found`,
//! `forbidden` and `unauthorized` files, plus the root `global-error` and
//! the pages of parallel `@slot`s.
//!
//! Matching follows Next's rules: route groups `(x)` and `@slot` folders
//! are not URL segments; `_private` folders are not routable; `[id]`
//! matches one segment, `[...slug]` one or more, `[[...slug]]` zero or
//! more; a static segment wins over a dynamic one, which wins over a
//! catch-all. Intercepting segments (`(.)x`, `(..)x`, `(...)x`) only
//! render on a soft navigation, never for a first (hard) load, so they are
//! left out and listed.

use std::path::{Path, PathBuf};

use serde::Serialize;

/// `pageExtensions` Next uses by default.
pub const EXTENSIONS: &[&str] = &["tsx", "ts", "jsx", "js"];

/// Segment files in the order Next nests them (outermost first).
const SEGMENT_FILES: &[&str] = &[
    "layout",
    "template",
    "error",
    "loading",
    "not-found",
    "forbidden",
    "unauthorized",
];

/// One file of the route's tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteFile {
    /// `layout`, `template`, `page`, `default`, `global-error`, ….
    pub kind: String,
    /// The parallel slot it belongs to (`@modal`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slot: Option<String>,
    pub path: PathBuf,
}

/// The files Next renders for one App Router URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppRoute {
    /// The web app's folder (where `next.config.*` and `package.json` are).
    pub web: PathBuf,
    /// `app` or `src/app` inside it.
    pub app_dir: PathBuf,
    pub page: PathBuf,
    /// Root first, the page last; slots after the segment they hang off.
    pub files: Vec<RouteFile>,
    /// Dynamic segments and the URL parts they took.
    pub params: Vec<(String, String)>,
    /// Intercepting folders passed over on the way (soft navigation only).
    pub intercepting: Vec<PathBuf>,
}

/// A route's special file in `dir` (`layout.tsx`, `page.js`, …).
fn special(dir: &Path, name: &str) -> Option<PathBuf> {
    EXTENSIONS
        .iter()
        .map(|ext| dir.join(format!("{name}.{ext}")))
        .find(|p| p.is_file())
}

fn is_group(name: &str) -> bool {
    name.starts_with('(') && name.ends_with(')') && !is_intercepting(name)
}

fn is_intercepting(name: &str) -> bool {
    name.starts_with("(.)") || name.starts_with("(..)") || name.starts_with("(...)")
}

/// Children folders of `dir`, sorted (deterministic tie-breaking).
fn children(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path())))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[derive(Debug, Clone)]
struct Match {
    /// Folders from the one searched down to the page's.
    dirs: Vec<PathBuf>,
    page: PathBuf,
    params: Vec<(String, String)>,
}

/// Rank of a child folder for `segment` (lower wins), `None` if it cannot
/// take it. Groups are transparent and tried with the static rank.
fn rank(name: &str, segment: Option<&str>) -> Option<u8> {
    if name.starts_with('_') || name.starts_with('@') || is_intercepting(name) {
        return None;
    }
    if is_group(name) {
        return Some(0);
    }
    if name.starts_with("[[...") && name.ends_with("]]") {
        return Some(3);
    }
    if name.starts_with("[...") && name.ends_with(']') {
        return segment.map(|_| 2);
    }
    if name.starts_with('[') && name.ends_with(']') {
        return segment.map(|_| 1);
    }
    (segment == Some(name)).then_some(0)
}

fn param_name(name: &str) -> String {
    name.trim_start_matches('[')
        .trim_end_matches(']')
        .trim_start_matches("...")
        .to_string()
}

/// Finds the page under `dir` for `segments`.
fn find(dir: &Path, segments: &[&str], intercepting: &mut Vec<PathBuf>) -> Option<Match> {
    if segments.is_empty()
        && let Some(page) = special(dir, "page")
    {
        return Some(Match {
            dirs: vec![dir.to_path_buf()],
            page,
            params: Vec::new(),
        });
    }
    let mut kids: Vec<(u8, String, PathBuf)> = Vec::new();
    for (name, path) in children(dir) {
        if is_intercepting(&name) {
            intercepting.push(path.clone());
        }
        if let Some(r) = rank(&name, segments.first().copied()) {
            kids.push((r, name, path));
        }
    }
    kids.sort();
    for (_, name, path) in kids {
        let found = if is_group(&name) {
            find(&path, segments, intercepting)
        } else if name.starts_with("[[...") || name.starts_with("[...") {
            // A catch-all takes every remaining segment: only its page.
            special(&path, "page").map(|page| Match {
                dirs: vec![path.clone()],
                page,
                params: vec![(param_name(&name), segments.join("/"))],
            })
        } else if name.starts_with('[') {
            find(&path, &segments[1..], intercepting).map(|mut m| {
                m.params
                    .insert(0, (param_name(&name), segments[0].to_string()));
                m
            })
        } else {
            find(&path, &segments[1..], intercepting)
        };
        if let Some(mut m) = found {
            m.dirs.insert(0, dir.to_path_buf());
            return Some(m);
        }
    }
    None
}

/// The app folders of `web`: `app`, then `src/app`.
pub fn app_dirs(web: &Path) -> Vec<PathBuf> {
    ["app", "src/app"]
        .iter()
        .map(|d| web.join(d))
        .filter(|d| d.is_dir())
        .collect()
}

/// Resolves `route` (`/auth/login`) in the App Router of `web`.
pub fn resolve(web: &Path, route: &str) -> Option<AppRoute> {
    let segments: Vec<&str> = route.split('/').filter(|s| !s.is_empty()).collect();
    for app_dir in app_dirs(web) {
        let mut intercepting = Vec::new();
        if let Some(m) = find(&app_dir, &segments, &mut intercepting) {
            intercepting.sort();
            intercepting.dedup();
            return Some(build(web, &app_dir, m, &segments, intercepting));
        }
    }
    None
}

/// The route of a page file given directly (`…/app/(g)/auth/login/page.tsx`).
pub fn from_page(page: &Path) -> Option<AppRoute> {
    let app_dir = page
        .ancestors()
        .skip(1)
        .find(|d| d.file_name().is_some_and(|n| n == "app"))?
        .to_path_buf();
    let web = if app_dir.parent()?.file_name().is_some_and(|n| n == "src") {
        app_dir.parent()?.parent()?.to_path_buf()
    } else {
        app_dir.parent()?.to_path_buf()
    };
    let rel = page.parent()?.strip_prefix(&app_dir).ok()?;
    let mut dirs = vec![app_dir.clone()];
    let mut segments = Vec::new();
    let mut params = Vec::new();
    let mut at = app_dir.clone();
    for c in rel.components() {
        let name = c.as_os_str().to_string_lossy().to_string();
        at = at.join(&name);
        dirs.push(at.clone());
        if name.starts_with('[') {
            params.push((param_name(&name), format!("[{}]", param_name(&name))));
        }
        if !is_group(&name) && !name.starts_with('@') {
            segments.push(name);
        }
    }
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let m = Match {
        dirs,
        page: page.to_path_buf(),
        params,
    };
    Some(build(&web, &app_dir, m, &segs, Vec::new()))
}

fn build(
    web: &Path,
    app_dir: &Path,
    m: Match,
    segments: &[&str],
    intercepting: Vec<PathBuf>,
) -> AppRoute {
    let mut files = Vec::new();
    for (depth, dir) in m.dirs.iter().enumerate() {
        for kind in SEGMENT_FILES {
            if let Some(path) = special(dir, kind) {
                files.push(RouteFile {
                    kind: kind.to_string(),
                    slot: None,
                    path,
                });
            }
        }
        if depth == 0
            && let Some(path) = special(dir, "global-error")
        {
            files.push(RouteFile {
                kind: "global-error".into(),
                slot: None,
                path,
            });
        }
        // Parallel slots of this segment render with the page: each takes
        // the URL left below this folder, or its `default`.
        let consumed = url_depth(app_dir, dir);
        let rest: Vec<&str> = segments.iter().skip(consumed).copied().collect();
        for (name, slot_dir) in children(dir) {
            if !name.starts_with('@') || name == "@children" {
                continue;
            }
            let mut ignored = Vec::new();
            let found = find(&slot_dir, &rest, &mut ignored);
            let (slot_dirs, page, kind) = match found {
                Some(sm) => (sm.dirs, Some(sm.page), "page"),
                None => (
                    vec![slot_dir.clone()],
                    special(&slot_dir, "default"),
                    "default",
                ),
            };
            for d in &slot_dirs {
                for k in SEGMENT_FILES {
                    if let Some(path) = special(d, k) {
                        files.push(RouteFile {
                            kind: k.to_string(),
                            slot: Some(name.clone()),
                            path,
                        });
                    }
                }
            }
            if let Some(path) = page {
                files.push(RouteFile {
                    kind: kind.into(),
                    slot: Some(name.clone()),
                    path,
                });
            }
        }
    }
    files.push(RouteFile {
        kind: "page".into(),
        slot: None,
        path: m.page.clone(),
    });
    AppRoute {
        web: web.to_path_buf(),
        app_dir: app_dir.to_path_buf(),
        page: m.page,
        files,
        params: m.params,
        intercepting,
    }
}

/// URL segments a folder below `app_dir` stands for (groups and slots
/// take none).
fn url_depth(app_dir: &Path, dir: &Path) -> usize {
    dir.strip_prefix(app_dir)
        .map(|rel| {
            rel.components()
                .filter(|c| {
                    let n = c.as_os_str().to_string_lossy();
                    !is_group(&n) && !n.starts_with('@')
                })
                .count()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::rank;

    #[test]
    fn ranks() {
        assert_eq!(rank("login", Some("login")), Some(0));
        assert_eq!(rank("login", Some("logout")), None);
        assert_eq!(rank("[id]", Some("x")), Some(1));
        assert_eq!(rank("[id]", None), None);
        assert_eq!(rank("[...slug]", Some("x")), Some(2));
        assert_eq!(rank("[[...slug]]", None), Some(3));
        assert_eq!(rank("(group)", None), Some(0));
        assert_eq!(rank("(.)photo", Some("photo")), None);
        assert_eq!(rank("@modal", Some("x")), None);
        assert_eq!(rank("_components", Some("_components")), None);
    }
}
