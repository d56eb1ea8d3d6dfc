//! A driver for profiling and comparing engine builds: runs the engine benchmarks'
//! workloads and prints events, wall time and a fingerprint of the report (so two builds
//! made with the same toolchain can be checked to give identical results).
//!
//! ```text
//! cargo build --release --no-default-features --example engine_profile
//! # exact instruction counts, whatever the machine's load:
//! valgrind --tool=callgrind target/release/examples/engine_profile single 60
//! # throughput of many short runs (median and best), for comparing two builds in turn:
//! target/release/examples/engine_profile repeat single 40
//! ```
//!
//! Workloads: `single` (one client → one function, Poisson 1,000/s, the `engine` bench) and
//! `pipeline` (the five-node pipeline at 1,000/s, the `pipeline_day` bench).

use eventloom::model::Project;
use eventloom::project::synthetic::{five_node_pipeline, single_function};
use eventloom::sim::{SEC, SimConfig, Simulation};
use std::hash::{Hash, Hasher};
use std::process::ExitCode;
use std::time::Instant;

/// Runs `project` for `seconds` simulated seconds: (events, wall seconds, simulation).
fn run(project: &Project, seconds: u64) -> Result<(u64, f64, Simulation), String> {
    let start = Instant::now();
    let mut sim = Simulation::new(project, SimConfig::from_project(project))
        .map_err(|e| format!("the workload does not compile: {e}"))?;
    sim.run_until(seconds * SEC);
    Ok((sim.events_processed(), start.elapsed().as_secs_f64(), sim))
}

fn workload(name: &str) -> Option<Project> {
    match name {
        "single" => Some(single_function(1_000.0, 100.0)),
        "pipeline" => Some(five_node_pipeline(1_000.0)),
        _ => None,
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: engine_profile [repeat] single|pipeline [N]  (N: simulated seconds, \
                 or with repeat the number of 60 s runs)";
    let (repeat, rest) = match args.first().map(String::as_str) {
        Some("repeat") => (true, &args[1..]),
        _ => (false, &args[..]),
    };
    let Some(project) = rest.first().and_then(|w| workload(w)) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let n: u64 = match rest.get(1).map(|s| s.parse()) {
        None => 60,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    let result = if repeat {
        repeat_runs(&project, n)
    } else {
        one_run(&project, n)
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("engine_profile: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One run, with a fingerprint of its JSON report.
fn one_run(project: &Project, seconds: u64) -> Result<(), String> {
    let (events, wall, sim) = run(project, seconds)?;
    let json = serde_json::to_string(&sim.report()).map_err(|e| e.to_string())?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    json.hash(&mut h);
    println!(
        "{events} events in {wall:.3} s = {:.2} M events/s; report fingerprint {:016x}",
        events as f64 / wall / 1e6,
        h.finish()
    );
    Ok(())
}

/// `runs` runs of 60 simulated seconds: median and best throughput.
fn repeat_runs(project: &Project, runs: u64) -> Result<(), String> {
    let mut rates = Vec::new();
    for _ in 0..runs {
        let (events, wall, _) = run(project, 60)?;
        rates.push(events as f64 / wall / 1e6);
    }
    rates.sort_by(f64::total_cmp);
    println!(
        "{runs} runs: median {:.2}, best {:.2} M events/s",
        rates[rates.len() / 2],
        rates[rates.len() - 1]
    );
    Ok(())
}
