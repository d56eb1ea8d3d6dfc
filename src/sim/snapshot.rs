//! An immutable picture of a run at one instant — what the live canvas, dashboards and
//! lesson checks read. Cheap to build (no histogram copies, no series, no log), so a host can
//! take one many times a second.

use super::cost::{ServerAlternative, ServiceCost};
use super::engine::Simulation;
use super::faults::ActiveFault;
use super::ledger::Ledger;
use super::metrics::{Point, VersionStats};
use super::time::Time;
use crate::model::{FaultTarget, NodeId, NodeKind};
use serde::Serialize;

/// How a node is doing, judged from its last second (worst first in `Ord`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Health {
    /// Every request fails (or an outage fault is in force).
    Down,
    /// 20 % or more of the last second's requests failed or were throttled.
    Failing,
    /// Some failures (≥ 1 %), or a queue holding over 100 messages grew in the last second.
    Degraded,
    /// A fault is in force but the node copes so far.
    Faulted,
    /// Working normally.
    Ok,
    /// Nothing happened in the last second.
    Idle,
}

/// The live state of one node.
#[derive(Clone, Debug, Serialize)]
pub struct NodeLive {
    /// Its id.
    pub id: NodeId,
    /// Run totals: requests received.
    pub invocations: u64,
    /// Run totals: finished successfully.
    pub completions: u64,
    /// Run totals: failed.
    pub errors: u64,
    /// Run totals: throttled or rate-limited.
    pub throttles: u64,
    /// Run totals: retries and redeliveries.
    pub retries: u64,
    /// Run totals: timeouts.
    pub timeouts: u64,
    /// Run totals: cold starts.
    pub cold_starts: u64,
    /// Run totals: sent to a DLQ or failure destination.
    pub dead_lettered: u64,
    /// Run totals: dropped here.
    pub dropped: u64,
    /// Run totals: events recursive loop detection stopped before they invoked it.
    pub loop_stopped: u64,
    /// Requests waiting for their answer now (clients, APIs).
    pub in_flight: u64,
    /// Run totals: cost, $.
    pub cost_usd: f64,
    /// The last complete second (rates, p50/p99, per-second counts).
    pub last: Point,
    /// Busy instances now (functions) or in-flight messages (queues).
    pub busy: u64,
    /// Idle warm instances now.
    pub idle: u64,
    /// Messages waiting now (queues).
    pub depth: u64,
    /// Most instances busy at once so far.
    pub busy_max: u64,
    /// Oldest message age seen, ms (queues).
    pub oldest_age_ms: f64,
    /// Per version, when a function has been deployed more than once.
    pub versions: Vec<VersionStats>,
    /// The version new requests go to (functions; 1 otherwise).
    pub version: u32,
    /// During a deploy: the version traffic is shifting to and its share, 0–1.
    pub shifting_to: Option<(u32, f64)>,
    /// Faults in force on this node.
    pub faults: u32,
    /// How it is doing.
    pub health: Health,
}

impl NodeLive {
    /// Whether a rollback would change what serves: a deploy is shifting traffic (it is
    /// called off), or a version other than the first serves (one served all traffic
    /// before it — deploys only ever add versions, so the engine's stack of versions that
    /// served before is empty exactly when version 1 serves and nothing shifts).
    pub fn can_roll_back(&self) -> bool {
        self.version > 1 || self.shifting_to.is_some()
    }

    /// A node with nothing recorded yet: zero totals, version 1, [`Health::Idle`].
    pub fn new(id: NodeId) -> Self {
        Self {
            id,
            invocations: 0,
            completions: 0,
            errors: 0,
            throttles: 0,
            retries: 0,
            timeouts: 0,
            cold_starts: 0,
            dead_lettered: 0,
            dropped: 0,
            loop_stopped: 0,
            in_flight: 0,
            cost_usd: 0.0,
            last: Point::default(),
            busy: 0,
            idle: 0,
            depth: 0,
            busy_max: 0,
            oldest_age_ms: 0.0,
            versions: Vec::new(),
            version: 1,
            shifting_to: None,
            faults: 0,
            health: Health::Idle,
        }
    }

    /// Requests per second over the last complete second.
    pub fn rate(&self) -> f64 {
        per_s(self.last.invocations, self.last.width_s)
    }

