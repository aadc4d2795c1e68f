//! `warmstart graph fix-barrels`: rewrite imports of the repository's own
//! barrels to the modules that define the names (print the diff, `--write`
//! it, or `--check` for new barrel imports against a baseline), with the
//! predicted module saving of Next.js routes (`--route`).

use std::path::{Path, PathBuf};

use clap::Args;
use miette::IntoDiagnostic;
use warmstart_graph::barrels::{self, Options, Plan};

use crate::cli::{CmdResult, Status};
use crate::commands::graph::load_graph;
use crate::printer::{Paint, Printer};
use crate::settings::Workspace;

#[derive(Debug, Args)]
pub struct FixBarrelsArgs {
    /// Folders or files whose imports are rewritten (default: the whole
    /// repository). The graph is always built of the whole repository.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// Write the rewrites (default: print a diff).
    #[arg(long, conflicts_with = "check")]
    pub write: bool,
    /// Exit 1 when there are barrel imports (not listed in --baseline):
    /// a CI ratchet against new ones. Writes nothing.
    #[arg(long)]
    pub check: bool,
    /// With --check: barrel imports listed in FILE are known.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the current barrel imports to the baseline FILE.
    #[arg(long, requires = "baseline")]
    pub update_baseline: bool,
    /// Print the predicted module saving of this Next.js route (a route
    /// such as /auth/login or a page file); repeatable.
    #[arg(long, value_name = "ROUTE")]
    pub route: Vec<String>,
    /// Parse every file again instead of reusing unchanged parse results.
    #[arg(long)]
    pub no_cache: bool,
}

/// Repo-relative forms of the given paths (relative to the current folder).
fn scope(root: &Path, paths: &[PathBuf]) -> Vec<String> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| root.to_path_buf());
    paths
        .iter()
        .map(|p| {
            let abs = if p.is_absolute() {
                p.clone()
            } else {
                cwd.join(p)
            };
            let abs = std::fs::canonicalize(&abs).unwrap_or(abs);
            warmstart_fs::to_unix_relative(root, &abs)
                .unwrap_or_else(|| p.to_string_lossy().replace('\\', "/"))
        })
        .collect()
}

/// Predicted client/server totals of each route, before and after.
fn routes(root: &Path, plan: &Plan, routes: &[String]) -> miette::Result<Vec<serde_json::Value>> {
    let overlay = plan.overlay(root);
    let mut out = Vec::new();
    for route in routes {
        let none = warmstart_graph::firstpage::Overlay::new();
        let fail = |e: String| {
            miette::miette!(
                help = "give a route such as /auth/login or a page file",
                "{e}"
            )
        };
        let (cb, sb) = warmstart_graph::firstpage::totals_with(root, route, &none).map_err(fail)?;
        let (ca, sa) = warmstart_graph::firstpage::totals_with(root, route, &overlay)
            .map_err(|e| miette::miette!("{e}"))?;
        out.push(serde_json::json!({
            "route": route,
            "client": { "before": cb.modules, "after": ca.modules, "saving": cb.modules as i64 - ca.modules as i64 },
            "server": { "before": sb.modules, "after": sa.modules, "saving": sb.modules as i64 - sa.modules as i64 },
        }));
    }
    Ok(out)
}

