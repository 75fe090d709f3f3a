//! How long one evaluation takes on a large environment (the console re-evaluates on
//! every new kind result, so this bounds the cost of a refresh): 2,000 security groups
//! with 12,000 rules, 512 route tables, 300 DB instances, 1,000 alarms. Also the cost
//! of building the index alone, of an incremental update after one kind changed and of
//! the worker's copy of the snapshot. What the console's UI thread pays per result is in
//! the root package's `benches/console.rs`.

/// The binary's allocator (see `src/main.rs`), so the bench times what ships.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use engine::design::Design;
use engine::drift::{Evaluator, Index, evaluate};
use model::Kind;
use std::hint::black_box;
use std::time::{Duration, Instant};
use testkit::large::big_snapshot;

fn bench(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../config/designs/client-a-prod.toml");
    let design = Design::load(std::path::Path::new(path)).expect("design");
    let snap = big_snapshot();
    // Each result is freed outside the timing, as in the console, which never frees one
    // where it evaluates (the UI shares its findings; replaced reports go to the freeing
    // thread, src/console/state/worker.rs). Freed before the next run, so memory is reused as there.
    // What freeing costs is timed on its own below.
    let timed = |b: &mut criterion::Bencher<'_>, run: &dyn Fn() -> Box<dyn std::any::Any>| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                let out = black_box(run());
                spent += start.elapsed();
                drop(out);
            }
            spent
        })
    };
    c.bench_function("evaluate_large_environment", |b| {
        timed(b, &|| Box::new(evaluate(black_box(&design), black_box(&snap))))
    });
    // The rules on one thread and on two (`evaluate` picks by the machine's cores).
    let full = |threads| {
        let ev = Evaluator::with_threads(black_box(&design), black_box(&snap), threads);
        let report = ev.report(&design, &snap);
        (ev, report)
    };
    c.bench_function("evaluate_large_environment_one_thread", |b| timed(b, &|| Box::new(full(1))));
    c.bench_function("evaluate_large_environment_two_threads", |b| timed(b, &|| Box::new(full(2))));
    // What every consumer does next (the console's worker, `check`'s reports): read each
    // finding's lazily joined texts. Timed apart, over a fresh result each time.
    c.bench_function("join_texts_large_evaluation", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                let (ev, report) = full(1);
                let start = Instant::now();
                let bytes: usize = report.findings.iter().map(|f| f.actual.len() + f.message.len()).sum();
                spent += start.elapsed();
                black_box(bytes);
                drop((ev, report));
            }
            spent
        })
    });
    c.bench_function("free_large_evaluation", |b| b.iter_batched(|| full(1), drop, BatchSize::LargeInput));
    c.bench_function("index_large_environment", |b| b.iter(|| Index::new(black_box(&design), black_box(&snap))));
    let mut ev = Evaluator::new(&design, &snap);
    // The previous report is held while the kind is re-judged, as the console's UI holds
    // it: the replaced findings are then only released there, and freed with that report
    // on the freeing thread (outside the timing).
    let mut update = |b: &mut criterion::Bencher<'_>, kind: Kind| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                let held = ev.report(&design, &snap);
                let start = Instant::now();
                ev.update(&design, black_box(&snap), kind);
                spent += start.elapsed();
                drop(held);
            }
            spent
        })
    };
    c.bench_function("incremental_update_alarms", |b| update(b, Kind::Alarms));
    c.bench_function("incremental_update_security_groups", |b| update(b, Kind::SecurityGroups));
    c.bench_function("incremental_report", |b| b.iter(|| ev.report(&design, black_box(&snap))));
    c.bench_function("snapshot_copy_large_environment", |b| b.iter(|| black_box(&snap).clone()));
}

criterion_group!(benches, bench);
criterion_main!(benches);
