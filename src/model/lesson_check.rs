//! Validation of a project's lesson: referenced nodes exist and have the right kind, faults
//! apply to their targets, numbers are in range, placeholders name real values.

use super::diagnostic::{Diagnostic, Subject, truncate};
use super::fault::FaultTarget;
use super::ids::NodeId;
use super::lesson::{Action, Check, MAX_STEP_S, Placeholder, Segment, Step, segments};
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
}

fn depth(c: &Check) -> usize {
    match c {
        Check::All(cs) | Check::Any(cs) => 1 + cs.iter().map(depth).max().unwrap_or(0),
        Check::Node { .. }
        | Check::NodeGrows { .. }
        | Check::Run { .. }
        | Check::RunGrows { .. }
        | Check::Elapsed { .. } => 0,
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
