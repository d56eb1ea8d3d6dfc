//! The trace panel: the sampled traces of a run (failed and slowest first, sortable) and the
//! waterfall of the one picked — one row per span on a shared time axis, failed spans red,
//! the critical path outlined.

use super::node_names::NodeNames;
use crate::host::TraceSummary;
use crate::sim::{SpanKind, Time, Trace};
use crate::ui::message::PanelAction;
use crate::ui::shell::format::{fmt_count, fmt_duration, fmt_time};
use crate::ui::shell::theme;

/// A column the trace list can be sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceSort {
    /// Trace id.
    Id,
    /// The node the trace began at.
    Root,
    /// When it began.
    Start,
    /// End to end.
    Duration,
    /// How many spans.
    Spans,
}

impl TraceSort {
    fn title(self) -> &'static str {
        match self {
            TraceSort::Id => "Trace",
            TraceSort::Root => "Entered at",
            TraceSort::Start => "Start",
            TraceSort::Duration => "Duration",
            TraceSort::Spans => "Spans",
        }
    }
}

/// The panel's state: how the list is sorted and which trace is shown.
#[derive(Clone, Debug)]
pub struct TraceView {
    /// Sort column.
    pub sort: TraceSort,
    /// Largest first.
    pub descending: bool,
    /// Failed traces above the others whatever the sort.
    pub failed_first: bool,
    /// The trace asked for (its waterfall shows once it arrives).
    pub selected: Option<u64>,
}

impl Default for TraceView {
    fn default() -> Self {
        Self {
            sort: TraceSort::Duration,
            descending: true,
            failed_first: true,
            selected: None,
        }
    }
}

/// The order to list `traces` in, as indices into it.
pub fn sorted(traces: &[TraceSummary], view: &TraceView, names: &NodeNames) -> Vec<usize> {
    let mut order: Vec<usize> = (0..traces.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&traces[a], &traces[b]);
        let by_column = match view.sort {
            TraceSort::Id => x.id.cmp(&y.id),
            TraceSort::Root => names.name(x.root).cmp(&names.name(y.root)),
            TraceSort::Start => x.start.cmp(&y.start),
            TraceSort::Duration => x.duration.cmp(&y.duration),
            TraceSort::Spans => x.spans.cmp(&y.spans),
        };
        let by_column = if view.descending {
            by_column.reverse()
        } else {
            by_column
        };
        let failed = if view.failed_first {
            y.failed.cmp(&x.failed)
        } else {
            std::cmp::Ordering::Equal
        };
        failed.then(by_column).then(x.id.cmp(&y.id))
    });
    order
}

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
        label.push_str(", failed");
    }
    if row.critical {
        label.push_str(", critical path");
    }
    label
}

/// The whole panel: the list on the left, the waterfall of the selected trace on the right.
/// Picking a trace sets [`TraceView::selected`] and asks for it with
/// [`PanelAction::OpenTrace`]; `current` is the trace received last.
pub fn traces_ui(
    ui: &mut egui::Ui,
    view: &mut TraceView,
    traces: &[TraceSummary],
    current: Option<&Trace>,
    names: &NodeNames,
    actions: &mut Vec<PanelAction>,
) {
    egui::Panel::left("trace list")
        .resizable(true)
        .default_size(360.0)
        .show(ui, |ui| trace_list_ui(ui, view, traces, names, actions));
    egui::CentralPanel::default().show(ui, |ui| match current {
        Some(t) if view.selected.is_none_or(|id| id == t.id) => {
            waterfall_ui(ui, t, names, actions);
        }
        Some(_) | None => {
            let text = match view.selected {
                Some(id) => format!("Fetching trace #{id}…"),
                None => "Pick a trace from the list, or click a log line that has one".to_owned(),
            };
            ui.label(egui::RichText::new(text).weak());
        }
    });
}

