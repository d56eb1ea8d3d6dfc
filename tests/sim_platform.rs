//! Platform semantics (issue 20, docs/semantics.md): for each behaviour AWS documents and the
//! engine now follows — SQS pollers that scale and ignore reserved concurrency, FIFO message
//! groups, stream shards with their retry settings, throttled async events, provisioned
//! concurrency in the account pool, the shared API throttle, S3's delivery delay, honest
//! cost — the smallest project that shows it, a fixed seed, and expectations worked out by
//! hand (each test says how). Arrival `n` of a `Constant { rate_per_s: r }` client happens
//! at `n / r` seconds; events due at the same instant run in the order they were scheduled.

mod sim_common;

use eventloom::model::{
    Arch, Arrival, BucketParams, EdgeKind, EventSourceMapping, Fault, FaultKind, FaultTarget,
    FunctionParams, HttpApiParams, NodeKind, Project, QueueParams, TableParams,
};
use eventloom::sim::{SEC, Service, Simulation, Time};
use sim_common::*;

const SYNC: EdgeKind = EdgeKind::SyncInvoke;
const ASYNC: EdgeKind = EdgeKind::AsyncInvoke;
const WRITE: EdgeKind = EdgeKind::Write;
const ON_FAILURE: EdgeKind = EdgeKind::OnFailure;

/// Seconds and a fraction as virtual time.
fn at(seconds: f64) -> Time {
    (seconds * SEC as f64).round() as Time
}

/// An SQS mapping taking batches of `batch`, capped at `max_concurrency`.
fn esm_capped(batch: u32, max_concurrency: Option<u32>) -> EdgeKind {
    EdgeKind::EventSource(EventSourceMapping {
        batch_size: batch,
        max_concurrency,
        ..EventSourceMapping::default()
    })
}

/// A client whose single arrival (with `count` events) comes at `t0_s`, then every `t0_s`.
fn once_at(b: Build, id: &str, t0_s: f64) -> Build {
    b.node(
        id,
        client(Arrival::Constant {
            rate_per_s: 1.0 / t0_s,
        }),
    )
}

// ---- SQS pollers ----------------------------------------------------------------------------

#[test]
fn sqs_pollers_start_at_five_and_add_300_a_minute() {
    // 2,000 messages land at t0 = 100.5 s in a queue whose consumer runs 800 s per message
    // (batch 1, visibility 12 h, so nothing returns). The mapping starts with 5 batches; at
    // each tick (101 s, 102 s …) messages still wait for a poller, so it adds 5: at
    // t0 + 0.1 + k s it runs 5 + 5k batches, 305 after a minute, and 1,000 from k = 199 on.
    // With max_concurrency 50 it stops at 50.
    let long = FunctionParams {
        timeout_ms: 900_000,
        ..func(800_000.0)
    };
    let build = |cap| {
        let q = QueueParams {
            visibility_timeout_ms: 43_200_000,
            ..queue()
        };
        once_at(once_at(Build::new(1), "c", 100.5), "c2", 100.5)
            .queue("q", q)
            .func("f", long.clone())
            .edge_n("c", "q", WRITE, 1_000)
            .edge_n("c2", "q", WRITE, 1_000)
            .edge("q", "f", esm_capped(1, cap))
            .sim()
    };
    let mut sim = build(None);
    for k in [0u64, 1, 2, 10, 60, 150, 198, 199, 250] {
        sim.run_until(at(100.6 + k as f64));
        let expected = (5 + 5 * k).min(1_000);
        assert_eq!(busy_now(&sim, "f"), expected, "batches {k} s after t0");
        let snap = sim.snapshot();
        let e = idx_edge(&sim, "q", "f");
        assert_eq!(u64::from(snap.edges[e].pollers), expected);
        assert_eq!(u64::from(snap.edges[e].batches), expected);
    }
    assert_eq!(node(&sim.report(), "f").throttles, 0);

    let mut sim = build(Some(50));
    for (k, expected) in [(0u64, 5u64), (8, 45), (9, 50), (100, 50)] {
        sim.run_until(at(100.6 + k as f64));
        assert_eq!(busy_now(&sim, "f"), expected, "capped, {k} s after t0");
    }
}

/// Index of the edge from `from` to `to`.
fn idx_edge(sim: &Simulation, from: &str, to: &str) -> usize {
    sim.topology().edge_index[&eventloom::model::EdgeId::from(format!("{from}-{to}"))]
}

/// The reserved-concurrency trap: reserved 2, a queue (visibility 30 s, max 1 receive,
/// DLQ) of 7 messages at t0 = 100.5 s, a consumer running 10 s per message, pollers capped at
/// `max_concurrency`.
fn trap(max_concurrency: u32) -> Simulation {
    let f = FunctionParams {
        reserved_concurrency: Some(2),
        timeout_ms: 15_000,
        ..func(10_000.0)
    };
    let q = QueueParams {
        visibility_timeout_ms: 30_000,
        max_receive_count: Some(1),
        ..queue()
    };
    once_at(Build::new(1), "c", 100.5)
        .queue("q", q)
        .queue("dlq", queue())
        .func("f", f)
        .edge_n("c", "q", WRITE, 7)
        .edge("q", "f", esm_capped(1, Some(max_concurrency)))
        .edge("q", "dlq", ON_FAILURE)
        .sim()
}

