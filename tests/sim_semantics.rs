//! Engine semantics: for each behaviour the runtime promises (issue 3), the smallest project
//! that exhibits it, run with a fixed seed, and exact expectations derived from the model.
//!
//! Durations, cold starts and arrivals are constant wherever a count or a time is asserted,
//! so every expected value can be worked out by hand; each test says how. Arrival `n` of a
//! `Constant { rate_per_s: r }` client happens at `n / r` seconds (the first at `1 / r`).
//! Events due at the same instant run in the order they were scheduled.

mod sim_common;

use eventloom::model::{
    Arrival, BucketParams, DeployStrategy, EdgeKind, Experiment, Fault, FaultKind, FaultTarget,
    FunctionParams, HttpApiParams, Metric, NodeKind, Project, QueueParams, Scaling, ScheduledFault,
    StopCondition, TopicParams,
};
use eventloom::sim::{Report, SEC, Simulation, SpanKind, Time};
use sim_common::*;

const SYNC: EdgeKind = EdgeKind::SyncInvoke;
const ASYNC: EdgeKind = EdgeKind::AsyncInvoke;
const WRITE: EdgeKind = EdgeKind::Write;
const ON_FAILURE: EdgeKind = EdgeKind::OnFailure;

/// `client → function` (synchronous) with `f`.
fn client_fn(seed: u64, rate_per_s: f64, f: FunctionParams) -> Build {
    Build::new(seed)
        .client("c", rate_per_s)
        .func("f", f)
        .edge("c", "f", SYNC)
}

fn cost_of(f: &FunctionParams, p: &Project, billed_ms: &[u64]) -> f64 {
    billed_ms
        .iter()
        .map(|&b| {
            p.pricing
                .function_invocation(f.memory_mb, b, f.arch == eventloom::model::Arch::Arm64)
        })
        .sum()
}

// ---- functions: cold starts, keep-alive, concurrency, scaling, timeouts -------------------

#[test]
fn cold_start_then_warm_reuse() {
    // One request a second, 100 ms of work after a 200 ms cold start. The first request
    // creates an environment (cold); it is idle again at 1.3 s, long before the next request,
    // and with the default 10-minute keep-alive every later request reuses it (warm).
    let f = FunctionParams {
        cold_start: constant(200.0),
        ..func(100.0)
    };
    let p = client_fn(1, 1.0, f.clone()).project();
    let mut sim = sim(&p);
    sim.run_until(ms(10_500)); // arrivals at 1 … 10 s, all finished by 10.1 s
    let r = sim.report();
    let fr = node(&r, "f");
    assert_eq!(fr.invocations, 10);
    assert_eq!(fr.completions, 10);
    assert_eq!(fr.cold_starts, 1);
    assert_eq!(fr.cold_start_percent, 10.0);
    let inst = fr.instances.as_ref().expect("a function has instances");
    assert_eq!((inst.busy_max, inst.idle_max), (1, 1));
    // Busy 0.3 s (cold + work) then 9 × 0.1 s; idle 1.3→2.0, 8 × 0.9 s, 10.1→10.5: 8.3 s.
    assert_eq!(inst.busy_mean, 0.114); // 1.2 / 10.5
    assert_eq!(inst.idle_mean, 0.79); // 8.3 / 10.5
    // The function runs 100 ms every time; the client waits 300 ms once, 100 ms after that.
    assert_eq!(latencies_between(&sim, "f", 99.9, 100.1), 10);
    assert_eq!(latencies_between(&sim, "c", 299.9, 300.1), 1);
    assert_eq!(latencies_between(&sim, "c", 99.9, 100.1), 9);
    // Billed per invocation: init + execution, rounded up to 1 ms.
    let expected = cost_of(&f, &p, &[300, 100, 100, 100, 100, 100, 100, 100, 100, 100]);
    assert_close(sim.stats(idx(&sim, "f")).cost_usd, expected, 1e-9, "cost");
    let l = sim.ledger();
    assert_eq!((l.created, l.completed, l.in_flight), (10, 10, 0));
    assert!(l.balances());
}

#[test]
fn keep_alive_expiry() {
    // keep_alive 1 s; each request holds its environment 0.3 s (200 ms cold + 100 ms).
    let f = FunctionParams {
        cold_start: constant(200.0),
        keep_alive_ms: 1_000,
        ..func(100.0)
    };
    // Requests every 2 s: the environment is reclaimed 1 s after each finishes (at 2k+1.3 s),
    // so every request starts cold.
    let mut wide = client_fn(1, 0.5, f.clone()).sim();
    wide.run_until(ms(21_500)); // arrivals at 2, 4, … 20 s
    let r = wide.report();
    let fr = node(&r, "f");
    assert_eq!(
        (fr.invocations, fr.completions, fr.cold_starts),
        (10, 10, 10)
    );
    let inst = fr.instances.as_ref().expect("instances");
    assert_eq!(inst.idle_max, 1);
    assert_eq!(inst.idle_mean, 0.465); // 10 × 1 s idle over 21.5 s
    assert_eq!(inst.busy_mean, 0.14); // 10 × 0.3 s over 21.5 s
    assert_eq!(wide.stats(idx(&wide, "f")).idle.value(), 0, "all reclaimed");

    // Requests every 0.5 s: the environment is never idle for a whole second: one cold start.
    let mut narrow = client_fn(1, 2.0, f).sim();
    narrow.run_until(ms(10_400)); // arrivals at 0.5 … 10 s
    let r = narrow.report();
    let fr = node(&r, "f");
    assert_eq!(
        (fr.invocations, fr.completions, fr.cold_starts),
        (20, 20, 1)
    );
    assert_eq!(narrow.stats(idx(&narrow, "f")).idle.value(), 1);
}

#[test]
fn concurrency_limit_throttles_sync_requests() {
    // reserved_concurrency 2, 90 ms per request, a request every 20 ms (50/s, above the 22/s
    // two environments can serve). Arrival n is at 20n ms. Requests 1 and 2 take both
    // environments until 110 and 130 ms; 3, 4 and 5 find none (429); 6 (120 ms) and 7 (140 ms)
    // get the freed ones; and so on: of every five arrivals, n ≡ 1, 2 (mod 5) run.
    let f = FunctionParams {
        reserved_concurrency: Some(2),
        ..func(90.0)
    };
    let mut sim = client_fn(1, 50.0, f).sim();
    sim.run_until(10 * SEC); // arrivals 1 … 500; 496 and 497 (9.92, 9.94 s) still running
    let r = sim.report();
    let fr = node(&r, "f");
    assert_eq!(fr.invocations, 200);
    assert_eq!(fr.throttles, 300);
    assert_eq!(fr.completions, 198);
    assert_eq!(fr.cold_starts, 2);
    assert_eq!(fr.instances.as_ref().expect("instances").busy_max, 2);
    let c = node(&r, "c");
    assert_eq!((c.invocations, c.completions, c.throttles), (500, 198, 300));
    let l = sim.ledger();
    assert_eq!(l.created, 500);
    assert_eq!(l.throttled, 300);
    assert_eq!(l.completed, 198);
    assert_eq!(l.in_flight, 2);
    assert!(l.balances());
}

#[test]
fn throttle_rate_expectations_count_refused_requests_among_all_requests() {
    // The run of the previous test: 300 of 500 requests refused, i.e. 60 %. A function
    // counts only the requests it started as invocations, so the rate must be measured
    // against invocations + throttles (500), not invocations alone (200, giving 150 %).
    let f = FunctionParams {
        reserved_concurrency: Some(2),
        ..func(90.0)
    };
    let mut p = client_fn(1, 50.0, f).project();
    let below =
        |node: Option<&str>, max_percent| eventloom::model::Expectation::ThrottleRateBelow {
            node: node.map(Into::into),
            max_percent,
        };
    p.expectations = vec![
        below(Some("f"), 61.0),
        below(Some("f"), 59.0),
        below(None, 61.0),
        below(None, 59.0),
    ];
    let mut sim = sim(&p);
    sim.run_until(10 * SEC);
    let r = sim.report();
    let passed: Vec<bool> = r.expectations.iter().map(|x| x.passed).collect();
    assert_eq!(passed, [true, false, true, false], "{:#?}", r.expectations);
    assert!(
        r.expectations[0].measured.starts_with("60.000%"),
        "{:?}",
        r.expectations[0]
    );
}

