//! Validation of a project's lesson: referenced nodes exist and have the right kind, faults
//! apply to their targets, numbers are in range, placeholders name real values, questions
//! are answerable — and the static part of the lesson lint (warnings): a step that states an
//! outcome but only waits, a lesson that asks nothing or ends without a takeaway. The lint's
//! run-time part (a check already true at the step's start, a step met without its action)
//! is `crate::lesson::lint`.

use super::diagnostic::{Diagnostic, Subject, truncate};
use super::fault::FaultTarget;
use super::ids::NodeId;
use super::lesson::{
    Action, Answer, Check, MAX_STEP_S, Placeholder, Question, Segment, Step, UiEvent, segments,
};
use super::node::KindTag;
use super::project::Project;
use super::validate::{bad, check_name};

/// Deepest nesting of `All`/`Any` checks accepted.
const MAX_CHECK_DEPTH: usize = 8;

/// Pushes the lesson's errors onto `out`.
pub(super) fn check_lesson(p: &Project, out: &mut Vec<Diagnostic>) {
    let Some(lesson) = &p.lesson else { return };
    let s = Subject::Project;
    check_name(out, &s, &lesson.title);
    if lesson.steps.is_empty() {
        out.push(Diagnostic::error(
            "lesson-empty",
            s.clone(),
            "the lesson has no steps",
        ));
    }
    for (i, step) in lesson.steps.iter().enumerate() {
        let at = format!("lesson step {} (\"{}\")", i + 1, truncate(&step.title));
        check_step(p, step, &at, out);
        lint_step(step, &at, out);
    }
    if !lesson.steps.is_empty() && lesson.steps.iter().all(|st| st.question.is_none()) {
        out.push(Diagnostic::warning(
            "lesson-asks-nothing",
            s.clone(),
            "the lesson asks no question: ask the learner to predict before a step shows the outcome",
        ));
    }
    if lesson.takeaway.trim().is_empty() {
        out.push(Diagnostic::warning(
            "lesson-no-takeaway",
            s,
            "the lesson has no takeaway: say in a sentence what the learner should keep",
        ));
    }
}

/// Words that state what a run does: a step whose text uses them claims an outcome.
const OUTCOME_WORDS: &[&str] = &[
    "drop",
    "rise",
    "rose",
    "fall",
    "fell",
    "grow",
    "grew",
    "fail",
    "climb",
    "fill",
    "drain",
    "throttl",
    "lost",
    "lose",
    "recover",
    "settle",
    "back up",
    "backs up",
    "cold start",
    "goes to",
    "moves to",
    "piles",
    "doubles",
    "halves",
    "costs",
    "retried",
];

/// Whether step text states an outcome: a live number, or a word for what the run does.
pub(crate) fn states_outcome(text: &str) -> bool {
    let lower = text.to_lowercase();
    segments(text)
        .iter()
        .any(|seg| matches!(seg, Segment::Value(_)))
        || OUTCOME_WORDS.iter().any(|w| lower.contains(w))
}

/// The values a step's question is about: a number question's measure and every value its
/// reveal quotes.
fn asked_values(q: &Question) -> Vec<Placeholder> {
    let mut v: Vec<Placeholder> = segments(&q.reveal)
        .into_iter()
        .filter_map(|seg| match seg {
            Segment::Value(p) => Some(p),
            Segment::Text(_) | Segment::Invalid(..) => None,
        })
        .collect();
    match &q.answer {
        Answer::Number { measure, .. } => v.extend(Placeholder::parse(measure).ok()),
        Answer::Choice { .. } => {}
    }
    v
}

/// What a question step's text (shown before the answer) tells that the question asks:
/// a live value the question is about, or a sentence about what the run does. `None` when
/// the text only sets the question up.
pub(crate) fn tells_before_asking(step: &Step) -> Option<String> {
    let q = step.question.as_ref()?;
    let asked = asked_values(q);
    let told = segments(&step.text).into_iter().find_map(|seg| match seg {
        Segment::Value(p) if asked.contains(&p) => Some(p),
        Segment::Value(_) | Segment::Text(_) | Segment::Invalid(..) => None,
    });
    if let Some(p) = told {
        let name = match &p {
            Placeholder::Node(n, m) => format!("{{{n}.{}}}", m.name()),
            Placeholder::Run(m) => format!("{{{}}}", m.name()),
        };
        return Some(format!("it shows {name} live"));
    }
    let lower = step.text.to_lowercase();
    OUTCOME_WORDS
        .iter()
        .find(|w| lower.contains(*w))
        .map(|w| format!("it says what the run does (\"{w}…\")"))
}

