//! Real requests into a live run: an [`ExternalPort`] (a bounded channel) carries
//! [`ExternalCall`]s from an HTTP server's tasks to the engine loop, which injects each at
//! its HttpApi node at the paced present, and answers each call's oneshot channel when the
//! simulated response completes. While requests wait, the loop wakes at the wall instant of
//! the next engine event instead of the next frame, so an answer is late by a timer tick at
//! most.

use super::{Engine, RunState, Speed};
use crate::model::NodeId;
use crate::sim::{ExternalOutcome, ExternalRequest, ExternalStatus, InjectError, SEC, Time};
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

/// Calls that may wait for the engine before [`ExternalPort::try_send`] refuses more.
pub const EXTERNAL_CAPACITY: usize = 1_024;

/// A real request for the engine, with where its answer goes.
#[derive(Debug)]
pub struct ExternalCall {
    /// The HttpApi node it enters at.
    pub api: NodeId,
    /// Method and path, e.g. `POST /orders-api/orders` (for the log).
    pub line: String,
    /// Body size, bytes.
    pub body_bytes: usize,
    /// The body's first characters (for the log).
    pub body_preview: String,
    /// Receives the answer once the simulated response completes.
    pub reply: oneshot::Sender<ExternalAnswer>,
}

/// What the engine answers a call with.
pub type ExternalAnswer = Result<ExternalReply, ExternalRefusal>;

/// The simulated response to a real request.
#[derive(Clone, Debug, PartialEq)]
pub struct ExternalReply {
    /// How it ended (and so its HTTP status).
    pub status: ExternalStatus,
    /// Its trace id.
    pub trace: u64,
    /// Simulated latency at the API, µs.
    pub latency: Time,
    /// Nodes it passed until answered, in the order first reached.
    pub nodes: Vec<NodeId>,
    /// Virtual seconds per wall second while it ran (`None`: flat out).
    pub speed: Option<f64>,
}

/// Why the engine did not take a request in.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ExternalRefusal {
    /// The run is paused: nothing would move.
    #[error("the run is paused")]
    Paused,
    /// The run reached its duration.
    #[error("the run has finished")]
    Finished,
    /// The simulation refused it (no such API, too many in flight).
    #[error(transparent)]
    Inject(#[from] InjectError),
    /// The run was reset (or replaced) while the request was in flight.
    #[error("the run was reset while the request was in flight")]
    Reset,
}

/// A handle for sending [`ExternalCall`]s to a host's engine; cheap to clone. It also
/// carries the tokio runtime the engine loop runs on, so that a server can run its tasks on
/// the engine's own thread: a request then reaches the engine and its answer reaches the
/// connection without a wake-up of another thread (`eventloom serve`'s latency).
#[derive(Clone, Debug)]
pub struct ExternalPort {
    tx: mpsc::Sender<ExternalCall>,
    runtime: Option<tokio::runtime::Handle>,
}

/// Why a call could not be sent; the call comes back.
#[derive(Debug)]
pub enum PortError {
    /// [`EXTERNAL_CAPACITY`] calls already wait for the engine.
    Full(ExternalCall),
    /// The engine has stopped.
    Closed(ExternalCall),
}

impl ExternalPort {
    /// Sends a call without waiting.
    pub fn try_send(&self, call: ExternalCall) -> Result<(), PortError> {
        self.tx.try_send(call).map_err(|e| match e {
            mpsc::error::TrySendError::Full(c) => PortError::Full(c),
            mpsc::error::TrySendError::Closed(c) => PortError::Closed(c),
        })
    }

    /// Whether the engine has stopped.
    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }

    /// The runtime the engine loop runs on (None when the port was opened outside one).
    pub fn runtime(&self) -> Option<&tokio::runtime::Handle> {
        self.runtime.as_ref()
    }
}

/// The engine's side: the receiver (taken by the loop) and the calls waiting for answers.
#[derive(Debug, Default)]
pub(super) struct Inbox {
    pub(super) rx: Option<mpsc::Receiver<ExternalCall>>,
    waiting: BTreeMap<u64, oneshot::Sender<ExternalAnswer>>,
    next_id: u64,
    outcomes: Vec<ExternalOutcome>,
}

