//! What a lesson reads from a run: node and run metrics on a snapshot, the values the runner
//! keeps over the last 60 s ([`Recent`]), checks evaluated against the step's start, and
//! step text with its placeholders filled in.

use crate::model::{
    Check, Cmp, NodeId, NodeMetric, Placeholder, RunMetric, Segment, Unit, segments,
};
use crate::sim::{NodeLive, SEC, Service, Snapshot};
use std::collections::VecDeque;

/// Seconds the windowed metrics look back.
pub const WINDOW_S: f64 = 60.0;

/// Per-second samples of every node from the snapshots a runner observed, for the last
/// [`WINDOW_S`] seconds: the windowed metrics (`p99_60s_ms`, `rate_60s`) read them.
#[derive(Clone, Debug, Default)]
pub struct Recent {
    /// (start of the sampled second, s; per node in snapshot order: (p99 ms, requests)).
    seconds: VecDeque<(f64, Vec<(f64, u64)>)>,
}

impl Recent {
    /// Samples the last complete second of `snap` (once per second; older than the window
    /// is forgotten).
    pub fn record(&mut self, snap: &Snapshot) {
        let Some(first) = snap.nodes.first() else {
            return;
        };
        let t = first.last.t_s;
        if first.last.width_s <= 0.0 {
            return;
        }
        if let Some((last_t, v)) = self.seconds.back() {
            if v.len() != snap.nodes.len() || *last_t > t {
                // Another run (or a rewound one): start over.
                self.seconds.clear();
            } else if *last_t == t {
                return;
            }
        }
        self.seconds.push_back((
            t,
            snap.nodes
                .iter()
                .map(|n| (n.last.p99_ms, n.last.invocations))
                .collect(),
        ));
        while self
            .seconds
            .front()
            .is_some_and(|(t0, _)| *t0 <= t - WINDOW_S)
        {
            self.seconds.pop_front();
        }
    }

    /// Forgets everything (a new run).
    pub fn clear(&mut self) {
        self.seconds.clear();
    }

    fn samples(&self, index: usize) -> impl Iterator<Item = (f64, u64)> + '_ {
        self.seconds
            .iter()
            .filter_map(move |(_, v)| v.get(index).copied())
    }

    /// The highest per-second p99 of node `index` in the window, ms.
    fn p99_max(&self, index: usize) -> Option<f64> {
        self.samples(index)
            .filter(|(_, n)| *n > 0)
            .map(|(p, _)| p)
            .reduce(f64::max)
    }

    /// Requests per second of node `index` over the window.
    fn rate(&self, index: usize) -> Option<f64> {
        let (n, sum) = self
            .samples(index)
            .fold((0u64, 0u64), |(n, s), (_, r)| (n + 1, s + r));
        (n > 0).then(|| sum as f64 / n as f64)
    }
}

/// Where values are read: the snapshot now, the one the step began with, and the runner's
/// recent samples.
#[derive(Clone, Copy, Debug)]
pub struct Reading<'a> {
    /// The run now.
    pub snap: &'a Snapshot,
    /// The run when the step began.
    pub start: &'a Snapshot,
    /// The last 60 s, when a runner kept them.
    pub recent: Option<&'a Recent>,
    /// The 60 s before the step began, when a runner kept them.
    pub start_recent: Option<&'a Recent>,
}

impl<'a> Reading<'a> {
    /// Values of `snap` alone (the step began there; no window).
    pub fn at(snap: &'a Snapshot) -> Self {
        Reading {
            snap,
            start: snap,
            recent: None,
            start_recent: None,
        }
    }

    /// The value of `metric` for node `node` now (`None`: not in the run).
    pub fn node(&self, node: &NodeId, metric: NodeMetric) -> Option<f64> {
        node_in(self.snap, self.recent, node, metric)
    }

    /// The value of a run-wide `metric` now.
    pub fn run(&self, metric: RunMetric) -> f64 {
        if metric == RunMetric::StepCostUsd {
            (self.snap.cost_usd - self.start.cost_usd).max(0.0)
        } else {
            run_value(self.snap, metric)
        }
    }

