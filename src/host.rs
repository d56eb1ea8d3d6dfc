//! The live run host: runs a [`Simulation`] on its own named thread under tokio, paced to
//! wall time × speed (or flat out), and talks to the UI only through bounded channels —
//! commands in, immutable [`Frame`]s out (at most [`FRAMES_PER_S`] per second). The UI never
//! waits for the engine: it sends with `try_send` and drains frames once per UI frame.
//!
//! The loop itself ([`run_loop`]) is plain async code over tokio time, so tests drive it in
//! paused time: hours of pacing run in milliseconds and nothing sleeps for real.

use crate::model::{NodeId, Project};
use crate::sim::{
    Applied, Command, CommandError, CompileError, LOG_CAPACITY, LogLine, Percentiles, Report, SEC,
    Series, SimConfig, Simulation, Snapshot, Time, Trace,
};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// Most frames sent per second of wall time.
pub const FRAMES_PER_S: u32 = 30;
/// Slowest and fastest paced speeds (× wall time).
pub const SPEED_RANGE: (f64, f64) = (0.1, 100.0);
/// Commands that may wait in the channel before `send` refuses more.
pub const COMMAND_CAPACITY: usize = 64;
/// Frames that may wait for the UI; when it lags, the host merges newer frames into one.
pub const FRAME_CAPACITY: usize = 2;

const FRAME_EVERY: Duration = Duration::from_millis(1000 / FRAMES_PER_S as u64 + 1);
/// Engine work per slice before the loop looks at its commands and the clock again.
const SLICE_BUDGET: Duration = Duration::from_millis(12);
/// Watched series and trace lists are refreshed at most this often.
const DETAIL_EVERY: Duration = Duration::from_millis(200);

pub use crate::sim::Speed;

/// Virtual seconds per wall second a speed paces at ([`SPEED_RANGE`]), `None` at max.
fn pace_factor(speed: Speed) -> Option<f64> {
    match speed {
        Speed::Times(x) => Some(x.clamp(SPEED_RANGE.0, SPEED_RANGE.1)),
        Speed::Max => None,
    }
}

/// What the host is doing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RunState {
    /// Waiting for Play or Step.
    Paused,
    /// Running paced to wall time × speed.
    Running,
    /// Running flat out to a virtual time, then pausing (cancellable).
    FastForward {
        /// Where it stops, µs.
        until: Time,
        /// Where it started, µs (for a progress bar).
        from: Time,
    },
    /// The run reached its duration.
    Finished,
}

/// A command to the host.
#[derive(Clone, Debug)]
pub enum HostCommand {
    /// Run paced (from where it is).
    Play,
    /// Stop the clock.
    Pause,
    /// Advance virtual time by this much, then pause.
    Step(Time),
    /// Change the speed (the clock re-anchors; nothing jumps).
    SetSpeed(Speed),
    /// Change where the run stops, µs.
    SetDuration(Time),
    /// Start over with this project and seed (after a structural edit or to re-run).
    Reset {
        /// The project to run.
        project: Box<Project>,
        /// Seed of the new run.
        seed: u64,
    },
    /// Apply a command to the simulation; the result comes back in [`Frame::replies`] with
    /// this ticket.
    Sim(u64, Command),
    /// Run flat out to this virtual time, then pause.
    FastForward(Time),
    /// Stop a fast-forward where it is.
    Cancel,
    /// Send series and latency histograms for these nodes (the dashboard's selection).
    Watch(Vec<NodeId>),
    /// Send this trace in full.
    Trace(u64),
    /// Send the full report of the run so far (for export).
    Report,
    /// End the loop.
    Shutdown,
}

/// A command's outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    /// The ticket it was sent with.
    pub ticket: u64,
    /// What happened.
    pub result: Result<Applied, CommandError>,
    /// Virtual time when it was applied, µs (a deploy's traffic shift counts from here).
    pub at: Time,
}

