//! Connection rules: which node kinds may be wired to which, by which edge kind, and why not.
//!
//! The canvas asks [`can_connect`] while the user drags a wire; validation asks it again for
//! every edge of a loaded file.

use super::edge::EdgeTag;
use super::graph::Graph;
use super::ids::NodeId;
use super::node::KindTag;

/// The edge kinds allowed from a node of kind `from` to one of kind `to`, most natural first.
pub fn legal_edges(from: KindTag, to: KindTag) -> &'static [EdgeTag] {
    use EdgeTag as E;
    use KindTag as K;
    match (from, to) {
        // Nothing flows into a source that generates its own events.
        (_, K::Client | K::Schedule) => &[],
        (K::Client, K::HttpApi) => &[E::SyncInvoke],
        (K::Client, K::Function) => &[E::SyncInvoke, E::AsyncInvoke],
        (K::Client, K::Bucket | K::Table | K::Queue | K::Topic) => &[E::Write],
        (K::HttpApi, K::Function) => &[E::SyncInvoke],
        // API gateway service integrations (API → SQS/SNS/DynamoDB/S3).
        (K::HttpApi, K::Queue | K::Topic | K::Table | K::Bucket) => &[E::Write],
        (K::HttpApi, K::HttpApi) => &[],
        (K::Schedule, K::Function) => &[E::AsyncInvoke],
        (K::Schedule, K::Queue | K::Topic) => &[E::Write],
        (K::Schedule, K::HttpApi | K::Bucket | K::Table) => &[],
        (K::Bucket, K::Function) => &[E::AsyncInvoke],
        (K::Bucket, K::Queue | K::Topic) => &[E::Write],
        (K::Bucket, K::HttpApi | K::Bucket | K::Table) => &[],
        (K::Table, K::Function) => &[E::EventSource],
        // The on-failure destination of the table's stream mappings (discarded records).
        (K::Table, K::Queue | K::Topic) => &[E::OnFailure],
        (K::Table, K::HttpApi | K::Bucket | K::Table) => &[],
        (K::Queue, K::Function) => &[E::EventSource],
        (K::Queue, K::Queue) => &[E::OnFailure],
        (K::Queue, K::HttpApi | K::Bucket | K::Table | K::Topic) => &[],
        (K::Topic, K::Function | K::Queue) => &[E::Subscription],
        (K::Topic, K::HttpApi) => &[E::Subscription],
        (K::Topic, K::Bucket | K::Table | K::Topic) => &[],
        (K::Function, K::Function) => &[E::SyncInvoke, E::AsyncInvoke, E::OnFailure],
        (K::Function, K::Queue | K::Topic) => &[E::Write, E::OnFailure],
        (K::Function, K::Bucket | K::Table) => &[E::Write],
        (K::Function, K::HttpApi) => &[E::SyncInvoke],
    }
}

/// Why an edge cannot be added: one sentence a user can act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    /// Clients and schedules generate their own events.
    #[error("a {} has no inputs: it generates its own events", .0.name())]
    NoInputs(KindTag),
    /// No edge kind joins these two kinds of node.
    #[error("a {} cannot be connected to a {}{}", .from.name(), .to.name(), unconnectable_hint(*.from, *.to))]
    Unconnectable {
        /// Sender's kind.
        from: KindTag,
        /// Receiver's kind.
        to: KindTag,
    },
    /// These kinds connect, but by other edge kinds.
    #[error(
        "a {} connects to a {} by {}, not by {}",
        .from.name(),
        .to.name(),
        legal_edges(*.from, *.to).iter().map(|e| e.label()).collect::<Vec<_>>().join(" or "),
        .edge.label()
    )]
    WrongEdge {
        /// Sender's kind.
        from: KindTag,
        /// Receiver's kind.
        to: KindTag,
        /// The edge kind asked for.
        edge: EdgeTag,
    },
    /// This kind of edge cannot loop back to its own node.
    #[error("{}", self_edge_problem(*.0).unwrap_or_default())]
    SelfEdge(EdgeTag),
    /// The graph has no such node.
    #[error("there is no node \"{0}\"")]
    NoNode(NodeId),
    /// The same connection exists already.
    #[error("\"{from}\" is already connected to \"{to}\" by {}", .edge.label())]
    AlreadyConnected {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
        /// The edge kind.
        edge: EdgeTag,
    },
    /// A node of the drag is gone.
    #[error("the node no longer exists")]
    Gone,
}

