//! App Router routes (issue 16): a URL to the files Next renders — route
//! groups, dynamic and catch-all segments, the layout chain with template,
//! loading, error and not-found files, parallel slots and intercepting
//! folders — and the layered analysis: server components, the `"use
//! client"` boundary, and Turbopack passing side-effect-free barrels
//! through by name.

use std::path::Path;

use warmstart_graph::firstpage::{self, Bundler, Target};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const PAGE: &str = "export default function Page() { return null; }\n";
const LAYOUT: &str =
    "export default function Layout({ children }: { children: unknown }) { return children; }\n";

/// The route's files as `kind [slot] path` lines, params and intercepting
/// folders after them.
fn describe(root: &Path, route: &str) -> String {
    match firstpage::target(root, route) {
        Ok(Target::App(app)) => {
            let mut out = Vec::new();
            for f in &app.files {
                let rel = f.path.strip_prefix(root).unwrap().to_string_lossy();
                let slot = f
                    .slot
                    .as_deref()
                    .map(|s| format!(" {s}"))
                    .unwrap_or_default();
                out.push(format!("{}{slot} {rel}", f.kind));
            }
            for (k, v) in &app.params {
                out.push(format!("param {k} = {v:?}"));
            }
            for p in &app.intercepting {
                out.push(format!(
                    "intercepting {}",
                    p.strip_prefix(root).unwrap().to_string_lossy()
                ));
            }
            out.join("\n")
        }
        Ok(Target::Pages { entries, .. }) => format!("pages router: {entries:?}"),
        Err(e) => format!("error: {e}"),
    }
}

fn app_tree(root: &Path) {
    write(
        root,
        "package.json",
        r#"{ "name": "acme", "workspaces": ["apps/*", "packages/*"] }"#,
    );
    write(root, "apps/web/package.json", r#"{ "name": "@acme/web" }"#);
    let app = "apps/web/app";
    write(root, &format!("{app}/layout.tsx"), LAYOUT);
    write(root, &format!("{app}/not-found.tsx"), PAGE);
    write(
        root,
        &format!("{app}/global-error.tsx"),
        "\"use client\";\nexport default function E() { return null; }\n",
    );
    // Route groups: transparent in the URL, each with its layout.
    write(root, &format!("{app}/(marketing)/layout.tsx"), LAYOUT);
    write(root, &format!("{app}/(marketing)/pricing/page.tsx"), PAGE);
    write(
        root,
        &format!("{app}/(use-page-wrapper)/layout.tsx"),
        LAYOUT,
    );
    write(root, &format!("{app}/(use-page-wrapper)/loading.tsx"), PAGE);
    write(
        root,
        &format!("{app}/(use-page-wrapper)/auth/template.tsx"),
        LAYOUT,
    );
    write(
        root,
        &format!("{app}/(use-page-wrapper)/auth/login/page.tsx"),
        PAGE,
    );
    write(
        root,
        &format!("{app}/(use-page-wrapper)/auth/login/error.tsx"),
        "\"use client\";\nexport default function E() { return null; }\n",
    );
    // Private folders are not routes.
    write(root, &format!("{app}/_components/login/page.tsx"), PAGE);
    // Dynamic segments: a static sibling wins.
    write(root, &format!("{app}/apps/[slug]/page.tsx"), PAGE);
    write(root, &format!("{app}/apps/installed/page.tsx"), PAGE);
    write(root, &format!("{app}/apps/[slug]/setup/page.tsx"), PAGE);
    // Catch-all and optional catch-all.
    write(root, &format!("{app}/docs/[...slug]/page.tsx"), PAGE);
    write(root, &format!("{app}/settings/[[...tab]]/page.tsx"), PAGE);
    write(root, &format!("{app}/settings/layout.tsx"), LAYOUT);
    // A parallel slot with an intercepting route and its default.
    write(root, &format!("{app}/feed/layout.tsx"), LAYOUT);
    write(root, &format!("{app}/feed/page.tsx"), PAGE);
    write(root, &format!("{app}/feed/photo/[id]/page.tsx"), PAGE);
    write(root, &format!("{app}/feed/@modal/default.tsx"), PAGE);
    write(
        root,
        &format!("{app}/feed/@modal/(.)photo/[id]/page.tsx"),
        PAGE,
    );
    write(root, &format!("{app}/feed/@modal/login/page.tsx"), PAGE);
    write(root, &format!("{app}/feed/login/page.tsx"), PAGE);
}

#[test]
fn app_router_routes_resolve_to_their_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    app_tree(root);
    let mut out = String::new();
    for route in [
        "/auth/login",
        "/pricing",
        "/apps/zoom",
        "/apps/installed",
        "/apps/zoom/setup",
        "/docs/a/b",
        "/docs",
        "/settings",
        "/settings/profile/general",
        "/feed",
        "/feed/photo/7",
        "/feed/login",
        "/_components/login",
        "/nope",
    ] {
        out.push_str(&format!("## {route}\n{}\n\n", describe(root, route)));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn a_page_file_given_directly_gets_its_layout_chain() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    app_tree(root);
    insta::assert_snapshot!(describe(
        root,
        "apps/web/app/(use-page-wrapper)/auth/login/page.tsx"
    ));
}

#[test]
fn src_app_and_the_pages_router_first() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "package.json", r#"{ "name": "solo" }"#);
    write(root, "src/app/layout.tsx", LAYOUT);
    write(root, "src/app/(shop)/cart/page.tsx", PAGE);
    write(root, "pages/about.tsx", PAGE);
    let out = format!(
        "## /cart\n{}\n## /about\n{}\n",
        describe(root, "/cart"),
        describe(root, "/about").replace(&root.to_string_lossy().to_string(), "<root>")
    );
    insta::assert_snapshot!(out);
}

