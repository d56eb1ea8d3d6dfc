//! Layered auto-layout, left to right (Sugiyama-style): sources in the first column, every
//! other node one column after the longest chain of nodes that feed it, and the rows of each
//! column ordered by the average row of their neighbours to keep wires short. Used by the
//! editor's Arrange and for imported designs, which come without positions.
//!
//! Linear in nodes and edges up to a sort per column: cycles are broken once by a depth-first
//! search (an edge back to a node on the current path is left out of the layering), columns
//! come from one pass in topological order, and rows from four barycentre sweeps.

use crate::model::{Graph, NodeId, Pos};
use std::collections::BTreeMap;

/// Horizontal distance between columns, canvas units.
pub const COLUMN_STEP: f32 = 240.0;
/// Vertical distance between rows, canvas units.
pub const ROW_STEP: f32 = 100.0;

/// Barycentre sweeps (left to right, then right to left, twice).
const SWEEPS: usize = 4;

/// A position for every node of `graph`: the same graph always gets the same layout.
pub fn layered(graph: &Graph) -> BTreeMap<NodeId, Pos> {
    let ids: Vec<&NodeId> = graph.nodes.keys().collect();
    let n = ids.len();
    let index: BTreeMap<&NodeId, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut pred: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in graph.edges.values() {
        if let (Some(&f), Some(&t)) = (index.get(&e.from), index.get(&e.to))
            && f != t
        {
            succ[f].push(t);
            pred[t].push(f);
        }
    }
    let (order, dag_succ) = break_cycles(&succ, &pred);
    let column = columns(&order, &dag_succ);
    let columns_n = column.iter().copied().max().map_or(0, |m| m + 1);
    // Each column's members, first in depth-first order (chains stay together).
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); columns_n];
    for &v in &order {
        members[column[v]].push(v);
    }
    let mut row = vec![0.0f32; n];
    let place = |members: &Vec<Vec<usize>>, row: &mut Vec<f32>| {
        for col in members {
            for (i, &v) in col.iter().enumerate() {
                row[v] = i as f32;
            }
        }
    };
    place(&members, &mut row);
    for sweep in 0..SWEEPS {
        let forward = sweep % 2 == 0;
        let neighbours = if forward { &pred } else { &succ };
        let cols: Vec<usize> = if forward {
            (1..columns_n).collect()
        } else {
            (0..columns_n.saturating_sub(1)).rev().collect()
        };
        for c in cols {
            let mut keyed: Vec<(f32, usize)> = members[c]
                .iter()
                .map(|&v| {
                    let ns = &neighbours[v];
                    let key = if ns.is_empty() {
                        row[v]
                    } else {
                        ns.iter().map(|&u| row[u]).sum::<f32>() / ns.len() as f32
                    };
                    (key, v)
                })
                .collect();
            // Ties keep the current order.
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(row[a.1].total_cmp(&row[b.1])));
            members[c] = keyed.into_iter().map(|(_, v)| v).collect();
            for (i, &v) in members[c].iter().enumerate() {
                row[v] = i as f32;
            }
        }
    }
    // Columns centred on the tallest one.
    let tallest = members.iter().map(Vec::len).max().unwrap_or(0) as f32;
    let mut out = BTreeMap::new();
    for (c, col) in members.iter().enumerate() {
        let offset = (tallest - col.len() as f32) / 2.0;
        for (i, &v) in col.iter().enumerate() {
            out.insert(
                ids[v].clone(),
                Pos {
                    x: c as f32 * COLUMN_STEP,
                    y: (i as f32 + offset) * ROW_STEP,
                },
            );
        }
    }
    out
}

