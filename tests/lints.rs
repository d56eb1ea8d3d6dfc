//! Each design lint fires on a minimal project with the flaw and not on the same project
//! with the flaw fixed.

use eventloom::model::*;

fn project(nodes: &[(&str, NodeKind)], edges: &[(&str, &str, EdgeKind)]) -> Project {
    let mut p = Project::default();
    for (id, kind) in nodes {
        p.graph
            .nodes
            .insert((*id).into(), Node::new(*id, kind.clone()));
    }
    for (from, to, kind) in edges {
        let id = p.graph.fresh_edge_id(&(*from).into(), &(*to).into());
        p.graph
            .edges
            .insert(id, Edge::new(*from, *to, kind.clone()));
    }
    p
}

fn codes(p: &Project) -> Vec<&'static str> {
    validate(p).iter().map(|d| d.code).collect()
}

/// Asserts `code` is reported for `flawed` (with the given severity, on `subject` when
/// given) and not for `fixed`.
fn fires(code: &str, severity: Severity, flawed: &Project, fixed: &Project) {
    let diags = validate(flawed);
    let hit = diags.iter().find(|d| d.code == code);
    let Some(hit) = hit else {
        panic!("{code} did not fire: {diags:#?}")
    };
    assert_eq!(hit.severity, severity, "{hit}");
    assert!(
        !codes(fixed).contains(&code.to_owned().as_str()),
        "{code} fired on the fixed project: {:#?}",
        validate(fixed)
    );
}

fn function(timeout_ms: u64) -> NodeKind {
    NodeKind::Function(FunctionParams {
        timeout_ms,
        ..FunctionParams::default()
    })
}

fn queue(visibility_timeout_ms: u64) -> NodeKind {
    NodeKind::Queue(QueueParams {
        visibility_timeout_ms,
        ..QueueParams::default()
    })
}

fn esm() -> EdgeKind {
    EdgeTag::EventSource.default_kind()
}

fn client() -> NodeKind {
    KindTag::Client.default_kind()
}

#[test]
fn visibility_timeout_below_six_times_function_timeout() {
    let flawed = project(
        &[
            ("c", client()),
            ("q", queue(30_000)),
            ("f", function(10_000)),
        ],
        &[("c", "q", EdgeKind::Write), ("q", "f", esm())],
    );
    let fixed = project(
        &[
            ("c", client()),
            ("q", queue(60_000)),
            ("f", function(10_000)),
        ],
        &[("c", "q", EdgeKind::Write), ("q", "f", esm())],
    );
    fires("visibility-timeout", Severity::Warning, &flawed, &fixed);
    let d = validate(&flawed)
        .into_iter()
        .find(|d| d.code == "visibility-timeout")
        .unwrap();
    assert_eq!(d.subject, Subject::Node("q".into()));
    assert!(d.message.contains("60 s"), "{d}");
}

#[test]
fn async_function_without_failure_destination() {
    let flawed = project(
        &[("c", client()), ("f", function(3_000))],
        &[("c", "f", EdgeKind::AsyncInvoke)],
    );
    let fixed = project(
        &[
            ("c", client()),
            ("f", function(3_000)),
            ("dlq", queue(30_000)),
        ],
        &[
            ("c", "f", EdgeKind::AsyncInvoke),
            ("f", "dlq", EdgeKind::OnFailure),
        ],
    );
    fires("no-failure-destination", Severity::Warning, &flawed, &fixed);
    // A synchronously invoked function needs no DLQ: the caller sees the error.
    let sync = project(
        &[("c", client()), ("f", function(3_000))],
        &[("c", "f", EdgeKind::SyncInvoke)],
    );
    assert!(!codes(&sync).contains(&"no-failure-destination"));
}

