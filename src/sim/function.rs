//! Function behaviour: environments created on demand up to the concurrency limit at the
//! scaling rate, cold starts, keep-alive, most-recently-used idle choice, timeouts, errors,
//! async retries with on-failure destinations, throttled async events retried with a
//! backoff, provisioned concurrency (claimed from the account, billed in 5-minute blocks)
//! and versions.

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

impl Simulation {
    /// Whether `f` could start an invocation now (for pollers deciding to take a batch).
    #[inline]
    pub(crate) fn can_start(&mut self, f: usize) -> bool {
        let nf = self.faults.node(f);
        if nf.outage {
            return true; // the attempt fails fast; the batch returns to the queue
        }
        let throttle = nf.throttle;
        let (pool_busy, pool_cap, now) = (self.pool_busy, self.pool_cap, self.now);
        let Some(fs) = self.fns[f].as_mut() else {
            return false;
        };
        if fs.busy >= fs.cap(throttle) {
            return false;
        }
        if fs.prov_idle > 0 {
            return true; // provisioned environments are the function's own
        }
        if fs.reserved.is_none() && pool_busy >= pool_cap {
            return false;
        }
        if !fs.idle.is_empty() {
            return true;
        }
        fs.refill(now);
        fs.tokens >= 1.0
    }

    /// Tries to start an invocation of `f`; on success returns its key.
    pub(crate) fn try_start(
        &mut self,
        f: usize,
        origin: Origin,
        msgs: Batch,
    ) -> Result<Key, (Fail, Batch)> {
        let nf = self.faults.node(f);
        if nf.outage {
            return Err((Fail::Unavailable, msgs));
        }
        let throttle = nf.throttle;
        let now = self.now;
        let (pool_busy, pool_cap) = (self.pool_busy, self.pool_cap);
        let Some(fs) = self.fns[f].as_mut() else {
            return Err((Fail::Error, msgs));
        };
        let cap = fs.cap(throttle);
        // The version is drawn before capacity is checked, throttled or not.
        let version = match &fs.shift {
            Some(s) if chance(&mut self.rng[f], s.weight) => s.to,
            Some(_) | None => fs.current,
        };
        // A provisioned environment is the function's own; anything else comes out of its
        // reservation or, without one, the pool the account's other functions share.
        let on_provisioned = fs.prov_idle > 0 && version == fs.current;
        if fs.busy >= cap || (!on_provisioned && fs.reserved.is_none() && pool_busy >= pool_cap) {
            return Err((Fail::Throttled, msgs));
        }
        let mut provisioned = false;
        let cold;
        if on_provisioned {
            fs.prov_idle -= 1;
            provisioned = true;
            cold = false;
        } else if fs.idle.back().is_some_and(|i| i.version == version) {
            // Most recently used first: the newest idle environment of this version.
            fs.idle.pop_back();
            cold = false;
        } else if let Some(pos) = fs.idle.iter().rposition(|i| i.version == version) {
            // (During a deploy the newest may be of the other version.)
            fs.idle.remove(pos);
            cold = false;
        } else {
            fs.refill(now);
            if fs.tokens < 1.0 {
                if fs.scale_at.is_none() {
                    let at = fs.next_token_at(now);
                    fs.scale_at = Some(at);
                    self.schedule(at, Ev::Scale(f as u32));
                }
                return Err((Fail::Throttled, msgs));
            }
            fs.tokens -= 1.0;
            cold = true;
        }
        fs.busy += 1;
        if fs.reserved.is_none() && !provisioned {
            self.pool_busy += 1;
        }
        let kill_gen = fs.kill_gen;
        let (busy, idle) = (fs.busy, fs.idle.len() as u64 + u64::from(fs.prov_idle));
        let v = &fs.versions[version as usize];
        let number = v.number;
        let init = if cold {
            v.cold.sample(&mut self.rng[f])
        } else {
            0
        };
        let st = &mut self.stats[f];
        st.invocation();
        st.busy.set(now, u64::from(busy));
        st.idle.set(now, idle);
        st.version(version as usize, number).invocations += 1;
        let (trace, parent) = msgs
            .first()
            .and_then(|m| self.msgs.get(*m))
            .map_or((0, None), |m| (m.trace, m.span));
        let mut inv = Inv {
            func: f as u32,
            version,
            exec_start: now,
            init,
            msgs,
            origin,
            calls: None,
            provisioned,
            kill_gen,
            timed_out: false,
            call_failed: false,
            trace,
            span: None,
        };
        if cold {
            let k = self.invs.insert(inv);
            self.cold_start(f, k, init, trace, parent);
            return Ok(k);
        }
        // A warm start executes at once: its duration is drawn now, before the invocation
        // is stored, so it is stored complete.
        let run = self.plan_execution(f, version, trace, parent);
        inv.timed_out = run.timed_out;
        inv.span = run.span;
        let k = self.invs.insert(inv);
        self.schedule_execution(k, run);
        Ok(k)
    }

