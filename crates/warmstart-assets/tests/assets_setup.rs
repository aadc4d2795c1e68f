//! setup, validate and clean on real files: modes, fallbacks, conflicts,
//! user files, collisions, refusals and incremental runs.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::io;

use common::*;
use warmstart_assets::{
    AssetsError, FsLinker, Kind, LinkRequest, Linker, Mode, ModeChoice, Refusing,
};

#[test]
fn default_is_one_folder_link_per_app_and_idempotent() {
    let dir = fixture();
    let root = dir.path();
    let r = setup(root);
    assert_eq!(r.assets, 8);
    assert_eq!(r.modes.get(&Mode::DirSymlink), Some(&8));
    assert!(
        fs::symlink_metadata(dest(root, "alpha"))
            .unwrap()
            .is_symlink()
    );
    assert_eq!(
        fs::read_link(dest(root, "templates/basic")).unwrap(),
        std::path::Path::new("../../../../../packages/app-store/templates/basic/static")
    );
    assert_identical(root);
    // `templates/` was made by warmstart to hold the nested link.
    assert!(
        r.created
            .iter()
            .any(|m| m.path.ends_with("app-store/templates") && m.mode == Mode::Dir)
    );
    // The recorded walk is reused while no source folder changed.
    assert!(!assets(root).plan().unwrap().rescanned);
    let again = setup(root);
    assert!(again.created.is_empty() && again.removed.is_empty());
    assert_eq!(again.kept, 8);
    assert!(assets(root).validate().unwrap().ok);
}

#[test]
fn each_mode_when_asked() {
    for (choice, expect) in [
        (ModeChoice::Symlink, &[Mode::DirSymlink][..]),
        (ModeChoice::Hardlink, &[Mode::Hardlink][..]),
        // ext4 and tmpfs refuse clones: the chain falls back to copies there.
        (ModeChoice::Reflink, &[Mode::Reflink, Mode::Copy][..]),
        (ModeChoice::Copy, &[Mode::Copy][..]),
    ] {
        let dir = fixture();
        let root = dir.path();
        let r = setup_with(root, choice, false, false, &FsLinker);
        let used: BTreeSet<Mode> = r.modes.keys().copied().collect();
        assert!(
            used.iter().all(|m| expect.contains(m)),
            "{choice:?}: {used:?}"
        );
        assert_identical(root);
        assert!(assets(root).validate().unwrap().ok, "{choice:?}");
        let m = warmstart_assets::Manifest::load(&assets(root).manifest_path).unwrap();
        if choice == ModeChoice::Copy {
            let e = &m.entries[&format!("{PUBLIC}/alpha/shot.png")];
            assert_eq!(e.size, Some(4096));
            assert_eq!(e.hash.as_deref().map(str::len), Some(64));
            assert!(e.mtime.is_some() && e.dest_mtime.is_some());
        }
        if choice == ModeChoice::Hardlink {
            use std::os::unix::fs::MetadataExt;
            let a = fs::metadata(dest(root, "alpha/icon.svg")).unwrap();
            let b = fs::metadata(root.join("packages/app-store/alpha/static/icon.svg")).unwrap();
            assert_eq!(a.ino(), b.ino());
        }
    }
}

/// Makes reflinks with a plain copy so the reflink step of the chain can be
/// observed on file systems that cannot clone.
struct FakeClone;
impl Linker for FakeClone {
    fn link(&self, mode: Mode, req: LinkRequest<'_>) -> io::Result<Option<String>> {
        match mode {
            Mode::Reflink => FsLinker.link(Mode::Copy, req),
            m => FsLinker.link(m, req),
        }
    }
}

