//! The live run host: runs a [`Simulation`](crate::sim::Simulation) on its own named thread under tokio, paced to
//! wall time × speed (or flat out), and talks to the UI only through bounded channels —
//! commands in, immutable [`Frame`]s out (at most [`FRAMES_PER_S`] per second). The UI never
//! waits for the engine: it sends with `try_send` and drains frames once per UI frame.
//!
//! The loop itself ([`run_loop`]) is plain async code over tokio time, so tests drive it in
//! paused time: hours of pacing run in milliseconds and nothing sleeps for real.
//!
//! Real requests (`eventloom serve`) come in through an [`ExternalPort`] (`host/external.rs`).

mod engine;

pub use engine::Engine;

use crate::model::{NodeId, Project};
use crate::sim::{
    Applied, Command, CommandError, CompileError, LOG_CAPACITY, LogLine, Percentiles, Report,
    Series, SimConfig, Snapshot, Time, Trace,
};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

mod external;

pub use external::{
    EXTERNAL_CAPACITY, ExternalAnswer, ExternalCall, ExternalPort, ExternalRefusal, ExternalReply,
    PortError,
};

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
    /// The run reached its duration, or stopped early (see [`Snapshot::stopped`]: its
    /// resource budget); either way it goes no further.
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
    /// Which of those traces are real requests' (`serve`), sent with them.
    pub external_traces: Option<Arc<Vec<u64>>>,
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
        self.external_traces = newer.external_traces.or(self.external_traces.take());
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
    /// Whether frames carry the run's new log lines (`Frame::new_logs`). The editor shows
    /// them; `eventloom serve` on the command line shows none, and at tens of thousands of
    /// requests a second copying two lines per request into frames nobody reads costs it
    /// latency (BENCHMARKS.md, "serve"). Lines left out are not counted as missed.
    pub frame_logs: bool,
}

impl HostOptions {
    /// The project's own seed and duration, at 1×.
    pub fn from_project(p: &Project) -> Self {
        Self {
            seed: p.run.seed,
            duration: p.run.duration_ms.saturating_mul(1_000),
            speed: Speed::Times(1.0),
            trace_one_in: SimConfig::from_project(p).trace_one_in,
            frame_logs: true,
        }
    }
}

/// Why a host could not start.
#[derive(Debug, thiserror::Error)]
pub enum SpawnError {
    /// The project does not compile.
    #[error(transparent)]
    Compile(#[from] CompileError),
    /// The operating system refused a thread (or the runtime it runs).
    #[error("could not start the engine thread: {0}")]
    Thread(std::io::Error),
}

/// The UI's handle on a host thread. Dropping it stops the thread.
pub struct Host {
    tx: mpsc::Sender<HostCommand>,
    port: ExternalPort,
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
        let mut engine = Engine::new(project, options)?;
        let mut builder = tokio::runtime::Builder::new_current_thread();
        builder.enable_time();
        // A server's connections run on this runtime beside the loop (`serve`).
        #[cfg(feature = "serve")]
        builder.enable_io();
        let rt = builder.build().map_err(SpawnError::Thread)?;
        let port = {
            let _inside = rt.enter();
            engine.connect_external()
        };
        let (tx, cmd_rx) = mpsc::channel(COMMAND_CAPACITY);
        let (frame_tx, rx) = std::sync::mpsc::sync_channel(FRAME_CAPACITY);
        let thread = std::thread::Builder::new()
            .name("eventloom-engine".to_owned())
            .spawn(move || {
                let out = FrameSink::new(frame_tx, wake);
                rt.block_on(run_loop(engine, cmd_rx, out));
                // The engine is gone, and with it every waiting request's answer channel: let
                // a server's connections on this runtime say so (503) before they are dropped.
                rt.block_on(async {
                    for _ in 0..4 {
                        tokio::task::yield_now().await;
                    }
                });
            })
            .map_err(SpawnError::Thread)?;
        Ok(Host {
            tx,
            port,
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

    /// Where real requests for this run go (`serve::Server::start` takes it).
    pub fn external_port(&self) -> ExternalPort {
        self.port.clone()
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

/// The host loop: applies commands, lets real requests in, runs the engine for the current
/// state, sends a frame at most [`FRAMES_PER_S`] times a second, and sleeps until the next
/// frame, command or request — or, while real requests wait for their answers, until the
/// next engine event is due — when there is nothing to do. Ends on Shutdown, when the command
/// channel closes, or when the UI stops taking frames.
pub async fn run_loop(mut engine: Engine, mut rx: mpsc::Receiver<HostCommand>, mut out: FrameSink) {
    let mut next_frame = Instant::now();
    let mut dirty = true;
    let mut ext_rx = engine.external.rx.take();
    let mut calls: Vec<ExternalCall> = Vec::new();
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
        // Real requests next: they enter at the paced present.
        while calls.len() < EXTERNAL_CAPACITY {
            match ext_rx.as_mut().map(|r| r.try_recv()) {
                Some(Ok(c)) => calls.push(c),
                Some(Err(mpsc::error::TryRecvError::Disconnected)) => ext_rx = None,
                Some(Err(mpsc::error::TryRecvError::Empty)) | None => break,
            }
        }
        if !calls.is_empty() {
            engine.accept_external(&mut calls);
            dirty = true;
        }
        let active = matches!(
            engine.state,
            RunState::Running | RunState::FastForward { .. }
        );
        if active {
            engine.work();
            engine.answer_external();
            dirty = true;
        }
        let now = Instant::now();
        if dirty && now >= next_frame {
            if !out.send(engine.frame()) {
                return;
            }
            // A frame the full channel kept back is still owed: the loop must not go to
            // sleep on it (the last frame of a run would never arrive, and the UI would
            // show the run "running" just before its end for ever).
            dirty = out.pending.is_some();
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
            // Paced and caught up, or a frame still owed: wait for it, a command, a request,
            // or the next event a waiting request needs.
            let wake = engine
                .external_wake()
                .map_or(next_frame, |w| w.min(next_frame));
            tokio::select! {
                c = rx.recv() => match c {
                    Some(c) => { dirty = true; if !engine.handle(c) { return; } }
                    None => return,
                },
                c = external::next_call(&mut ext_rx) => match c {
                    Some(c) => calls.push(c),
                    None => ext_rx = None,
                },
                () = tokio::time::sleep_until(wake) => {}
            }
        } else {
            // Paused or finished and everything sent: sleep until told otherwise.
            tokio::select! {
                c = rx.recv() => match c {
                    Some(c) => { dirty = true; if !engine.handle(c) { return; } }
                    None => return,
                },
                c = external::next_call(&mut ext_rx) => match c {
                    Some(c) => calls.push(c),
                    None => ext_rx = None,
                },
            }
        }
    }
}