#[test]
fn function_writing_to_the_bucket_that_triggers_it() {
    let bucket = KindTag::Bucket.default_kind();
    let dlq = queue(30_000);
    let flawed = project(
        &[
            ("c", client()),
            ("images", bucket.clone()),
            ("resize", function(3_000)),
            ("dlq", dlq.clone()),
        ],
        &[
            ("c", "images", EdgeKind::Write),
            ("images", "resize", EdgeKind::AsyncInvoke),
            ("resize", "images", EdgeKind::Write),
            ("resize", "dlq", EdgeKind::OnFailure),
        ],
    );
    let fixed = project(
        &[
            ("c", client()),
            ("images", bucket.clone()),
            ("thumbs", bucket),
            ("resize", function(3_000)),
            ("dlq", dlq),
        ],
        &[
            ("c", "images", EdgeKind::Write),
            ("images", "resize", EdgeKind::AsyncInvoke),
            ("resize", "thumbs", EdgeKind::Write),
            ("resize", "dlq", EdgeKind::OnFailure),
        ],
    );
    fires("event-loop", Severity::Warning, &flawed, &fixed);
    let d = validate(&flawed)
        .into_iter()
        .find(|d| d.code == "event-loop")
        .unwrap();
    assert!(
        d.message.contains("\"images\"")
            && d.message.contains("\"resize\"")
            && d.message.contains("Bucket"),
        "{d}"
    );
    // What the platform does: Lambda's loop detection stops it.
    assert!(d.message.contains("stops each chain after 16"), "{d}");
}

#[test]
fn table_stream_loop_is_caught_too() {
    let table = KindTag::Table.default_kind();
    let flawed = project(
        &[
            ("c", client()),
            ("t", table.clone()),
            ("f", function(3_000)),
        ],
        &[
            ("c", "t", EdgeKind::Write),
            ("t", "f", esm()),
            ("f", "t", EdgeKind::Write),
        ],
    );
    let fixed = project(
        &[
            ("c", client()),
            ("t", table.clone()),
            ("t2", table),
            ("f", function(3_000)),
        ],
        &[
            ("c", "t", EdgeKind::Write),
            ("t", "f", esm()),
            ("f", "t2", EdgeKind::Write),
        ],
    );
    fires("event-loop", Severity::Warning, &flawed, &fixed);
    // Lambda does not follow events through a table's stream: nothing stops this loop.
    let d = validate(&flawed)
        .into_iter()
        .find(|d| d.code == "event-loop")
        .unwrap();
    assert!(
        d.message.contains("does not follow events through Table"),
        "{d}"
    );
    assert!(eventloom::model::loop_guarded(&flawed).is_empty());
}

#[test]
fn api_timeout_shorter_than_function_timeout() {
    let api = NodeKind::HttpApi(HttpApiParams {
        integration_timeout_ms: 29_000,
        ..HttpApiParams::default()
    });
    let nodes_flawed = [
        ("c", client()),
        ("api", api.clone()),
        ("f", function(60_000)),
    ];
    let nodes_fixed = [("c", client()), ("api", api), ("f", function(20_000))];
    let edges = [
        ("c", "api", EdgeKind::SyncInvoke),
        ("api", "f", EdgeKind::SyncInvoke),
    ];
    fires(
        "api-timeout",
        Severity::Warning,
        &project(&nodes_flawed, &edges),
        &project(&nodes_fixed, &edges),
    );
}

#[test]
fn reserved_concurrency_above_account_limit() {
    let reserved = |r| {
        NodeKind::Function(FunctionParams {
            reserved_concurrency: Some(r),
            ..FunctionParams::default()
        })
    };
    let edges = [("c", "f", EdgeKind::SyncInvoke)];
    let flawed = project(&[("c", client()), ("f", reserved(950))], &edges);
    let fixed = project(&[("c", client()), ("f", reserved(900))], &edges);
    fires("reserved-over-account", Severity::Error, &flawed, &fixed);
    // Two functions that each fit but together do not.
    let both = project(
        &[("c", client()), ("f", reserved(600)), ("g", reserved(600))],
        &[
            ("c", "f", EdgeKind::SyncInvoke),
            ("c", "g", EdgeKind::SyncInvoke),
        ],
    );
    let d = validate(&both)
        .into_iter()
        .find(|d| d.code == "reserved-over-account")
        .unwrap();
    assert_eq!(d.subject, Subject::Project);
    // The pool is Lambda's: a function on another provider claims nothing from it, whether
    // the project or the function itself is elsewhere.
    let elsewhere = |provider| {
        NodeKind::Function(FunctionParams {
            reserved_concurrency: Some(600),
            provider: Some(provider),
            ..FunctionParams::default()
        })
    };
    for provider in [
        Provider::Gcp,
        Provider::AzureFlex,
        Provider::AzureConsumption,
    ] {
        let mixed = project(
            &[
                ("c", client()),
                ("f", reserved(600)),
                ("g", elsewhere(provider)),
            ],
            &[
                ("c", "f", EdgeKind::SyncInvoke),
                ("c", "g", EdgeKind::SyncInvoke),
            ],
        );
        assert!(
            !codes(&mixed).contains(&"reserved-over-account"),
            "{provider:?}: {:#?}",
            validate(&mixed)
        );
        let mut moved = both.clone();
        moved.provider = provider;
        assert!(
            !codes(&moved).contains(&"reserved-over-account"),
            "{provider:?}: {:#?}",
            validate(&moved)
        );
    }
}