    /// Invocation `inv` of `f` waits `init` for a new environment: counts, traces and logs
    /// the cold start and schedules the execution.
    #[inline(never)]
    fn cold_start(&mut self, f: usize, inv: Key, init: Time, trace: u64, parent: Option<u32>) {
        let now = self.now;
        self.stats[f].cold_start();
        if trace != 0 {
            let s = self.traces.open(trace, f, SpanKind::ColdStart, now, parent);
            self.traces.close(trace, s, now + init, false);
        }
        if self.sample_log(20) {
            self.log(
                f,
                Level::Info,
                trace,
                format!("cold start ({:.0} ms)", to_ms_f64(init)),
            );
        }
        self.schedule(now + init, Ev::Start(inv));
    }

    /// Draws how long an execution of `f` at `version` starting now takes (with latency
    /// faults), and opens its span when traced.
    #[inline(always)]
    fn plan_execution(&mut self, f: usize, version: u32, trace: u64, parent: Option<u32>) -> Run {
        let now = self.now;
        let (mut duration, timeout, sync_calls) = match self.fns[f].as_ref() {
            Some(fs) => {
                let v = &fs.versions[version as usize];
                (
                    v.duration.sample(&mut self.rng[f]),
                    v.timeout,
                    fs.has_sync_calls,
                )
            }
            None => (0, 1, false),
        };
        let nf = self.faults.node(f);
        if nf.added > 0 || nf.jitter > 0 {
            duration = self.with_latency_fault(f, duration);
        }
        let span = if trace != 0 {
            self.traces.open(trace, f, SpanKind::Execution, now, parent)
        } else {
            None
        };
        Run {
            duration,
            timeout,
            timed_out: duration >= timeout,
            sync_calls,
            span,
        }
    }

    /// `duration` with the added latency and jitter of a fault on `f`.
    #[inline(never)]
    fn with_latency_fault(&mut self, f: usize, duration: Time) -> Time {
        let nf = self.faults.node(f);
        let (added, jitter) = (nf.added, nf.jitter);
        let j = if jitter > 0 {
            use rand::Rng;
            self.fault_rng[f].random_range(0..=2 * jitter) as i64 - jitter as i64
        } else {
            0
        };
        (duration as i64 + added as i64 + j).max(0) as Time
    }

    /// Schedules the end of an execution starting now (and its timeout while it waits on
    /// calls).
    #[inline]
    fn schedule_execution(&mut self, k: Key, run: Run) {
        let now = self.now;
        self.schedule(now + run.duration.min(run.timeout), Ev::Done(k));
        if run.sync_calls && !run.timed_out {
            self.schedule(now + run.timeout, Ev::Timeout(k));
        }
    }

