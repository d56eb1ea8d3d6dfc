//! `eventloom run` and `eventloom test`: run projects headless, fast-forward or paced.

use super::check::load_error_line;
use crate::model::{Diagnostic, Project, Severity};
use crate::project;
use crate::sim::{Report, SEC, SimConfig, Simulation, Speed, Time};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

/// Parses `max`, `1x`, `10x`, `0.5x`.
pub fn parse_speed(s: &str) -> Result<Speed, String> {
    if s == "max" {
        return Ok(Speed::Max);
    }
    let n = s.strip_suffix('x').unwrap_or(s);
    match n.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 1e6 => Ok(Speed::Times(v)),
        _ => Err(format!(
            "expected `max` or a factor like `1x` or `10x`, found {s:?}"
        )),
    }
}

/// Parses a duration such as `90s`, `15m`, `1h`, `2d`, `500ms` into ms.
pub fn parse_duration_ms(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let v: f64 = num
        .parse()
        .map_err(|_| format!("expected a duration like 90s, 15m, 1h or 2d, found {s:?}"))?;
    let factor = match unit {
        "ms" => 1.0,
        "" | "s" => 1_000.0,
        "m" | "min" => 60_000.0,
        "h" => 3_600_000.0,
        "d" => 86_400_000.0,
        other => {
            return Err(format!(
                "unknown duration unit {other:?} (use ms, s, m, h or d)"
            ));
        }
    };
    let ms = v * factor;
    if !(ms >= 1.0 && ms <= crate::model::MAX_RUN_MS as f64) {
        return Err(format!("a run lasts from 1 ms to 30 days, found {s:?}"));
    }
    Ok(ms.round() as u64)
}

fn load_runnable(path: &Path, out: &mut dyn Write) -> Option<Project> {
    match project::load(path) {
        Ok(p) => Some(p),
        Err(e) => {
            let _ = writeln!(out, "{}", load_error_line(&e));
            None
        }
    }
}

fn print_errors(path: &Path, diags: &[Diagnostic], out: &mut dyn Write) {
    for d in diags.iter().filter(|d| d.severity == Severity::Error) {
        let _ = writeln!(out, "{}: {d}", path.display());
    }
}