#[test]
fn provisioned_concurrency_counts_against_the_account_too() {
    // 500 reserved by one function and 500 provisioned by another (without a reservation):
    // 1,000 allocated, above the 900 an account of 1,000 can allocate.
    let f = |reserved, provisioned| {
        NodeKind::Function(FunctionParams {
            reserved_concurrency: reserved,
            provisioned_concurrency: provisioned,
            ..FunctionParams::default()
        })
    };
    let edges = [
        ("c", "f", EdgeKind::SyncInvoke),
        ("c", "g", EdgeKind::SyncInvoke),
    ];
    let flawed = project(
        &[("c", client()), ("f", f(Some(500), 0)), ("g", f(None, 500))],
        &edges,
    );
    let fixed = project(
        &[("c", client()), ("f", f(Some(500), 0)), ("g", f(None, 400))],
        &edges,
    );
    fires("reserved-over-account", Severity::Error, &flawed, &fixed);
}

#[test]
fn queue_pollers_above_the_reserved_concurrency() {
    let f = NodeKind::Function(FunctionParams {
        reserved_concurrency: Some(5),
        ..FunctionParams::default()
    });
    let mapping = |max_concurrency| {
        EdgeKind::EventSource(EventSourceMapping {
            max_concurrency,
            ..EventSourceMapping::default()
        })
    };
    let nodes = [("c", client()), ("q", queue(30_000)), ("f", f)];
    let with = |m| project(&nodes, &[("c", "q", EdgeKind::Write), ("q", "f", m)]);
    fires(
        "pollers-over-reserved",
        Severity::Warning,
        &with(mapping(None)),
        &with(mapping(Some(5))),
    );
    fires(
        "pollers-over-reserved",
        Severity::Warning,
        &with(mapping(Some(6))),
        &with(mapping(Some(2))),
    );
}

#[test]
fn settings_a_mapping_ignores_for_its_source() {
    // Matrix: each stream-only setting on a queue mapping, and max_concurrency on a stream
    // mapping, is flagged; the same mapping without it is not.
    let stream_only: [(&str, EventSourceMapping); 4] = [
        (
            "parallelization_factor",
            EventSourceMapping {
                parallelization_factor: 2,
                ..EventSourceMapping::default()
            },
        ),
        (
            "bisect",
            EventSourceMapping {
                bisect_batch_on_error: true,
                ..EventSourceMapping::default()
            },
        ),
        (
            "maximum_retry_attempts",
            EventSourceMapping {
                maximum_retry_attempts: Some(3),
                ..EventSourceMapping::default()
            },
        ),
        (
            "maximum_record_age_ms",
            EventSourceMapping {
                maximum_record_age_ms: Some(60_000),
                ..EventSourceMapping::default()
            },
        ),
    ];
    let queue_nodes = [
        ("c", client()),
        ("q", queue(30_000)),
        ("f", function(3_000)),
    ];
    let on_queue = |m: EventSourceMapping| {
        project(
            &queue_nodes,
            &[
                ("c", "q", EdgeKind::Write),
                ("q", "f", EdgeKind::EventSource(m)),
            ],
        )
    };
    for (what, m) in stream_only {
        let d = validate(&on_queue(m.clone()));
        assert!(
            d.iter().any(|d| d.code == "stream-setting-on-queue"),
            "{what}: {d:#?}"
        );
        // The same settings on a stream are fine.
        let on_stream = project(
            &[
                ("c", client()),
                ("t", KindTag::Table.default_kind()),
                ("f", function(3_000)),
            ],
            &[
                ("c", "t", EdgeKind::Write),
                ("t", "f", EdgeKind::EventSource(m)),
            ],
        );
        assert!(
            !codes(&on_stream).contains(&"stream-setting-on-queue"),
            "{what}"
        );
    }
    assert!(!codes(&on_queue(EventSourceMapping::default())).contains(&"stream-setting-on-queue"));
    let stream_nodes = [
        ("c", client()),
        ("t", KindTag::Table.default_kind()),
        ("f", function(3_000)),
    ];
    let on_stream = |m| {
        project(
            &stream_nodes,
            &[
                ("c", "t", EdgeKind::Write),
                ("t", "f", EdgeKind::EventSource(m)),
            ],
        )
    };
    fires(
        "queue-setting-on-stream",
        Severity::Warning,
        &on_stream(EventSourceMapping {
            max_concurrency: Some(10),
            ..EventSourceMapping::for_stream()
        }),
        &on_stream(EventSourceMapping::for_stream()),
    );
}

