//! One fixture repository per case under `tests/fixtures/<case>/`, built
//! and analysed for real, the report snapshotted.

use std::path::{Path, PathBuf};

use warmstart_graph::report::{AnalysisOptions, analyse};
use warmstart_graph::{BuildOptions, View, build, format};

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(case)
}

/// The human report of every view plus problems and unresolved imports.
fn report(case: &str, view: View) -> String {
    let graph = build(&BuildOptions::new(fixture(case)));
    let report = analyse(&graph, AnalysisOptions::default());
    let mut text = format::human(&graph, &report, view, "0 ms", false);
    for p in &graph.problems {
        text.push_str(&format!(
            "parse error: {}:{}:{}: {}\n",
            p.file, p.line, p.column, p.message
        ));
    }
    if !graph.unresolved.is_empty() {
        text.push_str(&format::unresolved_human(&graph));
    }
    text
}

fn groups(case: &str) -> Vec<(View, usize, usize)> {
    let graph = build(&BuildOptions::new(fixture(case)));
    let report = analyse(&graph, AnalysisOptions::default());
    View::EVERY
        .iter()
        .map(|&v| {
            let r = report.views.get(v);
            (v, r.groups, r.files_in_cycles)
        })
        .collect()
}

#[test]
fn type_only_cycle_is_not_a_runtime_cycle() {
    let g = groups("type-only-cycle");
    // user <-> team only through `import type`: static, never runtime.
    // member <-> role at runtime, but member's import is used only as
    // types: gone in runtime_semantic.
    assert_eq!(g[0], (View::Runtime, 1, 2));
    assert_eq!(g[1], (View::RuntimeSemantic, 0, 0));
    assert_eq!(g[3], (View::Static, 2, 4));
    insta::assert_snapshot!("type_only_static", report("type-only-cycle", View::Static));
    insta::assert_snapshot!(
        "type_only_runtime",
        report("type-only-cycle", View::Runtime)
    );
}

#[test]
fn barrel_cycle_suggests_importing_the_module() {
    let text = report("barrel-cycle", View::Runtime);
    assert!(text.contains("import the module, not the barrel"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn dynamic_import_cycle_only_in_dynamic_views() {
    let g = groups("dynamic-import-cycle");
    assert_eq!(g[0], (View::Runtime, 0, 0));
    assert_eq!(g[2], (View::RuntimeDynamic, 1, 2));
    assert_eq!(g[4], (View::All, 1, 2));
    insta::assert_snapshot!(report("dynamic-import-cycle", View::RuntimeDynamic));
}

#[test]
fn tsconfig_paths_resolve() {
    let g = groups("tsconfig-paths");
    assert_eq!(g[0], (View::Runtime, 1, 2));
    insta::assert_snapshot!(report("tsconfig-paths", View::Runtime));
}

#[test]
fn workspace_package_through_tsconfig_extends() {
    let g = groups("workspace-tsconfig-extends");
    // ~/page <-> ~/store through the app's paths (its tsconfig extends a
    // workspace package), and @acme/ui <-> @acme/ui/button through exports.
    assert_eq!(g[0], (View::Runtime, 2, 4));
    insta::assert_snapshot!(report("workspace-tsconfig-extends", View::Runtime));
}

#[test]
fn pnpm_workspace_packages_resolve_without_install() {
    let g = groups("pnpm-workspace");
    assert_eq!(g[0], (View::Runtime, 1, 2));
    insta::assert_snapshot!(report("pnpm-workspace", View::Runtime));
}

#[test]
fn parse_error_is_reported_and_the_graph_still_builds() {
    let graph = build(&BuildOptions::new(fixture("parse-error")));
    assert_eq!(graph.problems.len(), 1);
    let p = &graph.problems[0];
    assert_eq!((p.file.as_str(), p.line), ("src/broken.ts", 4));
    let g = groups("parse-error");
    assert_eq!(g[0], (View::Runtime, 1, 2));
    insta::assert_snapshot!(report("parse-error", View::Runtime));
}

/// Every fixture folder, found by the glob (a new folder is tested without
/// a new test): its graph's size, the groups of every view, the parse
/// problems and the unresolved imports by reason, built twice with the
/// same answer.
#[test]
fn every_fixture_folder() {
    insta::glob!("fixtures/*", |dir| {
        if !dir.is_dir() {
            return;
        }
        let summary = |graph: &warmstart_graph::ModuleGraph| {
            let report = analyse(graph, AnalysisOptions::default());
            let mut text = format!(
                "modules: {}\nedges: {}\n",
                graph.modules.len(),
                graph.edges.len()
            );
            for view in View::EVERY {
                let r = report.views.get(view);
                text.push_str(&format!(
                    "{}: {} groups, {} files in cycles, largest {}, {} cuts\n",
                    view.name(),
                    r.groups,
                    r.files_in_cycles,
                    r.largest_group,
                    r.cuts
                ));
            }
            for p in &graph.problems {
                text.push_str(&format!(
                    "problem: {}:{}:{}: {}\n",
                    p.file, p.line, p.column, p.message
                ));
            }
            let unresolved = format::unresolved_json(graph, false);
            text.push_str(&format!("unresolved: {unresolved}\n"));
            text
        };
        let first = summary(&build(&BuildOptions::new(dir)));
        let again = summary(&build(&BuildOptions::new(dir)));
        assert_eq!(first, again, "{} is not deterministic", dir.display());
        insta::assert_snapshot!(first);
    });
}
