//! Faults injected on nodes and edges, by command or by a project's experiments, and the
//! stop conditions that abort an experiment.

use super::engine::{Ev, Simulation};
use super::log::Level;
use super::time::{SEC, Time, from_ms, from_ms_f64};
use crate::model::{Fault, FaultKind, FaultTarget, Metric};

/// The combined effect of the faults active on a node.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeFault {
    /// Extra error probability, 0–1.
    pub error: f64,
    /// Added latency, µs.
    pub added: Time,
    /// Jitter ±, µs.
    pub jitter: Time,
    /// Down: every request fails at once.
    pub outage: bool,
    /// Lowered concurrency cap (functions), or rate limit and burst in requests/s (APIs;
    /// 0 refuses everything).
    pub throttle: Option<u32>,
}

/// The combined effect of the faults active on an edge.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EdgeFault {
    /// Added delay, µs.
    pub delay: Time,
    /// Drop probability, 0–1.
    pub drop: f64,
    /// Duplicate probability, 0–1.
    pub duplicate: f64,
}

/// Identifies an injected fault, to clear it later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct FaultId(pub u64);

/// An active fault.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ActiveFault {
    /// Its id.
    pub id: FaultId,
    /// What and where.
    pub fault: Fault,
    /// The experiment that scheduled it, if any.
    pub experiment: Option<usize>,
    /// When it started, µs.
    pub since: Time,
}

/// All faults in force.
#[derive(Debug)]
pub struct Faults {
    nodes: Vec<NodeFault>,
    edges: Vec<EdgeFault>,
    /// Active faults in the order they were injected.
    pub active: Vec<ActiveFault>,
    next_id: u64,
    /// Scheduled faults of experiments: (experiment, index within it), by event number.
    scheduled: Vec<(usize, usize)>,
    /// Ids of scheduled faults that are on, by event number.
    scheduled_on: Vec<Option<FaultId>>,
    /// Experiments that were aborted by their stop condition, with when.
    pub aborted: Vec<(usize, Time)>,
    /// Whether any node has a fault in force (when not, [`Faults::node`] answers without
    /// looking: the common case costs no lookup on the hot path).
    any_node: bool,
    /// Whether any edge has a fault in force.
    any_edge: bool,
}

/// The effect on a node without faults.
const NO_NODE_FAULT: NodeFault = NodeFault {
    error: 0.0,
    added: 0,
    jitter: 0,
    outage: false,
    throttle: None,
};

/// The effect on an edge without faults.
const NO_EDGE_FAULT: EdgeFault = EdgeFault {
    delay: 0,
    drop: 0.0,
    duplicate: 0.0,
};

impl Faults {
    pub(crate) fn new(nodes: usize, edges: usize) -> Self {
        Self {
            nodes: vec![NodeFault::default(); nodes],
            edges: vec![EdgeFault::default(); edges],
            active: Vec::new(),
            next_id: 0,
            scheduled: Vec::new(),
            scheduled_on: Vec::new(),
            aborted: Vec::new(),
            any_node: false,
            any_edge: false,
        }
    }

    /// Effect on node `i`.
    #[inline]
    pub fn node(&self, i: usize) -> &NodeFault {
        if self.any_node {
            &self.nodes[i]
        } else {
            &NO_NODE_FAULT
        }
    }

    /// Whether any edge has a fault in force.
    #[inline]
    pub fn any_edge(&self) -> bool {
        self.any_edge
    }

    /// Effect on edge `i`.
    #[inline]
    pub fn edge(&self, i: usize) -> &EdgeFault {
        if self.any_edge {
            &self.edges[i]
        } else {
            &NO_EDGE_FAULT
        }
    }

