//! Queues and event-source mappings: visibility timeout, batches and batching windows,
//! receive counts with a dead-letter queue, retention, at-least-once duplicates of standard
//! queues. A standard queue's pollers scale and ignore the function's reserved concurrency
//! (`sim/pollers.rs`); FIFO queues and table streams deliver through ordered lanes
//! (`sim/lanes.rs`: message groups, shards × parallelization factor), and a stream's
//! pollers wait for the function to have room (a shard blocks rather than fails).

use super::engine::{Caller, Ev, Fail, Simulation};
use super::function::{Batch, Origin};
use super::lanes::Lanes;
use super::ledger::{DropReason, End};
use super::log::Failure;
use super::pollers::{POLLERS_MAX, POLLERS_START};
use super::rng::chance;
use super::slab::Key;
use super::time::{SEC, Time, from_ms};
use super::timers::TimerList;
use super::topology::{NONE, UnitPrices};
use crate::model::{EdgeKind, NodeKind, QueueParams};
use std::collections::VecDeque;

/// A queue's runtime state.
#[derive(Debug)]
pub struct QueueState {
    /// The node it belongs to (the table, for a stream).
    pub node: usize,
    /// Standard queues: messages waiting, in arrival order.
    pub(crate) visible: VecDeque<Key>,
    /// FIFO queues and streams: messages waiting, by ordered lane.
    pub(crate) lanes: Option<Box<Lanes>>,
    pub(crate) in_flight: u64,
    pub(crate) delayed: u64,
    pub(crate) visibility: Time,
    pub(crate) retention: Time,
    max_receives: Option<u32>,
    /// A stream: records are not hidden by a timer; a failed batch retries after a second.
    pub(crate) stream: bool,
    delivery_delay: Time,
    /// One request (send, receive, delete), $: the standard or the FIFO price.
    price: f64,
    /// Standard queues: probability that a message is delivered twice.
    duplicate: f64,
    pub(crate) esms: Vec<u32>,
    /// Visibility timeouts of received messages.
    timers: TimerList<(Key, u32)>,
    /// Delivery delays of sent messages.
    delays: TimerList<(Key, u32)>,
}

impl QueueState {
    pub(crate) fn queue(node: usize, p: &QueueParams, unit: &UnitPrices) -> Self {
        Self {
            node,
            visible: VecDeque::new(),
            lanes: p.fifo.then(|| Box::new(Lanes::new(p.message_groups, true))),
            in_flight: 0,
            delayed: 0,
            visibility: from_ms(p.visibility_timeout_ms),
            retention: from_ms(p.retention_ms),
            max_receives: p.max_receive_count,
            stream: false,
            delivery_delay: from_ms(p.delivery_delay_ms),
            price: if p.fifo {
                unit.queue_fifo_request
            } else {
                unit.queue_request
            },
            duplicate: if p.fifo { 0.0 } else { p.duplicate_probability },
            esms: Vec::new(),
            timers: TimerList::default(),
            delays: TimerList::default(),
        }
    }

    /// The stream a table → function mapping reads: `lanes` ordered lanes (shards ×
    /// parallelization factor), records kept 24 h.
    fn stream(node: usize, lanes: u32) -> Self {
        Self {
            node,
            visible: VecDeque::new(),
            lanes: Some(Box::new(Lanes::new(lanes, false))),
            in_flight: 0,
            delayed: 0,
            visibility: SEC,
            retention: 24 * 3_600 * SEC,
            max_receives: None,
            stream: true,
            delivery_delay: 0,
            price: 0.0,
            duplicate: 0.0,
            esms: Vec::new(),
            timers: TimerList::default(),
            delays: TimerList::default(),
        }
    }

    /// Messages waiting to be received.
    pub fn depth(&self) -> u64 {
        self.visible.len() as u64 + self.lanes.as_ref().map_or(0, |l| l.len()) + self.delayed
    }

    /// One request (send, receive, delete), $.
    pub(crate) fn price(&self) -> f64 {
        self.price
    }

    /// Whether a message can be received now (ignoring lanes waiting after a failure).
    #[inline(always)]
    fn has_visible(&self) -> bool {
        !self.visible.is_empty() || self.lanes.as_ref().is_some_and(|l| !l.is_empty())
    }

    /// Bytes its storage holds (for the run's memory budget).
    pub(crate) fn bytes(&self) -> u64 {
        (self.visible.capacity() * std::mem::size_of::<Key>()) as u64
            + self.timers.bytes()
            + self.delays.bytes()
    }
}

