//! The run report: per-node summary, ledger, cost and expectation results. Serialized as
//! the JSON of `eventloom run --json` (schema in docs/report.md). Contains no wall-clock
//! value, so the same project and seed give byte-identical reports.

use super::cost::{ServerAlternative, ServiceCost};
use super::engine::Simulation;
use super::ledger::Ledger;
use super::metrics::{Percentiles, percentiles, round3};
use super::time::{SEC, Time};
use crate::model::{Expectation, NodeKind};
use serde::Serialize;

/// Version of the report's JSON layout.
pub const REPORT_VERSION: u32 = 1;

/// Everything a run measured.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Layout version of this JSON.
    pub report_version: u32,
    /// Project name.
    pub project: String,
    /// Seed used.
    pub seed: u64,
    /// Simulated time covered, s.
    pub duration_s: f64,
    /// Engine events processed.
    pub events: u64,
    /// How every message ended.
    pub ledger: Ledger,
    /// Whether every message is accounted for exactly once.
    pub ledger_balanced: bool,
    /// What it cost.
    pub cost: CostSummary,
    /// Per node, in id order.
    pub nodes: Vec<NodeReport>,
    /// The project's expectations, checked.
    pub expectations: Vec<ExpectationResult>,
    /// Experiments aborted by their stop condition.
    pub experiments_aborted: Vec<AbortedExperiment>,
    /// Why the run stopped before its end (its resource budget, an interruption), if it
    /// did; everything above covers the run up to then.
    pub stopped: Option<super::budget::RunStopped>,
    /// Every alarm's state at the end, how often it fired and how long it was in ALARM
    /// (absent from the JSON of a project without alarms).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alarms: Vec<super::alarms::AlarmStatus>,
}

/// Cost of the run and projections.
#[derive(Clone, Debug, Serialize)]
pub struct CostSummary {
    /// Total for the simulated time, $.
    pub total_usd: f64,
    /// Projected to one day: usage at the rate of the last `window_s` seconds, provisioned
    /// concurrency at its all-day rate, $.
    pub per_day_usd: f64,
    /// The window the projection used, s (the run's `cost_window_s`, or the whole run while
    /// shorter).
    pub window_s: f64,
    /// Per million requests that entered the system, $.
    pub per_million_requests_usd: f64,
    /// The always-on server alternative for one day, sized to the load, $.
    pub server_per_day_usd: f64,
    /// How that alternative was sized.
    pub server: ServerAlternative,
    /// Total and projection by service.
    pub by_service: Vec<ServiceCost>,
    /// Whether the always-free allowances were taken off.
    pub free_tier: bool,
}

/// Instances of a function (time-averaged).
#[derive(Clone, Debug, Serialize)]
pub struct Instances {
    /// Mean busy environments.
    pub busy_mean: f64,
    /// Mean idle (warm) environments.
    pub idle_mean: f64,
    /// Most busy at once (peak concurrency).
    pub busy_max: u64,
    /// Most idle at once.
    pub idle_max: u64,
}

/// Queue depth (time-averaged).
#[derive(Clone, Debug, Serialize)]
pub struct QueueSummary {
    /// Mean messages waiting.
    pub depth_mean: f64,
    /// Most messages waiting at once.
    pub depth_max: u64,
    /// Messages waiting at the end.
    pub depth_end: u64,
    /// Oldest message age when received, ms.
    pub oldest_age_ms: f64,
    /// Mean messages in flight.
    pub in_flight_mean: f64,
}

/// Counts of one function version.
#[derive(Clone, Debug, Serialize)]
pub struct VersionReport {
    /// Version number.
    pub version: u32,
    /// Invocations.
    pub invocations: u64,
    /// Errors.
    pub errors: u64,
    /// Mean execution time, ms.
    pub mean_duration_ms: f64,
}

