//! Every fault acts everywhere it is offered (issue 13): a table-driven matrix of node kind ×
//! node fault and edge kind × edge fault, each on a minimal project, asserting the direction
//! and rough size of the effect — or, where a fault cannot act, that `apply` refuses it with
//! a reason. A missing cell fails: the tables are checked to cover every kind.

mod sim_common;

use eventloom::model::{
    Arrival, EdgeKind, EdgeTag, Fault, FaultKind, FaultTarget, FunctionParams, HttpApiParams,
    KindTag, NodeKind, Project, TopicParams,
};
use eventloom::sim::{Command, Report, Simulation};
use sim_common::*;

const SYNC: EdgeKind = EdgeKind::SyncInvoke;
const ASYNC: EdgeKind = EdgeKind::AsyncInvoke;
const WRITE: EdgeKind = EdgeKind::Write;

/// Requests per second of every matrix project (constant arrivals).
const RATE: f64 = 100.0;
/// The window a fault is in force, s.
const WINDOW_S: u64 = 10;

/// A fault of each kind, with the sizes the matrix uses.
fn node_faults() -> Vec<FaultKind> {
    vec![
        FaultKind::ErrorRate { percent: 50.0 },
        FaultKind::Latency {
            added_ms: 200.0,
            jitter_ms: 0.0,
        },
        FaultKind::Outage,
        FaultKind::Throttle { max_concurrency: 1 },
        FaultKind::KillWarm,
    ]
}

fn edge_faults() -> Vec<FaultKind> {
    vec![
        FaultKind::EdgeDrop { percent: 50.0 },
        FaultKind::EdgeDelay { ms: 300.0 },
        FaultKind::EdgeDuplicate { percent: 100.0 },
    ]
}

/// Runs `p` 5 s, injects `fault`, runs the window; returns the reports before and at the
/// end of the window, and the simulation.
fn window(p: &Project, fault: Fault) -> (Report, Report, Simulation) {
    let mut sim = sim(p);
    sim.run_until(secs(5));
    let before = sim.report();
    sim.apply(Command::InjectFault(fault))
        .expect("the matrix only injects faults that apply");
    sim.run_until(secs(5 + WINDOW_S));
    let after = sim.report();
    (before, after, sim)
}

/// A node of each kind in a minimal design where it carries traffic: (project, node id).
fn node_cell(kind: KindTag) -> (Project, &'static str) {
    let f = || func(20.0);
    let b = Build::new(3).client("c", RATE);
    let p = match kind {
        KindTag::Function => b.func("x", f()).edge("c", "x", SYNC),
        KindTag::HttpApi => b
            .node("x", NodeKind::HttpApi(HttpApiParams::default()))
            .func("f", f())
            .edge("c", "x", SYNC)
            .edge("x", "f", SYNC),
        KindTag::Client => Build::new(3)
            .client("x", RATE)
            .func("f", f())
            .edge("x", "f", SYNC),
        KindTag::Schedule => Build::new(3)
            .node("x", KindTag::Schedule.default_kind())
            .func("f", f())
            .edge("x", "f", ASYNC),
        KindTag::Queue => b
            .queue("x", queue())
            .func("f", f())
            .edge("c", "x", WRITE)
            .edge("x", "f", esm(1)),
        KindTag::Topic => b
            .node("x", NodeKind::Topic(TopicParams::default()))
            .func("f", f())
            .edge("c", "x", WRITE)
            .edge("x", "f", subscription(&[])),
        KindTag::Bucket | KindTag::Table => b
            .node("x", kind.default_kind())
            .func("f", f())
            .edge("c", "x", WRITE)
            .edge(
                "x",
                "f",
                if kind == KindTag::Table {
                    esm(1)
                } else {
                    ASYNC
                },
            ),
    };
    (p.project(), "x")
}

