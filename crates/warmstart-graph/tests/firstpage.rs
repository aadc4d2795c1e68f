//! `graph closure ROUTE --by-package` on a small Next.js monorepo with the
//! shapes that blow up a first page: a UI barrel re-exported whole by a
//! component, a barrel subpath (`@acme/atoms/monorepo`), and an installed
//! library whose entry re-exports every locale.

use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn fixture(root: &Path) {
    write(
        root,
        "package.json",
        r#"{ "name": "acme", "workspaces": ["apps/*", "packages/*"] }"#,
    );
    write(root, "apps/web/package.json", r#"{ "name": "@acme/web" }"#);
    write(
        root,
        "apps/web/pages/index.tsx",
        "import Loader from \"../components/Loader\";\nimport { Button } from \"@acme/ui\";\nimport { Booker } from \"@acme/atoms/monorepo\";\nimport type { Props } from \"@acme/ui\";\nimport { format } from \"fakedate\";\nexport { getServerSideProps } from \"../server/gssp\";\nexport default function Page(p: Props) { return [Loader, Button, Booker, format(p)]; }\n",
    );
    // Server-only: Next strips the page's data functions from the client.
    write(
        root,
        "apps/web/server/gssp.ts",
        "import { atoms } from \"@acme/atoms\";\nexport const getServerSideProps = () => atoms;\n",
    );
    write(
        root,
        "apps/web/pages/_app.tsx",
        "export default function App() { return null; }\n",
    );
    write(
        root,
        "apps/web/components/Loader.tsx",
        "export { Loader as default } from \"@acme/ui\";\n",
    );
    write(
        root,
        "packages/ui/package.json",
        r#"{ "name": "@acme/ui", "main": "index.ts" }"#,
    );
    let mut index = String::new();
    for i in 0..10 {
        index.push_str(&format!("export {{ C{i} }} from \"./components/c{i}\";\n"));
        write(
            root,
            &format!("packages/ui/components/c{i}.tsx"),
            &format!("export const C{i} = {i};\n"),
        );
    }
    index.push_str("export { C0 as Button, C1 as Loader } from \"./components/c0\";\nexport type Props = { a: number };\n");
    write(root, "packages/ui/index.ts", &index);
    write(
        root,
        "packages/atoms/package.json",
        r#"{ "name": "@acme/atoms", "main": "index.ts" }"#,
    );
    write(root, "packages/atoms/index.ts", "export const atoms = 1;\n");
    let mut monorepo = String::new();
    for i in 0..9 {
        monorepo.push_str(&format!("export * from \"./booker/b{i}\";\n"));
        write(
            root,
            &format!("packages/atoms/booker/b{i}.ts"),
            &format!("export const B{i} = {i};\nexport const Booker = {i};\n"),
        );
    }
    write(root, "packages/atoms/monorepo.ts", &monorepo);
    write(
        root,
        "node_modules/fakedate/package.json",
        r#"{ "name": "fakedate", "main": "index.js" }"#,
    );
    let mut locales = String::from("export function format(x) { return String(x); }\n");
    for i in 0..12 {
        locales.push_str(&format!("export * from \"./locale/l{i}.js\";\n"));
        write(
            root,
            &format!("node_modules/fakedate/locale/l{i}.js"),
            &format!("export const l{i} = {i};\n"),
        );
    }
    write(root, "node_modules/fakedate/index.js", &locales);
}

#[test]
fn closure_offenders_and_suggestions_of_a_route() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    fixture(&root);
    let report = warmstart_graph::firstpage::analyse(&root, "/", 10).unwrap();
    assert_eq!(
        report.entries,
        ["apps/web/pages/index.tsx", "apps/web/pages/_app.tsx"]
    );
    // Client: the two pages, Loader, the UI barrel and its 10 components,
    // the atoms subpath barrel and its 9 modules, fakedate and 12 locales.
    assert_eq!(report.client.modules, 2 + 1 + 11 + 10 + 13);
    // Server: the same workspace code, plus getServerSideProps and what it
    // imports; fakedate is one external module.
    assert_eq!(report.server.modules, 2 + 1 + 11 + 10 + 1 + 2);
    let text = serde_json::to_string_pretty(&report).unwrap();
    insta::assert_snapshot!(text);
    let kinds: Vec<(&str, Option<&str>, Option<&str>)> = report
        .suggestions
        .iter()
        .map(|s| (s.kind.as_str(), s.package.as_deref(), s.file.as_deref()))
        .collect();
    assert!(
        kinds.contains(&("optimizePackageImports", Some("@acme/atoms/monorepo"), None)),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("sourceEdit", None, Some("apps/web/components/Loader.tsx"))),
        "{kinds:?}"
    );
}

#[test]
fn an_unknown_route_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    fixture(&root);
    let err = warmstart_graph::firstpage::analyse(&root, "/nope", 10)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no page for route /nope"), "{err}");
}
