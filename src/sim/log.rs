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

    /// Lines in time order.
    pub fn lines(&self) -> impl DoubleEndedIterator<Item = &LogLine> + ExactSizeIterator {
        self.lines.iter()
    }
}
