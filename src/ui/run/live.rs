//! The UI side of a live run: drives a [`Host`] thread (or, for tests, an inline [`Engine`]),
//! keeps what its frames said (snapshot, logs, series, traces, report) and turns command
//! replies into status messages. Panels (toolbar, canvas overlay, dashboard, logs, traces)
//! read a `&LiveRun` and never talk to the engine themselves.

use super::versions::VersionHistories;
use crate::host::{
    Engine, Frame, Host, HostCommand, HostOptions, RunState, SpawnError, Speed, TraceSummary,
    Watched,
};
use crate::model::{DeployStrategy, EdgeId, FunctionParams, NodeId, NodeKind, Project};
use crate::sim::{
    Applied, Command, CompileError, EdgeLive, FaultId, LOG_CAPACITY, LogLine, MS, NodeLive, Report,
    Snapshot, Time, Trace,
};
use crate::ui::message::Status;
use crate::ui::shell::names;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

/// Most log lines kept on the UI side (older lines are dropped first).
pub const UI_LOG_CAPACITY: usize = LOG_CAPACITY;
/// Virtual time the inline driver advances per UI frame while running, by default.
pub const INLINE_STEP: Time = 100 * MS;

/// Who runs the engine.
enum Driver {
    /// The engine thread (the app).
    Thread(Host),
    /// In this thread, without a clock: commands are handled at once and each
    /// [`LiveRun::poll`] advances [`LiveRun::inline_step`] of virtual time while running.
    /// Deterministic, for tests.
    Inline {
        engine: Box<Engine>,
        /// Something changed since the last frame was taken.
        dirty: bool,
    },
}

/// What a command sent with a ticket was, to word its reply.
#[derive(Clone, Debug)]
struct Pending {
    /// What the user asked for, e.g. "Outage on orders".
    label: String,
    /// For a fault with a duration: how long it lasts, µs (cleared when it is over).
    lasts: Option<Time>,
    /// What the run's project becomes when the command succeeds.
    effect: Effect,
    /// For a deploy: the function and how traffic shifts (remembered for the dashboard's
    /// traffic-split text when the engine accepts it).
    deploy: Option<(NodeId, DeployStrategy)>,
}

/// A change to [`LiveRun::project`] that waits for the engine to accept a command.
#[derive(Clone, Debug)]
enum Effect {
    None,
    /// A function now runs these parameters.
    Deployed(NodeId, Box<FunctionParams>),
    /// A function is back on its previous parameters.
    RolledBack(NodeId),
}

