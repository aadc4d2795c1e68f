//! `fix-barrels` on a small monorepo with every shape it must handle: a UI
//! barrel with rename chains (`export { a as b } from`), an `export *`
//! chain, type-only imports, several statements merged into one, a
//! whole-barrel re-export (Cal.com's `Loader.tsx`), a barrel with side
//! effects, a name that cannot be traced, a module no specifier may reach
//! (not in `exports`), a namespace import — and a second run after
//! `--write` changes nothing.

use std::path::Path;

use warmstart_graph::barrels::{self, Options, Plan};
use warmstart_graph::{BuildOptions, build};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn fixture(root: &Path) {
    write(
        root,
        "package.json",
        r#"{ "name": "acme", "private": true, "workspaces": ["apps/*", "packages/*"] }"#,
    );
    write(
        root,
        "apps/web/package.json",
        r#"{ "name": "@acme/web", "scripts": { "type-check": "tsc --noEmit" } }"#,
    );
    write(root, "apps/web/next.config.js", "module.exports = {};\n");
    // The app maps `@acme/ui/*` onto the components folder, as Cal.com's
    // web app does: `@acme/ui/button` type-checks without `exports`.
    write(
        root,
        "apps/web/tsconfig.json",
        r#"{ "compilerOptions": { "baseUrl": ".", "jsx": "preserve", "paths": { "@acme/ui/*": ["../../packages/ui/components/*"] } } }"#,
    );
    write(
        root,
        "apps/web/pages/index.tsx",
        "import { Button } from \"@acme/ui\";\n\
         import { classes, Skeleton } from \"@acme/ui\";\n\
         import type { ButtonProps } from \"@acme/ui\";\n\
         import { Icon, type IconProps } from \"@acme/ui\";\n\
         import { A } from \"@acme/effects\";\n\
         import * as UI from \"@acme/ui\";\n\
         \n\
         export default function Page(p: ButtonProps & IconProps) {\n  \
         return [Button, classes, Skeleton, Icon, A, UI, p];\n}\n\
         export { Loader } from \"@acme/ui\";\n",
    );
    write(
        root,
        "apps/web/pages/other.tsx",
        "import { Hidden, Missing } from '@acme/ui'\n\nexport default () => [Hidden, Missing]\n",
    );
    write(
        root,
        "apps/web/components/Loader.tsx",
        "/** @deprecated */\nexport { Loader as default } from \"@acme/ui\";\n",
    );
    write(
        root,
        "packages/ui/package.json",
        r#"{ "name": "@acme/ui", "main": "index.ts", "exports": { ".": "./index.ts", "./button": "./components/button/index.ts", "./skeleton": "./components/skeleton/index.ts", "./icon": "./components/icon/Icon.tsx" } }"#,
    );
    write(
        root,
        "packages/ui/index.ts",
        "export { Button, buttonClasses as classes } from \"./components/button\";\n\
         export type { ButtonProps } from \"./components/button\";\n\
         export * from \"./components/skeleton\";\n\
         export { Icon } from \"./components/icon/Icon\";\n\
         export type { IconProps } from \"./components/icon/Icon\";\n\
         export { Hidden } from \"./internal/Hidden\";\n",
    );
    write(
        root,
        "packages/ui/components/button/index.ts",
        "export { Button, buttonClasses } from \"./Button\";\nexport type { ButtonProps } from \"./Button\";\n",
    );
    write(
        root,
        "packages/ui/components/button/Button.tsx",
        "export type ButtonProps = { label?: string };\nexport const buttonClasses = \"btn\";\nexport function Button(p: ButtonProps) { return p.label; }\n",
    );
    write(
        root,
        "packages/ui/components/skeleton/index.ts",
        "export { Skeleton, SkeletonText as Loader } from \"./Skeleton\";\n",
    );
    write(
        root,
        "packages/ui/components/skeleton/Skeleton.tsx",
        "export const Skeleton = () => null;\nexport const SkeletonText = () => null;\n",
    );
    write(
        root,
        "packages/ui/components/icon/Icon.tsx",
        "export type IconProps = { name?: string };\nexport const Icon = (p: IconProps) => p.name;\n",
    );
    write(
        root,
        "packages/ui/internal/Hidden.tsx",
        "export const Hidden = 1;\n",
    );
    write(
        root,
        "packages/effects/package.json",
        r#"{ "name": "@acme/effects", "main": "index.ts" }"#,
    );
    write(
        root,
        "packages/effects/index.ts",
        "import \"./register\";\nexport { A } from \"./a\";\nexport { B } from \"./b\";\n",
    );
    write(
        root,
        "packages/effects/register.ts",
        "(globalThis as any).registered = true;\n",
    );
    write(root, "packages/effects/a.ts", "export const A = 1;\n");
    write(root, "packages/effects/b.ts", "export const B = 2;\n");
}

fn plan_of(root: &Path) -> Plan {
    let graph = build(&BuildOptions::new(root));
    barrels::plan(
        &graph,
        &Options {
            scope: vec!["apps".into()],
            only: None,
        },
    )
}

