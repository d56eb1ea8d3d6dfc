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

pub use crate::model::describe::kind_glyph;

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

pub use crate::model::describe::{Dash, edge_dash};

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
        crate::sim::Level::Info => text_color(TextRole::Info, dark),
        crate::sim::Level::Warn => text_color(TextRole::Warning, dark),
        crate::sim::Level::Error => text_color(TextRole::Failed, dark),
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

/// Fill of a failed span's bar (text uses [`TextRole::Failed`]).
pub const FAILED: Color32 = Color32::from_rgb(0xe5, 0x48, 0x48);
/// Outline and marker of spans on a trace's critical path.
pub const CRITICAL_PATH: Color32 = Color32::from_rgb(0xff, 0xd2, 0x3f);

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
    text_color(TextRole::Warning, dark)
}

/// What a coloured text says. Every role has a colour per theme that reads at WCAG AA
/// (4.5:1) on every background text sits on in that theme (a test checks each pair).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextRole {
    /// Something failed (failed traces and spans, a run that stopped, the ledger).
    Failed,
    /// A warning (the engine falls behind, "restart to apply", WARN log lines).
    Warning,
    /// An INFO log line's level.
    Info,
    /// The critical path's legend in the trace view.
    CriticalPath,
    /// The cheaper option in the server comparison.
    Cheaper,
    /// The dearer option (and an aborted experiment).
    Dearer,
    /// A fault in force, in the live panel's list.
    ActiveFault,
}

impl TextRole {
    /// Every role, for the contrast test.
    pub const ALL: [TextRole; 7] = [
        TextRole::Failed,
        TextRole::Warning,
        TextRole::Info,
        TextRole::CriticalPath,
        TextRole::Cheaper,
        TextRole::Dearer,
        TextRole::ActiveFault,
    ];
}

/// The colour of text in `role` for the dark or light theme.
pub fn text_color(role: TextRole, dark: bool) -> Color32 {
    let (on_dark, on_light) = match role {
        TextRole::Failed => ((0xff, 0x9a, 0x9a), (0xb4, 0x1c, 0x1c)),
        TextRole::Warning => ((0xf0, 0xb4, 0x3c), (0x7a, 0x4c, 0x00)),
        TextRole::Info => ((0x8f, 0xb8, 0xe8), (0x22, 0x56, 0x96)),
        TextRole::CriticalPath => ((0xff, 0xd2, 0x3f), (0x70, 0x50, 0x00)),
        TextRole::Cheaper => ((0x6c, 0xd8, 0x70), (0x1e, 0x6e, 0x2a)),
        TextRole::Dearer => ((0xf8, 0xa0, 0x64), (0xa0, 0x46, 0x10)),
        TextRole::ActiveFault => ((0xff, 0xd0, 0x20), (0x7a, 0x5a, 0x00)),
    };
    let (r, g, b) = if dark { on_dark } else { on_light };
    Color32::from_rgb(r, g, b)
}

/// The colour of a diagnostic's severity in text (outlines keep [`severity_color`]).
pub fn severity_text(severity: Severity, dark: bool) -> Color32 {
    match severity {
        Severity::Error => text_color(TextRole::Failed, dark),
        Severity::Warning => text_color(TextRole::Warning, dark),
    }
}

/// The colour of the cheaper option in the server comparison.
pub fn cheaper_color(dark: bool) -> Color32 {
    text_color(TextRole::Cheaper, dark)
}

/// The colour of the dearer option in the server comparison.
pub fn dearer_color(dark: bool) -> Color32 {
    text_color(TextRole::Dearer, dark)
}

