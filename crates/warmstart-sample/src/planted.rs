//! Planted import cycles of known kind and number. Each cycle lives in its
//! own files and nothing outside imports back into it, so every planted cycle
//! is exactly one strongly connected group in the views it belongs to.
//!
//! Views (issue 5): `runtime` = value + require; `runtime_semantic` = runtime
//! without value imports used only as types; `runtime_dynamic` = runtime +
//! `import()`; `static` = value + type-only + require; `all` = everything.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::graph::TypeOnlyValueImport;
use crate::out::Out;

pub const VIEWS: [&str; 5] = [
    "runtime",
    "runtime_semantic",
    "runtime_dynamic",
    "static",
    "all",
];

/// One planted cycle.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlantedCycle {
    /// `runtime`, `type_only`, `barrel`, `dynamic`, `require` or `semantic`
    /// (a value import used only as a type closes it).
    pub kind: String,
    /// The files of the group, sorted.
    pub files: Vec<String>,
    /// The views in which it is a cycle.
    pub views: Vec<String>,
}

/// What a correct cycle finder must report for one view.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ViewExpectation {
    pub groups: usize,
    pub files_in_cycles: usize,
    pub largest_group: usize,
}

/// Everything planted, as written to `warmstart-sample.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Planted {
    pub runtime_cycles: usize,
    pub type_only_cycles: usize,
    pub barrel_cycles: usize,
    pub dynamic_cycles: usize,
    pub require_cycles: usize,
    /// Runtime cycles that vanish once value imports used only as types are
    /// elided (absent from `runtime_semantic`).
    pub semantic_cycles: usize,
    pub cycles: Vec<PlantedCycle>,
    /// Per view: the groups of more than one file a cycle finder must report.
    pub expected: BTreeMap<String, ViewExpectation>,
    /// Every value import whose bindings are only used as types (sorted).
    pub type_only_value_imports: Vec<TypeOnlyValueImport>,
}

const RUNTIME: &[&str] = &[
    "runtime",
    "runtime_semantic",
    "runtime_dynamic",
    "static",
    "all",
];
const HEADER: &str = "// Planted import cycle: see warmstart-sample.json.\n";

/// Writes the planted cycles; the UI barrel cycle's two files are written by
/// the workspace generator and only recorded here.
pub(crate) fn plant(out: &mut Out) -> Planted {
    let mut p = Planted::default();
    let base = "packages/features/cycles";
    value_rings(out, &mut p, base);
    type_only(out, &mut p, base);
    barrels(out, &mut p, base);
    dynamic(out, &mut p, base);
    semantic(out, &mut p, base);
    require(out, &mut p);
    p
}

/// Plain value rings of 2, 3 and 4 files.
fn value_rings(out: &mut Out, p: &mut Planted, base: &str) {
    // Plain value rings of 2, 3 and 4 files.
    for (n, size) in [2usize, 3, 4].into_iter().enumerate() {
        let dir = format!("{base}/runtime-{}", n + 1);
        let names: Vec<String> = (0..size).map(|k| format!("part{}", k + 1)).collect();
        for k in 0..size {
            let next = &names[(k + 1) % size];
            out.text(
                format!("{dir}/{}.ts", names[k]),
                format!(
                    "{HEADER}import {{ value_{next} }} from \"./{next}\";\n\n\
                     export const value_{} = () => value_{next}() + 1;\n",
                    names[k]
                ),
            );
        }
        record(
            p,
            "runtime",
            names.iter().map(|n| format!("{dir}/{n}.ts")),
            RUNTIME,
        );
    }
}

/// Type-only rings.
fn type_only(out: &mut Out, p: &mut Planted, base: &str) {
    // Type-only: one `import type` edge; then one ring closed by an
    // all-inline-`type` import and an `export type … from`.
    let dir = format!("{base}/type-only-1");
    out.text(
        format!("{dir}/account.ts"),
        format!("{HEADER}import {{ describe }} from \"./owner\";\n\nexport type Account = {{ id: number }};\nexport const label = (a: Account) => describe(a.id);\n"),
    );
    out.text(
        format!("{dir}/owner.ts"),
        format!("{HEADER}import type {{ Account }} from \"./account\";\n\nexport type Owner = {{ account: Account }};\nexport const describe = (id: number) => `owner ${{id}}`;\n"),
    );
    let static_only: &[&str] = &["static", "all"];
    record(
        p,
        "type_only",
        [format!("{dir}/account.ts"), format!("{dir}/owner.ts")],
        static_only,
    );
    let dir = format!("{base}/type-only-2");
    out.text(
        format!("{dir}/a.ts"),
        format!("{HEADER}export type {{ Shape }} from \"./b\";\nexport const a = 1;\n"),
    );
    out.text(
        format!("{dir}/b.ts"),
        format!("{HEADER}import {{ type Edge }} from \"./c\";\n\nexport type Shape = {{ edges: Edge[] }};\n"),
    );
    out.text(
        format!("{dir}/c.ts"),
        format!("{HEADER}import {{ a }} from \"./a\";\n\nexport type Edge = {{ weight: number }};\nexport const c = a + 1;\n"),
    );
    record(
        p,
        "type_only",
        ["a", "b", "c"].map(|f| format!("{dir}/{f}.ts")),
        static_only,
    );
}

