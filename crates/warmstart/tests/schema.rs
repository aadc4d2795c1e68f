//! The committed `warmstart.schema.json` must be what the Rust types say.

use assert_cmd::Command;

#[test]
fn committed_schema_is_up_to_date() {
    let out = Command::cargo_bin("warmstart")
        .unwrap()
        .arg("schema")
        .output()
        .unwrap();
    assert!(out.status.success());
    let generated = String::from_utf8(out.stdout).unwrap();
    // The root copy is for editors in this repository; the npm package's copy
    // is what `warmstart init` points `$schema` at.
    for path in [
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../warmstart.schema.json"),
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../npm/warmstart/warmstart.schema.json"
        ),
    ] {
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        if committed != generated {
            if std::env::var_os("WARMSTART_UPDATE_SCHEMA").is_some() {
                std::fs::write(path, &generated).unwrap();
            } else {
                panic!(
                    "{path} is stale: run `WARMSTART_UPDATE_SCHEMA=1 cargo test -p warmstart \
                     --test schema` and commit it"
                );
            }
        }
    }
}
