//! Edges: triggers and calls between nodes.

use super::ids::NodeId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A directed connection from one node to another.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edge {
    /// The node that sends.
    pub from: NodeId,
    /// The node that receives.
    pub to: NodeId,
    /// How it sends.
    pub kind: EdgeKind,
    /// What is sent along this edge when the sender emits (ignored for kinds that do not emit).
    #[serde(default, skip_serializing_if = "Emit::is_default")]
    pub emit: Emit,
}

impl Edge {
    /// An edge of `kind` with default emission.
    pub fn new(from: impl Into<NodeId>, to: impl Into<NodeId>, kind: EdgeKind) -> Self {
        Self {
            from: from.into(),
            to: to.into(),
            kind,
            emit: Emit::default(),
        }
    }
}

/// How an edge carries events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EdgeKind {
    /// Fire-and-forget invocation: the target queues the event internally and retries it.
    AsyncInvoke,
    /// Request/response: the caller waits for the result (and fails with it).
    SyncInvoke,
    /// A topic subscription, with an optional filter and a delivery retry policy.
    Subscription(Subscription),
    /// A poller that reads batches from a queue or table stream and invokes a function.
    EventSource(EventSourceMapping),
    /// A write or send into a store or messaging node (put object, put item, send, publish).
    Write,
    /// Where failed events go: a function's on-failure destination, or a queue's dead-letter queue.
    OnFailure,
}

/// The kind of an edge without its settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeTag {
    /// See [`EdgeKind::AsyncInvoke`].
    AsyncInvoke,
    /// See [`EdgeKind::SyncInvoke`].
    SyncInvoke,
    /// See [`EdgeKind::Subscription`].
    Subscription,
    /// See [`EdgeKind::EventSource`].
    EventSource,
    /// See [`EdgeKind::Write`].
    Write,
    /// See [`EdgeKind::OnFailure`].
    OnFailure,
}

impl EdgeTag {
    /// Every edge kind.
    pub const ALL: [EdgeTag; 6] = [
        EdgeTag::SyncInvoke,
        EdgeTag::AsyncInvoke,
        EdgeTag::Subscription,
        EdgeTag::EventSource,
        EdgeTag::Write,
        EdgeTag::OnFailure,
    ];

    /// Human name for menus and messages.
    pub fn label(self) -> &'static str {
        match self {
            EdgeTag::AsyncInvoke => "async invoke",
            EdgeTag::SyncInvoke => "sync invoke",
            EdgeTag::Subscription => "subscription",
            EdgeTag::EventSource => "event-source mapping",
            EdgeTag::Write => "write",
            EdgeTag::OnFailure => "on failure",
        }
    }

    /// The edge kind with default settings for an edge leaving a node of kind `from` (a
    /// table's event-source mapping reads batches of 100, a queue's of 10).
    pub fn default_kind_from(self, from: super::node::KindTag) -> EdgeKind {
        if self == EdgeTag::EventSource && from == super::node::KindTag::Table {
            EdgeKind::EventSource(EventSourceMapping::for_stream())
        } else {
            self.default_kind()
        }
    }

    /// The edge kind with default settings.
    pub fn default_kind(self) -> EdgeKind {
        match self {
            EdgeTag::AsyncInvoke => EdgeKind::AsyncInvoke,
            EdgeTag::SyncInvoke => EdgeKind::SyncInvoke,
            EdgeTag::Subscription => EdgeKind::Subscription(Subscription::default()),
            EdgeTag::EventSource => EdgeKind::EventSource(EventSourceMapping::default()),
            EdgeTag::Write => EdgeKind::Write,
            EdgeTag::OnFailure => EdgeKind::OnFailure,
        }
    }
}

impl EdgeKind {
    /// The kind without settings.
    pub fn tag(&self) -> EdgeTag {
        match self {
            EdgeKind::AsyncInvoke => EdgeTag::AsyncInvoke,
            EdgeKind::SyncInvoke => EdgeTag::SyncInvoke,
            EdgeKind::Subscription(_) => EdgeTag::Subscription,
            EdgeKind::EventSource(_) => EdgeTag::EventSource,
            EdgeKind::Write => EdgeTag::Write,
            EdgeKind::OnFailure => EdgeTag::OnFailure,
        }
    }
}