/// The list of sampled traces, sortable by column.
pub fn trace_list_ui(
    ui: &mut egui::Ui,
    view: &mut TraceView,
    traces: &[TraceSummary],
    names: &NodeNames,
    actions: &mut Vec<PanelAction>,
) {
    ui.horizontal(|ui| {
        ui.strong("Traces");
        let failed = traces.iter().filter(|t| t.failed).count();
        ui.label(format!(
            "{} sampled, {} failed",
            fmt_count(traces.len() as u64),
            fmt_count(failed as u64)
        ));
        ui.checkbox(&mut view.failed_first, "Failed first")
            .on_hover_text("List failed traces above the others, whatever the sort");
    });
    ui.horizontal(|ui| {
        ui.label("Sort by");
        for s in [
            TraceSort::Duration,
            TraceSort::Start,
            TraceSort::Spans,
            TraceSort::Root,
            TraceSort::Id,
        ] {
            let arrow = match (view.sort == s, view.descending) {
                (true, true) => " ⏷",
                (true, false) => " ⏶",
                (false, _) => "",
            };
            if ui
                .selectable_label(view.sort == s, format!("{}{arrow}", s.title()))
                .on_hover_text("Sort by this; click again to reverse")
                .clicked()
            {
                if view.sort == s {
                    view.descending = !view.descending;
                } else {
                    view.sort = s;
                    view.descending = matches!(s, TraceSort::Duration | TraceSort::Spans);
                }
            }
        }
    });
    ui.separator();
    if traces.is_empty() {
        ui.label(egui::RichText::new("No sampled traces yet").weak());
        return;
    }
    let order = sorted(traces, view, names);
    let row_height =
        ui.text_style_height(&egui::TextStyle::Button) + ui.spacing().button_padding.y * 2.0;
    egui::ScrollArea::vertical()
        .id_salt("trace rows")
        .auto_shrink([false, false])
        .show_rows(ui, row_height, order.len(), |ui, rows| {
            for &i in &order[rows] {
                let t = &traces[i];
                let mut text = egui::RichText::new(format!(
                    "#{}  {}  {}  {} spans  at {}{}",
                    t.id,
                    fmt_duration(t.duration),
                    names.name(t.root),
                    t.spans,
                    fmt_time(t.start),
                    if t.failed { "  failed" } else { "" }
                ));
                if t.failed {
                    text = text.color(theme::FAILED);
                }
                let r = ui.add(
                    egui::Button::selectable(view.selected == Some(t.id), text)
                        .wrap_mode(egui::TextWrapMode::Truncate),
                );
                if r.on_hover_text("Show this trace's waterfall").clicked() {
                    view.selected = Some(t.id);
                    actions.push(PanelAction::OpenTrace(t.id));
                }
            }
        });
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
    ui.horizontal_wrapped(|ui| {
        ui.strong(format!("Trace #{}", trace.id));
        ui.label(format!(
            "{} end to end · {} spans",
            fmt_duration(total),
            fmt_count(trace.spans.len() as u64)
        ));
        if trace.failed() {
            ui.label(egui::RichText::new("failed").color(theme::FAILED));
        }
        ui.label(egui::RichText::new("▮ critical path").color(theme::CRITICAL_PATH))
            .on_hover_text(format!(
                "The chain of spans that decided the end-to-end time: from the span that ended last back through its parents ({} spans)",
                path.len()
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

    // The time axis.
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
        painter.text(
            egui::pos2(x, axis.bottom() - 4.0),
            egui::Align2::CENTER_BOTTOM,
            fmt_duration(t),
            font.clone(),
            weak,
        );
        let Some(next) = t.checked_add(step) else {
            break;
        };
        t = next;
    }

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
                    theme::FAILED
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
                        "Starts {} after the trace began, ends at {}",
                        fmt_duration(s.start.saturating_sub(t0)),
                        fmt_time(s.end)
                    ));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Span;

    fn span(node: usize, start: Time, end: Time, parent: Option<u32>) -> Span {
        Span {
            node,
            kind: SpanKind::Execution,
            start,
            end,
            parent,
            failed: false,
            error: None,
        }
    }

    #[test]
    fn rows_nest_children_under_parents_and_mark_the_critical_path() {
        // 0: request 0..100; 1: fast child 10..20; 2: slow child 15..100 (its child 3 ends last).
        let mut t = Trace {
            id: 9,
            spans: vec![
                span(0, 1_000, 1_100, None),
                span(1, 1_010, 1_020, Some(0)),
                span(2, 1_015, 1_090, Some(0)),
                span(3, 1_050, 1_200, Some(2)),
                span(4, 1_005, 1_008, Some(1)),
            ],
        };
        t.spans[1].failed = true;
        let rows = waterfall_rows(&t);
        let order: Vec<(u32, u32)> = rows.iter().map(|r| (r.span, r.depth)).collect();
        assert_eq!(order, [(0, 0), (1, 1), (4, 2), (2, 1), (3, 2)]);
        let critical: Vec<u32> = rows.iter().filter(|r| r.critical).map(|r| r.span).collect();
        assert_eq!(critical, [0, 2, 3]);
        assert_eq!(t.critical_path(), [0, 2, 3]);
        assert!(rows[1].failed && !rows[0].failed);
        let r3 = &rows[4];
        assert!((r3.from - 0.25).abs() < 1e-9 && (r3.to - 1.0).abs() < 1e-9);
        assert_eq!(rows[0].from, 0.0);
    }

    #[test]
    fn malformed_and_empty_traces_do_not_panic() {
        assert!(waterfall_rows(&Trace::default()).is_empty());
        // A parent pointing forward, at itself or out of range: shown as roots.
        let t = Trace {
            id: 1,
            spans: vec![
                span(0, 5, 5, Some(1)),
                span(1, 5, 5, Some(1)),
                span(2, 5, 5, Some(99)),
            ],
        };
        let rows = waterfall_rows(&t);
        assert_eq!(rows.len(), 3);
        assert!(
            rows.iter()
                .all(|r| r.depth == 0 && r.from == 0.0 && r.to == 0.0)
        );
    }

    #[test]
    fn tick_steps_are_round() {
        assert_eq!(tick_step(0, 5), 1);
        assert_eq!(tick_step(1_000, 5), 200);
        assert_eq!(tick_step(1_000, 0), 1_000);
        assert_eq!(tick_step(7_300, 8), 1_000);
        assert_eq!(tick_step(Time::MAX, 1), Time::MAX);
    }

    #[test]
    fn list_order() {
        let names = NodeNames::default();
        let s = |id, duration, failed| TraceSummary {
            id,
            root: 0,
            start: id * 10,
            duration,
            failed,
            spans: 3,
        };
        let traces = [
            s(1, 50, false),
            s(2, 500, false),
            s(3, 10, true),
            s(4, 20, true),
        ];
        let mut view = TraceView::default();
        let ids = |v: &TraceView| -> Vec<u64> {
            sorted(&traces, v, &names)
                .into_iter()
                .map(|i| traces[i].id)
                .collect()
        };
        assert_eq!(ids(&view), [4, 3, 2, 1], "failed first, then slowest");
        view.failed_first = false;
        assert_eq!(ids(&view), [2, 1, 4, 3]);
        view.sort = TraceSort::Start;
        view.descending = false;
        assert_eq!(ids(&view), [1, 2, 3, 4]);
    }

    #[test]
    fn a_real_trace_lays_out() {
        let p = crate::project::synthetic::pipeline(7);
        let mut sim =
            crate::sim::Simulation::new(&p, crate::sim::SimConfig::from_project(&p)).unwrap();
        sim.run_until(60 * crate::sim::SEC);
        let t = sim
            .traces()
            .traces
            .values()
            .max_by_key(|t| t.spans.len())
            .expect("a sampled trace");
        let rows = waterfall_rows(t);
        assert_eq!(rows.len(), t.spans.len());
        assert!(rows.iter().any(|r| r.critical));
        assert!(
            rows.iter()
                .all(|r| (0.0..=1.0).contains(&r.from) && r.from <= r.to)
        );
    }
}
