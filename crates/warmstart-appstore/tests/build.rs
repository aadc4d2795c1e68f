//! Registry builds on a hand-written fixture and on the generated sample:
//! every output is snapshotted, and every bad input gets a clear error.

mod common;

use std::fs;
use std::path::Path;

use common::{STORE, fixture, write};
use warmstart_appstore::{AppsConfig, AppsError, Build, BuildOutput};
use warmstart_workspace::{Preset, jsonc};

fn no_env(_: &str) -> Option<String> {
    None
}

fn build(root: &Path, config: &AppsConfig) -> Result<BuildOutput, AppsError> {
    Build::new(root, config).run(&no_env)
}

fn calcom() -> AppsConfig {
    AppsConfig::preset(Preset::Calcom)
}

fn snapshot_all(prefix: &str, output: &BuildOutput) {
    for file in &output.files {
        let name = file.path.rsplit('/').next().unwrap().to_string();
        insta::assert_snapshot!(format!("{prefix}__{name}"), file.contents);
    }
}

#[test]
fn fixture_outputs() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let output = build(dir.path(), &calcom()).unwrap();
    // wip-app (neither file) is an app folder too; it just has no entries.
    assert_eq!(output.apps, 13);
    snapshot_all("fixture", &output);
}

#[test]
fn sample_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("sample");
    let summary =
        warmstart_sample::generate(&root, &warmstart_sample::SampleOptions::default()).unwrap();
    let output = build(&root, &calcom()).unwrap();
    let entries = |name: &str| {
        output
            .files
            .iter()
            .find(|f| f.path.ends_with(name))
            .unwrap()
            .entries
    };
    let facts = &summary.app_store;
    assert_eq!(entries("apps.metadata.generated.ts"), facts.apps);
    assert_eq!(entries("apps.server.generated.ts"), facts.api_apps);
    assert_eq!(entries("apps.schemas.generated.ts"), facts.zod_apps);
    assert_eq!(
        entries("bookerApps.metadata.generated.ts"),
        facts.booker_apps
    );
    snapshot_all("sample", &output);
}

/// The documented example of docs/apps.md: a CRM map added in warmstart.json
/// without restating the preset's registries.
#[test]
fn a_user_registry_is_added_by_config() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let user = jsonc::parse(
        Path::new("warmstart.json"),
        r#"{
          // A map of CRM apps' API handlers, as later Cal.com versions have.
          "registries": {
            "crm.apps.generated.ts": {
              "maps": {
                "crmApiHandlers": {
                  "file": "api/index.ts",
                  "style": "import",
                  "filter": { "contains": { "path": "categories", "value": "crm" } },
                },
              },
            },
            "apps.keys-schemas.generated.ts": null,
          },
        }"#,
    )
    .unwrap();
    let mut merged = serde_json::to_value(calcom()).unwrap();
    jsonc::merge(&mut merged, user);
    let config: AppsConfig = serde_json::from_value(merged).unwrap();
    let output = build(dir.path(), &config).unwrap();
    let names: Vec<_> = output.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(names.len(), 6, "{names:?}");
    assert!(!names.iter().any(|n| n.contains("keys-schemas")));
    let crm = output
        .files
        .iter()
        .find(|f| f.path.ends_with("crm.apps.generated.ts"))
        .unwrap();
    insta::assert_snapshot!(crm.contents);
}

fn err(root: &Path) -> String {
    let e = build(root, &calcom()).unwrap_err();
    let report = miette::Report::new(e);
    format!("{report}")
}

#[test]
fn invalid_json_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    write(
        dir.path(),
        &format!("{STORE}/alby/config.json"),
        "{\n  \"slug\": \"alby\",\n}\n",
    );
    insta::assert_snapshot!(err(dir.path()), @"packages/app-store/alby/config.json:3:1: invalid JSON: trailing comma");
}

#[test]
fn unparsable_metadata_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    write(
        dir.path(),
        &format!("{STORE}/dailyvideo/_metadata.ts"),
        "export const metadata = {\n  name: \"x\"\n  slug: \"y\",\n};\n",
    );
    let msg = err(dir.path());
    assert!(
        msg.starts_with("packages/app-store/dailyvideo/_metadata.ts:3:3:"),
        "{msg}"
    );
    assert!(msg.contains("cannot parse"), "{msg}");
}

#[test]
fn a_needed_opaque_value_is_an_error_with_its_text() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    write(
        dir.path(),
        &format!("{STORE}/googlevideo/_metadata.ts"),
        "import { location } from \"./location\";\n\nexport const metadata = {\n  appData: { location: pick(location) },\n};\n",
    );
    insta::assert_snapshot!(err(dir.path()), @"packages/app-store/googlevideo/_metadata.ts:4:24: cannot evaluate `pick(location)` statically, but registry bookerApps.metadata.generated.ts › appStoreMetadata needs `appData.location` of app googlevideo");
}

#[test]
fn a_vanished_app_folder_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let store = fixture(dir.path());
    // Listed by readdir but gone by the time it is read: what a folder
    // removed mid-run looks like (a dangling link is the deterministic form).
    #[cfg(unix)]
    std::os::unix::fs::symlink(store.join("removed-meanwhile"), store.join("gone")).unwrap();
    #[cfg(unix)]
    insta::assert_snapshot!(err(dir.path()), @"app folder packages/app-store/gone disappeared while warmstart was reading it");
}