pub fn run(workspace: &Workspace, printer: &Printer, args: FixBarrelsArgs) -> CmdResult {
    let root = std::fs::canonicalize(&workspace.root).unwrap_or_else(|_| workspace.root.clone());
    let _lock = if args.write {
        Some(workspace.write_lock(printer)?)
    } else {
        None
    };
    let (graph, _) = load_graph(workspace, printer, &[], !args.no_cache);
    let options = Options {
        scope: scope(&root, &args.paths),
        only: None,
    };
    let plan = barrels::plan(&graph, &options);
    let predicted = routes(&root, &plan, &args.route)?;

    if args.check || args.update_baseline {
        return check(printer, &plan, &args);
    }
    for import in plan.imports.iter().filter(|i| i.status == "refused") {
        printer.status(format!(
            "{} {}:{} \"{}\": {}",
            printer.paint("refused", Paint::Yellow),
            import.file,
            import.line,
            import.specifier,
            import.reasons.join("; ")
        ));
    }
    let mut written = 0;
    if args.write {
        for file in &plan.files {
            let path = root.join(&file.path);
            // Never overwrite an edit made since the plan was read.
            let now = std::fs::read_to_string(&path).into_diagnostic()?;
            if now != file.before {
                miette::bail!(
                    "{} changed while fix-barrels ran; nothing written for it",
                    file.path
                );
            }
            if warmstart_fs::write_if_changed(&path, file.after.as_bytes())
                .into_diagnostic()?
                .changed()
            {
                written += 1;
            }
        }
    } else if !printer.json {
        for file in &plan.files {
            print!("{}", barrels::diff(file));
        }
    }
    for r in &predicted {
        printer.line(format!(
            "{}: client {} → {} modules (−{}), server {} → {} (−{}) predicted",
            r["route"].as_str().unwrap_or_default(),
            r["client"]["before"],
            r["client"]["after"],
            r["client"]["saving"],
            r["server"]["before"],
            r["server"]["after"],
            r["server"]["saving"],
        ));
    }
    let files = plan.files.len();
    printer.line(if args.write {
        format!(
            "rewrote {} barrel imports in {written} files; {} refused",
            plan.rewrites(),
            plan.refused()
        )
    } else {
        format!(
            "{} barrel imports: {} can be rewritten in {files} files, {} refused (run with --write)",
            plan.imports.len(),
            plan.rewrites(),
            plan.refused()
        )
    });
    printer.json(&serde_json::json!({
        "written": args.write,
        "rewrites": plan.rewrites(),
        "refused": plan.refused(),
        "imports": plan.imports,
        "files": plan.files,
        "routes": predicted,
    }));
    Ok(Status::Ok)
}

fn check(printer: &Printer, plan: &Plan, args: &FixBarrelsArgs) -> CmdResult {
    let current = plan.baseline_lines();
    if args.update_baseline {
        let Some(file) = &args.baseline else {
            return Ok(Status::Error);
        };
        let text = barrels::baseline_text(&current);
        warmstart_fs::write_if_changed(file, text.as_bytes()).into_diagnostic()?;
        printer.status(format!(
            "wrote {} barrel imports to {}",
            current.len(),
            file.display()
        ));
        printer.json(&serde_json::json!({ "baseline": current.len() }));
        return Ok(Status::Ok);
    }
    let known = match &args.baseline {
        Some(file) => {
            let text = std::fs::read_to_string(file)
                .into_diagnostic()
                .map_err(|e| e.wrap_err(format!("cannot read baseline {}", file.display())))?;
            warmstart_graph::format::parse_baseline(&text)
        }
        None => Default::default(),
    };
    let new: Vec<&barrels::BarrelImport> = plan
        .imports
        .iter()
        .filter(|i| !known.contains(&i.baseline_line()))
        .collect();
    let gone = known.iter().filter(|l| !current.contains(*l)).count();
    for import in &new {
        let what = match &import.replacement {
            Some(r) => format!("fix: {}", r.replace('\n', " ")),
            None => format!("cannot be rewritten: {}", import.reasons.join("; ")),
        };
        printer.line(format!(
            "{}:{}: barrel import \"{}\" ({}) — {what}",
            import.file, import.line, import.specifier, import.barrel
        ));
    }
    if gone > 0 {
        printer.status(format!(
            "{gone} baseline entries are gone: run --update-baseline to ratchet"
        ));
    }
    printer.line(format!(
        "{} barrel imports, {} not in the baseline",
        plan.imports.len(),
        new.len()
    ));
    printer.json(&serde_json::json!({ "imports": plan.imports.len(), "new": new, "gone": gone }));
    Ok(if new.is_empty() {
        Status::Ok
    } else {
        Status::Failed
    })
}