    fn recompute(&mut self, topo: &super::topology::Topology) {
        for n in &mut self.nodes {
            *n = NodeFault::default();
        }
        for e in &mut self.edges {
            *e = EdgeFault::default();
        }
        for a in &self.active {
            match &a.fault.target {
                FaultTarget::Node(id) => {
                    let Some(&i) = topo.index.get(id) else {
                        continue;
                    };
                    let n = &mut self.nodes[i];
                    match a.fault.kind {
                        FaultKind::ErrorRate { percent } => {
                            n.error = combine(n.error, percent / 100.0)
                        }
                        FaultKind::Latency {
                            added_ms,
                            jitter_ms,
                        } => {
                            n.added += from_ms_f64(added_ms);
                            n.jitter = n.jitter.max(from_ms_f64(jitter_ms));
                        }
                        FaultKind::Outage => n.outage = true,
                        FaultKind::Throttle { max_concurrency } => {
                            n.throttle = Some(
                                n.throttle
                                    .map_or(max_concurrency, |t| t.min(max_concurrency)),
                            );
                        }
                        FaultKind::KillWarm
                        | FaultKind::EdgeDelay { .. }
                        | FaultKind::EdgeDrop { .. }
                        | FaultKind::EdgeDuplicate { .. } => {}
                    }
                }
                FaultTarget::Edge(id) => {
                    let Some(&i) = topo.edge_index.get(id) else {
                        continue;
                    };
                    let e = &mut self.edges[i];
                    match a.fault.kind {
                        FaultKind::EdgeDelay { ms } => e.delay += from_ms_f64(ms),
                        FaultKind::EdgeDrop { percent } => {
                            e.drop = combine(e.drop, percent / 100.0)
                        }
                        FaultKind::EdgeDuplicate { percent } => {
                            e.duplicate = combine(e.duplicate, percent / 100.0)
                        }
                        FaultKind::ErrorRate { .. }
                        | FaultKind::Latency { .. }
                        | FaultKind::Outage
                        | FaultKind::Throttle { .. }
                        | FaultKind::KillWarm => {}
                    }
                }
            }
        }
        self.any_node = self.nodes.iter().any(|n| *n != NO_NODE_FAULT);
        self.any_edge = self.edges.iter().any(|e| *e != NO_EDGE_FAULT);
    }
}

/// Probability that at least one of two independent faults fires.
fn combine(a: f64, b: f64) -> f64 {
    (1.0 - (1.0 - a.clamp(0.0, 1.0)) * (1.0 - b.clamp(0.0, 1.0))).clamp(0.0, 1.0)
}

impl Simulation {
    /// Injects a fault now; returns its id.
    pub fn inject_fault(&mut self, fault: Fault) -> FaultId {
        self.inject(fault, None)
    }

    fn inject(&mut self, fault: Fault, experiment: Option<usize>) -> FaultId {
        self.faults.next_id += 1;
        let id = FaultId(self.faults.next_id);
        let node = match &fault.target {
            FaultTarget::Node(n) => self.topo.index.get(n).copied(),
            FaultTarget::Edge(e) => self
                .topo
                .edge_index
                .get(e)
                .map(|&i| self.topo.edges[i].from),
        };
        if let Some(n) = node {
            self.log(
                n,
                Level::Warn,
                0,
                format!("fault injected: {}", describe(&fault.kind)),
            );
        }
        if fault.kind == FaultKind::KillWarm
            && let FaultTarget::Node(n) = &fault.target
            && let Some(&i) = self.topo.index.get(n)
        {
            self.kill_warm(i);
        }
        self.faults.active.push(ActiveFault {
            id,
            fault,
            experiment,
            since: self.now,
        });
        self.faults.recompute(&self.topo);
        self.wake_all();
        id
    }

    /// Clears a fault; returns whether it was active.
    pub fn clear_fault(&mut self, id: FaultId) -> bool {
        let Some(pos) = self.faults.active.iter().position(|a| a.id == id) else {
            return false;
        };
        let a = self.faults.active.remove(pos);
        if let FaultTarget::Node(n) = &a.fault.target
            && let Some(&i) = self.topo.index.get(n)
        {
            self.log(
                i,
                Level::Info,
                0,
                format!("fault cleared: {}", describe(&a.fault.kind)),
            );
        }
        self.faults.recompute(&self.topo);
        self.wake_all();
        true
    }

    /// Faults in force.
    pub fn active_faults(&self) -> &[ActiveFault] {
        &self.faults.active
    }

    /// Experiments aborted by their stop condition: (index in the project, when).
    pub fn aborted_experiments(&self) -> &[(usize, Time)] {
        &self.faults.aborted
    }

    /// After a fault changes, capacity may have returned: let waiting work in.
    fn wake_all(&mut self) {
        for f in 0..self.fns.len() {
            if self.fns[f].is_some() {
                self.dispatch(f);
            }
        }
        for e in 0..self.esms.len() {
            self.esm_poll(e);
        }
    }

