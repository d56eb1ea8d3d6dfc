//! The discrete-event core: virtual clock, event queue ordered by (time, sequence), messages,
//! the dispatcher that routes a delivered message to its target's behaviour, and the public
//! `Simulation` API. Behaviours of each node kind live in their own modules.

use super::budget::{CHECK_EVERY, RunStopped, budget_bytes};
use super::events::EventQueue;
use super::faults::Faults;
use super::function::{Batch, FnState};
use super::ledger::Ledger;
use super::log::{Failure, FailureLog, Level, Log, LogLine};
use super::metrics::NodeStats;
use super::queue::{Esm, QueueState};
use super::rng::{SimRng, Stream, stream};
use super::slab::Slab;
use super::sources::SourceState;
use super::stores::StoreState;
use super::time::{SEC, Time};
use super::topology::{CompileError, NONE, Topology};
use super::trace::Traces;
use crate::model::{NodeKind, Project};

pub(crate) use super::message::{Caller, Ev, Fail, Msg};

/// Settings of a run that are not part of the project.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Seed of every random stream (defaults to the project's).
    pub seed: u64,
    /// Trace one root event in this many (0: none).
    pub trace_one_in: u64,
    /// What the engine may hold in memory before the run stops with an error, bytes.
    pub max_memory_bytes: u64,
}

impl SimConfig {
    /// The project's own settings.
    pub fn from_project(p: &Project) -> Self {
        Self {
            seed: p.run.seed,
            trace_one_in: 100,
            max_memory_bytes: budget_bytes(p.run.max_memory_mb),
        }
    }
}

/// Messages delivered along one edge.
#[derive(Clone, Debug, Default)]
pub(crate) struct EdgeTraffic {
    pub total: u64,
    pub last_second: u64,
    at_last_tick: u64,
    /// Messages lost on it by a drop fault.
    pub lost: u64,
    /// Extra copies a duplicate fault delivered.
    pub duplicated: u64,
}

/// A running simulation of one project.
pub struct Simulation {
    pub(crate) topo: Topology,
    pub(crate) now: Time,
    seq: u64,
    pub(crate) heap: EventQueue<Ev>,
    pub(crate) events: u64,
    pub(crate) stats: Vec<NodeStats>,
    pub(crate) rng: Vec<SimRng>,
    pub(crate) fault_rng: Vec<SimRng>,
    sample_rng: SimRng,
    pub(crate) msgs: Slab<Msg>,
    pub(crate) next_root: u64,
    pub(crate) fns: Vec<Option<FnState>>,
    pub(crate) sources: Vec<Option<SourceState>>,
    pub(crate) stores: Vec<Option<StoreState>>,
    pub(crate) apis: Vec<Option<super::api::ApiState>>,
    pub(crate) api_reqs: Slab<super::api::ApiReq>,
    pub(crate) invs: Slab<super::function::Inv>,
    pub(crate) queues: Vec<QueueState>,
    /// Queue index of each Queue node (NONE for other kinds).
    pub(crate) queue_of: Vec<u32>,
    /// Stream queue index of each table → function event-source edge (NONE otherwise).
    pub(crate) stream_of_edge: Vec<u32>,
    pub(crate) esms: Vec<Esm>,
    /// Batches SQS pollers hold while their function throttles them.
    pub(crate) held: Slab<super::pollers::Held>,
    /// The account's API Gateway throttle, shared by every API.
    pub(crate) api_account: super::api::TokenBucket,
    /// Five-minute blocks of provisioned concurrency billed so far.
    pub(crate) prov_blocks: u64,
    /// The cost window and the server sizing's record.
    pub(crate) cost: super::cost::CostTrack,
    pub(crate) ledger: Ledger,
    pub(crate) log: Log,
    pub(crate) traces: Traces,
    pub(crate) faults: Faults,
    pub(crate) pool_busy: u32,
    pub(crate) pool_cap: u32,
    /// Messages delivered per edge.
    pub(crate) edge_traffic: Vec<EdgeTraffic>,
    pub(crate) trace_one_in: u64,
    /// Roots until the next traced one (1: the next).
    pub(crate) trace_countdown: u64,
    seed: u64,
    /// Real requests from outside the run (empty unless `inject_external` is called).
    pub(crate) external: super::external::Externals,
    /// Failures counted this second per node and reason (log lines per second are capped).
    pub(crate) failures: FailureLog,
    /// Why the run stopped early, once it has.
    pub(crate) stopped: Option<RunStopped>,
    /// The memory budget, bytes.
    pub(crate) max_memory_bytes: u64,
    /// Load per node at the previous budget check (to name the node that grew fastest).
    pub(crate) budget_load: Option<Vec<u64>>,
    /// Batches held back by a delay fault on an event-source mapping: (mapping, messages).
    pub(crate) pending_batches: Slab<(u32, Batch)>,
    /// The project's alarms (`sim/alarms.rs`); empty when it has none.
    pub(crate) alarms: Vec<super::alarms::AlarmRt>,
}

