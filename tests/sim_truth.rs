//! The run tells the truth (issue 13): failures are visible in logs and traces, the critical
//! path descends into the spans that decide a trace's end, runaway designs end cleanly with
//! a stated error, and arrival counts are unbiased at every rate from 0.001/s to 10 M/s.

mod sim_common;

use eventloom::model::{
    Arrival, Distribution, EdgeKind, Fault, FaultKind, FaultTarget, FunctionParams, HttpApiParams,
    NodeKind, Project, QueueParams, RateStep, RecursiveLoop, TopicParams,
};
use eventloom::sim::{
    FAILURE_LINES_PER_S, Failure, Level, SpanKind, StopCause, Trace, budget_bytes,
};
use sim_common::*;

const SYNC: EdgeKind = EdgeKind::SyncInvoke;
const ASYNC: EdgeKind = EdgeKind::AsyncInvoke;
const WRITE: EdgeKind = EdgeKind::Write;

// ---- failures in logs and traces --------------------------------------------------------------

/// `c → api → f` at `rate`/s, every request traced.
fn api_chain(rate: f64, f: FunctionParams) -> Project {
    Build::new(2)
        .client("c", rate)
        .node("api", NodeKind::HttpApi(HttpApiParams::default()))
        .func("f", f)
        .edge("c", "api", SYNC)
        .edge("api", "f", SYNC)
        .project()
}

#[test]
fn an_outage_logs_each_failed_request_with_its_reason_and_trace_and_its_trace_holds_the_failing_span()
 {
    let p = api_chain(2.0, func(10.0));
    let mut sim = traced_sim(&p);
    sim.run_until(secs(2));
    sim.inject_fault(Fault {
        target: FaultTarget::Node("f".into()),
        kind: FaultKind::Outage,
    });
    sim.run_until(secs(4));
    let f = idx(&sim, "f");
    let api = idx(&sim, "api");
    let errors: Vec<_> = sim
        .log_lines()
        .lines()
        .filter(|l| l.level == Level::Error && l.node == f)
        .collect();
    assert_eq!(errors.len(), 4, "one line per failed request: {errors:#?}");
    for l in &errors {
        assert!(l.message.contains("down (outage)"), "{}", l.message);
        assert!(l.trace != 0, "with its trace id");
    }
    // The API says what it answered.
    assert!(
        sim.log_lines()
            .lines()
            .any(|l| l.node == api && l.message.contains("503"))
    );
    // A failed request's trace holds the function's failing span, with why.
    let trace = &sim.traces().traces[&errors[0].trace];
    let failing = trace
        .spans
        .iter()
        .find(|s| s.node == f && s.failed)
        .expect("the failing span of the function");
    assert_eq!(failing.error, Some(Failure::Unavailable));
    assert!(trace.failed(), "\"Failed first\" finds it");
}

#[test]
fn failure_lines_are_capped_per_node_and_reason_each_second_and_summed_up_never_hiding_a_class() {
    // 200 requests a second into a function that errs on half and is throttled to 1: errors
    // and throttles both happen every second; each class gets its first lines and a
    // "… and N more" line.
    let f = FunctionParams {
        error_probability: 0.5,
        reserved_concurrency: Some(1),
        ..func(7.0)
    };
    let mut sim = Build::new(4)
        .client("c", 200.0)
        .func("f", f)
        .edge("c", "f", SYNC)
        .sim();
    sim.run_until(secs(3));
    let f = idx(&sim, "f");
    let r = sim.report();
    let lines: Vec<_> = sim.log_lines().lines().filter(|l| l.node == f).collect();
    let f_report = node(&r, "f");
    for (why, word, counted) in [
        (Failure::Error, "function error", f_report.errors),
        (Failure::Throttled, "throttled", f_report.throttles),
    ] {
        let first = lines
            .iter()
            .filter(|l| l.message.contains(word) && !l.message.starts_with('…'))
            .count();
        assert!(
            first >= FAILURE_LINES_PER_S as usize * 2,
            "{why:?}: {first} lines in 2 s"
        );
        // (Seconds 0, 1 and 2, and the first instant of second 3.)
        assert!(
            first <= FAILURE_LINES_PER_S as usize * 4,
            "{why:?}: capped, {first}"
        );
        let more: u64 = lines
            .iter()
            .filter(|l| l.message.starts_with('…') && l.message.contains(why.label()))
            .map(|l| {
                l.message
                    .split_whitespace()
                    .nth(2)
                    .and_then(|n| n.parse::<u64>().ok())
                    .expect("a count")
            })
            .sum();
        assert!(more > 0, "{why:?} summed up");

        // Every failure is either a line or counted in a summary (the last second's
        // summary is written at the next tick).
        assert!(
            first as u64 + more <= counted && counted - (first as u64 + more) <= 200,
            "{why:?}: {first} lines + {more} summed vs {counted}"
        );
    }
}