#[test]
fn concurrency_limit_retries_throttled_async_events_with_backoff() {
    // The same limit (2 environments, 90 ms) hit by 50 asynchronous events at once (t0 =
    // 100 s). Nothing is refused: Lambda keeps the events and retries the throttled ones
    // after a backoff (1 s, then 2 s, 4 s … with equal jitter: half fixed, half drawn), not
    // the moment an environment frees. Two run at t0; the other 48 are throttled (each
    // counted once) and none starts before t0 + 0.5 s, although both environments are free
    // from t0 + 90 ms — the old instant resume would have drained them all by t0 + 2.25 s.
    let f = FunctionParams {
        reserved_concurrency: Some(2),
        ..func(90.0)
    };
    let mut sim = Build::new(1)
        .client("c", 0.01)
        .func("f", f)
        .edge_n("c", "f", ASYNC, 50)
        .sim();
    let t0 = secs(100);
    sim.run_until(t0);
    let r = sim.report();
    assert_eq!(node(&r, "f").invocations, 2);
    assert_eq!(node(&r, "f").throttles, 48);
    sim.run_until(t0 + ms(500) - 1);
    assert_eq!(
        node(&sim.report(), "f").invocations,
        2,
        "no retry before 0.5 s"
    );
    sim.run_until(t0 + ms(2_250));
    let r = sim.report();
    assert!(
        node(&r, "f").completions < 50,
        "backoff keeps the backlog from draining at full capacity"
    );
    sim.run_until(t0 + secs(60));
    let r = sim.report();
    let fr = node(&r, "f");
    assert_eq!(fr.invocations, 50);
    assert_eq!(fr.completions, 50);
    assert_eq!(fr.throttles, 48, "each event's throttle is counted once");
    assert_eq!(fr.dropped, 0);
    assert_eq!(fr.instances.as_ref().expect("instances").busy_max, 2);
    assert_eq!(
        node(&r, "c").completions,
        50,
        "async sends complete at the client"
    );
    let l = &r.ledger;
    assert_eq!(
        (l.created, l.completed, l.in_flight, l.dropped()),
        (50, 50, 0, 0)
    );
    assert!(r.ledger_balanced);
}

#[test]
fn scaling_rate_limits_new_environments() {
    // Custom scaling: 10 environments at once, then +10 per second. A burst of 100
    // synchronous requests every second, each running 60 s (so no environment frees up):
    // each burst gets exactly the 10 environments the rate allows, the other 90 get 429.
    let f = FunctionParams {
        scaling: Scaling::Custom {
            environments: 10,
            every_ms: 1_000,
        },
        timeout_ms: 120_000,
        ..func(60_000.0)
    };
    let mut sim = Build::new(1)
        .client("c", 1.0)
        .func("f", f.clone())
        .edge_n("c", "f", SYNC, 100)
        .sim();
    for k in 1..=5u64 {
        sim.run_until(secs(k));
        let r = sim.report();
        let fr = node(&r, "f");
        assert_eq!(fr.instances.as_ref().expect("instances").busy_max, 10 * k);
        assert_eq!(fr.invocations, 10 * k);
        assert_eq!(fr.cold_starts, 10 * k);
        assert_eq!(fr.throttles, 90 * k);
        assert_eq!(node(&r, "c").throttles, 90 * k);
        assert_eq!(r.ledger.throttled, 90 * k);
    }

    // The same burst sent asynchronously is not refused: the throttled events are retried
    // with a backoff and start as the scaling rate allows (one environment every 100 ms
    // after the first 10), never faster.
    let mut sim = Build::new(1)
        .client("c", 0.01)
        .func("f", f)
        .edge_n("c", "f", ASYNC, 100)
        .sim();
    let t0 = secs(100);
    sim.run_until(t0);
    assert_eq!(busy_now(&sim, "f"), 10);
    for tenth in 1..=200u64 {
        sim.run_until(t0 + tenth * SEC / 10);
        let allowed = (10 + tenth).min(100);
        let busy = busy_now(&sim, "f");
        assert!(
            busy <= allowed,
            "at t0 + {tenth}/10 s: {busy} busy, the rate allows {allowed}"
        );
    }
    sim.run_until(t0 + secs(99)); // the next burst comes at t0 + 100 s
    let r = sim.report();
    assert_eq!(node(&r, "f").invocations, 100);
    assert_eq!(
        node(&r, "f").throttles,
        90,
        "each waiting event counted once"
    );
    assert_eq!(r.ledger.dropped(), 0);
}

#[test]
fn provisioned_environments_start_warm() {
    // 2 provisioned environments; bursts of 3 concurrent requests every 2 s: two take the
    // provisioned (warm) environments, the third needs an on-demand one, which is cold the
    // first time only (then kept warm by the 10-minute keep-alive).
    let f = FunctionParams {
        provisioned_concurrency: 2,
        cold_start: constant(200.0),
        ..func(100.0)
    };
    let mut sim = Build::new(1)
        .client("c", 0.5)
        .func("f", f)
        .edge_n("c", "f", SYNC, 3)
        .sim();
    sim.run_until(ms(20_500)); // bursts at 2, 4, … 20 s
    let r = sim.report();
    let fr = node(&r, "f");
    assert_eq!(
        (fr.invocations, fr.completions, fr.cold_starts),
        (30, 30, 1)
    );
    let inst = fr.instances.as_ref().expect("instances");
    assert_eq!((inst.busy_max, inst.idle_max), (3, 3));
    assert_eq!(latencies_between(&sim, "c", 299.9, 300.1), 1);
    assert_eq!(latencies_between(&sim, "c", 99.9, 100.1), 29);
}

#[test]
fn provisioned_environments_are_billed_while_they_exist() {
    // 2 provisioned environments of 1 GB are billed in 5-minute blocks from the start (AWS
    // rounds provisioned time up to 5 minutes): by 20.5 s one block, 2 × 1 GB × 300 s at the
    // provisioned rate, plus each invocation on them at the provisioned duration rate;
    // on-demand invocations are billed normally.
    let f = FunctionParams {
        provisioned_concurrency: 2,
        memory_mb: 1_024,
        ..func(100.0)
    };
    let p = Build::new(1)
        .client("c", 0.5)
        .func("f", f.clone())
        .edge_n("c", "f", SYNC, 3)
        .project();
    let mut sim = sim(&p);
    sim.run_until(ms(20_500)); // bursts at 2, 4, … 20 s
    let pr = &p.pricing;
    let block = 2.0 * 1.0 * 300.0 * pr.provisioned_per_gb_s;
    let on_provisioned =
        20.0 * (pr.function_per_million_requests / 1e6 + 0.1 * pr.provisioned_duration_per_gb_s);
    let on_demand = cost_of(&f, &p, &[100; 10]);
    assert_close(
        sim.stats(idx(&sim, "f")).cost_usd,
        block + on_provisioned + on_demand,
        1e-9,
        "cost",
    );
}

#[test]
fn idle_environment_choice_is_most_recently_used_first() {
    // A steady request every 500 ms (100 ms each) keeps one environment busy; at 100 s a
    // burst of 2 more arrives with one steady request, so 3 environments exist. Keep-alive
    // is 2 s. Reusing the most recently used idle environment concentrates the steady
    // traffic on one of them and the other two expire 2 s after the burst; least recently
    // used would rotate through all three and keep them all warm (each reused every 1.5 s).
    let f = FunctionParams {
        keep_alive_ms: 2_000,
        ..func(100.0)
    };
    let mut sim = Build::new(1)
        .client("steady", 2.0)
        .client("burst", 0.01)
        .func("f", f)
        .edge("steady", "f", SYNC)
        .edge_n("burst", "f", SYNC, 2)
        .sim();
    sim.run_until(ms(100_050));
    assert_eq!(busy_now(&sim, "f"), 3);
    sim.run_until(ms(105_300)); // between steady requests
    let r = sim.report();
    let fi = idx(&sim, "f");
    assert_eq!(
        sim.stats(fi).idle.value(),
        1,
        "only the reused environment is left"
    );
    assert_eq!(node(&r, "f").cold_starts, 3);
}

#[test]
fn account_concurrency_is_shared_by_unreserved_functions() {
    // The account allows 5 concurrent executions; neither function reserves any. Ten long
    // requests to f at 1 s take all 5; at 2 s ten more to f and ten to g find none left.
    let long = FunctionParams {
        timeout_ms: 120_000,
        ..func(60_000.0)
    };
    let mut b = Build::new(1)
        .client("cf", 1.0)
        .client("cg", 0.5)
        .func("f", long.clone())
        .func("g", long)
        .edge_n("cf", "f", SYNC, 10)
        .edge_n("cg", "g", SYNC, 10);
    b.p.run.account_concurrency = 5;
    let mut sim = b.sim();
    let counts = |sim: &Simulation, id| {
        let r = sim.report();
        (node(&r, id).invocations, node(&r, id).throttles)
    };
    sim.run_until(ms(1_500));
    assert_eq!(counts(&sim, "f"), (5, 5));
    sim.run_until(ms(2_500));
    assert_eq!(counts(&sim, "f"), (5, 15));
    assert_eq!(counts(&sim, "g"), (0, 10));
    assert_eq!(sim.ledger().throttled, 25);
}

