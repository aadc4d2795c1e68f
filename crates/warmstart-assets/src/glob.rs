//! Glob helpers: the `from` pattern of a rule becomes a regex whose first
//! capture is `{dir}` (the longest match of the first `**`, as the plugin's
//! `/app-store\/(.*)\/static/` takes it), plus globsets for excludes and
//! critical assets.

use std::sync::OnceLock;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use regex::Regex;

use crate::error::{AssetsError, Result};

/// A compiled `from` pattern.
#[derive(Debug, Clone)]
pub struct FromPattern {
    pub glob: String,
    /// The literal folder before the first wildcard: where the walk starts.
    pub base: String,
    regex_src: String,
    /// Compiled at once when the pattern needs it, else on first use (a
    /// regex costs more to build than a no-change run spends matching).
    regex: OnceLock<Regex>,
    /// `<base>/**/<lit>/**` (the plugin's shape): matched by string search
    /// instead of a capturing regex, same result, a fraction of the cost.
    simple: Option<(String, String)>,
}

impl FromPattern {
    pub fn new(glob: &str) -> Result<FromPattern> {
        let bad = |message: &str| AssetsError::BadGlob {
            field: "rules.from",
            glob: glob.to_string(),
            message: message.to_string(),
        };
        if glob.starts_with('/') || glob.contains('\\') || glob.split('/').any(|s| s == "..") {
            return Err(AssetsError::OutsideRoot {
                path: glob.to_string(),
                why: "a `from` glob must be relative to the root, with no `..` and `/` separators"
                    .into(),
            });
        }
        let mut base = Vec::new();
        for seg in glob.split('/') {
            if seg.contains(['*', '?', '[', '{']) {
                break;
            }
            base.push(seg);
        }
        if base.len() == glob.split('/').count() {
            return Err(bad("it names one file; use a wildcard such as `dir/**`"));
        }
        let base = base.join("/");
        let regex_src = to_regex(glob).map_err(|m| bad(&m))?;
        let simple = glob
            .strip_prefix(&format!("{base}/**/"))
            .and_then(|rest| rest.strip_suffix("/**"))
            .filter(|lit| !lit.is_empty() && !lit.contains(['*', '?', '[', '{', '/']))
            .map(|lit| (format!("{base}/"), format!("{lit}/")));
        let regex = OnceLock::new();
        if simple.is_none() {
            let _ = regex.set(Regex::new(&regex_src).map_err(|e| bad(&e.to_string()))?);
        }
        Ok(FromPattern {
            glob: glob.to_string(),
            base,
            regex_src,
            regex,
            simple,
        })
    }

    /// True when `path` matches (a DFA search, no captures: cheap).
    pub fn is_match(&self, path: &str) -> bool {
        match &self.simple {
            Some(_) => self.matches(path).is_some(),
            None => self.regex().is_match(path),
        }
    }

    /// `Some(dir)` when `path` matches; `dir` is what the first `**` matched
    /// (empty when the pattern has no `**` or it matched nothing).
    pub fn matches<'a>(&self, path: &'a str) -> Option<&'a str> {
        if let Some((prefix, lit)) = &self.simple {
            // The last `lit/` that starts a segment (greedy, like the regex).
            let rest = path.strip_prefix(prefix.as_str())?;
            let mut end = rest.len();
            while let Some(i) = rest[..end].rfind(lit.as_str()) {
                if i == 0 || rest.as_bytes()[i - 1] == b'/' {
                    return Some(if i == 0 { "" } else { &rest[..i - 1] });
                }
                end = i + lit.len() - 1;
                if end == 0 {
                    break;
                }
            }
            return None;
        }
        let caps = self.regex().captures(path)?;
        Some(caps.get(1).map(|m| m.as_str()).unwrap_or(""))
    }
}

impl FromPattern {
    fn regex(&self) -> &Regex {
        // Only the simple shape defers compiling, and its regex is an
        // escaped literal around `(?:(.*)/)?` and `(.*)`: always valid.
        self.regex
            .get_or_init(|| Regex::new(&self.regex_src).expect("a simple pattern's regex is valid"))
    }
}

