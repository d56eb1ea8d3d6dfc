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
use crate::ui::shell::format::{fmt_count, fmt_number, fmt_usd, plural};
use crate::ui::shell::theme::{self, Metric};
use egui_plot::{
    AxisHints, Bar, BarChart, GridInput, GridMark, Line, Plot, PlotPoint, PlotPoints, VLine,
};

/// The dashboard's own state: which watched node the histogram shows.
#[derive(Clone, Debug, Default)]
pub struct DashboardView {
    /// The node whose latency histogram is shown (the first watched node if unset or gone).
    pub histogram_node: Option<NodeId>,
    /// What the plots draw, kept between frames.
    pub plots: PlotCache,
    /// The histogram is shown instead of the time series (when there is no room for both).
    pub show_histogram: bool,
    /// Where the last frame put the plots (for tests and the layout's own checks).
    pub laid_out: LaidOut,
}

/// Where the last frame drew the dashboard's plots, in screen points.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LaidOut {
    /// The area the plots and the histogram had (the dashboard beside the summary).
    pub area: Option<egui::Rect>,
    /// Each time-series plot, axes and all, in [`PLOTS`] order (empty when hidden).
    pub plots: Vec<egui::Rect>,
    /// The latency histogram, axes and all, when shown.
    pub histogram: Option<egui::Rect>,
    /// The layout chosen for the space there was.
    pub layout: Option<PlotLayout>,
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

/// Width of the latency histogram beside the plots, points.
pub const HISTOGRAM_WIDTH: f32 = 260.0;
/// Narrowest a time-series plot gets (its y axis and some data), points.
pub const MIN_COLUMN_WIDTH: f32 = 120.0;

/// Shortest a time-series plot gets before the plots scroll, points.
pub const MIN_PLOT_HEIGHT: f32 = 50.0;
/// Least room between two labels of the time axis, points.
pub const TIME_LABEL_SPACING: f32 = 40.0;
/// The least grid spacing the time axis asks of egui_plot (its `base_step_size` is this
/// many points in seconds), points.
const TIME_GRID_MIN: f32 = 8.0;

/// Grid marks of the time axis at the roundest step (1, 2 or 5 × 10ⁿ seconds) that leaves
/// each label [`TIME_LABEL_SPACING`] points: a 45 s run in a 130-point plot reads
/// "0 s, 20 s, 40 s", where egui_plot's powers of ten would label only "0 s".
pub fn time_marks(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo || input.base_step_size <= 0.0 {
        return Vec::new();
    }
    let per_second = f64::from(TIME_GRID_MIN) / input.base_step_size;
    let least = f64::from(TIME_LABEL_SPACING) / per_second;
    let decade = 10f64.powf(least.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * decade)
        .find(|&s| s >= least)
        .unwrap_or(10.0 * decade);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    if last - first > 1_000 {
        return Vec::new();
    }
    (first..=last)
        .map(|k| GridMark {
            value: k as f64 * step,
            step_size: step,
        })
        .collect()
}
/// How much wider than tall a plot reads best: the layout weighs a plot's height by this
/// against its width.
const PLOT_ASPECT: f32 = 2.5;
/// Height of a "By version" row relative to the other plots' (it is what a deploy is
/// watched for).
const VERSION_ROW_SHARE: f32 = 1.5;
/// Shortest a "By version" plot gets before the plots scroll, points (room for its y-axis
/// label).
pub const MIN_VERSION_PLOT_HEIGHT: f32 = 80.0;

/// Where the latency histogram goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistogramPlace {
    /// Beside the time series, on the right.
    Beside,
    /// Behind a toggle: either the time series or the histogram fill the area.
    Toggle,
}

/// The space the dashboard's plots have, and the sizes of what goes in it, points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Space {
    /// Width of the area.
    pub width: f32,
    /// Height of the area (below the headline).
    pub height: f32,
    /// Spacing between plots across.
    pub gap_x: f32,
    /// Spacing between rows of plots.
    pub gap: f32,
    /// Height of a legend line in body text.
    pub line: f32,
    /// Height of a legend line in compact legends' smaller text.
    pub small_line: f32,
    /// Width of each plot's legend ([`PLOTS`] order) on one line of body text.
    pub legend_widths: [f32; 4],
}

