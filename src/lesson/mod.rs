//! The lesson runner: a state machine over a project's [`Lesson`] that the GUI's lesson panel
//! and `eventloom lesson --auto` both drive. It turns a step's actions into simulation
//! [`Command`]s (or host actions such as Run), evaluates the step's check on live
//! [`Snapshot`]s, renders step text with live numbers, and moves forward or back.
//! No async runtime, no GUI; it never reads a clock (time is the snapshot's).
//!
//! ```no_run
//! # use eventloom::{lesson::{LessonRunner, Progress}, sim::{Simulation, SimConfig, SEC}};
//! # let project = eventloom::model::Project::default();
//! let mut sim = Simulation::new(&project, SimConfig::from_project(&project)).expect("valid");
//! let mut runner = LessonRunner::new(&project).expect("has a lesson");
//! runner.observe(&sim.snapshot()); // the step begins now
//! for p in runner.action_commands().expect("actions") {
//!     if let eventloom::lesson::Perform::Sim(cmd) = p {
//!         let _ = sim.apply(cmd);
//!     }
//! }
//! sim.run_until(sim.now() + SEC);
//! let snap = sim.snapshot();
//! if let Progress::Advanced { .. } = runner.observe(&snap) { /* next step */ }
//! println!("{}", runner.render_text(&snap));
//! ```

mod auto;

pub use auto::{AutoError, AutoReport, AutoStep, run_auto};

use crate::model::{
    Action, Check, Cmp, FunctionChanges, FunctionParams, Lesson, NodeId, NodeKind, NodeMetric,
    Placeholder, Project, RunMetric, Segment, Step, Unit, segments,
};
use crate::sim::{Command, NodeLive, SEC, Snapshot, Time};
use std::collections::BTreeMap;

/// Something the host (not the engine) does: start or pause the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostAction {
    /// Start or resume the run.
    Run,
    /// Pause the run.
    Pause,
}

/// One thing to carry out for a step's actions, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Perform {
    /// For the run host (headless runs ignore these: they are always running).
    Host(HostAction),
    /// For the engine: `Simulation::apply`.
    Sim(Command),
}

/// Why a step's actions cannot be carried out.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LessonError {
    /// A deploy of a node the project has no function for.
    #[error("\"{0}\" is not a function of this project")]
    NotAFunction(NodeId),
}

/// A check evaluated on a snapshot.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// Whether it holds.
    pub met: bool,
    /// What was measured, in words ("order-queue depth = 153 (needs > 100)").
    pub measured: String,
}

/// How a step ended.
#[derive(Clone, Debug, PartialEq)]
pub struct StepOutcome {
    /// Its check was met (false: skipped, e.g. after a timeout).
    pub met: bool,
    /// Virtual time when it ended, µs.
    pub at: Time,
    /// Simulated seconds it took.
    pub took_s: f64,
    /// What was measured when it ended.
    pub measured: String,
}

/// What an observation changed.
#[derive(Clone, Debug, PartialEq)]
pub enum Progress {
    /// The check does not hold yet.
    Waiting,
    /// The check does not hold and the step's `within_s` has passed (the check is still
    /// watched; the GUI may suggest "Show me", the headless runner gives up).
    Overdue,
    /// Step `step`'s check held: the runner moved to the next step.
    Advanced {
        /// Index of the step just completed.
        step: usize,
    },
    /// Every step is done.
    Finished,
}

/// Drives one lesson. Create it from a project, feed it snapshots with [`observe`], carry out
/// [`action_commands`] when the user asks ("Show me"), show [`render_text`].
///
/// [`observe`]: LessonRunner::observe
/// [`action_commands`]: LessonRunner::action_commands
/// [`render_text`]: LessonRunner::render_text
#[derive(Clone, Debug)]
pub struct LessonRunner {
    lesson: Lesson,
    /// Function parameters as written in the project (deploys change them).
    base: BTreeMap<NodeId, FunctionParams>,
    current: usize,
    /// The snapshot at which the current step began (set by the first observation).
    start: Option<Snapshot>,
    outcomes: Vec<Option<StepOutcome>>,
    last: Option<Evaluation>,
}

impl LessonRunner {
    /// A runner for the project's lesson at its first step; `None` when it has none.
    /// (A project whose lesson has errors does not compile into a `Simulation`, so validate
    /// first; the runner itself never panics on a bad lesson, it reports missing values.)
    pub fn new(project: &Project) -> Option<LessonRunner> {
        let lesson = project.lesson.clone()?;
        let base = project
            .graph
            .nodes
            .iter()
            .filter_map(|(id, n)| match &n.kind {
                NodeKind::Function(f) => Some((id.clone(), f.clone())),
                NodeKind::HttpApi(_)
                | NodeKind::Schedule(_)
                | NodeKind::Bucket(_)
                | NodeKind::Table(_)
                | NodeKind::Queue(_)
                | NodeKind::Topic(_)
                | NodeKind::Client(_) => None,
            })
            .collect();
        let n = lesson.steps.len();
        Some(LessonRunner {
            lesson,
            base,
            current: 0,
            start: None,
            outcomes: vec![None; n],
            last: None,
        })
    }

