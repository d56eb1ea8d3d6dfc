//! Design lints: what a serverless expert would point out in a design that does run.

use super::diagnostic::{Diagnostic, Subject};
use super::distribution::Distribution;
use super::edge::{EdgeKind, EdgeTag};
use super::graph::{Adjacency, Graph};
use super::ids::NodeId;
use super::node::{KindTag, NodeKind, RECURSIVE_LOOP_LIMIT, RecursiveLoop};
use super::project::Project;
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::BTreeMap;

/// AWS recommends a queue's visibility timeout of at least six times its consumer's timeout.
pub const VISIBILITY_FACTOR: u64 = 6;
/// Concurrency Lambda keeps unreserved in every account.
pub const UNRESERVED_MIN: u32 = 100;

/// Appends the design lints for `p` to `out`.
pub fn lint(p: &Project, out: &mut Vec<Diagnostic>) {
    let g = &p.graph;
    let adj = g.adjacency();
    visibility_timeout(g, out);
    failure_destinations(g, &adj, out);
    api_timeouts(g, out);
    sync_timeouts(g, out);
    timeouts_below_duration(g, out);
    reserved_concurrency(p, out);
    queue_pollers(g, out);
    mapping_settings(g, out);
    delivery_guarantees(g, out);
    subscription_retries(g, out);
    queues(g, &adj, out);
    unconnected(g, &adj, out);
    cycles(g, out);
}

fn node_subject(id: &NodeId) -> Subject {
    Subject::Node(id.clone())
}

/// Edges whose ends both exist, with the end nodes' kinds.
fn wired(g: &Graph) -> impl Iterator<Item = (&super::edge::Edge, &NodeKind, &NodeKind)> {
    g.edges
        .values()
        .filter_map(|e| Some((e, &g.node(&e.from)?.kind, &g.node(&e.to)?.kind)))
}

fn visibility_timeout(g: &Graph, out: &mut Vec<Diagnostic>) {
    for (e, from, to) in wired(g) {
        if let (NodeKind::Queue(q), NodeKind::Function(f), EdgeKind::EventSource(m)) =
            (from, to, &e.kind)
        {
            let needed = f
                .timeout_ms
                .saturating_mul(VISIBILITY_FACTOR)
                .saturating_add(m.batch_window_ms);
            if q.visibility_timeout_ms < needed {
                out.push(Diagnostic::warning(
                    "visibility-timeout",
                    node_subject(&e.from),
                    format!(
                        "visibility timeout is {} s but consumer \"{}\" may run {} s: messages can be received again while still being processed; use at least {} s (6 × the function timeout + batch window)",
                        secs(q.visibility_timeout_ms), e.to, secs(f.timeout_ms), secs(needed)
                    ),
                ));
            }
        }
    }
}

fn failure_destinations(g: &Graph, adj: &Adjacency<'_>, out: &mut Vec<Diagnostic>) {
    for (id, node) in &g.nodes {
        if node.kind.tag() != KindTag::Function {
            continue;
        }
        let async_in = adj.to(id).any(|(_, e)| {
            matches!(e.kind.tag(), EdgeTag::AsyncInvoke | EdgeTag::Subscription)
                && g.nodes.contains_key(&e.from)
        });
        let has_dest = adj
            .from(id)
            .any(|(_, e)| e.kind.tag() == EdgeTag::OnFailure);
        if async_in && !has_dest {
            out.push(Diagnostic::warning(
                "no-failure-destination",
                node_subject(id),
                "invoked asynchronously but has no on-failure destination or DLQ: events that fail every retry are lost silently",
            ));
        }
    }
}

fn api_timeouts(g: &Graph, out: &mut Vec<Diagnostic>) {
    for (e, from, to) in wired(g) {
        if let (NodeKind::HttpApi(a), NodeKind::Function(f), EdgeKind::SyncInvoke) =
            (from, to, &e.kind)
            && a.integration_timeout_ms < f.timeout_ms
        {
            out.push(Diagnostic::warning(
                "api-timeout",
                node_subject(&e.from),
                format!(
                    "integration timeout ({} s) is shorter than the timeout of \"{}\" ({} s): callers get 504 while the function keeps running (and billing)",
                    secs(a.integration_timeout_ms), e.to, secs(f.timeout_ms)
                ),
            ));
        }
    }
}