/// How the time-series plots fill the [`Space`]: a grid of `columns` × `rows` plots of one
/// size, each under its legend.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlotLayout {
    /// Plots across.
    pub columns: usize,
    /// Plots down.
    pub rows: usize,
    /// Width of each plot with its y axis.
    pub plot_width: f32,
    /// Height of each plot with its axes (legend not included).
    pub plot_height: f32,
    /// Height of each row's legend (the tallest legend in the row).
    pub legend_heights: [f32; 4],
    /// Legends in small text on one line (the whole legend on hover).
    pub compact: bool,
    /// Where the histogram goes.
    pub histogram: HistogramPlace,
    /// Every plot has at least its least size; when false the plots scroll.
    pub fits: bool,
}

/// Chooses the plot layout for `space`: the histogram beside the plots if they still fit,
/// legends in body text if they fit, and among the grids (1, 2 or 4 plots across) the one
/// whose plots read best — a plot reads as well as its width or [`PLOT_ASPECT`] × its
/// height, whichever is less. With no room for any, the plots keep their least size and
/// scroll.
pub fn plot_layout(space: &Space) -> PlotLayout {
    let legend_lines = |width: f32, column: f32| (width / column.max(1.0)).ceil().max(1.0);
    let candidate = |histogram: HistogramPlace, compact: bool, columns: usize| {
        let width = match histogram {
            HistogramPlace::Beside => space.width - HISTOGRAM_WIDTH - space.gap_x,
            HistogramPlace::Toggle => space.width,
        };
        let plot_width = (width - (columns - 1) as f32 * space.gap_x) / columns as f32;
        let rows = PLOTS.len().div_ceil(columns);
        let mut legend_heights = [0.0; 4];
        for (r, legends) in space.legend_widths.chunks(columns).enumerate() {
            legend_heights[r] = if compact {
                space.small_line
            } else {
                legends
                    .iter()
                    .map(|&w| legend_lines(w, plot_width) * space.line)
                    .fold(0.0, f32::max)
            };
        }
        let legends: f32 = legend_heights.iter().sum();
        let gaps = (rows - 1) as f32 * space.gap;
        let plot_height = (space.height - legends - gaps) / rows as f32;
        PlotLayout {
            columns,
            rows,
            plot_width,
            plot_height,
            legend_heights,
            compact,
            histogram,
            fits: plot_width >= MIN_COLUMN_WIDTH && plot_height >= MIN_PLOT_HEIGHT,
        }
    };
    let score = |l: &PlotLayout| l.plot_width.min(l.plot_height * PLOT_ASPECT);
    for histogram in [HistogramPlace::Beside, HistogramPlace::Toggle] {
        for compact in [false, true] {
            let best = [1, 2, 4]
                .into_iter()
                .map(|c| candidate(histogram, compact, c))
                .filter(|l| l.fits)
                .max_by(|a, b| score(a).total_cmp(&score(b)));
            if let Some(best) = best {
                return best;
            }
        }
    }
    // No room: as many columns as keep their width, plots at their least height.
    let columns = [4, 2, 1]
        .into_iter()
        .find(|&c| candidate(HistogramPlace::Toggle, true, c).plot_width >= MIN_COLUMN_WIDTH)
        .unwrap_or(1);
    PlotLayout {
        plot_height: MIN_PLOT_HEIGHT,
        fits: false,
        ..candidate(HistogramPlace::Toggle, true, columns)
    }
}