/// Time series and latency distribution of a watched node.
#[derive(Clone, Debug)]
pub struct Watched {
    /// The node.
    pub id: NodeId,
    /// Its bounded per-second series.
    pub series: Series,
    /// Run-wide latency percentiles.
    pub latency: Percentiles,
    /// Latency histogram: (upper bound ms, count) per log-spaced bucket.
    pub histogram: Vec<(f64, u64)>,
}

/// One line of the trace list.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceSummary {
    /// Trace (root message) id.
    pub id: u64,
    /// Node of the first span.
    pub root: usize,
    /// Start, µs.
    pub start: Time,
    /// End to end, µs.
    pub duration: Time,
    /// Whether a span failed.
    pub failed: bool,
    /// Spans.
    pub spans: usize,
}

/// What the UI receives: an immutable picture plus what changed since the previous frame.
#[derive(Clone, Debug)]
pub struct Frame {
    /// Counts resets: when it changes, drop logs and traces of the previous run.
    pub generation: u64,
    /// The run now.
    pub snapshot: Arc<Snapshot>,
    /// What the host is doing.
    pub state: RunState,
    /// Current speed.
    pub speed: Speed,
    /// Where the run stops, µs.
    pub duration: Time,
    /// Seed of the run.
    pub seed: u64,
    /// How far the virtual clock is behind wall time × speed, µs (0 when it keeps pace).
    pub lag: Time,
    /// Engine events per wall second, over the last second or so.
    pub events_per_s: f64,
    /// Log lines written since the previous frame (oldest first).
    pub new_logs: Vec<LogLine>,
    /// Lines written but already gone from the bounded log before they could be sent.
    pub logs_missed: u64,
    /// Watched nodes, when refreshed.
    pub watched: Option<Arc<Vec<Watched>>>,
    /// The sampled traces, when refreshed.
    pub traces: Option<Arc<Vec<TraceSummary>>>,
    /// A trace asked for with [`HostCommand::Trace`].
    pub trace: Option<Arc<Trace>>,
    /// The report asked for with [`HostCommand::Report`].
    pub report: Option<Arc<Report>>,
    /// Outcomes of [`HostCommand::Sim`] commands.
    pub replies: Vec<Reply>,
    /// A refused reset (the project does not compile), or another problem to show.
    pub error: Option<String>,
}

impl Frame {
    /// Folds a newer frame into this one (used when the UI has not taken frames yet, so
    /// nothing incremental is lost).
    pub fn absorb(&mut self, newer: Frame) {
        if newer.generation != self.generation {
            *self = newer;
            return;
        }
        self.snapshot = newer.snapshot;
        self.state = newer.state;
        self.speed = newer.speed;
        self.duration = newer.duration;
        self.seed = newer.seed;
        self.lag = newer.lag;
        self.events_per_s = newer.events_per_s;
        self.new_logs.extend(newer.new_logs);
        self.logs_missed += newer.logs_missed;
        if self.new_logs.len() > LOG_CAPACITY {
            let extra = self.new_logs.len() - LOG_CAPACITY;
            self.new_logs.drain(..extra);
            self.logs_missed += extra as u64;
        }
        self.watched = newer.watched.or(self.watched.take());
        self.traces = newer.traces.or(self.traces.take());
        self.trace = newer.trace.or(self.trace.take());
        self.report = newer.report.or(self.report.take());
        self.replies.extend(newer.replies);
        self.error = newer.error.or(self.error.take());
    }
}

/// Where the host starts.
#[derive(Clone, Debug)]
pub struct HostOptions {
    /// Seed.
    pub seed: u64,
    /// Where the run stops, µs.
    pub duration: Time,
    /// Initial speed.
    pub speed: Speed,
    /// Trace one root event in this many.
    pub trace_one_in: u64,
}

impl HostOptions {
    /// The project's own seed and duration, at 1×.
    pub fn from_project(p: &Project) -> Self {
        Self {
            seed: p.run.seed,
            duration: p.run.duration_ms.saturating_mul(1_000),
            speed: Speed::Times(1.0),
            trace_one_in: SimConfig::from_project(p).trace_one_in,
        }
    }
}

