//! The `apps` section of `warmstart.json`: where the app store is and which
//! registry files to generate. Registries are data: the `calcom` preset
//! declares Cal.com's six files, and a user adds, changes or removes one in
//! `warmstart.json` (deep merge by key; `null` removes) without Rust changes.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use warmstart_workspace::Preset;

use crate::OrderedMap;

/// The `apps` section of `warmstart.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct AppsConfig {
    /// The app-store folder, relative to the repository root.
    pub dir: String,
    /// Folders inside `dir` whose sub-folders are apps too (expanded in place,
    /// at the folder's own sort position).
    pub group_dirs: Vec<String>,
    /// Comment printed verbatim at the top of every generated file.
    pub banner: String,
    /// Import groups, as regular expressions in order, like prettier's
    /// `importOrder` (`<THIRD_PARTY_MODULES>` marks where unmatched imports go).
    pub import_order: Vec<String>,
    /// The registry files to generate, keyed by file name inside `dir`.
    pub registries: OrderedMap<RegistryFile>,
    /// Apps the lazy `AppRegistry` lists in `coreApps` (loaded up front by
    /// a caller that wants them warm), by folder name.
    pub core_apps: Vec<String>,
    /// Extra or overriding entries of the lazy registry's route → apps map
    /// (`{ "/apps/installed/calendar": ["googlecalendar"] }`); the rest is
    /// derived from each app's `api/` and `pages/` files.
    pub routes: BTreeMap<String, Vec<String>>,
    /// Lazy mode: one generated API route per app (Next.js pages router),
    /// derived from the shared catch-all route so each app compiles alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route_shards: Option<RouteShards>,
    /// Build the lazy registries (and route shards) by default: what `apps
    /// build` does without `--mode`, and what `warmstart dev` prepares.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub lazy: bool,
}

/// How per-app route shards are made from the shared route: its text with
/// `replace` applied (`{key}`, `{slug}` and `{module}` filled per app),
/// written to `<dir>/<app>/<file name of template>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RouteShards {
    /// The shared route, relative to the root.
    pub template: String,
    /// The folder that holds one sub-folder per app, relative to the root.
    pub dir: String,
    /// The registry map whose apps get a shard (file name › map name).
    pub registry: String,
    /// `[from, to]` text replacements; each `from` must occur in the template.
    pub replace: Vec<(String, String)>,
}

/// One generated file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct RegistryFile {
    /// The exported maps of this file, keyed by exported name, in print order.
    pub maps: OrderedMap<RegistryMap>,
}

/// One exported `name → module` map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RegistryMap {
    /// The file of each app to import, relative to the app folder
    /// (e.g. `zod.ts`, `api/index.ts`). Apps without it get no entry.
    pub file: String,
    /// The export to import from `file`: a name, or `default`. Needed by the
    /// `eager` style only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_name: Option<String>,
    /// Tried when an app has no `file`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<ImportTarget>,
    /// How the value is loaded.
    #[serde(default)]
    pub style: ImportStyle,
    /// Keys that differ from the app's folder name: `{ "stripepayment": "stripe" }`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub keys: BTreeMap<String, String>,
    /// Keep only apps whose metadata passes this test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<Filter>,
}

/// A file and the export to take from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ImportTarget {
    /// Relative to the app folder.
    pub file: String,
    /// A name, or `default`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_name: Option<String>,
}

/// How a registry entry loads its module.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ImportStyle {
    /// `import { name as local } from "./app/file"` and `key: local`.
    #[default]
    Eager,
    /// `key: import("./app/file")`.
    Import,
    /// `key: dynamic(() => import("./app/file"))` with `next/dynamic`.
    Dynamic,
}

/// A test on an app's metadata (config.json, or `metadata` of `_metadata.ts`,
/// plus `name` = folder name and `path` = folder path). Paths are dotted,
/// like `appData.location`; a missing step reads as `undefined`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub enum Filter {
    /// The value at this path is truthy (JavaScript rules).
    Truthy(String),
    /// The array at `path` contains `value`.
    Contains {
        path: String,
        value: serde_json::Value,
    },
    /// The value at `path` equals `value`.
    Equals {
        path: String,
        value: serde_json::Value,
    },
    /// Any of these tests passes.
    AnyOf(Vec<Filter>),
    /// All of these tests pass.
    AllOf(Vec<Filter>),
    /// The test fails.
    Not(Box<Filter>),
}

/// The banner app-store-cli writes (kept byte for byte).
pub const CALCOM_BANNER: &str = "/**\n    This file is autogenerated using the command `yarn app-store:build --watch`.\n    Don't modify this file manually.\n**/\n";

