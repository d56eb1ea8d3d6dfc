//! Messages on the move: created at a source or as a child, sent along an edge (where edge
//! faults act), delivered to the target's behaviour, answered to their caller, and emitted
//! onward along every outgoing edge.

use super::engine::Simulation;
use super::ledger::{DropReason, End};
use super::log::Failure;
use super::message::*;
use super::rng::chance;
use super::slab::Key;
use super::time::Time;
use super::topology::{NONE, Route};
use super::trace::SpanKind;
use crate::model::EdgeKind;

impl Simulation {
    /// Creates a root message entering from outside (a client request or a schedule firing).
    #[inline]
    pub(crate) fn new_root(&mut self, caller: Caller, attrs: u32) -> Key {
        self.next_root += 1;
        let root = self.next_root;
        // Roots 1, 1 + n, 1 + 2n, … are traced (a countdown: no division per request).
        let sampled = self.trace_one_in > 0
            && {
                self.trace_countdown = self.trace_countdown.saturating_sub(1);
                self.trace_countdown == 0
            }
            && {
                self.trace_countdown = self.trace_one_in;
                self.traces.start(root)
            };
        self.ledger.entered += 1;
        self.insert_msg(if sampled { root } else { 0 }, None, caller, attrs, 0)
    }

    /// Creates a message caused by `parent` (same trace).
    #[inline(always)]
    pub(crate) fn new_child(&mut self, parent: Option<Key>, caller: Caller, attrs: u32) -> Key {
        let (trace, span, hops) = parent
            .and_then(|p| self.msgs.get(p))
            .map_or((0, None, 0), |m| (m.trace, m.span, m.hops));
        self.insert_msg(trace, span, caller, attrs, hops)
    }

    /// Stores a new message born now and counts it in the ledger.
    #[inline]
    pub(crate) fn insert_msg(
        &mut self,
        trace: u64,
        span: Option<u32>,
        caller: Caller,
        attrs: u32,
        hops: u16,
    ) -> Key {
        self.ledger.created += 1;
        self.msgs.insert(Msg {
            trace,
            span,
            born: self.now,
            enqueued: self.now,
            attrs,
            receives: 0,
            in_flight: 0,
            queue: NONE,
            attempts: 0,
            hops,
            throttle_retries: 0,
            group: 0,
            caller,
        })
    }

    /// Ends a message (no-op if it already ended).
    #[inline]
    pub(crate) fn end_msg(&mut self, m: Key, end: End) {
        if self.msgs.discard(m) {
            self.ledger.end(end);
        }
    }

    /// Sends `m` along edge `e`: applies edge faults (drop, duplicate, delay), then delivers.
    #[inline]
    pub(crate) fn send(&mut self, e: usize, m: Key) {
        self.send_after(e, m, 0);
    }

    /// Sends `m` along edge `e` after a platform delay (notification, stream, topic).
    #[inline]
    pub(crate) fn send_after(&mut self, e: usize, m: Key, delay: Time) {
        if delay == 0 && !self.faults.any_edge() {
            // The common case: delivered at once, nothing in the way.
            self.deliver(e, m);
        } else {
            self.send_faulty_or_delayed(e, m, delay, true);
        }
    }

    /// Sends `m` along edge `e` after `latency` that belongs to the sender (an API's own
    /// gateway latency): edge faults act as on any send, but the latency is not traced as
    /// a delivery.
    #[inline]
    pub(crate) fn send_after_own_latency(&mut self, e: usize, m: Key, latency: Time) {
        if self.faults.any_edge() {
            self.send_faulty_or_delayed(e, m, latency, false);
        } else if latency == 0 {
            self.deliver(e, m);
        } else {
            self.schedule(self.now + latency, Ev::Deliver(e as u32, m));
        }
    }

    /// [`Simulation::send_after`] with a delay or with edge faults in force; a delivery
    /// span covers the delay (only the fault's part unless `trace_delay`).
    #[inline(never)]
    fn send_faulty_or_delayed(&mut self, e: usize, m: Key, delay: Time, trace_delay: bool) {
        let ef = self.faults.edge(e);
        let (drop, added, duplicate) = (ef.drop, ef.delay, ef.duplicate);
        let (from, to) = (self.topo.edges[e].from, self.topo.edges[e].to);
        if drop > 0.0 && chance(&mut self.fault_rng[from], drop) {
            self.lose_on_edge(e, m);
            return;
        }
        let total = delay + added;
        if duplicate > 0.0 && chance(&mut self.fault_rng[from], duplicate) {
            let attrs = self.msgs.get(m).map_or(NONE, |x| x.attrs);
            let dup = self.new_child(Some(m), Caller::None, attrs);
            self.edge_traffic[e].duplicated += 1;
            self.schedule(self.now + total, Ev::Deliver(e as u32, dup));
        }
        if total == 0 {
            self.deliver(e, m);
        } else {
            let traced = if trace_delay { total } else { added };
            if traced > 0 {
                self.traced_delivery(m, to, traced);
            }
            self.schedule(self.now + total, Ev::Deliver(e as u32, m));
        }
    }

