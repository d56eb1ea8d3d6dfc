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

/// Parses a memory size such as `512M`, `4G`, `2048` (MB) into MB.
pub fn parse_memory_mb(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let v: f64 = num
        .parse()
        .map_err(|_| format!("expected a size like 512M or 4G, found {s:?}"))?;
    let factor = match unit.to_ascii_uppercase().as_str() {
        "" | "M" | "MB" | "MIB" => 1.0,
        "G" | "GB" | "GIB" => 1024.0,
        "T" | "TB" | "TIB" => 1024.0 * 1024.0,
        other => return Err(format!("unknown size unit {other:?} (use M or G)")),
    };
    let mb = (v * factor).round();
    let min = crate::sim::MIN_MEMORY_MB as f64;
    if !(min..=(1u64 << 40) as f64).contains(&mb) {
        return Err(format!("a memory budget is at least {min} MB, found {s:?}"));
    }
    Ok(mb as u64)
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

pub(super) fn load_runnable(path: &Path, out: &mut dyn Write) -> Option<Project> {
    match project::load(path) {
        Ok(p) => Some(p),
        Err(e) => {
            let _ = writeln!(out, "{}", load_error_line(&e));
            None
        }
    }
}

pub(super) fn print_errors(path: &Path, diags: &[Diagnostic], out: &mut dyn Write) {
    for d in diags.iter().filter(|d| d.severity == Severity::Error) {
        let _ = writeln!(out, "{}: {d}", path.display());
    }
}

/// Wall time a run may take before its progress bar appears.
const PROGRESS_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

/// Runs `sim` to `end`, paced by `speed`. With `show_progress`, a progress bar appears on
/// standard error once the run has taken about a second. Stops early when the run stops
/// (its resource budget) or `interrupted` becomes true (Ctrl+C), which stops the run.
pub fn drive(
    sim: &mut Simulation,
    end: Time,
    speed: Speed,
    show_progress: bool,
    interrupted: &std::sync::atomic::AtomicBool,
) {
    let mut bar: Option<indicatif::ProgressBar> = None;
    let wall_start = std::time::Instant::now();
    let chunk = match speed {
        Speed::Max => SEC,
        Speed::Times(_) => SEC / 10,
    };
    let mut t = sim.now();
    while t < end && sim.stopped().is_none() {
        if interrupted.load(std::sync::atomic::Ordering::Relaxed) {
            sim.interrupt("interrupted (Ctrl+C): the report covers the run up to here");
            break;
        }
        t = (t + chunk).min(end);
        sim.run_until(t);
        if let Speed::Times(f) = speed {
            let due = std::time::Duration::from_secs_f64(t as f64 / SEC as f64 / f);
            if let Some(wait) = due.checked_sub(wall_start.elapsed()) {
                std::thread::sleep(wait);
            }
        }
        if bar.is_none() && show_progress && wall_start.elapsed() >= PROGRESS_AFTER {
            bar = Some(progress_bar(end));
        }
        if let Some(bar) = &bar {
            bar.set_position(sim.now() / SEC);
            bar.set_message(format!("{} events", sim.events_processed()));
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}

fn progress_bar(end: Time) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(end / SEC),
        indicatif::ProgressDrawTarget::stderr(),
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} [{bar:40}] {pos}/{len} simulated s  {msg}  (Ctrl+C stops with the report so far)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// What `eventloom run` was asked for, besides the file.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Simulated time to run, ms (default: the project's).
    pub duration_ms: Option<u64>,
    /// Seed (default: the project's).
    pub seed: Option<u64>,
    /// Where to write the JSON report (`-`: standard output, and then only the JSON goes
    /// there).
    pub json: Option<std::path::PathBuf>,
    /// Pacing.
    pub speed: Speed,
    /// Memory budget, MB (default: the project's).
    pub max_memory_mb: Option<u64>,
}

/// Set by the Ctrl+C handler; read between slices of a run.
static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `eventloom run`: the summary goes to standard output — or to standard error when the
/// JSON report does (`--json -`), so standard output holds only the JSON. Exits 1 when the
/// run stopped early (budget, Ctrl+C) or the ledger does not balance; the report of the run
/// so far is printed and written either way.
pub fn run_file(path: &Path, o: &RunOptions) -> ExitCode {
    let json_to_stdout = o.json.as_deref() == Some(Path::new("-"));
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let text: &mut dyn Write = if json_to_stdout {
        &mut stderr
    } else {
        &mut stdout
    };
    let Some(mut p) = load_runnable(path, text) else {
        return ExitCode::FAILURE;
    };
    if let Some(d) = o.duration_ms {
        p.run.duration_ms = d;
    }
    if let Some(s) = o.seed {
        p.run.seed = s;
    }
    if let Some(mb) = o.max_memory_mb {
        p.run.max_memory_mb = mb;
    }
    let mut sim = match Simulation::new(&p, SimConfig::from_project(&p)) {
        Ok(s) => s,
        Err(e) => {
            print_errors(path, &e.0, text);
            let _ = writeln!(text, "{}: error: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    // Ctrl+C stops the run between slices, with the report so far (a second Ctrl+C, or a
    // handler that could not be installed, leaves the default: the process ends).
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, std::sync::atomic::Ordering::Relaxed) {
            std::process::exit(130);
        }
    });
    let wall = std::time::Instant::now();
    drive(
        &mut sim,
        p.run.duration_ms.saturating_mul(1000),
        o.speed,
        std::io::stderr().is_terminal(),
        &INTERRUPTED,
    );
    let elapsed = wall.elapsed();
    let report = sim.report();
    let _ = write!(text, "{}", summary_table(&report));
    let _ = writeln!(
        text,
        "{} events in {:.2} s wall ({:.1} M events/s)",
        report.events,
        elapsed.as_secs_f64(),
        report.events as f64 / elapsed.as_secs_f64().max(1e-9) / 1e6
    );
    if let Some(stopped) = &report.stopped {
        let _ = writeln!(text, "{}: error: {}", path.display(), stopped.message);
    }
    if let Some(json_path) = &o.json {
        let written = if json_to_stdout {
            super::write_json_to(&mut stdout, &mut stderr, json_path, &report)
        } else {
            super::write_json(&mut stdout, json_path, &report)
        };
        if !written {
            return ExitCode::FAILURE;
        }
    }
    if report.ledger_balanced && report.stopped.is_none() {
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
        "ledger: {} created ({} entered): {} completed, {} dead-lettered, {} errors returned to callers, {} dropped ({} throttled, {} rejected, {} expired, {} fault, {} failed, {} stopped: recursive loop), {} in flight — {}\n",
        l.created, l.entered, l.completed, l.dead_lettered, l.returned_error, l.dropped(), l.throttled, l.rejected, l.expired, l.fault, l.failed, l.recursive_loop, l.in_flight,
        if r.ledger_balanced { "balanced" } else { "DOES NOT BALANCE" }
    ));
    s.push_str(&format!(
        "cost: ${:.4} total, ${:.2}/day projected, ${:.2} per million requests; always-on servers: ${:.2}/day\n",
        r.cost.total_usd, r.cost.per_day_usd, r.cost.per_million_requests_usd, r.cost.server_per_day_usd
    ));
    for a in &r.alarms {
        s.push_str(&alarm_line(a));
    }
    s
}

/// One alarm's line in the summary: "alarm 'Checkout errors' (checkout): ALARM now, fired
/// 2 times, 75 s in ALARM".
pub fn alarm_line(a: &crate::sim::AlarmStatus) -> String {
    format!(
        "alarm '{}' ({}): {} now, fired {} time{}, {} s in ALARM\n",
        a.name,
        a.node,
        a.state.label(),
        a.fired,
        if a.fired == 1 { "" } else { "s" },
        crate::model::fmt_value(a.in_alarm_s)
    )
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
        if let Some(stopped) = &report.stopped {
            let _ = writeln!(out, "{shown}: FAIL: {}", stopped.message);
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

/// Runs a project for its own duration and seed; errors are its validation diagnostics. A
/// run its resource budget stops early gives the report so far, with `stopped` set.
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