/// The whole dashboard: the run summary on the left, the watched nodes' plots on the right
/// (first, for a watched function with more than one version, its "By version" plots from
/// `versions`), laid out by [`plot_layout`] for the space there is.
pub fn dashboard_ui(
    ui: &mut egui::Ui,
    view: &mut DashboardView,
    snapshot: Option<&Snapshot>,
    watched: &[Watched],
    versions: &VersionHistories,
    names: &NodeNames,
    actions: &mut Vec<PanelAction>,
) {
    // The plots keep room to be read (also in Present mode, where text is 1.5×): the summary
    // opens at under a third of the width.
    let width = ui.available_width();
    let summary_width = (width * 0.3).clamp(140.0, 290.0);
    egui::Panel::left("run summary")
        .resizable(true)
        .default_size(summary_width)
        .size_range(140.0..=(width * 0.45).max(160.0))
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("summary scroll")
                .auto_shrink([false, true])
                .show(ui, |ui| summary_ui(ui, snapshot, actions));
        });
    egui::CentralPanel::default().show(ui, |ui| {
        view.laid_out = LaidOut {
            area: Some(ui.available_rect_before_wrap()),
            ..LaidOut::default()
        };
        if watched.is_empty() {
            ui.label(
                egui::RichText::new("Select nodes on the canvas to see their time series").weak(),
            );
            return;
        }
        series_ui(ui, view, snapshot, watched, versions, names);
    });
}
/// A line of a plot: its metric and legend name.
type PlotLine = (Metric, &'static str);

/// The plots, top to bottom: id, title with its unit, and lines.
const PLOTS: [(&str, &str, &[PlotLine]); 4] = [
    (
        "throughput",
        "Throughput, per s",
        &[
            (Metric::Requests, "requests/s"),
            (Metric::Completions, "completed/s"),
            (Metric::Errors, "errors/s"),
            (Metric::Throttles, "throttles/s"),
        ],
    ),
    (
        "latency",
        "Latency, ms",
        &[(Metric::P50, "p50"), (Metric::P99, "p99")],
    ),
    (
        "instances",
        "Instances and messages",
        &[
            (Metric::Busy, "busy (concurrency)"),
            (Metric::Idle, "idle"),
            (Metric::Depth, "queue depth"),
        ],
    ),
    ("cost", "Cost so far, $", &[(Metric::Cost, "cost")]),
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

/// The width of a plot's legend on one line of body text ([`legend_ui`] draws it).
fn legend_width(ui: &egui::Ui, title: &str, entries: &[(String, egui::Color32)]) -> f32 {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let text_width = |t: &str| {
        ui.painter()
            .layout_no_wrap(t.to_owned(), font.clone(), egui::Color32::WHITE)
            .size()
            .x
    };
    let spacing = 6.0;
    text_width(title)
        + entries
            .iter()
            .map(|(name, _)| 2.0 * spacing + text_width("━") + text_width(name))
            .sum::<f32>()
}

/// The legend entries of a plot: per watched node, a name and colour per line.
fn legend_entries(
    metrics: &[PlotLine],
    lines: &[(String, Vec<Vec<PlotPoint>>)],
) -> Vec<(String, egui::Color32)> {
    let multi = lines.len() > 1;
    lines
        .iter()
        .enumerate()
        .flat_map(|(i, (node, _))| {
            metrics.iter().map(move |&(metric, name)| {
                let label = if multi {
                    format!("{node} {name}")
                } else {
                    name.to_owned()
                };
                (label, theme::node_shade(theme::metric_color(metric), i))
            })
        })
        .collect()
}

/// The small plots: a "By version" row per watched function with several versions, then
/// throughput, latency, instances and queue, cost — one x axis — in the grid
/// [`plot_layout`] chooses, with the latency histogram beside them or behind a toggle.
fn series_ui(
    ui: &mut egui::Ui,
    view: &mut DashboardView,
    snapshot: Option<&Snapshot>,
    watched: &[Watched],
    versions: &VersionHistories,
    names: &NodeNames,
) {
    view.plots.refresh(watched, names);
    let entries: Vec<Vec<(String, egui::Color32)>> = PLOTS
        .iter()
        .map(|(_, _, metrics)| legend_entries(metrics, &view.plots.lines))
        .collect();
    let mut legend_widths = [0.0; 4];
    for (w, ((_, title, _), e)) in legend_widths.iter_mut().zip(PLOTS.iter().zip(&entries)) {
        *w = legend_width(ui, title, e);
    }
    let gap = ui.spacing().item_spacing.y;
    let line = ui.text_style_height(&egui::TextStyle::Body) + gap;
    let small_line = ui.fonts_mut(|f| f.row_height(&compact_font(ui))) + gap;
    let by_version: Vec<_> = watched
        .iter()
        .filter_map(|w| snapshot?.node(w.id.as_str()))
        .filter(|n| versions::has_versions(n))
        .collect();
    // The headlines (and the histogram toggle when it needs one) take a line per node; a
    // "By version" row (a heading and its plots) half as much again as a row of plots.
    let headlines = watched.len() as f32 * (line.max(ui.spacing().interact_size.y) + gap);
    let height = ui.available_height() - headlines;
    let version_height = (height / (2.0 + VERSION_ROW_SHARE * by_version.len() as f32)
        * VERSION_ROW_SHARE)
        .max(MIN_VERSION_PLOT_HEIGHT);
    let versions_height = by_version.len() as f32 * (version_height + line + gap);
    let layout = plot_layout(&Space {
        width: ui.available_width(),
        height: height - versions_height,
        gap_x: ui.spacing().item_spacing.x,
        gap,
        line,
        small_line,
        legend_widths,
    });
    view.laid_out.layout = Some(layout);
    for (i, w) in watched.iter().enumerate() {
        let name = names.name_of(&w.id);
        let (p50, p99) = (ms_text(w.latency.p50_ms), ms_text(w.latency.p99_ms));
        let mut text = format!("{name}: p50 {p50} · p99 {p99}");
        if let Some(n) = snapshot.and_then(|s| s.node(w.id.as_str())) {
            text = format!(
                "{name}: {} requests · {} errors · {} throttles · {} cold starts · p50 {p50} · \
                 p99 {p99} · {}",
                fmt_count(n.invocations),
                fmt_count(n.errors),
                fmt_count(n.throttles),
                fmt_count(n.cold_starts),
                fmt_usd(n.cost_usd)
            );
        }
        ui.horizontal(|ui| {
            if i == 0 && layout.histogram == HistogramPlace::Toggle {
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.selectable_value(&mut view.show_histogram, true, "Latency histogram")
                        .on_hover_text("Requests by latency (no room beside the time series)");
                    ui.selectable_value(&mut view.show_histogram, false, "Time series");
                    headline(ui, &text);
                });
            } else {
                headline(ui, &text);
            }
        });
    }
    let link = egui::Id::new("dashboard time axis");
    let histogram_only = layout.histogram == HistogramPlace::Toggle && view.show_histogram;
    if histogram_only {
        let rect = ui
            .scope(|ui| histogram_ui(ui, view, watched, names))
            .response
            .rect;
        view.laid_out.histogram = Some(rect);
        return;
    }
    let plots_width = layout.columns as f32 * layout.plot_width
        + (layout.columns - 1) as f32 * ui.spacing().item_spacing.x;
    ui.horizontal_top(|ui| {
        let height = ui.available_height();
        ui.allocate_ui_with_layout(
            egui::vec2(plots_width, height),
            egui::Layout::top_down(egui::Align::Min),
            |ui| {
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
                        let rects = plots_grid(ui, &layout, &view.plots.lines, &entries, link);
                        view.laid_out.plots = rects;
                    });
            },
        );
        if layout.histogram == HistogramPlace::Beside {
            let rect = ui
                .allocate_ui_with_layout(
                    egui::vec2(ui.available_width(), height),
                    egui::Layout::top_down(egui::Align::Min),
                    |ui| histogram_ui(ui, view, watched, names),
                )
                .response
                .rect;
            view.laid_out.histogram = Some(rect);
        }
    });
}