    /// Execution begins after a cold start.
    pub(crate) fn begin_execution(&mut self, k: Key) {
        let Some(inv) = self.invs.get(k) else { return };
        let (f, version, trace) = (inv.func as usize, inv.version, inv.trace);
        let parent = inv
            .msgs
            .first()
            .and_then(|m| self.msgs.get(*m))
            .and_then(|m| m.span);
        let run = self.plan_execution(f, version, trace, parent);
        if let Some(inv) = self.invs.get_mut(k) {
            inv.exec_start = self.now;
            inv.timed_out = run.timed_out;
            inv.span = run.span;
        }
        self.schedule_execution(k, run);
    }

    /// The function's own work finished: fail, or make its sync calls, or succeed.
    #[inline]
    pub(crate) fn execution_done(&mut self, k: Key) {
        let Some(inv) = self.invs.get(k) else { return };
        let f = inv.func as usize;
        if inv.timed_out {
            self.finish(k, Err(Fail::Timeout));
            return;
        }
        let per_item =
            matches!(inv.origin, Origin::Esm(e) if self.esms[e as usize].report_item_failures);
        let (error_p, sync_calls) = self.fns[f].as_ref().map_or((0.0, false), |fs| {
            (fs.versions[inv.version as usize].error_p, fs.has_sync_calls)
        });
        let fault_p = self.faults.node(f).error;
        if !per_item
            && (chance(&mut self.rng[f], error_p)
                || (fault_p > 0.0 && chance(&mut self.fault_rng[f], fault_p)))
        {
            self.finish(k, Err(Fail::Error));
            return;
        }
        if !sync_calls {
            self.finish(k, Ok(()));
            return;
        }
        // Sync calls, in edge order, each with its emit probability and count.
        let mut calls = Vec::new();
        for i in 0..self.topo.out[f].len() {
            let e = self.topo.out[f][i];
            let edge = &self.topo.edges[e];
            if !matches!(edge.kind, EdgeKind::SyncInvoke) {
                continue;
            }
            let (p, count) = (edge.emit.probability, edge.emit.count);
            if p >= 1.0 || chance(&mut self.rng[f], p) {
                calls.extend(std::iter::repeat_n(e as u32, count as usize));
            }
        }
        if calls.is_empty() {
            self.finish(k, Ok(()));
            return;
        }
        calls.reverse();
        if let Some(inv) = self.invs.get_mut(k) {
            inv.calls = Some(Box::new(CallList(calls)));
        }
        self.next_call(k);
    }

    fn next_call(&mut self, k: Key) {
        let Some(inv) = self.invs.get_mut(k) else {
            return;
        };
        let Some(e) = inv.calls.as_mut().and_then(|c| c.0.pop()) else {
            self.finish(k, Ok(()));
            return;
        };
        let (parent, span) = (inv.msgs.first().copied(), inv.span);
        let child = self.new_child(parent, Caller::Inv(k), e);
        // A traced call hangs under the execution that makes it.
        if span.is_some()
            && let Some(c) = self.msgs.get_mut(child)
        {
            c.span = span;
        }
        self.send(e as usize, child);
    }

    /// A sync call made by invocation `k` returned.
    pub(crate) fn call_returned(&mut self, k: Key, result: Result<(), Fail>) {
        if self.invs.get(k).is_none() {
            return; // the caller already timed out
        }
        match result {
            Ok(()) => self.next_call(k),
            Err(_) => {
                if let Some(inv) = self.invs.get_mut(k) {
                    inv.call_failed = true;
                }
                self.finish(k, Err(Fail::Error));
            }
        }
    }

    /// The invocation's timeout fired while it waited on calls.
    pub(crate) fn invocation_timeout(&mut self, k: Key) {
        if self.invs.get(k).is_some() {
            self.finish(k, Err(Fail::Timeout));
        }
    }

