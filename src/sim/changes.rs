//! Live edits: which differences between an edited project and the one running the engine
//! takes while it runs (a client's workload, as commands), which need a new version of a
//! function (a deploy), and which only a restart can show. The editor asks after each edit.

use super::command::Command;
use crate::model::{KindTag, NodeId, NodeKind, Project};

/// How an edited project differs from the one a run was started with, as the run can
/// take it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LiveChanges {
    /// Why the run must restart to show the edits (nodes or edges added or removed, a
    /// parameter the engine cannot change live), if it must.
    pub restart: Option<String>,
    /// Functions whose parameters changed: each can be deployed as a new version.
    pub deploy: Vec<NodeId>,
    /// Edits the running simulation takes at once, as commands (a client's new workload).
    pub live: Vec<Command>,
}

/// Compares the edited project with the running one. Positions, names, the description
/// and the toolbar's seed and duration never need a restart.
pub fn live_changes(running: &Project, edited: &Project) -> LiveChanges {
    let mut out = LiveChanges::default();
    let (a, b) = (&running.graph, &edited.graph);
    let mut reason: Option<String> = None;
    let mut restart = |why: &str| {
        reason.get_or_insert_with(|| why.to_owned());
    };
    if a.nodes.len() != b.nodes.len() || a.nodes.keys().ne(b.nodes.keys()) {
        restart("nodes were added or removed");
    }
    if a.edges != b.edges {
        restart("edges were added, removed or changed");
    }
    let mut run_a = running.run.clone();
    run_a.seed = edited.run.seed;
    run_a.duration_ms = edited.run.duration_ms;
    if run_a != edited.run
        || running.pricing != edited.pricing
        || running.experiments != edited.experiments
        || running.expectations != edited.expectations
    {
        restart("run settings, prices, experiments or expectations changed");
    }
    if running.alarms != edited.alarms {
        restart("alarms changed");
    }
    for (id, old) in &a.nodes {
        let Some(new) = b.nodes.get(id) else { continue };
        if old.kind == new.kind {
            continue;
        }
        match (&old.kind, &new.kind) {
            (NodeKind::Function(_), NodeKind::Function(_)) => out.deploy.push(id.clone()),
            (NodeKind::Client(_), NodeKind::Client(c)) => {
                out.live.push(Command::SetWorkload {
                    node: id.clone(),
                    arrival: c.arrival.clone(),
                });
            }
            (old_kind, _) => {
                let what = match old_kind.tag() {
                    KindTag::Function | KindTag::Client => "a node's kind changed",
                    KindTag::HttpApi
                    | KindTag::Schedule
                    | KindTag::Queue
                    | KindTag::Topic
                    | KindTag::Bucket
                    | KindTag::Table => {
                        "parameters of an API, schedule, queue, topic or store changed"
                    }
                };
                restart(what);
            }
        }
    }
    out.restart = reason;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Arrival, Distribution, Node, ScheduleTrigger};

    /// A project with one node of every kind.
    fn every_kind() -> Project {
        let mut p = Project::default();
        for kind in KindTag::ALL {
            p.graph.nodes.insert(
                NodeId::new(kind.name()),
                Node::new(kind.name(), kind.default_kind()),
            );
        }
        p
    }

    /// `kind`'s parameters with one value changed.
    fn changed(kind: &NodeKind) -> NodeKind {
        let mut k = kind.clone();
        let other = Distribution::Constant { ms: 123.0 };
        match &mut k {
            NodeKind::Client(c) => c.arrival = Arrival::Constant { rate_per_s: 123.0 },
            NodeKind::HttpApi(a) => a.burst += 1,
            NodeKind::Schedule(s) => s.trigger = ScheduleTrigger::Rate { every_ms: 123_000 },
            NodeKind::Bucket(b) => b.notification_delay = other,
            NodeKind::Table(t) => t.stream_enabled = !t.stream_enabled,
            NodeKind::Queue(q) => q.fifo = !q.fifo,
            NodeKind::Topic(t) => t.delivery_delay = other,
            NodeKind::Function(f) => f.memory_mb += 64,
        }
        k
    }

    #[test]
    fn a_changed_parameter_of_every_kind_is_live_a_deploy_or_a_restart() {
        let running = every_kind();
        for kind in KindTag::ALL {
            let id = NodeId::new(kind.name());
            let mut edited = running.clone();
            let node = edited.graph.nodes.get_mut(&id).expect("every kind");
            node.kind = changed(&node.kind);
            assert_ne!(node.kind, running.graph.nodes[&id].kind, "{kind:?} changed");
            let c = live_changes(&running, &edited);
            match kind {
                KindTag::Client => {
                    assert_eq!((c.restart, c.deploy.len()), (None, 0), "{kind:?}");
                    assert!(
                        matches!(&c.live[..], [Command::SetWorkload { node, .. }] if *node == id)
                    );
                }
                KindTag::Function => {
                    assert_eq!((c.restart, c.deploy), (None, vec![id]), "{kind:?}");
                    assert!(c.live.is_empty());
                }
                KindTag::HttpApi
                | KindTag::Schedule
                | KindTag::Bucket
                | KindTag::Table
                | KindTag::Queue
                | KindTag::Topic => {
                    assert!(c.restart.is_some(), "{kind:?}");
                    assert!(c.deploy.is_empty() && c.live.is_empty(), "{kind:?}");
                }
            }
        }
    }

    #[test]
    fn names_positions_seed_and_duration_never_need_a_restart() {
        let running = every_kind();
        let mut edited = running.clone();
        for n in edited.graph.nodes.values_mut() {
            n.name.push_str(" renamed");
        }
        edited.description = "new".to_owned();
        edited.run.seed += 1;
        edited.run.duration_ms += 1;
        assert_eq!(live_changes(&running, &edited), LiveChanges::default());
        edited.graph.nodes.clear();
        assert!(live_changes(&running, &edited).restart.is_some());
    }
}
