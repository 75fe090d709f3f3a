//! How long one evaluation takes on a large environment (the console re-evaluates on
//! every new kind result, so this bounds the cost of a refresh): 2,000 security groups
//! with 12,000 rules, 512 route tables, 300 DB instances, 1,000 alarms. Also the cost
//! of building the index alone and of an incremental update after one kind changed.

#[path = "support/large.rs"]
mod large;

use criterion::{Criterion, criterion_group, criterion_main};
use driftdeck::design::Design;
use driftdeck::drift::{Evaluator, Index, evaluate};
use driftdeck::model::Kind;
use large::big_snapshot;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/config/designs/client-a-prod.toml");
    let design = Design::load(std::path::Path::new(path)).expect("design");
    let snap = big_snapshot();
    c.bench_function("evaluate_large_environment", |b| b.iter(|| evaluate(black_box(&design), black_box(&snap))));
    c.bench_function("index_large_environment", |b| b.iter(|| Index::new(black_box(&design), black_box(&snap))));
    let mut ev = Evaluator::new(&design, &snap);
    c.bench_function("incremental_update_alarms", |b| b.iter(|| ev.update(&design, black_box(&snap), Kind::Alarms)));
    c.bench_function("incremental_update_security_groups", |b| {
        b.iter(|| ev.update(&design, black_box(&snap), Kind::SecurityGroups))
    });
    c.bench_function("incremental_report", |b| b.iter(|| ev.report(&design, black_box(&snap))));
}

criterion_group!(benches, bench);
criterion_main!(benches);
