//! The run dashboard (egui_plot): the run summary (`summary.rs`) and, for the nodes selected
//! on the canvas (the watched nodes), small time-series plots sharing one x axis in virtual
//! seconds plus a latency histogram. Read-only: it draws what the caller hands it.

use super::node_names::NodeNames;
use super::plot::{MAX_LINE_POINTS, decimate};
use super::summary::summary_ui;
use super::versions::{self, VersionHistories};
use crate::host::Watched;
use crate::model::NodeId;
use crate::sim::{Series, Snapshot};
use crate::ui::message::PanelAction;
use crate::ui::shell::format::fmt_count;
use crate::ui::shell::format::fmt_usd;
use crate::ui::shell::theme::{self, Metric};
use egui_plot::{Bar, BarChart, Legend, Line, Plot, PlotPoint, PlotPoints, VLine};

/// The dashboard's own state: which watched node the histogram shows.
#[derive(Clone, Debug, Default)]
pub struct DashboardView {
    /// The node whose latency histogram is shown (the first watched node if unset or gone).
    pub histogram_node: Option<NodeId>,
    /// What the plots draw, kept between frames.
    pub plots: PlotCache,
}

/// A watched node's series as plot columns: x is the end of each interval in virtual
/// seconds; counts become rates per second; cost is cumulative.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Columns {
    /// Requests received per second.
    pub requests: Vec<[f64; 2]>,
    /// Successes per second.
    pub completions: Vec<[f64; 2]>,
    /// Failures per second.
    pub errors: Vec<[f64; 2]>,
    /// Throttles per second.
    pub throttles: Vec<[f64; 2]>,
    /// Median latency, ms.
    pub p50: Vec<[f64; 2]>,
    /// 99th percentile latency, ms.
    pub p99: Vec<[f64; 2]>,
    /// Busy instances (concurrency) or in-flight messages.
    pub busy: Vec<[f64; 2]>,
    /// Idle warm instances.
    pub idle: Vec<[f64; 2]>,
    /// Messages waiting.
    pub depth: Vec<[f64; 2]>,
    /// Cost so far, $.
    pub cost: Vec<[f64; 2]>,
}

/// Turns a series into plot columns (never divides by a zero width).
pub fn columns(series: &Series) -> Columns {
    let n = series.points.len();
    let mut c = Columns::default();
    for v in [
        &mut c.requests,
        &mut c.completions,
        &mut c.errors,
        &mut c.throttles,
        &mut c.p50,
        &mut c.p99,
        &mut c.busy,
        &mut c.idle,
        &mut c.depth,
        &mut c.cost,
    ] {
        v.reserve_exact(n);
    }
    let mut cost = 0.0;
    for p in &series.points {
        let x = p.t_s + p.width_s;
        let rate = |count: u64| {
            if p.width_s > 0.0 {
                count as f64 / p.width_s
            } else {
                0.0
            }
        };
        cost += p.cost_usd;
        c.requests.push([x, rate(p.invocations)]);
        c.completions.push([x, rate(p.completions)]);
        c.errors.push([x, rate(p.errors)]);
        c.throttles.push([x, rate(p.throttles)]);
        c.p50.push([x, p.p50_ms]);
        c.p99.push([x, p.p99_ms]);
        c.busy.push([x, p.busy as f64]);
        c.idle.push([x, p.idle as f64]);
        c.depth.push([x, p.depth as f64]);
        c.cost.push([x, cost]);
    }
    c
}

/// Shortest a time-series plot gets before the plots scroll, points.
pub const MIN_PLOT_HEIGHT: f32 = 56.0;
/// Height of a "By version" row relative to the other plots' (it is what a deploy is
/// watched for).
const VERSION_ROW_SHARE: f32 = 1.5;
/// Shortest a "By version" plot gets before the plots scroll, points (room for its y-axis
/// label).
pub const MIN_VERSION_PLOT_HEIGHT: f32 = 80.0;