fn sync_timeouts(g: &Graph, out: &mut Vec<Diagnostic>) {
    for (e, from, to) in wired(g) {
        if let (NodeKind::Function(caller), NodeKind::Function(callee), EdgeKind::SyncInvoke) =
            (from, to, &e.kind)
            && e.from != e.to
            && callee.timeout_ms >= caller.timeout_ms
        {
            out.push(Diagnostic::warning(
                "sync-timeout",
                node_subject(&e.from),
                format!(
                    "calls \"{}\" synchronously, whose timeout ({} s) is not shorter than its own ({} s): a slow callee times the caller out too",
                    e.to, secs(callee.timeout_ms), secs(caller.timeout_ms)
                ),
            ));
        }
    }
}

/// Share of invocations above which a function's timeout is linted (`timeout-below-duration`):
/// most of them would time out.
pub const TIMEOUT_SHARE: f64 = 0.5;

fn timeouts_below_duration(g: &Graph, out: &mut Vec<Diagnostic>) {
    for (id, n) in &g.nodes {
        let NodeKind::Function(f) = &n.kind else {
            continue;
        };
        let share = share_above(&f.duration, f.timeout_ms as f64);
        if share > TIMEOUT_SHARE {
            out.push(Diagnostic::warning(
                "timeout-below-duration",
                node_subject(id),
                format!(
                    "timeout ({} s) is below its typical duration (median {} ms): about {:.0} % of invocations would time out (raise the timeout or shorten the work)",
                    secs(f.timeout_ms),
                    round_ms(median_ms(&f.duration)),
                    share * 100.0
                ),
            ));
        }
    }
}

/// The share of draws of `d` longer than `ms` (0 … 1).
pub fn share_above(d: &Distribution, ms: f64) -> f64 {
    match d {
        Distribution::Constant { ms: v } => f64::from(u8::from(*v > ms)),
        Distribution::Exponential { mean_ms } if *mean_ms > 0.0 => (-ms / mean_ms).exp(),
        Distribution::Exponential { .. } => 0.0,
        Distribution::LogNormal { median_ms, sigma } if *median_ms > 0.0 && ms > 0.0 => {
            if *sigma > 0.0 {
                1.0 - normal_cdf((ms / median_ms).ln() / sigma)
            } else {
                f64::from(u8::from(*median_ms > ms))
            }
        }
        Distribution::LogNormal { median_ms, .. } => f64::from(u8::from(*median_ms > ms)),
        Distribution::Uniform { min_ms, max_ms } if max_ms > min_ms => {
            ((max_ms - ms) / (max_ms - min_ms)).clamp(0.0, 1.0)
        }
        Distribution::Uniform { min_ms, .. } => f64::from(u8::from(*min_ms > ms)),
        Distribution::Empirical { samples_ms } if !samples_ms.is_empty() => {
            samples_ms.iter().filter(|&&v| v > ms).count() as f64 / samples_ms.len() as f64
        }
        Distribution::Empirical { .. } => 0.0,
    }
    .clamp(0.0, 1.0)
}

/// The median of `d`, ms.
pub fn median_ms(d: &Distribution) -> f64 {
    match d {
        Distribution::Constant { ms } => *ms,
        Distribution::Exponential { mean_ms } => mean_ms * std::f64::consts::LN_2,
        Distribution::LogNormal { median_ms, .. } => *median_ms,
        Distribution::Uniform { min_ms, max_ms } => (min_ms + max_ms) / 2.0,
        Distribution::Empirical { samples_ms } => {
            let mut s: Vec<f64> = samples_ms
                .iter()
                .copied()
                .filter(|v| v.is_finite())
                .collect();
            s.sort_by(f64::total_cmp);
            s.get(s.len() / 2).copied().unwrap_or(0.0)
        }
    }
}

/// The standard normal CDF (Abramowitz and Stegun 7.1.26, error below 1.5e-7).
fn normal_cdf(z: f64) -> f64 {
    let x = z.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-x * x).exp();
    if z >= 0.0 {
        0.5 * (1.0 + erf)
    } else {
        0.5 * (1.0 - erf)
    }
}

fn round_ms(ms: f64) -> String {
    if ms >= 10.0 || ms.fract() == 0.0 {
        format!("{ms:.0}")
    } else {
        format!("{ms:.1}")
    }
}

