//! `packages/app-store`: config.json apps, `_metadata.ts` apps of every
//! shape, `templates/` and `ee/` (expanded in place by app-store-cli), `_`
//! folders it skips, a folder with neither file, plain top-level files, and
//! per app: `static/`, `api/`, `zod.ts`, `components/`, `lib/`.
//! The six `*.generated.ts(x)` registries are deliberately absent:
//! `warmstart apps build` writes them.

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::assets;
use crate::graph::{Graph, value_imports};
use crate::metadata::{METADATA_APPS, MetadataApp};
use crate::out::Out;
use crate::rng::Rng;

const ROOT: &str = "packages/app-store";

/// Component files app-store-cli maps into `apps.browser.generated.tsx`.
pub const COMPONENTS: [&str; 4] = [
    "InstallAppButton",
    "AppSettingsInterface",
    "EventTypeAppCardInterface",
    "EventTypeAppSettingsInterface",
];

#[derive(Debug)]
enum Source {
    Config(serde_json::Value),
    Metadata(&'static MetadataApp),
}

#[derive(Debug)]
pub(crate) struct App {
    /// Relative to packages/app-store: `alby`, `templates/basic`, `ee/x`.
    pub dir: String,
    source: Source,
    description: String,
    api: bool,
    zod: bool,
    components: Vec<&'static str>,
    statics: usize,
}

impl App {
    fn name(&self) -> &str {
        self.dir.rsplit('/').next().unwrap_or(&self.dir)
    }
}

/// Counts of what the app store holds, for tests of the registry builder.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct AppStoreFacts {
    /// App folders app-store-cli picks up (config.json or `_metadata.ts`).
    pub apps: usize,
    pub config_json_apps: usize,
    pub metadata_apps: usize,
    pub template_apps: usize,
    pub ee_apps: usize,
    /// Apps with `api/index.ts` (the server registry).
    pub api_apps: usize,
    /// Apps with `zod.ts` (the two schema registries).
    pub zod_apps: usize,
    /// Apps whose metadata has `appData.location` or `appData.tag`.
    pub booker_apps: usize,
    /// Apps in the `crm` category.
    pub crm_apps: usize,
    /// Per component file (InstallAppButton, …): how many apps have it.
    pub components: std::collections::BTreeMap<String, usize>,
    /// Files under the apps' `static/` folders.
    pub static_files: usize,
    /// Skipped folders: `_`-prefixed ones and the one with neither file.
    pub skipped_folders: Vec<String>,
}

const BRANDS: &[&str] = &[
    "acme", "bloom", "cobalt", "delta", "ember", "fable", "glimmer", "harbor", "indigo", "juniper",
    "kite", "lumen", "maple", "nimbus", "orbit", "pebble", "quartz", "ripple", "sable", "tundra",
    "umber", "vortex", "willow", "xenon", "yonder", "zephyr",
];
const CATEGORIES: &[(&str, &str)] = &[
    ("calendar", "calendar"),
    ("conferencing", "video"),
    ("payment", "pay"),
    ("crm", "crm"),
    ("analytics", "analytics"),
    ("automation", "automation"),
    ("messaging", "messaging"),
    ("other", "other"),
];

/// Chooses the apps: the fixed ones that cover every shape, then seeded
/// config.json apps up to `wanted` (never fewer than the fixed ones).
pub(crate) fn plan(wanted: usize, rng: &mut Rng) -> Vec<App> {
    let mut apps: Vec<App> = METADATA_APPS
        .iter()
        .map(|m| App {
            dir: m.dir.to_owned(),
            source: Source::Metadata(m),
            description: m.description.to_owned(),
            api: true,
            zod: matches!(
                m.dir,
                "giphy" | "stripepayment" | "dailyvideo" | "ee/meteredbilling"
            ),
            components: match m.dir {
                "giphy" | "stripepayment" => vec![COMPONENTS[2], COMPONENTS[3]],
                "googlecalendar" | "applecalendar" => vec![COMPONENTS[0]],
                "vital" => vec![COMPONENTS[1]],
                _ => vec![],
            },
            statics: if m.dir == "giphy" {
                3
            } else {
                1 + rng.below(4)
            },
        })
        .collect();
    let fixed: &[(&str, &str, &str)] = &[
        ("around", "conferencing", "Around Video"),
        ("baa-for-hipaa", "other", "BAA for HIPAA"),
        ("ga4", "analytics", "Google Analytics"),
        ("gtm", "analytics", "Google Tag Manager"),
        ("ics-feedcalendar", "calendar", "ICS Feed"),
        ("qr_code", "other", "QR Code"),
        ("ee/teamsync", "crm", "Team Sync"),
        ("templates/basic", "other", "Basic"),
        (
            "templates/booking-pages-tag",
            "analytics",
            "Booking Pages Tag",
        ),
        (
            "templates/event-type-app-card",
            "other",
            "Event Type App Card",
        ),
    ];
    for &(dir, category, title) in fixed {
        apps.push(config_app(dir, category, title, rng));
    }
    let mut taken: std::collections::BTreeSet<String> =
        apps.iter().map(|a| a.name().to_owned()).collect();
    while apps.len() < wanted {
        let brand = *rng.pick(BRANDS);
        let &(category, suffix) = rng.pick(CATEGORIES);
        let sep = if rng.chance(20) { "-" } else { "" };
        let mut name = format!("{brand}{sep}{suffix}");
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{brand}{sep}{suffix}{n}");
            n += 1;
        }
        taken.insert(name.clone());
        let title = format!("{}{} {}", brand[..1].to_uppercase(), &brand[1..], suffix);
        apps.push(config_app(&name, category, &title, rng));
    }
    apps.sort_by(|a, b| a.dir.cmp(&b.dir));
    apps
}

