//! Engine properties over random designs, and determinism of the example projects.
//!
//! Random graphs are wired only with edges `legal_edges` allows (so they pass validation),
//! given random parameters in their valid ranges, and hit by random faults and deploys at
//! random times through the public API (which, unlike project files, does not check that a
//! fault suits its target, so mismatched faults are part of the test). Whatever happens:
//! no panic, the ledger accounts for every event exactly once, per-node counters are
//! consistent, and the same seed gives a byte-identical JSON report.

mod sim_common;

use eventloom::model::{
    ApiEndpoint, ApiFlavor, Arrival, BucketParams, ClientParams, DeployStrategy, Distribution,
    Edge, EdgeKind, EdgeTag, Emit, EventSourceMapping, Fault, FaultKind, FaultTarget,
    FunctionParams, HttpApiParams, KindTag, Node, NodeKind, Project, QueueParams, RateStep,
    RetryPolicy, Scaling, ScheduleParams, ScheduleTrigger, Subscription, TableParams, TopicParams,
    has_errors, legal_edges, self_edge_problem, validate,
};
use eventloom::sim::{MS, SEC, SimConfig, Simulation, Time};
use proptest::prelude::*;
use std::collections::BTreeMap;

// ---- random designs ---------------------------------------------------------------------------

fn distribution() -> BoxedStrategy<Distribution> {
    prop_oneof![
        (0.0..300.0f64).prop_map(|ms| Distribution::Constant { ms }),
        (0.0..200.0f64).prop_map(|mean_ms| Distribution::Exponential { mean_ms }),
        (0.1..300.0f64, 0.0..1.5f64)
            .prop_map(|(median_ms, sigma)| Distribution::LogNormal { median_ms, sigma }),
        (0.0..100.0f64, 0.0..300.0f64).prop_map(|(a, w)| Distribution::Uniform {
            min_ms: a,
            max_ms: a + w
        }),
        prop::collection::vec(0.0..500.0f64, 1..4)
            .prop_map(|samples_ms| Distribution::Empirical { samples_ms }),
    ]
    .boxed()
}

fn arrival() -> BoxedStrategy<Arrival> {
    prop_oneof![
        (0.0..30.0f64).prop_map(|rate_per_s| Arrival::Constant { rate_per_s }),
        (0.0..30.0f64).prop_map(|rate_per_s| Arrival::Poisson { rate_per_s }),
        (0.0..5.0f64, 0.0..60.0f64, 1_000..10_000u64, 0.0..1.0f64).prop_map(
            |(base, burst, every_ms, f)| Arrival::Bursts {
                base_rate_per_s: base,
                burst_rate_per_s: burst,
                every_ms,
                length_ms: (every_ms as f64 * f) as u64,
            }
        ),
        (0.0..20.0f64, 0.0..1.0f64, 1_000..60_000u64, 0..60_000u64).prop_map(
            |(mean, amplitude, period_ms, peak_at_ms)| Arrival::Diurnal {
                mean_rate_per_s: mean,
                amplitude,
                period_ms,
                peak_at_ms,
            }
        ),
        prop::collection::vec((0..20_000u64, 0.0..30.0f64), 0..4).prop_map(|mut v| {
            v.sort_by_key(|s| s.0);
            Arrival::Steps {
                steps: v
                    .into_iter()
                    .map(|(at_ms, rate_per_s)| RateStep { at_ms, rate_per_s })
                    .collect(),
            }
        }),
        (prop::collection::vec(0..1_200u64, 1..4), any::<bool>())
            .prop_map(|(per_minute, repeat)| Arrival::Trace { per_minute, repeat }),
        (0..300u64, 0..20_000u64, prop::option::of(1_000..20_000u64)).prop_map(
            |(count, at_ms, every_ms)| Arrival::Spike {
                count,
                at_ms,
                every_ms
            }
        ),
    ]
    .boxed()
}

fn scaling() -> BoxedStrategy<Scaling> {
    prop_oneof![
        Just(Scaling::Standard),
        (1..5u32, 1..5u32).prop_map(|(initial, per_minute)| Scaling::LegacyBurst {
            initial,
            per_minute
        }),
        (1..5u32, 100..3_000u64).prop_map(|(environments, every_ms)| Scaling::Custom {
            environments,
            every_ms
        }),
    ]
    .boxed()
}

