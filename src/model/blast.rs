//! The blast radius of faults: the nodes a fault reaches through the graph's edges, which
//! the canvas marks with a halo while a run has faults in force.

use super::edge::EdgeKind;
use super::fault::FaultTarget;
use super::graph::Graph;
use super::ids::NodeId;
use std::collections::{BTreeSet, VecDeque};

/// The nodes a fault reaches, excluding faulted nodes themselves: the blast radius.
///
/// - Downstream along every edge, from faulted nodes and the targets of faulted edges: they
///   receive less, later, duplicated or failed traffic.
/// - Upstream along synchronous calls, from faulted nodes and the callers of faulted sync
///   edges: a caller waits for the result and fails with it, and so do its own sync callers.
/// - To a queue (or stream) whose event-source mapping feeds a faulted or failing
///   consumer: its messages come back and pile up. The queue decouples: its producers are
///   not reached.
///
/// Breadth-first searches over the graph's edges.
pub fn blast_radius<'t>(
    graph: &Graph,
    targets: impl Iterator<Item = &'t FaultTarget>,
) -> BTreeSet<NodeId> {
    let g = graph;
    let mut faulted = BTreeSet::new();
    let mut down = VecDeque::new();
    let mut up = VecDeque::new();
    for t in targets {
        match t {
            FaultTarget::Node(id) => {
                faulted.insert(id.clone());
                down.push_back(id.clone());
                up.push_back(id.clone());
            }
            FaultTarget::Edge(id) => {
                if let Some(e) = g.edges.get(id) {
                    down.push_back(e.to.clone());
                    if matches!(e.kind, EdgeKind::SyncInvoke) {
                        up.push_back(e.from.clone());
                    }
                }
            }
        }
    }
    let mut seen: BTreeSet<NodeId> = down.iter().chain(&up).cloned().collect();
    while let Some(n) = down.pop_front() {
        for e in g.edges.values().filter(|e| e.from == n) {
            if seen.insert(e.to.clone()) {
                down.push_back(e.to.clone());
            }
        }
    }
    // Upstream: each node seen here fails its sync callers; a mapping's source backs up.
    let mut failing: BTreeSet<NodeId> = up.iter().cloned().collect();
    while let Some(n) = up.pop_front() {
        for e in g.edges.values().filter(|e| e.to == n) {
            match e.kind {
                EdgeKind::SyncInvoke => {
                    seen.insert(e.from.clone());
                    if failing.insert(e.from.clone()) {
                        up.push_back(e.from.clone());
                    }
                }
                EdgeKind::EventSource(_) => {
                    seen.insert(e.from.clone());
                }
                EdgeKind::AsyncInvoke
                | EdgeKind::Subscription(_)
                | EdgeKind::Write
                | EdgeKind::OnFailure => {}
            }
        }
    }
    seen.retain(|n| !faulted.contains(n));
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        ClientParams, Edge, EventSourceMapping, FunctionParams, Node, NodeKind, QueueParams,
    };

    /// web → api-fn ⇒ core-fn (sync), core-fn → audit (async); jobs queue ⇒ worker (mapping),
    /// worker ⇒ core-fn (sync); producer → jobs (write); core-fn → out queue (write).
    fn graph() -> Graph {
        let mut p = Graph::default();
        let func = || NodeKind::Function(FunctionParams::default());
        for (id, kind) in [
            ("web", NodeKind::Client(ClientParams::default())),
            ("api-fn", func()),
            ("core-fn", func()),
            ("audit", func()),
            ("worker", func()),
            ("producer", func()),
            ("jobs", NodeKind::Queue(QueueParams::default())),
            ("out", NodeKind::Queue(QueueParams::default())),
        ] {
            p.nodes.insert(id.into(), Node::new(id, kind));
        }
        for (from, to, kind) in [
            ("web", "api-fn", EdgeKind::SyncInvoke),
            ("api-fn", "core-fn", EdgeKind::SyncInvoke),
            ("core-fn", "audit", EdgeKind::AsyncInvoke),
            (
                "jobs",
                "worker",
                EdgeKind::EventSource(EventSourceMapping::default()),
            ),
            ("worker", "core-fn", EdgeKind::SyncInvoke),
            ("producer", "jobs", EdgeKind::Write),
            ("core-fn", "out", EdgeKind::Write),
        ] {
            p.edges
                .insert(format!("{from}-{to}").into(), Edge::new(from, to, kind));
        }
        p
    }

    fn ids(set: &BTreeSet<NodeId>) -> Vec<&str> {
        set.iter().map(NodeId::as_str).collect()
    }

    #[test]
    fn a_fault_reaches_downstream_its_sync_callers_and_the_queue_that_feeds_them() {
        let p = graph();
        let core = [FaultTarget::Node("core-fn".into())];
        // Downstream: audit, out. Upstream sync: api-fn, then web; worker, then its source
        // queue backs up. The producer writes into the queue and is not reached.
        assert_eq!(
            ids(&blast_radius(&p, core.iter())),
            ["api-fn", "audit", "jobs", "out", "web", "worker"]
        );
        // A fault on the async target reaches nothing upstream.
        let audit = [FaultTarget::Node("audit".into())];
        assert!(blast_radius(&p, audit.iter()).is_empty());
        // A faulted sync edge: its target and what follows, and the caller's callers.
        let edge = [FaultTarget::Edge("api-fn-core-fn".into())];
        assert_eq!(
            ids(&blast_radius(&p, edge.iter())),
            ["api-fn", "audit", "core-fn", "out", "web"]
        );
        // A faulted write edge: downstream only.
        let write = [FaultTarget::Edge("producer-jobs".into())];
        assert_eq!(
            ids(&blast_radius(&p, write.iter())),
            ["audit", "core-fn", "jobs", "out", "worker"]
        );
    }
}
