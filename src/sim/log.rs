//! The run log: a bounded ring of structured lines stamped with virtual time.

use super::time::Time;
use serde::Serialize;
use std::collections::VecDeque;

/// Severity of a log line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Level {
    /// Normal but notable (cold start, deploy).
    Info,
    /// Something went wrong but was handled (throttle, retry).
    Warn,
    /// A failure (error, timeout, DLQ, drop).
    Error,
}

/// One log line.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LogLine {
    /// Virtual time, µs.
    pub t: Time,
    /// Index of the node in the topology.
    pub node: usize,
    /// Severity.
    pub level: Level,
    /// Trace (root message) id, 0 when none.
    pub trace: u64,
    /// What happened.
    pub message: String,
}

/// Most lines kept; older ones are dropped first.
pub const LOG_CAPACITY: usize = 10_000;

/// A bounded log.
#[derive(Clone, Debug, Default)]
pub struct Log {
    lines: VecDeque<LogLine>,
    /// Lines ever written (including those dropped from the ring).
    pub total: u64,
}

impl Log {
    /// Appends a line, dropping the oldest when full.
    pub fn push(&mut self, line: LogLine) {
        if self.lines.len() == LOG_CAPACITY {
            self.lines.pop_front();
        }
        self.lines.push_back(line);
        self.total += 1;
    }

    /// Bytes the ring holds, estimated (a line's text averages well under 128 bytes).
    pub fn bytes(&self) -> u64 {
        (self.lines.len() * (std::mem::size_of::<LogLine>() + 128)) as u64
    }

    /// Lines in time order.
    pub fn lines(&self) -> impl DoubleEndedIterator<Item = &LogLine> + ExactSizeIterator {
        self.lines.iter()
    }
}

/// Why a request or message failed: the reason its log line, its span and the counts name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Failure {
    /// The function's code failed (its error probability or an error-rate fault).
    Error,
    /// The function ran past its timeout, or an API's integration did (504).
    Timeout,
    /// A synchronous call the function made failed, so the invocation failed too.
    CallFailed,
    /// Refused by a function's concurrency or scaling limit (429).
    Throttled,
    /// Refused by an API's rate limit (429).
    RateLimited,
    /// Refused because the node is down (an outage fault).
    Unavailable,
    /// Lost on an edge by an injected drop fault.
    Lost,
    /// Too old: max event age or queue retention.
    Expired,
    /// Failed every attempt and nothing catches it: discarded.
    Discarded,
    /// Moved to a dead-letter queue or on-failure destination.
    DeadLettered,
    /// A topic gave up delivering to a subscriber after its retries.
    DeliveryFailed,
    /// Stopped by recursive loop detection.
    LoopStopped,
}

impl Failure {
    /// Every reason, in declaration order.
    pub const ALL: [Failure; 12] = [
        Failure::Error,
        Failure::Timeout,
        Failure::CallFailed,
        Failure::Throttled,
        Failure::RateLimited,
        Failure::Unavailable,
        Failure::Lost,
        Failure::Expired,
        Failure::Discarded,
        Failure::DeadLettered,
        Failure::DeliveryFailed,
        Failure::LoopStopped,
    ];

    /// Short words for log lines and span labels.
    pub fn label(self) -> &'static str {
        match self {
            Failure::Error => "error",
            Failure::Timeout => "timeout",
            Failure::CallFailed => "a call it made failed",
            Failure::Throttled => "throttled (429)",
            Failure::RateLimited => "rate limited (429)",
            Failure::Unavailable => "unavailable (outage)",
            Failure::Lost => "lost on an edge (fault)",
            Failure::Expired => "expired",
            Failure::Discarded => "discarded",
            Failure::DeadLettered => "dead-lettered",
            Failure::DeliveryFailed => "delivery failed",
            Failure::LoopStopped => "stopped: recursive loop",
        }
    }

    /// The level its log lines have: what the platform handled or refused on purpose is a
    /// warning, what broke is an error.
    pub fn level(self) -> Level {
        match self {
            Failure::Throttled
            | Failure::RateLimited
            | Failure::Lost
            | Failure::DeadLettered
            | Failure::LoopStopped => Level::Warn,
            Failure::Error
            | Failure::Timeout
            | Failure::CallFailed
            | Failure::Unavailable
            | Failure::Expired
            | Failure::Discarded
            | Failure::DeliveryFailed => Level::Error,
        }
    }
}

/// Failure lines written per node, per reason and per simulated second. The rule never
/// hides a whole class: the first lines of every (node, reason) are written each second,
/// and the rest are summed up in one "… and N more" line when the second ends.
pub const FAILURE_LINES_PER_S: u32 = 5;

/// Counts failures per node and reason within the current second, to apply
/// [`FAILURE_LINES_PER_S`].
#[derive(Clone, Debug, Default)]
pub(crate) struct FailureLog {
    counts: Vec<[u32; Failure::ALL.len()]>,
    /// Nodes with a count this second (may repeat; zero rows are skipped).
    touched: Vec<u32>,
}

impl FailureLog {
    pub(crate) fn new(nodes: usize) -> Self {
        Self {
            counts: vec![[0; Failure::ALL.len()]; nodes],
            touched: Vec::new(),
        }
    }

    /// Counts a failure at `node`; returns whether its line should be written.
    #[inline]
    pub(crate) fn admit(&mut self, node: usize, why: Failure) -> bool {
        let Some(row) = self.counts.get_mut(node) else {
            return false;
        };
        let c = &mut row[why as usize];
        if *c == 0 {
            self.touched.push(node as u32);
        }
        *c = c.saturating_add(1);
        *c <= FAILURE_LINES_PER_S
    }

    /// Ends the second: the (node, reason, lines not written) of every class that went over
    /// the limit, in node then reason order; the counts start again.
    pub(crate) fn end_second(&mut self) -> Vec<(usize, Failure, u32)> {
        let mut over = Vec::new();
        if self.touched.is_empty() {
            return over;
        }
        let mut touched = std::mem::take(&mut self.touched);
        touched.sort_unstable();
        touched.dedup();
        for n in touched {
            let row = &mut self.counts[n as usize];
            for why in Failure::ALL {
                let c = row[why as usize];
                if c > FAILURE_LINES_PER_S {
                    over.push((n as usize, why, c - FAILURE_LINES_PER_S));
                }
            }
            *row = [0; Failure::ALL.len()];
        }
        over
    }
}