/// A depth-first order of the nodes (from the sources first, in id order) and the edges
/// that do not close a cycle in it.
fn break_cycles(succ: &[Vec<usize>], pred: &[Vec<usize>]) -> (Vec<usize>, Vec<Vec<usize>>) {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let n = succ.len();
    let mut state = vec![NEW; n];
    let mut order = Vec::with_capacity(n);
    let mut dag: Vec<Vec<usize>> = vec![Vec::new(); n];
    let roots = (0..n)
        .filter(|&v| pred[v].is_empty())
        .chain((0..n).filter(|&v| !pred[v].is_empty()));
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in roots {
        if state[root] != NEW {
            continue;
        }
        state[root] = ON_PATH;
        order.push(root);
        stack.push((root, 0));
        while let Some((v, next)) = stack.last_mut() {
            let v = *v;
            if let Some(&w) = succ[v].get(*next) {
                *next += 1;
                match state[w] {
                    NEW => {
                        dag[v].push(w);
                        state[w] = ON_PATH;
                        order.push(w);
                        stack.push((w, 0));
                    }
                    DONE => dag[v].push(w),
                    // Back to a node on the current path: this edge closes a cycle.
                    _ => {}
                }
            } else {
                state[v] = DONE;
                stack.pop();
            }
        }
    }
    (order, dag)
}

/// Column of each node: 0 for nodes nothing feeds, else one more than its deepest feeder
/// (longest path, in topological order of the acyclic edges).
fn columns(order: &[usize], dag: &[Vec<usize>]) -> Vec<usize> {
    let n = dag.len();
    let mut indegree = vec![0usize; n];
    for targets in dag {
        for &t in targets {
            indegree[t] += 1;
        }
    }
    let mut column = vec![0usize; n];
    let mut ready: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&v| indegree[v] == 0)
        .collect();
    ready.reverse();
    while let Some(v) = ready.pop() {
        for &t in &dag[v] {
            column[t] = column[t].max(column[v] + 1);
            indegree[t] -= 1;
            if indegree[t] == 0 {
                ready.push(t);
            }
        }
    }
    column
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Edge, EdgeKind, KindTag, Node};

    fn graph(nodes: &[&str], edges: &[(&str, &str)]) -> Graph {
        let mut g = Graph::default();
        for id in nodes {
            g.nodes.insert(
                (*id).into(),
                Node::new(*id, KindTag::Function.default_kind()),
            );
        }
        for (f, t) in edges {
            g.edges.insert(
                format!("{f}-{t}").into(),
                Edge::new(*f, *t, EdgeKind::AsyncInvoke),
            );
        }
        g
    }

    #[test]
    fn chains_go_left_to_right_and_cycles_terminate() {
        let g = graph(&["a", "b", "c"], &[("a", "b"), ("b", "c")]);
        let l = layered(&g);
        assert!(l[&NodeId::from("a")].x < l[&NodeId::from("b")].x);
        assert!(l[&NodeId::from("b")].x < l[&NodeId::from("c")].x);
        let g = graph(&["a", "b", "c"], &[("a", "b"), ("b", "c"), ("c", "a")]);
        let l = layered(&g);
        assert_eq!(l.len(), 3);
        assert!(l[&NodeId::from("a")].x < l[&NodeId::from("c")].x);
    }

    #[test]
    fn a_node_sits_one_column_after_its_deepest_feeder() {
        // a → b → c → d and a → d: d goes after c, not after a.
        let g = graph(
            &["a", "b", "c", "d", "lone"],
            &[("a", "b"), ("b", "c"), ("c", "d"), ("a", "d"), ("d", "d")],
        );
        let l = layered(&g);
        let col = |id: &str| (l[&NodeId::from(id)].x / COLUMN_STEP) as usize;
        assert_eq!(
            [col("a"), col("b"), col("c"), col("d"), col("lone")],
            [0, 1, 2, 3, 0]
        );
        // No two nodes share a place.
        let mut places: Vec<(i64, i64)> = l.values().map(|p| (p.x as i64, p.y as i64)).collect();
        places.sort_unstable();
        places.dedup();
        assert_eq!(places.len(), l.len());
    }

    #[test]
    fn crossing_wires_are_untangled() {
        // Two chains whose ids sort crosswise: a1 → z2, a2 → z1.
        let g = graph(&["a1", "a2", "z1", "z2"], &[("a1", "z2"), ("a2", "z1")]);
        let l = layered(&g);
        let y = |id: &str| l[&NodeId::from(id)].y;
        assert_eq!(y("a1") < y("a2"), y("z2") < y("z1"));
    }

    #[test]
    fn empty_and_self_loops() {
        assert!(layered(&Graph::default()).is_empty());
        let g = graph(&["a"], &[("a", "a")]);
        assert_eq!(layered(&g)[&NodeId::from("a")], Pos { x: 0.0, y: 0.0 });
    }
}
