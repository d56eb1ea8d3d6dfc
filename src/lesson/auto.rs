//! Headless lessons (`eventloom lesson FILE --auto`): perform each step's actions on a
//! [`Simulation`], advance virtual time in small chunks until the check holds or the step's
//! `within_s` passes, then check the project's expectations. The same [`LessonRunner`] the
//! GUI uses decides every step.

use super::{LessonRunner, Perform, Progress, Reading, evaluate_in, render_in};
use crate::model::{Answer, Diagnostic, Project};
use crate::sim::{
    ExpectationResult, Ledger, RunStopped, SEC, SimConfig, Simulation, Snapshot, Time,
};
use serde::Serialize;

/// Why a lesson cannot run at all.
#[derive(Debug, thiserror::Error)]
pub enum AutoError {
    /// The project has no lesson.
    #[error("the project has no lesson")]
    NoLesson,
    /// The project (or its lesson) has validation errors.
    #[error("the project has {} error(s); fix them before running", .0.iter().filter(|d| d.severity == crate::model::Severity::Error).count())]
    Invalid(Vec<Diagnostic>),
}

/// One step as the headless run saw it.
#[derive(Clone, Debug, Serialize)]
pub struct AutoStep {
    /// 1-based number.
    pub number: usize,
    /// Its title.
    pub title: String,
    /// Whether its check held within `within_s`.
    pub met: bool,
    /// Simulated time when it ended, s.
    pub at_s: f64,
    /// Simulated seconds it took.
    pub took_s: f64,
    /// Observations (one per `tick`) from its start to its end. A step met on its first is
    /// suspect: its check may have held before the learner read the step or did anything.
    pub observations: u32,
    /// What was measured when it ended.
    pub measured: String,
    /// Its text rendered with the values when it ended.
    pub text: String,
    /// Actions the engine refused, with why.
    pub refused: Vec<String>,
    /// The check in words.
    pub check: String,
    /// The check already held when the step began (before its actions): it proves
    /// nothing the step does.
    pub true_at_start: bool,
    /// The UI event the step waited for, in words (the headless run does it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub awaits: Option<String>,
    /// The step's question with the reference answer from this run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<AutoQuestion>,
}

/// A step's question and its reference answer, as a headless run measured it.
#[derive(Clone, Debug, Serialize)]
pub struct AutoQuestion {
    /// What is asked.
    pub prompt: String,
    /// The choices (empty for a number question).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// The reference answer in words: the measured value ("1,204 ms") or the right choice.
    pub answer: String,
    /// The measured value of a number question.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// What a number question measures, in words.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub measures: String,
    /// The reveal text with this run's values.
    pub reveal: String,
}

/// The outcome of a headless lesson.
#[derive(Clone, Debug, Serialize)]
pub struct AutoReport {
    /// Project name.
    pub project: String,
    /// Lesson title.
    pub lesson: String,
    /// Every step, in order.
    pub steps: Vec<AutoStep>,
    /// Simulated time at the end (the lesson's end or the project's duration, whichever is
    /// later), s.
    pub duration_s: f64,
    /// The project's expectations checked at the end.
    pub expectations: Vec<ExpectationResult>,
    /// The ledger at the end.
    pub ledger: Ledger,
    /// Whether it balances.
    pub ledger_balanced: bool,
    /// Why the run stopped early (its resource budget), if it did: the lesson fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<RunStopped>,
}

impl AutoReport {
    /// Every step met, every expectation held, the ledger balances.
    pub fn passed(&self) -> bool {
        self.steps.iter().all(|s| s.met && s.refused.is_empty())
            && self.expectations.iter().all(|x| x.passed)
            && self.ledger_balanced
            && self.stopped.is_none()
    }
}