/// The font of compact legends: body text a little smaller (egui's small text is too small
/// to read on a projector).
fn compact_font(ui: &egui::Ui) -> egui::FontId {
    let body = egui::TextStyle::Body.resolve(ui.style());
    egui::FontId::new(body.size * 0.85, body.family)
}

/// A watched node's totals on one line, cut to the room with the whole on hover.
fn headline(ui: &mut egui::Ui, text: &str) {
    ui.add(egui::Label::new(text).truncate())
        .on_hover_text(format!("Totals since the run began\n{text}"));
}

/// The time-series plots in `layout`'s grid, each under its legend; the bottom row shows
/// the shared time axis. Returns each plot's rectangle, axes and all.
fn plots_grid(
    ui: &mut egui::Ui,
    layout: &PlotLayout,
    lines: &[(String, Vec<Vec<PlotPoint>>)],
    entries: &[Vec<(String, egui::Color32)>],
    link: egui::Id,
) -> Vec<egui::Rect> {
    let mut rects = Vec::with_capacity(PLOTS.len());
    for (r, row) in PLOTS.chunks(layout.columns).enumerate() {
        let bottom = r + 1 == layout.rows;
        let cell = egui::vec2(
            layout.plot_width,
            layout.legend_heights[r] + layout.plot_height,
        );
        ui.horizontal_top(|ui| {
            for (c, plot) in row.iter().enumerate() {
                let g = r * layout.columns + c;
                ui.allocate_ui_with_layout(cell, egui::Layout::top_down(egui::Align::Min), |ui| {
                    ui.set_width(cell.x);
                    let top = ui.cursor().top();
                    legend_ui(ui, plot.1, &entries[g], layout.compact);
                    // What the legend left of the cell (more when it wrapped less than
                    // the layout allowed for, less when more).
                    let height = (top + cell.y - ui.cursor().top()).max(MIN_PLOT_HEIGHT * 0.5);
                    rects.push(plot_ui(
                        ui,
                        plot,
                        lines,
                        &entries[g],
                        [cell.x, height],
                        link,
                        bottom,
                    ));
                });
            }
        });
    }
    rects
}