    /// Outcomes in the last second: requests that ended there, however they ended
    /// (completions + errors + throttles). The denominator of the shares below, so no share
    /// exceeds 1 — unlike errors per request *started*, as a request started in one second
    /// may fail in the next, and a function's throttled requests never start.
    pub fn outcomes(&self) -> u64 {
        self.last.completions + self.last.errors + self.last.throttles
    }

    /// Share of the last second's outcomes that failed or were throttled, 0–1.
    pub fn failure_ratio(&self) -> f64 {
        ratio(self.last.errors + self.last.throttles, self.outcomes())
    }

    /// Share of the last second's outcomes that were errors (not throttles), 0–1.
    pub fn error_ratio(&self) -> f64 {
        ratio(self.last.errors, self.outcomes())
    }
}

/// The live state of one edge.
#[derive(Clone, Debug, Serialize)]
pub struct EdgeLive {
    /// Messages delivered along it so far.
    pub delivered: u64,
    /// Messages delivered in the last complete second.
    pub last_second: u64,
    /// Messages lost on it by a drop fault so far.
    pub lost: u64,
    /// Extra copies a duplicate fault delivered along it so far.
    pub duplicated: u64,
    /// Faults in force on this edge.
    pub faults: u32,
    /// Event-source mappings: batches in flight now (running, starting, or held throttled).
    pub batches: u32,
    /// SQS mappings: batches the pollers may run at once now (5, growing by 300 a minute
    /// while messages wait, up to 1,000 or the maximum concurrency); 0 otherwise.
    pub pollers: u32,
}

/// A run at one instant.
#[derive(Clone, Debug, Serialize)]
pub struct Snapshot {
    /// Virtual time, µs.
    pub now: Time,
    /// Events processed so far.
    pub events: u64,
    /// The ledger (with in-flight counted).
    pub ledger: Ledger,
    /// Nodes in topology order (sorted by id).
    pub nodes: Vec<NodeLive>,
    /// Edges in topology order (sorted by id).
    pub edges: Vec<EdgeLive>,
    /// Faults in force.
    pub faults: Vec<ActiveFault>,
    /// Experiments aborted by their stop condition: (name, when).
    pub aborted_experiments: Vec<(String, Time)>,
    /// Total cost so far, $.
    pub cost_usd: f64,
    /// Cost per million requests that entered, $.
    pub cost_per_million_usd: f64,
    /// Cost projected to a day: usage at the rate of the last `cost_window_s`, provisioned
    /// concurrency all day, $.
    pub cost_per_day_usd: f64,
    /// The window the projection used, s.
    pub cost_window_s: f64,
    /// Total and projection by service.
    pub cost_by_service: Vec<ServiceCost>,
    /// What always-on servers sized to the load would cost per day, $.
    pub server_per_day_usd: f64,
    /// How those servers were sized.
    pub server: ServerAlternative,
    /// Log lines ever written (compare with a previous snapshot to find new lines).
    pub log_total: u64,
    /// Why the run stopped early (its resource budget, or an interruption), if it did.
    pub stopped: Option<super::budget::RunStopped>,
    /// Every alarm's state, in the project's order (empty without alarms).
    pub alarms: Vec<super::alarms::AlarmStatus>,
}

impl Snapshot {
    /// The live state of node `id`, if it exists.
    pub fn node(&self, id: &str) -> Option<&NodeLive> {
        self.nodes
            .binary_search_by(|n| n.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.nodes[i])
    }
}

