//! The run dashboard (egui_plot): a summary of the whole run — the ledger, cost, the
//! always-on server comparison — and, for the nodes selected on the canvas (the watched
//! nodes), small time-series plots sharing one x axis in virtual seconds plus a latency
//! histogram. Read-only: it draws what the caller hands it.

use super::node_names::NodeNames;
use super::versions::{self, VersionHistories};
use crate::host::Watched;
use crate::model::NodeId;
use crate::sim::{Ledger, Series, Snapshot};
use crate::ui::message::{ExportKind, PanelAction};
use crate::ui::shell::format::{fmt_count, fmt_time, fmt_usd};
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

/// One line of the ledger table.
#[derive(Clone, Debug, PartialEq)]
pub struct LedgerRow {
    /// What it counts.
    pub label: &'static str,
    /// How many.
    pub value: u64,
    /// What it means.
    pub tooltip: &'static str,
    /// A part of the row above it (drawn indented).
    pub detail: bool,
}

/// The ledger as table rows: entered, completed, failed, DLQ, dropped (with its reasons),
/// in flight.
pub fn ledger_rows(l: &Ledger) -> Vec<LedgerRow> {
    let row = |label, value, tooltip, detail| LedgerRow {
        label,
        value,
        tooltip,
        detail,
    };
    let lost = l.throttled + l.rejected + l.expired + l.fault;
    vec![
        row(
            "In",
            l.entered,
            "Requests that entered from clients and schedules",
            false,
        ),
        row(
            "Messages",
            l.created,
            "Every message created: requests, writes, queue messages, deliveries, calls, retries to destinations",
            false,
        ),
        row(
            "Completed",
            l.completed,
            "Processed successfully (or stored)",
            false,
        ),
        row(
            "Failed",
            l.failed,
            "Processing failed and nothing was configured to catch the failure",
            false,
        ),
        row(
            "Errors returned",
            l.returned_error,
            "Calls between functions that failed, the error handed back to the calling function",
            true,
        ),
        row(
            "DLQ",
            l.dead_lettered,
            "Sent to a dead-letter queue or on-failure destination",
            false,
        ),
        row(
            "Dropped",
            lost,
            "Lost: throttled, rejected by a rate limit, expired or lost to a fault",
            false,
        ),
        row(
            "throttled",
            l.throttled,
            "Refused by a function's concurrency or scaling limit (429) with nobody to retry",
            true,
        ),
        row(
            "rejected",
            l.rejected,
            "Refused by an API's rate limit (429)",
            true,
        ),
        row(
            "expired",
            l.expired,
            "Too old: max event age, queue retention or an API integration timeout (504)",
            true,
        ),
        row("lost to faults", l.fault, "Lost to an injected fault", true),
        row(
            "In flight",
            l.in_flight,
            "Still waiting in a queue or being processed",
            false,
        ),
    ]
}

/// How the run's projected daily cost compares with an always-on server.
#[derive(Clone, Debug, PartialEq)]
pub enum ServerComparison {
    /// Nothing to compare yet (no time simulated, or no server price).
    Unknown,
    /// Serverless costs less per day, by this much ($), this many times less.
    ServerlessCheaper {
        /// $ per day saved.
        saving_usd: f64,
        /// Server cost ÷ serverless cost (infinite when serverless costs nothing).
        times: f64,
    },
    /// The server costs less per day, by this much ($).
    ServerCheaper {
        /// $ per day saved by the server.
        saving_usd: f64,
        /// Serverless cost ÷ server cost.
        times: f64,
    },
}

/// Compares a projected serverless cost per day with a server's.
pub fn compare_server(per_day_usd: f64, server_per_day_usd: f64) -> ServerComparison {
    if !per_day_usd.is_finite()
        || !server_per_day_usd.is_finite()
        || server_per_day_usd <= 0.0
        || per_day_usd < 0.0
    {
        return ServerComparison::Unknown;
    }
    if per_day_usd <= server_per_day_usd {
        ServerComparison::ServerlessCheaper {
            saving_usd: server_per_day_usd - per_day_usd,
            times: if per_day_usd > 0.0 {
                server_per_day_usd / per_day_usd
            } else {
                f64::INFINITY
            },
        }
    } else {
        ServerComparison::ServerCheaper {
            saving_usd: per_day_usd - server_per_day_usd,
            times: per_day_usd / server_per_day_usd,
        }
    }
}

