//! `warmstart sample`: writes the sample, reports it, refuses a folder
//! that already holds files.

use assert_cmd::Command;

fn warmstart() -> Command {
    Command::cargo_bin("warmstart").unwrap()
}

#[test]
fn writes_a_sample_and_reports_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("sample");
    let out = warmstart()
        .args(["sample", "--apps", "25", "--modules", "700", "--seed", "3"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("25 apps, 700 modules"), "{stdout}");
    let facts: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("warmstart-sample.json")).unwrap())
            .unwrap();
    assert_eq!(facts["seed"], 3);
    assert_eq!(facts["planted"]["expected"]["runtime"]["groups"], 7);
    assert!(
        dir.join("packages/app-store/stripepayment/_metadata.ts")
            .is_file()
    );
}

#[test]
fn json_output_is_the_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("sample");
    let out = warmstart()
        .args(["--json", "sample"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["apps"], 24);
    assert_eq!(summary["modules"], 600);
    assert_eq!(summary["planted"]["barrel_cycles"], 2);
}

#[test]
fn refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let out = warmstart().arg("sample").arg(tmp.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not empty"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn output_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("sample");
    let out = warmstart()
        .args(["sample", "--modules", "1000"])
        .arg(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    insta::with_settings!({filters => vec![
        (regex_escape(&tmp.path().display().to_string()).as_str(), "[TMP]"),
        (r"in [0-9.]+(ms|s|µs)", "in [TIME]"),
    ]}, {
        insta::assert_snapshot!(stdout);
    });
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if "\\.+*?()|[]{}^$".contains(c) {
                vec!['\\', c]
            } else {
                vec![c]
            }
        })
        .collect()
}
