//! A small hand-written app store covering every discovery and metadata
//! shape app-store-cli handles.

use std::fs;
use std::path::{Path, PathBuf};

pub fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

pub const STORE: &str = "packages/app-store";

/// Writes the fixture under `root` and returns the app-store folder.
pub fn fixture(root: &Path) -> PathBuf {
    let s = |rel: &str| format!("{STORE}/{rel}");
    let w = |rel: &str, text: &str| write(root, &s(rel), text);
    w(
        "alby/config.json",
        r#"{ "slug": "alby", "categories": ["payment"] }"#,
    );
    w("alby/api/index.ts", "export {};\n");
    w("alby/zod.ts", "export const appDataSchema = 1;\n");
    w(
        "alby/components/EventTypeAppCardInterface.tsx",
        "export default 1;\n",
    );
    w(
        "baa-for-hipaa/config.json",
        r#"{ "slug": "baa", "appData": { "tag": { "scripts": [] } } }"#,
    );
    w("baa-for-hipaa/api/index.ts", "export {};\n");
    w(
        "applecalendar/package.json",
        r#"{ "name": "@calcom/applecalendar", "description": "Apple" }"#,
    );
    w(
        "applecalendar/_metadata.ts",
        "import type { AppMeta } from \"@calcom/types/App\";\n\nimport _package from \"./package.json\";\n\n\
         export const metadata = {\n  name: \"Apple Calendar\",\n  description: _package.description,\n  \
         categories: [\"calendar\"],\n} as AppMeta;\n\nexport default metadata;\n",
    );
    w(
        "applecalendar/components/InstallAppButton.tsx",
        "export default 1;\n",
    );
    w(
        "dailyvideo/package.json",
        r#"{ "name": "@calcom/dailyvideo", "description": "Daily" }"#,
    );
    w(
        "dailyvideo/_metadata.ts",
        "import _package from \"./package.json\";\n// The key comes from the environment.\n\
         export const metadata = {\n  description: _package.description,\n  installed: !!process.env.DAILY_API_KEY,\n  \
         appData: { location: { type: \"integrations:daily\" } },\n  key: { apikey: process.env.DAILY_API_KEY },\n};\n",
    );
    w("dailyvideo/api/index.ts", "export {};\n");
    w(
        "dailyvideo/zod.ts",
        "export const appDataSchema = 1;\nexport const appKeysSchema = 1;\n",
    );
    w(
        "googlevideo/_metadata.ts",
        "import { validJson } from \"@calcom/lib/jsonUtils\";\n\nexport const metadata = {\n  \
         installed: !!(process.env.GOOGLE_API_CREDENTIALS && validJson(process.env.GOOGLE_API_CREDENTIALS)),\n  \
         appData: { location: { type: \"integrations:google:meet\" } },\n  categories: [\"conferencing\"],\n};\n",
    );
    w(
        "stripepayment/config.json",
        r#"{ "slug": "stripe", "categories": ["payment"] }"#,
    );
    w(
        "stripepayment/zod.ts",
        "export const appDataSchema = 1;\nexport const appKeysSchema = 1;\n",
    );
    w(
        "stripepayment/components/EventTypeAppSettingsInterface.tsx",
        "export default 1;\n",
    );
    w(
        "closecom/config.json",
        r#"{ "slug": "closecom", "categories": ["crm", "other"] }"#,
    );
    w("closecom/api/index.ts", "export {};\n");
    w("templates/basic/config.json", r#"{ "slug": "basic" }"#);
    w(
        "templates/basic/components/AppSettingsInterface.tsx",
        "export default 1;\n",
    );
    w(
        "templates/a-very-long-template-name-that-makes-the-line-wrap/components/AppSettingsInterface.tsx",
        "export default 1;\n",
    );
    w(
        "templates/a-very-long-template-name-that-makes-the-line-wrap/config.json",
        "{}",
    );
    w("templates/_auth-based-app/config.json", "{}");
    w("ee/teamsync/config.json", r#"{ "categories": ["crm"] }"#);
    w("ee/teamsync/api/index.ts", "export {};\n");
    // Entry modules, an extra API handler and a page: the lazy registry's
    // loaders and routes.
    w("alby/index.ts", "export * as api from \"./api\";\n");
    w("alby/api/add.ts", "export default 1;\n");
    w("closecom/index.ts", "export {};\n");
    w("closecom/pages/setup.tsx", "export default 1;\n");
    w("ee/teamsync/index.ts", "export {};\n");
    w("app10/config.json", "{}");
    w("app9/config.json", "{}");
    w("_utils/config.json", "{}");
    w("wip-app/README.md", "neither file\n");
    w("README.md", "a file, not an app\n");
    root.join(STORE)
}
