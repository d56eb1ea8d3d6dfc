//! What a live badge says: a node's rate, p99, error and throttle shares, cost, a queue's
//! depth, an edge's batches, lost and duplicated — pure text from the run's numbers.

use crate::model::{EdgeKind, NodeKind};
use crate::sim::{EdgeLive, NodeLive};
use crate::ui::shell::format::fmt_percent;

pub use crate::model::describe::compact;

/// A count for a badge: exact below 1,000 ("3", never "3.0"), then like [`compact`].
pub fn compact_count(n: u64) -> String {
    if n < 1_000 {
        n.to_string()
    } else {
        compact(n as f64)
    }
}

pub(super) fn ms_text(ms: f64) -> String {
    if ms >= 1_000.0 {
        format!("{:.1}s", ms / 1_000.0)
    } else {
        format!("{ms:.0}ms")
    }
}

pub(super) fn cost_text(usd: f64) -> String {
    if usd >= 1.0 {
        format!("${usd:.2}")
    } else {
        format!("${usd:.4}")
    }
}

/// The share of a node's last-second outcomes that failed, as badge text ("err 68 %"), and
/// that were throttled ("thr 12 %"): shares of the requests that ended in that second
/// ([`NodeLive::outcomes`]), so never above 100 % — errors are a share of requests, not a
/// second rate beside them (docs/report.md, "What the counts count").
pub(super) fn failure_parts(n: &NodeLive) -> Vec<String> {
    let mut out = Vec::new();
    if n.last.errors > 0 {
        out.push(format!("err {}", fmt_percent(n.error_ratio())));
    }
    if n.last.throttles > 0 {
        let throttled = n.failure_ratio() - n.error_ratio();
        out.push(format!("thr {}", fmt_percent(throttled)));
    }
    out
}

/// The badge text of a function the recursive loop detector stopped events at.
pub(super) fn loop_part(n: &NodeLive) -> Option<String> {
    (n.loop_stopped > 0).then(|| format!("loop stopped {}", compact_count(n.loop_stopped)))
}

/// The badge lines of a node: (top, bottom, whether the top shows a problem). Top: rate,
/// p99 (or depth for queues), the shares of errors and throttles, and events stopped by
/// loop detection; bottom: instances, cold starts and cost.
pub fn node_badges(kind: &NodeKind, n: &NodeLive) -> (String, Option<String>, bool) {
    let rate = n.rate();
    let mut top = vec![format!("{}/s", compact(rate))];
    let mut bottom = Vec::new();
    match kind {
        NodeKind::Function(_) | NodeKind::HttpApi(_) => {
            if n.last.invocations > 0 {
                top.push(format!("p99 {}", ms_text(n.last.p99_ms)));
            }
        }
        NodeKind::Queue(_) => top.push(format!("depth {}", compact_count(n.depth))),
        NodeKind::Client(_)
        | NodeKind::Schedule(_)
        | NodeKind::Topic(_)
        | NodeKind::Bucket(_)
        | NodeKind::Table(_) => {}
    }
    let failures = failure_parts(n);
    let alert = !failures.is_empty() || n.loop_stopped > 0;
    top.extend(failures);
    top.extend(loop_part(n));
    match kind {
        NodeKind::Function(_) => {
            bottom.push(format!("{} busy · {} idle", n.busy, n.idle));
            if n.cold_starts > 0 {
                bottom.push(format!("cold {}", compact_count(n.cold_starts)));
            }
        }
        NodeKind::Queue(_) => {
            if n.busy > 0 {
                bottom.push(format!("{} in flight", compact_count(n.busy)));
            }
        }
        NodeKind::Client(_)
        | NodeKind::HttpApi(_)
        | NodeKind::Schedule(_)
        | NodeKind::Topic(_)
        | NodeKind::Bucket(_)
        | NodeKind::Table(_) => {}
    }
    if n.cost_usd > 0.0 {
        bottom.push(cost_text(n.cost_usd));
    }
    let bottom = (!bottom.is_empty()).then(|| bottom.join(" · "));
    (top.join(" · "), bottom, alert)
}

/// The compact badge shown between [`NAME_ZOOM`] and [`FULL_BADGE_ZOOM`]: the rate and the
/// number that matters — events stopped by loop detection, else for APIs and functions the
/// share of errors when there are any, else of throttles, else the p99 latency; for queues
/// the depth.
pub fn compact_badge(kind: &NodeKind, n: &NodeLive) -> String {
    let rate = format!("{}/s", compact(n.rate()));
    if let Some(l) = loop_part(n) {
        return format!("{rate} · {l}");
    }
    match kind {
        NodeKind::Function(_) | NodeKind::HttpApi(_)
            if n.last.errors > 0 || n.last.throttles > 0 =>
        {
            let first = failure_parts(n).into_iter().next().unwrap_or_default();
            format!("{rate} · {first}")
        }
        NodeKind::Function(_) | NodeKind::HttpApi(_) if n.last.invocations > 0 => {
            format!("{rate} · {}", ms_text(n.last.p99_ms))
        }
        NodeKind::Queue(_) => format!("{rate} · depth {}", compact_count(n.depth)),
        NodeKind::Function(_)
        | NodeKind::HttpApi(_)
        | NodeKind::Client(_)
        | NodeKind::Schedule(_)
        | NodeKind::Topic(_)
        | NodeKind::Bucket(_)
        | NodeKind::Table(_) => rate,
    }
}

/// What an edge's live label says: an event-source mapping's batches in flight against
/// what its pollers may run ("3/5 batches"; a stream's batches alone), and the messages a
/// drop fault lost and a duplicate fault copied on it. None when there is nothing to say.
pub fn edge_badge(kind: &EdgeKind, e: &EdgeLive) -> Option<String> {
    let mut parts = Vec::new();
    match kind {
        EdgeKind::EventSource(_) if e.pollers > 0 => {
            parts.push(format!("{}/{} batches", e.batches, e.pollers));
        }
        EdgeKind::EventSource(_) if e.batches > 0 => {
            let noun = if e.batches == 1 { "batch" } else { "batches" };
            parts.push(format!("{} {noun}", e.batches));
        }
        EdgeKind::EventSource(_)
        | EdgeKind::AsyncInvoke
        | EdgeKind::SyncInvoke
        | EdgeKind::Subscription(_)
        | EdgeKind::Write
        | EdgeKind::OnFailure => {}
    }
    if e.lost > 0 {
        parts.push(format!("lost {}", compact_count(e.lost)));
    }
    if e.duplicated > 0 {
        parts.push(format!("dup {}", compact_count(e.duplicated)));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}