/// Why a host could not start.
#[derive(Debug, thiserror::Error)]
pub enum SpawnError {
    /// The project does not compile.
    #[error(transparent)]
    Compile(#[from] CompileError),
    /// The operating system refused a thread.
    #[error("could not start the engine thread: {0}")]
    Thread(std::io::Error),
}

/// The UI's handle on a host thread. Dropping it stops the thread.
pub struct Host {
    tx: mpsc::Sender<HostCommand>,
    rx: Receiver<Frame>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Host {
    /// Compiles `project` and starts a paused run on a thread named `eventloom-engine`.
    /// `wake` is called after each frame is sent (the UI's `request_repaint`).
    pub fn spawn(
        project: &Project,
        options: HostOptions,
        wake: Box<dyn Fn() + Send>,
    ) -> Result<Host, SpawnError> {
        let engine = Engine::new(project, options)?;
        let (tx, cmd_rx) = mpsc::channel(COMMAND_CAPACITY);
        let (frame_tx, rx) = std::sync::mpsc::sync_channel(FRAME_CAPACITY);
        let thread = std::thread::Builder::new()
            .name("eventloom-engine".to_owned())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_time()
                    .build();
                let Ok(rt) = rt else { return };
                let out = FrameSink::new(frame_tx, wake);
                rt.block_on(run_loop(engine, cmd_rx, out));
            })
            .map_err(SpawnError::Thread)?;
        Ok(Host {
            tx,
            rx,
            thread: Some(thread),
        })
    }

    /// Sends a command without waiting; gives it back when the channel is full or the
    /// host has stopped.
    pub fn send(&self, cmd: HostCommand) -> Result<(), HostCommand> {
        self.tx.try_send(cmd).map_err(|e| match e {
            mpsc::error::TrySendError::Full(c) | mpsc::error::TrySendError::Closed(c) => c,
        })
    }

    /// Every frame waiting, folded into one (None when nothing new arrived).
    pub fn poll(&self) -> Option<Frame> {
        let mut acc: Option<Frame> = None;
        while let Ok(f) = self.rx.try_recv() {
            match acc.as_mut() {
                Some(a) => a.absorb(f),
                None => acc = Some(f),
            }
        }
        acc
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        // A full channel: drop the receiver's backlog so the loop sees Shutdown soon.
        while self.rx.try_recv().is_ok() {}
        let _ = self.tx.try_send(HostCommand::Shutdown);
        if let Some(t) = self.thread.take() {
            // The loop checks commands at least every slice; joining is short.
            let _ = t.join();
        }
    }
}

/// Where frames go: a bounded channel, merging while the UI is behind.
pub struct FrameSink {
    tx: SyncSender<Frame>,
    pending: Option<Frame>,
    wake: Box<dyn Fn() + Send>,
}

impl FrameSink {
    /// A sink over a bounded channel; `wake` runs after each successful send.
    pub fn new(tx: SyncSender<Frame>, wake: Box<dyn Fn() + Send>) -> Self {
        Self {
            tx,
            pending: None,
            wake,
        }
    }

    /// Sends `f` (merged with anything not yet taken); returns false when the UI is gone.
    fn send(&mut self, f: Frame) -> bool {
        let f = match self.pending.take() {
            Some(mut p) => {
                p.absorb(f);
                p
            }
            None => f,
        };
        match self.tx.try_send(f) {
            Ok(()) => {
                (self.wake)();
                true
            }
            Err(TrySendError::Full(f)) => {
                self.pending = Some(f);
                true
            }
            Err(TrySendError::Disconnected(_)) => false,
        }
    }
}

/// The simulation and everything the loop tracks about it.
pub struct Engine {
    sim: Simulation,
    options: HostOptions,
    state: RunState,
    generation: u64,
    /// Wall instant and virtual time the paced clock was anchored at.
    anchor: (Instant, Time),
    lag: Time,
    /// Log lines already sent (the log's running total).
    log_seen: u64,
    watch: Vec<NodeId>,
    watch_dirty: bool,
    traces_seen: usize,
    last_detail: Option<Instant>,
    last_tick_sent: Time,
    trace_wanted: Option<u64>,
    report_wanted: bool,
    replies: Vec<Reply>,
    error: Option<String>,
    /// Engine throughput: (wall instant, events) at the start of the window, and the rate.
    rate_window: (Instant, u64),
    events_per_s: f64,
    /// Virtual time a slice may cover before checking the wall clock (adapts).
    slice: Time,
}

