//! Alarms during a run: each alarm's metric is summed over its period from the once-a-second
//! tick, compared with its threshold at each period boundary in virtual time, and its state
//! (OK / ALARM / INSUFFICIENT_DATA, M of N, the missing-data rule: `model::alarm`) moves with
//! a log line. A gradual deployment that names an alarm is rolled back when it fires, like
//! CodeDeploy's `DEPLOYMENT_STOP_ON_ALARM` automatic rollback
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-codedeploy-deploymentgroup-autorollbackconfiguration.html>).
//! Nothing here runs per event: a run without alarms pays one empty-vector test a second.

use super::engine::Simulation;
use super::log::Level;
use super::time::{SEC, Time};
use super::topology::NONE;
use crate::model::{
    Alarm, AlarmMetric, AlarmState, EdgeKind, NodeId, NodeKind, fmt_value, next_state,
};
use serde::Serialize;
use std::collections::VecDeque;

/// One alarm's state and history, as the snapshot and the report carry it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AlarmStatus {
    /// The alarm's name.
    pub name: String,
    /// The node it watches.
    pub node: NodeId,
    /// Its state now.
    pub state: AlarmState,
    /// Times it went into ALARM.
    pub fired: u32,
    /// Simulated time spent in ALARM so far, s.
    pub in_alarm_s: f64,
    /// The value of its most recent datapoint, in the metric's unit (`None`: no data yet,
    /// or the last period had none).
    pub last_value: Option<f64>,
}

/// What one period has gathered so far.
#[derive(Clone, Debug, Default)]
struct Gathered {
    seconds: u64,
    invocations: u64,
    errors: u64,
    throttles: u64,
    /// Highest one-second p99 among seconds in which requests finished, ms.
    p99_ms: Option<f64>,
}

/// One alarm at run time.
#[derive(Clone, Debug)]
pub(crate) struct AlarmRt {
    def: Alarm,
    node: usize,
    /// Queue index of the watched queue (queue metrics), or of its dead-letter queue
    /// (DLQ depth); NONE when it has none.
    queue: u32,
    gathered: Gathered,
    /// Breaching (`Some(true)`), within (`Some(false)`) or missing, oldest first, at most N.
    points: VecDeque<Option<bool>>,
    state: AlarmState,
    fired: u32,
    alarm_since: Option<Time>,
    in_alarm: Time,
    last_value: Option<f64>,
}

impl AlarmRt {
    fn status(&self, now: Time) -> AlarmStatus {
        let open = self.alarm_since.map_or(0, |t| now.saturating_sub(t));
        AlarmStatus {
            name: self.def.name.clone(),
            node: self.def.node.clone(),
            state: self.state,
            fired: self.fired,
            in_alarm_s: (self.in_alarm + open) as f64 / SEC as f64,
            last_value: self.last_value.map(|v| (v * 1000.0).round() / 1000.0),
        }
    }
}

impl Simulation {
    /// Prepares the project's alarms; an alarm whose node is missing or lacks its metric
    /// (validation reports both) is left out rather than failing the run.
    pub(crate) fn init_alarms(&mut self) {
        let mut out = Vec::new();
        for def in &self.topo.project.alarms {
            let Some(&node) = self.topo.index.get(&def.node) else {
                continue;
            };
            if !def.metric.applies_to(self.topo.kinds[node].tag()) {
                continue;
            }
            let queue = match def.metric {
                AlarmMetric::QueueDepth | AlarmMetric::OldestAgeS => self.queue_of[node],
                AlarmMetric::DlqDepth => self.topo.out[node]
                    .iter()
                    .map(|&e| &self.topo.edges[e])
                    .find(|e| {
                        e.kind == EdgeKind::OnFailure
                            && matches!(self.topo.kinds[e.to], NodeKind::Queue(_))
                    })
                    .map_or(NONE, |e| self.queue_of[e.to]),
                AlarmMetric::ErrorRatePercent | AlarmMetric::P99Ms | AlarmMetric::ThrottlesPerS => {
                    NONE
                }
            };
            out.push(AlarmRt {
                def: def.clone(),
                node,
                queue,
                gathered: Gathered::default(),
                points: VecDeque::new(),
                state: AlarmState::InsufficientData,
                fired: 0,
                alarm_since: None,
                in_alarm: 0,
                last_value: None,
            });
        }
        self.alarms = out;
    }