/// What a sender emits along an edge each time it succeeds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Emit {
    /// Probability that this edge is used for a given event, 0–1.
    pub probability: f64,
    /// How many events are sent each time (fan-out).
    pub count: u32,
    /// Attributes set on the events sent (matched by topic subscription filters).
    pub attributes: BTreeMap<String, String>,
}

impl Emit {
    /// Whether this is the default (one event, always, no attributes); such an emit is not
    /// written to files.
    pub fn is_default(&self) -> bool {
        *self == Emit::default()
    }
}

impl Default for Emit {
    fn default() -> Self {
        Self {
            probability: 1.0,
            count: 1,
            attributes: BTreeMap::new(),
        }
    }
}

/// A topic subscription's settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Subscription {
    /// Filter policy: for each attribute, the values accepted. Empty accepts every event;
    /// an event matches when every listed attribute has one of its values.
    pub filter: BTreeMap<String, Vec<String>>,
    /// Delivery retries for an HTTP/S subscriber (an API). Deliveries to functions and queues
    /// follow SNS's own policy, which cannot be changed ([`sns_managed_retry_delay_ms`]).
    pub retry: RetryPolicy,
}

impl Subscription {
    /// Whether an event with `attributes` passes the filter.
    pub fn matches(&self, attributes: &BTreeMap<String, String>) -> bool {
        self.filter
            .iter()
            .all(|(k, allowed)| attributes.get(k).is_some_and(|v| allowed.contains(v)))
    }
}

/// Backoff retry policy for deliveries to an HTTP/S subscriber (SNS's delivery policy).
/// Default: SNS's default for HTTP/S, three retries 20 s apart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetryPolicy {
    /// Retries after the first failed delivery.
    pub max_retries: u32,
    /// Delay before the first retry, ms.
    pub initial_delay_ms: u64,
    /// Each further delay is the previous one times this factor (≥ 1).
    pub backoff_factor: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_delay_ms: 20_000,
            backoff_factor: 1.0,
        }
    }
}

impl RetryPolicy {
    /// Delay before retry `n` (1 for the first), ms.
    pub fn delay_ms(&self, n: u32) -> f64 {
        self.initial_delay_ms as f64 * self.backoff_factor.powi(n.saturating_sub(1) as i32)
    }

    /// Time from the first failure to the last retry, ms (AWS caps it at an hour).
    pub fn total_ms(&self) -> f64 {
        (1..=self.max_retries.min(1_000))
            .map(|n| self.delay_ms(n))
            .sum()
    }
}

/// Retries SNS makes, after a failed delivery to an AWS-managed endpoint (a Lambda function or
/// an SQS queue), before it gives up: 100,015, over about 23 days.
pub const SNS_MANAGED_RETRIES: u32 = 100_015;

/// The delay before retry `n` (1 for the first) of a delivery to a Lambda function or an SQS
/// queue, ms, by the phases of SNS's fixed policy for AWS-managed endpoints: 3 immediate
/// retries, 2 one second apart, 10 with exponential backoff from 1 s to 20 s, then 100,000
/// twenty seconds apart. `None` once the 100,015 retries are spent. (SNS adds jitter; this
/// does not.)
pub fn sns_managed_retry_delay_ms(n: u32) -> Option<u64> {
    match n {
        0..=3 => Some(0),
        4..=5 => Some(1_000),
        6..=15 => {
            // 1 s × 20^(k/9) for k = 0 … 9: 1 s, 1.4 s, 1.9 s … 20 s.
            let k = f64::from(n - 6);
            Some((1_000.0 * 20f64.powf(k / 9.0)).round() as u64)
        }
        16..=SNS_MANAGED_RETRIES => Some(20_000),
        _ => None,
    }
}

