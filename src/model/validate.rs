//! Validation: whether a project can run as written (errors) — ids, references, parameter
//! ranges, legal wiring. Design advice lives in [`super::lints`].

use super::connect::{can_connect_kinds, self_edge_problem};
use super::diagnostic::{Diagnostic, Subject, truncate};
use super::edge::{EdgeKind, EdgeTag};
use super::expectation::Expectation;
use super::fault::FaultTarget;
use super::ids::id_problem;
use super::node::{KindTag, NodeKind, QueueParams};
use super::project::{MAX_RUN_MS, Project};

/// Longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// Every error and design warning for `project`, in a stable order (project, nodes, edges,
/// expectations, experiments, layout, lesson, then lints).
pub fn validate(project: &Project) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_project(project, &mut out);
    check_nodes(project, &mut out);
    check_edges(project, &mut out);
    check_expectations(project, &mut out);
    check_alarms(project, &mut out);
    check_experiments(project, &mut out);
    check_layout(project, &mut out);
    super::lesson_check::check_lesson(project, &mut out);
    super::lints::lint(project, &mut out);
    out
}

pub(super) fn bad(out: &mut Vec<Diagnostic>, subject: &Subject, msg: impl Into<String>) {
    out.push(Diagnostic::error("bad-parameter", subject.clone(), msg));
}

pub(super) fn check_name(out: &mut Vec<Diagnostic>, subject: &Subject, name: &str) {
    let n = name.chars().count();
    if n > MAX_NAME_CHARS {
        out.push(Diagnostic::error(
            "name-too-long",
            subject.clone(),
            format!("the name has {n} characters; at most {MAX_NAME_CHARS} are allowed"),
        ));
    } else if name.chars().any(char::is_control) {
        out.push(Diagnostic::error(
            "name-invalid",
            subject.clone(),
            "the name contains control characters (line breaks, tabs…)",
        ));
    }
}

fn check_project(p: &Project, out: &mut Vec<Diagnostic>) {
    let s = Subject::Project;
    if p.name.chars().count() > MAX_NAME_CHARS {
        check_name(out, &s, &p.name);
    }
    for m in p.run.problems() {
        bad(out, &s, m);
    }
    for m in p.pricing.problems() {
        bad(out, &s, m);
    }
    let rate = p.run.api_rate_limit_rps;
    if !(rate.is_finite() && rate > 0.0 && rate <= 1e7) {
        bad(
            out,
            &s,
            format!("run.api_rate_limit_rps must be between 0 and 10000000 (got {rate})"),
        );
    }
    if p.run.api_burst == 0 {
        bad(out, &s, "run.api_burst must be at least 1");
    }
    if !(10..=3_600).contains(&p.run.cost_window_s) {
        bad(
            out,
            &s,
            format!(
                "run.cost_window_s must be between 10 and 3600 (got {})",
                p.run.cost_window_s
            ),
        );
    }
    if p.pricing.server_vcpus == 0 {
        bad(out, &s, "pricing.server_vcpus must be at least 1");
    }
    let u = p.pricing.server_target_utilisation;
    if !(u.is_finite() && (0.05..=1.0).contains(&u)) {
        bad(
            out,
            &s,
            format!("pricing.server_target_utilisation must be between 0.05 and 1 (got {u})"),
        );
    }
    if p.pricing.server_instance.chars().count() > MAX_NAME_CHARS
        || p.pricing.server_instance.chars().any(char::is_control)
    {
        bad(
            out,
            &s,
            format!(
                "pricing.server_instance must be a name of at most {MAX_NAME_CHARS} characters without line breaks"
            ),
        );
    }
    for (field, price) in p.pricing.prices() {
        if !(price.is_finite() && (0.0..1e9).contains(&price)) {
            bad(
                out,
                &s,
                format!("pricing.{field} must be a price ≥ 0 (got {price})"),
            );
        }
    }
    if p.pricing.billing_granularity_ms == 0 || p.pricing.billing_granularity_ms > 3_600_000 {
        bad(
            out,
            &s,
            "pricing.billing_granularity_ms must be between 1 and 3600000",
        );
    }
}

fn check_nodes(p: &Project, out: &mut Vec<Diagnostic>) {
    for (id, node) in &p.graph.nodes {
        let s = Subject::Node(id.clone());
        if let Some(problem) = id_problem(id.as_str()) {
            out.push(Diagnostic::error("id-invalid", s.clone(), problem));
        }
        check_name(out, &s, &node.name);
        for m in node.kind.problems_on(p.provider) {
            bad(out, &s, m);
        }
        if let NodeKind::Function(f) = &node.kind
            && f.provisioned_concurrency > p.run.account_concurrency
        {
            bad(
                out,
                &s,
                format!(
                    "provisioned_concurrency ({}) exceeds the account limit ({})",
                    f.provisioned_concurrency, p.run.account_concurrency
                ),
            );
        }
    }
}