#[test]
fn duplicates_and_groups_where_the_platform_has_none() {
    // Matrix over the kinds with a duplicate setting and the queue kinds: the lint fires
    // where the platform delivers exactly once (streams, FIFO queues) or has no groups
    // (standard queues), and not where the setting applies.
    let table = |dup| {
        NodeKind::Table(TableParams {
            duplicate_probability: dup,
            ..TableParams::default()
        })
    };
    let q = |fifo, dup, groups| {
        NodeKind::Queue(QueueParams {
            fifo,
            duplicate_probability: dup,
            message_groups: groups,
            ..QueueParams::default()
        })
    };
    let bucket = NodeKind::Bucket(BucketParams {
        duplicate_probability: 0.5,
        ..BucketParams::default()
    });
    let cases: [(NodeKind, Option<&str>); 7] = [
        (table(0.5), Some("stream-exactly-once")),
        (table(0.0), None),
        (q(true, 0.5, 1), Some("fifo-exactly-once")),
        (q(false, 0.5, 1), None),
        (q(false, 0.0, 4), Some("groups-on-standard-queue")),
        (q(true, 0.0, 4), None),
        (bucket, None),
    ];
    let ours = [
        "stream-exactly-once",
        "fifo-exactly-once",
        "groups-on-standard-queue",
    ];
    for (kind, expected) in cases {
        let p = project(
            &[("c", client()), ("s", kind.clone())],
            &[("c", "s", EdgeKind::Write)],
        );
        let fired: Vec<&str> = codes(&p).into_iter().filter(|c| ours.contains(c)).collect();
        assert_eq!(fired, expected.into_iter().collect::<Vec<_>>(), "{kind:?}");
    }
}

#[test]
fn sns_retry_policies_apply_to_http_subscribers_only() {
    let custom = EdgeKind::Subscription(Subscription {
        retry: RetryPolicy {
            max_retries: 10,
            initial_delay_ms: 5_000,
            backoff_factor: 2.0,
        },
        ..Subscription::default()
    });
    let default = EdgeKind::Subscription(Subscription::default());
    let topic = KindTag::Topic.default_kind();
    let api = KindTag::HttpApi.default_kind();
    // Matrix over subscriber kinds: a custom policy is ignored (warned) for functions and
    // queues; for an HTTP/S subscriber it applies, and is warned only beyond an hour.
    for (target, kind) in [("f", function(3_000)), ("q", queue(30_000))] {
        let with = |sub: &EdgeKind| {
            project(
                &[
                    ("c", client()),
                    ("t", topic.clone()),
                    (target, kind.clone()),
                ],
                &[("c", "t", EdgeKind::Write), ("t", target, sub.clone())],
            )
        };
        fires(
            "sns-fixed-retries",
            Severity::Warning,
            &with(&custom),
            &with(&default),
        );
    }
    let http = |sub: EdgeKind| {
        project(
            &[
                ("c", client()),
                ("t", topic.clone()),
                ("api", api.clone()),
                ("f", function(3_000)),
            ],
            &[
                ("c", "t", EdgeKind::Write),
                ("t", "api", sub),
                ("api", "f", EdgeKind::SyncInvoke),
            ],
        )
    };
    // 5 s doubling ten times spans 5,115 s: over SNS's one-hour cap for HTTP/S.
    fires(
        "sns-retry-too-long",
        Severity::Warning,
        &http(custom.clone()),
        &http(default),
    );
    assert!(!codes(&http(custom)).contains(&"sns-fixed-retries"));
}

