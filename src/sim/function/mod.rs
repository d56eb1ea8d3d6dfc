//! Function behaviour: environments created on demand up to the concurrency limit at the
//! scaling rate, cold starts, keep-alive, most-recently-used idle choice, timeouts, errors,
//! async retries with on-failure destinations, throttled async events retried with a
//! backoff, provisioned concurrency (claimed from the account, billed in 5-minute blocks)
//! and versions.
//!
//! This file holds the function's compiled versions and runtime state; `start` starts
//! invocations (capacity, scaling, cold starts), `run` carries one to its end (errors, sync
//! calls, billing), `intake` takes requests and async events in (throttles, retries, loop
//! detection, on-failure destinations), `instances` keeps the warm pool (keep-alive, kills,
//! provisioned instances).

mod instances;
mod intake;
mod run;
mod start;

use super::engine::{Caller, Ev, Fail, Simulation};
use super::ledger::{DropReason, End};
use super::log::{Failure, Level};
use super::rng::{Sampler, chance};
use super::slab::Key;
use super::time::{MS, SEC, Time, from_ms, to_ms_f64};
use super::topology::Topology;
use super::trace::SpanKind;
use crate::model::{
    Arch, AsyncRetry, EdgeKind, FunctionParams, InvocationPrice, PROVISIONED_BLOCK_MS, Pricing,
    RECURSIVE_LOOP_LIMIT,
};
use std::collections::VecDeque;

/// The messages of one invocation: one, or a batch from an event-source mapping.
pub(crate) type Batch = smallvec::SmallVec<[Key; 1]>;

/// One deployed version's compiled parameters.
#[derive(Clone, Debug)]
pub struct FnVersion {
    /// Version number (1, 2, …).
    pub number: u32,
    pub(crate) memory_mb: u32,
    /// arm64 (its price).
    pub(crate) arm: bool,
    pub(crate) timeout: Time,
    pub(crate) keep_alive: Time,
    pub(crate) duration: Sampler,
    pub(crate) cold: Sampler,
    pub(crate) error_p: f64,
    pub(crate) retry: AsyncRetry,
    pub(crate) bill: InvocationPrice,
}

