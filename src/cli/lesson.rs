//! `eventloom lesson FILE [--auto]`: print a project's lesson, or run it headless with the
//! same runner the editor's lesson panel uses and report each step's check.

use super::check::load_error_line;
use crate::lesson::{AutoError, AutoReport, run_auto};
use crate::model::{Lesson, Project, Severity};
use crate::project;
use crate::sim::SEC;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// `eventloom lesson`: exit 0 when every step's check was met and every expectation held.
pub fn lesson_file(path: &Path, auto: bool, json: Option<&Path>) -> ExitCode {
    let mut out = std::io::stdout().lock();
    let p = match project::load(path) {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(out, "{}", load_error_line(&e));
            return ExitCode::FAILURE;
        }
    };
    let Some(lesson) = &p.lesson else {
        let _ = writeln!(out, "{}: error: the project has no lesson", path.display());
        return ExitCode::FAILURE;
    };
    if !auto {
        let _ = write!(out, "{}", outline(&p, lesson));
        return ExitCode::SUCCESS;
    }
    let report = match run_auto(&p, SEC) {
        Ok(r) => r,
        Err(AutoError::Invalid(diags)) => {
            for d in diags.iter().filter(|d| d.severity == Severity::Error) {
                let _ = writeln!(out, "{}: {d}", path.display());
            }
            let _ = writeln!(
                out,
                "{}: error: the project has errors and cannot run",
                path.display()
            );
            return ExitCode::FAILURE;
        }
        Err(e @ AutoError::NoLesson) => {
            let _ = writeln!(out, "{}: error: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    // The summary goes to the terminal unless the JSON itself does.
    if json != Some(Path::new("-")) {
        let _ = write!(out, "{}", summary(&report));
    }
    if let Some(json_path) = json
        && !super::write_json(&mut out, json_path, &report)
    {
        return ExitCode::FAILURE;
    }
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The steps of a lesson as text: title, actions, check and time allowed.
pub fn outline(p: &Project, lesson: &Lesson) -> String {
    let mut s = format!("{} — {}\n", p.name, lesson.title);
    if !lesson.summary.is_empty() {
        s.push_str(&format!("{}\n", lesson.summary));
    }
    for (i, step) in lesson.steps.iter().enumerate() {
        s.push_str(&format!("\n{}. {}\n   {}\n", i + 1, step.title, step.text));
        for a in &step.actions {
            s.push_str(&format!("   action: {}\n", a.label(&p.graph)));
        }
        s.push_str(&format!(
            "   done when: {:?} (within {} s)\n",
            step.check, step.within_s
        ));
    }
    s
}

/// The per-step report of a headless lesson: ✓/✗, when, what was measured.
pub fn summary(r: &AutoReport) -> String {
    let mut s = format!("{} — {}\n", r.project, r.lesson);
    for step in &r.steps {
        let mark = if step.met && step.refused.is_empty() {
            "✓"
        } else {
            "✗"
        };
        // A step met on its first observation was probably met before the learner read it:
        // worth a look by the lesson's author.
        let at_once = if step.met && step.observations <= 1 {
            ", met on its first observation"
        } else {
            ""
        };
        s.push_str(&format!(
            "{mark} {}. {} — at {:.0} s (took {:.0} s{at_once}): {}\n",
            step.number, step.title, step.at_s, step.took_s, step.measured
        ));
        s.push_str(&format!("     {}\n", step.text));
        for why in &step.refused {
            s.push_str(&format!("     action refused: {why}\n"));
        }
    }
    for x in &r.expectations {
        let mark = if x.passed { "✓" } else { "✗" };
        s.push_str(&format!(
            "{mark} expectation: {} — measured {}\n",
            x.expectation, x.measured
        ));
    }
    if !r.ledger_balanced {
        s.push_str(&format!("✗ the ledger does not balance: {:?}\n", r.ledger));
    }
    if let Some(stopped) = &r.stopped {
        s.push_str(&format!("✗ {}\n", stopped.message));
    }
    let steps_met = r
        .steps
        .iter()
        .filter(|s| s.met && s.refused.is_empty())
        .count();
    let held = r.expectations.iter().filter(|x| x.passed).count();
    s.push_str(&format!(
        "{}: {steps_met}/{} steps met, {held}/{} expectations held after {:.0} simulated s\n",
        if r.passed() { "PASS" } else { "FAIL" },
        r.steps.len(),
        r.expectations.len(),
        r.duration_s
    ));
    s
}
