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
mod handout;
mod lint;
mod record;
mod values;

pub use auto::{AutoError, AutoQuestion, AutoReport, AutoStep, run_auto};
pub use handout::handout_markdown;
pub use lint::{acts_on_engine, lint, met_without_actions};
pub use record::{AnswerRecord, CollectError, LessonRecord, StepRecord, collect, tabulate};
pub use values::{
    Evaluation, Reading, Recent, WINDOW_S, evaluate, evaluate_in, node_value, render, render_in,
    run_value,
};

use crate::model::{
    Action, Answer, FunctionChanges, FunctionParams, Lesson, NodeId, NodeKind, Placeholder,
    Project, Step, UiEvent,
};
use crate::sim::{Command, SEC, Snapshot, Time};
use serde::{Deserialize, Serialize};
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
    /// The value a number question is compared with, as the run measured it when the step
    /// ended.
    pub question_value: Option<f64>,
    /// The question's reveal with the numbers of the snapshot on which the check held
    /// (`None`: the step asks nothing, or was skipped, so the run never showed it).
    pub reveal: Option<String>,
}

/// What a step shows once its question is answered and its check has held: the answer
/// against the run, and the reveal with the numbers the claim is about.
#[derive(Clone, Debug, PartialEq)]
pub struct Revealed {
    /// The answer compared with the run (`None` for a number the run did not measure).
    pub verdict: Option<Verdict>,
    /// The reveal text with the run's numbers (empty when the question has none).
    pub text: String,
}

/// A learner's answer to a step's question.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Given {
    /// A number, in the measured value's unit.
    Number(f64),
    /// The index of a choice.
    Choice(usize),
}