/// `graph closure ROUTE --by-package`: what `fix-barrels` would do to the
/// route's barrel offenders in the repository's own code, each file's
/// rewrite with its predicted saving (client + server modules, measured by
/// following the route again with the rewritten text), and all together.
pub fn route_edits(
    workspace: &Workspace,
    printer: &Printer,
    root: &Path,
    route: &str,
    report: &warmstart_graph::firstpage::FirstPage,
) -> miette::Result<Option<serde_json::Value>> {
    let mut files: Vec<String> = report
        .offenders
        .iter()
        .filter(|o| !o.file.contains("node_modules/"))
        .map(|o| o.file.clone())
        .collect();
    files.sort();
    files.dedup();
    if files.is_empty() {
        return Ok(None);
    }
    printer.status("warmstart: planning fix-barrels edits for the offenders…");
    let (graph, _) = load_graph(workspace, printer, &[], true);
    let plan = barrels::plan(
        &graph,
        &Options {
            scope: Vec::new(),
            only: Some(files),
        },
    );
    let before = report.client.modules + report.server.modules;
    let saving_of =
        |overlay: &warmstart_graph::firstpage::Overlay| -> miette::Result<(usize, usize, i64)> {
            let (c, s) = warmstart_graph::firstpage::totals_with(root, route, overlay)
                .map_err(|e| miette::miette!("{e}"))?;
            Ok((
                c.modules,
                s.modules,
                before as i64 - (c.modules + s.modules) as i64,
            ))
        };
    let mut edits = Vec::new();
    for file in &plan.files {
        let mut overlay = warmstart_graph::firstpage::Overlay::new();
        overlay.insert(root.join(&file.path), file.after.clone());
        let (client, server, saving) = saving_of(&overlay)?;
        let imports: Vec<&barrels::BarrelImport> = plan
            .imports
            .iter()
            .filter(|i| i.file == file.path && i.status == "rewrite")
            .collect();
        edits.push(serde_json::json!({
            "file": file.path,
            "lines": imports.iter().map(|i| i.line).collect::<Vec<_>>(),
            "specifiers": imports.iter().map(|i| i.specifier.as_str()).collect::<Vec<_>>(),
            "replacement": imports.iter().filter_map(|i| i.replacement.as_deref()).collect::<Vec<_>>().join("\n"),
            "client_after": client,
            "server_after": server,
            "saving": saving,
        }));
    }
    edits.sort_by(|a, b| {
        b["saving"]
            .as_i64()
            .cmp(&a["saving"].as_i64())
            .then(a["file"].as_str().cmp(&b["file"].as_str()))
    });
    let (client, server, saving) = saving_of(&plan.overlay(root))?;
    let refused: Vec<&barrels::BarrelImport> = plan
        .imports
        .iter()
        .filter(|i| i.status == "refused")
        .collect();
    Ok(Some(serde_json::json!({
        "edits": edits,
        "refused": refused,
        "all": { "client_after": client, "server_after": server, "saving": saving },
    })))
}

/// Prints the `fix_barrels` part of the first-page report.
pub fn print_route_edits(printer: &Printer, value: &serde_json::Value) {
    printer.line("\nfix-barrels edits (`warmstart graph fix-barrels PATHS --write`; predicted saving, client + server modules):");
    for e in value["edits"].as_array().into_iter().flatten() {
        let lines: Vec<String> = e["lines"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|l| l.to_string())
            .collect();
        printer.line(format!(
            "  -{:<6} {}:{}",
            e["saving"],
            e["file"].as_str().unwrap_or_default(),
            lines.join(",")
        ));
        for line in e["replacement"].as_str().unwrap_or_default().lines() {
            printer.line(format!("          {line}"));
        }
    }
    for r in value["refused"].as_array().into_iter().flatten() {
        let reasons: Vec<&str> = r["reasons"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
            .collect();
        printer.line(format!(
            "  refused {}:{} \"{}\": {}",
            r["file"].as_str().unwrap_or_default(),
            r["line"],
            r["specifier"].as_str().unwrap_or_default(),
            reasons.join("; ")
        ));
    }
    let all = &value["all"];
    printer.line(format!(
        "  all edits: client {} and server {} modules (−{})",
        all["client_after"], all["server_after"], all["saving"]
    ));
}