fn reserved_concurrency(p: &Project, out: &mut Vec<Diagnostic>) {
    let limit = p.run.account_concurrency;
    let usable = limit.saturating_sub(UNRESERVED_MIN);
    let mut total: u64 = 0;
    let mut claimants = 0;
    for (id, node) in &p.graph.nodes {
        // The account pool is Lambda's: elsewhere reserved_concurrency is the function's own
        // maximum of instances (the provider's limits check it), drawn from no shared pool.
        let Some(f) = node
            .kind
            .as_function()
            .filter(|f| f.provider_in(p.provider).is_aws())
        else {
            continue;
        };
        // Provisioned concurrency of a function without a reservation is claimed from the
        // account too (a reservation already covers its own).
        let claimed = match f.reserved_concurrency {
            Some(r) => r,
            None => f.provisioned_concurrency,
        };
        if claimed > 0 {
            claimants += 1;
        }
        total += u64::from(claimed);
        let Some(r) = f.reserved_concurrency else {
            continue;
        };
        if r > usable {
            out.push(Diagnostic::error(
                "reserved-over-account",
                node_subject(id),
                format!("reserved concurrency {r} is above what the account allows ({limit} minus the {UNRESERVED_MIN} that must stay unreserved = {usable})"),
            ));
        } else if r == 0 {
            out.push(Diagnostic::warning(
                "reserved-zero",
                node_subject(id),
                "reserved concurrency 0 turns the function off: every invocation is throttled",
            ));
        }
    }
    if total > u64::from(usable) && claimants > 1 {
        out.push(Diagnostic::error(
            "reserved-over-account",
            Subject::Project,
            format!("functions reserve or provision {total} concurrency in all, more than the account's {usable} that can be allocated ({limit} minus the {UNRESERVED_MIN} that must stay unreserved)"),
        ));
    }
}

/// SQS pollers ignore a function's reserved concurrency: batches they cannot hand over are
/// throttled and return after the visibility timeout, counting toward maxReceiveCount. AWS's
/// fix is the mapping's maximum concurrency, at most the reservation.
fn queue_pollers(g: &Graph, out: &mut Vec<Diagnostic>) {
    let mut by_function: BTreeMap<&NodeId, (u32, Vec<Option<u32>>)> = BTreeMap::new();
    for (e, from, to) in wired(g) {
        if let (NodeKind::Queue(_), NodeKind::Function(f), EdgeKind::EventSource(m)) =
            (from, to, &e.kind)
            && let Some(r) = f.reserved_concurrency
            && r > 0
        {
            by_function
                .entry(&e.to)
                .or_insert((r, Vec::new()))
                .1
                .push(m.max_concurrency);
        }
    }
    for (id, (reserved, caps)) in by_function {
        let total: u64 = caps.iter().map(|c| u64::from(c.unwrap_or(1_000))).sum();
        if total > u64::from(reserved) {
            out.push(Diagnostic::warning(
                "pollers-over-reserved",
                node_subject(id),
                format!(
                    "reserved concurrency is {reserved} but its queue mappings may run {total} batches at once: SQS pollers ignore reserved concurrency, so the batches they cannot hand over are throttled, return after the visibility timeout and count toward maxReceiveCount (healthy messages can reach the DLQ); set the mappings' max_concurrency to {reserved} or less in all"
                ),
            ));
        }
    }
}

/// Settings an event-source mapping ignores for its kind of source.
fn mapping_settings(g: &Graph, out: &mut Vec<Diagnostic>) {
    for (id, e) in &g.edges {
        let (EdgeKind::EventSource(m), Some(from)) = (&e.kind, g.node(&e.from)) else {
            continue;
        };
        let subject = Subject::Edge(id.clone());
        match &from.kind {
            NodeKind::Queue(_) => {
                let stream_only = m.parallelization_factor != 1
                    || m.bisect_batch_on_error
                    || m.maximum_retry_attempts.is_some()
                    || m.maximum_record_age_ms.is_some();
                if stream_only {
                    out.push(Diagnostic::warning(
                        "stream-setting-on-queue",
                        subject,
                        "parallelization factor, bisect on error, maximum retry attempts and maximum record age apply to stream mappings only; a queue retries by its visibility timeout and max receive count",
                    ));
                }
            }
            NodeKind::Table(_) => {
                if m.max_concurrency.is_some() {
                    out.push(Diagnostic::warning(
                        "queue-setting-on-stream",
                        subject,
                        "max_concurrency applies to SQS mappings only; a stream mapping runs one batch per shard and parallelization lane",
                    ));
                }
            }
            NodeKind::Client(_)
            | NodeKind::HttpApi(_)
            | NodeKind::Schedule(_)
            | NodeKind::Bucket(_)
            | NodeKind::Topic(_)
            | NodeKind::Function(_) => {}
        }
    }
}