fn per_s(n: u64, width_s: f64) -> f64 {
    if width_s <= 0.0 {
        0.0
    } else {
        n as f64 / width_s
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

impl Simulation {
    /// An immutable picture of the run now.
    pub fn snapshot(&self) -> Snapshot {
        let n = self.topo.len();
        let mut node_faults = vec![0u32; n];
        let mut outage = vec![false; n];
        let mut edge_faults = vec![0u32; self.topo.edges.len()];
        for a in self.active_faults() {
            match &a.fault.target {
                FaultTarget::Node(id) => {
                    if let Some(&i) = self.topo.index.get(id) {
                        node_faults[i] += 1;
                        outage[i] |= a.fault.kind == crate::model::FaultKind::Outage;
                    }
                }
                FaultTarget::Edge(id) => {
                    if let Some(&e) = self.topo.edge_index.get(id) {
                        edge_faults[e] += 1;
                    }
                }
            }
        }
        let nodes = (0..n)
            .map(|i| {
                let s = &self.stats[i];
                let (version, shifting_to) = match self.fns[i].as_ref() {
                    Some(fs) => (
                        fs.versions[fs.current as usize].number,
                        fs.shift
                            .as_ref()
                            .map(|sh| (fs.versions[sh.to as usize].number, sh.weight)),
                    ),
                    None => (1, None),
                };
                let mut live = NodeLive {
                    id: self.topo.node_ids[i].clone(),
                    invocations: s.invocations,
                    completions: s.completions,
                    errors: s.errors,
                    throttles: s.throttles,
                    retries: s.retries,
                    timeouts: s.timeouts,
                    cold_starts: s.cold_starts,
                    dead_lettered: s.dead_lettered,
                    dropped: s.dropped,
                    loop_stopped: s.loop_stopped,
                    in_flight: s.in_flight,
                    cost_usd: s.cost_usd,
                    last: s.last.clone(),
                    busy: s.busy.value(),
                    idle: s.idle.value(),
                    depth: s.depth.value(),
                    busy_max: s.busy.max(),
                    oldest_age_ms: s.max_age as f64 / 1000.0,
                    versions: if s.versions.len() > 1 {
                        s.versions.clone()
                    } else {
                        Vec::new()
                    },
                    version,
                    shifting_to,
                    faults: node_faults[i],
                    health: Health::Idle,
                };
                live.health = health(&live, outage[i], &self.topo.kinds[i]);
                live
            })
            .collect();
        let mut edges: Vec<EdgeLive> = (0..self.topo.edges.len())
            .map(|e| EdgeLive {
                delivered: self.edge_traffic[e].total,
                last_second: self.edge_traffic[e].last_second,
                lost: self.edge_traffic[e].lost,
                duplicated: self.edge_traffic[e].duplicated,
                faults: edge_faults[e],
                batches: 0,
                pollers: 0,
            })
            .collect();
        for x in &self.esms {
            if let Some(live) = edges.get_mut(x.edge) {
                live.batches = x.in_flight;
                live.pollers = if x.scales { x.limit } else { 0 };
            }
        }
        let ledger = self.ledger();
        let view = self.cost_view();
        let cost = view.total_usd;
        Snapshot {
            now: self.now,
            events: self.events,
            cost_per_million_usd: super::cost::per_million(cost, ledger.entered),
            ledger,
            nodes,
            edges,
            faults: self.active_faults().to_vec(),
            aborted_experiments: self
                .aborted_experiments()
                .iter()
                .map(|&(x, t)| (self.topo.project.experiments[x].name.clone(), t))
                .collect(),
            cost_usd: cost,
            cost_per_day_usd: view.per_day_usd,
            cost_window_s: view.window_s,
            cost_by_service: view.by_service,
            server_per_day_usd: view.server.per_day_usd,
            server: view.server,
            log_total: self.log_lines().total,
            stopped: self.stopped.clone(),
            alarms: self.alarm_statuses(),
        }
    }
}

/// Judges a node from its last second.
fn health(n: &NodeLive, outage: bool, kind: &NodeKind) -> Health {
    let failed = n.last.errors + n.last.throttles;
    if outage || (n.outcomes() > 0 && n.last.completions == 0 && failed > 0) {
        return Health::Down;
    }
    let r = n.failure_ratio();
    if r >= 0.2 {
        return Health::Failing;
    }
    let stale_queue =
        matches!(kind, NodeKind::Queue(_)) && n.depth > 0 && n.last.width_s > 0.0 && {
            // Messages pile up: more arrived than left during the last second.
            n.last.invocations > n.last.completions.saturating_add(n.busy) && n.depth > 100
        };
    if r >= 0.01 || stale_queue {
        return Health::Degraded;
    }
    if n.faults > 0 {
        return Health::Faulted;
    }
    if n.last.invocations == 0 && n.outcomes() == 0 && n.busy == 0 && n.depth == 0 {
        return Health::Idle;
    }
    Health::Ok
}
