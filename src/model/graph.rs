//! The graph: nodes and edges in ordered maps keyed by their ids.

use super::diagnostic::truncate;
use super::edge::Edge;
use super::ids::{EdgeId, NodeId, slug};
use super::node::Node;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// Nodes and the edges between them.
///
/// Ordered maps keep iteration, output and simulation order stable. An edge may name a node
/// that does not exist (a hand-edited file); validation reports it and nothing else relies on
/// it being present.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Graph {
    /// Nodes by id.
    #[serde(default, deserialize_with = "unique_keys")]
    pub nodes: BTreeMap<NodeId, Node>,
    /// Edges by id.
    #[serde(default, deserialize_with = "unique_keys")]
    pub edges: BTreeMap<EdgeId, Edge>,
}

/// Edges indexed by their end nodes, built once for algorithms that ask "what leaves / enters
/// this node" for every node (asking [`Graph::edges_from`] per node is quadratic).
#[derive(Debug)]
pub struct Adjacency<'a> {
    out: BTreeMap<&'a NodeId, Vec<(&'a EdgeId, &'a Edge)>>,
    inc: BTreeMap<&'a NodeId, Vec<(&'a EdgeId, &'a Edge)>>,
}

impl<'a> Adjacency<'a> {
    /// Edges leaving `id`, in edge-id order.
    pub fn from(&self, id: &NodeId) -> impl Iterator<Item = (&'a EdgeId, &'a Edge)> + '_ {
        self.out.get(id).into_iter().flatten().copied()
    }

    /// Edges arriving at `id`, in edge-id order.
    pub fn to(&self, id: &NodeId) -> impl Iterator<Item = (&'a EdgeId, &'a Edge)> + '_ {
        self.inc.get(id).into_iter().flatten().copied()
    }
}

impl Graph {
    /// The display name of node `id` (shortened if a file made it huge), or its id when
    /// the graph has no such node.
    pub fn node_label(&self, id: &NodeId) -> String {
        self.nodes
            .get(id)
            .map_or_else(|| truncate(id.as_str()), |n| truncate(&n.name))
    }

    /// Edge `id` as users see it on the canvas: "Orders API → Checkout (sync invoke)" — the
    /// source's name, an arrow, the target's name and the kind's title
    /// ([`EdgeTag::label`](super::EdgeTag::label), as the inspector shows it). An edge the
    /// graph no longer has, or whose ends are gone, is named by its id ("edge e3").
    pub fn edge_label(&self, id: &EdgeId) -> String {
        match self
            .edges
            .get(id)
            .map(|e| (self.nodes.get(&e.from), self.nodes.get(&e.to), e.kind.tag()))
        {
            Some((Some(from), Some(to), kind)) => format!(
                "{} → {} ({})",
                truncate(&from.name),
                truncate(&to.name),
                kind.label()
            ),
            Some((None, _, _) | (_, None, _)) | None => {
                format!("edge {}", truncate(id.as_str()))
            }
        }
    }

    /// Indexes the edges by their ends.
    pub fn adjacency(&self) -> Adjacency<'_> {
        let mut adj = Adjacency {
            out: BTreeMap::new(),
            inc: BTreeMap::new(),
        };
        for (id, e) in &self.edges {
            adj.out.entry(&e.from).or_default().push((id, e));
            adj.inc.entry(&e.to).or_default().push((id, e));
        }
        adj
    }

    /// The node with this id.
    pub fn node(&self, id: &NodeId) -> Option<&Node> {
        self.nodes.get(id)
    }

    /// Edges leaving `id`, in id order.
    pub fn edges_from<'a>(
        &'a self,
        id: &'a NodeId,
    ) -> impl Iterator<Item = (&'a EdgeId, &'a Edge)> + 'a {
        self.edges.iter().filter(move |(_, e)| &e.from == id)
    }

    /// Edges arriving at `id`, in id order.
    pub fn edges_to<'a>(
        &'a self,
        id: &'a NodeId,
    ) -> impl Iterator<Item = (&'a EdgeId, &'a Edge)> + 'a {
        self.edges.iter().filter(move |(_, e)| &e.to == id)
    }

    /// A node id not yet used, derived from `name` (`resize`, `resize-2`, …).
    pub fn fresh_node_id(&self, name: &str) -> NodeId {
        NodeId(fresh(&slug(name), |c| {
            self.nodes.contains_key(&NodeId::new(c))
        }))
    }

    /// An edge id not yet used, derived from its endpoints (`api-resize`, `api-resize-2`, …).
    pub fn fresh_edge_id(&self, from: &NodeId, to: &NodeId) -> EdgeId {
        let stem = slug(&format!("{from}-{to}"));
        EdgeId(fresh(&stem, |c| self.edges.contains_key(&EdgeId::new(c))))
    }

    /// Removes a node and every edge touching it; returns what was removed.
    pub fn remove_node(&mut self, id: &NodeId) -> Option<(Node, Vec<(EdgeId, Edge)>)> {
        let node = self.nodes.remove(id)?;
        let touching: Vec<EdgeId> = self
            .edges
            .iter()
            .filter(|(_, e)| &e.from == id || &e.to == id)
            .map(|(k, _)| k.clone())
            .collect();
        let edges = touching
            .into_iter()
            .filter_map(|k| self.edges.remove(&k).map(|e| (k, e)))
            .collect();
        Some((node, edges))
    }
}

fn fresh(stem: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(stem) {
        return stem.to_owned();
    }
    (2u64..)
        .map(|n| format!("{stem}-{n}"))
        .find(|c| !taken(c))
        .unwrap_or_else(|| stem.to_owned())
}

/// Deserializes a map, refusing a key that appears twice (a plain map would keep the last
/// one silently, losing a node the user wrote).
fn unique_keys<'de, D, K, V>(deserializer: D) -> Result<BTreeMap<K, V>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Ord + std::fmt::Display,
    V: Deserialize<'de>,
{
    struct Visitor<K, V>(std::marker::PhantomData<(K, V)>);
    impl<'de, K, V> serde::de::Visitor<'de> for Visitor<K, V>
    where
        K: Deserialize<'de> + Ord + std::fmt::Display,
        V: Deserialize<'de>,
    {
        type Value = BTreeMap<K, V>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a map of ids to entries")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(k) = map.next_key::<K>()? {
                if out.contains_key(&k) {
                    return Err(serde::de::Error::custom(format!(
                        "duplicate id \"{}\"",
                        super::diagnostic::truncate(&k.to_string())
                    )));
                }
                let v = map.next_value()?;
                out.insert(k, v);
            }
            Ok(out)
        }
    }
    deserializer.deserialize_map(Visitor(std::marker::PhantomData))
}
