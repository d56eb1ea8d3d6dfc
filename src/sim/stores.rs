//! Buckets, tables and topics: writes that emit events (object-created notifications at
//! least once, stream records exactly once, topic deliveries) after a platform delay, and
//! SNS's delivery retries (its fixed policy for functions, the subscription's own for HTTP/S).

use super::engine::{Caller, Ev, Fail, Simulation};
use super::ledger::{DropReason, End};
use super::log::Failure;
use super::rng::{Sampler, chance};
use super::slab::Key;
use super::time::from_ms_f64;
use super::topology::Route;
use crate::model::{BucketParams, EdgeKind, TableParams, TopicParams, sns_managed_retry_delay_ms};

/// A store's or topic's runtime state.
#[derive(Debug)]
pub struct StoreState {
    delay: Sampler,
    duplicate: f64,
    emits: bool,
    kind: StoreKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StoreKind {
    Bucket,
    Table,
    Topic,
}

impl StoreState {
    pub(crate) fn bucket(p: &BucketParams) -> Self {
        Self {
            delay: Sampler::new(&p.notification_delay),
            duplicate: p.duplicate_probability,
            emits: true,
            kind: StoreKind::Bucket,
        }
    }

    pub(crate) fn table(p: &TableParams) -> Self {
        Self {
            delay: Sampler::new(&p.stream_delay),
            // DynamoDB Streams write each record exactly once (the field is ignored).
            duplicate: 0.0,
            emits: p.stream_enabled,
            kind: StoreKind::Table,
        }
    }

    pub(crate) fn topic(p: &TopicParams) -> Self {
        Self {
            delay: Sampler::new(&p.delivery_delay),
            duplicate: 0.0,
            emits: true,
            kind: StoreKind::Topic,
        }
    }
}

impl Simulation {
    /// An object or item is written: it is stored (the write completes) and, after the
    /// notification or stream delay, each trigger gets an event (sometimes twice).
    #[inline(never)]
    pub(crate) fn store_write(&mut self, s: usize, m: Key) {
        let Some(st) = self.stores[s].as_ref() else {
            return;
        };
        let (kind, emits, dup) = (st.kind, st.emits, st.duplicate);
        let unit = &self.topo.unit;
        let price = match kind {
            StoreKind::Bucket => unit.bucket_put,
            StoreKind::Table => unit.table_write,
            StoreKind::Topic => unit.topic_publish,
        };
        let stats = &mut self.stats[s];
        stats.invocation();
        stats.completed();
        stats.bill(price);
        if emits {
            for i in 0..self.topo.out[s].len() {
                let e = self.topo.out[s][i];
                let triggers = match kind {
                    StoreKind::Table => matches!(self.topo.edges[e].kind, EdgeKind::EventSource(_)),
                    StoreKind::Bucket | StoreKind::Topic => {
                        matches!(
                            self.topo.edges[e].kind,
                            EdgeKind::AsyncInvoke | EdgeKind::Write
                        )
                    }
                };
                if !triggers {
                    continue;
                }
                let copies = if chance(&mut self.rng[s], dup) { 2 } else { 1 };
                for _ in 0..copies {
                    let child = self.new_child(Some(m), Caller::None, e as u32);
                    let d = self.stores[s]
                        .as_ref()
                        .map_or(0, |st| st.delay.sample(&mut self.rng[s]));
                    self.send_after(e, child, d);
                }
            }
        }
        self.end_msg(m, End::Completed);
    }

    /// A message is published: each subscription whose filter matches its attributes gets a
    /// copy after the delivery delay.
    #[inline(never)]
    pub(crate) fn publish(&mut self, t: usize, m: Key) {
        let price = self.topo.unit.topic_publish;
        let stats = &mut self.stats[t];
        stats.invocation();
        stats.completed();
        stats.bill(price);
        let attrs_edge = self.msgs.get(m).map_or(super::topology::NONE, |x| x.attrs);
        for i in 0..self.topo.out[t].len() {
            let e = self.topo.out[t][i];
            let EdgeKind::Subscription(sub) = &self.topo.edges[e].kind else {
                continue;
            };
            let matches = match self.topo.edges.get(attrs_edge as usize) {
                Some(src) => sub.matches(&src.emit.attributes),
                None => sub.matches(&Default::default()),
            };
            if !matches {
                continue;
            }
            // An HTTP/S subscriber's answer decides whether SNS retries (by the
            // subscription's policy); functions and queues accept the delivery or not.
            let caller = if self.topo.edges[e].route == Route::Api {
                Caller::Subscription(e as u32)
            } else {
                Caller::None
            };
            let child = self.new_child(Some(m), caller, attrs_edge);
            let d = self.stores[t]
                .as_ref()
                .map_or(0, |st| st.delay.sample(&mut self.rng[t]));
            self.send_after(e, child, d);
        }
        self.end_msg(m, End::Completed);
    }

    /// A topic delivers to a function: Lambda accepts it into the function's async queue
    /// unless it is down, in which case SNS retries by its fixed policy for AWS-managed
    /// endpoints (3 at once, 2 a second apart, 10 backing off from 1 s to 20 s, then every
    /// 20 s: 100,015 retries over 23 days).
    #[inline(never)]
    pub(crate) fn subscription_to_function(&mut self, e: usize, m: Key) {
        let to = self.topo.edges[e].to;
        if !self.faults.node(to).outage {
            self.async_accept(to, m);
            return;
        }
        let Some(msg) = self.msgs.get_mut(m) else {
            return;
        };
        msg.attempts += 1;
        let retry = msg.attempts;
        match sns_managed_retry_delay_ms(retry) {
            Some(delay_ms) => self.subscription_retry(e, m, from_ms_f64(delay_ms as f64)),
            None => self.subscription_gave_up(e, m, retry - 1),
        }
    }

    /// An HTTP/S subscriber answered a delivery: done, or retried by the subscription's
    /// policy until its retries are spent.
    #[inline(never)]
    pub(crate) fn http_delivery_done(&mut self, e: usize, m: Key, result: Result<(), Fail>) {
        if result.is_ok() {
            self.end_msg(m, End::Completed);
            return;
        }
        let EdgeKind::Subscription(sub) = &self.topo.edges[e].kind else {
            self.end_msg(m, result.map_or_else(Fail::end, |()| End::Completed));
            return;
        };
        let policy = sub.retry.clone();
        let Some(msg) = self.msgs.get_mut(m) else {
            return;
        };
        msg.attempts += 1;
        let retry = msg.attempts;
        if retry > policy.max_retries {
            self.subscription_gave_up(e, m, policy.max_retries);
            return;
        }
        let delay = from_ms_f64(policy.delay_ms(retry).min(3_600_000.0));
        self.subscription_retry(e, m, delay);
    }

    fn subscription_retry(&mut self, e: usize, m: Key, delay: super::time::Time) {
        let from = self.topo.edges[e].from;
        self.stats[from].retries += 1;
        self.schedule(self.now + delay, Ev::SubRetry(e as u32, m));
    }

    fn subscription_gave_up(&mut self, e: usize, m: Key, retries: u32) {
        let (from, to) = (self.topo.edges[e].from, self.topo.edges[e].to);
        self.stats[from].dropped += 1;
        let trace = self.msgs.get(m).map_or(0, |x| x.trace);
        let name = self.topo.node_name(to).to_owned();
        self.log_failure(from, Failure::DeliveryFailed, trace, || {
            format!("delivery to \"{name}\" failed after {retries} retries")
        });
        self.end_msg(m, End::Dropped(DropReason::Failed));
    }
}
