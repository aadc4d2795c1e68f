//! Flags that mean nothing without another flag, or are not read in some
//! mode, are refused (exit 2, clap's message naming both) instead of being
//! accepted and ignored.

use assert_cmd::Command;

fn refused(args: &[&str], says: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("warmstart")
        .unwrap()
        .args(args)
        .current_dir(tmp.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    for s in says {
        assert!(stderr.contains(s), "{args:?} should say {s:?}: {stderr}");
    }
}

#[test]
fn by_package_refuses_the_flags_it_does_not_read() {
    let base = ["graph", "closure", "/auth/login", "--by-package"];
    for (extra, name) in [
        (&["--view", "static"][..], "'--view <VIEW>'"),
        (&["--in", "packages"][..], "'--in <PATH>'"),
        (&["--no-cache"][..], "'--no-cache'"),
    ] {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        refused(&args, &["'--by-package' cannot be used with", name]);
    }
}

#[test]
fn min_saving_needs_write_suggestions() {
    refused(
        &[
            "graph",
            "closure",
            "/auth/login",
            "--by-package",
            "--min-saving",
            "5",
        ],
        &[
            "required arguments were not provided",
            "--write-suggestions",
        ],
    );
}

#[test]
fn core_needs_a_usage_source() {
    refused(
        &["apps", "build", "--core", "3"],
        &[
            "required arguments were not provided",
            "--usage <FILE>|--usage-db <URL>",
        ],
    );
    refused(
        &[
            "apps",
            "build",
            "--usage",
            "u.json",
            "--usage-db",
            "postgres://a@127.0.0.1/c",
        ],
        &["'--usage <FILE>' cannot be used with '--usage-db <URL>'"],
    );
}