/// One time-series plot of `size`: every watched node's lines of its metrics (`lines` from
/// [`PlotCache`], named and coloured by `entries`), `x_axis` on the bottom row only.
/// Returns its rectangle, axes and all.
fn plot_ui(
    ui: &mut egui::Ui,
    &(id, _, metrics): &(&str, &str, &[PlotLine]),
    lines: &[(String, Vec<Vec<PlotPoint>>)],
    entries: &[(String, egui::Color32)],
    [width, height]: [f32; 2],
    link: egui::Id,
    x_axis: bool,
) -> egui::Rect {
    let money = id == "cost";
    ui.scope(|ui| {
        Plot::new(("dashboard", id))
            .width(width)
            .height(height)
            .link_axis(link, [true, false])
            .link_cursor(link, [true, false])
            .y_axis_min_width(40.0)
            .show_axes([x_axis, true])
            .include_y(0.0)
            .custom_x_axes(vec![
                AxisHints::new_x()
                    .formatter(|m, _| format!("{} s", tick_text(m)))
                    // "120 s" needs far less than egui's 60 points between labels: narrow
                    // plots still label their time axis.
                    .label_spacing(TIME_LABEL_SPACING * 0.5..=TIME_LABEL_SPACING * 0.6),
            ])
            .grid_spacing(TIME_GRID_MIN..=300.0)
            .x_grid_spacer(time_marks)
            .y_axis_formatter(move |m, _| {
                if money {
                    format!("${}", tick_text(m))
                } else {
                    tick_text(m)
                }
            })
            .show(ui, |plot| {
                for (i, (_, points)) in lines.iter().enumerate() {
                    for (j, &(metric, _)) in metrics.iter().enumerate() {
                        let Some(k) = METRICS.iter().position(|&m| m == metric) else {
                            continue;
                        };
                        let (label, color) = &entries[i * metrics.len() + j];
                        plot.line(
                            Line::new(label.as_str(), PlotPoints::Borrowed(&points[k]))
                                .color(*color),
                        );
                    }
                }
            })
            .response
            .on_hover_text("Drag to pan, scroll to zoom (all plots follow), double-click to reset");
    })
    .response
    .rect
}

/// A plot's legend as text above it (never over the data): its title with the unit, then
/// a coloured mark and name per line — wrapped in body text, or `compact`: one line of
/// smaller text cut to the room, the whole legend on hover.
fn legend_ui(ui: &mut egui::Ui, title: &str, entries: &[(String, egui::Color32)], compact: bool) {
    if compact {
        // One label of smaller text, cut at the cell's edge.
        let font = compact_font(ui);
        let text = ui.visuals().text_color();
        let strong = ui.visuals().strong_text_color();
        let mut job = egui::text::LayoutJob::default();
        let mut append = |t: &str, color: egui::Color32| {
            job.append(t, 0.0, egui::TextFormat::simple(font.clone(), color));
        };
        append(title, strong);
        for (name, color) in entries {
            append("  ━ ", *color);
            append(name, text);
        }
        let all: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
        ui.add(egui::Label::new(job).truncate())
            .on_hover_text(format!("{title}: {}", all.join(", ")));
    } else {
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing.x = 6.0;
            ui.strong(title);
            for (name, color) in entries {
                ui.label(egui::RichText::new("━").color(*color).strong());
                ui.label(name.as_str());
            }
        });
    }
}

/// A tick's number with thousands separators and as many decimals as its spacing needs
/// ("9,000,000", "0.25").
pub fn tick_text(m: GridMark) -> String {
    if m.value == 0.0 {
        // Zero is a coarse mark of every spacing: "0", never "0.0".
        return "0".to_owned();
    }
    let step = m.step_size.abs();
    let decimals = if step >= 1.0 || step == 0.0 || !step.is_finite() {
        0
    } else {
        (-step.log10()).ceil().clamp(0.0, 9.0) as usize
    };
    fmt_number(m.value, decimals)
}

/// A latency in the unit that reads best, with at most one decimal ("80.9 ms", "1.2 s").
pub fn ms_text(ms: f64) -> String {
    if ms >= 1_000.0 {
        format!("{} s", fmt_number(ms / 1_000.0, 2))
    } else if ms >= 100.0 {
        format!("{} ms", fmt_number(ms, 0))
    } else {
        format!("{} ms", fmt_number(ms, 1))
    }
}