    /// A drop fault on edge `e` loses `m`: counted on the edge and at the sender, logged,
    /// traced; whoever waits for it learns at once, otherwise it is simply gone.
    #[cold]
    fn lose_on_edge(&mut self, e: usize, m: Key) {
        let (from, to) = (self.topo.edges[e].from, self.topo.edges[e].to);
        self.stats[from].dropped += 1;
        self.edge_traffic[e].lost += 1;
        let (trace, parent) = self.msgs.get(m).map_or((0, None), |x| (x.trace, x.span));
        if trace != 0 {
            self.traces.failed_at(
                trace,
                to,
                SpanKind::Delivery,
                self.now,
                parent,
                Failure::Lost,
            );
        }
        let edge = self.topo.edge_label(e);
        self.log_failure(from, Failure::Lost, trace, || {
            format!("message lost on its way to {edge} (edge drop fault)")
        });
        let waited = self.msgs.get(m).is_some_and(|x| x.caller != Caller::None);
        if waited {
            self.reply(m, Err(Fail::Lost));
        } else {
            self.end_msg(m, End::Dropped(DropReason::Fault));
        }
    }

    pub(crate) fn traced_delivery(&mut self, m: Key, node: usize, delay: Time) {
        let Some(msg) = self.msgs.get(m) else { return };
        if msg.trace == 0 {
            return;
        }
        let (trace, parent) = (msg.trace, msg.span);
        let span = self
            .traces
            .open(trace, node, SpanKind::Delivery, self.now, parent);
        self.traces.close(trace, span, self.now + delay, false);
    }

    /// A scheduled delivery of `m` along edge `e` is due: delivered unless `m` ended
    /// meanwhile.
    pub(crate) fn deliver_if_alive(&mut self, e: usize, m: Key) {
        if self.msgs.get(m).is_some() {
            self.deliver(e, m);
        }
    }

    /// A live message `m` arrives at the target of edge `e` (sent now: a scheduled delivery
    /// goes through `deliver_if_alive`, as the message may have ended meanwhile).
    #[inline]
    pub(crate) fn deliver(&mut self, e: usize, m: Key) {
        self.edge_traffic[e].total += 1;
        let edge = &self.topo.edges[e];
        let to = edge.to;
        match edge.route {
            Route::SyncFunction => self.invoke_sync(to, m),
            Route::Api => self.api_receive(to, m),
            Route::AsyncFunction => self.async_accept(to, m),
            Route::SubscriptionFunction => self.subscription_to_function(e, m),
            Route::Queue => {
                let q = self.queue_of[to];
                self.queue_send(q as usize, m);
            }
            Route::Topic => self.publish(to, m),
            Route::Store => self.store_write(to, m),
            Route::Stream => {
                let q = self.stream_of_edge[e];
                if q == NONE {
                    self.end_msg(m, End::Dropped(DropReason::Failed));
                } else {
                    self.queue_send(q as usize, m);
                }
            }
            // Validation refuses every other wiring; a message on one ends as failed rather
            // than panicking.
            Route::Invalid => self.end_msg(m, End::Dropped(DropReason::Failed)),
        }
    }

    /// Answers the caller of a synchronous message and ends or forwards it.
    #[inline]
    pub(crate) fn reply(&mut self, m: Key, result: Result<(), Fail>) {
        let Some(msg) = self.msgs.get(m) else { return };
        match msg.caller {
            Caller::None => self.end_msg(m, result.map_or_else(Fail::end, |()| End::Completed)),
            Caller::Client(c) => {
                let latency = self.now - msg.born;
                let s = &mut self.stats[c as usize];
                s.in_flight = s.in_flight.saturating_sub(1);
                match result {
                    Ok(()) => s.completion(latency),
                    Err(Fail::Throttled | Fail::Rejected) => s.throttle(),
                    Err(
                        Fail::Error
                        | Fail::Timeout
                        | Fail::Unavailable
                        | Fail::Lost
                        | Fail::Loop
                        | Fail::Internal,
                    ) => {
                        s.error();
                        s.record_latency(latency);
                    }
                }
                self.end_msg(m, result.map_or_else(Fail::end, |()| End::Completed));
            }
            Caller::Api(req) => self.api_reply(req, m, result),
            Caller::Subscription(e) => self.http_delivery_done(e as usize, m, result),
            Caller::Inv(inv) => {
                let live = self.invs.get(inv).is_some();
                let end = match result {
                    Ok(()) => End::Completed,
                    Err(_) if live => End::ReturnedError,
                    Err(f) => f.end(),
                };
                self.end_msg(m, end);
                self.call_returned(inv, result);
            }
            Caller::External(k) => self.external_reply(k, m, result),
        }
    }

    /// Emits on every outgoing edge of `node` whose kind is in `kinds` (probability, count,
    /// attributes), creating child messages of `parent`.
    #[inline]
    pub(crate) fn emit(
        &mut self,
        node: usize,
        parent: Option<Key>,
        keep: fn(&EdgeKind) -> bool,
        delay: Option<&super::rng::Sampler>,
    ) {
        for i in 0..self.topo.out[node].len() {
            let e = self.topo.out[node][i];
            let edge = &self.topo.edges[e];
            if !keep(&edge.kind) {
                continue;
            }
            let (p, count) = (edge.emit.probability, edge.emit.count);
            if p < 1.0 && !chance(&mut self.rng[node], p) {
                continue;
            }
            for _ in 0..count {
                let child = self.new_child(parent, Caller::None, e as u32);
                let d = delay.map_or(0, |s| s.sample(&mut self.rng[node]));
                self.send_after(e, child, d);
            }
        }
    }
}