    /// Ends invocation `k`: bills it, frees its environment, emits on success, settles its
    /// messages by origin and lets waiting work in.
    pub(crate) fn finish(&mut self, k: Key, result: Result<(), Fail>) {
        let Some(inv) = self.invs.remove(k) else {
            return;
        };
        let now = self.now;
        let f = inv.func as usize;
        let Some(fs) = self.fns[f].as_mut() else {
            return;
        };
        let v = &fs.versions[inv.version as usize];
        let (keep_alive, number, has_emits) = (v.keep_alive, v.number, fs.has_emits);
        let exec = now - inv.exec_start;
        // Bill: requests + GB-seconds of init and execution, rounded up to the granularity.
        let cost = v.bill.cost((exec + inv.init).div_ceil(MS), inv.provisioned);
        // Release the environment.
        fs.busy -= 1;
        if fs.reserved.is_none() && !inv.provisioned {
            self.pool_busy = self.pool_busy.saturating_sub(1);
        }
        let killed = inv.kill_gen != fs.kill_gen;
        if inv.provisioned {
            fs.prov_idle += 1;
        }
        let mut expiry = None;
        if !inv.provisioned && !killed && keep_alive > 0 {
            fs.idle.push_back(Idle {
                since: now,
                version: inv.version,
            });
            if fs.expiry_at.is_none() {
                fs.expiry_at = Some(now + keep_alive);
                expiry = fs.expiry_at;
            }
        }
        let (busy, idle) = (fs.busy, fs.idle.len() as u64 + u64::from(fs.prov_idle));
        if let Some(at) = expiry {
            self.schedule(at, Ev::Expire(f as u32));
        }
        let st = &mut self.stats[f];
        st.busy.set(now, u64::from(busy));
        st.idle.set(now, idle);
        st.bill(cost);
        let vs = st.version(inv.version as usize, number);
        vs.duration_us += exec;
        match result {
            Ok(()) => st.completion(exec),
            Err(fail) => {
                vs.errors += 1;
                st.error();
                st.record_latency(exec);
                if fail == Fail::Timeout {
                    st.timeouts += 1;
                }
            }
        }
        match result {
            Ok(()) => {
                if inv.trace != 0 {
                    self.traces.close(inv.trace, inv.span, now, false);
                }
            }
            Err(fail) => {
                let why = if inv.call_failed {
                    Failure::CallFailed
                } else {
                    fail.why()
                };
                self.invocation_failed(f, &inv, why, exec, number);
            }
        }
        if result.is_ok() && has_emits {
            let parent = inv.msgs.first().copied();
            // Traced children hang under this execution span.
            if let (Some(p), Some(span)) = (parent, inv.span)
                && let Some(m) = self.msgs.get_mut(p)
            {
                m.span = Some(span);
            }
            self.emit(
                f,
                parent,
                |k| matches!(k, EdgeKind::Write | EdgeKind::AsyncInvoke),
                None,
            );
        }
        match inv.origin {
            Origin::Sync => {
                if let Some(&m) = inv.msgs.first() {
                    self.reply(m, result);
                }
            }
            Origin::Async => {
                if let Some(&m) = inv.msgs.first() {
                    self.async_done(f, m, result);
                }
            }
            Origin::Esm(e) => self.esm_done(e as usize, inv.msgs, result),
        }
        self.dispatch(f);
    }

    /// Invocation `inv` of `f` failed with `why` after running `exec`: its span says why, a
    /// log line too (within the per-second cap).
    #[cold]
    #[inline(never)]
    fn invocation_failed(&mut self, f: usize, inv: &Inv, why: Failure, exec: Time, number: u32) {
        if inv.trace != 0 {
            self.traces.close_failed(inv.trace, inv.span, self.now, why);
        }
        let batch = inv.msgs.len();
        self.log_failure(f, why, inv.trace, || {
            let what = match why {
                Failure::Timeout => "timed out".to_owned(),
                Failure::CallFailed => "failed: a synchronous call it made failed".to_owned(),
                Failure::Error => "failed: function error".to_owned(),
                other @ (Failure::Throttled
                | Failure::RateLimited
                | Failure::Unavailable
                | Failure::Lost
                | Failure::Expired
                | Failure::Discarded
                | Failure::DeadLettered
                | Failure::DeliveryFailed
                | Failure::LoopStopped) => format!("failed: {}", other.label()),
            };
            let items = if batch > 1 {
                format!(", batch of {batch}")
            } else {
                String::new()
            };
            format!(
                "invocation {what} after {:.0} ms (v{number}{items})",
                to_ms_f64(exec)
            )
        });
    }

