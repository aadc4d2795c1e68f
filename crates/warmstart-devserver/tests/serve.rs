//! The dev session's serve loop: it re-runs the prepare steps when a
//! watched folder changes and returns the server's exit code as an
//! `Outcome` (it never ends the process itself).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use warmstart_devserver::serve::{Event, Outcome, serve};
use warmstart_devserver::signals::Forwarder;
use warmstart_devserver::{
    DEFAULT_READY_PATTERN, Launch, Optimization, Optimizations, Readiness, Step, StepOutcome,
    session, watch,
};

#[test]
fn serve_reruns_steps_on_changes_and_returns_the_servers_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let watched = dir.path().join("watched");
    std::fs::create_dir(&watched).unwrap();
    let launch = Launch {
        command: vec![
            "sh".into(),
            "-c".into(),
            "echo 'Ready in 1ms'; sleep 4; exit 3".into(),
        ],
        cwd: dir.path().to_path_buf(),
        readiness: Readiness::new(DEFAULT_READY_PATTERN, None).unwrap(),
        timeout: Duration::from_secs(20),
        echo: false,
        first_page_url: None,
        hmr: None,
    };
    let signals = Forwarder::install().unwrap();
    let mut started = session::start(&launch, Some(&signals)).unwrap();
    let (watcher, missing) =
        watch::watch(std::slice::from_ref(&watched), Duration::from_millis(50)).unwrap();
    assert!(missing.is_empty());
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = runs.clone();
    let mut steps = vec![Step::new("count", Optimization::Apps, move |_| {
        counted.fetch_add(1, Ordering::SeqCst);
        Ok(StepOutcome::new("counted"))
    })];
    let writer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        std::fs::write(watched.join("a.ts"), "export {};\n").unwrap();
    });
    let (mut ticks, mut reprepared) = (0, 0);
    let outcome = serve(
        &mut started,
        &mut steps,
        &Optimizations::default(),
        Some(&watcher),
        &signals,
        |event| match event {
            Event::Tick => ticks += 1,
            Event::Reprepared { files, timings, .. } => {
                assert!(files >= 1);
                assert_eq!(timings[0].summary, "counted");
                reprepared += 1;
            }
        },
    );
    writer.join().unwrap();
    assert_eq!(outcome, Outcome::Exited(3));
    assert_eq!(outcome.exit_code(), 3);
    assert!(ticks > 10, "{ticks} ticks");
    assert!(reprepared >= 1);
    assert_eq!(runs.load(Ordering::SeqCst), reprepared);
}