/// Duplicates where the platform delivers exactly once, message groups on a standard queue.
fn delivery_guarantees(g: &Graph, out: &mut Vec<Diagnostic>) {
    for (id, node) in &g.nodes {
        match &node.kind {
            NodeKind::Table(t) if t.duplicate_probability > 0.0 => out.push(Diagnostic::warning(
                "stream-exactly-once",
                node_subject(id),
                "DynamoDB Streams write each record exactly once: duplicate_probability is ignored (duplicates belong to SQS standard queues and S3 notifications)",
            )),
            NodeKind::Queue(q) if q.fifo && q.duplicate_probability > 0.0 => {
                out.push(Diagnostic::warning(
                    "fifo-exactly-once",
                    node_subject(id),
                    "a FIFO queue processes each message exactly once: duplicate_probability is ignored (it applies to standard queues)",
                ))
            }
            NodeKind::Queue(q) if !q.fifo && q.message_groups > 1 => {
                out.push(Diagnostic::warning(
                    "groups-on-standard-queue",
                    node_subject(id),
                    "message groups apply to FIFO queues only: a standard queue delivers in no particular order, and message_groups is ignored",
                ))
            }
            NodeKind::Client(_)
            | NodeKind::HttpApi(_)
            | NodeKind::Schedule(_)
            | NodeKind::Bucket(_)
            | NodeKind::Table(_)
            | NodeKind::Queue(_)
            | NodeKind::Topic(_)
            | NodeKind::Function(_) => {}
        }
    }
}

/// SNS retries deliveries to Lambda and SQS by its own fixed policy; only HTTP/S subscribers
/// have a configurable one, which may span at most an hour.
fn subscription_retries(g: &Graph, out: &mut Vec<Diagnostic>) {
    for (id, e) in &g.edges {
        let (EdgeKind::Subscription(sub), Some(to)) = (&e.kind, g.node(&e.to)) else {
            continue;
        };
        let subject = Subject::Edge(id.clone());
        match to.kind.tag() {
            KindTag::Function | KindTag::Queue => {
                // Files written before SNS's fixed policy was modelled carry the old default
                // (3 retries, 1 s, ×2): ignored too, but not worth a warning.
                let legacy = super::edge::RetryPolicy {
                    max_retries: 3,
                    initial_delay_ms: 1_000,
                    backoff_factor: 2.0,
                };
                if sub.retry != super::edge::RetryPolicy::default() && sub.retry != legacy {
                    out.push(Diagnostic::warning(
                        "sns-fixed-retries",
                        subject,
                        "SNS retries deliveries to Lambda functions and SQS queues by its own policy (100,015 attempts over 23 days), which cannot be changed: this retry policy applies to HTTP/S subscribers only and is ignored",
                    ));
                }
            }
            KindTag::HttpApi => {
                let total_s = sub.retry.total_ms() / 1_000.0;
                if total_s > 3_600.0 {
                    out.push(Diagnostic::warning(
                        "sns-retry-too-long",
                        subject,
                        format!(
                            "the retries span {total_s:.0} s, but SNS caps an HTTP/S delivery policy at 3,600 s in all"
                        ),
                    ));
                }
            }
            KindTag::Client
            | KindTag::Schedule
            | KindTag::Bucket
            | KindTag::Table
            | KindTag::Topic => {}
        }
    }
}

