//! Requests and async events coming in: sync calls started or refused, the async backlog
//! and its retries and throttle backoff, recursive loop detection, on-failure destinations.

use super::*;

impl Simulation {
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
            .map_or((0, None, crate::sim::topology::NONE, false), |x| {
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
        let attrs = self
            .msgs
            .get(m)
            .map_or(crate::sim::topology::NONE, |x| x.attrs);
        for e in dests {
            let child = self.new_child(Some(m), Caller::None, attrs);
            self.send(e, child);
        }
        self.end_msg(m, End::DeadLettered);
    }
}

/// Longest wait between two tries of a throttled async event (AWS: "to a maximum of 5
/// minutes").
const THROTTLE_BACKOFF_MAX: Time = 300 * SEC;
