//! init on the generated `copy-script` sample (Cal.com's 2025 layout): the
//! dev chain's copy step becomes `warmstart assets setup`, a second run
//! changes nothing, and the report says the step is skipped.

use warmstart_init::{DevStatics, plan, statics_report};
use warmstart_sample::{SampleOptions, Shape};
use warmstart_workspace::Preset;

#[test]
fn init_rewrites_the_dev_chain_of_the_copy_script_sample() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("s");
    let options = SampleOptions {
        apps: 8,
        modules: 120,
        seed: 3,
        shape: Shape::CopyScript,
    };
    warmstart_sample::generate(&root, &options).unwrap();

    let before = statics_report(&root, Preset::Calcom).unwrap();
    assert_eq!(before.dev_statics(), DevStatics::StillCopies);
    insta::assert_json_snapshot!("sample_report_before", before);

    let edits = plan(&root, Preset::Calcom).unwrap();
    let paths: Vec<&str> = edits.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "warmstart.json",
            "package.json",
            "apps/web/package.json",
            "apps/web/next.config.js"
        ]
    );
    let web = edits
        .iter()
        .find(|e| e.path == "apps/web/package.json")
        .unwrap();
    insta::assert_snapshot!(
        "sample_web_package_diff",
        format!("{}\n{}", web.why, web.diff())
    );
    // turbo.json's copy task serves the build only: untouched.
    assert!(edits.iter().all(|e| e.path != "turbo.json"));

    warmstart_init::apply(&root, &edits).unwrap();
    assert!(
        root.join("apps/web/package.json.warmstart-backup")
            .is_file(),
        "a backup of the edited package.json"
    );
    assert!(
        plan(&root, Preset::Calcom).unwrap().is_empty(),
        "second run: no edit"
    );

    let after = statics_report(&root, Preset::Calcom).unwrap();
    assert_eq!(after.dev_statics(), DevStatics::Skipped, "{after:#?}");
    assert!(after.dev_copy_skipped());
    assert_eq!(after.programs.len(), 1);
    assert_eq!(
        after.programs[0].run_by,
        ["apps/web/package.json: copy-app-store-static"]
    );
}
