//! Diagrams of a design: [`to_svg`] (looks like the canvas, optionally with a run's
//! numbers), [`to_mermaid`] (a flowchart for Markdown on code hosts) and [`to_dot`]
//! (Graphviz). What they share — kind colours and glyphs (the canvas's, from
//! `ui::theme`; a GUI-build test keeps them equal), edge styles, one-line summaries — is here.

mod dot;
mod mermaid;
mod svg;

pub use dot::to_dot;
pub use mermaid::to_mermaid;
pub use svg::{LiveNumbers, to_svg};

use crate::model::{Edge, EdgeKind, EdgeTag, KindTag, Node, NodeKind, ScheduleTrigger};

/// An sRGB colour.
pub type Rgb = [u8; 3];

/// `#rrggbb`.
pub fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// The accent colour of a kind, as the canvas draws it (`ui::theme::kind_color`).
pub fn kind_rgb(kind: KindTag) -> Rgb {
    match kind {
        KindTag::Client => [0x8e, 0x8e, 0xa0],
        KindTag::HttpApi => [0xa1, 0x6b, 0xe8],
        KindTag::Schedule => [0xd9, 0x7a, 0xc8],
        KindTag::Function => [0xf0, 0x93, 0x2b],
        KindTag::Queue => [0xe0, 0x4f, 0x6b],
        KindTag::Topic => [0xe8, 0x5d, 0x9e],
        KindTag::Bucket => [0x4c, 0xae, 0x4f],
        KindTag::Table => [0x3f, 0x7f, 0xe0],
    }
}

/// The glyph of a kind, as the canvas draws it (`ui::theme::kind_glyph`).
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

/// The colour of an edge kind on a light background (`ui::theme::edge_color`).
pub fn edge_rgb(edge: EdgeTag) -> Rgb {
    match edge {
        EdgeTag::SyncInvoke => [0x30, 0x30, 0x40],
        EdgeTag::AsyncInvoke => [0xf0, 0x93, 0x2b],
        EdgeTag::Subscription => [0xe8, 0x5d, 0x9e],
        EdgeTag::EventSource => [0x2f, 0xb3, 0xb3],
        EdgeTag::Write => [0x5a, 0x96, 0xe6],
        EdgeTag::OnFailure => [0xe0, 0x4f, 0x4f],
    }
}

/// How an edge kind is stroked (`ui::theme::edge_dash`): sync, event-source mappings and
/// writes solid; async and on-failure dashed; subscriptions dotted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stroke {
    /// A continuous line.
    Solid,
    /// Long dashes.
    Dashed,
    /// Dots.
    Dotted,
}

/// The stroke of an edge kind.
pub fn edge_stroke(edge: EdgeTag) -> Stroke {
    match edge {
        EdgeTag::SyncInvoke | EdgeTag::EventSource | EdgeTag::Write => Stroke::Solid,
        EdgeTag::AsyncInvoke | EdgeTag::OnFailure => Stroke::Dashed,
        EdgeTag::Subscription => Stroke::Dotted,
    }
}

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

/// The one-line summary under a node's name (as the canvas's `kind_summary`).
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

/// Settings worth showing on an edge (batch, filter, probability, fan-out), as the canvas.
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

/// An edge's label: its kind and settings ("event-source mapping · batch 10").
pub fn edge_text(edge: &Edge) -> String {
    match edge_detail(edge) {
        Some(d) => format!("{} · {d}", edge.kind.tag().label()),
        None => edge.kind.tag().label().to_owned(),
    }
}
