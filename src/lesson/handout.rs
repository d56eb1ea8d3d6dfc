//! `eventloom lesson FILE --handout md`: a lesson as a Markdown handout — each step with the
//! numbers of a reference run (blanks in a step that asks, so they do not give the answer
//! away), a blank for every prediction, and an answer key at the end (left out of
//! exercises, whose answers stay hidden).

use super::AutoReport;
use crate::model::{Answer, Project, Segment, segments};
use std::fmt::Write;

/// The handout of `project`'s lesson, with the numbers of `report` (its headless run).
pub fn handout_markdown(project: &Project, report: &AutoReport) -> String {
    let mut s = String::new();
    let Some(lesson) = &project.lesson else {
        return s;
    };
    let _ = writeln!(s, "# {}\n", lesson.title);
    if !lesson.summary.is_empty() {
        let _ = writeln!(s, "{}\n", lesson.summary);
    }
    let _ = writeln!(
        s,
        "Project *{}*. Numbers are from a reference run (seed {}); yours may differ a little.\n",
        project.name, project.run.seed
    );
    let _ = writeln!(s, "Name: ______________________\n");
    for (step, r) in lesson.steps.iter().zip(&report.steps) {
        let _ = writeln!(s, "## {}. {}\n", r.number, step.title);
        if let Some(q) = &step.question {
            let _ = writeln!(s, "**Predict first.** {}\n", q.prompt);
            match &q.answer {
                Answer::Number { .. } => {
                    let unit = r
                        .question
                        .as_ref()
                        .map(|a| a.measures.clone())
                        .unwrap_or_default();
                    let _ = writeln!(s, "My prediction: ______________ ({unit})\n");
                }
                Answer::Choice { options, .. } => {
                    for o in options {
                        let _ = writeln!(s, "- [ ] {o}");
                    }
                    s.push('\n');
                }
            }
        }
        // A step that asks leaves its numbers blank: they would give the answer away (the
        // key has them).
        let text = if step.question.is_some() {
            blanks(&step.text)
        } else {
            r.text.clone()
        };
        let _ = writeln!(s, "{text}\n");
        for a in &step.actions {
            let _ = writeln!(s, "- Do: {}", a.label(&project.graph));
        }
        if let Some(e) = &r.awaits {
            let _ = writeln!(s, "- Do: {e}");
        }
        let _ = writeln!(s, "- Moves on when: {}\n", r.check);
    }
    if !lesson.takeaway.is_empty() {
        let _ = writeln!(s, "## Takeaway\n\n{}\n", lesson.takeaway);
    }
    if lesson.exercise {
        let _ = writeln!(
            s,
            "*This lesson is an exercise: the answer key is not printed.*"
        );
        return s;
    }
    let _ = writeln!(s, "## Answer key\n");
    for r in &report.steps {
        if let Some(q) = &r.question {
            let _ = writeln!(s, "{}. {} — **{}**", r.number, q.prompt, q.answer);
            if !q.reveal.is_empty() {
                let _ = writeln!(s, "   {}", q.reveal);
            }
        }
    }
    s
}

/// `text` with each placeholder as a blank to fill in.
fn blanks(text: &str) -> String {
    segments(text)
        .into_iter()
        .map(|seg| match seg {
            Segment::Text(t) => t,
            Segment::Value(_) | Segment::Invalid(_, _) => "______".to_owned(),
        })
        .collect()
}