#[test]
fn pollers_ignore_reserved_concurrency_and_throttled_batches_reach_the_dlq() {
    // Five pollers, reserved concurrency 2. At t0 messages 1 and 2 run; 3, 4 and 5 are
    // received too and throttled — their pollers hold them and retry at t0 + 1, 3, 7 and 15 s
    // (backoff 1, 2, 4, 8 s), always finding the function busy (1 and 2 until t0 + 10 s, then
    // 6 and 7, which the two pollers freed at t0 + 10 s take at once). At t0 + 30 s their
    // visibility timeout ends: they are visible again, and their second receive exceeds
    // max_receive_count 1, so three messages that never failed go to the DLQ. Each held batch
    // counts 5 throttles (the first try and 4 retries).
    let t0 = 100.5;
    let mut sim = trap(5);
    sim.run_until(at(t0 + 30.0) - 1);
    let r = sim.report();
    assert_eq!(node(&r, "dlq").invocations, 0);
    assert_eq!(node(&r, "f").throttles, 15);
    assert_eq!(node(&r, "f").invocations, 4);
    sim.run_until(at(t0 + 30.0));
    let r = sim.report();
    assert_eq!(
        node(&r, "dlq").invocations,
        3,
        "healthy messages dead-lettered"
    );
    assert_eq!(node(&r, "q").dead_lettered, 3);
    assert_eq!(
        node(&r, "q").retries,
        3,
        "returned after the visibility timeout"
    );
    sim.run_until(at(t0 + 60.0));
    let r = sim.report();
    assert_eq!(node(&r, "f").completions, 4);
    assert_eq!(node(&r, "f").errors, 0, "nothing ever failed");
    assert_eq!(r.ledger.dead_lettered, 3);
    assert!(r.ledger_balanced);
}

#[test]
fn max_concurrency_keeps_the_pollers_within_the_reservation() {
    // AWS's fix: the mapping's maximum concurrency (2) within the reservation (2). Nothing is
    // throttled; the 7 messages run two by two, every 10 s, the last from t0 + 30 s to
    // t0 + 40 s, and none reaches the DLQ.
    let t0 = 100.5;
    let mut sim = trap(2);
    sim.run_until(at(t0 + 40.0));
    let r = sim.report();
    let f = node(&r, "f");
    assert_eq!((f.invocations, f.completions, f.throttles), (7, 7, 0));
    assert_eq!(node(&r, "dlq").invocations, 0);
    assert_eq!(f.instances.as_ref().expect("instances").busy_max, 2);
}

// ---- FIFO groups and stream shards ----------------------------------------------------------

#[test]
fn fifo_message_groups_run_one_batch_each() {
    // 40 messages at t0 = 100.5 s into a FIFO queue, consumer 1 s per message, batch 1. With
    // one message group the queue is one lane: one batch at a time, one message done a
    // second. With 4 groups (each message in one of them at random) four batches run at once:
    // four done after the first second, one per group, and never more than four.
    for (groups, first_second, busy_max) in [(1u32, 1u64, 1u64), (4, 4, 4)] {
        let q = QueueParams {
            fifo: true,
            message_groups: groups,
            visibility_timeout_ms: 43_200_000,
            ..queue()
        };
        let mut sim = once_at(Build::new(3), "c", 100.5)
            .queue("q", q)
            .func("f", func(1_000.0))
            .edge_n("c", "q", WRITE, 40)
            .edge("q", "f", esm(1))
            .sim();
        sim.run_until(at(101.5));
        assert_eq!(
            node(&sim.report(), "f").completions,
            first_second,
            "{groups} group(s)"
        );
        sim.run_until(at(150.0));
        let r = sim.report();
        assert_eq!(node(&r, "f").completions, 40, "{groups} group(s)");
        let inst = node(&r, "f").instances.clone().expect("instances");
        assert_eq!(inst.busy_max, busy_max, "{groups} group(s)");
    }
}

#[test]
fn a_throttled_fifo_batch_returns_to_its_group_and_the_group_goes_on() {
    // A FIFO queue with 2 message groups, 10 messages at t0 = 100.5 s, a consumer with
    // reserved concurrency 1 running 5 s per message. One group's batch runs; the other's is
    // throttled, held and retried until its visibility timeout (30 s), then its message
    // returns to the front of its group — which must be free to deliver again: every
    // message is eventually processed, each group in order, one batch per group at a time.
    let f = FunctionParams {
        reserved_concurrency: Some(1),
        timeout_ms: 6_000,
        ..func(5_000.0)
    };
    let q = QueueParams {
        fifo: true,
        message_groups: 2,
        visibility_timeout_ms: 30_000,
        ..queue()
    };
    let mut sim = once_at(Build::new(1), "c", 100.5)
        .queue("q", q)
        .func("f", f)
        .edge_n("c", "q", WRITE, 10)
        .edge("q", "f", esm_capped(1, Some(2)))
        .sim();
    sim.run_until(at(160.0));
    let r = sim.report();
    assert!(
        node(&r, "f").throttles > 0,
        "the second group's batch was throttled"
    );
    assert_eq!(node(&r, "f").completions, 10);
    assert_eq!(node(&r, "q").queue.as_ref().expect("queue").depth_end, 0);
    assert!(r.ledger_balanced);
}