    /// A synchronous request arrives: start at once or answer 429 / 5xx.
    #[inline]
    pub(crate) fn invoke_sync(&mut self, f: usize, m: Key) {
        if self.topo.loop_guard[f] && self.loop_stops(f, m, f) {
            return;
        }
        if let Err((fail, _)) = self.try_start(f, Origin::Sync, smallvec::smallvec![m]) {
            self.sync_refused(f, m, fail);
        }
    }

    /// A synchronous request to `f` could not start: counts it, logs and traces why, and
    /// answers the caller.
    #[inline(never)]
    fn sync_refused(&mut self, f: usize, m: Key, fail: Fail) {
        match fail {
            Fail::Throttled => self.stats[f].throttle(),
            Fail::Unavailable
            | Fail::Error
            | Fail::Timeout
            | Fail::Rejected
            | Fail::Lost
            | Fail::Loop
            | Fail::Internal => {
                self.stats[f].invocation();
                self.stats[f].error();
            }
        }
        self.refusal_seen(f, m, fail.why());
        self.reply(m, Err(fail));
    }

    /// A request `m` refused at once at `node` (throttled, rate limited, down): a zero-length
    /// failed span in its trace and a log line (within the per-second cap).
    #[cold]
    pub(crate) fn refusal_seen(&mut self, node: usize, m: Key, why: Failure) {
        let (trace, parent) = self.msgs.get(m).map_or((0, None), |x| (x.trace, x.span));
        if trace != 0 {
            self.traces
                .failed_at(trace, node, SpanKind::Request, self.now, parent, why);
        }
        self.log_failure(node, why, trace, || match why {
            Failure::Throttled => {
                "request throttled (429): no environment available (concurrency or scaling limit)"
                    .to_owned()
            }
            Failure::Unavailable => "request failed at once: the node is down (outage)".to_owned(),
            Failure::RateLimited => "request rejected: rate limit exceeded (429)".to_owned(),
            other @ (Failure::Error
            | Failure::Timeout
            | Failure::CallFailed
            | Failure::Lost
            | Failure::Expired
            | Failure::Discarded
            | Failure::DeadLettered
            | Failure::DeliveryFailed
            | Failure::LoopStopped) => format!("request refused: {}", other.label()),
        });
    }

    /// Recursive loop detection for `m` about to invoke loop-guarded function `f`: counts
    /// one more invocation in its chain, or — when the chain has made
    /// [`RECURSIVE_LOOP_LIMIT`] already — stops it (see [`Simulation::stop_loop`]) and
    /// returns true.
    #[cold]
    pub(crate) fn loop_stops(&mut self, f: usize, m: Key, dead_letters: usize) -> bool {
        let Some(msg) = self.msgs.get_mut(m) else {
            return false;
        };
        if msg.hops < RECURSIVE_LOOP_LIMIT {
            msg.hops += 1;
            return false;
        }
        self.stop_loop(f, m, dead_letters);
        true
    }