/// Runs `sim` to `end`, paced by `speed`, with a progress bar on a terminal.
pub fn drive(sim: &mut Simulation, end: Time, speed: Speed, show_progress: bool) {
    let bar = show_progress.then(|| {
        let bar = indicatif::ProgressBar::new(end / SEC);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{bar:40}] {pos}/{len} simulated s  {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let wall_start = std::time::Instant::now();
    let chunk = match speed {
        Speed::Max => 10 * SEC,
        Speed::Times(_) => SEC / 10,
    };
    let mut t = 0;
    while t < end {
        t = (t + chunk).min(end);
        sim.run_until(t);
        if let Speed::Times(f) = speed {
            let due = std::time::Duration::from_secs_f64(t as f64 / SEC as f64 / f);
            if let Some(wait) = due.checked_sub(wall_start.elapsed()) {
                std::thread::sleep(wait);
            }
        }
        if let Some(bar) = &bar {
            bar.set_position(t / SEC);
            bar.set_message(format!("{} events", sim.events_processed()));
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}

/// `eventloom run`.
pub fn run_file(
    path: &Path,
    duration_ms: Option<u64>,
    seed: Option<u64>,
    json: Option<&Path>,
    speed: Speed,
) -> ExitCode {
    let mut out = std::io::stdout().lock();
    let Some(mut p) = load_runnable(path, &mut out) else {
        return ExitCode::FAILURE;
    };
    if let Some(d) = duration_ms {
        p.run.duration_ms = d;
    }
    if let Some(s) = seed {
        p.run.seed = s;
    }
    let mut sim = match Simulation::new(&p, SimConfig::from_project(&p)) {
        Ok(s) => s,
        Err(e) => {
            print_errors(path, &e.0, &mut out);
            let _ = writeln!(out, "{}: error: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let wall = std::time::Instant::now();
    drive(
        &mut sim,
        p.run.duration_ms.saturating_mul(1000),
        speed,
        std::io::stderr().is_terminal(),
    );
    let elapsed = wall.elapsed();
    let report = sim.report();
    let _ = write!(out, "{}", summary_table(&report));
    let _ = writeln!(
        out,
        "{} events in {:.2} s wall ({:.1} M events/s)",
        report.events,
        elapsed.as_secs_f64(),
        report.events as f64 / elapsed.as_secs_f64().max(1e-9) / 1e6
    );
    if let Some(json_path) = json
        && !super::write_json(&mut out, json_path, &report)
    {
        return ExitCode::FAILURE;
    }
    if report.ledger_balanced {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The per-node table printed after a run.
pub fn summary_table(r: &Report) -> String {
    let mut s = String::new();
    let line = |s: &mut String, cols: [&str; 10]| {
        s.push_str(&format!(
            "{:<22} {:<9} {:>9} {:>8} {:>8} {:>8} {:>9} {:>9} {:>9} {:>10}\n",
            cols[0],
            cols[1],
            cols[2],
            cols[3],
            cols[4],
            cols[5],
            cols[6],
            cols[7],
            cols[8],
            cols[9]
        ));
    };
    s.push_str(&format!(
        "{} — {:.0} s simulated, seed {}\n",
        r.project, r.duration_s, r.seed
    ));
    line(
        &mut s,
        [
            "node", "kind", "requests", "errors", "throttle", "cold", "p50 ms", "p99 ms", "peak",
            "$/day",
        ],
    );
    for n in &r.nodes {
        let peak = match (&n.instances, &n.queue) {
            (Some(i), _) => format!("{} inst", i.busy_max),
            (None, Some(q)) => format!("{} msgs", q.depth_max),
            (None, None) => String::new(),
        };
        let id: String = n.id.chars().take(22).collect();
        line(
            &mut s,
            [
                &id,
                n.kind,
                &n.invocations.to_string(),
                &n.errors.to_string(),
                &n.throttles.to_string(),
                &n.cold_starts.to_string(),
                &format!("{:.1}", n.latency.p50_ms),
                &format!("{:.1}", n.latency.p99_ms),
                &peak,
                &format!("{:.2}", n.cost_per_day_usd),
            ],
        );
    }
    let l = &r.ledger;
    s.push_str(&format!(
        "ledger: {} created ({} entered): {} completed, {} dead-lettered, {} errors returned to callers, {} dropped ({} throttled, {} rejected, {} expired, {} fault, {} failed), {} in flight — {}\n",
        l.created, l.entered, l.completed, l.dead_lettered, l.returned_error, l.dropped(), l.throttled, l.rejected, l.expired, l.fault, l.failed, l.in_flight,
        if r.ledger_balanced { "balanced" } else { "DOES NOT BALANCE" }
    ));
    s.push_str(&format!(
        "cost: ${:.4} total, ${:.2}/day projected, ${:.2} per million requests; always-on servers: ${:.2}/day\n",
        r.cost.total_usd, r.cost.per_day_usd, r.cost.per_million_requests_usd, r.cost.server_per_day_usd
    ));
    s
}

/// `eventloom test`: runs each project and checks its expectations.
pub fn test_files(files: &[std::path::PathBuf]) -> ExitCode {
    let mut out = std::io::stdout().lock();
    let (mut passed, mut failed) = (0usize, 0usize);
    for path in files {
        let Some(p) = load_runnable(path, &mut out) else {
            failed += 1;
            continue;
        };
        let report = match run_to_report(&p) {
            Ok(r) => r,
            Err(diags) => {
                print_errors(path, &diags, &mut out);
                let _ = writeln!(
                    out,
                    "{}: FAIL: the project has errors and cannot run",
                    path.display()
                );
                failed += 1;
                continue;
            }
        };
        let shown = path.display();
        if p.expectations.is_empty() {
            let _ = writeln!(
                out,
                "{shown}: no expectations (add some to make this an architecture test)"
            );
        }
        for x in &report.expectations {
            let verdict = if x.passed { "ok" } else { "FAIL" };
            let _ = writeln!(
                out,
                "{shown}: {verdict}: {} — measured {}",
                x.expectation, x.measured
            );
            if x.passed { passed += 1 } else { failed += 1 }
        }
        if !report.ledger_balanced {
            let _ = writeln!(
                out,
                "{shown}: FAIL: the ledger does not balance: {:?}",
                report.ledger
            );
            failed += 1;
        }
    }
    let _ = writeln!(out, "{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Runs a project for its own duration and seed; errors are its validation diagnostics.
pub fn run_to_report(p: &Project) -> Result<Report, Vec<Diagnostic>> {
    let mut sim = Simulation::new(p, SimConfig::from_project(p)).map_err(|e| e.0)?;
    sim.run_until(p.run.duration_ms.saturating_mul(1000));
    Ok(sim.report())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_speeds() {
        assert_eq!(parse_duration_ms("1h"), Ok(3_600_000));
        assert_eq!(parse_duration_ms("90s"), Ok(90_000));
        assert_eq!(parse_duration_ms("500ms"), Ok(500));
        assert_eq!(parse_duration_ms("2d"), Ok(172_800_000));
        assert_eq!(parse_duration_ms("15"), Ok(15_000));
        assert!(parse_duration_ms("1y").is_err());
        assert!(parse_duration_ms("").is_err());
        assert!(parse_duration_ms("99d").is_err());
        assert_eq!(parse_speed("max"), Ok(Speed::Max));
        assert_eq!(parse_speed("10x"), Ok(Speed::Times(10.0)));
        assert!(parse_speed("0x").is_err());
        assert!(parse_speed("fast").is_err());
    }
}
