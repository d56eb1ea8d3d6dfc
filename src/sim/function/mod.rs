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
    Project, RECURSIVE_LOOP_LIMIT, cpu_stretch,
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
    /// Whether an instance serving several requests is billed once for its busy time
    /// (Cloud Run, Azure) rather than each request for its own (Lambda).
    pub(crate) per_instance_billing: bool,
    /// The CPU-bound share of the duration (0: memory changes only the bill).
    pub(crate) cpu_bound: f64,
    /// Threads the computing share can use.
    pub(crate) threads: f64,
    /// vCPUs of one instance (from the provider's CPU for memory).
    pub(crate) vcpus: f64,
    /// How much longer than drawn an execution takes alone on its instance (1 when nothing
    /// is CPU-bound).
    pub(crate) stretch_alone: f64,
}

impl FnVersion {
    /// Version `number` of a function with parameters `p` in `project`.
    pub(crate) fn new(number: u32, p: &FunctionParams, project: &Project) -> Self {
        let provider = p.provider_in(project.provider);
        let vcpus = provider.profile().vcpus(p.memory_mb);
        // The project's price table is its provider's; a function on another provider is
        // billed at that provider's list prices.
        let own;
        let pricing = if provider == project.provider {
            &project.pricing
        } else {
            own = Pricing::for_provider(provider);
            &own
        };
        Self {
            bill: pricing.invocation_price(p.memory_mb, vcpus, p.arch == Arch::Arm64),
            per_instance_billing: pricing.function_rates(provider).per_instance,
            cpu_bound: p.cpu_bound,
            threads: f64::from(p.threads.max(1)),
            vcpus,
            stretch_alone: p.cpu_stretch(vcpus, 1),
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
    /// The shared instance serving it ([`NO_INSTANCE`]: an environment of its own).
    pub inst: u32,
}

/// [`Inv::inst`] of an invocation with an environment of its own (one request per
/// instance, as on Lambda).
pub(crate) const NO_INSTANCE: u32 = u32::MAX;

/// A busy instance that serves several requests at once (per-instance concurrency above 1).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Shared {
    /// Requests it serves now (0: the slot is free).
    active: u32,
    version: u32,
    /// Busy since (its cold start included): the start of its billed period.
    since: Time,
    /// Whole ms of the busy period billed so far (billed as requests leave, so an instance
    /// that never goes idle is billed all the same).
    billed_ms: u64,
    /// When its cold start ends (requests that join before then wait for it).
    ready: Time,
    provisioned: bool,
    kill_gen: u32,
}

/// What a request leaving a shared instance leaves behind.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Left {
    /// Its share of the bill, $.
    cost: f64,
    /// Whether the instance is now idle (and released like an environment).
    idle: bool,
    provisioned: bool,
    kill_gen: u32,
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
    /// The alarm (index in the run's alarms) that rolls the shift back when it fires.
    pub rollback_on: Option<u32>,
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
    /// Requests one instance serves at once (1: each invocation has an environment of its
    /// own and `shared` stays empty).
    per_instance: u32,
    /// Busy instances serving up to `per_instance` requests each, by slot.
    shared: Vec<Shared>,
    /// Free slots of `shared`.
    free_shared: Vec<u32>,
}

impl FnState {
    pub(crate) fn new(p: &FunctionParams, topo: &Topology, node: usize) -> Self {
        let (burst, per_step, step_ms) = p.scaling.rates();
        let project = &topo.project;
        let provider = p.provider_in(project.provider);
        // Elsewhere than on Lambda a function's instances are capped by its maximum
        // instances (reserved_concurrency when set, else the provider's default maximum),
        // not drawn from an account-wide pool.
        let reserved = if provider.is_aws() {
            p.reserved_concurrency
        } else {
            Some(
                p.reserved_concurrency
                    .unwrap_or(provider.profile().max_instances),
            )
        };
        let has_sync_calls = topo.out[node]
            .iter()
            .any(|&e| matches!(topo.edges[e].kind, EdgeKind::SyncInvoke));
        let has_emits = topo.out[node]
            .iter()
            .any(|&e| matches!(topo.edges[e].kind, EdgeKind::Write | EdgeKind::AsyncInvoke));
        Self {
            versions: vec![FnVersion::new(1, p, project)],
            current: 0,
            shift: None,
            busy: 0,
            prov_total: p.provisioned_concurrency,
            prov_idle: p.provisioned_concurrency,
            idle: VecDeque::new(),
            reserved,
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
            per_instance: p.concurrency_in(project.provider),
            shared: Vec::new(),
            free_shared: Vec::new(),
        }
    }