impl Engine {
    /// A paused run of `project`.
    pub fn new(project: &Project, options: HostOptions) -> Result<Engine, CompileError> {
        let sim = Simulation::new(project, config(project, &options))?;
        let now = Instant::now();
        Ok(Engine {
            sim,
            state: RunState::Paused,
            generation: 0,
            anchor: (now, 0),
            lag: 0,
            log_seen: 0,
            watch: Vec::new(),
            watch_dirty: false,
            traces_seen: 0,
            last_detail: None,
            last_tick_sent: 0,
            trace_wanted: None,
            report_wanted: false,
            replies: Vec::new(),
            error: None,
            rate_window: (now, 0),
            events_per_s: 0.0,
            slice: 10 * crate::sim::MS,
            options,
        })
    }

    /// The simulation (for tests and benches).
    pub fn sim(&self) -> &Simulation {
        &self.sim
    }

    /// What the loop is doing.
    pub fn state(&self) -> RunState {
        self.state
    }

    fn reanchor(&mut self) {
        self.anchor = (Instant::now(), self.sim.now());
        self.lag = 0;
    }

    /// Handles one command; returns false on Shutdown.
    pub fn handle(&mut self, cmd: HostCommand) -> bool {
        match cmd {
            HostCommand::Play => {
                if self.sim.now() < self.options.duration {
                    self.state = RunState::Running;
                    self.reanchor();
                }
            }
            HostCommand::Pause => {
                if !matches!(self.state, RunState::Finished) {
                    self.state = RunState::Paused;
                }
            }
            HostCommand::Step(dt) => {
                let to = self.sim.now().saturating_add(dt).min(self.options.duration);
                self.sim.run_until(to);
                self.state = self.stopped_state();
            }
            HostCommand::SetSpeed(s) => {
                self.options.speed = s;
                self.reanchor();
            }
            HostCommand::SetDuration(d) => {
                self.options.duration = d;
                if self.sim.now() >= d {
                    self.state = RunState::Finished;
                } else if self.state == RunState::Finished {
                    self.state = RunState::Paused;
                }
            }
            HostCommand::Reset { project, seed } => {
                self.options.seed = seed;
                match Simulation::new(&project, config(&project, &self.options)) {
                    Ok(sim) => {
                        self.sim = sim;
                        self.generation += 1;
                        self.state = RunState::Paused;
                        self.log_seen = 0;
                        self.traces_seen = 0;
                        self.last_tick_sent = 0;
                        self.watch_dirty = true;
                        self.rate_window = (Instant::now(), 0);
                        self.events_per_s = 0.0;
                        self.reanchor();
                    }
                    Err(e) => self.error = Some(e.to_string()),
                }
            }
            HostCommand::Sim(ticket, c) => {
                let at = self.sim.now();
                let result = self.sim.apply(c);
                self.replies.push(Reply { ticket, result, at });
            }
            HostCommand::FastForward(until) => {
                let until = until.min(self.options.duration);
                if until > self.sim.now() {
                    self.state = RunState::FastForward {
                        until,
                        from: self.sim.now(),
                    };
                }
            }
            HostCommand::Cancel => {
                if matches!(self.state, RunState::FastForward { .. }) {
                    self.state = RunState::Paused;
                }
            }
            HostCommand::Watch(ids) => {
                self.watch = ids;
                self.watch_dirty = true;
            }
            HostCommand::Trace(id) => self.trace_wanted = Some(id),
            HostCommand::Report => self.report_wanted = true,
            HostCommand::Shutdown => return false,
        }
        true
    }

    fn stopped_state(&self) -> RunState {
        if self.sim.now() >= self.options.duration {
            RunState::Finished
        } else {
            RunState::Paused
        }
    }