fn config_app(dir: &str, category: &str, title: &str, rng: &mut Rng) -> App {
    let name = dir.rsplit('/').next().unwrap_or(dir);
    let slug = name.replace('_', "-");
    let template = dir.starts_with("templates/");
    let description = format!("{title} for Cal.com: a sample {category} app.");
    let mut config = json!({
        "/*": "Don't modify slug - If required, do it using cli edit command",
        "name": title,
        "slug": slug,
        "type": format!("{}_{category}", name.replace('-', "_")),
        "logo": "icon.svg",
        "url": format!("https://example.com/apps/{slug}"),
        "variant": category,
        "categories": [category],
        "publisher": "Cal.com, Inc.",
        "email": "support@example.com",
        "description": description,
    });
    let obj = config.as_object_mut().expect("literal object");
    match category {
        "conferencing" => {
            let link = if rng.chance(50) { "static" } else { "dynamic" };
            obj.insert(
                "appData".into(),
                json!({ "location": {
                    "type": format!("integrations:{}_video", slug.replace('-', "_")),
                    "label": title,
                    "linkType": link,
                }}),
            );
        }
        "analytics" => {
            obj.insert(
                "appData".into(),
                json!({ "tag": { "scripts": [{
                    "src": format!("https://cdn.example.com/{slug}.js"),
                    "attrs": { "async": true },
                }]}}),
            );
            obj.insert("extendsFeature".into(), json!("EventType"));
        }
        "payment" => {
            obj.insert("extendsFeature".into(), json!("EventType"));
        }
        _ => {}
    }
    obj.insert("isTemplate".into(), json!(template));
    obj.insert("__createdUsingCli".into(), json!(true));
    if !template {
        obj.insert("dirName".into(), json!(name));
        obj.insert(
            "isOAuth".into(),
            json!(matches!(category, "calendar" | "crm")),
        );
    }
    let components = COMPONENTS
        .iter()
        .copied()
        .filter(|_| rng.chance(35))
        .collect();
    App {
        dir: dir.to_owned(),
        source: Source::Config(config),
        description,
        api: template || rng.chance(85),
        zod: rng.chance(50) || matches!(category, "payment" | "analytics"),
        components,
        statics: 1 + rng.below(4),
    }
}

/// Folders that host filler modules: top-level apps only.
pub(crate) fn filler_hosts(apps: &[App]) -> Vec<String> {
    apps.iter()
        .filter(|a| !a.dir.contains('/'))
        .map(|a| format!("{ROOT}/{}", a.dir))
        .collect()
}

pub(crate) fn emit(out: &mut Out, apps: &[App], graph: &Graph, rng: &mut Rng) -> AppStoreFacts {
    let mut facts = AppStoreFacts::default();
    for app in apps {
        emit_app(out, app, graph, rng, &mut facts);
    }
    emit_top_level(out, apps, graph, rng, &mut facts);
    facts
}