#[test]
fn an_unreadable_config_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let store = fixture(dir.path());
    // A folder where a file should be cannot be read, even by root.
    fs::create_dir_all(store.join("unreadable/config.json")).unwrap();
    let msg = err(dir.path());
    assert!(
        msg.starts_with("cannot read packages/app-store/unreadable/config.json:"),
        "{msg}"
    );
}

#[test]
fn an_unsafe_app_name_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let store = fixture(dir.path());
    fs::create_dir_all(store.join("bad\"name")).unwrap();
    insta::assert_snapshot!(err(dir.path()), @r#"app folder name "bad\"name" in packages/app-store is not a safe path segment"#);
}

#[test]
fn a_missing_app_store_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    insta::assert_snapshot!(err(dir.path()), @"the app store folder packages/app-store does not exist");
}

#[test]
fn eager_maps_need_an_import_name() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let mut config = calcom();
    let mut file = warmstart_appstore::RegistryFile::default();
    file.maps.insert(
        "bad",
        serde_json::from_value(serde_json::json!({ "file": "zod.ts" })).unwrap(),
    );
    config.registries.insert("x.generated.ts", file);
    let e = build(dir.path(), &config).unwrap_err();
    insta::assert_snapshot!(e.to_string(), @r#"registry x.generated.ts › bad: style "eager" needs an importName for "zod.ts" (a name, or "default")"#);
}

/// `--mode lazy`: metadata inlined as data; run-time expressions (the
/// environment, a helper call) copied as source with the imports they use.
#[test]
fn lazy_metadata_registries() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let output = Build::new(dir.path(), &calcom()).run_lazy(&no_env).unwrap();
    for name in [
        "appRegistry.lazy.generated.ts",
        "apps.crm.lazy.generated.ts",
    ] {
        let file = output
            .files
            .iter()
            .find(|f| f.path.ends_with(name))
            .unwrap();
        insta::assert_snapshot!(format!("lazy__{name}"), file.contents);
    }
    let lazy: Vec<_> = output
        .files
        .iter()
        .filter(|f| f.path.contains("metadata.lazy."))
        .collect();
    assert_eq!(lazy.len(), 2);
    for file in lazy {
        // No app module is imported: only what run-time expressions need.
        assert!(!file.contents.contains("/_metadata\""), "{}", file.contents);
        assert!(
            !file.contents.contains("config.json\""),
            "{}",
            file.contents
        );
        let name = file.path.rsplit('/').next().unwrap().to_string();
        insta::assert_snapshot!(format!("lazy__{name}"), file.contents);
    }
}

const SHARED_ROUTE: &str = r#"import type { NextApiRequest, NextApiResponse } from "next";

const handler = async (req: NextApiRequest, res: NextApiResponse) => {
  const { args } = req.query;
  if (!Array.isArray(args)) return res.status(404).end();
  const [appName, apiEndpoint] = args;
  const handlerMap = (await import("@calcom/app-store/apps.server.generated")).apiHandlers;
  const handlers = await handlerMap[appName as keyof typeof handlerMap];
  return (handlers as any)[apiEndpoint](req, res);
};

export default handler;
"#;

/// Lazy mode's route shards: one route per app with a server handler, the
/// shared route's text with the lookup narrowed to that app; a file that is
/// not warmstart's is never overwritten; an unknown route shape is skipped
/// with a note.
#[test]
fn route_shards_narrow_the_shared_route() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let route = "apps/web/pages/api/integrations/[...args].ts";
    write(dir.path(), route, SHARED_ROUTE);
    let output = Build::new(dir.path(), &calcom()).run_lazy(&no_env).unwrap();
    let shards: Vec<_> = output
        .files
        .iter()
        .filter(|f| f.path.starts_with("apps/web/pages/api/integrations/"))
        .map(|f| f.path.as_str())
        .collect();
    insta::assert_debug_snapshot!(shards);
    let alby = output
        .files
        .iter()
        .find(|f| f.path.contains("/alby/"))
        .unwrap();
    insta::assert_snapshot!(alby.contents);

    write(
        dir.path(),
        "apps/web/pages/api/integrations/alby/[...args].ts",
        "// mine\n",
    );
    let err = Build::new(dir.path(), &calcom())
        .run_lazy(&no_env)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("exists and was not written by warmstart"),
        "{err}"
    );
    fs::remove_file(
        dir.path()
            .join("apps/web/pages/api/integrations/alby/[...args].ts"),
    )
    .unwrap();

    write(dir.path(), route, "export default function handler() {}\n");
    let output = Build::new(dir.path(), &calcom()).run_lazy(&no_env).unwrap();
    assert!(
        output.notes[0].starts_with("route shards skipped"),
        "{:?}",
        output.notes
    );
}

#[test]
fn apps_whose_import_names_collide_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let store = fixture(dir.path());
    for name in ["my-app", "my_app"] {
        fs::create_dir_all(store.join(name)).unwrap();
        fs::copy(
            store.join("alby/config.json"),
            store.join(name).join("config.json"),
        )
        .unwrap();
    }
    insta::assert_snapshot!(err(dir.path()), @"apps packages/app-store/my-app and packages/app-store/my_app would both be imported as `my_app_config_json`");
}
