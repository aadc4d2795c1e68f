//! Every file an import reaches is a module of the graph: ignore files only
//! decide where the walk starts. A gitignored generated file, a file in an
//! ignored folder and a file outside the walked folders all become modules
//! when imported; installed packages do not; every import that resolves
//! nowhere is listed.

use std::path::Path;

use warmstart_graph::query::closure;
use warmstart_graph::{BuildOptions, View, build};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn repo() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    write(&root, "package.json", r#"{ "name": "r" }"#);
    write(&root, ".gitignore", "*.generated.ts\ngen/\nnode_modules\n");
    write(
        &root,
        "src/a.ts",
        "import { meta } from \"./meta.generated\";\n\
         import { deep } from \"../gen/deep\";\n\
         import { other } from \"../lib/other\";\n\
         import { pkg } from \"pkg\";\n\
         import { nope } from \"./nope\";\n\
         export const a = [meta, deep, other, pkg, nope];\n",
    );
    write(
        &root,
        "src/meta.generated.ts",
        "import { helper } from \"./helper\";\nexport const meta = helper;\n",
    );
    write(&root, "src/helper.ts", "export const helper = 1;\n");
    write(
        &root,
        "gen/deep.ts",
        "import { gone } from \"./gone\";\nexport const deep = gone;\n",
    );
    write(&root, "lib/other.ts", "export const other = 1;\n");
    write(
        &root,
        "node_modules/pkg/package.json",
        r#"{ "name": "pkg", "main": "index.js" }"#,
    );
    write(
        &root,
        "node_modules/pkg/index.js",
        "export const pkg = 1;\n",
    );
    (dir, root)
}

fn paths(graph: &warmstart_graph::ModuleGraph) -> Vec<&str> {
    graph.modules.iter().map(|m| m.path.as_str()).collect()
}

#[test]
fn imported_ignored_and_generated_files_are_modules() {
    let (_dir, root) = repo();
    let graph = build(&BuildOptions::new(&root));
    assert_eq!(
        paths(&graph),
        [
            "gen/deep.ts",
            "lib/other.ts",
            "src/a.ts",
            "src/helper.ts",
            "src/meta.generated.ts"
        ]
    );
    assert_eq!(graph.stats.reached, 2);
    // Installed packages stay outside.
    assert_eq!(graph.stats.outside, 1);
    let unresolved: Vec<(&str, &str)> = graph
        .unresolved
        .iter()
        .map(|u| (u.file.as_str(), u.specifier.as_str()))
        .collect();
    assert_eq!(
        unresolved,
        [("gen/deep.ts", "./gone"), ("src/a.ts", "./nope")]
    );
    let a = graph.find("src/a.ts").unwrap();
    let c = closure(&graph, View::Runtime, a, 10);
    assert_eq!(c.modules, 5);
}

#[test]
fn files_outside_the_walked_folders_are_reached() {
    let (_dir, root) = repo();
    let mut options = BuildOptions::new(&root);
    options.paths = vec!["src".into()];
    let graph = build(&options);
    assert_eq!(
        paths(&graph),
        [
            "gen/deep.ts",
            "lib/other.ts",
            "src/a.ts",
            "src/helper.ts",
            "src/meta.generated.ts"
        ]
    );
}

#[test]
fn an_entry_the_walk_does_not_find_is_a_module() {
    let (_dir, root) = repo();
    write(
        &root,
        "gen/alone.ts",
        "import { helper } from \"../src/helper\";\nexport const x = helper;\n",
    );
    let mut options = BuildOptions::new(&root);
    options.paths = vec!["lib".into()];
    options.entries = vec!["gen/alone.ts".into()];
    let graph = build(&options);
    assert_eq!(
        paths(&graph),
        ["gen/alone.ts", "lib/other.ts", "src/helper.ts"]
    );
    let entry = graph.find("gen/alone.ts").unwrap();
    assert_eq!(closure(&graph, View::Runtime, entry, 10).modules, 2);
}

#[test]
fn a_tree_without_such_files_builds_the_same_graph() {
    let (_dir, root) = repo();
    // Without the imports of ignored or outside files nothing is reached.
    write(
        &root,
        "src/a.ts",
        "import { helper } from \"./helper\";\nexport const a = helper;\n",
    );
    let graph = build(&BuildOptions::new(&root));
    assert_eq!(graph.stats.reached, 0);
    assert_eq!(paths(&graph), ["lib/other.ts", "src/a.ts", "src/helper.ts"]);
}
