//! Sampled traces: the lifecycle of one event across the graph, as a tree of spans.

use super::log::Failure;
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
    /// Why it failed, when it did and the reason is known.
    pub error: Option<Failure>,
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

    /// The critical path: the chain of spans that determines when the trace ends. It starts
    /// from the top-level span that ends last and descends: within a span, the child that
    /// ends last is on the path (and, recursively, its own children), then the child that
    /// ends last before that one started, and so on back to the span's start — so a sync
    /// chain's cold start and execution are on it, not only the request that encloses them,
    /// and of a fan-out only the branch that finished last. Indices in time order.
    pub fn critical_path(&self) -> Vec<u32> {
        let n = self.spans.len();
        if n == 0 {
            return Vec::new();
        }
        // Children per span; a span whose parent is missing or not earlier in the list is
        // taken as top level (so a malformed trace cannot make a cycle).
        let mut children: Vec<Vec<u32>> = vec![Vec::new(); n + 1];
        for (i, s) in self.spans.iter().enumerate() {
            let parent = match s.parent {
                Some(p) if (p as usize) < i => p as usize,
                Some(_) | None => n, // the virtual root
            };
            children[parent].push(i as u32);
        }
        let end = self.spans.iter().map(|s| s.end).max().unwrap_or(0);
        let mut path = Vec::new();
        // (span or the virtual root, the time up to which it is on the path)
        let mut stack = vec![(n, end)];
        while let Some((span, until)) = stack.pop() {
            if span < n {
                path.push(span as u32);
            }
            let mut cursor = until;
            let mut taken = vec![false; children[span].len()];
            let mut after: Option<usize> = None;
            while let Some(k) = self.next_on_path(&children[span], &taken, cursor, after) {
                taken[k] = true;
                let c = &self.spans[children[span][k] as usize];
                after = Some(c.node);
                stack.push((children[span][k] as usize, c.end.min(cursor)));
                cursor = c.start;
            }
        }
        path.sort_by_key(|&i| (self.spans[i as usize].start, i));
        path
    }

    /// Of `children` not yet `taken`, the one the path continues with back from `cursor`:
    /// the one ending last at or before it; among those ending together, one at the node
    /// of the span picked `after` it (the same message's earlier stage: its cold start, its
    /// delivery), then the later start. The first pick, at the end of the parent, also
    /// takes a child that runs past the parent's end (cut to it); later ones must have
    /// ended by the time the one after them started.
    fn next_on_path(
        &self,
        children: &[u32],
        taken: &[bool],
        cursor: Time,
        after: Option<usize>,
    ) -> Option<usize> {
        children
            .iter()
            .enumerate()
            .filter(|&(k, &c)| {
                let s = &self.spans[c as usize];
                !taken[k]
                    && if after.is_none() {
                        s.start <= cursor
                    } else {
                        s.end <= cursor
                    }
            })
            .max_by_key(|&(k, &c)| {
                let s = &self.spans[c as usize];
                (
                    s.end.min(cursor),
                    after == Some(s.node),
                    s.start,
                    std::cmp::Reverse(k),
                )
            })
            .map(|(k, _)| k)
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
    /// Bytes the traces hold.
    pub fn bytes(&self) -> u64 {
        let spans: usize = self.traces.values().map(|t| t.spans.capacity()).sum();
        (self.traces.len() * (std::mem::size_of::<Trace>() + 48)
            + spans * std::mem::size_of::<Span>()) as u64
    }

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
            error: None,
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

    /// Closes a span that failed, with why.
    pub fn close_failed(&mut self, trace: u64, span: Option<u32>, end: Time, why: Failure) {
        if let Some(s) = span.and_then(|i| self.traces.get_mut(&trace)?.spans.get_mut(i as usize)) {
            s.end = end.max(s.start);
            s.failed = true;
            s.error = Some(why);
        }
    }

    /// Records a failure that took no time at `node` (a refused request, a lost delivery) as
    /// a span of zero length.
    pub fn failed_at(
        &mut self,
        trace: u64,
        node: usize,
        kind: SpanKind,
        at: Time,
        parent: Option<u32>,
        why: Failure,
    ) {
        let span = self.open(trace, node, kind, at, parent);
        self.close_failed(trace, span, at, why);
    }
}
