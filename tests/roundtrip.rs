//! Round trip: load → save → load gives an equal project and byte-identical text, for the
//! examples and for generated projects.

use eventloom::model::*;
use eventloom::project::{from_ron_str, to_ron_string};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn finite() -> BoxedStrategy<f64> {
    prop_oneof![
        Just(0.0),
        Just(1.0),
        -1e12..1e12f64,
        any::<f64>().prop_filter("finite", |v| v.is_finite()),
        (0.0..1.0f64),
    ]
    .boxed()
}

fn text() -> BoxedStrategy<String> {
    prop_oneof![
        "[a-zA-Z0-9 ]{0,12}",
        "\\PC{0,16}",
        ".{0,8}",
        Just("quote \" back \\ slash\nnew line".to_owned())
    ]
    .boxed()
}

fn ident() -> BoxedStrategy<String> {
    "[a-z][a-z0-9_.-]{0,10}".boxed()
}

fn distribution() -> BoxedStrategy<Distribution> {
    prop_oneof![
        finite().prop_map(|ms| Distribution::Constant { ms }),
        finite().prop_map(|mean_ms| Distribution::Exponential { mean_ms }),
        (finite(), finite())
            .prop_map(|(median_ms, sigma)| Distribution::LogNormal { median_ms, sigma }),
        (finite(), finite()).prop_map(|(min_ms, max_ms)| Distribution::Uniform { min_ms, max_ms }),
        prop::collection::vec(finite(), 0..4)
            .prop_map(|samples_ms| Distribution::Empirical { samples_ms }),
    ]
    .boxed()
}

fn arrival() -> BoxedStrategy<Arrival> {
    prop_oneof![
        finite().prop_map(|rate_per_s| Arrival::Constant { rate_per_s }),
        finite().prop_map(|rate_per_s| Arrival::Poisson { rate_per_s }),
        (finite(), finite(), any::<u64>(), any::<u64>()).prop_map(|(a, b, c, d)| Arrival::Bursts {
            base_rate_per_s: a,
            burst_rate_per_s: b,
            every_ms: c,
            length_ms: d
        }),
        (finite(), finite(), any::<u64>(), any::<u64>()).prop_map(|(a, b, c, d)| {
            Arrival::Diurnal {
                mean_rate_per_s: a,
                amplitude: b,
                period_ms: c,
                peak_at_ms: d,
            }
        }),
        prop::collection::vec((any::<u64>(), finite()), 0..4).prop_map(|v| Arrival::Steps {
            steps: v
                .into_iter()
                .map(|(at_ms, rate_per_s)| RateStep { at_ms, rate_per_s })
                .collect()
        }),
        (prop::collection::vec(any::<u64>(), 0..5), any::<bool>())
            .prop_map(|(per_minute, repeat)| Arrival::Trace { per_minute, repeat }),
    ]
    .boxed()
}