#[test]
fn timeouts_stop_and_bill_at_the_limit() {
    // 5 s of work under a 1 s timeout: every invocation is stopped at 1 s, counted as a
    // timeout and an error, billed for 1,000 ms, and the caller's request fails after 1 s.
    let f = FunctionParams {
        timeout_ms: 1_000,
        ..func(5_000.0)
    };
    let p = client_fn(1, 0.5, f.clone()).project();
    let mut sim = sim(&p);
    sim.run_until(ms(21_500)); // arrivals at 2, 4, … 20 s, each over 1 s later
    let r = sim.report();
    let fr = node(&r, "f");
    assert_eq!(fr.invocations, 10);
    assert_eq!(fr.timeouts, 10);
    assert_eq!(fr.errors, 10);
    assert_eq!(fr.completions, 0);
    assert_eq!(latencies_between(&sim, "f", 999.0, 1_001.0), 10);
    assert_eq!(latencies_between(&sim, "c", 999.0, 1_001.0), 10);
    assert_close(
        sim.stats(idx(&sim, "f")).cost_usd,
        cost_of(&f, &p, &[1_000; 10]),
        1e-9,
        "cost",
    );
    let c = node(&r, "c");
    assert_eq!((c.errors, c.completions), (10, 0));
    assert_eq!(r.ledger.expired, 10);
    assert!(r.ledger_balanced);
}

#[test]
fn sync_calls_chain_latency_errors_and_timeouts() {
    // c → a (50 ms of its own work, then calls b and waits) → b (100 ms). The caller's
    // execution, bill and the client's latency include the wait: 150 ms.
    let mut sim = Build::new(1)
        .client("c", 1.0)
        .func("a", func(50.0))
        .func("b", func(100.0))
        .edge("c", "a", SYNC)
        .edge("a", "b", SYNC)
        .sim();
    sim.run_until(ms(10_500));
    let r = sim.report();
    assert_eq!(node(&r, "a").completions, 10);
    assert_eq!(node(&r, "b").completions, 10);
    assert_eq!(latencies_between(&sim, "a", 149.9, 150.1), 10);
    assert_eq!(latencies_between(&sim, "c", 149.9, 150.1), 10);

    // b always fails: the error goes back to a, which fails its own request.
    let b = FunctionParams {
        error_probability: 1.0,
        ..func(100.0)
    };
    let mut sim = Build::new(1)
        .client("c", 1.0)
        .func("a", func(50.0))
        .func("b", b)
        .edge("c", "a", SYNC)
        .edge("a", "b", SYNC)
        .sim();
    sim.run_until(ms(10_500));
    let r = sim.report();
    assert_eq!((node(&r, "a").errors, node(&r, "b").errors), (10, 10));
    assert_eq!(node(&r, "c").errors, 10);
    assert_eq!(r.ledger.returned_error, 10, "b's failures handed to a");
    assert_eq!(r.ledger.failed, 10, "a's requests failed");

    // b takes 5 s but a's timeout is 1 s: a times out while waiting (billed 1 s); b runs on
    // to completion and its late answer is ignored.
    let a = FunctionParams {
        timeout_ms: 1_000,
        ..func(50.0)
    };
    let b = FunctionParams {
        timeout_ms: 10_000,
        ..func(5_000.0)
    };
    let mut sim = Build::new(1)
        .client("c", 0.1)
        .func("a", a)
        .func("b", b)
        .edge("c", "a", SYNC)
        .edge("a", "b", SYNC)
        .sim();
    sim.run_until(secs(36)); // requests at 10, 20, 30 s; b finishes at 15.05, 25.05, 35.05 s
    let r = sim.report();
    assert_eq!((node(&r, "a").timeouts, node(&r, "a").errors), (3, 3));
    assert_eq!(node(&r, "b").completions, 3);
    assert_eq!(latencies_between(&sim, "a", 999.0, 1_001.0), 3);
    assert_eq!(r.ledger.expired, 3);
    assert_eq!(r.ledger.in_flight, 0);
    assert!(r.ledger_balanced);
}

#[test]
fn a_queue_isolates_a_failing_consumer_a_sync_call_does_not() {
    // Idea 5 of the product: "front" does 20 ms of work and hands each request to "back",
    // which is down (outage) the whole time. Called synchronously, every request fails;
    // through a queue, every request succeeds and the messages wait.
    let down = |b: Build| {
        let mut sim = b.sim();
        sim.inject_fault(Fault {
            target: FaultTarget::Node("back".into()),
            kind: FaultKind::Outage,
        });
        sim.run_until(ms(10_500));
        sim.report()
    };
    let base = || {
        Build::new(1)
            .client("c", 1.0)
            .func("front", func(20.0))
            .func("back", func(20.0))
            .edge("c", "front", SYNC)
    };
    let sync = down(base().edge("front", "back", SYNC));
    assert_eq!(node(&sync, "c").errors, 10);
    assert_eq!(node(&sync, "c").completions, 0);
    let queued = down(base().queue("q", queue()).edge("front", "q", WRITE).edge(
        "q",
        "back",
        esm(10),
    ));
    assert_eq!(node(&queued, "c").completions, 10);
    assert_eq!(node(&queued, "c").errors, 0);
    assert_eq!(node(&queued, "back").completions, 0);
    assert_eq!(
        queued.ledger.dropped(),
        0,
        "nothing lost: the messages wait"
    );
}

// ---- async retries, queues, FIFO ------------------------------------------------------------

#[test]
fn async_failures_retry_at_one_and_two_minutes_then_dead_letter() {
    // 5 events at t0 = 3,600 s to a function that always fails after 100 ms; default retry
    // policy (2 retries, +1 min after the first failure, +2 min after the second); failures
    // go to queue "dlq". Attempt 1 at t0, 2 at t0 + 60.1 s, 3 at t0 + 180.2 s, DLQ at t0 + 180.3 s.
    let f = FunctionParams {
        error_probability: 1.0,
        ..func(100.0)
    };
    let mut sim = Build::new(1)
        .client("c", 1.0 / 3_600.0)
        .func("f", f)
        .queue("dlq", queue())
        .edge_n("c", "f", ASYNC, 5)
        .edge("f", "dlq", ON_FAILURE)
        .sim();
    let t0 = secs(3_600);
    let check = |sim: &mut Simulation, t: Time, inv: u64, err: u64, retries: u64, dlq: u64| {
        sim.run_until(t);
        let r = sim.report();
        let fr = node(&r, "f");
        assert_eq!(
            (fr.invocations, fr.errors, fr.retries, fr.dead_lettered),
            (inv, err, retries, dlq),
            "at {} µs after t0",
            t - t0
        );
        assert_eq!(node(&r, "dlq").invocations, dlq);
    };
    check(&mut sim, t0, 5, 0, 0, 0);
    check(&mut sim, t0 + ms(100), 5, 5, 5, 0);
    check(&mut sim, t0 + ms(60_100) - 1, 5, 5, 5, 0);
    check(&mut sim, t0 + ms(60_100), 10, 5, 5, 0);
    check(&mut sim, t0 + ms(60_200), 10, 10, 10, 0);
    check(&mut sim, t0 + ms(180_200) - 1, 10, 10, 10, 0);
    check(&mut sim, t0 + ms(180_200), 15, 10, 10, 0);
    check(&mut sim, t0 + ms(180_300), 15, 15, 10, 5);
    let r = sim.report();
    // Each event: 1 + 2 retries = 3 invocations, then a copy in the DLQ, where it waits.
    let l = &r.ledger;
    assert_eq!(l.entered, 5);
    assert_eq!(l.dead_lettered, 5);
    assert_eq!(l.in_flight, 5, "the copies wait in the DLQ");
    assert_eq!(l.dropped(), 0);
    assert_eq!(node(&r, "dlq").queue.as_ref().expect("queue").depth_end, 5);
    assert!(r.ledger_balanced);
}

#[test]
fn queue_redelivers_after_visibility_timeout_then_dead_letters() {
    // 4 messages at t0 = 3,600 s into a queue (visibility 30 s, max 3 receives, DLQ "dlq")
    // whose consumer always fails. Each is received at t0, t0 + 30 s and t0 + 60 s (the
    // redelivery spacing is the visibility timeout, not the failure time); when it becomes
    // visible the third time (t0 + 90 s) the next receive would be the fourth, so it moves to
    // the DLQ instead.
    let q = QueueParams {
        visibility_timeout_ms: 30_000,
        max_receive_count: Some(3),
        ..queue()
    };
    let f = FunctionParams {
        error_probability: 1.0,
        ..func(100.0)
    };
    let mut sim = Build::new(1)
        .client("c", 1.0 / 3_600.0)
        .queue("q", q)
        .queue("dlq", queue())
        .func("f", f)
        .edge_n("c", "q", WRITE, 4)
        .edge("q", "f", esm(1))
        .edge("q", "dlq", ON_FAILURE)
        .sim();
    let t0 = secs(3_600);
    let check = |sim: &mut Simulation, t: Time, received: u64, redelivered: u64, dlq: u64| {
        sim.run_until(t);
        let r = sim.report();
        let (fr, qr) = (node(&r, "f"), node(&r, "q"));
        assert_eq!(
            (
                fr.invocations,
                qr.retries,
                qr.dead_lettered,
                node(&r, "dlq").invocations
            ),
            (received, redelivered, dlq, dlq),
            "at t0 + {} µs",
            t - t0
        );
    };
    check(&mut sim, t0, 4, 0, 0);
    check(&mut sim, t0 + secs(30) - 1, 4, 0, 0);
    check(&mut sim, t0 + secs(30), 8, 4, 0);
    check(&mut sim, t0 + secs(60) - 1, 8, 4, 0);
    check(&mut sim, t0 + secs(60), 12, 8, 0);
    check(&mut sim, t0 + secs(90) - 1, 12, 8, 0);
    check(&mut sim, t0 + secs(90), 12, 12, 4);
    let r = sim.report();
    assert_eq!(node(&r, "f").errors, 12);
    assert_eq!(node(&r, "q").invocations, 4);
    let qs = node(&r, "q").queue.as_ref().expect("queue");
    assert_eq!(qs.depth_end, 0);
    // Age counts from the send, so the third receive found messages 60 s old.
    assert_eq!(qs.oldest_age_ms, 60_000.0);
    assert_eq!(r.ledger.dead_lettered, 4);
    assert_eq!(r.ledger.in_flight, 4, "the copies wait in the DLQ");
    assert!(r.ledger_balanced);
}

