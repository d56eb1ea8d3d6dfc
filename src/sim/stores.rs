//! Buckets, tables and topics: writes that emit events (object-created notifications,
//! stream records, topic deliveries) after a platform delay, at least once.

use super::engine::{Caller, Simulation};
use super::ledger::End;
use super::rng::{Sampler, chance};
use super::slab::Key;
use crate::model::{BucketParams, EdgeKind, TableParams, TopicParams};

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
            duplicate: p.duplicate_probability,
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
            let child = self.new_child(Some(m), Caller::None, attrs_edge);
            let d = self.stores[t]
                .as_ref()
                .map_or(0, |st| st.delay.sample(&mut self.rng[t]));
            self.send_after(e, child, d);
        }
        self.end_msg(m, End::Completed);
    }
}