/// One node's summary.
#[derive(Clone, Debug, Serialize)]
pub struct NodeReport {
    /// Node id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Kind.
    pub kind: &'static str,
    /// Requests, invocations, messages or writes received.
    pub invocations: u64,
    /// Finished successfully.
    pub completions: u64,
    /// Failed.
    pub errors: u64,
    /// Throttled or rate-limited.
    pub throttles: u64,
    /// Retries and redeliveries.
    pub retries: u64,
    /// Timeouts.
    pub timeouts: u64,
    /// Cold starts.
    pub cold_starts: u64,
    /// Cold starts per invocation, percent.
    pub cold_start_percent: f64,
    /// Errors per invocation, percent.
    pub error_percent: f64,
    /// Messages sent to a DLQ or failure destination.
    pub dead_lettered: u64,
    /// Messages dropped here.
    pub dropped: u64,
    /// Events recursive loop detection stopped before they invoked this function.
    pub loop_stopped: u64,
    /// Requests still waiting for their answer when the report was made (clients, APIs).
    pub in_flight: u64,
    /// Duration (functions) or end-to-end latency (APIs, clients).
    pub latency: Percentiles,
    /// Environments (functions only).
    pub instances: Option<Instances>,
    /// Depth (queues only).
    pub queue: Option<QueueSummary>,
    /// Cost accrued, $.
    pub cost_usd: f64,
    /// Projected per day, $.
    pub cost_per_day_usd: f64,
    /// Per version (functions that were deployed during the run).
    pub versions: Vec<VersionReport>,
}

/// An expectation and whether it held.
#[derive(Clone, Debug, Serialize)]
pub struct ExpectationResult {
    /// What was expected, in words.
    pub expectation: String,
    /// Whether it held.
    pub passed: bool,
    /// What was measured, in words with units.
    pub measured: String,
}

/// An experiment stopped by its condition.
#[derive(Clone, Debug, Serialize)]
pub struct AbortedExperiment {
    /// Its name.
    pub name: String,
    /// When, s.
    pub at_s: f64,
}

fn pct(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        round3(a as f64 * 100.0 / b as f64)
    }
}

impl Simulation {
    /// Builds the report for the run so far.
    pub fn report(&self) -> Report {
        let now = self.now;
        let view = self.cost_view();
        let ledger = self.ledger();
        let nodes: Vec<NodeReport> = (0..self.topo.len())
            .map(|i| self.node_report(i, now, view.node_per_day[i]))
            .collect();
        let total = view.total_usd;
        let cost = CostSummary {
            total_usd: round6(total),
            per_day_usd: round6(view.per_day_usd),
            window_s: round3(view.window_s),
            per_million_requests_usd: round6(super::cost::per_million(total, ledger.entered)),
            server_per_day_usd: view.server.per_day_usd,
            server: view.server,
            by_service: view.by_service,
            free_tier: view.free_tier,
        };
        let mut report = Report {
            report_version: REPORT_VERSION,
            project: self.topo.project.name.clone(),
            seed: self.seed(),
            duration_s: round3(now as f64 / SEC as f64),
            events: self.events,
            ledger_balanced: ledger.balances(),
            ledger,
            cost,
            nodes,
            expectations: Vec::new(),
            experiments_aborted: self
                .aborted_experiments()
                .iter()
                .map(|(x, t)| AbortedExperiment {
                    name: self.topo.project.experiments[*x].name.clone(),
                    at_s: round3(*t as f64 / SEC as f64),
                })
                .collect(),
            stopped: self.stopped.clone(),
            alarms: self.alarm_statuses(),
        };
        report.expectations = self
            .topo
            .project
            .expectations
            .iter()
            .map(|x| self.check(x, &report))
            .collect();
        report
    }