fn node_kind() -> BoxedStrategy<NodeKind> {
    prop_oneof![
        arrival().prop_map(|arrival| NodeKind::Client(ClientParams { arrival })),
        (finite(), any::<u32>(), any::<u64>(), any::<bool>(), 0..3u8).prop_map(
            |(r, b, t, http, endpoint)| NodeKind::HttpApi(HttpApiParams {
                flavor: if http {
                    ApiFlavor::Http
                } else {
                    ApiFlavor::Rest
                },
                endpoint: match endpoint {
                    0 => ApiEndpoint::Regional,
                    1 => ApiEndpoint::EdgeOptimized,
                    _ => ApiEndpoint::Private,
                },
                rate_limit_rps: r,
                burst: b,
                integration_timeout_ms: t,
                overhead_ms: r / 3.0,
            })
        ),
        prop_oneof![
            any::<u64>().prop_map(|every_ms| ScheduleTrigger::Rate { every_ms }),
            text().prop_map(|expression| ScheduleTrigger::Cron { expression }),
        ]
        .prop_map(|trigger| NodeKind::Schedule(ScheduleParams { trigger })),
        (distribution(), finite()).prop_map(|(d, p)| NodeKind::Bucket(BucketParams {
            notification_delay: d,
            duplicate_probability: p
        })),
        (any::<bool>(), distribution(), finite(), any::<u32>()).prop_map(|(s, d, p, shards)| {
            NodeKind::Table(TableParams {
                stream_enabled: s,
                stream_delay: d,
                duplicate_probability: p,
                write_latency_ms: p * 2.0,
                stream_shards: shards,
            })
        }),
        (
            any::<u64>(),
            any::<u64>(),
            any::<Option<u32>>(),
            any::<bool>(),
            any::<u32>(),
            finite(),
        )
            .prop_map(|(v, r, m, f, groups, dup)| {
                NodeKind::Queue(QueueParams {
                    visibility_timeout_ms: v,
                    retention_ms: r,
                    max_receive_count: m,
                    fifo: f,
                    delivery_delay_ms: v / 2,
                    depth_alarm: r / 3,
                    message_groups: groups,
                    duplicate_probability: dup,
                })
            }),
        distribution().prop_map(|d| NodeKind::Topic(TopicParams { delivery_delay: d })),
        (
            any::<u32>(),
            any::<u64>(),
            any::<Option<u32>>(),
            distribution(),
            distribution(),
            finite(),
            0..3u8
        )
            .prop_map(|(mem, t, res, cold, dur, err, sc)| {
                NodeKind::Function(FunctionParams {
                    memory_mb: mem,
                    timeout_ms: t,
                    arch: if sc == 1 { Arch::Arm64 } else { Arch::X86_64 },
                    reserved_concurrency: res,
                    provisioned_concurrency: mem / 7,
                    scaling: match sc {
                        0 => Scaling::Standard,
                        1 => Scaling::LegacyBurst {
                            initial: mem,
                            per_minute: mem / 2,
                        },
                        _ => Scaling::Custom {
                            environments: mem / 3,
                            every_ms: t,
                        },
                    },
                    cold_start: cold,
                    keep_alive_ms: t / 5,
                    duration: dur,
                    error_probability: err,
                    retry: AsyncRetry {
                        max_retries: mem % 5,
                        retry_delay_ms: t,
                        max_event_age_ms: t / 2,
                    },
                    provider: Provider::ALL
                        .get(usize::from(sc) + (mem % 2) as usize)
                        .copied()
                        .filter(|_| mem % 3 == 0),
                    recursive_loop: if sc == 2 {
                        RecursiveLoop::Allow
                    } else {
                        RecursiveLoop::Terminate
                    },
                    cpu_bound: if mem % 4 == 0 { err } else { 0.0 },
                    threads: 1 + mem % 3,
                    concurrency: (mem % 5 == 0).then_some(1 + mem % 97),
                })
            }),
    ]
    .boxed()
}

fn edge_kind() -> BoxedStrategy<EdgeKind> {
    prop_oneof![
        Just(EdgeKind::AsyncInvoke),
        Just(EdgeKind::SyncInvoke),
        Just(EdgeKind::Write),
        Just(EdgeKind::OnFailure),
        (
            prop::collection::btree_map(ident(), prop::collection::vec(text(), 0..3), 0..3),
            any::<u32>(),
            any::<u64>(),
            finite()
        )
            .prop_map(|(filter, n, d, f)| EdgeKind::Subscription(Subscription {
                filter,
                retry: RetryPolicy {
                    max_retries: n,
                    initial_delay_ms: d,
                    backoff_factor: f
                }
            })),
        (
            any::<u32>(),
            any::<u64>(),
            any::<Option<u32>>(),
            any::<bool>(),
            (any::<u32>(), any::<Option<u32>>(), any::<Option<u64>>()),
        )
            .prop_map(|(b, w, c, r, (factor, retries, age))| {
                EdgeKind::EventSource(EventSourceMapping {
                    batch_size: b,
                    batch_window_ms: w,
                    max_concurrency: c,
                    report_batch_item_failures: r,
                    parallelization_factor: factor,
                    bisect_batch_on_error: r,
                    maximum_retry_attempts: retries,
                    maximum_record_age_ms: age,
                })
            }),
    ]
    .boxed()
}

