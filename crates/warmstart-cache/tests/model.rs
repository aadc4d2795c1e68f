//! Property: any interleaving of edits (including same-size edits with the
//! mtime put back), deletions, clock jumps back, reloads, damaged bucket
//! files and lookups answers exactly what recomputing from scratch gives.

mod common;

use std::time::{Duration, SystemTime};

use common::*;
use proptest::prelude::*;
use warmstart_cache::{Bucket, Cache};

const FILES: [&str; 3] = ["a.ts", "dir/b.ts", "c.ts"];
/// Same-length contents, so edits keep the size.
const CONTENTS: [&str; 4] = ["one", "two", "six", "a much longer text"];

#[derive(Debug, Clone)]
enum Op {
    /// Write contents; with `true`, then put the mtime back to a fixed
    /// instant, as a second edit within one mtime tick would leave it.
    Write(usize, usize, bool),
    Delete(usize),
    Lookup(usize),
    /// Save, then start a new process (new handle, bucket loaded from disk).
    Reload,
    /// The clock jumps back by this many seconds (0: set right again).
    ClockBack(u64),
    /// Cut the bucket file, then reload.
    Truncate,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..FILES.len(), 0..CONTENTS.len(), any::<bool>())
            .prop_map(|(f, c, pin)| Op::Write(f, c, pin)),
        1 => (0..FILES.len()).prop_map(Op::Delete),
        6 => (0..FILES.len()).prop_map(Op::Lookup),
        2 => Just(Op::Reload),
        1 => prop_oneof![Just(0u64), 1..100_000u64].prop_map(Op::ClockBack),
        1 => Just(Op::Truncate),
    ]
}

struct World {
    repo: Repo,
    cache: Cache,
    bucket: Bucket<String>,
    back: u64,
    watched: bool,
}

impl World {
    fn open(repo: Repo, back: u64, watched: bool) -> World {
        let (cache, _) = repo.cache();
        cache.set_clock(move || SystemTime::now() - Duration::from_secs(back));
        let bucket = cache.bucket::<String>(spec());
        bucket.set_watched(watched);
        World {
            repo,
            cache,
            bucket,
            back,
            watched,
        }
    }

    fn reload(self) -> World {
        // A save may fail only if the folder is unusable; it is not here.
        self.bucket.save().unwrap();
        drop(self.cache);
        World::open(self.repo, self.back, self.watched)
    }

    /// What a file watcher would report.
    fn changed(&self, f: usize) {
        if self.watched {
            self.bucket.invalidate(FILES[f]);
        }
    }
}

fn run(ops: Vec<Op>, watched: bool) -> Result<(), TestCaseError> {
    let pinned = SystemTime::now() - Duration::from_secs(1000);
    let mut w = World::open(Repo::new(), 0, watched);
    for op in ops {
        match op {
            Op::Write(f, c, pin) => {
                w.repo.write(FILES[f], CONTENTS[c]);
                if pin {
                    w.repo.set_mtime(FILES[f], pinned);
                }
                w.changed(f);
            }
            Op::Delete(f) => {
                let _ = std::fs::remove_file(w.repo.root().join(FILES[f]));
                w.changed(f);
            }
            Op::Lookup(f) => {
                let (got, _) = lookup(&w.bucket, FILES[f]);
                prop_assert_eq!(got, truth(&w.repo, FILES[f]), "{}", FILES[f]);
            }
            Op::Reload => w = w.reload(),
            Op::ClockBack(s) => {
                w.back = s;
                w = w.reload();
            }
            Op::Truncate => {
                w.bucket.save().unwrap();
                if let Some(path) = w.bucket.path()
                    && let Ok(bytes) = std::fs::read(path)
                {
                    std::fs::write(path, &bytes[..bytes.len() / 2]).unwrap();
                }
                let World {
                    repo,
                    back,
                    watched,
                    ..
                } = w;
                w = World::open(repo, back, watched);
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn cached_answers_equal_recomputation(ops in prop::collection::vec(op(), 1..40)) {
        run(ops, false)?;
    }

    #[test]
    fn watched_l1_answers_equal_recomputation(ops in prop::collection::vec(op(), 1..40)) {
        run(ops, true)?;
    }
}