impl Simulation {
    /// Compiles `project` and prepares a run (nothing happens until time advances).
    pub fn new(project: &Project, config: SimConfig) -> Result<Simulation, CompileError> {
        let topo = Topology::compile(project)?;
        Ok(Self::from_topology(topo, config))
    }

    /// Prepares a run of an already compiled topology.
    pub fn from_topology(topo: Topology, config: SimConfig) -> Simulation {
        let n = topo.len();
        let seed = config.seed;
        let rng = topo
            .node_ids
            .iter()
            .map(|id| stream(seed, id.as_str(), Stream::Behaviour))
            .collect();
        let fault_rng = topo
            .node_ids
            .iter()
            .map(|id| stream(seed, id.as_str(), Stream::Faults))
            .collect();
        let mut sim = Simulation {
            now: 0,
            seq: 0,
            heap: EventQueue::default(),
            events: 0,
            stats: (0..n).map(|_| NodeStats::default()).collect(),
            rng,
            fault_rng,
            sample_rng: stream(seed, "", Stream::Sampling),
            msgs: Slab::default(),
            next_root: 0,
            fns: (0..n).map(|_| None).collect(),
            sources: (0..n).map(|_| None).collect(),
            stores: (0..n).map(|_| None).collect(),
            apis: (0..n).map(|_| None).collect(),
            api_reqs: Slab::default(),
            invs: Slab::default(),
            queues: Vec::new(),
            queue_of: vec![NONE; n],
            stream_of_edge: vec![NONE; topo.edges.len()],
            esms: Vec::new(),
            held: Slab::default(),
            api_account: super::api::TokenBucket::new(
                topo.project.run.api_rate_limit_rps,
                topo.project.run.api_burst,
            ),
            prov_blocks: 0,
            cost: super::cost::CostTrack::new(n, topo.project.run.cost_window_s),
            ledger: Ledger::default(),
            log: Log::default(),
            traces: Traces::default(),
            faults: Faults::new(n, topo.edges.len()),
            pool_busy: 0,
            pool_cap: 0,
            edge_traffic: vec![EdgeTraffic::default(); topo.edges.len()],
            trace_one_in: config.trace_one_in,
            trace_countdown: 1,
            seed,
            external: Default::default(),
            failures: FailureLog::new(n),
            stopped: None,
            max_memory_bytes: config.max_memory_bytes,
            budget_load: None,
            pending_batches: Slab::default(),
            alarms: Vec::new(),
            topo,
        };
        sim.init();
        sim
    }

    fn init(&mut self) {
        let account = self.topo.project.run.account_concurrency;
        // Reserved concurrency, and provisioned concurrency of functions without a
        // reservation, are taken out of the pool the other functions share.
        let claimed: u32 = self
            .topo
            .kinds
            .iter()
            .filter_map(|k| {
                k.as_function()
                    .map(|f| f.reserved_concurrency.unwrap_or(f.provisioned_concurrency))
            })
            .fold(0u32, |a, b| a.saturating_add(b));
        self.pool_cap = account.saturating_sub(claimed);
        for i in 0..self.topo.len() {
            match self.topo.kinds[i].clone() {
                NodeKind::Function(p) => self.fns[i] = Some(FnState::new(&p, &self.topo, i)),
                NodeKind::Client(c) => self.sources[i] = Some(SourceState::client(&c.arrival)),
                NodeKind::Schedule(s) => self.sources[i] = Some(SourceState::schedule(&s.trigger)),
                NodeKind::HttpApi(a) => {
                    self.apis[i] = Some(super::api::ApiState::new(&a, &self.topo, i))
                }
                NodeKind::Bucket(b) => self.stores[i] = Some(StoreState::bucket(&b)),
                NodeKind::Table(t) => self.stores[i] = Some(StoreState::table(&t)),
                NodeKind::Topic(t) => self.stores[i] = Some(StoreState::topic(&t)),
                NodeKind::Queue(q) => {
                    self.queue_of[i] = self.queues.len() as u32;
                    self.queues.push(QueueState::queue(i, &q, &self.topo.unit));
                }
            }
        }
        self.init_queues_and_mappings();
        self.init_provisioned();
        for i in 0..self.topo.len() {
            self.start_source(i);
        }
        self.init_experiments();
        self.init_alarms();
        self.schedule(SEC, Ev::Tick);
    }