fn function() -> BoxedStrategy<FunctionParams> {
    (
        (
            128..2_048u32,
            10..5_000u64,
            prop::option::of(0..6u32),
            0..3u32,
        ),
        (scaling(), distribution(), 0..60_000u64, distribution()),
        (
            prop_oneof![Just(0.0), Just(1.0), 0.0..1.0f64],
            0..=2u32,
            100..30_000u64,
            60_000..180_000u64,
        ),
    )
        .prop_map(
            |(
                (memory_mb, timeout_ms, reserved, provisioned),
                (scaling, cold_start, keep_alive_ms, duration),
                (error_probability, max_retries, retry_delay_ms, max_event_age_ms),
            )| FunctionParams {
                memory_mb,
                timeout_ms,
                reserved_concurrency: reserved,
                provisioned_concurrency: provisioned.min(reserved.unwrap_or(u32::MAX)),
                scaling,
                cold_start,
                keep_alive_ms,
                duration,
                error_probability,
                retry: eventloom::model::AsyncRetry {
                    max_retries,
                    retry_delay_ms,
                    max_event_age_ms,
                },
                recursive_loop: if keep_alive_ms % 3 == 0 {
                    eventloom::model::RecursiveLoop::Allow
                } else {
                    eventloom::model::RecursiveLoop::Terminate
                },
                ..FunctionParams::default()
            },
        )
        .boxed()
}

fn node_kind() -> BoxedStrategy<NodeKind> {
    prop_oneof![
        arrival().prop_map(|arrival| NodeKind::Client(ClientParams { arrival })),
        (
            1.0..100.0f64,
            1..50u32,
            10..5_000u64,
            0.0..20.0f64,
            any::<bool>()
        )
            .prop_map(|(rate, burst, timeout, overhead, http)| NodeKind::HttpApi(
                HttpApiParams {
                    flavor: if http {
                        ApiFlavor::Http
                    } else {
                        ApiFlavor::Rest
                    },
                    endpoint: ApiEndpoint::Regional,
                    rate_limit_rps: rate,
                    burst,
                    integration_timeout_ms: timeout,
                    overhead_ms: overhead,
                }
            )),
        prop_oneof![
            (1_000..10_000u64).prop_map(|every_ms| ScheduleTrigger::Rate { every_ms }),
            Just(ScheduleTrigger::Cron {
                expression: "* * * * *".to_owned()
            }),
        ]
        .prop_map(|trigger| NodeKind::Schedule(ScheduleParams { trigger })),
        (distribution(), 0.0..1.0f64).prop_map(|(d, p)| NodeKind::Bucket(BucketParams {
            notification_delay: d,
            duplicate_probability: p,
        })),
        (distribution(), 0.0..1.0f64, 0.0..20.0f64, 1..4u32).prop_map(|(d, p, w, shards)| {
            NodeKind::Table(TableParams {
                stream_enabled: true,
                stream_delay: d,
                duplicate_probability: p,
                write_latency_ms: w,
                stream_shards: shards,
            })
        }),
        (
            100..10_000u64,
            60_000..120_000u64,
            prop::option::of(1..4u32),
            any::<bool>(),
            0..1_000u64,
            1..5u32,
            prop_oneof![Just(0.0), 0.0..0.5f64],
        )
            .prop_map(|(vis, retention, max, fifo, delay, groups, dup)| {
                NodeKind::Queue(QueueParams {
                    visibility_timeout_ms: vis,
                    retention_ms: retention,
                    max_receive_count: max,
                    fifo,
                    delivery_delay_ms: delay,
                    depth_alarm: 100,
                    message_groups: if fifo { groups } else { 1 },
                    duplicate_probability: if fifo { 0.0 } else { dup },
                })
            }),
        distribution().prop_map(|d| NodeKind::Topic(TopicParams { delivery_delay: d })),
        function().prop_map(NodeKind::Function),
        function().prop_map(NodeKind::Function),
    ]
    .boxed()
}

fn source_kind() -> BoxedStrategy<NodeKind> {
    prop_oneof![
        3 => arrival().prop_map(|arrival| NodeKind::Client(ClientParams { arrival })),
        1 => (1_000..5_000u64).prop_map(|every_ms| NodeKind::Schedule(ScheduleParams {
            trigger: ScheduleTrigger::Rate { every_ms }
        })),
    ]
    .boxed()
}

