//! One process = one step on a 5,000-entry bucket, for timing whole runs
//! from outside (CPU time is steadier than wall time on a busy machine):
//!
//! ```sh
//! cargo build --release -p warmstart-cache --example bucket5000
//! B=target/release/examples/bucket5000
//! $B setup /tmp/b5k            # files + a saved bucket
//! hyperfine -N "$B noop /tmp/b5k" "$B load /tmp/b5k" "$B lookup /tmp/b5k"
//! ```

use std::path::Path;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use warmstart_cache::{BucketSpec, Cache, Lookup};

const FILES: usize = 5_000;

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Import {
    specifier: String,
    kind: u8,
    type_only: bool,
    start: u32,
}

fn key(i: usize) -> String {
    format!("packages/pkg-{}/src/module-{i}.ts", i % 50)
}

fn value(i: usize) -> Vec<Import> {
    (0..8)
        .map(|j| Import {
            specifier: format!("@calcom/lib/some/module-{}", (i * 7 + j) % 997),
            kind: (j % 3) as u8,
            type_only: j % 4 == 0,
            start: (j * 40) as u32,
        })
        .collect()
}

fn cache(root: &Path) -> Cache {
    Cache::at(&root.join("node_modules/.cache/warmstart"), root)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(mode), Some(root)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: bucket5000 setup|noop|load|lookup DIR");
        std::process::exit(2);
    };
    let root = Path::new(root);
    let spec = BucketSpec::new("bench", 1);
    match mode.as_str() {
        "setup" => {
            let old = SystemTime::now() - Duration::from_secs(3600);
            for i in 0..FILES {
                let path = root.join(key(i));
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, format!("export const x{i} = {i};\n")).unwrap();
                let f = std::fs::File::options().write(true).open(&path).unwrap();
                f.set_modified(old).unwrap();
            }
            let cache = cache(root);
            // Recorded "later", as a run well after the last edit would be.
            let later = SystemTime::now() + Duration::from_secs(10);
            cache.set_clock(move || later);
            let bucket = cache.bucket::<Vec<Import>>(spec);
            for i in 0..FILES {
                if let Lookup::Miss(src) = bucket.file(&key(i)).unwrap() {
                    bucket.insert_file(&src, value(i));
                }
            }
            bucket.save().unwrap();
        }
        "noop" => {}
        "load" => {
            let bucket = cache(root).bucket::<Vec<Import>>(spec);
            assert_eq!(bucket.len(), FILES);
        }
        "lookup" => {
            let bucket = cache(root).bucket::<Vec<Import>>(spec);
            for i in 0..FILES {
                assert!(bucket.file(&key(i)).unwrap().hit().is_some());
            }
        }
        other => {
            eprintln!("unknown mode {other}");
            std::process::exit(2);
        }
    }
}
