//! Event-source mappings at work: polling a queue or a stream for batches (pollers that
//! scale, ordered lanes), handing a batch to the function through edge faults and the loop
//! check, holding or refusing it, and what a finished batch does to its messages.

use super::engine::{Ev, Fail, Simulation};
use super::function::{Batch, Origin};
use super::log::Failure;
use super::rng::chance;
use super::slab::Key;
use super::time::Time;
use super::topology::NONE;

impl Simulation {
    /// The mapping takes batches while messages wait and it has pollers free.
    pub(crate) fn esm_poll(&mut self, e: usize) {
        if self.queues[self.esms[e].queue].lanes.is_some() {
            self.poll_lanes(e);
        } else {
            self.poll_standard(e);
        }
    }

    /// A standard queue's pollers take batches while messages wait and pollers are free —
    /// whether or not the function has room (they ignore its reserved concurrency).
    fn poll_standard(&mut self, e: usize) {
        let now = self.now;
        let x = &self.esms[e];
        let (q, f, batch, window) = (x.queue, x.func, x.batch, x.window);
        loop {
            self.purge_expired(q);
            let qs = &self.queues[q];
            let Some(&front) = qs.visible.front() else {
                return;
            };
            let waiting = qs.visible.len();
            let x = &mut self.esms[e];
            if x.in_flight >= x.limit {
                x.wanted_more = true; // a message waits for a poller
                return;
            }
            if window > 0 && waiting < batch {
                let oldest = self.msgs.get(front).map_or(now, |m| m.enqueued);
                if oldest + window > now {
                    self.poll_later(e, oldest + window);
                    return;
                }
            }
            let taken = self.receive_batch(q, batch);
            if taken.is_empty() {
                continue;
            }
            if !self.hand_over(e, q, f, taken) {
                return;
            }
            if self.queues[q].visible.is_empty() {
                return;
            }
        }
    }

    /// Ordered lanes (a FIFO queue's groups, a stream's shards) deliver one batch per lane at
    /// a time. A stream's pollers wait while the function has no room.
    #[inline(never)]
    fn poll_lanes(&mut self, e: usize) {
        let now = self.now;
        let x = &self.esms[e];
        let (q, f, batch, window) = (x.queue, x.func, x.batch, x.window);
        let stream = self.queues[q].stream;
        loop {
            let Some(lanes) = self.queues[q].lanes.as_ref() else {
                return;
            };
            if lanes.is_empty() {
                return;
            }
            let (waiting, first) = (lanes.len(), lanes.first_front());
            let x = &mut self.esms[e];
            if x.in_flight >= x.limit {
                x.wanted_more = true;
                return;
            }
            if window > 0 && waiting < batch as u64 {
                let oldest = first
                    .and_then(|m| self.msgs.get(m))
                    .map_or(now, |m| m.enqueued);
                if oldest + window > now {
                    self.poll_later(e, oldest + window);
                    return;
                }
            }
            if stream && !self.can_start(f) {
                if let Some(fs) = self.fns[f].as_mut()
                    && !fs.waiting_esms.contains(&(e as u32))
                {
                    fs.waiting_esms.push(e as u32);
                }
                return;
            }
            let (taken, wake_at) = self.take_from_lanes(e, q, batch);
            if taken.is_empty() {
                if let Some(at) = wake_at {
                    self.poll_later(e, at);
                    return;
                }
                if self.queues[q]
                    .lanes
                    .as_ref()
                    .is_some_and(|l| l.first_front().is_some())
                {
                    continue; // what was taken expired or moved to the DLQ
                }
                return; // every lane with messages has a batch in flight
            }
            if !self.hand_over(e, q, f, taken) {
                return;
            }
        }
    }

    /// Mapping `e` hands a batch received from queue `q` to function `f` (billing the
    /// receive and delete): messages whose chain made the recursive-loop limit are stopped
    /// first; the rest runs, or the poller holds it throttled, or it fails at once (an
    /// outage), or an edge fault loses, delays or duplicates it. Returns false when the
    /// poller should stop for now.
    #[inline]
    fn hand_over(&mut self, e: usize, q: usize, f: usize, taken: Batch) -> bool {
        let node = self.queues[q].node;
        if self.queue_of[node] as usize == q {
            let price = self.queues[q].price;
            self.stats[node].bill(2.0 * price); // receive + delete
        }
        let taken = if self.topo.loop_guard[f] {
            self.esm_loop_check(e, taken)
        } else {
            taken
        };
        if taken.is_empty() {
            return true;
        }
        let x = &mut self.esms[e];
        x.in_flight += 1;
        x.peak = x.peak.max(x.in_flight);
        if self.faults.any_edge() {
            self.esm_send_faulty(e, taken)
        } else {
            self.esm_invoke(e, taken)
        }
    }

