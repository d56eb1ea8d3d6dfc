//! Real requests injected into the engine (`Simulation::inject_external`, issue 17): every way
//! an API can answer, in one table whose cells must cover every `ExternalStatus`; exact
//! simulated latencies and paths; the ledger, the log and the traces; determinism; the
//! in-flight cap; and the trace store making room for external requests.

mod sim_common;

use eventloom::model::{
    EdgeKind, Fault, FaultKind, FaultTarget, FunctionParams, HttpApiParams, NodeKind, Project,
};
use eventloom::sim::{
    Command, ExternalOutcome, ExternalRequest, ExternalStatus, InjectError, MAX_EXTERNAL_IN_FLIGHT,
    MS, SEC, SimConfig, Simulation, Time,
};
use sim_common::{Build, func, ms, queue};

fn api(overhead_ms: f64, timeout_ms: u64) -> NodeKind {
    NodeKind::HttpApi(HttpApiParams {
        overhead_ms,
        integration_timeout_ms: timeout_ms,
        ..HttpApiParams::default()
    })
}

/// `api` (5 ms overhead, 29 s timeout) → sync → function `f` with these parameters.
fn api_to(f: FunctionParams) -> Project {
    Build::new(3)
        .node("api", api(5.0, 29_000))
        .func("f", f)
        .edge("api", "f", EdgeKind::SyncInvoke)
        .project()
}

fn request(id: u64) -> ExternalRequest {
    ExternalRequest {
        id,
        line: "POST /api/orders".to_owned(),
        body_bytes: 7,
        body_preview: "{\"a\":1}".to_owned(),
    }
}

fn inject(sim: &mut Simulation, api: &str, id: u64) -> u64 {
    sim.inject_external(&api.into(), request(id))
        .expect("the request is let in")
}

fn outcomes(sim: &mut Simulation) -> Vec<ExternalOutcome> {
    let mut v = Vec::new();
    sim.take_external_outcomes(&mut v);
    v
}

fn fault(sim: &mut Simulation, target: FaultTarget, kind: FaultKind) {
    sim.apply(Command::InjectFault(Fault { target, kind }))
        .expect("the fault applies");
}

fn node(id: &str) -> FaultTarget {
    FaultTarget::Node(id.into())
}

/// One cell: a project, what happens before the request, and what must come back.
struct Case {
    name: &'static str,
    project: Project,
    before: fn(&mut Simulation),
    /// Requests sent before the one judged (e.g. to use up a burst).
    warmup: u64,
    status: ExternalStatus,
    latency: Time,
    nodes: &'static [&'static str],
}

fn cases() -> Vec<Case> {
    let nothing: fn(&mut Simulation) = |_| {};
    vec![
        Case {
            name: "the function answers",
            project: api_to(func(20.0)),
            before: nothing,
            warmup: 0,
            status: ExternalStatus::Ok,
            latency: ms(25),
            nodes: &["api", "f"],
        },
        Case {
            name: "a service integration accepts at once",
            project: Build::new(3)
                .node("api", api(5.0, 29_000))
                .queue("q", queue())
                .edge("api", "q", EdgeKind::Write)
                .project(),
            before: nothing,
            warmup: 0,
            status: ExternalStatus::Ok,
            latency: ms(5),
            nodes: &["api", "q"],
        },
        Case {
            name: "the API's burst is used up",
            project: Build::new(3)
                .node(
                    "api",
                    NodeKind::HttpApi(HttpApiParams {
                        burst: 1,
                        rate_limit_rps: 0.001,
                        ..HttpApiParams::default()
                    }),
                )
                .func("f", func(20.0))
                .edge("api", "f", EdgeKind::SyncInvoke)
                .project(),
            before: nothing,
            warmup: 1,
            status: ExternalStatus::Throttled,
            latency: 0,
            nodes: &["api"],
        },
        Case {
            name: "the function is throttled",
            project: api_to(func(20.0)),
            before: |s| fault(s, node("f"), FaultKind::Throttle { max_concurrency: 0 }),
            warmup: 0,
            // Lambda's 429 reaches the client as API Gateway's 500.
            status: ExternalStatus::Internal,
            latency: ms(5),
            nodes: &["api", "f"],
        },
        Case {
            name: "the function fails",
            project: api_to(FunctionParams {
                error_probability: 1.0,
                ..func(20.0)
            }),
            before: nothing,
            warmup: 0,
            status: ExternalStatus::Failed,
            latency: ms(25),
            nodes: &["api", "f"],
        },
        Case {
            name: "the function times out before the gateway",
            project: api_to(FunctionParams {
                timeout_ms: 50,
                ..func(100.0)
            }),
            before: nothing,
            warmup: 0,
            status: ExternalStatus::Failed,
            latency: ms(55),
            nodes: &["api", "f"],
        },
        Case {
            name: "the call is lost on its edge",
            project: Build::new(3)
                .node("api", api(0.0, 29_000))
                .func("f", func(20.0))
                .edge("api", "f", EdgeKind::SyncInvoke)
                .project(),
            before: |s| {
                let e = s
                    .topology()
                    .edge_index
                    .keys()
                    .next()
                    .expect("one edge")
                    .clone();
                fault(
                    s,
                    FaultTarget::Edge(e),
                    FaultKind::EdgeDrop { percent: 100.0 },
                );
            },
            warmup: 0,
            status: ExternalStatus::Failed,
            latency: 0,
            nodes: &["api"],
        },
        Case {
            name: "the gateway's integration timeout",
            project: Build::new(3)
                .node("api", api(5.0, 50))
                .func("f", func(100.0))
                .edge("api", "f", EdgeKind::SyncInvoke)
                .project(),
            before: nothing,
            warmup: 0,
            status: ExternalStatus::TimedOut,
            latency: ms(55),
            nodes: &["api", "f"],
        },
        Case {
            name: "an outage on the API",
            project: api_to(func(20.0)),
            before: |s| fault(s, node("api"), FaultKind::Outage),
            warmup: 0,
            status: ExternalStatus::Unavailable,
            latency: 0,
            nodes: &["api"],
        },
        Case {
            name: "an outage on the function",
            project: api_to(func(20.0)),
            before: |s| fault(s, node("f"), FaultKind::Outage),
            warmup: 0,
            status: ExternalStatus::Unavailable,
            latency: ms(5),
            nodes: &["api", "f"],
        },
    ]
}