/// An event-source mapping: pollers that move batches from a queue (or stream) into a
/// function.
#[derive(Debug)]
pub struct Esm {
    /// Its edge in the topology.
    pub(crate) edge: usize,
    pub(crate) queue: usize,
    pub(crate) func: usize,
    batch: usize,
    window: Time,
    pub(crate) report_item_failures: bool,
    /// Batches in flight: running, starting, or held throttled by a poller.
    pub(crate) in_flight: u32,
    pub(crate) poll_at: Option<Time>,
    /// Batches it may have in flight now (a standard queue's grows with the backlog).
    pub(crate) limit: u32,
    /// Most it may ever have: 1,000 or the mapping's maximum concurrency (streams: one per
    /// lane, which the lanes enforce).
    pub(crate) cap: u32,
    /// Where a standard queue's mapping starts and falls back to: 5 (or the cap if lower).
    pub(crate) floor: u32,
    /// A standard queue's mapping scales its pollers.
    pub(crate) scales: bool,
    /// Since the last tick: a message waited for a free poller.
    pub(crate) wanted_more: bool,
    /// Since the last tick: a batch was throttled.
    pub(crate) throttled: bool,
    /// Since the last tick: most batches in flight at once.
    pub(crate) peak: u32,
    /// Streams: split a failed batch in two before retrying.
    pub(crate) bisect: bool,
    /// Streams: retries of a failed record before it is discarded.
    pub(crate) max_retries: Option<u32>,
    /// Streams: oldest a record may be when handed to the function.
    pub(crate) max_record_age: Option<Time>,
}

impl Simulation {
    pub(crate) fn init_queues_and_mappings(&mut self) {
        for e in 0..self.topo.edges.len() {
            let edge = &self.topo.edges[e];
            let EdgeKind::EventSource(m) = &edge.kind else {
                continue;
            };
            let (from, to) = (edge.from, edge.to);
            let (q, scales, cap) = match &self.topo.kinds[from] {
                NodeKind::Queue(qp) => {
                    let cap = m.max_concurrency.unwrap_or(POLLERS_MAX).min(POLLERS_MAX);
                    (self.queue_of[from] as usize, !qp.fifo, cap)
                }
                NodeKind::Table(t) => {
                    let lanes = t
                        .stream_shards
                        .max(1)
                        .saturating_mul(m.parallelization_factor.max(1));
                    self.queues.push(QueueState::stream(from, lanes));
                    let q = self.queues.len() - 1;
                    self.stream_of_edge[e] = q as u32;
                    (q, false, u32::MAX)
                }
                NodeKind::Client(_)
                | NodeKind::HttpApi(_)
                | NodeKind::Schedule(_)
                | NodeKind::Bucket(_)
                | NodeKind::Topic(_)
                | NodeKind::Function(_) => continue,
            };
            let floor = POLLERS_START.min(cap);
            let id = self.esms.len() as u32;
            self.esms.push(Esm {
                edge: e,
                queue: q,
                func: to,
                batch: m.batch_size.max(1) as usize,
                window: from_ms(m.batch_window_ms),
                report_item_failures: m.report_batch_item_failures,
                in_flight: 0,
                poll_at: None,
                limit: if scales { floor } else { cap },
                cap,
                floor,
                scales,
                wanted_more: false,
                throttled: false,
                peak: 0,
                bisect: m.bisect_batch_on_error,
                max_retries: m.maximum_retry_attempts,
                max_record_age: m.maximum_record_age_ms.map(from_ms),
            });
            self.queues[q].esms.push(id);
        }
    }

    #[inline(always)]
    pub(crate) fn set_queue_depth(&mut self, q: usize) {
        let qs = &self.queues[q];
        let (node, depth, inflight) = (qs.node, qs.depth(), qs.in_flight);
        if self.queue_of[node] as usize == q {
            let s = &mut self.stats[node];
            s.depth.set(self.now, depth);
            s.busy.set(self.now, inflight);
        }
    }

    /// A message is sent to queue `q`.
    #[inline(never)]
    pub(crate) fn queue_send(&mut self, q: usize, m: Key) {
        let node = self.queues[q].node;
        if self.queue_of[node] as usize == q {
            self.stats[node].invocation();
            let price = self.queues[q].price;
            self.stats[node].bill(price);
        }
        self.enqueue(q, m);
        // At-least-once delivery: a standard queue sometimes delivers a message twice.
        let dup = self.queues[q].duplicate;
        if dup > 0.0 && chance(&mut self.rng[node], dup) {
            let attrs = self.msgs.get(m).map_or(NONE, |x| x.attrs);
            let copy = self.new_child(Some(m), Caller::None, attrs);
            if self.queue_of[node] as usize == q {
                // Counted as a message in (unbilled): the queue's identity stays whole.
                self.stats[node].invocation();
            }
            self.enqueue(q, copy);
        }
        self.set_queue_depth(q);
        self.wake(q);
    }