impl FnVersion {
    pub(crate) fn new(number: u32, p: &FunctionParams, pricing: &Pricing) -> Self {
        Self {
            bill: pricing.invocation_price(p.memory_mb, p.arch == Arch::Arm64),
            number,
            memory_mb: p.memory_mb,
            arm: p.arch == Arch::Arm64,
            timeout: from_ms(p.timeout_ms).max(1),
            keep_alive: from_ms(p.keep_alive_ms),
            duration: Sampler::new(&p.duration),
            cold: Sampler::new(&p.cold_start),
            error_p: p.error_probability,
            retry: p.retry.clone(),
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Idle {
    since: Time,
    version: u32,
}

/// Where an invocation came from, which decides what happens to its messages at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A caller waits.
    Sync,
    /// From the function's async backlog.
    Async,
    /// A batch from event-source mapping `e`.
    Esm(u32),
}

/// An invocation in progress.
#[derive(Debug)]
pub(crate) struct Inv {
    pub func: u32,
    pub version: u32,
    pub exec_start: Time,
    pub init: Time,
    pub msgs: Batch,
    pub origin: Origin,
    /// Sync calls still to make, last first (boxed: most invocations make none).
    pub calls: Option<Box<CallList>>,
    pub provisioned: bool,
    pub kill_gen: u32,
    pub timed_out: bool,
    /// A sync call it made failed (so it fails with [`Failure::CallFailed`]).
    pub call_failed: bool,
    pub trace: u64,
    pub span: Option<u32>,
}

/// The edges an invocation still has to call synchronously, last first.
#[derive(Debug)]
pub(crate) struct CallList(Vec<u32>);

/// An execution about to start: how long it runs and what ends it.
#[derive(Clone, Copy, Debug)]
struct Run {
    duration: Time,
    timeout: Time,
    timed_out: bool,
    sync_calls: bool,
    span: Option<u32>,
}

/// How traffic is split between versions during a deploy.
#[derive(Clone, Debug)]
pub(crate) struct Shift {
    pub to: u32,
    pub weight: f64,
    pub step: f64,
    pub every: Time,
}

/// A function's runtime state.
#[derive(Debug)]
pub struct FnState {
    pub(crate) versions: Vec<FnVersion>,
    pub(crate) current: u32,
    pub(crate) shift: Option<Shift>,
    pub(crate) busy: u32,
    pub(crate) prov_total: u32,
    pub(crate) prov_idle: u32,
    idle: VecDeque<Idle>,
    pub(crate) reserved: Option<u32>,
    tokens: f64,
    token_cap: f64,
    refill_per_us: f64,
    last_refill: Time,
    pub(crate) backlog: VecDeque<Key>,
    pub(crate) waiting_esms: Vec<u32>,
    expiry_at: Option<Time>,
    pub(crate) scale_at: Option<Time>,
    pub(crate) kill_gen: u32,
    has_sync_calls: bool,
    /// Whether it has outgoing writes or async invocations (emitted on success).
    has_emits: bool,
    /// The versions that served all traffic before the current one, oldest first: a
    /// rollback returns to the last (not to the one before it in the list, which may be a
    /// version that was itself rolled back).
    pub(crate) served_before: Vec<u32>,
}

impl FnState {
    pub(crate) fn new(p: &FunctionParams, topo: &Topology, node: usize) -> Self {
        let (burst, per_step, step_ms) = p.scaling.rates();
        let has_sync_calls = topo.out[node]
            .iter()
            .any(|&e| matches!(topo.edges[e].kind, EdgeKind::SyncInvoke));
        let has_emits = topo.out[node]
            .iter()
            .any(|&e| matches!(topo.edges[e].kind, EdgeKind::Write | EdgeKind::AsyncInvoke));
        Self {
            versions: vec![FnVersion::new(1, p, &topo.project.pricing)],
            current: 0,
            shift: None,
            busy: 0,
            prov_total: p.provisioned_concurrency,
            prov_idle: p.provisioned_concurrency,
            idle: VecDeque::new(),
            reserved: p.reserved_concurrency,
            tokens: f64::from(burst),
            token_cap: f64::from(burst.max(1)),
            refill_per_us: f64::from(per_step) / from_ms(step_ms.max(1)) as f64,
            last_refill: 0,
            backlog: VecDeque::new(),
            waiting_esms: Vec::new(),
            expiry_at: None,
            scale_at: None,
            kill_gen: 0,
            has_sync_calls,
            has_emits,
            served_before: Vec::new(),
        }
    }

    /// Bytes its storage holds (for the run's memory budget).
    pub(crate) fn bytes(&self) -> u64 {
        (self.backlog.capacity() * std::mem::size_of::<Key>()
            + self.idle.capacity() * std::mem::size_of::<Idle>()
            + self.waiting_esms.capacity() * 4) as u64
    }

    /// Most environments it may run: its reserved concurrency, lowered by a throttle fault.
    #[inline]
    fn cap(&self, throttle: Option<u32>) -> u32 {
        self.reserved
            .unwrap_or(u32::MAX)
            .min(throttle.unwrap_or(u32::MAX))
    }

    fn refill(&mut self, now: Time) {
        if self.tokens < self.token_cap {
            self.tokens = (self.tokens + (now - self.last_refill) as f64 * self.refill_per_us)
                .min(self.token_cap);
        }
        self.last_refill = now;
    }

    /// When one environment can be added again.
    fn next_token_at(&self, now: Time) -> Time {
        if self.refill_per_us <= 0.0 {
            return Time::MAX;
        }
        now + ((1.0 - self.tokens) / self.refill_per_us).ceil().max(1.0) as Time
    }
}