/// Position of a status in the list of all of them (exhaustive: a new one must get a cell).
fn slot(s: ExternalStatus) -> usize {
    match s {
        ExternalStatus::Ok => 0,
        ExternalStatus::Throttled => 1,
        ExternalStatus::Failed => 2,
        ExternalStatus::TimedOut => 3,
        ExternalStatus::Unavailable => 4,
        ExternalStatus::Internal => 5,
    }
}

#[test]
fn every_outcome_of_an_api_reaches_the_real_caller() {
    let mut covered = [false; 6];
    for case in cases() {
        let mut sim = Simulation::new(&case.project, SimConfig::from_project(&case.project))
            .expect("compiles");
        (case.before)(&mut sim);
        for w in 0..case.warmup {
            inject(&mut sim, "api", 100 + w);
        }
        let trace = inject(&mut sim, "api", 7);
        sim.run_until(60 * SEC);
        let got = outcomes(&mut sim);
        let o = got
            .iter()
            .find(|o| o.id == 7)
            .unwrap_or_else(|| panic!("{}: no outcome", case.name));
        assert_eq!(o.status, case.status, "{}", case.name);
        assert_eq!(o.latency, case.latency, "{}: simulated latency", case.name);
        assert_eq!(o.start, 0, "{}", case.name);
        assert_eq!(o.trace, trace, "{}: always traced", case.name);
        let ids = sim.topology().node_ids.clone();
        let nodes: Vec<&str> = o.nodes.iter().map(|&n| ids[n].as_str()).collect();
        assert_eq!(nodes, case.nodes, "{}: nodes passed", case.name);
        assert_eq!(got.len() as u64, case.warmup + 1, "{}", case.name);
        assert_eq!(sim.external_in_flight(), 0, "{}", case.name);
        assert!(sim.is_external_trace(trace), "{}", case.name);
        let report = sim.report();
        assert!(report.ledger_balanced, "{}: {:?}", case.name, report.ledger);
        assert_eq!(report.ledger.entered, case.warmup + 1, "{}", case.name);
        let log: Vec<&str> = sim
            .log_lines()
            .lines()
            .filter(|l| l.trace == trace)
            .map(|l| l.message.as_str())
            .collect();
        assert!(
            log.contains(&"external request POST /api/orders (7 B: {\"a\":1})"),
            "{}: {log:?}",
            case.name
        );
        let answered = format!(
            "external request answered {} {}",
            case.status.http_status(),
            case.status.describe()
        );
        assert!(
            log.iter().any(|l| l.starts_with(&answered)),
            "{}: {log:?}",
            case.name
        );
        covered[slot(case.status)] = true;
    }
    assert_eq!(covered, [true; 6], "every status has a cell");
}

#[test]
fn http_statuses_are_the_gateways() {
    let all = [
        ExternalStatus::Ok,
        ExternalStatus::Throttled,
        ExternalStatus::Failed,
        ExternalStatus::TimedOut,
        ExternalStatus::Unavailable,
        ExternalStatus::Internal,
    ];
    let codes: Vec<u16> = all.iter().map(|s| s.http_status()).collect();
    assert_eq!(codes, [200, 429, 502, 504, 503, 500]);
    assert!(all.iter().all(|&s| slot(s) < all.len()));
}