    /// Mapping `e` invokes its function with `batch` (counted on its edge): it runs, or the
    /// poller holds it throttled (pollers ignore reserved concurrency), or — the function
    /// down — it fails at once and returns like any failed batch. Returns whether the poller
    /// may take more now.
    #[inline(always)]
    fn esm_invoke(&mut self, e: usize, batch: Batch) -> bool {
        let (f, edge) = (self.esms[e].func, self.esms[e].edge);
        self.edge_traffic[edge].total += batch.len() as u64;
        match self.try_start(f, Origin::Esm(e as u32), batch) {
            Ok(_) => true,
            Err((Fail::Throttled, msgs)) => {
                self.hold_throttled(e, msgs);
                true
            }
            Err((fail, msgs)) => {
                self.esm_refused(e, msgs, fail);
                false
            }
        }
    }

    /// [`Simulation::esm_invoke`] when the function refused the batch.
    #[cold]
    #[inline(never)]
    fn esm_refused(&mut self, e: usize, msgs: Batch, fail: Fail) {
        let f = self.esms[e].func;
        self.stats[f].invocation();
        self.stats[f].error();
        if let Some(&m) = msgs.first() {
            self.refusal_seen(f, m, fail.why());
        }
        self.esm_done(e, msgs, Err(fail));
    }

    /// [`Simulation::esm_invoke`] with edge faults in force: a drop fault loses the batch on
    /// its way (its messages stay in flight and return after the visibility timeout, or at
    /// once from a FIFO queue or stream); a delay holds it back; a duplicate fault invokes
    /// the function a second time with the same messages (at-least-once delivery).
    #[cold]
    #[inline(never)]
    fn esm_send_faulty(&mut self, e: usize, batch: Batch) -> bool {
        let (f, edge) = (self.esms[e].func, self.esms[e].edge);
        let from = self.topo.edges[edge].from;
        let ef = self.faults.edge(edge);
        let (drop, delay, duplicate) = (ef.drop, ef.delay, ef.duplicate);
        if drop > 0.0 && chance(&mut self.fault_rng[from], drop) {
            self.edge_traffic[edge].lost += batch.len() as u64;
            let mut trace = 0;
            for &m in &batch {
                if let Some(x) = self.msgs.get(m)
                    && x.trace != 0
                {
                    trace = x.trace;
                    let (t, parent) = (x.trace, x.span);
                    self.traces.failed_at(
                        t,
                        f,
                        super::trace::SpanKind::Delivery,
                        self.now,
                        parent,
                        Failure::Lost,
                    );
                }
            }
            let (n, to) = (batch.len(), self.topo.edge_label(edge));
            self.log_failure(from, Failure::Lost, trace, || {
                format!(
                    "batch of {n} lost on its way to {to} (edge drop fault): the messages return to the queue"
                )
            });
            self.esm_done(e, batch, Err(Fail::Lost));
            return true;
        }
        let copy = (duplicate > 0.0 && chance(&mut self.fault_rng[from], duplicate))
            .then(|| batch.clone());
        let mut keep_polling = true;
        if delay > 0 {
            self.hold_batch(e, batch, delay);
        } else {
            keep_polling = self.esm_invoke(e, batch);
        }
        if let Some(copy) = copy {
            self.edge_traffic[edge].duplicated += copy.len() as u64;
            self.esms[e].in_flight += 1;
            if delay > 0 {
                self.hold_batch(e, copy, delay);
            } else if !self.esm_invoke(e, copy) {
                keep_polling = false;
            }
        }
        keep_polling
    }

    /// Holds `batch` of mapping `e` back for `delay` (an edge delay fault).
    fn hold_batch(&mut self, e: usize, batch: Batch, delay: Time) {
        let f = self.esms[e].func;
        for &m in &batch {
            self.traced_delivery(m, f, delay);
        }
        let k = self.pending_batches.insert((e as u32, batch));
        self.schedule(self.now + delay, Ev::BatchDue(k));
    }