    /// Puts message `m` in queue `q`: waiting out the delivery delay, or visible.
    #[inline(always)]
    fn enqueue(&mut self, q: usize, m: Key) {
        let now = self.now;
        let lane = if self.queues[q].lanes.is_some() {
            self.draw_lane(q)
        } else {
            0
        };
        let Some(msg) = self.msgs.get_mut(m) else {
            return;
        };
        msg.enqueued = now;
        msg.receives = 0;
        msg.in_flight = 0;
        msg.queue = q as u32;
        msg.caller = Caller::None;
        msg.group = lane;
        let qs = &mut self.queues[q];
        let delay = qs.delivery_delay;
        if delay > 0 {
            qs.delayed += 1;
            if let Some(at) = qs.delays.push(now + delay, (m, 0)) {
                self.schedule(at, Ev::DelayTimers(q as u32));
            }
        } else if let Some(lanes) = qs.lanes.as_mut() {
            lanes.push_back(lane, m);
        } else {
            qs.visible.push_back(m);
        }
    }

    #[inline]
    pub(crate) fn wake(&mut self, q: usize) {
        if !self.queues[q].has_visible() {
            return; // nothing to take (the common case once a consumer keeps up)
        }
        for i in 0..self.queues[q].esms.len() {
            let e = self.queues[q].esms[i];
            self.esm_poll(e as usize);
        }
    }

    fn set_timer(&mut self, q: usize, deadline: Time, m: Key, receive: u32) {
        if let Some(at) = self.queues[q].timers.push(deadline, (m, receive)) {
            self.schedule(at, Ev::VisibilityTimers(q as u32));
        }
    }

    /// The queue's due visibility timers (or, with `delays`, delivery delays) fire.
    pub(crate) fn queue_timers(&mut self, q: usize, delays: bool) {
        let now = self.now;
        loop {
            let qs = &mut self.queues[q];
            let list = if delays {
                &mut qs.delays
            } else {
                &mut qs.timers
            };
            let Some((m, receive)) = list.pop_due(now) else {
                break;
            };
            self.visible(q, m, receive);
        }
        let msgs = &self.msgs;
        let live = |(m, receive): &(Key, u32)| {
            msgs.get(*m)
                .is_some_and(|x| x.queue == q as u32 && x.in_flight == *receive)
        };
        let qs = &mut self.queues[q];
        let list = if delays {
            &mut qs.delays
        } else {
            &mut qs.timers
        };
        if let Some(at) = list.rearm(live) {
            self.schedule(
                at,
                if delays {
                    Ev::DelayTimers(q as u32)
                } else {
                    Ev::VisibilityTimers(q as u32)
                },
            );
        }
    }

    /// A delayed message arrives, or an in-flight one's visibility timeout expired.
    fn visible(&mut self, q: usize, m: Key, receive: u32) {
        let Some(msg) = self.msgs.get_mut(m) else {
            return;
        };
        if msg.queue != q as u32 || msg.in_flight != receive {
            return; // deleted, moved, or received again since
        }
        let lane = msg.group;
        let qs = &mut self.queues[q];
        if receive == 0 {
            qs.delayed = qs.delayed.saturating_sub(1);
        } else {
            msg.in_flight = 0;
            qs.in_flight = qs.in_flight.saturating_sub(1);
            let node = qs.node;
            self.stats[node].retries += 1;
        }
        let qs = &mut self.queues[q];
        match qs.lanes.as_mut() {
            // A returning message goes back to the front of its group; a delayed one joins
            // the back.
            Some(lanes) if receive != 0 => lanes.push_front(lane, m),
            Some(lanes) => lanes.push_back(lane, m),
            None => qs.visible.push_back(m),
        }
        self.set_queue_depth(q);
        self.wake(q);
    }

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

    /// Drops the messages at the front of queue `q` that outlived its retention.
    #[inline]
    pub(crate) fn purge_expired(&mut self, q: usize) {
        let now = self.now;
        let qs = &self.queues[q];
        let retention = qs.retention;
        let front_expired = qs
            .visible
            .front()
            .is_some_and(|&m| self.msgs.get(m).is_none_or(|x| now - x.born > retention));
        if front_expired {
            self.purge_expired_front(q, retention);
        }
        // Otherwise nothing to purge: the depth is unchanged.
    }