/// Rings through barrels.
fn barrels(out: &mut Out, p: &mut Planted, base: &str) {
    // Through a local barrel: a.ts imports b's value through "./index",
    // which re-exports a.ts; importing "./b" directly breaks the cycle.
    let dir = format!("{base}/barrel-1");
    out.text(
        format!("{dir}/index.ts"),
        format!("{HEADER}export * from \"./a\";\nexport * from \"./b\";\n"),
    );
    out.text(
        format!("{dir}/a.ts"),
        format!("{HEADER}import {{ b }} from \"./index\";\n\nexport const a = () => b() * 2;\n"),
    );
    out.text(
        format!("{dir}/b.ts"),
        format!("{HEADER}export const b = () => 21;\n"),
    );
    record(
        p,
        "barrel",
        [format!("{dir}/a.ts"), format!("{dir}/index.ts")],
        RUNTIME,
    );
    // The UI barrel: Badge imports Icon through "@calcom/ui" (see workspace.rs).
    record(
        p,
        "barrel",
        [
            "packages/ui/components/badge/Badge.tsx".to_owned(),
            "packages/ui/index.ts".to_owned(),
        ],
        RUNTIME,
    );
}

/// A ring closed by `import()`.
fn dynamic(out: &mut Out, p: &mut Planted, base: &str) {
    // Closed by `import()`: only runtime_dynamic and all see it.
    let dir = format!("{base}/dynamic-1");
    out.text(
        format!("{dir}/router.ts"),
        format!("{HEADER}import {{ handler }} from \"./handler\";\n\nexport const route = () => handler();\n"),
    );
    out.text(
        format!("{dir}/handler.ts"),
        format!("{HEADER}export const handler = async () => (await import(\"./router\")).route;\n"),
    );
    record(
        p,
        "dynamic",
        [format!("{dir}/handler.ts"), format!("{dir}/router.ts")],
        &["runtime_dynamic", "all"],
    );
}

/// A ring closed by a value import used only as a type.
fn semantic(out: &mut Out, p: &mut Planted, base: &str) {
    // A value import used only as a type closes this ring: runtime sees it,
    // runtime_semantic (TypeScript's import elision) does not.
    let dir = format!("{base}/semantic-1");
    out.text(
        format!("{dir}/booking.ts"),
        format!("{HEADER}import {{ price }} from \"./pricing\";\n\nexport type Booking = {{ id: number; total: number }};\nexport const total = (n: number) => price(n);\n"),
    );
    out.text(
        format!("{dir}/pricing.ts"),
        format!("{HEADER}import {{ Booking }} from \"./booking\";\n\nexport const price = (n: number) => n * 100;\nexport const describe = (b: Booking) => `#${{b.id}}`;\n"),
    );
    p.type_only_value_imports.push(TypeOnlyValueImport {
        file: format!("{dir}/pricing.ts"),
        line: 2,
        specifier: "./booking".to_owned(),
        names: vec!["Booking".to_owned()],
    });
    record(
        p,
        "semantic",
        [format!("{dir}/booking.ts"), format!("{dir}/pricing.ts")],
        &["runtime", "runtime_dynamic", "static", "all"],
    );
}

/// CommonJS `require()` in both directions.
fn require(out: &mut Out, p: &mut Planted) {
    // CommonJS `require()` in both directions.
    let dir = "packages/lib/cycles/require-1";
    out.text(
        format!("{dir}/config.js"),
        format!("{HEADER}const defaults = require(\"./defaults\");\n\nmodule.exports = {{ load: () => defaults.values() }};\n"),
    );
    out.text(
        format!("{dir}/defaults.js"),
        format!("{HEADER}const config = require(\"./config\");\n\nmodule.exports = {{ values: () => ({{ config }}) }};\n"),
    );
    record(
        p,
        "require",
        [format!("{dir}/config.js"), format!("{dir}/defaults.js")],
        RUNTIME,
    );
}

fn record(
    p: &mut Planted,
    kind: &'static str,
    files: impl IntoIterator<Item = String>,
    views: &[&'static str],
) {
    let mut files: Vec<String> = files.into_iter().collect();
    files.sort();
    match kind {
        "runtime" => p.runtime_cycles += 1,
        "type_only" => p.type_only_cycles += 1,
        "barrel" => p.barrel_cycles += 1,
        "dynamic" => p.dynamic_cycles += 1,
        "require" => p.require_cycles += 1,
        _ => p.semantic_cycles += 1,
    }
    p.cycles.push(PlantedCycle {
        kind: kind.to_owned(),
        files,
        views: views.iter().map(|v| (*v).to_owned()).collect(),
    });
}

/// Fills `expected` from the cycles (call once everything is planted).
pub(crate) fn finish(p: &mut Planted, mut type_only_value_imports: Vec<TypeOnlyValueImport>) {
    for view in VIEWS {
        let mut e = ViewExpectation::default();
        for c in p
            .cycles
            .iter()
            .filter(|c| c.views.iter().any(|v| v == view))
        {
            e.groups += 1;
            e.files_in_cycles += c.files.len();
            e.largest_group = e.largest_group.max(c.files.len());
        }
        p.expected.insert(view.to_owned(), e);
    }
    type_only_value_imports.append(&mut p.type_only_value_imports);
    type_only_value_imports.sort();
    p.type_only_value_imports = type_only_value_imports;
}