#[test]
fn every_fallback_of_the_chain() {
    let cases: [(&[Mode], Option<Mode>); 5] = [
        (&[Mode::DirSymlink], Some(Mode::Symlink)),
        (&[Mode::DirSymlink, Mode::Symlink], Some(Mode::Hardlink)),
        (
            &[Mode::DirSymlink, Mode::Symlink, Mode::Hardlink],
            Some(Mode::Reflink),
        ),
        (
            &[
                Mode::DirSymlink,
                Mode::Symlink,
                Mode::Hardlink,
                Mode::Reflink,
            ],
            Some(Mode::Copy),
        ),
        (
            &[
                Mode::DirSymlink,
                Mode::Symlink,
                Mode::Hardlink,
                Mode::Reflink,
                Mode::Copy,
            ],
            None,
        ),
    ];
    for (refused, expect) in cases {
        let dir = fixture();
        let root = dir.path();
        let linker = Refusing {
            inner: FakeClone,
            refuse: refused.iter().copied().collect(),
        };
        let r = setup_with(root, ModeChoice::Auto, false, false, &linker);
        match expect {
            Some(mode) => {
                assert_eq!(
                    r.modes.get(&mode),
                    Some(&8),
                    "refused {refused:?}: {:?}",
                    r.modes
                );
                assert!(r.failed.is_empty());
                // Each refused mode is reported for what it refused.
                let reported: BTreeSet<Mode> = r.fallbacks.iter().map(|f| f.refused).collect();
                assert_eq!(reported, refused.iter().copied().collect());
                assert_identical(root);
                assert!(assets(root).validate().unwrap().ok);
            }
            None => {
                assert_eq!(r.failed.len(), 8);
                assert!(r.modes.is_empty());
            }
        }
    }
}

#[test]
fn windows_chain_is_junction_then_copy_and_refused_junctions_copy() {
    // The cfg(windows) chain cannot run here; its fallback logic can: a
    // refused folder link goes per file, and an explicit copy chain copies.
    let dir = fixture();
    let root = dir.path();
    let linker = Refusing {
        inner: FsLinker,
        refuse: [
            Mode::DirSymlink,
            Mode::Symlink,
            Mode::Hardlink,
            Mode::Reflink,
        ]
        .into(),
    };
    let r = setup_with(root, ModeChoice::Auto, false, false, &linker);
    assert_eq!(r.modes.get(&Mode::Copy), Some(&8));
    assert!(fs::metadata(dest(root, "alpha")).unwrap().is_dir());
}

#[test]
fn user_files_survive_setup_and_clean() {
    let dir = fixture();
    let root = dir.path();
    write(root, &format!("{PUBLIC}/alpha/notes.txt"), b"mine");
    write(root, &format!("{PUBLIC}/beta/icon.svg"), b"my own icon");
    let r = setup(root);
    // alpha exists as the user's folder: per-file links beside the user file.
    assert_eq!(fs::read(dest(root, "alpha/notes.txt")).unwrap(), b"mine");
    assert!(
        fs::symlink_metadata(dest(root, "alpha/icon.svg"))
            .unwrap()
            .is_symlink()
    );
    // beta/icon.svg is the user's: a conflict, skipped, untouched.
    assert_eq!(r.conflicts.len(), 1);
    assert_eq!(r.conflicts[0].path, format!("{PUBLIC}/beta/icon.svg"));
    assert_eq!(
        fs::read(dest(root, "beta/icon.svg")).unwrap(),
        b"my own icon"
    );
    let v = assets(root).validate().unwrap();
    assert!(!v.ok);
    assert_eq!(v.problems.len(), 1);
    assert_eq!(v.problems[0].kind, Kind::Foreign);

    let c = assets(root).clean().unwrap();
    assert!(!c.removed.is_empty());
    assert_eq!(fs::read(dest(root, "alpha/notes.txt")).unwrap(), b"mine");
    assert_eq!(
        fs::read(dest(root, "beta/icon.svg")).unwrap(),
        b"my own icon"
    );
    assert_eq!(
        fs::read(dest(root, "../app-store/calendar.svg")).unwrap(),
        b"<svg>category</svg>"
    );
    assert!(fs::symlink_metadata(dest(root, "gamma")).is_err());
    assert!(fs::symlink_metadata(dest(root, "alpha/icon.svg")).is_err());
    // The template folder warmstart made is gone, the user's folders stay.
    assert!(fs::symlink_metadata(dest(root, "templates")).is_err());
    assert!(dest(root, "alpha").is_dir());
}