#[test]
fn integration_timeout_above_29_s_only_for_regional_and_private_rest_apis() {
    // Matrix over flavor × endpoint: the longest timeout each may have is accepted, one
    // millisecond more is refused.
    let cells = [
        (ApiFlavor::Rest, ApiEndpoint::Regional, 300_000),
        (ApiFlavor::Rest, ApiEndpoint::Private, 300_000),
        (ApiFlavor::Rest, ApiEndpoint::EdgeOptimized, 29_000),
        (ApiFlavor::Http, ApiEndpoint::Regional, 30_000),
        (ApiFlavor::Http, ApiEndpoint::Private, 30_000),
        (ApiFlavor::Http, ApiEndpoint::EdgeOptimized, 30_000),
    ];
    for (flavor, endpoint, max) in cells {
        let with = |timeout| {
            project(
                &[
                    ("c", client()),
                    (
                        "api",
                        NodeKind::HttpApi(HttpApiParams {
                            flavor,
                            endpoint,
                            integration_timeout_ms: timeout,
                            ..HttpApiParams::default()
                        }),
                    ),
                    ("f", function(3_000)),
                ],
                &[
                    ("c", "api", EdgeKind::SyncInvoke),
                    ("api", "f", EdgeKind::SyncInvoke),
                ],
            )
        };
        assert!(
            !has_errors(&validate(&with(max))),
            "{flavor:?} {endpoint:?} {max}"
        );
        let d = validate(&with(max + 1));
        assert!(
            d.iter()
                .any(|d| d.code == "bad-parameter" && d.message.contains("integration_timeout_ms")),
            "{flavor:?} {endpoint:?}: {d:#?}"
        );
    }
}

#[test]
fn new_platform_parameters_are_range_checked() {
    // Each out-of-range value of a parameter this issue added is refused with its name.
    let mut cases: Vec<(&str, Project)> = Vec::new();
    let base = || project(&[("c", client())], &[]);
    let mut p = base();
    p.run.cost_window_s = 5;
    cases.push(("run.cost_window_s", p));
    let mut p = base();
    p.run.api_burst = 0;
    cases.push(("run.api_burst", p));
    let mut p = base();
    p.run.api_rate_limit_rps = f64::NAN;
    cases.push(("run.api_rate_limit_rps", p));
    let mut p = base();
    p.pricing.server_vcpus = 0;
    cases.push(("pricing.server_vcpus", p));
    let mut p = base();
    p.pricing.server_target_utilisation = 1.5;
    cases.push(("pricing.server_target_utilisation", p));
    let mut p = base();
    p.pricing.queue_fifo_per_million_requests = -1.0;
    cases.push(("queue_fifo_per_million_requests", p));
    let table = |shards| {
        project(
            &[
                ("c", client()),
                (
                    "t",
                    NodeKind::Table(TableParams {
                        stream_shards: shards,
                        ..TableParams::default()
                    }),
                ),
            ],
            &[("c", "t", EdgeKind::Write)],
        )
    };
    cases.push(("stream_shards", table(0)));
    cases.push(("stream_shards", table(1_001)));
    let groups = project(
        &[
            ("c", client()),
            (
                "q",
                NodeKind::Queue(QueueParams {
                    fifo: true,
                    message_groups: 0,
                    ..QueueParams::default()
                }),
            ),
        ],
        &[("c", "q", EdgeKind::Write)],
    );
    cases.push(("message_groups", groups));
    let stream = |m: EventSourceMapping| {
        project(
            &[
                ("c", client()),
                ("t", KindTag::Table.default_kind()),
                ("f", function(3_000)),
            ],
            &[
                ("c", "t", EdgeKind::Write),
                ("t", "f", EdgeKind::EventSource(m)),
            ],
        )
    };
    cases.push((
        "parallelization_factor",
        stream(EventSourceMapping {
            parallelization_factor: 11,
            ..EventSourceMapping::for_stream()
        }),
    ));
    cases.push((
        "maximum_retry_attempts",
        stream(EventSourceMapping {
            maximum_retry_attempts: Some(10_001),
            ..EventSourceMapping::for_stream()
        }),
    ));
    cases.push((
        "maximum_record_age_ms",
        stream(EventSourceMapping {
            maximum_record_age_ms: Some(59_999),
            ..EventSourceMapping::for_stream()
        }),
    ));
    for (field, p) in cases {
        let d = validate(&p);
        assert!(
            d.iter()
                .any(|d| d.code == "bad-parameter" && d.message.contains(field)),
            "{field}: {d:#?}"
        );
    }
}