impl Engine {
    /// Opens the engine to real requests: returns the port to send them through (a second
    /// call replaces the first port, whose sends then fail as closed). Call it inside the
    /// runtime that will run [`super::run_loop`] (the port remembers it for servers).
    /// [`super::Host::spawn`] does this; tests of the loop call it before spawning it.
    pub fn connect_external(&mut self) -> ExternalPort {
        let (tx, rx) = mpsc::channel(EXTERNAL_CAPACITY);
        self.external.rx = Some(rx);
        ExternalPort {
            tx,
            runtime: tokio::runtime::Handle::try_current().ok(),
        }
    }

    /// Requests waiting for their simulated response.
    pub fn external_waiting(&self) -> usize {
        self.external.waiting.len()
    }

    /// Injects `calls` at the paced present (the clock first catches up with wall time),
    /// runs what takes no virtual time, and answers what completed.
    pub(super) fn accept_external(&mut self, calls: &mut Vec<ExternalCall>) {
        let refusal = match self.state {
            RunState::Running => {
                self.work();
                None
            }
            RunState::FastForward { .. } => None,
            RunState::Paused => Some(ExternalRefusal::Paused),
            RunState::Finished => Some(ExternalRefusal::Finished),
        };
        for call in calls.drain(..) {
            if let Some(r) = &refusal {
                let _ = call.reply.send(Err(r.clone()));
                continue;
            }
            self.external.next_id += 1;
            let id = self.external.next_id;
            let req = ExternalRequest {
                id,
                line: call.line,
                body_bytes: call.body_bytes,
                body_preview: call.body_preview,
            };
            match self.sim.inject_external(&call.api, req) {
                Ok(_) => {
                    self.external.waiting.insert(id, call.reply);
                }
                Err(e) => {
                    let _ = call.reply.send(Err(e.into()));
                }
            }
        }
        if refusal.is_none() {
            let now = self.sim.now();
            self.sim.run_until(now);
            self.answer_external();
        }
    }

    /// Hands the outcomes of answered requests to their callers (a caller that gave up is
    /// skipped); when the run has finished, refuses the rest.
    pub(super) fn answer_external(&mut self) {
        self.sim.take_external_outcomes(&mut self.external.outcomes);
        let speed = super::pace_factor(self.options.speed);
        let ids = &self.sim.topology().node_ids;
        for o in self.external.outcomes.drain(..) {
            let Some(reply) = self.external.waiting.remove(&o.id) else {
                continue;
            };
            let _ = reply.send(Ok(ExternalReply {
                status: o.status,
                trace: o.trace,
                latency: o.latency,
                nodes: o
                    .nodes
                    .iter()
                    .filter_map(|&n| ids.get(n).cloned())
                    .collect(),
                speed,
            }));
        }
        if self.state == RunState::Finished && !self.external.waiting.is_empty() {
            // Virtual time stopped: what still waits would never be answered.
            self.refuse_waiting(ExternalRefusal::Finished);
        }
    }

    /// Answers every waiting request with `why` (the simulation they were in is gone).
    pub(super) fn refuse_waiting(&mut self, why: ExternalRefusal) {
        for (_, reply) in std::mem::take(&mut self.external.waiting) {
            let _ = reply.send(Err(why.clone()));
        }
    }

    /// While requests wait in a paced run: the wall instant the next engine event is due.
    pub(super) fn external_wake(&self) -> Option<Instant> {
        if self.external.waiting.is_empty() || self.state != RunState::Running {
            return None;
        }
        let factor = match self.options.speed {
            Speed::Times(_) => super::pace_factor(self.options.speed)?,
            Speed::Max => return None,
        };
        let next = self.sim.next_event_time()?;
        let ahead = next.saturating_sub(self.anchor.1) as f64 / SEC as f64 / factor;
        Some(self.anchor.0 + Duration::from_secs_f64(ahead.min(3_600.0)))
    }
}

/// The next call, or never when the engine has no port.
pub(super) async fn next_call(
    rx: &mut Option<mpsc::Receiver<ExternalCall>>,
) -> Option<ExternalCall> {
    match rx {
        Some(r) => r.recv().await,
        None => std::future::pending().await,
    }
}
