//! Helpers shared by the engine tests (`sim_semantics.rs`, `sim_properties.rs`): a tiny
//! project builder, parameter presets with constant distributions (so counts and times are
//! exact), and accessors that read a report by node id.

// Each test crate that includes this module uses only part of it.
#![allow(dead_code)]

use eventloom::model::{
    Arrival, ClientParams, Distribution, Edge, EdgeKind, Emit, EventSourceMapping, FunctionParams,
    Node, NodeId, NodeKind, Project, QueueParams, Subscription, has_errors, validate,
};
use eventloom::sim::{MS, NodeReport, Report, SEC, SimConfig, Simulation, Time};
use std::collections::BTreeMap;

/// Builds a project node by node and edge by edge; edge ids are `from-to`.
pub struct Build {
    /// The project so far.
    pub p: Project,
}

impl Build {
    /// An empty project with `seed`.
    pub fn new(seed: u64) -> Self {
        let mut p = Project {
            name: "engine test".to_owned(),
            ..Project::default()
        };
        p.run.seed = seed;
        Build { p }
    }

    /// Adds a node.
    pub fn node(mut self, id: &str, kind: NodeKind) -> Self {
        let old = self.p.graph.nodes.insert(id.into(), Node::new(id, kind));
        assert!(old.is_none(), "node {id} added twice");
        self
    }

    /// Adds a function node.
    pub fn func(self, id: &str, f: FunctionParams) -> Self {
        self.node(id, NodeKind::Function(f))
    }

    /// Adds a client with evenly spaced arrivals (`rate_per_s`; the first at 1/rate).
    pub fn client(self, id: &str, rate_per_s: f64) -> Self {
        self.node(id, client(Arrival::Constant { rate_per_s }))
    }

    /// Adds a queue node.
    pub fn queue(self, id: &str, q: QueueParams) -> Self {
        self.node(id, NodeKind::Queue(q))
    }

    /// Adds an edge with default emission.
    pub fn edge(self, from: &str, to: &str, kind: EdgeKind) -> Self {
        self.edge_emit(from, to, kind, Emit::default())
    }

    /// Adds an edge that emits `count` events each time (fan-out).
    pub fn edge_n(self, from: &str, to: &str, kind: EdgeKind, count: u32) -> Self {
        self.edge_emit(
            from,
            to,
            kind,
            Emit {
                count,
                ..Emit::default()
            },
        )
    }

    /// Adds an edge with explicit emission settings.
    pub fn edge_emit(mut self, from: &str, to: &str, kind: EdgeKind, emit: Emit) -> Self {
        let id = self.p.graph.fresh_edge_id(&from.into(), &to.into());
        let mut e = Edge::new(from, to, kind);
        e.emit = emit;
        self.p.graph.edges.insert(id, e);
        self
    }

    /// The project; panics with the diagnostics if it has validation errors.
    pub fn project(self) -> Project {
        let d = validate(&self.p);
        assert!(!has_errors(&d), "test project is invalid: {d:#?}");
        self.p
    }

    /// A simulation of the project with its own seed.
    pub fn sim(self) -> Simulation {
        sim(&self.project())
    }
}

/// A simulation of `p` with its own settings.
pub fn sim(p: &Project) -> Simulation {
    Simulation::new(p, SimConfig::from_project(p)).expect("test project compiles")
}

/// A simulation of `p` that traces every root event.
pub fn traced_sim(p: &Project) -> Simulation {
    let cfg = SimConfig {
        trace_one_in: 1,
        ..SimConfig::from_project(p)
    };
    Simulation::new(p, cfg).expect("test project compiles")
}

/// A client node kind.
pub fn client(arrival: Arrival) -> NodeKind {
    NodeKind::Client(ClientParams { arrival })
}

/// Always `ms`.
pub fn constant(ms: f64) -> Distribution {
    Distribution::Constant { ms }
}

/// A function with a constant duration, no cold-start delay (a cold start is still counted)
/// and otherwise default (Lambda) parameters.
pub fn func(duration_ms: f64) -> FunctionParams {
    FunctionParams {
        duration: constant(duration_ms),
        cold_start: constant(0.0),
        ..FunctionParams::default()
    }
}