fn emit_app(out: &mut Out, app: &App, graph: &Graph, rng: &mut Rng, facts: &mut AppStoreFacts) {
    let base = format!("{ROOT}/{}", app.dir);
    let name = app.name();
    facts.apps += 1;
    facts.template_apps += usize::from(app.dir.starts_with("templates/"));
    facts.ee_apps += usize::from(app.dir.starts_with("ee/"));
    let category = match &app.source {
        Source::Config(config) => {
            facts.config_json_apps += 1;
            out.json(format!("{base}/config.json"), config);
            facts.booker_apps += usize::from(config.get("appData").is_some());
            config["categories"][0]
                .as_str()
                .unwrap_or("other")
                .to_owned()
        }
        Source::Metadata(m) => {
            facts.metadata_apps += 1;
            facts.booker_apps += usize::from(m.booker);
            out.text(format!("{base}/_metadata.ts"), m.text);
            m.category.to_owned()
        }
    };
    facts.crm_apps += usize::from(category == "crm");
    out.json(
        format!("{base}/package.json"),
        &json!({
            "private": true,
            "name": format!("@calcom/{name}"),
            "version": "0.0.0",
            "main": "./index.ts",
            "description": app.description,
            "dependencies": { "@calcom/lib": "*", "@calcom/prisma": "*" },
            "devDependencies": { "@calcom/types": "*" },
        }),
    );
    out.text(
        format!("{base}/DESCRIPTION.md"),
        format!("---\nitems:\n  - 1.png\n---\n\n{}\n", app.description),
    );

    // lib/: the app's filler modules behind an index.
    let mut lib_index = String::new();
    for m in graph.of_package(&base) {
        let file = m.path.rsplit('/').next().unwrap_or_default();
        lib_index.push_str(&format!(
            "export * from \"./{}\";\n",
            file.trim_end_matches(".ts")
        ));
    }
    lib_index.push_str(&format!("export const APP_NAME = \"{name}\";\n"));
    out.text(format!("{base}/lib/index.ts"), lib_index);

    let mut index = String::from("export * as lib from \"./lib\";\n");
    if app.api {
        facts.api_apps += 1;
        index.insert_str(0, "export * as api from \"./api\";\n");
        emit_api(out, &base, graph, rng);
    }
    out.text(format!("{base}/index.ts"), index);

    if app.zod {
        facts.zod_apps += 1;
        out.text(
            format!("{base}/zod.ts"),
            "import { z } from \"zod\";\n\n\
             import { eventTypeAppCardZod } from \"@calcom/app-store/eventTypeAppCardZod\";\n\n\
             export const appDataSchema = eventTypeAppCardZod.merge(\n  z.object({\n    \
             enabled: z.boolean().optional(),\n  })\n);\n\n\
             export const appKeysSchema = z.object({\n  api_key: z.string().min(1),\n});\n",
        );
    }

    for component in &app.components {
        *facts.components.entry((*component).to_owned()).or_default() += 1;
        let path = format!("{base}/components/{component}.tsx");
        let picked = graph.pick(rng, &graph.features, 1);
        let (imports, expr) = value_imports(&path, &picked);
        out.text(
            path,
            format!(
                "import {{ Button, Switch }} from \"@calcom/ui\";\n{imports}\n\
                 import {{ APP_NAME }} from \"../lib\";\n\n\
                 export default function {component}() {{\n  return (\n    <div data-app={{APP_NAME}}>\n      \
                 <Switch />\n      <Button>{{{expr}}}</Button>\n    </div>\n  );\n}}\n"
            ),
        );
    }

    emit_statics(out, &base, name, app.statics, rng, facts);
}

/// `api/`: one or two handlers behind an index.
fn emit_api(out: &mut Out, base: &str, graph: &Graph, rng: &mut Rng) {
    let handlers: &[&str] = if rng.chance(50) {
        &["add", "callback"]
    } else {
        &["add"]
    };
    let mut api_index = String::new();
    for h in handlers {
        api_index.push_str(&format!("export {{ default as {h} }} from \"./{h}\";\n"));
        let path = format!("{base}/api/{h}.ts");
        let picked = graph.pick(rng, &graph.lib, 2);
        let (imports, expr) = value_imports(&path, &picked);
        out.text(
            path,
            format!(
                "import type {{ NextApiRequest, NextApiResponse }} from \"next\";\n\n\
                 import getParsedAppKeysFromCredential from \"@calcom/app-store/_utils/getParsedAppKeysFromCredential\";\n\
                 {imports}\nimport {{ APP_NAME }} from \"../lib\";\n\n\
                 export default async function handler(req: NextApiRequest, res: NextApiResponse) {{\n  \
                 const keys = getParsedAppKeysFromCredential(req.body);\n  \
                 res.status(200).json({{ app: APP_NAME, step: \"{h}\", keys, n: {expr} }});\n}}\n"
            ),
        );
    }
    out.text(format!("{base}/api/index.ts"), api_index);
}

/// `static/`: an SVG icon and PNGs.
fn emit_statics(
    out: &mut Out,
    base: &str,
    name: &str,
    statics: usize,
    rng: &mut Rng,
    facts: &mut AppStoreFacts,
) {
    for k in 0..statics {
        facts.static_files += 1;
        let (file, bytes) = match (k, name) {
            (0, _) => (
                "icon.svg".to_owned(),
                assets::svg_icon(rng, name).into_bytes(),
            ),
            (k, "giphy") => (format!("GIPHY{k}.png"), assets::png(rng, 24)),
            (k, _) => (format!("{k}.png"), assets::png(rng, 8 + 8 * k as u32)),
        };
        out.bytes(format!("{base}/static/{file}"), bytes);
    }
}

