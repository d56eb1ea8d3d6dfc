//! Colours, glyphs and sizes of the editor: the only place a colour is chosen.

use crate::model::{EdgeTag, KindTag, Severity};
use egui::{Color32, Visuals};

/// Width and height of a node on the canvas, in canvas units.
pub const NODE_SIZE: egui::Vec2 = egui::vec2(150.0, 54.0);
/// Radius of a port circle, in canvas units.
pub const PORT_RADIUS: f32 = 6.0;
/// Background grid spacing, in canvas units.
pub const GRID_STEP: f32 = 40.0;

/// The accent colour of a node kind (header stripe, glyph disc, palette button).
pub fn kind_color(kind: KindTag) -> Color32 {
    match kind {
        KindTag::Client => Color32::from_rgb(0x8e, 0x8e, 0xa0),
        KindTag::HttpApi => Color32::from_rgb(0xa1, 0x6b, 0xe8),
        KindTag::Schedule => Color32::from_rgb(0xd9, 0x7a, 0xc8),
        KindTag::Function => Color32::from_rgb(0xf0, 0x93, 0x2b),
        KindTag::Queue => Color32::from_rgb(0xe0, 0x4f, 0x6b),
        KindTag::Topic => Color32::from_rgb(0xe8, 0x5d, 0x9e),
        KindTag::Bucket => Color32::from_rgb(0x4c, 0xae, 0x4f),
        KindTag::Table => Color32::from_rgb(0x3f, 0x7f, 0xe0),
    }
}

/// egui's bundled fonts, with the monospace font (Hack) as the last fallback of proportional
/// text: Ubuntu Light and the emoji fonts have no "→", which names edges ("Orders API →
/// Checkout (sync invoke)") and versions ("v1 → v2"); without it they showed a box.
pub fn fonts() -> egui::FontDefinitions {
    let mut fonts = egui::FontDefinitions::default();
    let mono = fonts
        .families
        .get(&egui::FontFamily::Monospace)
        .and_then(|f| f.first())
        .cloned();
    if let Some(mono) = mono
        && let Some(prop) = fonts.families.get_mut(&egui::FontFamily::Proportional)
        && !prop.contains(&mono)
    {
        prop.push(mono);
    }
    fonts
}

/// A one-character glyph drawn in a node's disc (from egui's bundled fonts).
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

/// Colour of an edge kind.
pub fn edge_color(edge: EdgeTag, dark: bool) -> Color32 {
    match edge {
        EdgeTag::SyncInvoke => {
            if dark {
                Color32::from_rgb(0xd8, 0xd8, 0xe0)
            } else {
                Color32::from_rgb(0x30, 0x30, 0x40)
            }
        }
        EdgeTag::AsyncInvoke => Color32::from_rgb(0xf0, 0x93, 0x2b),
        EdgeTag::Subscription => Color32::from_rgb(0xe8, 0x5d, 0x9e),
        EdgeTag::EventSource => Color32::from_rgb(0x2f, 0xb3, 0xb3),
        EdgeTag::Write => Color32::from_rgb(0x5a, 0x96, 0xe6),
        EdgeTag::OnFailure => Color32::from_rgb(0xe0, 0x4f, 0x4f),
    }
}

/// How an edge kind is stroked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dash {
    /// A continuous line: the sender waits (or data is handed over directly).
    Solid,
    /// Long dashes: fire and forget.
    Dashed,
    /// Dots: delivered by the platform on the sender's behalf.
    Dotted,
}

/// Line style of an edge kind: sync solid, async dashed, subscriptions dotted.
pub fn edge_dash(edge: EdgeTag) -> Dash {
    match edge {
        EdgeTag::SyncInvoke | EdgeTag::EventSource | EdgeTag::Write => Dash::Solid,
        EdgeTag::AsyncInvoke | EdgeTag::OnFailure => Dash::Dashed,
        EdgeTag::Subscription => Dash::Dotted,
    }
}

/// Colour of a diagnostic's severity (outlines, icons).
pub fn severity_color(severity: Severity) -> Color32 {
    match severity {
        Severity::Error => Color32::from_rgb(0xe5, 0x48, 0x48),
        Severity::Warning => Color32::from_rgb(0xe6, 0xa4, 0x1a),
    }
}

