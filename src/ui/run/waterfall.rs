//! The waterfall of one trace: one row per span on a shared time axis in one unit, failed
//! spans red and labelled with their error, the critical path outlined.

use super::node_names::NodeNames;
use crate::sim::{SEC, SpanKind, Time, Trace};
use crate::ui::message::PanelAction;
use crate::ui::shell::format::{fmt_duration, fmt_number, plural};
use crate::ui::shell::theme;

/// One row of a waterfall.
#[derive(Clone, Debug, PartialEq)]
pub struct WaterfallRow {
    /// Index of the span in the trace.
    pub span: u32,
    /// Nesting depth (0 for a root span).
    pub depth: u32,
    /// Where its bar starts and ends, as fractions of the trace's duration (0–1).
    pub from: f64,
    /// See `from`.
    pub to: f64,
    /// Whether it is on the critical path.
    pub critical: bool,
    /// Whether it failed.
    pub failed: bool,
}

/// The rows of a waterfall: spans in tree order (each parent followed by its children by
/// start time), with bar positions and critical-path marks.
pub fn waterfall_rows(trace: &Trace) -> Vec<WaterfallRow> {
    let n = trace.spans.len();
    let t0 = trace.spans.iter().map(|s| s.start).min().unwrap_or(0);
    let t1 = trace.spans.iter().map(|s| s.end).max().unwrap_or(0);
    let total = t1.saturating_sub(t0);
    let frac = |t: Time| {
        if total == 0 {
            0.0
        } else {
            t.saturating_sub(t0) as f64 / total as f64
        }
    };
    let mut critical = vec![false; n];
    for i in trace.critical_path() {
        if let Some(c) = critical.get_mut(i as usize) {
            *c = true;
        }
    }
    // Children lists; a parent must come earlier (spans are recorded in start order), which
    // also rules out cycles in a malformed trace: anything else is shown as a root.
    let mut children: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut roots = Vec::new();
    for (i, s) in trace.spans.iter().enumerate() {
        match s.parent {
            Some(p) if (p as usize) < i => children[p as usize].push(i as u32),
            Some(_) | None => roots.push(i as u32),
        }
    }
    let by_start = |v: &mut Vec<u32>| v.sort_by_key(|&i| (trace.spans[i as usize].start, i));
    by_start(&mut roots);
    let mut rows = Vec::with_capacity(n);
    let mut stack: Vec<(u32, u32)> = roots.iter().rev().map(|&r| (r, 0)).collect();
    while let Some((i, depth)) = stack.pop() {
        let s = &trace.spans[i as usize];
        rows.push(WaterfallRow {
            span: i,
            depth,
            from: frac(s.start),
            to: frac(s.end),
            critical: critical[i as usize],
            failed: s.failed,
        });
        let mut kids = std::mem::take(&mut children[i as usize]);
        by_start(&mut kids);
        stack.extend(kids.iter().rev().map(|&k| (k, depth + 1)));
    }
    rows
}

/// A tick spacing for a time axis of `total` µs with at most about `max_ticks` ticks:
/// 1, 2 or 5 × a power of ten µs.
pub fn tick_step(total: Time, max_ticks: u32) -> Time {
    let want = total / Time::from(max_ticks.max(1));
    let mut pow: Time = 1;
    loop {
        for m in [1, 2, 5] {
            let step = pow.saturating_mul(m);
            if step >= want || step == Time::MAX {
                return step.max(1);
            }
        }
        pow = pow.saturating_mul(10);
    }
}

/// The one unit a waterfall's axis and its span tooltips use, chosen from the trace's
/// length: µs, ms, s or min, so "0 µs" and "0.10 s" never mix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AxisUnit {
    /// Microseconds (traces under 1 ms).
    Micros,
    /// Milliseconds (under 1 s).
    Millis,
    /// Seconds (under 2 min).
    Seconds,
    /// Minutes.
    Minutes,
}

impl AxisUnit {
    /// The unit for a trace `total` µs long.
    pub fn for_span(total: Time) -> AxisUnit {
        if total < 1_000 {
            AxisUnit::Micros
        } else if total < SEC {
            AxisUnit::Millis
        } else if total < 120 * SEC {
            AxisUnit::Seconds
        } else {
            AxisUnit::Minutes
        }
    }