#[test]
fn queue_retention_expires_messages_nobody_receives() {
    // One message a second into a queue with a 1-minute retention (the shortest allowed) and
    // no consumer (a DLQ, say): each message expires 60 s after it was sent, whether or not
    // anything polls the queue. Expiry is checked at least once a simulated second, so by
    // 90.5 s the messages of 1 … 29 s (and perhaps 30 s) are gone, those of 31 … 90 s remain.
    let q = QueueParams {
        retention_ms: 60_000,
        ..queue()
    };
    let mut sim = Build::new(1)
        .client("c", 1.0)
        .queue("q", q)
        .edge("c", "q", WRITE)
        .sim();
    sim.run_until(ms(90_500));
    let r = sim.report();
    let qr = node(&r, "q");
    assert_eq!(qr.invocations, 90);
    assert!((29..=30).contains(&qr.dropped), "{} expired", qr.dropped);
    assert_eq!(r.ledger.expired, qr.dropped);
    assert_eq!(qr.queue.as_ref().expect("queue").depth_end, 90 - qr.dropped);
    assert_eq!(r.ledger.in_flight, 90 - qr.dropped);
    assert!(r.ledger_balanced);
}

#[test]
fn async_events_expire_at_max_event_age_even_if_the_function_never_runs() {
    // A function switched off (reserved concurrency 0) gets 3 async events at 10 s. They are
    // throttled and retried with a backoff; when they reach the maximum event age (60 s,
    // at 70 s) they go to the on-failure destination, though the function never ran.
    let f = FunctionParams {
        reserved_concurrency: Some(0),
        retry: eventloom::model::AsyncRetry {
            max_event_age_ms: 60_000,
            ..eventloom::model::AsyncRetry::default()
        },
        ..func(10.0)
    };
    let mut sim = Build::new(1)
        .client("c", 0.1)
        .func("f", f)
        .queue("dlq", queue())
        .edge_n("c", "f", ASYNC, 3)
        .edge("f", "dlq", ON_FAILURE)
        .sim();
    // Arrivals every 10 s; look only at the first batch (10 s), expiring at 70 s.
    sim.run_until(secs(70) - 1);
    assert_eq!(node(&sim.report(), "f").dead_lettered, 0);
    sim.run_until(secs(70));
    let r = sim.report();
    assert_eq!(node(&r, "f").dead_lettered, 3);
    assert_eq!(node(&r, "dlq").invocations, 3);
    assert_eq!(node(&r, "f").invocations, 0);
    assert!(r.ledger_balanced);
}

/// For each message sent (in send order), the end of its successful execution on node `f`,
/// if it completed, and how many failed executions it had.
fn executions(sim: &Simulation) -> Vec<(Option<Time>, usize)> {
    let f = idx(sim, "f");
    sim.traces()
        .traces
        .values()
        .map(|t| {
            let runs: Vec<_> = t
                .spans
                .iter()
                .filter(|s| s.node == f && s.kind == SpanKind::Execution)
                .collect();
            // A span still open has end == start; executions here take 50 ms.
            let ok = runs
                .iter()
                .find(|s| !s.failed && s.end > s.start)
                .map(|s| s.end);
            (ok, runs.iter().filter(|s| s.failed).count())
        })
        .collect()
}

fn ordering_project(fifo: bool) -> Project {
    // One message a second into a queue whose consumer fails 30 % of the time; a failed
    // message becomes visible again after 1 s.
    let q = QueueParams {
        fifo,
        visibility_timeout_ms: 1_000,
        ..queue()
    };
    let f = FunctionParams {
        error_probability: 0.3,
        ..func(50.0)
    };
    Build::new(5)
        .client("c", 1.0)
        .queue("q", q)
        .func("f", f)
        .edge("c", "q", WRITE)
        .edge("q", "f", esm(1))
        .project()
}

#[test]
fn fifo_queue_delivers_in_send_order_even_across_failures() {
    // Every root event is traced; trace ids are given in send order, so the execution spans
    // of the consumer tell in which order messages were processed. In a FIFO queue a failed
    // message goes back to the head and blocks the group until it succeeds: messages complete
    // strictly in send order and the completed ones are a prefix of those sent.
    let mut sim = traced_sim(&ordering_project(true));
    sim.run_until(secs(60));
    let runs = executions(&sim);
    assert_eq!(runs.len(), 60);
    let failures: usize = runs.iter().map(|r| r.1).sum();
    assert!(
        failures >= 5,
        "the seed must exercise redelivery ({failures} failures)"
    );
    let done: Vec<Time> = runs.iter().map_while(|r| r.0).collect();
    assert!(
        runs[done.len()..].iter().all(|r| r.0.is_none()),
        "a later message completed before an earlier one: {runs:?}"
    );
    assert!(done.len() >= 40, "only {} of 60 completed", done.len());
    assert!(
        done.windows(2).all(|w| w[0] < w[1]),
        "completions out of send order: {done:?}"
    );
    let r = sim.report();
    assert_eq!(
        node(&r, "f")
            .instances
            .as_ref()
            .expect("instances")
            .busy_max,
        1,
        "one batch at a time"
    );
    assert_eq!(node(&r, "q").completions, done.len() as u64);

    // Control: the same traffic through a standard queue does get reordered (a failed
    // message returns after the visibility timeout, behind later ones), so the check above
    // is able to see disorder.
    let mut sim = traced_sim(&ordering_project(false));
    sim.run_until(secs(60));
    let ends: Vec<Time> = executions(&sim).iter().filter_map(|r| r.0).collect();
    assert!(
        ends.windows(2).any(|w| w[0] > w[1]),
        "a standard queue with failures kept send order"
    );
}

// ---- topics, buckets ------------------------------------------------------------------------

#[test]
fn topic_delivers_only_to_matching_subscriptions() {
    // "checkout" publishes {type: order} once per order (1/s); client "refunds" publishes
    // {type: refund} directly (2/s). Five subscriptions with different filters.
    let topic = TopicParams {
        delivery_delay: constant(10.0),
    };
    let mut sim = Build::new(1)
        .client("orders", 1.0)
        .client("refunds", 2.0)
        .func("checkout", func(50.0))
        .node("t", NodeKind::Topic(topic))
        .func("order-fn", func(20.0))
        .queue("refund-q", queue())
        .func("all-fn", func(20.0))
        .func("both-fn", func(20.0))
        .func("other-fn", func(20.0))
        .func("region-fn", func(20.0))
        .edge("orders", "checkout", ASYNC)
        .edge_emit("checkout", "t", WRITE, attrs(&[("type", "order")]))
        .edge_emit("refunds", "t", WRITE, attrs(&[("type", "refund")]))
        .edge("t", "order-fn", subscription(&[("type", &["order"])]))
        .edge("t", "refund-q", subscription(&[("type", &["refund"])]))
        .edge("t", "all-fn", subscription(&[]))
        .edge(
            "t",
            "both-fn",
            subscription(&[("type", &["order", "refund"])]),
        )
        .edge("t", "other-fn", subscription(&[("type", &["other"])]))
        .edge("t", "region-fn", subscription(&[("region", &["eu"])]))
        .sim();
    sim.run_until(ms(10_400)); // 10 orders (1 … 10 s), 20 refunds (0.5 … 10 s)
    let r = sim.report();
    assert_eq!(node(&r, "t").invocations, 30);
    assert_eq!(node(&r, "order-fn").invocations, 10);
    assert_eq!(node(&r, "order-fn").completions, 10);
    assert_eq!(node(&r, "refund-q").invocations, 20);
    assert_eq!(node(&r, "all-fn").invocations, 30);
    assert_eq!(node(&r, "both-fn").invocations, 30);
    assert_eq!(node(&r, "other-fn").invocations, 0);
    assert_eq!(
        node(&r, "region-fn").invocations,
        0,
        "missing attribute never matches"
    );
    assert!(r.ledger_balanced);
    assert_eq!(r.ledger.dropped(), 0);
}