/// WCAG 2 contrast ratio of two colours (1–21; AA asks 4.5 for text, 3 for large text).
pub fn contrast(a: Color32, b: Color32) -> f32 {
    fn channel(c: u8) -> f32 {
        let c = f32::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }
    let luminance =
        |c: Color32| 0.2126 * channel(c.r()) + 0.7152 * channel(c.g()) + 0.0722 * channel(c.b());
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
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

/// The bell on a node one of whose alarms is in ALARM.
pub const ALARM_COLOR: Color32 = Color32::from_rgb(0xd9, 0x30, 0x25);

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
    use super::*;

    /// `top` (premultiplied, possibly additive) painted over the opaque `under`.
    fn over(top: Color32, under: Color32) -> Color32 {
        let keep = 1.0 - f32::from(top.a()) / 255.0;
        let mix = |t: u8, u: u8| (f32::from(t) + f32::from(u) * keep).round().min(255.0) as u8;
        Color32::from_rgb(
            mix(top.r(), under.r()),
            mix(top.g(), under.g()),
            mix(top.b(), under.b()),
        )
    }

    /// The backgrounds text sits on in a theme: panels, windows, striped rows (egui's faint
    /// background over a panel), text fields, a hovered button.
    fn backgrounds(v: &Visuals) -> [(&'static str, Color32); 5] {
        [
            ("panel", v.panel_fill),
            ("window", v.window_fill),
            ("striped row", over(v.faint_bg_color, v.panel_fill)),
            ("text field", v.extreme_bg_color),
            (
                "hovered button",
                over(v.widgets.hovered.weak_bg_fill, v.panel_fill),
            ),
        ]
    }

    /// Every coloured text role on every background of both themes, and the canvas's and
    /// the live badges' own pairs, read at WCAG AA (4.5:1).
    #[test]
    fn every_text_colour_reads_at_wcag_aa_in_both_themes() {
        let mut low = Vec::new();
        let mut check = |what: String, fg: Color32, bg: Color32| {
            let c = contrast(fg, bg);
            if c < 4.5 {
                low.push(format!("{what}: {c:.2}:1"));
            }
        };
        for (theme, v) in [("dark", Visuals::dark()), ("light", Visuals::light())] {
            let dark = v.dark_mode;
            for role in TextRole::ALL {
                for (bg_name, bg) in backgrounds(&v) {
                    check(
                        format!("{theme} {role:?} on {bg_name}"),
                        text_color(role, dark),
                        bg,
                    );
                }
            }
            for level in [
                crate::sim::Level::Info,
                crate::sim::Level::Warn,
                crate::sim::Level::Error,
            ] {
                for (bg_name, bg) in backgrounds(&v) {
                    check(
                        format!("{theme} log {level:?} on {bg_name}"),
                        level_color(level, dark),
                        bg,
                    );
                }
            }
            for sev in [Severity::Error, Severity::Warning] {
                check(
                    format!("{theme} {sev:?} text"),
                    severity_text(sev, dark),
                    v.panel_fill,
                );
            }
            let c = CanvasColors::for_visuals(&v);
            for (name, fg, bg) in [
                ("node name", c.text, c.node_fill),
                ("node summary", c.weak_text, c.node_fill),
                ("edge label", c.weak_text, c.background),
                ("canvas hint", c.weak_text, c.background),
            ] {
                check(format!("{theme} {name}"), fg, bg);
            }
            let l = LiveColors::for_visuals(&v);
            check(format!("{theme} badge text"), l.badge_text, l.badge_fill);
            check(format!("{theme} badge alert"), l.badge_alert, l.badge_fill);
            check(
                format!("{theme} version pill"),
                l.badge_fill,
                kind_color(KindTag::Function),
            );
        }
        assert!(low.is_empty(), "below 4.5:1:\n{}", low.join("\n"));
    }

    #[test]
    fn contrast_is_wcags() {
        assert!((contrast(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 0.01);
        assert!((contrast(Color32::WHITE, Color32::WHITE) - 1.0).abs() < 1e-6);
        let grey = Color32::from_rgb(0x76, 0x76, 0x76);
        assert!((contrast(grey, Color32::WHITE) - 4.54).abs() < 0.01);
    }

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