/// An edge wish: between nodes `from % n` and `to % n`, the `pick`-th legal kind.
#[derive(Clone, Debug)]
struct EdgeWish {
    from: usize,
    to: usize,
    pick: usize,
    count: u32,
    probability: f64,
    attr: Option<&'static str>,
    filter: Option<&'static str>,
    batch: u32,
    window_ms: u64,
    max_concurrency: Option<u32>,
    item_failures: bool,
    retries: u32,
    factor: u32,
    bisect: bool,
    stream_retries: Option<u32>,
    record_age_ms: Option<u64>,
}

fn edge_wish() -> BoxedStrategy<EdgeWish> {
    let value = prop_oneof![Just("a"), Just("b")];
    (
        (0..8usize, 0..8usize, 0..3usize, 1..3u32),
        (
            prop_oneof![Just(1.0), 0.3..1.0f64],
            prop::option::of(value.clone()),
            prop::option::of(value),
        ),
        (
            1..10u32,
            prop_oneof![Just(0u64), 0..2_000u64],
            prop::option::of(2..5u32),
            any::<bool>(),
            0..4u32,
        ),
        (
            1..4u32,
            any::<bool>(),
            prop::option::of(0..3u32),
            prop::option::of(60_000..120_000u64),
        ),
    )
        .prop_map(
            |(
                (from, to, pick, count),
                (probability, attr, filter),
                (batch, window_ms, max_concurrency, item_failures, retries),
                (factor, bisect, stream_retries, record_age_ms),
            )| EdgeWish {
                from,
                to,
                pick,
                count,
                probability,
                attr,
                filter,
                batch,
                window_ms,
                max_concurrency,
                item_failures,
                retries,
                factor,
                bisect,
                stream_retries,
                record_age_ms,
            },
        )
        .boxed()
}

/// Something done to the running simulation at a time.
#[derive(Clone, Debug)]
enum Action {
    /// Inject a fault on the `target`-th node or edge, clear it after `lasts_ms` (if any).
    Fault {
        at_ms: u64,
        lasts_ms: Option<u64>,
        on_edge: bool,
        target: usize,
        kind: FaultKind,
    },
    /// Deploy new parameters to the `target`-th function.
    Deploy {
        at_ms: u64,
        target: usize,
        params: Box<FunctionParams>,
        strategy: DeployStrategy,
        rollback_after_ms: Option<u64>,
    },
}

fn fault_kind() -> BoxedStrategy<FaultKind> {
    prop_oneof![
        (0.0..=100.0f64).prop_map(|percent| FaultKind::ErrorRate { percent }),
        (0.0..2_000.0f64, 0.0..500.0f64).prop_map(|(added_ms, jitter_ms)| FaultKind::Latency {
            added_ms,
            jitter_ms
        }),
        Just(FaultKind::Outage),
        (0..4u32).prop_map(|max_concurrency| FaultKind::Throttle { max_concurrency }),
        Just(FaultKind::KillWarm),
        (0.0..3_000.0f64).prop_map(|ms| FaultKind::EdgeDelay { ms }),
        (0.0..=100.0f64).prop_map(|percent| FaultKind::EdgeDrop { percent }),
        (0.0..=100.0f64).prop_map(|percent| FaultKind::EdgeDuplicate { percent }),
    ]
    .boxed()
}

fn strategy() -> BoxedStrategy<DeployStrategy> {
    prop_oneof![
        Just(DeployStrategy::AllAtOnce),
        (0.0..=100.0f64, 0..10_000u64).prop_map(|(percent, after_ms)| DeployStrategy::Canary {
            percent,
            after_ms,
            rollback_on_alarm: None
        }),
        (0.0..=100.0f64, 0..5_000u64).prop_map(|(percent, every_ms)| DeployStrategy::Linear {
            percent,
            every_ms,
            rollback_on_alarm: None
        }),
    ]
    .boxed()
}

