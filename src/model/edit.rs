//! Edit commands: every change the editor makes to a project is an [`Edit`] that, applied,
//! returns its inverse (undo history in `history.rs`, copy and paste in `fragment.rs`).
//!
//! Pure model code (no GUI): the editor turns gestures into edits, and tests drive the same
//! edits without a window. An edit that cannot apply (a missing node, a taken id) changes
//! nothing and says why.

use super::edge::{Edge, EdgeKind};
use super::fragment::Fragment;
use super::ids::{EdgeId, NodeId};
use super::node::{Node, NodeKind};
use super::pricing::Pricing;
use super::project::{Pos, Project, RunSettings};
use super::provider::Provider;

/// One change to a project. [`Edit::apply`] performs it and returns the edit that undoes it.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Adds a node at a position.
    AddNode {
        /// Its id (must be free).
        id: NodeId,
        /// The node.
        node: Node,
        /// Where it sits on the canvas.
        pos: Pos,
    },
    /// Adds an edge between existing nodes.
    AddEdge {
        /// Its id (must be free).
        id: EdgeId,
        /// The edge.
        edge: Edge,
    },
    /// Inserts nodes, positions and edges at once (paste, duplicate, undo of a removal).
    Insert(Fragment),
    /// Removes nodes (with every edge touching them) and edges.
    Remove {
        /// Nodes to remove.
        nodes: Vec<NodeId>,
        /// Edges to remove.
        edges: Vec<EdgeId>,
    },
    /// Places nodes at new positions.
    MoveNodes(Vec<(NodeId, Pos)>),
    /// Changes a node's display name.
    Rename {
        /// The node.
        id: NodeId,
        /// The new name.
        name: String,
    },
    /// Replaces a node's kind and parameters.
    SetNodeKind {
        /// The node.
        id: NodeId,
        /// The new kind with its parameters.
        kind: NodeKind,
    },
    /// Replaces an edge's kind and settings (its ends stay).
    SetEdgeKind {
        /// The edge.
        id: EdgeId,
        /// The new kind with its settings.
        kind: EdgeKind,
    },
    /// Replaces an edge entirely (kind, emission).
    SetEdge {
        /// The edge.
        id: EdgeId,
        /// The new edge.
        edge: Edge,
    },
    /// Changes the project's title and description.
    SetInfo {
        /// Title.
        name: String,
        /// Description.
        description: String,
    },
    /// Changes the run settings.
    SetRun(RunSettings),
    /// Changes the price table (and the always-on server alternative).
    SetPricing(Pricing),
    /// Changes the project's provider (a retarget batches it with the changes it brings).
    SetProvider(Provider),
    /// Replaces the project's alarms (added, removed or changed in the inspector).
    SetAlarms(Vec<super::alarm::Alarm>),
    /// Replaces the project's lesson (a retarget brings its deploys within the limits).
    SetLesson(Option<Box<super::lesson::Lesson>>),
    /// Several edits applied in order as one step (undone in reverse order).
    Batch(Vec<Edit>),
}

/// Why an edit could not apply; the project is unchanged.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// A node the edit needs does not exist.
    #[error("there is no node \"{0}\"")]
    NoNode(NodeId),
    /// An edge the edit needs does not exist.
    #[error("there is no edge \"{0}\"")]
    NoEdge(EdgeId),
    /// A node id to add is already used.
    #[error("a node \"{0}\" already exists")]
    NodeExists(NodeId),
    /// An edge id to add is already used.
    #[error("an edge \"{0}\" already exists")]
    EdgeExists(EdgeId),
}