/// What to do instead when no edge joins `from` to `to`.
fn unconnectable_hint(from: KindTag, to: KindTag) -> &'static str {
    use KindTag as K;
    match from {
        K::Queue | K::Table => " (it is read by a function through an event-source mapping)",
        K::Topic => " (a topic delivers to functions, queues or HTTP endpoints)",
        K::Client | K::HttpApi | K::Schedule | K::Bucket | K::Function => match to {
            K::HttpApi => " (an API is called by clients or functions)",
            K::Bucket | K::Table => " (put a function in between to write to it)",
            K::Client | K::Schedule | K::Queue | K::Topic | K::Function => {
                " (put a function in between)"
            }
        },
    }
}

/// Whether an edge of kind `edge` may go from a `from` node to a `to` node; the error says why
/// not in one sentence a user can act on.
pub fn can_connect_kinds(from: KindTag, to: KindTag, edge: EdgeTag) -> Result<(), ConnectError> {
    let legal = legal_edges(from, to);
    if legal.contains(&edge) {
        return Ok(());
    }
    if matches!(to, KindTag::Client | KindTag::Schedule) {
        return Err(ConnectError::NoInputs(to));
    }
    if legal.is_empty() {
        return Err(ConnectError::Unconnectable { from, to });
    }
    Err(ConnectError::WrongEdge { from, to, edge })
}

/// Why an edge of kind `edge` cannot go from a node to itself, or `None` when it can.
pub fn self_edge_problem(edge: EdgeTag) -> Option<String> {
    match edge {
        EdgeTag::SyncInvoke => {
            Some("a function calling itself synchronously waits on itself forever".to_owned())
        }
        EdgeTag::OnFailure => Some("a node cannot be its own failure destination".to_owned()),
        EdgeTag::AsyncInvoke | EdgeTag::Subscription | EdgeTag::EventSource | EdgeTag::Write => {
            None
        }
    }
}

/// Whether a new edge of kind `edge` may be added between two nodes of `graph`.
pub fn can_connect(
    graph: &Graph,
    from: &NodeId,
    to: &NodeId,
    edge: EdgeTag,
) -> Result<(), ConnectError> {
    let Some(f) = graph.node(from) else {
        return Err(ConnectError::NoNode(from.clone()));
    };
    let Some(t) = graph.node(to) else {
        return Err(ConnectError::NoNode(to.clone()));
    };
    if from == to && self_edge_problem(edge).is_some() {
        return Err(ConnectError::SelfEdge(edge));
    }
    can_connect_kinds(f.kind.tag(), t.kind.tag(), edge)?;
    if graph
        .edges
        .values()
        .any(|e| &e.from == from && &e.to == to && e.kind.tag() == edge)
    {
        return Err(ConnectError::AlreadyConnected {
            from: from.clone(),
            to: to.clone(),
            edge,
        });
    }
    Ok(())
}