fn action() -> BoxedStrategy<Action> {
    prop_oneof![
        3 => (0..RUN_MS, prop::option::of(0..RUN_MS), any::<bool>(), 0..16usize, fault_kind())
            .prop_map(|(at_ms, lasts_ms, on_edge, target, kind)| Action::Fault {
                at_ms,
                lasts_ms,
                on_edge,
                target,
                kind
            }),
        1 => (0..RUN_MS, 0..8usize, function(), strategy(), prop::option::of(0..RUN_MS))
            .prop_map(|(at_ms, target, params, strategy, rollback_after_ms)| Action::Deploy {
                at_ms,
                target,
                params: Box::new(params),
                strategy,
                rollback_after_ms,
            }),
    ]
    .boxed()
}

/// Simulated length of each random run, ms.
const RUN_MS: u64 = 30_000;
/// How long a drained run goes on per node, ms: longer than the longest max event age
/// (3 min) and queue retention (2 min) the generator makes, with room for retries and
/// timeouts. A failed event may be passed along a chain of failure destinations, each hop
/// waiting out its own age or retention, so the wait is this times the number of nodes.
const DRAIN_PER_NODE_MS: u64 = 4 * 60_000;
/// Most engine events a random run may process (a random design can loop and fan out
/// without bound; the properties must hold wherever the run stops).
const EVENT_BUDGET: u64 = 200_000;

fn build(
    source: NodeKind,
    others: Vec<NodeKind>,
    wishes: &[EdgeWish],
    small_account: bool,
    seed: u64,
) -> Project {
    let mut p = Project {
        name: "random".to_owned(),
        ..Project::default()
    };
    p.run.seed = seed;
    p.run.duration_ms = RUN_MS;
    p.run.account_concurrency = if small_account { 110 } else { 1_000 };
    let kinds: Vec<NodeKind> = std::iter::once(source).chain(others).collect();
    let n = kinds.len();
    let ids: Vec<String> = (0..n).map(|i| format!("n{i}")).collect();
    for (id, k) in ids.iter().zip(&kinds) {
        p.graph
            .nodes
            .insert(id.as_str().into(), Node::new(id.clone(), k.clone()));
    }
    // The first wishes connect each node to an earlier one (so traffic reaches most of the
    // graph); the rest join any two nodes.
    let pairs = wishes.iter().enumerate().filter_map(|(k, w)| {
        if (1..n).contains(&(k + 1)) {
            let to = k + 1;
            (0..to)
                .map(|o| (w.from + o) % to)
                .find(|&from| !legal_edges(kinds[from].tag(), kinds[to].tag()).is_empty())
                .map(|from| (from, to, w))
        } else {
            Some((w.from % n, w.to % n, w))
        }
    });
    for (from, to, w) in pairs {
        let legal = legal_edges(kinds[from].tag(), kinds[to].tag());
        if legal.is_empty() {
            continue;
        }
        let tag = legal[w.pick % legal.len()];
        if from == to && self_edge_problem(tag).is_some() {
            continue;
        }
        let kind = match tag {
            EdgeTag::EventSource => {
                let fifo = kinds[from].as_queue().is_some_and(|q| q.fifo);
                let stream = kinds[from].as_queue().is_none();
                EdgeKind::EventSource(EventSourceMapping {
                    batch_size: if fifo { w.batch.min(10) } else { w.batch },
                    batch_window_ms: w.window_ms,
                    max_concurrency: if stream { None } else { w.max_concurrency },
                    report_batch_item_failures: w.item_failures,
                    parallelization_factor: if stream { w.factor } else { 1 },
                    bisect_batch_on_error: stream && w.bisect,
                    maximum_retry_attempts: w.stream_retries.filter(|_| stream),
                    maximum_record_age_ms: w.record_age_ms.filter(|_| stream),
                })
            }
            EdgeTag::Subscription => EdgeKind::Subscription(Subscription {
                filter: w
                    .filter
                    .map(|v| BTreeMap::from([("k".to_owned(), vec![v.to_owned()])]))
                    .unwrap_or_default(),
                retry: RetryPolicy {
                    max_retries: w.retries,
                    initial_delay_ms: 200,
                    backoff_factor: 2.0,
                },
            }),
            EdgeTag::AsyncInvoke | EdgeTag::SyncInvoke | EdgeTag::Write | EdgeTag::OnFailure => {
                tag.default_kind()
            }
        };
        let mut e = Edge::new(ids[from].as_str(), ids[to].as_str(), kind);
        e.emit = Emit {
            probability: w.probability,
            count: w.count,
            attributes: w
                .attr
                .map(|v| BTreeMap::from([("k".to_owned(), v.to_owned())]))
                .unwrap_or_default(),
        };
        let id = p.graph.fresh_edge_id(&e.from, &e.to);
        p.graph.edges.insert(id, e);
    }
    p
}

