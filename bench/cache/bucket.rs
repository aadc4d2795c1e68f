//! Load, lookup and store of a 5,000-entry bucket of parse-result-shaped
//! values, with both codecs. Run: `cargo bench -p warmstart-cache --bench bucket`
//! (or `bench/cache/run.sh`). The bar: loading takes a few ms.

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::{Criterion, criterion_group, criterion_main};
use serde::{Deserialize, Serialize};
use warmstart_cache::{BucketSpec, Cache, Codec, Lookup};

const FILES: usize = 5_000;

/// Shaped like the graph's per-file parse result.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Parsed {
    imports: Vec<Import>,
    type_only_bindings: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Import {
    specifier: String,
    kind: u8,
    type_only: bool,
    start: u32,
}

fn parsed(i: usize) -> Parsed {
    Parsed {
        imports: (0..8)
            .map(|j| Import {
                specifier: format!("@calcom/lib/some/module-{}", (i * 7 + j) % 997),
                kind: (j % 3) as u8,
                type_only: j % 4 == 0,
                start: (j * 40) as u32,
            })
            .collect(),
        type_only_bindings: vec!["Props".into(), "User".into()],
    }
}

fn key(i: usize) -> String {
    format!("packages/pkg-{}/src/module-{i}.ts", i % 50)
}

/// A repository with FILES source files an hour old and a saved bucket.
fn setup(codec: Codec) -> (tempfile::TempDir, Cache, BucketSpec) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let old = SystemTime::now() - Duration::from_secs(3600);
    for i in 0..FILES {
        let path = root.join(key(i));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, format!("export const x{i} = {i};\n")).unwrap();
        let f = std::fs::File::options().write(true).open(&path).unwrap();
        f.set_modified(old).unwrap();
    }
    let cache = Cache::at(&root.join("node_modules/.cache/warmstart"), &root);
    // Stamps are recorded "later" so the fast path applies, as in a run
    // that comes a while after the files were last changed.
    let later = SystemTime::now() + Duration::from_secs(60);
    cache.set_clock(move || later);
    let spec = BucketSpec::new("bench", 1).codec(codec);
    let bucket = cache.bucket::<Parsed>(spec.clone());
    for i in 0..FILES {
        if let Lookup::Miss(src) = bucket.file(&key(i)).unwrap() {
            bucket.insert_file(&src, parsed(i));
        }
    }
    bucket.save().unwrap();
    cache.set_clock(move || later + Duration::from_secs(60));
    (dir, cache, spec)
}

fn benches(c: &mut Criterion) {
    for (name, codec) in [("postcard", Codec::Postcard), ("json", Codec::Json)] {
        let (_dir, cache, spec) = setup(codec);
        let mut group = c.benchmark_group(format!("bucket-5000-{name}"));
        group.sample_size(20);
        group.bench_function("load", |b| {
            b.iter(|| {
                let bucket = cache.bucket::<Parsed>(spec.clone());
                assert_eq!(bucket.len(), FILES);
                black_box(bucket)
            })
        });
        // Calibration: the system calls a fast-path lookup cannot avoid.
        group.bench_function("stat-all-baseline", |b| {
            b.iter(|| {
                for i in 0..FILES {
                    black_box(std::fs::metadata(cache.root().join(key(i))).unwrap());
                }
            })
        });
        let bucket = cache.bucket::<Parsed>(spec.clone());
        group.bench_function("lookup-all-unchanged", |b| {
            b.iter(|| {
                for i in 0..FILES {
                    black_box(bucket.file(&key(i)).unwrap().hit().unwrap());
                }
            })
        });
        bucket.set_watched(true);
        group.bench_function("lookup-all-watched-l1", |b| {
            b.iter(|| {
                for i in 0..FILES {
                    black_box(bucket.file(&key(i)).unwrap().hit().unwrap());
                }
            })
        });
        group.bench_function("store-one-and-save", |b| {
            let mut n = 0usize;
            b.iter(|| {
                n += 1;
                let k = key(n % FILES);
                std::fs::write(cache.root().join(&k), format!("// edit {n}\n")).unwrap();
                bucket.invalidate(&k);
                if let Lookup::Miss(src) = bucket.file(&k).unwrap() {
                    bucket.insert_file(&src, parsed(n));
                }
                black_box(bucket.save().unwrap())
            })
        });
        group.finish();
    }
}

criterion_group!(cache_benches, benches);
criterion_main!(cache_benches);