/// A table stream (records 100 ms after the write, `shards` shards) read by `f`.
fn stream_project(shards: u32, mapping: EventSourceMapping, f: FunctionParams, n: u32) -> Build {
    let t = TableParams {
        stream_delay: constant(100.0),
        stream_shards: shards,
        ..TableParams::default()
    };
    once_at(Build::new(1), "c", 100.0)
        .node("t", NodeKind::Table(t))
        .func("f", f)
        .queue("dlq", queue())
        .edge_n("c", "t", WRITE, n)
        .edge("t", "f", EdgeKind::EventSource(mapping))
        .edge("t", "dlq", ON_FAILURE)
}

#[test]
fn stream_shards_and_parallelization_run_lanes_at_once() {
    // 60 records reach the stream at 100.1 s; each batch (1 record) takes 1 s. A stream runs
    // one batch per shard and parallelization lane: 1 × 1 → 1 at a time, 2 shards × 3 → 6.
    for (shards, factor, lanes) in [(1u32, 1u32, 1u64), (2, 1, 2), (1, 3, 3), (2, 3, 6)] {
        let mapping = EventSourceMapping {
            batch_size: 1,
            parallelization_factor: factor,
            ..EventSourceMapping::for_stream()
        };
        let mut sim = stream_project(shards, mapping, func(1_000.0), 60).sim();
        sim.run_until(at(101.1));
        let r = sim.report();
        assert_eq!(node(&r, "f").completions, lanes, "{shards} × {factor}");
        sim.run_until(at(200.0));
        let r = sim.report();
        assert_eq!(node(&r, "f").completions, 60, "{shards} × {factor}");
        let inst = node(&r, "f").instances.clone().expect("instances");
        assert_eq!(inst.busy_max, lanes, "{shards} × {factor}");
    }
}

#[test]
fn stream_bisect_retries_and_on_failure_destination() {
    // 8 records reach one shard at 100.1 s; the function always fails (100 ms); the mapping
    // takes 8 at a time (a 500 ms window lets them gather), retries a record at most twice
    // and sends discarded records to the table's on-failure queue. A failed lane waits 1 s.
    // Without bisecting: the 8 fail together three times (3 invocations), then all are
    // discarded. Bisecting: 8 → 4 → 2 (r1, r2 discarded on their third failure), then r3
    // and r4 alone (discarded), then r5 … r8 alone twice each: 13 invocations. Either way
    // the 8 records end in the DLQ and nothing else is lost.
    for (bisect, invocations) in [(false, 3u64), (true, 13)] {
        let mapping = EventSourceMapping {
            batch_size: 8,
            batch_window_ms: 500,
            bisect_batch_on_error: bisect,
            maximum_retry_attempts: Some(2),
            ..EventSourceMapping::for_stream()
        };
        let f = FunctionParams {
            error_probability: 1.0,
            ..func(100.0)
        };
        let mut sim = stream_project(1, mapping, f, 8).sim();
        sim.run_until(at(150.0));
        let r = sim.report();
        assert_eq!(node(&r, "f").invocations, invocations, "bisect {bisect}");
        assert_eq!(node(&r, "t").dead_lettered, 8, "bisect {bisect}");
        assert_eq!(node(&r, "dlq").invocations, 8, "bisect {bisect}");
        assert_eq!(r.ledger.dead_lettered, 8);
        assert!(r.ledger_balanced);
    }
}

#[test]
fn stream_records_older_than_the_maximum_age_are_discarded() {
    // One record written at 100 s reaches the stream at 100.1 s; the function is down
    // (outage), so each try fails at once and the lane retries a second later: at 100.1,
    // 101.1 … 159.1 s (60 tries). At 160.1 s the record is 60.1 s old, over the mapping's
    // maximum record age (60 s): it is discarded to the on-failure queue instead of tried.
    let mapping = EventSourceMapping {
        maximum_record_age_ms: Some(60_000),
        ..EventSourceMapping::for_stream()
    };
    let mut sim = stream_project(1, mapping, func(10.0), 1).sim();
    sim.inject_fault(Fault {
        target: FaultTarget::Node("f".into()),
        kind: FaultKind::Outage,
    });
    sim.run_until(at(160.1) - 1);
    let r = sim.report();
    assert_eq!(node(&r, "dlq").invocations, 0);
    assert_eq!(node(&r, "f").errors, 60);
    sim.run_until(at(160.1));
    let r = sim.report();
    assert_eq!(node(&r, "dlq").invocations, 1);
    assert_eq!(node(&r, "f").errors, 60);
}

// ---- asynchronous throttles ----------------------------------------------------------------