/// The edge kind a drag from `from` onto `to` creates: the first legal kind not already
/// there, or why none is allowed (the canvas asks while the wire is dragged, the editor
/// when it is dropped).
pub fn choose_edge(graph: &Graph, from: &NodeId, to: &NodeId) -> Result<EdgeTag, ConnectError> {
    let (Some(f), Some(t)) = (graph.node(from), graph.node(to)) else {
        return Err(ConnectError::Gone);
    };
    let mut first_err = None;
    for tag in legal_edges(f.kind.tag(), t.kind.tag()) {
        match can_connect(graph, from, to, *tag) {
            Ok(()) => return Ok(*tag),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    // No legal kind at all: why not, as a drag's natural kind (async invoke) would hear it.
    Err(first_err.unwrap_or_else(|| {
        can_connect_kinds(f.kind.tag(), t.kind.tag(), EdgeTag::AsyncInvoke)
            .err()
            .unwrap_or(ConnectError::Unconnectable {
                from: f.kind.tag(),
                to: t.kind.tag(),
            })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::{Edge, Node};

    /// The most natural edge kind from `from` to `to`.
    fn default_edge(from: KindTag, to: KindTag) -> Option<EdgeTag> {
        legal_edges(from, to).first().copied()
    }

    #[test]
    fn every_pair_has_an_answer_and_defaults_are_legal() {
        for from in KindTag::ALL {
            for to in KindTag::ALL {
                for e in EdgeTag::ALL {
                    let r = can_connect_kinds(from, to, e);
                    assert_eq!(r.is_ok(), legal_edges(from, to).contains(&e));
                    if let Err(msg) = r {
                        assert!(!msg.to_string().is_empty());
                    }
                }
                if let Some(d) = default_edge(from, to) {
                    assert!(can_connect_kinds(from, to, d).is_ok());
                }
            }
        }
    }

    #[test]
    fn refusals_explain() {
        let err = can_connect_kinds(KindTag::Queue, KindTag::Table, EdgeTag::Write)
            .unwrap_err()
            .to_string();
        assert!(err.contains("event-source mapping"), "{err}");
        let err = can_connect_kinds(KindTag::Function, KindTag::Schedule, EdgeTag::Write)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no inputs"), "{err}");
        let err = can_connect_kinds(KindTag::Queue, KindTag::Function, EdgeTag::SyncInvoke)
            .unwrap_err()
            .to_string();
        assert!(err.contains("event-source mapping"), "{err}");
    }

    #[test]
    fn a_drag_takes_the_first_free_legal_kind_for_every_pair() {
        for from in KindTag::ALL {
            for to in KindTag::ALL {
                let mut g = Graph::default();
                g.nodes
                    .insert("a".into(), Node::new("a", from.default_kind()));
                g.nodes
                    .insert("b".into(), Node::new("b", to.default_kind()));
                let (a, b): (NodeId, NodeId) = ("a".into(), "b".into());
                for (i, tag) in legal_edges(from, to).iter().enumerate() {
                    assert_eq!(choose_edge(&g, &a, &b), Ok(*tag), "{from:?} → {to:?}");
                    g.edges.insert(
                        format!("e{i}").into(),
                        Edge::new("a", "b", tag.default_kind()),
                    );
                }
                let why = choose_edge(&g, &a, &b).unwrap_err().to_string();
                assert!(!why.is_empty(), "{from:?} → {to:?}");
                assert!(choose_edge(&g, &a, &"gone".into()).is_err());
            }
        }
    }

    #[test]
    fn graph_rules() {
        let mut g = Graph::default();
        g.nodes
            .insert("f".into(), Node::new("f", KindTag::Function.default_kind()));
        g.nodes
            .insert("q".into(), Node::new("q", KindTag::Queue.default_kind()));
        let (f, q): (NodeId, NodeId) = ("f".into(), "q".into());
        assert!(can_connect(&g, &f, &f, EdgeTag::SyncInvoke).is_err());
        assert!(can_connect(&g, &f, &f, EdgeTag::AsyncInvoke).is_ok());
        assert!(can_connect(&g, &q, &q, EdgeTag::OnFailure).is_err());
        assert!(can_connect(&g, &f, &"nope".into(), EdgeTag::Write).is_err());
        assert!(can_connect(&g, &f, &q, EdgeTag::Write).is_ok());
        g.edges.insert(
            "e".into(),
            Edge::new("f", "q", EdgeTag::Write.default_kind()),
        );
        assert!(
            can_connect(&g, &f, &q, EdgeTag::Write)
                .unwrap_err()
                .to_string()
                .contains("already")
        );
    }
}