    /// The lesson.
    pub fn lesson(&self) -> &Lesson {
        &self.lesson
    }

    /// Index of the current step (equals the number of steps when finished).
    pub fn index(&self) -> usize {
        self.current
    }

    /// The current step, or `None` when finished.
    pub fn step(&self) -> Option<&Step> {
        self.lesson.steps.get(self.current)
    }

    /// Whether every step is done.
    pub fn is_finished(&self) -> bool {
        self.current >= self.lesson.steps.len()
    }

    /// How each step ended so far (`None`: not reached or not done).
    pub fn outcomes(&self) -> &[Option<StepOutcome>] {
        &self.outcomes
    }

    /// The current step's check as last evaluated by [`observe`](Self::observe).
    pub fn last_evaluation(&self) -> Option<&Evaluation> {
        self.last.as_ref()
    }

    /// Nodes the current step talks about (to highlight).
    pub fn focus(&self) -> &[NodeId] {
        self.step().map_or(&[], |s| s.focus.as_slice())
    }

    /// Simulated seconds since the current step began (0 before its first observation).
    pub fn elapsed_s(&self, snap: &Snapshot) -> f64 {
        self.start
            .as_ref()
            .map_or(0.0, |s| snap.now.saturating_sub(s.now) as f64 / SEC as f64)
    }

    /// The current step's actions as host actions and engine commands, in order. A deploy
    /// becomes the function's parameters in the project with the step's changes.
    pub fn action_commands(&self) -> Result<Vec<Perform>, LessonError> {
        let Some(step) = self.step() else {
            return Ok(Vec::new());
        };
        step.actions.iter().map(|a| self.perform(a)).collect()
    }

    /// The parameters a step's deploy runs: `changes` applied to function `node` as the
    /// project wrote it (the GUI deploys these the way its live panel does; headless runs
    /// get them in the deploy command).
    pub fn deploy_params(
        &self,
        node: &NodeId,
        changes: &FunctionChanges,
    ) -> Result<FunctionParams, LessonError> {
        let base = self
            .base
            .get(node)
            .ok_or_else(|| LessonError::NotAFunction(node.clone()))?;
        Ok(changes.apply_to(base))
    }

    fn perform(&self, a: &Action) -> Result<Perform, LessonError> {
        Ok(match a {
            Action::Run => Perform::Host(HostAction::Run),
            Action::Pause => Perform::Host(HostAction::Pause),
            Action::InjectFault(f) => Perform::Sim(Command::InjectFault(f.clone())),
            Action::ClearFaults => Perform::Sim(Command::ClearAllFaults),
            Action::SetWorkload { node, arrival } => Perform::Sim(Command::SetWorkload {
                node: node.clone(),
                arrival: arrival.clone(),
            }),
            Action::Deploy {
                node,
                changes,
                strategy,
            } => Perform::Sim(Command::Deploy {
                node: node.clone(),
                params: Box::new(self.deploy_params(node, changes)?),
                strategy: strategy.clone(),
            }),
            Action::Rollback { node } => Perform::Sim(Command::Rollback { node: node.clone() }),
        })
    }

    /// Looks at the run now. The first observation of a step marks its start (values that
    /// "grow" are measured from there, `within_s` counts from there); the check is judged
    /// only once simulated time has passed since, so a step never completes on the snapshot
    /// that began it. When the check holds the runner moves to the next step, whose start is
    /// this same snapshot.
    pub fn observe(&mut self, snap: &Snapshot) -> Progress {
        let Some(step) = self.lesson.steps.get(self.current) else {
            return Progress::Finished;
        };
        let Some(start) = &self.start else {
            self.last = Some(evaluate(&step.check, snap, snap));
            self.start = Some(snap.clone());
            return Progress::Waiting;
        };
        let ev = evaluate(&step.check, snap, start);
        if snap.now <= start.now {
            self.last = Some(ev);
            return Progress::Waiting;
        }
        let took_s = snap.now.saturating_sub(start.now) as f64 / SEC as f64;
        if ev.met {
            self.outcomes[self.current] = Some(StepOutcome {
                met: true,
                at: snap.now,
                took_s,
                measured: ev.measured,
            });
            let done = self.current;
            self.current += 1;
            self.start = Some(snap.clone());
            self.last = None;
            return Progress::Advanced { step: done };
        }
        let overdue = took_s >= step.within_s as f64;
        self.last = Some(ev);
        if overdue {
            Progress::Overdue
        } else {
            Progress::Waiting
        }
    }