/// A live run as the UI sees it: the latest frame plus what accumulates across frames.
pub struct LiveRun {
    driver: Driver,
    /// Virtual time per UI frame for the inline driver while running (ignored by the thread).
    pub inline_step: Time,
    /// Counts restarts; logs and traces are cleared when it changes.
    pub generation: u64,
    /// The project this run was started (or last reset) with: node and edge indices of the
    /// snapshot, log lines and traces refer to it, not to the project being edited.
    pub project: Arc<Project>,
    /// Counts changes to [`LiveRun::project`] (deploys, rollbacks, resets), so the editor
    /// knows when to compare it with the edited project again.
    pub project_revision: u64,
    /// Edge ids of [`LiveRun::project`] in topology order (sorted), for [`LiveRun::edge`].
    edge_ids: Vec<EdgeId>,
    /// The latest picture of the run (`None` until the first frame arrives).
    pub snapshot: Option<Arc<Snapshot>>,
    /// What the host is doing.
    pub state: RunState,
    /// Current speed.
    pub speed: Speed,
    /// Where the run stops, µs.
    pub duration: Time,
    /// Seed of the run.
    pub seed: u64,
    /// How far the virtual clock is behind wall time × speed, µs.
    pub lag: Time,
    /// Engine events per wall second.
    pub events_per_s: f64,
    /// Log lines of this generation, oldest first, at most [`UI_LOG_CAPACITY`].
    pub logs: VecDeque<LogLine>,
    /// Lines written but not kept (dropped by the engine's ring or by ours).
    pub logs_missed: u64,
    /// Sequence number of `logs[0]`: lines received (across generations) before it. Only
    /// grows, so the log panel can tell new lines from lines that moved up the ring.
    pub logs_first_seq: u64,
    /// Nodes whose series are requested (see [`LiveRun::watch`]).
    pub watching: Vec<NodeId>,
    /// Series and latency histograms of the watched nodes, as last refreshed.
    pub watched: Arc<Vec<Watched>>,
    /// Sampled traces of this generation, as last refreshed.
    pub traces: Arc<Vec<TraceSummary>>,
    /// The trace last asked for with [`LiveRun::request_trace`].
    pub trace: Option<Arc<Trace>>,
    /// The report last asked for with [`LiveRun::request_report`].
    pub report: Option<Arc<Report>>,
    /// Faults injected for a limited time: when each is to be cleared (virtual µs).
    pub fault_ends: BTreeMap<FaultId, Time>,
    /// Per-version history of redeployed functions (every node with more than one
    /// version, sampled from each frame's snapshot; cleared when the generation changes).
    pub versions: VersionHistories,
    /// The parameters of every version of each redeployed function, by version number − 1
    /// (version 1: as the run started). Which version serves is the engine's to say (its
    /// replies name the version); this only knows what each number runs, so the run's
    /// project can follow a rollback.
    version_params: BTreeMap<NodeId, Vec<FunctionParams>>,
    pending: BTreeMap<u64, Pending>,
    next_ticket: u64,
    /// Replies and errors not yet shown, oldest first (see [`LiveRun::take_messages`]).
    messages: Vec<Status>,
}

impl LiveRun {
    /// Starts a paused run of `project` on the engine thread; frames wake `ctx`.
    pub fn start(
        project: &Project,
        options: HostOptions,
        ctx: &egui::Context,
    ) -> Result<LiveRun, SpawnError> {
        let ctx = ctx.clone();
        let host = Host::spawn(
            project,
            options.clone(),
            Box::new(move || ctx.request_repaint()),
        )?;
        Ok(Self::with_driver(Driver::Thread(host), project, &options))
    }

    /// Starts a paused run of `project` driven inline (deterministic; for tests).
    pub fn inline(project: &Project, options: HostOptions) -> Result<LiveRun, CompileError> {
        let engine = Engine::new(project, options.clone())?;
        let mut run = Self::with_driver(
            Driver::Inline {
                engine: Box::new(engine),
                dirty: true,
            },
            project,
            &options,
        );
        run.poll();
        Ok(run)
    }

    fn with_driver(driver: Driver, project: &Project, o: &HostOptions) -> LiveRun {
        LiveRun {
            driver,
            inline_step: INLINE_STEP,
            generation: 0,
            project: Arc::new(project.clone()),
            project_revision: 0,
            edge_ids: project.graph.edges.keys().cloned().collect(),
            snapshot: None,
            state: RunState::Paused,
            speed: o.speed,
            duration: o.duration,
            seed: o.seed,
            lag: 0,
            events_per_s: 0.0,
            logs: VecDeque::new(),
            logs_missed: 0,
            logs_first_seq: 0,
            watching: Vec::new(),
            watched: Arc::default(),
            traces: Arc::default(),
            trace: None,
            report: None,
            fault_ends: BTreeMap::new(),
            versions: VersionHistories::default(),
            version_params: BTreeMap::new(),
            pending: BTreeMap::new(),
            next_ticket: 1,
            messages: Vec::new(),
        }
    }

    /// Whether virtual time is moving (running or fast-forwarding): the UI keeps repainting.
    pub fn is_active(&self) -> bool {
        matches!(self.state, RunState::Running | RunState::FastForward { .. })
    }

    /// Whether this run is driven inline (tests).
    pub fn is_inline(&self) -> bool {
        matches!(self.driver, Driver::Inline { .. })
    }