fn check() -> BoxedStrategy<Check> {
    let cmp = prop_oneof![
        Just(Cmp::Above),
        Just(Cmp::AtLeast),
        Just(Cmp::Below),
        Just(Cmp::AtMost),
        Just(Cmp::Equals)
    ];
    let leaf = prop_oneof![
        (
            ident(),
            prop::sample::select(NodeMetric::ALL),
            cmp.clone(),
            finite()
        )
            .prop_map(|(n, metric, op, value)| Check::Node {
                node: n.into(),
                metric,
                op,
                value
            }),
        (ident(), prop::sample::select(NodeMetric::ALL), finite()).prop_map(|(n, metric, by)| {
            Check::NodeGrows {
                node: n.into(),
                metric,
                by,
            }
        }),
        (prop::sample::select(RunMetric::ALL), cmp.clone(), finite())
            .prop_map(|(metric, op, value)| Check::Run { metric, op, value }),
        (prop::sample::select(RunMetric::ALL), finite())
            .prop_map(|(metric, by)| Check::RunGrows { metric, by }),
        finite().prop_map(|seconds| Check::Elapsed { seconds }),
        (
            text(),
            prop::sample::select(vec![
                AlarmState::Ok,
                AlarmState::Alarm,
                AlarmState::InsufficientData
            ])
        )
            .prop_map(|(alarm, state)| Check::Alarm { alarm, state }),
        (
            ident(),
            prop::sample::select(NodeMetric::ALL),
            cmp.clone(),
            ident(),
            finite()
        )
            .prop_map(|(n, metric, op, o, factor)| Check::NodeVsNode {
                node: n.into(),
                metric,
                op,
                other: o.into(),
                factor,
            }),
        (prop::sample::select(RunMetric::ALL), cmp.clone(), finite())
            .prop_map(|(metric, op, factor)| Check::RunVsStart { metric, op, factor }),
        (ident(), prop::sample::select(NodeMetric::ALL), finite()).prop_map(|(n, metric, by)| {
            Check::NodeGrowsAtMost {
                node: n.into(),
                metric,
                by,
            }
        }),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Check::All),
            prop::collection::vec(inner, 0..3).prop_map(Check::Any),
        ]
    })
    .boxed()
}

fn action() -> BoxedStrategy<Action> {
    let changes = (
        prop::option::of(any::<u32>()),
        prop::option::of(any::<u64>()),
        prop::option::of(distribution()),
        prop::option::of(finite()),
    )
        .prop_map(
            |(memory_mb, timeout_ms, duration, error_probability)| FunctionChanges {
                memory_mb,
                timeout_ms,
                duration,
                error_probability,
                ..FunctionChanges::default()
            },
        );
    prop_oneof![
        Just(Action::Run),
        Just(Action::Pause),
        Just(Action::ClearFaults),
        ident().prop_map(|n| Action::InjectFault(Fault {
            target: FaultTarget::Node(n.into()),
            kind: FaultKind::Outage,
        })),
        (ident(), finite()).prop_map(|(e, percent)| Action::InjectFault(Fault {
            target: FaultTarget::Edge(EdgeId(e)),
            kind: FaultKind::EdgeDrop { percent },
        })),
        (ident(), arrival()).prop_map(|(n, arrival)| Action::SetWorkload {
            node: n.into(),
            arrival
        }),
        (
            ident(),
            changes,
            finite(),
            any::<u64>(),
            prop::option::of(text())
        )
            .prop_map(|(n, changes, percent, after_ms, rollback_on_alarm)| {
                Action::Deploy {
                    node: n.into(),
                    changes,
                    strategy: DeployStrategy::Canary {
                        percent,
                        after_ms,
                        rollback_on_alarm,
                    },
                }
            }),
        ident().prop_map(|n| Action::Rollback { node: n.into() }),
    ]
    .boxed()
}

fn lesson() -> BoxedStrategy<Lesson> {
    let step = (
        text(),
        text(),
        prop::collection::vec(ident(), 0..3),
        prop::collection::vec(action(), 0..3),
        check(),
        any::<u64>(),
        prop::option::of(question()),
        text(),
    )
        .prop_map(
            |(title, text, focus, actions, check, within_s, question, notes)| Step {
                title,
                text,
                focus: focus.into_iter().map(NodeId).collect(),
                actions,
                check,
                within_s,
                question,
                awaits: Some(UiEvent::OpenPanel(RunPanel::Traces)),
                instructor_notes: notes,
            },
        );
    (
        text(),
        text(),
        prop::collection::vec(step, 0..4),
        text(),
        any::<bool>(),
    )
        .prop_map(|(title, summary, steps, takeaway, exercise)| Lesson {
            title,
            summary,
            steps,
            takeaway,
            exercise,
            instructor_notes: String::new(),
        })
        .boxed()
}

/// A step's question, either kind.
fn question() -> BoxedStrategy<Question> {
    prop_oneof![
        (text(), text(), finite()).prop_map(|(prompt, reveal, tolerance_percent)| Question {
            prompt,
            answer: Answer::Number {
                measure: "q.p99_60s_ms".into(),
                tolerance_percent,
            },
            reveal,
        }),
        (text(), prop::collection::vec(text(), 0..4), any::<usize>()).prop_map(
            |(prompt, options, correct)| Question {
                prompt,
                answer: Answer::Choice { options, correct },
                reveal: String::new(),
            }
        ),
    ]
    .boxed()
}

