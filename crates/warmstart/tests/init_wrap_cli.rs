//! `warmstart init --write` on a next.config.js with code after
//! `module.exports = …`: Node.js loads the result (with the real `dotenv`
//! and `copy-webpack-plugin` the sample's config requires, from npm, and
//! the repository's `warmstart/next`) and the trailing code still runs.
//! A config init cannot wrap safely exits 2 with file:line:col and the
//! reason, and nothing is written.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn warmstart(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("warmstart").unwrap();
    cmd.current_dir(dir)
        .env_remove("WARMSTART_ROOT")
        .env("NO_COLOR", "1");
    cmd
}

fn sample(tmp: &Path) -> PathBuf {
    let root = tmp.join("s");
    let options = warmstart_sample::SampleOptions {
        apps: 8,
        modules: 120,
        seed: 3,
        ..warmstart_sample::SampleOptions::default()
    };
    warmstart_sample::generate(&root, &options).unwrap();
    root
}

const TRAILING: &str = "\n// Added after the export.\nglobalThis.__trailing = \"still here\";\n";

#[test]
fn code_after_the_export_survives_init_and_runs_in_node() {
    let tmp = tempfile::tempdir().unwrap();
    let root = sample(tmp.path());
    let config = root.join("apps/web/next.config.js");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(TRAILING);
    std::fs::write(&config, &text).unwrap();

    warmstart(&root)
        .args(["init", "--write"])
        .assert()
        .success();
    let after = std::fs::read_to_string(&config).unwrap();
    assert!(
        after.ends_with(&format!(
            "module.exports = withWarmstart(nextConfig);\n{TRAILING}"
        )),
        "{after}"
    );
    // Only the require line and the wrap differ.
    let added: Vec<&str> = after
        .lines()
        .filter(|l| !text.lines().any(|t| t == *l))
        .collect();
    assert_eq!(
        added,
        [
            "const { withWarmstart } = require(\"warmstart/next\");",
            "module.exports = withWarmstart(nextConfig);"
        ]
    );

    let has = |tool: &str| {
        std::process::Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !has("node") || !has("npm") {
        assert!(std::env::var_os("CI").is_none(), "CI needs node and npm");
        println!("*** SKIPPED loading the wrapped config: node or npm missing ***");
        eprintln!("*** SKIPPED loading the wrapped config: node or npm missing ***");
        return;
    }
    let deps = tmp.path().join("deps");
    std::fs::create_dir_all(&deps).unwrap();
    std::fs::write(deps.join("package.json"), "{ \"private\": true }\n").unwrap();
    let out = std::process::Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
        .args(["dotenv@16.4.5", "copy-webpack-plugin@11.0.0"])
        .current_dir(&deps)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let modules = root.join("apps/web/node_modules");
    std::fs::create_dir_all(&modules).unwrap();
    let npm_package = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../npm/warmstart");
    std::os::unix::fs::symlink(
        npm_package.canonicalize().unwrap(),
        modules.join("warmstart"),
    )
    .unwrap();
    let out = std::process::Command::new("node")
        .arg("-e")
        .arg(
            "const c = require('./next.config.js'); \
             console.log(JSON.stringify({ trailing: globalThis.__trailing, webpack: typeof c.webpack, strict: c.reactStrictMode }));",
        )
        .env("NODE_PATH", deps.join("node_modules"))
        .current_dir(root.join("apps/web"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains(r#"{"trailing":"still here","webpack":"function","strict":true}"#),
        "{said}"
    );
}

#[test]
fn a_config_init_cannot_wrap_exits_2_with_the_place_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let root = sample(tmp.path());
    let config = root.join("apps/web/next.config.js");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace(
            "module.exports = nextConfig;",
            "if (process.env.CI) {\n  module.exports = nextConfig;\n} else {\n  module.exports = { ...nextConfig, dev: true };\n}",
        );
    std::fs::write(&config, &text).unwrap();
    let line = 1 + text
        .lines()
        .position(|l| l == "  module.exports = nextConfig;")
        .unwrap();
    let out = warmstart(&root).args(["init", "--write"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "apps/web/next.config.js:{line}:3: the config is exported inside an `if`"
        )),
        "{err}"
    );
    assert!(err.contains("withWarmstart()"), "{err}");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), text);
    assert!(!root.join("warmstart.json").exists(), "nothing written");
}