    pub(crate) fn init_experiments(&mut self) {
        let experiments = self.topo.project.experiments.clone();
        for (x, exp) in experiments.iter().enumerate() {
            for (i, sf) in exp.faults.iter().enumerate() {
                let n = self.faults.scheduled.len() as u32;
                self.faults.scheduled.push((x, i));
                self.faults.scheduled_on.push(None);
                self.schedule(from_ms(sf.at_ms), Ev::FaultOn(n));
                if let Some(d) = sf.duration_ms {
                    self.schedule(from_ms(sf.at_ms.saturating_add(d)), Ev::FaultOff(n));
                }
            }
        }
    }

    pub(crate) fn experiment_fault_on(&mut self, n: usize) {
        let (x, i) = self.faults.scheduled[n];
        if self.faults.aborted.iter().any(|(a, _)| *a == x) {
            return;
        }
        let fault = self.topo.project.experiments[x].faults[i].fault.clone();
        let id = self.inject(fault, Some(x));
        self.faults.scheduled_on[n] = Some(id);
    }

    pub(crate) fn experiment_fault_off(&mut self, n: usize) {
        if let Some(id) = self.faults.scheduled_on[n].take() {
            self.clear_fault(id);
        }
    }

    /// Evaluates each running experiment's stop condition on the second that just ended.
    pub(crate) fn check_stop_conditions(&mut self) {
        let experiments = &self.topo.project.experiments;
        let mut abort = Vec::new();
        for (x, exp) in experiments.iter().enumerate() {
            let Some(stop) = &exp.stop_when else { continue };
            if self.faults.aborted.iter().any(|(a, _)| *a == x) {
                continue;
            }
            // Only a running experiment can be stopped: one with a fault in force since
            // before this tick. Otherwise the second just measured says nothing about it (it
            // may not have started yet, and aborting would cancel it before it ever ran).
            let now = self.now;
            if !self
                .faults
                .active
                .iter()
                .any(|a| a.experiment == Some(x) && a.since < now)
            {
                continue;
            }
            let Some(&node) = self.topo.index.get(&stop.node) else {
                continue;
            };
            let (p, h) = self.stats[node].current();
            let value = match stop.metric {
                Metric::ErrorRatePercent => {
                    if p.invocations == 0 {
                        0.0
                    } else {
                        p.errors as f64 * 100.0 / p.invocations as f64
                    }
                }
                Metric::P99LatencyMs => {
                    if h.is_empty() {
                        0.0
                    } else {
                        h.value_at_quantile(0.99) as f64 / 1000.0
                    }
                }
                Metric::QueueDepth | Metric::DlqSize => self.stats[node].depth.value() as f64,
                Metric::ThrottlesPerS => p.throttles as f64,
            };
            if value > stop.above {
                abort.push((x, node, value, stop.metric, stop.above, exp.name.clone()));
            }
        }
        for (x, node, value, metric, above, name) in abort {
            self.faults.aborted.push((x, self.now));
            self.log(
                node,
                Level::Error,
                0,
                format!(
                    "experiment \"{name}\" aborted: {} reached {value:.1} (limit {above})",
                    metric.label()
                ),
            );
            let ids: Vec<FaultId> = self
                .faults
                .active
                .iter()
                .filter(|a| a.experiment == Some(x))
                .map(|a| a.id)
                .collect();
            for id in ids {
                self.clear_fault(id);
            }
        }
    }
}

/// One-line description of a fault for logs and lists.
pub fn describe(k: &FaultKind) -> String {
    match k {
        FaultKind::ErrorRate { percent } => format!("{percent}% errors"),
        FaultKind::Latency {
            added_ms,
            jitter_ms,
        } => format!("+{added_ms} ms ± {jitter_ms} ms latency"),
        FaultKind::Outage => "outage".to_owned(),
        FaultKind::Throttle { max_concurrency } => format!("throttled to {max_concurrency}"),
        FaultKind::KillWarm => "warm environments killed".to_owned(),
        FaultKind::EdgeDelay { ms } => format!("+{ms} ms delay"),
        FaultKind::EdgeDrop { percent } => format!("{percent}% dropped"),
        FaultKind::EdgeDuplicate { percent } => format!("{percent}% duplicated"),
    }
}

const _: Time = SEC;
