//! Hierarchical auto-layout, left to right: each node one column after the longest chain of
//! nodes that feed it; rows ordered by the average row of their inputs to keep wires short.

use crate::model::{Graph, NodeId, Pos};
use std::collections::BTreeMap;

/// Horizontal distance between columns, canvas units.
pub const COLUMN_STEP: f32 = 240.0;
/// Vertical distance between rows, canvas units.
pub const ROW_STEP: f32 = 100.0;

/// A position for every node of `graph`. Cycles are broken by ignoring edges that would
/// send a node back to an earlier or equal column after `nodes.len()` relaxation rounds.
pub fn layered(graph: &Graph) -> BTreeMap<NodeId, Pos> {
    let mut column: BTreeMap<&NodeId, usize> = graph.nodes.keys().map(|id| (id, 0)).collect();
    // Longest-path layering by relaxation; bounded so cycles terminate.
    for _ in 0..graph.nodes.len() {
        let mut changed = false;
        for e in graph.edges.values() {
            if e.from == e.to {
                continue;
            }
            let (Some(&f), Some(&t)) = (column.get(&e.from), column.get(&e.to)) else {
                continue;
            };
            if t < f + 1 && f + 1 < graph.nodes.len() {
                column.insert(&e.to, f + 1);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let max_col = column.values().copied().max().unwrap_or(0);
    let mut row: BTreeMap<&NodeId, f32> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for col in 0..=max_col {
        let mut members: Vec<(&NodeId, f32)> = column
            .iter()
            .filter(|&(_, c)| *c == col)
            .map(|(id, _)| {
                let inputs: Vec<f32> = graph
                    .edges_to(id)
                    .filter_map(|(_, e)| row.get(&e.from).copied())
                    .collect();
                let key = if inputs.is_empty() {
                    f32::MAX
                } else {
                    inputs.iter().sum::<f32>() / inputs.len() as f32
                };
                (*id, key)
            })
            .collect();
        members.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(b.0)));
        for (i, (id, _)) in members.into_iter().enumerate() {
            row.insert(id, i as f32);
            out.insert(
                id.clone(),
                Pos {
                    x: col as f32 * COLUMN_STEP,
                    y: i as f32 * ROW_STEP,
                },
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Edge, EdgeKind, KindTag, Node};

    #[test]
    fn chains_go_left_to_right_and_cycles_terminate() {
        let mut g = Graph::default();
        for id in ["a", "b", "c"] {
            g.nodes
                .insert(id.into(), Node::new(id, KindTag::Function.default_kind()));
        }
        g.edges
            .insert("ab".into(), Edge::new("a", "b", EdgeKind::AsyncInvoke));
        g.edges
            .insert("bc".into(), Edge::new("b", "c", EdgeKind::AsyncInvoke));
        let l = layered(&g);
        assert!(l[&NodeId::from("a")].x < l[&NodeId::from("b")].x);
        assert!(l[&NodeId::from("b")].x < l[&NodeId::from("c")].x);
        g.edges
            .insert("ca".into(), Edge::new("c", "a", EdgeKind::AsyncInvoke));
        assert_eq!(layered(&g).len(), 3);
    }
}