/// A route whose server component renders a `"use client"` component: the
/// client layer starts at the boundary; what only the server imports stays
/// out of it. Barrels: `@acme/ui` is not side-effect free (Turbopack
/// compiles all of it), `@acme/icons` is (only the icon used).
fn layered_tree(root: &Path) {
    write(
        root,
        "package.json",
        r#"{ "name": "acme", "workspaces": ["apps/*", "packages/*"] }"#,
    );
    write(
        root,
        "apps/web/package.json",
        r#"{ "name": "@acme/web", "scripts": { "dev": "next dev --turbopack" } }"#,
    );
    write(
        root,
        "apps/web/app/layout.tsx",
        "import { Shell } from \"../components/shell\";\nexport default function L({ children }: { children: unknown }) { return <Shell>{children}</Shell>; }\n",
    );
    write(
        root,
        "apps/web/components/shell.tsx",
        "export function Shell(p: { children?: unknown }) { return <main>{p.children as never}</main>; }\n",
    );
    write(
        root,
        "apps/web/app/(auth)/login/page.tsx",
        "import { query } from \"../../../server/db\";\nimport { LoginForm } from \"../../../components/login-form\";\nimport type { User } from \"../../../server/db\";\nexport default async function Page() { const u: User = await query(); return <LoginForm name={u.name} />; }\n",
    );
    write(
        root,
        "apps/web/server/db.ts",
        "import { secret } from \"./secret\";\nexport type User = { name: string };\nexport const query = async (): Promise<User> => ({ name: secret });\n",
    );
    write(
        root,
        "apps/web/server/secret.ts",
        "export const secret = \"s\";\n",
    );
    write(
        root,
        "apps/web/components/login-form.tsx",
        "\"use client\";\nimport { Button } from \"@acme/ui\";\nimport { Eye } from \"@acme/icons\";\nimport * as icons from \"@acme/icons\";\nexport function LoginForm(p: { name: string }) { return <Button><Eye />{p.name}<icons.Lock /></Button>; }\n",
    );
    write(
        root,
        "packages/ui/package.json",
        r#"{ "name": "@acme/ui", "main": "index.ts" }"#,
    );
    let mut index = String::new();
    for c in ["Button", "Card", "Dialog", "Table"] {
        index.push_str(&format!("export {{ {c} }} from \"./{c}\";\n"));
        write(
            root,
            &format!("packages/ui/{c}.tsx"),
            &format!(
                "import {{ tokens }} from \"./tokens\";\nexport function {c}(p: {{ children?: unknown }}) {{ return <div className={{tokens.{c}}}>{{p.children as never}}</div>; }}\n"
            ),
        );
    }
    write(root, "packages/ui/index.ts", &index);
    write(
        root,
        "packages/ui/tokens.ts",
        "export const tokens: Record<string, string> = {};\n",
    );
    write(
        root,
        "packages/icons/package.json",
        r#"{ "name": "@acme/icons", "main": "index.ts", "sideEffects": false }"#,
    );
    write(
        root,
        "packages/icons/index.ts",
        "export * from \"./eye\";\nexport * from \"./lock\";\nexport { Star } from \"./star\";\n",
    );
    for (file, name) in [("eye", "Eye"), ("lock", "Lock"), ("star", "Star")] {
        write(
            root,
            &format!("packages/icons/{file}.tsx"),
            &format!("export const {name} = () => <svg />;\n"),
        );
    }
}

#[test]
fn server_components_client_boundary_and_barrels_under_turbopack() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    layered_tree(root);
    let report = firstpage::analyse_with(root, "/login", 10, None).unwrap();
    assert_eq!(
        report.bundler,
        Some(Bundler::Turbopack),
        "from the dev script"
    );
    let mut json = serde_json::to_value(&report).unwrap();
    // Suggestions carry the rewrite text; keep the snapshot to the facts.
    json.as_object_mut().unwrap().remove("groups");
    insta::assert_json_snapshot!(json);
}

#[test]
fn webpack_compiles_the_side_effect_free_barrel_whole() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    layered_tree(root);
    let turbo = firstpage::analyse_with(root, "/login", 10, Some(Bundler::Turbopack)).unwrap();
    let webpack = firstpage::analyse_with(root, "/login", 10, Some(Bundler::Webpack)).unwrap();
    let client = |r: &firstpage::FirstPage| {
        r.layers
            .iter()
            .find(|l| l.layer == "app-client")
            .unwrap()
            .list
            .clone()
    };
    let (t, w) = (client(&turbo), client(&webpack));
    assert!(!t.iter().any(|m| m.contains("icons/star.tsx")), "{t:?}");
    assert!(w.iter().any(|m| m.contains("icons/star.tsx")), "{w:?}");
    assert!(w.iter().any(|m| m.contains("icons/index.ts")), "{w:?}");
    assert!(turbo.after_fix_barrels.is_some());
    assert!(webpack.after_fix_barrels.is_none());
}