/// Icon of a diagnostic's severity.
pub fn severity_icon(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "⛔",
        Severity::Warning => "⚠",
    }
}

/// The glow around nodes a lesson step talks about.
pub fn highlight_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0xff, 0xd0, 0x4a)
    } else {
        Color32::from_rgb(0xe0, 0x9a, 0x00)
    }
}

/// A lesson step whose check was met (step dots, check line).
pub const LESSON_MET: Color32 = Color32::from_rgb(0x3f, 0xb9, 0x5f);
/// A lesson step that was skipped or timed out.
pub const LESSON_SKIPPED: Color32 = Color32::from_rgb(0xe6, 0xa4, 0x1a);
/// The current lesson step's dot.
pub const LESSON_CURRENT: Color32 = Color32::from_rgb(0x4d, 0xa3, 0xff);
/// A lesson step not reached yet (the dot's outline).
pub const LESSON_TODO: Color32 = Color32::from_rgb(0x80, 0x85, 0x90);
/// Background of a gallery card's miniature.
pub fn miniature_background(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0x1b, 0x1d, 0x22)
    } else {
        Color32::from_rgb(0xf4, 0xf5, 0xf7)
    }
}
/// Lines between nodes in a gallery miniature.
pub fn miniature_edge(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0x6a, 0x6e, 0x78)
    } else {
        Color32::from_rgb(0xa0, 0xa4, 0xae)
    }
}

/// Colours that depend on dark or light mode.
#[derive(Clone, Copy, Debug)]
pub struct CanvasColors {
    /// Canvas background.
    pub background: Color32,
    /// Grid dots.
    pub grid: Color32,
    /// Node body.
    pub node_fill: Color32,
    /// Node border.
    pub node_border: Color32,
    /// Node name text.
    pub text: Color32,
    /// Secondary text (kind, edge labels).
    pub weak_text: Color32,
    /// Selection outline and box.
    pub selection: Color32,
    /// A wire being dragged that would be accepted.
    pub wire_ok: Color32,
    /// A wire being dragged that would be refused.
    pub wire_refused: Color32,
}

impl CanvasColors {
    /// The colours for the current visuals.
    pub fn for_visuals(visuals: &Visuals) -> Self {
        if visuals.dark_mode {
            Self {
                background: Color32::from_rgb(0x1b, 0x1d, 0x22),
                grid: Color32::from_rgb(0x23, 0x26, 0x2c),
                node_fill: Color32::from_rgb(0x2a, 0x2d, 0x34),
                node_border: Color32::from_rgb(0x47, 0x4b, 0x55),
                text: Color32::from_rgb(0xee, 0xee, 0xf2),
                weak_text: Color32::from_rgb(0xa0, 0xa4, 0xae),
                selection: Color32::from_rgb(0x4d, 0xa3, 0xff),
                wire_ok: Color32::from_rgb(0x5c, 0xd0, 0x7a),
                wire_refused: Color32::from_rgb(0xe5, 0x48, 0x48),
            }
        } else {
            Self {
                background: Color32::from_rgb(0xf4, 0xf5, 0xf7),
                grid: Color32::from_rgb(0xe6, 0xe8, 0xec),
                node_fill: Color32::WHITE,
                node_border: Color32::from_rgb(0xb8, 0xbd, 0xc6),
                text: Color32::from_rgb(0x1c, 0x1e, 0x24),
                weak_text: Color32::from_rgb(0x5e, 0x63, 0x6e),
                selection: Color32::from_rgb(0x1f, 0x6f, 0xe0),
                wire_ok: Color32::from_rgb(0x21, 0x9a, 0x48),
                wire_refused: Color32::from_rgb(0xd0, 0x30, 0x30),
            }
        }
    }
}

// ---- Run panels: dashboard, logs, traces ----

/// Colour of a log level.
pub fn level_color(level: crate::sim::Level, dark: bool) -> Color32 {
    match level {
        crate::sim::Level::Info => {
            if dark {
                Color32::from_rgb(0x8f, 0xb8, 0xe8)
            } else {
                Color32::from_rgb(0x2a, 0x62, 0xa8)
            }
        }
        crate::sim::Level::Warn => Color32::from_rgb(0xe6, 0xa4, 0x1a),
        crate::sim::Level::Error => Color32::from_rgb(0xe5, 0x48, 0x48),
    }
}