fn to_regex(glob: &str) -> Result<String, String> {
    let mut out = String::from("^");
    let chars: Vec<char> = glob.chars().collect();
    let mut i = 0;
    let mut captured = false;
    let mut in_braces = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '*' if chars.get(i + 1) == Some(&'*') => {
                let slash = chars.get(i + 2) == Some(&'/');
                let group = if captured { "(?:.*)" } else { "(.*)" };
                captured = true;
                if slash {
                    // `**/` matches zero or more whole folders.
                    out.push_str(&format!("(?:{group}/)?"));
                    i += 3;
                } else {
                    out.push_str(group);
                    i += 2;
                }
            }
            '*' => {
                out.push_str("[^/]*");
                i += 1;
            }
            '?' => {
                out.push_str("[^/]");
                i += 1;
            }
            '[' => {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == ']')
                    .ok_or("unclosed `[`")?;
                let class: String = chars[i + 1..i + end].iter().collect();
                let class = class
                    .strip_prefix('!')
                    .map(|c| format!("^{c}"))
                    .unwrap_or(class);
                out.push('[');
                out.push_str(&class.replace('\\', "\\\\"));
                out.push(']');
                i += end + 1;
            }
            '{' => {
                in_braces = true;
                out.push_str("(?:");
                i += 1;
            }
            ',' if in_braces => {
                out.push('|');
                i += 1;
            }
            '}' if in_braces => {
                in_braces = false;
                out.push(')');
                i += 1;
            }
            other => {
                out.push_str(&regex::escape(&other.to_string()));
                i += 1;
            }
        }
    }
    if in_braces {
        return Err("unclosed `{`".into());
    }
    out.push('$');
    Ok(out)
}

/// A set of repo-relative globs (`*` does not cross `/`), parsed (and so
/// checked) at once but compiled on first use: a no-change run whose walk
/// is cached never needs the excludes.
#[derive(Debug)]
pub struct Globs {
    globs: Vec<Glob>,
    set: OnceLock<GlobSet>,
}

impl Globs {
    pub fn new(field: &'static str, globs: &[String]) -> Result<Globs> {
        let mut parsed = Vec::new();
        for glob in globs {
            let g = GlobBuilder::new(glob)
                .literal_separator(true)
                .build()
                .map_err(|e| AssetsError::BadGlob {
                    field,
                    glob: glob.clone(),
                    message: e.kind().to_string(),
                })?;
            parsed.push(g);
        }
        Ok(Globs {
            globs: parsed,
            set: OnceLock::new(),
        })
    }

    pub fn is_match(&self, path: &str) -> bool {
        if self.globs.is_empty() {
            return false;
        }
        self.set
            .get_or_init(|| {
                let mut builder = GlobSetBuilder::new();
                for g in &self.globs {
                    builder.add(g.clone());
                }
                // Parsed globs only fail to build past regex size limits;
                // then nothing matches rather than a crash.
                builder.build().unwrap_or_else(|_| GlobSet::empty())
            })
            .is_match(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dir_is_the_longest_match_like_the_plugin() {
        let p = FromPattern::new("packages/app-store/**/static/**").unwrap();
        assert_eq!(p.base, "packages/app-store");
        assert_eq!(
            p.matches("packages/app-store/alby/static/icon.svg"),
            Some("alby")
        );
        assert_eq!(
            p.matches("packages/app-store/templates/basic/static/icon.svg"),
            Some("templates/basic")
        );
        assert_eq!(p.matches("packages/app-store/alby/api/index.ts"), None);
        assert_eq!(p.matches("packages/app-store/static/x.png"), Some(""));
    }

    #[test]
    fn the_fast_path_agrees_with_the_regex() {
        let fast = FromPattern::new("packages/app-store/**/static/**").unwrap();
        assert!(fast.simple.is_some());
        let mut slow = fast.clone();
        slow.simple = None;
        for path in [
            "packages/app-store/alby/static/icon.svg",
            "packages/app-store/templates/basic/static/icon.svg",
            "packages/app-store/static/x.png",
            "packages/app-store/a/static/b/static/c.png",
            "packages/app-store/a/xstatic/c.png",
            "packages/app-store/a/static/",
            "packages/app-store/a/static",
            "packages/app-store/a/b.ts",
            "packages/app-storex/a/static/b.png",
            "other/a/static/b.png",
        ] {
            assert_eq!(fast.matches(path), slow.matches(path), "{path}");
            assert_eq!(fast.is_match(path), slow.is_match(path), "{path}");
        }
    }

    #[test]
    fn classes_and_braces() {
        let p = FromPattern::new("assets/*/{img,icons}/[a-c]?.png").unwrap();
        assert!(p.matches("assets/x/img/a1.png").is_some());
        assert!(p.matches("assets/x/icons/c2.png").is_some());
        assert!(p.matches("assets/x/other/a1.png").is_none());
        assert!(p.matches("assets/x/y/img/a1.png").is_none());
    }

    #[test]
    fn refuses_escapes() {
        assert!(matches!(
            FromPattern::new("../x/**"),
            Err(AssetsError::OutsideRoot { .. })
        ));
        assert!(matches!(
            FromPattern::new("/etc/**"),
            Err(AssetsError::OutsideRoot { .. })
        ));
        assert!(FromPattern::new("a/b.png").is_err());
    }
}
