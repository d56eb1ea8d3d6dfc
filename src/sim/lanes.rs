//! Ordered lanes: the message groups of a FIFO queue and the shards (times the
//! parallelization factor) of a table stream. Each lane delivers in order, one batch at a
//! time; a failed batch goes back to the front of its lane, which waits before it retries.
//! A stream lane can bisect a failing batch and discard records that exhausted their retries
//! or grew too old (to the table's on-failure destination).

use super::engine::{Fail, Simulation};
use super::function::Batch;
use super::ledger::DropReason;
use super::log::Failure;
use super::rng::chance;
use super::slab::Key;
use super::time::Time;
use super::topology::NONE;
use std::collections::VecDeque;

/// One ordered lane.
#[derive(Debug, Default)]
struct Lane {
    msgs: VecDeque<Key>,
    /// A batch of its messages is in flight.
    busy: bool,
    /// It is listed in `Lanes::ready`.
    listed: bool,
    /// It retries a failed batch no earlier than this.
    blocked_until: Time,
    /// Bisecting: most records per batch (0: the mapping's batch size).
    cap: u32,
    /// Bisecting: records of the failed batch still to be processed.
    pending: u32,
}

/// The lanes of a FIFO queue or of a stream mapping.
#[derive(Debug)]
pub(crate) struct Lanes {
    lanes: Vec<Lane>,
    /// Lanes with messages and no batch in flight, in the order they became so (entries
    /// may be stale: a lane is checked when taken).
    ready: VecDeque<u32>,
    /// Messages waiting in all lanes.
    len: u64,
    /// A batch may take messages of several lanes (FIFO queues: AWS fills a batch from
    /// several message groups) or of one (a stream batch comes from one shard).
    mix: bool,
}

impl Lanes {
    /// `n` empty lanes (at least one).
    pub(crate) fn new(n: u32, mix: bool) -> Self {
        Self {
            lanes: (0..n.max(1)).map(|_| Lane::default()).collect(),
            ready: VecDeque::new(),
            len: 0,
            mix,
        }
    }

    /// How many lanes there are.
    pub(crate) fn count(&self) -> u32 {
        self.lanes.len() as u32
    }

    /// Messages waiting.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// Whether no message waits.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn lane(&mut self, l: u16) -> &mut Lane {
        let i = (l as usize).min(self.lanes.len() - 1);
        &mut self.lanes[i]
    }

    fn list(&mut self, l: u16) {
        let lane = self.lane(l);
        if !lane.busy && !lane.listed && !lane.msgs.is_empty() {
            lane.listed = true;
            self.ready.push_back(u32::from(l));
        }
    }

    /// A message joins the back of lane `l`.
    pub(crate) fn push_back(&mut self, l: u16, m: Key) {
        self.lane(l).msgs.push_back(m);
        self.len += 1;
        self.list(l);
    }

    /// A message returns to the front of lane `l`.
    pub(crate) fn push_front(&mut self, l: u16, m: Key) {
        self.lane(l).msgs.push_front(m);
        self.len += 1;
        self.list(l);
    }

    /// The batch in flight from lane `l` ended: the lane may deliver again.
    pub(crate) fn release(&mut self, l: u16) {
        self.lane(l).busy = false;
        self.list(l);
    }

    /// The message at the front of the first lane ready to deliver.
    pub(crate) fn first_front(&self) -> Option<Key> {
        self.ready.iter().find_map(|&l| {
            let lane = &self.lanes[l as usize];
            (!lane.busy).then(|| lane.msgs.front().copied()).flatten()
        })
    }

    /// Takes up to `batch` messages from the lanes ready at `now` (several lanes when they
    /// mix), marking those lanes busy: `(lane, message)` pairs, and the earliest time a lane
    /// skipped because it waits after a failure can deliver again.
    fn take(&mut self, batch: usize, now: Time) -> (Vec<(u16, Key)>, Option<Time>) {
        let mut taken = Vec::new();
        let mut wake_at: Option<Time> = None;
        let mut skipped = Vec::new();
        while taken.len() < batch {
            let Some(l) = self.ready.pop_front() else {
                break;
            };
            let lane = &mut self.lanes[l as usize];
            lane.listed = false;
            if lane.busy || lane.msgs.is_empty() {
                continue; // a stale entry
            }
            if lane.blocked_until > now {
                wake_at = Some(wake_at.map_or(lane.blocked_until, |w| w.min(lane.blocked_until)));
                skipped.push(l);
                continue;
            }
            let room = batch - taken.len();
            let room = if lane.cap > 0 {
                room.min(lane.cap as usize)
            } else {
                room
            };
            lane.busy = true;
            let before = taken.len();
            for _ in 0..room {
                let Some(m) = lane.msgs.pop_front() else {
                    break;
                };
                taken.push((l as u16, m));
            }
            self.len -= (taken.len() - before) as u64;
            if !self.mix {
                break;
            }
        }
        for &l in skipped.iter().rev() {
            self.lanes[l as usize].listed = true;
            self.ready.push_front(l);
        }
        (taken, wake_at)
    }

    /// Removes the expired messages (`expired(m)`) at the front of every lane, returning them.
    fn drain_expired(&mut self, mut expired: impl FnMut(Key) -> bool) -> Vec<Key> {
        let mut out = Vec::new();
        for lane in &mut self.lanes {
            if lane.busy {
                continue;
            }
            while let Some(&m) = lane.msgs.front() {
                if !expired(m) {
                    break;
                }
                lane.msgs.pop_front();
                out.push(m);
            }
        }
        self.len -= (out.len() as u64).min(self.len);
        out
    }
}

