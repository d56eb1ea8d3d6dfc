//! The host's engine: one simulation and everything the loop tracks about it (state,
//! pacing anchor, watched nodes, replies), without a clock of its own — the host thread's
//! loop drives it paced to wall time, tests and the inline driver step it directly.

use super::{
    DETAIL_EVERY, ExternalRefusal, Frame, HostCommand, HostOptions, Reply, RunState, SLICE_BUDGET,
    TraceSummary, Watched, pace_factor,
};
use crate::model::{NodeId, Project};
use crate::sim::{CompileError, LogLine, SEC, SimConfig, Simulation, Speed, Time};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// The simulation and everything the loop tracks about it.
pub struct Engine {
    pub(super) sim: Simulation,
    pub(super) options: HostOptions,
    pub(super) state: RunState,
    generation: u64,
    /// Wall instant and virtual time the paced clock was anchored at.
    pub(super) anchor: (Instant, Time),
    pub(super) lag: Time,
    /// Log lines already sent (the log's running total).
    log_seen: u64,
    watch: Vec<NodeId>,
    watch_dirty: bool,
    traces_seen: usize,
    /// External traces started when the trace list was last sent (the full store replaces
    /// old traces with real requests' without changing its length).
    external_traces_seen: u64,
    pub(super) external: super::external::Inbox,
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
            external_traces_seen: 0,
            external: super::external::Inbox::default(),
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
                if self.sim.now() < self.options.duration && self.sim.stopped().is_none() {
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
                self.note_stop();
            }
            HostCommand::SetSpeed(s) => {
                self.options.speed = s;
                self.reanchor();
            }
            HostCommand::SetDuration(d) => {
                self.options.duration = d;
                // A run that reached its end goes on (paused) when the end moves past it; a
                // run its budget stopped stays finished whatever the duration (Play could not
                // move it: only a reset can).
                if self.sim.now() >= d || self.state == RunState::Finished {
                    self.state = self.stopped_state();
                }
            }
            HostCommand::Reset { project, seed } => {
                self.options.seed = seed;
                match Simulation::new(&project, config(&project, &self.options)) {
                    Ok(sim) => {
                        self.refuse_waiting(ExternalRefusal::Reset);
                        self.sim = sim;
                        self.generation += 1;
                        self.state = RunState::Paused;
                        self.log_seen = 0;
                        self.traces_seen = 0;
                        self.external_traces_seen = 0;
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
                if until > self.sim.now() && self.sim.stopped().is_none() {
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
        if self.sim.now() >= self.options.duration || self.sim.stopped().is_some() {
            RunState::Finished
        } else {
            RunState::Paused
        }
    }

    /// When the run stopped early (its resource budget), finishes it; every frame's
    /// snapshot says why (`Snapshot::stopped`: the cause, the simulated time, the node that
    /// grew fastest, a sentence). The project and everything measured so far stay as they
    /// are; a reset starts a new run. (`Frame::error` stays for refused resets.)
    fn note_stop(&mut self) {
        if self.sim.stopped().is_some() {
            self.state = RunState::Finished;
        }
    }

    /// Runs the engine towards `target` for at most one slice budget of wall time.
    fn advance(&mut self, target: Time) {
        let start = Instant::now();
        while self.sim.now() < target && self.sim.stopped().is_none() {
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
        self.note_stop();
    }

    /// One turn of the loop's work for the current state.
    pub(super) fn work(&mut self) {
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
        self.note_stop();
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
        let available = if self.options.frame_logs {
            (fresh as usize).min(log.lines().len())
        } else {
            0
        };
        let new_logs: Vec<LogLine> = log
            .lines()
            .skip(log.lines().len() - available)
            .cloned()
            .collect();
        let logs_missed = if self.options.frame_logs {
            fresh - available as u64
        } else {
            0
        };
        self.log_seen = log.total;

        let detail_due = self
            .last_detail
            .is_none_or(|t| now.duration_since(t) >= DETAIL_EVERY);
        let ticked = self.sim.now() / SEC != self.last_tick_sent / SEC;
        let mut watched = None;
        let mut traces = None;
        let mut external_traces = None;
        if self.watch_dirty || (detail_due && ticked) {
            watched = Some(Arc::new(self.watched()));
            self.watch_dirty = false;
            self.last_tick_sent = self.sim.now();
            let all = &self.sim.traces().traces;
            let external_started = self.sim.external_traces_started();
            if all.len() != self.traces_seen
                || external_started != self.external_traces_seen
                || self.traces_seen == 0
            {
                self.traces_seen = all.len();
                self.external_traces_seen = external_started;
                external_traces = Some(Arc::new(
                    self.sim.external_traces().iter().copied().collect(),
                ));
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
            external_traces,
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