/// An event-source mapping's settings (Lambda polling SQS or a table stream).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EventSourceMapping {
    /// Most records per invocation (SQS: 1–10,000, FIFO ≤ 10; default 10. Streams: default
    /// 100, see [`EventSourceMapping::for_stream`]).
    pub batch_size: u32,
    /// How long the poller waits to fill a batch, ms (0–300 s). Default 0.
    pub batch_window_ms: u64,
    /// SQS only: cap on concurrent batches from this mapping (2–1,000); `None`: the pollers
    /// scale up to 1,000 (from 5, adding up to 300 a minute).
    pub max_concurrency: Option<u32>,
    /// Report per-message failures, so only failed messages return to the queue.
    pub report_batch_item_failures: bool,
    /// Streams only: batches read from each shard at once (1–10). Default 1.
    #[serde(skip_serializing_if = "is_one")]
    pub parallelization_factor: u32,
    /// Streams only: split a failed batch in two before retrying it. Default off.
    #[serde(skip_serializing_if = "is_false")]
    pub bisect_batch_on_error: bool,
    /// Streams only: retries of a failed record before it is discarded (to the table's
    /// on-failure destination), 0–10,000; `None` (AWS's -1): until the record expires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum_retry_attempts: Option<u32>,
    /// Streams only: oldest a record may be when it is sent to the function, ms (60 s – 7
    /// days); older ones are discarded. `None` (AWS's -1): until the stream's 24 h retention.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum_record_age_ms: Option<u64>,
}

impl Default for EventSourceMapping {
    fn default() -> Self {
        Self {
            batch_size: 10,
            batch_window_ms: 0,
            max_concurrency: None,
            report_batch_item_failures: false,
            parallelization_factor: 1,
            bisect_batch_on_error: false,
            maximum_retry_attempts: None,
            maximum_record_age_ms: None,
        }
    }
}

impl EventSourceMapping {
    /// A table stream mapping's defaults (AWS: batch size 100).
    pub fn for_stream() -> Self {
        Self {
            batch_size: 100,
            ..Self::default()
        }
    }
}

/// Whether `n` is 1 (a default left out of files).
fn is_one(n: &u32) -> bool {
    *n == 1
}

/// Whether `b` is false (a default left out of files).
fn is_false(b: &bool) -> bool {
    !*b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sns_managed_policy_has_its_phases_and_ends_after_23_days() {
        let delays: Vec<u64> = (1..=SNS_MANAGED_RETRIES)
            .map(|n| sns_managed_retry_delay_ms(n).expect("within the policy"))
            .collect();
        assert_eq!(
            &delays[..5],
            &[0, 0, 0, 1_000, 1_000],
            "immediate, then pre-backoff"
        );
        assert_eq!(delays[5], 1_000, "backoff from 1 s …");
        assert_eq!(delays[14], 20_000, "… to 20 s");
        assert!(delays[5..15].windows(2).all(|w| w[0] < w[1]));
        assert!(delays[15..].iter().all(|&d| d == 20_000));
        assert_eq!(delays.len() - 15, 100_000, "post-backoff phase");
        assert_eq!(sns_managed_retry_delay_ms(SNS_MANAGED_RETRIES + 1), None);
        let total_days = delays.iter().sum::<u64>() as f64 / 86_400_000.0;
        assert!((23.0..24.0).contains(&total_days), "{total_days} days");
    }

    #[test]
    fn http_default_policy_is_three_retries_twenty_seconds_apart() {
        let p = RetryPolicy::default();
        assert_eq!(p.max_retries, 3);
        assert_eq!(
            (1..=3).map(|n| p.delay_ms(n)).collect::<Vec<_>>(),
            [20_000.0; 3]
        );
        assert_eq!(p.total_ms(), 60_000.0);
    }

    #[test]
    fn a_stream_mapping_reads_batches_of_100_a_queue_mapping_10() {
        use super::super::node::KindTag;
        let batch = |from| {
            let kind = EdgeTag::EventSource.default_kind_from(from);
            let EdgeKind::EventSource(m) = kind else {
                panic!("not a mapping: {kind:?}");
            };
            m.batch_size
        };
        assert_eq!(batch(KindTag::Table), 100);
        assert_eq!(batch(KindTag::Queue), 10);
        assert_eq!(
            EdgeTag::Write.default_kind_from(KindTag::Table),
            EdgeKind::Write
        );
    }
}