#[test]
fn force_replaces_a_conflict() {
    let dir = fixture();
    let root = dir.path();
    write(root, &format!("{PUBLIC}/beta/icon.svg"), b"my own icon");
    let r = setup_with(root, ModeChoice::Auto, true, false, &FsLinker);
    assert!(r.conflicts.is_empty());
    assert_identical(root);
    assert!(assets(root).validate().unwrap().ok);
}

#[test]
fn a_foreign_link_in_place_of_an_app_folder_is_a_conflict() {
    let dir = fixture();
    let root = dir.path();
    fs::create_dir_all(root.join(PUBLIC)).unwrap();
    std::os::unix::fs::symlink("/tmp", dest(root, "gamma")).unwrap();
    let r = setup(root);
    assert_eq!(r.conflicts.len(), 2);
    assert_eq!(
        fs::read_link(dest(root, "gamma")).unwrap(),
        std::path::Path::new("/tmp")
    );
}

#[test]
fn two_sources_for_one_destination_name_both() {
    let dir = fixture();
    let root = dir.path();
    write(
        root,
        "packages/app-store/alpha/static/sub/icon.svg",
        b"other",
    );
    let err = assets(root).plan().unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, AssetsError::Collision { .. }), "{msg}");
    assert!(
        msg.contains("packages/app-store/alpha/static/icon.svg"),
        "{msg}"
    );
    assert!(
        msg.contains("packages/app-store/alpha/static/sub/icon.svg"),
        "{msg}"
    );
    assert!(msg.contains(&format!("{PUBLIC}/alpha/icon.svg")), "{msg}");
}

#[test]
fn paths_outside_the_root_are_refused() {
    let dir = fixture();
    let root = dir.path();
    let mut cfg = config();
    cfg.rules[0].from = "../elsewhere/**/static/**".into();
    assert!(matches!(
        warmstart_assets::Assets::new(root, &cfg),
        Err(AssetsError::OutsideRoot { .. })
    ));
    let mut cfg = config();
    cfg.rules[0].from = "/etc/**".into();
    assert!(matches!(
        warmstart_assets::Assets::new(root, &cfg),
        Err(AssetsError::OutsideRoot { .. })
    ));
    let mut cfg = config();
    cfg.rules[0].to = "../out/{dir}/[name][ext]".into();
    assert!(matches!(
        warmstart_assets::Assets::new(root, &cfg),
        Err(AssetsError::OutsideRoot { .. })
    ));

    // A linked folder among the sources that leaves the repository.
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "static/secret.png", b"secret");
    std::os::unix::fs::symlink(outside.path(), root.join("packages/app-store/evil")).unwrap();
    let err = assets(root).plan().unwrap_err();
    assert!(matches!(err, AssetsError::OutsideRoot { .. }), "{err}");
    assert!(err.to_string().contains("packages/app-store/evil"), "{err}");
    fs::remove_file(root.join("packages/app-store/evil")).unwrap();

    // A destination folder that is a link out of the repository.
    let public_out = tempfile::tempdir().unwrap();
    fs::remove_dir_all(root.join("apps/web/public")).unwrap();
    std::os::unix::fs::symlink(public_out.path(), root.join("apps/web/public")).unwrap();
    let err = assets(root)
        .setup(&warmstart_assets::SetupOptions {
            mode: ModeChoice::Auto,
            force: true,
            lazy: false,
            linker: &FsLinker,
            progress: &|_, _| {},
        })
        .unwrap_err();
    assert!(matches!(err, AssetsError::OutsideRoot { .. }), "{err}");
    assert!(fs::read_dir(public_out.path()).unwrap().next().is_none());
}