/// A latency axis tick at `ms` (a round 1, 2 or 5 × 10ⁿ): "500 µs", "2 ms", "1.5 s".
pub fn latency_tick(ms: f64) -> String {
    if ms >= 1_000.0 {
        let s = ms / 1_000.0;
        let text = fmt_number(s, if s < 10.0 { 1 } else { 0 });
        format!("{} s", text.strip_suffix(".0").unwrap_or(&text))
    } else if ms >= 1.0 {
        format!("{} ms", fmt_number(ms, 0))
    } else {
        format!("{} µs", fmt_number(ms * 1_000.0, 0))
    }
}

/// Least distance between grid lines of the histogram's axis, points (egui_plot hands the
/// grid spacer `base_step_size` = this many points in axis units).
const HISTOGRAM_GRID_MIN: f32 = 8.0;
/// Room one latency tick label needs on the axis ("500 µs", "200 ms" and a margin), points.
pub const LATENCY_LABEL_WIDTH: f32 = 44.0;

/// Grid marks of a log10 axis at as many round latencies as fit their labels: 1, 2 and 5 ×
/// each power of ten when a decade is wide, 1 and 3 × when it is narrower, each decade, or
/// every few decades over very wide ranges, so any range has several labelled
/// ticks. Each mark's `step_size` is the distance to its nearest neighbour (egui_plot shows
/// a label only where it has that much room).
pub fn log_125_marks(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo || input.base_step_size <= 0.0 {
        return Vec::new();
    }
    let (first, last) = (lo.floor() as i64, hi.ceil() as i64);
    if last - first > 60 {
        return Vec::new();
    }
    let per_decade = f64::from(HISTOGRAM_GRID_MIN) / input.base_step_size;
    let room = |gap: f64| gap * per_decade >= f64::from(LATENCY_LABEL_WIDTH);
    let (mantissas, every): (&[f64], i64) = if room(2f64.log10()) {
        (&[1.0, 2.0, 5.0], 1)
    } else if room(3f64.log10()) {
        (&[1.0, 3.0], 1)
    } else {
        // Decades, or every so many decades that their labels have room.
        let every = (f64::from(LATENCY_LABEL_WIDTH) / per_decade)
            .ceil()
            .clamp(1.0, 60.0);
        (&[1.0], every as i64)
    };
    // The smallest gap between neighbouring marks of the pattern, in decades.
    let gap = if mantissas.len() == 1 {
        every as f64
    } else {
        mantissas
            .windows(2)
            .map(|w| w[1].log10() - w[0].log10())
            .chain(mantissas.last().map(|m| 1.0 - m.log10()))
            .fold(f64::INFINITY, f64::min)
    };
    let mut out = Vec::new();
    for k in (first..=last).filter(|k| k.rem_euclid(every) == 0) {
        for &m in mantissas {
            let value = k as f64 + m.log10();
            if (lo..=hi).contains(&value) {
                out.push(GridMark {
                    value,
                    step_size: gap,
                });
            }
        }
    }
    out
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
    // One line, so the plot keeps its room (the whole on hover).
    let stats = format!(
        "{} samples · mean {} · p50 {} · p90 {} · p99 {} · max {}",
        fmt_count(w.latency.count),
        ms_text(w.latency.mean_ms),
        ms_text(w.latency.p50_ms),
        ms_text(w.latency.p90_ms),
        ms_text(w.latency.p99_ms),
        ms_text(w.latency.max_ms)
    );
    ui.add(egui::Label::new(stats.as_str()).truncate())
        .on_hover_text(stats);
    legend_ui(
        ui,
        "Requests by latency",
        &[
            ("p50".to_owned(), theme::metric_color(Metric::P50)),
            ("p99".to_owned(), theme::metric_color(Metric::P99)),
        ],
        false,
    );
    if w.histogram.is_empty() {
        ui.label(egui::RichText::new("No latency recorded yet").weak());
        return;
    }
    // Buckets double in width: on a log10 axis they are evenly spaced.
    let step = std::f64::consts::LOG10_2;
    let bars: Vec<Bar> = w
        .histogram
        .iter()
        // Empty buckets would stretch the axis over decades no request took, leaving no
        // room for its tick labels.
        .filter(|(upper, count)| *count > 0 && *upper > 0.0 && upper.is_finite())
        .map(|&(upper, count)| {
            let x = upper.log10() - step / 2.0;
            Bar::new(x, count as f64)
                .width(step * 0.9)
                .name(format!("≤ {}", ms_text(upper)))
        })
        .collect();
    let log_ms = |v: f64| v.max(1e-3).log10();
    Plot::new("latency histogram plot")
        .custom_x_axes(vec![
            AxisHints::new_x()
                .formatter(|m, _| latency_tick(10f64.powf(m.value)))
                // The spacer already leaves each label its room.
                .label_spacing(LATENCY_LABEL_WIDTH * 0.5..=LATENCY_LABEL_WIDTH * 0.6),
        ])
        .grid_spacing(HISTOGRAM_GRID_MIN..=300.0)
        .x_grid_spacer(log_125_marks)
        .y_axis_formatter(|m, _| tick_text(m))
        .y_axis_min_width(40.0)
        // The room that is left, never more (egui_plot's own least size is 64 points).
        .min_size(egui::vec2(64.0, 32.0))
        .height(ui.available_height().max(32.0))
        .include_y(0.0)
        .show(ui, |plot| {
            plot.bar_chart(
                BarChart::new("latency", bars)
                    .color(theme::HISTOGRAM)
                    .element_formatter(Box::new(|b, _| {
                        format!("{}: {}", b.name, plural(b.value as u64, "request"))
                    })),
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

    #[test]
    fn numbers_on_the_dashboard_read_with_units_and_separators() {
        let mark = |value, step_size| GridMark { value, step_size };
        assert_eq!(tick_text(mark(9_000_000.0, 1_000_000.0)), "9,000,000");
        assert_eq!(tick_text(mark(0.25, 0.05)), "0.25");
        assert_eq!(tick_text(mark(12.0, 2.0)), "12");
        assert_eq!(tick_text(mark(0.0, 0.1)), "0");
        assert_eq!(ms_text(80.895), "80.9 ms");
        assert_eq!(ms_text(1_234.0), "1.23 s");
        assert_eq!(ms_text(250.4), "250 ms");
        assert_eq!(latency_tick(10f64.powf(2.0f64.log10())), "2 ms");
        assert_eq!(latency_tick(0.5), "500 µs");
        assert_eq!(latency_tick(2_000.0), "2 s");
        assert_eq!(latency_tick(1_500.0), "1.5 s");
    }

    /// Every space from a narrow Present-mode dashboard to a wide window: a layout that says
    /// it fits keeps every plot at its least size and all of them (legends, gaps, the
    /// histogram beside) inside the space; one that does not keeps the least height and the
    /// widest grid whose columns keep their width. Known cells: the Present-mode dashboard
    /// at 1280×800 (about 270 × 150 points) gets 2 × 2 plots with the histogram behind its
    /// toggle; a wide one keeps the histogram beside.
    #[test]
    fn the_plot_layout_fits_the_space_or_says_so() {
        let legend_widths = [380.0, 150.0, 330.0, 110.0];
        for width in [100.0, 200.0, 270.0, 300.0, 450.0, 650.0, 900.0, 1_300.0] {
            for height in [40.0, 100.0, 150.0, 200.0, 300.0, 500.0, 800.0] {
                let space = Space {
                    width,
                    height,
                    gap_x: 8.0,
                    gap: 4.0,
                    line: 20.0,
                    small_line: 16.0,
                    legend_widths,
                };
                let l = plot_layout(&space);
                let at = format!("{width}×{height}: {l:?}");
                assert!([1, 2, 4].contains(&l.columns), "{at}");
                assert_eq!(l.columns * l.rows, PLOTS.len(), "{at}");
                let beside = match l.histogram {
                    HistogramPlace::Beside => HISTOGRAM_WIDTH + space.gap_x,
                    HistogramPlace::Toggle => 0.0,
                };
                let across = l.columns as f32 * l.plot_width + (l.columns - 1) as f32 * space.gap_x;
                assert!((across + beside - width).abs() < 0.01, "{at}");
                let down = l.rows as f32 * l.plot_height
                    + l.legend_heights.iter().sum::<f32>()
                    + (l.rows - 1) as f32 * space.gap;
                if l.fits {
                    assert!(l.plot_width >= MIN_COLUMN_WIDTH, "{at}");
                    assert!(l.plot_height >= MIN_PLOT_HEIGHT, "{at}");
                    assert!(down <= height + 0.01, "{at}");
                    // Each row has room for at least one line of legend.
                    for legends in l.legend_heights[..l.rows].iter() {
                        assert!(*legends >= space.small_line, "{at}");
                    }
                } else {
                    assert_eq!(l.plot_height, MIN_PLOT_HEIGHT, "{at}");
                    assert_eq!(l.histogram, HistogramPlace::Toggle, "{at}");
                    let wider = l.columns * 2;
                    assert!(
                        wider > 4
                            || (width - (wider - 1) as f32 * space.gap_x) / (wider as f32)
                                < MIN_COLUMN_WIDTH,
                        "{at}"
                    );
                }
            }
        }
        let layout = |width, height| {
            plot_layout(&Space {
                width,
                height,
                gap_x: 8.0,
                gap: 4.0,
                line: 20.0,
                small_line: 16.0,
                legend_widths,
            })
        };
        let present = layout(270.0, 150.0);
        assert!(present.fits && present.columns == 2 && present.compact);
        assert_eq!(present.histogram, HistogramPlace::Toggle);
        let wide = layout(1_000.0, 250.0);
        assert!(wide.fits && !wide.compact, "{wide:?}");
        assert_eq!(wide.histogram, HistogramPlace::Beside);
        assert!(!layout(100.0, 40.0).fits);
    }

    /// The time axis labels round times as close as their labels allow, at every width.
    #[test]
    fn the_time_axis_has_several_labels() {
        // (seconds shown, plot width in points) → the labelled times.
        let cases: [(f64, f64, &[f64]); 4] = [
            (45.0, 130.0, &[0.0, 20.0, 40.0]),
            (
                45.0,
                600.0,
                &[0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0, 45.0],
            ),
            (3_600.0, 200.0, &[0.0, 1_000.0, 2_000.0, 3_000.0]),
            (0.5, 100.0, &[0.0, 0.2, 0.4]),
        ];
        for (span, width, expected) in cases {
            let input = GridInput {
                bounds: (0.0, span),
                base_step_size: f64::from(TIME_GRID_MIN) * span / width,
            };
            let marks = time_marks(input);
            let values: Vec<f64> = marks.iter().map(|m| m.value).collect();
            assert_eq!(
                values.len(),
                expected.len(),
                "{span} s over {width}: {values:?}"
            );
            for (v, e) in values.iter().zip(expected) {
                assert!((v - e).abs() < 1e-9, "{span} s over {width}: {values:?}");
            }
            for m in &marks {
                assert!(m.step_size * width / span >= f64::from(TIME_LABEL_SPACING));
            }
        }
        let none = GridInput {
            bounds: (1.0, 1.0),
            base_step_size: 0.1,
        };
        assert!(time_marks(none).is_empty());
    }

    /// The histogram's axis labels several round latencies whatever its range and width:
    /// 1-2-5 over a wide decade, 1-3 over a narrower one, decades, every few
    /// decades — never closer than a label's width (a range with no round latency in it,
    /// narrower than any bucket, has none).
    #[test]
    fn the_latency_axis_has_several_ticks() {
        // (from ms, to ms, axis width in points) → the labels.
        let cases: [(f64, f64, f64, &[&str]); 7] = [
            (50.0, 200.0, 200.0, &["50 ms", "100 ms", "200 ms"]),
            (
                20.0,
                3_000.0,
                210.0,
                &["30 ms", "100 ms", "300 ms", "1 s", "3 s"],
            ),
            (
                20.0,
                3_000.0,
                600.0,
                &["20 ms", "50 ms", "100 ms", "200 ms", "500 ms", "1 s", "2 s"],
            ),
            (0.5, 5_000.0, 210.0, &["1 ms", "10 ms", "100 ms", "1 s"]),
            (0.01, 1e6, 100.0, &["1 ms", "10 s"]),
            (
                0.01,
                1e6,
                210.0,
                &["10 µs", "1 ms", "100 ms", "10 s", "1,000 s"],
            ),
            (80.0, 90.0, 210.0, &[]),
        ];
        for (lo, hi, width, expected) in cases {
            let bounds = (f64::log10(lo), f64::log10(hi));
            let input = GridInput {
                bounds,
                base_step_size: f64::from(HISTOGRAM_GRID_MIN) * (bounds.1 - bounds.0) / width,
            };
            let marks = log_125_marks(input);
            let labels: Vec<String> = marks
                .iter()
                .map(|m| latency_tick(10f64.powf(m.value)))
                .collect();
            assert_eq!(labels, expected, "{lo}–{hi} ms over {width} points");
            let per_point = width / (bounds.1 - bounds.0);
            for m in &marks {
                assert!(
                    m.step_size * per_point >= f64::from(LATENCY_LABEL_WIDTH),
                    "{lo}–{hi} ms over {width} points"
                );
            }
        }
        let empty = GridInput {
            bounds: (5f64.log10(), 5f64.log10()),
            base_step_size: 0.01,
        };
        assert!(log_125_marks(empty).is_empty());
    }
}