    /// The value a placeholder stands for (`None`: a node not in the run).
    pub fn placeholder(&self, p: &Placeholder) -> Option<f64> {
        match p {
            Placeholder::Node(n, m) => self.node(n, *m),
            Placeholder::Run(m) => Some(self.run(*m)),
        }
    }
}

fn node_in(
    snap: &Snapshot,
    recent: Option<&Recent>,
    node: &NodeId,
    metric: NodeMetric,
) -> Option<f64> {
    let index = snap.nodes.iter().position(|n| n.id == *node)?;
    let l = &snap.nodes[index];
    // Only the windowed metrics read the runner's samples.
    let windowed = recent.and_then(|r| {
        if metric == NodeMetric::P99Ms60 {
            r.p99_max(index)
        } else if metric == NodeMetric::Rate60 {
            r.rate(index)
        } else {
            None
        }
    });
    Some(windowed.unwrap_or_else(|| node_value(l, metric)))
}

fn pct(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 * 100.0 / b as f64
    }
}

/// The value of `metric` for a node on one snapshot (windowed metrics fall back to the last
/// second: only a runner keeps the window).
pub fn node_value(n: &NodeLive, metric: NodeMetric) -> f64 {
    match metric {
        NodeMetric::Invocations => n.invocations as f64,
        NodeMetric::Completions => n.completions as f64,
        NodeMetric::Errors => n.errors as f64,
        NodeMetric::Throttles => n.throttles as f64,
        NodeMetric::Retries => n.retries as f64,
        NodeMetric::Timeouts => n.timeouts as f64,
        NodeMetric::ColdStarts => n.cold_starts as f64,
        NodeMetric::DeadLettered => n.dead_lettered as f64,
        NodeMetric::Dropped => n.dropped as f64,
        NodeMetric::CostUsd => n.cost_usd,
        NodeMetric::ErrorPercent => pct(n.errors, n.invocations),
        NodeMetric::ColdStartPercent => pct(n.cold_starts, n.invocations),
        NodeMetric::Rate | NodeMetric::Rate60 => n.rate(),
        NodeMetric::FailurePercent => n.failure_ratio() * 100.0,
        NodeMetric::P50Ms => n.last.p50_ms,
        NodeMetric::P99Ms | NodeMetric::P99Ms60 => n.last.p99_ms,
        NodeMetric::Busy => n.busy as f64,
        NodeMetric::Idle => n.idle as f64,
        NodeMetric::Depth => n.depth as f64,
        NodeMetric::BusyMax => n.busy_max as f64,
        NodeMetric::OldestAgeMs => n.oldest_age_ms,
        NodeMetric::Version => f64::from(n.version),
        NodeMetric::ShiftPercent => n.shifting_to.map_or(0.0, |(_, w)| w * 100.0),
        NodeMetric::Faults => f64::from(n.faults),
    }
}

fn service_per_day(s: &Snapshot, service: Service) -> f64 {
    s.cost_by_service
        .iter()
        .filter(|c| c.service == service)
        .map(|c| c.per_day_usd)
        .sum()
}

