//! One invocation from its execution to its end: errors, synchronous calls, timeouts, the
//! bill, the environment's release and what happens to its messages.

use super::*;

impl Simulation {
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
        let (cost, release, provisioned, kill_gen) = if inv.inst == NO_INSTANCE {
            let cost = v.bill.cost((exec + inv.init).div_ceil(MS), inv.provisioned);
            (cost, true, inv.provisioned, inv.kill_gen)
        } else {
            let left = fs.leave(inv.inst, inv.version, now, (exec + inv.init).div_ceil(MS));
            (left.cost, left.idle, left.provisioned, left.kill_gen)
        };
        let mut expiry = None;
        // Release the environment (a shared instance when its last request leaves).
        if release {
            fs.busy -= 1;
            if fs.reserved.is_none() && !provisioned {
                self.pool_busy = self.pool_busy.saturating_sub(1);
            }
            if provisioned {
                fs.prov_idle += 1;
            }
        }
        let killed = kill_gen != fs.kill_gen;
        if release && !provisioned && !killed && keep_alive > 0 {
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
}