#[test]
fn throttled_async_events_come_back_after_a_backoff() {
    // Reserved concurrency 1, 10 s per event, two events at t0 = 100 s: the first runs until
    // t0 + 10 s; the second is throttled and retried after 1, 2, 4, 8, 16 s (each with equal
    // jitter: between half and all of it), so it does not start when the environment frees
    // at t0 + 10 s but at its next retry, within t0 + 31 s (the fifth retry's latest time).
    let f = FunctionParams {
        reserved_concurrency: Some(1),
        timeout_ms: 15_000,
        ..func(10_000.0)
    };
    let mut sim = once_at(Build::new(1), "c", 100.0)
        .func("f", f)
        .edge_n("c", "f", ASYNC, 2)
        .sim();
    sim.run_until(at(100.5) - 1);
    let r = sim.report();
    assert_eq!((node(&r, "f").invocations, node(&r, "f").throttles), (1, 1));
    sim.run_until(at(110.0));
    assert_eq!(
        node(&sim.report(), "f").invocations,
        1,
        "not resumed the moment capacity frees"
    );
    sim.run_until(at(131.0));
    let r = sim.report();
    assert_eq!(node(&r, "f").invocations, 2);
    assert_eq!(node(&r, "f").throttles, 1, "counted once per event");
    sim.run_until(at(145.0));
    assert_eq!(node(&sim.report(), "f").completions, 2);
}

// ---- provisioned concurrency ----------------------------------------------------------------

#[test]
fn provisioned_concurrency_is_taken_from_the_account() {
    // The account allows 1,000. Function "a" has 800 provisioned environments (no
    // reservation); "b" gets 1,000 requests of 60 s at 100 s. Provisioned concurrency is
    // claimed from the account, so "b" finds 200 in the shared pool: 200 run, 800 get 429.
    // "a" still serves 800 at once on its own environments.
    let long = FunctionParams {
        timeout_ms: 120_000,
        ..func(60_000.0)
    };
    let a = FunctionParams {
        provisioned_concurrency: 800,
        ..long.clone()
    };
    let mut sim = once_at(Build::new(1), "cb", 100.0)
        .node(
            "ca",
            client(Arrival::Constant {
                rate_per_s: 1.0 / 200.0,
            }),
        )
        .func("a", a)
        .func("b", long)
        .edge_n("cb", "b", SYNC, 1_000)
        .edge_n("ca", "a", SYNC, 800)
        .sim();
    sim.run_until(at(100.5));
    let r = sim.report();
    assert_eq!(
        (node(&r, "b").invocations, node(&r, "b").throttles),
        (200, 800)
    );
    sim.run_until(at(200.5));
    let r = sim.report();
    assert_eq!(
        (node(&r, "a").invocations, node(&r, "a").throttles),
        (800, 0)
    );
    assert_eq!(
        node(&r, "a").cold_starts,
        0,
        "all on provisioned environments"
    );
}

#[test]
fn provisioned_concurrency_is_billed_in_five_minute_blocks_at_the_arm_price() {
    // 2 provisioned arm64 environments of 1 GB, a 100 ms request every 100 s. Provisioned time
    // is rounded up to 5 minutes: one block (2 × 1 GB × 300 s at the arm rate) is billed
    // from the start, the second when it begins (checked each second: at 301 s), the third
    // at 601 s. The request ran on a provisioned environment: billed at the arm rate for
    // duration on provisioned concurrency.
    let f = FunctionParams {
        provisioned_concurrency: 2,
        memory_mb: 1_024,
        arch: Arch::Arm64,
        ..func(100.0)
    };
    let p = once_at(Build::new(1), "c", 100.0)
        .func("f", f)
        .edge("c", "f", SYNC)
        .project();
    let pr = p.pricing.clone();
    let block = 2.0 * 300.0 * pr.provisioned_per_gb_s_arm;
    let request =
        pr.function_per_million_requests / 1e6 + 0.1 * pr.provisioned_duration_per_gb_s_arm;
    let mut sim = sim(&p);
    let f = idx(&sim, "f");
    // Requests arrive at 100, 200, … s and are billed when they end, 100 ms later.
    for (t, blocks, requests) in [
        (1.0, 1.0, 0.0),
        (150.0, 1.0, 1.0),
        (300.0, 1.0, 2.0),
        (301.0, 2.0, 3.0),
        (600.0, 2.0, 5.0),
        (601.0, 3.0, 6.0),
    ] {
        sim.run_until(at(t));
        assert_close(
            sim.stats(f).cost_usd,
            blocks * block + requests * request,
            1e-9,
            &format!("cost at {t} s"),
        );
    }
    assert!((block - 0.002_000_04).abs() < 1e-12, "{block}");
    // The projection bills provisioned concurrency all day, whatever the window saw.
    let r = sim.report();
    let prov = r
        .cost
        .by_service
        .iter()
        .find(|s| s.service == Service::LambdaProvisioned)
        .expect("a provisioned line");
    // (Report lines are rounded to micro-dollars.)
    assert_close(
        prov.per_day_usd,
        2.0 * 86_400.0 * pr.provisioned_per_gb_s_arm,
        1e-5,
        "per day",
    );
    assert_close(prov.total_usd, 3.0 * block, 1e-4, "billed blocks");
}

// ---- API Gateway ----------------------------------------------------------------------------

