//! How a node or an edge is described in one short line — the canvas, the diagrams (SVG,
//! Mermaid, DOT) and hover texts all say the same thing.

use super::{Edge, EdgeKind, EdgeTag, KindTag, Node, NodeKind, ScheduleTrigger};

/// A duration in the largest unit that keeps it exact ("30 s", "4 d").
pub fn human_ms(ms: u64) -> String {
    const UNITS: [(u64, &str); 5] = [
        (86_400_000, "d"),
        (3_600_000, "h"),
        (60_000, "min"),
        (1_000, "s"),
        (1, "ms"),
    ];
    for (size, unit) in UNITS {
        if ms >= size && ms.is_multiple_of(size) {
            return format!("{} {unit}", ms / size);
        }
    }
    if ms >= 1_000 {
        format!("{:.1} s", ms as f64 / 1_000.0)
    } else {
        format!("{ms} ms")
    }
}

/// A whole number with thousands separators ("1,234,567").
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The one-line summary under a node's name (the canvas, the diagrams, hover text).
pub fn kind_summary(node: &Node) -> String {
    match &node.kind {
        NodeKind::Client(p) => format!(
            "Client · {} {:.4}/s",
            p.arrival.label(),
            p.arrival.mean_rate_per_s()
        ),
        NodeKind::HttpApi(p) => format!("HTTP API · {} rps", p.rate_limit_rps),
        NodeKind::Schedule(p) => match &p.trigger {
            ScheduleTrigger::Rate { every_ms } => {
                format!("Schedule · every {}", human_ms(*every_ms))
            }
            ScheduleTrigger::Cron { expression } => format!("Schedule · {expression}"),
        },
        NodeKind::Bucket(_) => "Bucket".to_owned(),
        NodeKind::Table(p) => format!(
            "Table · stream {}",
            if p.stream_enabled { "on" } else { "off" }
        ),
        NodeKind::Queue(p) => {
            let kind = if p.fifo { "FIFO queue" } else { "Queue" };
            match p.max_receive_count {
                Some(n) => format!("{kind} · DLQ after {n}"),
                None => kind.to_owned(),
            }
        }
        NodeKind::Topic(_) => "Topic".to_owned(),
        NodeKind::Function(p) => {
            format!("Function · {} MB · {}", p.memory_mb, human_ms(p.timeout_ms))
        }
    }
}

/// Settings worth showing on an edge (batch, filter, probability, fan-out); the canvas draws it on the wire and the diagrams beside it.
pub fn edge_detail(edge: &Edge) -> Option<String> {
    let mut parts = Vec::new();
    match &edge.kind {
        EdgeKind::EventSource(m) => {
            let mut s = format!("batch {}", m.batch_size);
            if m.batch_window_ms > 0 {
                s.push_str(&format!(" · {}", human_ms(m.batch_window_ms)));
            }
            parts.push(s);
        }
        EdgeKind::Subscription(s) if !s.filter.is_empty() => parts.push("filtered".to_owned()),
        EdgeKind::Subscription(_)
        | EdgeKind::AsyncInvoke
        | EdgeKind::SyncInvoke
        | EdgeKind::Write
        | EdgeKind::OnFailure => {}
    }
    if edge.emit.probability < 1.0 {
        parts.push(format!("{:.0} %", edge.emit.probability * 100.0));
    }
    if edge.emit.count != 1 {
        parts.push(format!("×{}", edge.emit.count));
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// How an edge kind is stroked, on the canvas and in every diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dash {
    /// A continuous line: the sender waits (or data is handed over directly).
    Solid,
    /// Long dashes: fire and forget.
    Dashed,
    /// Dots: delivered by the platform on the sender's behalf.
    Dotted,
}

/// Line style of an edge kind: sync, event-source mappings and writes solid; async and
/// on-failure dashed; subscriptions dotted.
pub fn edge_dash(edge: EdgeTag) -> Dash {
    match edge {
        EdgeTag::SyncInvoke | EdgeTag::EventSource | EdgeTag::Write => Dash::Solid,
        EdgeTag::AsyncInvoke | EdgeTag::OnFailure => Dash::Dashed,
        EdgeTag::Subscription => Dash::Dotted,
    }
}

/// A one-character glyph for a node kind (the canvas's node disc, the diagrams).
pub fn kind_glyph(kind: KindTag) -> &'static str {
    match kind {
        KindTag::Client => "👤",
        KindTag::HttpApi => "🌐",
        KindTag::Schedule => "⏰",
        KindTag::Function => "λ",
        KindTag::Queue => "☰",
        KindTag::Topic => "📢",
        KindTag::Bucket => "📦",
        KindTag::Table => "⊞",
    }
}

/// A rate or count in a few characters for a badge: "1.2k", "850", "3.4M".
pub fn compact(x: f64) -> String {
    if x >= 1e6 {
        format!("{:.1}M", x / 1e6)
    } else if x >= 1e4 {
        format!("{:.0}k", x / 1e3)
    } else if x >= 1e3 {
        format!("{:.1}k", x / 1e3)
    } else if x >= 10.0 || x == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}
