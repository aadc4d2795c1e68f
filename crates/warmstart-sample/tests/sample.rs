//! The generated sample: deterministic bytes, every app-store shape of
//! CALCOM.md, and planted-cycle facts that match the files.

use std::collections::BTreeMap;
use std::path::Path;

use warmstart_sample::{SampleOptions, SampleSummary, generate};

fn read_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn sample(options: &SampleOptions) -> (tempfile::TempDir, SampleSummary) {
    let tmp = tempfile::tempdir().unwrap();
    let summary = generate(&tmp.path().join("s"), options).unwrap();
    (tmp, summary)
}

fn text(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn same_seed_writes_the_same_bytes_and_another_seed_does_not() {
    let options = SampleOptions {
        apps: 30,
        modules: 900,
        seed: 7,
        ..SampleOptions::default()
    };
    let (a, _) = sample(&options);
    let (b, _) = sample(&options);
    let (c, _) = sample(&SampleOptions { seed: 8, ..options });
    let (ta, tb, tc) = (
        read_tree(&a.path().join("s")),
        read_tree(&b.path().join("s")),
        read_tree(&c.path().join("s")),
    );
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    assert!(ta == tb, "two generations with seed 7 differ");
    assert!(ta != tc, "seeds 7 and 8 wrote the same sample");
}

#[test]
fn summary_counts_are_exact_and_match_the_facts_file() {
    let options = SampleOptions {
        apps: 40,
        modules: 1500,
        seed: 2,
        ..SampleOptions::default()
    };
    let (tmp, summary) = sample(&options);
    let root = tmp.path().join("s");
    let tree = read_tree(&root);
    assert_eq!(summary.apps, 40);
    assert_eq!(summary.modules, 1500);
    assert_eq!(summary.files, tree.len());
    let modules = tree
        .keys()
        .filter(|p| [".ts", ".tsx", ".js"].iter().any(|e| p.ends_with(e)))
        .count();
    assert_eq!(modules, 1500);
    let facts: SampleSummary =
        serde_json::from_str(&text(&root, warmstart_sample::SUMMARY_FILE)).unwrap();
    assert_eq!(
        serde_json::to_value(&facts).unwrap(),
        serde_json::to_value(&summary).unwrap()
    );
    let statics = tree
        .keys()
        .filter(|p| p.contains("/static/") && p.starts_with("packages/app-store/"))
        .count();
    assert_eq!(statics, summary.app_store.static_files);
}

#[test]
fn too_small_options_still_write_every_shape() {
    let (tmp, summary) = sample(&SampleOptions {
        apps: 0,
        modules: 0,
        seed: 1,
        ..SampleOptions::default()
    });
    assert_eq!(summary.apps, 19, "the fixed apps are always written");
    assert!(
        tmp.path()
            .join("s/packages/app-store/dailyvideo/_metadata.ts")
            .is_file()
    );
    assert_eq!(summary.graph_edges, 0);
}

#[test]
fn app_store_has_every_shape_of_calcom() {
    let (tmp, summary) = sample(&SampleOptions::default());
    let root = tmp.path().join("s");
    let store = root.join("packages/app-store");
    let tree = read_tree(&store);
    // No generated registry: `warmstart apps build` writes them.
    assert!(!tree.keys().any(|p| p.contains(".generated.")));

    let metadata: String = [
        "applecalendar",
        "dailyvideo",
        "giphy",
        "googlecalendar",
        "stripepayment",
        "vital",
        "wipemycalother",
        "zoomvideo",
        "ee/meteredbilling",
    ]
    .iter()
    .map(|app| text(&store, &format!("{app}/_metadata.ts")))
    .collect();
    for shape in [
        "import _package from \"./package.json\";",
        "description: _package.description,",
        "name: _package.name,",
        "installed: !!process.env.DAILY_API_KEY,",
        "key: { apikey: process.env.DAILY_API_KEY },",
        "!!(process.env.GOOGLE_API_CREDENTIALS && validJson(process.env.GOOGLE_API_CREDENTIALS))",
        "import { validJson } from \"@calcom/lib/jsonUtils\";",
        "!!(\n    process.env.STRIPE_CLIENT_ID &&\n    process.env.NEXT_PUBLIC_STRIPE_PUBLIC_KEY &&\n    process.env.STRIPE_PRIVATE_KEY\n  ),",
        "|| !!process.env.VITAL_WEBHOOK_SECRET",
        "isGlobal: !process.env.VITAL_DISABLED,",
        "appData: {\n    location: {",
        "screenshots: [\n    { src:",
        "/**\n * Apple",
        "// shown under",
        "} as AppMeta;\n\nexport default metadata;\n",
    ] {
        assert!(metadata.contains(shape), "no _metadata.ts has {shape:?}");
    }
    // Never both files, and one folder with neither.
    for (path, _) in tree.iter().filter(|(p, _)| p.ends_with("/config.json")) {
        let dir = path.trim_end_matches("config.json");
        assert!(
            !tree.contains_key(&format!("{dir}_metadata.ts")),
            "{dir} has both"
        );
    }
    assert!(store.join("wip-app").is_dir());
    assert!(
        !store.join("wip-app/config.json").exists() && !store.join("wip-app/_metadata.ts").exists()
    );
    for dir in [
        "_utils",
        "_components",
        "_pages",
        "templates/basic",
        "templates/_auth-based-app",
        "ee/teamsync",
    ] {
        assert!(store.join(dir).is_dir(), "{dir}");
    }
    for file in [
        "index.ts",
        "utils.ts",
        "package.json",
        "eventTypeAppCardZod.ts",
    ] {
        assert!(store.join(file).is_file(), "{file}");
    }
    let stripe_zod = text(&store, "stripepayment/zod.ts");
    assert!(
        stripe_zod.contains("export const appKeysSchema")
            && stripe_zod.contains("export const appDataSchema")
    );
    assert_eq!(
        tree.keys().filter(|p| p.ends_with("/zod.ts")).count(),
        summary.app_store.zod_apps
    );
    assert_eq!(
        tree.keys().filter(|p| p.ends_with("/api/index.ts")).count(),
        summary.app_store.api_apps
    );
    for (component, n) in &summary.app_store.components {
        let suffix = format!("/components/{component}.tsx");
        assert_eq!(
            tree.keys().filter(|p| p.ends_with(&suffix)).count(),
            *n,
            "{component}"
        );
    }
    let booker = tree
        .iter()
        .filter(|(p, b)| {
            let t = String::from_utf8_lossy(b);
            (p.ends_with("/config.json") && !p.contains("/_") && t.contains("\"appData\""))
                || (p.ends_with("/_metadata.ts") && t.contains("appData:"))
        })
        .count();
    assert_eq!(booker, summary.app_store.booker_apps);
    // Every app has 1–4 statics, an icon first, and PNGs that are PNGs.
    for (path, bytes) in tree.iter().filter(|(p, _)| p.ends_with(".png")) {
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{path}");
    }
    assert!(tree.contains_key("giphy/static/GIPHY1.png"));
}

#[test]
fn workspace_web_app_and_barrels_are_cal_com_shaped() {
    let (tmp, _) = sample(&SampleOptions::default());
    let root = tmp.path().join("s");
    let pkg: serde_json::Value = serde_json::from_str(&text(&root, "package.json")).unwrap();
    assert_eq!(pkg["workspaces"][0], "apps/*");
    let lib: serde_json::Value =
        serde_json::from_str(&text(&root, "packages/lib/tsconfig.json")).unwrap();
    assert_eq!(lib["extends"], "@calcom/tsconfig/nextjs.json");
    assert!(root.join("packages/tsconfig/nextjs.json").is_file());
    let atoms: serde_json::Value =
        serde_json::from_str(&text(&root, "packages/platform/atoms/package.json")).unwrap();
    assert_eq!(atoms["exports"]["./monorepo"], "./monorepo.ts");
    let next = text(&root, "apps/web/next.config.js");
    assert!(
        next.contains("new CopyWebpackPlugin(")
            && next.contains("\"../../packages/app-store/**/static/**\"")
    );
    assert!(next.contains("public/app-store/${appName[1]}/[name][ext]"));
    assert!(
        text(&root, "apps/web/components/Loader.tsx")
            .contains("export { Loader as default } from \"@calcom/ui\";")
    );
    for page in [
        "pages/api/integrations/[...args].ts",
        "pages/auth/login.tsx",
        "pages/apps/[slug].tsx",
        "public/robots.txt",
    ] {
        assert!(root.join("apps/web").join(page).is_file(), "{page}");
    }
    assert!(
        text(&root, "packages/ui/index.ts")
            .matches("export {")
            .count()
            >= 15
    );
    assert!(
        text(
            &root,
            "packages/ui/components/form/date-range-picker/DateRangePicker.tsx"
        )
        .contains("import * as dates from \"tiny-dates\";")
    );
}

#[test]
fn planted_facts_match_the_files() {
    let (tmp, summary) = sample(&SampleOptions {
        apps: 24,
        modules: 3000,
        seed: 5,
        ..SampleOptions::default()
    });
    let root = tmp.path().join("s");
    let p = &summary.planted;
    assert_eq!(
        (
            p.runtime_cycles,
            p.type_only_cycles,
            p.barrel_cycles,
            p.dynamic_cycles,
            p.require_cycles,
            p.semantic_cycles
        ),
        (3, 2, 2, 1, 1, 1)
    );
    assert_eq!(p.cycles.len(), 10);
    for cycle in &p.cycles {
        for file in &cycle.files {
            assert!(root.join(file).is_file(), "{file}");
        }
    }
    let groups: Vec<usize> = warmstart_sample::VIEWS
        .iter()
        .map(|v| p.expected[*v].groups)
        .collect();
    assert_eq!(groups, [7, 6, 8, 9, 10]);
    assert_eq!(p.expected["all"].files_in_cycles, 24);
    // Each recorded value-import-used-as-type is at the line it names, and
    // its names appear nowhere else but after a `?: ` or `: `.
    assert!(p.type_only_value_imports.len() > 20);
    for t in &p.type_only_value_imports {
        let file = text(&root, &t.file);
        let line = file.lines().nth(t.line - 1).unwrap();
        assert!(
            line.starts_with("import {") && !line.contains("type "),
            "{}:{} {line}",
            t.file,
            t.line
        );
        assert!(line.contains(&format!("\"{}\"", t.specifier)));
        for name in &t.names {
            for (i, l) in file.lines().enumerate().filter(|(i, _)| *i + 1 != t.line) {
                for (at, _) in l.match_indices(name.as_str()) {
                    let before = &l[..at];
                    let after = l[at + name.len()..].chars().next();
                    if after.is_some_and(|c| c.is_ascii_alphanumeric()) {
                        continue;
                    }
                    assert!(
                        before.ends_with(": ") || before.ends_with("?: "),
                        "{}:{} uses {name} as a value",
                        t.file,
                        i + 1
                    );
                }
            }
        }
    }
}

#[test]
fn refuses_a_non_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("keep.txt"), "mine").unwrap();
    let err = generate(tmp.path(), &SampleOptions::default()).unwrap_err();
    assert!(err.to_string().contains("not empty"), "{err}");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("keep.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn file_list_of_a_tiny_sample() {
    let (tmp, _) = sample(&SampleOptions {
        apps: 19,
        modules: 0,
        seed: 1,
        ..SampleOptions::default()
    });
    let list: Vec<String> = read_tree(&tmp.path().join("s")).into_keys().collect();
    insta::assert_snapshot!(list.join("\n"));
}