/// The static lesson lint: a step that states an outcome but whose check only waits (and
/// that waits for no learner action) proves nothing it says; a step that asks but whose
/// text, shown before the answer, already tells.
fn lint_step(step: &Step, at: &str, out: &mut Vec<Diagnostic>) {
    if let Some(why) = tells_before_asking(step) {
        out.push(Diagnostic::warning(
            "lesson-tells-before-asking",
            Subject::Project,
            format!(
                "{at}: the text, shown before the answer, tells what the question asks ({why}): keep the setup in the text and move the outcome to the reveal"
            ),
        ));
    }
    if step.check.only_waits() && step.awaits.is_none() && states_outcome(&step.text) {
        out.push(Diagnostic::warning(
            "lesson-only-waits",
            Subject::Project,
            format!(
                "{at}: the text states an outcome but the check only waits for time: check the number it claims"
            ),
        ));
    }
}

fn check_question(p: &Project, q: &Question, at: &str, out: &mut Vec<Diagnostic>) {
    let s = Subject::Project;
    if q.prompt.trim().is_empty() {
        bad(out, &s, format!("{at}: the question has no prompt"));
    }
    match &q.answer {
        Answer::Number {
            measure,
            tolerance_percent,
        } => {
            match Placeholder::parse(measure) {
                Ok(Placeholder::Node(n, _)) => {
                    node_exists(p, &n, at, "asks about", out);
                }
                Ok(Placeholder::Run(_)) => {}
                Err(why) => out.push(Diagnostic::error(
                    "lesson-placeholder",
                    s.clone(),
                    format!("{at}: question: {why}"),
                )),
            }
            if !(tolerance_percent.is_finite() && (0.0..=1000.0).contains(tolerance_percent)) {
                bad(
                    out,
                    &s,
                    format!(
                        "{at}: question: tolerance_percent must be between 0 and 1000 (got {tolerance_percent})"
                    ),
                );
            }
        }
        Answer::Choice { options, correct } => {
            if options.len() < 2 {
                bad(
                    out,
                    &s,
                    format!("{at}: question: give at least two choices"),
                );
            }
            if *correct >= options.len() {
                bad(
                    out,
                    &s,
                    format!(
                        "{at}: question: the right choice is number {} but there are {}",
                        correct + 1,
                        options.len()
                    ),
                );
            }
        }
    }
    for seg in segments(&q.reveal) {
        match seg {
            Segment::Text(_) | Segment::Value(Placeholder::Run(_)) => {}
            Segment::Value(Placeholder::Node(n, _)) => {
                node_exists(p, &n, at, "shows a value of", out);
            }
            Segment::Invalid(_, why) => out.push(Diagnostic::error(
                "lesson-placeholder",
                s.clone(),
                format!("{at}: reveal: {why}"),
            )),
        }
    }
}

fn check_step(p: &Project, step: &Step, at: &str, out: &mut Vec<Diagnostic>) {
    let s = Subject::Project;
    check_name(out, &s, &step.title);
    if step.within_s == 0 || step.within_s > MAX_STEP_S {
        bad(
            out,
            &s,
            format!(
                "{at}: within_s must be between 1 and {MAX_STEP_S} (got {})",
                step.within_s
            ),
        );
    }
    for n in &step.focus {
        node_exists(p, n, at, "focuses on", out);
    }
    for seg in segments(&step.text) {
        match seg {
            Segment::Text(_) => {}
            Segment::Value(Placeholder::Node(n, _)) => {
                node_exists(p, &n, at, "shows a value of", out);
            }
            Segment::Value(Placeholder::Run(_)) => {}
            Segment::Invalid(_, why) => out.push(Diagnostic::error(
                "lesson-placeholder",
                s.clone(),
                format!("{at}: {why}"),
            )),
        }
    }
    for a in &step.actions {
        check_action(p, a, at, out);
    }
    if let Some(m) = step.check.problem() {
        bad(out, &s, format!("{at}: check: {m}"));
    }
    if depth(&step.check) > MAX_CHECK_DEPTH {
        bad(
            out,
            &s,
            format!("{at}: checks nest more than {MAX_CHECK_DEPTH} levels deep"),
        );
    }
    for n in step.check.nodes() {
        node_exists(p, n, at, "checks", out);
    }
    for name in step.check.alarms() {
        if !p.alarms.iter().any(|a| a.name == name) {
            bad(
                out,
                &s,
                format!(
                    "{at}: checks the alarm \"{}\", which this project does not have",
                    truncate(name)
                ),
            );
        }
    }
    if let Some(q) = &step.question {
        check_question(p, q, at, out);
    }
    match &step.awaits {
        Some(UiEvent::SelectNode(n)) => {
            node_exists(p, n, at, "asks to select", out);
        }
        Some(UiEvent::OpenPanel(_) | UiEvent::PickTrace) | None => {}
    }
}