#[test]
fn generic_preset_has_nothing_configured() {
    let dir = fixture();
    let cfg = warmstart_assets::AssetsConfig::preset(warmstart_workspace::Preset::Generic);
    let err = warmstart_assets::Assets::new(dir.path(), &cfg)
        .err()
        .unwrap();
    assert!(matches!(err, AssetsError::NoRules));
}

#[test]
fn incremental_runs_follow_the_sources() {
    let dir = fixture();
    let root = dir.path();
    setup(root);
    // A new file in a linked app needs nothing; a new app needs one link.
    write(root, "packages/app-store/alpha/static/new.svg", b"new");
    write(root, "packages/app-store/delta/static/icon.svg", b"delta");
    assert!(assets(root).plan().unwrap().rescanned);
    let r = setup(root);
    assert_eq!(r.created.len(), 1, "{:?}", r.created);
    assert_eq!(r.created[0].path, format!("{PUBLIC}/delta"));
    assert_eq!(fs::read(dest(root, "alpha/new.svg")).unwrap(), b"new");
    // A removed app: its link goes.
    fs::remove_dir_all(root.join("packages/app-store/delta")).unwrap();
    let v = assets(root).validate().unwrap();
    assert_eq!(
        v.problems.iter().map(|p| p.kind).collect::<Vec<_>>(),
        [Kind::Dangling]
    );
    let r = setup(root);
    assert_eq!(r.removed, [format!("{PUBLIC}/delta")]);
    assert!(assets(root).validate().unwrap().ok);
}

#[test]
fn validate_finds_missing_stale_and_a_removed_app_folder() {
    let dir = fixture();
    let root = dir.path();
    setup_with(root, ModeChoice::Copy, false, false, &FsLinker);
    assert!(assets(root).validate().unwrap().ok);
    // A copy older than its source.
    std::thread::sleep(std::time::Duration::from_millis(20));
    write(
        root,
        "packages/app-store/alpha/static/icon.svg",
        b"<svg>v2</svg>",
    );
    fs::remove_dir_all(dest(root, "beta")).unwrap();
    let v = assets(root).validate().unwrap();
    let kinds: Vec<(Kind, String)> = v
        .problems
        .iter()
        .map(|p| (p.kind, p.path.clone()))
        .collect();
    assert_eq!(
        kinds,
        [
            (Kind::Missing, format!("{PUBLIC}/beta/icon.svg")),
            (Kind::Missing, format!("{PUBLIC}/beta/shot.png")),
            (Kind::Stale, format!("{PUBLIC}/alpha/icon.svg")),
        ]
    );
    let r = setup_with(root, ModeChoice::Copy, false, false, &FsLinker);
    assert_eq!(r.created.len(), 4, "{:?}", r.created); // beta dir + 2 files + alpha/icon.svg
    assert_eq!(
        fs::read(dest(root, "alpha/icon.svg")).unwrap(),
        b"<svg>v2</svg>"
    );
    assert!(assets(root).validate().unwrap().ok);
}

#[test]
fn switching_to_copy_replaces_links_and_back_keeps_copies() {
    let dir = fixture();
    let root = dir.path();
    setup(root);
    let r = setup_with(root, ModeChoice::Copy, false, false, &FsLinker);
    assert_eq!(r.modes.get(&Mode::Copy), Some(&8));
    assert!(
        !fs::symlink_metadata(dest(root, "alpha"))
            .unwrap()
            .is_symlink()
    );
    assert_identical(root);
    // auto keeps valid copies: no churn for a dev server.
    let r = setup(root);
    assert!(r.created.is_empty() && r.removed.is_empty());
}