impl AppsConfig {
    /// The defaults a preset gives this section.
    pub fn preset(preset: Preset) -> Self {
        let mut config = AppsConfig {
            dir: "packages/app-store".into(),
            group_dirs: vec!["ee".into(), "templates".into()],
            banner: CALCOM_BANNER.into(),
            import_order: [
                "(.*)/__mocks__/(.*)",
                "(.*)bookingScenario(.*)",
                "<THIRD_PARTY_MODULES>",
                "^@(calcom|ee)/(.*)$",
                "^@lib/(.*)$",
                "^@components/(.*)$",
                "^@(server|trpc)/(.*)$",
                "^~/(.*)$",
                "^[./]",
            ]
            .map(String::from)
            .to_vec(),
            registries: OrderedMap::default(),
            core_apps: Vec::new(),
            routes: BTreeMap::new(),
            route_shards: None,
            lazy: false,
        };
        if preset == Preset::Calcom {
            config.registries = calcom_registries();
            config.route_shards = Some(RouteShards {
                template: "apps/web/pages/api/integrations/[...args].ts".into(),
                dir: "apps/web/pages/api/integrations".into(),
                registry: "apps.server.generated.ts › apiHandlers".into(),
                replace: vec![
                    (
                        "(await import(\"@calcom/app-store/apps.server.generated\")).apiHandlers"
                            .into(),
                        "{ {key}: import(\"@calcom/app-store/{module}\") }".into(),
                    ),
                    (
                        "const [appName, apiEndpoint] = args;".into(),
                        "const [appName, apiEndpoint] = [\"{slug}\", ...args];".into(),
                    ),
                ],
            });
        }
        config
    }
}

fn lazy(file: &str, style: ImportStyle) -> RegistryMap {
    RegistryMap {
        file: file.into(),
        import_name: None,
        fallback: None,
        style,
        keys: BTreeMap::new(),
        filter: None,
    }
}

fn metadata_map(filter: Option<Filter>) -> RegistryMap {
    RegistryMap {
        file: "config.json".into(),
        import_name: Some("default".into()),
        fallback: Some(ImportTarget {
            file: "_metadata.ts".into(),
            import_name: Some("metadata".into()),
        }),
        style: ImportStyle::Eager,
        keys: BTreeMap::new(),
        filter,
    }
}

fn schema_map(import_name: &str) -> RegistryMap {
    RegistryMap {
        import_name: Some(import_name.into()),
        // The schemas are looked up by app id, and Stripe's id is not its folder.
        keys: BTreeMap::from([("stripepayment".into(), "stripe".into())]),
        ..lazy("zod.ts", ImportStyle::Eager)
    }
}

fn file(maps: Vec<(&str, RegistryMap)>) -> RegistryFile {
    RegistryFile {
        maps: OrderedMap(maps.into_iter().map(|(k, v)| (k.to_string(), v)).collect()),
    }
}

/// Cal.com's six registries, as `app-store-cli build` writes them.
fn calcom_registries() -> OrderedMap<RegistryFile> {
    let dynamic = |f: &str| lazy(&format!("components/{f}.tsx"), ImportStyle::Dynamic);
    let booker = Filter::AnyOf(vec![
        Filter::Truthy("appData.location".into()),
        Filter::Truthy("appData.tag".into()),
    ]);
    OrderedMap(
        [
            (
                "apps.metadata.generated.ts",
                file(vec![("appStoreMetadata", metadata_map(None))]),
            ),
            (
                "apps.server.generated.ts",
                file(vec![(
                    "apiHandlers",
                    lazy("api/index.ts", ImportStyle::Import),
                )]),
            ),
            (
                "apps.browser.generated.tsx",
                file(vec![
                    ("InstallAppButtonMap", dynamic("InstallAppButton")),
                    ("AppSettingsComponentsMap", dynamic("AppSettingsInterface")),
                    ("EventTypeAddonMap", dynamic("EventTypeAppCardInterface")),
                    (
                        "EventTypeSettingsMap",
                        dynamic("EventTypeAppSettingsInterface"),
                    ),
                ]),
            ),
            (
                "apps.schemas.generated.ts",
                file(vec![("appDataSchemas", schema_map("appDataSchema"))]),
            ),
            (
                "apps.keys-schemas.generated.ts",
                file(vec![("appKeysSchemas", schema_map("appKeysSchema"))]),
            ),
            (
                "bookerApps.metadata.generated.ts",
                file(vec![("appStoreMetadata", metadata_map(Some(booker)))]),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
    )
}
