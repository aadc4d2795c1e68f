//! Shared fixture: a small Cal.com-shaped tree in a temp dir.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use warmstart_assets::{
    Assets, AssetsConfig, FsLinker, Linker, ModeChoice, SetupOptions, SetupReport,
};
use warmstart_workspace::Preset;

pub const PUBLIC: &str = "apps/web/public/app-store";

pub fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, bytes).unwrap();
}

/// Three apps, a template and an `ee/` app; a committed category icon in
/// public/app-store like Cal.com has.
pub fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for app in ["alpha", "beta", "gamma", "templates/basic"] {
        write(
            root,
            &format!("packages/app-store/{app}/static/icon.svg"),
            format!("<svg>{app}</svg>").as_bytes(),
        );
        write(
            root,
            &format!("packages/app-store/{app}/static/shot.png"),
            &vec![app.len() as u8; 4096],
        );
        write(
            root,
            &format!("packages/app-store/{app}/index.ts"),
            b"export {};",
        );
    }
    write(
        root,
        &format!("{PUBLIC}/calendar.svg"),
        b"<svg>category</svg>",
    );
    dir
}

pub fn config() -> AssetsConfig {
    AssetsConfig::preset(Preset::Calcom)
}

pub fn assets(root: &Path) -> Assets {
    Assets::new(root, &config()).unwrap()
}

pub fn setup_with(
    root: &Path,
    mode: ModeChoice,
    force: bool,
    lazy: bool,
    linker: &dyn Linker,
) -> SetupReport {
    assets(root)
        .setup(&SetupOptions {
            mode,
            force,
            lazy,
            linker,
            progress: &|_, _| {},
        })
        .unwrap()
}

pub fn setup(root: &Path) -> SetupReport {
    setup_with(root, ModeChoice::Auto, false, false, &FsLinker)
}

/// Every source reads identical at its destination.
pub fn assert_identical(root: &Path) {
    for app in ["alpha", "beta", "gamma", "templates/basic"] {
        for f in ["icon.svg", "shot.png"] {
            let src = fs::read(root.join(format!("packages/app-store/{app}/static/{f}"))).unwrap();
            let dst = fs::read(root.join(format!("{PUBLIC}/{app}/{f}")))
                .unwrap_or_else(|e| panic!("{app}/{f}: {e}"));
            assert_eq!(src, dst, "{app}/{f}");
        }
    }
}

pub fn dest(root: &Path, rel: &str) -> PathBuf {
    root.join(PUBLIC).join(rel)
}

pub fn no_temp_files(root: &Path) {
    for entry in walk(&root.join(PUBLIC)) {
        let name = entry.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            !name.starts_with(warmstart_fs::TEMP_PREFIX),
            "leftover {}",
            entry.display()
        );
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                out.extend(walk(&p));
            }
            out.push(p);
        }
    }
    out
}