#[test]
fn lost_throttled_and_expired_messages_are_logged() {
    // A drop fault on the client's edge, a queue with a short retention nobody reads.
    let mut sim = Build::new(1)
        .client("c", 10.0)
        .queue(
            "q",
            QueueParams {
                retention_ms: 60_000,
                ..queue()
            },
        )
        .edge("c", "q", WRITE)
        .sim();
    sim.inject_fault(Fault {
        target: FaultTarget::Edge("c-q".into()),
        kind: FaultKind::EdgeDrop { percent: 50.0 },
    });
    sim.run_until(secs(62));
    let says = |needle: &str| sim.log_lines().lines().any(|l| l.message.contains(needle));
    assert!(says("lost on its way"));
    assert!(says("expired (retention period)"));
}

// ---- critical path ----------------------------------------------------------------------------

/// The critical path of the first trace that has spans, as (node id, kind).
fn critical(
    sim: &eventloom::sim::Simulation,
    pick: impl Fn(&Trace) -> bool,
) -> Vec<(String, SpanKind)> {
    let t = sim
        .traces()
        .traces
        .values()
        .find(|t| !t.spans.is_empty() && pick(t))
        .expect("a trace");
    t.critical_path()
        .into_iter()
        .map(|i| {
            let s = &t.spans[i as usize];
            (sim.topology().node_ids[s.node].to_string(), s.kind)
        })
        .collect()
}

#[test]
fn critical_path_of_a_sync_chain_descends_into_the_cold_start_and_execution() {
    let f = FunctionParams {
        cold_start: constant(90.0),
        ..func(10.0)
    };
    let p = api_chain(1.0, f);
    let mut sim = traced_sim(&p);
    sim.run_until(secs(3));
    let s = |n: &str, k| (n.to_owned(), k);
    let cold = critical(&sim, |t| {
        t.spans.iter().any(|s| s.kind == SpanKind::ColdStart)
    });
    assert_eq!(
        cold,
        [
            s("api", SpanKind::Request),
            s("f", SpanKind::ColdStart),
            s("f", SpanKind::Execution)
        ]
    );
    let warm = critical(&sim, |t| {
        !t.spans.iter().any(|s| s.kind == SpanKind::ColdStart)
    });
    assert_eq!(
        warm,
        [s("api", SpanKind::Request), s("f", SpanKind::Execution)]
    );
}

#[test]
fn critical_path_of_a_nested_sync_call_goes_through_the_callee() {
    let mut sim = traced_sim(
        &Build::new(1)
            .client("c", 1.0)
            .func("g", func(5.0))
            .func("h", func(50.0))
            .edge("c", "g", SYNC)
            .edge("g", "h", SYNC)
            .project(),
    );
    sim.run_until(secs(2));
    let path = critical(&sim, |_| true);
    let nodes: Vec<&str> = path.iter().map(|(n, _)| n.as_str()).collect();
    assert!(nodes.contains(&"g") && nodes.contains(&"h"), "{path:?}");
}

#[test]
fn critical_path_of_a_fan_out_follows_the_slow_branch_only() {
    let topic = TopicParams {
        delivery_delay: constant(20.0),
    };
    let mut sim = traced_sim(
        &Build::new(1)
            .client("c", 1.0)
            .node("t", NodeKind::Topic(topic))
            .func("fast", func(10.0))
            .func("slow", func(500.0))
            .edge("c", "t", WRITE)
            .edge("t", "fast", subscription(&[]))
            .edge("t", "slow", subscription(&[]))
            .project(),
    );
    sim.run_until(secs(3));
    let path = critical(&sim, |t| t.spans.len() >= 4);
    assert!(
        path.iter()
            .any(|(n, k)| n == "slow" && *k == SpanKind::Execution),
        "{path:?}"
    );
    assert!(path.iter().all(|(n, _)| n != "fast"), "{path:?}");
}

// ---- runaway designs --------------------------------------------------------------------------

/// A function that asynchronously invokes itself twice per call, fed by one request.
fn self_invoker(allow: bool) -> Project {
    let f = FunctionParams {
        recursive_loop: if allow {
            RecursiveLoop::Allow
        } else {
            RecursiveLoop::Terminate
        },
        ..func(50.0)
    };
    let mut p = Build::new(1)
        .node(
            "c",
            client(Arrival::Spike {
                count: 1,
                at_ms: 0,
                every_ms: None,
            }),
        )
        .func("f", f)
        .edge("c", "f", ASYNC)
        .edge_n("f", "f", ASYNC, 2)
        .project();
    p.run.duration_ms = 3_600_000;
    p
}