    /// Schedules `ev` at `at` (never in the past).
    #[inline]
    pub(crate) fn schedule(&mut self, at: Time, ev: Ev) {
        self.seq += 1;
        let at = at.max(self.now);
        self.heap.push(at, self.seq, ev);
    }

    /// Current virtual time, µs.
    pub fn now(&self) -> Time {
        self.now
    }

    /// The seed of this run.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Events processed so far.
    pub fn events_processed(&self) -> u64 {
        self.events
    }

    /// The compiled topology.
    pub fn topology(&self) -> &Topology {
        &self.topo
    }

    /// Time of the next event, if any (none once the run has stopped early).
    pub fn next_event_time(&self) -> Option<Time> {
        if self.stopped.is_some() {
            return None;
        }
        self.heap.peek_time()
    }

    /// Processes the next event; returns false when there is none.
    pub fn step(&mut self) -> bool {
        let stepped = self.run_events(Time::MAX, 1) == 1;
        self.flush_latencies();
        stepped
    }

    /// Processes up to `max` events due at or before `limit`, leaving the latencies they
    /// recorded buffered; returns how many it processed. The whole loop lives in one
    /// function, so an event costs no call.
    fn run_events(&mut self, limit: Time, max: u64) -> u64 {
        if self.stopped.is_some() {
            return 0; // stopped early: by its budget (checked below) or interrupted
        }
        let mut done = 0;
        while done < max {
            if self.events & (CHECK_EVERY - 1) == 0 && self.budget_stops() {
                break;
            }
            let Some((t, ev)) = self.heap.take(limit) else {
                break;
            };
            self.now = t;
            self.events += 1;
            self.handle(ev);
            self.heap.settle();
            done += 1;
        }
        done
    }

    /// Whether the run must stop here: checks the resource budget (every
    /// [`CHECK_EVERY`] events) and says whether the run has stopped.
    #[cold]
    #[inline(never)]
    fn budget_stops(&mut self) -> bool {
        if self.stopped.is_none() {
            self.check_budget();
        }
        self.stopped.is_some()
    }

    /// Processes every event up to and including `t`, then sets the clock to `t` — unless
    /// the run stopped early (see [`Simulation::stopped`]): then time stays where it
    /// stopped.
    pub fn run_until(&mut self, t: Time) {
        self.run_events(t, u64::MAX);
        if self.stopped.is_none() {
            self.now = self.now.max(t);
        }
        self.flush_latencies();
    }

    /// Counts every node's buffered latencies into its histograms, so what the run exposes
    /// between steps is complete.
    fn flush_latencies(&mut self) {
        for s in &mut self.stats {
            s.flush();
        }
    }