    /// `t` µs in this unit, with the decimals the unit needs ("0 ms", "12.5 ms", "1.25 s").
    pub fn format(self, t: Time) -> String {
        let t = t as f64;
        let (v, unit) = match self {
            AxisUnit::Micros => (t, "µs"),
            AxisUnit::Millis => (t / 1e3, "ms"),
            AxisUnit::Seconds => (t / 1e6, "s"),
            AxisUnit::Minutes => (t / 6e7, "min"),
        };
        let decimals = if v == 0.0 || v >= 100.0 || self == AxisUnit::Micros {
            0
        } else if v >= 10.0 {
            1
        } else {
            2
        };
        format!("{} {unit}", fmt_number(v, decimals))
    }
}

/// What a span measures, in words.
pub fn span_kind_label(kind: SpanKind) -> &'static str {
    match kind {
        SpanKind::Request => "request",
        SpanKind::Wait => "waiting",
        SpanKind::ColdStart => "cold start",
        SpanKind::Execution => "execution",
        SpanKind::Delivery => "delivery",
    }
}

/// The accessible label and first tooltip line of a waterfall row.
pub fn span_label(trace: &Trace, row: &WaterfallRow, names: &NodeNames) -> String {
    let Some(s) = trace.spans.get(row.span as usize) else {
        return String::new();
    };
    let mut label = format!(
        "{} {} {}",
        names.name(s.node),
        span_kind_label(s.kind),
        fmt_duration(s.end.saturating_sub(s.start))
    );
    if row.failed {
        match s.error {
            Some(why) => label.push_str(&format!(", failed: {}", why.label())),
            None => label.push_str(", failed"),
        }
    }
    if row.critical {
        label.push_str(", critical path");
    }
    label
}

/// The waterfall's time axis: ticks at round steps in one unit, the last label kept inside.
fn axis_ui(ui: &mut egui::Ui, total: Time, unit: AxisUnit, row_height: f32, label_width: f32) {
    let bar_left = |r: egui::Rect| r.left() + label_width + 8.0;
    let bar_width = |r: egui::Rect| (r.right() - bar_left(r) - 8.0).max(10.0);
    let (axis, _) = ui.allocate_exact_size(
        egui::vec2(ui.available_width(), row_height),
        egui::Sense::hover(),
    );
    let painter = ui.painter_at(axis);
    let weak = ui.visuals().weak_text_color();
    let font = egui::TextStyle::Small.resolve(ui.style());
    let step = tick_step(total, ((bar_width(axis) / 80.0) as u32).max(1));
    let mut t = 0;
    while t <= total {
        let x = bar_left(axis) + bar_width(axis) * (t as f64 / total.max(1) as f64) as f32;
        painter.line_segment(
            [
                egui::pos2(x, axis.bottom() - 4.0),
                egui::pos2(x, axis.bottom()),
            ],
            egui::Stroke::new(1.0, weak),
        );
        // The last label ends at the axis's right end rather than past it.
        let text = unit.format(t);
        let width = painter
            .layout_no_wrap(text.clone(), font.clone(), weak)
            .size()
            .x;
        let x_text = x.min(axis.right() - width / 2.0 - 2.0);
        painter.text(
            egui::pos2(x_text, axis.bottom() - 4.0),
            egui::Align2::CENTER_BOTTOM,
            text,
            font.clone(),
            weak,
        );
        let Some(next) = t.checked_add(step) else {
            break;
        };
        t = next;
    }
}

