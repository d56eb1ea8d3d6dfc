//! Engine throughput: a single function under Poisson load with metrics on, against a naive
//! baseline measured in the same run — the same workload simulated with one tokio task and
//! one (virtual-time) tokio sleep per invocation.

// criterion_group! generates a public function without documentation.
#![allow(missing_docs)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use eventloom::project::synthetic::single_function;
use eventloom::sim::{SEC, SimConfig, Simulation};
use rand::{Rng, SeedableRng};
use std::cell::RefCell;
use std::hint::black_box;
use std::rc::Rc;

const RATE: f64 = 1_000.0;
const MEAN_MS: f64 = 100.0;
const SIM_SECONDS: u64 = 60;

fn engine(c: &mut Criterion) {
    let project = single_function(RATE, MEAN_MS);
    // Count events once so criterion can report events per second.
    let events = {
        let mut sim = Simulation::new(&project, SimConfig::from_project(&project)).expect("valid");
        sim.run_until(SIM_SECONDS * SEC);
        sim.events_processed()
    };
    let requests = (RATE * SIM_SECONDS as f64) as u64;
    let mut g = c.benchmark_group("single_function_poisson_60s");
    g.sample_size(20);
    g.throughput(Throughput::Elements(events));
    g.bench_function("engine_events", |b| {
        b.iter(|| {
            let mut sim =
                Simulation::new(&project, SimConfig::from_project(&project)).expect("valid");
            sim.run_until(SIM_SECONDS * SEC);
            black_box(sim.events_processed())
        })
    });
    g.throughput(Throughput::Elements(requests));
    g.bench_function("engine_requests", |b| {
        b.iter(|| {
            let mut sim =
                Simulation::new(&project, SimConfig::from_project(&project)).expect("valid");
            sim.run_until(SIM_SECONDS * SEC);
            black_box(sim.report().nodes.len())
        })
    });
    g.bench_function("baseline_tokio_sleep_per_invocation_requests", |b| {
        b.iter(|| black_box(tokio_baseline()))
    });
    g.finish();
}

/// The same workload, naively: a tokio task per invocation that sleeps its duration in
/// paused (virtual) time and records it in a histogram.
fn tokio_baseline() -> u64 {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("runtime");
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async {
        let hist = Rc::new(RefCell::new(
            hdrhistogram::Histogram::<u64>::new(3).expect("histogram"),
        ));
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(1);
        let end = tokio::time::Instant::now() + std::time::Duration::from_secs(SIM_SECONDS);
        let mut handles = Vec::new();
        loop {
            let gap = -(1.0 - rng.random::<f64>()).ln() / RATE;
            tokio::time::sleep(std::time::Duration::from_secs_f64(gap)).await;
            if tokio::time::Instant::now() >= end {
                break;
            }
            let d = -(1.0 - rng.random::<f64>()).ln() * MEAN_MS / 1000.0;
            let h = hist.clone();
            handles.push(tokio::task::spawn_local(async move {
                tokio::time::sleep(std::time::Duration::from_secs_f64(d)).await;
                h.borrow_mut().saturating_record((d * 1e6) as u64);
            }));
        }
        for h in handles {
            let _ = h.await;
        }
        hist.borrow().len()
    })
}

criterion_group!(benches, engine);
criterion_main!(benches);