fn emit_top_level(
    out: &mut Out,
    apps: &[App],
    graph: &Graph,
    rng: &mut Rng,
    facts: &mut AppStoreFacts,
) {
    out.json(
        format!("{ROOT}/package.json"),
        &json!({
            "name": "@calcom/app-store",
            "private": true,
            "sideEffects": false,
            "version": "0.0.0",
            "main": "./index.ts",
            "dependencies": { "@calcom/lib": "*", "@calcom/ui": "*", "@calcom/features": "*", "zod": "^3.22.4" },
            "devDependencies": { "@calcom/types": "*" },
        }),
    );
    out.json(
        format!("{ROOT}/tsconfig.json"),
        &json!({ "extends": "@calcom/tsconfig/react-library.json", "include": ["."], "exclude": ["dist", "node_modules"] }),
    );
    let mut index = String::from("// Lazy map of every app's entry module.\nconst appStore = {\n");
    for app in apps {
        let key = app.name().replace(['-', '.'], "_");
        index.push_str(&format!("  {key}: () => import(\"./{}\"),\n", app.dir));
    }
    index.push_str("};\n\nexport default appStore;\n");
    out.text(format!("{ROOT}/index.ts"), index);
    out.text(
        format!("{ROOT}/appStoreMetaData.ts"),
        "import { appStoreMetadata as rawAppStoreMetadata } from \"./apps.metadata.generated\";\n\n\
         export const appStoreMetadata = rawAppStoreMetadata;\n",
    );
    out.text(
        format!("{ROOT}/bookerAppsMetaData.ts"),
        "import { appStoreMetadata } from \"./bookerApps.metadata.generated\";\n\n\
         export const bookerAppsMetadata = appStoreMetadata;\n",
    );
    out.text(
        format!("{ROOT}/utils.ts"),
        "import { appStoreMetadata } from \"./appStoreMetaData\";\n\n\
         export const getAppFromSlug = (slug: string) =>\n  \
         Object.values(appStoreMetadata).find((app) => app.slug === slug);\n",
    );
    out.text(
        format!("{ROOT}/eventTypeAppCardZod.ts"),
        "import { z } from \"zod\";\n\nexport const eventTypeAppCardZod = z.object({\n  \
         price: z.number().optional(),\n  currency: z.string().optional(),\n  enabled: z.boolean().optional(),\n});\n",
    );
    out.text(
        format!("{ROOT}/locations.ts"),
        "export const DailyLocationType = \"integrations:daily\";\nexport const MeetLocationType = \"integrations:google:meet\";\n",
    );
    out.text(
        format!("{ROOT}/types.d.ts"),
        "export type AppDataSchema = { enabled?: boolean };\n",
    );
    out.text(
        format!("{ROOT}/CONTRIBUTING.md"),
        "# Adding an app\n\nCreate a folder with a `config.json`, then run the registry build.\n",
    );

    // Folders app-store-cli must skip.
    let picked = graph.pick(rng, &graph.lib, 1);
    let path = format!("{ROOT}/_utils/getParsedAppKeysFromCredential.ts");
    let (imports, expr) = value_imports(&path, &picked);
    out.text(
        path,
        format!(
            "{imports}\nexport default function getParsedAppKeysFromCredential(body: unknown) {{\n  \
             return {{ body, n: {expr} }};\n}}\n"
        ),
    );
    out.text(
        format!("{ROOT}/_utils/useIsAppEnabled.ts"),
        "export default function useIsAppEnabled(enabled?: boolean) {\n  return !!enabled;\n}\n",
    );
    out.text(
        format!("{ROOT}/_components/AppNotInstalledMessage.tsx"),
        "import { Button } from \"@calcom/ui\";\n\nexport default function AppNotInstalledMessage() {\n  \
         return <Button>Install the app first</Button>;\n}\n",
    );
    out.text(
        format!("{ROOT}/_pages/setup/index.tsx"),
        "export default function SetupPage() {\n  return <div>Setup</div>;\n}\n",
    );
    // A `_` template carries a config.json and must still be skipped.
    out.json(
        format!("{ROOT}/templates/_auth-based-app/config.json"),
        &json!({ "name": "Auth based app", "slug": "auth-based-app", "isTemplate": true }),
    );
    out.text(
        format!("{ROOT}/ee/_shared/README.md"),
        "Shared enterprise helpers (not an app).\n",
    );
    // A folder with neither config.json nor _metadata.ts.
    out.text(
        format!("{ROOT}/wip-app/README.md"),
        "An app being written: no config.json or _metadata.ts yet.\n",
    );
    out.text(
        format!("{ROOT}/wip-app/lib/index.ts"),
        "export const WIP = true;\n",
    );
    facts.skipped_folders = [
        "_components",
        "_pages",
        "_utils",
        "ee/_shared",
        "templates/_auth-based-app",
        "wip-app",
    ]
    .map(|s| format!("{ROOT}/{s}"))
    .to_vec();
}