#[test]
fn a_function_invoking_itself_twice_is_stopped_by_recursive_loop_detection() {
    let p = self_invoker(false);
    let mut sim = sim(&p);
    sim.run_until(secs(60));
    let r = sim.report();
    let f = node(&r, "f");
    // One event, doubling per generation: 1 + 2 + … + 2^15 invocations, then every event of
    // the 17th generation is stopped.
    assert_eq!(f.invocations, (1 << 16) - 1);
    assert_eq!(f.loop_stopped, 1 << 16);
    assert_eq!(r.ledger.recursive_loop, 1 << 16);
    assert!(r.ledger_balanced && r.stopped.is_none());
    assert!(
        sim.log_lines()
            .lines()
            .any(|l| l.message.contains("recursive loop detected"))
    );
    assert!(
        sim.snapshot().nodes[idx(&sim, "f")].loop_stopped > 0,
        "visible on the node"
    );
}

#[test]
fn a_loop_through_topic_queue_and_function_is_stopped_after_16_invocations() {
    let mut sim = Build::new(1)
        .client("c", 1.0)
        .node("t", NodeKind::Topic(TopicParams::default()))
        .queue("q", queue())
        .func("f", func(10.0))
        .edge("c", "t", WRITE)
        .edge("t", "q", subscription(&[]))
        .edge("q", "f", esm(1))
        .edge("f", "t", WRITE)
        .sim();
    sim.run_until(secs(120));
    let r = sim.report();
    let f = node(&r, "f");
    assert!(f.loop_stopped > 0);
    // Each chain runs f 16 times, then stops.
    assert!(f.invocations <= 16 * r.ledger.entered, "{f:?}");
    assert!(r.ledger_balanced && r.stopped.is_none());
}

#[test]
fn a_runaway_loop_that_recursion_allows_stops_at_the_memory_budget_with_the_node_named() {
    let mut p = self_invoker(true);
    p.run.max_memory_mb = 64;
    let mut sim = sim(&p);
    sim.run_until(secs(3_600));
    let stopped = sim.stopped().expect("the budget stops it").clone();
    assert_eq!(stopped.cause, StopCause::Memory);
    assert_eq!(stopped.node.as_deref(), Some("f"));
    assert!(
        stopped.message.contains("grew fastest"),
        "{}",
        stopped.message
    );
    assert!(stopped.at_s < 3_600.0);
    let used = sim.memory_use();
    assert!(used.bytes <= budget_bytes(64), "{used:?}");
    // The report so far is kept and says why it stopped; time no longer advances.
    let r = sim.report();
    assert_eq!(r.stopped.as_ref(), Some(&stopped));
    assert!(r.ledger_balanced);
    let now = sim.now();
    sim.run_until(secs(7_200));
    assert_eq!(sim.now(), now);
    assert_eq!(sim.snapshot().stopped.as_ref(), Some(&stopped));
}

#[test]
fn ten_million_requests_a_second_into_day_long_executions_stop_at_the_budget() {
    // The second design: 10 M/s (async) into a function whose median run is 22 h,
    // the account concurrency at its maximum.
    let f = FunctionParams {
        duration: Distribution::LogNormal {
            median_ms: 22.0 * 3_600_000.0,
            sigma: 0.5,
        },
        timeout_ms: 900_000,
        ..func(1.0)
    };
    let mut p = Build::new(1)
        .node(
            "c",
            client(Arrival::Poisson {
                rate_per_s: 10_000_000.0,
            }),
        )
        .func("slow", f)
        .edge("c", "slow", ASYNC)
        .project();
    p.run.account_concurrency = u32::MAX;
    p.run.max_memory_mb = 64;
    let mut sim = sim(&p);
    sim.run_until(secs(600));
    let stopped = sim.stopped().expect("the budget stops it");
    assert_eq!(stopped.node.as_deref(), Some("slow"));
    assert!(sim.memory_use().bytes <= budget_bytes(64));
}

#[test]
fn a_loop_through_a_table_stream_is_not_detected_and_the_budget_ends_it() {
    let mut p = Build::new(1)
        .client("c", 10.0)
        .node("tbl", NodeKind::Table(Default::default()))
        .func("f", func(1.0))
        .edge("c", "tbl", WRITE)
        .edge("tbl", "f", esm(1))
        .edge_n("f", "tbl", WRITE, 2)
        .project();
    p.run.max_memory_mb = 32;
    let mut sim = sim(&p);
    sim.run_until(secs(3_600));
    assert!(sim.stopped().is_some());
    assert_eq!(
        sim.report().ledger.recursive_loop,
        0,
        "tables are not followed"
    );
}