#[test]
fn an_interrupted_run_is_repaired() {
    let dir = fixture();
    let root = dir.path();
    setup_with(root, ModeChoice::Copy, false, false, &FsLinker);
    // Simulate a kill: entries pending, one destination missing, a temp file.
    let a = assets(root);
    let mut m = warmstart_assets::Manifest::load(&a.manifest_path).unwrap();
    for e in m.entries.values_mut() {
        e.pending = true;
    }
    m.save(&a.manifest_path).unwrap();
    fs::remove_file(dest(root, "gamma/shot.png")).unwrap();
    write(
        root,
        &format!("{PUBLIC}/gamma/{}x", warmstart_fs::TEMP_PREFIX),
        b"half",
    );
    let r = setup_with(root, ModeChoice::Copy, false, false, &FsLinker);
    assert!(r.conflicts.is_empty(), "{:?}", r.conflicts);
    assert_eq!(r.created.len(), 1);
    assert!(r.repaired.iter().any(|s| s.ends_with("removed")));
    no_temp_files(root);
    assert_identical(root);
    assert!(assets(root).validate().unwrap().ok);
}

#[test]
fn lazy_setup_links_only_critical_assets() {
    let dir = fixture();
    let root = dir.path();
    let r = setup_with(root, ModeChoice::Auto, false, true, &FsLinker);
    assert_eq!(r.deferred, 4);
    assert!(
        fs::symlink_metadata(dest(root, "alpha/icon.svg"))
            .unwrap()
            .is_symlink()
    );
    assert!(fs::symlink_metadata(dest(root, "alpha/shot.png")).is_err());
    let v = assets(root).validate().unwrap();
    assert!(v.ok && v.lazy, "{:?}", v.problems);
    let (lazy, _) = assets(root).write_lazy_manifest(None, &|_, _| {}).unwrap();
    let critical: Vec<&str> = lazy
        .assets
        .iter()
        .filter(|a| a.critical)
        .map(|a| a.path.as_str())
        .collect();
    assert_eq!(critical.len(), 4);
    assert!(critical.iter().all(|p| p.ends_with("icon.svg")));
    assert_eq!(
        lazy.assets[0].url.as_deref(),
        Some("/app-store/alpha/icon.svg")
    );
}

#[test]
fn a_killed_run_that_fell_back_or_had_not_replaced_yet_is_settled() {
    let dir = fixture();
    let root = dir.path();
    setup_with(root, ModeChoice::Copy, false, false, &FsLinker);
    let a = assets(root);
    // The killed run intended symlinks; one destination it had already made
    // as a hardlink (after a refused symlink), one it had not replaced yet.
    fs::remove_file(dest(root, "gamma/shot.png")).unwrap();
    fs::hard_link(
        root.join("packages/app-store/gamma/static/shot.png"),
        dest(root, "gamma/shot.png"),
    )
    .unwrap();
    let intent = serde_json::json!({
        "version": 1,
        "entries": {
            format!("{PUBLIC}/gamma/shot.png"): {
                "mode": "symlink", "source": "packages/app-store/gamma/static/shot.png", "pending": true
            },
            format!("{PUBLIC}/beta/icon.svg"): {
                "mode": "symlink", "source": "packages/app-store/beta/static/icon.svg", "pending": true
            }
        }
    });
    fs::write(
        a.manifest_path.with_file_name("intent.json"),
        intent.to_string(),
    )
    .unwrap();
    let v = a.validate().unwrap();
    assert!(v.ok, "settled in memory: {:?}", v.problems);
    let r = setup_with(root, ModeChoice::Copy, false, false, &FsLinker);
    assert!(r.conflicts.is_empty(), "{:?}", r.conflicts);
    assert!(
        r.repaired
            .iter()
            .any(|l| l.contains("gamma/shot.png: adopted (hardlink)")),
        "{:?}",
        r.repaired
    );
    assert!(!a.manifest_path.with_file_name("intent.json").exists());
    assert_identical(root);
    assert!(a.validate().unwrap().ok);
    let c = a.clean().unwrap();
    assert!(c.kept.is_empty(), "{:?}", c.kept);
    assert!(fs::symlink_metadata(dest(root, "gamma/shot.png")).is_err());
}
