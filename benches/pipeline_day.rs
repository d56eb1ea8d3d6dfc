//! A simulated day at 1,000 requests/s through a 5-node pipeline
//! (HTTP API → function → queue → function → table), run once flat out.
//!
//! Prints wall time, events per second and peak memory after 1 h, 6 h and 24 h of simulated
//! time, so a reader sees that memory does not grow with the simulated duration. Not a
//! criterion bench: one run takes tens of seconds. `cargo bench --bench pipeline_day`.

use eventloom::project::synthetic::five_node_pipeline;
use eventloom::sim::{SEC, SimConfig, Simulation};
use std::time::Instant;

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    // `cargo bench` passes `--bench`; a filter that does not match skips the run (so
    // `cargo bench -- other` stays fast).
    if std::env::args()
        .skip(1)
        .any(|a| !a.starts_with('-') && !"pipeline_day".contains(a.as_str()))
    {
        return;
    }
    let project = five_node_pipeline(1_000.0);
    let mut sim =
        Simulation::new(&project, SimConfig::from_project(&project)).expect("valid project");
    let start = Instant::now();
    for hours in [1u64, 6, 24] {
        sim.run_until(hours * 3_600 * SEC);
        let wall = start.elapsed().as_secs_f64();
        let rss = peak_rss_mb().map_or_else(|| "n/a".to_owned(), |m| format!("{m:.1} MB"));
        println!(
            "pipeline_day: {hours:>2} h simulated in {wall:6.1} s wall, {:>11} events ({:.2} M events/s), peak RSS {rss}",
            sim.events_processed(),
            sim.events_processed() as f64 / wall / 1e6
        );
    }
    let r = sim.report();
    println!(
        "pipeline_day: ledger balanced: {}, {} requests entered, worker p99 {:.1} ms",
        r.ledger_balanced,
        r.ledger.entered,
        r.nodes
            .iter()
            .find(|n| n.id == "worker")
            .map_or(0.0, |n| n.latency.p99_ms)
    );
}