    /// Called by the tick once a second, after every node's second has closed: adds the
    /// second to each alarm's period and evaluates those whose period ends now.
    #[cold]
    #[inline(never)]
    pub(crate) fn tick_alarms(&mut self) {
        let now = self.now;
        let second = now / SEC;
        for a in 0..self.alarms.len() {
            let node = self.alarms[a].node;
            let last = &self.stats[node].last;
            let g = &mut self.alarms[a].gathered;
            g.seconds += 1;
            g.invocations += last.invocations;
            g.errors += last.errors;
            g.throttles += last.throttles;
            if last.completions > 0 || last.p99_ms > 0.0 {
                g.p99_ms = Some(g.p99_ms.map_or(last.p99_ms, |p| p.max(last.p99_ms)));
            }
            let period = u64::from(self.alarms[a].def.period_s.max(1));
            if second.is_multiple_of(period) {
                self.evaluate_alarm(a);
            }
        }
    }

    /// The datapoint of alarm `a`'s period that just ended (`None`: no data).
    fn alarm_value(&self, a: usize) -> Option<f64> {
        let rt = &self.alarms[a];
        let g = &rt.gathered;
        let queue = (rt.queue != NONE).then(|| &self.queues[rt.queue as usize]);
        match rt.def.metric {
            AlarmMetric::ErrorRatePercent => {
                (g.invocations > 0).then(|| g.errors as f64 * 100.0 / g.invocations as f64)
            }
            AlarmMetric::P99Ms => g.p99_ms,
            AlarmMetric::ThrottlesPerS => {
                (g.seconds > 0).then(|| g.throttles as f64 / g.seconds as f64)
            }
            AlarmMetric::QueueDepth | AlarmMetric::DlqDepth => queue.map(|q| q.depth() as f64),
            AlarmMetric::OldestAgeS => queue.map(|q| {
                q.visible
                    .front()
                    .and_then(|&m| self.msgs.get(m))
                    .map_or(0.0, |m| {
                        self.now.saturating_sub(m.enqueued) as f64 / SEC as f64
                    })
            }),
        }
    }

    fn evaluate_alarm(&mut self, a: usize) {
        let value = self.alarm_value(a);
        let now = self.now;
        let rt = &mut self.alarms[a];
        rt.gathered = Gathered::default();
        rt.last_value = value;
        let breaching = value.map(|v| rt.def.op.holds(v, rt.def.threshold));
        rt.points.push_back(breaching);
        while rt.points.len() > rt.def.evaluation_periods.max(1) as usize {
            rt.points.pop_front();
        }
        let before = rt.state;
        let after = next_state(&rt.def, rt.points.make_contiguous(), before);
        if after == before {
            if after == AlarmState::Alarm {
                self.rollback_on_alarm(a);
            }
            return;
        }
        rt.state = after;
        if after == AlarmState::Alarm {
            rt.fired += 1;
            rt.alarm_since = Some(now);
        } else if let Some(since) = rt.alarm_since.take() {
            rt.in_alarm += now - since;
        }
        let count = rt.points.iter().filter(|p| **p == Some(true)).count();
        let d = &rt.def;
        let measured = match value {
            Some(v) => format!("{} {} {}", d.metric.words(), fmt_value(v), d.metric.unit()),
            None => format!("{}: no data", d.metric.words()),
        };
        let msg = format!(
            "{} '{}': {measured}, threshold {} {} {}, {count} of {} periods of {} s breaching ({} needed)",
            after.label(),
            d.name,
            d.op.symbol(),
            fmt_value(d.threshold),
            d.metric.unit(),
            rt.points.len(),
            d.period_s,
            d.datapoints_to_alarm,
        );
        let level = match after {
            AlarmState::Alarm => Level::Warn,
            AlarmState::Ok | AlarmState::InsufficientData => Level::Info,
        };
        let node = rt.node;
        self.log(node, level, 0, msg);
        if after == AlarmState::Alarm {
            self.rollback_on_alarm(a);
        }
    }

    /// Every alarm's state now, in the project's order.
    pub fn alarm_statuses(&self) -> Vec<AlarmStatus> {
        self.alarms.iter().map(|a| a.status(self.now)).collect()
    }

    /// The name of alarm `a`.
    pub(crate) fn alarm_name(&self, a: usize) -> &str {
        self.alarms.get(a).map_or("", |rt| rt.def.name.as_str())
    }

    /// The index of the alarm named `name`.
    pub(crate) fn alarm_index(&self, name: &str) -> Option<u32> {
        self.alarms
            .iter()
            .position(|a| a.def.name == name)
            .map(|i| i as u32)
    }
}