impl Edit {
    /// A short description for menus ("Undo add node").
    pub fn label(&self) -> &'static str {
        match self {
            Edit::AddNode { .. } => "add node",
            Edit::AddEdge { .. } => "connect",
            Edit::Insert(_) => "insert",
            Edit::Remove { .. } => "delete",
            Edit::MoveNodes(_) => "move",
            Edit::Rename { .. } => "rename",
            Edit::SetNodeKind { .. } => "change parameters",
            Edit::SetEdgeKind { .. } | Edit::SetEdge { .. } => "change connection",
            Edit::SetInfo { .. } => "change project info",
            Edit::SetRun(_) => "change run settings",
            Edit::SetPricing(_) => "change prices",
            Edit::SetProvider(_) => "change provider",
            Edit::SetAlarms(_) => "change alarms",
            Edit::SetLesson(_) => "change lesson",
            Edit::Batch(_) => "edit",
        }
    }

    /// Whether the edit only moves nodes (moves change no diagnostic worth recomputing).
    pub fn is_move(&self) -> bool {
        match self {
            Edit::MoveNodes(_) => true,
            Edit::Batch(v) => v.iter().all(Edit::is_move),
            Edit::AddNode { .. }
            | Edit::AddEdge { .. }
            | Edit::Insert(_)
            | Edit::Remove { .. }
            | Edit::Rename { .. }
            | Edit::SetNodeKind { .. }
            | Edit::SetEdgeKind { .. }
            | Edit::SetEdge { .. }
            | Edit::SetInfo { .. }
            | Edit::SetRun(_)
            | Edit::SetPricing(_)
            | Edit::SetProvider(_)
            | Edit::SetAlarms(_)
            | Edit::SetLesson(_) => false,
        }
    }

    /// Applies the edit to `project` and returns its inverse; on error nothing changed.
    pub fn apply(self, project: &mut Project) -> Result<Edit, EditError> {
        self.check(project)?;
        Ok(self.apply_checked(project))
    }

    /// Whether the edit can apply to `project` as it is.
    fn check(&self, p: &Project) -> Result<(), EditError> {
        let node = |id: &NodeId| {
            p.graph
                .nodes
                .contains_key(id)
                .then_some(())
                .ok_or_else(|| EditError::NoNode(id.clone()))
        };
        let edge = |id: &EdgeId| {
            p.graph
                .edges
                .contains_key(id)
                .then_some(())
                .ok_or_else(|| EditError::NoEdge(id.clone()))
        };
        match self {
            Edit::AddNode { id, .. } => {
                if p.graph.nodes.contains_key(id) {
                    return Err(EditError::NodeExists(id.clone()));
                }
                Ok(())
            }
            Edit::AddEdge { id, edge: e } => {
                if p.graph.edges.contains_key(id) {
                    return Err(EditError::EdgeExists(id.clone()));
                }
                node(&e.from)?;
                node(&e.to)
            }
            Edit::Insert(f) => {
                if let Some(id) = f.nodes.keys().find(|id| p.graph.nodes.contains_key(*id)) {
                    return Err(EditError::NodeExists(id.clone()));
                }
                if let Some(id) = f.edges.keys().find(|id| p.graph.edges.contains_key(*id)) {
                    return Err(EditError::EdgeExists(id.clone()));
                }
                for e in f.edges.values() {
                    for end in [&e.from, &e.to] {
                        if !f.nodes.contains_key(end) {
                            node(end)?;
                        }
                    }
                }
                Ok(())
            }
            Edit::Remove { nodes, edges } => {
                nodes.iter().try_for_each(node)?;
                edges.iter().try_for_each(edge)
            }
            Edit::MoveNodes(moves) => moves.iter().try_for_each(|(id, _)| node(id)),
            Edit::Rename { id, .. } | Edit::SetNodeKind { id, .. } => node(id),
            Edit::SetEdgeKind { id, .. } => edge(id),
            Edit::SetEdge { id, edge: e } => {
                edge(id)?;
                node(&e.from)?;
                node(&e.to)
            }
            Edit::SetInfo { .. }
            | Edit::SetRun(_)
            | Edit::SetPricing(_)
            | Edit::SetProvider(_)
            | Edit::SetAlarms(_)
            | Edit::SetLesson(_) => Ok(()),
            Edit::Batch(edits) => {
                // Later edits may depend on earlier ones: check them on a scratch copy.
                let mut scratch = p.clone();
                for e in edits {
                    e.clone().apply(&mut scratch)?;
                }
                Ok(())
            }
        }
    }

    /// Applies an edit known to be applicable.
    fn apply_checked(self, p: &mut Project) -> Edit {
        match self {
            Edit::AddNode { id, node, pos } => {
                p.graph.nodes.insert(id.clone(), node);
                p.layout.positions.insert(id.clone(), pos);
                Edit::Remove {
                    nodes: vec![id],
                    edges: Vec::new(),
                }
            }
            Edit::AddEdge { id, edge } => {
                p.graph.edges.insert(id.clone(), edge);
                Edit::Remove {
                    nodes: Vec::new(),
                    edges: vec![id],
                }
            }
            Edit::Insert(f) => {
                let nodes: Vec<NodeId> = f.nodes.keys().cloned().collect();
                let edges: Vec<EdgeId> = f.edges.keys().cloned().collect();
                p.graph.nodes.extend(f.nodes);
                p.graph.edges.extend(f.edges);
                p.layout.positions.extend(f.positions);
                Edit::Remove { nodes, edges }
            }
            Edit::Remove { nodes, edges } => {
                let mut removed = Fragment::default();
                for id in edges {
                    if let Some(e) = p.graph.edges.remove(&id) {
                        removed.edges.insert(id, e);
                    }
                }
                for id in nodes {
                    if let Some((n, touching)) = p.graph.remove_node(&id) {
                        removed.edges.extend(touching);
                        if let Some(pos) = p.layout.positions.remove(&id) {
                            removed.positions.insert(id.clone(), pos);
                        }
                        removed.nodes.insert(id, n);
                    }
                }
                Edit::Insert(removed)
            }
            Edit::MoveNodes(moves) => {
                let mut old = Vec::with_capacity(moves.len());
                for (id, pos) in moves {
                    let before = p.layout.positions.insert(id.clone(), pos);
                    old.push((id, before.unwrap_or_default()));
                }
                old.reverse();
                Edit::MoveNodes(old)
            }
            Edit::Rename { id, name } => match p.graph.nodes.get_mut(&id) {
                Some(n) => {
                    let old = std::mem::replace(&mut n.name, name);
                    Edit::Rename { id, name: old }
                }
                None => Edit::Batch(Vec::new()),
            },
            Edit::SetNodeKind { id, kind } => match p.graph.nodes.get_mut(&id) {
                Some(n) => {
                    let old = std::mem::replace(&mut n.kind, kind);
                    Edit::SetNodeKind { id, kind: old }
                }
                None => Edit::Batch(Vec::new()),
            },
            Edit::SetEdgeKind { id, kind } => match p.graph.edges.get_mut(&id) {
                Some(e) => {
                    let old = std::mem::replace(&mut e.kind, kind);
                    Edit::SetEdgeKind { id, kind: old }
                }
                None => Edit::Batch(Vec::new()),
            },
            Edit::SetEdge { id, edge } => match p.graph.edges.get_mut(&id) {
                Some(e) => {
                    let old = std::mem::replace(e, edge);
                    Edit::SetEdge { id, edge: old }
                }
                None => Edit::Batch(Vec::new()),
            },
            Edit::SetInfo { name, description } => {
                let old_name = std::mem::replace(&mut p.name, name);
                let old_description = std::mem::replace(&mut p.description, description);
                Edit::SetInfo {
                    name: old_name,
                    description: old_description,
                }
            }
            Edit::SetRun(run) => Edit::SetRun(std::mem::replace(&mut p.run, run)),
            Edit::SetAlarms(alarms) => Edit::SetAlarms(std::mem::replace(&mut p.alarms, alarms)),
            Edit::SetPricing(pricing) => {
                Edit::SetPricing(std::mem::replace(&mut p.pricing, pricing))
            }
            Edit::SetLesson(lesson) => {
                Edit::SetLesson(std::mem::replace(&mut p.lesson, lesson.map(|l| *l)).map(Box::new))
            }
            Edit::SetProvider(provider) => {
                Edit::SetProvider(std::mem::replace(&mut p.provider, provider))
            }
            Edit::Batch(edits) => {
                let mut inverses: Vec<Edit> =
                    edits.into_iter().map(|e| e.apply_checked(p)).collect();
                inverses.reverse();
                Edit::Batch(inverses)
            }
        }
    }
}

