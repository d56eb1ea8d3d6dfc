//! Generated projects of any size, for benchmarks and stress tests.

use crate::model::*;

/// A valid project of about `nodes` nodes: parallel lanes of
/// client → API → function → queue → function → table, laid out in a grid, every lane
/// wired like a real service (DLQ, visibility timeout, expectations).
pub fn pipeline(nodes: usize) -> Project {
    const LANE: usize = 7;
    let lanes = nodes.div_ceil(LANE).max(1);
    let mut p = Project {
        name: format!("Synthetic pipeline ({nodes} nodes)"),
        ..Project::default()
    };
    let mut added = 0;
    for lane in 0..lanes {
        let id = |s: &str| NodeId::new(format!("{s}-{lane}"));
        let function = |median_ms: f64| {
            NodeKind::Function(FunctionParams {
                timeout_ms: 10_000,
                duration: Distribution::LogNormal {
                    median_ms,
                    sigma: 0.5,
                },
                ..FunctionParams::default()
            })
        };
        let kinds = [
            (
                "client",
                NodeKind::Client(ClientParams {
                    arrival: Arrival::Poisson { rate_per_s: 5.0 },
                }),
            ),
            ("api", NodeKind::HttpApi(HttpApiParams::default())),
            ("ingest", function(20.0)),
            (
                "queue",
                NodeKind::Queue(QueueParams {
                    visibility_timeout_ms: 60_000,
                    max_receive_count: Some(3),
                    ..QueueParams::default()
                }),
            ),
            ("dlq", NodeKind::Queue(QueueParams::default())),
            ("worker", function(80.0)),
            ("table", NodeKind::Table(TableParams::default())),
        ];
        for (col, (name, kind)) in kinds.into_iter().enumerate() {
            if added == nodes {
                break;
            }
            added += 1;
            let n = id(name);
            p.layout.positions.insert(
                n.clone(),
                Pos {
                    x: col as f32 * 180.0,
                    y: lane as f32 * 120.0,
                },
            );
            p.graph
                .nodes
                .insert(n, Node::new(format!("{name} {lane}"), kind));
        }
        let edges = [
            ("client", "api", EdgeKind::SyncInvoke),
            ("api", "ingest", EdgeKind::SyncInvoke),
            ("ingest", "queue", EdgeKind::Write),
            ("queue", "dlq", EdgeKind::OnFailure),
            (
                "queue",
                "worker",
                EdgeKind::EventSource(EventSourceMapping::default()),
            ),
            ("worker", "table", EdgeKind::Write),
        ];
        for (from, to, kind) in edges {
            let (from, to) = (id(from), id(to));
            if p.graph.nodes.contains_key(&from) && p.graph.nodes.contains_key(&to) {
                let eid = p.graph.fresh_edge_id(&from, &to);
                p.graph.edges.insert(eid, Edge::new(from, to, kind));
            }
        }
    }
    p.expectations.push(Expectation::NoEventLost);
    p
}

/// One client calling one function synchronously: Poisson arrivals at `rate_per_s`,
/// exponential durations with mean `mean_ms`, default settings otherwise (the engine
/// throughput benchmark's workload).
pub fn single_function(rate_per_s: f64, mean_ms: f64) -> Project {
    let mut p = Project::default();
    p.graph.nodes.insert(
        "client".into(),
        Node::new(
            "client",
            NodeKind::Client(ClientParams {
                arrival: Arrival::Poisson { rate_per_s },
            }),
        ),
    );
    p.graph.nodes.insert(
        "fn".into(),
        Node::new(
            "fn",
            NodeKind::Function(FunctionParams {
                duration: Distribution::Exponential { mean_ms },
                ..FunctionParams::default()
            }),
        ),
    );
    p.graph
        .edges
        .insert("e".into(), Edge::new("client", "fn", EdgeKind::SyncInvoke));
    p
}

/// The 5-node pipeline of the engine benchmarks — HTTP API → function → queue → function →
/// table — driven by one Poisson client at `rate_per_s`, with an account concurrency large
/// enough that nothing is throttled at that rate.
pub fn five_node_pipeline(rate_per_s: f64) -> Project {
    let mut p = Project {
        name: "pipeline".to_owned(),
        ..Project::default()
    };
    // Worker median 120 ms (lognormal, σ 0.5): about rate × 0.14 s busy on average.
    let needed = (rate_per_s.max(0.0) * 0.5)
        .ceil()
        .min(f64::from(u32::MAX / 2)) as u32;
    p.run.account_concurrency = p.run.account_concurrency.max(needed);
    let mut node = |id: &str, kind: NodeKind| {
        p.graph.nodes.insert(id.into(), Node::new(id, kind));
    };
    node(
        "client",
        NodeKind::Client(ClientParams {
            arrival: Arrival::Poisson { rate_per_s },
        }),
    );
    let api = HttpApiParams::default();
    node(
        "api",
        NodeKind::HttpApi(HttpApiParams {
            rate_limit_rps: api.rate_limit_rps.max(rate_per_s * 2.0),
            burst: api.burst.max(needed),
            ..api
        }),
    );
    node(
        "ingest",
        NodeKind::Function(FunctionParams {
            duration: Distribution::LogNormal {
                median_ms: 20.0,
                sigma: 0.5,
            },
            ..FunctionParams::default()
        }),
    );
    node(
        "queue",
        NodeKind::Queue(QueueParams {
            visibility_timeout_ms: 60_000,
            ..QueueParams::default()
        }),
    );
    node(
        "worker",
        NodeKind::Function(FunctionParams {
            timeout_ms: 10_000,
            duration: Distribution::LogNormal {
                median_ms: 120.0,
                sigma: 0.5,
            },
            ..FunctionParams::default()
        }),
    );
    node(
        "table",
        NodeKind::Table(TableParams {
            stream_enabled: false,
            ..TableParams::default()
        }),
    );
    let mut edge = |from: &str, to: &str, kind: EdgeKind| {
        p.graph
            .edges
            .insert(format!("{from}-{to}").into(), Edge::new(from, to, kind));
    };
    edge("client", "api", EdgeKind::SyncInvoke);
    edge("api", "ingest", EdgeKind::SyncInvoke);
    edge("ingest", "queue", EdgeKind::Write);
    edge(
        "queue",
        "worker",
        EdgeKind::EventSource(EventSourceMapping::default()),
    );
    edge("worker", "table", EdgeKind::Write);
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_validity() {
        for n in [1, 7, 10, 1000] {
            let p = pipeline(n);
            assert_eq!(p.graph.nodes.len(), n);
            let errors: Vec<_> = validate(&p)
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .collect();
            assert!(errors.is_empty(), "{errors:#?}");
        }
        let full = pipeline(700);
        assert!(validate(&full).is_empty(), "{:#?}", validate(&full));
    }

    #[test]
    fn five_node_pipeline_is_valid_at_benchmark_rates() {
        for rate in [0.0, 1_000.0, 500_000.0] {
            let p = five_node_pipeline(rate);
            assert_eq!(p.graph.nodes.len(), 6);
            assert!(!has_errors(&validate(&p)), "{rate}: {:#?}", validate(&p));
        }
    }
}
