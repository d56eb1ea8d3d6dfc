//! The discrete-event core: virtual clock, event queue ordered by (time, sequence), messages,
//! the dispatcher that routes a delivered message to its target's behaviour, and the public
//! `Simulation` API. Behaviours of each node kind live in their own modules.

use super::budget::{CHECK_EVERY, RunStopped, budget_bytes};
use super::events::EventQueue;
use super::faults::Faults;
use super::function::{Batch, FnState};
use super::ledger::{DropReason, End, Ledger};
use super::log::{Failure, FailureLog, Level, Log, LogLine};
use super::metrics::NodeStats;
use super::queue::{Esm, QueueState};
use super::rng::{SimRng, Stream, chance, stream};
use super::slab::{Key, Slab};
use super::sources::SourceState;
use super::stores::StoreState;
use super::time::{SEC, Time};
use super::topology::{CompileError, NONE, Route, Topology};
use super::trace::{SpanKind, Traces};
use crate::model::{EdgeKind, NodeKind, Project};

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

/// Something that happens at a point in virtual time.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Ev {
    /// A client's next request (node, workload generation: stale after a workload change).
    Arrive(u32, u32),
    /// A schedule fires.
    Fire(u32),
    /// A message reaches the target of an edge.
    Deliver(u32, Key),
    /// A cold start finished: execution begins.
    Start(Key),
    /// An invocation's own execution finished.
    Done(Key),
    /// An invocation's timeout (only for functions that wait on sync calls).
    Timeout(Key),
    /// A function's keep-alive check.
    Expire(u32),
    /// A function may add environments again (scaling rate).
    Scale(u32),
    /// An async retry is due.
    Retry(u32, Key),
    /// A batching window ended: an event-source mapping polls.
    Poll(u32),
    /// A poller retries handing a throttled batch to its function.
    EsmRetry(Key),
    /// Timers of an API are due (integration timeouts, gateway latency).
    ApiTimers(u32),
    /// Visibility timeouts of a queue are due.
    VisibilityTimers(u32),
    /// Delivery delays of a queue are over.
    DelayTimers(u32),
    /// A subscription redelivery.
    SubRetry(u32, Key),
    /// One simulated second passed (metrics roll, stop conditions).
    Tick,
    /// A scheduled fault of an experiment starts.
    FaultOn(u32),
    /// A scheduled fault of an experiment ends.
    FaultOff(u32),
    /// A batch held back by an edge delay reaches its function.
    BatchDue(Key),
    /// A deploy moves to its next traffic step.
    DeployStep(u32),
}

/// Who waits for the outcome of a synchronous message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Caller {
    /// Nobody.
    None,
    /// A client (node index) that records the end-to-end latency.
    Client(u32),
    /// An API request in progress.
    Api(Key),
    /// A function invocation waiting on a call.
    Inv(Key),
    /// A real request from outside the run (`sim/external.rs`).
    External(Key),
    /// A topic delivering to an HTTP/S subscriber along this edge (retried by its policy).
    Subscription(u32),
}

/// A unit of work in flight: one entry of the ledger.
#[derive(Clone, Debug)]
pub(crate) struct Msg {
    /// Trace it belongs to (root message number) when sampled, else 0.
    pub trace: u64,
    /// Parent span in its trace.
    pub span: Option<u32>,
    /// When it was created.
    pub born: Time,
    /// When it entered its current queue or backlog.
    pub enqueued: Time,
    /// Edge whose emit attributes it carries (for topic filters), or NONE.
    pub attrs: u32,
    /// Times received from its queue.
    pub receives: u32,
    /// Receive number while in flight from a queue; 0 when visible or not queued.
    pub in_flight: u32,
    /// Queue it sits in, or NONE.
    pub queue: u32,
    /// Async attempts made (subscription deliveries and stream retries count here too).
    pub attempts: u32,
    /// Invocations of loop-guarded functions in its chain (recursive loop detection).
    pub hops: u16,
    /// Times an async event was throttled (its backoff grows with it); its throttle is
    /// counted once, the first time.
    pub throttle_retries: u16,
    /// The ordered lane it waits in: its FIFO message group, or its stream shard and
    /// parallelization lane (0 elsewhere).
    pub group: u16,
    /// Who waits for its outcome.
    pub caller: Caller,
}

/// Why a synchronous call failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fail {
    /// Function error.
    Error,
    /// Function timeout or API integration timeout.
    Timeout,
    /// Concurrency or scaling limit (429).
    Throttled,
    /// API rate limit (429).
    Rejected,
    /// Outage fault (5xx).
    Unavailable,
    /// The request was lost on its way by an injected edge fault; the caller sees the
    /// connection fail.
    Lost,
    /// Recursive loop detection stopped it.
    Loop,
    /// An API answered 500 because Lambda throttled its integration (API Gateway turns a
    /// Lambda 429 into a 500 for the client).
    Internal,
}

impl Fail {
    pub(crate) fn end(self) -> End {
        End::Dropped(match self {
            Fail::Error | Fail::Unavailable => DropReason::Failed,
            Fail::Lost => DropReason::Fault,
            Fail::Timeout => DropReason::Expired,
            Fail::Throttled | Fail::Internal => DropReason::Throttled,
            Fail::Rejected => DropReason::Rejected,
            Fail::Loop => DropReason::RecursiveLoop,
        })
    }

    /// The reason logs and spans give.
    pub(crate) fn why(self) -> Failure {
        match self {
            Fail::Error => Failure::Error,
            Fail::Timeout => Failure::Timeout,
            Fail::Throttled | Fail::Internal => Failure::Throttled,
            Fail::Rejected => Failure::RateLimited,
            Fail::Unavailable => Failure::Unavailable,
            Fail::Lost => Failure::Lost,
            Fail::Loop => Failure::LoopStopped,
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
    trace_one_in: u64,
    /// Roots until the next traced one (1: the next).
    trace_countdown: u64,
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

    // ---- messages -------------------------------------------------------------------------

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
    fn deliver_if_alive(&mut self, e: usize, m: Key) {
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