#[test]
fn topic_retries_a_function_that_is_down_by_snss_fixed_policy() {
    // One message published at 100 s, delivered 10 ms later to a function that is down
    // (outage). SNS retries deliveries to Lambda by its own policy, whatever the
    // subscription says: 3 retries at once, 2 one second apart, then 10 backing off from
    // 1 s to 20 s, then every 20 s (100,015 in all, over 23 days). A 30 s outage loses
    // nothing: the message arrives with the first retry after the outage.
    let build = || {
        let sub = EdgeKind::Subscription(eventloom::model::Subscription {
            filter: Default::default(),
            retry: eventloom::model::RetryPolicy {
                max_retries: 0,
                initial_delay_ms: 1_000,
                backoff_factor: 2.0,
            },
        });
        let mut sim = Build::new(1)
            .client("c", 0.01)
            .node(
                "t",
                NodeKind::Topic(TopicParams {
                    delivery_delay: constant(10.0),
                }),
            )
            .func("f", func(10.0))
            .edge("c", "t", WRITE)
            .edge("t", "f", sub)
            .sim();
        let id = sim.inject_fault(on_node(FaultKind::Outage));
        (sim, id)
    };
    let (mut sim, id) = build();
    // Retries scheduled by then (delays: 0, 0, 0, 1 s, 1 s, then 1 s, 1.395 s, 1.946 s …).
    for (t_ms, retries) in [
        (100_010, 4),
        (101_010 - 1, 4),
        (101_010, 5),
        (102_010, 6),
        (103_010, 7),
        (104_405, 8),
        (106_351, 9),
    ] {
        sim.run_until(ms(t_ms));
        let r = sim.report();
        assert_eq!(node(&r, "t").retries, retries, "at {t_ms} ms");
        assert_eq!(node(&r, "t").dropped, 0, "at {t_ms} ms");
    }
    sim.run_until(secs(130));
    sim.clear_fault(id);
    sim.run_until(secs(200));
    let r = sim.report();
    assert_eq!(node(&r, "t").dropped, 0);
    assert_eq!(node(&r, "f").invocations, 1, "delivered after the outage");
    assert_eq!(r.ledger.failed, 0);

    // (That SNS gives up after its 100,015th retry, about 23 days on, is checked on the
    // policy itself in `model::edge`'s tests; the engine gives up when it says so, as
    // `topic_retries_an_http_subscriber_by_its_policy` shows for an HTTP/S policy.)
}

#[test]
fn topic_retries_an_http_subscriber_by_its_policy() {
    // An HTTP/S subscriber (an API) has its own delivery policy — SNS's default: 3 retries,
    // 20 s apart. The API is down: the delivery at 100.01 s and its retries at 120.01,
    // 140.01 and 160.01 s all fail, and SNS gives up.
    let mut sim = Build::new(1)
        .client("c", 0.01)
        .node(
            "t",
            NodeKind::Topic(TopicParams {
                delivery_delay: constant(10.0),
            }),
        )
        .node("api", NodeKind::HttpApi(HttpApiParams::default()))
        .func("f", func(10.0))
        .edge("c", "t", WRITE)
        .edge("t", "api", subscription(&[]))
        .edge("api", "f", SYNC)
        .sim();
    let fault = Fault {
        target: FaultTarget::Node("api".into()),
        kind: FaultKind::Outage,
    };
    sim.inject_fault(fault);
    for (t_ms, retries, dropped) in [
        (100_010, 1, 0),
        (120_010 - 1, 1, 0),
        (120_010, 2, 0),
        (140_010, 3, 0),
        (160_010 - 1, 3, 0),
        (160_010, 3, 1),
    ] {
        sim.run_until(ms(t_ms));
        let r = sim.report();
        assert_eq!(
            (node(&r, "t").retries, node(&r, "t").dropped),
            (retries, dropped),
            "at {t_ms} ms"
        );
    }
    let r = sim.report();
    assert_eq!(node(&r, "api").invocations, 4);
    assert_eq!(r.ledger.failed, 1);
}

#[test]
fn bucket_write_triggers_function_after_notification_delay() {
    // Each request (1/s) runs "writer" for 100 ms, which then puts 2 objects; the bucket
    // notifies "thumb" 200 ms after each put. The first request arrives at 1 s, writes at
    // 1.1 s, and "thumb" starts twice at 1.3 s.
    let bucket = BucketParams {
        notification_delay: constant(200.0),
        duplicate_probability: 0.0,
    };
    let build = |bucket: BucketParams| {
        Build::new(1)
            .client("c", 1.0)
            .func("writer", func(100.0))
            .node("b", NodeKind::Bucket(bucket))
            .func("thumb", func(50.0))
            .edge("c", "writer", SYNC)
            .edge_n("writer", "b", WRITE, 2)
            .edge("b", "thumb", ASYNC)
            .sim()
    };
    let mut sim = build(bucket.clone());
    sim.run_until(ms(1_300) - 1);
    let r = sim.report();
    assert_eq!(node(&r, "b").invocations, 2);
    assert_eq!(node(&r, "thumb").invocations, 0);
    sim.run_until(ms(1_300));
    assert_eq!(node(&sim.report(), "thumb").invocations, 2);
    sim.run_until(ms(10_500));
    let r = sim.report();
    assert_eq!(node(&r, "writer").completions, 10);
    assert_eq!(node(&r, "b").invocations, 20);
    assert_eq!(node(&r, "thumb").invocations, 20);
    assert_eq!(node(&r, "thumb").completions, 20);
    // 10 requests + 20 objects + 20 notifications, all completed.
    assert_eq!((r.ledger.created, r.ledger.completed), (50, 50));

    // At-least-once delivery: with duplicate probability 1 each write notifies twice.
    let mut sim = build(BucketParams {
        duplicate_probability: 1.0,
        ..bucket
    });
    sim.run_until(ms(10_500));
    let r = sim.report();
    assert_eq!(node(&r, "b").invocations, 20);
    assert_eq!(node(&r, "thumb").invocations, 40);
    assert!(r.ledger_balanced);
}

#[test]
fn table_stream_batches_records() {
    // 5 items written at once (at 100 s); each appears on the stream 100 ms later. Without a
    // batching window the poller takes the first record as soon as it arrives, and a stream
    // shard runs one batch at a time, so the other 4 go together when it finishes: 2
    // invocations. With a 500 ms window the poller waits and takes all 5 in one batch.
    let table = eventloom::model::TableParams {
        stream_delay: constant(100.0),
        ..eventloom::model::TableParams::default()
    };
    let run = |window_ms| {
        let mut sim = Build::new(1)
            .client("c", 0.01)
            .node("t", NodeKind::Table(table.clone()))
            .func("f", func(20.0))
            .edge_n("c", "t", WRITE, 5)
            .edge(
                "t",
                "f",
                EdgeKind::EventSource(eventloom::model::EventSourceMapping {
                    batch_size: 10,
                    batch_window_ms: window_ms,
                    ..eventloom::model::EventSourceMapping::default()
                }),
            )
            .sim();
        sim.run_until(ms(100_099));
        assert_eq!(
            node(&sim.report(), "f").invocations,
            0,
            "not before the delay"
        );
        sim.run_until(secs(101));
        let r = sim.report();
        assert_eq!(node(&r, "t").invocations, 5);
        assert_eq!(r.ledger.completed, 10, "5 writes and 5 stream records");
        assert_eq!(r.ledger.in_flight, 0);
        node(&r, "f").invocations
    };
    assert_eq!(run(0), 2);
    assert_eq!(run(500), 1);
}

#[test]
fn schedules_fire_at_a_fixed_rate_and_on_cron() {
    // Over 30 minutes: every 60 s fires 30 times (first at 60 s); "*/5 * * * *" fires at
    // minutes 5, 10, … 30: 6 times.
    let rate = eventloom::model::ScheduleParams {
        trigger: eventloom::model::ScheduleTrigger::Rate { every_ms: 60_000 },
    };
    let cron = eventloom::model::ScheduleParams {
        trigger: eventloom::model::ScheduleTrigger::Cron {
            expression: "*/5 * * * *".to_owned(),
        },
    };
    let mut sim = Build::new(1)
        .node("every-minute", NodeKind::Schedule(rate))
        .node("every-5", NodeKind::Schedule(cron))
        .func("f", func(10.0))
        .func("g", func(10.0))
        .edge("every-minute", "f", ASYNC)
        .edge("every-5", "g", ASYNC)
        .sim();
    sim.run_until(secs(60) - 1);
    assert_eq!(node(&sim.report(), "f").invocations, 0);
    sim.run_until(secs(300) - 1);
    assert_eq!(node(&sim.report(), "g").invocations, 0);
    sim.run_until(secs(1_800) + ms(500));
    let r = sim.report();
    assert_eq!(node(&r, "f").invocations, 30);
    assert_eq!(node(&r, "g").invocations, 6);
    assert_eq!(r.ledger.entered, 36);
}

// ---- API gateway ----------------------------------------------------------------------------

