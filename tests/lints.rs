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
