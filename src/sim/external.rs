//! Real requests from outside a run (`eventloom serve`): one enters the graph at an HttpApi
//! node exactly like a simulated request, is always traced and flagged "external" in the log,
//! and when the API answers it, its outcome waits in a bounded outbox until the host hands it
//! back to the real client. Nothing here runs unless a request is injected, so a run without
//! external requests is the same, event for event, as before this module existed.

use super::engine::{Caller, Fail, Simulation};
use super::ledger::End;
use super::log::{Failure, Level};
use super::slab::{Key, Slab};
use super::time::{Time, from_ms, from_ms_f64, to_ms_f64};
use super::topology::NONE;
use super::trace::{MAX_TRACES, SpanKind};
use crate::model::{NodeId, NodeKind};
use serde::Serialize;
use std::collections::{BTreeSet, VecDeque};

/// Most external requests in flight or answered but not yet taken; beyond it
/// [`Simulation::inject_external`] refuses (the server answers 503), which also bounds the
/// outbox.
pub const MAX_EXTERNAL_IN_FLIGHT: usize = 4_096;
/// Most characters of a request body the log shows.
pub const BODY_PREVIEW_CHARS: usize = 64;
/// Most characters of a request line (method and path) the log shows.
const LINE_CHARS: usize = 120;

/// A real request arriving at an API.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExternalRequest {
    /// The caller's correlation id, handed back in the request's [`ExternalOutcome`].
    pub id: u64,
    /// Method and path as received, e.g. `POST /orders-api/orders` (for the log).
    pub line: String,
    /// Size of the body, bytes.
    pub body_bytes: usize,
    /// The first characters of the body as text (for the log; cut to
    /// [`BODY_PREVIEW_CHARS`]).
    pub body_preview: String,
}

/// How an external request ended at its API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ExternalStatus {
    /// The integration answered (or, for a service integration, accepted the work).
    Ok,
    /// The API's rate limit refused it.
    Throttled,
    /// Lambda throttled the function (its 429), which API Gateway answers as 500.
    Internal,
    /// The function failed (an error, its own timeout, or a call lost on an edge).
    Failed,
    /// The gateway's integration timeout passed first.
    TimedOut,
    /// An outage is injected on its path.
    Unavailable,
}

impl ExternalStatus {
    /// The HTTP status a real gateway answers with.
    pub fn http_status(self) -> u16 {
        match self {
            ExternalStatus::Ok => 200,
            ExternalStatus::Throttled => 429,
            ExternalStatus::Internal => 500,
            ExternalStatus::Failed => 502,
            ExternalStatus::TimedOut => 504,
            ExternalStatus::Unavailable => 503,
        }
    }

    /// A few words for logs and response bodies.
    pub fn describe(self) -> &'static str {
        match self {
            ExternalStatus::Ok => "ok",
            ExternalStatus::Throttled => "throttled",
            ExternalStatus::Internal => "the function was throttled (answered 500)",
            ExternalStatus::Failed => "the integration failed",
            ExternalStatus::TimedOut => "integration timeout",
            ExternalStatus::Unavailable => "unavailable (outage)",
        }
    }
}

/// The simulated outcome of an external request.
#[derive(Clone, Debug, PartialEq)]
pub struct ExternalOutcome {
    /// The correlation id it was injected with.
    pub id: u64,
    /// The API (topology index).
    pub api: usize,
    /// How it ended.
    pub status: ExternalStatus,
    /// Its trace (root message) id; 0 only if no trace could be kept.
    pub trace: u64,
    /// Virtual time it arrived, µs.
    pub start: Time,
    /// Simulated latency at the API, µs.
    pub latency: Time,
    /// Nodes it passed until answered (topology indices, in the order first reached).
    pub nodes: Vec<usize>,
}

/// Why an external request was not let in.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InjectError {
    /// The run has no HttpApi node with this id.
    #[error("this run has no HTTP API \"{0}\"")]
    UnknownApi(NodeId),
    /// Too many external requests are in flight.
    #[error("{0} external requests are already in flight")]
    Busy(usize),
}

/// An external request the engine is working on.
#[derive(Debug)]
struct Pending {
    id: u64,
    api: usize,
    start: Time,
    trace: u64,
}

