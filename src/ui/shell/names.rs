//! How the editor names nodes, edges and faults to users: by display names and kind titles,
//! never by internal ids (an id only when nothing better is left, e.g. a deleted node).

use crate::model::{EdgeId, Fault, FaultTarget, NodeId, Project};
use crate::sim::describe_fault;

/// The display name of node `id` (shortened if a file made it huge), or its id when the
/// project has no such node ([`Graph::node_label`](crate::model::Graph::node_label)).
pub fn node_name(project: &Project, id: &NodeId) -> String {
    project.graph.node_label(id)
}

/// Edge `id` as users see it on the canvas: "Orders API → Checkout (sync invoke)", or
/// "edge e3" when it or its ends are gone
/// ([`Graph::edge_label`](crate::model::Graph::edge_label)).
pub fn edge_name(project: &Project, id: &EdgeId) -> String {
    project.graph.edge_label(id)
}

/// What a fault is on: a node's display name or an edge's [`edge_name`].
pub fn target_name(project: &Project, target: &FaultTarget) -> String {
    match target {
        FaultTarget::Node(id) => node_name(project, id),
        FaultTarget::Edge(id) => edge_name(project, id),
    }
}

/// A fault and where it is, for status lines: "50% dropped on Orders API → Checkout (sync
/// invoke)".
pub fn fault_on(project: &Project, fault: &Fault) -> String {
    format!(
        "{} on {}",
        describe_fault(&fault.kind),
        target_name(project, &fault.target)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Edge, EdgeKind, FaultKind, KindTag, Node};

    fn shop() -> Project {
        let mut p = Project::default();
        let g = &mut p.graph;
        g.nodes.insert(
            "orders-api".into(),
            Node::new("Orders API", KindTag::HttpApi.default_kind()),
        );
        g.nodes.insert(
            "checkout".into(),
            Node::new("Checkout", KindTag::Function.default_kind()),
        );
        g.edges.insert(
            "e3".into(),
            Edge::new("orders-api", "checkout", EdgeKind::SyncInvoke),
        );
        g.edges.insert(
            "dangling".into(),
            Edge::new("orders-api", "gone", EdgeKind::AsyncInvoke),
        );
        p
    }

    #[test]
    fn an_edge_is_named_by_its_ends_and_kind() {
        let p = shop();
        assert_eq!(
            edge_name(&p, &"e3".into()),
            "Orders API → Checkout (sync invoke)"
        );
        assert_eq!(
            target_name(&p, &FaultTarget::Edge("e3".into())),
            "Orders API → Checkout (sync invoke)"
        );
    }

    #[test]
    fn an_edge_without_its_nodes_or_gone_is_named_by_its_id() {
        let p = shop();
        assert_eq!(edge_name(&p, &"dangling".into()), "edge dangling");
        assert_eq!(edge_name(&p, &"nope".into()), "edge nope");
    }

    #[test]
    fn nodes_and_faults_are_named_by_display_names() {
        let p = shop();
        assert_eq!(node_name(&p, &"checkout".into()), "Checkout");
        assert_eq!(node_name(&p, &"ghost".into()), "ghost");
        let drop = Fault {
            target: FaultTarget::Edge("e3".into()),
            kind: FaultKind::EdgeDrop { percent: 50.0 },
        };
        assert_eq!(
            fault_on(&p, &drop),
            "50% dropped on Orders API → Checkout (sync invoke)"
        );
    }

    #[test]
    fn huge_names_are_shortened() {
        let mut p = shop();
        if let Some(n) = p.graph.nodes.get_mut(&NodeId::from("checkout")) {
            n.name = "x".repeat(500);
        }
        let name = edge_name(&p, &"e3".into());
        assert!(name.chars().count() < 150, "{name}");
        assert!(name.starts_with("Orders API → xxx") && name.ends_with("(sync invoke)"));
    }
}