#[test]
fn api_integration_timeout_answers_504_after_the_limit() {
    // The API waits 1 s (plus its 5 ms overhead) for a function that needs 2 s: every
    // request gets a 504 after 1,005 ms; the function still runs to completion.
    let api = HttpApiParams {
        integration_timeout_ms: 1_000,
        ..HttpApiParams::default()
    };
    let mut sim = Build::new(1)
        .client("c", 0.25)
        .node("api", NodeKind::HttpApi(api))
        .func("f", func(2_000.0))
        .edge("c", "api", SYNC)
        .edge("api", "f", SYNC)
        .sim();
    sim.run_until(ms(42_500)); // arrivals at 4, 8, … 40 s
    let r = sim.report();
    let a = node(&r, "api");
    assert_eq!(
        (a.invocations, a.timeouts, a.errors, a.completions),
        (10, 10, 10, 0)
    );
    assert_eq!(node(&r, "f").completions, 10);
    assert_eq!(node(&r, "c").errors, 10);
    assert_eq!(latencies_between(&sim, "c", 1_004.9, 1_005.1), 10);
    assert_eq!(r.ledger.expired, 10);
    assert!(r.ledger_balanced);
}

#[test]
fn api_rate_limit_rejects_above_the_token_bucket() {
    // Burst 3, 2 requests/s, 10 requests/s offered for 10 s: the bucket admits its 3 tokens
    // plus the 20 refilled in 10 s (the last may fall a hair short in floating point).
    let api = HttpApiParams {
        rate_limit_rps: 2.0,
        burst: 3,
        ..HttpApiParams::default()
    };
    let mut sim = Build::new(1)
        .client("c", 10.0)
        .node("api", NodeKind::HttpApi(api))
        .func("f", func(10.0))
        .edge("c", "api", SYNC)
        .edge("api", "f", SYNC)
        .sim();
    sim.run_until(ms(10_050)); // arrivals at 0.1 … 10 s
    let r = sim.report();
    let a = node(&r, "api");
    assert_eq!(a.invocations, 100);
    assert!(
        (22..=23).contains(&a.completions),
        "{} admitted",
        a.completions
    );
    assert_eq!(a.throttles, 100 - a.completions);
    assert_eq!(node(&r, "f").invocations, a.completions);
    assert_eq!(node(&r, "c").throttles, a.throttles);
    assert_eq!(r.ledger.rejected, a.throttles);
}

// ---- deploys ----------------------------------------------------------------------------------

#[test]
fn canary_deploy_drops_nothing_and_splits_metrics_by_version() {
    // 20 requests/s, 100 ms each. At 10 s a canary sends 20 % of new requests to v2 for 5 s,
    // then all of them. In-flight requests finish on v1; nothing is dropped.
    let v1 = FunctionParams {
        cold_start: constant(200.0),
        ..func(100.0)
    };
    let v2 = FunctionParams {
        cold_start: constant(200.0),
        ..func(40.0)
    };
    let mut sim = client_fn(1, 20.0, v1).sim();
    sim.run_until(ms(10_010));
    let n = sim
        .deploy(
            &"f".into(),
            &v2,
            &DeployStrategy::Canary {
                percent: 20.0,
                after_ms: 5_000,
                rollback_on_alarm: None,
            },
        )
        .expect("deploy");
    assert_eq!(n, 2);
    sim.run_until(ms(15_010));
    let mid = sim.report();
    let v = &node(&mid, "f").versions;
    assert_eq!(v.iter().map(|v| v.version).collect::<Vec<_>>(), [1, 2]);
    // 100 requests during the canary; about 20 % went to v2.
    assert!((8..=35).contains(&v[1].invocations), "{v:?}");
    sim.run_until(ms(25_045)); // the request of 25.0 s has finished
    let r = sim.report();
    let fr = node(&r, "f");
    let v = &fr.versions;
    assert_eq!(v[0].invocations, node(&mid, "f").versions[0].invocations);
    assert_eq!(v[0].invocations + v[1].invocations, fr.invocations);
    assert_eq!(fr.invocations, 500);
    assert_eq!(v[0].errors + v[1].errors, 0);
    assert_eq!(r.ledger.dropped(), 0);
    assert_eq!(fr.throttles, 0);
    assert!(r.ledger_balanced);
    // Each request took its version's time (plus 200 ms when it started an environment).
    let took = |a, b| latencies_between(&sim, "c", a, b);
    assert_eq!(took(39.9, 40.1) + took(239.9, 240.1), v[1].invocations);
    assert_eq!(took(99.9, 100.1) + took(299.9, 300.1), v[0].invocations);
    assert!(
        took(39.9, 40.1) > 200,
        "v2 serves everything after the canary"
    );
}

#[test]
fn all_at_once_deploy_lets_in_flight_requests_finish_and_rollback_restores() {
    // 10 requests/s, 500 ms each (five in flight). At 10.05 s v2 (which always fails) takes
    // all new traffic at once; the five running on v1 finish normally. At 12.05 s we roll
    // back: v2 got exactly the 20 requests of 10.1 … 12.0 s.
    let v1 = func(500.0);
    let v2 = FunctionParams {
        error_probability: 1.0,
        ..func(500.0)
    };
    let mut sim = client_fn(1, 10.0, v1).sim();
    sim.run_until(ms(10_050));
    assert_eq!(busy_now(&sim, "f"), 5);
    sim.deploy(&"f".into(), &v2, &DeployStrategy::AllAtOnce)
        .expect("deploy");
    sim.run_until(ms(12_050));
    assert_eq!(sim.rollback(&"f".into()), Ok(1));
    sim.run_until(ms(20_050));
    let r = sim.report();
    let fr = node(&r, "f");
    let v = &fr.versions;
    assert_eq!((v[1].invocations, v[1].errors), (20, 20));
    assert_eq!((v[0].invocations, v[0].errors), (180, 0));
    assert_eq!(fr.errors, 20);
    assert_eq!(r.ledger.failed, 20, "only v2's own failures");
    assert_eq!(r.ledger.throttled + r.ledger.expired + r.ledger.fault, 0);
}

#[test]
fn rollback_returns_to_the_version_that_served_before_not_the_previous_number() {
    // v2 is rolled back; v3 is deployed over v1; rolling v3 back must give v1 again, not
    // the abandoned v2 (which always fails). Then there is nothing left to roll back to.
    let v2 = FunctionParams {
        error_probability: 1.0,
        ..func(50.0)
    };
    let mut sim = client_fn(1, 10.0, func(50.0)).sim();
    let f: eventloom::model::NodeId = "f".into();
    sim.run_until(ms(1_000));
    assert_eq!(sim.deploy(&f, &v2, &DeployStrategy::AllAtOnce), Ok(2));
    sim.run_until(ms(2_000));
    assert_eq!(sim.rollback(&f), Ok(1));
    assert_eq!(
        sim.deploy(&f, &func(60.0), &DeployStrategy::AllAtOnce),
        Ok(3)
    );
    sim.run_until(ms(3_000));
    assert_eq!(
        sim.rollback(&f),
        Ok(1),
        "back to v1, which served before v3"
    );
    sim.run_until(ms(4_000));
    let r = sim.report();
    let v = &node(&r, "f").versions;
    assert_eq!(v[1].invocations, 10, "v2 served only 1.0 … 2.0 s");
    assert_eq!(v[2].invocations, 10, "v3 served only 2.0 … 3.0 s");
    assert_eq!(v[0].invocations, 20);
    assert!(sim.rollback(&f).is_err(), "nothing served before v1");
    // A canary that completes counts as serving: rolling back after it returns to v1.
    let mut sim = client_fn(1, 10.0, func(50.0)).sim();
    sim.deploy(
        &f,
        &func(70.0),
        &DeployStrategy::Canary {
            percent: 10.0,
            after_ms: 500,
            rollback_on_alarm: None,
        },
    )
    .expect("deploy");
    sim.run_until(ms(1_000));
    assert_eq!(sim.rollback(&f), Ok(1));
    assert!(sim.rollback(&f).is_err());
}

#[test]
fn linear_deploy_shifts_in_equal_steps_until_complete() {
    // Linear 10 % every second from 10.01 s: 10 %, 20 %, … 100 % at 19.01 s (nine steps
    // after the deploy). From then on v1 gets nothing.
    let mut sim = client_fn(1, 10.0, func(20.0)).sim();
    sim.run_until(ms(10_010));
    sim.deploy(
        &"f".into(),
        &func(30.0),
        &DeployStrategy::Linear {
            percent: 10.0,
            every_ms: 1_000,
            rollback_on_alarm: None,
        },
    )
    .expect("deploy");
    sim.run_until(ms(19_010));
    let v1_at_switch = node(&sim.report(), "f").versions[0].invocations;
    let switched: Vec<_> = sim
        .log_lines()
        .lines()
        .filter(|l| l.message.contains("now serves all traffic"))
        .map(|l| l.t)
        .collect();
    assert_eq!(
        switched,
        [ms(19_010)],
        "the shift completes after nine steps"
    );
    sim.run_until(ms(30_010));
    let r = sim.report();
    let v = &node(&r, "f").versions;
    assert_eq!(
        v[0].invocations, v1_at_switch,
        "v1 got requests after 100 %"
    );
    assert_eq!(v[0].invocations + v[1].invocations, 300);
    // Expected v2 share over the nine steps: (10 + 20 + … + 90) % of 10 requests each.
    assert!((30..=70).contains(&(v[1].invocations - 110)), "{v:?}");
}

