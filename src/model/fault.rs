//! Faults and experiments: failures injected on purpose.

use super::ids::{EdgeId, NodeId};
use super::node::KindTag;
use serde::{Deserialize, Serialize};

/// What a fault is attached to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum FaultTarget {
    /// A node.
    Node(NodeId),
    /// An edge.
    Edge(EdgeId),
}

/// One kind of failure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FaultKind {
    /// A share of invocations fail (node).
    ErrorRate {
        /// Percentage of invocations that fail, 0–100.
        percent: f64,
    },
    /// Every invocation takes longer (node).
    Latency {
        /// Added time, ms.
        added_ms: f64,
        /// Uniform jitter ± this, ms.
        jitter_ms: f64,
    },
    /// The node is down: every request to it fails at once.
    Outage,
    /// The node's concurrency cap is lowered (function) or its rate limit (API).
    Throttle {
        /// The lowered cap.
        max_concurrency: u32,
    },
    /// All warm instances are killed once, forcing cold starts (function).
    KillWarm,
    /// Events on the edge are delayed.
    EdgeDelay {
        /// Added delay, ms.
        ms: f64,
    },
    /// A share of events on the edge are lost.
    EdgeDrop {
        /// Percentage dropped, 0–100.
        percent: f64,
    },
    /// A share of events on the edge are delivered twice.
    EdgeDuplicate {
        /// Percentage duplicated, 0–100.
        percent: f64,
    },
}

impl FaultKind {
    /// Whether this fault applies to edges (otherwise to nodes).
    pub fn is_edge_fault(&self) -> bool {
        match self {
            FaultKind::EdgeDelay { .. }
            | FaultKind::EdgeDrop { .. }
            | FaultKind::EdgeDuplicate { .. } => true,
            FaultKind::ErrorRate { .. }
            | FaultKind::Latency { .. }
            | FaultKind::Outage
            | FaultKind::Throttle { .. }
            | FaultKind::KillWarm => false,
        }
    }

    /// Whether this fault has an effect on a node of kind `kind` (edge faults apply to no
    /// node). The runtime models error rate and added latency on functions, outages and
    /// throttling on functions and APIs, and killing warm environments on functions.
    pub fn applies_to(&self, kind: KindTag) -> bool {
        match self {
            FaultKind::ErrorRate { .. } | FaultKind::Latency { .. } | FaultKind::KillWarm => {
                kind == KindTag::Function
            }
            FaultKind::Outage | FaultKind::Throttle { .. } => {
                matches!(kind, KindTag::Function | KindTag::HttpApi)
            }
            FaultKind::EdgeDelay { .. }
            | FaultKind::EdgeDrop { .. }
            | FaultKind::EdgeDuplicate { .. } => false,
        }
    }

    /// Short label for lists and markers.
    pub fn label(&self) -> &'static str {
        match self {
            FaultKind::ErrorRate { .. } => "error rate",
            FaultKind::Latency { .. } => "added latency",
            FaultKind::Outage => "outage",
            FaultKind::Throttle { .. } => "throttle",
            FaultKind::KillWarm => "kill warm instances",
            FaultKind::EdgeDelay { .. } => "edge delay",
            FaultKind::EdgeDrop { .. } => "edge drop",
            FaultKind::EdgeDuplicate { .. } => "edge duplicate",
        }
    }

    /// Why the parameters are unusable, or `None`.
    pub fn problem(&self) -> Option<String> {
        let pct = |p: f64| {
            (!(p.is_finite() && (0.0..=100.0).contains(&p)))
                .then(|| format!("percent must be between 0 and 100 (got {p})"))
        };
        let ms = |name: &str, v: f64| {
            (!(v.is_finite() && (0.0..=86_400_000.0).contains(&v)))
                .then(|| format!("{name} must be between 0 and 86400000 ms (got {v})"))
        };
        match self {
            FaultKind::ErrorRate { percent }
            | FaultKind::EdgeDrop { percent }
            | FaultKind::EdgeDuplicate { percent } => pct(*percent),
            FaultKind::Latency {
                added_ms,
                jitter_ms,
            } => ms("added_ms", *added_ms).or_else(|| ms("jitter_ms", *jitter_ms)),
            FaultKind::EdgeDelay { ms: v } => ms("ms", *v),
            FaultKind::Outage | FaultKind::Throttle { .. } | FaultKind::KillWarm => None,
        }
    }
}

/// A fault on a target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// Where.
    pub target: FaultTarget,
    /// What.
    pub kind: FaultKind,
}

/// A fault switched on at a time, for a while.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledFault {
    /// When it starts, ms since the run began.
    pub at_ms: u64,
    /// How long it lasts, ms; `None` until the run ends.
    #[serde(default)]
    pub duration_ms: Option<u64>,
    /// The fault.
    pub fault: Fault,
}

/// A metric an experiment's stop condition watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Metric {
    /// Errors as a percentage of invocations (last second).
    ErrorRatePercent,
    /// 99th percentile latency, ms (last second).
    P99LatencyMs,
    /// Messages waiting in a queue.
    QueueDepth,
    /// Requests throttled per second.
    ThrottlesPerS,
    /// Events in the dead-letter queue.
    DlqSize,
}

impl Metric {
    /// Human label with unit.
    pub fn label(self) -> &'static str {
        match self {
            Metric::ErrorRatePercent => "error rate (%)",
            Metric::P99LatencyMs => "p99 latency (ms)",
            Metric::QueueDepth => "queue depth",
            Metric::ThrottlesPerS => "throttles per second",
            Metric::DlqSize => "DLQ size",
        }
    }
}

/// Aborts an experiment when a node's metric goes above a threshold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StopCondition {
    /// The node watched.
    pub node: NodeId,
    /// The metric.
    pub metric: Metric,
    /// Abort when the metric exceeds this.
    pub above: f64,
}

/// Faults scheduled in time, with an optional abort condition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Experiment {
    /// What the experiment tests.
    pub name: String,
    /// The faults and when.
    pub faults: Vec<ScheduledFault>,
    /// Stops the experiment (clears its faults) when met.
    #[serde(default)]
    pub stop_when: Option<StopCondition>,
}