/// Advances to `t` unless the event budget runs out; returns whether it got there.
fn advance(sim: &mut Simulation, t: Time, budget: &mut u64) -> bool {
    while let Some(next) = sim.next_event_time() {
        if next > t {
            break;
        }
        if *budget == 0 {
            return false;
        }
        sim.step();
        *budget -= 1;
    }
    sim.run_until(t);
    true
}

/// Runs `p` with `actions`; returns the JSON report and the simulation.
fn run(p: &Project, actions: &[Action]) -> (String, Simulation) {
    let mut sim = Simulation::new(p, SimConfig::from_project(p)).expect("valid random project");
    let functions: Vec<_> = p
        .graph
        .nodes
        .iter()
        .filter(|(_, n)| n.kind.tag() == KindTag::Function)
        .map(|(id, _)| id.clone())
        .collect();
    let nodes: Vec<_> = p.graph.nodes.keys().cloned().collect();
    let edges: Vec<_> = p.graph.edges.keys().cloned().collect();
    // (time, order, step): injections, clears (by action index), deploys and rollbacks.
    #[derive(Debug)]
    enum Step {
        Inject(usize),
        Clear(usize),
        Deploy(usize),
        Rollback(usize),
    }
    let mut timeline: Vec<(Time, usize, Step)> = Vec::new();
    for (i, a) in actions.iter().enumerate() {
        match a {
            Action::Fault {
                at_ms, lasts_ms, ..
            } => {
                timeline.push((*at_ms * MS, 2 * i, Step::Inject(i)));
                if let Some(d) = lasts_ms {
                    timeline.push(((at_ms + d) * MS, 2 * i + 1, Step::Clear(i)));
                }
            }
            Action::Deploy {
                at_ms,
                rollback_after_ms,
                ..
            } => {
                timeline.push((*at_ms * MS, 2 * i, Step::Deploy(i)));
                if let Some(d) = rollback_after_ms {
                    timeline.push(((at_ms + d) * MS, 2 * i + 1, Step::Rollback(i)));
                }
            }
        }
    }
    timeline.sort_by_key(|(t, o, _)| (*t, *o));
    let mut ids = BTreeMap::new();
    let mut budget = EVENT_BUDGET;
    let mut complete = true;
    for (t, _, step) in timeline {
        if t > RUN_MS * MS {
            break;
        }
        if !advance(&mut sim, t, &mut budget) {
            complete = false;
            break;
        }
        match (
            &step,
            &actions[match step {
                Step::Inject(i) | Step::Clear(i) | Step::Deploy(i) | Step::Rollback(i) => i,
            }],
        ) {
            (
                Step::Inject(i),
                Action::Fault {
                    on_edge,
                    target,
                    kind,
                    ..
                },
            ) => {
                let target = if *on_edge && !edges.is_empty() {
                    FaultTarget::Edge(edges[target % edges.len()].clone())
                } else {
                    FaultTarget::Node(nodes[target % nodes.len()].clone())
                };
                let id = sim.inject_fault(Fault {
                    target,
                    kind: kind.clone(),
                });
                ids.insert(*i, id);
            }
            (Step::Clear(i), Action::Fault { .. }) => {
                let id = ids[i];
                assert!(sim.clear_fault(id), "fault {i} was active");
                assert!(!sim.clear_fault(id));
            }
            (
                Step::Deploy(_),
                Action::Deploy {
                    target,
                    params,
                    strategy,
                    ..
                },
            ) => {
                if let Some(f) = functions.get(target % functions.len().max(1)) {
                    // Refused while an earlier deploy still shifts traffic: that is fine.
                    let _ = sim.deploy(f, params, strategy);
                }
            }
            (Step::Rollback(_), Action::Deploy { target, .. }) => {
                if let Some(f) = functions.get(target % functions.len().max(1)) {
                    let _ = sim.rollback(f);
                }
            }
            (Step::Inject(_) | Step::Clear(_), Action::Deploy { .. })
            | (Step::Deploy(_) | Step::Rollback(_), Action::Fault { .. }) => {
                unreachable!("steps are made from their own action")
            }
        }
    }
    if complete {
        advance(&mut sim, RUN_MS * MS, &mut budget);
    }
    let json = serde_json::to_string(&sim.report()).expect("the report serializes");
    (json, sim)
}