/// One scenario expectation of any kind.
fn expectation() -> BoxedStrategy<Expectation> {
    prop_oneof![
        (ident(), finite(), finite()).prop_map(|(n, p, m)| Expectation::LatencyBelow {
            node: n.into(),
            percentile: p,
            max_ms: m
        }),
        (prop::option::of(ident()), finite()).prop_map(|(n, m)| Expectation::ErrorRateBelow {
            node: n.map(NodeId),
            max_percent: m
        }),
        ident().prop_map(|n| Expectation::DlqEmpty { node: n.into() }),
        (ident(), any::<u64>()).prop_map(|(n, max)| Expectation::QueueDepthBelow {
            node: n.into(),
            max
        }),
        finite().prop_map(|max_usd| Expectation::CostPerDayBelow { max_usd }),
        Just(Expectation::NoEventLost),
        text().prop_map(|alarm| Expectation::AlarmNeverFired { alarm }),
    ]
    .boxed()
}

/// One experiment: named faults at times, maybe a stop condition.
fn experiment() -> BoxedStrategy<Experiment> {
    let fault = prop_oneof![
        finite().prop_map(|percent| FaultKind::ErrorRate { percent }),
        (finite(), finite()).prop_map(|(added_ms, jitter_ms)| FaultKind::Latency {
            added_ms,
            jitter_ms
        }),
        Just(FaultKind::Outage),
        any::<u32>().prop_map(|max_concurrency| FaultKind::Throttle { max_concurrency }),
        Just(FaultKind::KillWarm),
        finite().prop_map(|ms| FaultKind::EdgeDelay { ms }),
        finite().prop_map(|percent| FaultKind::EdgeDrop { percent }),
        finite().prop_map(|percent| FaultKind::EdgeDuplicate { percent }),
    ];
    (
        text(),
        prop::collection::vec(
            (
                any::<u64>(),
                any::<Option<u64>>(),
                ident(),
                any::<bool>(),
                fault,
            ),
            0..3,
        ),
        prop::option::of((ident(), finite())),
    )
        .prop_map(|(name, faults, stop)| Experiment {
            name,
            faults: faults
                .into_iter()
                .map(
                    |(at_ms, duration_ms, target, on_edge, kind)| ScheduledFault {
                        at_ms,
                        duration_ms,
                        fault: Fault {
                            target: if on_edge {
                                FaultTarget::Edge(EdgeId(target))
                            } else {
                                FaultTarget::Node(NodeId(target))
                            },
                            kind,
                        },
                    },
                )
                .collect(),
            stop_when: stop.map(|(node, above)| StopCondition {
                node: node.into(),
                metric: Metric::P99LatencyMs,
                above,
            }),
        })
        .boxed()
}

fn alarm() -> BoxedStrategy<Alarm> {
    let cmp = prop::sample::select(vec![
        Cmp::Above,
        Cmp::AtLeast,
        Cmp::Below,
        Cmp::AtMost,
        Cmp::Equals,
    ]);
    (
        text(),
        ident(),
        prop::sample::select(AlarmMetric::ALL.to_vec()),
        cmp,
        finite(),
        (any::<u32>(), any::<u32>(), any::<u32>()),
        prop::sample::select(MissingData::ALL.to_vec()),
    )
        .prop_map(
            |(name, node, metric, op, threshold, (period_s, n, m), missing_data)| Alarm {
                name,
                node: node.into(),
                metric,
                op,
                threshold,
                period_s,
                evaluation_periods: n,
                datapoints_to_alarm: m,
                missing_data,
            },
        )
        .boxed()
}