// ---- exact arrivals ---------------------------------------------------------------------------

/// Arrivals of `a` in `[0, window]`, counted as messages a client writes into a queue.
fn arrivals(a: Arrival, window: eventloom::sim::Time) -> u64 {
    let mut sim = Build::new(9)
        .node("c", client(a))
        .queue("q", queue())
        .edge("c", "q", WRITE)
        .sim();
    sim.run_until(window);
    sim.report().ledger.entered
}

/// Every workload kind at `rate`/s, with its expected count over `window` and how far off a
/// count may be (4 standard deviations of a Poisson count; ±1 for an even process).
fn kinds_at(rate: f64, window_s: f64) -> Vec<(Arrival, f64, f64)> {
    let n = rate * window_s;
    let poisson = 4.0 * n.sqrt() + 1.0;
    let window_ms = (window_s * 1000.0) as u64;
    vec![
        (Arrival::Poisson { rate_per_s: rate }, n, poisson),
        (Arrival::Constant { rate_per_s: rate }, n, 1.0),
        (
            Arrival::Steps {
                steps: vec![
                    RateStep {
                        at_ms: 0,
                        rate_per_s: rate / 10.0,
                    },
                    RateStep {
                        at_ms: window_ms / 2,
                        rate_per_s: rate,
                    },
                ],
            },
            n * 0.55,
            4.0 * (n * 0.55).sqrt() + 1.0,
        ),
        (
            Arrival::Bursts {
                base_rate_per_s: rate / 2.0,
                burst_rate_per_s: rate,
                every_ms: (window_ms / 4).max(2),
                length_ms: (window_ms / 8).max(1),
            },
            n * 0.75,
            4.0 * (n * 0.75).sqrt() + 1.0,
        ),
        (
            Arrival::Diurnal {
                mean_rate_per_s: rate,
                amplitude: 0.5,
                period_ms: window_ms.max(1_000),
                peak_at_ms: 0,
            },
            // Over whole periods the mean rate; a window under a second is part of one.
            if window_ms >= 1_000 { n } else { -1.0 },
            poisson,
        ),
    ]
}

#[test]
fn arrival_counts_are_unbiased_at_every_decade_of_rate() {
    // From 0.001/s to the 10 M/s maximum; windows long enough for about 4,000 arrivals
    // (fewer at the slowest rates, whose windows would otherwise span days of ticks).
    let mut rate: f64 = 0.001;
    while rate <= 10_000_000.0 * 1.0001 {
        let window_s = (4_000.0 / rate).clamp(0.01, 100_000.0);
        for (a, expected, tolerance) in kinds_at(rate, window_s) {
            if expected < 0.0 {
                continue;
            }
            let got = arrivals(a.clone(), (window_s * 1e6) as u64) as f64;
            assert!(
                (got - expected).abs() <= tolerance,
                "{a:?} over {window_s} s: {got} arrivals, expected {expected} ± {tolerance}"
            );
        }
        rate *= 10.0;
    }
}

#[test]
fn trace_replay_and_spikes_are_exact_at_high_rates() {
    // A trace minute of 600 M events is 10 M/s for a minute; count the first 10 ms.
    let got = arrivals(
        Arrival::Trace {
            per_minute: vec![600_000_000],
            repeat: false,
        },
        ms(10),
    ) as f64;
    assert!((got - 100_000.0).abs() < 4.0 * 100_000f64.sqrt(), "{got}");
    // 10,000 at once, twice.
    let spike = Arrival::Spike {
        count: 10_000,
        at_ms: 5,
        every_ms: Some(10),
    };
    assert_eq!(arrivals(spike.clone(), ms(5) - 1), 0);
    assert_eq!(arrivals(spike.clone(), ms(5)), 10_000);
    assert_eq!(arrivals(spike, ms(15)), 20_000);
}

#[test]
fn an_interrupted_run_keeps_its_report_and_says_so() {
    // What Ctrl+C does in `eventloom run`.
    let mut sim = Build::new(1)
        .client("c", 10.0)
        .func("f", func(10.0))
        .edge("c", "f", SYNC)
        .sim();
    sim.run_until(secs(5));
    sim.interrupt("interrupted (Ctrl+C)");
    sim.run_until(secs(10));
    assert_eq!(sim.now(), secs(5), "time stands still");
    let r = sim.report();
    let stopped = r.stopped.as_ref().expect("says why");
    assert_eq!(stopped.cause, StopCause::Interrupted);
    assert_eq!(stopped.at_s, 5.0);
    assert_eq!(node(&r, "c").invocations, 50);
    assert!(r.ledger_balanced);
}
