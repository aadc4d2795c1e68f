//! The lazy registries type-check: `bench/appstore/tsc-check.sh` generates
//! the sample, runs `apps build --mode lazy` with this binary and `tsc
//! --noEmit` (typescript from npm, installed by the script into
//! `bench/.work/`) over every `*.lazy.generated.ts`; the test fails on any
//! error in a generated file. Without Node.js and npm it says so and
//! passes, except under CI (`CI` set), where it fails.

use std::path::Path;
use std::process::Command;

#[test]
fn lazy_outputs_type_check_with_tsc() {
    let has = |tool: &str| {
        Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !has("node") || !has("npm") {
        assert!(std::env::var_os("CI").is_none(), "CI needs node and npm");
        eprintln!("SKIPPED lazy_tsc: node or npm missing");
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/appstore/tsc-check.sh");
    let out = Command::new("bash")
        .arg(script)
        .env("WARMSTART", env!("CARGO_BIN_EXE_warmstart"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("tsc --noEmit: 0 errors in generated files"),
        "{stdout}\n{stderr}"
    );
}