fn queues(g: &Graph, adj: &Adjacency<'_>, out: &mut Vec<Diagnostic>) {
    for (id, node) in &g.nodes {
        let Some(q) = node.kind.as_queue() else {
            continue;
        };
        let dlqs: Vec<&NodeId> = adj
            .from(id)
            .filter(|(_, e)| e.kind.tag() == EdgeTag::OnFailure)
            .map(|(_, e)| &e.to)
            .collect();
        match (q.max_receive_count, dlqs.is_empty()) {
            (Some(n), true) => out.push(Diagnostic::error(
                "redrive-without-dlq",
                node_subject(id),
                format!("max_receive_count is {n} but there is no dead-letter queue: connect an on-failure edge to a queue"),
            )),
            (None, false) => out.push(Diagnostic::warning(
                "dlq-unused",
                node_subject(id),
                "has a dead-letter queue but no max_receive_count, so nothing is ever moved to it: failing messages return until they expire",
            )),
            (Some(_), false) | (None, true) => {}
        }
        for d in dlqs {
            if let Some(dq) = g.node(d).and_then(|n| n.kind.as_queue())
                && dq.fifo != q.fifo
            {
                out.push(Diagnostic::error(
                    "fifo-dlq",
                    node_subject(id),
                    format!(
                        "the dead-letter queue of a {} queue must be {} too (\"{d}\" is not)",
                        fifo(q.fifo),
                        fifo(q.fifo)
                    ),
                ));
            }
        }
        let consumed = adj
            .from(id)
            .any(|(_, e)| e.kind.tag() == EdgeTag::EventSource);
        let is_dlq = adj.to(id).any(|(_, e)| e.kind.tag() == EdgeTag::OnFailure);
        let fed = adj.to(id).next().is_some();
        if fed && !consumed && !is_dlq {
            out.push(Diagnostic::warning(
                "queue-no-consumer",
                node_subject(id),
                "nothing reads from this queue: messages pile up until they expire",
            ));
        }
    }
    for (id, node) in &g.nodes {
        if node.kind.tag() == KindTag::Topic
            && adj.to(id).next().is_some()
            && !adj
                .from(id)
                .any(|(_, e)| e.kind.tag() == EdgeTag::Subscription)
        {
            out.push(Diagnostic::warning(
                "topic-no-subscribers",
                node_subject(id),
                "has no subscriptions: every publication is discarded",
            ));
        }
    }
}

fn fifo(f: bool) -> &'static str {
    if f { "FIFO" } else { "standard" }
}

fn unconnected(g: &Graph, adj: &Adjacency<'_>, out: &mut Vec<Diagnostic>) {
    for (id, node) in &g.nodes {
        let inputs = adj.to(id).any(|(_, e)| g.nodes.contains_key(&e.from));
        let outputs = adj.from(id).any(|(_, e)| g.nodes.contains_key(&e.to));
        let is_source = matches!(node.kind.tag(), KindTag::Client | KindTag::Schedule);
        if !inputs && !outputs {
            out.push(Diagnostic::warning(
                "unconnected",
                node_subject(id),
                "is not connected to anything",
            ));
        } else if is_source && !outputs {
            out.push(Diagnostic::warning(
                "unconnected",
                node_subject(id),
                "generates events but sends them nowhere",
            ));
        } else if !is_source && !inputs && node.kind.tag() == KindTag::Function {
            out.push(Diagnostic::warning(
                "unconnected",
                node_subject(id),
                "nothing invokes this function",
            ));
        }
    }
}

/// Sync call cycles (errors: they deadlock) and event loops through writes and triggers
/// (warnings: each event causes another, forever).
fn cycles(g: &Graph, out: &mut Vec<Diagnostic>) {
    let ids: Vec<&NodeId> = g.nodes.keys().collect();
    let index: BTreeMap<&NodeId, NodeIndex> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, NodeIndex::new(i)))
        .collect();
    let build = |keep: &dyn Fn(EdgeTag) -> bool| {
        let mut dg: DiGraph<(), ()> = DiGraph::with_capacity(ids.len(), g.edges.len());
        for _ in &ids {
            dg.add_node(());
        }
        for e in g.edges.values() {
            if let (Some(&a), Some(&b)) = (index.get(&e.from), index.get(&e.to))
                && keep(e.kind.tag())
            {
                dg.add_edge(a, b, ());
            }
        }
        dg
    };
    let sync = build(&|t| t == EdgeTag::SyncInvoke);
    let events = build(&|t| t != EdgeTag::OnFailure);
    let loops = |dg: &DiGraph<(), ()>| -> Vec<Vec<&NodeId>> {
        let mut found: Vec<Vec<&NodeId>> = tarjan_scc(dg)
            .into_iter()
            .filter(|scc| scc.len() > 1 || dg.contains_edge(scc[0], scc[0]))
            .map(|scc| {
                let mut members: Vec<&NodeId> = scc.iter().map(|i| ids[i.index()]).collect();
                members.sort();
                members
            })
            .collect();
        found.sort();
        found
    };
    let sync_loops = loops(&sync);
    for members in &sync_loops {
        out.push(Diagnostic::error(
            "sync-cycle",
            node_subject(members[0]),
            format!("synchronous call cycle {}: each call waits on the next, so the chain can only end by timing out", describe(members)),
        ));
    }
    for members in loops(&events) {
        if sync_loops.contains(&members) {
            continue;
        }
        let store = members.iter().find(|m| {
            g.node(m)
                .is_some_and(|n| matches!(n.kind.tag(), KindTag::Bucket | KindTag::Table))
        });
        let mut message = match store {
            Some(s) => format!(
                "event loop {}: a function writes to {} \"{s}\", which triggers it again, forever (and bills every round); write to another bucket/table or filter the trigger",
                describe(&members),
                g.node(s).map_or("store", |n| n.kind.tag().name())
            ),
            None => format!(
                "event loop {}: every event causes another one, forever",
                describe(&members)
            ),
        };
        message.push_str(&loop_outcome(g, &members));
        out.push(Diagnostic::warning(
            "event-loop",
            node_subject(members[0]),
            message,
        ));
    }
}