impl Simulation {
    /// The lane for a message entering queue `q`: one of its lanes at random (a draw only
    /// when there are several, so single-lane queues draw nothing).
    pub(crate) fn draw_lane(&mut self, q: usize) -> u16 {
        let n = self.queues[q].lanes.as_ref().map_or(1, |l| l.count());
        if n <= 1 {
            return 0;
        }
        use rand::Rng;
        let node = self.queues[q].node;
        self.rng[node].random_range(0..n) as u16
    }

    /// Takes a batch for mapping `e` from the lanes of queue `q`: receives each message
    /// (receive count, visibility timer, DLQ), drops expired ones and, for a stream, discards
    /// records older than the mapping's maximum record age. Returns the batch and, when
    /// nothing could be taken because lanes wait after a failure, when to poll again.
    #[inline(never)]
    pub(crate) fn take_from_lanes(
        &mut self,
        e: usize,
        q: usize,
        batch: usize,
    ) -> (Batch, Option<Time>) {
        let now = self.now;
        let Some(lanes) = self.queues[q].lanes.as_mut() else {
            return (Batch::new(), None);
        };
        let (candidates, wake_at) = lanes.take(batch, now);
        let (retention, node, stream) = {
            let qs = &self.queues[q];
            (qs.retention, qs.node, qs.stream)
        };
        let max_age = self.esms[e].max_record_age;
        let mut taken = Batch::new();
        let mut used: Vec<u16> = Vec::new();
        let mut picked: Vec<u16> = Vec::new();
        for (l, m) in candidates {
            if !picked.contains(&l) {
                picked.push(l);
            }
            let Some(age) = self.msgs.get(m).map(|x| now - x.born) else {
                continue;
            };
            if age > retention {
                self.expire_queued(node, m);
                continue;
            }
            if stream && max_age.is_some_and(|a| age > a) {
                if let Some(x) = self.msgs.get_mut(m) {
                    x.queue = NONE;
                }
                let trace = self.msgs.get(m).map_or(0, |x| x.trace);
                self.log_failure(node, Failure::Expired, trace, || {
                    "stream record discarded: older than the mapping's maximum record age"
                        .to_owned()
                });
                self.fail_to_destination(node, m, DropReason::Expired);
                self.settle_pending(q, l, 1);
                continue;
            }
            if self.receive_one(q, m) {
                taken.push(m);
                if !used.contains(&l) {
                    used.push(l);
                }
            }
        }
        // Lanes whose messages all expired or moved to the DLQ deliver again at once.
        if let Some(lanes) = self.queues[q].lanes.as_mut() {
            for l in picked {
                if !used.contains(&l) {
                    lanes.release(l);
                }
            }
        }
        self.set_queue_depth(q);
        let wake_at = if taken.is_empty() { wake_at } else { None };
        (taken, wake_at)
    }

    /// `n` records of a bisected batch in lane `l` of queue `q` were settled.
    fn settle_pending(&mut self, q: usize, l: u16, n: u32) {
        if let Some(lanes) = self.queues[q].lanes.as_mut() {
            let lane = lanes.lane(l);
            lane.pending = lane.pending.saturating_sub(n);
            if lane.pending == 0 {
                lane.cap = 0;
            }
        }
    }

