//! Where the dashboard's plots go: how many across, their heights, the histogram beside
//! them or behind a toggle, and the time axis's marks — pure functions of the space there is,
//! tested without a window.

use super::dashboard::PLOTS;
use egui_plot::{GridInput, GridMark};

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
pub(super) const TIME_GRID_MIN: f32 = 8.0;

/// Steps of the time axis from a second to a day, seconds: round on a clock (15 s, 5 min,
/// 2 h), so long runs read in minutes and hours.
const CLOCK_STEPS: [f64; 18] = [
    1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1_800.0, 3_600.0, 7_200.0,
    10_800.0, 21_600.0, 43_200.0, 86_400.0,
];

/// Grid marks of the time axis at the roundest step that leaves each label
/// [`TIME_LABEL_SPACING`] points — 1, 2 or 5 × 10ⁿ below a second, a clock's steps up to a
/// day ([`CLOCK_STEPS`]), 1, 2 or 5 × 10ⁿ days beyond: a 45 s run in a 130-point plot reads
/// "0 s, 15 s, 30 s, 45 s", an hour "15 min, 30 min, 45 min", where egui_plot's powers of
/// ten would label only "0 s" or "3,000 s".
pub fn time_marks(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo || input.base_step_size <= 0.0 {
        return Vec::new();
    }
    let per_second = f64::from(TIME_GRID_MIN) / input.base_step_size;
    let least = f64::from(TIME_LABEL_SPACING) / per_second;
    let one_two_five = |least: f64| {
        let decade = 10f64.powf(least.log10().floor());
        [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .map(|m| m * decade)
            .find(|&s| s >= least)
            .unwrap_or(10.0 * decade)
    };
    let step = if least <= 1.0 {
        one_two_five(least)
    } else if let Some(&s) = CLOCK_STEPS.iter().find(|&&s| s >= least) {
        s
    } else {
        86_400.0 * one_two_five(least / 86_400.0)
    };
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

/// A time axis label in the unit of its step: "45 s", "15 min", "2 h", "3 d" (0 is "0").
pub fn time_tick(m: GridMark) -> String {
    let (v, step) = (m.value, m.step_size);
    let whole = |unit: f64| (v / unit).round();
    let on = |unit: f64| step >= unit && (v - whole(unit) * unit).abs() < 1e-6 * unit;
    if v == 0.0 {
        "0".to_owned()
    } else if on(86_400.0) {
        format!(
            "{} d",
            crate::ui::shell::format::fmt_number(whole(86_400.0), 0)
        )
    } else if on(3_600.0) {
        format!("{} h", whole(3_600.0))
    } else if on(60.0) {
        format!("{} min", whole(60.0))
    } else {
        format!("{} s", super::axes::tick_text(m))
    }
}
/// How much wider than tall a plot reads best: the layout weighs a plot's height by this
/// against its width.
pub(super) const PLOT_ASPECT: f32 = 2.5;
/// Height of a "By version" row relative to the other plots' (it is what a deploy is
/// watched for).
pub(super) const VERSION_ROW_SHARE: f32 = 1.5;
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
