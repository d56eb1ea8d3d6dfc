//! Sampled traces: the lifecycle of one event across the graph, as a tree of spans.

use super::time::Time;
use serde::Serialize;
use std::collections::BTreeMap;

/// What a span measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum SpanKind {
    /// A request through an API.
    Request,
    /// Waiting in a queue or a function's async backlog.
    Wait,
    /// A new environment starting.
    ColdStart,
    /// A function running.
    Execution,
    /// A delivery delay (notification, stream, topic).
    Delivery,
}

/// One span.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Span {
    /// Node index.
    pub node: usize,
    /// What it measures.
    pub kind: SpanKind,
    /// Start, µs.
    pub start: Time,
    /// End, µs (equal to start while open).
    pub end: Time,
    /// Parent span index within the trace.
    pub parent: Option<u32>,
    /// Whether it ended in failure.
    pub failed: bool,
}

/// A trace: spans of one root event and everything it caused.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Trace {
    /// Root message id.
    pub id: u64,
    /// Spans in the order they started.
    pub spans: Vec<Span>,
}

impl Trace {
    /// End-to-end duration (first start to last end), µs.
    pub fn duration(&self) -> Time {
        let start = self.spans.iter().map(|s| s.start).min().unwrap_or(0);
        let end = self.spans.iter().map(|s| s.end).max().unwrap_or(0);
        end - start
    }

    /// Whether any span failed.
    pub fn failed(&self) -> bool {
        self.spans.iter().any(|s| s.failed)
    }

    /// The critical path: from the span that ends last back through its parents.
    pub fn critical_path(&self) -> Vec<u32> {
        let Some((last, _)) = self
            .spans
            .iter()
            .enumerate()
            .max_by_key(|(i, s)| (s.end, std::cmp::Reverse(*i)))
        else {
            return Vec::new();
        };
        let mut path = vec![last as u32];
        let mut cur = self.spans[last].parent;
        while let Some(p) = cur {
            path.push(p);
            cur = self.spans.get(p as usize).and_then(|s| s.parent);
            if path.len() > self.spans.len() {
                break;
            }
        }
        path.reverse();
        path
    }
}

/// Most traces kept, and most spans per trace.
pub const MAX_TRACES: usize = 1_000;
/// Most spans per trace.
pub const MAX_SPANS: usize = 512;

/// The sampled traces of a run.
#[derive(Clone, Debug, Default)]
pub struct Traces {
    /// By root message id.
    pub traces: BTreeMap<u64, Trace>,
}

impl Traces {
    /// Starts a trace if there is room; returns whether it is kept.
    pub fn start(&mut self, id: u64) -> bool {
        if self.traces.len() >= MAX_TRACES {
            return false;
        }
        self.traces.insert(
            id,
            Trace {
                id,
                spans: Vec::new(),
            },
        );
        true
    }

    /// Opens a span; returns its index.
    pub fn open(
        &mut self,
        trace: u64,
        node: usize,
        kind: SpanKind,
        start: Time,
        parent: Option<u32>,
    ) -> Option<u32> {
        let t = self.traces.get_mut(&trace)?;
        if t.spans.len() >= MAX_SPANS {
            return None;
        }
        t.spans.push(Span {
            node,
            kind,
            start,
            end: start,
            parent,
            failed: false,
        });
        Some(t.spans.len() as u32 - 1)
    }

    /// Closes a span.
    pub fn close(&mut self, trace: u64, span: Option<u32>, end: Time, failed: bool) {
        if let Some(s) = span.and_then(|i| self.traces.get_mut(&trace)?.spans.get_mut(i as usize)) {
            s.end = end.max(s.start);
            s.failed = failed;
        }
    }
}
