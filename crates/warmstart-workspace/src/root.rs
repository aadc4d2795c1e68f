use std::path::{Path, PathBuf};

/// Name of the configuration file at the repository root.
pub const CONFIG_FILE: &str = "warmstart.json";

/// The repository a command works on.
#[derive(Debug, Clone)]
pub struct Root {
    /// Canonical path of the repository root (absolute, no symlinks): made
    /// so once here, never again by the commands.
    pub dir: PathBuf,
    /// `warmstart.json` at the root, when there is one.
    pub config_file: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum RootError {
    #[error("{} is not inside a repository warmstart recognizes", start.display())]
    #[diagnostic(
        code(warmstart::workspace::not_found),
        help(
            "run warmstart inside a monorepo (a folder with warmstart.json, a package.json with \
         `workspaces`, pnpm-workspace.yaml, or .git), or pass --root DIR"
        )
    )]
    NotFound { start: PathBuf },
    #[error("cannot use {} as the repository root: {source}", path.display())]
    #[diagnostic(code(warmstart::workspace::unreadable))]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Root {
    /// The repository at `dir` (`--root`): made absolute and canonical
    /// here, once, so every command sees the same root whatever symlinks
    /// or `..` led to it.
    pub fn at(dir: &Path) -> Result<Root, RootError> {
        let dir = canonical_dir(dir)?;
        let config = dir.join(CONFIG_FILE);
        Ok(Root {
            config_file: config.is_file().then_some(config),
            dir,
        })
    }
}

/// `path` absolute and canonical; an error unless it is a folder.
fn canonical_dir(path: &Path) -> Result<PathBuf, RootError> {
    let unreadable = |source| RootError::Unreadable {
        path: path.to_path_buf(),
        source,
    };
    let dir = std::fs::canonicalize(path).map_err(unreadable)?;
    if !dir.is_dir() {
        return Err(unreadable(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "not a directory",
        )));
    }
    Ok(dir)
}

/// Finds the repository root from `start` (a folder at or below it).
///
/// The nearest ancestor with `warmstart.json` wins; otherwise the nearest
/// ancestor that declares workspaces (package.json `workspaces` or
/// `pnpm-workspace.yaml`); otherwise the nearest one with `.git`.
pub fn find_root(start: &Path) -> Result<Root, RootError> {
    let start = canonical_dir(start)?;
    let ancestors: Vec<&Path> = start.ancestors().collect();
    let found = ancestors
        .iter()
        .find(|dir| dir.join(CONFIG_FILE).is_file())
        .or_else(|| ancestors.iter().find(|dir| declares_workspaces(dir)))
        .or_else(|| ancestors.iter().find(|dir| dir.join(".git").exists()));
    match found {
        Some(dir) => {
            let config = dir.join(CONFIG_FILE);
            Ok(Root {
                dir: dir.to_path_buf(),
                config_file: config.is_file().then_some(config),
            })
        }
        None => Err(RootError::NotFound { start }),
    }
}

fn declares_workspaces(dir: &Path) -> bool {
    if dir.join("pnpm-workspace.yaml").is_file() {
        return true;
    }
    let Ok(text) = std::fs::read_to_string(dir.join("package.json")) else {
        return false;
    };
    serde_json::from_str::<serde_json::Value>(&text)
        .map(|v| v.get("workspaces").is_some())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn finds_workspace_root_from_a_subfolder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("package.json"), r#"{"workspaces":["apps/*"]}"#).unwrap();
        fs::create_dir_all(root.join("apps/web/src")).unwrap();
        fs::write(root.join("apps/web/package.json"), r#"{"name":"web"}"#).unwrap();
        let found = find_root(&root.join("apps/web/src")).unwrap();
        assert_eq!(found.dir, root);
        assert!(found.config_file.is_none());
    }

    #[test]
    fn config_file_wins_over_workspaces() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("package.json"), r#"{"workspaces":["a/*"]}"#).unwrap();
        fs::create_dir_all(root.join("a/inner")).unwrap();
        fs::write(root.join("a/inner/warmstart.json"), "{}").unwrap();
        let found = find_root(&root.join("a/inner")).unwrap();
        assert_eq!(found.dir, root.join("a/inner"));
    }

    #[test]
    fn nothing_found_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        // tempdirs live under /tmp, which has no markers above it.
        let err = find_root(dir.path());
        if let Err(e) = err {
            assert!(e.to_string().contains("not inside a repository"));
        }
    }
}
