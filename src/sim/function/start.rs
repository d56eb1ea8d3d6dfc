//! Starting an invocation: capacity (reservation, the account pool, a throttle fault),
//! the scaling rate, warm or cold environment, and the execution's planned duration.

use super::*;

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
        if fs.shares_instances() && fs.open_instance(fs.current).is_some() {
            return true; // a busy instance has room
        }
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
        if fs.shares_instances()
            && let Some(i) = fs.open_instance(version)
        {
            return self.join_instance(f, i, version, origin, msgs);
        }
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
        let inst = if fs.shares_instances() {
            fs.open(version, now, now + init, provisioned)
        } else {
            NO_INSTANCE
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
            inst,
        };
        if cold {
            let k = self.invs.insert(inv);
            self.cold_start(f, k, init, trace, parent);
            return Ok(k);
        }
        // A warm start executes at once: its duration is drawn now, before the invocation
        // is stored, so it is stored complete.
        let run = self.plan_execution(f, version, 1, trace, parent);
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
    fn plan_execution(
        &mut self,
        f: usize,
        version: u32,
        sharing: u32,
        trace: u64,
        parent: Option<u32>,
    ) -> Run {
        let now = self.now;
        let (mut duration, timeout, sync_calls) = match self.fns[f].as_ref() {
            Some(fs) => {
                let v = &fs.versions[version as usize];
                let mut d = v.duration.sample(&mut self.rng[f]);
                if v.cpu_bound > 0.0 {
                    d = cpu_bound_duration(v, d, sharing);
                }
                (d, v.timeout, fs.has_sync_calls)
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
        let sharing = match self.fns[f].as_ref() {
            Some(fs) if inv.inst != NO_INSTANCE => fs.sharing(inv.inst),
            Some(_) | None => 1,
        };
        let run = self.plan_execution(f, version, sharing, trace, parent);
        if let Some(inv) = self.invs.get_mut(k) {
            inv.exec_start = self.now;
            inv.timed_out = run.timed_out;
            inv.span = run.span;
        }
        self.schedule_execution(k, run);
    }

    /// A request of `f` at `version` joins busy shared instance `i`: it starts at once, or
    /// when the instance's cold start ends (no cold start of its own: the instance is
    /// already being started).
    #[inline(never)]
    fn join_instance(
        &mut self,
        f: usize,
        i: u32,
        version: u32,
        origin: Origin,
        msgs: Batch,
    ) -> Result<Key, (Fail, Batch)> {
        let now = self.now;
        let Some(fs) = self.fns[f].as_mut() else {
            return Err((Fail::Error, msgs));
        };
        let (sharing, ready) = fs.join(i);
        let (kill_gen, number) = (fs.kill_gen, fs.versions[version as usize].number);
        let st = &mut self.stats[f];
        st.invocation();
        st.version(version as usize, number).invocations += 1;
        let (trace, parent) = msgs
            .first()
            .and_then(|m| self.msgs.get(*m))
            .map_or((0, None), |m| (m.trace, m.span));
        let mut inv = Inv {
            func: f as u32,
            version,
            exec_start: now,
            init: 0,
            msgs,
            origin,
            calls: None,
            provisioned: false,
            kill_gen,
            timed_out: false,
            call_failed: false,
            trace,
            span: None,
            inst: i,
        };
        if ready > now {
            let k = self.invs.insert(inv);
            self.schedule(ready, Ev::Start(k));
            return Ok(k);
        }
        let run = self.plan_execution(f, version, sharing, trace, parent);
        inv.timed_out = run.timed_out;
        inv.span = run.span;
        let k = self.invs.insert(inv);
        self.schedule_execution(k, run);
        Ok(k)
    }
}

/// `drawn` (the time at one full vCPU) of version `v` with its CPU-bound share run at the
/// speed its instance gives it while serving `sharing` requests (processor sharing of the
/// instance's vCPUs, each request using at most `threads` of them), fixed when it starts.
#[cold]
#[inline(never)]
fn cpu_bound_duration(v: &FnVersion, drawn: Time, sharing: u32) -> Time {
    let stretch = if sharing <= 1 {
        v.stretch_alone
    } else {
        cpu_stretch(v.cpu_bound, v.threads, v.vcpus, sharing)
    };
    let d = drawn as f64 * stretch;
    if d.is_finite() && d < Time::MAX as f64 {
        d.round() as Time
    } else {
        Time::MAX / 4
    }
}