    /// Stops event `m` before it invokes `f`: counted at `f` and in the ledger as
    /// "stopped: recursive loop", logged and traced; a copy goes to the on-failure
    /// destinations of `dead_letters` (the function, or the queue it was read from), if
    /// any, as Lambda does; a caller waiting for it gets an error.
    pub(crate) fn stop_loop(&mut self, f: usize, m: Key, dead_letters: usize) {
        self.stats[f].loop_stopped += 1;
        let (trace, parent, attrs, waited) = self
            .msgs
            .get(m)
            .map_or((0, None, super::topology::NONE, false), |x| {
                (x.trace, x.span, x.attrs, x.caller != Caller::None)
            });
        if trace != 0 {
            self.traces.failed_at(
                trace,
                f,
                SpanKind::Request,
                self.now,
                parent,
                Failure::LoopStopped,
            );
        }
        let dests: Vec<usize> = self.topo.out[dead_letters]
            .iter()
            .copied()
            .filter(|&e| matches!(self.topo.edges[e].kind, EdgeKind::OnFailure))
            .collect();
        let sent = if dests.is_empty() {
            ""
        } else {
            "; the event goes to the on-failure destination"
        };
        self.log_failure(f, Failure::LoopStopped, trace, || {
            format!(
                "recursive loop detected: this event already invoked functions of the loop {RECURSIVE_LOOP_LIMIT} times, so this invocation is stopped (recursive_loop: Terminate){sent}"
            )
        });
        // The ledger ends it as stopped (a copy goes to the destination, if any): it is no
        // dead letter. Taken off its queue unprocessed, the queue counts it as dropped.
        if dead_letters != f {
            self.stats[dead_letters].dropped += 1;
        }
        for e in dests {
            let child = self.new_child(Some(m), Caller::None, attrs);
            self.send(e, child);
        }
        if waited {
            self.reply(m, Err(Fail::Loop));
        } else {
            self.end_msg(m, End::Dropped(DropReason::RecursiveLoop));
        }
    }

    /// An asynchronous event is accepted into the function's internal queue.
    #[inline(never)]
    pub(crate) fn async_accept(&mut self, f: usize, m: Key) {
        if self.topo.loop_guard[f] && self.loop_stops(f, m, f) {
            return;
        }
        if let Some(msg) = self.msgs.get_mut(m) {
            msg.enqueued = self.now;
            msg.caller = Caller::None;
        }
        if let Some(fs) = self.fns[f].as_mut() {
            fs.backlog.push_back(m);
        }
        self.dispatch(f);
    }

    /// Starts queued async events while capacity allows, then lets waiting pollers in.
    #[inline]
    pub(crate) fn dispatch(&mut self, f: usize) {
        if self.fns[f]
            .as_ref()
            .is_some_and(|fs| !fs.backlog.is_empty() || !fs.waiting_esms.is_empty())
        {
            self.dispatch_waiting(f);
        }
    }

    /// [`Simulation::dispatch`] when something waits.
    #[inline(never)]
    fn dispatch_waiting(&mut self, f: usize) {
        loop {
            let Some(fs) = self.fns[f].as_ref() else {
                return;
            };
            let Some(&m) = fs.backlog.front() else { break };
            let max_age = from_ms(fs.versions[fs.current as usize].retry.max_event_age_ms);
            let Some(msg) = self.msgs.get(m) else {
                self.pop_backlog(f);
                continue;
            };
            if self.now - msg.born > max_age {
                let trace = msg.trace;
                self.pop_backlog(f);
                self.log_failure(f, Failure::Expired, trace, || {
                    "event expired (max event age) before it could run".to_owned()
                });
                self.fail_to_destination(f, m, DropReason::Expired);
                continue;
            }
            match self.try_start(f, Origin::Async, smallvec::smallvec![m]) {
                Ok(_) => {
                    self.pop_backlog(f);
                }
                Err((Fail::Throttled, _)) => {
                    // Lambda returns a throttled event to its queue and tries again later.
                    self.pop_backlog(f);
                    self.async_throttled(f, m);
                }
                Err((fail, _)) => {
                    self.pop_backlog(f);
                    self.stats[f].invocation();
                    self.stats[f].error();
                    self.refusal_seen(f, m, fail.why());
                    self.async_done(f, m, Err(Fail::Unavailable));
                }
            }
        }
        let waiting = match self.fns[f].as_mut() {
            Some(fs) if !fs.waiting_esms.is_empty() => std::mem::take(&mut fs.waiting_esms),
            _ => return,
        };
        for e in waiting {
            self.esm_poll(e as usize);
        }
    }