    /// Gives up on the current step (recorded as not met) and moves to the next, which
    /// begins at `snap`.
    pub fn skip(&mut self, snap: &Snapshot) {
        let Some(step) = self.lesson.steps.get(self.current) else {
            return;
        };
        let start = self.start.as_ref().unwrap_or(snap);
        let ev = evaluate(&step.check, snap, start);
        self.outcomes[self.current] = Some(StepOutcome {
            met: false,
            at: snap.now,
            took_s: snap.now.saturating_sub(start.now) as f64 / SEC as f64,
            measured: ev.measured,
        });
        self.current += 1;
        self.start = Some(snap.clone());
        self.last = None;
    }

    /// Goes back one step (the run itself is not rewound); the step begins again at the
    /// next observation. Returns false at the first step.
    pub fn back(&mut self) -> bool {
        if self.current == 0 {
            return false;
        }
        self.current -= 1;
        for o in &mut self.outcomes[self.current..] {
            *o = None;
        }
        self.start = None;
        self.last = None;
        true
    }

    /// The current step begins again at the next observation (its outcome so far is kept
    /// as is). For a run that was reset or replaced: the step's start snapshot belongs to a
    /// run that no longer exists.
    pub fn begin_again(&mut self) {
        self.start = None;
        self.last = None;
    }

    /// Back to the first step, forgetting every outcome.
    pub fn restart(&mut self) {
        self.current = 0;
        self.outcomes.iter_mut().for_each(|o| *o = None);
        self.start = None;
        self.last = None;
    }

    /// The current step's text with placeholders replaced by values from `snap` (empty when
    /// finished).
    pub fn render_text(&self, snap: &Snapshot) -> String {
        self.step()
            .map_or_else(String::new, |s| render(&s.text, snap))
    }
}

/// `text` with each `{…}` placeholder replaced by its value in `snap` ("—" for a node that is
/// not in the run, the raw text for a placeholder that names no value).
pub fn render(text: &str, snap: &Snapshot) -> String {
    let mut out = String::with_capacity(text.len());
    for seg in segments(text) {
        match seg {
            Segment::Text(t) => out.push_str(&t),
            Segment::Value(p) => match value(&p, snap) {
                Some(v) => out.push_str(&unit(&p).format(v)),
                None => out.push('—'),
            },
            Segment::Invalid(raw, _) => {
                out.push('{');
                out.push_str(&raw);
                out.push('}');
            }
        }
    }
    out
}

fn unit(p: &Placeholder) -> Unit {
    match p {
        Placeholder::Node(_, m) => m.unit(),
        Placeholder::Run(m) => m.unit(),
    }
}

fn value(p: &Placeholder, snap: &Snapshot) -> Option<f64> {
    match p {
        Placeholder::Node(n, m) => snap.node(n.as_str()).map(|l| node_value(l, *m)),
        Placeholder::Run(m) => Some(run_value(snap, *m)),
    }
}

fn pct(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 * 100.0 / b as f64
    }
}

/// The value of `metric` for a node.
pub fn node_value(n: &NodeLive, metric: NodeMetric) -> f64 {
    match metric {
        NodeMetric::Invocations => n.invocations as f64,
        NodeMetric::Completions => n.completions as f64,
        NodeMetric::Errors => n.errors as f64,
        NodeMetric::Throttles => n.throttles as f64,
        NodeMetric::Retries => n.retries as f64,
        NodeMetric::Timeouts => n.timeouts as f64,
        NodeMetric::ColdStarts => n.cold_starts as f64,
        NodeMetric::DeadLettered => n.dead_lettered as f64,
        NodeMetric::Dropped => n.dropped as f64,
        NodeMetric::CostUsd => n.cost_usd,
        NodeMetric::ErrorPercent => pct(n.errors, n.invocations),
        NodeMetric::ColdStartPercent => pct(n.cold_starts, n.invocations),
        NodeMetric::Rate => n.rate(),
        NodeMetric::FailurePercent => n.failure_ratio() * 100.0,
        NodeMetric::P50Ms => n.last.p50_ms,
        NodeMetric::P99Ms => n.last.p99_ms,
        NodeMetric::Busy => n.busy as f64,
        NodeMetric::Idle => n.idle as f64,
        NodeMetric::Depth => n.depth as f64,
        NodeMetric::BusyMax => n.busy_max as f64,
        NodeMetric::OldestAgeMs => n.oldest_age_ms,
        NodeMetric::Version => f64::from(n.version),
        NodeMetric::ShiftPercent => n.shifting_to.map_or(0.0, |(_, w)| w * 100.0),
        NodeMetric::Faults => f64::from(n.faults),
    }
}

