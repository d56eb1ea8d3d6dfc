//! SQS pollers: how many batches an event-source mapping runs at once (5, growing by up to
//! 300 a minute while messages wait, up to 1,000 or the mapping's maximum concurrency), and
//! what happens to a batch its function throttles — the poller ignores the function's
//! reserved concurrency, holds the batch and retries it with a backoff until the batch's
//! visibility timeout, when the messages return to the queue (their receive counts toward
//! the redrive policy).

use super::engine::{Ev, Fail, Simulation};
use super::function::{Batch, Origin};
use super::log::Failure;
use super::slab::Key;
use super::time::{SEC, Time};

/// Concurrent batches a standard queue's mapping starts with (and scales back to).
pub(crate) const POLLERS_START: u32 = 5;
/// Most concurrent batches one SQS mapping runs.
pub(crate) const POLLERS_MAX: u32 = 1_000;
/// Batches added each simulated second while messages wait for a poller (300 a minute).
pub(crate) const POLLERS_PER_SECOND: u32 = 5;
/// Longest wait between two tries of a throttled batch.
const RETRY_BACKOFF_MAX: Time = 300 * SEC;

/// A batch a poller holds while its function throttles it.
#[derive(Debug)]
pub(crate) struct Held {
    esm: u32,
    msgs: Batch,
    /// When its messages become visible again and the poller lets it go.
    deadline: Time,
    /// Tries so far (the next waits 1 s × 2^tries, at most 5 minutes).
    tries: u32,
}

impl Simulation {
    /// The function of mapping `e` throttled batch `msgs`: the poller keeps it (its slot
    /// stays taken) and tries again later, until the messages' visibility timeout (a stream's
    /// poller retries until the records can be handed over).
    #[inline(never)]
    pub(crate) fn hold_throttled(&mut self, e: usize, msgs: Batch) {
        let (q, f) = (self.esms[e].queue, self.esms[e].func);
        self.stats[f].throttle();
        self.esms[e].throttled = true;
        let qs = &self.queues[q];
        let deadline = if qs.stream {
            Time::MAX
        } else {
            self.now + qs.visibility
        };
        let trace = msgs
            .iter()
            .find_map(|&m| self.msgs.get(m).map(|x| x.trace).filter(|&t| t != 0))
            .unwrap_or(0);
        self.log_failure(f, Failure::Throttled, trace, || {
            "batch throttled (429): pollers ignore reserved concurrency, so the poller \
             retries it until its visibility timeout, and each return counts toward \
             maxReceiveCount"
                .to_owned()
        });
        self.hold(e, msgs, deadline, 0);
    }

    fn hold(&mut self, e: usize, msgs: Batch, deadline: Time, tries: u32) {
        let wait = (SEC << tries.min(9)).min(RETRY_BACKOFF_MAX);
        let at = self.now.saturating_add(wait).min(deadline);
        let k = self.held.insert(Held {
            esm: e as u32,
            msgs,
            deadline,
            tries,
        });
        self.schedule(at, Ev::EsmRetry(k));
    }

    /// A held batch's next try is due: handed over if the function has room now, held again
    /// if not, let go at its visibility timeout.
    #[inline(never)]
    pub(crate) fn esm_retry(&mut self, k: Key) {
        let Some(h) = self.held.remove(k) else {
            return;
        };
        let e = h.esm as usize;
        let (q, f) = (self.esms[e].queue, self.esms[e].func);
        let msgs: Batch = h
            .msgs
            .iter()
            .copied()
            .filter(|&m| {
                self.msgs
                    .get(m)
                    .is_some_and(|x| x.queue == q as u32 && x.in_flight != 0)
            })
            .collect();
        if self.now >= h.deadline || msgs.is_empty() {
            // All of the batch's lanes are released, also those of messages whose
            // visibility timeout has just returned them to the front of their group.
            self.let_go(e, &h.msgs);
            return;
        }
        match self.try_start(f, Origin::Esm(e as u32), msgs) {
            Ok(_) => {}
            Err((Fail::Throttled, msgs)) => {
                self.stats[f].throttle();
                self.esms[e].throttled = true;
                self.hold(e, msgs, h.deadline, h.tries + 1);
            }
            Err((fail, msgs)) => {
                self.stats[f].invocation();
                self.stats[f].error();
                self.esm_done(e, msgs, Err(fail));
            }
        }
    }

    /// The poller of mapping `e` gives a throttled batch up: its messages stay hidden until
    /// their visibility timeout (which has come), then are received again.
    fn let_go(&mut self, e: usize, msgs: &Batch) {
        let q = self.esms[e].queue;
        self.esms[e].in_flight = self.esms[e].in_flight.saturating_sub(1);
        if let Some(lanes) = self.queues[q].lanes.as_mut() {
            for &m in msgs {
                if let Some(x) = self.msgs.get(m) {
                    lanes.release(x.group);
                }
            }
        }
        self.esm_poll(e);
    }

    /// Once a simulated second: each standard queue's mapping adds 5 concurrent batches
    /// (300 a minute) if messages waited for a poller and none of its batches was throttled
    /// in that second, and otherwise, if no message waited, falls back to what it used (never
    /// below 5).
    #[inline(never)]
    pub(crate) fn scale_pollers(&mut self) {
        for e in 0..self.esms.len() {
            let x = &mut self.esms[e];
            if !x.scales {
                continue;
            }
            let grow = x.wanted_more && !x.throttled && x.limit < x.cap;
            if grow {
                x.limit = (x.limit + POLLERS_PER_SECOND).min(x.cap);
            } else if !x.wanted_more {
                x.limit = x.peak.max(x.floor).min(x.cap);
            }
            x.wanted_more = false;
            x.throttled = false;
            x.peak = x.in_flight;
            if grow {
                self.esm_poll(e);
            }
        }
    }
}
