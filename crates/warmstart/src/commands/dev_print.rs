//! What `dev`, `bench` and `report` print alike.

use warmstart_devserver::{DevError, Step, metrics, prepare};

use crate::printer::{Paint, Printer};
use crate::settings::DevSettings;

/// Which optimizations are on, or that there is nothing to prepare.
pub(super) fn on_text(ctx: &DevSettings, steps: &[Step]) -> String {
    if steps.is_empty() {
        "nothing to prepare".to_string()
    } else {
        format!("optimizations: {}", ctx.optimizations.describe())
    }
}

/// A warning the user must act on (the statics copy still runs).
pub(super) fn warn_red(printer: &Printer, w: &str) {
    printer.status(format!(
        "{} {}: {w}",
        tag(printer),
        printer.paint("warning", Paint::Red)
    ));
}

pub(super) fn tag(printer: &Printer) -> String {
    printer.paint("warmstart", Paint::Bold)
}

pub(super) fn print_steps(printer: &Printer, timings: &[prepare::StepTiming]) {
    for t in timings {
        let state = if t.ok {
            printer.paint("ok", Paint::Green)
        } else {
            printer.paint("failed", Paint::Red)
        };
        printer.status(format!(
            "  {:<10} {:>9}  {state}  {}",
            t.name,
            metrics::Unit::Ms.format(t.ms),
            t.summary
        ));
    }
}

pub(super) fn over_budget_text(over: &[metrics::OverBudget]) -> String {
    over.iter()
        .map(|o| {
            format!(
                "{} {} > {}",
                o.metric,
                metrics::Unit::Ms.format(o.value_ms),
                metrics::Unit::Ms.format(o.budget_ms as f64)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Ends the process with `code` (the server's exit code, which `Status`
/// cannot carry).
pub(super) fn exit_with(code: i32) -> ! {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    std::process::exit(code)
}

pub(super) fn fail(printer: &Printer, e: DevError) -> ! {
    let code = e.exit_code();
    printer.error(&miette::Report::new(e));
    exit_with(code)
}

/// The command as a shell would need it typed (arguments with spaces or
/// quotes single-quoted).
pub(super) fn display(command: &[String]) -> String {
    command
        .iter()
        .map(|a| {
            if a.is_empty() || a.contains([' ', '\'', '"', '$', ';', '&', '|']) {
                format!("'{}'", a.replace('\'', r"'\''"))
            } else {
                a.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