    fn node_report(&self, i: usize, now: Time, per_day_usd: f64) -> NodeReport {
        let s = &self.stats[i];
        let kind = &self.topo.kinds[i];
        let instances = matches!(kind, NodeKind::Function(_)).then(|| Instances {
            busy_mean: round3(s.busy.mean(now)),
            idle_mean: round3(s.idle.mean(now)),
            busy_max: s.busy.max(),
            idle_max: s.idle.max(),
        });
        let queue = matches!(kind, NodeKind::Queue(_)).then(|| QueueSummary {
            depth_mean: round3(s.depth.mean(now)),
            depth_max: s.depth.max(),
            depth_end: s.depth.value(),
            oldest_age_ms: round3(s.max_age as f64 / 1000.0),
            in_flight_mean: round3(s.busy.mean(now)),
        });
        NodeReport {
            id: self.topo.node_ids[i].to_string(),
            name: self
                .topo
                .project
                .graph
                .nodes
                .get(&self.topo.node_ids[i])
                .map_or_else(String::new, |n| n.name.clone()),
            kind: kind.tag().name(),
            invocations: s.invocations,
            completions: s.completions,
            errors: s.errors,
            throttles: s.throttles,
            retries: s.retries,
            timeouts: s.timeouts,
            cold_starts: s.cold_starts,
            cold_start_percent: pct(s.cold_starts, s.invocations),
            error_percent: pct(s.errors, s.invocations),
            dead_lettered: s.dead_lettered,
            dropped: s.dropped,
            loop_stopped: s.loop_stopped,
            in_flight: s.in_flight,
            latency: percentiles(&s.latency),
            instances,
            queue,
            cost_usd: round6(s.cost_usd),
            cost_per_day_usd: round6(per_day_usd),
            versions: if s.versions.len() > 1 {
                s.versions
                    .iter()
                    .map(|vs| VersionReport {
                        version: vs.version,
                        invocations: vs.invocations,
                        errors: vs.errors,
                        mean_duration_ms: if vs.invocations == 0 {
                            0.0
                        } else {
                            round3(vs.duration_us as f64 / vs.invocations as f64 / 1000.0)
                        },
                    })
                    .collect()
            } else {
                Vec::new()
            },
        }
    }