// ---- faults -----------------------------------------------------------------------------------

/// Reports before a fault (at 10.07 s), at its end (20.07 s, when it is cleared) and after
/// (30.07 s). With arrivals every 100 ms at whole tenths of a second, each window holds
/// exactly 100 arrivals and, with 50 ms of work, none is running at a window's edge.
struct Windows {
    sim: Simulation,
    before: Report,
    during: Report,
    after: Report,
}

impl Windows {
    fn run(p: &Project, fault: Fault) -> Windows {
        let mut sim = sim(p);
        sim.run_until(ms(10_070));
        let before = sim.report();
        let id = sim.inject_fault(fault);
        assert_eq!(sim.active_faults().len(), 1);
        sim.run_until(ms(20_070));
        let during = sim.report();
        assert!(sim.clear_fault(id));
        assert!(sim.active_faults().is_empty());
        assert!(!sim.clear_fault(id), "a fault clears once");
        sim.run_until(ms(30_070));
        let after = sim.report();
        assert!(after.ledger_balanced);
        Windows {
            sim,
            before,
            during,
            after,
        }
    }

    fn counts(&self, id: &str) -> [Counts; 3] {
        [
            Counts::of(&self.before, id),
            Counts::between(&self.before, &self.during, id),
            Counts::between(&self.during, &self.after, id),
        ]
    }
}

/// `c → f` at 10/s; 50 ms of work after a 30 ms cold start: one environment serves all.
fn fault_project() -> Project {
    let f = FunctionParams {
        cold_start: constant(30.0),
        ..func(50.0)
    };
    client_fn(1, 10.0, f).project()
}

fn on_node(kind: FaultKind) -> Fault {
    Fault {
        target: FaultTarget::Node("f".into()),
        kind,
    }
}

fn on_edge(kind: FaultKind) -> Fault {
    Fault {
        target: FaultTarget::Edge("c-f".into()),
        kind,
    }
}

/// 100 requests, all completed.
fn served(cold_starts: u64) -> Counts {
    Counts {
        invocations: 100,
        completions: 100,
        cold_starts,
        ..Counts::default()
    }
}

#[test]
fn fault_error_rate() {
    let w = Windows::run(
        &fault_project(),
        on_node(FaultKind::ErrorRate { percent: 100.0 }),
    );
    let failed = Counts {
        invocations: 100,
        errors: 100,
        ..Counts::default()
    };
    assert_eq!(w.counts("f"), [served(1), failed, served(0)]);
    assert_eq!(w.counts("c")[1].errors, 100);
    assert_eq!(w.during.ledger.failed - w.before.ledger.failed, 100);
    assert_eq!(w.after.ledger.failed, 100);
}

#[test]
fn fault_added_latency() {
    // +500 ms ± 20 ms on every execution that starts while the fault is on (the 100 of
    // 10.1 … 20.0 s); they overlap, so more environments start. Before and after: 50 ms.
    let w = Windows::run(
        &fault_project(),
        on_node(FaultKind::Latency {
            added_ms: 500.0,
            jitter_ms: 20.0,
        }),
    );
    assert_eq!(latencies_between(&w.sim, "f", 529.9, 570.1), 100);
    assert!(
        latencies_between(&w.sim, "f", 549.9, 550.1) < 100,
        "jitter varies"
    );
    assert_eq!(latencies_between(&w.sim, "f", 49.9, 50.1), 200);
    assert_eq!(w.sim.stats(idx(&w.sim, "f")).latency.len(), 300);
    let [before, _, after] = w.counts("f");
    assert_eq!(before, served(1));
    assert_eq!(
        after.cold_starts, 0,
        "the extra environments are warm afterwards"
    );
    assert_eq!(after.errors, 0);
    assert!(node(&w.during, "f").instances.as_ref().expect("i").busy_max >= 5);
}

#[test]
fn fault_outage() {
    // Down: every request fails at once (no execution, no cold start); afterwards the warm
    // environment is still there.
    let w = Windows::run(&fault_project(), on_node(FaultKind::Outage));
    let failed = Counts {
        invocations: 100,
        errors: 100,
        ..Counts::default()
    };
    assert_eq!(w.counts("f"), [served(1), failed, served(0)]);
    assert_eq!(w.counts("c")[1].errors, 100);
    assert_eq!(w.during.ledger.failed - w.before.ledger.failed, 100);
}

#[test]
fn fault_throttle() {
    // 250 ms per request at 10/s needs 3 environments; the fault caps concurrency at 1.
    // At 10.07 s requests of 9.9 and 10.0 s still run (until 10.15, 10.25): 10.1 and 10.2 are
    // refused, 10.3 runs until 10.55, 10.4 and 10.5 are refused, 10.6 runs, … — 10.3 + 0.3k s
    // for k = 0 … 32 run (33), the other 67 get 429.
    let f = FunctionParams {
        cold_start: constant(30.0),
        ..func(250.0)
    };
    let p = client_fn(1, 10.0, f).project();
    let w = Windows::run(&p, on_node(FaultKind::Throttle { max_concurrency: 1 }));
    let [before, during, after] = w.counts("f");
    assert_eq!(
        before,
        Counts {
            invocations: 100,
            completions: 98, // 9.9 and 10.0 s still running
            cold_starts: 3,
            ..Counts::default()
        }
    );
    assert_eq!(
        during,
        Counts {
            invocations: 33,
            completions: 34, // the 2 carried in + 32 (19.9 s still running)
            throttles: 67,
            ..Counts::default()
        }
    );
    assert_eq!(
        after,
        Counts {
            invocations: 100,
            completions: 99, // 19.9 s + 20.1 … 29.8 s
            ..Counts::default()
        }
    );
    assert_eq!(w.counts("c")[1].throttles, 67);
    assert_eq!(w.during.ledger.throttled, 67);
    assert_eq!(w.after.ledger.throttled, 67);
}

#[test]
fn fault_throttle_on_an_api_lowers_its_rate_limit() {
    // On an API the throttle fault lowers the rate limit (and burst) to `max_concurrency`
    // requests a second: of the 100 requests of the window about 2/s get through (the bucket
    // holds at most 2 tokens when the fault starts, then refills at 2/s: 21 or 22 in 10 s);
    // before and after, the default limit (10,000/s) refuses nothing.
    let mut sim = Build::new(1)
        .client("c", 10.0)
        .node("api", NodeKind::HttpApi(HttpApiParams::default()))
        .func("f", func(10.0))
        .edge("c", "api", SYNC)
        .edge("api", "f", SYNC)
        .sim();
    sim.run_until(ms(10_070));
    let before = sim.report();
    let id = sim.inject_fault(Fault {
        target: FaultTarget::Node("api".into()),
        kind: FaultKind::Throttle { max_concurrency: 2 },
    });
    sim.run_until(ms(20_070));
    let during = sim.report();
    sim.clear_fault(id);
    sim.run_until(ms(30_070));
    let after = sim.report();
    let [b, d, a] = [
        Counts::of(&before, "api"),
        Counts::between(&before, &during, "api"),
        Counts::between(&during, &after, "api"),
    ];
    assert_eq!((b.invocations, b.completions, b.throttles), (100, 100, 0));
    assert_eq!(d.invocations, 100);
    assert!((21..=22).contains(&d.completions), "{d:?}");
    assert_eq!(d.throttles, 100 - d.completions);
    assert_eq!((a.invocations, a.completions, a.throttles), (100, 100, 0));
    assert_eq!(after.ledger.rejected, d.throttles);
}

#[test]
fn fault_kill_warm() {
    // The one warm environment is killed at 10.07 s: the next request (10.1 s) starts cold
    // (30 ms), the rest reuse its new environment. Killing is a one-off.
    let w = Windows::run(&fault_project(), on_node(FaultKind::KillWarm));
    assert_eq!(w.counts("f"), [served(1), served(1), served(0)]);
    assert_eq!(
        latencies_between(&w.sim, "c", 79.9, 80.1),
        2,
        "two cold requests"
    );
    assert_eq!(latencies_between(&w.sim, "c", 49.9, 50.1), 298);
}

#[test]
fn fault_edge_delay() {
    // Requests every 500 ms; the edge delays delivery by 300 ms, so the client waits 350 ms
    // instead of 50 ms while the fault is on; the function's own duration is unchanged.
    let f = FunctionParams {
        cold_start: constant(30.0),
        ..func(50.0)
    };
    let p = client_fn(1, 2.0, f).project();
    let w = Windows::run(&p, on_edge(FaultKind::EdgeDelay { ms: 300.0 }));
    assert_eq!(latencies_between(&w.sim, "c", 349.9, 350.1), 20); // 10.5 … 20.0 s
    assert_eq!(latencies_between(&w.sim, "c", 79.9, 80.1), 1); // the first, cold
    assert_eq!(latencies_between(&w.sim, "c", 49.9, 50.1), 39);
    assert_eq!(latencies_between(&w.sim, "f", 49.9, 50.1), 60);
    assert_eq!(node(&w.after, "f").cold_starts, 1);
    assert_eq!(w.after.ledger.completed, 60);
}