/// The waterfall of one trace: a header, a time axis and one row per span.
pub fn waterfall_ui(
    ui: &mut egui::Ui,
    trace: &Trace,
    names: &NodeNames,
    actions: &mut Vec<PanelAction>,
) {
    let rows = waterfall_rows(trace);
    let total = trace.duration();
    let path = trace.critical_path();
    let dark = ui.visuals().dark_mode;
    ui.horizontal_wrapped(|ui| {
        ui.strong(format!("Trace #{}", trace.id));
        ui.label(format!(
            "{} end to end · {}",
            fmt_duration(total),
            plural(trace.spans.len() as u64, "span")
        ));
        if trace.failed() {
            ui.label(
                egui::RichText::new("failed")
                    .color(theme::text_color(theme::TextRole::Failed, dark)),
            );
        }
        ui.label(
            egui::RichText::new("▮ critical path")
                .color(theme::text_color(theme::TextRole::CriticalPath, dark)),
        )
        .on_hover_text(format!(
            "The chain of spans that decided the end-to-end time, as the engine computes it: \
                 from the span that ended last, down into the child that ended last within \
                 each (cold start, execution, nested calls) — {}",
            plural(path.len() as u64, "span")
        ));
    });
    if rows.is_empty() {
        ui.label(egui::RichText::new("This trace has no spans").weak());
        return;
    }
    let t0 = trace.spans.iter().map(|s| s.start).min().unwrap_or(0);
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let label_width = (ui.available_width() * 0.35).clamp(120.0, 260.0);
    let bar_left = |r: egui::Rect| r.left() + label_width + 8.0;
    let bar_width = |r: egui::Rect| (r.right() - bar_left(r) - 8.0).max(10.0);

    let unit = AxisUnit::for_span(total);
    axis_ui(ui, total, unit, row_height, label_width);

    egui::ScrollArea::vertical()
        .id_salt("waterfall rows")
        .auto_shrink([false, false])
        .show_rows(ui, row_height, rows.len(), |ui, range| {
            for row in &rows[range] {
                let Some(s) = trace.spans.get(row.span as usize) else {
                    continue;
                };
                let (rect, r) = ui.allocate_exact_size(
                    egui::vec2(ui.available_width(), row_height),
                    egui::Sense::click(),
                );
                let label = span_label(trace, row, names);
                r.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::WidgetType::Button, true, label.clone())
                });
                let p = ui.painter_at(rect);
                if r.hovered() {
                    p.rect_filled(rect, 2.0, ui.visuals().widgets.hovered.weak_bg_fill);
                }
                let indent = (row.depth as f32 * 10.0).min(label_width * 0.5);
                let mark = if row.critical { "◆ " } else { "" };
                let text_color = if row.failed {
                    theme::text_color(theme::TextRole::Failed, ui.visuals().dark_mode)
                } else {
                    ui.visuals().text_color()
                };
                let galley = p.layout(
                    format!("{mark}{}", names.name(s.node)),
                    egui::TextStyle::Body.resolve(ui.style()),
                    text_color,
                    (label_width - indent).max(10.0),
                );
                p.galley(
                    egui::pos2(
                        rect.left() + indent,
                        rect.center().y - galley.size().y / 2.0,
                    ),
                    galley,
                    text_color,
                );
                let x0 = bar_left(rect) + bar_width(rect) * row.from as f32;
                let x1 = (bar_left(rect) + bar_width(rect) * row.to as f32).max(x0 + 2.0);
                let bar = egui::Rect::from_x_y_ranges(
                    x0..=x1,
                    rect.shrink2(egui::vec2(0.0, 3.0)).y_range(),
                );
                let fill = if row.failed {
                    theme::FAILED
                } else {
                    theme::span_color(s.kind)
                };
                p.rect_filled(bar, 2.0, fill);
                if row.critical {
                    p.rect_stroke(
                        bar,
                        2.0,
                        egui::Stroke::new(2.0, theme::CRITICAL_PATH),
                        egui::StrokeKind::Outside,
                    );
                }
                let r = r.on_hover_ui(|ui| {
                    ui.strong(&label);
                    ui.label(format!(
                        "From {} to {} after the trace began",
                        unit.format(s.start.saturating_sub(t0)),
                        unit.format(s.end.saturating_sub(t0))
                    ));
                    if let Some(why) = s.error {
                        ui.label(
                            egui::RichText::new(format!("Failed: {}", why.label())).color(
                                theme::text_color(theme::TextRole::Failed, ui.visuals().dark_mode),
                            ),
                        );
                    }
                    ui.label(format!(
                        "Duration {} ({:.0} % of the trace)",
                        fmt_duration(s.end.saturating_sub(s.start)),
                        (row.to - row.from) * 100.0
                    ));
                    ui.label("Click to select the node");
                });
                if r.clicked()
                    && let Some(id) = names.id(s.node)
                {
                    actions.push(PanelAction::SelectNode(id.clone()));
                }
            }
        });
}