fn depth(c: &Check) -> usize {
    match c {
        Check::All(cs) | Check::Any(cs) => 1 + cs.iter().map(depth).max().unwrap_or(0),
        Check::Node { .. }
        | Check::NodeGrows { .. }
        | Check::NodeVsStart { .. }
        | Check::NodeVsNode { .. }
        | Check::NodeGrowsAtMost { .. }
        | Check::Run { .. }
        | Check::RunGrows { .. }
        | Check::RunVsRun { .. }
        | Check::RunVsStart { .. }
        | Check::RunGrowsAtMost { .. }
        | Check::Elapsed { .. }
        | Check::Alarm { .. } => 0,
    }
}

/// Reports an unknown node; returns its kind when it exists.
fn node_exists(
    p: &Project,
    n: &NodeId,
    at: &str,
    verb: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<KindTag> {
    match p.graph.node(n) {
        Some(node) => Some(node.kind.tag()),
        None => {
            out.push(Diagnostic::error(
                "unknown-node",
                Subject::Project,
                format!(
                    "{at} {verb} \"{}\", which is not a node of this project",
                    truncate(n.as_str())
                ),
            ));
            None
        }
    }
}

fn wrong_kind(n: &NodeId, at: &str, what: &str, needs: KindTag, is: KindTag) -> Diagnostic {
    Diagnostic::error(
        "wrong-kind",
        Subject::Node(n.clone()),
        format!(
            "{at}: {what} needs a {}, but this is a {}",
            needs.name(),
            is.name()
        ),
    )
}

fn check_action(p: &Project, a: &Action, at: &str, out: &mut Vec<Diagnostic>) {
    let s = Subject::Project;
    match a {
        Action::Run | Action::Pause | Action::ClearFaults => {}
        Action::InjectFault(f) => {
            if let Some(m) = f.kind.problem() {
                bad(out, &s, format!("{at}: {}: {m}", f.kind.label()));
            }
            match &f.target {
                FaultTarget::Node(n) => {
                    if let Some(tag) = node_exists(p, n, at, "injects a fault on", out)
                        && (f.kind.is_edge_fault() || !f.kind.applies_to(tag))
                    {
                        out.push(Diagnostic::error(
                            "wrong-kind",
                            Subject::Node(n.clone()),
                            format!(
                                "{at}: a {} fault cannot be put on a {}",
                                f.kind.label(),
                                tag.name()
                            ),
                        ));
                    }
                }
                FaultTarget::Edge(e) => {
                    if !p.graph.edges.contains_key(e) {
                        out.push(Diagnostic::error(
                            "unknown-edge",
                            s,
                            format!(
                                "{at} injects a fault on \"{}\", which is not an edge",
                                truncate(e.as_str())
                            ),
                        ));
                    } else if !f.kind.is_edge_fault() {
                        out.push(Diagnostic::error(
                            "wrong-kind",
                            Subject::Edge(e.clone()),
                            format!(
                                "{at}: a {} fault goes on a node, not an edge",
                                f.kind.label()
                            ),
                        ));
                    }
                }
            }
        }
        Action::SetWorkload { node, arrival } => {
            if let Some(tag) = node_exists(p, node, at, "changes the workload of", out)
                && tag != KindTag::Client
            {
                out.push(wrong_kind(
                    node,
                    at,
                    "a workload change",
                    KindTag::Client,
                    tag,
                ));
            }
            if let Some(m) = arrival.problem() {
                bad(out, &s, format!("{at}: workload: {m}"));
            }
        }
        Action::Deploy {
            node,
            changes,
            strategy,
        } => {
            if let Some(tag) = node_exists(p, node, at, "deploys", out)
                && tag != KindTag::Function
            {
                out.push(wrong_kind(node, at, "a deploy", KindTag::Function, tag));
            }
            if let Some(name) = strategy.rollback_on_alarm()
                && !p.alarms.iter().any(|a| a.name == name)
            {
                bad(
                    out,
                    &Subject::Project,
                    format!(
                        "{at}: the deploy rolls back on the alarm \"{}\", which this project does not have",
                        truncate(name)
                    ),
                );
            }
            // The deployed version is checked as a function: by the same check as the
            // project's own functions (problems its base already has are reported there).
            let base = p
                .graph
                .node(node)
                .and_then(|n| n.kind.as_function())
                .cloned()
                .unwrap_or_default();
            let known = base.problems_on(p.provider);
            let mut problems: Vec<String> = changes
                .apply_to(&base)
                .problems_on(p.provider)
                .into_iter()
                .filter(|m| !known.contains(m))
                .collect();
            problems.extend(strategy.problems());
            for m in problems {
                bad(out, &s, format!("{at}: deploy: {m}"));
            }
        }
        Action::Rollback { node } => {
            if let Some(tag) = node_exists(p, node, at, "rolls back", out)
                && tag != KindTag::Function
            {
                out.push(wrong_kind(node, at, "a rollback", KindTag::Function, tag));
            }
        }
    }
}