/// The value of a run-wide `metric` on one snapshot (`cost.this_step` is the run's total
/// here: only a runner knows when the step began).
pub fn run_value(s: &Snapshot, metric: RunMetric) -> f64 {
    let l = &s.ledger;
    match metric {
        RunMetric::TimeS => s.now as f64 / SEC as f64,
        RunMetric::Faults => s.faults.len() as f64,
        RunMetric::Entered => l.entered as f64,
        RunMetric::Completed => l.completed as f64,
        RunMetric::DeadLettered => l.dead_lettered as f64,
        RunMetric::Dropped => l.dropped() as f64,
        RunMetric::Throttled => l.throttled as f64,
        RunMetric::Rejected => l.rejected as f64,
        RunMetric::Expired => l.expired as f64,
        RunMetric::Failed => l.failed as f64,
        RunMetric::LostToFaults => l.fault as f64,
        RunMetric::InFlight => l.in_flight as f64,
        RunMetric::CostUsd | RunMetric::StepCostUsd => s.cost_usd,
        RunMetric::CostPerMillionUsd => s.cost_per_million_usd,
        RunMetric::CostPerDayUsd => s.cost_per_day_usd,
        RunMetric::ServerPerDayUsd => s.server_per_day_usd,
        RunMetric::ServerCount => f64::from(s.server.servers),
        RunMetric::LambdaPerDayUsd => service_per_day(s, Service::Lambda),
        RunMetric::ProvisionedPerDayUsd => service_per_day(s, Service::LambdaProvisioned),
        RunMetric::ApiPerDayUsd => service_per_day(s, Service::ApiGateway),
        RunMetric::SqsPerDayUsd => service_per_day(s, Service::Sqs),
    }
}

/// A check evaluated on a snapshot.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// Whether it holds.
    pub met: bool,
    /// What was measured, in words ("order-queue depth = 153 (needs > 100)").
    pub measured: String,
}

/// Evaluates `check` on `snap`, with `start` the snapshot at which the step began.
pub fn evaluate(check: &Check, snap: &Snapshot, start: &Snapshot) -> Evaluation {
    evaluate_in(
        check,
        &Reading {
            snap,
            start,
            recent: None,
            start_recent: None,
        },
    )
}

/// Evaluates `check` where `r` reads.
pub fn evaluate_in(check: &Check, r: &Reading<'_>) -> Evaluation {
    let then = Reading {
        snap: r.start,
        start: r.start,
        recent: r.start_recent,
        start_recent: r.start_recent,
    };
    match check {
        Check::Node {
            node,
            metric,
            op,
            value,
        } => match r.node(node, *metric) {
            Some(v) => compared(
                &format!("{node} {}", metric.name()),
                metric.unit(),
                v,
                *op,
                *value,
                "",
            ),
            None => missing(node),
        },
        Check::NodeGrows { node, metric, by } | Check::NodeGrowsAtMost { node, metric, by } => {
            match (r.node(node, *metric), then.node(node, *metric)) {
                (Some(now), Some(was)) => grew(
                    &format!("{node} {}", metric.name()),
                    metric.unit(),
                    was,
                    now,
                    *by,
                    matches!(check, Check::NodeGrowsAtMost { .. }),
                ),
                (None, _) | (_, None) => missing(node),
            }
        }
        Check::NodeVsStart {
            node,
            metric,
            op,
            factor,
        } => match (r.node(node, *metric), then.node(node, *metric)) {
            (Some(now), Some(was)) => compared(
                &format!("{node} {}", metric.name()),
                metric.unit(),
                now,
                *op,
                factor * was,
                &format!(
                    " = {factor} × {} at the step's start",
                    metric.unit().format(was)
                ),
            ),
            (None, _) | (_, None) => missing(node),
        },
        Check::NodeVsNode {
            node,
            metric,
            op,
            other,
            factor,
        } => match (r.node(node, *metric), r.node(other, *metric)) {
            (Some(a), Some(b)) => compared(
                &format!("{node} {}", metric.name()),
                metric.unit(),
                a,
                *op,
                factor * b,
                &format!(" = {factor} × {other}'s {}", metric.unit().format(b)),
            ),
            (None, _) => missing(node),
            (_, None) => missing(other),
        },
        Check::Run { metric, op, value } => compared(
            metric.name(),
            metric.unit(),
            r.run(*metric),
            *op,
            *value,
            "",
        ),
        Check::RunGrows { metric, by } | Check::RunGrowsAtMost { metric, by } => grew(
            metric.name(),
            metric.unit(),
            then.run(*metric),
            r.run(*metric),
            *by,
            matches!(check, Check::RunGrowsAtMost { .. }),
        ),
        Check::RunVsRun {
            metric,
            op,
            other,
            factor,
        } => {
            let b = r.run(*other);
            compared(
                metric.name(),
                metric.unit(),
                r.run(*metric),
                *op,
                factor * b,
                &format!(" = {factor} × {} {}", other.name(), other.unit().format(b)),
            )
        }
        Check::RunVsStart { metric, op, factor } => {
            let was = then.run(*metric);
            compared(
                metric.name(),
                metric.unit(),
                r.run(*metric),
                *op,
                factor * was,
                &format!(
                    " = {factor} × {} at the step's start",
                    metric.unit().format(was)
                ),
            )
        }
        Check::Elapsed { seconds } => {
            let e = r.snap.now.saturating_sub(r.start.now) as f64 / SEC as f64;
            Evaluation {
                met: e >= *seconds,
                // Once met, the time keeps running: "21 s of 8 s" would read as an error.
                measured: if e >= *seconds {
                    format!("{e:.0} s elapsed (the step needs {seconds:.0} s)")
                } else {
                    format!("{e:.0} s of {seconds:.0} s elapsed")
                },
            }
        }
        Check::Alarm { alarm, state } => match r.snap.alarms.iter().find(|a| a.name == *alarm) {
            Some(a) => Evaluation {
                met: a.state == *state,
                measured: format!(
                    "alarm '{alarm}' is {} (fired {} times)",
                    a.state.label(),
                    a.fired
                ),
            },
            None => Evaluation {
                met: false,
                measured: format!("alarm '{alarm}' is not in the run"),
            },
        },
        Check::All(cs) => combine(cs, r, true),
        Check::Any(cs) => combine(cs, r, false),
    }
}