    /// Virtual time now, µs (0 before the first frame).
    pub fn now(&self) -> Time {
        self.snapshot.as_ref().map_or(0, |s| s.now)
    }

    /// The latest snapshot.
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.snapshot.as_deref()
    }

    /// The live state of node `id` (of the run's project).
    pub fn node(&self, id: &str) -> Option<&NodeLive> {
        self.snapshot.as_deref()?.node(id)
    }

    /// The live state of edge `id` (of the run's project).
    pub fn edge(&self, id: &str) -> Option<&EdgeLive> {
        let i = self
            .edge_ids
            .binary_search_by(|e| e.as_str().cmp(id))
            .ok()?;
        self.snapshot.as_deref()?.edges.get(i)
    }

    /// The id of the node at topology index `i` (log lines and traces name nodes by index).
    pub fn node_id(&self, i: usize) -> Option<&NodeId> {
        self.snapshot.as_deref()?.nodes.get(i).map(|n| &n.id)
    }

    /// Sends a command to the host without waiting. A full channel is reported as a message
    /// (the host is busy; the user can retry), never a block.
    pub fn send(&mut self, cmd: HostCommand) {
        match &mut self.driver {
            Driver::Thread(host) => {
                if host.send(cmd).is_err() {
                    self.note("The engine is busy; try again", true);
                }
            }
            Driver::Inline { engine, dirty } => {
                engine.handle(cmd);
                *dirty = true;
            }
        }
    }

    /// Applies `cmd` to the simulation; `label` says what it is in the reply message.
    /// Returns the ticket its reply will carry.
    pub fn command(&mut self, cmd: Command, label: impl Into<String>) -> u64 {
        self.command_for(cmd, label, None)
    }

    /// Injects a fault that is cleared again after `lasts` µs of virtual time (or stays
    /// until cleared when `None`).
    pub fn command_for(
        &mut self,
        cmd: Command,
        label: impl Into<String>,
        lasts: Option<Time>,
    ) -> u64 {
        self.send_sim(cmd, label.into(), lasts, Effect::None)
    }

    fn send_sim(
        &mut self,
        cmd: Command,
        label: String,
        lasts: Option<Time>,
        effect: Effect,
    ) -> u64 {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        let deploy = match &cmd {
            Command::Deploy { node, strategy, .. } => Some((node.clone(), strategy.clone())),
            Command::InjectFault(_)
            | Command::ClearFault(_)
            | Command::ClearAllFaults
            | Command::SetWorkload { .. }
            | Command::Rollback { .. } => None,
        };
        self.pending.insert(
            ticket,
            Pending {
                label,
                lasts,
                effect,
                deploy,
            },
        );
        self.send(HostCommand::Sim(ticket, cmd));
        ticket
    }

    /// Deploys `params` as a new version of function `node` with `strategy`; once accepted,
    /// [`LiveRun::project`] holds the new parameters (so the editor no longer offers it).
    pub fn deploy(
        &mut self,
        node: &NodeId,
        params: &FunctionParams,
        strategy: DeployStrategy,
    ) -> u64 {
        let label = format!(
            "Deploy of {} ({})",
            names::node_name(&self.project, node),
            strategy.label()
        );
        let cmd = Command::Deploy {
            node: node.clone(),
            params: Box::new(params.clone()),
            strategy,
        };
        let effect = Effect::Deployed(node.clone(), Box::new(params.clone()));
        self.send_sim(cmd, label, None, effect)
    }

    /// Puts function `node` back on its previous version at once.
    pub fn rollback(&mut self, node: &NodeId) -> u64 {
        let cmd = Command::Rollback { node: node.clone() };
        let label = format!("Rollback of {}", names::node_name(&self.project, node));
        self.send_sim(cmd, label, None, Effect::RolledBack(node.clone()))
    }

    /// Whether function `node` has an earlier version to roll back to (the engine's answer,
    /// from the latest snapshot).
    pub fn can_roll_back(&self, node: &NodeId) -> bool {
        self.node(node.as_str())
            .is_some_and(NodeLive::can_roll_back)
    }

    /// Applies an edit the engine takes while it runs (one of `sim::LiveChanges::live`):
    /// the run's project takes it at once and the engine is told.
    pub fn apply_live(&mut self, cmd: Command) {
        let label = match &cmd {
            Command::SetWorkload { node, arrival } => {
                if let Some(NodeKind::Client(c)) = Arc::make_mut(&mut self.project)
                    .graph
                    .nodes
                    .get_mut(node)
                    .map(|n| &mut n.kind)
                {
                    c.arrival = arrival.clone();
                }
                format!("Workload of {}", names::node_name(&self.project, node))
            }
            Command::InjectFault(f) => names::fault_on(&self.project, f),
            Command::ClearFault(_) | Command::ClearAllFaults => "Clear faults".to_owned(),
            Command::Deploy { node, .. } | Command::Rollback { node } => {
                names::node_name(&self.project, node)
            }
        };
        self.command(cmd, label);
    }

    /// What an accepted command changes in the run's project: a deployed version's
    /// parameters, or those of the version a rollback returned to.
    fn take_effect(&mut self, effect: Effect, applied: &Applied) {
        if !matches!(effect, Effect::None) {
            self.project_revision += 1;
        }
        let (id, params) = match (effect, applied) {
            (Effect::Deployed(id, params), Applied::Deployed(v)) => {
                let known = self.version_params.entry(id.clone()).or_default();
                if known.is_empty()
                    && let Some(NodeKind::Function(f)) =
                        self.project.graph.nodes.get(&id).map(|n| &n.kind)
                {
                    known.push(f.clone());
                }
                let i = (*v as usize).saturating_sub(1);
                known.resize(known.len().max(i + 1), (*params).clone());
                known[i] = (*params).clone();
                (id, *params)
            }
            (Effect::RolledBack(id), Applied::RolledBack(v)) => {
                let i = (*v as usize).saturating_sub(1);
                let Some(params) = self.version_params.get(&id).and_then(|k| k.get(i)) else {
                    return;
                };
                (id, params.clone())
            }
            (Effect::None | Effect::Deployed(..) | Effect::RolledBack(_), _) => return,
        };
        let project = Arc::make_mut(&mut self.project);
        if let Some(NodeKind::Function(f)) = project.graph.nodes.get_mut(&id).map(|n| &mut n.kind) {
            *f = params;
        }
    }

    /// Asks for series of these nodes (sent only when the list changes).
    pub fn watch(&mut self, ids: Vec<NodeId>) {
        if ids != self.watching {
            self.watching = ids.clone();
            self.send(HostCommand::Watch(ids));
        }
    }

    /// Asks for trace `id` in full; it arrives in [`LiveRun::trace`].
    pub fn request_trace(&mut self, id: u64) {
        self.send(HostCommand::Trace(id));
    }

    /// Asks for the full report; it arrives in [`LiveRun::report`].
    pub fn request_report(&mut self) {
        self.send(HostCommand::Report);
    }

    /// Starts over with `project` (paused at 0) and `seed`.
    pub fn reset(&mut self, project: &Project, seed: u64) {
        self.project = Arc::new(project.clone());
        self.edge_ids = project.graph.edges.keys().cloned().collect();
        self.version_params.clear();
        self.project_revision += 1;
        self.seed = seed;
        self.send(HostCommand::Reset {
            project: Box::new(project.clone()),
            seed,
        });
    }

    /// Takes the messages not yet shown (command replies, errors).
    pub fn take_messages(&mut self) -> Vec<Status> {
        std::mem::take(&mut self.messages)
    }

    fn note(&mut self, text: impl Into<String>, is_error: bool) {
        self.messages.push(Status {
            text: text.into(),
            is_error,
        });
    }

    /// Takes what the engine sent since the last call (the inline driver first advances
    /// while running). Returns whether anything changed. Also clears timed faults whose
    /// time is up.
    pub fn poll(&mut self) -> bool {
        let frame = match &mut self.driver {
            Driver::Thread(host) => host.poll(),
            Driver::Inline { engine, dirty } => {
                if matches!(
                    engine.state(),
                    RunState::Running | RunState::FastForward { .. }
                ) {
                    engine.advance_by(self.inline_step);
                    *dirty = true;
                }
                std::mem::take(dirty).then(|| engine.frame())
            }
        };
        let Some(frame) = frame else {
            return false;
        };
        self.take_frame(frame);
        self.clear_expired_faults();
        true
    }

    fn take_frame(&mut self, f: Frame) {
        if f.generation != self.generation {
            self.generation = f.generation;
            self.logs_first_seq += self.logs.len() as u64;
            self.logs.clear();
            self.logs_missed = 0;
            self.traces = Arc::default();
            self.watched = Arc::default();
            self.trace = None;
            self.report = None;
            self.fault_ends.clear();
            self.versions.clear();
        }
        self.versions.observe(&f.snapshot);
        self.snapshot = Some(f.snapshot);
        self.state = f.state;
        self.speed = f.speed;
        self.duration = f.duration;
        self.seed = f.seed;
        self.lag = f.lag;
        self.events_per_s = f.events_per_s;
        self.logs_missed += f.logs_missed;
        self.logs.extend(f.new_logs);
        if self.logs.len() > UI_LOG_CAPACITY {
            let extra = self.logs.len() - UI_LOG_CAPACITY;
            self.logs.drain(..extra);
            self.logs_missed += extra as u64;
            self.logs_first_seq += extra as u64;
        }
        if let Some(w) = f.watched {
            self.watched = w;
        }
        if let Some(t) = f.traces {
            self.traces = t;
        }
        if let Some(t) = f.trace {
            self.trace = Some(t);
        }
        if let Some(r) = f.report {
            self.report = Some(r);
        }
        let now = self.now();
        for r in f.replies {
            let p = self.pending.remove(&r.ticket).unwrap_or(Pending {
                label: "Command".to_owned(),
                lasts: None,
                effect: Effect::None,
                deploy: None,
            });
            match r.result {
                Ok(applied) => {
                    self.take_effect(p.effect, &applied);
                    if let (Applied::Deployed(v), Some((node, strategy))) = (&applied, p.deploy) {
                        self.versions.deployed(&node, *v, strategy, r.at);
                    }
                    if let (Applied::Fault(id), Some(lasts)) = (&applied, p.lasts) {
                        self.fault_ends.insert(*id, now.saturating_add(lasts));
                    }
                    // Timed clears are the run's own housekeeping: no message.
                    if p.label.is_empty() {
                        continue;
                    }
                    self.note(format!("{}: {}", p.label, applied_text(&applied)), false);
                }
                Err(e) => {
                    if !p.label.is_empty() {
                        self.note(format!("{}: refused — {e}", p.label), true);
                    }
                }
            }
        }
        if let Some(e) = f.error {
            self.note(format!("The run could not restart: {e}"), true);
        }
    }

    fn clear_expired_faults(&mut self) {
        let now = self.now();
        let due: Vec<FaultId> = self
            .fault_ends
            .iter()
            .filter(|&(_, &end)| end <= now)
            .map(|(&id, _)| id)
            .collect();
        for id in due {
            self.fault_ends.remove(&id);
            self.command(Command::ClearFault(id), "");
        }
    }
}

/// What an applied command did, in words.
fn applied_text(a: &Applied) -> String {
    match a {
        Applied::Fault(id) => format!("fault {} in force", id.0),
        Applied::Cleared(1) => "1 fault cleared".to_owned(),
        Applied::Cleared(n) => format!("{n} faults cleared"),
        Applied::Workload => "workload changed".to_owned(),
        Applied::Deployed(v) => format!("deploying version {v}"),
        Applied::RolledBack(v) => format!("back on version {v}"),
    }
}
