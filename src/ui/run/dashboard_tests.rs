//! Tests of the dashboard: columns, plot layout by the space there is, axis marks.

use super::*;
use crate::sim::Point;
use egui_plot::{GridInput, GridMark};

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
    let cases: [(f64, f64, &[f64]); 6] = [
        (45.0, 130.0, &[0.0, 15.0, 30.0, 45.0]),
        (
            45.0,
            600.0,
            &[0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0, 45.0],
        ),
        (3_600.0, 200.0, &[0.0, 900.0, 1_800.0, 2_700.0, 3_600.0]),
        (0.5, 100.0, &[0.0, 0.2, 0.4]),
        (
            9_000.0,
            300.0,
            &[0.0, 1_800.0, 3_600.0, 5_400.0, 7_200.0, 9_000.0],
        ),
        (
            30.0 * 86_400.0,
            200.0,
            &[0.0, 10.0 * 86_400.0, 20.0 * 86_400.0, 30.0 * 86_400.0],
        ),
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
    // Each label in its step's unit.
    let tick = |value: f64, step_size: f64| time_tick(GridMark { value, step_size });
    for (value, step, text) in [
        (0.0, 900.0, "0"),
        (45.0, 15.0, "45 s"),
        (1_000.0, 1_000.0, "1,000 s"),
        (0.4, 0.2, "0.4 s"),
        (2_700.0, 900.0, "45 min"),
        (5_400.0, 1_800.0, "90 min"),
        (7_200.0, 3_600.0, "2 h"),
        (3_600.0, 900.0, "60 min"),
        (10.0 * 86_400.0, 5.0 * 86_400.0, "10 d"),
    ] {
        assert_eq!(tick(value, step), text, "{value} at step {step}");
    }
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