/// The plan as a reviewer reads it: each import with its fate, then diffs.
fn describe(plan: &Plan) -> String {
    let mut out = String::new();
    for i in &plan.imports {
        out.push_str(&format!(
            "{}:{} \"{}\" ({}) {}\n",
            i.file, i.line, i.specifier, i.barrel, i.status
        ));
        if let Some(r) = &i.replacement {
            for line in r.lines() {
                out.push_str(&format!("    {line}\n"));
            }
        }
        for reason in &i.reasons {
            out.push_str(&format!("    why: {reason}\n"));
        }
    }
    for f in &plan.files {
        out.push_str(&barrels::diff(f));
    }
    out
}

fn apply(root: &Path, plan: &Plan) {
    for f in &plan.files {
        std::fs::write(root.join(&f.path), &f.after).unwrap();
    }
}

#[test]
fn rewrites_rename_chains_star_chains_and_merges_refusing_what_it_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    fixture(&root);
    let plan = plan_of(&root);
    insta::assert_snapshot!(describe(&plan));
    // The whole-barrel re-export of Loader.tsx goes to the module that
    // defines the component (renamed twice on the way), keeping its shape;
    // the app's `@acme/ui/*` path mapping makes that module importable.
    let loader = plan
        .files
        .iter()
        .find(|f| f.path == "apps/web/components/Loader.tsx")
        .expect("Loader.tsx is rewritten");
    assert!(
        loader
            .after
            .contains("export { SkeletonText as default } from \"@acme/ui/skeleton/Skeleton\";"),
        "{}",
        loader.after
    );
}

#[test]
fn a_second_write_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    fixture(&root);
    let first = plan_of(&root);
    assert!(!first.files.is_empty());
    apply(&root, &first);
    let second = plan_of(&root);
    assert!(
        second.files.is_empty(),
        "second run rewrote: {}",
        describe(&second)
    );
    // What is left are the refusals, unchanged.
    let refused = |p: &Plan| -> Vec<String> {
        p.imports
            .iter()
            .filter(|i| i.status == warmstart_graph::barrels::ImportStatus::Refused)
            .map(|i| format!("{} {}", i.file, i.specifier))
            .collect()
    };
    assert_eq!(refused(&first), refused(&second));
}

#[test]
fn rewritten_imports_resolve_to_the_defining_modules() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    fixture(&root);
    apply(&root, &plan_of(&root));
    let graph = build(&BuildOptions::new(&root));
    let page = graph.find("apps/web/pages/index.tsx").unwrap();
    let mut targets: Vec<(String, String)> = graph
        .edges
        .iter()
        .filter(|e| e.from == page)
        .map(|e| {
            (
                e.specifier.clone(),
                graph.modules[e.to as usize].path.clone(),
            )
        })
        .collect();
    targets.sort();
    targets.dedup();
    insta::assert_debug_snapshot!(targets);
    assert!(graph.unresolved.is_empty(), "{:?}", graph.unresolved);
}

/// Cal.com's packages/features maps `"~/*": ["/*"]`: the file system's
/// root. Through it every file has a specifier spelling the machine's
/// absolute path (`~/tmp/.../packages/ui/...`), which resolves on this
/// machine only; fix-barrels must never write one.
#[test]
fn a_mapping_onto_the_file_systems_root_never_spells_a_machine_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    write(
        &root,
        "package.json",
        r#"{ "name": "acme", "private": true, "workspaces": ["packages/*"] }"#,
    );
    write(
        &root,
        "packages/ui/package.json",
        r#"{ "name": "@acme/ui", "main": "./index.ts", "exports": { ".": "./index.ts" } }"#,
    );
    write(
        &root,
        "packages/ui/index.ts",
        "export { Button } from \"./button\";\nexport { Badge } from \"./badge\";\n",
    );
    write(&root, "packages/ui/button.ts", "export const Button = 1;\n");
    write(&root, "packages/ui/badge.ts", "export const Badge = 2;\n");
    write(
        &root,
        "packages/features/package.json",
        r#"{ "name": "@acme/features", "dependencies": { "@acme/ui": "*" } }"#,
    );
    write(
        &root,
        "packages/features/tsconfig.json",
        r#"{ "compilerOptions": { "baseUrl": ".", "paths": { "~/*": ["/*"] } } }"#,
    );
    write(
        &root,
        "packages/features/list.ts",
        "import { Button } from \"@acme/ui\";\nexport const list = [Button];\n",
    );
    let graph = build(&BuildOptions::new(&root));
    let plan = barrels::plan(
        &graph,
        &Options {
            scope: vec!["packages/features".into()],
            only: None,
        },
    );
    let text = describe(&plan);
    let machine = root.to_string_lossy().trim_start_matches('/').to_string();
    assert!(!text.contains(&machine), "{text}");
    assert_eq!(plan.imports.len(), 1, "{text}");
    assert!(plan.files.is_empty(), "{text}");
}