/// The whole dashboard: the run summary on the left, the watched nodes' plots on the right
/// (first, for a watched function with more than one version, its "By version" plots from
/// `versions`).
pub fn dashboard_ui(
    ui: &mut egui::Ui,
    view: &mut DashboardView,
    snapshot: Option<&Snapshot>,
    watched: &[Watched],
    versions: &VersionHistories,
    names: &NodeNames,
    actions: &mut Vec<PanelAction>,
) {
    egui::Panel::left("run summary")
        .resizable(true)
        .default_size(290.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("summary scroll")
                .auto_shrink([false, true])
                .show(ui, |ui| summary_ui(ui, snapshot, actions));
        });
    egui::CentralPanel::default().show(ui, |ui| {
        if watched.is_empty() {
            ui.label(
                egui::RichText::new("Select nodes on the canvas to see their time series").weak(),
            );
            return;
        }
        egui::Panel::right("latency histogram")
            .resizable(true)
            .default_size(260.0)
            .show(ui, |ui| histogram_ui(ui, view, watched, names));
        egui::CentralPanel::default().show(ui, |ui| {
            series_ui(ui, &mut view.plots, snapshot, watched, versions, names)
        });
    });
}

/// A line of a plot: its metric and legend name.
type PlotLine = (Metric, &'static str);

/// The plots, top to bottom: id, y unit and lines.
const PLOTS: [(&str, &str, &[PlotLine]); 4] = [
    (
        "throughput",
        "per s",
        &[
            (Metric::Requests, "requests/s"),
            (Metric::Completions, "completed/s"),
            (Metric::Errors, "errors/s"),
            (Metric::Throttles, "throttles/s"),
        ],
    ),
    (
        "latency",
        "ms",
        &[(Metric::P50, "p50 ms"), (Metric::P99, "p99 ms")],
    ),
    (
        "instances",
        "count",
        &[
            (Metric::Busy, "busy (concurrency)"),
            (Metric::Idle, "idle"),
            (Metric::Depth, "queue depth"),
        ],
    ),
    ("cost", "$", &[(Metric::Cost, "cost $")]),
];

/// Every metric, in the order the plot cache keeps their points.
const METRICS: [Metric; 10] = [
    Metric::Requests,
    Metric::Completions,
    Metric::Errors,
    Metric::Throttles,
    Metric::P50,
    Metric::P99,
    Metric::Busy,
    Metric::Idle,
    Metric::Depth,
    Metric::Cost,
];

/// The column of a metric.
pub fn column(c: &Columns, m: Metric) -> &[[f64; 2]] {
    match m {
        Metric::Requests => &c.requests,
        Metric::Completions => &c.completions,
        Metric::Errors => &c.errors,
        Metric::Throttles => &c.throttles,
        Metric::P50 => &c.p50,
        Metric::P99 => &c.p99,
        Metric::Busy => &c.busy,
        Metric::Idle => &c.idle,
        Metric::Depth => &c.depth,
        Metric::Cost => &c.cost,
    }
}

/// What the plots draw, rebuilt only when the watched series change (every 200 ms or so),
/// not every frame.
#[derive(Clone, Debug, Default)]
pub struct PlotCache {
    /// Per watched node: id, points, last x, resolution.
    key: Vec<(NodeId, usize, u64, u64)>,
    /// Per watched node: its name and the decimated points of each of [`METRICS`].
    lines: Vec<(String, Vec<Vec<PlotPoint>>)>,
}

impl PlotCache {
    fn refresh(&mut self, watched: &[Watched], names: &NodeNames) {
        let key: Vec<(NodeId, usize, u64, u64)> = watched
            .iter()
            .map(|w| {
                let last = w.series.points.last().map_or(0, |p| p.t_s.to_bits());
                (
                    w.id.clone(),
                    w.series.points.len(),
                    last,
                    w.series.resolution_s,
                )
            })
            .collect();
        if key == self.key && !self.lines.is_empty() {
            return;
        }
        self.lines = watched
            .iter()
            .map(|w| {
                let c = columns(&w.series);
                let lines = METRICS
                    .iter()
                    .map(|&m| decimate(column(&c, m), MAX_LINE_POINTS))
                    .collect();
                (names.name_of(&w.id).to_owned(), lines)
            })
            .collect();
        self.key = key;
    }
}

/// The small plots: a "By version" row per watched function with several versions, then
/// throughput, latency, instances and queue, cost — one x axis.
fn series_ui(
    ui: &mut egui::Ui,
    cache: &mut PlotCache,
    snapshot: Option<&Snapshot>,
    watched: &[Watched],
    versions: &VersionHistories,
    names: &NodeNames,
) {
    for w in watched {
        let name = names.name_of(&w.id);
        let mut text = format!(
            "{name}: p50 {} ms · p99 {} ms",
            w.latency.p50_ms, w.latency.p99_ms
        );
        if let Some(n) = snapshot.and_then(|s| s.node(w.id.as_str())) {
            text = format!(
                "{name}: {} requests · {} errors · {} throttles · {} cold starts · p50 {} ms · p99 {} ms · {}",
                fmt_count(n.invocations),
                fmt_count(n.errors),
                fmt_count(n.throttles),
                fmt_count(n.cold_starts),
                w.latency.p50_ms,
                w.latency.p99_ms,
                fmt_usd(n.cost_usd)
            );
        }
        ui.label(text).on_hover_text("Totals since the run began");
    }
    cache.refresh(watched, names);
    let multi = cache.lines.len() > 1;
    let link = egui::Id::new("dashboard time axis");
    let gap = ui.spacing().item_spacing.y;
    let by_version: Vec<_> = watched
        .iter()
        .filter_map(|w| snapshot?.node(w.id.as_str()))
        .filter(|n| versions::has_versions(n))
        .collect();
    // The rows of plots share the panel's height, a "By version" row (which also has a
    // heading line) half as much again as the others; below their least heights they scroll.
    let rows = PLOTS.len() as f32 + VERSION_ROW_SHARE * by_version.len() as f32;
    let headings = by_version.len() as f32 * (ui.text_style_height(&egui::TextStyle::Body) + gap);
    let gaps = (PLOTS.len() + by_version.len()).saturating_sub(1) as f32 * gap;
    let share = (ui.available_height() - headings - gaps) / rows;
    let height = share.max(MIN_PLOT_HEIGHT);
    let version_height = (share * VERSION_ROW_SHARE).max(MIN_VERSION_PLOT_HEIGHT);
    let last = PLOTS.len() - 1;
    egui::ScrollArea::vertical()
        .id_salt("dashboard plots")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for n in &by_version {
                versions::by_version_ui(
                    ui,
                    names.name_of(&n.id),
                    n,
                    versions.get(&n.id),
                    snapshot.map_or(0, |s| s.now),
                    version_height,
                    link,
                );
            }
            for (g, (id, unit, metrics)) in PLOTS.into_iter().enumerate() {
                let lines = &cache.lines;
                Plot::new(("dashboard", id))
                    .height(height)
                    .link_axis(link, [true, false])
                    .link_cursor(link, [true, false])
                    .legend(Legend::default().position(egui_plot::Corner::LeftTop))
                    .y_axis_label(unit)
                    .y_axis_min_width(40.0)
                    .show_axes([g == last, true])
                    .include_y(0.0)
                    .x_axis_formatter(|m, _| format!("{} s", m.value))
                    .show(ui, |plot| {
                        for (i, (node, points)) in lines.iter().enumerate() {
                            for &(metric, name) in metrics {
                                let Some(k) = METRICS.iter().position(|&m| m == metric) else {
                                    continue;
                                };
                                let label = if multi {
                                    format!("{node} {name}")
                                } else {
                                    name.to_owned()
                                };
                                plot.line(
                                    Line::new(label, PlotPoints::Borrowed(&points[k]))
                                        .color(theme::node_shade(theme::metric_color(metric), i)),
                                );
                            }
                        }
                    })
                    .response
                    .on_hover_text(
                        "Drag to pan, scroll to zoom (all plots follow), double-click to reset",
                    );
            }
        });
}