/// The facts file of the smallest sample: documents its format.
#[test]
fn facts_file_of_a_tiny_sample() {
    let (tmp, _) = sample(&SampleOptions {
        apps: 19,
        modules: 0,
        seed: 1,
        ..SampleOptions::default()
    });
    let facts: serde_json::Value =
        serde_json::from_str(&text(&tmp.path().join("s"), warmstart_sample::SUMMARY_FILE)).unwrap();
    insta::assert_json_snapshot!(facts);
}

/// The `copy-script` shape changes only the files of Cal.com's 2025 layout
/// (apps/web's package.json and next.config.js, turbo.json, the facts file)
/// and adds the copy script; every other byte is the default sample's.
#[test]
fn copy_script_shape_changes_only_its_files() {
    use warmstart_sample::{COPY_SCRIPT, Shape};
    let options = SampleOptions {
        apps: 19,
        modules: 0,
        seed: 1,
        ..SampleOptions::default()
    };
    let (plain, _) = sample(&options);
    let (shaped, summary) = sample(&SampleOptions {
        shape: Shape::CopyScript,
        ..options
    });
    assert_eq!(summary.shape, Shape::CopyScript);
    let (a, b) = (
        read_tree(&plain.path().join("s")),
        read_tree(&shaped.path().join("s")),
    );
    let changed: Vec<&str> = b
        .iter()
        .filter(|(k, v)| a.get(*k) != Some(*v))
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(
        changed,
        [
            "apps/web/next.config.js",
            "apps/web/package.json",
            COPY_SCRIPT,
            "turbo.json",
            "warmstart-sample.json"
        ]
    );
    assert_eq!(a.len() + 1, b.len(), "one file added, none removed");
    let root = shaped.path().join("s");
    assert!(!text(&root, "apps/web/next.config.js").contains("CopyWebpackPlugin"));
    let web: serde_json::Value =
        serde_json::from_str(&text(&root, "apps/web/package.json")).unwrap();
    assert_eq!(
        web["scripts"]["dev"],
        "yarn copy-app-store-static && next dev"
    );
    assert_eq!(
        web["scripts"]["copy-app-store-static"],
        "node scripts/copy-app-store-static.js"
    );
    assert!(web["devDependencies"].get("copy-webpack-plugin").is_none());
    let turbo: serde_json::Value = serde_json::from_str(&text(&root, "turbo.json")).unwrap();
    assert_eq!(
        turbo["pipeline"]["@calcom/web#build"]["dependsOn"],
        serde_json::json!(["^build", "@calcom/web#copy-app-store-static"])
    );
    let facts: serde_json::Value =
        serde_json::from_str(&text(&root, warmstart_sample::SUMMARY_FILE)).unwrap();
    assert_eq!(facts["shape"], "copy-script");
    // The default's facts file does not name a shape (its bytes are kept).
    assert!(!text(&plain.path().join("s"), warmstart_sample::SUMMARY_FILE).contains("shape"));
}