    #[cold]
    fn purge_expired_front(&mut self, q: usize, retention: Time) {
        let now = self.now;
        while let Some(&m) = self.queues[q].visible.front() {
            let expired = self.msgs.get(m).is_none_or(|x| now - x.born > retention);
            if !expired {
                break;
            }
            self.queues[q].visible.pop_front();
            let node = self.queues[q].node;
            self.expire_queued(node, m);
        }
        self.set_queue_depth(q);
    }

    /// Message `m` of queue node `node` outlived the retention period: dropped, if it is
    /// still live.
    #[cold]
    pub(crate) fn expire_queued(&mut self, node: usize, m: Key) {
        let Some(trace) = self.msgs.get(m).map(|x| x.trace) else {
            return;
        };
        self.stats[node].dropped += 1;
        self.log_failure(node, Failure::Expired, trace, || {
            "message expired (retention period) before it was processed".to_owned()
        });
        self.end_msg(m, End::Dropped(DropReason::Expired));
    }

    /// Receives up to `batch` messages of a standard queue; those over the max receive count
    /// go to the DLQ.
    fn receive_batch(&mut self, q: usize, batch: usize) -> Batch {
        // One message fits inline; a bigger batch allocates only when it takes more.
        let mut taken = Batch::new();
        while taken.len() < batch {
            let Some(m) = self.queues[q].visible.pop_front() else {
                break;
            };
            if self.receive_one(q, m) {
                taken.push(m);
            }
        }
        self.set_queue_depth(q);
        taken
    }

    /// Receives message `m` taken from queue `q`: counts the receive, hides it until its
    /// visibility timeout (not for a stream), or moves it to the DLQ when it was received
    /// too often. Returns whether it goes into the batch.
    #[inline]
    pub(crate) fn receive_one(&mut self, q: usize, m: Key) -> bool {
        let now = self.now;
        let qs = &self.queues[q];
        let (max, vis, node, stream) = (qs.max_receives, qs.visibility, qs.node, qs.stream);
        let Some(msg) = self.msgs.get_mut(m) else {
            return false;
        };
        msg.receives += 1;
        if max.is_some_and(|max| msg.receives > max) {
            msg.queue = NONE;
            let trace = msg.trace;
            self.log_failure(node, Failure::DeadLettered, trace, || {
                format!(
                    "moved to the dead-letter queue after {} receives",
                    max.unwrap_or(0)
                )
            });
            self.fail_to_destination(node, m, DropReason::Failed);
            return false;
        }
        let age = now - msg.enqueued;
        msg.in_flight = msg.receives;
        let receive = msg.receives;
        let (trace, span) = (msg.trace, msg.span);
        self.stats[node].max_age = self.stats[node].max_age.max(age);
        self.queues[q].in_flight += 1;
        if !stream {
            self.set_timer(q, now + vis, m, receive);
        }
        if trace != 0 {
            let s = self
                .traces
                .open(trace, node, super::trace::SpanKind::Wait, now - age, span);
            self.traces.close(trace, s, now, false);
        }
        true
    }

    /// Message `m` of a batch from queue `q` succeeded: it is deleted (and counted as a
    /// completion of the queue if it was still in flight from it).
    #[inline(always)]
    pub(crate) fn delete_received(&mut self, q: usize, m: Key, still_ours: bool) {
        if still_ours {
            let qs = &mut self.queues[q];
            qs.in_flight = qs.in_flight.saturating_sub(1);
            let node = qs.node;
            if self.queue_of[node] as usize == q {
                self.stats[node].completed();
            }
        } else if self.msgs.get(m).is_some_and(|x| x.queue == q as u32) {
            self.delete_visible_again(q, m);
        }
        self.end_msg(m, End::Completed);
    }

    /// A slow consumer deletes `m` after its visibility timeout made it visible again (and
    /// before anyone received it again): it leaves the queue as a completion.
    #[cold]
    #[inline(never)]
    fn delete_visible_again(&mut self, q: usize, m: Key) {
        let qs = &mut self.queues[q];
        if let Some(pos) = qs.visible.iter().position(|&x| x == m) {
            qs.visible.remove(pos);
        }
        let node = qs.node;
        if self.queue_of[node] as usize == q {
            self.stats[node].completed();
        }
        self.set_queue_depth(q);
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