fn project() -> BoxedStrategy<Project> {
    let nodes = prop::collection::btree_map(ident(), (text(), node_kind()), 0..8);
    let edges = prop::collection::btree_map(
        ident(),
        (
            ident(),
            ident(),
            edge_kind(),
            finite(),
            1..5u32,
            prop::collection::btree_map(ident(), text(), 0..2),
        ),
        0..8,
    );
    let expectations = prop::collection::vec(expectation(), 0..4);
    let experiments = prop::collection::vec(experiment(), 0..2);
    (
        text(),
        text(),
        nodes,
        edges,
        any::<u64>(),
        any::<u64>(),
        expectations,
        experiments,
        (finite(), any::<u32>()),
    )
        .prop_map(
            |(
                name,
                description,
                nodes,
                edges,
                seed,
                duration_ms,
                expectations,
                experiments,
                (price, n),
            )| {
                let positions: BTreeMap<NodeId, Pos> = nodes
                    .keys()
                    .enumerate()
                    .map(|(i, k)| {
                        (
                            NodeId::new(k.clone()),
                            Pos {
                                x: i as f32 * 1.5,
                                y: -(price as f32),
                            },
                        )
                    })
                    .collect();
                Project {
                    format_version: eventloom::project::FORMAT_VERSION,
                    name,
                    description,
                    provider: Provider::ALL[(seed % 4) as usize],
                    graph: Graph {
                        nodes: nodes
                            .into_iter()
                            .map(|(k, (name, kind))| (NodeId(k), Node { name, kind }))
                            .collect(),
                        edges: edges
                            .into_iter()
                            .map(|(k, (from, to, kind, probability, count, attributes))| {
                                (
                                    EdgeId(k),
                                    Edge {
                                        from: from.into(),
                                        to: to.into(),
                                        kind,
                                        emit: Emit {
                                            probability,
                                            count,
                                            attributes,
                                        },
                                    },
                                )
                            })
                            .collect(),
                    },
                    run: RunSettings {
                        seed,
                        duration_ms,
                        account_concurrency: n,
                        max_memory_mb: u64::from(n).max(16),
                        api_rate_limit_rps: price,
                        api_burst: n / 2,
                        cost_window_s: n % 4_000,
                    },
                    pricing: Pricing {
                        server_per_hour: price,
                        server_count: n,
                        free_tier: n % 2 == 0,
                        server_vcpus: n / 3,
                        server_target_utilisation: price / 7.0,
                        queue_fifo_per_million_requests: price * 2.0,
                        provisioned_per_gb_s_arm: price / 5.0,
                        ..Pricing::default()
                    },
                    expectations,
                    experiments,
                    layout: Layout { positions },
                    alarms: Vec::new(),
                    lesson: None,
                }
            },
        )
        .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_projects_round_trip(
        p in project(),
        lesson in prop::option::of(lesson()),
        alarms in prop::collection::vec(alarm(), 0..3),
    ) {
        let mut p = p;
        p.lesson = lesson;
        p.alarms = alarms;
        let text = to_ron_string(&p);
        let back = from_ron_str(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&back, &p);
        prop_assert_eq!(to_ron_string(&back), text.clone());
        prop_assert!(!text.contains('\r'));
        // Validation never panics on whatever was generated.
        let _ = validate(&back);
    }
}

#[test]
fn examples_are_canonical_and_round_trip() {
    for entry in std::fs::read_dir("projects").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "ron") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let p = from_ron_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let saved = to_ron_string(&p);
        assert_eq!(
            saved,
            text,
            "{} is not canonical: run `eventloom fmt` on it",
            path.display()
        );
        assert_eq!(from_ron_str(&saved).unwrap(), p);
    }
}

#[test]
fn save_then_load_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.ron");
    let p: Project =
        from_ron_str(&std::fs::read_to_string("projects/orders.ron").unwrap()).unwrap();
    eventloom::project::save(&p, &path).unwrap();
    let first = std::fs::read(&path).unwrap();
    let back = eventloom::project::load(&path).unwrap();
    assert_eq!(back, p);
    eventloom::project::save(&back, &path).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), first);
}

/// Picking another provider in the inspector (`retarget_edit`, one undoable step) gives
/// exactly what `retarget` gives — graph, prices, run settings, lesson, provider — for every
/// example and provider, and undoing it gives back the project unchanged.
#[test]
fn retarget_as_one_edit_is_the_whole_retarget_and_undoes() {
    use eventloom::model::{Provider, retarget, retarget_edit};
    let mut checked = 0;
    for entry in std::fs::read_dir("projects").expect("projects/") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("ron") {
            continue;
        }
        let original = eventloom::project::load(&path).expect("example loads");
        for to in Provider::ALL {
            let mut p = original.clone();
            let (edit, _) = retarget_edit(&p, to);
            let undo = edit.apply(&mut p).expect("applies");
            assert_eq!(p, retarget(&original, to).0, "{} → {to:?}", path.display());
            undo.apply(&mut p).expect("undo applies");
            assert_eq!(p, original, "{} undo of {to:?}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 12 * Provider::ALL.len());
}