/// The comparison in one sentence.
pub fn comparison_text(c: &ServerComparison) -> String {
    let times = |t: f64| {
        if t.is_finite() {
            format!("{t:.1}×")
        } else {
            "∞×".to_owned()
        }
    };
    match c {
        ServerComparison::Unknown => "No server comparison (no server price set)".to_owned(),
        ServerComparison::ServerlessCheaper {
            saving_usd,
            times: t,
        } => format!(
            "Serverless is cheaper by {}/day ({} less)",
            fmt_usd(*saving_usd),
            times(*t)
        ),
        ServerComparison::ServerCheaper {
            saving_usd,
            times: t,
        } => format!(
            "An always-on server is cheaper by {}/day (serverless costs {} as much)",
            fmt_usd(*saving_usd),
            times(*t)
        ),
    }
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
/// Room kept right of the summary's numbers so the scroll bar never covers them, points.
const SCROLL_BAR_ROOM: f32 = 12.0;

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

/// The run summary: time, ledger, cost and the server comparison, and the export menu.
pub fn summary_ui(ui: &mut egui::Ui, snapshot: Option<&Snapshot>, actions: &mut Vec<PanelAction>) {
    ui.horizontal(|ui| {
        ui.strong("Run summary");
        ui.menu_button("Export", |ui| {
            for kind in ExportKind::ALL {
                if ui
                    .add_enabled(snapshot.is_some(), egui::Button::new(kind.label()))
                    .on_hover_text(kind.description())
                    .clicked()
                {
                    actions.push(PanelAction::Export(kind));
                    ui.close();
                }
            }
        })
        .response
        .on_hover_text("Save the run's metrics as CSV or JSON");
    });
    let Some(s) = snapshot else {
        ui.label(egui::RichText::new("No run yet: press Run").weak());
        return;
    };
    ui.label(format!(
        "At {} · {} events",
        fmt_time(s.now),
        fmt_count(s.events)
    ));
    ui.add_space(4.0);
    egui::Grid::new("ledger grid")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for r in ledger_rows(&s.ledger) {
                ui.horizontal(|ui| {
                    if r.detail {
                        ui.add_space(12.0);
                        ui.label(egui::RichText::new(r.label).weak())
                    } else {
                        ui.label(r.label)
                    }
                    .on_hover_text(r.tooltip);
                });
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.add_space(SCROLL_BAR_ROOM);
                    ui.label(fmt_count(r.value)).on_hover_text(r.tooltip);
                });
                ui.end_row();
            }
        });
    if !s.ledger.balances() {
        ui.label(egui::RichText::new("The ledger does not balance").color(theme::FAILED))
            .on_hover_text("Messages created ≠ messages ended + in flight: please report this");
    }
    ui.add_space(6.0);
    ui.strong("Cost");
    egui::Grid::new("cost grid")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for (label, value, tip) in [
                ("Total", s.cost_usd, "What the run has cost so far"),
                (
                    "Per million requests",
                    s.cost_per_million_usd,
                    "Total cost ÷ requests that entered × 1,000,000",
                ),
                (
                    "Per day (projected)",
                    s.cost_per_day_usd,
                    "The cost so far scaled to 24 hours at the same load",
                ),
                (
                    "Always-on server per day",
                    s.server_per_day_usd,
                    "The server alternative from the project's pricing table",
                ),
            ] {
                ui.label(label).on_hover_text(tip);
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.add_space(SCROLL_BAR_ROOM);
                    ui.label(fmt_usd(value)).on_hover_text(tip);
                });
                ui.end_row();
            }
        });
    let c = if s.now == 0 {
        ServerComparison::Unknown
    } else {
        compare_server(s.cost_per_day_usd, s.server_per_day_usd)
    };
    let color = match c {
        ServerComparison::Unknown => ui.visuals().weak_text_color(),
        ServerComparison::ServerlessCheaper { .. } => theme::CHEAPER,
        ServerComparison::ServerCheaper { .. } => theme::DEARER,
    };
    let text = if s.now == 0 {
        "Run a while to compare with a server".to_owned()
    } else {
        comparison_text(&c)
    };
    ui.label(egui::RichText::new(text).color(color))
        .on_hover_text("Projected from the load so far; bursts and quiet hours change it");
    if !s.faults.is_empty() || !s.aborted_experiments.is_empty() {
        ui.add_space(6.0);
        ui.label(format!("{} fault(s) in force", s.faults.len()));
        for (name, t) in &s.aborted_experiments {
            ui.label(
                egui::RichText::new(format!("Experiment “{name}” aborted at {}", fmt_time(*t)))
                    .color(theme::DEARER),
            )
            .on_hover_text("Its stop condition ended it early");
        }
    }
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