/// Default queue parameters (SQS).
pub fn queue() -> QueueParams {
    QueueParams::default()
}

/// An event-source mapping edge taking batches of `batch` messages.
pub fn esm(batch: u32) -> EdgeKind {
    EdgeKind::EventSource(EventSourceMapping {
        batch_size: batch,
        ..EventSourceMapping::default()
    })
}

/// A subscription edge with `filter` (attribute → accepted values).
pub fn subscription(filter: &[(&str, &[&str])]) -> EdgeKind {
    EdgeKind::Subscription(Subscription {
        filter: filter
            .iter()
            .map(|(k, vs)| (k.to_string(), vs.iter().map(|v| v.to_string()).collect()))
            .collect(),
        ..Subscription::default()
    })
}

/// Emission of one event with these attributes.
pub fn attrs(kv: &[(&str, &str)]) -> Emit {
    Emit {
        attributes: kv
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        ..Emit::default()
    }
}

/// Milliseconds as virtual time.
pub fn ms(v: u64) -> Time {
    v * MS
}

/// Seconds as virtual time.
pub fn secs(v: u64) -> Time {
    v * SEC
}

/// The report of node `id`.
pub fn node<'a>(r: &'a Report, id: &str) -> &'a NodeReport {
    r.nodes
        .iter()
        .find(|n| n.id == id)
        .unwrap_or_else(|| panic!("no node {id} in the report"))
}

/// Index of node `id` in the simulation's topology.
pub fn idx(sim: &Simulation, id: &str) -> usize {
    sim.topology().index[&NodeId::from(id)]
}

/// Latency samples of node `id` between `lo_ms` and `hi_ms` (inclusive, to the histogram's
/// resolution of 0.1 %).
pub fn latencies_between(sim: &Simulation, id: &str, lo_ms: f64, hi_ms: f64) -> u64 {
    let h = &sim.stats(idx(sim, id)).latency;
    h.count_between((lo_ms * 1000.0) as u64, (hi_ms * 1000.0) as u64)
}

/// Busy environments of function `id` right now.
pub fn busy_now(sim: &Simulation, id: &str) -> u64 {
    sim.stats(idx(sim, id)).busy.value()
}

/// The counters of one node, for comparing windows of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub invocations: u64,
    pub completions: u64,
    pub errors: u64,
    pub throttles: u64,
    pub retries: u64,
    pub timeouts: u64,
    pub cold_starts: u64,
    pub dead_lettered: u64,
    pub dropped: u64,
}

impl Counts {
    /// The counters of node `id` in `r`.
    pub fn of(r: &Report, id: &str) -> Counts {
        let n = node(r, id);
        Counts {
            invocations: n.invocations,
            completions: n.completions,
            errors: n.errors,
            throttles: n.throttles,
            retries: n.retries,
            timeouts: n.timeouts,
            cold_starts: n.cold_starts,
            dead_lettered: n.dead_lettered,
            dropped: n.dropped,
        }
    }

    /// What happened at node `id` between reports `a` and `b`.
    pub fn between(a: &Report, b: &Report, id: &str) -> Counts {
        let (x, y) = (Counts::of(a, id), Counts::of(b, id));
        Counts {
            invocations: y.invocations - x.invocations,
            completions: y.completions - x.completions,
            errors: y.errors - x.errors,
            throttles: y.throttles - x.throttles,
            retries: y.retries - x.retries,
            timeouts: y.timeouts - x.timeouts,
            cold_starts: y.cold_starts - x.cold_starts,
            dead_lettered: y.dead_lettered - x.dead_lettered,
            dropped: y.dropped - x.dropped,
        }
    }
}

/// Asserts `actual` is within `rel` (relative) of `expected`.
#[track_caller]
pub fn assert_close(actual: f64, expected: f64, rel: f64, what: &str) {
    let err = (actual - expected).abs() / expected.abs().max(1e-12);
    assert!(
        err <= rel,
        "{what}: {actual} is not within {:.3} % of {expected} (off by {:.4} %)",
        rel * 100.0,
        err * 100.0
    );
}
