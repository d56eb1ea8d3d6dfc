//! Scenario expectations: assertions checked on a run by `eventloom test`.

use super::ids::NodeId;
use serde::{Deserialize, Serialize};

/// One assertion on the outcome of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Expectation {
    /// A latency percentile of a node stays under a bound.
    LatencyBelow {
        /// The node (for an API: end-to-end latency seen by callers).
        node: NodeId,
        /// Percentile, e.g. 99.0.
        percentile: f64,
        /// Bound, ms.
        max_ms: f64,
    },
    /// Errors as a share of invocations stay under a bound, for one node or (`None`) the system.
    ErrorRateBelow {
        /// The node, or the whole system.
        node: Option<NodeId>,
        /// Bound, percent.
        max_percent: f64,
    },
    /// Throttled requests stay under a bound (percent of requests).
    ThrottleRateBelow {
        /// The node, or the whole system.
        node: Option<NodeId>,
        /// Bound, percent.
        max_percent: f64,
    },
    /// A dead-letter queue (or on-failure destination queue) received nothing.
    DlqEmpty {
        /// The queue.
        node: NodeId,
    },
    /// A queue's depth never exceeds a bound.
    QueueDepthBelow {
        /// The queue.
        node: NodeId,
        /// Bound, messages.
        max: u64,
    },
    /// The projected daily cost stays under a bound.
    CostPerDayBelow {
        /// Bound, US dollars per day.
        max_usd: f64,
    },
    /// A function's cold-start share stays under a bound.
    ColdStartRateBelow {
        /// The function.
        node: NodeId,
        /// Bound, percent of invocations.
        max_percent: f64,
    },
    /// Every event that entered was completed (none failed, dropped or left in a DLQ).
    NoEventLost,
    /// An alarm of the project never went into ALARM during the run.
    AlarmNeverFired {
        /// The alarm's name.
        alarm: String,
    },
}

impl Expectation {
    /// The node this expectation is about, if any.
    pub fn node(&self) -> Option<&NodeId> {
        match self {
            Expectation::LatencyBelow { node, .. }
            | Expectation::DlqEmpty { node }
            | Expectation::QueueDepthBelow { node, .. }
            | Expectation::ColdStartRateBelow { node, .. } => Some(node),
            Expectation::ErrorRateBelow { node, .. }
            | Expectation::ThrottleRateBelow { node, .. } => node.as_ref(),
            Expectation::CostPerDayBelow { .. }
            | Expectation::NoEventLost
            | Expectation::AlarmNeverFired { .. } => None,
        }
    }

    /// Why the parameters are unusable, or `None`.
    pub fn problem(&self) -> Option<String> {
        let pct = |name: &str, p: f64| {
            (!(p.is_finite() && (0.0..=100.0).contains(&p)))
                .then(|| format!("{name} must be between 0 and 100 (got {p})"))
        };
        match self {
            Expectation::LatencyBelow {
                percentile, max_ms, ..
            } => {
                if !(percentile.is_finite() && *percentile > 0.0 && *percentile <= 100.0) {
                    Some(format!("percentile must be in (0, 100] (got {percentile})"))
                } else if !(max_ms.is_finite() && *max_ms >= 0.0) {
                    Some(format!("max_ms must be a number ≥ 0 (got {max_ms})"))
                } else {
                    None
                }
            }
            Expectation::ErrorRateBelow { max_percent, .. }
            | Expectation::ThrottleRateBelow { max_percent, .. }
            | Expectation::ColdStartRateBelow { max_percent, .. } => {
                pct("max_percent", *max_percent)
            }
            Expectation::CostPerDayBelow { max_usd } => (!(max_usd.is_finite() && *max_usd >= 0.0))
                .then(|| format!("max_usd must be a number ≥ 0 (got {max_usd})")),
            Expectation::DlqEmpty { .. }
            | Expectation::QueueDepthBelow { .. }
            | Expectation::NoEventLost
            | Expectation::AlarmNeverFired { .. } => None,
        }
    }
}
