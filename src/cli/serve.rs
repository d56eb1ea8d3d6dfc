//! `eventloom serve`: runs a project live, paced to wall time, and serves its HTTP APIs on
//! 127.0.0.1 until Ctrl+C (or `--for`); then answers requests still in flight 503, prints a
//! summary and writes the `--json` report.

use super::ServeArgs;
use super::run::{load_runnable, print_errors};
use crate::host::{Host, HostCommand, HostOptions, Speed as HostSpeed};
use crate::model::{MAX_RUN_MS, Project, has_errors, validate};
use crate::serve::{ServeOptions, ServeSummary, Server, without_clients};
use crate::sim::Report;
use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The `--json` report: the server's counts and the run's report (as `eventloom run` writes
/// it).
#[derive(Serialize)]
struct ServeReport<'a> {
    serve: &'a ServeSummary,
    run: &'a Report,
}

/// `eventloom serve`.
pub fn serve_file(args: &ServeArgs) -> ExitCode {
    let mut out = std::io::stdout().lock();
    let Some(mut project) = load_runnable(&args.file, &mut out) else {
        return ExitCode::FAILURE;
    };
    let diags = validate(&project);
    if has_errors(&diags) {
        print_errors(&args.file, &diags, &mut out);
        return ExitCode::FAILURE;
    }
    if let Some(seed) = args.seed {
        project.run.seed = seed;
    }
    if args.no_clients {
        project = without_clients(&project);
    }
    let speed = args.speed;
    let options = HostOptions {
        speed,
        duration: MAX_RUN_MS.saturating_mul(1_000),
        // Only the report at the end is shown: frames need not carry the log.
        frame_logs: false,
        ..HostOptions::from_project(&project)
    };
    let host = match Host::spawn(&project, options, Box::new(|| {})) {
        Ok(h) => h,
        Err(e) => {
            let _ = writeln!(out, "{}: error: {e}", args.file.display());
            return ExitCode::FAILURE;
        }
    };
    let serve_options = ServeOptions {
        port: args.port,
        latency_log: args.latency_log.clone(),
        ..ServeOptions::default()
    };
    let server = match Server::start(host.external_port(), &project, serve_options) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(out, "{}: error: {e}", args.file.display());
            return ExitCode::FAILURE;
        }
    };
    let _ = host.send(HostCommand::Play);
    let _ = write!(out, "{}", banner(&project, &server, speed, args.no_clients));
    let _ = out.flush();
    let started = Instant::now();
    let why = wait_for_stop(&host, args.for_ms.map(Duration::from_millis));
    let summary = server.stop();
    let report = final_report(&host);
    let _ = writeln!(
        out,
        "\n{why} after {:.1} s; {}",
        started.elapsed().as_secs_f64(),
        summary_line(&summary)
    );
    let Some(report) = report else {
        let _ = writeln!(out, "error: the engine did not send its report");
        return ExitCode::FAILURE;
    };
    let _ = write!(out, "{}", super::summary_table(&report));
    if let Some(path) = &args.json {
        let r = ServeReport {
            serve: &summary,
            run: &report,
        };
        if !super::write_json(&mut out, path, &r) {
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// What `serve` prints when it starts: the address, a line per API and a curl line.
fn banner(project: &Project, server: &Server, speed: HostSpeed, no_clients: bool) -> String {
    let addr = server.addr();
    let clients = if no_clients {
        "simulated clients off"
    } else {
        "simulated clients on"
    };
    let mut s = format!(
        "Serving \"{}\" live at {} on http://{addr} ({clients})\n",
        project.name,
        speed.label()
    );
    let routes = server.routes();
    for r in routes.iter() {
        let name: String = r.name.chars().take(28).collect();
        s.push_str(&format!("  {name:<28} http://{addr}{}/\n", r.prefix));
    }
    if let Some(first) = routes.iter().next() {
        s.push_str(&format!(
            "Try: curl -i http://{addr}{}/hello -d '{{\"hello\":\"world\"}}'\n",
            first.prefix
        ));
    }
    s.push_str("Ctrl+C stops; requests still in flight are answered 503.\n");
    s
}

/// Waits for Ctrl+C, the `--for` time, or the engine to stop; says which. Drains the
/// host's frames meanwhile (only the report is wanted; the rest is dropped).
fn wait_for_stop(host: &Host, limit: Option<Duration>) -> &'static str {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let Ok(rt) = rt else {
        return "Could not wait for Ctrl+C; stopped";
    };
    let deadline = limit.map(|d| tokio::time::Instant::now() + d);
    rt.block_on(async {
        let ctrl_c = tokio::signal::ctrl_c();
        tokio::pin!(ctrl_c);
        loop {
            tokio::select! {
                r = &mut ctrl_c => {
                    return match r {
                        Ok(()) => "Stopped (Ctrl+C)",
                        Err(_) => "Could not listen for Ctrl+C; stopped",
                    };
                }
                () = tokio::time::sleep(Duration::from_millis(200)) => {
                    let _ = host.poll();
                    if host.external_port().is_closed() {
                        return "The engine stopped";
                    }
                    if deadline.is_some_and(|d| tokio::time::Instant::now() >= d) {
                        return "Stopped (--for)";
                    }
                }
            }
        }
    })
}

/// The run's report, asked of the host (None if it does not come within 10 s).
fn final_report(host: &Host) -> Option<Report> {
    let _ = host.send(HostCommand::Pause);
    host.send(HostCommand::Report).ok()?;
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until {
        if let Some(r) = host.poll().and_then(|f| f.report) {
            return Some((*r).clone());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    None
}

/// One line of counts: `120 requests (200: 100, 429: 20), added latency p50 0.1 ms …`.
fn summary_line(s: &ServeSummary) -> String {
    let statuses: Vec<String> = s
        .by_status
        .iter()
        .map(|(code, n)| format!("{code}: {n}"))
        .collect();
    let mut line = format!(
        "{} requests ({}) on {} connections",
        s.requests,
        if statuses.is_empty() {
            "none".to_owned()
        } else {
            statuses.join(", ")
        },
        s.connections
    );
    if s.refused_connections > 0 {
        line.push_str(&format!(", {} refused over the cap", s.refused_connections));
    }
    if s.simulated > 0 {
        line.push_str(&format!(
            "; added latency (server side, beyond the simulated) p50 {:.3} ms, p99 {:.3} ms",
            s.added_latency.p50_ms, s.added_latency.p99_ms
        ));
    }
    line
}