#[test]
fn unconnected_nodes() {
    let flawed = project(
        &[
            ("c", client()),
            ("f", function(3_000)),
            ("lonely", function(3_000)),
        ],
        &[("c", "f", EdgeKind::SyncInvoke)],
    );
    let fixed = project(
        &[("c", client()), ("f", function(3_000))],
        &[("c", "f", EdgeKind::SyncInvoke)],
    );
    fires("unconnected", Severity::Warning, &flawed, &fixed);
    let d = validate(&flawed)
        .into_iter()
        .find(|d| d.code == "unconnected")
        .unwrap();
    assert_eq!(d.subject, Subject::Node("lonely".into()));
}

#[test]
fn sync_call_cycle() {
    let nodes = [
        ("c", client()),
        ("a", function(3_000)),
        ("b", function(2_000)),
    ];
    let flawed = project(
        &nodes,
        &[
            ("c", "a", EdgeKind::SyncInvoke),
            ("a", "b", EdgeKind::SyncInvoke),
            ("b", "a", EdgeKind::SyncInvoke),
        ],
    );
    let fixed = project(
        &nodes,
        &[
            ("c", "a", EdgeKind::SyncInvoke),
            ("a", "b", EdgeKind::SyncInvoke),
        ],
    );
    fires("sync-cycle", Severity::Error, &flawed, &fixed);
    // A sync cycle is not reported a second time as an event loop.
    assert!(!codes(&flawed).contains(&"event-loop"));
}

#[test]
fn sync_callee_timeout_not_shorter_than_caller() {
    let nodes_flawed = [
        ("c", client()),
        ("a", function(3_000)),
        ("b", function(3_000)),
    ];
    let nodes_fixed = [
        ("c", client()),
        ("a", function(3_000)),
        ("b", function(1_000)),
    ];
    let edges = [
        ("c", "a", EdgeKind::SyncInvoke),
        ("a", "b", EdgeKind::SyncInvoke),
    ];
    fires(
        "sync-timeout",
        Severity::Warning,
        &project(&nodes_flawed, &edges),
        &project(&nodes_fixed, &edges),
    );
}

#[test]
fn redrive_policy_needs_a_dlq() {
    let redrive = NodeKind::Queue(QueueParams {
        max_receive_count: Some(3),
        ..QueueParams::default()
    });
    let flawed = project(
        &[
            ("c", client()),
            ("q", redrive.clone()),
            ("f", function(3_000)),
        ],
        &[("c", "q", EdgeKind::Write), ("q", "f", esm())],
    );
    let fixed = project(
        &[
            ("c", client()),
            ("q", redrive),
            ("f", function(3_000)),
            ("dlq", queue(30_000)),
        ],
        &[
            ("c", "q", EdgeKind::Write),
            ("q", "f", esm()),
            ("q", "dlq", EdgeKind::OnFailure),
        ],
    );
    fires("redrive-without-dlq", Severity::Error, &flawed, &fixed);
}

#[test]
fn dlq_without_max_receive_count_is_never_used() {
    let flawed = project(
        &[
            ("c", client()),
            ("q", queue(30_000)),
            ("f", function(3_000)),
            ("dlq", queue(30_000)),
        ],
        &[
            ("c", "q", EdgeKind::Write),
            ("q", "f", esm()),
            ("q", "dlq", EdgeKind::OnFailure),
        ],
    );
    let mut fixed = flawed.clone();
    fixed.graph.nodes.get_mut(&NodeId::from("q")).unwrap().kind = NodeKind::Queue(QueueParams {
        max_receive_count: Some(5),
        ..QueueParams::default()
    });
    fires("dlq-unused", Severity::Warning, &flawed, &fixed);
}