fn missing(node: &NodeId) -> Evaluation {
    Evaluation {
        met: false,
        measured: format!("\"{node}\" is not in the run"),
    }
}

/// `what` now (`v`) compared with `target` (`how`: where the target came from).
fn compared(what: &str, unit: Unit, v: f64, op: Cmp, target: f64, how: &str) -> Evaluation {
    Evaluation {
        met: op.holds(v, target),
        measured: format!(
            "{what} = {} (needs {} {}{how})",
            unit.format(v),
            op.symbol(),
            unit.format(target)
        ),
    }
}

fn grew(what: &str, unit: Unit, from: f64, to: f64, by: f64, at_most: bool) -> Evaluation {
    let (met, sign) = if at_most {
        (to - from <= by, "at most +")
    } else {
        (to - from >= by, "+")
    };
    Evaluation {
        met,
        measured: format!(
            "{what} rose by {} ({} → {}; needs {sign}{})",
            unit.format(to - from),
            unit.format(from),
            unit.format(to),
            unit.format(by)
        ),
    }
}

fn combine(cs: &[Check], r: &Reading<'_>, all: bool) -> Evaluation {
    let evs: Vec<Evaluation> = cs.iter().map(|c| evaluate_in(c, r)).collect();
    let met = if all {
        evs.iter().all(|e| e.met)
    } else {
        evs.iter().any(|e| e.met)
    };
    let sep = if all { "; " } else { " | " };
    Evaluation {
        met,
        measured: evs
            .into_iter()
            .map(|e| e.measured)
            .collect::<Vec<_>>()
            .join(sep),
    }
}

/// `text` with each `{…}` placeholder replaced by its value in `snap` ("—" for a node that is
/// not in the run, the raw text for a placeholder that names no value).
pub fn render(text: &str, snap: &Snapshot) -> String {
    render_in(text, &Reading::at(snap))
}

/// `text` with each placeholder replaced by its value where `r` reads.
pub fn render_in(text: &str, r: &Reading<'_>) -> String {
    let mut out = String::with_capacity(text.len());
    for seg in segments(text) {
        match seg {
            Segment::Text(t) => out.push_str(&t),
            Segment::Value(p) => match r.placeholder(&p) {
                Some(v) => out.push_str(&p.unit().format(v)),
                None => out.push('—'),
            },
            Segment::Invalid(raw, _) => {
                out.push('{');
                out.push_str(&raw);
                out.push('}');
            }
        }
    }
    out
}