fn check_edges(p: &Project, out: &mut Vec<Diagnostic>) {
    let g = &p.graph;
    let mut seen = std::collections::BTreeSet::new();
    for (id, e) in &g.edges {
        let s = Subject::Edge(id.clone());
        if let Some(problem) = id_problem(id.as_str()) {
            out.push(Diagnostic::error("id-invalid", s.clone(), problem));
        }
        let (from, to) = (g.node(&e.from), g.node(&e.to));
        for (end, node) in [(&e.from, from), (&e.to, to)] {
            if node.is_none() {
                out.push(Diagnostic::error(
                    "dangling-edge",
                    s.clone(),
                    format!(
                        "connects to \"{}\", which is not a node of this project",
                        truncate(end.as_str())
                    ),
                ));
            }
        }
        if let (Some(f), Some(t)) = (from, to) {
            if e.from == e.to
                && let Some(m) = self_edge_problem(e.kind.tag())
            {
                out.push(Diagnostic::error("illegal-edge", s.clone(), m));
            }
            if let Err(m) = can_connect_kinds(f.kind.tag(), t.kind.tag(), e.kind.tag()) {
                out.push(Diagnostic::error("illegal-edge", s.clone(), m.to_string()));
            }
            if let (EdgeKind::EventSource(esm), Some(q)) = (&e.kind, f.kind.as_queue())
                && q.fifo
                && esm.batch_size > QueueParams::FIFO_MAX_BATCH
            {
                bad(
                    out,
                    &s,
                    format!(
                        "a FIFO queue delivers at most {} messages per batch (batch_size is {})",
                        QueueParams::FIFO_MAX_BATCH,
                        esm.batch_size
                    ),
                );
            }
            if let NodeKind::Table(t) = &f.kind
                && e.kind.tag() == EdgeTag::EventSource
                && !t.stream_enabled
            {
                out.push(Diagnostic::error("stream-disabled", s.clone(), format!("table \"{}\" has its stream disabled, so this mapping never receives anything", e.from)));
            }
        }
        if !seen.insert((&e.from, &e.to, e.kind.tag())) {
            out.push(Diagnostic::warning(
                "duplicate-edge",
                s.clone(),
                format!(
                    "another {} edge already joins \"{}\" to \"{}\"; every event is sent twice",
                    e.kind.tag().label(),
                    e.from,
                    e.to
                ),
            ));
        }
        let kind_problems = match &e.kind {
            EdgeKind::EventSource(m) => m.problems(),
            EdgeKind::Subscription(sub) => sub.retry.problems(),
            EdgeKind::AsyncInvoke
            | EdgeKind::SyncInvoke
            | EdgeKind::Write
            | EdgeKind::OnFailure => Vec::new(),
        };
        for m in e.emit.problems().into_iter().chain(kind_problems) {
            bad(out, &s, m);
        }
    }
}

/// Each alarm's settings, its node (which must exist and have the metric) and unique names.
fn check_alarms(p: &Project, out: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::BTreeSet::new();
    for a in &p.alarms {
        let at = format!("alarm \"{}\"", truncate(&a.name));
        for m in a.problems() {
            bad(out, &Subject::Project, format!("{at}: {m}"));
        }
        if !seen.insert(a.name.as_str()) {
            bad(
                out,
                &Subject::Project,
                format!("{at}: two alarms have this name; give each its own"),
            );
        }
        let Some(node) = p.graph.node(&a.node) else {
            out.push(Diagnostic::error(
                "unknown-node",
                Subject::Project,
                format!(
                    "{at} watches \"{}\", which is not a node of this project",
                    truncate(a.node.as_str())
                ),
            ));
            continue;
        };
        let tag = node.kind.tag();
        if !a.metric.applies_to(tag) {
            bad(
                out,
                &Subject::Node(a.node.clone()),
                format!("{at}: a {} has no {} metric", tag.name(), a.metric.words()),
            );
        }
    }
}

