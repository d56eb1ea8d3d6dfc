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
}
