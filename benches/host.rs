//! The paced live-run host (issue 5: "sustains ≥ 1 million events per second through a
//! 5-node graph with metrics on").
//!
//! Runs `project::synthetic::five_node_pipeline` on the host thread at 1× speed for a few
//! wall seconds with a UI-like consumer draining frames, and reports the engine events per
//! wall second the host sustained and how far its clock fell behind. Baseline (same run):
//! the same project run flat out with `Simulation::run_until`, no host, no frames.
//! `cargo bench --no-default-features --features host --bench host [-- RATE]`.

use eventloom::host::{Host, HostCommand, HostOptions, RunState, Speed};
use eventloom::project::synthetic::five_node_pipeline;
use eventloom::sim::{SEC, SimConfig, Simulation};
use std::time::{Duration, Instant};

const WALL_S: u64 = 8;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if args
        .iter()
        .any(|a| a.parse::<f64>().is_err() && !"host".contains(a.as_str()))
    {
        return;
    }
    // 500,000 requests/s ≈ 1.1 M engine events per simulated second (many requests are
    // throttled while the functions scale up from zero, which costs fewer events).
    let rate: f64 = args
        .iter()
        .find_map(|a| a.parse().ok())
        .unwrap_or(500_000.0);
    let project = five_node_pipeline(rate);

    // Baseline: the bare engine, flat out, over the same simulated time.
    let mut sim = Simulation::new(&project, SimConfig::from_project(&project)).expect("valid");
    let t0 = Instant::now();
    sim.run_until(WALL_S * SEC);
    let bare = t0.elapsed().as_secs_f64();
    let bare_rate = sim.events_processed() as f64 / bare;
    let demand = sim.events_processed() as f64 / WALL_S as f64;
    println!(
        "host: baseline engine flat out: {:.2} M events/s ({} events for {WALL_S} simulated s in {bare:.2} s); the workload needs {:.2} M events per simulated s",
        bare_rate / 1e6,
        sim.events_processed(),
        demand / 1e6
    );
    drop(sim);

    let options = HostOptions {
        speed: Speed::Times(1.0),
        duration: 3_600 * SEC,
        ..HostOptions::from_project(&project)
    };
    let host = Host::spawn(&project, options, Box::new(|| {})).expect("host starts");
    host.send(HostCommand::Watch(vec!["worker".into()]))
        .expect("watch");
    host.send(HostCommand::Play).expect("play");
    let start = Instant::now();
    let mut frames = 0u64;
    let mut max_lag = 0;
    let mut last = None;
    // A UI at 60 Hz: drain whatever arrived, every 16 ms.
    while start.elapsed() < Duration::from_secs(WALL_S) {
        std::thread::sleep(Duration::from_millis(16));
        if let Some(f) = host.poll() {
            frames += 1;
            // The first second warms up (instances scale from zero).
            if start.elapsed() > Duration::from_secs(1) {
                max_lag = max_lag.max(f.lag);
            }
            last = Some(f);
        }
    }
    let wall = start.elapsed().as_secs_f64();
    let f = last.expect("frames arrived");
    assert_eq!(f.state, RunState::Running);
    let sustained = f.snapshot.events as f64 / wall;
    println!(
        "host: paced 1×: {:.2} M events/s sustained over {wall:.1} s wall, virtual clock {:.2} s, max lag after warm-up {:.1} ms, {frames} frames drained ({:.0}/s)",
        sustained / 1e6,
        f.snapshot.now as f64 / SEC as f64,
        max_lag as f64 / 1e3,
        frames as f64 / wall
    );
    println!(
        "host: ratio sustained / bare engine = {:.2}; keeps pace: {}",
        sustained / bare_rate,
        max_lag < SEC / 10
    );
}
