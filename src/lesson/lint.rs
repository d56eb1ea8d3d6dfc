//! The lesson lint's run-time part (`eventloom check` and the tests run it): a step whose
//! check already held when it began, and a step that asks the learner to act on the run
//! but is met without it (replayed with that step's actions left out). The static part
//! (a step that states an outcome but only waits) is in `model::lesson_check`.

use super::{AutoError, LessonRunner, Perform, Progress, run_auto};
use crate::model::{Action, Diagnostic, Project, Subject};
use crate::sim::{SEC, SimConfig, Simulation};

/// Runs the project's lesson headless, then once more per step that acts on the run with
/// that step's actions left out, and returns warnings for checks that prove nothing (plus
/// an error for a step the reference run does not meet).
pub fn lint(project: &Project) -> Result<Vec<Diagnostic>, AutoError> {
    let report = run_auto(project, SEC)?;
    let Some(lesson) = &project.lesson else {
        return Err(AutoError::NoLesson);
    };
    let mut out = Vec::new();
    for (s, step) in report.steps.iter().zip(&lesson.steps) {
        let at = format!("lesson step {} (\"{}\")", s.number, s.title);
        if !s.met {
            out.push(Diagnostic::error(
                "lesson-step-unmet",
                Subject::Project,
                format!(
                    "{at}: not met within {} s when its actions are done: {}",
                    step.within_s, s.measured
                ),
            ));
        }
        // A step that waits for a UI event is proved by the event, not by its check.
        if s.true_at_start && step.awaits.is_none() {
            out.push(Diagnostic::warning(
                "lesson-true-at-start",
                Subject::Project,
                format!(
                    "{at}: the check ({}) already holds when the step begins: compare with the value at the step's start",
                    s.check
                ),
            ));
        }
    }
    for (k, step) in lesson.steps.iter().enumerate() {
        if !step.actions.iter().any(acts_on_engine) {
            continue;
        }
        let (met, measured) = met_without_actions(project, k)?;
        if met {
            out.push(Diagnostic::warning(
                "lesson-met-without-action",
                Subject::Project,
                format!(
                    "lesson step {} (\"{}\"): met without its actions ({measured}): the check must need what the learner is asked to do",
                    k + 1,
                    step.title
                ),
            ));
        }
    }
    Ok(out)
}

/// Whether an action changes the run (rather than starting or pausing it).
pub fn acts_on_engine(a: &Action) -> bool {
    match a {
        Action::Run | Action::Pause => false,
        Action::InjectFault(_)
        | Action::ClearFaults
        | Action::SetWorkload { .. }
        | Action::Deploy { .. }
        | Action::Rollback { .. } => true,
    }
}

/// Runs `p`'s lesson headless as `run_auto` does, but leaves out step `k`'s engine actions;
/// returns whether step `k`'s check was met anyway within its `within_s`, and what was
/// measured when it ended.
pub fn met_without_actions(p: &Project, k: usize) -> Result<(bool, String), AutoError> {
    let mut runner = LessonRunner::new(p).ok_or(AutoError::NoLesson)?;
    let mut sim =
        Simulation::new(p, SimConfig::from_project(p)).map_err(|e| AutoError::Invalid(e.0))?;
    runner.observe(&sim.snapshot());
    while let Some(step) = runner.step().cloned() {
        let i = runner.index();
        if let Some(e) = &step.awaits {
            runner.ui_event(e);
        }
        if i != k {
            // An action refused here is reported by the reference run, not by this replay.
            for perform in runner.action_commands().unwrap_or_default() {
                if let Perform::Sim(cmd) = perform {
                    let _ = sim.apply(cmd);
                }
            }
        }
        let mut advanced = false;
        for _ in 0..step.within_s {
            sim.run_until(sim.now() + SEC);
            match runner.observe(&sim.snapshot()) {
                Progress::Advanced { .. } | Progress::Finished | Progress::Held { .. } => {
                    advanced = true;
                    break;
                }
                Progress::TimedOut { .. } => break,
                Progress::Waiting | Progress::Overdue => {}
            }
        }
        if i == k {
            let measured = match runner.outcomes()[k].as_ref() {
                Some(o) => o.measured.clone(),
                None => runner
                    .last_evaluation()
                    .map(|e| e.measured.clone())
                    .unwrap_or_default(),
            };
            return Ok((advanced, measured));
        }
        if !advanced && runner.index() == i {
            runner.skip(&sim.snapshot());
        }
    }
    Ok((false, String::new()))
}
