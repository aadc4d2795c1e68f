//! Files warmstart generates beyond the compatible registries (the lazy
//! outputs) are listed in a manifest and ignored by git through a block
//! appended to the repository's `.gitignore`; `warmstart apps clean` removes
//! exactly those files and exactly that block, so the tree is as it was.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::AppsError;

/// The manifest, beside the app store's registries.
pub const MANIFEST: &str = ".warmstart-generated.json";
const BEGIN: &str =
    "# >>> warmstart: generated files (`warmstart apps clean` removes them and this block)\n";
const END: &str = "# <<< warmstart\n";

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    /// Repo-relative paths of the generated files.
    files: Vec<String>,
    /// Whether warmstart created `.gitignore` (else it appended a block).
    created_gitignore: bool,
    /// Whether a newline was added before the block (the file did not end
    /// with one); clean takes it away again.
    #[serde(default)]
    added_newline: bool,
}

fn manifest_path(root: &Path, store_dir: &str) -> PathBuf {
    root.join(store_dir).join(MANIFEST)
}

fn io_err(path: &Path, source: std::io::Error) -> AppsError {
    AppsError::Read {
        path: path.display().to_string(),
        source,
    }
}

/// Records `files` (repo-relative) as generated and makes git ignore them
/// and the manifest. Idempotent: unchanged lists write nothing.
pub fn record(root: &Path, store_dir: &str, files: &[String]) -> Result<(), AppsError> {
    let path = manifest_path(root, store_dir);
    let old: Manifest = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let gitignore = root.join(".gitignore");
    let text = match std::fs::read_to_string(&gitignore) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io_err(&gitignore, e)),
    };
    let created = match &text {
        None => true,
        Some(_) if old.files.is_empty() => false,
        Some(_) => old.created_gitignore,
    };
    let mut base = strip_block(text.as_deref().unwrap_or(""));
    if old.added_newline && base.ends_with('\n') {
        base.pop();
    }
    let manifest_rel = format!("{}/{MANIFEST}", store_dir.trim_end_matches('/'));
    let mut block = String::from(BEGIN);
    for f in files.iter().chain(std::iter::once(&manifest_rel)) {
        block.push('/');
        // `[...args].ts` is a character class to git unless escaped.
        for c in f.chars() {
            if matches!(c, '[' | ']' | '*' | '?' | '\\') {
                block.push('\\');
            }
            block.push(c);
        }
        block.push('\n');
    }
    block.push_str(END);
    let mut new_text = base.clone();
    let added_newline = !new_text.is_empty() && !new_text.ends_with('\n');
    if added_newline {
        new_text.push('\n');
    }
    new_text.push_str(&block);
    warmstart_fs::write_if_changed(&gitignore, new_text.as_bytes())?;
    let manifest = Manifest {
        files: files.to_vec(),
        created_gitignore: created,
        added_newline,
    };
    let json = serde_json::to_string_pretty(&manifest).unwrap_or_default() + "\n";
    warmstart_fs::write_if_changed(&path, json.as_bytes())?;
    Ok(())
}

/// The text without warmstart's block.
fn strip_block(text: &str) -> String {
    match (text.find(BEGIN), text.find(END)) {
        (Some(b), Some(e)) if e > b => format!("{}{}", &text[..b], &text[e + END.len()..]),
        _ => text.to_string(),
    }
}

/// The files the manifest lists (empty without one).
pub fn recorded(root: &Path, store_dir: &str) -> Vec<String> {
    std::fs::read_to_string(manifest_path(root, store_dir))
        .ok()
        .and_then(|t| serde_json::from_str::<Manifest>(&t).ok())
        .map(|m| m.files)
        .unwrap_or_default()
}

/// Removes the generated files, the `.gitignore` block (or the file, if
/// warmstart created it) and the manifest. Returns the removed paths.
pub fn clean(root: &Path, store_dir: &str) -> Result<Vec<String>, AppsError> {
    let path = manifest_path(root, store_dir);
    let manifest: Manifest = match std::fs::read_to_string(&path) {
        Ok(t) => serde_json::from_str(&t)
            .map_err(|e| crate::error::json_error(&path.display().to_string(), &t, &e))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_err(&path, e)),
    };
    let mut removed = Vec::new();
    for f in &manifest.files {
        // Only paths inside the repository, as recorded.
        let p = root.join(f);
        if warmstart_fs::within_root(root, &p) && std::fs::remove_file(&p).is_ok() {
            removed.push(f.clone());
            // A folder warmstart created for a shard goes too (only if empty).
            if let Some(parent) = p.parent() {
                let _ = std::fs::remove_dir(parent);
            }
        }
    }
    let gitignore = root.join(".gitignore");
    if let Ok(text) = std::fs::read_to_string(&gitignore) {
        let base = strip_block(&text);
        if manifest.created_gitignore && base.trim().is_empty() {
            let _ = std::fs::remove_file(&gitignore);
        } else if base != text {
            let mut restored = base;
            if manifest.added_newline && restored.ends_with('\n') {
                restored.pop();
            }
            warmstart_fs::write_if_changed(&gitignore, restored.as_bytes())?;
        }
    }
    std::fs::remove_file(&path).map_err(|e| io_err(&path, e))?;
    removed.sort();
    Ok(removed)
}