    /// A batch from the lanes of mapping `e` finished: successes are deleted; failures go
    /// back to the front of their lane, which waits (a FIFO queue: the visibility timeout; a
    /// stream: one second) — or, for a stream, are discarded once past the mapping's retry
    /// limit, and the lane bisects the batch when the mapping asks to.
    #[inline(never)]
    pub(crate) fn lanes_done(&mut self, e: usize, msgs: Batch, result: Result<(), Fail>) {
        let now = self.now;
        let x = &self.esms[e];
        let (q, f, per_item, bisect, max_retries) = (
            x.queue,
            x.func,
            x.report_item_failures,
            x.bisect,
            x.max_retries,
        );
        let (node, stream, wait) = {
            let qs = &self.queues[q];
            (qs.node, qs.stream, qs.visibility)
        };
        let (error_p, fault_p) = if per_item && result.is_ok() {
            (
                self.fns[f]
                    .as_ref()
                    .map_or(0.0, |fs| fs.versions[fs.current as usize].error_p),
                self.faults.node(f).error,
            )
        } else {
            (0.0, 0.0)
        };
        let mut touched: Vec<u16> = Vec::new();
        let mut returned: Vec<Key> = Vec::new();
        let mut failed = 0u32;
        let mut discarded = 0u32;
        let total = msgs.len() as u32;
        for m in msgs {
            let ok = match result {
                Err(_) => false,
                Ok(()) if per_item => {
                    !(chance(&mut self.rng[f], error_p)
                        || (fault_p > 0.0 && chance(&mut self.fault_rng[f], fault_p)))
                }
                Ok(()) => true,
            };
            let Some(msg) = self.msgs.get_mut(m) else {
                continue;
            };
            if !touched.contains(&msg.group) {
                touched.push(msg.group);
            }
            let still_ours = msg.queue == q as u32 && msg.in_flight != 0;
            if ok {
                self.delete_received(q, m, still_ours);
                continue;
            }
            if !still_ours {
                continue;
            }
            failed += 1;
            if stream {
                msg.attempts += 1;
                if max_retries.is_some_and(|r| msg.attempts > r) {
                    msg.queue = NONE;
                    msg.in_flight = 0;
                    let qs = &mut self.queues[q];
                    qs.in_flight = qs.in_flight.saturating_sub(1);
                    discarded += 1;
                    let trace = msg.trace;
                    self.log_failure(node, Failure::Discarded, trace, || {
                        "stream record discarded after the mapping's maximum retry attempts"
                            .to_owned()
                    });
                    self.fail_to_destination(node, m, DropReason::Failed);
                    continue;
                }
            }
            returned.push(m);
        }
        let qs = &mut self.queues[q];
        if let Some(lanes) = qs.lanes.as_mut() {
            for &m in returned.iter().rev() {
                if let Some(msg) = self.msgs.get_mut(m) {
                    msg.in_flight = 0;
                    lanes.push_front(msg.group, m);
                }
                qs.in_flight = qs.in_flight.saturating_sub(1);
            }
            for &l in &touched {
                let lane = lanes.lane(l);
                if failed > 0 {
                    lane.blocked_until = now + wait;
                    if bisect && stream {
                        lane.cap = total.div_ceil(2).max(1);
                        lane.pending = lane.pending.max(total).saturating_sub(discarded);
                    } else if lane.pending > 0 {
                        lane.pending = lane.pending.saturating_sub(discarded);
                    }
                } else if lane.pending > 0 {
                    lane.pending = lane.pending.saturating_sub(total);
                }
                if lane.pending == 0 {
                    lane.cap = 0;
                }
                lanes.release(l);
            }
        }
        if !returned.is_empty() {
            self.stats[node].retries += returned.len() as u64;
        }
        self.set_queue_depth(q);
        self.wake(q);
    }

    /// Drops the messages at the front of the lanes of queue `q` that outlived its retention
    /// (checked once a simulated second; taking a batch checks too).
    pub(crate) fn purge_lanes(&mut self, q: usize) {
        let now = self.now;
        let retention = self.queues[q].retention;
        let msgs = &self.msgs;
        let Some(lanes) = self.queues[q].lanes.as_mut() else {
            return;
        };
        if lanes.is_empty() {
            return;
        }
        let expired = lanes.drain_expired(|m| msgs.get(m).is_none_or(|x| now - x.born > retention));
        if expired.is_empty() {
            return;
        }
        let node = self.queues[q].node;
        for m in expired {
            self.expire_queued(node, m);
        }
        self.set_queue_depth(q);
    }
}