/// What the platform does with a loop through `members`, as the end of the lint's sentence.
fn loop_outcome(g: &Graph, members: &[&NodeId]) -> String {
    let kinds: Vec<(&NodeId, &NodeKind)> = members
        .iter()
        .filter_map(|m| Some((*m, &g.node(m)?.kind)))
        .collect();
    let undetectable = kinds.iter().find(|(_, k)| !detectable(k.tag()));
    if let Some((id, k)) = undetectable {
        return format!(
            ". Lambda's recursive loop detection does not follow events through {} \"{id}\", so nothing stops it but the run's memory budget",
            k.tag().name()
        );
    }
    let allowed: Vec<String> = kinds
        .iter()
        .filter(|(_, k)| {
            k.as_function()
                .is_some_and(|f| f.recursive_loop == RecursiveLoop::Allow)
        })
        .map(|(id, _)| format!("\"{id}\""))
        .collect();
    if !allowed.is_empty() {
        return format!(
            ". {} allow{} recursion (recursive_loop: Allow), so Lambda lets it run",
            allowed.join(", "),
            if allowed.len() == 1 { "s" } else { "" }
        );
    }
    format!(
        ". Lambda's recursive loop detection stops each chain after {RECURSIVE_LOOP_LIMIT} invocations and sends the event to the dead-letter queue or on-failure destination, if any (counted as \"stopped: recursive loop\")"
    )
}

/// Kinds whose events Lambda's recursive loop detection follows (SQS, SNS, S3, Lambda).
fn detectable(kind: KindTag) -> bool {
    match kind {
        KindTag::Function | KindTag::Queue | KindTag::Topic | KindTag::Bucket => true,
        KindTag::Client | KindTag::HttpApi | KindTag::Schedule | KindTag::Table => false,
    }
}

/// The functions recursive loop detection guards: those on a loop through functions,
/// queues, topics and buckets (not through on-failure edges, which the platform sends) that
/// do not allow recursion. The runtime counts their invocations per chain of events and
/// stops the next one after [`RECURSIVE_LOOP_LIMIT`].
pub fn loop_guarded(p: &Project) -> Vec<NodeId> {
    let g = &p.graph;
    let ids: Vec<&NodeId> = g
        .nodes
        .iter()
        .filter(|(_, n)| detectable(n.kind.tag()))
        .map(|(id, _)| id)
        .collect();
    let index: BTreeMap<&NodeId, NodeIndex> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, NodeIndex::new(i)))
        .collect();
    let mut dg: DiGraph<(), ()> = DiGraph::with_capacity(ids.len(), g.edges.len());
    for _ in &ids {
        dg.add_node(());
    }
    for e in g.edges.values() {
        if let (Some(&a), Some(&b)) = (index.get(&e.from), index.get(&e.to))
            && e.kind.tag() != EdgeTag::OnFailure
        {
            dg.add_edge(a, b, ());
        }
    }
    let mut guarded: Vec<NodeId> = tarjan_scc(&dg)
        .into_iter()
        .filter(|scc| scc.len() > 1 || dg.contains_edge(scc[0], scc[0]))
        .flatten()
        .map(|i| ids[i.index()])
        .filter(|id| {
            g.node(id)
                .and_then(|n| n.kind.as_function())
                .is_some_and(|f| f.recursive_loop == RecursiveLoop::Terminate)
        })
        .cloned()
        .collect();
    guarded.sort();
    guarded
}

fn describe(members: &[&NodeId]) -> String {
    let names: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
    format!("through {}", names.join(", "))
}

fn secs(ms: u64) -> String {
    let s = ms as f64 / 1000.0;
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{s}")
    }
}
