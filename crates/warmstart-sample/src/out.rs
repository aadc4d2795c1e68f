//! The sample is built in memory first (a sorted map of path → bytes), then
//! written in parallel: generation stays sequential and deterministic, and
//! the slow part — creating tens of thousands of files — uses every core.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::SampleError;

#[derive(Debug, Default)]
pub(crate) struct Out {
    pub(crate) files: BTreeMap<String, Vec<u8>>,
}

impl Out {
    pub(crate) fn text(&mut self, path: impl Into<String>, text: impl Into<String>) {
        self.files.insert(path.into(), text.into().into_bytes());
    }

    pub(crate) fn bytes(&mut self, path: impl Into<String>, bytes: Vec<u8>) {
        self.files.insert(path.into(), bytes);
    }

    /// Pretty JSON with 2-space indent and a final newline, as editors write it.
    pub(crate) fn json(&mut self, path: impl Into<String>, value: &impl Serialize) {
        let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
        text.push('\n');
        self.text(path, text);
    }

    pub(crate) fn write(&self, root: &Path) -> Result<(), SampleError> {
        let dirs: BTreeSet<&str> = self
            .files
            .keys()
            .filter_map(|p| p.rsplit_once('/').map(|(d, _)| d))
            .collect();
        std::fs::create_dir_all(root).map_err(|source| io(root, source))?;
        for dir in dirs {
            let path = root.join(dir);
            std::fs::create_dir_all(&path).map_err(|source| io(&path, source))?;
        }
        self.files.par_iter().try_for_each(|(rel, bytes)| {
            let path = root.join(rel);
            std::fs::write(&path, bytes).map_err(|source| io(&path, source))
        })
    }
}

fn io(path: &Path, source: std::io::Error) -> SampleError {
    SampleError::Fs(warmstart_fs::FsError::Write {
        path: path.to_path_buf(),
        source,
    })
}
