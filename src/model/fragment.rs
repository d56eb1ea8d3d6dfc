//! Copy and paste: a piece of a graph (nodes, their positions and the edges among them) as
//! clipboard text, re-keyed so it can be inserted into any project.

use super::edge::Edge;
use super::graph::Graph;
use super::ids::{EdgeId, NodeId};
use super::node::Node;
use super::project::{Pos, Project};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A piece of a graph: nodes with their positions and the edges among them. What copy/paste
/// puts on the clipboard, what duplicate inserts, and what undoing a deletion restores.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Fragment {
    /// Nodes by id.
    pub nodes: BTreeMap<NodeId, Node>,
    /// Edges by id (they may also touch nodes outside the fragment when restoring a deletion).
    pub edges: BTreeMap<EdgeId, Edge>,
    /// Canvas positions of the fragment's nodes.
    pub positions: BTreeMap<NodeId, Pos>,
}

/// First word of clipboard text holding a [`Fragment`], so a paste can tell it from any text.
pub const CLIPBOARD_TAG: &str = "EventloomFragment";

impl Fragment {
    /// The selected nodes of `project` with their positions and the edges between them (edges
    /// to nodes outside the selection are left out).
    pub fn copy(project: &Project, nodes: &BTreeSet<NodeId>) -> Self {
        let mut f = Fragment::default();
        for id in nodes {
            if let Some(n) = project.graph.nodes.get(id) {
                f.nodes.insert(id.clone(), n.clone());
                if let Some(p) = project.layout.positions.get(id) {
                    f.positions.insert(id.clone(), *p);
                }
            }
        }
        for (id, e) in &project.graph.edges {
            if f.nodes.contains_key(&e.from) && f.nodes.contains_key(&e.to) {
                f.edges.insert(id.clone(), e.clone());
            }
        }
        f
    }

    /// Whether the fragment holds nothing.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.edges.is_empty()
    }

    /// The same fragment with fresh ids that do not clash with `graph` and positions moved by
    /// `(dx, dy)`; edges follow their renamed nodes, edges whose ends are missing from both the
    /// fragment and the graph are dropped.
    pub fn rekeyed_for(&self, graph: &Graph, dx: f32, dy: f32) -> Self {
        let mut scratch = Graph {
            nodes: graph.nodes.clone(),
            edges: BTreeMap::new(),
        };
        let mut renamed: BTreeMap<NodeId, NodeId> = BTreeMap::new();
        let mut out = Fragment::default();
        for (old, node) in &self.nodes {
            let new = scratch.fresh_node_id(old.as_str());
            scratch.nodes.insert(new.clone(), node.clone());
            renamed.insert(old.clone(), new.clone());
            out.nodes.insert(new.clone(), node.clone());
            let p = self.positions.get(old).copied().unwrap_or_default();
            out.positions.insert(
                new,
                Pos {
                    x: p.x + dx,
                    y: p.y + dy,
                },
            );
        }
        scratch.edges = graph.edges.clone();
        for e in self.edges.values() {
            let (Some(from), Some(to)) = (renamed.get(&e.from), renamed.get(&e.to)) else {
                continue;
            };
            let id = scratch.fresh_edge_id(from, to);
            let edge = Edge {
                from: from.clone(),
                to: to.clone(),
                ..e.clone()
            };
            scratch.edges.insert(id.clone(), edge.clone());
            out.edges.insert(id, edge);
        }
        out
    }

    /// Clipboard text: the tag, then the fragment in RON.
    pub fn to_clipboard(&self) -> String {
        let body = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::new())
            .unwrap_or_else(|_| "()".to_owned());
        format!("{CLIPBOARD_TAG}{body}")
    }

    /// Reads clipboard text written by [`Fragment::to_clipboard`] (from this or another
    /// window); `None` for any other text.
    pub fn from_clipboard(text: &str) -> Option<Self> {
        let body = text.trim_start().strip_prefix(CLIPBOARD_TAG)?;
        ron::Options::default()
            .with_recursion_limit(64)
            .from_str(body)
            .ok()
    }
}
