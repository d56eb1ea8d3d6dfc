//! Where events come from: clients driven by workloads, and schedules.

use super::arrivals::Arrivals;
use super::engine::{Caller, Ev, Simulation};
use super::time::{Time, from_ms};
use crate::model::{Arrival, Cron, EdgeKind, ScheduleTrigger};

/// A source's runtime state.
#[derive(Debug)]
pub enum SourceState {
    /// A client, its arrival process and the generation of that process (bumped when the
    /// workload is changed during a run, which makes the pending arrival stale).
    Client(Arrivals, u32),
    /// A schedule at a fixed rate, µs.
    Rate(Time),
    /// A cron schedule.
    Cron(Option<Cron>),
}

impl SourceState {
    pub(crate) fn client(a: &Arrival) -> Self {
        SourceState::Client(Arrivals::new(a, 0), 0)
    }

    pub(crate) fn schedule(t: &ScheduleTrigger) -> Self {
        match t {
            ScheduleTrigger::Rate { every_ms } => SourceState::Rate(from_ms(*every_ms).max(1)),
            ScheduleTrigger::Cron { expression } => SourceState::Cron(Cron::parse(expression).ok()),
        }
    }

    #[inline]
    fn next(&mut self, now: Time, rng: &mut super::rng::SimRng) -> Option<Time> {
        match self {
            SourceState::Client(a, _) => a.next(rng),
            SourceState::Rate(every) => Some(now + *every),
            SourceState::Cron(c) => {
                let c = c.as_ref()?;
                c.next_after(now / 1000).map(|ms| from_ms(ms).max(now + 1))
            }
        }
    }
}

impl Simulation {
    pub(crate) fn start_source(&mut self, i: usize) {
        let now = self.now;
        let Some(src) = self.sources[i].as_mut() else {
            return;
        };
        let ev = match src {
            SourceState::Client(_, generation) => Ev::Arrive(i as u32, *generation),
            SourceState::Rate(_) | SourceState::Cron(_) => Ev::Fire(i as u32),
        };
        if let Some(t) = src.next(now, &mut self.rng[i]) {
            self.schedule(t, ev);
        }
    }

    /// A client request arrives: one message per outgoing edge (by its emit settings).
    pub(crate) fn client_arrival(&mut self, c: usize, generation: u32) {
        let Some(SourceState::Client(arrivals, g)) = self.sources[c].as_mut() else {
            return;
        };
        if *g != generation {
            return; // the workload was changed since this arrival was drawn
        }
        // The next arrival first: it is usually the earliest pending event, so it takes the
        // place this one leaves at the top of the event queue.
        if let Some(t) = arrivals.next(&mut self.rng[c]) {
            self.schedule(t, Ev::Arrive(c as u32, generation));
        }
        self.emit_roots(c);
    }

    /// Changes a client's workload from now on; returns false if `node` is not a client.
    pub fn set_workload(&mut self, node: &crate::model::NodeId, arrival: &Arrival) -> bool {
        let Some(&c) = self.topo.index.get(node) else {
            return false;
        };
        let Some(SourceState::Client(a, generation)) = self.sources[c].as_mut() else {
            return false;
        };
        *a = Arrivals::new(arrival, self.now);
        *generation += 1;
        let what = arrival.label();
        self.log(
            c,
            super::log::Level::Info,
            0,
            format!(
                "workload changed to {what} ({:.1}/s on average)",
                arrival.mean_rate_per_s()
            ),
        );
        self.start_source(c);
        true
    }

    /// A schedule fires.
    pub(crate) fn schedule_fire(&mut self, s: usize) {
        let price = self.topo.unit.schedule_run;
        self.stats[s].bill(price);
        if let Some(src) = self.sources[s].as_mut()
            && let Some(t) = src.next(self.now, &mut self.rng[s])
        {
            self.schedule(t, Ev::Fire(s as u32));
        }
        self.emit_roots(s);
    }

    /// Sends a source's messages: one request per message (per edge, times its count), so
    /// a source's requests are what it sent and its errors never outnumber them.
    #[inline(always)]
    fn emit_roots(&mut self, node: usize) {
        for i in 0..self.topo.out[node].len() {
            let e = self.topo.out[node][i];
            let edge = &self.topo.edges[e];
            let (p, count) = (edge.emit.probability, edge.emit.count);
            let sync = matches!(edge.kind, EdgeKind::SyncInvoke);
            if p < 1.0 && !super::rng::chance(&mut self.rng[node], p) {
                continue;
            }
            for _ in 0..count {
                let caller = if sync {
                    Caller::Client(node as u32)
                } else {
                    Caller::None
                };
                let m = self.new_root(caller, e as u32);
                let stats = &mut self.stats[node];
                stats.invocation();
                if sync {
                    stats.in_flight += 1;
                } else {
                    stats.completed();
                }
                self.send(e, m);
            }
        }
    }
}
