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
    /// Delivery retries when the subscriber fails or is throttled.
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

/// Exponential-backoff retry policy for deliveries.
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
            initial_delay_ms: 1_000,
            backoff_factor: 2.0,
        }
    }
}

/// An event-source mapping's settings (Lambda polling SQS or a table stream).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EventSourceMapping {
    /// Most records per invocation (SQS: 1–10,000, FIFO ≤ 10; default 10).
    pub batch_size: u32,
    /// How long the poller waits to fill a batch, ms (0–300 s). Default 0.
    pub batch_window_ms: u64,
    /// Cap on concurrent invocations from this mapping (2–1,000); `None` for no cap.
    pub max_concurrency: Option<u32>,
    /// Report per-message failures, so only failed messages return to the queue.
    pub report_batch_item_failures: bool,
}

impl Default for EventSourceMapping {
    fn default() -> Self {
        Self {
            batch_size: 10,
            batch_window_ms: 0,
            max_concurrency: None,
            report_batch_item_failures: false,
        }
    }
}