#[test]
fn api_throttle_is_shared_by_every_api_of_the_account() {
    // The account's API throttle is 2 requests/s with a burst of 3, shared by two APIs whose
    // own limits are the defaults (10,000/s). Each gets 5 requests/s for 10 s (100 in all):
    // together they are admitted what one bucket allows — its 3 tokens plus the 20 refilled
    // (the last may fall a hair short in floating point) — the rest get 429.
    let mut b = Build::new(1)
        .client("c1", 5.0)
        .client("c2", 5.0)
        .node("a1", NodeKind::HttpApi(HttpApiParams::default()))
        .node("a2", NodeKind::HttpApi(HttpApiParams::default()))
        .func("f", func(10.0))
        .edge("c1", "a1", SYNC)
        .edge("c2", "a2", SYNC)
        .edge("a1", "f", SYNC)
        .edge("a2", "f", SYNC);
    b.p.run.api_rate_limit_rps = 2.0;
    b.p.run.api_burst = 3;
    let mut sim = b.sim();
    sim.run_until(ms(10_050)); // arrivals at 0.2 … 10 s, two at a time
    let r = sim.report();
    let (a1, a2) = (node(&r, "a1"), node(&r, "a2"));
    assert_eq!(a1.invocations + a2.invocations, 100);
    let admitted = a1.completions + a2.completions;
    assert!((22..=23).contains(&admitted), "{admitted} admitted");
    assert!(a1.completions > 0 && a2.completions > 0, "both share it");
    assert_eq!(a1.throttles + a2.throttles, 100 - admitted);
    assert_eq!(r.ledger.rejected, 100 - admitted);
}

#[test]
fn a_lambda_throttle_behind_an_api_reaches_the_client_as_500() {
    // One request a second to an API in front of a function with reserved concurrency 1 and
    // 1.5 s of work: requests 1, 3, 5 … run; 2, 4, 6 … find it busy. Lambda answers 429, and
    // API Gateway turns that into a 500: an error at the API and at the client, not a
    // throttle (the function counts its throttles; the ledger records the cause).
    let f = FunctionParams {
        reserved_concurrency: Some(1),
        ..func(1_500.0)
    };
    let mut sim = Build::new(1)
        .client("c", 1.0)
        .node("api", NodeKind::HttpApi(HttpApiParams::default()))
        .func("f", f)
        .edge("c", "api", SYNC)
        .edge("api", "f", SYNC)
        .sim();
    sim.run_until(ms(10_600)); // arrivals at 1 … 10 s
    let r = sim.report();
    let api = node(&r, "api");
    assert_eq!(
        (api.invocations, api.completions, api.errors, api.throttles),
        (10, 5, 5, 0)
    );
    let c = node(&r, "c");
    assert_eq!((c.completions, c.errors, c.throttles), (5, 5, 0));
    assert_eq!((node(&r, "f").invocations, node(&r, "f").throttles), (5, 5));
    assert_eq!(r.ledger.throttled, 5);
}

// ---- S3 notifications and duplicates --------------------------------------------------------

#[test]
fn bucket_notifications_take_seconds_by_default() {
    // 1,000 objects written at 100 s to a bucket with the default notification delay
    // (lognormal, median 1 s, σ 1.2): about half the notifications have arrived after 1 s
    // (binomial spread ±1.6 %), about 91 % after 5 s, about 99.97 % after a minute — and only
    // about 9 % after 200 ms, the old default's median.
    let mut sim = once_at(Build::new(7), "c", 100.0)
        .node("b", NodeKind::Bucket(BucketParams::default()))
        .func("f", func(10.0))
        .edge_n("c", "b", WRITE, 1_000)
        .edge("b", "f", ASYNC)
        .sim();
    let mut arrived = |t: f64| {
        sim.run_until(at(100.0 + t));
        node(&sim.report(), "f").invocations
    };
    let after_200ms = arrived(0.2);
    let after_1s = arrived(1.0);
    let after_5s = arrived(5.0);
    let after_60s = arrived(60.0);
    assert!(
        (40..=140).contains(&after_200ms),
        "{after_200ms} after 200 ms"
    );
    assert!((450..=550).contains(&after_1s), "{after_1s} after 1 s");
    assert!((870..=950).contains(&after_5s), "{after_5s} after 5 s");
    assert!(after_60s >= 996, "{after_60s} after a minute");
}

#[test]
fn duplicates_come_from_standard_queues_and_buckets_not_streams() {
    // 10 messages each through a node with duplicate_probability 1 and a consumer (batch 1):
    // a standard queue and a bucket deliver everything twice; a FIFO queue and a table
    // stream deliver each message exactly once (their setting is ignored).
    let cases: [(&str, NodeKind, u64); 4] = [
        (
            "standard queue",
            NodeKind::Queue(QueueParams {
                duplicate_probability: 1.0,
                ..queue()
            }),
            20,
        ),
        (
            "FIFO queue",
            NodeKind::Queue(QueueParams {
                fifo: true,
                duplicate_probability: 1.0,
                ..queue()
            }),
            10,
        ),
        (
            "bucket",
            NodeKind::Bucket(BucketParams {
                notification_delay: constant(10.0),
                duplicate_probability: 1.0,
            }),
            20,
        ),
        (
            "table",
            NodeKind::Table(TableParams {
                stream_delay: constant(10.0),
                duplicate_probability: 1.0,
                ..TableParams::default()
            }),
            10,
        ),
    ];
    for (what, kind, deliveries) in cases {
        let trigger = if matches!(kind, NodeKind::Bucket(_)) {
            ASYNC
        } else {
            esm(1)
        };
        let mut sim = once_at(Build::new(1), "c", 100.0)
            .node("s", kind)
            .func("f", func(10.0))
            .edge_n("c", "s", WRITE, 10)
            .edge("s", "f", trigger)
            .sim();
        sim.run_until(at(150.0));
        let r = sim.report();
        assert_eq!(node(&r, "f").invocations, deliveries, "{what}");
        assert!(r.ledger_balanced, "{what}");
    }
}