#[test]
fn a_request_that_takes_no_virtual_time_is_answered_without_advancing() {
    let p = Build::new(3)
        .node("api", api(0.0, 29_000))
        .func("f", func(0.0))
        .edge("api", "f", EdgeKind::SyncInvoke)
        .project();
    let mut sim = Simulation::new(&p, SimConfig::from_project(&p)).expect("compiles");
    sim.run_until(3 * SEC + 7);
    inject(&mut sim, "api", 1);
    let now = sim.now();
    sim.run_until(now);
    let got = outcomes(&mut sim);
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0].status, got[0].start, got[0].latency),
        (ExternalStatus::Ok, now, 0)
    );
}

#[test]
fn only_http_apis_take_requests() {
    let mut sim = sim_common::sim(&api_to(func(20.0)));
    for id in ["f", "nope"] {
        assert_eq!(
            sim.inject_external(&id.into(), request(1)),
            Err(InjectError::UnknownApi(id.into()))
        );
    }
    assert_eq!(sim.ledger().entered, 0, "a refused request never entered");
}

#[test]
fn requests_in_flight_are_capped_and_the_outbox_with_them() {
    let mut sim = sim_common::sim(&api_to(func(10_000.0)));
    for id in 0..MAX_EXTERNAL_IN_FLIGHT as u64 {
        inject(&mut sim, "api", id);
    }
    assert_eq!(
        sim.inject_external(&"api".into(), request(99_999)),
        Err(InjectError::Busy(MAX_EXTERNAL_IN_FLIGHT))
    );
    // Answered but not taken still counts: the outbox cannot grow without bound.
    sim.run_until(20 * SEC);
    assert_eq!(sim.external_in_flight(), MAX_EXTERNAL_IN_FLIGHT);
    assert!(sim.inject_external(&"api".into(), request(99_999)).is_err());
    assert_eq!(outcomes(&mut sim).len(), MAX_EXTERNAL_IN_FLIGHT);
    assert!(sim.inject_external(&"api".into(), request(99_999)).is_ok());
}

/// Injects requests at fixed virtual times into a project with simulated clients.
fn mixed_run(seed: u64) -> (String, Vec<ExternalOutcome>) {
    let mut p = Build::new(seed)
        .client("c", 200.0)
        .node("api", api(5.0, 29_000))
        .func(
            "f",
            FunctionParams {
                error_probability: 0.1,
                ..func(30.0)
            },
        )
        .edge("c", "api", EdgeKind::SyncInvoke)
        .edge("api", "f", EdgeKind::SyncInvoke)
        .project();
    p.run.seed = seed;
    let mut sim = sim_common::sim(&p);
    let mut got = Vec::new();
    for i in 0..50 {
        sim.run_until(i * 97 * MS);
        inject(&mut sim, "api", i);
        sim.take_external_outcomes(&mut got);
    }
    sim.run_until(10 * SEC);
    sim.take_external_outcomes(&mut got);
    let report = sim.report();
    assert!(report.ledger_balanced);
    assert_eq!(got.len(), 50);
    (serde_json::to_string(&report).expect("serialises"), got)
}

#[test]
fn runs_with_real_requests_are_deterministic_too() {
    let (a, oa) = mixed_run(11);
    let (b, ob) = mixed_run(11);
    assert_eq!(a, b, "same project, seed and injections: the same report");
    assert_eq!(oa, ob);
    assert!(oa.iter().any(|o| o.status == ExternalStatus::Failed));
    assert!(oa.iter().any(|o| o.status == ExternalStatus::Ok));
}

#[test]
fn a_full_trace_store_makes_room_for_external_requests() {
    let p = Build::new(3)
        .client("c", 1_000.0)
        .node("api", api(0.0, 29_000))
        .func("f", func(0.0))
        .edge("c", "api", EdgeKind::SyncInvoke)
        .edge("api", "f", EdgeKind::SyncInvoke)
        .project();
    let mut sim = sim_common::traced_sim(&p);
    sim.run_until(3 * SEC);
    let full = sim.traces().traces.len();
    assert_eq!(
        full,
        eventloom::sim::MAX_TRACES,
        "simulated traffic filled the store"
    );
    let mut last = 0;
    for id in 0..1_500 {
        last = inject(&mut sim, "api", id);
        let now = sim.now();
        sim.run_until(now);
        let o = outcomes(&mut sim);
        assert_eq!(o.len(), 1);
        assert_eq!(o[0].nodes.len(), 2, "the path was traced while it ran");
    }
    assert_eq!(sim.traces().traces.len(), full, "the store stays bounded");
    assert_eq!(
        sim.external_traces().len(),
        full,
        "the newest external traces are kept"
    );
    assert!(sim.is_external_trace(last));
    assert_eq!(sim.external_traces_started(), 1_500);
    assert!(sim.ledger().balances());
}