#[test]
fn fifo_queue_needs_fifo_dlq() {
    let fifo = |fifo| {
        NodeKind::Queue(QueueParams {
            fifo,
            max_receive_count: Some(3),
            ..QueueParams::default()
        })
    };
    let edges = [
        ("c", "q", EdgeKind::Write),
        ("q", "f", esm()),
        ("q", "dlq", EdgeKind::OnFailure),
    ];
    let flawed = project(
        &[
            ("c", client()),
            ("q", fifo(true)),
            ("f", function(3_000)),
            ("dlq", fifo(false)),
        ],
        &edges,
    );
    let fixed = project(
        &[
            ("c", client()),
            ("q", fifo(true)),
            ("f", function(3_000)),
            ("dlq", fifo(true)),
        ],
        &edges,
    );
    fires("fifo-dlq", Severity::Error, &flawed, &fixed);
}

#[test]
fn queue_without_consumer() {
    let flawed = project(
        &[("c", client()), ("q", queue(30_000))],
        &[("c", "q", EdgeKind::Write)],
    );
    let fixed = project(
        &[
            ("c", client()),
            ("q", queue(30_000)),
            ("f", function(3_000)),
        ],
        &[("c", "q", EdgeKind::Write), ("q", "f", esm())],
    );
    fires("queue-no-consumer", Severity::Warning, &flawed, &fixed);
}

#[test]
fn topic_without_subscribers() {
    let topic = KindTag::Topic.default_kind();
    let flawed = project(
        &[("c", client()), ("t", topic.clone())],
        &[("c", "t", EdgeKind::Write)],
    );
    let fixed = project(
        &[
            ("c", client()),
            ("t", topic),
            ("q", queue(30_000)),
            ("f", function(3_000)),
        ],
        &[
            ("c", "t", EdgeKind::Write),
            ("t", "q", EdgeTag::Subscription.default_kind()),
            ("q", "f", esm()),
        ],
    );
    fires("topic-no-subscribers", Severity::Warning, &flawed, &fixed);
}

#[test]
fn stream_mapping_on_table_without_stream() {
    let table = |stream_enabled| {
        NodeKind::Table(TableParams {
            stream_enabled,
            ..TableParams::default()
        })
    };
    let edges = [("c", "t", EdgeKind::Write), ("t", "f", esm())];
    fires(
        "stream-disabled",
        Severity::Error,
        &project(
            &[("c", client()), ("t", table(false)), ("f", function(3_000))],
            &edges,
        ),
        &project(
            &[("c", client()), ("t", table(true)), ("f", function(3_000))],
            &edges,
        ),
    );
}

#[test]
fn duplicate_edges() {
    let nodes = [("c", client()), ("f", function(3_000))];
    let flawed = project(
        &nodes,
        &[
            ("c", "f", EdgeKind::SyncInvoke),
            ("c", "f", EdgeKind::SyncInvoke),
        ],
    );
    let fixed = project(&nodes, &[("c", "f", EdgeKind::SyncInvoke)]);
    fires("duplicate-edge", Severity::Warning, &flawed, &fixed);
}

#[test]
fn illegal_wiring_is_an_error() {
    let nodes = [
        ("c", client()),
        ("q", queue(30_000)),
        ("t", KindTag::Table.default_kind()),
    ];
    let flawed = project(
        &nodes,
        &[("c", "q", EdgeKind::Write), ("q", "t", EdgeKind::Write)],
    );
    let fixed = project(
        &nodes,
        &[("c", "q", EdgeKind::Write), ("c", "t", EdgeKind::Write)],
    );
    fires("illegal-edge", Severity::Error, &flawed, &fixed);
}

#[test]
fn empty_project_is_valid() {
    assert!(validate(&Project::default()).is_empty());
}

#[test]
fn examples_have_no_errors() {
    for entry in std::fs::read_dir("projects").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "ron") {
            continue;
        }
        let p = eventloom::project::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let diags = validate(&p);
        assert!(diags.is_empty(), "{}: {diags:#?}", path.display());
        assert!(
            p.graph.nodes.len() >= 5,
            "{} is too small to be a real example",
            path.display()
        );
    }
}