// ---- cost -----------------------------------------------------------------------------------

/// What one invocation of `func(100.0)` (128 MB, x86, 100 ms) costs.
fn invocation_usd(p: &Project) -> f64 {
    p.pricing.function_invocation(128, 100, false)
}

#[test]
fn cost_per_day_is_projected_from_the_recent_window() {
    // Bursts of 500 invocations at 100 s and 200 s, and a steady 10 a second. At 300 s the
    // projection uses the last 60 s (window 240–300 s): the 600 steady invocations that
    // finished in it, × 1,440 minutes a day — not the average since the start, which the
    // bursts would inflate. The total keeps everything: 2,999 steady + 1,000 (the burst due
    // at 300 s ends after it).
    let p = once_at(Build::new(1), "burst", 100.0)
        .client("steady", 10.0)
        .func("f", func(100.0))
        .edge_n("burst", "f", ASYNC, 500)
        .edge("steady", "f", SYNC)
        .project();
    let c = invocation_usd(&p);
    let mut sim = sim(&p);
    sim.run_until(at(300.0));
    let snap = sim.snapshot();
    assert_eq!(snap.cost_window_s, 60.0);
    assert_close(snap.cost_per_day_usd, 600.0 * c * 1_440.0, 1e-9, "per day");
    assert_close(snap.cost_usd, 3_999.0 * c, 1e-9, "total");
    // The report says the same, rounded to micro-dollars.
    let r = sim.report();
    assert_eq!(r.cost.window_s, 60.0);
    assert_close(
        r.cost.per_day_usd,
        600.0 * c * 1_440.0,
        1e-5,
        "report per day",
    );
    assert_close(
        node(&r, "f").cost_per_day_usd,
        600.0 * c * 1_440.0,
        1e-5,
        "node",
    );
    // The old extrapolation of everything so far would have said a third more (the bursts
    // counted as if they came all day).
    let old = snap.cost_usd * 86_400.0 / 300.0;
    assert_close(old, 3_999.0 * c * 288.0, 1e-9, "old projection");
    assert!(old > 1.3 * snap.cost_per_day_usd);
}

#[test]
fn cost_is_broken_down_by_service() {
    // Every billed kind once: client → API → function → queue → function → table and
    // bucket; a topic; a schedule. Each service's line is the sum of its nodes, and the
    // lines add up to the total and the projection.
    let mut sim = Build::new(1)
        .client("c", 2.0)
        .node("api", NodeKind::HttpApi(HttpApiParams::default()))
        .func("front", func(20.0))
        .queue("q", queue())
        .func("worker", func(50.0))
        .node("t", NodeKind::Table(TableParams::default()))
        .node("b", NodeKind::Bucket(BucketParams::default()))
        .node(
            "topic",
            NodeKind::Topic(eventloom::model::TopicParams::default()),
        )
        .node(
            "tick",
            NodeKind::Schedule(eventloom::model::ScheduleParams::default()),
        )
        .edge("c", "api", SYNC)
        .edge("api", "front", SYNC)
        .edge("front", "q", WRITE)
        .edge("q", "worker", esm(10))
        .edge("worker", "t", WRITE)
        .edge("worker", "b", WRITE)
        .edge("worker", "topic", WRITE)
        .edge("tick", "worker", ASYNC)
        .sim();
    sim.run_until(at(180.5));
    let r = sim.report();
    let kind_service = [
        ("Function", Service::Lambda),
        ("HttpApi", Service::ApiGateway),
        ("Queue", Service::Sqs),
        ("Topic", Service::Sns),
        ("Table", Service::DynamoDb),
        ("Bucket", Service::S3),
        ("Schedule", Service::Scheduler),
    ];
    for (kind, service) in kind_service {
        let nodes: f64 = r
            .nodes
            .iter()
            .filter(|n| n.kind == kind)
            .map(|n| n.cost_usd)
            .sum();
        let line = r
            .cost
            .by_service
            .iter()
            .find(|s| s.service == service)
            .unwrap_or_else(|| panic!("no line for {kind}"));
        // (Every figure is rounded to micro-dollars.)
        assert!(nodes > 0.0, "{kind} cost nothing");
        assert!(
            (line.total_usd - nodes).abs() <= 5e-6,
            "{kind}: {line:?} vs {nodes}"
        );
        assert_eq!(line.name, service.name_on(eventloom::model::Provider::Aws));
    }
    let total: f64 = r.cost.by_service.iter().map(|s| s.total_usd).sum();
    let per_day: f64 = r.cost.by_service.iter().map(|s| s.per_day_usd).sum();
    assert!(
        (total - r.cost.total_usd).abs() <= 5e-6,
        "lines add up to the total"
    );
    assert!(
        (per_day - r.cost.per_day_usd).abs() <= 5e-6,
        "and to the projection"
    );
    assert_eq!(
        r.cost.by_service.len(),
        7,
        "no provisioned line without provisioned concurrency"
    );
}