/// The effect of `fault` on node `x` of `kind` in its cell, asserted against the window
/// without the fault.
fn assert_node_effect(kind: KindTag, fault: &FaultKind) {
    let (p, x) = node_cell(kind);
    let target = Fault {
        target: FaultTarget::Node(x.into()),
        kind: fault.clone(),
    };
    let offered = fault.applies_to(kind);
    let mut probe = sim(&p);
    let answer = probe.apply(Command::InjectFault(target.clone()));
    if !offered {
        let why = answer.expect_err("a fault that cannot act is refused");
        assert!(
            why.to_string().contains("does not apply"),
            "{kind:?} {fault:?}: {why}"
        );
        return;
    }
    assert!(answer.is_ok(), "{kind:?} {fault:?}: {answer:?}");
    let (before, after, _sim) = window(&p, target);
    let d = Counts::between(&before, &after, x);
    let client = Counts::between(&before, &after, "c");
    let n = (RATE * WINDOW_S as f64) as u64; // requests in the window
    let what = format!("{kind:?} × {fault:?}: {d:?}");
    match (kind, fault) {
        (KindTag::Function, FaultKind::ErrorRate { .. }) => {
            assert_near(d.errors, n / 2, 4.0 * (n as f64 * 0.25).sqrt(), &what);
            assert_eq!(client.errors, d.errors, "the caller sees them: {what}");
        }
        (KindTag::Function, FaultKind::Latency { added_ms, .. }) => {
            // The caller's latency over the window moves up by the added time.
            let lat = |r: &Report| node(r, "c").latency.p50_ms;
            assert!(lat(&after) >= lat(&before), "{what}");
            let p50 = latencies_between(&_sim, "c", 20.0 + added_ms - 1.0, 20.0 + added_ms + 1.0);
            // (Those of the last 0.22 s of the window have not finished yet.)
            assert!(
                p50 >= n - 30,
                "{p50} requests took 20 + {added_ms} ms: {what}"
            );
        }
        (KindTag::Function | KindTag::HttpApi, FaultKind::Outage) => {
            // (Requests already past the node when the fault began still finish.)
            assert!(d.completions <= 3, "{what}");
            assert_eq!(d.errors, n, "{what}");
            assert_eq!(client.errors, n, "the caller sees every failure: {what}");
        }
        (KindTag::Function, FaultKind::Throttle { .. }) => {
            // 20 ms each at 10 ms apart: one environment takes every other request.
            assert!(d.throttles >= n / 3, "{what}");
            assert_eq!(client.throttles, d.throttles, "{what}");
        }
        (KindTag::HttpApi, FaultKind::Throttle { max_concurrency }) => {
            // (Plus the few requests already inside when the fault began.)
            let allowed = u64::from(*max_concurrency) * WINDOW_S + 4;
            assert!(d.completions <= allowed, "{what}");
            assert!(d.throttles >= n - allowed, "{what}");
        }
        (KindTag::Function, FaultKind::KillWarm) => {
            assert!(d.cold_starts >= 1, "the next request starts cold: {what}");
        }
        (k, f) => panic!("the matrix offers {f:?} on {k:?} but asserts nothing for it"),
    }
}

#[track_caller]
fn assert_near(actual: u64, expected: u64, tolerance: f64, what: &str) {
    let off = (actual as f64 - expected as f64).abs();
    assert!(
        off <= tolerance,
        "{actual} is not within {tolerance:.1} of {expected}: {what}"
    );
}

#[test]
fn every_node_fault_acts_on_every_kind_that_offers_it_and_is_refused_elsewhere() {
    let mut offered = 0;
    for kind in KindTag::ALL {
        for fault in node_faults() {
            offered += usize::from(fault.applies_to(kind));
            assert_node_effect(kind, &fault);
        }
        // Edge faults are refused on nodes.
        let (p, x) = node_cell(kind);
        let why = sim(&p)
            .apply(Command::InjectFault(Fault {
                target: FaultTarget::Node(x.into()),
                kind: FaultKind::EdgeDrop { percent: 10.0 },
            }))
            .expect_err("an edge fault on a node is refused");
        assert!(why.to_string().contains("does not apply"), "{why}");
    }
    // Functions take all five, APIs outages and throttles.
    assert_eq!(offered, 7);
}

/// A design where an edge of each kind carries traffic: (project, edge id, the node the edge
/// delivers to, the caller whose latency a sync edge's delay shows in).
struct EdgeCell {
    name: &'static str,
    project: Project,
    edge: &'static str,
    target: &'static str,
    /// A synchronous caller waiting on the edge (client or API).
    caller: Option<&'static str>,
}

