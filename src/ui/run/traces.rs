//! The trace panel: the sampled traces of a run (failed and slowest first, sortable) and the
//! waterfall of the one picked — one row per span on a shared time axis, failed spans red,
//! the critical path outlined.

use super::node_names::NodeNames;
use crate::host::TraceSummary;
use crate::sim::Trace;
use crate::ui::message::PanelAction;
use crate::ui::shell::format::{fmt_count, fmt_duration, fmt_time, plural};
use crate::ui::shell::theme;

pub use super::waterfall::{
    AxisUnit, WaterfallRow, span_kind_label, span_label, tick_step, waterfall_rows, waterfall_ui,
};

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
    /// Trace ids of real requests (`serve`), sorted: marked "external" in the list.
    pub external: std::sync::Arc<Vec<u64>>,
}

impl Default for TraceView {
    fn default() -> Self {
        Self {
            sort: TraceSort::Duration,
            descending: true,
            failed_first: true,
            selected: None,
            external: Default::default(),
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
                    "#{}  {}  {}  {}  at {}{}{}",
                    t.id,
                    fmt_duration(t.duration),
                    names.name(t.root),
                    plural(t.spans as u64, "span"),
                    fmt_time(t.start),
                    if t.failed { "  failed" } else { "" },
                    if view.external.binary_search(&t.id).is_ok() {
                        "  external"
                    } else {
                        ""
                    }
                ));
                if t.failed {
                    text = text.color(theme::text_color(
                        theme::TextRole::Failed,
                        ui.visuals().dark_mode,
                    ));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{SEC, Span, SpanKind, Time};

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
    fn a_waterfall_speaks_one_unit_chosen_from_the_trace_length() {
        assert_eq!(AxisUnit::for_span(850), AxisUnit::Micros);
        assert_eq!(AxisUnit::for_span(5 * 1_000), AxisUnit::Millis);
        assert_eq!(AxisUnit::for_span(361_000), AxisUnit::Millis);
        assert_eq!(AxisUnit::for_span(5 * SEC), AxisUnit::Seconds);
        assert_eq!(AxisUnit::for_span(300 * SEC), AxisUnit::Minutes);
        // "Starts 5.0 ms after the trace began, ends at 0.361 s" becomes one base, one unit.
        let u = AxisUnit::for_span(361_000);
        assert_eq!(u.format(0), "0 ms");
        assert_eq!(u.format(5_000), "5.00 ms");
        assert_eq!(u.format(361_000), "361 ms");
        let u = AxisUnit::for_span(300 * SEC);
        assert_eq!(u.format(0), "0 min");
        assert_eq!(u.format(300 * SEC), "5.00 min");
        assert_eq!(AxisUnit::Micros.format(1_234), "1,234 µs");
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

    /// Every reason a span can fail with is in its label (what a screen reader and the
    /// tooltip say), after "failed: ".
    #[test]
    fn failed_spans_are_labelled_with_their_error() {
        let names = NodeNames::default();
        for why in crate::sim::Failure::ALL {
            let t = Trace {
                id: 1,
                spans: vec![Span {
                    failed: true,
                    error: Some(why),
                    ..span(0, 0, 10, None)
                }],
            };
            let rows = waterfall_rows(&t);
            let label = span_label(&t, &rows[0], &names);
            assert!(
                label.contains(&format!("failed: {}", why.label())),
                "{why:?}: {label}"
            );
        }
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
