//! Alarms on a node's metric, the way CloudWatch has them: a threshold compared once per
//! period, "M of N" datapoints to alarm, and a rule for periods without data.
//!
//! CloudWatch semantics followed here: an alarm goes to ALARM when at least
//! `datapoints_to_alarm` (M) of the last `evaluation_periods` (N) datapoints breach
//! ("datapointsToAlarm … this value is the M", PutMetricAlarm,
//! <https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/cloudwatch/aws.sdk.kotlin.services.cloudwatch.model/-put-metric-alarm-request/datapoints-to-alarm.html>,
//! which points to "Evaluating an alarm" in the CloudWatch User Guide); missing datapoints
//! are treated as `notBreaching`, `breaching`, `ignore` or `missing`
//! (<https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html>).
//! Eventloom's default is `notBreaching` (CloudWatch's is `missing`): a node that received
//! nothing in a period is healthy, which is what a learner expects of an error-rate alarm.

use super::ids::NodeId;
use super::lesson::Cmp;
use super::node::KindTag;
use serde::{Deserialize, Serialize};

/// One alarm on one node's metric.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alarm {
    /// Its name, unique in the project ("Checkout errors").
    pub name: String,
    /// The node whose metric it watches.
    pub node: NodeId,
    /// What it watches.
    pub metric: AlarmMetric,
    /// How a period's value is compared with the threshold (breaching when it holds).
    pub op: Cmp,
    /// The threshold, in the metric's unit.
    pub threshold: f64,
    /// Length of one period, s (one datapoint per period).
    #[serde(default = "default_period_s")]
    pub period_s: u32,
    /// N: how many of the most recent periods are looked at.
    #[serde(default = "one")]
    pub evaluation_periods: u32,
    /// M: how many of those must breach for the alarm to fire.
    #[serde(default = "one")]
    pub datapoints_to_alarm: u32,
    /// How a period without data counts.
    #[serde(default, skip_serializing_if = "MissingData::is_default")]
    pub missing_data: MissingData,
}

/// The default period, s (CloudWatch's standard resolution alarms use 60 s and more).
pub const DEFAULT_PERIOD_S: u32 = 60;

fn default_period_s() -> u32 {
    DEFAULT_PERIOD_S
}
fn one() -> u32 {
    1
}

impl Alarm {
    /// A one-period alarm with the default period and missing-data rule.
    pub fn new(name: &str, node: NodeId, metric: AlarmMetric, op: Cmp, threshold: f64) -> Self {
        Alarm {
            name: name.to_owned(),
            node,
            metric,
            op,
            threshold,
            period_s: DEFAULT_PERIOD_S,
            evaluation_periods: 1,
            datapoints_to_alarm: 1,
            missing_data: MissingData::NotBreaching,
        }
    }

    /// The rule in words: "error rate > 5 % for 3 of 3 periods of 60 s".
    pub fn rule_words(&self) -> String {
        format!(
            "{} {} {} {} for {} of {} periods of {} s",
            self.metric.words(),
            self.op.symbol(),
            fmt_value(self.threshold),
            self.metric.unit(),
            self.datapoints_to_alarm,
            self.evaluation_periods,
            self.period_s
        )
    }
}

/// A number without trailing zeros ("5", "12.5").
pub fn fmt_value(v: f64) -> String {
    let r = (v * 1000.0).round() / 1000.0;
    format!("{r}")
}

/// What an alarm watches, each measured over one period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AlarmMetric {
    /// Errors as a share of requests received in the period, % (missing without requests).
    ErrorRatePercent,
    /// The highest one-second p99 latency in the period, ms (missing when no request
    /// finished in the period).
    P99Ms,
    /// Throttled requests per second, averaged over the period.
    ThrottlesPerS,
    /// A queue's messages waiting at the end of the period (SQS
    /// `ApproximateNumberOfMessagesVisible`).
    QueueDepth,
    /// Age of the oldest message waiting in a queue at the end of the period, s (SQS
    /// `ApproximateAgeOfOldestMessage`; 0 when the queue is empty).
    OldestAgeS,
    /// Messages waiting in the dead-letter queue of a queue (the queue its on-failure edge
    /// leads to) at the end of the period.
    DlqDepth,
}

impl AlarmMetric {
    /// Every metric, in menu order.
    pub const ALL: [AlarmMetric; 6] = [
        AlarmMetric::ErrorRatePercent,
        AlarmMetric::P99Ms,
        AlarmMetric::ThrottlesPerS,
        AlarmMetric::QueueDepth,
        AlarmMetric::OldestAgeS,
        AlarmMetric::DlqDepth,
    ];