fn edge_cells() -> Vec<EdgeCell> {
    let f = || FunctionParams {
        cold_start: constant(0.0),
        ..func(10.0)
    };
    let failing = || FunctionParams {
        error_probability: 1.0,
        retry: eventloom::model::AsyncRetry {
            max_retries: 0,
            ..Default::default()
        },
        ..f()
    };
    let api = || NodeKind::HttpApi(HttpApiParams::default());
    vec![
        EdgeCell {
            name: "sync invoke, client → function",
            project: Build::new(5)
                .client("c", RATE)
                .func("f", f())
                .edge("c", "f", SYNC)
                .project(),
            edge: "c-f",
            target: "f",
            caller: Some("c"),
        },
        EdgeCell {
            name: "sync invoke, API → function (through the gateway's latency)",
            project: Build::new(5)
                .client("c", RATE)
                .node("api", api())
                .func("f", f())
                .edge("c", "api", SYNC)
                .edge("api", "f", SYNC)
                .project(),
            edge: "api-f",
            target: "f",
            caller: Some("api"),
        },
        EdgeCell {
            name: "sync invoke, function → function",
            project: Build::new(5)
                .client("c", RATE)
                .func("g", f())
                .func("f", f())
                .edge("c", "g", SYNC)
                .edge("g", "f", SYNC)
                .project(),
            edge: "g-f",
            target: "f",
            caller: Some("c"),
        },
        EdgeCell {
            name: "async invoke, client → function",
            project: Build::new(5)
                .client("c", RATE)
                .func("f", f())
                .edge("c", "f", ASYNC)
                .project(),
            edge: "c-f",
            target: "f",
            caller: None,
        },
        EdgeCell {
            name: "subscription, topic → function",
            project: Build::new(5)
                .client("c", RATE)
                .node("t", NodeKind::Topic(TopicParams::default()))
                .func("f", f())
                .edge("c", "t", WRITE)
                .edge("t", "f", subscription(&[]))
                .project(),
            edge: "t-f",
            target: "f",
            caller: None,
        },
        EdgeCell {
            name: "event-source mapping, queue → function",
            project: Build::new(5)
                .client("c", RATE)
                .queue("q", queue())
                .func("f", f())
                .edge("c", "q", WRITE)
                .edge("q", "f", esm(1))
                .project(),
            edge: "q-f",
            target: "f",
            caller: None,
        },
        EdgeCell {
            name: "write, function → queue",
            project: Build::new(5)
                .client("c", RATE)
                .func("g", f())
                .queue("q", queue())
                .edge("c", "g", ASYNC)
                .edge("g", "q", WRITE)
                .project(),
            edge: "g-q",
            target: "q",
            caller: None,
        },
        EdgeCell {
            name: "write, API service integration → queue",
            project: Build::new(5)
                .client("c", RATE)
                .node("api", api())
                .queue("q", queue())
                .edge("c", "api", SYNC)
                .edge("api", "q", WRITE)
                .project(),
            edge: "api-q",
            target: "q",
            caller: None,
        },
        EdgeCell {
            name: "on failure, function → queue",
            project: Build::new(5)
                .client("c", RATE)
                .func("g", failing())
                .queue("q", queue())
                .edge("c", "g", ASYNC)
                .edge("g", "q", EdgeKind::OnFailure)
                .project(),
            edge: "g-q",
            target: "q",
            caller: None,
        },
    ]
}

/// What reached the target in a window: invocations started and refused (a function), or
/// messages received (a queue).
fn arrived(before: &Report, after: &Report, target: &str) -> u64 {
    let d = Counts::between(before, after, target);
    d.invocations + d.throttles
}