    fn check(&self, x: &Expectation, r: &Report) -> ExpectationResult {
        let node = |id: &crate::model::NodeId| self.topo.index.get(id).map(|&i| (i, &r.nodes[i]));
        let missing = |id: &crate::model::NodeId| ExpectationResult {
            expectation: format!("node \"{id}\" exists"),
            passed: false,
            measured: "no such node".to_owned(),
        };
        match x {
            Expectation::AlarmNeverFired { alarm } => alarm_never_fired(alarm, r),
            Expectation::LatencyBelow {
                node: id,
                percentile,
                max_ms,
            } => {
                let Some((i, _)) = node(id) else {
                    return missing(id);
                };
                let h = &self.stats[i].latency;
                let v = if h.is_empty() {
                    0.0
                } else {
                    h.value_at_quantile(percentile / 100.0) as f64 / 1000.0
                };
                ExpectationResult {
                    expectation: format!("p{percentile} latency of \"{id}\" under {max_ms} ms"),
                    passed: v < *max_ms,
                    measured: format!("{v:.1} ms over {} requests", h.len()),
                }
            }
            Expectation::ErrorRateBelow {
                node: Some(id),
                max_percent,
            } => {
                let Some((_, n)) = node(id) else {
                    return missing(id);
                };
                ExpectationResult {
                    expectation: format!("error rate of \"{id}\" under {max_percent}%"),
                    passed: n.error_percent < *max_percent,
                    measured: format!(
                        "{:.3}% ({} of {})",
                        n.error_percent, n.errors, n.invocations
                    ),
                }
            }
            Expectation::ErrorRateBelow {
                node: None,
                max_percent,
            } => {
                let l = &r.ledger;
                let finished = l.created - l.in_flight - l.returned_error;
                let bad = finished - l.completed;
                let v = pct(bad, finished);
                ExpectationResult {
                    expectation: format!(
                        "share of events that did not complete under {max_percent}%"
                    ),
                    passed: v < *max_percent,
                    measured: format!("{v:.3}% ({bad} of {finished})"),
                }
            }
            Expectation::ThrottleRateBelow {
                node: Some(id),
                max_percent,
            } => {
                let Some((_, n)) = node(id) else {
                    return missing(id);
                };
                let requests = requests(n);
                let v = pct(n.throttles, requests);
                ExpectationResult {
                    expectation: format!("throttle rate of \"{id}\" under {max_percent}%"),
                    passed: v < *max_percent,
                    measured: format!("{v:.3}% ({} of {requests})", n.throttles),
                }
            }
            Expectation::ThrottleRateBelow {
                node: None,
                max_percent,
            } => {
                let (t, n) = r
                    .nodes
                    .iter()
                    .filter(|n| matches!(n.kind, "Function" | "HttpApi"))
                    .fold((0, 0), |(t, n), x| (t + x.throttles, n + requests(x)));
                let v = pct(t, n);
                ExpectationResult {
                    expectation: format!(
                        "throttle rate of all functions and APIs under {max_percent}%"
                    ),
                    passed: v < *max_percent,
                    measured: format!("{v:.3}% ({t} of {n})"),
                }
            }
            Expectation::DlqEmpty { node: id } => {
                let Some((_, n)) = node(id) else {
                    return missing(id);
                };
                ExpectationResult {
                    expectation: format!("dead-letter queue \"{id}\" stays empty"),
                    passed: n.invocations == 0,
                    measured: format!("{} messages received", n.invocations),
                }
            }
            Expectation::QueueDepthBelow { node: id, max } => {
                let Some((_, n)) = node(id) else {
                    return missing(id);
                };
                let depth = n.queue.as_ref().map_or(0, |q| q.depth_max);
                ExpectationResult {
                    expectation: format!("depth of \"{id}\" never above {max}"),
                    passed: depth <= *max,
                    measured: format!("peak depth {depth}"),
                }
            }
            Expectation::CostPerDayBelow { max_usd } => ExpectationResult {
                expectation: format!("cost under ${max_usd} per day"),
                passed: r.cost.per_day_usd < *max_usd,
                measured: format!("${:.2} per day", r.cost.per_day_usd),
            },
            Expectation::ColdStartRateBelow {
                node: id,
                max_percent,
            } => {
                let Some((_, n)) = node(id) else {
                    return missing(id);
                };
                ExpectationResult {
                    expectation: format!("cold starts of \"{id}\" under {max_percent}%"),
                    passed: n.cold_start_percent < *max_percent,
                    measured: format!(
                        "{:.3}% ({} of {})",
                        n.cold_start_percent, n.cold_starts, n.invocations
                    ),
                }
            }
            Expectation::NoEventLost => no_event_lost(r),
        }
    }
}

/// The `NoEventLost` expectation: nothing dropped or dead-lettered, the ledger balanced.
fn no_event_lost(r: &Report) -> ExpectationResult {
    let l = &r.ledger;
    let lost = l.dropped() + l.dead_lettered;
    ExpectationResult {
        expectation: "no event lost (none dropped or dead-lettered)".to_owned(),
        passed: lost == 0 && r.ledger_balanced,
        measured: format!(
            "{lost} lost: {} throttled, {} rejected, {} expired, {} to faults, {} failed, {} stopped as a recursive loop, {} dead-lettered",
            l.throttled,
            l.rejected,
            l.expired,
            l.fault,
            l.failed,
            l.recursive_loop,
            l.dead_lettered
        ),
    }
}

/// Requests that reached a node: a function counts only those it started as invocations,
/// so the ones it throttled are added; an API counts every request as an invocation.
fn requests(n: &NodeReport) -> u64 {
    if n.kind == "Function" {
        n.invocations + n.throttles
    } else {
        n.invocations
    }
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// `AlarmNeverFired`: the alarm exists and went into ALARM no time during the run.
fn alarm_never_fired(alarm: &str, r: &Report) -> ExpectationResult {
    let found = r.alarms.iter().find(|a| a.name == alarm);
    ExpectationResult {
        expectation: format!("alarm '{alarm}' never fired"),
        passed: found.is_some_and(|a| a.fired == 0),
        measured: match found {
            Some(a) => format!(
                "fired {} times, {:.0} s in ALARM, {} now",
                a.fired,
                a.in_alarm_s,
                a.state.label()
            ),
            None => "no such alarm".to_owned(),
        },
    }
}
