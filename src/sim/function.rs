//! Function behaviour: environments created on demand up to the concurrency limit at the
//! scaling rate, cold starts, keep-alive, most-recently-used idle choice, timeouts, errors,
//! async retries with on-failure destinations, provisioned concurrency and versions.

use super::engine::{Caller, Ev, Fail, Simulation};
use super::ledger::{DropReason, End};
use super::log::Level;
use super::rng::{Sampler, chance};
use super::slab::Key;
use super::time::{MS, SEC, Time, from_ms, to_ms_f64};
use super::topology::Topology;
use super::trace::SpanKind;
use crate::model::{Arch, AsyncRetry, EdgeKind, FunctionParams, InvocationPrice, Pricing};
use std::collections::VecDeque;

/// The messages of one invocation: one, or a batch from an event-source mapping.
pub(crate) type Batch = smallvec::SmallVec<[Key; 1]>;

/// One deployed version's compiled parameters.
#[derive(Clone, Debug)]
pub struct FnVersion {
    /// Version number (1, 2, …).
    pub number: u32,
    pub(crate) memory_mb: u32,
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
        if fs.busy >= fs.cap(throttle) || (fs.reserved.is_none() && pool_busy >= pool_cap) {
            return false;
        }
        if fs.prov_idle > 0 || !fs.idle.is_empty() {
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
        if fs.busy >= cap || (fs.reserved.is_none() && pool_busy >= pool_cap) {
            return Err((Fail::Throttled, msgs));
        }
        let mut provisioned = false;
        let cold;
        if fs.prov_idle > 0 && version == fs.current {
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
        if fs.reserved.is_none() {
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
        let parent = inv.msgs.first().copied();
        let child = self.new_child(parent, Caller::Inv(k), e);
        self.send(e as usize, child);
    }

    /// A sync call made by invocation `k` returned.
    pub(crate) fn call_returned(&mut self, k: Key, result: Result<(), Fail>) {
        if self.invs.get(k).is_none() {
            return; // the caller already timed out
        }
        match result {
            Ok(()) => self.next_call(k),
            Err(_) => self.finish(k, Err(Fail::Error)),
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
        if fs.reserved.is_none() {
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
        if inv.trace != 0 {
            self.traces.close(inv.trace, inv.span, now, result.is_err());
        }
        if let Err(fail) = result
            && self.sample_log(10)
        {
            let what = if fail == Fail::Timeout {
                "timed out"
            } else {
                "failed"
            };
            self.log(
                f,
                Level::Error,
                inv.trace,
                format!(
                    "invocation {what} after {:.0} ms (v{number})",
                    to_ms_f64(exec)
                ),
            );
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

    /// A synchronous request arrives: start at once or answer 429 / 5xx.
    #[inline]
    pub(crate) fn invoke_sync(&mut self, f: usize, m: Key) {
        if let Err((fail, _)) = self.try_start(f, Origin::Sync, smallvec::smallvec![m]) {
            self.sync_refused(f, m, fail);
        }
    }

    /// A synchronous request to `f` could not start: counts it and answers the caller.
    #[inline(never)]
    fn sync_refused(&mut self, f: usize, m: Key, fail: Fail) {
        match fail {
            Fail::Throttled => {
                self.stats[f].throttle();
                if self.sample_log(20) {
                    self.log_msg(
                        f,
                        Level::Warn,
                        m,
                        "throttled (429): no environment available".to_owned(),
                    );
                }
            }
            Fail::Unavailable | Fail::Error | Fail::Timeout | Fail::Rejected | Fail::Lost => {
                self.stats[f].invocation();
                self.stats[f].error();
            }
        }
        self.reply(m, Err(fail));
    }

    /// An asynchronous event is accepted into the function's internal queue.
    #[inline(never)]
    pub(crate) fn async_accept(&mut self, f: usize, m: Key) {
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
                self.pop_backlog(f);
                self.log_msg(
                    f,
                    Level::Error,
                    m,
                    "event expired (max event age) before it could run".to_owned(),
                );
                self.fail_to_destination(f, m, DropReason::Expired);
                continue;
            }
            match self.try_start(f, Origin::Async, smallvec::smallvec![m]) {
                Ok(_) => {
                    self.pop_backlog(f);
                }
                Err((Fail::Throttled, _)) => {
                    if let Some(msg) = self.msgs.get_mut(m)
                        && !msg.throttled
                    {
                        msg.throttled = true;
                        self.stats[f].throttle();
                    }
                    return; // wait for capacity: a finishing invocation or a scaling step
                }
                Err((_, _)) => {
                    self.pop_backlog(f);
                    self.stats[f].invocation();
                    self.stats[f].error();
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
        if dests.is_empty() {
            self.stats[node].dropped += 1;
            self.log_msg(
                node,
                Level::Error,
                m,
                "event failed and was discarded: no on-failure destination".to_owned(),
            );
            self.end_msg(m, End::Dropped(reason));
            return;
        }
        self.stats[node].dead_lettered += 1;
        let attrs = self.msgs.get(m).map_or(super::topology::NONE, |x| x.attrs);
        for e in dests {
            let child = self.new_child(Some(m), Caller::None, attrs);
            self.send(e, child);
        }
        self.end_msg(m, End::DeadLettered);
    }

    /// A topic delivers to a function: accepted asynchronously unless the function is down,
    /// in which case the subscription's retry policy applies.
    #[inline(never)]
    pub(crate) fn subscription_to_function(&mut self, e: usize, m: Key) {
        let to = self.topo.edges[e].to;
        if !self.faults.node(to).outage {
            self.async_accept(to, m);
            return;
        }
        let crate::model::EdgeKind::Subscription(sub) = &self.topo.edges[e].kind else {
            return;
        };
        let (max, initial, factor) = (
            sub.retry.max_retries,
            sub.retry.initial_delay_ms,
            sub.retry.backoff_factor,
        );
        let Some(msg) = self.msgs.get_mut(m) else {
            return;
        };
        msg.attempts += 1;
        let attempt = msg.attempts;
        let from = self.topo.edges[e].from;
        if attempt > max {
            self.stats[from].dropped += 1;
            self.log_msg(
                from,
                Level::Error,
                m,
                format!(
                    "delivery to \"{}\" failed after {max} retries",
                    self.topo.node_ids[to]
                ),
            );
            self.end_msg(m, End::Dropped(DropReason::Failed));
            return;
        }
        self.stats[from].retries += 1;
        let delay = from_ms_f64_safe(initial as f64 * factor.powi(attempt as i32 - 1));
        self.schedule(self.now + delay, Ev::SubRetry(e as u32, m));
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
        for f in 0..self.fns.len() {
            if let Some(fs) = self.fns[f].as_ref()
                && fs.prov_total > 0
            {
                let p = u64::from(fs.prov_total);
                self.stats[f].idle.set(0, p);
            }
        }
    }

    /// Bills provisioned environments for `width` of time.
    pub(crate) fn bill_provisioned(&mut self, width: Time) {
        let price = self.topo.project.pricing.provisioned_per_gb_s;
        for f in 0..self.fns.len() {
            let Some(fs) = self.fns[f].as_ref() else {
                continue;
            };
            if fs.prov_total == 0 {
                continue;
            }
            let gb = f64::from(fs.versions[fs.current as usize].memory_mb) / 1024.0;
            let cost = f64::from(fs.prov_total) * gb * (width as f64 / SEC as f64) * price;
            self.stats[f].bill(cost);
        }
    }
}

fn from_ms_f64_safe(ms: f64) -> Time {
    super::time::from_ms_f64(ms.min(86_400_000.0))
}
