//! Headless lessons (`eventloom lesson FILE --auto`): perform each step's actions on a
//! [`Simulation`], advance virtual time in small chunks until the check holds or the step's
//! `within_s` passes, then check the project's expectations. The same [`LessonRunner`] the
//! GUI uses decides every step.

use super::{LessonRunner, Perform, Progress, render};
use crate::model::{Diagnostic, Project};
use crate::sim::{ExpectationResult, Ledger, RunStopped, SEC, SimConfig, Simulation, Time};
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
    let mut sim = Simulation::new(project, SimConfig::from_project(project))
        .map_err(|e| AutoError::Invalid(e.0))?;
    let mut steps = Vec::new();
    let mut snap = sim.snapshot();
    runner.observe(&snap);
    while let Some(step) = runner.step().cloned() {
        let number = runner.index() + 1;
        let began = snap.now;
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
                Progress::Advanced { .. } | Progress::Finished => break true,
                // A run its budget stopped goes no further: the step cannot be met.
                Progress::Waiting if sim.now() <= deadline && sim.stopped().is_none() => {}
                Progress::Waiting | Progress::Overdue => {
                    runner.skip(&snap);
                    break false;
                }
            }
        };
        let outcome = runner.outcomes()[number - 1].clone();
        let (took_s, measured) = outcome.map_or((0.0, String::new()), |o| (o.took_s, o.measured));
        steps.push(AutoStep {
            number,
            title: step.title.clone(),
            met,
            at_s: snap.now as f64 / SEC as f64,
            took_s,
            observations,
            measured,
            text: render(&step.text, &snap),
            refused,
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
