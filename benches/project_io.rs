//! Project I/O: loading, validating and saving a 1,000-node project.
//!
//! Baseline: parsing the same text into an untyped `ron::Value` (the raw RON parser's cost,
//! measured in the same run), so the ratio says what typed loading adds.

// criterion_group! generates a public function without documentation.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use eventloom::model::validate;
use eventloom::project::{from_ron_str, load, synthetic, to_ron_string};
use std::hint::black_box;

fn project_io(c: &mut Criterion) {
    let project = synthetic::pipeline(1_000);
    let text = to_ron_string(&project);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big.ron");
    std::fs::write(&path, &text).expect("write");
    let mut g = c.benchmark_group("project_1000_nodes");
    g.bench_function("baseline_ron_value_parse", |b| {
        b.iter(|| black_box(ron::from_str::<ron::Value>(black_box(&text)).is_ok()))
    });
    g.bench_function("parse", |b| {
        b.iter(|| black_box(from_ron_str(black_box(&text)).is_ok()))
    });
    g.bench_function("load_file_and_validate", |b| {
        b.iter(|| {
            let p = load(black_box(&path)).expect("load");
            black_box(validate(&p).len())
        })
    });
    g.bench_function("validate", |b| {
        b.iter(|| black_box(validate(black_box(&project)).len()))
    });
    g.bench_function("serialize", |b| {
        b.iter(|| black_box(to_ron_string(black_box(&project)).len()))
    });
    g.finish();
}

criterion_group!(benches, project_io);
criterion_main!(benches);