#[test]
fn fault_edge_drop() {
    // Every request on the edge is lost: the function sees nothing, the client gets no
    // answer, and the ledger records each loss as a fault.
    let w = Windows::run(
        &fault_project(),
        on_edge(FaultKind::EdgeDrop { percent: 100.0 }),
    );
    assert_eq!(
        w.counts("f"),
        [served(1), Counts::default(), served(0)],
        "nothing reaches the function"
    );
    let [_, c, _] = w.counts("c");
    assert_eq!((c.invocations, c.completions, c.dropped), (100, 0, 100));
    assert_eq!(w.after.ledger.fault, 100);
    assert_eq!(w.after.ledger.completed, 200);
}

#[test]
fn fault_edge_duplicate() {
    // Every request is delivered twice: 200 invocations in the window (the copy arrives
    // while the original runs, so one more environment starts once); the client still sees
    // 100 answers.
    let w = Windows::run(
        &fault_project(),
        on_edge(FaultKind::EdgeDuplicate { percent: 100.0 }),
    );
    let doubled = Counts {
        invocations: 200,
        completions: 200,
        cold_starts: 1,
        ..Counts::default()
    };
    assert_eq!(w.counts("f"), [served(1), doubled, served(0)]);
    assert_eq!(w.counts("c")[1].completions, 100);
    let (b, d) = (&w.before.ledger, &w.during.ledger);
    assert_eq!(
        (d.created - b.created, d.completed - b.completed),
        (200, 200)
    );
}

#[test]
fn experiments_start_stop_on_schedule_and_abort_on_stop_condition() {
    // Experiment "burst of errors": 100 % errors on f from 10 s for 5 s (requests of
    // 10.0 … 14.9 s fail: 50). Experiment "aborted": 100 % errors from 20 s, no end, stopped
    // when f's error rate over a second exceeds 50 %: checked at the 21 s tick, after the
    // 10 requests of 20.0 … 20.9 s failed.
    let errors = |at_ms, duration_ms| ScheduledFault {
        at_ms,
        duration_ms,
        fault: on_node(FaultKind::ErrorRate { percent: 100.0 }),
    };
    let mut p = fault_project();
    p.experiments = vec![
        Experiment {
            name: "burst of errors".to_owned(),
            faults: vec![errors(10_000, Some(5_000))],
            stop_when: None,
        },
        Experiment {
            name: "aborted".to_owned(),
            faults: vec![errors(20_000, None)],
            stop_when: Some(StopCondition {
                node: "f".into(),
                metric: Metric::ErrorRatePercent,
                above: 50.0,
            }),
        },
    ];
    let mut sim = sim(&p);
    let mut at = |t: Time, active: usize, errors: u64| {
        sim.run_until(t);
        assert_eq!(sim.active_faults().len(), active, "active faults at {t} µs");
        assert_eq!(node(&sim.report(), "f").errors, errors, "errors at {t} µs");
    };
    at(secs(10) - 1, 0, 0);
    at(secs(10), 1, 0);
    at(ms(14_940), 1, 49); // 14.9 s still running
    at(ms(14_999), 1, 50);
    at(secs(15), 0, 50);
    at(secs(20) - 1, 0, 50);
    at(secs(20), 1, 50);
    at(ms(20_500), 1, 55);
    at(secs(21), 0, 60);
    at(secs(30), 0, 60);
    let r = sim.report();
    assert_eq!(r.experiments_aborted.len(), 1);
    assert_eq!(r.experiments_aborted[0].name, "aborted");
    assert_eq!(r.experiments_aborted[0].at_s, 21.0);
    assert!(r.ledger_balanced);
}

#[test]
fn arrival_helper_matches_engine() {
    // Guards the arithmetic every test above relies on: a constant client's n-th request is
    // at n / rate.
    let mut sim = Build::new(1)
        .node("c", client(Arrival::Constant { rate_per_s: 4.0 }))
        .func("f", func(1.0))
        .edge("c", "f", SYNC)
        .sim();
    sim.run_until(ms(250) - 1);
    assert_eq!(sim.report().ledger.entered, 0);
    sim.run_until(ms(250));
    assert_eq!(sim.report().ledger.entered, 1);
    sim.run_until(secs(10));
    assert_eq!(sim.report().ledger.entered, 40);
}

// ---- against queueing theory -----------------------------------------------------------------

/// Poisson arrivals at `rate_per_s` to a function with exponential durations of mean
/// `mean_ms`, no cold-start delay, at most `reserved` environments.
fn mm_project(seed: u64, rate_per_s: f64, mean_ms: f64, reserved: Option<u32>) -> Project {
    let f = FunctionParams {
        duration: eventloom::model::Distribution::Exponential { mean_ms },
        cold_start: constant(0.0),
        reserved_concurrency: reserved,
        timeout_ms: 60_000,
        ..FunctionParams::default()
    };
    Build::new(seed)
        .node("c", client(Arrival::Poisson { rate_per_s }))
        .func("f", f)
        .edge("c", "f", SYNC)
        .project()
}

#[test]
fn littles_law_mean_busy_equals_rate_times_duration() {
    // M/M/∞ (the concurrency limit is never reached): by Little's law the time-averaged
    // number of busy environments is λ·E[d] = 200/s × 50 ms = 10. Over 30 simulated minutes
    // the estimate's standard error is about 0.25 %, so 1 % is a safe bound.
    let mut p = mm_project(11, 200.0, 50.0, None);
    if let Some(NodeKind::Function(f)) = p.graph.nodes.get_mut(&"f".into()).map(|n| &mut n.kind) {
        f.keep_alive_ms = 3_600_000; // longer than the run: no environment is reclaimed
    }
    let mut sim = sim(&p);
    sim.run_until(secs(1_800));
    let r = sim.report();
    let fr = node(&r, "f");
    let busy = fr.instances.as_ref().expect("instances").busy_mean;
    assert_close(busy, 10.0, 0.01, "mean busy environments");
    assert_close(fr.invocations as f64, 200.0 * 1_800.0, 0.01, "arrivals");
    assert_close(fr.latency.mean_ms, 50.0, 0.01, "mean duration");
    assert_eq!(fr.throttles, 0);
    // With a keep-alive longer than the run no environment is ever reclaimed, so each cold
    // start made one more environment: cold starts = peak concurrency, a vanishing share of requests.
    let inst = fr.instances.as_ref().expect("instances");
    assert_eq!(fr.cold_starts, inst.busy_max);
    assert!(fr.cold_start_percent < 0.01, "{}", fr.cold_start_percent);
}

/// Erlang's B formula: the share of arrivals refused by `c` servers at offered load `a`.
fn erlang_b(c: u32, a: f64) -> f64 {
    (1..=c).fold(1.0, |b, k| a * b / (f64::from(k) + a * b))
}

#[test]
fn erlang_b_blocking_with_reserved_concurrency() {
    // M/M/c/c: synchronous requests that find all c = 10 environments busy are refused
    // (429), which is Erlang's loss system. Offered load a = λ·E[d] = 10: B(10, 10) ≈ 21.5 %,
    // and the mean busy environments are a·(1 − B).
    let (c, a) = (10, 10.0);
    let b = erlang_b(c, a);
    assert_close(b, 0.2146, 0.001, "Erlang B(10, 10)");
    let mut sim = sim(&mm_project(12, 200.0, 50.0, Some(c)));
    sim.run_until(secs(1_200));
    let r = sim.report();
    let fr = node(&r, "f");
    let offered = fr.invocations + fr.throttles;
    assert_close(
        fr.throttles as f64 / offered as f64,
        b,
        0.03,
        "blocking share",
    );
    let busy = fr.instances.as_ref().expect("instances").busy_mean;
    assert_close(busy, a * (1.0 - b), 0.01, "mean busy environments");
    assert_eq!(
        fr.instances.as_ref().expect("instances").busy_max,
        u64::from(c)
    );
}

#[test]
fn cold_start_ratio_near_zero_with_long_keep_alive_and_one_with_none() {
    let run = |keep_alive_ms| {
        let mut p = mm_project(13, 50.0, 50.0, None);
        if let Some(NodeKind::Function(f)) = p.graph.nodes.get_mut(&"f".into()).map(|n| &mut n.kind)
        {
            f.keep_alive_ms = keep_alive_ms;
        }
        let mut sim = sim(&p);
        sim.run_until(secs(120));
        node(&sim.report(), "f").clone()
    };
    let long = run(600_000);
    assert!(long.invocations > 5_000);
    assert!(long.cold_start_percent < 0.5, "{}", long.cold_start_percent);
    assert_eq!(
        long.cold_starts,
        long.instances.as_ref().expect("instances").busy_max
    );
    let none = run(0);
    assert_eq!(
        none.cold_starts, none.invocations,
        "every request starts cold"
    );
    assert_eq!(none.cold_start_percent, 100.0);
    assert_eq!(none.instances.as_ref().expect("instances").idle_max, 0);
}
