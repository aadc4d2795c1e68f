//! The lazy registries type-check: `bench/appstore/tsc-check.sh` generates
//! the sample, runs `apps build --mode lazy` with this binary and `tsc
//! --noEmit` (typescript from npm, installed by the script into
//! `bench/.work/`) over every `*.lazy.generated.ts`; the test fails on any
//! error, or when tsc did not check every generated file. A second run with
//! a type error planted in a generated file must fail, so a check that reads
//! nothing cannot pass. Without Node.js and npm it is skipped visibly, and
//! fails under CI (`support::skip`).

mod support;

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
        support::skip("lazy_tsc", "node or npm is not on PATH");
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/appstore/tsc-check.sh");
    let run = |plant: bool| {
        let mut cmd = Command::new("bash");
        cmd.arg(&script)
            .env("WARMSTART", env!("CARGO_BIN_EXE_warmstart"));
        if plant {
            cmd.env("TSC_CHECK_PLANT", "1");
        } else {
            cmd.env_remove("TSC_CHECK_PLANT");
        }
        let out = cmd.output().unwrap();
        let text = format!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    };
    let (ok, text) = run(false);
    assert!(ok, "{text}");
    assert!(
        text.contains("tsc --noEmit: 0 errors in generated files (0 in all)"),
        "{text}"
    );
    let (ok, text) = run(true);
    assert!(!ok, "a planted type error passed: {text}");
    assert!(
        text.contains("appRegistry.lazy.generated.ts(") && text.contains("error TS2322"),
        "{text}"
    );
}