/// Fill of a trace span's bar by what it measures.
pub fn span_color(kind: crate::sim::SpanKind) -> Color32 {
    match kind {
        crate::sim::SpanKind::Request => Color32::from_rgb(0xa1, 0x6b, 0xe8),
        crate::sim::SpanKind::Wait => Color32::from_rgb(0x8e, 0x8e, 0xa0),
        crate::sim::SpanKind::ColdStart => Color32::from_rgb(0x3f, 0x9f, 0xe0),
        crate::sim::SpanKind::Execution => Color32::from_rgb(0xf0, 0x93, 0x2b),
        crate::sim::SpanKind::Delivery => Color32::from_rgb(0x2f, 0xb3, 0xb3),
    }
}

/// Fill of a failed span, and the text of failed traces.
pub const FAILED: Color32 = Color32::from_rgb(0xe5, 0x48, 0x48);
/// Outline and marker of spans on a trace's critical path.
pub const CRITICAL_PATH: Color32 = Color32::from_rgb(0xff, 0xd2, 0x3f);
/// Money saved (the cheaper option in the server comparison).
pub const CHEAPER: Color32 = Color32::from_rgb(0x4c, 0xae, 0x4f);
/// Money lost (the dearer option in the server comparison).
pub const DEARER: Color32 = Color32::from_rgb(0xe0, 0x7a, 0x3a);

/// A metric drawn on the dashboard's plots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// Requests received per second.
    Requests,
    /// Successes per second.
    Completions,
    /// Failures per second.
    Errors,
    /// Throttles per second.
    Throttles,
    /// Median latency.
    P50,
    /// 99th percentile latency.
    P99,
    /// Busy instances (concurrency).
    Busy,
    /// Idle warm instances.
    Idle,
    /// Messages waiting.
    Depth,
    /// Cost so far.
    Cost,
}

/// Colour of a dashboard metric.
pub fn metric_color(metric: Metric) -> Color32 {
    match metric {
        Metric::Requests => Color32::from_rgb(0x4d, 0xa3, 0xff),
        Metric::Completions => Color32::from_rgb(0x4c, 0xae, 0x4f),
        Metric::Errors => Color32::from_rgb(0xe5, 0x48, 0x48),
        Metric::Throttles => Color32::from_rgb(0xe6, 0xa4, 0x1a),
        Metric::P50 => Color32::from_rgb(0x2f, 0xb3, 0xb3),
        Metric::P99 => Color32::from_rgb(0xa1, 0x6b, 0xe8),
        Metric::Busy => Color32::from_rgb(0xf0, 0x93, 0x2b),
        Metric::Idle => Color32::from_rgb(0x8e, 0x8e, 0xa0),
        Metric::Depth => Color32::from_rgb(0xe0, 0x4f, 0x6b),
        Metric::Cost => Color32::from_rgb(0x5c, 0xd0, 0x7a),
    }
}

/// The `i`-th watched node's shade of a metric colour (the colour says the metric, the shade
/// the node; solid lines only, dashes cost a lot to tessellate).
pub fn node_shade(c: Color32, i: usize) -> Color32 {
    match i % 3 {
        0 => c,
        1 => c.lerp_to_gamma(Color32::WHITE, 0.45),
        _ => c.lerp_to_gamma(Color32::BLACK, 0.45),
    }
}

/// Line colours of the dashboard's "By version" plots, v1 first (then they repeat). Red and
/// green are left out: they read as "failing" and "healthy".
const VERSION_COLORS: [Color32; 6] = [
    Color32::from_rgb(0x4d, 0xa3, 0xff),
    Color32::from_rgb(0xf0, 0x93, 0x2b),
    Color32::from_rgb(0xa1, 0x6b, 0xe8),
    Color32::from_rgb(0x2f, 0xb3, 0xb3),
    Color32::from_rgb(0xe0, 0x4f, 0xb0),
    Color32::from_rgb(0xc8, 0xb4, 0x3c),
];

