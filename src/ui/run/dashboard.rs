//! The run dashboard (egui_plot): the run summary (`summary.rs`) and, for the nodes selected
//! on the canvas (the watched nodes), small time-series plots sharing one x axis in virtual
//! seconds plus a latency histogram. Read-only: it draws what the caller hands it.

pub use super::axes::*;
use super::node_names::NodeNames;
use super::plot::{MAX_LINE_POINTS, decimate};
pub use super::plot_layout::*;
use super::summary::summary_ui;
use super::versions::{self, VersionHistories};
use crate::host::Watched;
use crate::model::NodeId;
use crate::sim::{Series, Snapshot};
use crate::ui::message::PanelAction;
use crate::ui::shell::format::{fmt_count, fmt_usd, plural};
use crate::ui::shell::theme::{self, Metric};
use egui_plot::{AxisHints, Bar, BarChart, Line, Plot, PlotPoint, PlotPoints, VLine};

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
pub(super) const PLOTS: [(&str, &str, &[PlotLine]); 4] = [
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
                    .formatter(|m, _| time_tick(m))
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
#[path = "dashboard_tests.rs"]
mod tests;