    /// Async event `m` of `f` was throttled: it is tried again after a backoff growing from
    /// 1 s to 5 minutes (1, 2, 4 … 256, 300, 300 … s, each with "equal jitter": half of it
    /// fixed, half drawn at random, so throttled events do not all come back at the same
    /// instant), within its maximum event age, after which it goes to the on-failure
    /// destination. Its throttle is counted once.
    #[inline(never)]
    fn async_throttled(&mut self, f: usize, m: Key) {
        let Some(fs) = self.fns[f].as_ref() else {
            return;
        };
        let max_age = from_ms(fs.versions[fs.current as usize].retry.max_event_age_ms);
        let now = self.now;
        let Some(msg) = self.msgs.get_mut(m) else {
            return;
        };
        let tries = msg.throttle_retries;
        msg.throttle_retries = tries.saturating_add(1);
        let deadline = msg.born.saturating_add(max_age);
        let trace = msg.trace;
        if tries == 0 {
            self.stats[f].throttle();
            self.log_failure(f, Failure::Throttled, trace, || {
                "async event throttled (concurrency or scaling limit): Lambda retries it with \
                 a backoff from 1 s to 5 min within its max event age"
                    .to_owned()
            });
        }
        if now >= deadline {
            self.log_failure(f, Failure::Expired, trace, || {
                "event expired (max event age) while throttled".to_owned()
            });
            self.fail_to_destination(f, m, DropReason::Expired);
            return;
        }
        let backoff = (SEC << u32::from(tries).min(9)).min(THROTTLE_BACKOFF_MAX);
        let wait = {
            use rand::Rng;
            backoff / 2 + self.rng[f].random_range(0..=backoff / 2)
        };
        self.schedule((now + wait).min(deadline), Ev::Retry(f as u32, m));
    }

    fn pop_backlog(&mut self, f: usize) {
        if let Some(fs) = self.fns[f].as_mut() {
            fs.backlog.pop_front();
        }
    }

    /// Settles an async invocation: success ends the event; failure retries after
    /// attempt × delay within the max event age, then goes to the failure destination.
    pub(crate) fn async_done(&mut self, f: usize, m: Key, result: Result<(), Fail>) {
        if result.is_ok() {
            self.end_msg(m, End::Completed);
            return;
        }
        let Some(fs) = self.fns[f].as_ref() else {
            return;
        };
        let retry = fs.versions[fs.current as usize].retry.clone();
        let Some(msg) = self.msgs.get_mut(m) else {
            return;
        };
        msg.attempts += 1;
        let attempt = msg.attempts;
        let delay = from_ms(retry.retry_delay_ms).saturating_mul(u64::from(attempt));
        let within_age = self.now + delay - msg.born <= from_ms(retry.max_event_age_ms);
        if attempt <= retry.max_retries && within_age {
            self.stats[f].retries += 1;
            self.schedule(self.now + delay, Ev::Retry(f as u32, m));
        } else {
            self.fail_to_destination(f, m, DropReason::Failed);
        }
    }

    /// A retry is due: back into the backlog.
    pub(crate) fn async_retry(&mut self, f: usize, m: Key) {
        if self.msgs.get(m).is_none() {
            return;
        }
        if let Some(fs) = self.fns[f].as_mut() {
            fs.backlog.push_back(m);
        }
        self.dispatch(f);
    }