/// The latency histogram of one watched node (log-spaced buckets) with p50 and p99 marked.
fn histogram_ui(
    ui: &mut egui::Ui,
    view: &mut DashboardView,
    watched: &[Watched],
    names: &NodeNames,
) {
    let shown = view
        .histogram_node
        .as_ref()
        .and_then(|id| watched.iter().find(|w| &w.id == id))
        .or(watched.first());
    let Some(w) = shown else {
        return;
    };
    ui.horizontal(|ui| {
        ui.strong("Latency");
        if watched.len() > 1 {
            let mut pick = w.id.clone();
            egui::ComboBox::from_id_salt("histogram node")
                .selected_text(names.name_of(&w.id))
                .show_ui(ui, |ui| {
                    for o in watched {
                        ui.selectable_value(&mut pick, o.id.clone(), names.name_of(&o.id));
                    }
                })
                .response
                .on_hover_text("Which watched node's latency to show");
            if pick != w.id {
                view.histogram_node = Some(pick);
            }
        } else {
            ui.label(names.name_of(&w.id));
        }
    });
    ui.label(format!(
        "{} samples · mean {} ms · p50 {} · p90 {} · p99 {} · max {} ms",
        fmt_count(w.latency.count),
        w.latency.mean_ms,
        w.latency.p50_ms,
        w.latency.p90_ms,
        w.latency.p99_ms,
        w.latency.max_ms
    ));
    if w.histogram.is_empty() {
        ui.label(egui::RichText::new("No latency recorded yet").weak());
        return;
    }
    // Buckets double in width: on a log10 axis they are evenly spaced.
    let step = std::f64::consts::LOG10_2;
    let bars: Vec<Bar> = w
        .histogram
        .iter()
        .filter(|(upper, _)| *upper > 0.0 && upper.is_finite())
        .map(|&(upper, count)| {
            let x = upper.log10() - step / 2.0;
            Bar::new(x, count as f64)
                .width(step * 0.9)
                .name(format!("≤ {upper} ms"))
        })
        .collect();
    let log_ms = |v: f64| v.max(1e-3).log10();
    Plot::new("latency histogram plot")
        .x_axis_formatter(|m, _| {
            let ms = 10f64.powf(m.value);
            if ms >= 1000.0 {
                format!("{} s", ms / 1000.0)
            } else {
                format!("{ms} ms")
            }
        })
        .x_grid_spacer(egui_plot::log_grid_spacer(10))
        .y_axis_label("requests")
        .include_y(0.0)
        .legend(Legend::default().position(egui_plot::Corner::RightTop))
        .show(ui, |plot| {
            plot.bar_chart(
                BarChart::new("latency", bars)
                    .color(theme::HISTOGRAM)
                    .element_formatter(Box::new(|b, _| format!("{}: {}", b.name, b.value))),
            );
            plot.vline(
                VLine::new("p50", log_ms(w.latency.p50_ms)).color(theme::metric_color(Metric::P50)),
            );
            plot.vline(
                VLine::new("p99", log_ms(w.latency.p99_ms)).color(theme::metric_color(Metric::P99)),
            );
        })
        .response
        .on_hover_text("How many requests took how long (log scale)");
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Point;

    #[test]
    fn columns_are_rates_and_running_cost() {
        let mut s = Series::default();
        s.points = vec![
            Point {
                t_s: 0.0,
                width_s: 1.0,
                invocations: 10,
                errors: 1,
                cost_usd: 0.5,
                depth: 3,
                ..Point::default()
            },
            Point {
                t_s: 1.0,
                width_s: 2.0,
                invocations: 10,
                cost_usd: 0.25,
                ..Point::default()
            },
            Point {
                t_s: 3.0,
                width_s: 0.0,
                invocations: 5,
                ..Point::default()
            },
        ];
        let c = columns(&s);
        assert_eq!(c.requests, [[1.0, 10.0], [3.0, 5.0], [3.0, 0.0]]);
        assert_eq!(c.errors[0], [1.0, 1.0]);
        assert_eq!(c.cost, [[1.0, 0.5], [3.0, 0.75], [3.0, 0.75]]);
        assert_eq!(c.depth[0], [1.0, 3.0]);
        assert_eq!(columns(&Series::default()), Columns::default());
    }
}
