//! Validation: whether a project can run as written (errors) — ids, references, parameter
//! ranges, legal wiring. Design advice lives in [`super::lints`].

use super::connect::{can_connect_kinds, self_edge_problem};
use super::cron::Cron;
use super::diagnostic::{Diagnostic, Subject, truncate};
use super::edge::{EdgeKind, EdgeTag};
use super::expectation::Expectation;
use super::fault::FaultTarget;
use super::ids::id_problem;
use super::node::{
    FUNCTION_MAX_TIMEOUT_MS, FunctionParams, KindTag, NodeKind, Scaling, ScheduleTrigger,
};
use super::project::{MAX_RUN_MS, Project};
use super::provider::Provider;

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

fn probability(out: &mut Vec<Diagnostic>, s: &Subject, field: &str, p: f64) {
    if !(p.is_finite() && (0.0..=1.0).contains(&p)) {
        bad(
            out,
            s,
            format!("{field} must be a probability between 0 and 1 (got {p})"),
        );
    }
}

fn check_project(p: &Project, out: &mut Vec<Diagnostic>) {
    let s = Subject::Project;
    if p.name.chars().count() > MAX_NAME_CHARS {
        check_name(out, &s, &p.name);
    }
    if p.run.duration_ms == 0 || p.run.duration_ms > MAX_RUN_MS {
        bad(
            out,
            &s,
            format!(
                "run.duration_ms must be between 1 and {MAX_RUN_MS} (30 days); got {}",
                p.run.duration_ms
            ),
        );
    }
    if p.run.account_concurrency == 0 {
        bad(out, &s, "run.account_concurrency must be at least 1");
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
    if p.pricing.function_min_billed_ms > 3_600_000 {
        bad(
            out,
            &s,
            "pricing.function_min_billed_ms must be at most 3600000",
        );
    }
    if !(1..=10_240).contains(&p.pricing.function_memory_step_mb) {
        bad(
            out,
            &s,
            "pricing.function_memory_step_mb must be between 1 and 10240",
        );
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
        match &node.kind {
            NodeKind::Client(c) => {
                if let Some(m) = c.arrival.problem() {
                    bad(out, &s, format!("arrival: {m}"));
                }
            }
            NodeKind::HttpApi(a) => {
                if !(a.rate_limit_rps.is_finite()
                    && a.rate_limit_rps > 0.0
                    && a.rate_limit_rps <= 1e7)
                {
                    bad(
                        out,
                        &s,
                        format!(
                            "rate_limit_rps must be between 0 and 10000000 (got {})",
                            a.rate_limit_rps
                        ),
                    );
                }
                if a.integration_timeout_ms == 0
                    || a.integration_timeout_ms > FUNCTION_MAX_TIMEOUT_MS
                {
                    bad(
                        out,
                        &s,
                        format!(
                            "integration_timeout_ms must be between 1 and {FUNCTION_MAX_TIMEOUT_MS} (got {})",
                            a.integration_timeout_ms
                        ),
                    );
                }
                if !(a.overhead_ms.is_finite() && (0.0..=60_000.0).contains(&a.overhead_ms)) {
                    bad(
                        out,
                        &s,
                        format!(
                            "overhead_ms must be between 0 and 60000 (got {})",
                            a.overhead_ms
                        ),
                    );
                }
            }
            NodeKind::Schedule(sch) => match &sch.trigger {
                ScheduleTrigger::Rate { every_ms } => {
                    if *every_ms < 1_000 {
                        bad(
                            out,
                            &s,
                            format!("every_ms must be at least 1000 (got {every_ms})"),
                        );
                    }
                }
                ScheduleTrigger::Cron { expression } => {
                    if let Err(m) = Cron::parse(expression) {
                        bad(
                            out,
                            &s,
                            format!("cron expression {:?}: {m}", truncate(expression)),
                        );
                    }
                }
            },
            NodeKind::Bucket(b) => {
                if let Some(m) = b.notification_delay.problem() {
                    bad(out, &s, format!("notification_delay: {m}"));
                }
                probability(out, &s, "duplicate_probability", b.duplicate_probability);
            }
            NodeKind::Table(t) => {
                if let Some(m) = t.stream_delay.problem() {
                    bad(out, &s, format!("stream_delay: {m}"));
                }
                probability(out, &s, "duplicate_probability", t.duplicate_probability);
                if !(t.write_latency_ms.is_finite()
                    && (0.0..=60_000.0).contains(&t.write_latency_ms))
                {
                    bad(
                        out,
                        &s,
                        format!(
                            "write_latency_ms must be between 0 and 60000 (got {})",
                            t.write_latency_ms
                        ),
                    );
                }
            }
            NodeKind::Queue(q) => {
                if q.visibility_timeout_ms > 43_200_000 {
                    bad(
                        out,
                        &s,
                        format!(
                            "visibility_timeout_ms must be at most 12 h (43200000); got {}",
                            q.visibility_timeout_ms
                        ),
                    );
                }
                if !(60_000..=1_209_600_000).contains(&q.retention_ms) {
                    bad(
                        out,
                        &s,
                        format!(
                            "retention_ms must be between 1 minute and 14 days (got {})",
                            q.retention_ms
                        ),
                    );
                }
                if let Some(n) = q.max_receive_count
                    && !(1..=1_000).contains(&n)
                {
                    bad(
                        out,
                        &s,
                        format!("max_receive_count must be between 1 and 1000 (got {n})"),
                    );
                }
                if q.delivery_delay_ms > 900_000 {
                    bad(
                        out,
                        &s,
                        format!(
                            "delivery_delay_ms must be at most 15 minutes (got {})",
                            q.delivery_delay_ms
                        ),
                    );
                }
                if q.depth_alarm == 0 {
                    bad(out, &s, "depth_alarm must be at least 1");
                }
            }
            NodeKind::Topic(t) => {
                if let Some(m) = t.delivery_delay.problem() {
                    bad(out, &s, format!("delivery_delay: {m}"));
                }
            }
            NodeKind::Function(f) => {
                check_provider_limits(p, f, &s, out);
                if let Some(r) = f.reserved_concurrency
                    && f.provisioned_concurrency > r
                {
                    bad(
                        out,
                        &s,
                        format!(
                            "provisioned_concurrency ({}) exceeds reserved_concurrency ({r})",
                            f.provisioned_concurrency
                        ),
                    );
                }
                if f.provisioned_concurrency > p.run.account_concurrency {
                    bad(
                        out,
                        &s,
                        format!(
                            "provisioned_concurrency ({}) exceeds the account limit ({})",
                            f.provisioned_concurrency, p.run.account_concurrency
                        ),
                    );
                }
                match f.scaling {
                    Scaling::Standard => {}
                    Scaling::LegacyBurst {
                        initial,
                        per_minute,
                    } => {
                        if initial == 0 || per_minute == 0 {
                            bad(
                                out,
                                &s,
                                "legacy burst scaling needs initial and per_minute above 0",
                            );
                        }
                    }
                    Scaling::Custom {
                        environments,
                        every_ms,
                    } => {
                        if environments == 0 || every_ms == 0 {
                            bad(
                                out,
                                &s,
                                "custom scaling needs environments and every_ms above 0",
                            );
                        }
                    }
                }
                if let Some(m) = f.cold_start.problem() {
                    bad(out, &s, format!("cold_start: {m}"));
                }
                if let Some(m) = f.duration.problem() {
                    bad(out, &s, format!("duration: {m}"));
                }
                if f.keep_alive_ms > 86_400_000 {
                    bad(
                        out,
                        &s,
                        format!(
                            "keep_alive_ms must be at most a day (got {})",
                            f.keep_alive_ms
                        ),
                    );
                }
                probability(out, &s, "error_probability", f.error_probability);
                if f.retry.max_retries > 2 {
                    bad(
                        out,
                        &s,
                        format!(
                            "retry.max_retries must be 0, 1 or 2 (got {})",
                            f.retry.max_retries
                        ),
                    );
                }
                if !(60_000..=21_600_000).contains(&f.retry.max_event_age_ms) {
                    bad(
                        out,
                        &s,
                        format!(
                            "retry.max_event_age_ms must be between 1 minute and 6 hours (got {})",
                            f.retry.max_event_age_ms
                        ),
                    );
                }
                if f.retry.retry_delay_ms > f.retry.max_event_age_ms {
                    bad(
                        out,
                        &s,
                        "retry.retry_delay_ms is longer than retry.max_event_age_ms",
                    );
                }
            }
        }
    }
}

/// Memory, timeout and warm instances against the limits of the function's provider. AWS's
/// messages name only the numbers (as before providers existed); others name the product.
fn check_provider_limits(p: &Project, f: &FunctionParams, s: &Subject, out: &mut Vec<Diagnostic>) {
    let provider = f.provider_in(p.provider);
    let profile = provider.profile();
    let on = match provider {
        Provider::Aws => String::new(),
        Provider::Gcp | Provider::AzureFlex | Provider::AzureConsumption => {
            format!(" on {}", profile.product)
        }
    };
    if !profile.memory.allows(f.memory_mb) {
        bad(
            out,
            s,
            format!(
                "memory_mb must be {}{on} (got {})",
                profile.memory.describe(),
                f.memory_mb
            ),
        );
    }
    match profile.max_timeout_ms {
        Some(max) if !profile.timeout_allowed(f.timeout_ms) => bad(
            out,
            s,
            format!(
                "timeout_ms must be between 1 and {max}{on} (got {})",
                f.timeout_ms
            ),
        ),
        None if f.timeout_ms == 0 || f.timeout_ms > MAX_RUN_MS => bad(
            out,
            s,
            format!(
                "timeout_ms must be between 1 and {MAX_RUN_MS} (got {})",
                f.timeout_ms
            ),
        ),
        Some(_) | None => {}
    }
    if f.provisioned_concurrency > 0 && profile.rates.warm_per_gb_s == 0.0 {
        bad(
            out,
            s,
            format!(
                "{} has no {}: provisioned_concurrency must be 0 (got {})",
                profile.product, profile.names.warm_instances, f.provisioned_concurrency
            ),
        );
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
                out.push(Diagnostic::error("illegal-edge", s.clone(), m));
            }
            if let (EdgeKind::EventSource(esm), Some(q)) = (&e.kind, f.kind.as_queue())
                && q.fifo
                && esm.batch_size > 10
            {
                bad(
                    out,
                    &s,
                    format!(
                        "a FIFO queue delivers at most 10 messages per batch (batch_size is {})",
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
        probability(out, &s, "emit.probability", e.emit.probability);
        if e.emit.count == 0 || e.emit.count > 1_000 {
            bad(
                out,
                &s,
                format!(
                    "emit.count must be between 1 and 1000 (got {})",
                    e.emit.count
                ),
            );
        }
        match &e.kind {
            EdgeKind::EventSource(m) => {
                if !(1..=10_000).contains(&m.batch_size) {
                    bad(
                        out,
                        &s,
                        format!(
                            "batch_size must be between 1 and 10000 (got {})",
                            m.batch_size
                        ),
                    );
                }
                if m.batch_window_ms > 300_000 {
                    bad(
                        out,
                        &s,
                        format!(
                            "batch_window_ms must be at most 300000 (got {})",
                            m.batch_window_ms
                        ),
                    );
                }
                if let Some(c) = m.max_concurrency
                    && !(2..=1_000).contains(&c)
                {
                    bad(
                        out,
                        &s,
                        format!("max_concurrency must be between 2 and 1000 (got {c})"),
                    );
                }
            }
            EdgeKind::Subscription(sub) => {
                let f = sub.retry.backoff_factor;
                if !(f.is_finite() && (1.0..=10.0).contains(&f)) {
                    bad(
                        out,
                        &s,
                        format!("retry.backoff_factor must be between 1 and 10 (got {f})"),
                    );
                }
                if sub.retry.max_retries > 100 {
                    bad(
                        out,
                        &s,
                        format!(
                            "retry.max_retries must be at most 100 (got {})",
                            sub.retry.max_retries
                        ),
                    );
                }
            }
            EdgeKind::AsyncInvoke
            | EdgeKind::SyncInvoke
            | EdgeKind::Write
            | EdgeKind::OnFailure => {}
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
            | Expectation::NoEventLost => None,
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