fn check_expectations(p: &Project, out: &mut Vec<Diagnostic>) {
    for (i, x) in p.expectations.iter().enumerate() {
        let s = Subject::Project;
        let at = format!("expectation {}", i + 1);
        if let Some(m) = x.problem() {
            bad(out, &s, format!("{at}: {m}"));
        }
        if let Expectation::AlarmNeverFired { alarm } = x
            && !p.alarms.iter().any(|a| a.name == *alarm)
        {
            bad(
                out,
                &s,
                format!(
                    "{at} names the alarm \"{}\", which this project does not have",
                    truncate(alarm)
                ),
            );
        }
        let Some(node_id) = x.node() else { continue };
        let Some(node) = p.graph.node(node_id) else {
            out.push(Diagnostic::error(
                "unknown-node",
                s,
                format!(
                    "{at} names \"{}\", which is not a node of this project",
                    truncate(node_id.as_str())
                ),
            ));
            continue;
        };
        let needs = match x {
            Expectation::DlqEmpty { .. } | Expectation::QueueDepthBelow { .. } => {
                Some(KindTag::Queue)
            }
            Expectation::ColdStartRateBelow { .. } => Some(KindTag::Function),
            Expectation::LatencyBelow { .. }
            | Expectation::ErrorRateBelow { .. }
            | Expectation::ThrottleRateBelow { .. }
            | Expectation::CostPerDayBelow { .. }
            | Expectation::NoEventLost
            | Expectation::AlarmNeverFired { .. } => None,
        };
        if let Some(k) = needs
            && node.kind.tag() != k
        {
            out.push(Diagnostic::error(
                "wrong-kind",
                Subject::Node(node_id.clone()),
                format!(
                    "{at} needs a {}, but this is a {}",
                    k.name(),
                    node.kind.tag().name()
                ),
            ));
        }
    }
}

fn check_experiments(p: &Project, out: &mut Vec<Diagnostic>) {
    let g = &p.graph;
    for x in &p.experiments {
        let at = format!("experiment \"{}\"", truncate(&x.name));
        check_name(out, &Subject::Project, &x.name);
        for sf in &x.faults {
            if let Some(m) = sf.fault.kind.problem() {
                bad(
                    out,
                    &Subject::Project,
                    format!("{at}: {}: {m}", sf.fault.kind.label()),
                );
            }
            if sf.at_ms > MAX_RUN_MS || sf.duration_ms.is_some_and(|d| d > MAX_RUN_MS) {
                bad(
                    out,
                    &Subject::Project,
                    format!("{at}: fault times must be within 30 days"),
                );
            }
            match &sf.fault.target {
                FaultTarget::Node(n) => match g.node(n) {
                    None => out.push(Diagnostic::error(
                        "unknown-node",
                        Subject::Project,
                        format!(
                            "{at}: fault on \"{}\", which is not a node",
                            truncate(n.as_str())
                        ),
                    )),
                    Some(node) => {
                        let kind_ok = sf.fault.kind.applies_to(node.kind.tag());
                        if !kind_ok {
                            out.push(Diagnostic::error(
                                "wrong-kind",
                                Subject::Node(n.clone()),
                                format!(
                                    "{at}: a {} fault cannot be put on a {}",
                                    sf.fault.kind.label(),
                                    node.kind.tag().name()
                                ),
                            ));
                        }
                    }
                },
                FaultTarget::Edge(e) => {
                    if !g.edges.contains_key(e) {
                        out.push(Diagnostic::error(
                            "unknown-edge",
                            Subject::Project,
                            format!(
                                "{at}: fault on \"{}\", which is not an edge",
                                truncate(e.as_str())
                            ),
                        ));
                    } else if !sf.fault.kind.is_edge_fault() {
                        out.push(Diagnostic::error(
                            "wrong-kind",
                            Subject::Edge(e.clone()),
                            format!(
                                "{at}: a {} fault goes on a node, not an edge",
                                sf.fault.kind.label()
                            ),
                        ));
                    }
                }
            }
        }
        if let Some(stop) = &x.stop_when {
            if g.node(&stop.node).is_none() {
                out.push(Diagnostic::error(
                    "unknown-node",
                    Subject::Project,
                    format!(
                        "{at}: stop condition watches \"{}\", which is not a node",
                        truncate(stop.node.as_str())
                    ),
                ));
            }
            if !stop.above.is_finite() {
                bad(
                    out,
                    &Subject::Project,
                    format!(
                        "{at}: stop threshold must be a finite number (got {})",
                        stop.above
                    ),
                );
            }
        }
    }
}

fn check_layout(p: &Project, out: &mut Vec<Diagnostic>) {
    for (id, pos) in &p.layout.positions {
        if !p.graph.nodes.contains_key(id) {
            out.push(Diagnostic::warning(
                "layout-unknown-node",
                Subject::Project,
                format!(
                    "the layout places \"{}\", which is not a node (it will be dropped on save)",
                    truncate(id.as_str())
                ),
            ));
        } else if !(pos.x.is_finite()
            && pos.y.is_finite()
            && pos.x.abs() < 1e7
            && pos.y.abs() < 1e7)
        {
            bad(
                out,
                &Subject::Node(id.clone()),
                format!(
                    "canvas position ({}, {}) is not a usable number",
                    pos.x, pos.y
                ),
            );
        }
    }
}