/// The edits that move `project` to `provider` (see [`super::retarget`]) as one undoable
/// step — changed functions and other nodes, prices, run settings, then the provider — with
/// the retarget's notes (what was brought within the new provider's limits).
pub fn retarget_edit(project: &Project, provider: Provider) -> (Edit, Vec<String>) {
    let (to, notes) = super::retarget(project, provider);
    let mut edits: Vec<Edit> = project
        .graph
        .nodes
        .iter()
        .filter_map(|(id, node)| {
            let new = to.graph.nodes.get(id)?;
            (new.kind != node.kind).then(|| Edit::SetNodeKind {
                id: id.clone(),
                kind: new.kind.clone(),
            })
        })
        .collect();
    if to.pricing != project.pricing {
        edits.push(Edit::SetPricing(to.pricing));
    }
    if to.run != project.run {
        edits.push(Edit::SetRun(to.run));
    }
    if to.lesson != project.lesson {
        edits.push(Edit::SetLesson(to.lesson.map(Box::new)));
    }
    edits.push(Edit::SetProvider(provider));
    (Edit::Batch(edits), notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::History;
    use crate::model::{EdgeTag, KindTag};
    use std::collections::BTreeSet;

    fn project() -> Project {
        let mut p = Project::default();
        for (id, kind, x) in [
            ("api", KindTag::HttpApi, 0.0),
            ("fn", KindTag::Function, 200.0),
            ("q", KindTag::Queue, 400.0),
        ] {
            p.graph
                .nodes
                .insert(id.into(), Node::new(id, kind.default_kind()));
            p.layout.positions.insert(id.into(), Pos { x, y: 0.0 });
        }
        p.graph.edges.insert(
            "api-fn".into(),
            Edge::new("api", "fn", EdgeTag::SyncInvoke.default_kind()),
        );
        p.graph.edges.insert(
            "fn-q".into(),
            Edge::new("fn", "q", EdgeTag::Write.default_kind()),
        );
        p
    }

    /// Applies `edit`, then its inverse, and checks the project is back as it was.
    fn round_trip(edit: Edit) -> Project {
        let before = project();
        let mut p = before.clone();
        let inverse = edit.apply(&mut p).expect("applies");
        let after = p.clone();
        assert_ne!(after, before, "the edit changed nothing");
        let redo = inverse.apply(&mut p).expect("inverse applies");
        assert_eq!(p, before, "undo restores");
        redo.apply(&mut p).expect("redo applies");
        assert_eq!(p, after, "redo restores");
        after
    }

    #[test]
    fn every_edit_inverts() {
        round_trip(Edit::AddNode {
            id: "t".into(),
            node: Node::new("t", KindTag::Table.default_kind()),
            pos: Pos { x: 1.0, y: 2.0 },
        });
        round_trip(Edit::AddEdge {
            id: "api-q".into(),
            edge: Edge::new("api", "q", EdgeTag::Write.default_kind()),
        });
        let p = round_trip(Edit::Remove {
            nodes: vec!["fn".into()],
            edges: vec![],
        });
        assert!(p.graph.edges.is_empty(), "edges touching a removed node go");
        assert!(!p.layout.positions.contains_key(&NodeId::from("fn")));
        round_trip(Edit::Remove {
            nodes: vec![],
            edges: vec!["fn-q".into()],
        });
        round_trip(Edit::MoveNodes(vec![
            ("api".into(), Pos { x: 5.0, y: 5.0 }),
            ("q".into(), Pos { x: 9.0, y: 9.0 }),
        ]));
        round_trip(Edit::Rename {
            id: "fn".into(),
            name: "Resize".into(),
        });
        round_trip(Edit::SetNodeKind {
            id: "q".into(),
            kind: NodeKind::Queue(crate::model::QueueParams {
                fifo: true,
                ..Default::default()
            }),
        });
        round_trip(Edit::SetEdgeKind {
            id: "fn-q".into(),
            kind: EdgeKind::OnFailure,
        });
        round_trip(Edit::SetInfo {
            name: "New".into(),
            description: "d".into(),
        });
        round_trip(Edit::SetRun(RunSettings {
            seed: 7,
            ..RunSettings::default()
        }));
        round_trip(Edit::SetAlarms(vec![crate::model::Alarm::new(
            "Errors",
            "fn".into(),
            crate::model::AlarmMetric::ErrorRatePercent,
            crate::model::Cmp::Above,
            5.0,
        )]));
        round_trip(Edit::Batch(vec![
            Edit::AddNode {
                id: "t".into(),
                node: Node::new("t", KindTag::Table.default_kind()),
                pos: Pos::default(),
            },
            Edit::AddEdge {
                id: "fn-t".into(),
                edge: Edge::new("fn", "t", EdgeTag::Write.default_kind()),
            },
        ]));
    }

    #[test]
    fn failing_edits_change_nothing() {
        let before = project();
        let mut p = before.clone();
        let bad = [
            Edit::Rename {
                id: "nope".into(),
                name: "x".into(),
            },
            Edit::AddNode {
                id: "fn".into(),
                node: Node::new("x", KindTag::Function.default_kind()),
                pos: Pos::default(),
            },
            Edit::AddEdge {
                id: "e".into(),
                edge: Edge::new("fn", "ghost", EdgeKind::Write),
            },
            Edit::Batch(vec![
                Edit::Rename {
                    id: "fn".into(),
                    name: "ok".into(),
                },
                Edit::Remove {
                    nodes: vec!["ghost".into()],
                    edges: vec![],
                },
            ]),
        ];
        for e in bad {
            assert!(e.apply(&mut p).is_err());
            assert_eq!(p, before);
        }
    }

    #[test]
    fn drags_coalesce_into_one_step_until_sealed() {
        let mut p = project();
        let start = p.clone();
        let mut h = History::default();
        for i in 1..=10 {
            let pos = Pos {
                x: i as f32,
                y: 0.0,
            };
            h.apply(
                &mut p,
                Edit::MoveNodes(vec![("api".into(), pos)]),
                Some("drag"),
            )
            .unwrap();
        }
        assert_eq!(h.len(), 1);
        let moved = p.clone();
        h.seal();
        h.apply(
            &mut p,
            Edit::MoveNodes(vec![("api".into(), Pos { x: 50.0, y: 0.0 })]),
            Some("drag"),
        )
        .unwrap();
        assert_eq!(h.len(), 2, "a sealed step does not absorb the next drag");
        h.undo(&mut p);
        assert_eq!(p, moved);
        h.undo(&mut p);
        assert_eq!(p, start, "one undo reverts the whole first drag");
        assert!(!h.can_undo());
        h.redo(&mut p);
        assert_eq!(p, moved, "one redo replays the whole first drag");
    }

    #[test]
    fn new_edit_clears_redo_and_undo_labels() {
        let mut p = project();
        let mut h = History::default();
        h.apply(
            &mut p,
            Edit::Rename {
                id: "fn".into(),
                name: "a".into(),
            },
            None,
        )
        .unwrap();
        assert_eq!(h.undo_label(), Some("rename"));
        assert_eq!(h.undo(&mut p), Some("rename"));
        assert!(h.can_redo());
        h.apply(
            &mut p,
            Edit::Rename {
                id: "fn".into(),
                name: "b".into(),
            },
            None,
        )
        .unwrap();
        assert!(!h.can_redo());
        assert_eq!(h.undo(&mut p), Some("rename"));
        assert_eq!(h.undo(&mut p), None);
    }

    #[test]
    fn typing_in_one_field_is_one_step() {
        let mut p = project();
        let mut h = History::default();
        for name in ["R", "Re", "Res"] {
            h.apply(
                &mut p,
                Edit::Rename {
                    id: "fn".into(),
                    name: name.into(),
                },
                Some("rename:fn"),
            )
            .unwrap();
        }
        assert_eq!(h.len(), 1);
        h.undo(&mut p);
        assert_eq!(p.graph.nodes[&NodeId::from("fn")].name, "fn");
        h.redo(&mut p);
        assert_eq!(p.graph.nodes[&NodeId::from("fn")].name, "Res");
    }

    #[test]
    fn paste_rekeys_and_survives_the_clipboard() {
        let p = project();
        let sel: BTreeSet<NodeId> = ["api".into(), "fn".into()].into();
        let frag = Fragment::copy(&p, &sel);
        assert_eq!(frag.nodes.len(), 2);
        assert_eq!(frag.edges.len(), 1, "only edges inside the selection");
        let text = frag.to_clipboard();
        let back = Fragment::from_clipboard(&text).expect("parses");
        assert_eq!(back, frag);
        assert!(Fragment::from_clipboard("hello").is_none());
        assert!(Fragment::from_clipboard("EventloomFragment((((").is_none());

        let pasted = back.rekeyed_for(&p.graph, 30.0, 30.0);
        let mut q = p.clone();
        Edit::Insert(pasted.clone()).apply(&mut q).unwrap();
        assert_eq!(q.graph.nodes.len(), 5);
        assert_eq!(q.graph.edges.len(), 3);
        assert!(pasted.nodes.contains_key(&NodeId::from("api-2")));
        let e = pasted.edges.values().next().unwrap();
        assert_eq!((e.from.as_str(), e.to.as_str()), ("api-2", "fn-2"));
        assert_eq!(
            pasted.positions[&NodeId::from("fn-2")],
            Pos { x: 230.0, y: 30.0 }
        );
        assert!(
            crate::model::validate(&q)
                .iter()
                .all(|d| d.severity != crate::model::Severity::Error)
        );
    }
}