    /// Runs the engine towards `target` for at most one slice budget of wall time.
    fn advance(&mut self, target: Time) {
        let start = Instant::now();
        while self.sim.now() < target {
            let full = self.sim.now().saturating_add(self.slice);
            let to = full.min(target);
            let t0 = Instant::now();
            self.sim.run_until(to);
            let took = t0.elapsed();
            // Keep one slice well inside the budget so commands are never kept waiting. Only
            // a slice run in full says it could be longer: at 1× the target is a few ms
            // ahead, and growing on those would leave a slice of an hour for the next
            // fast-forward (one call of seconds: no frames, no progress, no cancel).
            if took > SLICE_BUDGET / 4 {
                self.slice = (self.slice / 2).max(crate::sim::MS);
            } else if to == full && took < SLICE_BUDGET / 16 {
                self.slice = self.slice.saturating_mul(2).min(3_600 * SEC);
            }
            if start.elapsed() >= SLICE_BUDGET {
                break;
            }
        }
    }

    /// Without a clock (tests, and the UI's inline driver): when running or fast-forwarding,
    /// advances virtual time by `dt` (at most to where the state stops), as if that much
    /// had elapsed at 1×.
    pub fn advance_by(&mut self, dt: Time) {
        let limit = match self.state {
            RunState::Running => self.options.duration,
            RunState::FastForward { until, .. } => until,
            RunState::Paused | RunState::Finished => return,
        };
        let to = self.sim.now().saturating_add(dt).min(limit);
        self.sim.run_until(to);
        if self.sim.now() >= limit {
            self.state = self.stopped_state();
        }
    }

    /// One turn of the loop's work for the current state.
    fn work(&mut self) {
        match self.state {
            RunState::Running => {
                let target = match pace_factor(self.options.speed) {
                    Some(x) => {
                        let wall = self.anchor.0.elapsed().as_secs_f64();
                        let t = self.anchor.1 as f64 + wall * x * SEC as f64;
                        (t as Time).min(self.options.duration)
                    }
                    None => self.options.duration,
                };
                self.advance(target);
                self.lag = target.saturating_sub(self.sim.now());
                if self.options.speed == Speed::Max {
                    self.lag = 0;
                }
                if self.sim.now() >= self.options.duration {
                    self.state = RunState::Finished;
                }
            }
            RunState::FastForward { until, .. } => {
                self.advance(until);
                if self.sim.now() >= until {
                    self.state = self.stopped_state();
                }
            }
            RunState::Paused | RunState::Finished => {}
        }
    }

    /// The frame to send now.
    pub fn frame(&mut self) -> Frame {
        let now = Instant::now();
        let elapsed = now.duration_since(self.rate_window.0);
        if elapsed >= Duration::from_millis(500) {
            let events = self.sim.events_processed();
            self.events_per_s =
                events.saturating_sub(self.rate_window.1) as f64 / elapsed.as_secs_f64();
            self.rate_window = (now, events);
        }
        let log = self.sim.log_lines();
        let fresh = log.total.saturating_sub(self.log_seen);
        let available = (fresh as usize).min(log.lines().len());
        let new_logs: Vec<LogLine> = log
            .lines()
            .skip(log.lines().len() - available)
            .cloned()
            .collect();
        let logs_missed = fresh - available as u64;
        self.log_seen = log.total;

        let detail_due = self
            .last_detail
            .is_none_or(|t| now.duration_since(t) >= DETAIL_EVERY);
        let ticked = self.sim.now() / SEC != self.last_tick_sent / SEC;
        let mut watched = None;
        let mut traces = None;
        if self.watch_dirty || (detail_due && ticked) {
            watched = Some(Arc::new(self.watched()));
            self.watch_dirty = false;
            self.last_tick_sent = self.sim.now();
            let all = &self.sim.traces().traces;
            if all.len() != self.traces_seen || self.traces_seen == 0 {
                self.traces_seen = all.len();
                traces = Some(Arc::new(
                    all.values()
                        .filter(|t| !t.spans.is_empty())
                        .map(|t| TraceSummary {
                            id: t.id,
                            root: t.spans[0].node,
                            start: t.spans[0].start,
                            duration: t.duration(),
                            failed: t.failed(),
                            spans: t.spans.len(),
                        })
                        .collect(),
                ));
            }
            self.last_detail = Some(now);
        }
        let trace = self
            .trace_wanted
            .take()
            .and_then(|id| self.sim.traces().traces.get(&id).cloned().map(Arc::new));
        Frame {
            generation: self.generation,
            snapshot: Arc::new(self.sim.snapshot()),
            state: self.state,
            speed: self.options.speed,
            duration: self.options.duration,
            seed: self.options.seed,
            lag: self.lag,
            events_per_s: self.events_per_s,
            new_logs,
            logs_missed,
            watched,
            traces,
            trace,
            report: std::mem::take(&mut self.report_wanted).then(|| Arc::new(self.sim.report())),
            replies: std::mem::take(&mut self.replies),
            error: self.error.take(),
        }
    }