#[test]
fn server_alternative_is_sized_to_the_peak_load() {
    // A 1,769 MB function (one vCPU's worth) running 1 s per request at 10 a second keeps 10
    // vCPU-equivalents busy every second; a burst of 100 more at 100 s makes its second
    // (100–101 s) 110. An m5.large (2 vCPUs at 60 %) carries 1.2: while the burst is in the
    // 60 s window, 92 servers (⌈110 / 1.2⌉); once it has left, 9 (⌈10 / 1.2⌉). With no load,
    // the minimum of 2.
    let f = FunctionParams {
        memory_mb: 1_769,
        ..func(1_000.0)
    };
    let mut sim = once_at(Build::new(1), "burst", 100.0)
        .client("steady", 10.0)
        .func("f", f)
        .edge_n("burst", "f", SYNC, 100)
        .edge("steady", "f", SYNC)
        .sim();
    let per_day = |n: f64| n * 0.096 * 24.0;
    for (t, peak, servers) in [(120.5, 110.0, 92u32), (170.5, 10.0, 9)] {
        sim.run_until(at(t));
        let r = sim.report();
        let s = &r.cost.server;
        assert_eq!((s.peak_vcpus, s.servers), (peak, servers), "at {t} s");
        assert_eq!(s.instance, "m5.large");
        assert_close(
            r.cost.server_per_day_usd,
            per_day(f64::from(servers)),
            1e-9,
            "$",
        );
        assert_close(
            sim.snapshot().server_per_day_usd,
            per_day(f64::from(servers)),
            1e-9,
            "$",
        );
    }
    let mut idle = Build::new(1).func("f", func(10.0)).sim();
    idle.run_until(at(100.0));
    assert_eq!(idle.report().cost.server.servers, 2);
}

#[test]
fn fifo_requests_are_billed_at_the_fifo_price() {
    // 10 messages through a queue and a consumer taking one at a time: 10 sends, 10 receives,
    // 10 deletes — $0.40 per million on a standard queue, $0.50 on a FIFO queue.
    for (fifo, per_million) in [(false, 0.40), (true, 0.50)] {
        let q = QueueParams { fifo, ..queue() };
        let mut sim = once_at(Build::new(1), "c", 100.0)
            .queue("q", q)
            .func("f", func(10.0))
            .edge_n("c", "q", WRITE, 10)
            .edge("q", "f", esm(1))
            .sim();
        sim.run_until(at(110.0));
        let r = sim.report();
        assert_close(
            node(&r, "q").cost_usd,
            30.0 * per_million / 1e6,
            1e-12,
            "queue",
        );
    }
}

#[test]
fn free_tier_takes_the_monthly_allowances_off() {
    // A 1 GB function running 500 ms, one request a second (arrivals at 1, 2 … s). The
    // always-free month (1 M requests, 400,000 GB-s), spread over 30 days, covers
    // 1 M × 100.5 / 2,592,000 = 38.8 requests and 15.5 GB-s in the first 100.5 s, which
    // ran 100 requests and 50 GB-s; per day it covers 33,333 requests and 13,333 GB-s of the
    // 86,400 and 43,200 the last 60 s project. Off by default.
    let build = |free_tier: bool| {
        let f = FunctionParams {
            memory_mb: 1_024,
            ..func(500.0)
        };
        let mut b = Build::new(1)
            .client("c", 1.0)
            .func("f", f)
            .edge("c", "f", SYNC);
        b.p.pricing.free_tier = free_tier;
        b.sim()
    };
    let (request, gb_s) = (0.2e-6, 0.000_016_666_7);
    let month_s = 30.0 * 86_400.0;
    let share = 100.5 / month_s;
    let mut sim = build(true);
    sim.run_until(at(100.5));
    let snap = sim.snapshot();
    assert_close(
        snap.cost_usd,
        (100.0 - 1e6 * share) * request + (50.0 - 400_000.0 * share) * gb_s,
        1e-9,
        "total",
    );
    sim.run_until(at(120.5));
    let snap = sim.snapshot();
    assert_close(
        snap.cost_per_day_usd,
        (86_400.0 - 1e6 / 30.0) * request + (43_200.0 - 400_000.0 / 30.0) * gb_s,
        1e-9,
        "per day",
    );
    assert!(sim.report().cost.free_tier);
    let mut paid = build(false);
    paid.run_until(at(100.5));
    assert!(!paid.report().cost.free_tier);
    assert_close(
        paid.snapshot().cost_usd,
        100.0 * (request + 0.5 * gb_s),
        1e-9,
        "without the free tier",
    );
}