/// Most points a plotted line keeps: a series holds up to 2,048, more than a small plot has
/// pixels, and tessellating them all cost several ms a frame.
pub const MAX_LINE_POINTS: usize = 200;

/// At most about `max` points of `points` (x ascending): each bucket of neighbours keeps its
/// lowest and highest point, in order, so spikes survive.
pub fn decimate(points: &[[f64; 2]], max: usize) -> Vec<PlotPoint> {
    let max = max.max(2);
    if points.len() <= max {
        return points.iter().map(|&p| p.into()).collect();
    }
    let bucket = points.len().div_ceil(max / 2);
    let mut out = Vec::with_capacity(max + 2);
    for chunk in points.chunks(bucket) {
        let (mut lo, mut hi) = (0, 0);
        for (i, p) in chunk.iter().enumerate() {
            if p[1] < chunk[lo][1] {
                lo = i;
            }
            if p[1] > chunk[hi][1] {
                hi = i;
            }
        }
        let (a, b) = (lo.min(hi), lo.max(hi));
        out.push(chunk[a].into());
        if b != a {
            out.push(chunk[b].into());
        }
    }
    out
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

    #[test]
    fn decimation_keeps_extremes_in_order() {
        let pts: Vec<[f64; 2]> = (0..2_048).map(|i| [i as f64, (i % 100) as f64]).collect();
        let d = decimate(&pts, MAX_LINE_POINTS);
        assert!(d.len() <= MAX_LINE_POINTS + 2, "{}", d.len());
        assert!(d.windows(2).all(|w| w[0].x < w[1].x));
        assert_eq!(d.iter().map(|p| p.y).fold(f64::MIN, f64::max), 99.0);
        assert_eq!(d.iter().map(|p| p.y).fold(f64::MAX, f64::min), 0.0);
        let few = decimate(&pts[..10], MAX_LINE_POINTS);
        assert_eq!(few.len(), 10);
        assert!(decimate(&[], 0).is_empty());
        let spike: Vec<[f64; 2]> = (0..1_000)
            .map(|i| [i as f64, if i == 777 { 1e9 } else { 1.0 }])
            .collect();
        assert!(decimate(&spike, 10).iter().any(|p| p.y == 1e9));
    }

    #[test]
    fn server_comparison() {
        assert_eq!(compare_server(1.0, 0.0), ServerComparison::Unknown);
        assert_eq!(compare_server(f64::NAN, 5.0), ServerComparison::Unknown);
        assert_eq!(
            compare_server(1.0, 4.0),
            ServerComparison::ServerlessCheaper {
                saving_usd: 3.0,
                times: 4.0
            }
        );
        assert_eq!(
            compare_server(10.0, 4.0),
            ServerComparison::ServerCheaper {
                saving_usd: 6.0,
                times: 2.5
            }
        );
        assert_eq!(
            comparison_text(&compare_server(0.0, 2.0)),
            "Serverless is cheaper by $2.00/day (∞× less)"
        );
        assert_eq!(
            comparison_text(&compare_server(10.0, 4.0)),
            "An always-on server is cheaper by $6.00/day (serverless costs 2.5× as much)"
        );
    }

    #[test]
    fn ledger_rows_add_up() {
        let p = crate::project::synthetic::pipeline(7);
        let mut sim =
            crate::sim::Simulation::new(&p, crate::sim::SimConfig::from_project(&p)).unwrap();
        sim.run_until(5 * crate::sim::SEC);
        let l = sim.snapshot().ledger;
        let rows = ledger_rows(&l);
        let top: u64 = rows
            .iter()
            .filter(|r| !r.detail && r.label != "In" && r.label != "Messages")
            .map(|r| r.value)
            .sum();
        let returned = rows.iter().find(|r| r.label == "Errors returned").unwrap();
        assert_eq!(
            top + returned.value,
            l.created,
            "the rows account for every message"
        );
        assert!(l.entered > 0);
    }
}