    /// Runs one event (inline in the event loop: no call per event).
    #[inline(always)]
    fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::Arrive(n, generation) => self.client_arrival(n as usize, generation),
            Ev::Fire(n) => self.schedule_fire(n as usize),
            Ev::Deliver(e, m) => self.deliver_if_alive(e as usize, m),
            Ev::Start(inv) => self.begin_execution(inv),
            Ev::Done(inv) => self.execution_done(inv),
            Ev::Timeout(inv) => self.invocation_timeout(inv),
            Ev::Expire(f) => self.expire_idle(f as usize),
            Ev::Scale(f) => {
                if let Some(fs) = self.fns[f as usize].as_mut() {
                    fs.scale_at = None;
                }
                self.dispatch(f as usize);
            }
            Ev::Retry(f, m) => self.async_retry(f as usize, m),
            Ev::Poll(e) => {
                self.esms[e as usize].poll_at = None;
                self.esm_poll(e as usize);
            }
            Ev::EsmRetry(k) => self.esm_retry(k),
            Ev::ApiTimers(a) => self.api_timers(a as usize),
            Ev::VisibilityTimers(q) => self.queue_timers(q as usize, false),
            Ev::DelayTimers(q) => self.queue_timers(q as usize, true),
            Ev::SubRetry(e, m) => self.deliver_if_alive(e as usize, m),
            Ev::Tick => self.tick(),
            Ev::FaultOn(i) => self.experiment_fault_on(i as usize),
            Ev::FaultOff(i) => self.experiment_fault_off(i as usize),
            Ev::DeployStep(f) => self.deploy_step(f as usize),
            Ev::BatchDue(b) => self.batch_due(b),
        }
    }

    #[inline(never)]
    fn tick(&mut self) {
        let now = self.now;
        self.flush_latencies(); // stop conditions read this second's histograms
        self.bill_provisioned();
        self.check_stop_conditions();
        self.expire_waiting();
        self.scale_pollers();
        self.record_cost_second();
        for (i, s) in self.stats.iter_mut().enumerate() {
            let q = self.queue_of[i];
            if q != NONE {
                let qs = &self.queues[q as usize];
                s.depth.set(now, qs.depth());
            }
            s.tick(now, SEC);
        }
        for t in &mut self.edge_traffic {
            t.last_second = t.total - t.at_last_tick;
            t.at_last_tick = t.total;
        }
        self.end_failure_second();
        if !self.alarms.is_empty() {
            self.tick_alarms();
        }
        self.schedule(now + SEC, Ev::Tick);
    }

    /// Sums up the failure lines the per-second cap held back, one line per node and
    /// reason: "… and 412 more …".
    fn end_failure_second(&mut self) {
        for (node, why, more) in self.failures.end_second() {
            self.log(
                node,
                why.level(),
                0,
                format!(
                    "… and {more} more {} in the last second (at most {} lines a second are written per node and reason)",
                    why.label(),
                    super::log::FAILURE_LINES_PER_S
                ),
            );
        }
    }

    /// Queue retention and max event age are otherwise checked only when work moves at a
    /// node; this once-a-second sweep also expires messages in a queue nobody polls (a DLQ)
    /// and async events of a function that never gets capacity.
    fn expire_waiting(&mut self) {
        for q in 0..self.queues.len() {
            self.purge_expired(q);
            self.purge_lanes(q);
        }
        for f in 0..self.fns.len() {
            if self.fns[f]
                .as_ref()
                .is_some_and(|fs| !fs.backlog.is_empty())
            {
                self.dispatch(f);
            }
        }
    }

    // ---- logs -----------------------------------------------------------------------------

    /// Writes a log line.
    pub(crate) fn log(&mut self, node: usize, level: Level, trace: u64, message: String) {
        self.log.push(LogLine {
            t: self.now,
            node,
            level,
            trace,
            message,
        });
    }

    /// Logs a failure at `node` with the trace it belongs to, unless the per-second cap on
    /// its node and reason is reached (then it is counted in the second's "… and N more"
    /// line). `message` is only formatted when the line is written.
    #[inline]
    pub(crate) fn log_failure(
        &mut self,
        node: usize,
        why: Failure,
        trace: u64,
        message: impl FnOnce() -> String,
    ) {
        if self.failures.admit(node, why) {
            let text = message();
            self.log(node, why.level(), trace, text);
        }
    }

    /// Samples whether a rare event should be logged (keeps logs readable at high rates).
    pub(crate) fn sample_log(&mut self, one_in: u32) -> bool {
        use rand::Rng;
        one_in <= 1 || self.sample_rng.random_range(0..one_in) == 0
    }

    // ---- read access ------------------------------------------------------------------------

    /// The ledger with `in_flight` filled in.
    pub fn ledger(&self) -> Ledger {
        let mut l = self.ledger.clone();
        l.in_flight = self.msgs.len() as u64;
        l
    }

    /// Metrics of node `i`.
    pub fn stats(&self, i: usize) -> &NodeStats {
        &self.stats[i]
    }

    /// The run log.
    pub fn log_lines(&self) -> &Log {
        &self.log
    }

    /// The sampled traces.
    pub fn traces(&self) -> &Traces {
        &self.traces
    }
}