/// Each line of the bill is a service on one provider, under that provider's name: the
/// three-clouds example's functions (AWS, Google Cloud, Azure Flex) get a line each, which is
/// the sum of that provider's functions; the project's other services are billed as its own
/// provider's; the lines add up to the total. A design moved to Google Cloud has no AWS name
/// on its bill.
#[test]
fn bill_lines_name_each_providers_services() {
    use eventloom::model::Provider;
    let p = eventloom::project::load(std::path::Path::new("projects/three-clouds.ron"))
        .expect("the example loads");
    let mut s = sim(&p);
    s.run_until(at(120.0));
    let r = s.report();
    let functions: Vec<_> = r
        .cost
        .by_service
        .iter()
        .filter(|l| l.service == Service::Lambda)
        .collect();
    let providers: Vec<Provider> = functions.iter().map(|l| l.provider).collect();
    assert_eq!(
        providers,
        [Provider::Aws, Provider::Gcp, Provider::AzureFlex],
        "{functions:?}"
    );
    for line in &functions {
        assert_eq!(line.name, Service::Lambda.name_on(line.provider));
        let nodes: f64 = r
            .nodes
            .iter()
            .filter(|n| {
                p.graph.nodes[&n.id.as_str().into()]
                    .kind
                    .as_function()
                    .is_some_and(|f| f.provider_in(p.provider) == line.provider)
            })
            .map(|n| n.cost_usd)
            .sum();
        assert!(nodes > 0.0, "{line:?}");
        assert!(
            (line.total_usd - nodes).abs() <= 5e-6,
            "{line:?} vs {nodes}"
        );
    }
    for line in r
        .cost
        .by_service
        .iter()
        .filter(|l| l.service != Service::Lambda)
    {
        assert_eq!(line.provider, p.provider, "{line:?}");
    }
    let total: f64 = r.cost.by_service.iter().map(|l| l.total_usd).sum();
    assert!(
        (total - r.cost.total_usd).abs() <= 5e-5,
        "{total} vs {}",
        r.cost.total_usd
    );

    let (on_gcp, _) = eventloom::model::retarget(
        &eventloom::project::load(std::path::Path::new("projects/orders.ron")).expect("loads"),
        Provider::Gcp,
    );
    let mut s = sim(&on_gcp);
    s.run_until(at(60.0));
    let names: Vec<&str> = s.report().cost.by_service.iter().map(|l| l.name).collect();
    assert!(names.contains(&"Cloud Run functions"), "{names:?}");
    for service in Service::ALL {
        let aws = service.name_on(Provider::Aws);
        assert!(
            !names.contains(&aws),
            "{aws} on a Google Cloud bill: {names:?}"
        );
    }
}

/// The free grant is the project provider's own, from its profile: on Google Cloud 2 M
/// requests, 360,000 GiB-s and 180,000 vCPU-s a month (docs/providers.md). With a load far
/// above the grant, the free tier takes exactly a day's share of it off the projection; a
/// function the design runs on another provider (AWS here) gets none of it.
#[test]
fn the_free_grant_is_the_project_providers_own() {
    use eventloom::model::{Provider, retarget};
    let build = |free_tier: bool, other: bool| {
        let mut b = Build::new(1)
            .client("c", 100.0)
            .func("f", func(100.0))
            .edge("c", "f", SYNC);
        if other {
            b = b
                .client("c2", 100.0)
                .func("g", func(100.0))
                .edge("c2", "g", SYNC);
        }
        let (mut p, _) = retarget(&b.project(), Provider::Gcp);
        p.pricing.free_tier = free_tier;
        if let Some(NodeKind::Function(g)) = p.graph.nodes.get_mut(&"g".into()).map(|n| &mut n.kind)
        {
            g.provider = Some(Provider::Aws);
            g.memory_mb = 128;
        }
        let mut s = sim(&p);
        s.run_until(at(120.5));
        s.report()
    };
    let line = |r: &eventloom::sim::Report, provider: Provider| {
        r.cost
            .by_service
            .iter()
            .find(|l| l.service == Service::Lambda && l.provider == provider)
            .map_or(0.0, |l| l.per_day_usd)
    };
    let (paid, free) = (build(false, false), build(true, false));
    let pricing = eventloom::model::Pricing::for_provider(Provider::Gcp);
    let grant = Provider::Gcp.profile().free;
    let day_of_grant = (grant.requests * pricing.function_per_million_requests / 1e6
        + grant.gb_s * pricing.function_per_gb_s_x86
        + grant.vcpu_s * pricing.function_per_vcpu_s)
        / 30.0;
    assert!(grant.vcpu_s > 0.0 && pricing.function_per_vcpu_s > 0.0);
    let saved = line(&paid, Provider::Gcp) - line(&free, Provider::Gcp);
    assert_close(saved, day_of_grant, 1e-4, "a day of Google Cloud's grant");
    // The AWS function of the same design is billed in full either way.
    let (paid, free) = (build(false, true), build(true, true));
    let aws = line(&paid, Provider::Aws);
    assert!(aws > 0.0);
    assert_eq!(line(&free, Provider::Aws), aws);
}