fn check_invariants(p: &Project, sim: &Simulation) {
    let ledger = sim.ledger();
    assert!(ledger.balances(), "ledger does not balance: {ledger:?}");
    assert!(ledger.created >= ledger.entered);
    let r = sim.report();
    assert!(r.ledger_balanced);
    assert_eq!(r.ledger, ledger);
    for n in &r.nodes {
        assert!(n.cold_starts <= n.invocations, "{n:?}");
        assert!(n.timeouts <= n.errors, "{n:?}");
        if n.kind == "Function" {
            assert!(n.completions + n.errors <= n.invocations, "{n:?}");
            let inst = n.instances.as_ref().expect("functions have instances");
            let f = p.graph.nodes[&n.id.as_str().into()]
                .kind
                .as_function()
                .expect("a function");
            if let Some(reserved) = f.reserved_concurrency {
                assert!(inst.busy_max <= u64::from(reserved), "{n:?}");
            }
        }
        for v in [n.cost_usd, n.latency.mean_ms, n.latency.max_ms] {
            assert!(v.is_finite() && v >= 0.0, "{n:?}");
        }
    }
    assert!(r.cost.total_usd.is_finite());
    // Each event sent to a failure destination is counted once where it failed.
    let dead: u64 = r.nodes.iter().map(|n| n.dead_lettered).sum();
    assert_eq!(dead, ledger.dead_lettered);
    check_node_identities(p, sim);
}

/// The identities docs/report.md states for each node kind: every request a node counts
/// ends exactly once as one of its outcomes, or is still in flight there.
fn check_node_identities(p: &Project, sim: &Simulation) {
    let snap = sim.snapshot();
    let topo = sim.topology();
    for (i, n) in snap.nodes.iter().enumerate() {
        let kind = topo.kinds[i].tag();
        let outcomes = n.completions + n.errors + n.throttles;
        assert!(
            n.errors <= n.invocations,
            "more errors than requests at {kind:?} {}: {n:?}",
            n.id
        );
        match kind {
            KindTag::Client | KindTag::Schedule | KindTag::HttpApi => {
                assert_eq!(n.invocations, outcomes + n.in_flight, "{kind:?}: {n:?}");
            }
            KindTag::Function => {
                // Throttled requests never start: they are not invocations.
                assert_eq!(n.invocations, n.completions + n.errors + n.busy, "{n:?}");
            }
            KindTag::Queue => {
                // Copies lost on the way to its dead-letter queue are counted as dropped
                // here after being counted as dead-lettered.
                let lost_to_dlq: u64 = topo.out[i]
                    .iter()
                    .filter(|&&e| topo.edges[e].kind.tag() == EdgeTag::OnFailure)
                    .map(|&e| snap.edges[e].lost)
                    .sum();
                assert_eq!(
                    n.invocations,
                    n.completions + n.dead_lettered + n.dropped - lost_to_dlq + n.depth + n.busy,
                    "queue {}: {n:?}",
                    n.id
                );
            }
            KindTag::Topic | KindTag::Bucket | KindTag::Table => {
                assert_eq!(n.invocations, n.completions, "{kind:?}: {n:?}");
            }
        }
        let _ = p;
    }
    // What edges report adds up with the ledger: every loss on an edge either ended a
    // message as lost to a fault or failed a waiting request (or returned a batch).
    let lost: u64 = snap.edges.iter().map(|e| e.lost).sum();
    assert!(snap.ledger.fault <= lost, "{:?}", snap.ledger);
}