/// Runs the project's lesson headless, advancing `tick` of virtual time between
/// observations (1 s is a good choice), then runs on to the project's duration and checks its
/// expectations.
pub fn run_auto(project: &Project, tick: Time) -> Result<AutoReport, AutoError> {
    let tick = tick.max(1);
    let mut runner = LessonRunner::new(project).ok_or(AutoError::NoLesson)?;
    let graph = &project.graph;
    let mut sim = Simulation::new(project, SimConfig::from_project(project))
        .map_err(|e| AutoError::Invalid(e.0))?;
    let mut steps = Vec::new();
    let mut snap = sim.snapshot();
    runner.observe(&snap);
    while let Some(step) = runner.step().cloned() {
        let number = runner.index() + 1;
        let began = snap.now;
        let start_snap = snap.clone();
        let true_at_start = evaluate_in(&step.check, &runner.reading(&snap)).met;
        if let Some(e) = &step.awaits {
            // The headless learner does what the step asks in the editor too.
            runner.ui_event(e);
        }
        let mut refused = Vec::new();
        match runner.action_commands() {
            Ok(list) => {
                for p in list {
                    match p {
                        Perform::Host(_) => {}
                        Perform::Sim(cmd) => {
                            if let Err(why) = sim.apply(cmd) {
                                refused.push(why.to_string());
                            }
                        }
                    }
                }
            }
            Err(why) => refused.push(why.to_string()),
        }
        let deadline = began.saturating_add(step.within_s.saturating_mul(SEC));
        let mut observations = 0u32;
        let met = loop {
            let t = sim
                .now()
                .saturating_add(tick)
                .min(deadline.max(sim.now() + 1));
            sim.run_until(t);
            snap = sim.snapshot();
            observations += 1;
            match runner.observe(&snap) {
                Progress::Advanced { .. } | Progress::Finished | Progress::Held { .. } => {
                    break true;
                }
                Progress::TimedOut { .. } => break false,
                // A run its budget stopped goes no further: the step cannot be met.
                Progress::Waiting if sim.now() <= deadline && sim.stopped().is_none() => {}
                Progress::Waiting | Progress::Overdue => {
                    runner.skip(&snap);
                    break false;
                }
            }
        };
        let outcome = runner.outcomes()[number - 1].clone();
        let question = step.question.as_ref().map(|q| {
            let value = outcome.as_ref().and_then(|o| o.question_value);
            let (options, answer, measures) = match &q.answer {
                Answer::Number { measure, .. } => {
                    let p = crate::model::Placeholder::parse(measure).ok();
                    (
                        Vec::new(),
                        match (&p, value) {
                            (Some(p), Some(v)) => p.unit().format(v),
                            (None, _) | (_, None) => "—".to_owned(),
                        },
                        p.map(|p| p.words(graph)).unwrap_or_default(),
                    )
                }
                Answer::Choice { options, correct } => (
                    options.clone(),
                    options.get(*correct).cloned().unwrap_or_default(),
                    String::new(),
                ),
            };
            AutoQuestion {
                prompt: q.prompt.clone(),
                options,
                answer,
                value,
                measures,
                reveal: runner_render(&runner, &q.reveal, &snap, &start_snap),
            }
        });
        let (took_s, measured) = outcome.map_or((0.0, String::new()), |o| (o.took_s, o.measured));
        steps.push(AutoStep {
            number,
            title: step.title.clone(),
            met,
            at_s: snap.now as f64 / SEC as f64,
            took_s,
            observations,
            measured,
            text: runner_render(&runner, &step.text, &snap, &start_snap),
            refused,
            check: step.check.describe(graph),
            true_at_start,
            awaits: step.awaits.as_ref().map(|e| e.label(graph)),
            question,
        });
    }
    let end = project.run.duration_ms.saturating_mul(1000);
    if sim.now() < end {
        sim.run_until(end);
    }
    let report = sim.report();
    Ok(AutoReport {
        project: project.name.clone(),
        lesson: runner.lesson().title.clone(),
        steps,
        duration_s: report.duration_s,
        expectations: report.expectations,
        ledger: report.ledger,
        ledger_balanced: report.ledger_balanced,
        stopped: report.stopped,
    })
}

/// `text` as the step read it when it ended: `start` is the snapshot it began with (the
/// runner has moved on to the next step).
fn runner_render(runner: &LessonRunner, text: &str, snap: &Snapshot, start: &Snapshot) -> String {
    render_in(
        text,
        &Reading {
            snap,
            start,
            recent: Some(runner.recent()),
            start_recent: None,
        },
    )
}