/// The external requests of a run.
#[derive(Debug, Default)]
pub(crate) struct Externals {
    pending: Slab<Pending>,
    outbox: Vec<ExternalOutcome>,
    /// Ids of the external traces kept in the trace store.
    traces: BTreeSet<u64>,
    /// External traces already answered, oldest first: the first to make room for new ones.
    answered: VecDeque<u64>,
    /// External traces started since the run began.
    traced: u64,
}

/// Cuts `s` to its first `n` characters in place (no copy: most lines are short already).
fn cut_chars(s: &mut String, n: usize) {
    if s.len() > n
        && let Some((end, _)) = s.char_indices().nth(n)
    {
        s.truncate(end);
    }
}

impl Simulation {
    /// A real request arrives now at the HttpApi node `api`; returns its trace id. It travels
    /// the graph like a simulated request (rate limit, integration, faults) and its outcome
    /// is taken with [`Simulation::take_external_outcomes`] once the API answers — at once
    /// when that takes no virtual time, after `run_until` otherwise.
    pub fn inject_external(
        &mut self,
        api: &NodeId,
        req: ExternalRequest,
    ) -> Result<u64, InjectError> {
        let a = match self.topo.index.get(api) {
            Some(&a) if self.apis[a].is_some() => a,
            Some(_) | None => return Err(InjectError::UnknownApi(api.clone())),
        };
        let busy = self.external.pending.len() + self.external.outbox.len();
        if busy >= MAX_EXTERNAL_IN_FLIGHT {
            return Err(InjectError::Busy(busy));
        }
        self.next_root += 1;
        let root = self.next_root;
        self.ledger.entered += 1;
        let trace = if self.start_external_trace(root) {
            root
        } else {
            0
        };
        let pending = self.external.pending.insert(Pending {
            id: req.id,
            api: a,
            start: self.now,
            trace,
        });
        let m = self.insert_msg(trace, None, Caller::External(pending), NONE, 0);
        let ExternalRequest {
            mut line,
            body_bytes,
            body_preview: mut preview,
            ..
        } = req;
        cut_chars(&mut line, LINE_CHARS);
        let text = if body_bytes == 0 {
            format!("external request {line} (no body)")
        } else {
            cut_chars(&mut preview, BODY_PREVIEW_CHARS);
            let more = if body_bytes > preview.len() {
                "…"
            } else {
                ""
            };
            format!("external request {line} ({body_bytes} B: {preview}{more})")
        };
        self.log(a, Level::Info, trace, text);
        self.api_receive(a, m);
        Ok(root)
    }

    /// Moves the outcomes of answered external requests into `into` (oldest first).
    pub fn take_external_outcomes(&mut self, into: &mut Vec<ExternalOutcome>) {
        into.append(&mut self.external.outbox);
    }

    /// External requests injected and not yet taken from the outbox.
    pub fn external_in_flight(&self) -> usize {
        self.external.pending.len() + self.external.outbox.len()
    }

    /// Whether trace `id` belongs to an external request.
    pub fn is_external_trace(&self, id: u64) -> bool {
        self.external.traces.contains(&id)
    }

    /// Ids of the external requests' traces still in the trace store.
    pub fn external_traces(&self) -> &BTreeSet<u64> {
        &self.external.traces
    }

    /// External traces started since the run began (the store stays full once it is, so
    /// this tells a new one replaced an old one).
    pub fn external_traces_started(&self) -> u64 {
        self.external.traced
    }

    /// External requests are always traced: when the store is full, the oldest simulated
    /// trace makes room, or else the oldest answered external one, or else the oldest.
    fn start_external_trace(&mut self, root: u64) -> bool {
        if self.traces.traces.len() >= MAX_TRACES {
            let ext = &self.external.traces;
            let simulated = self.traces.traces.len() > ext.len();
            let victim = if simulated {
                self.traces
                    .traces
                    .keys()
                    .find(|id| !ext.contains(id))
                    .copied()
            } else {
                loop {
                    match self.external.answered.pop_front() {
                        Some(id) if self.traces.traces.contains_key(&id) => break Some(id),
                        Some(_) => {}
                        None => break self.traces.traces.keys().next().copied(),
                    }
                }
            };
            if let Some(id) = victim {
                self.traces.traces.remove(&id);
                self.external.traces.remove(&id);
            }
        }
        let kept = self.traces.start(root);
        if kept {
            self.external.traces.insert(root);
            self.external.traced += 1;
        }
        kept
    }