/// Whether work can circle back to where it came from (then it may never drain).
fn has_cycle(p: &Project) -> bool {
    let ids: Vec<_> = p.graph.nodes.keys().collect();
    let index = |id| ids.iter().position(|x| *x == id).expect("edge ends exist");
    let n = ids.len();
    let mut out = vec![Vec::new(); n];
    for e in p.graph.edges.values() {
        out[index(&e.from)].push(index(&e.to));
    }
    // Colour-marking depth-first search: 1 on the stack, 2 done.
    fn visit(v: usize, out: &[Vec<usize>], mark: &mut [u8]) -> bool {
        mark[v] = 1;
        for &w in &out[v] {
            if mark[w] == 1 || (mark[w] == 0 && visit(w, out, mark)) {
                return true;
            }
        }
        mark[v] = 2;
        false
    }
    let mut mark = vec![0u8; n];
    (0..n).any(|v| mark[v] == 0 && visit(v, &out, &mut mark))
}

/// Stops new work entering (every edge out of a client or schedule drops everything),
/// clears the other faults and runs long enough for every bounded wait to end: the longest
/// max event age and retention the generator makes, plus retries and timeouts. Then nothing
/// may be left in flight: a message still there was leaked or is waiting for nothing.
fn drain(p: &Project, sim: &mut Simulation) {
    let ids: Vec<_> = sim.active_faults().iter().map(|a| a.id).collect();
    for id in ids {
        assert!(sim.clear_fault(id));
    }
    for (id, e) in &p.graph.edges {
        let from = p.graph.nodes[&e.from].kind.tag();
        if matches!(from, KindTag::Client | KindTag::Schedule) {
            sim.inject_fault(Fault {
                target: FaultTarget::Edge(id.clone()),
                kind: FaultKind::EdgeDrop { percent: 100.0 },
            });
        }
    }
    let mut budget = EVENT_BUDGET;
    let end = sim.now() + DRAIN_PER_NODE_MS * MS * p.graph.nodes.len() as u64;
    if advance(sim, end, &mut budget) {
        let l = sim.ledger();
        assert_eq!(l.in_flight, 0, "left in flight after draining: {l:?}");
        assert!(l.balances());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn random_designs_balance_and_replay_identically(
        source in source_kind(),
        others in prop::collection::vec(node_kind(), 1..6),
        wishes in prop::collection::vec(edge_wish(), 1..14),
        actions in prop::collection::vec(action(), 0..5),
        small_account in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let p = build(source, others, &wishes, small_account, seed);
        let diags = validate(&p);
        prop_assume!(!has_errors(&diags), "generator made an invalid project: {:?}", diags);
        let (a, mut sim) = run(&p, &actions);
        check_invariants(&p, &sim);
        let (b, _) = run(&p, &actions);
        prop_assert_eq!(a, b, "same seed, different report");
        // Table streams keep records for a day, and loops may never end: drain the rest.
        let streams = p.graph.nodes.values().any(|n| n.kind.tag() == KindTag::Table);
        if !streams && !has_cycle(&p) {
            drain(&p, &mut sim);
        }
    }
}

// ---- the example projects ---------------------------------------------------------------------

/// Every example project in `projects/` run to its own duration twice with its seed: the two
/// JSON reports are byte-identical, the ledger balances and every expectation holds (each
/// example is an architecture test).
#[test]
fn example_projects_are_deterministic_and_meet_their_expectations() {
    let mut paths: Vec<_> = std::fs::read_dir("projects")
        .expect("projects folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    for path in paths {
        let p = eventloom::project::load(&path).expect("example loads");
        let once = || {
            let mut sim = Simulation::new(&p, SimConfig::from_project(&p)).expect("example runs");
            sim.run_until(p.run.duration_ms * MS);
            sim.report()
        };
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(once);
            let b = s.spawn(once);
            (a.join().expect("run"), b.join().expect("run"))
        });
        let (ja, jb) = (
            serde_json::to_string(&a).expect("json"),
            serde_json::to_string(&b).expect("json"),
        );
        assert!(
            ja == jb,
            "{}: two runs with seed {} differ",
            path.display(),
            p.run.seed
        );
        assert!(a.ledger_balanced, "{}: {:?}", path.display(), a.ledger);
        assert!(a.duration_s * SEC as f64 == (p.run.duration_ms * MS) as f64);
        assert!(a.ledger.entered > 0, "{}: no traffic", path.display());
        for x in &a.expectations {
            assert!(
                x.passed,
                "{}: expectation failed: {} — measured {}",
                path.display(),
                x.expectation,
                x.measured
            );
        }
    }
}