#[test]
fn every_edge_fault_acts_on_every_edge_kind() {
    let cells = edge_cells();
    // Every edge kind has a cell.
    for tag in EdgeTag::ALL {
        assert!(
            cells
                .iter()
                .any(|c| c.project.graph.edges[&c.edge.into()].kind.tag() == tag),
            "no cell for {tag:?}"
        );
    }
    for cell in &cells {
        let (b0, a0, _) = window(&cell.project, no_op_fault(&cell.project));
        let base = arrived(&b0, &a0, cell.target);
        assert!(base >= 900, "{}: {base} arrive without a fault", cell.name);
        for fault in edge_faults() {
            let target = Fault {
                target: FaultTarget::Edge(cell.edge.into()),
                kind: fault.clone(),
            };
            let (before, after, sim) = window(&cell.project, target);
            let got = arrived(&before, &after, cell.target);
            let what = format!("{} × {fault:?}: {got} arrived (without: {base})", cell.name);
            let edge = &sim.snapshot().edges[sim.topology().edge_index[&cell.edge.into()]];
            match fault {
                FaultKind::EdgeDrop { .. } => {
                    // Half arrive, within 4 standard deviations.
                    assert_near(
                        got,
                        base / 2,
                        4.0 * (base as f64 * 0.25).sqrt() + 2.0,
                        &what,
                    );
                    assert!(edge.lost > 0, "{what}");
                    if let Some(caller) = cell.caller {
                        let e = Counts::between(&before, &after, caller).errors;
                        assert_near(e, base - got, 2.0, &format!("{what}: caller errors {e}"));
                    }
                }
                FaultKind::EdgeDelay { ms } => match cell.caller {
                    Some(caller) => {
                        // (Those of the last 0.3 s of the window have not finished yet.)
                        let shifted = latencies_between(&sim, caller, ms, ms + 200.0);
                        assert!(shifted >= base - 50, "{what}: {shifted} slower by {ms} ms");
                    }
                    None if cell.name.starts_with("event-source mapping") => {
                        // A poller's slot stays taken while its batch is delayed, so fewer
                        // batches are in flight until the pollers scale (+5 a second): more
                        // than the last 300 ms are late, but none is lost.
                        let missing = base.saturating_sub(got);
                        assert!(missing >= 25, "{what}: {missing} still on their way");
                        assert_eq!(sim.ledger().dropped(), 0, "{what}: none lost");
                    }
                    None => {
                        // The last 300 ms of the window have not arrived yet.
                        let missing = base.saturating_sub(got);
                        assert!(
                            (25..=40).contains(&missing),
                            "{what}: {missing} still on their way"
                        );
                    }
                },
                FaultKind::EdgeDuplicate { .. } => {
                    // (A random delivery delay moves a few across the window's edges.)
                    assert_near(got, 2 * base, 12.0, &what);
                    assert!(edge.duplicated >= base - 4, "{what}");
                }
                other @ (FaultKind::ErrorRate { .. }
                | FaultKind::Latency { .. }
                | FaultKind::Outage
                | FaultKind::Throttle { .. }
                | FaultKind::KillWarm) => panic!("not an edge fault: {other:?}"),
            }
            assert!(sim.ledger().balances(), "{what}");
        }
    }
}

/// A fault with no effect on the project (0 % dropped on its first edge), so the baseline
/// window is measured exactly like the others.
fn no_op_fault(p: &Project) -> Fault {
    let edge = p.graph.edges.keys().next().expect("an edge").clone();
    Fault {
        target: FaultTarget::Edge(edge),
        kind: FaultKind::EdgeDrop { percent: 0.0 },
    }
}

#[test]
fn a_drop_on_an_apis_sync_edge_halves_what_reaches_the_function_and_fails_the_rest() {
    // The orders.ron report: "drop 50 %" on Orders API → Place order did nothing.
    let cell = &edge_cells()[1];
    let (before, after, sim) = window(
        &cell.project,
        Fault {
            target: FaultTarget::Edge("api-f".into()),
            kind: FaultKind::EdgeDrop { percent: 50.0 },
        },
    );
    let f = Counts::between(&before, &after, "f");
    let api = Counts::between(&before, &after, "api");
    assert!((430..=570).contains(&f.invocations), "{f:?}");
    // (One request was already past the edge when the fault began.)
    assert!(
        (1_000..=1_001).contains(&(api.errors + f.invocations)),
        "{api:?}"
    );
    let lost = sim
        .log_lines()
        .lines()
        .filter(|l| l.message.contains("lost on its way"))
        .count();
    assert!(lost > 0, "the loss is logged");
}

#[test]
fn spike_puts_many_requests_on_one_instant() {
    // 10,000 requests at once against an API's burst of 3,000: 3,000 accepted at once.
    let api = HttpApiParams {
        burst: 3_000,
        rate_limit_rps: 100.0,
        ..HttpApiParams::default()
    };
    let mut sim = Build::new(1)
        .node(
            "c",
            client(Arrival::Spike {
                count: 10_000,
                at_ms: 1_000,
                every_ms: None,
            }),
        )
        .node("api", NodeKind::HttpApi(api))
        .func("f", func(10.0))
        .edge("c", "api", SYNC)
        .edge("api", "f", SYNC)
        .sim();
    sim.run_until(ms(999));
    assert_eq!(sim.report().ledger.entered, 0);
    sim.run_until(ms(1_000));
    let r = sim.report();
    assert_eq!(r.ledger.entered, 10_000, "all at the same µs");
    assert_eq!(node(&r, "api").throttles, 7_000);
    sim.run_until(secs(60));
    let r = sim.report();
    assert_eq!(node(&r, "c").invocations, 10_000, "once");
    let f = node(&r, "f");
    assert_eq!(f.invocations + f.throttles, 3_000, "{f:?}");
}