    /// A batch held back by an edge delay reaches its function; messages that ended
    /// meanwhile are left out.
    #[cold]
    #[inline(never)]
    pub(crate) fn batch_due(&mut self, k: Key) {
        let Some((e, batch)) = self.pending_batches.remove(k) else {
            return;
        };
        let e = e as usize;
        let live: Batch = batch
            .into_iter()
            .filter(|&m| self.msgs.get(m).is_some())
            .collect();
        if live.is_empty() {
            self.esms[e].in_flight = self.esms[e].in_flight.saturating_sub(1);
            return;
        }
        self.esm_invoke(e, live);
    }

    /// Recursive loop detection on a batch for a loop-guarded function: messages whose
    /// chain made the limit are taken off the queue and stopped (to the queue's dead-letter
    /// queue, if any); the others count one more invocation.
    #[cold]
    #[inline(never)]
    fn esm_loop_check(&mut self, e: usize, batch: Batch) -> Batch {
        let (q, f) = (self.esms[e].queue, self.esms[e].func);
        let node = self.queues[q].node;
        let mut kept = Batch::new();
        // Ordered lanes: the lane of a batch stopped whole must be let go (no run will end it).
        let mut stopped_lanes: Vec<u16> = Vec::new();
        for m in batch {
            let over = self
                .msgs
                .get(m)
                .is_some_and(|x| x.hops >= crate::model::RECURSIVE_LOOP_LIMIT);
            if !over {
                if let Some(x) = self.msgs.get_mut(m) {
                    x.hops += 1;
                    kept.push(m);
                }
                continue;
            }
            if let Some(x) = self.msgs.get_mut(m) {
                x.queue = NONE;
                x.in_flight = 0;
                if !stopped_lanes.contains(&x.group) {
                    stopped_lanes.push(x.group);
                }
            }
            self.queues[q].in_flight = self.queues[q].in_flight.saturating_sub(1);
            self.stop_loop(f, m, node);
        }
        if self.queues[q].lanes.is_some() {
            let busy: Vec<u16> = kept
                .iter()
                .filter_map(|&m| self.msgs.get(m).map(|x| x.group))
                .collect();
            if let Some(lanes) = self.queues[q].lanes.as_mut() {
                for l in stopped_lanes.into_iter().filter(|l| !busy.contains(l)) {
                    lanes.release(l);
                }
            }
        }
        self.set_queue_depth(q);
        kept
    }

    fn poll_later(&mut self, e: usize, at: Time) {
        if self.esms[e].poll_at.is_none_or(|p| p > at) {
            self.esms[e].poll_at = Some(at);
            self.schedule(at, Ev::Poll(e as u32));
        }
    }

    /// A batch finished: successes are deleted; a standard queue's failures return after
    /// their visibility timeout; ordered lanes handle theirs (`lanes_done`).
    #[inline(always)]
    pub(crate) fn esm_done(&mut self, e: usize, msgs: Batch, result: Result<(), Fail>) {
        let (q, f, per_item) = (
            self.esms[e].queue,
            self.esms[e].func,
            self.esms[e].report_item_failures,
        );
        self.esms[e].in_flight = self.esms[e].in_flight.saturating_sub(1);
        if self.queues[q].lanes.is_some() {
            self.lanes_done(e, msgs, result);
            return;
        }
        if result.is_ok() && !per_item {
            // The common case: the whole batch succeeded and is deleted (no draws per item,
            // nothing returns).
            for &m in &msgs {
                if let Some(msg) = self.msgs.get(m) {
                    let still_ours = msg.queue == q as u32 && msg.in_flight != 0;
                    self.delete_received(q, m, still_ours);
                }
            }
            self.set_queue_depth(q);
            self.wake(q);
            return;
        }
        let error_p = self.fns[f]
            .as_ref()
            .map_or(0.0, |fs| fs.versions[fs.current as usize].error_p);
        let fault_p = self.faults.node(f).error;
        for m in msgs {
            let ok = match result {
                Err(_) => false,
                Ok(()) if per_item => {
                    !(chance(&mut self.rng[f], error_p)
                        || (fault_p > 0.0 && chance(&mut self.fault_rng[f], fault_p)))
                }
                Ok(()) => true,
            };
            if !ok {
                continue; // stays hidden until its visibility timeout, then returns
            }
            if let Some(msg) = self.msgs.get(m) {
                let still_ours = msg.queue == q as u32 && msg.in_flight != 0;
                self.delete_received(q, m, still_ours);
            }
        }
        self.set_queue_depth(q);
        self.wake(q);
    }
}