    /// Bytes its storage holds (for the run's memory budget).
    pub(crate) fn bytes(&self) -> u64 {
        (self.backlog.capacity() * std::mem::size_of::<Key>()
            + self.idle.capacity() * std::mem::size_of::<Idle>()
            + self.shared.capacity() * std::mem::size_of::<Shared>()
            + self.free_shared.capacity() * 4
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

    /// Whether its instances serve several requests at once.
    #[inline]
    fn shares_instances(&self) -> bool {
        self.per_instance > 1
    }

    /// The busy instance of `version` a new request joins: the fullest with a free place
    /// (so as few instances as possible stay busy), the first such slot on a tie; `None`
    /// when every one is full or was killed.
    fn open_instance(&self, version: u32) -> Option<u32> {
        let mut best: Option<(u32, u32)> = None;
        for (i, s) in self.shared.iter().enumerate() {
            if s.active > 0
                && s.active < self.per_instance
                && s.version == version
                && s.kill_gen == self.kill_gen
                && best.is_none_or(|(_, a)| s.active > a)
            {
                best = Some((i as u32, s.active));
            }
        }
        best.map(|(i, _)| i)
    }

    /// A request joins busy instance `i`: how many it now serves and when it is ready.
    fn join(&mut self, i: u32) -> (u32, Time) {
        let s = &mut self.shared[i as usize];
        s.active += 1;
        (s.active, s.ready)
    }

    /// A new busy instance of `version`, ready at `ready`, serving its first request.
    fn open(&mut self, version: u32, now: Time, ready: Time, provisioned: bool) -> u32 {
        let s = Shared {
            active: 1,
            version,
            since: now,
            billed_ms: 0,
            ready,
            provisioned,
            kill_gen: self.kill_gen,
        };
        match self.free_shared.pop() {
            Some(i) => {
                self.shared[i as usize] = s;
                i
            }
            None => {
                self.shared.push(s);
                (self.shared.len() - 1) as u32
            }
        }
    }

    /// Requests instance `i` serves now (1 for an environment of its own).
    #[inline]
    fn sharing(&self, i: u32) -> u32 {
        self.shared.get(i as usize).map_or(1, |s| s.active.max(1))
    }

    /// A request of `version` that ran `ms` leaves shared instance `i` at `now`: its
    /// request fee, and — when it was the last — the instance's busy period, billed once
    /// (per-instance billing) or each request's own time (per-request billing).
    fn leave(&mut self, i: u32, version: u32, now: Time, ms: u64) -> Left {
        let v = &self.versions[version as usize];
        let Some(s) = self.shared.get_mut(i as usize) else {
            return Left {
                cost: v.bill.cost(ms, false),
                idle: true,
                provisioned: false,
                kill_gen: self.kill_gen,
            };
        };
        s.active = s.active.saturating_sub(1);
        let idle = s.active == 0;
        let mut cost = if v.per_instance_billing {
            v.bill.request()
        } else {
            v.bill.cost(ms, s.provisioned)
        };
        if v.per_instance_billing {
            // The busy period so far; when it ends, the rest of it rounded up (and raised to
            // the minimum) as one billed period.
            if idle {
                let total = v.bill.compute((now - s.since).div_ceil(MS), s.provisioned);
                cost += total - v.bill.compute_exact(s.billed_ms, s.provisioned);
            } else {
                let so_far = (now - s.since) / MS;
                cost += v.bill.compute_exact(so_far - s.billed_ms, s.provisioned);
                s.billed_ms = so_far;
            }
        }
        if idle {
            self.free_shared.push(i);
        }
        Left {
            cost,
            idle,
            provisioned: s.provisioned,
            kill_gen: s.kill_gen,
        }
    }
}