    /// The API answered external request `k` (message `m`): ends the message and puts the
    /// outcome in the outbox. Out of line and cold: `reply` is on the hot path of every
    /// simulated request, this arm only serves real ones.
    #[cold]
    #[inline(never)]
    pub(crate) fn external_reply(&mut self, k: Key, m: Key, result: Result<(), Fail>) {
        self.end_msg(m, result.map_or_else(Fail::end, |()| End::Completed));
        let Some(p) = self.external.pending.remove(k) else {
            return;
        };
        let latency = self.now - p.start;
        let status = match result {
            Ok(()) => ExternalStatus::Ok,
            Err(Fail::Throttled | Fail::Rejected) => ExternalStatus::Throttled,
            Err(Fail::Internal) => ExternalStatus::Internal,
            Err(Fail::Error | Fail::Lost | Fail::Loop) => ExternalStatus::Failed,
            Err(Fail::Unavailable) => ExternalStatus::Unavailable,
            // The function's own timeout, when shorter than the gateway's, is its failure.
            Err(Fail::Timeout) if latency < self.gateway_deadline(p.api) => ExternalStatus::Failed,
            Err(Fail::Timeout) => ExternalStatus::TimedOut,
        };
        let nodes = self.nodes_passed(p.trace, p.api);
        let level = match status {
            ExternalStatus::Ok => Level::Info,
            ExternalStatus::Throttled => Level::Warn,
            ExternalStatus::Internal
            | ExternalStatus::Failed
            | ExternalStatus::TimedOut
            | ExternalStatus::Unavailable => Level::Error,
        };
        self.log(
            p.api,
            level,
            p.trace,
            format!(
                "external request answered {} {} after {:.3} ms",
                status.http_status(),
                status.describe(),
                to_ms_f64(latency)
            ),
        );
        if p.trace != 0 {
            self.external.answered.push_back(p.trace);
        }
        self.external.outbox.push(ExternalOutcome {
            id: p.id,
            api: p.api,
            status,
            trace: p.trace,
            start: p.start,
            latency,
            nodes,
        });
    }

    /// Virtual time from arrival to the gateway's integration timeout at API `a`.
    fn gateway_deadline(&self, a: usize) -> Time {
        match &self.topo.kinds[a] {
            NodeKind::HttpApi(p) => {
                from_ms_f64(p.overhead_ms).saturating_add(from_ms(p.integration_timeout_ms))
            }
            NodeKind::Function(_)
            | NodeKind::Client(_)
            | NodeKind::Schedule(_)
            | NodeKind::Bucket(_)
            | NodeKind::Table(_)
            | NodeKind::Topic(_)
            | NodeKind::Queue(_) => Time::MAX,
        }
    }

    /// The nodes trace `trace` reached so far: the API, then the others in the order their
    /// spans started.
    fn nodes_passed(&self, trace: u64, api: usize) -> Vec<usize> {
        let mut nodes = vec![api];
        let Some(t) = self.traces.traces.get(&trace) else {
            return nodes;
        };
        // A delivery lost on its edge never reached its node (its span only records the loss).
        let mut spans: Vec<(Time, usize)> = t
            .spans
            .iter()
            .filter(|s| !(s.kind == SpanKind::Delivery && s.error == Some(Failure::Lost)))
            .map(|s| (s.start, s.node))
            .collect();
        spans.sort_by_key(|&(start, _)| start);
        let mut seen = BTreeSet::from([api]);
        nodes.extend(
            spans
                .into_iter()
                .map(|(_, n)| n)
                .filter(|&n| seen.insert(n)),
        );
        nodes
    }
}

#[cfg(test)]
mod tests {
    use super::cut_chars;

    #[test]
    fn lines_are_cut_at_a_character_never_inside_one() {
        for (text, n, cut) in [
            ("", 3, ""),
            ("abc", 3, "abc"),
            ("abcd", 3, "abc"),
            ("héllo", 2, "hé"),
            ("ééé", 3, "ééé"),
            ("éééé", 3, "ééé"),
            ("日本語の", 1, "日"),
        ] {
            let mut s = text.to_owned();
            cut_chars(&mut s, n);
            assert_eq!(s, cut, "{text:?} cut to {n}");
        }
    }
}