/// How an answer compares with the run.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// The answer is right (the choice) or close (the number, within the tolerance).
    pub right: bool,
    /// In words: "You predicted 200 ms; the run shows 1,200 ms (6.0× yours)".
    pub line: String,
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
    /// Lecturer paces: step `step`'s check held and the step stays until
    /// [`LessonRunner::next`].
    Held {
        /// Index of the step whose check held.
        step: usize,
    },
    /// Step `step` waited for something the learner does in the editor, which did not
    /// happen within its `within_s`: the runner moved on and recorded it as skipped.
    TimedOut {
        /// Index of the step skipped.
        step: usize,
    },
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
    /// The last 60 s, for windowed metrics.
    recent: Recent,
    /// `recent` as it was when the current step began.
    start_recent: Recent,
    /// Each step's answer.
    answers: Vec<Option<Given>>,
    /// A met check waits for the step's question to be answered (the panel asks first).
    asking: bool,
    /// Lecturer paces: a met step stays until `next`.
    paced: bool,
    /// The current step's check held while paced: it waits for `next`.
    held: bool,
    /// The current step's awaited UI event happened.
    did_awaited: bool,
    /// The current step's check has held at an observation since it began (the reveal
    /// waits for it as well as for the answer).
    check_held: bool,
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
            recent: Recent::default(),
            start_recent: Recent::default(),
            answers: vec![None; n],
            asking: false,
            paced: false,
            held: false,
            did_awaited: false,
            check_held: false,
        })
    }

    /// A met check waits until the step's question is answered (the GUI panel; headless
    /// runs and tests do not ask).
    pub fn set_asking(&mut self, asking: bool) {
        self.asking = asking;
    }

    /// Lecturer paces: each step stops at its boundary (its check met) until
    /// [`next`](Self::next). Turning it off lets a held step move on at the next observation.
    pub fn set_paced(&mut self, paced: bool) {
        self.paced = paced;
    }

    /// Whether steps stop at their boundary.
    pub fn is_paced(&self) -> bool {
        self.paced
    }

    /// Whether the current step's check held and it waits for `next` (lecturer paces).
    pub fn is_held(&self) -> bool {
        self.held
    }

    /// Moves on from a held step (lecturer paces); the next step begins at `snap`. Returns
    /// false when the step is not held.
    pub fn next(&mut self, snap: &Snapshot) -> bool {
        if !self.held || self.is_finished() {
            return false;
        }
        self.advance(snap);
        true
    }

    fn advance(&mut self, snap: &Snapshot) {
        self.current += 1;
        self.start = Some(snap.clone());
        self.start_recent = self.recent.clone();
        self.last = None;
        self.held = false;
        self.did_awaited = false;
        self.check_held = false;
    }

    /// Tells the runner the learner did something in the editor; the current step moves on
    /// at the next observation if it waited for it.
    pub fn ui_event(&mut self, event: &UiEvent) {
        if self.step().and_then(|s| s.awaits.as_ref()) == Some(event) {
            self.did_awaited = true;
        }
    }

    /// Whether the current step waits for a UI event that has not happened yet.
    pub fn awaiting(&self) -> Option<&UiEvent> {
        self.step()
            .and_then(|s| s.awaits.as_ref())
            .filter(|_| !self.did_awaited)
    }

    /// Records the learner's answer to the current step's question (a later answer
    /// replaces it until the step ends). Returns false when the step asks nothing or the
    /// answer does not fit the question (a choice out of range, a number that is not
    /// finite).
    pub fn answer(&mut self, given: Given) -> bool {
        let Some(q) = self.step().and_then(|s| s.question.as_ref()) else {
            return false;
        };
        let fits = match (&q.answer, given) {
            (Answer::Number { .. }, Given::Number(v)) => v.is_finite(),
            (Answer::Choice { options, .. }, Given::Choice(i)) => i < options.len(),
            (Answer::Number { .. }, Given::Choice(_))
            | (Answer::Choice { .. }, Given::Number(_)) => false,
        };
        if fits {
            self.answers[self.current] = Some(given);
        }
        fits
    }

    /// Each step's answer so far.
    pub fn answers(&self) -> &[Option<Given>] {
        &self.answers
    }

    /// Whether the current step has a question not yet answered (the panel withholds the
    /// reveal and "Show me" until it is).
    pub fn needs_answer(&self) -> bool {
        self.step().is_some_and(|s| s.question.is_some()) && self.answers[self.current].is_none()
    }

    /// Whether step `i`'s question is answered and its check has held: only then does the
    /// panel show the reveal and the comparison, so they quote the numbers the claim is
    /// about (before, an answered step shows "Answer recorded — the run will show it").
    /// False for a step that asks nothing, and for a skipped step (the run never showed it).
    pub fn reveal_ready(&self, i: usize) -> bool {
        let asks = self
            .lesson
            .steps
            .get(i)
            .is_some_and(|s| s.question.is_some());
        let answered = self.answers.get(i).is_some_and(Option::is_some);
        let held = match self.outcomes.get(i) {
            Some(Some(o)) => o.met,
            Some(None) => i == self.current && self.check_held,
            None => false,
        };
        asks && answered && held
    }

    /// Step `i`'s answer against the run and its reveal, once [`reveal_ready`]
    /// (`None` until then). A finished step's reveal has the numbers of the snapshot on
    /// which its check held; the current step's (held, not yet moved on) is read on `snap`.
    ///
    /// [`reveal_ready`]: Self::reveal_ready
    pub fn revealed(&self, i: usize, snap: Option<&Snapshot>) -> Option<Revealed> {
        if !self.reveal_ready(i) {
            return None;
        }
        let q = self.lesson.steps.get(i)?.question.as_ref()?;
        let text = match self.outcomes.get(i) {
            Some(Some(o)) => o.reveal.clone().unwrap_or_default(),
            _ => snap.map_or_else(String::new, |s| self.render(&q.reveal, s)),
        };
        Some(Revealed {
            verdict: self.verdict(i, snap),
            text,
        })
    }

    /// The last 60 s the runner sampled.
    pub fn recent(&self) -> &Recent {
        &self.recent
    }

    /// Where values are read now: `snap`, the step's start, the last 60 s.
    pub fn reading<'a>(&'a self, snap: &'a Snapshot) -> Reading<'a> {
        Reading {
            snap,
            start: self.start.as_ref().unwrap_or(snap),
            recent: Some(&self.recent),
            start_recent: self.start.as_ref().map(|_| &self.start_recent),
        }
    }

    /// The value step `i`'s number question is compared with: measured when the step
    /// ended, or (the current step) on `snap` now.
    pub fn question_value(&self, i: usize, snap: Option<&Snapshot>) -> Option<f64> {
        if let Some(Some(o)) = self.outcomes.get(i) {
            return o.question_value;
        }
        let snap = snap.filter(|_| i == self.current)?;
        let step = self.lesson.steps.get(i)?;
        measure_of(step).and_then(|p| self.reading(snap).placeholder(&p))
    }

    /// Step `i`'s answer compared with the run (`None` until answered; a number question
    /// also needs a measured value).
    pub fn verdict(&self, i: usize, snap: Option<&Snapshot>) -> Option<Verdict> {
        let step = self.lesson.steps.get(i)?;
        let q = step.question.as_ref()?;
        let given = (*self.answers.get(i)?)?;
        match (&q.answer, given) {
            (
                Answer::Number {
                    measure,
                    tolerance_percent,
                },
                Given::Number(v),
            ) => {
                let p = Placeholder::parse(measure).ok()?;
                let shown = self.question_value(i, snap)?;
                Some(number_verdict(v, shown, *tolerance_percent, p.unit()))
            }
            (Answer::Choice { options, correct }, Given::Choice(c)) => {
                let chose = options.get(c)?;
                let right = c == *correct;
                Some(Verdict {
                    right,
                    line: if right {
                        format!("You chose \"{chose}\": right")
                    } else {
                        format!(
                            "You chose \"{chose}\"; the answer is \"{}\"",
                            options.get(*correct).map_or("?", String::as_str)
                        )
                    },
                })
            }
            (Answer::Number { .. }, Given::Choice(_))
            | (Answer::Choice { .. }, Given::Number(_)) => None,
        }
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
    /// that began it. When the check holds (and the step's awaited UI event happened, and,
    /// when asking, its question was answered) the runner moves to the next step, whose
    /// start is this same snapshot — or, lecturer paces, holds until `next`. A step that
    /// awaits a UI event which does not come within `within_s` is skipped.
    pub fn observe(&mut self, snap: &Snapshot) -> Progress {
        self.recent.record(snap);
        let Some(step) = self.lesson.steps.get(self.current) else {
            return Progress::Finished;
        };
        if self.held {
            if self.paced {
                return Progress::Held { step: self.current };
            }
            let done = self.current;
            self.advance(snap);
            return Progress::Advanced { step: done };
        }
        let Some(start) = &self.start else {
            self.last = Some(evaluate_in(&step.check, &self.reading(snap)));
            self.start = Some(snap.clone());
            self.start_recent = self.recent.clone();
            return Progress::Waiting;
        };
        let ev = evaluate_in(&step.check, &self.reading(snap));
        if snap.now <= start.now {
            self.last = Some(ev);
            return Progress::Waiting;
        }
        let took_s = snap.now.saturating_sub(start.now) as f64 / SEC as f64;
        let overdue = took_s >= step.within_s as f64;
        let awaited = step.awaits.is_none() || self.did_awaited;
        let answered =
            !self.asking || step.question.is_none() || self.answers[self.current].is_some();
        self.check_held |= ev.met;
        if ev.met && awaited && answered {
            let question_value = self.question_value(self.current, Some(snap));
            let reveal = step
                .question
                .as_ref()
                .map(|q| render_in(&q.reveal, &self.reading(snap)));
            self.outcomes[self.current] = Some(StepOutcome {
                met: true,
                at: snap.now,
                took_s,
                measured: ev.measured,
                question_value,
                reveal,
            });
            let done = self.current;
            if self.paced {
                self.held = true;
                self.last = None;
                return Progress::Held { step: done };
            }
            self.advance(snap);
            return Progress::Advanced { step: done };
        }
        if overdue && !awaited {
            let done = self.current;
            let what = step.awaits.as_ref().map(UiEvent::words).unwrap_or_default();
            self.last = Some(ev);
            self.skip_because(snap, &format!("not done in {} s: {what}", step.within_s));
            return Progress::TimedOut { step: done };
        }
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
        self.skip_because(snap, "");
    }

    fn skip_because(&mut self, snap: &Snapshot, why: &str) {
        let Some(step) = self.lesson.steps.get(self.current) else {
            return;
        };
        if self.held {
            // Its check held already (lecturer paces): moving on keeps the outcome.
            self.advance(snap);
            return;
        }
        let r = self.reading(snap);
        let ev = evaluate_in(&step.check, &r);
        let took_s = snap.now.saturating_sub(r.start.now) as f64 / SEC as f64;
        let question_value = self.question_value(self.current, Some(snap));
        self.outcomes[self.current] = Some(StepOutcome {
            met: false,
            at: snap.now,
            took_s,
            measured: if why.is_empty() {
                ev.measured
            } else {
                format!("{why}; {}", ev.measured)
            },
            question_value,
            reveal: None,
        });
        self.advance(snap);
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
        self.held = false;
        self.did_awaited = false;
        self.check_held = false;
        true
    }

    /// The current step begins again at the next observation (its outcome so far is kept
    /// as is). For a run that was reset or replaced: the step's start snapshot belongs to a
    /// run that no longer exists.
    pub fn begin_again(&mut self) {
        self.start = None;
        self.last = None;
        self.held = false;
        self.check_held = false;
        self.recent.clear();
    }

    /// Back to the first step, forgetting every outcome.
    pub fn restart(&mut self) {
        self.current = 0;
        self.outcomes.iter_mut().for_each(|o| *o = None);
        self.answers.iter_mut().for_each(|a| *a = None);
        self.start = None;
        self.last = None;
        self.held = false;
        self.did_awaited = false;
        self.check_held = false;
    }

    /// The current step's text with placeholders replaced by values from `snap` (empty when
    /// finished).
    pub fn render_text(&self, snap: &Snapshot) -> String {
        self.step()
            .map_or_else(String::new, |s| render_in(&s.text, &self.reading(snap)))
    }

    /// `text` (a step's, a reveal) with placeholders filled in as the runner reads them now.
    pub fn render(&self, text: &str, snap: &Snapshot) -> String {
        render_in(text, &self.reading(snap))
    }
}

/// What a step's number question measures, if it has one that parses.
pub fn measure_of(step: &Step) -> Option<Placeholder> {
    match &step.question.as_ref()?.answer {
        Answer::Number { measure, .. } => Placeholder::parse(measure).ok(),
        Answer::Choice { .. } => None,
    }
}

/// A number answer `given` against the `shown` value: close within `tolerance_percent`.
pub fn number_verdict(
    given: f64,
    shown: f64,
    tolerance_percent: f64,
    unit: crate::model::Unit,
) -> Verdict {
    let off = (given - shown).abs();
    let right = off <= shown.abs() * tolerance_percent / 100.0 + 1e-9;
    let how = if right {
        "close".to_owned()
    } else if given.abs() > 1e-12 && shown.abs() > 1e-12 {
        let r = shown / given;
        if r >= 1.0 {
            format!("{r:.1}× yours")
        } else {
            format!("{:.1}× less than yours", 1.0 / r)
        }
    } else {
        "not close".to_owned()
    };
    Verdict {
        right,
        line: format!(
            "You predicted {}; the run shows {} ({how})",
            unit.format(given),
            unit.format(shown)
        ),
    }
}