/// The value of a run-wide `metric`.
pub fn run_value(s: &Snapshot, metric: RunMetric) -> f64 {
    let l = &s.ledger;
    match metric {
        RunMetric::TimeS => s.now as f64 / SEC as f64,
        RunMetric::Faults => s.faults.len() as f64,
        RunMetric::Entered => l.entered as f64,
        RunMetric::Completed => l.completed as f64,
        RunMetric::DeadLettered => l.dead_lettered as f64,
        RunMetric::Dropped => l.dropped() as f64,
        RunMetric::Throttled => l.throttled as f64,
        RunMetric::Rejected => l.rejected as f64,
        RunMetric::Expired => l.expired as f64,
        RunMetric::Failed => l.failed as f64,
        RunMetric::LostToFaults => l.fault as f64,
        RunMetric::InFlight => l.in_flight as f64,
        RunMetric::CostUsd => s.cost_usd,
        RunMetric::CostPerMillionUsd => s.cost_per_million_usd,
        RunMetric::CostPerDayUsd => s.cost_per_day_usd,
        RunMetric::ServerPerDayUsd => s.server_per_day_usd,
    }
}

/// Evaluates `check` on `snap`, with `start` the snapshot at which the step began.
pub fn evaluate(check: &Check, snap: &Snapshot, start: &Snapshot) -> Evaluation {
    match check {
        Check::Node {
            node,
            metric,
            op,
            value,
        } => match snap.node(node.as_str()) {
            Some(l) => compared(
                &format!("{node} {}", metric.name()),
                metric.unit(),
                node_value(l, *metric),
                *op,
                *value,
            ),
            None => missing(node),
        },
        Check::NodeGrows { node, metric, by } => {
            match (snap.node(node.as_str()), start.node(node.as_str())) {
                (Some(now), Some(then)) => {
                    let (a, b) = (node_value(then, *metric), node_value(now, *metric));
                    grew(
                        &format!("{node} {}", metric.name()),
                        metric.unit(),
                        a,
                        b,
                        *by,
                    )
                }
                (None, _) | (_, None) => missing(node),
            }
        }
        Check::Run { metric, op, value } => compared(
            metric.name(),
            metric.unit(),
            run_value(snap, *metric),
            *op,
            *value,
        ),
        Check::RunGrows { metric, by } => grew(
            metric.name(),
            metric.unit(),
            run_value(start, *metric),
            run_value(snap, *metric),
            *by,
        ),
        Check::Elapsed { seconds } => {
            let e = snap.now.saturating_sub(start.now) as f64 / SEC as f64;
            Evaluation {
                met: e >= *seconds,
                // Once met, the time keeps running: "21 s of 8 s" would read as an error.
                measured: if e >= *seconds {
                    format!("{e:.0} s elapsed (the step needs {seconds:.0} s)")
                } else {
                    format!("{e:.0} s of {seconds:.0} s elapsed")
                },
            }
        }
        Check::All(cs) => combine(cs, snap, start, true),
        Check::Any(cs) => combine(cs, snap, start, false),
    }
}

fn missing(node: &NodeId) -> Evaluation {
    Evaluation {
        met: false,
        measured: format!("\"{node}\" is not in the run"),
    }
}

/// `what` now (`v`) compared with `target`.
fn compared(what: &str, unit: Unit, v: f64, op: Cmp, target: f64) -> Evaluation {
    Evaluation {
        met: op.holds(v, target),
        measured: format!(
            "{what} = {} (needs {} {})",
            unit.format(v),
            op.symbol(),
            unit.format(target)
        ),
    }
}

fn grew(what: &str, unit: Unit, from: f64, to: f64, by: f64) -> Evaluation {
    Evaluation {
        met: to - from >= by,
        measured: format!(
            "{what} rose by {} ({} → {}; needs +{})",
            unit.format(to - from),
            unit.format(from),
            unit.format(to),
            unit.format(by)
        ),
    }
}

fn combine(cs: &[Check], snap: &Snapshot, start: &Snapshot, all: bool) -> Evaluation {
    let evs: Vec<Evaluation> = cs.iter().map(|c| evaluate(c, snap, start)).collect();
    let met = if all {
        evs.iter().all(|e| e.met)
    } else {
        evs.iter().any(|e| e.met)
    };
    let sep = if all { "; " } else { " | " };
    Evaluation {
        met,
        measured: evs
            .into_iter()
            .map(|e| e.measured)
            .collect::<Vec<_>>()
            .join(sep),
    }
}