/// The colour of function version `version` (1-based) in the "By version" plots.
pub fn version_color(version: u32) -> Color32 {
    let i = version.saturating_sub(1) as usize % VERSION_COLORS.len();
    VERSION_COLORS[i]
}

/// Bars of the latency histogram.
pub const HISTOGRAM: Color32 = Color32::from_rgb(0x4d, 0xa3, 0xff);

/// Warnings in text (the engine falls behind, "restart to apply").
pub fn warning_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0xf0, 0xb4, 0x3c)
    } else {
        Color32::from_rgb(0xa8, 0x6a, 0x00)
    }
}

/// Colour of a node's live health (outline and badge accent); `None` draws no outline.
pub fn health_color(health: crate::sim::Health) -> Option<Color32> {
    use crate::sim::Health;
    match health {
        Health::Down => Some(Color32::from_rgb(0xe0, 0x30, 0x30)),
        Health::Failing => Some(Color32::from_rgb(0xf0, 0x6a, 0x2a)),
        Health::Degraded => Some(Color32::from_rgb(0xe6, 0xb4, 0x1a)),
        Health::Faulted => Some(Color32::from_rgb(0xb0, 0x6c, 0xf0)),
        Health::Ok => Some(Color32::from_rgb(0x3c, 0xb8, 0x5c)),
        Health::Idle => None,
    }
}

/// Queue-fill bar colour for a fill share 0–1: green, yellow past half, red past 90 %.
pub fn fill_color(share: f32) -> Color32 {
    if share >= 0.9 {
        Color32::from_rgb(0xe0, 0x30, 0x30)
    } else if share >= 0.5 {
        Color32::from_rgb(0xe6, 0xb4, 0x1a)
    } else {
        Color32::from_rgb(0x3c, 0xb8, 0x5c)
    }
}

/// Fault markers (⚡) on nodes and edges.
pub const FAULT_COLOR: Color32 = Color32::from_rgb(0xff, 0xd0, 0x20);

/// The halo of nodes a fault reaches (blast radius).
pub const BLAST_COLOR: Color32 = Color32::from_rgb(0xff, 0x6a, 0x3d);

/// Colours of the live overlay that depend on dark or light mode.
#[derive(Clone, Copy, Debug)]
pub struct LiveColors {
    /// Badge background.
    pub badge_fill: Color32,
    /// Badge text.
    pub badge_text: Color32,
    /// Badge text for a problem (errors, throttles).
    pub badge_alert: Color32,
    /// Animated event dots.
    pub dot: Color32,
    /// Empty part of a queue-fill bar.
    pub bar_empty: Color32,
}

impl LiveColors {
    /// The colours for the current visuals.
    pub fn for_visuals(visuals: &Visuals) -> Self {
        if visuals.dark_mode {
            Self {
                badge_fill: Color32::from_rgb(0x12, 0x14, 0x18),
                badge_text: Color32::from_rgb(0xe4, 0xe6, 0xea),
                badge_alert: Color32::from_rgb(0xff, 0x7a, 0x6a),
                dot: Color32::from_rgb(0xff, 0xff, 0xff),
                bar_empty: Color32::from_rgb(0x3a, 0x3d, 0x45),
            }
        } else {
            Self {
                badge_fill: Color32::from_rgb(0x24, 0x27, 0x2e),
                badge_text: Color32::from_rgb(0xf4, 0xf5, 0xf7),
                badge_alert: Color32::from_rgb(0xff, 0x8a, 0x7a),
                dot: Color32::from_rgb(0x20, 0x22, 0x28),
                bar_empty: Color32::from_rgb(0xd8, 0xdb, 0xe0),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn proportional_text_can_draw_arrows() {
        let ctx = egui::Context::default();
        ctx.set_fonts(super::fonts());
        ctx.run_ui(egui::RawInput::default(), |_| {})
            .drop_without_applying_deltas();
        let font = egui::FontId::proportional(14.0);
        let text = "Orders API → Checkout (sync invoke) · v1 → v2";
        assert!(ctx.fonts_mut(|f| f.has_glyphs(&font, text)));
    }
}