    /// Sends a failed event to the node's on-failure destinations, or drops it with `reason`.
    pub(crate) fn fail_to_destination(&mut self, node: usize, m: Key, reason: DropReason) {
        let dests: Vec<usize> = self.topo.out[node]
            .iter()
            .copied()
            .filter(|&e| matches!(self.topo.edges[e].kind, EdgeKind::OnFailure))
            .collect();
        let trace = self.msgs.get(m).map_or(0, |x| x.trace);
        if dests.is_empty() {
            self.stats[node].dropped += 1;
            self.log_failure(node, Failure::Discarded, trace, || {
                "event failed and was discarded: no on-failure destination".to_owned()
            });
            self.end_msg(m, End::Dropped(reason));
            return;
        }
        self.stats[node].dead_lettered += 1;
        if self.fns[node].is_some() {
            // (A queue logs its own line when it moves a message to its dead-letter queue.)
            self.log_failure(node, Failure::DeadLettered, trace, || {
                "event failed every attempt: sent to the on-failure destination".to_owned()
            });
        }
        let attrs = self.msgs.get(m).map_or(super::topology::NONE, |x| x.attrs);
        for e in dests {
            let child = self.new_child(Some(m), Caller::None, attrs);
            self.send(e, child);
        }
        self.end_msg(m, End::DeadLettered);
    }

    /// Reclaims idle environments whose keep-alive ran out.
    pub(crate) fn expire_idle(&mut self, f: usize) {
        let now = self.now;
        let Some(fs) = self.fns[f].as_mut() else {
            return;
        };
        fs.expiry_at = None;
        let mut next = None;
        while let Some(front) = fs.idle.front() {
            let keep = fs.versions[front.version as usize].keep_alive;
            if front.since + keep <= now {
                fs.idle.pop_front();
            } else {
                next = Some(front.since + keep);
                fs.expiry_at = next;
                break;
            }
        }
        let idle = fs.idle.len() as u64 + u64::from(fs.prov_idle);
        if let Some(at) = next {
            self.schedule(at, Ev::Expire(f as u32));
        }
        self.stats[f].idle.set(now, idle);
    }

    /// Kills every warm environment: idle ones now, busy ones when they finish.
    pub(crate) fn kill_warm(&mut self, f: usize) {
        let now = self.now;
        let Some(fs) = self.fns[f].as_mut() else {
            return;
        };
        fs.idle.clear();
        fs.kill_gen += 1;
        let idle = u64::from(fs.prov_idle);
        self.stats[f].idle.set(now, idle);
        self.log(
            f,
            Level::Warn,
            0,
            "all warm environments killed (fault): next requests start cold".to_owned(),
        );
    }

    pub(crate) fn init_provisioned(&mut self) {
        self.bill_provisioned(); // the first 5-minute block, from the start
        for f in 0..self.fns.len() {
            if let Some(fs) = self.fns[f].as_ref()
                && fs.prov_total > 0
            {
                let p = u64::from(fs.prov_total);
                self.stats[f].idle.set(0, p);
            }
        }
    }

    /// Bills provisioned environments in 5-minute blocks: AWS bills provisioned concurrency
    /// from when it is enabled (the start of the run here), rounded up to 5 minutes. A block
    /// is billed when it begins (checked at the start and every simulated second).
    pub(crate) fn bill_provisioned(&mut self) {
        let block = from_ms(PROVISIONED_BLOCK_MS);
        let due = self.now.div_ceil(block).max(1);
        while self.prov_blocks < due {
            self.prov_blocks += 1;
            for f in 0..self.fns.len() {
                let cost = self.provisioned_cost_per_s(f) * (block / SEC) as f64;
                if cost > 0.0 {
                    self.stats[f].bill_fixed(cost);
                }
            }
        }
    }

    /// What keeping `f`'s provisioned environments costs per second, $ (0 without any).
    pub(crate) fn provisioned_cost_per_s(&self, f: usize) -> f64 {
        self.fns[f].as_ref().map_or(0.0, |fs| {
            f64::from(fs.prov_total) * fs.versions[fs.current as usize].bill.provisioned_per_s
        })
    }
}

/// Longest wait between two tries of a throttled async event (AWS: "to a maximum of 5
/// minutes").
const THROTTLE_BACKOFF_MAX: Time = 300 * SEC;