    fn watched(&self) -> Vec<Watched> {
        let topo = self.sim.topology();
        self.watch
            .iter()
            .filter_map(|id| {
                let i = *topo.index.get(id)?;
                let s = self.sim.stats(i);
                let mut histogram = Vec::new();
                if !s.latency.is_empty() {
                    for (upto, count) in s.latency.log_buckets(100, 2.0) {
                        histogram.push((upto as f64 / 1000.0, count));
                    }
                }
                Some(Watched {
                    id: id.clone(),
                    series: s.series.clone(),
                    latency: crate::sim::percentiles(&s.latency),
                    histogram,
                })
            })
            .collect()
    }
}

fn config(project: &Project, options: &HostOptions) -> SimConfig {
    let mut c = SimConfig::from_project(project);
    c.seed = options.seed;
    c.trace_one_in = options.trace_one_in;
    c
}

/// The host loop: applies commands, runs the engine for the current state, sends a frame at
/// most [`FRAMES_PER_S`] times a second, and sleeps until the next frame or command when
/// there is nothing to do. Ends on Shutdown, when the command channel closes, or when the
/// UI stops taking frames.
pub async fn run_loop(mut engine: Engine, mut rx: mpsc::Receiver<HostCommand>, mut out: FrameSink) {
    let mut next_frame = Instant::now();
    let mut dirty = true;
    loop {
        // Commands first: they are small and the UI waits for their effect.
        loop {
            match rx.try_recv() {
                Ok(c) => {
                    dirty = true;
                    if !engine.handle(c) {
                        return;
                    }
                }
                Err(mpsc::error::TryRecvError::Empty) => break,
                Err(mpsc::error::TryRecvError::Disconnected) => return,
            }
        }
        let active = matches!(
            engine.state,
            RunState::Running | RunState::FastForward { .. }
        );
        if active {
            engine.work();
            dirty = true;
        }
        let now = Instant::now();
        if dirty && now >= next_frame {
            if !out.send(engine.frame()) {
                return;
            }
            dirty = false;
            next_frame = now + FRAME_EVERY;
        }
        let still_active = matches!(
            engine.state,
            RunState::Running | RunState::FastForward { .. }
        );
        let flat_out = matches!(engine.state, RunState::FastForward { .. })
            || engine.options.speed == Speed::Max
            || engine.lag > 0;
        if still_active && flat_out {
            // Flat out or catching up: yield between slices so commands are seen.
            tokio::task::yield_now().await;
        } else if still_active || dirty {
            // Paced and caught up, or a frame still owed: wait for it or a command.
            tokio::select! {
                c = rx.recv() => match c {
                    Some(c) => { dirty = true; if !engine.handle(c) { return; } }
                    None => return,
                },
                () = tokio::time::sleep_until(next_frame) => {}
            }
        } else {
            // Paused or finished and everything sent: sleep until told otherwise.
            match rx.recv().await {
                Some(c) => {
                    dirty = true;
                    if !engine.handle(c) {
                        return;
                    }
                }
                None => return,
            }
        }
    }
}
