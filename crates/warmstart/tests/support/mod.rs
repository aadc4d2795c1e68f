//! What the integration tests share: how a test that cannot run on this
//! machine says so.
//!
//! The policy (docs/reliability.md, "Tests that need a tool"): under CI —
//! `CI` set to anything but empty, `0` or `false`; `.ci/run` exports `CI=1` —
//! a missing tool fails the test. Elsewhere the test passes and prints
//! `warmstart test SKIPPED <test>: <why>` to the process's standard error
//! directly: `cargo test` captures what the print macros write, not writes
//! to the stream itself, so the line appears in its normal output.

#![allow(dead_code)]

use std::io::Write;

/// Whether the tests run under CI, where nothing may be skipped.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Reports that `test` cannot run here because of `why`: a failure under CI,
/// a visible line otherwise. The caller returns right after.
pub fn skip(test: &str, why: &str) {
    assert!(
        !under_ci(),
        "{test} cannot run here: {why} (under CI every test must run)"
    );
    let _ = writeln!(
        std::io::stderr(),
        "\nwarmstart test SKIPPED {test}: {why} (under CI=1 this fails)\n"
    );
}