    /// The metric in words ("error rate").
    pub fn words(self) -> &'static str {
        match self {
            AlarmMetric::ErrorRatePercent => "error rate",
            AlarmMetric::P99Ms => "p99",
            AlarmMetric::ThrottlesPerS => "throttles",
            AlarmMetric::QueueDepth => "queue depth",
            AlarmMetric::OldestAgeS => "age of oldest message",
            AlarmMetric::DlqDepth => "DLQ depth",
        }
    }

    /// Its unit ("%", "ms", "/s", "messages", "s").
    pub fn unit(self) -> &'static str {
        match self {
            AlarmMetric::ErrorRatePercent => "%",
            AlarmMetric::P99Ms => "ms",
            AlarmMetric::ThrottlesPerS => "/s",
            AlarmMetric::QueueDepth | AlarmMetric::DlqDepth => "messages",
            AlarmMetric::OldestAgeS => "s",
        }
    }

    /// Whether a node of kind `kind` has this metric.
    pub fn applies_to(self, kind: KindTag) -> bool {
        match self {
            AlarmMetric::ErrorRatePercent | AlarmMetric::P99Ms => {
                matches!(kind, KindTag::Function | KindTag::HttpApi)
            }
            AlarmMetric::ThrottlesPerS => matches!(kind, KindTag::Function | KindTag::HttpApi),
            AlarmMetric::QueueDepth | AlarmMetric::OldestAgeS | AlarmMetric::DlqDepth => {
                kind == KindTag::Queue
            }
        }
    }
}

/// How a period without data counts (CloudWatch's `TreatMissingData`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum MissingData {
    /// As within the threshold (the default here).
    #[default]
    NotBreaching,
    /// As breaching the threshold.
    Breaching,
    /// The alarm keeps its state when the newest period has no data; older missing
    /// periods are left out of the count.
    Ignore,
    /// Missing periods are left out of the count; with no data in any of the N periods the
    /// alarm goes to INSUFFICIENT_DATA.
    Missing,
}

impl MissingData {
    fn is_default(&self) -> bool {
        *self == MissingData::NotBreaching
    }

    /// Every rule, in menu order.
    pub const ALL: [MissingData; 4] = [
        MissingData::NotBreaching,
        MissingData::Breaching,
        MissingData::Ignore,
        MissingData::Missing,
    ];

    /// CloudWatch's name for it.
    pub fn label(self) -> &'static str {
        match self {
            MissingData::NotBreaching => "notBreaching",
            MissingData::Breaching => "breaching",
            MissingData::Ignore => "ignore",
            MissingData::Missing => "missing",
        }
    }
}

/// The state of an alarm during a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AlarmState {
    /// Not enough data yet (every alarm starts here).
    #[default]
    InsufficientData,
    /// Within the threshold.
    Ok,
    /// Breaching: M of the last N periods breached.
    Alarm,
}

impl AlarmState {
    /// CloudWatch's name for it ("ALARM").
    pub fn label(self) -> &'static str {
        match self {
            AlarmState::InsufficientData => "INSUFFICIENT_DATA",
            AlarmState::Ok => "OK",
            AlarmState::Alarm => "ALARM",
        }
    }
}

/// Decides an alarm's next state from its most recent datapoints (oldest first, at most N;
/// `None` = no data in that period), M of N, the missing-data rule and the current state.
pub fn next_state(alarm: &Alarm, points: &[Option<bool>], current: AlarmState) -> AlarmState {
    let m = alarm.datapoints_to_alarm as usize;
    let newest_missing = points.last().is_none_or(Option::is_none);
    let (breaching, present) = match alarm.missing_data {
        MissingData::NotBreaching => (points.iter().filter(|p| **p == Some(true)).count(), 1),
        MissingData::Breaching => (points.iter().filter(|p| **p != Some(false)).count(), 1usize),
        MissingData::Ignore => {
            if newest_missing {
                return current;
            }
            (points.iter().filter(|p| **p == Some(true)).count(), 1)
        }
        MissingData::Missing => (
            points.iter().filter(|p| **p == Some(true)).count(),
            points.iter().filter(|p| p.is_some()).count(),
        ),
    };
    if present == 0 {
        AlarmState::InsufficientData
    } else if breaching >= m {
        AlarmState::Alarm
    } else {
        AlarmState::Ok
    }
}