#[test]
fn faults_only_on_kinds_they_affect() {
    let base = project(
        &[
            ("c", client()),
            ("api", KindTag::HttpApi.default_kind()),
            ("f", function(3_000)),
        ],
        &[
            ("c", "api", EdgeKind::SyncInvoke),
            ("api", "f", EdgeKind::SyncInvoke),
        ],
    );
    let with_fault = |node: &str, kind: FaultKind| {
        let mut p = base.clone();
        p.experiments.push(Experiment {
            name: "x".into(),
            faults: vec![ScheduledFault {
                at_ms: 0,
                duration_ms: None,
                fault: Fault {
                    target: FaultTarget::Node(node.into()),
                    kind,
                },
            }],
            stop_when: None,
        });
        codes(&p).contains(&"wrong-kind")
    };
    let latency = FaultKind::Latency {
        added_ms: 100.0,
        jitter_ms: 0.0,
    };
    assert!(
        with_fault("api", latency.clone()),
        "latency on an API would silently do nothing"
    );
    assert!(!with_fault("f", latency));
    assert!(!with_fault("api", FaultKind::Outage));
    assert!(with_fault("c", FaultKind::Outage));
    assert!(with_fault("api", FaultKind::ErrorRate { percent: 10.0 }));
    assert!(!with_fault("f", FaultKind::KillWarm));
}

/// A function of each duration shape whose typical duration is 80 ms: with a 1 ms timeout
/// most invocations would time out (warned), with the default 3 s none would (quiet). One
/// row per shape, so a shape the lint cannot judge fails here.
#[test]
fn timeout_below_typical_duration_for_every_shape() {
    for shape in Shape::ALL {
        let duration = match shape {
            Shape::Constant => Distribution::Constant { ms: 80.0 },
            Shape::Exponential => Distribution::Exponential { mean_ms: 115.0 },
            Shape::LogNormal => Distribution::LogNormal {
                median_ms: 80.0,
                sigma: 0.5,
            },
            Shape::Uniform => Distribution::Uniform {
                min_ms: 60.0,
                max_ms: 100.0,
            },
            Shape::Empirical => Distribution::Empirical {
                samples_ms: vec![70.0, 80.0, 90.0],
            },
        };
        let f = |timeout_ms| {
            NodeKind::Function(FunctionParams {
                timeout_ms,
                duration: duration.clone(),
                ..FunctionParams::default()
            })
        };
        let edges = [("c", "f", EdgeKind::SyncInvoke)];
        let flawed = project(&[("c", client()), ("f", f(1))], &edges);
        let fixed = project(&[("c", client()), ("f", f(3_000))], &edges);
        fires("timeout-below-duration", Severity::Warning, &flawed, &fixed);
        let d = validate(&flawed);
        let hit = d.iter().find(|d| d.code == "timeout-below-duration");
        assert!(
            hit.is_some_and(|d| d.message.contains("would time out")),
            "{shape:?}: {d:#?}"
        );
    }
}

/// The share of invocations above the timeout decides, not the mean: a lognormal with a
/// long tail whose median is under the timeout is not warned about.
#[test]
fn timeout_share_is_judged_by_the_distribution() {
    let long_tail = Distribution::LogNormal {
        median_ms: 80.0,
        sigma: 1.5,
    };
    assert!(share_above(&long_tail, 100.0) < TIMEOUT_SHARE);
    assert!(share_above(&long_tail, 60.0) > TIMEOUT_SHARE);
    let exp = Distribution::Exponential { mean_ms: 100.0 };
    assert!((share_above(&exp, 100.0) - (-1.0f64).exp()).abs() < 1e-12);
    assert_eq!(
        median_ms(&Distribution::Empirical { samples_ms: vec![] }),
        0.0
    );
    assert_eq!(
        share_above(&Distribution::Empirical { samples_ms: vec![] }, 1.0),
        0.0
    );
    let z = Distribution::LogNormal {
        median_ms: 80.0,
        sigma: 0.0,
    };
    assert_eq!(share_above(&z, 1.0), 1.0);
}
